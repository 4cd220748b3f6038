"""Odd corpus files and odd index states: skipped or repaired, never a hang,
a traceback or an index that stops answering."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_kqa
from kqa import store
from kqa.indexer import open_index
from kqa.passages import _chunks, punkt_splitter
from kqa.search import Searcher
from kqa.sources import scan

QUESTION = "Nakhchivan railway"


def ask(corpus: Path, ix_dir: Path, *extra: str):
    return run_kqa("-q", QUESTION, "-k", "1", "--corpus", str(corpus), "--index", str(ix_dir), *extra)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_named_txt_is_skipped_not_read(bundled_copy: Path, tmp_path: Path) -> None:
    os.mkfifo(bundled_copy / "pipe.txt")  # opening it would block until a writer comes
    r = ask(bundled_copy, tmp_path / "ix")  # run_kqa's timeout fails the test on a hang
    assert r.returncode == 0, r.stderr
    assert "pipe.txt: not a regular file" in r.stderr
    info = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "info")
    assert info.returncode == 0 and "not a regular file" in info.stdout + info.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_link_to_a_device_is_skipped(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "zero.txt").symlink_to("/dev/zero")  # read whole, it never ends
    r = ask(bundled_copy, tmp_path / "ix")
    assert r.returncode == 0, r.stderr
    assert "zero.txt: not a regular file" in r.stderr


def test_file_name_that_is_not_utf8_is_reported_and_the_rest_indexed(bundled_copy: Path, tmp_path: Path) -> None:
    try:
        with open(os.path.join(os.fsencode(bundled_copy), b"caf\xe9.txt"), "wb") as fh:
            fh.write(b"The caf\xc3\xa9 opened its doors near the Nakhchivan railway station.\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    r = ask(bundled_copy, tmp_path / "ix")
    assert r.returncode == 0, r.stderr
    assert "caf\ufffd.txt: file name is not UTF-8" in r.stderr
    assert "Traceback" not in r.stderr and "unexpected" not in r.stderr


def test_a_file_that_fails_to_split_is_skipped_alone(bundled_copy: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import kqa.passages

    real = kqa.passages.split_passages

    def fussy(body: str, *args: object, **kw: object):
        if "Nakhchivan" in body:  # NLTK gives up on a pathological text with TimeoutError, an OSError
            raise TimeoutError("regular-expression match exceeded its 5.0s time limit")
        return real(body, *args, **kw)

    monkeypatch.setattr(kqa.passages, "split_passages", fussy)
    warnings: list[str] = []
    index, report = open_index(bundled_copy, tmp_path / "ix", warn=warnings.append)
    assert report is not None and report.skipped
    assert all(reason.startswith("could not be indexed (TimeoutError") for _, reason in report.skipped)
    assert index.manifest["counts"]["articles"] == 5 - len(report.skipped) > 0
    assert not any("cannot write index" in w for w in warnings)


def test_ctime_only_change_is_settled_by_the_digest_not_a_re_read(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    for path in bundled_copy.iterdir():  # `chmod -R` with the same modes, or a `cp -al` since removed
        path.chmod(path.stat().st_mode)
    index, report = open_index(bundled_copy, ix_dir)
    assert report is not None and (report.files_read, report.files_reused) == (0, 5)
    assert open_index(bundled_copy, ix_dir)[1] is None
    assert Searcher(index).search(QUESTION, k=1)


def test_index_from_before_ctime_was_kept_is_reused(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    gen = store.live_generation(ix_dir)
    sources = json.loads((gen / "sources.json").read_text("utf-8"))
    for info in sources.values():  # as written by the version before ctime was kept
        info["sig"] = info["sig"][:2]
        info.pop("digest")
    data = json.dumps(sources).encode()
    (gen / "sources.json").write_bytes(data)
    manifest = json.loads((gen / "manifest.json").read_text("utf-8"))
    manifest["files"]["sources.json"] = {"size": len(data), "crc32": zlib.crc32(data)}
    manifest["listing"] = "an older listing"
    (gen / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    index, report = open_index(bundled_copy, ix_dir)
    assert report is not None and (report.files_read, report.files_reused) == (0, 5)
    assert all(len(info["sig"]) == 3 and info["digest"] for info in index.sources.values())
    assert open_index(bundled_copy, ix_dir)[1] is None


def test_debug_lets_an_unexpected_file_error_through(bundled_copy: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import kqa.indexer
    import kqa.passages

    def broken(*args: object, **kw: object):
        raise ZeroDivisionError("a kqa bug")

    monkeypatch.setattr(kqa.passages, "split_passages", broken)
    monkeypatch.setattr(kqa.indexer, "SHOW_FILE_ERRORS", True)
    with pytest.raises(ZeroDivisionError):
        open_index(bundled_copy, tmp_path / "ix")


def test_long_single_line_is_split_in_chunks_at_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    import kqa.passages

    seen: list[int] = []
    real = PunktSentenceTokenizer.span_tokenize

    def spy(self: PunktSentenceTokenizer, text: str, *args: object, **kw: object):
        seen.append(len(text))
        return real(self, text, *args, **kw)

    monkeypatch.setattr(PunktSentenceTokenizer, "span_tokenize", spy)
    monkeypatch.setattr(kqa.passages, "PUNKT_CHUNK", 1_000)
    text = "Word after word goes on. " * 10_000  # 250,000 characters, no newline
    spans = punkt_splitter()(text)
    assert len(spans) == 10_000 and text[slice(*spans[-1])] == "Word after word goes on."
    assert len(seen) >= 250 and max(seen) <= 1_000  # Punkt never saw the whole line


def test_chunks_are_cut_at_spaces() -> None:
    text = "Word after word goes on. " * 10_000  # 250,000 characters, no newline
    chunks = _chunks(text, size=1_000)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))
    assert all(text[hi - 1] == " " for _, hi in chunks[:-1]) and max(hi - lo for lo, hi in chunks) <= 1_000


def test_file_skipped_as_unreadable_is_read_once_it_can_be(bundled_copy: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = bundled_copy / "003_f1439a8cd7274eed.txt"
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == target.name:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    _, report = open_index(bundled_copy, tmp_path / "ix")
    assert report is not None and [rel for rel, _ in report.skipped] == [target.name]
    assert open_index(bundled_copy, tmp_path / "ix")[1] is None  # still unreadable: no rebuild loop
    monkeypatch.setattr(Path, "read_bytes", real)
    target.chmod(target.stat().st_mode)  # the fix: size and mtime stay, the ctime moves
    index, report = open_index(bundled_copy, tmp_path / "ix")
    assert report is not None and (report.files_read, report.files_reused) == (1, 4)
    assert not report.skipped and index.manifest["counts"]["articles"] == 5
    assert open_index(bundled_copy, tmp_path / "ix")[1] is None  # and then it is current


def test_folder_listed_but_not_entered_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text("text\n", "utf-8")
    (tmp_path / "locked").mkdir()
    for name in ("b.txt", "c.txt"):
        (tmp_path / "locked" / name).write_text("text\n", "utf-8")
    real = os.lstat

    def no_search(path: os.PathLike[str] | str, *args: object, **kw: object) -> os.stat_result:
        if Path(path).parent.name == "locked":  # mode r-- on the folder: names, but no stat
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kw)

    monkeypatch.setattr(os, "lstat", no_search)
    problems: list[tuple[str, str]] = []
    files = [f.relpath for f in scan(tmp_path, problems=problems)]
    assert files == ["open/a.txt"]
    assert problems == [("locked/", "unreadable folder (Permission denied)")]  # once, not per file


def test_readers_waiting_on_a_repair_do_not_repeat_it(bundled_copy: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    (store.live_generation(ix_dir) / "vocab.json").unlink()
    real = store.build_lock

    @contextlib.contextmanager
    def after_another_repair(index_dir: Path, waiting: object = None) -> Iterator[None]:
        monkeypatch.setattr(store, "build_lock", real)
        open_index(bundled_copy, ix_dir)  # the process that held the lock repairs the index
        with real(index_dir):
            yield

    monkeypatch.setattr(store, "build_lock", after_another_repair)
    warnings: list[str] = []
    index, report = open_index(bundled_copy, ix_dir, warn=warnings.append)
    assert report is None, "the index was rebuilt a second time"
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    assert Searcher(index).search(QUESTION, k=1)


def test_lock_that_is_a_folder_is_named(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    (ix_dir / ".lock").unlink()
    (ix_dir / ".lock").mkdir()
    (bundled_copy / "new.txt").write_text("A new article about the Nakhchivan railway line.\n", "utf-8")
    warnings: list[str] = []
    index, report = open_index(bundled_copy, ix_dir, warn=warnings.append)
    assert report is None and index.manifest["counts"]["articles"] == 5  # the index as it was
    assert len(warnings) == 1 and str(ix_dir / ".lock") in warnings[0]


def test_index_of_another_corpus_is_not_replaced_silently(bundled_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("Quokka news\n\nThe quokka census counted many animals.\n", "utf-8")
    open_index(other, tmp_path / "ix")
    warnings: list[str] = []
    index, _ = open_index(bundled_copy, tmp_path / "ix", warn=warnings.append)
    assert warnings == [f"index at {tmp_path / 'ix'} was built for {other}; rebuilding it for {bundled_copy}"]
    assert index.manifest["counts"]["articles"] == 5


def test_corpus_folder_whose_path_is_not_utf8_is_refused(tmp_path: Path) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"caf\xe9")
    try:
        os.mkdir(folder)
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    with open(os.path.join(folder, b"a.txt"), "wb") as fh:
        fh.write(b"Quokka news\n\nThe quokka census counted many animals.\n")
    r = run_kqa("--corpus", os.fsdecode(folder), "--index", str(tmp_path / "ix"), "-q", "quokka")
    assert r.returncode == 2 and "the corpus folder's path is not UTF-8" in r.stderr
    assert len(r.stderr.splitlines()) == 1


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a tmpfs (it keeps times past 9999)")
def test_a_file_modified_after_year_9999_is_indexed(tmp_path: Path) -> None:
    corpus = Path("/dev/shm") / f"kqa-test-{os.getpid()}"
    corpus.mkdir(exist_ok=True)
    try:
        (corpus / "a.txt").write_text("Zebra news\n\nThe zebra crossed the river near the town at dawn.\n", "utf-8")
        (corpus / "b.txt").write_text("Okapi news\n\nThe okapi was seen in the forest by rangers.\n", "utf-8")
        for name, seconds in (("a.txt", 253402300800), ("b.txt", 253402257600)):  # 10000-01-01, 9999-12-31 12:00
            os.utime(corpus / name, ns=(0, seconds * 10**9))
        r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "zebra okapi", "--format", "jsonl")
        assert r.returncode == 0 and "skipped /" not in r.stderr, r.stderr
        assert len(r.stdout.splitlines()) == 2
    finally:
        for p in corpus.iterdir():
            p.unlink()
        corpus.rmdir()


def test_files_removed_while_indexing_are_gone_not_skipped(tmp_path: Path) -> None:
    """A folder deleted during a long build: its files are removed, not 400
    'unreadable' lines, and `kqa info` does not list them as skipped."""
    corpus = tmp_path / "c"
    (corpus / "gone").mkdir(parents=True)
    (corpus / "a.txt").write_text("Aardvark news\n\nThe aardvark census counted many animals.\n", "utf-8")
    for i in range(5):
        (corpus / "gone" / f"{i}.txt").write_text(f"Bison news {i}\n\nThe bison herd number {i} grew.\n", "utf-8")
    warnings: list[str] = []

    def progress(done: int, total: int) -> None:
        if done == 1:  # a.txt read, then the folder goes
            for f in (corpus / "gone").iterdir():
                f.unlink()

    index, report = open_index(corpus, tmp_path / "ix", progress=progress, warn=warnings.append)
    assert warnings == [] and report is not None and report.skipped == [] and report.vanished == 5
    assert index.manifest["counts"]["articles"] == 1 and list(index.sources) == ["a.txt"]
    index, report = open_index(corpus, tmp_path / "ix")
    assert report is None and index.manifest["counts"]["articles"] == 1  # the index is the folder as it now is


def test_a_question_waiting_on_another_build_says_whose(bundled_copy: Path, tmp_path: Path) -> None:
    """Another kqa holds the build lock (a rebuild in another terminal, or one stopped with
    Ctrl-Z): a question after an edit waited on it without a word, possibly for ever."""
    import select
    import subprocess

    from conftest import kqa_cmd

    ix = tmp_path / "ix"
    open_index(bundled_copy, ix)
    (bundled_copy / "new.txt").write_text("Okapi news\n\nThe okapi census counted many animals.\n", "utf-8")
    with store.build_lock(ix):
        proc = subprocess.Popen([*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(ix), "-q", "okapi census"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        line = proc.stderr.readline() if ready else ""  # type: ignore[union-attr]
    out, err = proc.communicate(timeout=60)
    assert line == f"kqa: waiting for another kqa (pid {os.getpid()}) to finish updating the index at {ix}\n"
    assert proc.returncode == 0 and "Okapi news" in out and "Traceback" not in err
