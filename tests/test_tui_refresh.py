"""Ctrl+R refreshes the index without losing what the user is reading; a
quit stops a build."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from test_tui_helpers import ask, settle

from kqa.engine import Location, open_searcher
from kqa.index import load
from kqa.store import IndexMissing
from kqa.tui.launch import create_app
from kqa.tui.widgets import ArticleScroll, Reader, ResultList, passage_key

NEW_ARTICLE = "---\ntitle: Airship news\nsource: Aero Daily\ndate: 2024-05-01\n---\nA zeppelin flew over Yerevan.\n"


async def read_third_hit(app, pilot, scrolls: int = 2) -> tuple[Reader, ResultList, ArticleScroll]:  # noqa: ANN001
    """Ask, open the third result and scroll a little: the state a refresh must keep."""
    await settle(app, pilot)
    await ask(app, pilot, "peace deal")
    await pilot.press("down", "down", "enter", *["j"] * scrolls)
    await pilot.wait_for_scheduled_animations()  # j scrolls smoothly
    return app.query_one(Reader), app.query_one(ResultList), app.query_one(ArticleScroll)


@pytest.mark.parametrize("size", [(120, 30), (80, 24)])
async def test_refresh_with_nothing_changed_leaves_list_and_article_alone(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = create_app(Location(bundled_copy, tmp_path / "ix"))
    async with app.run_test(size=size) as pilot:
        reader, results, scroll = await read_third_hit(app, pilot, scrolls=3)
        hit, at = reader.hit, scroll.scroll_y
        assert hit is results.hits[2] and at > 0
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await settle(app, pilot)
        assert reader.display and reader.hit is hit and results.highlighted == 2
        assert scroll.scroll_y == at and isinstance(app.focused, ArticleScroll)


@pytest.mark.parametrize("size", [(120, 30), (80, 24)])
async def test_refresh_with_a_new_article_keeps_the_passage_being_read(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = create_app(Location(bundled_copy, tmp_path / "ix"))
    async with app.run_test(size=size) as pilot:
        reader, results, scroll = await read_third_hit(app, pilot)
        assert reader.hit is not None
        key, at = passage_key(reader.hit), scroll.scroll_y
        (bundled_copy / "new.txt").write_text(NEW_ARTICLE, "utf-8")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await settle(app, pilot)  # the refreshed searcher re-runs the question
        assert "6 articles" in str(app.query_one("#status").render())
        assert any(n.message.startswith("Index updated: 1 file read, 5 kept in ")  # was "Indexed 6 articles"
                   for n in app._notifications)
        assert results.current is not None and passage_key(results.current) == key
        assert reader.display and reader.hit is results.current  # the new answer's copy of the same passage
        assert isinstance(app.focused, ArticleScroll) and scroll.scroll_y == at  # where the user scrolled


@pytest.mark.parametrize("size", [(120, 30), (80, 24)])
async def test_refresh_after_an_edit_above_the_passage_keeps_it_open(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = create_app(Location(bundled_copy, tmp_path / "ix"))
    async with app.run_test(size=size) as pilot:
        reader, results, scroll = await read_third_hit(app, pilot)
        hit = reader.hit
        assert hit is not None
        above = scroll.scroll_y - app.query_one("#reader-passage").virtual_region.y
        file = bundled_copy / hit.article["relpath"]
        text = file.read_text("utf-8")
        assert text.index("Vladimir Putin") < text.index(hit.text)  # the edit moves the passage's offsets
        file.write_text(text.replace("Vladimir Putin", "Vladimir V. Putin", 1), "utf-8")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await settle(app, pilot)
        assert reader.display and reader.hit is results.current and reader.hit is not hit
        assert reader.hit.text == hit.text and reader.hit.start != hit.start and results.highlighted == 2
        assert isinstance(app.focused, ArticleScroll)
        for _ in range(40):  # the view is set after the new article's layout: on a busy machine, a few frames on
            if scroll.scroll_y - app.query_one("#reader-passage").virtual_region.y == above:
                break
            await pilot.pause(0.05)
        assert scroll.scroll_y - app.query_one("#reader-passage").virtual_region.y == above  # where the user scrolled


async def test_quitting_during_the_first_build_stops_it_without_leaving_an_index(bundled_copy: Path, tmp_path: Path) -> None:
    where = Location(bundled_copy, tmp_path / "ix")
    started, gate, ended, seen = threading.Event(), threading.Event(), threading.Event(), []

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        def gated(done: int, total: int) -> None:
            seen.append(done)
            started.set()
            gate.wait(30)  # the user quits while the first file is indexed
            progress(done, total)

        try:
            return open_searcher(where, rebuild=rebuild, progress=gated, warn=warn)
        finally:
            ended.set()

    app = create_app(where)
    app.opener = opener
    async with app.run_test(size=(80, 24)) as pilot:
        assert await asyncio.to_thread(started.wait, 30)
        await pilot.press("ctrl+q")
    gate.set()
    assert await asyncio.to_thread(ended.wait, 30)
    assert len(seen) < 5  # it stopped after a file, not at the end of the corpus
    with pytest.raises(IndexMissing):  # nothing half-built was swapped in
        load(tmp_path / "ix")
    assert open_searcher(where)[0].search("peace deal")  # and the next start builds it whole


async def test_ctrl_r_during_the_first_build_starts_no_second_build(bundled_copy: Path, tmp_path: Path) -> None:
    where = Location(bundled_copy, tmp_path / "ix")
    gate, calls = threading.Event(), []

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        calls.append(rebuild)
        gate.wait(30)  # still building when ctrl+r is pressed
        return open_searcher(where, rebuild=rebuild, progress=progress, warn=warn)

    app = create_app(where)
    app.opener = opener
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        gate.set()
        await settle(app, pilot)
        await settle(app, pilot)
        assert calls == [False] and app.searcher is not None
        messages = [n.message for n in app._notifications]
        assert not any("up to date" in m for m in messages) and any("being opened or built" in m for m in messages)


async def test_an_index_that_cannot_be_refreshed_says_it_is_out_of_date(bundled_copy: Path, tmp_path: Path) -> None:
    open_searcher(Location(bundled_copy, tmp_path / "ix"))
    (tmp_path / "ix" / ".lock").unlink()
    (tmp_path / "ix" / ".lock").mkdir()  # any OSError writing: a read-only shared folder, a full disk
    (bundled_copy / "new.txt").write_text(NEW_ARTICLE.replace("zeppelin", "okapi"), "utf-8")
    app = create_app(Location(bundled_copy, tmp_path / "ix"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert [n.title for n in app._notifications] == ["Index"]  # not "Skipped": no file was skipped
        assert "out of date: ctrl+r retries" in str(app.query_one("#status").render())
        await ask(app, pilot, "okapi")  # in the folder, not in the index answering
        notice = str(app.query_one("#notice").render())
        assert "The index is out of date (cannot write index at" in notice
        assert "in the index as it was (okapi)" in notice and "corpus" not in notice  # the folder has it
        app._notifications.clear()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert messages and not any("up to date" in m for m in messages)  # it said both at once


async def test_a_file_added_while_the_app_is_open_is_found_at_the_next_enter(bundled_copy: Path, tmp_path: Path) -> None:
    """As `kqa -q` checks the folder at each question, Enter does: the new article's word was
    "not in the corpus" until Ctrl+R, which the footer does not show."""
    open_searcher(Location(bundled_copy, tmp_path / "ix"))
    app = create_app(Location(bundled_copy, tmp_path / "ix"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "zeppelin")
        assert not app.query_one(ResultList).hits and "in the corpus (zeppelin)" in str(app.query_one("#notice").render())
        (bundled_copy / "new.md").write_text(NEW_ARTICLE, "utf-8")
        app.query_one("#question").focus()
        await pilot.press("enter")
        for _ in range(3):
            await settle(app, pilot)
        hits = app.query_one(ResultList).hits
        assert [h.article["title"] for h in hits] == ["Airship news"]
        assert any("Index updated: 1 file read" in n.message for n in app._notifications)
        app._notifications.clear()
        await pilot.press("enter")  # nothing changed since: no refresh, nothing said
        for _ in range(2):
            await settle(app, pilot)
        assert not app._notifications and [h.article["title"] for h in app.query_one(ResultList).hits] == ["Airship news"]
