"""The words of the status line and of the no-results notice (no widgets)."""

from __future__ import annotations

from textual.content import Content

from kqa.query import quoted_phrases
from kqa.search import Filters, Hit, Searcher, no_results_hint
from kqa.tui.text import age, clean, duration, plain, shorten

QUOTED_CHARS = 120  # of the question, quoted back in the no-results notice
UNKNOWN_SHOWN = 8  # unknown words named; more would push the advice off the screen


def index_line(searcher: Searcher | None) -> str:
    """Articles, passages and index age; what is happening while opening."""
    if searcher is None:
        return "no index yet"
    m = searcher.index.manifest
    counts = m.get("counts", {})
    line = f"{counts.get('articles', '?')} articles · {counts.get('passages', '?')} passages · index built {age(m.get('built_at'))}"
    return line if any(searcher.rerank.weights()) else line + " · BM25 order (--ranking bm25)"


def answer_line(
    question: str,
    hits: list[Hit],
    known: list[str],
    unknown: list[str],
    filters: Filters,
    seconds: float,
    long: bool = False,
) -> Content:
    """`5 results in 3 ms`, or `no results: <hint>` said plainly."""
    if len(unknown) > UNKNOWN_SHOWN:
        unknown = [*unknown[:UNKNOWN_SHOWN], "…"]
    if hits:
        text = f"{len(hits)} result{'s' if len(hits) != 1 else ''} in {duration(seconds)}"
        if unknown:
            text += f" · not in the corpus: {', '.join(unknown)}"
        return plain(text)
    hint = no_results_hint(known, unknown, filters, "ctrl+l clears them", quoted_phrases(question))
    if long:
        return Content.assemble(("No results", "bold"), " for ", (clean(f"“{shorten(question, QUOTED_CHARS)}”"), "italic"), ".\n", plain(hint[0].upper() + hint[1:] + "."))
    return Content.assemble(("no results", "bold $text-warning"), plain(f": {hint}"))
