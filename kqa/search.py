"""Questions in, ranked and sourced passages out. Shared by the CLI and the TUI."""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from kqa.analysis import Analyzer, fold
from kqa.bm25 import score
from kqa.dates import date_span, display_date
from kqa.filters import Filters
from kqa.index import Index
from kqa.query import STOP_MARK, Phrase, Query, parse, word_slots
from kqa.rerank import RerankParams, best_sentence, has_kind, proximity
from kqa.spelling import Speller
from kqa.wording import one_line

Slots = list[tuple[int, int, list[str]]]
ARTICLE_K1, ARTICLE_B = 1.2, 0.75  # BM25 over whole articles (the article cue): the usual defaults


def _remember(cache: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """Store in a bounded cache, dropping the oldest entries. The app's
    search worker and its UI thread share a Searcher, and a cancelled
    worker may still be finishing: two evictions can race for one key."""
    cache[key] = value
    while len(cache) > limit:
        try:
            cache.pop(next(iter(cache)), None)
        except (RuntimeError, StopIteration):  # changed under us by the other thread
            break


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
    def byline(self) -> str:
        """`by` the author, when the file names one other than the source: provenance to cite."""
        a = self.article
        return f"by {a['author']}" if a.get("author") and a["author"] != a["source"] else ""

    @property
    def answer_text(self) -> str:
        return self.text[self.answer_start - self.start : self.answer_end - self.start]

    @property
    def date_label(self) -> str:
        return display_date(self.article.get("date"), bool(self.article.get("date_inferred")))

    @property
    def path(self) -> str:
        """Corpus-relative file (`file.jsonl:LINE` for a JSON Lines record)."""
        return self._with_line(self.article["relpath"])

    @property
    def full_path(self) -> str:
        """For reading and citing: `feed.jsonl:3` names the record, as grep -n would."""
        return self._with_line(self.file)

    @property
    def file(self) -> str:
        """For programs: a file they can open (a record's line is given apart, as rg --json does)."""
        relpath = self.article["relpath"]
        return os.path.join(self.root, relpath) if self.root else relpath

    def _with_line(self, file: str) -> str:
        line = self.article.get("line")
        return f"{file}:{line}" if line else file

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
            "source_inferred": bool(a.get("source_inferred")),
            "author": a.get("author"),
            "date": a.get("date"),
            "date_inferred": bool(a.get("date_inferred")),
            "url": a.get("url"),
            "passage_id": self.passage_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "path": self.file,
            "line": self.article.get("line"),
            "bm25": round(self.bm25, 6),
            "answer": {"text": self.answer_text, "start": self.answer_start, "end": self.answer_end},
        }


def _phrase_in(slots: Slots, text: str, phrase: Phrase) -> bool:
    """The phrase occurs word for word in `text` (whose word slots are given):
    its words by their terms, its stop words as written (`Putin the` does not
    match `Putin signaled`)."""
    def fits(i: int, word: str) -> bool:
        start, end, terms = slots[i]
        if word.startswith(STOP_MARK):
            return not terms and fold(text[start:end]) == word[1:]
        return word in terms

    return any(all(fits(i + j, w) for j, w in enumerate(phrase)) for i in range(len(slots) - len(phrase) + 1))


