"""Counts, times and long text put in a few words, the same in the CLI and the app.

Imports nothing heavy: `kqa info` and error paths use it before numpy loads.
"""

from __future__ import annotations


def counted(n: object, noun: str) -> str:
    """`1 article`, `2 articles` (`? articles` when the count is unknown)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word before `limit` chars with "…" (a
    long question quoted back must not push what follows off the screen)."""
    flat = " ".join(text.split())
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
