"""Ctrl-C and SIGTERM at any moment of the `kqa` command, start-up included:
the one-line message and the documented exit code, never a traceback.

Everything runs through the real entry point in a fresh process. No timing is
asserted: the child waits for questions on a stdin the test keeps open until
the signal is sent, so it cannot finish first however slow the machine is.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kqa
from conftest import kqa_cmd, run_kqa

ENDINGS = {signal.SIGINT: ("kqa: interrupted", 130), signal.SIGTERM: ("kqa: terminated", 143)}


@pytest.fixture
def indexed(bundled_copy: Path, tmp_path: Path) -> list[str]:
    """--corpus and --index options for a built index (so a run spends no time indexing)."""
    options = ["--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")]
    assert run_kqa(*options, "index").returncode == 0
    return options


def importtime_cmd() -> list[str]:
    """The entry point under `python -X importtime`: the child reports on stderr
    each module it has finished importing, `kqa` (the package) included."""
    cmd = kqa_cmd()
    return [sys.executable, "-X", "importtime", *(cmd[1:] if cmd[0] == sys.executable else cmd)]


def imported(line: str) -> str | None:
    """The module an `-X importtime` line reports (None for other lines)."""
    return line.rsplit("|", 1)[-1].strip() if line.startswith("import time:") and "|" in line else None


KQA_DIR = Path(kqa.__file__).parent


def before_kqa(stderr: str) -> bool:
    """The signal ended the interpreter before kqa's code ran: its start-up
    (`site`) or the loading of the kqa package itself (until kqa/__init__.py
    has installed the guard, Python's KeyboardInterrupt stands). kqa printed
    nothing, and a traceback (if any) runs through no kqa module but the
    package's __init__."""
    if any(line.startswith("kqa:") for line in stderr.splitlines()):
        return False
    frames = [Path(f) for f in re.findall(r'^\s*File "([^"]+)"', stderr, re.M)]
    return not any(KQA_DIR in f.parents and f != KQA_DIR / "__init__.py" for f in frames)


def check_ending(signum: int, code: int | None, stderr: str) -> None:
    message, expected = ENDINGS[signum]
    ours = [line for line in stderr.splitlines() if line.startswith("kqa:")]
    assert "Traceback" not in stderr, stderr
    assert (code, ours) == (expected, [message]), (code, ours)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_at_any_point_of_start_up(indexed: list[str], signum: int) -> None:
    # from the start of the process (the earliest may come before kqa is
    # imported), then from the moment the kqa package is imported
    for since_kqa, delays in ((False, range(0, 160, 10)), (True, (0, 1, 2, 5, 10, 20, 40, 80))):
        for delay in delays:
            proc = subprocess.Popen(
                [*importtime_cmd(), *indexed, "-q", "-"], text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )
            seen = ""
            if since_kqa:
                while (line := proc.stderr.readline()) and imported(line) != "kqa":  # type: ignore[union-attr]
                    seen += line
                assert line, seen  # the process ended before it imported kqa
                seen += line
            time.sleep(delay / 1000)
            proc.send_signal(signum)  # still running: it waits for questions on stdin
            try:
                _, err = proc.communicate(timeout=120)  # closes stdin
            finally:
                proc.kill()
            err = seen + err
            if since_kqa or not before_kqa(err):
                check_ending(signum, proc.returncode, err)


STAGES = """
import os, signal, sys
stage, signum = sys.argv.pop(1), int(sys.argv.pop(1))
import kqa
if stage == "package":  # the package is imported, kqa.cli not yet
    os.kill(os.getpid(), signum)
from kqa.cli import main
if stage == "script":  # between the console script's import and its call
    os.kill(os.getpid(), signum)
code = main()
if stage == "exit":  # main() has returned, the interpreter has not exited yet
    os.kill(os.getpid(), signum)
sys.exit(code)
"""


@pytest.mark.parametrize("stage", ["package", "script", "exit"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_between_import_and_main_and_after_it(indexed: list[str], tmp_path: Path, stage: str,
                                                       signum: int) -> None:
    # The installed script's steps, with the signal sent to itself at a given
    # one: deterministic. Named `kqa`, as the installed script is.
    script = tmp_path / "bin" / "kqa"
    script.parent.mkdir()
    script.write_text(STAGES, "utf-8")
    r = subprocess.run([sys.executable, str(script), stage, str(int(signum)), *indexed, "-q", "Moscow meeting"],
                       capture_output=True, text=True, timeout=300)
    check_ending(signum, r.returncode, r.stderr)
    if stage == "exit":
        assert "Moscow" in r.stdout  # the answer written before the signal is all there


def test_a_program_that_imports_kqa_keeps_its_signal_handling(indexed: list[str]) -> None:
    code = """
import signal, sys
import kqa.cli
assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
print(kqa.cli.main([*sys.argv[1:], "-q", "Moscow meeting"]))
assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
try:
    signal.raise_signal(signal.SIGINT)
except KeyboardInterrupt:
    print("KeyboardInterrupt")
"""
    r = subprocess.run([sys.executable, "-c", code, *indexed], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-2:] == ["0", "KeyboardInterrupt"]


def test_an_ignored_ctrl_c_stays_ignored() -> None:
    # `kqa -q ... &` in a script starts with SIGINT ignored: the guard leaves it so (and takes SIGTERM)
    code = """
import signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.argv[0] = "/usr/local/bin/kqa"
import kqa
print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN, signal.getsignal(signal.SIGTERM) is kqa._end)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.split() == ["True", "True"], r.stderr


@pytest.mark.parametrize("swallowed", [False, True], ids=["turned-into-ImportError", "swallowed"])
def test_a_ctrl_c_that_c_code_turned_into_another_error_is_still_reported(
    indexed: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], swallowed: bool
) -> None:
    import kqa.cli

    def run(_args: object) -> int:
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt as exc:  # what numpy's C set-up does when an import inside it is interrupted
            if not swallowed:
                raise ImportError("") from exc
        return 0

    monkeypatch.setattr(kqa.cli, "_run", run)
    assert kqa.cli.main([*indexed, "-q", "Moscow"]) == 130
    assert capsys.readouterr().err.splitlines() == ["kqa: interrupted"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the caller's handler is back


LOST = """
import signal, sys, time, weakref
signum = int(sys.argv.pop(1))
import kqa.cli

class Thing:
    pass

def run(_args):
    thing = Thing()
    ref = weakref.ref(thing, lambda _: signal.raise_signal(signum))  # raised inside the callback: unraisable
    del thing
    time.sleep(60)  # not reached: the signal is not lost
    return 0

kqa.cli._run = run
sys.exit(kqa.cli.main())
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_inside_a_weakref_callback_is_not_lost(indexed: list[str], tmp_path: Path, signum: int) -> None:
    # as in the import system's module-lock callbacks: Python prints 'Exception ignored' and goes on
    script = tmp_path / "bin" / "kqa"
    script.parent.mkdir()
    script.write_text(LOST, "utf-8")
    r = subprocess.run([sys.executable, str(script), str(int(signum)), *indexed, "-q", "Moscow"],
                       capture_output=True, text=True, timeout=50)
    check_ending(signum, r.returncode, r.stderr)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_the_command_runs_one_thread_so_ctrl_c_reaches_the_one_that_acts_on_it(indexed: list[str]) -> None:
    # numpy's OpenBLAS started a worker thread; a SIGINT the kernel gave it was
    # lost while the main thread read stdin (`kqa -q -` ended 1, "no questions")
    proc = subprocess.Popen([*kqa_cmd(), *indexed, "-q", "-", "--format", "jsonl"], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write("Nakhchivan railway\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        assert proc.stdout.readline().startswith("{")  # type: ignore[union-attr]  # answered: numpy is loaded
        threads = len(list(Path(f"/proc/{proc.pid}/task").iterdir()))
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert threads == 1
    check_ending(signal.SIGINT, proc.returncode, err)
