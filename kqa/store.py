"""Index files on disk: plain JSON + `.npy`, versioned, checksummed, swapped atomically.

Layout of an index directory::

    .lock                  held while a build runs (two builds queue, not clash)
    current -> gen-...     symlink to the live generation, replaced atomically
    gen-<time>-<pid>/      manifest.json, *.json, *.npy, bodies.txt

The manifest, read on every open, stays small: the per-file table
(`sources.json`, one entry per corpus file) is only read when a build needs it
or `kqa info` shows it; the manifest keeps a digest of the folder listing.

A build writes a new generation beside the live one and then swaps the
`current` link with `os.replace`, so a reader (or a kill -9 mid-build) only
ever sees a complete generation.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mmap
import os
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 5  # 3: per-file table in sources.json, listing digest in the manifest; 4: articles.jsonl;
# 5: form_df.npy (articles using each stem-table word, so a refresh can drop words no article has left)
PASSAGES_VERSION = 13  # 13: a .jsonl record without an id is named by its url; 12: title/source/author/url aliases, source_inferred; 11: a date is inferred only from a date line near the top; 10: page navigation lines skipped before a headline, more page leftovers; 9: an article of 8+ paragraphs cuts only those over 2x its median; 8: .jsonl CRLF, headline line; bump when articles are read or split differently (titles, dates, passages): indexes are rebuilt
CURRENT = "current"
MANIFEST = "manifest.json"
LAZY_FILES = ("sources.json",)  # checksummed when read, not on every open
_KEEP_GENERATIONS = 2


class IndexMissing(Exception):
    """No index has been built in this directory yet."""


class IndexInvalid(Exception):
    """The index exists but cannot be used (corrupt, truncated, old format)."""


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


@contextlib.contextmanager
def build_lock(index_dir: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Exclusive lock for the duration of a build; a second build waits, and
    `waiting` is told who it waits for (the holder's pid is in the lock file):
    a build in another terminal, or one stopped with Ctrl-Z, held a question
    up without a word."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = index_dir / ".lock"
    try:
        fh = lock.open("a")
    except OSError as exc:  # name the file: "Is a directory" alone does not say which
        raise OSError(exc.errno, f"{exc.strerror} ({lock})") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                try:
                    pid = lock.read_text("ascii").strip()
                except (OSError, UnicodeError):
                    pid = ""
                waiting(f"another kqa (pid {pid})" if pid.isdigit() else "another kqa process")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.truncate(0)
            fh.write(str(os.getpid()))
            fh.flush()
        except OSError:
            pass  # only a name for the message above
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_GENERATION = re.compile(r"gen-\d+-\d+(\.tmp)?")


def _is_generation(path: Path) -> bool:
    return bool(_GENERATION.fullmatch(path.name)) and path.is_dir() and not path.is_symlink()


def foreign_entries(index_dir: Path) -> list[str]:
    """Entries of `index_dir` that kqa did not write: a folder holding any is
    not an index, and kqa must not take it over (nor prune its `gen-*`).
    Dot entries are allowed: kqa's lock and half-made link, `.DS_Store`."""
    try:
        entries = sorted(index_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        p.name for p in entries
        if not (p.name.startswith(".") or _is_generation(p) or (p.name == CURRENT and p.is_symlink()))
    ]


def live_generation(index_dir: Path) -> Path:
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        raise IndexMissing(str(index_dir))
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop of links
        raise IndexInvalid("the 'current' link points to a missing generation") from None
    if not target.is_dir():
        raise IndexInvalid("the 'current' link points to a missing generation")
    return target


