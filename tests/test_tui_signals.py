"""The interactive app under SIGTERM and an outside SIGINT, through the real
entry point on a pseudo-terminal: it quits as with Ctrl+Q (the terminal gets
its screen, cursor and mouse back), then says why with the documented code.

No timing is asserted: the signal is sent once the app has drawn its first
screen, however long that takes."""

from __future__ import annotations

import os
import re
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import kqa_cmd, run_kqa

pty = pytest.importorskip("pty")  # Unix only

ANSI = re.compile(rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|[@-Z\\-_])")
RESTORED = {b"\x1b[?1049l": "main screen", b"\x1b[?25h": "cursor shown", b"\x1b[?1000l": "mouse reports off"}


def read_until(fd: int, done: Callable[[bytes], bool], seconds: float = 120) -> bytes:
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
    pid, fd = pty.fork()
    if pid == 0:  # the child: the kqa command on the pseudo-terminal
        try:
            os.execvpe(kqa_cmd()[0], [*kqa_cmd(), *options], {**os.environ, "TERM": "xterm-256color"})
        finally:
            os._exit(127)  # never back into pytest
    try:
        drawn = read_until(fd, lambda out: b"Type a question" in ANSI.sub(b"", out))
        assert b"Type a question" in ANSI.sub(b"", drawn), drawn[-500:]
        os.kill(pid, signum)
        after = read_until(fd, lambda out: False)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == code
    assert b"Traceback" not in after
    assert [what for seq, what in RESTORED.items() if seq not in after] == []
    assert after.rstrip().endswith(message)  # said after the screen is back, so it stays visible
