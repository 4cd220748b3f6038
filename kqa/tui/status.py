"""The words of the status line and of the no-results notice (no widgets)."""

from __future__ import annotations

from textual.content import Content

from kqa.filters import Filters, looked_in, no_results_hint
from kqa.query import quoted_phrases
from kqa.search import Hit, Searcher
from kqa.tui.text import age, clean, duration, plain
from kqa.wording import counted, shorten, some

QUOTED_CHARS = 120  # of the question, quoted back in the no-results notice


def status_line(searcher: Searcher | None, index_failed: bool, answer: str | Content | None) -> Content:
    """The answer first, then the index: a narrow terminal cuts the index
    facts, not the result count or the no-results hint."""
    index = index_line(searcher)
    if index_failed:  # the panel above says why
        index = "index failed: ctrl+r retries" if searcher is None else f"{index} · refresh failed: ctrl+r retries"
    parts = [answer, index] if answer else [index]
    return Content(" │ ").join(Content(p) if isinstance(p, str) else p for p in parts)


def index_line(searcher: Searcher | None) -> str:
    """Articles, passages and index age; what is happening while opening."""
    if searcher is None:
        return "opening or building the index…"
    m = searcher.index.manifest
    counts = m.get("counts", {})
    articles, passages = counted(counts.get("articles", "?"), "article"), counted(counts.get("passages", "?"), "passage")
    line = f"{articles} · {passages} · index built {age(m.get('built_at'))}"
    if searcher.index.stale:  # the folder changed and the refresh could not be written
        line += " · out of date: ctrl+r retries"
    return line if any(searcher.rerank.weights()) else line + " · BM25 order (--ranking bm25)"


def answer_line(
    question: str,
    hits: list[Hit],
    known: list[str],
    unknown: list[str],
    filters: Filters,
    seconds: float,
    long: bool = False,
    corrections: dict[str, str] | None = None,
    stale: str | None = None,
) -> Content:
    """`5 results in 3 ms`, or `no results: <hint>` said plainly; either way
    the words searched under another spelling, since the user did not type them.
    `stale`: why the index lacks the folder's latest changes (a word "not in
    the corpus" may be in a file changed since)."""
    fixed = corrected(corrections or {})
    place = looked_in(stale)
    if hits:
        count = counted(len(hits), "result")
        # the respelled words before the timing: a narrow status line cuts its end
        text = f"{count} · {fixed} · in {duration(seconds)}" if fixed else f"{count} in {duration(seconds)}"
        if unknown:
            text += f" · not in {place}: {some(unknown)}"
        return plain(text)
    hint = no_results_hint(known, unknown, filters, "ctrl+l clears them", quoted_phrases(question), place)
    if long:
        also = plain(f"\n{fixed[0].upper()}{fixed[1:]}.") if fixed else ""
        old = plain(f"\nThe index is out of date ({stale}): the folder's latest changes are not searched.") if stale else ""
        return Content.assemble(("No results", "bold"), " for ", (clean(f"“{shorten(question, QUOTED_CHARS)}”"), "italic"), ".\n", plain(hint[0].upper() + hint[1:] + "."), also, old)
    if stale:
        hint += " (the index is out of date)"
    return Content.assemble(("no results", "bold $kqa-status-warning"), plain(f": {hint}" + (f" · {fixed}" if fixed else "")))


def corrected(corrections: dict[str, str]) -> str:
    """`searched for 'pashinyan' (not 'pashinian')`, or "" when nothing was respelled."""
    if not corrections:
        return ""
    return "searched for " + ", ".join(f"'{right}' (not '{wrong}')" for wrong, right in corrections.items())
