"""What the terminal kqa runs in, and the session around it, can do: resume a
stopped app (job control), take a copy into tmux's paste buffer."""

from __future__ import annotations

import os


def job_control() -> bool:
    """Whether a stopped kqa can be resumed: its parent, in the same session
    but another process group, is a job-control shell (its `fg` sends SIGCONT).
    Otherwise the group is orphaned (kqa leads its own session, or runs in its
    parent's group) and nothing would wake it."""
    try:
        parent = os.getppid()
        return os.getsid(parent) == os.getsid(0) and os.getpgid(parent) != os.getpgrp()
    except (AttributeError, OSError):  # Windows, or the parent is gone
        return False


def tmux_buffer(text: str) -> bool:
    """Inside tmux, which by default ignores an app's OSC 52 (`set-clipboard
    external`), also load `text` into its paste buffer (`-w`: and on to the
    outer terminal's clipboard, tmux 3.2+). False outside tmux or if it fails."""
    import shutil
    import subprocess

    tmux = shutil.which("tmux") if os.environ.get("TMUX") else None
    if tmux is None:
        return False
    for args in ([tmux, "load-buffer", "-w", "-"], [tmux, "load-buffer", "-"]):  # -w: tmux 3.2+
        try:
            if subprocess.run(args, input=text.encode("utf-8"), capture_output=True, timeout=2).returncode == 0:
                return True
        except (OSError, subprocess.SubprocessError):
            return False
    return False
