"""Turning article text into display Content safely.

Article text is data, never markup: it is wrapped in `Content` objects (no
markup parsing) after control characters are made visible. Replacements are
one character for one, so hit.start/hit.end offsets stay valid.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from textual.content import Content

from kqa.safetext import clean, clean_line
from kqa.search import Hit
from kqa.wording import elapsed, one_line

MATCH_STYLE = "bold underline on $kqa-match"
"""Matched question words: bold + underline so they still show with NO_COLOR,
on an amber tint. The text keeps the colour of its row (highlighted or not),
and the tint is fitted to the theme so that colour still reads at 4.5:1 on
every row (kqa.tui.palette), where a coloured word could not."""
ANSWER_STYLE = "bold"
"""The sentence the searcher picked as the answer, in the list and the reader."""


def plain(text: str) -> Content:
    """Untrusted text as Content: no markup, no escape sequences."""
    return Content(clean(text), strip_control_codes=False)


def highlighted(text: str, spans: Iterable[tuple[int, int]], offset: int = 0) -> Content:
    """Untrusted text with the (start, end) spans (shifted by -offset) marked."""
    content = plain(text)
    for start, end in spans:
        content = content.stylize(MATCH_STYLE, start - offset, end - offset)
    return content


def snippet(
    text: str, spans: list[tuple[int, int]], limit: int, answer: tuple[int, int] | None = None
) -> tuple[str, list[tuple[int, int]], tuple[int, int] | None]:
    """At most ~`limit` chars of `text` on one line, from near the `answer`
    sentence (start, end in `text`) or else around the first match.

    Returns the window, the spans inside it and the part of the answer inside
    it (both re-based), so a long passage still shows in a few lines why it
    matched and where its answer is.
    """
    flat = text.replace("\n", " ")
    if len(flat) <= limit:
        lo, hi, prefix, window = 0, len(flat), "", flat
    else:
        first = answer[0] if answer is not None else spans[0][0] if spans else 0
        lo = max(0, min(first - limit // 8, len(flat) - limit))
        if lo > 0 and (space := flat.find(" ", lo, first)) != -1:
            lo = space + 1
        hi = min(len(flat), lo + limit)
        if hi < len(flat) and (space := flat.rfind(" ", lo, hi)) > lo:
            hi = space
        prefix = "…" if lo else ""
        window = prefix + flat[lo:hi] + ("…" if hi < len(flat) else "")
    shift = lo - len(prefix)
    inside = [(s - shift, e - shift) for s, e in spans if s >= lo and e <= hi]
    shown = None
    if answer is not None and max(answer[0], lo) < min(answer[1], hi):
        shown = (max(answer[0], lo) - shift, min(answer[1], hi) - shift)
    return window, inside, shown


def _nested(quote: str) -> str:
    """Double quotes inside the quotation as single ones, as style guides nest
    them: a passage ending in a quote would otherwise close with `.””`."""
    opening = True
    out = []
    for ch in quote:
        if ch == '"':
            ch, opening = ("‘" if opening else "’"), not opening
        out.append({"“": "‘", "”": "’"}.get(ch, ch))
    return "".join(out)


def citation(hit: Hit) -> str:
    """The passage with where it comes from (its web address, else its file), for the clipboard."""
    a = hit.article
    quote = _nested(one_line(clean(hit.text)))  # what the screen shows: no escape sequence reaches a paste
    # only what the file says: a folder or file name standing in for the outlet, or "unknown date", is no citation
    given = None if a.get("source_inferred") or a["source"] == a.get("author") else a["source"]
    source = ", ".join(f for f in (a["title"], given, hit.byline, hit.date_label if a.get("date") else None) if f)
    where = a.get("url") or hit.full_path  # the web address to cite, where known
    return f"“{quote}”\n— {one_line(clean(source))} ({clean_line(where)})"


def age(built_at: float | None, now: float | None = None) -> str:
    """How long ago an epoch time was, in one short word."""
    if not built_at:
        return "unknown"
    seconds = (now or time.time()) - built_at
    return "just now" if seconds < 60 else f"{elapsed(seconds)} ago"


def duration(seconds: float) -> str:
    if seconds < 0.001:
        return "<1 ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


