"""Keeping an index in step with its corpus folder.

Every run compares a digest of the folder listing (path, size, mtime, ctime)
with the one in the manifest; when something changed, the per-file table is
read and only changed files are re-read and the rest is carried over
from the live index. Problems with individual files are reported and skipped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kqa import store
from kqa.analysis import ANALYZER_VERSION, Analyzer
from kqa.bm25 import BM25Params, okapi_idf
from kqa.sources import SourceFile, listing_digest, printable, scan
from kqa.errors import KqaError
from kqa.index import Index, load

if TYPE_CHECKING:
    from kqa.passages import SentenceSplitter

Progress = Callable[[int, int], None]
SHOW_FILE_ERRORS = False  # set by `kqa --debug`: an unexpected error in one file stops the build
Warn = Callable[[str], None]


@dataclass
class _Passage:
    start: int
    end: int
    terms: Counter[str]
    words: int
    sentences: list[tuple[int, int]]  # absolute offsets in the article body


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
    bad_records: int = 0  # lines of .jsonl files skipped
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
    import hashlib

    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
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
) -> tuple[Index, BuildReport | None]:
    """A usable, up-to-date index for `root`; builds or refreshes it if needed.

    Returns the report of the build that ran, or None when nothing changed.
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
        with store.build_lock(index_dir):
            return _build_locked(root, index_dir, rebuild, params, progress, warn)
    except OSError as exc:
        reason = f"cannot write index at {index_dir}: {exc.strerror or exc}"
        if stale is None:
            raise KqaError(reason) from None
        warn(f"{reason}; answering from the index as it was")
        return stale, None


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
    docs, source_info, stems = _collect(root, files, params, old, report, progress, warn)
    if not docs:
        raise KqaError(f"no readable articles in {root} (.txt, .md or .jsonl files)")
    manifest = {
        "corpus": str(root),
        "built_at": time.time(),
        **_settings(params),
        "listing": listing,
        "unreachable": dict(unreachable),  # not in "sources": they have no signature to compare
        "counts": {"articles": len(docs), "passages": sum(len(d.passages) for d in docs)},
    }
    json_files, arrays = _assemble(docs, params, stems)
    json_files["sources"] = source_info
    store.write_generation(index_dir, manifest, json_files, arrays, [d.body for d in docs],
                           {"articles": [d.meta for d in docs]})
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
) -> tuple[list[_Doc], dict[str, Any], dict[str, str]]:
    """Documents for every file: carried over when unchanged, else read."""
    from kqa.passages import punkt_splitter  # reading and splitting: only when building

    reusable = _reusable(old, files)
    analyzer = Analyzer(old.stems if old else None)
    splitter: list[SentenceSplitter] = []

    def split(text: str) -> list[tuple[int, int]]:
        if not splitter:
            splitter.append(punkt_splitter())
        return splitter[0](text)

    docs: list[_Doc] = []
    info: dict[str, Any] = {}
    # ids carried over keep their names; a new article that repeats one is renamed
    seen_ids: set[str] = {d.meta["id"] for prior in reusable.values() for d in prior[0]}
    for n, src in enumerate(files, start=1):
        prior = reusable.get(src.relpath)
        if prior is not None:
            docs.extend(prior[0])
            info[src.relpath] = {**prior[1], "sig": src.signature}  # the ctime may have moved
            if "digest" not in prior[1]:  # from an index that kept none
                info[src.relpath]["digest"] = file_digest(src.path)
            report.files_reused += 1
        else:
            info[src.relpath] = _read_file(src, analyzer, split, params, docs, seen_ids, report, warn)
            report.files_read += 1
        if progress:
            progress(n, len(files))
    return docs, info, analyzer.stem_cache


def _read_file(
    src: SourceFile,
    analyzer: Analyzer,
    split: SentenceSplitter,
    params: BM25Params,
    docs: list[_Doc],
    seen_ids: set[str],
    report: BuildReport,
    warn: Warn,
) -> dict[str, Any]:
    from kqa.corpus import CorpusFileError, read_articles

    problems: list[str] = []
    try:
        articles = read_articles(src, problems)
        done = [(article, _article_passages(article, analyzer, split, params)) for article in articles]
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
    for article, passages in done:
        unique = _unique(article.id, seen_ids)
        if unique != article.id:
            warn(f"{src.path}: id {article.id!r} is already used; this article is {unique!r}")
            article.id = unique
        docs.append(_Doc(article.meta(), article.body, passages))
    info: dict[str, Any] = {"sig": src.signature, "digest": file_digest(src.path)}
    if problems:
        info["problems"] = problems
    return info


def _article_passages(article: Any, analyzer: Analyzer, split: SentenceSplitter,
                      params: BM25Params) -> list[_Passage]:
    from kqa.passages import split_passages

    title_terms = analyzer.terms(article.title)
    passages = []
    # an article that is only a headline is its own passage, so it can be found
    spans = split_passages(article.body, article.content_start, split) or split_passages(article.body, 0, split)
    for span in spans:
        text = article.body[span.start : span.end]
        sentences = [(span.start + a, span.start + b) for a, b in split(text)]
        terms = Counter(analyzer.terms(text))
        for _ in range(params.title):
            terms.update(title_terms)
        passages.append(_Passage(span.start, span.end, terms, span.words, sentences))
    return passages


