"""kqa: ask questions of a folder of news articles from the terminal.

The package root stays import-free so that `kqa -q` starts fast; heavy
modules (nltk, numpy, textual) are imported where they are needed. It only
guards the start-up of the `kqa` command (the console script or `python -m
kqa`): from here until `kqa.cli.main` takes over, and again once it is done,
Ctrl-C and SIGTERM end the process with kqa's one-line message and exit code
instead of a KeyboardInterrupt traceback (see `_guard`). Imported from any
other program, kqa changes no signal handling.
"""

import sys as _sys


def _started_as_kqa() -> bool:
    """Whether this process is the `kqa` command rather than a program that imports kqa."""
    argv0 = _sys.argv[0] if _sys.argv else ""
    if argv0 == "-m":  # `python -m kqa`: runpy imports the package before it sets argv[0]
        args = getattr(_sys, "orig_argv", [])
        for i, arg in enumerate(args[1:], 1):
            if arg == "-m":
                return args[i + 1 : i + 2] in (["kqa"], ["kqa.__main__"])
            if arg.startswith("-m"):
                return arg in ("-mkqa", "-mkqa.__main__")
        return False
    name = argv0.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("kqa", "kqa.exe", "kqa-script.py", "kqa-script.pyw")


_GUARDED: dict[int, object] = {}
"""Signal number → the interpreter's own handler that `_guard` replaced."""

_ENDINGS: dict[int, tuple[bytes, int]] = {}
"""Signal number → main()'s message for it and kqa.errors.ExitCode.INTERRUPTED /
TERMINATED (not imported here: the enum module costs start-up time)."""


def _end(signum: int, _frame: object) -> None:
    """Before kqa.cli answers or indexes, and after: nothing to clean up, so end at once."""
    import os

    message, code = _ENDINGS[signum]
    try:
        if _sys.stdout is not None:
            _sys.stdout.flush()  # whatever main() printed (the handler may run after it returned)
    except BaseException:  # noqa: BLE001 - a closed pipe, or a flush this signal interrupted
        pass
    try:
        os.write(2, message)  # not sys.stderr: no buffer to be caught half-way through a write
    except OSError:
        pass
    os._exit(code)


def _guard() -> None:
    """Install `_end` for SIGINT and SIGTERM, unless they are ignored (`nohup`,
    `kqa ... &` in a script). kqa.cli hands them back to Python while it
    answers, indexes or runs the app (`guarded_default`) and puts `_end` back
    when that is done. A signal in the last stretch of the interpreter's exit,
    once the output is flushed, is ignored (Python would be killed by it,
    silently: its own handlers are gone by then)."""
    import _signal as signal  # already loaded by the interpreter (`signal` is not: enum conversions)

    _ENDINGS.update({signal.SIGINT: (b"kqa: interrupted\n", 130), signal.SIGTERM: (b"kqa: terminated\n", 143)})
    try:
        for signum, python in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
            if signal.getsignal(signum) == python:
                signal.signal(signum, _end)
                _GUARDED[signum] = python
    except ValueError:  # not the main thread
        return
    if _GUARDED:
        import atexit

        atexit.register(_ignore_at_exit)


def _ignore_at_exit() -> None:
    import _signal as signal

    try:
        if _sys.stdout is not None:
            _sys.stdout.flush()  # a slow reader is waited for while Ctrl-C still works
    except Exception:  # noqa: BLE001 - the interpreter reports a failed flush itself
        pass
    for signum in _GUARDED:
        if signal.getsignal(signum) is _end:
            signal.signal(signum, signal.SIG_IGN)


def is_command() -> bool:
    """Whether this process is the `kqa` command with its start-up guard."""
    return bool(_GUARDED)


def guarded_default(signum: int) -> object | None:
    """For kqa.cli: the interpreter's own handler for `signum` (for SIGINT the
    one that raises KeyboardInterrupt) when the start-up guard holds it now,
    else None (always None outside the `kqa` command)."""
    if signum not in _GUARDED:
        return None
    import _signal as signal

    return _GUARDED[signum] if signal.getsignal(signum) is _end else None


def _one_thread() -> None:
    """No OpenBLAS worker thread (kqa does no matrix products): on Python 3.11 a
    Ctrl-C that the kernel hands to such a thread is not acted on while the main
    thread waits (`kqa -q -` reading stdin), and then is lost. It also saves a
    few ms of numpy's import. A value the user set is kept."""
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


if _started_as_kqa():
    _guard()
    _one_thread()

__version__ = "0.1.0"
