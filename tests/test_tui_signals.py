"""The interactive app under signals, through the real entry point on a
pseudo-terminal: SIGTERM and an outside SIGINT quit as with Ctrl+Q (the
terminal gets its screen, cursor and mouse back), then say why with the
documented code; Ctrl+Z stops it under a job-control shell and `fg` brings it
back, and without such a shell it says so instead of hanging its terminal.

No timing is asserted: keys and signals are sent once the app has drawn its
screen, however long that takes."""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import kqa_cmd, run_kqa

pty = pytest.importorskip("pty")  # Unix only

ANSI = re.compile(rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|[@-Z\\-_])")
RESTORED = {b"\x1b[?1049l": "main screen", b"\x1b[?25h": "cursor shown", b"\x1b[?1000l": "mouse reports off"}


def read_until(fd: int, done: Callable[[bytes], bool], seconds: float = 60) -> bytes:
    """What the child writes, until `done(output)` or it closes the terminal."""
    out = b""
    deadline = time.monotonic() + seconds
    while not done(out) and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child ended and closed the terminal
                break
            if not chunk:
                break
            out += chunk
    return out


@pytest.mark.parametrize(("signum", "message", "code"), [
    (signal.SIGTERM, b"kqa: terminated", 143),
    (signal.SIGINT, b"kqa: interrupted", 130),
], ids=["SIGTERM", "SIGINT"])
def test_a_signal_quits_the_app_and_restores_the_terminal(bundled_copy: Path, tmp_path: Path, signum: int,
                                                           message: bytes, code: int) -> None:
    options = ["--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")]
    assert run_kqa(*options, "index").returncode == 0
    pid, fd = spawn([*kqa_cmd(), *options])
    try:
        drawn = read_until(fd, lambda out: b"Type a question" in ANSI.sub(b"", out))
        assert b"Type a question" in ANSI.sub(b"", drawn), drawn[-500:]
        os.kill(pid, signum)
        os.kill(pid, signum)  # a second one while it quits changes nothing
        after = read_until(fd, lambda out: False)
    finally:
        status = reap(pid, fd)
    assert os.waitstatus_to_exitcode(status) == code
    assert b"Traceback" not in after
    assert [what for seq, what in RESTORED.items() if seq not in after] == []
    assert after.rstrip().endswith(message)  # said after the screen is back, so it stays visible


# A job-control shell in miniature, run as the pseudo-terminal's session leader: kqa
# runs as a foreground job in its own process group; when it stops, the shell takes
# the terminal back, says "[stopped]", and on the next line typed brings it back (fg), or
# ends it if the line is "kill"; then it says how the job ended ("[exit 0]", "[exit -15]").
MINI_SHELL = """
import os, signal, sys
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
go_r, go_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.close(go_w)
    os.read(go_r, 1)  # until the shell has made this the foreground job
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execvp(sys.argv[1], sys.argv[1:])
os.setpgid(pid, pid)
os.tcsetpgrp(0, pid)
os.write(go_w, b"x")
_, status = os.waitpid(pid, os.WUNTRACED)
if os.WIFSTOPPED(status):
    os.tcsetpgrp(0, os.getpgrp())
    os.write(1, b"\\r\\n[stopped]\\r\\n")
    if os.read(0, 100).startswith(b"kill"):  # `kill %1`, as bash does it for a stopped job
        os.kill(pid, signal.SIGTERM)
        os.kill(pid, signal.SIGCONT)
    else:  # `fg`
        os.tcsetpgrp(0, pid)
        os.kill(pid, signal.SIGCONT)
    _, status = os.waitpid(pid, 0)
os.write(1, b"[exit %d]" % os.waitstatus_to_exitcode(status))
"""


