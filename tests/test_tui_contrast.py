"""Contrast: matched words, titles and ranks stay readable in the dark and the
light theme, on plain rows, on the highlighted row and in the article.

The check walks what the terminal would show (the compositor's segments, with
the colours after blending) and computes WCAG contrast ratios.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color
from rich.segment import Segment
from test_tui_helpers import app_for, ask, settle

from kqa.tui.app import KqaApp
from kqa.tui.widgets import ResultList

MOSCOW = "Who hosted the January 11 meeting in Moscow?"
MIN_RATIO = 4.5  # WCAG AA for normal text


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(segment: Segment) -> float:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None, segment
    high, low = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (high + 0.05) / (low + 0.05)  # reverse video swaps the colours: the ratio is the same


def body_segments(app: KqaApp) -> list[Segment]:
    """The visible text segments of the list and the article."""
    body = app.query_one("#body").region
    strips = app.screen._compositor.render_strips()
    return [seg for strip in strips[body.y : body.bottom] for seg in strip if seg.text.strip() and seg.style]


def is_match(segment: Segment) -> bool:
    """Matched question words are bold and underlined (MATCH_STYLE); nothing else is both."""
    return bool(segment.style and segment.style.bold and segment.style.underline)


def on_option(segment: Segment, index: int | None) -> bool:
    """Whether the segment is part of result `index` (None: not in the list)."""
    assert segment.style is not None
    return (segment.style.meta or {}).get("option") == index


def assert_readable(segments: list[Segment], what: str) -> None:
    assert segments, f"no {what} on screen"
    worst = min(segments, key=contrast)
    assert contrast(worst) >= MIN_RATIO, f"{what} {worst.text!r}: {contrast(worst):.2f}:1 ({worst.style})"


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_matches_titles_and_ranks_are_readable(bundled_copy: Path, tmp_path: Path, theme: str) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await ask(app, pilot, MOSCOW)  # the list takes the focus, its first result highlighted
        await pilot.press("down")  # a plain row above the highlighted one
        await pilot.pause()
        results = app.query_one(ResultList)
        segments = body_segments(app)
        matches = [s for s in segments if is_match(s)]
        assert_readable([s for s in matches if on_option(s, 1)], "matched words on the highlighted row")
        assert_readable([s for s in matches if not on_option(s, 1)], "matched words on plain rows")
        ranks = [s for s in segments if s.text.strip() in {"1.", "2."}]
        assert_readable(ranks, "rank numbers")  # "2." sits on the highlighted row
        assert_readable([s for s in segments if s.style and s.style.bold], "titles and other bold text")

        await pilot.press("enter")  # the article opens beside the list, whose highlight is now unfocused
        await settle(app, pilot)
        assert results.highlighted == 1 and app.query_one("#reader").display
        segments = body_segments(app)
        matches = [s for s in segments if is_match(s)]
        assert_readable([s for s in matches if on_option(s, None)], "matched words in the article")
        assert_readable([s for s in matches if on_option(s, 1)], "matched words on the unfocused highlighted row")
        assert_readable([s for s in segments if s.style and s.style.bold], "titles and other bold text")
