"""Textual stays inside kqa/tui: the one-shot command never imports it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

RUNNER = """
import sys
from kqa.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(f"EXIT={code} TEXTUAL={len(loaded)}", file=sys.stderr)
"""


def test_one_shot_question_does_not_import_textual(bundled_copy: Path, tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c", RUNNER, "-q", "peace", "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")],
        capture_output=True, text=True, timeout=300,
    )
    assert "EXIT=0 TEXTUAL=0" in r.stderr, r.stderr
    assert r.stdout.strip()


def test_core_modules_do_not_import_textual() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+textual\b", re.M)
    core = [p for p in (ROOT / "kqa").rglob("*.py") if "tui" not in p.relative_to(ROOT / "kqa").parts]
    assert len(core) > 5
    offenders = [str(p.relative_to(ROOT)) for p in core if pattern.search(p.read_text("utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("module", ["kqa.tui", "kqa.tui.history", "kqa.tui.settings"])
def test_tui_package_root_and_plain_file_modules_import_no_textual(module: str) -> None:
    r = subprocess.run(
        [sys.executable, "-c", f"import sys, {module}; print('textual' in sys.modules)"],
        capture_output=True, text=True, timeout=60,
    )
    assert r.stdout.strip() == "False", r.stderr


def test_warm_question_loads_no_heavy_or_build_only_modules(bundled_copy: Path, tmp_path: Path) -> None:
    """On an index that is up to date, a question needs neither the stemmer
    (nltk: the index keeps each word's stem) nor OpenSSL's hashlib (build-time
    digests): both cost start-up time on every `kqa -q`."""
    runner = RUNNER.replace('m == "textual" or m.startswith("textual.")',
                            'm.split(".")[0] in ("textual", "nltk", "hashlib", "_hashlib")')
    cmd = [sys.executable, "-c", runner, "-q", "peace", "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix")]
    subprocess.run(cmd, capture_output=True, timeout=300)  # builds the index
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert "EXIT=0 TEXTUAL=0" in r.stderr, r.stderr
