"""Which files make up a corpus, and the signature that tells if one changed.

Kept apart from reading (kqa.corpus) so that checking an index is fresh, done
on every question, imports nothing more than os and pathlib.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES


@dataclass(frozen=True)
class SourceFile:
    """A corpus file and the signature used to tell whether it changed."""

    relpath: str
    path: Path
    size: int
    mtime_ns: int

    @property
    def signature(self) -> list[int]:
        return [self.size, self.mtime_ns]


def scan(root: Path, exclude: Path | None = None) -> Iterator[SourceFile]:
    """Corpus files under `root`, recursively and sorted; hidden entries and
    the `exclude` folder (an index kept inside the corpus) are skipped.
    Symlinked folders are followed once (a link loop is not)."""
    skip = exclude.resolve() if exclude else None
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and (skip is None or Path(dirpath, d).resolve() != skip)
        )
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(dirpath, name)
            try:
                st = path.stat()
            except OSError:
                continue  # a broken link or a file removed while we look
            rel = path.relative_to(root).as_posix()
            yield SourceFile(rel, path, st.st_size, st.st_mtime_ns)
