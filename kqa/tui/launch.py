"""Building and running the app: one factory for `kqa`, `kqa tui` and the tests."""

from __future__ import annotations

import argparse
import asyncio
import signal
from functools import partial
from pathlib import Path

from kqa.engine import Location, open_searcher
from kqa.errors import ExitCode
from kqa.indexer import BuildReport, Progress, Warn
from kqa.interrupts import SIGNALLED
from kqa.locations import config_dir, data_dir
from kqa.search import Filters, Searcher
from kqa.tui.app import KqaApp
from kqa.tui.history import History
from kqa.tui.settings import Settings

HISTORY_FILE = "history.txt"
SETTINGS_FILE = "settings.json"


def _open(where: Location, ranking: str, rebuild: bool, progress: Progress,
          warn: Warn) -> tuple[Searcher, BuildReport | None]:
    return open_searcher(where, rebuild=rebuild, progress=progress, warn=warn, ranking=ranking)


def create_app(
    where: Location,
    *,
    searcher: Searcher | None = None,
    filters: Filters | None = None,
    top: int = 5,
    history_path: Path | None = None,
    settings_path: Path | None = None,
    ranking: str = "rerank",
) -> KqaApp:
    """The app for a corpus; without `searcher` it opens (or builds) the index itself."""
    return KqaApp(
        searcher,
        opener=partial(_open, where, ranking),
        history=History(history_path or data_dir() / HISTORY_FILE),
        settings=Settings(settings_path or config_dir() / SETTINGS_FILE),
        filters=filters,
        top=top,
        corpus_name=str(where.corpus),
    )


def app_from_args(args: argparse.Namespace) -> KqaApp:
    """The app for parsed `kqa` / `kqa tui` options (bad options raise KqaError)."""
    where = Location.resolve(getattr(args, "corpus", None), getattr(args, "index", None))
    filters = Filters.parse(getattr(args, "source", None), getattr(args, "since", None), getattr(args, "until", None))
    top = getattr(args, "top", 5) or 5
    ranking = getattr(args, "ranking", None) or "rerank"  # None when the parser's options were not settled
    return create_app(where, filters=filters, top=max(1, top), ranking=ranking)


def run(args: argparse.Namespace) -> int:
    """Run the app until the user quits; the exit code for the shell."""
    app = app_from_args(args)
    with asyncio.Runner() as runner:  # what App.run() does, with a loop we can give a SIGTERM handler
        _quit_on_signals(runner.get_loop(), app)
        runner.run(app.run_async())
    return int(app.return_code or ExitCode.OK)


def _quit_on_signals(loop: asyncio.AbstractEventLoop, app: KqaApp) -> None:
    """SIGTERM (`kill`, `timeout`, a closing tmux pane) and a SIGINT sent from
    outside (Ctrl+C in the app is a key) quit like Ctrl+Q, so the terminal gets
    its screen, cursor and mouse back; main() then says `kqa: terminated` (143)
    or `kqa: interrupted` (130). A second signal while the app winds down ends
    the process at once."""
    def quit_app(signum: int, ending: str, code: ExitCode) -> None:
        SIGNALLED.append(ending)
        loop.remove_signal_handler(signum)  # back to the default: the next one ends the process
        app.exit(return_code=int(code))

    for signum, ending, code in ((signal.SIGTERM, "terminated", ExitCode.TERMINATED),
                                 (signal.SIGINT, "interrupted", ExitCode.INTERRUPTED)):
        try:
            loop.add_signal_handler(signum, quit_app, signum, ending, code)
        except (NotImplementedError, RuntimeError, ValueError):  # no Unix signals here, or not the main thread
            return
