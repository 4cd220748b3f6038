"""How the `kqa` command meets Ctrl-C and SIGTERM while it works.

Before `main()` dispatches, and again after, the start-up guard in
kqa/__init__.py ends the process at once with kqa's one-line message. While a
command runs, Ctrl-C is a KeyboardInterrupt and SIGTERM a `Terminated`, so an
index build removes its half-written generation before `main()` reports them;
the app gets Python's own handlers back, and kqa.tui.launch has its event
loop quit the app on either signal, so Textual restores the terminal first.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import kqa
from kqa.errors import ExitCode


class Terminated(BaseException):
    """SIGTERM as an exception, so a build in progress removes its half-written
    generation as it does for Ctrl-C (BaseException: no `except Exception` eats it)."""


SIGNALLED: list[str] = []
"""'interrupted' or 'terminated' for each SIGINT or SIGTERM main() received:
C code (an extension module being imported, dataclass set-up) can turn the
exception into another one, and main() still reports the signal."""


def report() -> int:
    """Say which signal ended the command; its exit code."""
    ending = SIGNALLED[0]
    print(f"kqa: {ending}", file=sys.stderr)
    return int(ExitCode.INTERRUPTED if ending == "interrupted" else ExitCode.TERMINATED)


def _on_sigint(_signum: int, _frame: object) -> None:
    SIGNALLED.append("interrupted")
    raise KeyboardInterrupt


def _on_sigterm(_signum: int, _frame: object) -> None:
    SIGNALLED.append("terminated")
    raise Terminated


def _end_on_lost_signal(unraisable: Any) -> None:
    """sys.unraisablehook while the `kqa` command answers or indexes. A signal
    that arrives in code Python cannot raise out of (a weakref callback of the
    import system) would be printed as 'Exception ignored ... Traceback' and
    lost: end as the start-up guard does instead. A build stopped there leaves
    its unfinished generation, which the next build removes (kqa.store)."""
    if SIGNALLED and isinstance(unraisable.exc_value, (KeyboardInterrupt, Terminated)):
        code = report()
        try:
            sys.stdout.flush()
        except BaseException:  # noqa: BLE001 - a closed pipe, or a flush this signal interrupted
            pass
        os._exit(code)
    sys.__unraisablehook__(unraisable)


@contextmanager
def handled(tui: bool) -> Iterator[None]:
    """Signal handling for one command (`tui`: the interactive app); the
    caller's handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():  # main() called from a thread
        yield
        return
    previous: dict[int, Any] = {}
    if tui:
        for signum in (signal.SIGINT, signal.SIGTERM):
            if (python := kqa.guarded_default(signum)) is not None:
                previous[signum] = signal.signal(signum, python)
    else:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _on_sigterm)
        sigint = signal.getsignal(signal.SIGINT)
        if sigint is signal.default_int_handler or kqa.guarded_default(signal.SIGINT) is not None:
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, _on_sigint)  # not a caller's own handler
    hook = sys.unraisablehook
    if kqa.is_command() and not tui:
        sys.unraisablehook = _end_on_lost_signal
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # callers of main() get theirs back
