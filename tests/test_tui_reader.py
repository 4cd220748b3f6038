"""Where the article opens and stays: the answer sentence in view, across resizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_of
from test_tui_helpers import app_for, ask, screen_text, settle

from kqa.tui.widgets import ArticleScroll, Reader, ResultList

MOSCOW = "Who hosted the January 11 meeting in Moscow?"


def passage_in_view(app) -> bool:  # noqa: ANN001 - a KqaApp
    scroll, passage = app.query_one(ArticleScroll), app.query_one("#reader-passage")
    top, height = passage.virtual_region.y, passage.virtual_region.height
    return top < scroll.scroll_y + scroll.scrollable_content_region.height and top + height > scroll.scroll_y


async def test_small_terminal_scrolls_to_the_answer_sentence_of_a_tall_passage(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        hit = app.query_one(Reader).hit
        assert hit is not None and hit.answer_start > hit.start  # the answer is not the passage's first sentence
        shown = " ".join(screen_text(app).replace("█", " ").split())  # wrapped lines joined, no passage bar
        assert " ".join(hit.text.split()[:4]) not in shown  # the passage's first words are above the view...
        assert " ".join(hit.answer_text.split()[:6]) in shown  # ... so that the answer sentence is in it


async def test_the_passage_stays_in_view_across_resizes(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert passage_in_view(app)
        for size in ((60, 20), (200, 60), (120, 30)):
            await pilot.resize_terminal(*size)
            await settle(app, pilot)
            assert passage_in_view(app), size


async def test_a_resize_leaves_the_article_where_the_user_scrolled(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await pilot.press("home")  # the user goes to the start of the article
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        assert app.query_one(ArticleScroll).scroll_y == 0 and not passage_in_view(app)


async def test_the_headline_shows_once_in_the_reader(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:  # the article covers the list, whose titles would count
        await ask(app, pilot, "Nagorno-Karabakh peacekeepers")
        await pilot.press("enter")
        await settle(app, pilot)
        hit = app.query_one(Reader).hit
        assert hit is not None and hit.start > 200  # there is article text above the passage
        await pilot.press("home")
        shown = screen_text(app)
        assert shown.count(hit.article["title"][:30]) == 1  # in the header, not again as the article's first line


async def test_reopening_after_escape_still_follows_the_answer_across_resizes(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("down", "enter", "escape", "down", "enter")  # hit 2, back, then hit 3
        await settle(app, pilot)
        scroll, hit = app.query_one(ArticleScroll), app.query_one(Reader).hit
        assert hit is not None and hit.rank == 3
        placed = scroll.scroll_y
        await pilot.resize_terminal(77, 12)
        await settle(app, pilot)
        shown = " ".join(screen_text(app).replace("█", " ").split())
        assert " ".join(hit.answer_text.split()[:2]) in shown  # the user never scrolled: the answer stays in view
        await pilot.resize_terminal(40, 12)
        await settle(app, pilot)
        assert scroll.scroll_y == placed


async def test_a_markdown_or_json_lines_headline_is_not_shown_twice(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path / "hl", {
        "strike.md": "# Harbour strike ends after talks\n\nDock workers in the northern harbour ended their strike on Monday.\n",
        "fees.jsonl": '{"title": "Harbour fees rise", "text": "Harbour fees rise\\n\\nThe harbour authority raised fees on Tuesday.",'
                      ' "source": "Wire", "date": "2024-02-02"}\n',
    })
    app = app_for(corpus, tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        await ask(app, pilot, "harbour")
        results = app.query_one(ResultList)
        assert len(results.hits) == 2
        for index, hit in enumerate(results.hits):
            results.highlighted = index
            results.focus()
            await pilot.press("enter")
            await settle(app, pilot)
            reader = app.query_one(Reader).region
            shown = "\n".join(line[reader.x :] for line in screen_text(app).splitlines()[reader.y : reader.bottom])
            assert shown.count(hit.article["title"]) == 1, shown  # in the header only
            await pilot.press("escape")


@pytest.mark.parametrize("text", [
    "---\ntitle: Peace talks resume\n---\n\nPeace talks resume\n\n",  # a blank line after the front matter
    "---\ntitle: Peace talks resume\n---\nPEACE TALKS RESUME\n\n",  # another case
    "---\ntitle: Peace talks’ resume\n---\nPeace talks' resume\n\n",  # another apostrophe
    "## Peace talks resume ##\n\n",  # closing Markdown marks
])
async def test_a_headline_the_indexer_recognises_is_not_shown_again(tmp_path: Path, text: str) -> None:
    """The reader starts the article where the indexer found the headline's end."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text(text + "The quorum of ministers met in Yerevan to discuss the border and agreed "
                                 "to meet again within a month to continue work on the accord.\n", "utf-8")
    app = app_for(corpus, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(app, pilot, "quorum")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.query_one(Reader).hit is not None
        before = str(app.query_one("#reader-before").render())
        assert "peace talks" not in before.lower(), before


async def test_a_long_headline_or_source_leaves_the_facts_to_cite_on_screen(tmp_path: Path) -> None:
    corpus = tmp_path / "long"
    corpus.mkdir()
    url = "https://example.com/" + "x" * 150
    (corpus / "long.md").write_text(
        "---\ntitle: " + "A very long headline about the harbour strike talks " * 4 + "\n"
        "source: The Extraordinarily Long Named Regional Evening Chronicle and Gazette of the Northern Coast\n"
        f"author: Jane Doe\ndate: 2023-05-04\nurl: {url}\n---\nThe harbour strike ended on Tuesday.\n", "utf-8")
    app = app_for(corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "harbour strike")
        await pilot.press("enter")
        await settle(app, pilot)
        shown = screen_text(app)
        facts = next(line for line in shown.splitlines() if "2023-05-04" in line)  # was cut off under the title
        assert "The Extraordinarily Long Named" in facts and "…" in facts
        assert str(corpus / "long.md") in shown  # the path
        assert "https://example.com/xxxx" in shown and "x…" in shown  # the URL, cut visibly
        title = [line for line in shown.splitlines() if "strike talks" in line or "headline about" in line]
        assert len(title) == 2 and title[1].rstrip().endswith("…")  # two lines, the cut shown
        await pilot.press("ctrl+y")
        assert app.clipboard.endswith(f"({url})")  # the citation gives the web address
        await pilot.resize_terminal(50, 24)  # narrow: the source gives way to the date
        await settle(app, pilot)
        facts = next(line for line in screen_text(app).splitlines() if "The Extra" in line)
        assert "… · 2023-05-04 · by Jane Doe" in facts
        await pilot.resize_terminal(140, 24)  # wide again: more of the source comes back
        await settle(app, pilot)
        facts = next(line for line in screen_text(app).splitlines() if "The Extra" in line)
        assert "Regional Evening" in facts and "… · 2023-05-04 · by Jane Doe" in facts


async def test_a_long_path_keeps_the_file_name_in_view(tmp_path: Path) -> None:
    corpus = tmp_path / ("newsroom-archive-of-the-caucasus-desk-" * 3) / "sources"
    corpus.mkdir(parents=True)
    (corpus / "harbour_0042.txt").write_text("Harbour news\n\nThe harbour strike ended on Tuesday.\n", "utf-8")
    app = app_for(corpus, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "harbour strike")
        await pilot.press("enter")
        await settle(app, pilot)
        path = next(line for line in screen_text(app).splitlines() if "harbour_0042.txt" in line)  # was cut off
        assert path.strip().startswith("…") and path.rstrip().endswith("sources/harbour_0042.txt")


async def test_a_pagers_keys_move_or_close_the_article_and_leave_the_question_alone(
        bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(90, 24)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter")
        await settle(app, pilot)
        scroll = app.query_one(ArticleScroll)
        assert app.focused is scroll and scroll.max_scroll_y > 0
        await pilot.press("G")
        await settle(app, pilot)
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        await settle(app, pilot)
        assert scroll.scroll_y == 0
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.focused, ResultList) and not app.query_one(Reader).display
        assert app.query_one("#question").value == MOSCOW  # no letter went on the question


async def test_n_and_shift_n_step_through_the_matched_words_as_in_less(bundled_copy: Path, tmp_path: Path) -> None:
    # a pager user's n / N went on the question, which re-ran it and closed the article
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(90, 24)) as pilot:
        await ask(app, pilot, "Nakhchivan railway")
        await pilot.press("enter", "g")
        await settle(app, pilot)
        scroll = app.query_one(ArticleScroll)
        tops = [scroll.scroll_y]
        for _ in range(30):
            await pilot.press("n")
            await settle(app, pilot)
            if scroll.scroll_y == tops[-1]:
                break  # no match further down (or the end of the article)
            tops.append(scroll.scroll_y)
            line = screen_text(app).splitlines()[scroll.content_region.y + 2].lower()  # the match, two lines of context above
            assert "nakhchivan" in line or "railway" in line, line
        assert len(tops) >= 4 and tops == sorted(tops)
        await pilot.press("N")
        await settle(app, pilot)
        assert scroll.scroll_y == tops[-2]  # back to the previous match
        assert app.query_one("#question").value == "Nakhchivan railway" and app.focused is scroll


