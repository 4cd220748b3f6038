"""Understanding a question once: its search terms, spelling fixes, quoted
phrases and the kind of answer it wants. Search, hints and highlighting all
read the same `Query`, so the question is analysed a single time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kqa.analysis import Analyzer, fold, words
from kqa.rerank import RerankParams, answer_kind, strip_cues

_DASHES = re.compile(r"[-\u2010-\u2015]")
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')

# One entry per word: its term (matched like any searched word, so `peace deals`
# finds `peace deal`), or for a stop word "=" + the word itself, matched exactly.
Phrase = list[str]
STOP_MARK = "="


def quoted_phrases(question: str) -> list[str]:
    """Phrases in straight or curly double quotes, to be matched as phrases."""
    return [a or b for a, b in _QUOTED.findall(question)]


def word_slots(analyzer: Analyzer, text: str, offset: int = 0) -> list[tuple[int, int, list[str]]]:
    """(start, end, terms) per word, hyphenated words split into one slot per
    part, so `Nagorno-Karabakh` and `Nagorno Karabakh` line up the same way.
    Stop words keep an empty slot, so distances are counted in words."""
    slots: list[tuple[int, int, list[str]]] = []
    for start, end, raw in words(text):
        terms = analyzer.token_terms(raw)
        if len(terms) > 1 and "-" in terms[0]:
            slots.extend(_part_slots(analyzer, raw, offset + start, terms[1:]))
        else:
            slots.append((offset + start, offset + end, terms))
    return slots


_PART = re.compile(r"[^-\u2010-\u2015]+")


def _part_slots(analyzer: Analyzer, raw: str, start: int, parts: list[str]) -> list[tuple[int, int, list[str]]]:
    """A hyphenated word's slots, one per part with its own offsets, a stop
    word as an empty slot (`in` of `commander-in-chief`, so it lines up with
    `commander in chief`); where the parts read alone would not give the
    analyzer's parts (`U.S.-led`), one slot per analyzer part over the word."""
    slots = [(start + m.start(), start + m.end(), analyzer.token_terms(m.group())) for m in _PART.finditer(raw)]
    if [t for _, _, terms in slots for t in terms] != parts:
        return [(start, start + len(raw), [part]) for part in parts]
    return slots


@dataclass(frozen=True)
class Query:
    text: str
    terms: list[str]  # what is searched, corrections applied, duplicates kept
    corrections: dict[str, str] = field(default_factory=dict)
    phrases: list[Phrase] = field(default_factory=list)
    kind: str | None = None  # kqa.rerank.answer_kind: "when", "reason", "percent", "number" or None
    typed: dict[str, str] = field(default_factory=dict)  # term -> the word the user typed for it


def parse(
    question: str,
    analyzer: Analyzer,
    vocab: Mapping[str, int],
    nearest: Callable[[str], str | None],
    params: RerankParams,
) -> Query:
    searched = strip_cues(question) if params.question_cues else question
    slots = word_slots(analyzer, searched)
    if params.hyphen_parts_only:
        terms = [t for _, _, slot in slots for t in slot]
    else:
        terms = analyzer.terms(searched)
    fixes = _corrections(question, analyzer, set(terms), vocab, nearest)
    phrases = [
        [fixes.get(slot[0], slot[0]) if slot else STOP_MARK + fold(p[s:e]) for s, e, slot in word_slots(analyzer, p)]
        for p in quoted_phrases(question)
    ]
    return Query(
        text=question,
        terms=[fixes.get(t, t) for t in terms],
        corrections=fixes,
        phrases=[p for p in phrases if p],  # `"The Who" concert`: common words only, still word for word
        kind=answer_kind(question),
        typed=_typed_words(analyzer, searched, slots),
    )


def _typed_words(analyzer: Analyzer, text: str, slots: list[tuple[int, int, list[str]]]) -> dict[str, str]:
    """Each term's word as the user typed it, for messages (`Xyzzy` of
    `Nagorno-Xyzzy`, not the stem or the whole hyphenated word)."""
    typed: dict[str, str] = {}
    for start, end, slot in slots:
        word = text[start:end]
        for t in slot:
            parts = [w for w in _DASHES.split(word) if t in analyzer.token_terms(w)] if _DASHES.search(word) else []
            typed.setdefault(t, parts[0] if parts else word)
    return typed


def _corrections(
    question: str,
    analyzer: Analyzer,
    asked: set[str],
    vocab: Mapping[str, int],
    nearest: Callable[[str], str | None],
) -> dict[str, str]:
    """Unknown names -> the corpus spelling searched instead.

    Only capitalised words are corrected, and not the question's first word
    (capitalised anyway): names are what news spells many ways, while an
    unknown common word (`shoot`) has near neighbours (`short`) that would
    change the question. When the corpus has none of the question's words,
    any word is: nothing would be found otherwise (`pashinian` typed alone,
    in lower case, as names are in a search box).
    """
    out: dict[str, str] = {}
    none_known = not any(term in vocab for term in asked)
    for i, (_, _, raw) in enumerate(words(question)):
        if not none_known and (not raw[:1].isupper() or (i == 0 and not (raw.isupper() and len(raw) > 1))):
            continue
        for term in analyzer.token_terms(raw):
            if term in asked and term not in vocab and term not in out:
                near = nearest(term)
                if near:
                    out[term] = near
    return out
