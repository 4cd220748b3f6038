"""Splitting an article into passages a reader takes in at a glance.

Paragraph-aware: paragraphs are the units, page leftovers are dropped, long
paragraphs are cut at sentence boundaries (NLTK Punkt, untrained plus a list of
news abbreviations) and tiny fragments are merged with their neighbours.
Passages never span a dropped leftover, so their offsets stay honest.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# When splitting changes, bump kqa.store.PASSAGES_VERSION so indexes are rebuilt.
MIN_WORDS = 15
MAX_WORDS = 150
TARGET_WORDS = 75
LONG_FACTOR = 2.0  # a paragraph is cut only when over this many times its article's median...
MEDIAN_PARAGRAPHS = 8  # ...and the article has this many paragraphs to take a median of
PUNKT_CHUNK = 100_000  # characters per Punkt call (see _chunks)

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# "Related articles" and kin: dropped, and the short list lines after them too
_LIST_HEADING = (r"^((related|recommended|more|popular|read more|see also)( articles| stories| posts| news| topics)?"
                 r"|more on this (story|topic))\s*:?$")
_BOILERPLATE = [
    re.compile(p, re.I)
    for p in (
        r"^\d+\s+comments?$",
        r"^(leave|post|add|write) a (comment|reply)\b",
        r"^comments? (are|is) closed\b",
        r"\bsubscribe\b.*\b(newsletter|updates|inbox|channel)\b",
        r"^sign up\b.*\bnewsletter\b",
        r"^(share|save|share this( article| story)?|tweet|print|email)\W*$",
        # a page's navigation and furniture, as "select all, copy" from a browser gives it
        r"^(skip to (the )?(main )?(content|navigation)|accessibility links|listen to this article|sign in|log in"
        r"|menu|search|home|close|cookie (settings|policy|preferences))$",
        r"^image (source|caption)s?, ",
        r"^([-*_=]\s*){3,}$",  # a Markdown rule
        r"^(read more|see also|related|more)\s*:\s",
        _LIST_HEADING,
        r"^scroll to top$",
        r"^read (all|more) articles by\b",
        r"^more stories like this are available on\b",
        r"^(©|\(c\)|copyright\b)",
        r"^(advertisement|sponsored content)$",
        r"\bhelp us here\b|\bsupport (us|our journalism)\b.*!",
        r"^\S+(\s\S+){0,4}\s+\w+ \d{1,2}, \d{4} at \d{1,2}:\d{2}\s*(am|pm)$",
        r"^(follow us|like us) on\b",
    )
]
_LIST_HEADER = re.compile(_LIST_HEADING, re.I)
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "gov",
    "sen", "rep", "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "no", "u.s",
    "u.k", "e.g", "i.e", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "approx", "est", "dept", "fig", "mt",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    words: int


def paragraphs(text: str, start: int = 0, stop: int | None = None) -> Iterator[Span]:
    """Non-empty blank-line-separated paragraphs of `text[start:stop]`, stripped."""
    stop = len(text) if stop is None else stop
    pos = start
    for m in [*_BLANK_LINE.finditer(text, start, stop), None]:
        end = m.start() if m else stop
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            s, e = pos + lead, pos + len(chunk.rstrip())
            yield Span(s, e, len(text[s:e].split()))
        if m:
            pos = m.end()


def is_boilerplate(text: str) -> bool:
    line = " ".join(text.split())
    return len(line.split()) <= 40 and any(p.search(line) for p in _BOILERPLATE)


def _keep(text: str, paras: list[Span]) -> list[Span | None]:
    """Paragraphs with page leftovers replaced by None (a merge barrier)."""
    out: list[Span | None] = []
    in_list = False
    for p in _lines_apart(text, paras):
        body = text[p.start : p.end]
        if in_list and p.words <= 15 and not body.rstrip().endswith((".", "?", "!", "”", '"')):
            out.append(None)
            continue
        in_list = bool(_LIST_HEADER.match(body.strip())) and p.words <= 4
        out.append(None if is_boilerplate(body) else p)
    return out


def _lines_apart(text: str, paras: list[Span]) -> Iterator[Span]:
    """Paragraphs, with a multi-line one split into its lines when one of
    them is a leftover (`Share.` stuck to an author line)."""
    for p in paras:
        lines = list(_line_spans(text, p))
        if len(lines) > 1 and any(is_boilerplate(text[s.start : s.end]) for s in lines):
            yield from lines
        else:
            yield p


def _line_spans(text: str, p: Span) -> Iterator[Span]:
    pos = p.start
    for line in text[p.start : p.end].split("\n"):
        stripped = line.strip()
        if stripped:
            s = pos + line.index(stripped[0])
            yield Span(s, s + len(stripped), len(stripped.split()))
        pos += len(line) + 1


SentenceSplitter = Callable[[str], list[tuple[int, int]]]


def punkt_splitter() -> SentenceSplitter:
    """Sentence spans from NLTK Punkt without downloaded data."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer  # ~0.2 s

    params = PunktParameters()
    params.abbrev_types = set(_ABBREVIATIONS)
    tokenizer = PunktSentenceTokenizer(params)

    def split(text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for lo, hi in _chunks(text):
            spans.extend((lo + a, lo + b) for a, b in tokenizer.span_tokenize(text[lo:hi]))
        return [piece for span in spans for piece in _at_blank_lines(text, *span)]

    return split


def _at_blank_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A "sentence" cut where a paragraph ends (a headline or a line without a
    full stop runs into the next paragraph in Punkt's view)."""
    if not _BLANK_LINE.search(text, start, end):
        return [(start, end)]
    return [(p.start, p.end) for p in paragraphs(text, start, end)]


def _chunks(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """`text` in pieces of about `size` characters, cut at whitespace: Punkt's
    time per call grows faster than the text, and NLTK stops a regular
    expression after 5 s, so a multi-megabyte line would fail as a whole."""
    size = size or PUNKT_CHUNK
    bounds, lo = [], 0
    while len(text) - lo > size:
        cut = text.rfind(" ", lo + size // 2, lo + size)
        cut = lo + size if cut < 0 else cut + 1
        bounds.append((lo, cut))
        lo = cut
    bounds.append((lo, len(text)))
    return bounds


def _cut_long(text: str, p: Span, split: SentenceSplitter) -> list[Span]:
    """Cut a long paragraph into balanced runs of whole sentences."""
    sentences = [
        piece
        for s, e in split(text[p.start : p.end])
        for piece in _word_runs(text, Span(p.start + s, p.start + e, len(text[p.start + s : p.start + e].split())))
    ]
    n = math.ceil(p.words / TARGET_WORDS)
    target = p.words / n
    out: list[Span] = []
    cur: list[Span] = []
    for sent in sentences:
        cur.append(sent)
        if sum(s.words for s in cur) >= target:
            out.append(Span(cur[0].start, cur[-1].end, sum(s.words for s in cur)))
            cur = []
    if cur:
        tail = Span(cur[0].start, cur[-1].end, sum(s.words for s in cur))
        if out and tail.words < MIN_WORDS and out[-1].words + tail.words <= MAX_WORDS:
            out[-1] = Span(out[-1].start, tail.end, out[-1].words + tail.words)
        else:
            out.append(tail)
    return out


def _word_runs(text: str, sent: Span) -> list[Span]:
    """A "sentence" over MAX_WORDS (text without punctuation) cut every
    TARGET_WORDS words, so no passage grows without bound."""
    if sent.words <= MAX_WORDS:
        return [sent]
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[sent.start : sent.end])]
    return [
        Span(sent.start + bounds[i][0], sent.start + bounds[min(i + TARGET_WORDS, len(bounds)) - 1][1],
             min(TARGET_WORDS, len(bounds) - i))
        for i in range(0, len(bounds), TARGET_WORDS)
    ]


def split_passages(
    text: str, start: int = 0, split: SentenceSplitter | None = None
) -> list[Span]:
    """Passages of `text[start:]` as character spans."""
    kept = _keep(text, list(paragraphs(text, start)))
    limit = _cut_above([p.words for p in kept if p is not None])
    runs: list[list[Span]] = [[]]
    for p in kept:
        if p is None:
            runs.append([])
        elif p.words > limit:
            split = split or punkt_splitter()
            runs[-1].extend(_cut_long(text, p, split))
        else:
            runs[-1].append(p)
    return [passage for run in runs for passage in _merge_run(run)]


def _cut_above(sizes: list[int]) -> float:
    """The length over which a paragraph is cut. An article written in long
    paragraphs (an encyclopedia entry, an essay) keeps them whole unless one is
    far longer than its others: the author's paragraph is the natural answer
    unit, and cutting it splits answers from their context (SQuAD R@1 +0.011,
    benchmarks/QUALITY.md). A short article's median says little of its style,
    so there the fixed limit holds."""
    sizes = [n for n in sizes if n >= MIN_WORDS]
    if len(sizes) < MEDIAN_PARAGRAPHS:
        return MAX_WORDS
    return max(MAX_WORDS, LONG_FACTOR * statistics.median(sizes))


def _merge_run(units: list[Span]) -> list[Span]:
    """Merge adjacent units so no passage is a tiny fragment when avoidable."""
    out: list[Span] = []
    for unit in units:
        prev = out[-1] if out else None
        if prev is not None and prev.words < MIN_WORDS and prev.words + unit.words <= MAX_WORDS:
            out[-1] = Span(prev.start, unit.end, prev.words + unit.words)
        else:
            out.append(unit)
    if len(out) > 1 and out[-1].words < MIN_WORDS and out[-2].words + out[-1].words <= MAX_WORDS:
        last = out.pop()
        out[-1] = Span(out[-1].start, last.end, out[-1].words + last.words)
    return out
