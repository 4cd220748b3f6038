"""Keeping an index in step with its corpus folder.

Every run compares a digest of the folder listing (path, size, mtime, ctime)
with the one in the manifest; when something changed, the per-file table is
read and only changed files are re-read (of a `.jsonl` feed that grew, only
the records appended) and the rest is carried over from the live index.
Problems with individual files are reported and skipped.
"""

from __future__ import annotations

import json
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kqa import store
from kqa.analysis import ANALYZER_VERSION, Analyzer
from kqa.bm25 import BM25Params, title_text
from kqa.sources import JSONL_SUFFIXES, SourceFile, content_digest, listing_digest, printable, scan
from kqa.errors import KqaError
from kqa.index import Index, load
from kqa.merge import Piece, Segment, assemble

if TYPE_CHECKING:
    from kqa.passages import SentenceSplitter

Progress = Callable[[int, int], None]
SHOW_FILE_ERRORS = False  # set by `kqa --debug`: an unexpected error in one file stops the build
Warn = Callable[[str], None]


@dataclass(slots=True)
class _Passage:
    """Compact until the build's arrays are made: a Counter of strings per
    passage held ~6x the corpus text in memory at scale."""

    start: int
    end: int
    terms: array[int]  # ids in the build's vocabulary (first-seen order), each once, by the word's order
    tfs: array[int]  # their counts
    words: int
    sentences: array[int]  # (start, end) pairs flat, absolute offsets in the article body


@dataclass
class _Doc:
    meta: dict[str, Any]
    body: str
    passages: list[_Passage]


@dataclass
class BuildReport:
    files_read: int = 0
    files_reused: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # whole files
    still_skipped: int = 0  # of them, unchanged since a build that said why (not warned again)
    bad_records: int = 0  # lines of .jsonl files skipped
    vanished: int = 0  # files removed between the listing and their reading
    seconds: float = 0.0


def _settings(params: BM25Params) -> dict[str, Any]:
    return {
        "params": params.as_dict(),
        "analyzer_version": ANALYZER_VERSION,
        "passages_version": store.PASSAGES_VERSION,
    }


def _is_current(index: Index, root: Path, listing: str, params: BM25Params,
                unreachable: list[tuple[str, str]]) -> bool:
    """Whether nothing changed: `listing` is the scan's listing_digest, which
    matches the manifest's only if every file has the signature stored for it."""
    m = index.manifest
    return (
        m.get("corpus") == str(root)
        and all(m.get(k) == v for k, v in _settings(params).items())
        and m.get("listing") == listing
        and m.get("unreachable", {}) == dict(unreachable)  # a fixed or new broken link shows up
    )


def _unchanged(info: dict[str, Any] | None, src: SourceFile) -> bool:
    """Whether a file's stored results still hold. Size and mtime must match;
    a ctime that moved (a `chmod`, a restore that put the mtime back) is
    settled by the content digest, so `chmod -R` costs a read, not a re-index.
    A file skipped before has no digest and is tried again."""
    sig = info.get("sig") if info else None
    if not sig or list(sig[:2]) != src.signature[:2]:
        return False
    if sig == src.signature:
        return True
    if len(sig) == 2:  # an index from before ctime was kept: size and mtime decided then
        return "skipped" not in info
    return info.get("digest") is not None and info.get("digest") == file_digest(src.path)


def file_digest(path: Path) -> str | None:
    try:
        return content_digest(path.read_bytes())
    except OSError:
        return None


