"""Second stage: re-order the best BM25 passages and mark the answer sentence.

BM25 treats a passage as a bag of words; a passage that answers the question
usually has the question's words *together* (in one sentence, next to each
other), comes from an article that is about the question (in its title and
in its text as a whole, not in one stray paragraph), and holds
the kind of answer asked for (a date for "when", a number for "how many", a
percentage, a reason for "why"), best in the sentence holding the question's
words. The cues are added to the BM25 score of the top candidates only: the
passage cues cost the same whatever the corpus size; the article cue reads the
question words' postings, as BM25 itself does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


_YEAR = re.compile(r"\b(1[0-9]|20)\d{2}s?\b")
_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
    # "May" is also a name and a verb: only with a day, a year or a preposition
    r"|\bMay \d|\b(in|by|since|until|early|late|mid-?|of) May\b"
    r"|\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{1,2}\b"  # news style: "Sept. 12"
    # a weekday as a date ("on Thursday"), not "Good Friday" or "Sunday Times"
    r"|\b(on|last|next|early|late) (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen)s?\b",
    re.I,
)
_HOW = r"how (many|much|long|old|far|often|big|large|tall)"  # asks for a number
_WHEN = re.compile(r"^\s*(when\b|(in |by |since |until |on )?what (year|decade|century|date|month|day)\b)", re.I)
_HOW_MANY = re.compile(rf"\b{_HOW}\b|\bwhat (number|percentage|amount)\b", re.I)
_PERCENTAGE = re.compile(r"\b(what|which) (percentage|percent|proportion|share)\b|\bhow many per ?cent\b", re.I)
_PERCENT = re.compile(rf"({_NUMBER.pattern})\s*(%|per ?cent\b|percentage points?\b)", re.I)
_WHY = re.compile(r"^\s*why\b|\bfor what reason\b", re.I)
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|in order to|so that|so as to|thanks to|caused by|aims? to|aimed at)\b",
    re.I,
)


@dataclass(frozen=True)
class RerankParams:
    """Weights of the second stage: a linear model over the cues below, fitted
    by coordinate ascent on SQuAD (benchmarks/rerank_fit.py). The surface is
    flat near the top: re-fits from other starts or folds land elsewhere
    within 0.002 R@1 on SQuAD (benchmarks/QUALITY.md), so these stay fixed."""

    candidates: int = 30  # BM25 top-N re-ordered (30 and 100 measured equal; 30 is 3x faster)
    proximity: float = 0.35  # x IDF of question-word pairs found within `window` words
    window: int = 3
    sentence: float = 0.25  # x question weight of the passage's best sentence
    answer_type: float = 1.15  # the kind of answer asked for (answer_kind) is in the passage
    answer_type_sentence: float = 2.6  # ... and in its answer sentence
    title: float = 2.65  # x share of the question's weight found in the article title
    article: float = 8.0  # x the article's BM25 for the question as a share of its maximum (swept: 4-24)
    question_cues: bool = True  # drop answer-type words ("how *many*") from the query
    hyphen_parts_only: bool = True  # "Nagorno-Karabakh" counts once per part, not thrice

    @classmethod
    def named(cls, ranking: str) -> RerankParams:
        """`--ranking`: "rerank" (the defaults) or "bm25" (no cue weights: BM25
        order), so users can measure with `kqa eval` what the rerank does on
        their own corpus."""
        if ranking == "bm25":
            return cls(**{cue: 0.0 for cue in CUES})
        if ranking == "rerank":
            return cls()
        raise ValueError(f"unknown ranking {ranking!r}")

    def weights(self) -> tuple[float, ...]:
        """The cue weights in CUES order, for the dot product with a passage's cues."""
        return tuple(getattr(self, cue) for cue in CUES)


# The cues a passage gets (kqa.search.Searcher computes them), in weight order.
CUES = ("proximity", "sentence", "answer_type", "answer_type_sentence", "title", "article")


_CUE_WORDS = re.compile(
    rf"\b{_HOW}\b|\b(what|which) (year|kind|type|sort|percentage|percent|number|amount)\b",
    re.I,
)


def strip_cues(question: str) -> str:
    """The question without words that only say what kind of answer is wanted."""
    return _CUE_WORDS.sub(lambda m: m.group(0).split()[0], question)


def answer_kind(question: str) -> str | None:
    """What the answer looks like: "when" (a date), "reason" ("because ..."
    for "why"), "percent" ("60 per cent"), "number" (for "how many/much/long";
    a stricter duration kind for "how long" was measured and ranked worse),
    or None."""
    if _WHEN.search(question):
        return "when"
    if _WHY.search(question):
        return "reason"
    if _PERCENTAGE.search(question):
        return "percent"
    if _HOW_MANY.search(question):
        return "number"
    return None


def has_kind(text: str, kind: str | None) -> bool:
    if kind == "when":
        return bool(_YEAR.search(text) or _MONTH.search(text))
    if kind == "number":
        return bool(_NUMBER.search(text))
    if kind == "reason":
        return bool(_REASON.search(text))
    if kind == "percent":
        return bool(_PERCENT.search(text))
    return False


def proximity(tokens: list[tuple[int, int, list[str]]], query: list[str], idf: Mapping[str, float], window: int) -> float:
    """Sum of the lower IDF of each consecutive pair of question terms that
    occur in that order within `window` words of each other."""
    where: dict[str, list[int]] = {}
    for i, (_, _, terms) in enumerate(tokens):
        for t in terms:
            where.setdefault(t, []).append(i)
    bonus = 0.0
    seen: set[tuple[str, str]] = set()
    for a, b in zip(query, query[1:]):
        if a == b or (a, b) in seen or a not in where or b not in where:
            continue
        seen.add((a, b))
        pb = where[b]
        if any(0 < j - i <= window for i in where[a] for j in pb):
            bonus += min(idf.get(a, 0.0), idf.get(b, 0.0))
    return bonus


def best_sentence(
    body: str,
    sentences: list[tuple[int, int]],
    slots: list[tuple[int, int, list[str]]],
    query: set[str],
    idf: Mapping[str, float],
    kind: str | None,
) -> tuple[int, int, float, bool]:
    """The sentence with the most question weight (IDF of distinct question
    terms it holds; a sentence with the wanted date/number wins ties and
    near-ties), that weight, and whether it has the wanted date/number.
    `slots` are the passage's words with offsets in `body`, as are `sentences`."""
    best = (sentences[0][0], sentences[0][1], 0.0, False) if sentences else (0, 0, 0.0, False)
    best_key = -1.0
    for start, end in sentences:
        found = {t for s, _, terms in slots if start <= s < end for t in terms} & query
        weight = sum(idf.get(t, 0.0) for t in found)
        typed = bool(kind) and has_kind(body[start:end], kind)
        key = weight + (0.5 if typed else 0.0)
        if key > best_key:
            best, best_key = (start, end, weight, typed), key
    return best
