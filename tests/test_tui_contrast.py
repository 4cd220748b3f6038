"""Contrast: matched words, titles, ranks and every other letter of the list
and the article stay readable in every built-in theme, on plain rows, on the
highlighted row (focused or not) and in the article.

The check walks what the terminal would show (the compositor's segments, with
the colours after blending) and computes WCAG contrast ratios. Colours left to
the terminal (the ANSI themes) are judged with the palette Textual assumes for
them (`App.ansi_theme`), the terminal's default pair included.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color, ColorType
from rich.segment import Segment
from rich.terminal_theme import TerminalTheme
from textual.color import Color as TextualColor
from textual.theme import BUILTIN_THEMES
from test_tui_helpers import app_for, ask, settle

from kqa.filters import Filters
from kqa.tui.app import KqaApp
from kqa.tui.palette import app_colors, css
from kqa.tui.widgets import ResultList

MOSCOW = "Who hosted the January 11 meeting in Moscow?"
MIN_RATIO = 4.5  # WCAG AA for normal text
THEMES = sorted(BUILTIN_THEMES)
GLYPHS = {chr(c) for c in range(0x2500, 0x25A0)} | {" "}  # box drawing and blocks: borders, bars, scrollbars


def luminance(color: Color, palette: TerminalTheme, foreground: bool) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor(palette, foreground=foreground)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(segment: Segment, palette: TerminalTheme) -> float:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None, segment
    lums = luminance(style.color, palette, True), luminance(style.bgcolor, palette, False)
    high, low = sorted(lums, reverse=True)
    return (high + 0.05) / (low + 0.05)  # reverse video swaps the colours: the ratio is the same


def body_segments(app: KqaApp) -> list[Segment]:
    """The visible text segments of the list and the article (not borders or scrollbars)."""
    body = app.query_one("#body").region
    strips = app.screen._compositor.render_strips()
    return [seg for strip in strips[body.y : body.bottom] for seg in strip
            if seg.style and not set(seg.text) <= GLYPHS]


def is_match(segment: Segment) -> bool:
    """Matched question words are bold and underlined (MATCH_STYLE); nothing else is both."""
    return bool(segment.style and segment.style.bold and segment.style.underline)


def on_option(segment: Segment, index: int | None) -> bool:
    """Whether the segment is part of result `index` (None: not in the list)."""
    assert segment.style is not None
    return (segment.style.meta or {}).get("option") == index


def assert_terminal_colours(app: KqaApp, segments: list[Segment]) -> None:
    """An ANSI theme leaves the colours to the terminal: the app adds none of its own."""
    if BUILTIN_THEMES[app.theme].ansi:
        for seg in segments:
            assert seg.style is not None
            colours = [c for c in (seg.style.color, seg.style.bgcolor) if c is not None]
            assert all(c.type != ColorType.TRUECOLOR for c in colours), f"{app.theme}: {seg.text!r} ({seg.style})"


def assert_readable(app: KqaApp, segments: list[Segment], what: str) -> None:
    assert segments, f"no {what} on screen"
    worst = min(segments, key=lambda s: contrast(s, app.ansi_theme))
    ratio = contrast(worst, app.ansi_theme)
    assert ratio >= MIN_RATIO, f"{app.theme}: {what} {worst.text!r}: {ratio:.2f}:1 ({worst.style})"


@pytest.mark.parametrize("theme", THEMES)
async def test_matches_titles_and_ranks_are_readable(bundled_copy: Path, tmp_path: Path, theme: str) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        assert set(app.available_themes) <= set(THEMES)  # every theme a user can pick is checked
        app.theme = "textual-light" if theme == "textual-dark" else "textual-dark"
        await ask(app, pilot, MOSCOW)  # the list takes the focus, its first result highlighted
        await pilot.press("down")  # a plain row above the highlighted one
        app.theme = theme  # chosen with results on screen (as from the palette): the colours follow
        await pilot.pause()
        results = app.query_one(ResultList)
        segments = body_segments(app)
        matches = [s for s in segments if is_match(s)]
        assert_readable(app, [s for s in matches if on_option(s, 1)], "matched words on the highlighted row")
        assert_readable(app, [s for s in matches if not on_option(s, 1)], "matched words on plain rows")
        ranks = [s for s in segments if s.text.strip() in {"1.", "2."}]
        assert_readable(app, ranks, "rank numbers")  # "2." sits on the highlighted row
        assert_readable(app, [s for s in segments if s.style and s.style.bold], "titles and other bold text")
        assert_readable(app, segments, "text in the list")
        assert_terminal_colours(app, segments)

        await pilot.press("enter")  # the article opens beside the list, whose highlight is now unfocused
        await settle(app, pilot)
        assert results.highlighted == 1 and app.query_one("#reader").display
        segments = body_segments(app)
        matches = [s for s in segments if is_match(s)]
        assert_readable(app, [s for s in matches if on_option(s, None)], "matched words in the article")
        assert_readable(app, [s for s in matches if on_option(s, 1)], "matched words on the unfocused highlighted row")
        assert_readable(app, [s for s in segments if s.style and s.style.bold], "titles and other bold text")
        assert_readable(app, segments, "text in the list and the article")
        assert_terminal_colours(app, segments)

        await pilot.resize_terminal(120, 16)  # short: the article's header is one line on its own background
        await pilot.pause()
        assert app.query_one("#reader-head-short").display
        segments = body_segments(app)
        assert_readable(app, segments, "text in the list and the article (short terminal)")
        assert_terminal_colours(app, segments)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_themes_that_already_read_keep_their_colours(theme: str) -> None:
    """The default themes passed before the colours were fitted: they look as they did."""
    variables = BUILTIN_THEMES[theme].to_color_system().generate()
    colours = app_colors(variables)
    assert colours["kqa-match"] == css(TextualColor.parse(variables["warning-darken-3"]).with_alpha(0.35))
    assert colours["kqa-passage"] == css(TextualColor.parse(variables["warning"]).with_alpha(0.10))
    assert colours["kqa-reader-short"] == css(TextualColor.parse(variables["primary"]).with_alpha(0.15))
    assert colours["kqa-cursor"] == css(TextualColor.parse(variables["block-cursor-background"]))
    assert colours["kqa-cursor-text"] == "#FFFFFF"  # what `auto 100%` drew on it
    assert colours["kqa-row-text"] == colours["kqa-reader-text"] == css(TextualColor.parse(variables["foreground"]))
    assert colours["kqa-muted"] == variables["text-muted"]


def region_segments(app: KqaApp, selector: str) -> list[Segment]:
    """The visible text segments inside one widget (its border's titles included)."""
    region = app.screen.query_one(selector).region
    out = []
    for strip in app.screen._compositor.render_strips()[region.y : region.bottom]:
        x = 0
        for seg in strip:
            if region.x <= x and x + seg.cell_length <= region.right and seg.style and not set(seg.text) <= GLYPHS:
                out.append(seg)
            x += seg.cell_length
    return out


@pytest.mark.parametrize("theme", THEMES)
async def test_the_question_status_line_and_footer_are_readable(bundled_copy: Path, tmp_path: Path,
                                                                theme: str) -> None:
    # Textual draws these in the theme's own colours, which read at 1.8:1 (footer keys in
    # atom-one-light), 3.7:1 (status line in catppuccin-frappe), 4.1:1 (the typed question in
    # solarized-dark), 1.6:1 (the filter bar in ansi-dark: its tint drawn as solid yellow)
    # before the app fitted them too
    app = app_for(bundled_copy, tmp_path, filters=Filters("Bloomberg", "2023", None))
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(app, pilot, MOSCOW)
        app.query_one("#question").focus()  # the typed question in the focused box
        app.theme = theme
        await pilot.pause()
        for selector, what in (("#question", "the question box"), ("#filters", "the filter bar"),
                               ("#status", "the status line"), ("KeyFooter", "the footer")):
            segments = region_segments(app, selector)
            assert segments or selector != "#filters", "the filter bar is not shown"
            assert_readable(app, segments, what)
            assert_terminal_colours(app, segments)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_help_and_the_filter_form_are_readable(bundled_copy: Path, tmp_path: Path, theme: str) -> None:
    # their border titles read at 2.6:1 (flexoki), the filter form's hints ("e.g. Reuters",
    # "YYYY, YYYY-MM or YYYY-MM-DD") at 2.3:1 (catppuccin-frappe) in the theme's own colours
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        for key, box, what in (("f1", "#help-box", "the help"), ("ctrl+f", "#filter-box", "the filter form")):
            await pilot.press(key)
            await pilot.pause()
            segments = region_segments(app, box)
            if BUILTIN_THEMES[theme].ansi:  # an input's hint is the terminal's own dim text there
                segments = [s for s in segments if not (s.style and s.style.dim)]
            assert_readable(app, segments, what)
            assert_terminal_colours(app, segments)
            await pilot.press("escape")
            await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
async def test_no_results_a_form_error_and_an_index_problem_are_readable(bundled_copy: Path, tmp_path: Path,
                                                                          theme: str) -> None:
    # in the theme's own colours: "no results" 2.1:1 (atom-one-light), the form's error 4.1:1 (nord),
    # the index problem panel 3.0:1 (ansi-dark, its tint drawn as solid red)
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await ask(app, pilot, "xyzzyplugh")
        segments = [s for s in region_segments(app, "#status") if "no results" in s.text]
        assert_readable(app, segments, "the status line's 'no results'")
        assert_terminal_colours(app, segments)
        await pilot.press("ctrl+f", "tab", *"2023-13", "enter")
        await pilot.pause()
        segments = region_segments(app, "#filter-error")
        assert_readable(app, segments, "the filter form's error")
        assert_terminal_colours(app, segments)

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        from kqa.errors import KqaError
        raise KqaError("no readable articles in /nowhere")

    app = KqaApp(opener=opener)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await settle(app, pilot)
        segments = region_segments(app, "#indexing")
        assert_readable(app, segments, "the index problem panel")
        assert_terminal_colours(app, segments)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
async def test_the_answer_sentence_stands_out_in_the_highlighted_result_too(bundled_copy: Path, tmp_path: Path,
                                                                         theme: str) -> None:
    """The highlighted row was bold all through, so its answer sentence, bold elsewhere, was
    not emphasised in the one result being read."""
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await ask(app, pilot, "Who hosted the January 11 meeting in Moscow?")
        results = app.query_one(ResultList)
        assert app.focused is results and results.highlighted == 0
        row = [s for s in body_segments(app) if on_option(s, 0) and s.text.strip()]
        plain = " ".join(s.text.strip() for s in row if not s.style.bold)  # type: ignore[union-attr]
        bold = " ".join(s.text.strip() for s in row if s.style.bold)  # type: ignore[union-attr]
        answer = results.hits[0].answer_text
        assert "On" in bold and answer.startswith("On ")  # the answer sentence, bold
        assert "regional arbiter." in plain  # the sentence before it, not
