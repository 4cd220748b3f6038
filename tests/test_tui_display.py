"""What the screen shows: the answer marked in the list, small terminals, long notices."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from textual.content import Content
from test_tui_helpers import app_for, ask, screen_text, settle

from kqa.tui.text import ANSWER_STYLE, MATCH_STYLE
from kqa.tui.widgets import ResultList

MOSCOW = "Who hosted the January 11 meeting in Moscow?"


def styled(content: Content, style: str) -> set[int]:
    """The character offsets that carry `style`."""
    return {i for span in content.spans if str(span.style) == style for i in range(span.start, span.end)}


async def test_result_list_marks_the_answer_sentence_and_the_words(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(app, pilot, MOSCOW)
        results = app.query_one(ResultList)
        hit = results.hits[0]
        prompt = results.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        answer = " ".join(hit.answer_text.split())
        at = prompt.plain.index(answer[:40])
        answer_chars = styled(prompt, ANSWER_STYLE)
        assert set(range(at, at + 40)) <= answer_chars  # the answer sentence is marked...
        passage_at = prompt.plain.rindex("\n") + 1
        assert at - passage_at > 5 and not answer_chars & set(range(passage_at, at - 1))  # ... not the words before it
        marked = {prompt.plain[s.start : s.end] for s in prompt.spans if str(s.style) == MATCH_STYLE}
        assert {"hosted", "January"} <= marked  # ... and the question words still are


async def test_long_no_results_notice_fits_and_keeps_its_hint(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, " ".join(f"flurble{n} zorgblat{n}" for n in range(100)))
        notice, body = app.query_one("#notice"), app.query_one("#body")
        assert body.region.contains_region(notice.region)  # no longer runs under the status line
        shown = " ".join(screen_text(app).split())  # wrapped lines joined
        assert "No results for" in shown and "None of its words are in the corpus" in shown
        assert "check the spelling or try other words" in shown  # the advice stays in view


async def test_short_terminal_article_header_is_one_line_and_text_shows(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(40, 10)) as pilot:
        await ask(app, pilot, MOSCOW)
        hit = app.query_one(ResultList).hits[0]
        await pilot.press("enter")
        await pilot.pause()
        scroll = app.query_one("#reader-scroll").region
        assert scroll.height >= 3 and app.screen.region.contains_region(scroll)
        shown = screen_text(app)
        assert hit.article["title"][:7] in shown and "CDMedia · 2021-01-12" in shown  # the header keeps the title...
        assert hit.path not in shown  # ... drops the path
        shown = " ".join(shown.replace("█", " ").split())  # wrapped lines joined, no passage bar
        assert " ".join(hit.answer_text.split()[:4]) in shown  # and the answer in the passage is in view
    tall = app_for(bundled_copy, tmp_path)
    async with tall.run_test(size=(80, 24)) as pilot:
        await ask(tall, pilot, MOSCOW)
        await pilot.press("enter")
        await pilot.pause()
        assert tall.query_one("#reader-head").region.height >= 3  # a normal terminal keeps the full header
        assert not tall.query_one("#reader-head-short").region.area


@pytest.mark.parametrize("size", [(70, 19), (40, 12)])
async def test_short_terminal_article_header_shortens_the_title_not_the_source_and_date(
        bundled_copy: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    """`Armenia – Azerbaijan: Why Is Putin twisting Pashinyan’s arm? · CDMe…`: cut from the
    right, the one-line header lost the date and the source, what a citation needs."""
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter")
        await pilot.pause()
        head = app.query_one("#reader-head-short")
        line = screen_text(app).splitlines()[head.region.y]
        assert line.rstrip().endswith("· CDMedia · 2021-01-12") and "Armenia" in line and "…" in line


async def test_spelling_corrections_are_said_in_the_status_and_the_notice(bundled_copy: Path, tmp_path: Path) -> None:
    from kqa.filters import Filters

    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press(*"Who is Pashinian?", "enter")
        await settle(app, pilot)
        assert app.query_one(ResultList).hits
        assert "searched for 'pashinyan' (not 'pashinian')" in screen_text(app).splitlines()[-2]  # the status line
        app.set_filters(Filters.parse(None, "2030", None))  # no results: the notice says it too
        await settle(app, pilot)
        notice = " ".join(screen_text(app).split())
        assert "No results for" in notice and "Searched for 'pashinyan' (not 'pashinian')." in notice


async def test_status_says_indexing_during_the_first_build(bundled_copy: Path, tmp_path: Path) -> None:
    import threading

    from kqa.engine import Location, open_searcher
    from kqa.tui.app import KqaApp

    go = threading.Event()

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        assert go.wait(10)
        return open_searcher(Location(bundled_copy, tmp_path / "ix"), rebuild=rebuild)

    app = KqaApp(opener=opener)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "building the index" in screen_text(app).splitlines()[-2]  # the status line
        go.set()
        await settle(app, pilot)
        assert "5 articles" in screen_text(app).splitlines()[-2]



async def test_build_progress_stays_one_line_on_a_narrow_terminal(bundled_copy: Path, tmp_path: Path) -> None:
    from kqa.engine import Location, open_searcher
    from kqa.tui.app import KqaApp

    go = threading.Event()

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        progress(2, 5)
        assert go.wait(10)
        return open_searcher(Location(bundled_copy, tmp_path / "ix"), rebuild=rebuild)

    app = KqaApp(opener=opener)
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        label = app.query_one("#indexing-label")
        assert label.region.height == 1 and "Indexing 2/5 files" in screen_text(app)  # was a letter a row
        assert "Type a question" in screen_text(app)  # the welcome is not pushed out
        go.set()
        await settle(app, pilot)

async def test_narrow_status_shows_the_answer_before_the_index(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(50, 20)) as pilot:
        await ask(app, pilot, MOSCOW)
        assert "5 results in" in screen_text(app).splitlines()[-2]
        await ask(app, pilot, "xyzzyplugh")
        assert "no results: none of its words" in screen_text(app).splitlines()[-2]


async def test_narrow_status_keeps_the_corrected_spelling(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press(*"Who is Pashinian?", "enter")
        await settle(app, pilot)
        assert "searched for 'pashinyan'" in screen_text(app).splitlines()[-2]  # the status line, cut at 40 columns


async def test_one_article_is_counted_in_the_singular(tmp_path: Path) -> None:
    from kqa.engine import Location
    from kqa.tui.launch import create_app

    corpus = tmp_path / "one"
    corpus.mkdir()
    sentences = " ".join(f"The harbour strike entered day {n} as talks on pay resumed." for n in range(60))
    (corpus / "strike.txt").write_text(f"Harbour strike\n\n{sentences}\n", "utf-8")
    app = create_app(Location(corpus, tmp_path / "ix"))
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.pause()
        assert str(app.query_one("#status").render()).startswith("1 article · ")
        assert any(n.message.startswith("Indexed 1 article, ") for n in app._notifications)


async def test_status_line_keeps_the_index_age_true_while_idle(bundled_copy: Path, tmp_path: Path,
                                                                monkeypatch) -> None:  # noqa: ANN001
    from kqa.tui.app import KqaApp

    monkeypatch.setattr(KqaApp, "STATUS_TICK", 0.05)
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "index built just now" in screen_text(app).splitlines()[-2]
        app.searcher.index.manifest["built_at"] -= 2 * 3600  # two hours pass, nothing pressed
        await pilot.pause(0.2)
        assert "index built 2 h ago" in screen_text(app).splitlines()[-2]


async def test_clear_filters_with_none_set_says_so(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.action_clear_filters()  # the palette's command, always listed
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["No filters are set."]


async def test_an_overlong_title_is_shortened_in_the_list_so_the_passage_shows(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    title = "Parliament votes on the extraordinarily long and winding omnibus budget " * 6
    (corpus / "a.md").write_text(f"---\ntitle: {title.strip()}\n---\nThe omnibus budget for the fisheries "
                                 "passed on Friday after a long night of votes in parliament.\n", "utf-8")
    app = app_for(corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "omnibus fisheries")
        shown = screen_text(app)
        assert "passed on Friday" in shown  # the passage is on screen, under a title cut with …
        assert "…" in shown and shown.count("extraordinarily") <= 2
