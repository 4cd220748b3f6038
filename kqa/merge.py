"""A generation's arrays assembled from runs of articles of earlier segments.

A refresh after a small change keeps most articles of the live generation.
Turning each of their passages back into Python objects cost more time and
memory than a full build, so the kept articles are taken as array slices:
term ids are remapped onto the merged vocabulary and the inverted index and
IDF are recomputed with numpy. The result is the one a full build makes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kqa.bm25 import BM25Params, okapi_idf

if TYPE_CHECKING:
    from kqa.index import Index
    from kqa.indexer import _Doc

# passage-level arrays of a segment and the dtype a generation stores them in
_PASSAGE = {"passage_start": np.int64, "passage_end": np.int64, "passage_words": np.int32}
_SEGMENT_KEYS = (*_PASSAGE, "sent_ptr", "sent_start", "sent_end", "fwd_ptr", "fwd_term", "fwd_tf")


@dataclass
class Segment:
    """Consecutive articles with their passages; term ids index `terms`,
    which is sorted. The live generation is one, the articles read now another."""

    terms: Sequence[str]
    arrays: Mapping[str, np.ndarray]
    bounds: np.ndarray  # first passage of each article, and the passage count last
    index: Index | None = None  # the generation it is, or None for `docs`
    docs: Sequence[_Doc] = ()
    renamed: Mapping[int, dict[str, Any]] = field(default_factory=dict)  # records whose id moved, by article

    @classmethod
    def of_index(cls, index: Index, renamed: Mapping[int, dict[str, Any]] | None = None) -> Segment:
        n = len(index.articles)
        bounds = np.searchsorted(np.asarray(index.passage_article), np.arange(n + 1), side="left")
        return cls(index.terms_by_id, index.arrays, bounds, index=index, renamed=renamed or {})

    @classmethod
    def of_docs(cls, docs: Sequence[_Doc], vocab: Mapping[str, int]) -> Segment:
        """Arrays for newly read documents, whose passages hold ids in `vocab`
        (first-seen order) listed by the word's order: renumbered to the
        sorted terms, they ascend in each passage with no sort here."""
        terms = sorted(vocab)
        rank = np.empty(len(vocab), dtype=np.int32)
        rank[np.fromiter((vocab[t] for t in terms), dtype=np.int64, count=len(terms))] = np.arange(len(terms))
        passages = [p for d in docs for p in d.passages]
        sizes = np.fromiter((len(p.terms) for p in passages), dtype=np.int64, count=len(passages))
        pairs = _flat([p.sentences for p in passages], np.longlong)
        n_sent = np.fromiter((len(p.sentences) // 2 for p in passages), dtype=np.int64, count=len(passages))
        arrays = {
            "passage_start": np.fromiter((p.start for p in passages), dtype=np.int64, count=len(passages)),
            "passage_end": np.fromiter((p.end for p in passages), dtype=np.int64, count=len(passages)),
            "passage_words": np.fromiter((p.words for p in passages), dtype=np.int32, count=len(passages)),
            "sent_ptr": _pointers(n_sent),
            "sent_start": pairs[0::2].copy(),
            "sent_end": pairs[1::2].copy(),
            "fwd_ptr": _pointers(sizes),
            "fwd_term": rank[_flat([p.terms for p in passages], np.intc)],
            "fwd_tf": _flat([p.tfs for p in passages], np.intc).astype(np.int32, copy=False),
        }
        bounds = _pointers([len(d.passages) for d in docs])
        return cls(terms, arrays, bounds, docs=docs)

    def bodies(self, lo: int, hi: int) -> Iterator[str | bytes]:
        """Article bodies; a generation's as stored bytes, not decoded."""
        if self.index is None:
            yield from (d.body for d in self.docs[lo:hi])
            return
        offsets = np.asarray(self.index.body_offsets[lo : hi + 1]).tolist()
        data = self.index.bodies
        for a, b in zip(offsets, offsets[1:]):
            yield data[a:b]

    def records(self, lo: int, hi: int) -> Iterator[dict[str, Any] | bytes]:
        """Article records; a generation's as its stored JSON lines."""
        if self.index is None:
            yield from (d.meta for d in self.docs[lo:hi])
            return
        articles = self.index.articles
        yield from (self.renamed.get(a) or articles.raw(a) for a in range(lo, hi))  # type: ignore[attr-defined]


Piece = tuple[Segment, int, int]  # a segment's articles lo..hi


