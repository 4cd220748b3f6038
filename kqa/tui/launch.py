"""Building and running the app: one factory for `kqa`, `kqa tui` and the tests."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from kqa.engine import Location, open_searcher
from kqa.errors import ExitCode
from kqa.indexer import BuildReport, Progress, Warn
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
    app.run()
    return int(app.return_code or ExitCode.OK)