def reap(pid: int, fd: int, seconds: float = 60) -> int:
    """The child's exit status; a child still there after `seconds` (a stopped
    job that never ends, a hung app) is killed with its session, so a failing
    test fails instead of hanging."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            os.close(fd)
            return status
        read_until(fd, lambda out: False, 0.1)  # keep the terminal drained
    os.killpg(pid, signal.SIGKILL)  # the session leader's group; its jobs get SIGHUP as it dies
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return status


def spawn(argv: list[str]) -> tuple[int, int]:
    """(pid, terminal) of `argv` run on a new pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color"})
        finally:
            os._exit(127)  # never back into pytest
    return pid, fd


def shown(out: bytes, text: bytes) -> bool:
    return text in ANSI.sub(b"", out)


def test_ctrl_z_stops_the_app_under_a_job_control_shell_and_fg_brings_it_back(
        bundled_copy: Path, tmp_path: Path) -> None:
    options = ["--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")]
    assert run_kqa(*options, "index").returncode == 0
    pid, fd = spawn([sys.executable, "-c", MINI_SHELL, *kqa_cmd(), *options])
    try:
        out = read_until(fd, lambda out: shown(out, b"Type a question"))
        assert shown(out, b"Type a question"), out[-500:]
        os.write(fd, b"Lukashenko Minsk\r")  # answers shown, the list focused
        out = read_until(fd, lambda out: shown(out, b"Alexander Lukashenko"))
        assert shown(out, b"Alexander Lukashenko"), out[-500:]
        os.write(fd, b"\x1a")  # Ctrl+Z
        stopped = read_until(fd, lambda out: b"[stopped]" in out)
        assert b"[stopped]" in stopped, stopped[-500:]
        assert b"\x1b[?1049l" in stopped  # the shell got its screen back first
        os.write(fd, b"\n")  # fg
        whole = (b"Lukashenko Minsk", b"Alexander Lukashenko", b"Quit")  # question box, list, footer
        back = read_until(fd, lambda out: all(shown(out, text) for text in whole), seconds=20)
        # the whole screen is drawn again, not only what changed since (Textual 8.2 drew a blank screen)
        assert b"\x1b[?1049h" in back and all(shown(back, text) for text in whole), back[-500:]
        os.write(fd, b"\x11")  # Ctrl+Q
        assert b"[exit 0]" in read_until(fd, lambda out: False)
    finally:
        reap(pid, fd)


def test_a_stopped_app_ends_on_kill_as_any_stopped_job_does(bundled_copy: Path, tmp_path: Path) -> None:
    # its SIGTERM handler cannot run while it is stopped: the default stands until `fg`
    options = ["--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")]
    assert run_kqa(*options, "index").returncode == 0
    pid, fd = spawn([sys.executable, "-c", MINI_SHELL, *kqa_cmd(), *options])
    try:
        assert shown(read_until(fd, lambda out: shown(out, b"Type a question")), b"Type a question")
        os.write(fd, b"\x1a")
        assert b"[stopped]" in read_until(fd, lambda out: b"[stopped]" in out)
        os.write(fd, b"kill\n")
        assert b"[exit -15]" in read_until(fd, lambda out: b"[exit" in out)
    finally:
        reap(pid, fd)


def test_ctrl_z_without_a_shell_to_come_back_to_says_so_and_the_app_goes_on(
        bundled_copy: Path, tmp_path: Path) -> None:
    options = ["--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")]
    assert run_kqa(*options, "index").returncode == 0
    pid, fd = spawn([*kqa_cmd(), *options])  # kqa leads its own session, as under `tmux new kqa`
    try:
        assert shown(read_until(fd, lambda out: shown(out, b"Type a question")), b"Type a question")
        os.write(fd, b"\x1a")
        notice = read_until(fd, lambda out: shown(out, b"job control"))
        assert shown(notice, b"job control"), notice[-500:]
        os.write(fd, b"\x11")
        read_until(fd, lambda out: False)
    finally:
        status = reap(pid, fd)
    assert os.waitstatus_to_exitcode(status) == 0
