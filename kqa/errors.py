"""Exit codes and the one error type the CLI turns into a one-line message."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Like grep: 0 found, 1 nothing found, 2 trouble."""

    OK = 0
    NO_RESULTS = 1
    ERROR = 2
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM, as a shell reports a process it killed


class KqaError(Exception):
    """A problem the user can fix; shown as one line on stderr, no traceback.
    `details` (one problem a line, as a linter lists them) come before it."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ERROR, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.details = details