async def test_o_opens_the_web_address_or_copies_it_where_no_browser_can_show(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    url = "https://example.com/news/harbour-strike"
    (corpus / "a.md").write_text(f"---\ntitle: Harbour strike\nurl: {url}\n---\nThe harbour strike ended on Tuesday.\n",
                                 "utf-8")
    (corpus / "b.md").write_text("---\ntitle: Ferry\nurl: javascript:alert(1)\n---\nThe ferry strike went on.\n", "utf-8")
    opened: list[str] = []
    for display, expected in ((":0", "opened"), (None, "copied")):
        monkeypatch.setattr("sys.platform", "linux")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        if display:
            monkeypatch.setenv("DISPLAY", display)
        else:
            monkeypatch.delenv("DISPLAY", raising=False)
        app = app_for(corpus, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            monkeypatch.setattr(app, "open_url", lambda address, **kw: opened.append(address))
            await ask(app, pilot, "harbour strike")
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("o")
            await settle(app, pilot)
            if expected == "opened":
                assert opened == [url] and app.clipboard == ""
            else:  # over SSH: a text browser would start in this terminal, over the app
                assert opened == [url] and app.clipboard == url
            assert app.query_one("#question").value == "harbour strike"
            await ask(app, pilot, "ferry strike")
            await pilot.press("enter", "o")
            await settle(app, pilot)
            assert opened == [url]  # not a web address: nothing run