def open_index(
    root: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    params: BM25Params | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
    stale_ok: bool = True,
) -> tuple[Index, BuildReport | None]:
    """A usable, up-to-date index for `root`; builds or refreshes it if needed.

    Returns the report of the build that ran, or None when nothing changed.
    When the refresh cannot be written, the index as it was is returned with a
    warning (a question still gets answers), unless `stale_ok` is False (`kqa
    index`, whose whole job is the refresh: a script must see it failed).
    """
    params = params or BM25Params()
    warn = warn or (lambda _msg: None)
    if not root.is_dir():
        raise KqaError(f"corpus folder not found: {root}")
    for what, path in (("corpus folder", root), ("index folder", index_dir)):
        if printable(str(path)) != str(path):  # it could be neither stored nor printed
            raise KqaError(f"the {what}'s path is not UTF-8: {printable(str(path))} (rename it)")
    unreachable: list[tuple[str, str]] = []
    listing = listing_digest(scan(root, exclude=index_dir, problems=unreachable))
    stale: Index | None = None
    if not rebuild:
        try:
            index = load(index_dir)
            if _is_current(index, root, listing, params, unreachable):
                return index, None
            stale = index
            if index.manifest.get("corpus") != str(root):  # `--index` shared by mistake
                warn(f"index at {index_dir} was built for {index.manifest.get('corpus')}; rebuilding it for {root}")
        except store.IndexMissing:
            pass
        except store.IndexInvalid as exc:  # rebuilt under the lock, unless another process just did
            warn(f"index at {index_dir} is unusable ({exc}); rebuilding")
    try:
        with store.build_lock(index_dir, lambda who: warn(f"waiting for {who} to finish updating the index at {index_dir}")):
            return _build_locked(root, index_dir, rebuild, params, progress, warn)
    except OSError as exc:
        reason = f"cannot write index at {index_dir}: {exc.strerror or exc}"
        if stale is None or not stale_ok:
            raise KqaError(reason) from None
        warn(f"{reason}; using the index as it was")
        stale.stale = reason
        return stale, None


def folder_changed(index: Index, root: Path, index_dir: Path) -> bool:
    """Whether the folder differs from what `index` was built from: the check
    every `kqa -q` makes, for an app that stays open while files come and go."""
    unreachable: list[tuple[str, str]] = []
    listing = listing_digest(scan(root, exclude=index_dir, problems=unreachable))
    m = index.manifest
    return m.get("listing") != listing or m.get("unreachable", {}) != dict(unreachable)


def _build_locked(
    root: Path,
    index_dir: Path,
    rebuild: bool,
    params: BM25Params,
    progress: Progress | None,
    warn: Warn,
) -> tuple[Index, BuildReport | None]:
    unreachable: list[tuple[str, str]] = []
    files = list(scan(root, exclude=index_dir, problems=unreachable))  # rescan: it may have changed while we waited
    listing = listing_digest(files)
    old: Index | None = None
    if not rebuild:
        try:
            old = load(index_dir)
            if _is_current(old, root, listing, params, unreachable):
                return old, None  # another process refreshed it while we waited
        except (store.IndexMissing, store.IndexInvalid):
            old = None
        try:  # read only now, as opening skips it: damaged, nothing can be reused
            _ = old and old.sources
        except store.IndexInvalid as exc:
            warn(f"index at {index_dir} is unusable ({exc}); rebuilding")
            old = None
        if old is not None and any(old.manifest.get(k) != v for k, v in _settings(params).items()):
            old = None  # different analysis or parameters: nothing can be reused
    started = time.perf_counter()
    report = BuildReport()
    for rel, reason in unreachable:
        warn(f"skipped {root / rel}: {reason}")
        report.skipped.append((rel, reason))
    pieces, source_info, form_df, analyzer = _collect(root, files, params, old, report, progress, warn)
    if report.vanished:  # the folder as it is now, so the next question finds the index current
        listing = listing_digest([f for f in files if f.relpath in source_info])
    if not pieces:
        raise KqaError(f"no readable articles in {root} (.txt, .md or .jsonl files)")
    manifest = {
        "corpus": str(root),
        "built_at": time.time(),
        **_settings(params),
        "listing": listing,
        "unreachable": dict(unreachable),  # not in "sources": they have no signature to compare
    }
    stems = {f: analyzer.stem(f) for f in form_df}
    json_files, arrays = assemble(pieces, params, stems, form_df)
    json_files["sources"] = source_info
    manifest["counts"] = {"articles": sum(hi - lo for _, lo, hi in pieces), "passages": len(arrays["passage_article"])}
    bodies = (body for seg, lo, hi in pieces for body in seg.bodies(lo, hi))
    records = (record for seg, lo, hi in pieces for record in seg.records(lo, hi))
    store.write_generation(index_dir, manifest, json_files, arrays, bodies, {"articles": records})
    report.seconds = time.perf_counter() - started
    return load(index_dir), report


