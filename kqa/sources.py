"""Which files make up a corpus, and the signature that tells if one changed.

Kept apart from reading (kqa.corpus) so that checking an index is fresh, done
on every question, imports nothing more than os and pathlib.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES


@dataclass(frozen=True)
class SourceFile:
    """A corpus file and the signature used to tell whether it changed."""

    relpath: str
    abspath: str  # a str: building a Path per file was most of a scan's time on large corpora
    size: int
    mtime_ns: int
    ctime_ns: int = 0

    @property
    def path(self) -> Path:
        return Path(self.abspath)

    @property
    def signature(self) -> list[int]:
        """Size and both times: a same-size edit with its mtime put back (`cp -p`,
        `rsync -t`, `touch -r`) still moves the ctime, which no tool can set."""
        return [self.size, self.mtime_ns, self.ctime_ns]


def scan(root: Path, exclude: Path | None = None, problems: list[tuple[str, str]] | None = None,
         ignored: Counter[str] | None = None) -> Iterator[SourceFile]:
    """Corpus files under `root`, recursively and sorted; hidden entries, the
    `exclude` folder and any other kqa index kept inside the corpus are
    skipped. Links are followed, but a link to something the walk reaches
    anyway (inside the corpus) is skipped, and a file reached twice from
    outside is listed once, so articles are not indexed twice and keep their
    own paths. Folders that cannot be read, broken links, files that are not
    regular files (a FIFO would block the reader, a device never ends) and
    names that are not UTF-8 (they cannot be stored or printed) go to
    `problems` instead; other files are counted by extension in `ignored`."""
    top = os.path.realpath(root)
    skip = os.path.realpath(exclude) if exclude else None
    seen: set[str] = set()
    found: dict[tuple[int, int], SourceFile] = {}
    reported: set[str] = set()

    def report(rel: str, reason: str) -> None:
        if problems is not None and rel not in reported:
            reported.add(rel)
            problems.append((rel, reason))

    def unreadable(exc: OSError) -> None:
        if exc.filename:
            rel = Path(exc.filename).relative_to(root).as_posix() if Path(exc.filename) != root else "."
            report(printable(rel) + "/", f"unreadable folder ({exc.strerror or exc})")

    def walked_anyway(path: str) -> bool:
        """A link whose target the walk reaches by its own path."""
        if not os.path.islink(path):
            return False
        real = os.path.realpath(path)
        try:
            rel = os.path.relpath(real, top)
        except ValueError:  # another drive
            return False
        return os.path.exists(real) and not (rel.startswith("..") or os.path.isabs(rel) or rel == "."
                    or any(part.startswith(".") for part in Path(rel).parts)
                    or (skip is not None and (real + os.sep).startswith(skip + os.sep))
                    or (os.path.isfile(real) and not real.lower().endswith(SUFFIXES)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".")
            and (skip is None or os.path.realpath(os.path.join(dirpath, d)) != skip)
            and not os.path.islink(os.path.join(dirpath, d, "current"))  # another kqa index
            and not walked_anyway(os.path.join(dirpath, d))
        )
        # plain strings from here on: pathlib costs ~10 us a file, more than the lstat
        reldir = os.path.relpath(dirpath, root)
        prefix = "" if reldir == "." else reldir.replace(os.sep, "/") + "/"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            if not name.lower().endswith(SUFFIXES):
                if os.path.islink(path) and not os.path.exists(path):  # e.g. a link to a folder on a drive not mounted
                    report(prefix + name, "broken link")
                elif ignored is not None:  # a saved web page or a PDF: `kqa info` says they are not read
                    ignored[os.path.splitext(name)[1].lower() or "no extension"] += 1
                continue
            rel = prefix + name
            if not rel.isascii() and printable(rel) != rel:
                report(printable(rel), "file name is not UTF-8 (rename the file to index it)")
                continue
            try:
                st = os.lstat(path)  # one call per plain file, as stat() would be
                if stat.S_ISLNK(st.st_mode):
                    if walked_anyway(path):
                        continue
                    st = os.stat(path)
            except OSError as exc:  # a broken link, a folder we may list but not enter, or a file just removed
                if os.path.islink(path):
                    report(rel, "broken link")
                elif exc.errno in (errno.EACCES, errno.EPERM):
                    report(Path(rel).parent.as_posix() + "/", f"unreadable folder ({exc.strerror})")
                continue
            if not stat.S_ISREG(st.st_mode):
                report(rel, "not a regular file (a pipe, socket or device)")
                continue
            key = (st.st_dev, st.st_ino) if st.st_ino else (-1, len(found))  # no inode numbers: no dedup
            if key not in found:
                found[key] = SourceFile(rel, path, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    yield from found.values()


def listing_digest(files: Iterable[SourceFile]) -> str:
    """A short digest of every (path, signature) in a scan, kept in the index
    manifest: a question then learns the folder is unchanged by comparing one
    string, without reading the per-file table (megabytes on large corpora)."""
    try:
        from _blake2 import blake2b  # the same function; `hashlib` also loads OpenSSL (~2 ms a question)
    except ImportError:  # a Python built without it
        from hashlib import blake2b

    lines = "\n".join([f"{f.relpath}\0{f.size} {f.mtime_ns} {f.ctime_ns}"
                       for f in sorted(files, key=attrgetter("relpath"))])
    return blake2b(lines.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def content_digest(data: bytes) -> str:
    """What a file's stored digest is of: its bytes (a feed's top is checked against it too)."""
    import hashlib

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def printable(name: str) -> str:
    """`name` with bytes that are not UTF-8 (kept by Python as surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
