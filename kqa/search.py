"""Questions in, ranked and sourced passages out. Shared by the CLI and the TUI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from kqa.analysis import Analyzer, fold
from kqa.bm25 import score
from kqa.dates import date_span, display_date, normalize_date
from kqa.errors import KqaError
from kqa.index import Index


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before ranking, so k hits come back when k exist."""

    source: str | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(cls, source: str | None, since: str | None, until: str | None) -> Filters:
        def day(value: str | None, flag: str) -> str | None:
            if value is None:
                return None
            norm = normalize_date(value)
            if norm is None:
                raise KqaError(f"{flag}: cannot read date {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
            return norm

        return cls(source or None, day(since, "--since"), day(until, "--until"))

    def __bool__(self) -> bool:
        return any((self.source, self.since, self.until))

    def describe(self) -> str:
        parts = []
        if self.source:
            parts.append(f"source ~ {self.source!r}")
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Hit:
    query: str
    rank: int
    score: float
    passage_id: int
    article: dict[str, Any]
    start: int
    end: int
    text: str
    root: str = ""

    @property
    def date_label(self) -> str:
        return display_date(self.article.get("date"), bool(self.article.get("date_inferred")))

    @property
    def path(self) -> str:
        """Corpus-relative file (`file.jsonl:LINE` for a JSON Lines record)."""
        line = self.article.get("line")
        return f"{self.article['relpath']}:{line}" if line else self.article["relpath"]

    @property
    def full_path(self) -> str:
        return os.path.join(self.root, self.path) if self.root else self.path

    def record(self) -> dict[str, Any]:
        """The JSON form of a hit (one line of `--format jsonl`)."""
        a = self.article
        return {
            "query": self.query,
            "rank": self.rank,
            "score": round(self.score, 6),
            "doc_id": a["id"],
            "title": a["title"],
            "source": a["source"],
            "author": a.get("author"),
            "date": a.get("date"),
            "date_inferred": bool(a.get("date_inferred")),
            "url": a.get("url"),
            "passage_id": self.passage_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "path": self.full_path,
        }


class Searcher:
    """BM25 over one loaded index; cheap to query many times."""

    def __init__(self, index: Index, corpus_root: str | None = None) -> None:
        self.index = index
        self.corpus_root = corpus_root
        self.analyzer = Analyzer(index.stems)

    def query_terms(self, question: str) -> list[str]:
        return self.analyzer.terms(question)

    def known_terms(self, question: str) -> tuple[list[str], list[str]]:
        """Question terms the corpus has, and those it has not."""
        terms = self.query_terms(question)
        return [t for t in terms if t in self.index.vocab], [t for t in terms if t not in self.index.vocab]

    def search(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        ix = self.index
        ids = [ix.vocab[t] for t in self.query_terms(question) if t in ix.vocab]
        if not ids or k <= 0:
            return []
        scores = score(ids, ix.post_ptr, ix.post_doc, ix.post_tf, ix.idf, ix.norm, ix.params.k1)
        candidates = scores > 0
        if filters:
            candidates &= self._allowed(filters)[np.asarray(ix.passage_article)]
        pool = np.flatnonzero(candidates)
        if len(pool) > k:
            pool = pool[np.argpartition(-scores[pool], k - 1)[:k]]
        order = sorted(pool.tolist(), key=lambda p: (-scores[p], p))
        return [self._hit(question, rank, pid, float(scores[pid])) for rank, pid in enumerate(order, 1)]

    def article_text(self, hit: Hit) -> str:
        """The whole article a hit comes from (hit.start/end index into it)."""
        return self.index.body(int(self.index.passage_article[hit.passage_id]))

    def _hit(self, question: str, rank: int, pid: int, value: float) -> Hit:
        a, start, end = self.index.passage_span(pid)
        text = self.index.body(a)[start:end]
        return Hit(question, rank, value, pid, self.index.articles[a], start, end, text, self.corpus_root or "")

    def _allowed(self, filters: Filters) -> np.ndarray:
        """Per-article mask for the filters."""
        keep = np.ones(len(self.index.articles), dtype=bool)
        if filters.source:
            needle = fold(filters.source)
            keep &= np.array([needle in fold(a["source"]) for a in self.index.articles], dtype=bool)
        if filters.since or filters.until:
            lo, hi = self._date_bounds
            if filters.since:
                keep &= hi >= int(date_span(filters.since)[0].replace("-", ""))
            if filters.until:
                keep &= lo <= int(date_span(filters.until)[1].replace("-", ""))
        return keep

    @cached_property
    def _date_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """First/last day (YYYYMMDD) each article may date from; unknown dates
        get an empty span so any date filter excludes them."""
        lo = np.full(len(self.index.articles), 99999999, dtype=np.int64)
        hi = np.zeros(len(self.index.articles), dtype=np.int64)
        for i, a in enumerate(self.index.articles):
            if a.get("date"):
                first, last = date_span(a["date"])
                lo[i], hi[i] = int(first.replace("-", "")), int(last.replace("-", ""))
        return lo, hi
