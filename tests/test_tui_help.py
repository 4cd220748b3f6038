"""The help screen and the footer: F1 toggles help, every key is reachable on small terminals."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_helpers import app_for, ask, screen_text, settle
from textual.pilot import Pilot

from kqa.tui.app import KqaApp
from kqa.tui.screens import HelpScreen


async def test_f1_opens_and_closes_help(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(screen_text(app).split())
        assert "pgup / pgdn a page at a time" in shown and "space / b page down / up in the article" in shown  # left out
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_help_scrolls_and_wraps_on_a_small_terminal(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(60, 15)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert "Asking" in screen_text(app) and "ctrl+q" not in screen_text(app)
        await pilot.press("end")  # the keyboard scrolls the help
        await pilot.pause()
        shown = screen_text(app)
        assert "ctrl+q" in shown and "quit" in shown
        lines = [line for line in shown.splitlines() if line.strip()]
        joined = " ".join(" ".join(line.strip("│ ").split()) for line in lines)
        assert "refresh the index from the corpus folder" in joined  # wrapped, not cut
        assert all(region.right <= 60 for region in (w.region for w in app.screen.query("*")) if region)


async def test_footer_shows_f1_help_and_quit_and_ctrl_q_quits(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "f1 Help" in footer and "? Help" not in footer  # ? types a question mark in the question box
        assert "^q Quit" in footer
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_every_footer_key_fits_in_80_columns_with_filters_on(bundled_copy: Path, tmp_path: Path) -> None:
    from test_tui_helpers import ask, settle

    from kqa.filters import Filters

    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_filters(Filters.parse(None, "2021", None))
        await ask(app, pilot, "Who hosted the January 11 meeting in Moscow?")
        await pilot.press("enter")  # the list, where the most keys apply
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        for key in ("^f Filters", "^l Clear", "^y Copy", "^o Reader", "f1 Help", "esc Back", "^q Quit"):
            assert key in footer, footer


async def test_copy_and_reader_keys_before_a_result_say_what_to_do(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+o", "ctrl+y")
        await pilot.pause()
        shown = " ".join(screen_text(app).split())  # the toasts, wrapped lines joined
        assert "Ask a question first" in shown and "Nothing to copy yet" in shown


async def test_filter_error_wraps_inside_the_form_on_a_narrow_terminal(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("ctrl+f", "tab", *"2023-1x", "enter")
        await pilot.pause()
        error = str(app.screen.query_one("#filter-error").render())
        assert "YYYY-MM-DD" in error  # the message names the formats at its end...
        shown = " ".join(screen_text(app).replace("│", " ").split())  # wrapped lines joined, no border
        assert " ".join(error.split()) in shown  # ... and all of it is on screen


async def test_filter_bar_says_up_to_n_results_and_fits_80_columns(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+f", *"bloomberg", "tab", *"2023", "tab", "tab", "ctrl+u", "7", "enter")
        await pilot.pause()
        bar = next(line for line in screen_text(app).splitlines() if "Filters:" in line)
        assert bar.strip() == "Filters: source ~ 'bloomberg', since 2023, up to 7 results"  # whole, no cut hint


FOOTER_KEYS = ("^f Filters", "^l Clear", "^y Copy", "^o Reader", "f1 Help", "esc Back", "esc Cancel", "^q Quit", "^p palette")


def footer_keys(app: object) -> list[str]:
    """The keys the footer shows; fails on anything else in it (a cut key, a stray letter)."""
    footer = screen_text(app).splitlines()[-1]  # type: ignore[arg-type]
    shown = [key for key in FOOTER_KEYS if key in footer]
    rest = footer.replace("▏", " ")  # the bar before the palette hint
    for key in shown:
        rest = rest.replace(key, " ")
    assert not rest.strip(), f"not a whole key: {rest.strip()!r} in {footer!r}"
    return shown


@pytest.mark.parametrize("width", [40, 60, 80])
async def test_footer_keeps_quit_and_help_whole_on_narrow_terminals(bundled_copy: Path, tmp_path: Path, width: int) -> None:
    from test_tui_helpers import ask, settle

    from kqa.filters import Filters

    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(width, 20)) as pilot:
        await pilot.pause()
        seen = [footer_keys(app)]  # at start, in the question box
        app.set_filters(Filters.parse(None, "2021", None))
        await ask(app, pilot, "Who hosted the January 11 meeting in Moscow?")  # the list, where the most keys apply
        seen.append(footer_keys(app))
        await pilot.press("enter")  # the article
        await settle(app, pilot)
        seen.append(footer_keys(app))
        await pilot.press("ctrl+f")  # a modal form
        await pilot.pause()
        seen.append(footer_keys(app))
        for keys in seen:
            assert "f1 Help" in keys and "^q Quit" in keys, keys
        if width >= 80:  # the README's promise: every key at 80 columns, filters on
            assert set(seen[1]) == set(FOOTER_KEYS) - {"esc Cancel"}, seen[1]


async def test_footer_fits_again_after_a_resize(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        assert "^o Reader" in footer_keys(app)
        await pilot.resize_terminal(40, 20)
        await pilot.pause()
        keys = footer_keys(app)
        assert "f1 Help" in keys and "^q Quit" in keys and "^o Reader" not in keys
        await pilot.resize_terminal(100, 20)
        await pilot.pause()
        assert "^o Reader" in footer_keys(app)


@pytest.mark.parametrize("width", [80, 120])
async def test_modals_show_their_own_escape_key_in_the_footer(bundled_copy: Path, tmp_path: Path, width: int) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("enter")  # an article open: the main screen's escape goes back
        await settle(app, pilot)
        for key, label in (("ctrl+f", "esc Cancel"), ("f1", "esc Close"), ("ctrl+p", None)):
            await pilot.press(key)
            await pilot.pause()
            footer = screen_text(app).splitlines()[-1]
            assert "Back" not in footer and "Quit" in footer
            assert label is None or label in footer
            await pilot.press("escape")
            await pilot.pause()


async def help_over_results(app: KqaApp, pilot: Pilot) -> None:
    """Answers on screen (a status line to keep whole), then the help over them."""
    await ask(app, pilot, "peace deal")
    await pilot.press("f1")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (109, 24), (40, 12)])
async def test_help_on_a_short_terminal_leaves_the_status_and_footer_whole(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=size) as pilot:
        await help_over_results(app, pilot)
        status, footer = screen_text(app).splitlines()[-2:]
        assert status.startswith(" 5 results in") and "╰" not in status
        assert footer.split() == ["esc", "Close", "^q", "Quit"]


async def test_filter_bar_keys_show_whole_or_not_at_all(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(140, 20)) as pilot:
        await pilot.press("ctrl+f", *"insight news media", "tab", *"2023-01-15", "tab", *"2024-12", "tab", "ctrl+u", *"12", "enter")
        await pilot.pause()
        for width in (140, 110, 120, 130, 150):
            await pilot.resize_terminal(width, 20)
            await pilot.pause()
            bar = next(line for line in screen_text(app).splitlines() if "Filters:" in line)
            assert "up to 12 results" in bar
            assert "ctrl+l" not in bar or bar.endswith("ctrl+l clears · ctrl+f edits"), (width, bar)
            if width in (110, 150):  # too narrow for both; room for both
                assert (width == 150) == ("ctrl+l" in bar), (width, bar)


def shown_whole(app: object, widget: object) -> bool:
    """The widget is drawn whole: not scrolled out of its container, not under another."""
    from textual.errors import NoWidget

    try:
        geometry = app.screen.find_widget(widget)  # type: ignore[attr-defined]
    except NoWidget:  # not drawn at all (scrolled away or no room)
        return False
    top = app.screen.get_widget_at(geometry.region.x, geometry.region.y)[0]  # type: ignore[attr-defined]
    return geometry.region.intersection(geometry.clip) == geometry.region and top is widget


FORM_SIZES = [(40, 8), (40, 10), (40, 12), (60, 15), (80, 24)]


@pytest.mark.parametrize("size", FORM_SIZES)
async def test_filter_form_on_a_short_terminal_reaches_every_field(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    from textual.widgets import Input

    from kqa.filters import Filters
    from kqa.tui.screens import FilterScreen

    width, height = size
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("ctrl+f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FilterScreen)
        box = form.query_one("#filter-box").region
        assert box.y >= 0 and box.bottom <= height - 1  # the whole outline, above the footer
        lines = screen_text(app).splitlines()
        assert lines[box.y][box.x:].startswith("╭─ Filters") and lines[box.bottom - 1][box.x:].startswith("╰")
        assert "enter applies" in lines[box.bottom - 1]  # the way to apply is on screen
        assert lines[-1].split()[:2] == ["esc", "Cancel"]
        typed = ("reuters", "2021", "2024-12", "7")
        for n, value in enumerate(typed):
            if n:
                await pilot.press("tab")
            await pilot.press("ctrl+u", *value)
            await pilot.pause()
            field = app.focused
            assert isinstance(field, Input) and field.value == value
            assert shown_whole(app, field), (size, field.id)  # the field being typed in is in view
            row = screen_text(app).splitlines()[field.region.y]
            assert value in row, (size, row)
        await pilot.press("tab")  # round again to the first field, which comes back into view
        await pilot.pause()
        assert app.focused is form.query_one("#f-source") and shown_whole(app, app.focused)
        await pilot.press("tab", "tab", "tab", "ctrl+u", "0", "enter")  # the last field wrong: the form stays
        await pilot.pause()
        assert app.screen is form and app.focused is form.query_one("#f-top")
        error = form.query_one("#filter-error")
        assert shown_whole(app, error) and shown_whole(app, app.focused)  # the error and the field to fix
        assert "choose between 1 and 200" in " ".join(screen_text(app).replace("│", " ").split())
        await pilot.press("ctrl+u", "7", "enter")
        await settle(app, pilot)
        assert app.screen is not form
        assert app.filters == Filters("reuters", "2021", "2024-12") and app.top == 7
        await pilot.press("ctrl+f")  # and escape still cancels
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FilterScreen) and app.top == 7


@pytest.mark.parametrize("size", [(40, 8), (40, 10)])
async def test_help_on_the_smallest_terminals_scrolls_to_its_last_key(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=size) as pilot:
        await help_over_results(app, pilot)
        box = app.screen.query_one("#help-box").region
        lines = screen_text(app).splitlines()
        assert lines[box.y][box.x:].startswith("╭─ kqa keys") and "escape closes" in lines[box.bottom - 1]
        await pilot.press("end")
        await pilot.pause()
        assert "ctrl+q" in screen_text(app)
        assert screen_text(app).splitlines()[-1].split() == ["esc", "Close", "^q", "Quit"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_filter_form_shrunk_while_open_keeps_the_field_in_view(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("ctrl+f", "tab", "tab", "tab", "ctrl+u", "9")
        await pilot.pause()
        for size in ((40, 10), (40, 8), (60, 20)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            box = app.screen.query_one("#filter-box").region
            assert box.bottom <= size[1] - 1 and "enter applies" in screen_text(app).splitlines()[box.bottom - 1]
            assert app.focused is app.screen.query_one("#f-top") and shown_whole(app, app.focused), size
        await pilot.press("enter")
        await pilot.pause()
        assert app.top == 9


@pytest.mark.parametrize("size", [(40, 8), (40, 10)])
async def test_command_palette_on_a_short_terminal_shows_what_it_finds(
    bundled_copy: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    from kqa.tui.screens import FilterScreen

    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(app, pilot, "peace deal")
        await pilot.press("ctrl+p", *"filters")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert any(line.strip() == "Filters" for line in lines), lines  # the command found, under the search box
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
