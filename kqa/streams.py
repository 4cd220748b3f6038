"""The standard streams as kqa writes to them.

stderr is best effort, as grep and rg treat it: a message or a progress bar
that cannot be written (a dead pipe, a full disk, `2>&-`) is dropped. Before,
the failed write inside a build was taken for an unwritable index, the build
was abandoned, and a question whose passages were found exited 1.

stdout in an encoding that cannot hold every character (a Latin-1 locale,
PYTHONIOENCODING=ascii) gets what it can: `?` for the rest in text, and
`\\uXXXX` escapes in JSON, which keep it valid and exact. Before, any such
character failed the whole answer.
"""

from __future__ import annotations

import codecs
import os
import sys
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


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """JSON's own escape for each character the encoding lacks (two for one past U+FFFF)."""
    assert isinstance(error, UnicodeEncodeError)
    units = error.object[error.start : error.end].encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)), error.end


codecs.register_error("kqa-json", _json_escape)


def fit_stdout(json_output: bool) -> None:
    """Unencodable characters in stdout: escaped in JSON, `?` in text (see above)."""
    stream = sys.stdout
    try:
        if codecs.lookup(stream.encoding or "utf-8").name == "utf-8":
            return
        stream.reconfigure(errors="kqa-json" if json_output else "replace")  # type: ignore[union-attr]
    except (AttributeError, LookupError, ValueError):  # not a TextIOWrapper (a test's StringIO)
        pass
