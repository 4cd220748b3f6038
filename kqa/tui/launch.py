"""Building and running the app: one factory for `kqa`, `kqa tui` and the tests."""

from __future__ import annotations

import argparse
import asyncio
import signal
from functools import partial
from pathlib import Path

from kqa.engine import Location, open_searcher
from kqa.errors import ExitCode
from kqa.indexer import BuildReport, Progress, Warn, folder_changed
from kqa.interrupts import SIGNALLED
from kqa.locations import config_dir, data_dir
from kqa.filters import Filters
from kqa.search import Searcher
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
        changed=lambda searcher: folder_changed(searcher.index, where.corpus, where.index),
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
    with asyncio.Runner() as runner:  # what App.run() does, with a loop we can give signal handlers
        quitter = SignalQuit(runner.get_loop(), app)
        if quitter.install():
            app.while_suspended = (quitter.uninstall, quitter.install)
        runner.run(app.run_async())
    return int(app.return_code or ExitCode.OK)


class SignalQuit:
    """SIGTERM (`kill`, `timeout`, a closing tmux pane) and a SIGINT sent from
    outside (Ctrl+C in the app is a key) quit like Ctrl+Q, so the terminal gets
    its screen, cursor and mouse back; main() then says `kqa: terminated` (143)
    or `kqa: interrupted` (130). More signals while the app winds down change
    nothing. While the app is suspended (Ctrl+Z) the defaults stand, so that
    `kill %1` ends it as it ends any stopped job: its handler could not run."""

    ENDINGS = ((signal.SIGTERM, "terminated", ExitCode.TERMINATED),
               (signal.SIGINT, "interrupted", ExitCode.INTERRUPTED))

    def __init__(self, loop: asyncio.AbstractEventLoop, app: KqaApp) -> None:
        self.loop, self.app = loop, app

    def install(self) -> bool:
        """False where the loop cannot have signal handlers (no Unix signals, not the main thread)."""
        try:
            for signum, ending, code in self.ENDINGS:
                self.loop.add_signal_handler(signum, self._quit, ending, code)
        except (NotImplementedError, RuntimeError, ValueError):
            return False
        return True

    def uninstall(self) -> None:
        for signum, _, _ in self.ENDINGS:
            self.loop.remove_signal_handler(signum)

    def _quit(self, ending: str, code: ExitCode) -> None:
        if SIGNALLED:  # quitting already
            return
        SIGNALLED.append(ending)
        self.app.exit(return_code=int(code))
