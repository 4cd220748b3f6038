"""Nearest spellings for question words the corpus does not have.

Names are spelled many ways in news (`Nakhchivan`/`Nakhichevan`,
`Erdogan`/`Erdodan`); a question word missing from the vocabulary is matched
to the closest corpus term within a small edit distance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def allowed_edits(word: str) -> int:
    """Short words have too many near neighbours to correct safely."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


class Speller:
    """Finds the corpus term closest to an unknown word (ties: more passages)."""

    def __init__(self, vocab: Iterable[str], df: dict[str, int]) -> None:
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for term in vocab:
            if term.isalpha():
                self._by_length[len(term)].append(term)
        self._df = df

    def nearest(self, word: str) -> str | None:
        limit = allowed_edits(word)
        if not limit or not word.isalpha():
            return None
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for term in self._by_length.get(length, ()):
                if term[0] != word[0] and term[-1] != word[-1]:
                    continue  # cheap filter: keep the first or last letter
                d = edit_distance(word, term, limit)
                if d <= limit:
                    key = (d, -self._df.get(term, 0), term)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None