class Searcher:
    """BM25 over one loaded index; cheap to query many times."""

    def __init__(self, index: Index, corpus_root: str | None = None,
                 rerank: RerankParams | None = None) -> None:
        self.index = index
        self.corpus_root = corpus_root
        self.analyzer = Analyzer(index.stems)
        self.rerank = rerank or RerankParams()
        self._bodies: dict[int, str] = {}
        self._titles: dict[int, tuple[Counter[str], Counter[str]]] = {}
        self._heads: dict[int, list[tuple[Slots, str]]] = {}
        self._speller: Speller | None = None
        self._spelled: dict[str, str | None] = {}
        self._queries: dict[str, Query] = {}

    def query(self, question: str) -> Query:
        """The parsed question (cached: hints, search and highlighting share it)."""
        q = self._queries.get(question)
        if q is None:
            q = parse(question, self.analyzer, self.index.vocab, self._nearest, self.rerank)
            _remember(self._queries, question, q, 64)
        return q

    def query_terms(self, question: str) -> list[str]:
        """The terms searched for, spelling corrections applied."""
        return self.query(question).terms

    def corrections(self, question: str) -> dict[str, str]:
        return self.query(question).corrections

    def known_terms(self, question: str) -> tuple[list[str], list[str]]:
        """Question terms the corpus has (to highlight), and the words the
        corpus has not, as the user typed them, once each (to report)."""
        q = self.query(question)
        unknown = dict.fromkeys(q.typed.get(t, t) for t in q.terms if t not in self.index.vocab)
        return [t for t in q.terms if t in self.index.vocab], list(unknown)

    def _nearest(self, term: str) -> str | None:
        if term not in self._spelled:
            if self._speller is None:
                ptr = np.asarray(self.index.post_ptr)
                df = dict(zip(self.index.terms_by_id, np.diff(ptr).tolist()))
                self._speller = Speller(self.index.vocab, df)
            self._spelled[term] = self._speller.nearest(term)
        return self._spelled[term]

    def search(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        q = self.query(question)
        if k <= 0:
            return []
        slots: dict[int, Slots] = {}  # each candidate is tokenised once per question
        head = self.rerank.candidates
        want = max(k, head)
        while True:
            pool, scores = self._candidates(q, want, filters, slots)
            cues = self._cues(q, pool, slots)
            weights = self.rerank.weights() if len(pool) > 1 else ()
            final = {p: float(scores[p]) + sum(w * c for w, c in zip(weights, cues[p][0])) for p in pool}
            # The rerank orders BM25's top `head`; past it (-k 60) BM25's next ones follow, reranked
            # among themselves, so `-k 60 | head -5` is `-k 5`: -k only cuts the list.
            by_bm25 = sorted(pool, key=lambda p: (-scores[p], p))
            order = self._distinct([*sorted(by_bm25[:head], key=lambda p: (-final[p], p)),
                                    *sorted(by_bm25[head:], key=lambda p: (-final[p], p))], k)
            if len(order) >= k or len(pool) < want:  # enough, or every match is in
                break
            want *= 2  # copies took places: look further
        return [self._hit(q, rank, pid, final[pid], float(scores[pid]), cues[pid][1])
                for rank, pid in enumerate(order, 1)]

    def _distinct(self, order: list[int], k: int) -> list[int]:
        """The first k passages with a text not shown above: an article saved
        twice (`a.txt`, `a (1).txt`) or a lede a page repeats would fill half of -k."""
        seen: set[str] = set()
        out: list[int] = []
        for pid in order:
            a, start, end = self.index.passage_span(pid)
            text = one_line(self._body(a)[start:end])
            if text not in seen:
                seen.add(text)
                out.append(pid)
                if len(out) == k:
                    break
        return out

    def cue_table(self, question: str, n: int) -> list[tuple[int, float, tuple[float, ...]]]:
        """(passage, BM25, rerank cues) for the BM25 top n: what the rerank
        weights are fitted on (benchmarks/rerank_fit.py)."""
        q = self.query(question)
        if n <= 0:
            return []
        slots: dict[int, Slots] = {}
        pool, scores = self._candidates(q, n, None, slots)
        cues = self._cues(q, pool, slots)
        return [(p, float(scores[p]), cues[p][0]) for p in pool]

    def _candidates(self, q: Query, n: int, filters: Filters | None,
                    slots: dict[int, Slots]) -> tuple[list[int], np.ndarray]:
        """The BM25 top n that pass the filters and phrases, and all BM25 scores."""
        ix = self.index
        ids = [ix.vocab[t] for t in q.terms if t in ix.vocab]
        if not ids:
            return [], np.zeros(0)
        scores = score(ids, ix.post_ptr, ix.post_doc, ix.post_tf, ix.idf, ix.norm, ix.params.k1)
        # candidates hold a question term; on tiny corpora BM25 can score them <= 0
        candidates = np.zeros(ix.n_passages, dtype=bool)
        for t in set(ids):
            candidates |= self._containing(t)
        if filters:
            candidates &= self._allowed(filters)[np.asarray(ix.passage_article)]
        for term in {t for phrase in q.phrases for t in phrase if not t.startswith(STOP_MARK)}:
            candidates &= self._containing(ix.vocab.get(term))
        return self._pool(np.flatnonzero(candidates), scores, n, q.phrases, slots), scores

    def _pool(self, cands: np.ndarray, scores: np.ndarray, n: int, phrases: list[Phrase],
              slots: dict[int, Slots]) -> list[int]:
        """The n best candidates by BM25 (that hold every quoted phrase)."""
        if not phrases:
            if len(cands) > n:  # the n best; at a tie on the n-th score, the first passages (as a full sort)
                s = scores[cands]
                nth = -np.partition(-s, n - 1)[n - 1]
                above = cands[s > nth]
                cands = np.concatenate([above, cands[s == nth][: n - len(above)]])
            return cands.tolist()
        ranked = cands[np.lexsort((cands, -scores[cands]))]
        pool: list[int] = []
        for pid in ranked.tolist():
            if self._has_phrases(pid, phrases, slots):
                pool.append(pid)
                if len(pool) == n:
                    break
        return pool

    def _cues(self, q: Query, pool: list[int],
              slots_of: dict[int, Slots]) -> dict[int, tuple[tuple[float, ...], tuple[int, int]]]:
        """Per passage: the rerank cues (in kqa.rerank.CUES order) and the
        answer sentence found on the way."""
        idf = self._idf_of(q.terms)
        query = set(q.terms)
        # the title share uses IDF floored at 0: on tiny corpora BM25's IDF can be negative
        total = sum(max(idf.get(t, 0.0), 0.0) for t in query)
        article: dict[int, float] = {}
        if self.rerank.article and len(pool) > 1:
            ids = [self.index.vocab[t] for t in sorted(query) if t in self.index.vocab]  # sorted: same sums every run
            article = self._article_match(ids, {self.index.passage_span(p)[0] for p in pool})
        out = {}
        for p in pool:
            slots = self._slots(p, slots_of)
            a, start, end = self.index.passage_span(p)
            body = self._body(a)
            s_start, s_end, weight, typed = best_sentence(
                body, self.index.sentences(p) or [(start, end)], slots, query, idf, q.kind)
            in_passage = bool(q.kind) and has_kind(body[start:end], q.kind)
            title = (self._title_terms(a).keys() | self._cited_terms(a).keys()) & query
            cues = (
                proximity(slots, q.terms, idf, self.rerank.window),
                max(weight, 0.0),
                float(in_passage),
                float(in_passage and typed),
                sum(max(idf.get(t, 0.0), 0.0) for t in title) / total if total > 0 else 0.0,
                article.get(a, 0.0),
            )
            out[p] = (cues, (s_start, s_end))
        return out

    def _article_match(self, ids: list[int], articles: set[int]) -> dict[int, float]:
        """BM25 of the question over whole articles, as a share of the most
        the question could score (every word saturated): a passage gains when
        its article as a whole is about the question, not only the passage.
        The share does not depend on which other articles are candidates.
        Title, source and author words, which the index counts with every
        passage, are taken out (the title cue has them), and so is a headline
        that is the article's only text."""
        ix = self.index
        owner = np.asarray(ix.passage_article)
        _, lengths, n_articles, avg = self._article_layout
        arts = np.array(sorted(articles), dtype=np.int64)
        titles = [self._title_copies(a) for a in arts.tolist()]  # (title copies, passages)
        per_passage = ix.params.title
        norm = ARTICLE_K1 * (1 - ARTICLE_B + ARTICLE_B * lengths[arts] / avg)
        totals, ceiling = np.zeros(len(arts)), 0.0
        for t in ids:
            lo, hi = int(ix.post_ptr[t]), int(ix.post_ptr[t + 1])
            by_article = owner[ix.post_doc[lo:hi]]  # non-decreasing: postings are in passage order
            df = int(np.count_nonzero(np.diff(by_article))) + 1
            idf = math.log((n_articles - df + 0.5) / (df + 0.5) + 1)
            ceiling += idf * (ARTICLE_K1 + 1)
            cum = np.concatenate([[0], np.cumsum(ix.post_tf[lo:hi], dtype=np.int64)])
            tf = (cum[np.searchsorted(by_article, arts + 1)] - cum[np.searchsorted(by_article, arts)]).astype(float)
            term = ix.terms_by_id[t]
            tf = np.maximum(tf - [self._title_terms(a)[term] * n + self._cited_terms(a)[term] * per_passage * span
                                  for a, (n, span) in zip(arts.tolist(), titles)], 0.0)
            totals += idf * tf * (ARTICLE_K1 + 1) / (tf + norm)
        return {int(a): float(v) / ceiling if ceiling > 0 else 0.0 for a, v in zip(arts, totals)}

    def _title_copies(self, article: int) -> tuple[int, int]:
        """How often the title's terms are in the article's passages on top
        of its text: once per passage from the index, plus once when the
        passages start with the title itself (a headline-only article, a
        record whose title is its first line); and the number of passages
        (the source and author are counted with each, and only there)."""
        bounds = self._article_layout[0]
        first, end = int(bounds[article]), int(bounds[article + 1])
        copies = self.index.params.title * (end - first)
        if end > first:
            _, start, _ = self.index.passage_span(first)
            title = self.index.articles[article]["title"].strip()
            if title and self._body(article)[start:].lstrip().startswith(title):
                copies += 1
        return copies, end - first

    @cached_property
    def _article_layout(self) -> tuple[np.ndarray, np.ndarray, int, float]:
        """First passage of each article (plus an end), its length in words,
        and the number and mean length of the articles that have passages."""
        owner = np.asarray(self.index.passage_article)
        n = len(self.index.articles)
        bounds = np.searchsorted(owner, np.arange(n + 1))
        lengths = np.bincount(owner, weights=np.asarray(self.index.passage_words, dtype=float), minlength=n)
        used = int(np.count_nonzero(np.diff(bounds)))
        mean = float(lengths.sum()) / used if used else 0.0
        return bounds, lengths, used, mean or 1.0

    def _title_terms(self, article: int) -> Counter[str]:
        return self._header(article)[0]

    def _cited_terms(self, article: int) -> Counter[str]:
        return self._header(article)[1]

    def _header(self, article: int) -> tuple[Counter[str], Counter[str]]:
        """Terms of the article's title, and of the source and author its
        file gives: both count with each passage (kqa.bm25.title_text)."""
        terms = self._titles.get(article)
        if terms is None:
            record = self.index.articles[article]
            terms = Counter(self.analyzer.terms(record["title"])), Counter(self.analyzer.terms(record.get("cited") or ""))
            _remember(self._titles, article, terms, 4096)
        return terms

    def _slots(self, pid: int, memo: dict[int, Slots]) -> Slots:
        if pid not in memo:
            a, start, end = self.index.passage_span(pid)
            memo[pid] = word_slots(self.analyzer, self._body(a)[start:end], start)
        return memo[pid]

    def _has_phrases(self, pid: int, phrases: list[Phrase], memo: dict[int, Slots]) -> bool:
        """Each phrase occurs word for word in the passage, or in its article's
        title, source or author, which are searched with every passage (a
        quoted writer's name finds the article as the bare name does)."""
        article = self.index.passage_span(pid)[0]
        slots, body = self._slots(pid, memo), self._body(article)
        return all(
            _phrase_in(slots, body, phrase)
            or any(_phrase_in(head, text, phrase) for head, text in self._header_slots(article))
            for phrase in phrases
        )

    def _header_slots(self, article: int) -> list[tuple[Slots, str]]:
        """Word slots of the title and of the source and author the file gives, with their text."""
        heads = self._heads.get(article)
        if heads is None:
            record = self.index.articles[article]
            given = None if record.get("source_inferred") else record["source"]  # not a folder name standing in
            texts = dict.fromkeys(v for v in (record["title"], given, record.get("author")) if v)
            heads = [(word_slots(self.analyzer, text), text) for text in texts]
            _remember(self._heads, article, heads, 4096)
        return heads

    def _containing(self, t: int | None) -> np.ndarray:
        """Mask of passages that hold term id `t` (all False for None)."""
        mask = np.zeros(self.index.n_passages, dtype=bool)
        if t is not None:
            mask[self.index.post_doc[int(self.index.post_ptr[t]) : int(self.index.post_ptr[t + 1])]] = True
        return mask

    def _idf_of(self, terms: list[str]) -> dict[str, float]:
        return {t: float(self.index.idf[self.index.vocab[t]]) for t in terms if t in self.index.vocab}

    def _body(self, article: int) -> str:
        cached = self._bodies.get(article)
        if cached is None:
            cached = self.index.body(article)
            _remember(self._bodies, article, cached, 256)
        return cached

    def mean_passage_words(self) -> float:
        counts = np.asarray(self.index.passage_words)
        return float(counts.mean()) if len(counts) else 0.0

    def article_text(self, hit: Hit) -> str:
        """The whole article a hit comes from (hit.start/end index into it)."""
        return self.index.body(int(self.index.passage_article[hit.passage_id]))

    def _hit(self, q: Query, rank: int, pid: int, value: float, bm25: float,
             answer: tuple[int, int] | None) -> Hit:
        a, start, end = self.index.passage_span(pid)
        body = self._body(a)
        s_start, s_end = answer or (start, end)
        return Hit(q.text, rank, value, pid, self.index.articles[a], start, end, body[start:end],
                   self.corpus_root or "", bm25, s_start, s_end)

    def _allowed(self, filters: Filters) -> np.ndarray:
        """Per-article mask for the filters."""
        keep = np.ones(len(self.index.articles), dtype=bool)
        if filters.source:
            def norm(text: str) -> str:  # case, accents and runs of spaces do not matter
                return " ".join(fold(text).split())

            needle = norm(filters.source)
            keep &= np.array([needle in norm(a["source"]) for a in self.index.articles], dtype=bool)
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
