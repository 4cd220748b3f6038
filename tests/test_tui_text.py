"""Article text is shown as text: markup and escape sequences are never interpreted."""

from __future__ import annotations

from pathlib import Path

from test_tui_helpers import app_for, ask, settle, text_of

from kqa.tui.history import History
from kqa.tui.text import clean, snippet
from kqa.tui.widgets import ResultList

HOSTILE = (
    "---\ntitle: [bold]Zeppelin[/bold] news [link=https://evil.example]here[/link]\n"
    "source: [red]Wire[/red]\ndate: 2024-02-03\n---\n"
    "The zeppelin landed. [bold]Not bold[/bold] and [link=https://evil.example]not a link[/link] "
    "and \x1b[31mnot red\x1b[0m and a bell\x07 here.\n\nA second paragraph about the zeppelin crew.\n"
)


async def test_markup_and_escapes_in_articles_are_shown_literally(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "hostile.txt").write_text(HOSTILE, "utf-8")
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(app, pilot, "zeppelin landed")
        results = app.query_one(ResultList)
        assert results.hits[0].article["relpath"] == "hostile.txt"
        listed = str(results.get_option_at_index(0).prompt)
        assert "[bold]Zeppelin[/bold] news [link=https://evil.example]here[/link]" in listed
        assert "[red]Wire[/red]" in listed
        await pilot.press("enter")
        await settle(app, pilot)
        passage = text_of(app, "#reader-passage")
        assert "[bold]Not bold[/bold]" in passage and "[link=https://evil.example]not a link[/link]" in passage
        assert "\x1b" not in passage and "\x07" not in passage
        assert "␛[31mnot red␛[0m" in passage
        assert "[bold]Zeppelin[/bold]" in text_of(app, "#reader-head")
        await pilot.press("ctrl+y")
        assert "[bold]Not bold[/bold]" in app.clipboard


def test_clean_keeps_offsets_and_newlines() -> None:
    raw = "a\x1b[1mb\tc\r\nd\x9be"
    shown = clean(raw)
    assert len(shown) == len(raw) and "\n" in shown
    assert all(ch == "\n" or ch.isprintable() for ch in shown)


def test_snippet_keeps_the_first_match_in_view() -> None:
    text = "word " * 200 + "needle " + "word " * 200
    start = text.index("needle")
    window, spans, answer = snippet(text, [(start, start + 6)], 120)
    assert len(window) <= 122 and window.startswith("…") and window.endswith("…")
    assert [window[s:e] for s, e in spans] == ["needle"] and answer is None


def test_snippet_starts_near_the_answer_and_clips_it_to_the_window() -> None:
    text = "word " * 100 + "The answer is here. " + "word " * 100
    start = text.index("The answer")
    window, _, answer = snippet(text, [], 120, (start, start + 19))
    assert answer is not None and window[answer[0] : answer[1]] == "The answer is here."
    _, _, long = snippet(text, [], 40, (start, len(text)))  # an answer longer than the window
    assert long is not None and long[1] <= 41


def test_history_file_is_deduplicated_and_capped(tmp_path: Path) -> None:
    path = tmp_path / "h" / "history.txt"
    history = History(path, limit=3)
    for q in ("a", "b", "a", "c", "d"):
        history.add(q)
    assert History(path, limit=3).items == ["a", "c", "d"]
    assert history.older("draft") == "d" and history.older("") == "c"
    assert history.newer() == "d" and history.newer() == "draft"


def test_history_keeps_the_questions_of_two_open_windows(tmp_path: Path) -> None:
    path = tmp_path / "history.txt"
    path.write_text("".join(f"old {i}\n" for i in range(500)), "utf-8")
    a, b = History(path), History(path)  # two kqa windows, the history full
    b.add("asked in window B")
    a.add("asked in window A")
    assert History(path).items[-2:] == ["asked in window B", "asked in window A"]
    for i in range(600):  # past the point where the file is compacted
        a.add(f"more {i}")
    kept = History(path).items
    assert kept[-1] == "more 599" and len(kept) == 500
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) <= 1000  # compacted from the file, not rewritten on every question
    b.add("asked in window B later")
    assert History(path).items[-1] == "asked in window B later"
    assert not list(tmp_path.glob(".history.txt.*"))  # no temporary file left