def write_generation(
    index_dir: Path,
    manifest: dict[str, Any],
    json_files: dict[str, Any],
    arrays: dict[str, np.ndarray],
    bodies: Iterable[str | bytes],
    line_files: dict[str, Iterable[Any]] | None = None,
) -> Path:
    """Write a complete generation and make it the live one. `line_files`
    are written one JSON value a line (`<key>.jsonl`, with `<key>_offsets.npy`)
    so a reader parses only the records it uses. Bodies and records given as
    bytes (from an earlier generation) are written as they are."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.time_ns()}-{os.getpid()}"
    tmp = index_dir / f"{name}.tmp"
    tmp.mkdir()
    try:
        offsets = [0]
        with (tmp / "bodies.txt").open("wb") as fh:
            for body in bodies:
                data = body if isinstance(body, bytes) else body.encode("utf-8")
                fh.write(data)
                offsets.append(offsets[-1] + len(data))
        arrays = {**arrays, "body_offsets": np.asarray(offsets, dtype=np.int64)}
        for key, records in (line_files or {}).items():
            offsets = [0]
            with (tmp / f"{key}.jsonl").open("wb") as fh:
                for record in records:
                    data = record if isinstance(record, bytes) else (
                        json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
                    fh.write(data)
                    offsets.append(offsets[-1] + len(data))
            arrays[f"{key}_offsets"] = np.asarray(offsets, dtype=np.int64)
        for key, value in json_files.items():
            (tmp / f"{key}.json").write_text(json.dumps(value, ensure_ascii=False), "utf-8")
        for key, arr in arrays.items():
            np.save(tmp / f"{key}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        files = {
            p.name: {"size": p.stat().st_size, "crc32": _crc(p)}
            for p in sorted(tmp.iterdir())
        }
        manifest = {**manifest, "format_version": FORMAT_VERSION, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        for p in tmp.iterdir():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())
        final = index_dir / name
        os.rename(tmp, final)
        link_tmp = index_dir / f".{CURRENT}.{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            link_tmp.unlink()
        os.symlink(name, link_tmp)
        os.replace(link_tmp, index_dir / CURRENT)
        _fsync_dir(index_dir)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(index_dir, keep=final)
    return final


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(index_dir: Path, keep: Path) -> None:
    """Drop old generations (the previous one stays for readers still on it)
    and temporary directories left by killed builds."""
    import shutil  # imports bz2/lzma: not on the question path

    gens = sorted(
        (p for p in index_dir.glob("gen-*") if _is_generation(p) and not p.name.endswith(".tmp")),
        key=lambda p: p.stat().st_mtime_ns,
    )
    for old in gens[:-_KEEP_GENERATIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in (p for p in index_dir.glob("gen-*.tmp") if _is_generation(p)):
        shutil.rmtree(tmp, ignore_errors=True)  # we hold the build lock: no live writer


def read_manifest(gen: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((gen / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexInvalid(f"unreadable manifest ({exc.__class__.__name__})") from None
    if not isinstance(manifest, dict):
        raise IndexInvalid("unreadable manifest")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexInvalid(f"index format {version}, this kqa reads format {FORMAT_VERSION}")
    if not _well_formed(manifest):
        raise IndexInvalid("manifest is damaged")
    return manifest


def _well_formed(m: dict[str, Any]) -> bool:
    """The manifest has no checksum of its own, so check its shape."""
    params, counts = m.get("params"), m.get("counts")
    return (
        isinstance(m.get("corpus"), str)
        and isinstance(m.get("built_at"), (int, float))
        and 0 <= m["built_at"] < 1e11  # a time kqa could have written (NaN fails too)
        and isinstance(params, dict)
        and all(isinstance(v, (int, float)) for v in params.values())
        and isinstance(counts, dict)
        and all(isinstance(counts.get(k), int) for k in ("articles", "passages"))
        and isinstance(m.get("listing"), str)
        and isinstance(m.get("unreachable", {}), dict)
    )


def well_formed_sources(sources: Any) -> bool:
    """Shape of the per-file table (`sources.json`): a signature per file."""
    return isinstance(sources, dict) and all(
        isinstance(info, dict)
        and isinstance(info.get("sig"), list)
        and len(info["sig"]) in (2, 3)  # 2: before ctime was kept; such files are simply re-read
        and all(isinstance(x, int) for x in info["sig"])
        for info in sources.values()
    )


def verify(gen: Path, manifest: dict[str, Any]) -> None:
    """Check every file's size and CRC-32 against the manifest; files in
    LAZY_FILES must be there with their size, and are checked in full when read."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files or not all(name in files for name in LAZY_FILES):
        raise IndexInvalid("manifest lists no files")
    for name, info in files.items():
        if name in LAZY_FILES:
            try:
                size = (gen / name).stat().st_size
            except OSError:
                raise IndexInvalid(f"{name} is missing") from None
            if size != info.get("size"):
                raise IndexInvalid(f"{name} is truncated or changed (size {size}, expected {info.get('size')})")
            continue
        path = gen / name
        try:
            size = path.stat().st_size
        except OSError:
            raise IndexInvalid(f"{name} is missing") from None
        if size != info.get("size"):
            raise IndexInvalid(f"{name} is truncated or changed (size {size}, expected {info.get('size')})")
        if _crc(path) != info.get("crc32"):
            raise IndexInvalid(f"{name} is corrupt (checksum mismatch)")


def load_json(gen: Path, key: str) -> Any:
    try:
        return json.loads((gen / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexInvalid(f"{key}.json unreadable ({exc.__class__.__name__})") from None


def load_lazy_json(data: bytes, name: str, manifest: dict[str, Any]) -> Any:
    """A LAZY_FILES file's content (mapped at open), checked against the
    manifest's size and CRC-32 before it is parsed."""
    info = manifest["files"].get(name, {})
    if len(data) != info.get("size") or zlib.crc32(data) != info.get("crc32"):
        raise IndexInvalid(f"{name} is corrupt (checksum mismatch)")
    try:
        return json.loads(bytes(data).decode("utf-8"))
    except ValueError as exc:
        raise IndexInvalid(f"{name} unreadable ({exc.__class__.__name__})") from None


def map_file(path: Path) -> mmap.mmap | bytes:
    """A file mapped read-only: kept readable even if a newer build prunes its generation."""
    try:
        with path.open("rb") as fh:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if fh.seek(0, 2) else b""
    except OSError as exc:
        raise IndexInvalid(f"{path.name} unreadable ({exc.__class__.__name__})") from None


def load_array(gen: Path, key: str) -> np.ndarray:
    try:
        return np.load(gen / f"{key}.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IndexInvalid(f"{key}.npy unreadable ({exc})") from None


def disk_size(gen: Path) -> int:
    return sum(p.stat().st_size for p in gen.iterdir() if p.is_file())


def folder_size(index_dir: Path) -> int:
    """Every generation's size: the previous one stays for readers still on
    it, so the folder holds up to twice what the live one does."""
    return sum(disk_size(g) for g in index_dir.glob("gen-*") if _is_generation(g))
