"""stderr as kqa writes to it: best effort, as grep and rg treat it.

A message or a progress bar that cannot be written (stderr a dead pipe, a full
disk, `2>&-`) is dropped. Before, the failed write inside a build was taken for
an unwritable index, the build was abandoned, and a question whose passages
were found exited 1, "no results", with nothing on stdout.
"""

from __future__ import annotations

import os
from typing import IO, Any


class BestEffort:
    """Wraps a text stream: writes and flushes that fail are dropped, with
    everything after them (the descriptor is pointed at /dev/null, so the
    interpreter's last flush at exit does not fail again)."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream
        self._dead = stream is None

    def write(self, text: str) -> int:
        if not self._dead:
            try:
                self._stream.write(text)  # type: ignore[union-attr]
            except OSError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self._dead:
            try:
                self._stream.flush()  # type: ignore[union-attr]
            except OSError:
                self._drop()

    def isatty(self) -> bool:
        return not self._dead and self._stream.isatty()  # type: ignore[union-attr]

    def _drop(self) -> None:
        self._dead = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())  # type: ignore[union-attr]
            os.close(null)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, ... of the stream underneath
        return getattr(self._stream, name)