def assemble(pieces: list[Piece], params: BM25Params, stems: dict[str, str], form_df: Mapping[str, int]
             ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """JSON tables and arrays (forward and inverted) for the pieces' articles,
    in order; the stem table sorted (a refresh and a full build meet the
    words in different orders) with the number of articles using each word."""
    stems = {f: stems[f] for f in sorted(stems)}
    spans = []  # per piece: passage range, forward-index range, sentence range
    for seg, lo, hi in pieces:
        p0, p1 = int(seg.bounds[lo]), int(seg.bounds[hi])
        fwd_ptr, sent_ptr = seg.arrays["fwd_ptr"], seg.arrays["sent_ptr"]
        spans.append((p0, p1, int(fwd_ptr[p0]), int(fwd_ptr[p1]), int(sent_ptr[p0]), int(sent_ptr[p1])))
    remaps, terms = _merged_vocab(pieces, spans)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in (*_SEGMENT_KEYS, "passage_article")}
    first_article = 0
    for (seg, lo, hi), (p0, p1, f0, f1, s0, s1) in zip(pieces, spans):
        arr = seg.arrays
        for key in _PASSAGE:
            parts[key].append(np.asarray(arr[key][p0:p1]))
        per_article = np.diff(np.asarray(seg.bounds[lo : hi + 1]))
        parts["passage_article"].append(np.repeat(np.arange(first_article, first_article + hi - lo), per_article))
        first_article += hi - lo
        parts["fwd_ptr"].append(np.diff(np.asarray(arr["fwd_ptr"][p0 : p1 + 1])))
        remap = remaps[id(seg)]
        term = np.asarray(arr["fwd_term"][f0:f1])
        parts["fwd_term"].append(term if remap is None else remap[term])
        parts["fwd_tf"].append(np.asarray(arr["fwd_tf"][f0:f1]))
        parts["sent_ptr"].append(np.diff(np.asarray(arr["sent_ptr"][p0 : p1 + 1])))
        parts["sent_start"].append(np.asarray(arr["sent_start"][s0:s1]))
        parts["sent_end"].append(np.asarray(arr["sent_end"][s0:s1]))
    joined = {k: _concat(v) for k, v in parts.items()}
    ptr = _pointers(joined["fwd_ptr"])
    n = len(ptr) - 1
    term_arr = joined["fwd_term"].astype(np.int32, copy=False)
    tf_arr = joined["fwd_tf"].astype(np.int32, copy=False)
    owner = np.repeat(np.arange(n, dtype=np.int32), np.diff(ptr))
    order = np.argsort(term_arr, kind="stable")
    df = np.bincount(term_arr, minlength=len(terms))
    lengths = np.bincount(owner, weights=tf_arr, minlength=n)
    arrays = {
        "passage_article": joined["passage_article"].astype(np.int32, copy=False),
        **{k: joined[k].astype(dtype, copy=False) for k, dtype in _PASSAGE.items()},
        "passage_len": lengths.astype(np.int32),
        "sent_ptr": _pointers(joined["sent_ptr"]),
        "sent_start": joined["sent_start"].astype(np.int64, copy=False),
        "sent_end": joined["sent_end"].astype(np.int64, copy=False),
        "post_ptr": _pointers(df),
        "post_doc": owner[order],
        "post_tf": tf_arr[order],
        "fwd_ptr": ptr,
        "fwd_term": term_arr,
        "fwd_tf": tf_arr,
        "idf": okapi_idf(df, n, params.epsilon),
        "form_df": np.fromiter((form_df[f] for f in stems), dtype=np.int32, count=len(stems)),
    }
    vocab = {t: i for i, t in enumerate(terms)}
    return {"vocab": vocab, "stems": stems}, arrays


def _merged_vocab(pieces: list[Piece], spans: list[tuple[int, ...]]
                  ) -> tuple[dict[int, np.ndarray | None], list[str]]:
    """The sorted terms the pieces use, and per segment an array mapping its
    term ids to theirs (None: already the same ids). Both sides are sorted,
    so each passage's term ids stay in ascending order."""
    segments = {id(seg): seg for seg, _, _ in pieces}
    used: dict[int, np.ndarray] = {}
    for (seg, _, _), (_, _, f0, f1, _, _) in zip(pieces, spans):
        mask = used.setdefault(id(seg), np.zeros(len(seg.terms), dtype=bool))
        mask[np.asarray(seg.arrays["fwd_term"][f0:f1])] = True
    if len(segments) == 1:
        (key, mask), = used.items()
        if mask.all():
            return {key: None}, list(segments[key].terms)
    words: dict[int, list[str]] = {}
    for key, mask in used.items():
        seg_terms = segments[key].terms
        words[key] = [seg_terms[i] for i in np.flatnonzero(mask).tolist()]
    terms = sorted(set().union(*words.values()))
    vocab = {t: i for i, t in enumerate(terms)}
    remaps: dict[int, np.ndarray | None] = {}
    for key, mask in used.items():
        remap = np.full(len(mask), -1, dtype=np.int32)
        remap[mask] = np.fromiter((vocab[t] for t in words[key]), dtype=np.int32, count=len(words[key]))
        remaps[key] = remap
    return remaps, terms


def _pointers(counts: Any) -> np.ndarray:
    """Where each of a run of groups starts, and the end: 0, then the counts' running sum."""
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def _flat(parts: Sequence[Any], dtype: type) -> np.ndarray:
    """Buffers (array.array) end to end as one numpy array."""
    if not parts:
        return np.zeros(0, dtype=dtype)
    return np.concatenate([np.frombuffer(p, dtype=dtype) for p in parts])


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
