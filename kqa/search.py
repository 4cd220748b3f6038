"""Questions in, ranked and sourced passages out. Shared by the CLI and the TUI."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from kqa.analysis import Analyzer, fold
from kqa.bm25 import score
from kqa.dates import date_span, display_date, normalize_date
from kqa.errors import KqaError
from kqa.index import Index
from kqa.spelling import Speller
from kqa.analysis import words
from kqa.rerank import RerankParams, answer_kind, best_sentence, has_kind, positions, proximity, strip_cues

_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


def quoted_phrases(question: str) -> list[str]:
    """Phrases in straight or curly double quotes, to be matched as phrases."""
    return [a or b for a, b in _QUOTED.findall(question)]


def _top(pool: np.ndarray, scores: np.ndarray, n: int) -> list[int]:
    if len(pool) > n:
        pool = pool[np.argpartition(-scores[pool], n - 1)[:n]]
    return pool.tolist()


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
    bm25: float = 0.0
    answer_start: int = 0  # the marked answer sentence, offsets in the article
    answer_end: int = 0

    @property
    def answer_text(self) -> str:
        return self.text[self.answer_start - self.start : self.answer_end - self.start]

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
            "bm25": round(self.bm25, 6),
            "answer": {"text": self.answer_text, "start": self.answer_start, "end": self.answer_end},
        }


class Searcher:
    """BM25 over one loaded index; cheap to query many times."""

    def __init__(self, index: Index, corpus_root: str | None = None,
                 rerank: RerankParams | None = None) -> None:
        self.index = index
        self.corpus_root = corpus_root
        self.analyzer = Analyzer(index.stems)
        self.rerank = rerank or RerankParams()
        self._bodies: dict[int, str] = {}
        self._speller: Speller | None = None
        self._spelled: dict[str, str | None] = {}

    def query_terms(self, question: str) -> list[str]:
        """The terms searched for: the question's, with unknown words replaced
        by their nearest corpus spelling where there is one."""
        fixes = self.corrections(question)
        return [fixes.get(t, t) for t in self._question_terms(question)]

    def corrections(self, question: str) -> dict[str, str]:
        """Unknown names in the question -> the corpus spelling searched instead.

        Only capitalised words are corrected: names are what news spells many
        ways, while an unknown common word (`shoot`) has near neighbours
        (`short`) that would change the question.
        """
        asked = set(self._question_terms(question))
        out = {}
        for _, _, raw in words(question):
            if not raw[:1].isupper():
                continue
            for term in self.analyzer.token_terms(raw):
                if term in asked and term not in self.index.vocab and term not in out:
                    near = self._nearest(term)
                    if near:
                        out[term] = near
        return out

    def _nearest(self, term: str) -> str | None:
        if term not in self._spelled:
            if self._speller is None:
                ptr = np.asarray(self.index.post_ptr)
                df = dict(zip(self.index.terms_by_id, np.diff(ptr).tolist()))
                self._speller = Speller(self.index.vocab, df)
            self._spelled[term] = self._speller.nearest(term)
        return self._spelled[term]

    def _question_terms(self, question: str) -> list[str]:
        rp = self.rerank
        if rp.question_cues:
            question = strip_cues(question)
        if not rp.hyphen_parts_only:
            return self.analyzer.terms(question)
        out: list[str] = []
        for _, _, raw in words(question):
            terms = self.analyzer.token_terms(raw)
            out.extend(terms[1:] if len(terms) > 1 and "-" in terms[0] else terms)
        return out

    def known_terms(self, question: str) -> tuple[list[str], list[str]]:
        """Question terms the corpus has, and those it has not."""
        terms = self.query_terms(question)
        return [t for t in terms if t in self.index.vocab], [t for t in terms if t not in self.index.vocab]

    def search(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        ix = self.index
        terms = self.query_terms(question)
        ids = [ix.vocab[t] for t in terms if t in ix.vocab]
        if not ids or k <= 0:
            return []
        scores = score(ids, ix.post_ptr, ix.post_doc, ix.post_tf, ix.idf, ix.norm, ix.params.k1)
        candidates = scores > 0
        if filters:
            candidates &= self._allowed(filters)[np.asarray(ix.passage_article)]
        phrases = [q for q in quoted_phrases(question) if self.analyzer.terms(q)]
        for term in {t for q in phrases for t in self.analyzer.terms(q)}:
            candidates &= self._containing(term)
        pool = _top(np.flatnonzero(candidates), scores, max(k, self.rerank.candidates) * (10 if phrases else 1))
        if phrases:
            pool = [p for p in pool if self._has_phrases(p, phrases)]
        final = self._rerank(question, terms, pool, scores)
        order = sorted(pool, key=lambda p: (-final[p], p))[:k]
        return [self._hit(question, terms, rank, pid, final[pid], float(scores[pid]))
                for rank, pid in enumerate(order, 1)]

    def _rerank(self, question: str, terms: list[str], pool: list[int], scores: np.ndarray) -> dict[int, float]:
        """BM25 plus proximity and answer-type cues for the candidate pool."""
        rp = self.rerank
        final = {p: float(scores[p]) for p in pool}
        if not (rp.proximity or rp.answer_type or rp.sentence) or len(pool) < 2:
            return final
        kind = answer_kind(question)
        idf = self._idf_of(terms)
        query = set(terms)
        for p in pool:
            text = self._passage_text(p)
            bonus = 0.0
            if rp.sentence:
                a = int(self.index.passage_article[p])
                spans = self.index.sentences(p)
                if spans:
                    bonus += rp.sentence * best_sentence(self._body(a), spans, self.analyzer, query, idf, kind)[2]
            if rp.proximity:
                bonus += rp.proximity * proximity(positions(self.analyzer, text), terms, idf, rp.window)
            if rp.answer_type and kind and has_kind(text, kind):
                bonus += rp.answer_type
            final[p] += bonus
        return final

    def _containing(self, term: str) -> np.ndarray:
        """Mask of passages that hold `term` (all False for an unknown term)."""
        mask = np.zeros(self.index.n_passages, dtype=bool)
        t = self.index.vocab.get(term)
        if t is not None:
            mask[self.index.post_doc[int(self.index.post_ptr[t]) : int(self.index.post_ptr[t + 1])]] = True
        return mask

    def _idf_of(self, terms: list[str]) -> dict[str, float]:
        return {t: float(self.index.idf[self.index.vocab[t]]) for t in terms if t in self.index.vocab}

    def _passage_text(self, pid: int) -> str:
        a, start, end = self.index.passage_span(pid)
        return self._body(a)[start:end]

    def _body(self, article: int) -> str:
        cached = self._bodies.get(article)
        if cached is None:
            cached = self._bodies[article] = self.index.body(article)
            if len(self._bodies) > 256:
                self._bodies.pop(next(iter(self._bodies)))
        return cached

    def _has_phrases(self, pid: int, phrases: list[str]) -> bool:
        """Each phrase occurs word for word (a stop word matches any word)."""
        seq = [t for _, _, t in positions(self.analyzer, self._passage_text(pid))]
        for phrase in phrases:
            want = [t[0] if t else None for _, _, t in positions(self.analyzer, phrase)]
            if not any(
                all(w is None or w in seq[i + j] for j, w in enumerate(want))
                for i in range(len(seq) - len(want) + 1)
            ):
                return False
        return True

    def mean_passage_words(self) -> float:
        words = np.asarray(self.index.passage_words)
        return float(words.mean()) if len(words) else 0.0

    def article_text(self, hit: Hit) -> str:
        """The whole article a hit comes from (hit.start/end index into it)."""
        return self.index.body(int(self.index.passage_article[hit.passage_id]))

    def _hit(self, question: str, terms: list[str], rank: int, pid: int, value: float, bm25: float) -> Hit:
        a, start, end = self.index.passage_span(pid)
        body = self._body(a)
        s_start, s_end, _ = best_sentence(
            body, self.index.sentences(pid) or [(start, end)], self.analyzer, set(terms),
            self._idf_of(terms), answer_kind(question),
        )
        return Hit(question, rank, value, pid, self.index.articles[a], start, end, body[start:end],
                   self.corpus_root or "", bm25, s_start, s_end)

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
