"""Shared fixtures: every test runs with its own HOME/XDG dirs, so nothing
touches the user's real cache, data or config."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
BBC = SHARED / "data" / "bbc-news"
SQUAD = SHARED / "data" / "squad-dev"



def pytest_configure(config: pytest.Config) -> None:
    """A test run started in the background of a script (`pytest &`, `(cd x && cmd &)`)
    inherits Ctrl-C ignored, and so would every `kqa` it starts: kqa rightly keeps an
    ignored SIGINT ignored, and the Ctrl-C tests would see nothing happen. They test
    what a terminal user gets, so the run takes Python's own Ctrl-C back (children
    then start with the default)."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KQA_CORPUS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus (tests may change or index it)."""
    dest = tmp_path / "corpus"
    shutil.copytree(BUNDLED, dest)
    return dest


def kqa_cmd() -> list[str]:
    """The installed entry point, as a user runs it."""
    exe = shutil.which("kqa", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "kqa"]


def run_kqa(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*kqa_cmd(), *args], input=input, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, cwd=cwd, timeout=300,
    )


def corpus_of(root: Path, files: dict[str, str]) -> Path:
    """A corpus folder at `root` holding `files` (name -> text, written as UTF-8)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, "utf-8")
    return root


def needs(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


@pytest.fixture
def ask(bundled_copy: Path, tmp_path: Path):
    """`kqa` on a private copy of the bundled corpus, with its own index."""
    ix = tmp_path / "ix"

    def run(*args: str, **kw) -> subprocess.CompletedProcess[str]:
        return run_kqa("--corpus", str(bundled_copy), "--index", str(ix), *args, **kw)

    return run
