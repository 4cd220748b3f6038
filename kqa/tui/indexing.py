"""The index panel: opens or builds the index in a thread, with a progress bar.

The worker only posts messages (progress, warnings, ready, failed); the panel
shows them and the app takes the searcher from `IndexPanel.Ready`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from kqa.errors import KqaError
from kqa.indexer import BuildReport, Progress, Warn
from kqa.search import Searcher
from kqa.tui.text import plain

Opener = Callable[[bool, Progress, Warn], tuple[Searcher, BuildReport | None]]
"""Opens a searcher: (rebuild, progress, warn) -> (searcher, build report)."""

PROGRESS_EVERY = 0.05  # seconds between progress messages from a big build
SHOWN_WARNINGS = 3  # skipped-file warnings shown as toasts; the rest are counted


class BuildCancelled(Exception):
    """Raised from the progress callback once the build's worker is cancelled
    (the app quit): the build stops between files instead of keeping the
    process alive to the end, and an unfinished build is never swapped in."""


class IndexPanel(Horizontal):
    """Visible while the index is opened, built or refreshed, or when that failed."""

    @dataclass
    class Progressed(Message):
        done: int
        total: int

    @dataclass
    class Warned(Message):
        text: str

    @dataclass
    class Ready(Message):
        searcher: Searcher
        report: BuildReport | None

    @dataclass
    class Failed(Message):
        error: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._warnings = 0
        self._last = 0.0
        self.busy = False  # opening or building: a second build would only race the first

    def compose(self) -> ComposeResult:
        yield Label("Opening the index…", id="indexing-label")
        yield ProgressBar(id="indexing-bar", show_eta=False)

    def start(self, opener: Opener, rebuild: bool) -> None:
        self.busy = True
        self._warnings = 0
        self.display = True
        self.remove_class("-failed")
        self.query_one(Label).update("Rebuilding the index…" if rebuild else "Opening the index…")
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._open(opener, rebuild)

    @work(thread=True, exclusive=True, group="index")
    def _open(self, opener: Opener, rebuild: bool) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise BuildCancelled
            now = time.monotonic()
            if done == total or now - self._last > PROGRESS_EVERY:
                self._last = now
                self.post_message(self.Progressed(done, total))

        try:
            searcher, report = opener(rebuild, progress, lambda text: self.post_message(self.Warned(text)))
        except (KqaError, OSError) as exc:  # OSError: e.g. the disk filled up mid-build
            self.post_message(self.Failed(str(exc)))
            return
        except BuildCancelled:
            return
        self.post_message(self.Ready(searcher, report))

    def on_index_panel_progressed(self, message: Progressed) -> None:
        message.stop()
        self.query_one(Label).update(f"Indexing {message.done}/{message.total} files")
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    def on_index_panel_warned(self, message: Warned) -> None:
        message.stop()
        self._warnings += 1
        if self._warnings <= SHOWN_WARNINGS:
            title = "Skipped" if message.text.startswith("skipped ") else "Index"  # a file, or the index itself
            self.notify(message.text, title=title, severity="warning", timeout=8)

    def on_index_panel_ready(self) -> None:
        self.busy = False
        self.display = False

    def on_index_panel_failed(self, message: Failed) -> None:
        self.busy = False
        self.add_class("-failed")
        self.query_one(ProgressBar).display = False
        self.query_one(Label).update(Content.assemble(("Index problem: ", "bold"), plain(message.error), " (ctrl+r retries)"))
