"""A loaded index generation: article metadata, passage spans, postings.

Arrays are memory-mapped; article bodies are read from `bodies.txt` only for
the passages that are shown.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from kqa import store
from kqa.bm25 import BM25Params, length_norm

ARRAY_KEYS = (
    "passage_article", "passage_start", "passage_end", "passage_len",
    "post_ptr", "post_doc", "post_tf", "fwd_ptr", "fwd_term", "fwd_tf",
    "idf", "body_offsets", "articles_offsets", "passage_words", "sent_ptr", "sent_start", "sent_end",
    "form_df",
)


class Articles(Sequence[dict[str, Any]]):
    """Article records, one JSON line each, parsed when first used: a question
    shows a handful, and parsing all of them was most of opening a large index."""

    def __init__(self, data: mmap.mmap | bytes, offsets: np.ndarray) -> None:
        self._data, self._offsets = data, np.asarray(offsets).tolist()
        self._cache: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> dict[str, Any]:  # type: ignore[override]
        if not isinstance(i, int):
            raise TypeError("article indexes are ints")
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        record = self._cache.get(i)
        if record is None:
            try:
                record = json.loads(self._data[self._offsets[i] : self._offsets[i + 1]])
            except ValueError as exc:  # the file was checksummed: only a kqa bug gets here
                raise store.IndexInvalid(f"articles.jsonl unreadable ({exc.__class__.__name__})") from None
            self._cache[i] = record
        return record

    def raw(self, i: int) -> bytes:
        """Record `i` as its stored JSON line, for copying into a new generation."""
        return bytes(self._data[self._offsets[i] : self._offsets[i + 1]])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))


@dataclass
class Index:
    gen: Path
    manifest: dict[str, Any]
    articles: Sequence[dict[str, Any]]
    vocab: dict[str, int]
    stems: dict[str, str]
    arrays: dict[str, np.ndarray] = field(repr=False)
    bodies: mmap.mmap | bytes = field(repr=False, default=b"")
    sources_file: mmap.mmap | bytes = field(repr=False, default=b"")
    stale: str | None = None  # why the corpus's changes are not in it (kqa.indexer.open_index could not write them)

    @cached_property
    def sources(self) -> dict[str, dict[str, Any]]:
        """Per corpus file: signature, content digest, why it was skipped.
        Parsed on first use: a question on an unchanged folder never needs it."""
        sources = store.load_lazy_json(self.sources_file, "sources.json", self.manifest)
        if not store.well_formed_sources(sources):
            raise store.IndexInvalid("sources.json is damaged")
        return sources

    def __getattr__(self, key: str) -> np.ndarray:
        arrays = self.__dict__.get("arrays", {})
        if key in arrays:
            return arrays[key]
        raise AttributeError(key)

    @property
    def params(self) -> BM25Params:
        return BM25Params(**self.manifest["params"])

    @property
    def n_passages(self) -> int:
        return len(self.arrays["passage_article"])

    @cached_property
    def norm(self) -> np.ndarray:
        return length_norm(np.asarray(self.arrays["passage_len"]), self.params)

    @cached_property
    def terms_by_id(self) -> list[str]:
        terms = [""] * len(self.vocab)
        for term, i in self.vocab.items():
            terms[i] = term
        return terms

    def body(self, article: int) -> str:
        lo, hi = int(self.body_offsets[article]), int(self.body_offsets[article + 1])
        return self.bodies[lo:hi].decode("utf-8")

    def passage_span(self, pid: int) -> tuple[int, int, int]:
        """(article index, start, end) of a passage."""
        return (
            int(self.passage_article[pid]),
            int(self.passage_start[pid]),
            int(self.passage_end[pid]),
        )

    def sentences(self, pid: int) -> list[tuple[int, int]]:
        """Sentence spans of a passage, as offsets in its article body."""
        lo, hi = int(self.sent_ptr[pid]), int(self.sent_ptr[pid + 1])
        return list(zip(self.sent_start[lo:hi].tolist(), self.sent_end[lo:hi].tolist()))

    def passage_terms(self, pid: int) -> dict[str, int]:
        lo, hi = int(self.fwd_ptr[pid]), int(self.fwd_ptr[pid + 1])
        terms = self.terms_by_id
        return {terms[t]: int(f) for t, f in zip(self.fwd_term[lo:hi], self.fwd_tf[lo:hi])}


def load(index_dir: Path) -> Index:
    """The live generation, verified; IndexMissing / IndexInvalid otherwise."""
    gen = store.live_generation(index_dir)
    manifest = store.read_manifest(gen)
    store.verify(gen, manifest)
    vocab = store.load_json(gen, "vocab")
    stems = store.load_json(gen, "stems")
    arrays = {key: store.load_array(gen, key) for key in ARRAY_KEYS}
    articles = Articles(store.map_file(gen / "articles.jsonl"), arrays["articles_offsets"])
    n_passages = len(arrays["passage_article"])
    if len(arrays["post_ptr"]) != len(vocab) + 1 or len(arrays["fwd_ptr"]) != n_passages + 1:
        raise store.IndexInvalid("array sizes disagree with the vocabulary")
    if len(arrays["form_df"]) != len(stems):
        raise store.IndexInvalid("stem table disagrees with its counts")
    if len(arrays["body_offsets"]) != len(articles) + 1 or int(arrays["articles_offsets"][-1]) != len(articles._data):
        raise store.IndexInvalid("article table disagrees with bodies.txt")
    # mapped now: a newer build may prune this generation while we still read it
    bodies = store.map_file(gen / "bodies.txt")
    sources = store.map_file(gen / "sources.json")
    return Index(gen, manifest, articles, vocab, stems, arrays, bodies, sources)
