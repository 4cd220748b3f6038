"""One analyzer for passages and questions, so both sides see the same terms.

Tokens are found in the original text (so highlights keep exact offsets) and
each token is normalised on its own: accents stripped, curly quotes and dashes
folded, lower-cased, digit groups joined (`2,000` -> `2000`), possessives cut.
Hyphenated words yield the whole word and its parts (`mi-24`, `mi`, `24`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain

from kqa.stopwords import STOPWORDS

ANALYZER_VERSION = 2  # 2: tokens run on through combining marks (decomposed text)

_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}|\w+(?:(?<=\d)[.,]\d+)*(?:[-'’‘‐‑](?=\w)\w+(?:(?<=\d)[.,]\d+)*)*"
)
_FOLD = str.maketrans(
    {
        "’": "'", "‘": "'", "ʼ": "'", "′": "'", "`": "'",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
        "ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
        "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    }
)
_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d)")


def fold(text: str) -> str:
    """Accent-, quote- and case-insensitive form of `text`."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


# A character that could be a combining mark: not a word character, space or
# common punctuation (ASCII, Latin-1, quotes and dashes, €). Most text has none.
_MAYBE_MARK = re.compile(r"[^\w\s\x21-\x7e\u00a0-\u00bf\u2010-\u2044\u20ac]")


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, raw token) for each word-like token in `text`."""
    if not _MAYBE_MARK.search(text):
        for m in _TOKEN.finditer(text):
            yield m.start(), m.end(), m.group()
    else:
        yield from _words_through_marks(text)


def _tokens(text: str) -> list[str]:
    """The raw tokens of `text`, as `words` finds them (faster, no offsets)."""
    return _TOKEN.findall(text) if not _MAYBE_MARK.search(text) else [raw for _, _, raw in _words_through_marks(text)]


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _words_through_marks(text: str) -> Iterator[tuple[int, int, str]]:
    """Tokens that run on through combining marks, which Python's \\w leaves
    out: `Zu\u0308rich` (decomposed, as macOS and some pages write it) is one
    word, `zurich` when folded, not `zu` and `rich`."""
    start = end = -1
    through = False  # the token ran on through a mark: a token starting right after it continues it
    n = len(text)
    for m in _TOKEN.finditer(text):
        if through and m.start() == end:
            end = m.end()
        else:
            if start >= 0:
                yield start, end, text[start:end]
            start, end = m.start(), m.end()
        through = False
        while end < n and _is_mark(text[end]):
            end += 1
            through = True
    if start >= 0:
        yield start, end, text[start:end]


def token_forms(raw: str) -> list[str]:
    """Normalised forms of one raw token before stop words and stemming."""
    tok = _DIGIT_GROUP.sub("", fold(raw))
    if tok.endswith(".") and "-" not in tok:  # acronym: u.s. -> us
        tok = tok.replace(".", "")
    if tok.endswith("'s"):
        tok = tok[:-2]
    tok = tok.replace("'", "")
    if "-" not in tok:
        return [tok] if tok else []
    parts = [p for p in tok.split("-") if p]
    return [tok, *parts] if len(parts) > 1 else parts


class _LazySnowball:
    """Snowball stemmer loaded on first use: importing nltk costs ~0.2 s."""

    def __init__(self) -> None:
        self._stem: Callable[[str], str] | None = None

    def __call__(self, word: str) -> str:
        if self._stem is None:
            from nltk.stem.snowball import SnowballStemmer  # ~0.2 s import

            self._stem = SnowballStemmer("english").stem
        return self._stem(word)


class Analyzer:
    """Turns text into index terms; stems are cached, and may be pre-seeded
    from an index so a question rarely needs the stemmer itself."""

    def __init__(
        self,
        known_stems: Mapping[str, str] | None = None,
        stemmer: Callable[[str], str] | None = None,
    ) -> None:
        self._cache: dict[str, str] = dict(known_stems or {})
        self._stemmer = stemmer or _LazySnowball()
        self._raw: dict[str, tuple[list[str], list[str]]] = {}  # raw token: terms, forms

    @property
    def stem_cache(self) -> dict[str, str]:
        return self._cache

    def stem(self, form: str) -> str:
        term = self._cache.get(form)
        if term is None:
            term = form if "-" in form or not form.isalpha() else self._stemmer(form)
            self._cache[form] = term
        return term

    def _analysed(self, raw: str) -> tuple[list[str], list[str]]:
        done = self._raw.get(raw)
        if done is None:
            forms = [f for f in token_forms(raw) if f not in STOPWORDS]
            done = ([self.stem(f) for f in forms], forms)
            if len(self._raw) < 1_000_000:
                self._raw[raw] = done
        return done

    def token_terms(self, raw: str) -> list[str]:
        """Index terms for one raw token (empty for stop words); cached, as a
        corpus has far fewer distinct words than word occurrences."""
        return self._analysed(raw)[0]

    def terms(self, text: str, raws: set[str] | None = None) -> list[str]:
        """Index terms of `text`, in order, duplicates kept (they count as tf);
        its raw tokens are added to `raws` if given (see `forms`)."""
        out: list[str] = []
        analysed = self._analysed
        tokens = _tokens(text)
        for raw in tokens:
            out.extend(analysed(raw)[0])
        if raws is not None:
            raws.update(tokens)
        return out

    def forms(self, raws: Iterable[str]) -> set[str]:
        """The stemmed words (keys of the stem table) of these raw tokens."""
        get, analysed = self._raw.get, self._analysed
        return set(chain.from_iterable((get(raw) or analysed(raw))[1] for raw in raws))

    def matches(self, text: str, terms: set[str]) -> list[tuple[int, int]]:
        """Spans of `text` whose terms are in `terms` (for highlighting)."""
        return [
            (start, end)
            for start, end, raw in words(text)
            if terms.intersection(self.token_terms(raw))
        ]