def _skip(src: SourceFile, reason: str, report: BuildReport, warn: Warn) -> dict[str, Any]:
    warn(f"skipped {src.path}: {reason}")
    report.skipped.append((src.relpath, reason))
    return {"sig": src.signature, "skipped": reason}


def _reusable(old: Index | None, files: list[SourceFile]) -> dict[str, tuple[list[_Doc], Any]]:
    """Documents of files whose signature is unchanged since the old index."""
    if old is None:
        return {}
    known = old.sources
    unchanged = {f.relpath for f in files if _unchanged(known.get(f.relpath), f)}
    by_file: dict[str, list[_Doc]] = {rel: [] for rel in unchanged}
    bounds = np.searchsorted(
        np.asarray(old.passage_article), np.arange(len(old.articles) + 1), side="left"
    ).tolist()
    # whole arrays as lists once: element-wise reads of memory-mapped arrays are slow
    terms = old.terms_by_id
    fwd_ptr, fwd_term, fwd_tf = (np.asarray(old.arrays[k]).tolist() for k in ("fwd_ptr", "fwd_term", "fwd_tf"))
    sent_ptr, sent_start, sent_end = (np.asarray(old.arrays[k]).tolist() for k in ("sent_ptr", "sent_start", "sent_end"))
    p_start, p_end, p_words = (np.asarray(old.arrays[k]).tolist() for k in ("passage_start", "passage_end", "passage_words"))
    bodies = old.bodies
    offsets = np.asarray(old.body_offsets).tolist()
    for a, meta in enumerate(old.articles):
        if meta["relpath"] not in unchanged:
            continue
        body = bodies[offsets[a] : offsets[a + 1]].decode("utf-8")
        passages = []
        for pid in range(bounds[a], bounds[a + 1]):
            lo, hi = fwd_ptr[pid], fwd_ptr[pid + 1]
            counts = Counter({terms[t]: f for t, f in zip(fwd_term[lo:hi], fwd_tf[lo:hi])})
            s_lo, s_hi = sent_ptr[pid], sent_ptr[pid + 1]
            sentences = list(zip(sent_start[s_lo:s_hi], sent_end[s_lo:s_hi]))
            passages.append(_Passage(p_start[pid], p_end[pid], counts, p_words[pid], sentences))
        by_file[meta["relpath"]].append(_Doc(dict(meta), body, passages))
    return {rel: (docs, known[rel]) for rel, docs in by_file.items()}


def _assemble(
    docs: list[_Doc], params: BM25Params, stems: dict[str, str]
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """JSON tables and numpy arrays (forward and inverted) for the documents."""
    terms = sorted({t for d in docs for p in d.passages for t in p.terms})
    vocab = {t: i for i, t in enumerate(terms)}
    p_article, p_start, p_end, p_words, fwd_ptr = [], [], [], [], [0]
    fwd_term: list[int] = []
    fwd_tf: list[int] = []
    sent_ptr, sent_start, sent_end = [0], [], []
    for a, doc in enumerate(docs):
        for p in doc.passages:
            p_article.append(a)
            p_start.append(p.start)
            p_end.append(p.end)
            p_words.append(p.words)
            sent_start.extend(s for s, _ in p.sentences)
            sent_end.extend(e for _, e in p.sentences)
            sent_ptr.append(len(sent_start))
            ids = sorted((vocab[t], f) for t, f in p.terms.items())
            fwd_term.extend(i for i, _ in ids)
            fwd_tf.extend(f for _, f in ids)
            fwd_ptr.append(len(fwd_term))
    n = len(p_article)
    ptr = np.asarray(fwd_ptr, dtype=np.int64)
    term_arr = np.asarray(fwd_term, dtype=np.int32)
    tf_arr = np.asarray(fwd_tf, dtype=np.int32)
    owner = np.repeat(np.arange(n, dtype=np.int32), np.diff(ptr))
    order = np.argsort(term_arr, kind="stable")
    df = np.bincount(term_arr, minlength=len(terms))
    lengths = np.bincount(owner, weights=tf_arr, minlength=n)
    arrays = {
        "passage_article": np.asarray(p_article, dtype=np.int32),
        "passage_start": np.asarray(p_start, dtype=np.int64),
        "passage_end": np.asarray(p_end, dtype=np.int64),
        "passage_len": lengths.astype(np.int32),
        "passage_words": np.asarray(p_words, dtype=np.int32),
        "sent_ptr": np.asarray(sent_ptr, dtype=np.int64),
        "sent_start": np.asarray(sent_start, dtype=np.int64),
        "sent_end": np.asarray(sent_end, dtype=np.int64),
        "post_ptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64),
        "post_doc": owner[order],
        "post_tf": tf_arr[order],
        "fwd_ptr": ptr,
        "fwd_term": term_arr,
        "fwd_tf": tf_arr,
        "idf": okapi_idf(df, n, params.epsilon),
    }
    used = {k: v for k, v in stems.items() if v in vocab}
    return {"vocab": vocab, "stems": used}, arrays


def _unique(article_id: str, seen: set[str]) -> str:
    candidate, n = article_id, 1
    while candidate in seen:
        n += 1
        candidate = f"{article_id}#{n}"
    seen.add(candidate)
    return candidate
