"""Helpers for the TUI tests (no tests here): searchers on tmp corpora, waiting, reading widgets."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from kqa.engine import Location, open_searcher
from kqa.search import Searcher
from kqa.tui.app import KqaApp
from kqa.tui.launch import create_app


def searcher_for(corpus: Path, index: Path) -> tuple[Location, Searcher]:
    where = Location(corpus, index)
    searcher, _ = open_searcher(where)
    return where, searcher


def app_for(corpus: Path, tmp_path: Path, **kwargs: object) -> KqaApp:
    where, searcher = searcher_for(corpus, tmp_path / "ix")
    return create_app(where, searcher=searcher, **kwargs)  # type: ignore[arg-type]


async def settle(app: KqaApp, pilot: Pilot) -> None:
    """Let workers finish and their messages be handled (twice: a handler's own
    follow-ups, a focus or a scroll after the refresh, need a second round on a
    busy machine)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def ask(app: KqaApp, pilot: Pilot, question: str, type_it: bool = False) -> None:
    """Put a question in the question box (typed key by key if `type_it`), press enter."""
    box = app.query_one("#question")
    box.focus()
    box.value = "" if type_it else question  # type: ignore[attr-defined]
    await pilot.press(*(question if type_it else ""), "enter")
    await settle(app, pilot)


def text_of(app: KqaApp, selector: str) -> str:
    """The plain text a Static (or Label) currently shows; for a container,
    its shown Statics' lines (and the reader header's fitted lines)."""
    widget = app.query_one(selector)
    if isinstance(widget, Static):
        return str(widget.render())
    return "\n".join(str(s.render()) for s in widget.query("Static, ClampedTitle, FactsLine, PathLine") if s.display)


def screen_text(app: KqaApp) -> str:
    """What the terminal shows, line by line (modal screens included)."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())
