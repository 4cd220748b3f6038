"""Counts, times and long text put in a few words, the same in the CLI and the app.

Imports nothing heavy: `kqa info` and error paths use it before numpy loads.
"""

from __future__ import annotations


def counted(n: object, noun: str) -> str:
    """`1 article`, `2 articles` (`? articles` when the count is unknown)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def one_line(text: str) -> str:
    """Runs of whitespace, newlines included, as one space."""
    return " ".join(text.split())


LISTED_WORDS = 8  # words named in a one-line message; a pasted page of them would push the rest off


def some(words: list[str]) -> str:
    """`a, b, c`, or the first LISTED_WORDS and `and 4 more`."""
    more = len(words) - LISTED_WORDS
    return ", ".join(words[:LISTED_WORDS]) + (f" and {more:,} more" if more > 0 else "")


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word before `limit` chars with "…" (a
    long question quoted back must not push what follows off the screen)."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + "…"


def elapsed(seconds: float) -> str:
    """A time span in its largest whole unit: `3 d`, `5 h`, `12 min`, `40 s`."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"
