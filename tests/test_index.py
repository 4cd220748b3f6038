"""Index build, refresh, parity with rank-bm25, and resilience on disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from conftest import BBC, kqa_cmd, needs, run_kqa
from kqa import store
from kqa.analysis import Analyzer
from kqa.index import load
from kqa.indexer import open_index
from kqa.filters import Filters
from kqa.search import Searcher

QUESTIONS = [
    "Who hosted the January 11 meeting in Moscow?",
    "How many Russian peacekeepers were deployed to Nagorno-Karabakh?",
    "Why did Pashinyan refuse to sign the CSTO declaration?",
    "railway connection Nakhchivan through Armenian territory",
    "arms imports SIPRI per cent",
    "Armenia Armenia Russia",  # repeated terms count twice, as in rank-bm25
]


def _rank_bm25_scores(index_dir: Path, questions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """kqa's and rank-bm25's scores for every passage, from independently
    re-analysed passage text (not from kqa's stored term lists)."""
    ix = load(index_dir)
    analyzer = Analyzer()
    corpus = []
    for pid in range(ix.n_passages):
        a, start, end = ix.passage_span(pid)
        record = ix.articles[a]  # the title, and the source and author the file gives, count with each passage
        title = analyzer.terms(" ".join(filter(None, (record["title"], record.get("cited"))))) * ix.params.title
        corpus.append(analyzer.terms(ix.body(a)[start:end]) + title)
    p = ix.params
    reference = BM25Okapi(corpus, k1=p.k1, b=p.b, epsilon=p.epsilon)
    searcher = Searcher(ix)
    from kqa.bm25 import score

    ours, theirs = [], []
    for q in questions:
        terms = searcher.query_terms(q)
        ids = [ix.vocab[t] for t in terms if t in ix.vocab]
        ours.append(score(ids, ix.post_ptr, ix.post_doc, ix.post_tf, ix.idf, ix.norm, ix.params.k1))
        theirs.append(reference.get_scores(terms))
        for hit in searcher.search(q, k=10):  # reported bm25 = rank-bm25's score
            assert hit.bm25 == pytest.approx(theirs[-1][hit.passage_id], rel=1e-9)
    return np.array(ours), np.array(theirs)


def test_scores_equal_rank_bm25_on_bundled_corpus(bundled_copy: Path, tmp_path: Path) -> None:
    open_index(bundled_copy, tmp_path / "ix")
    ours, theirs = _rank_bm25_scores(tmp_path / "ix", QUESTIONS)
    assert (theirs > 0).any()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@needs(BBC)
def test_scores_equal_rank_bm25_on_bbc_sample(tmp_path: Path) -> None:
    corpus = tmp_path / "bbc"
    for topic in ("business", "politics", "tech"):
        (corpus / topic).mkdir(parents=True)
        for f in sorted((BBC / topic).glob("*.txt"))[:100]:
            shutil.copy(f, corpus / topic / f.name)
    open_index(corpus, tmp_path / "ix")
    questions = ["Time Warner profit AOL", "broadband internet users", "election Labour tax",
                 "mobile phone games", "oil prices dollar"]
    ours, theirs = _rank_bm25_scores(tmp_path / "ix", questions)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_refresh_rereads_only_changed_files(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    _, first = open_index(bundled_copy, ix_dir)
    assert first is not None and first.files_read == 5
    assert open_index(bundled_copy, ix_dir)[1] is None  # fresh: no work at all

    new = bundled_copy / "extra" / "note.md"
    new.parent.mkdir()
    new.write_text("---\ntitle: Quokka census\nsource: Test Wire\ndate: 2024-02-03\n---\n"
                   "The quokka census on Rottnest Island counted 12,000 animals this year.\n", "utf-8")
    index, report = open_index(bundled_copy, ix_dir)
    assert report is not None and (report.files_read, report.files_reused) == (1, 5)
    hits = Searcher(index).search("quokka census", k=1)
    assert hits[0].article["source"] == "Test Wire"

    (bundled_copy / "002_ae7c264f635dd3f5.txt").unlink()
    index, report = open_index(bundled_copy, ix_dir)
    assert report is not None and report.files_read == 0
    assert all(a["source"] != "Bloomberg" for a in index.articles)

    target = bundled_copy / "003_f1439a8cd7274eed.txt"
    target.write_text(target.read_text("utf-8").replace("SIPRI", "Stockholm-institute"), "utf-8")
    index, report = open_index(bundled_copy, ix_dir)
    assert report is not None and report.files_read == 1
    assert "sipri" not in index.vocab
    fresh, _ = open_index(bundled_copy, tmp_path / "fresh", rebuild=True)
    assert fresh.vocab == index.vocab
    np.testing.assert_array_equal(np.asarray(fresh.idf), np.asarray(index.idf))


@pytest.mark.parametrize("damage", ["truncate", "flip", "manifest", "manifest-shape", "manifest-time",
                                    "old-format", "missing", "link-loop"])
def test_damaged_index_is_rebuilt_with_one_warning(bundled_copy: Path, tmp_path: Path, damage: str) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    gen = store.live_generation(ix_dir)
    if damage == "truncate":
        data = (gen / "post_doc.npy").read_bytes()
        (gen / "post_doc.npy").write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        data = bytearray((gen / "idf.npy").read_bytes())
        data[-3] ^= 0xFF
        (gen / "idf.npy").write_bytes(bytes(data))
    elif damage == "manifest":
        (gen / "manifest.json").write_text("{not json", "utf-8")
    elif damage == "manifest-shape":
        m = json.loads((gen / "manifest.json").read_text("utf-8"))
        m["listing"] = {"x": [1]}  # where the listing digest should be
        (gen / "manifest.json").write_text(json.dumps(m), "utf-8")
    elif damage == "manifest-time":
        m = json.loads((gen / "manifest.json").read_text("utf-8"))
        m["built_at"] = float("nan")  # a number, but no time (`kqa info` would fail on it)
        (gen / "manifest.json").write_text(json.dumps(m), "utf-8")
    elif damage == "link-loop":
        (ix_dir / "current").unlink()
        (ix_dir / "current").symlink_to("current")
    elif damage == "old-format":
        m = json.loads((gen / "manifest.json").read_text("utf-8"))
        m["format_version"] = 0
        (gen / "manifest.json").write_text(json.dumps(m), "utf-8")
    else:
        (gen / "vocab.json").unlink()
    warnings: list[str] = []
    index, report = open_index(bundled_copy, ix_dir, warn=warnings.append)
    assert report is not None
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    assert Searcher(index).search("Nakhchivan railway", k=1)

    r = run_kqa("-q", "Nakhchivan railway", "--corpus", str(bundled_copy), "--index", str(ix_dir))
    assert r.returncode == 0 and "Traceback" not in r.stderr


def _resign(gen: Path, name: str, data: bytes) -> None:
    """Replace an index file and its checksum, as a kqa that wrote it would."""
    (gen / name).write_bytes(data)
    m = json.loads((gen / "manifest.json").read_text("utf-8"))
    m["files"][name] = {"size": len(data), "crc32": zlib.crc32(data)}
    (gen / "manifest.json").write_text(json.dumps(m), "utf-8")


@pytest.mark.parametrize("damage", ["flip", "truncate", "shape"])
def test_damaged_sources_table_is_rebuilt_with_one_warning(bundled_copy: Path, tmp_path: Path,
                                                           damage: str) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    gen = store.live_generation(ix_dir)
    data = (gen / "sources.json").read_bytes()
    if damage == "flip":
        (gen / "sources.json").write_bytes(data[:-2] + bytes([data[-2] ^ 0x20]) + data[-1:])
    elif damage == "truncate":
        (gen / "sources.json").write_bytes(data[:-5])
    else:
        _resign(gen, "sources.json", json.dumps({"x": {"sig": [1]}}).encode())
    warnings: list[str] = []
    if damage == "flip":  # same size: not read on an unchanged folder, so not noticed yet
        assert open_index(bundled_copy, ix_dir, warn=warnings.append)[1] is None and not warnings
        r = run_kqa("info", "--corpus", str(bundled_copy), "--index", str(ix_dir))
        assert r.returncode != 0 and "unusable" in r.stderr and "Traceback" not in r.stderr
    if damage != "truncate":  # a change in the folder makes the build read it
        target = next(bundled_copy.glob("*.txt"))
        target.write_text(target.read_text("utf-8") + "\nMore.\n", "utf-8")
    index, report = open_index(bundled_copy, ix_dir, warn=warnings.append)
    assert report is not None and report.files_reused == 0
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    assert open_index(bundled_copy, ix_dir)[1] is None
    assert Searcher(index).search("Nakhchivan railway", k=1)


def test_unchanged_folder_does_not_read_the_sources_table(bundled_copy: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    manifest = json.loads((store.live_generation(ix_dir) / "manifest.json").read_text("utf-8"))
    assert "sources" not in manifest and isinstance(manifest["listing"], str)

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError("sources.json parsed on an unchanged folder")
    monkeypatch.setattr(store, "load_lazy_json", refuse)
    index, report = open_index(bundled_copy, ix_dir)
    assert report is None and Searcher(index).search("Nakhchivan railway", k=1)


def test_article_records_are_parsed_on_demand(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    built, _ = open_index(bundled_copy, ix_dir)
    expected = list(built.articles)
    gen = store.live_generation(ix_dir)
    lines = (gen / "articles.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected and len(expected) == 5
    index = load(ix_dir)
    assert not index.articles._cache  # nothing parsed by opening
    assert index.articles[-1] == expected[-1] and list(index.articles._cache) == [4]
    with pytest.raises(IndexError):
        index.articles[5]
    hits = Searcher(index).search("Nakhchivan railway", k=1)
    assert hits and len(index.articles._cache) < 5
    assert Searcher(index).search("Nakhchivan railway", k=1, filters=Filters(source="no such source")) == []


def test_index_of_the_previous_format_is_rebuilt(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    gen = store.live_generation(ix_dir)
    m = json.loads((gen / "manifest.json").read_text("utf-8"))
    m["sources"] = json.loads((gen / "sources.json").read_text("utf-8"))  # as format 2 kept it
    m["format_version"] = 2
    del m["listing"], m["files"]["sources.json"]
    (gen / "sources.json").unlink()
    (gen / "manifest.json").write_text(json.dumps(m, indent=1), "utf-8")
    warnings: list[str] = []
    index, report = open_index(bundled_copy, ix_dir, warn=warnings.append)
    assert report is not None and report.files_read == 5
    assert len(warnings) == 1 and "index format 2" in warnings[0] and "rebuilding" in warnings[0]
    assert index.manifest["format_version"] == store.FORMAT_VERSION
    assert open_index(bundled_copy, ix_dir)[1] is None


@needs(BBC)
def test_kill_during_build_leaves_previous_index_working(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    open_index(bundled_copy, ix_dir)
    before = store.live_generation(ix_dir)
    shutil.copytree(BBC, bundled_copy / "bbc")
    proc = subprocess.Popen([*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(ix_dir), "index"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    assert proc.poll() is None, "build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert store.live_generation(ix_dir) == before
    old = load(ix_dir)  # previous generation, verified by checksums
    assert Searcher(old).search("Nakhchivan railway", k=1)
    index, report = open_index(bundled_copy, ix_dir)
    assert report is not None and index.manifest["counts"]["articles"] > 2000
    assert not list(ix_dir.glob("*.tmp"))


def test_two_builds_at_once_do_not_corrupt(bundled_copy: Path, tmp_path: Path) -> None:
    ix_dir = tmp_path / "ix"
    args = [*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(ix_dir), "index", "--rebuild"]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    index = load(ix_dir)
    assert index.manifest["counts"]["articles"] == 5
    assert len(list(ix_dir.glob("gen-*"))) <= 2 and not list(ix_dir.glob("*.tmp"))
