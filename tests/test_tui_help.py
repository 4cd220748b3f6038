"""The help screen and the footer: F1 toggles help, every key is reachable on small terminals."""

from __future__ import annotations

from pathlib import Path

from test_tui_helpers import app_for

from kqa.tui.screens import HelpScreen


async def test_f1_opens_and_closes_help(bundled_copy: Path, tmp_path: Path) -> None:
    app = app_for(bundled_copy, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
