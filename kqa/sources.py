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


def scan(root: Path, exclude: Path | None = None,
         problems: list[tuple[str, str]] | None = None) -> Iterator[SourceFile]:
    """Corpus files under `root`, recursively and sorted; hidden entries and
    the `exclude` folder (an index kept inside the corpus) are skipped.
    Symlinked folders are followed once (a link loop is not); a file reached
    twice (through a link) is listed once, by its own path if it has one.
    Folders that cannot be read and broken links go to `problems`."""
    skip = exclude.resolve() if exclude else None
    seen: set[str] = set()
    found: dict[tuple[int, int], SourceFile] = {}

    def unreadable(exc: OSError) -> None:
        if problems is not None and exc.filename:
            rel = Path(exc.filename).relative_to(root).as_posix() if Path(exc.filename) != root else "."
            problems.append((rel + "/", f"unreadable folder ({exc.strerror or exc})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
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
            rel = path.relative_to(root).as_posix()
            try:
                st = path.stat()
            except OSError:  # a broken link, or a file removed while we look
                if problems is not None and os.path.islink(path):
                    problems.append((rel, "broken link"))
                continue
            key = (st.st_dev, st.st_ino)
            if key in found and not (os.path.islink(found[key].path) and not os.path.islink(path)):
                continue  # the same file again; keep the first, unless that one is the link
            found[key] = SourceFile(rel, path, st.st_size, st.st_mtime_ns)
    yield from found.values()  # walk order (a replaced entry keeps its place)