def _collect(
    root: Path,
    files: list[SourceFile],
    params: BM25Params,
    old: Index | None,
    report: BuildReport,
    progress: Progress | None,
    warn: Warn,
) -> tuple[list[Piece], dict[str, Any], dict[str, int], Analyzer]:
    """Runs of articles in folder order: the old index's for unchanged files
    (left as arrays), the rest read now; how many articles use each stemmed word."""
    from kqa.passages import punkt_splitter  # reading and splitting: only when building

    reusable, appended, carried_ids = _reusable(old, files)
    analyzer = Analyzer(old.stems if old else None)
    splitter: list[SentenceSplitter] = []

    def split(text: str) -> list[tuple[int, int]]:
        if not splitter:
            splitter.append(punkt_splitter())
        return splitter[0](text)

    docs: list[_Doc] = []
    vocab: dict[str, int] = {}  # every word the articles read now index, in first-seen order
    forms: Counter[str] = Counter()  # articles read now using each stemmed word
    runs: list[list[Any]] = []  # [from the old index?, first article, end]
    info: dict[str, Any] = {}

    def run(from_old: bool, lo: int, hi: int) -> None:
        if hi > lo:
            if runs and runs[-1][0] == from_old and runs[-1][2] == lo:
                runs[-1][2] = hi
            else:
                runs.append([from_old, lo, hi])

    for n, src in enumerate(files, start=1):
        prior = reusable.get(src.relpath)
        if prior is not None:
            lo, hi, known = prior
            info[src.relpath] = {**known, "sig": src.signature}  # the ctime may have moved
            if "digest" not in known and "skipped" not in known:  # an old index kept none; a skipped file has none
                info[src.relpath]["digest"] = file_digest(src.path)
            if "skipped" in known:
                report.skipped.append((src.relpath, known["skipped"]))
                report.still_skipped += 1
            else:
                report.files_reused += 1
            run(True, lo, hi)
        else:
            lo = len(docs)
            top = appended.get(src.relpath)
            read = _read_file(src, analyzer, split, params, vocab, docs, forms, report, warn, top and top[2])
            if read is not None:  # None: removed meanwhile
                info[src.relpath] = read
                report.files_read += 1
                if top is not None and read.pop("appended", False):  # its records as indexed, then the new ones
                    run(True, top[0], top[1])
            run(False, lo, len(docs))
        if progress:
            progress(n, len(files))
    moved = _assign_ids(runs, docs, carried_ids, old, root, warn)
    new = Segment.of_docs(docs, vocab)
    kept = Segment.of_index(old, moved) if old is not None and any(r[0] for r in runs) else new
    counts = forms
    if kept is not new:
        counts.update(dict(zip(old.stems, np.asarray(old.form_df).tolist())))  # type: ignore[union-attr]
        keep = [range(lo, hi) for from_old, lo, hi in runs if from_old]
        counts.subtract(_dropped_forms(kept, keep, analyzer, params))
    used = {f: n for f, n in counts.items() if n > 0}
    return [(kept if from_old else new, lo, hi) for from_old, lo, hi in runs], info, used, analyzer


