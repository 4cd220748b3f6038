"""Where the keyboard focus goes when lists and the article appear and disappear:
never onto a hidden widget, and back where the user was when results return."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_tui_helpers import app_for, ask, screen_text, settle

from kqa.tui.widgets import ArticleScroll, QuestionBox, Reader, ResultList

MOSCOW = "Who hosted the January 11 meeting in Moscow?"


async def test_filter_without_results_moves_focus_to_question_and_back(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(app, pilot, "Armenia Azerbaijan")
        results = app.query_one(ResultList)
        assert app.focused is results
        await pilot.press("ctrl+f", *"reuters", "enter")
        await settle(app, pilot)
        assert not results.display and isinstance(app.focused, QuestionBox)  # the list vanished: keys go to the question
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert results.hits and app.focused is results  # the results are back where the user was


async def test_filter_without_results_while_reading_focuses_question(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(app, pilot, "Armenia Azerbaijan")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, ArticleScroll)
        await pilot.press("ctrl+f", *"reuters", "enter")
        await settle(app, pilot)
        assert not app.query_one(Reader).display and isinstance(app.focused, QuestionBox)
        await pilot.press("end", "x")
        assert app.query_one(QuestionBox).value == "Armenia Azerbaijanx"  # keystrokes are not lost


async def test_narrow_new_question_closes_the_article_and_shows_the_list(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter")
        await pilot.pause()
        reader, results = app.query_one(Reader), app.query_one(ResultList)
        assert reader.display and isinstance(app.focused, ArticleScroll)
        await pilot.press("slash", "ctrl+u", *"peacekeepers withdrawal", "enter")
        await settle(app, pilot)
        assert not reader.display  # below 110 columns the article covered the list
        assert app.focused is results and results.region.area > 0
        await pilot.press("escape")
        assert isinstance(app.focused, QuestionBox)


async def test_narrow_typing_a_question_while_reading_shows_the_list(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.debounce = 0.0
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("slash", "end", *" peace")
        await settle(app, pilot)
        assert not app.query_one(Reader).display and app.query_one(ResultList).region.area > 0
        assert isinstance(app.focused, QuestionBox)  # typing keeps the focus


async def test_narrow_list_focus_never_stays_under_the_article(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter")
        await pilot.pause()
        app.query_one(ResultList).focus()  # e.g. a click or a command moves the focus there
        await pilot.pause()
        assert not app.query_one(Reader).display and app.query_one(ResultList).region.area > 0


async def test_back_to_the_question_keeps_it_and_types_at_the_end(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(app, pilot, "peace deal", type_it=True)
        assert isinstance(app.focused, ResultList)
        await pilot.press("escape", *" signed")
        assert app.query_one(QuestionBox).value == "peace deal signed"  # not wiped by a selection
        await pilot.press("tab", "slash", *" now")
        assert app.query_one(QuestionBox).value == "peace deal signed now"


async def test_ctrl_o_hides_the_article_without_moving_focus_from_the_question(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(130, 40)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("enter", "slash")
        assert app.query_one(Reader).display and isinstance(app.focused, QuestionBox)
        await pilot.press("ctrl+o", *" now")
        assert not app.query_one(Reader).display and isinstance(app.focused, QuestionBox)
        assert app.query_one(QuestionBox).value == "peace deal now"
        await pilot.press("ctrl+o")  # open again from the question box: the focus stays (it went into the article)
        assert app.query_one(Reader).display and isinstance(app.focused, QuestionBox)
        await pilot.press("ctrl+o", *" too")  # twice is as before
        assert not app.query_one(Reader).display and app.query_one(QuestionBox).value == "peace deal now too"
        await pilot.press("tab", "ctrl+o")  # from the list, the article takes the focus to be scrolled
        assert isinstance(app.focused, ArticleScroll)
        await pilot.press("ctrl+o")  # ... and hiding it from inside puts the focus back on the list
        assert isinstance(app.focused, ResultList)


async def test_enter_while_indexing_goes_to_the_results_once_they_arrive(bundled_copy: Path, tmp_path: Path) -> None:
    import threading

    from kqa.engine import Location, open_searcher
    from kqa.tui.app import KqaApp

    where = Location(bundled_copy, tmp_path / "ix")
    go = threading.Event()

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        assert go.wait(10)
        return open_searcher(where, rebuild=rebuild, progress=progress, warn=warn)

    app = KqaApp(opener=opener)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*MOSCOW, "enter")
        go.set()
        await settle(app, pilot)
        await settle(app, pilot)  # the question queued during the build runs next
        assert app.query_one(ResultList).hits and app.focused is app.query_one(ResultList)
        await pilot.press("escape", "ctrl+r")  # a later refresh re-runs the question...
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.focused, QuestionBox)  # ... without taking the focus again


async def test_failed_index_status_says_so_and_how_to_retry(tmp_path: Path) -> None:
    from kqa.errors import KqaError
    from kqa.tui.app import KqaApp

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202
        raise KqaError("no readable articles in /nowhere")

    app = KqaApp(opener=opener)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"peace", "enter")
        status = str(app.query_one("#status").render())
        assert "runs as soon as the index is ready" not in status  # it will not be, by itself
        assert "index failed" in status and "ctrl+r retries" in status


async def test_narrow_answer_under_a_modal_hands_the_article_focus_to_the_list(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter", "f1")
        app.debounce = 60.0  # only the explicit ask below runs, however slow the machine
        app.query_one(QuestionBox).value = "peace deal"
        app.ask()  # e.g. a typing pause or a refreshed index answers while the help is open
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one(Reader).display and app.focused is app.query_one(ResultList)


async def test_resizing_to_narrow_with_the_list_focused_shows_the_list(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(130, 40)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter")  # the article opens beside the list
        await pilot.pause()
        await pilot.press("escape")  # back to the list, the article stays as a preview
        await pilot.pause()
        results = app.query_one(ResultList)
        assert app.focused is results
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert app.focused is results and results.region.area > 0  # not a hidden widget
        await pilot.press("down")
        assert results.highlighted == 1


async def test_typing_on_after_enter_keeps_the_focus_when_the_answer_arrives(bundled_copy: Path, tmp_path: Path) -> None:
    import threading

    app = app_for(bundled_copy, tmp_path)
    assert app.searcher is not None
    search, go = app.searcher.search, threading.Event()

    def slow(question, top=5, filters=None):  # noqa: ANN001, ANN202 - Searcher.search
        if "Moscow" in question:
            assert go.wait(10)  # the answer comes back only once the user typed on
        return search(question, top, filters)

    app.searcher.search = slow  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        app.debounce = 60.0  # the next question never runs during the test
        await pilot.press(*"Moscow", "enter", *["backspace"] * 6, *"peace")
        go.set()
        await settle(app, pilot)
        assert app.query_one(ResultList).hits and isinstance(app.focused, QuestionBox)
        await pilot.press(*"keepers")
        assert app.query_one(QuestionBox).value == "peacekeepers"  # no keystroke went to the list


async def test_narrow_escape_from_the_question_brings_the_list_back(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, MOSCOW)
        await pilot.press("enter", "slash")
        await pilot.pause()
        assert app.query_one(Reader).display and isinstance(app.focused, QuestionBox)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one(Reader).display and app.query_one(ResultList).region.area > 0
        assert isinstance(app.focused, QuestionBox)  # typing goes on where it was


async def test_failed_index_replaces_the_welcome_with_what_to_do(bundled_copy: Path, tmp_path: Path) -> None:
    from kqa.engine import Location, open_searcher
    from kqa.errors import KqaError
    from kqa.tui.app import WELCOME, KqaApp

    fixed = False

    def opener(rebuild, progress, warn):  # noqa: ANN001, ANN202 - the Opener signature
        if not fixed:
            raise KqaError("no readable articles in /nowhere")
        return open_searcher(Location(bundled_copy, tmp_path / "ix"), rebuild=rebuild)

    app = KqaApp(opener=opener)
    async with app.run_test(size=(80, 16)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"peace", "enter")
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert WELCOME not in shown and "Ctrl+R to try again" in shown
        fixed = True
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await settle(app, pilot)  # the question runs once the index is there
        assert app.query_one(ResultList).hits and "Ctrl+R to try again" not in screen_text(app)


@pytest.mark.parametrize("modal", ["ctrl+f", "f1"])
async def test_resizing_to_narrow_under_a_modal_keeps_the_list_focused(bundled_copy: Path, tmp_path: Path, modal: str) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("down", "enter", "escape")  # the list focused, article 2 beside it
        await pilot.pause()
        await pilot.press(modal)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        results = app.query_one(ResultList)
        assert app.focused is results and not app.query_one(Reader).display
        await pilot.press("down")
        assert results.highlighted == 2 and app.query_one(QuestionBox).value == "peace deal"


async def test_footer_drops_back_when_a_new_answer_closes_the_article(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert "esc Back" in screen_text(app).splitlines()[-1]  # escape would bring the list back
        app.debounce = 0  # no wait for a typing pause
        await pilot.press(*" treaty")
        await settle(app, pilot)
        await pilot.pause()
        assert not app.query_one(Reader).display and "esc Back" not in screen_text(app).splitlines()[-1]


async def test_typing_on_the_list_adds_a_word_to_the_question_and_loses_no_letter(bundled_copy: Path, tmp_path: Path) -> None:
    """fzf: every letter typed on the results goes to the question, as a new word. Before,
    `kremlin` moved the list with its k and asked `peace dealremlin`."""
    from textual import events

    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(app, pilot, "peace deal")  # the list has the focus
        assert isinstance(app.focused, ResultList)
        await pilot.press(*"kremlin")
        box = app.query_one(QuestionBox)
        assert app.focused is box and box.value == "peace deal kremlin"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("space", *"jets")  # a space typed first is not doubled
        assert box.value == "peace deal kremlin jets"
        await pilot.press("enter")
        await settle(app, pilot)
        app.focused.post_message(events.Paste("treaty\nsigned"))  # a paste too (was lost)
        await pilot.pause()
        assert app.focused is box and box.value == "peace deal kremlin jets treaty signed"


async def test_the_article_is_a_pager_its_letters_never_reach_the_question(bundled_copy: Path, tmp_path: Path) -> None:
    """`bank` typed in the article paged up with its b and asked `peace dealank`: in less,
    letters move or do nothing; / goes to the question, and a paste still does."""
    from textual import events

    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, ArticleScroll)
        await pilot.press(*"xyz", "j", "k")
        box = app.query_one(QuestionBox)
        assert isinstance(app.focused, ArticleScroll) and box.value == "peace deal"
        app.focused.post_message(events.Paste("treaty"))
        await pilot.pause()
        assert app.focused is box and box.value == "peace deal treaty"


async def test_the_result_list_stops_at_its_ends(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(app, pilot, "peace deal")
        results = app.query_one(ResultList)
        assert app.focused is results and results.highlighted == 0
        await pilot.press("end", "down")  # Textual's list went round to the first
        assert results.highlighted == results.option_count - 1
        await pilot.press("home", "up")  # up from the first: back to the question, as down came from it
        assert results.highlighted == 0 and app.focused is app.query_one(QuestionBox)


async def test_down_in_the_question_box_goes_to_the_results_unless_walking_the_history(
        bundled_copy: Path, tmp_path: Path) -> None:
    """As in fzf or an address bar: the results follow the typing, Down reaches them."""
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(app, pilot, "Pashinyan")  # asked once: in the history
        box = app.query_one(QuestionBox)
        box.focus()
        box.value = "peacekeepers"
        await settle(app, pilot)
        await pilot.press("up")  # walking the history: Pashinyan
        assert box.value == "Pashinyan"
        await pilot.press("down")  # back to the draft, still in the box
        assert box.value == "peacekeepers" and app.focused is box
        await settle(app, pilot)
        await pilot.press("down")
        assert isinstance(app.focused, ResultList) and app.focused.hits
