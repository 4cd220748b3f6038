"""Peer BM25 systems for benchmarks/quality.py, each set up the way its README
shows, over the paragraphs a naive tool would index.

Every peer indexes the same passages: the blank-line paragraphs of each
`.txt`/`.md` file of the corpus folder (a `---` front matter block at the top is
dropped; a SQuAD file's title line is a paragraph of its own). Every peer has
`rank(question, k) -> (top-k passage texts, None)`: peers mark no answer
sentence. Passages that share no term with the question (score <= 0) are not
returned, as kqa returns none either.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

SUFFIXES = (".txt", ".md")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_WORD = re.compile(r"\w+")


def _front_matter_end(text: str) -> int:
    """Offset just past a leading `---` ... `---` block, or 0 when there is none."""
    if not text.startswith("---\n"):
        return 0
    m = re.search(r"^---[ \t]*$", text[4:], re.M)
    return 4 + m.end() if m else 0


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # one BBC file is Latin-1; a naive tool would get by somehow
        return data.decode("latin-1")


def corpus_files(root: Path) -> Iterator[Path]:
    """Article files under `root`, as kqa finds them (hidden entries skipped)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                yield Path(dirpath) / name


def paragraphs(root: Path) -> list[str]:
    """All non-empty blank-line paragraphs of all article files under `root`."""
    out: list[str] = []
    for path in corpus_files(root):
        try:
            text = _read(path).replace("\r\n", "\n")
        except OSError:  # a broken link, an unreadable file: kqa skips them too
            continue
        text = text[_front_matter_end(text):]
        out.extend(p.strip() for p in _BLANK_LINE.split(text) if p.strip())
    return out


def mean_words(passages: list[str]) -> float:
    return float(np.mean([len(p.split()) for p in passages])) if passages else 0.0


class Peer:
    """Base: holds the passages; subclasses build an index in __init__."""

    name = "peer"

    def __init__(self, passages: list[str]) -> None:
        self.passages = passages

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        raise NotImplementedError

    def _top(self, scores: np.ndarray, k: int) -> list[str]:
        pool = np.flatnonzero(scores > 0)
        if len(pool) > k:
            pool = pool[np.argpartition(-scores[pool], k - 1)[:k]]
        order = sorted(pool.tolist(), key=lambda i: (-scores[i], i))
        return [self.passages[i] for i in order]


class RankBM25Plain(Peer):
    """rank-bm25 as in its README: BM25Okapi over lower-cased whitespace tokens."""

    name = "rank-bm25 (README: lower+split)"

    def __init__(self, passages: list[str]) -> None:
        from rank_bm25 import BM25Okapi

        super().__init__(passages)
        self.bm25 = BM25Okapi([doc.lower().split() for doc in passages])

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        return self._top(self.bm25.get_scores(question.lower().split()), k), None


class RankBM25Nltk(Peer):
    """rank-bm25 with a regex word tokenizer, English stop words and NLTK Snowball stems."""

    name = "rank-bm25 + NLTK Snowball + stop words"

    def __init__(self, passages: list[str]) -> None:
        from nltk.stem.snowball import SnowballStemmer
        from rank_bm25 import BM25Okapi

        from kqa.stopwords import STOPWORDS

        stem = lru_cache(maxsize=None)(SnowballStemmer("english").stem)
        self._tokens = lambda text: [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
        super().__init__(passages)
        self.bm25 = BM25Okapi([self._tokens(doc) for doc in passages])

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        terms = self._tokens(question)
        if not terms:
            return [], None
        return self._top(self.bm25.get_scores(terms), k), None


class Bm25s(Peer):
    """bm25s, default method (Lucene BM25), PyStemmer English stems, stop words "en"."""

    name = "bm25s + PyStemmer + stop words"

    def __init__(self, passages: list[str]) -> None:
        import bm25s
        import Stemmer

        super().__init__(passages)
        self._bm25s = bm25s
        self.stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(passages, stopwords="en", stemmer=self.stemmer, show_progress=False)
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        q = self._bm25s.tokenize([question], stopwords="en", stemmer=self.stemmer,
                                 return_ids=False, show_progress=False)
        if not q[0]:
            return [], None
        docs, scores = self.retriever.retrieve(q, k=min(k, len(self.passages)), show_progress=False)
        return [self.passages[int(d)] for d, s in zip(docs[0], scores[0]) if s > 0], None


class Tantivy(Peer):
    """tantivy with the `en_stem` tokenizer; the question becomes an OR of quoted
    words, so no query-syntax character (`:`, `"`, `(`, `-`, ...) reaches the parser."""

    name = "tantivy en_stem"

    def __init__(self, passages: list[str]) -> None:
        import tantivy

        super().__init__(passages)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
        builder.add_integer_field("pid", stored=True, indexed=False)
        self._dir = tempfile.TemporaryDirectory(prefix="tantivy-")
        self.index = tantivy.Index(builder.build(), path=self._dir.name)
        writer = self.index.writer()
        for i, text in enumerate(passages):
            writer.add_document(tantivy.Document(body=text, pid=i))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        words = _WORD.findall(question.lower())
        if not words:
            return [], None
        query = self.index.parse_query(" OR ".join(f'"{w}"' for w in words), ["body"])
        hits = self.searcher.search(query, k).hits
        return [self.passages[self.searcher.doc(addr)["pid"][0]] for score, addr in hits if score > 0], None


class Fts5(Peer):
    """SQLite FTS5, `tokenize='porter unicode61'`, ranked by bm25(); the question
    becomes an OR of double-quoted words."""

    name = "SQLite FTS5 porter"

    def __init__(self, passages: list[str]) -> None:
        super().__init__(passages)
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='porter unicode61')")
        self.db.executemany("INSERT INTO p(rowid, body) VALUES (?, ?)", enumerate(passages))
        self.db.commit()

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        words = _WORD.findall(question)
        if not words:
            return [], None
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute(
            "SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (match, k)
        ).fetchall()
        return [self.passages[r[0]] for r in rows], None


PEERS: tuple[type[Peer], ...] = (RankBM25Plain, RankBM25Nltk, Bm25s, Tantivy, Fts5)