def _dropped_forms(old: Segment, keep: list[range], analyzer: Analyzer, params: BM25Params) -> Counter[str]:
    """Stemmed words of the old articles not carried over, from their stored
    text, so the stem table loses the words no remaining article has."""
    assert old.index is not None
    gone = np.ones(len(old.bounds) - 1, dtype=bool)
    for r in keep:
        gone[r.start : r.stop] = False
    starts, ends = np.asarray(old.arrays["passage_start"]), np.asarray(old.arrays["passage_end"])
    counts: Counter[str] = Counter()
    for a in np.flatnonzero(gone).tolist():
        body, raws = old.index.body(a), set()
        if params.title:
            record = old.index.articles[a]
            analyzer.terms(title_text(record["title"], record.get("cited")), raws)
        for p in range(int(old.bounds[a]), int(old.bounds[a + 1])):
            analyzer.terms(body[int(starts[p]) : int(ends[p])], raws)
        counts.update(analyzer.forms(raws))
    return counts


def _read_file(
    src: SourceFile,
    analyzer: Analyzer,
    split: SentenceSplitter,
    params: BM25Params,
    vocab: dict[str, int],
    docs: list[_Doc],
    forms: Counter[str],
    report: BuildReport,
    warn: Warn,
    indexed: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Reads and analyses one file; `indexed`, the stored info of a feed that
    may only have grown: then only its new records are read, if it did."""
    from kqa.corpus import CorpusFileError, FileVanished, NotAnAppend, read_articles, read_bytes

    problems: list[str] = []
    try:
        data = read_bytes(src.path)  # once: the digest kept is of what was indexed
        try:
            articles = read_articles(src, problems, indexed and (indexed["sig"][0], indexed["digest"]), data)
        except NotAnAppend:
            indexed = None
            articles = read_articles(src, problems, data=data)
        done = [(article, _article_passages(article, analyzer, split, params, vocab)) for article in articles]
    except FileVanished:
        report.vanished += 1
        return None
    except CorpusFileError as exc:
        return _skip(src, str(exc), report, warn)
    except (Exception, MemoryError) as exc:  # one odd file must not sink the whole build
        if SHOW_FILE_ERRORS:  # --debug: a kqa bug should show its traceback
            raise
        reason = f"could not be indexed ({type(exc).__name__}: {str(exc)[:80]}; `kqa index --rebuild` retries)"
        return _skip(src, reason, report, warn)
    for problem in problems:
        warn(f"skipped {src.path} {problem}")
    report.bad_records += len(problems)
    for article, (passages, words) in done:
        forms.update(words)
        docs.append(_Doc(article.meta(), article.body, passages))  # its id made unique by _assign_ids
    info: dict[str, Any] = {"sig": src.signature, "digest": content_digest(data)}
    if indexed is not None:  # the records above were indexed before: their bad lines too
        info["appended"] = True
        problems = indexed.get("problems", []) + problems
    if problems:
        info["problems"] = problems
    return info


def _article_passages(article: Any, analyzer: Analyzer, split: SentenceSplitter,
                      params: BM25Params, vocab: dict[str, int]) -> tuple[list[_Passage], set[str]]:
    """Passages, and the words (stem table keys) of all the text indexed."""
    from kqa.passages import split_passages

    raws: set[str] = set()
    title_terms = analyzer.terms(title_text(article.title, article.cited), raws if params.title else None)
    passages = []
    # an article that is only a headline is its own passage, so it can be found
    spans = split_passages(article.body, article.content_start, split) or split_passages(article.body, 0, split)
    for span in spans:
        text = article.body[span.start : span.end]
        sentences = array("q", [span.start + x for pair in split(text) for x in pair])
        terms = Counter(analyzer.terms(text, raws))
        for _ in range(params.title):
            terms.update(title_terms)
        ordered = sorted(terms)  # so their final ids (ranks of the sorted vocabulary) ascend
        ids = array("i", [vocab.setdefault(t, len(vocab)) for t in ordered])
        tfs = array("i", [terms[t] for t in ordered])
        passages.append(_Passage(span.start, span.end, ids, tfs, span.words, sentences))
    return passages, analyzer.forms(raws)


def _skip(src: SourceFile, reason: str, report: BuildReport, warn: Warn) -> dict[str, Any]:
    warn(f"skipped {src.path}: {reason}")
    report.skipped.append((src.relpath, reason))
    return {"sig": src.signature, "skipped": reason}


Ranges = dict[str, tuple[int, int, Any]]


def _reusable(old: Index | None, files: list[SourceFile]) -> tuple[Ranges, Ranges, dict[int, tuple[str, str]]]:
    """Article range in the old index (and stored info) of each file whose
    signature is unchanged; the same of each feed that may only have grown (a
    `.jsonl` now larger); and of each of those articles its id and the id it
    gave itself (they differ after a `#2`)."""
    if old is None:
        return {}, {}, {}
    from kqa.corpus import last_own_date

    known = old.sources
    unchanged = {f.relpath for f in files if _unchanged(known.get(f.relpath), f)}
    grown = {f.relpath: f for f in files if f.relpath not in unchanged and _may_have_grown(known.get(f.relpath), f)}
    ranges: Ranges = {}
    tops: Ranges = {}
    ids: dict[int, tuple[str, str]] = {}
    articles = old.articles
    for a in range(len(articles)):  # a file's articles are consecutive
        meta = json.loads(articles.raw(a))  # type: ignore[attr-defined]
        rel = meta["relpath"]
        into = ranges if rel in unchanged else tops if rel in grown else None
        if into is not None:
            ids[a] = (meta["id"], meta.get("given_id", meta["id"]))
            lo = into[rel][0] if rel in into else a
            into[rel] = (lo, a + 1, known[rel])
            if rel in grown and (meta.get("date") is None or meta.get("date_inferred")):
                # its date was looked for in the text up to the day the feed was saved: that day moved?
                then, now = (last_own_date(int(sig[1])) for sig in (known[rel]["sig"], grown[rel].signature))
                if then != now:
                    del grown[rel]
    for rel in unchanged - ranges.keys():  # files that gave no articles
        ranges[rel] = (0, 0, known[rel])
    return ranges, {rel: tops[rel] for rel in grown if rel in tops}, ids


def _may_have_grown(info: dict[str, Any] | None, src: SourceFile) -> bool:
    """A feed indexed before, larger now: records may have been appended."""
    return (
        info is not None and src.relpath.lower().endswith(JSONL_SUFFIXES) and "skipped" not in info
        and info.get("digest") is not None and len(info.get("sig") or ()) >= 2 and src.size > info["sig"][0]
    )


def _assign_ids(runs: list[list[Any]], docs: list[_Doc], carried: dict[int, tuple[str, str]],
                old: Index | None, root: Path, warn: Warn) -> dict[int, dict[str, Any]]:
    """Ids in folder order, as a full build gives them: an id already taken
    becomes `id#2`, `id#3`, ... (the record keeps the `given_id`), so an id
    never depends on which file was indexed first. The records of articles
    read now are set here; a carried article whose id moves (one sharing its
    id came or went) gets a new record, returned by its place in the old index."""
    seen: set[str] = set()
    moved: dict[int, dict[str, Any]] = {}
    for from_old, lo, hi in runs:
        for a in range(lo, hi):
            if not from_old:
                meta = docs[a].meta
                unique = _unique(str(meta["id"]), seen)
                if unique != meta["id"]:
                    warn(f"{root / meta['relpath']}: id {meta['id']!r} is already used; this article is {unique!r}")
                    meta.update(id=unique, given_id=meta["id"])
                continue
            now, given = carried[a]
            unique = _unique(given, seen)
            if unique != now:
                record = json.loads(old.articles.raw(a))  # type: ignore[union-attr, attr-defined]
                record["id"] = unique
                record.pop("given_id", None)
                if unique != given:
                    record["given_id"] = given
                moved[a] = record
                warn(f"{root / record['relpath']}: articles sharing the id {given!r} changed; "
                     f"this one is now {unique!r}")
    return moved


def _unique(article_id: str, seen: set[str]) -> str:
    candidate, n = article_id, 1
    while candidate in seen:
        n += 1
        candidate = f"{article_id}#{n}"
    seen.add(candidate)
    return candidate
