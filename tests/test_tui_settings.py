"""The theme is remembered between runs in settings.json (user config dir);
a bad settings file is ignored, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_tui_helpers import app_for, screen_text
from textual import constants

from kqa.locations import config_dir
from kqa.tui.launch import SETTINGS_FILE
from kqa.tui.settings import Settings


def settings_file() -> Path:
    return config_dir() / SETTINGS_FILE


async def test_theme_chosen_in_the_palette_is_there_at_the_next_start(bundled_copy: Path, tmp_path: Path) -> None:
    assert str(settings_file()).startswith(str(Path.home()))  # the tests' home, not the user's
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == constants.DEFAULT_THEME
        await pilot.press("ctrl+p", *"theme")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # "Theme: change the current theme"
        await pilot.pause()
        await pilot.press(*"textual-light")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("ctrl+q")
    assert json.loads(settings_file().read_text("utf-8")) == {"theme": "textual-light"}
    assert [p.name for p in settings_file().parent.iterdir()] == [SETTINGS_FILE]  # no temp file left behind

    again = app_for(bundled_copy, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"
        assert again.screen.styles.background.hex.upper() == again.get_css_variables()["background"].upper()


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b'["textual-light"]', b'{"theme": 3}',
                                     b'{"theme": "no-such-theme"}', b"", None])
async def test_a_bad_settings_file_gives_the_default_theme(bundled_copy: Path, tmp_path: Path, content: bytes | None) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True)
    if content is None:
        path.mkdir()  # unreadable: a folder where the file should be
    else:
        path.write_bytes(content)
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == constants.DEFAULT_THEME
        assert "kqa" in screen_text(app)  # the app is up


async def test_theme_that_cannot_be_saved_is_said_not_a_crash(bundled_copy: Path, tmp_path: Path) -> None:
    config_dir().parent.mkdir(parents=True)
    config_dir().write_text("a file where the folder should be", "utf-8")
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        assert app.theme == "textual-light"
        assert "cannot save the theme" in " ".join(screen_text(app).split())


def test_saving_keeps_other_settings_and_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "kqa" / SETTINGS_FILE
    path.parent.mkdir()
    path.write_text('{"other": "kept", "theme": "nord"}', "utf-8")
    settings = Settings(path)
    assert settings.get("theme") == "nord"
    settings.set("theme", "gruvbox")
    assert json.loads(path.read_text("utf-8")) == {"other": "kept", "theme": "gruvbox"}
    assert Settings(path).get("theme") == "gruvbox"
    assert sorted(p.name for p in path.parent.iterdir()) == [SETTINGS_FILE]


async def test_a_theme_change_keeps_other_settings_and_reads_a_byte_order_mark(bundled_copy: Path, tmp_path: Path) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"theme": "nord", "layout": {"split": 40}, "k": 7}).encode())
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"  # the BOM is not "no settings"
        app.theme = "gruvbox"  # as the palette's theme picker does
        await pilot.pause()
    assert json.loads(path.read_text("utf-8")) == {"theme": "gruvbox", "layout": {"split": 40}, "k": 7}


@pytest.mark.parametrize("content", [b'{"theme": "nord", "other": 1', b'["nord"]', b"\xff\xfe\x00"])
async def test_a_theme_change_leaves_a_settings_file_it_cannot_read_as_it_is(
        bundled_copy: Path, tmp_path: Path, content: bytes) -> None:
    """A hand edit with a typo still holds the user's other settings: saving
    the theme over it would lose them, so the app says so and keeps the file."""
    path = settings_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        assert app.theme == "textual-light"  # for this run
        said = " ".join(screen_text(app).split())
        assert "cannot save the theme" in said and "not a JSON object" in said, said
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == [SETTINGS_FILE]
