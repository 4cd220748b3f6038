"""Restrictions on a search (source, dates) and why a search came back empty.

No numpy here: a bad `--since` is reported before the index is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kqa.dates import date_problem, date_span, normalize_date
from kqa.errors import KqaError
from kqa.wording import some


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before ranking, so k hits come back when k exist."""

    source: str | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(cls, source: str | None, since: str | None, until: str | None) -> Filters:
        def day(value: str | None, flag: str) -> str | None:
            if value is None:
                return None
            norm = normalize_date(value, strict=True)
            if norm is None and re.search(r"\d\s*(?:to|until|till|[-–—]|\.\.)\s*\d{4}", value.strip()[4:]):
                raise KqaError(f"{flag}: one date, not a range ({value.strip()!r}): --since FIRST --until LAST")
            if norm is None:
                raise KqaError(f"{flag}: {date_problem(value)}")
            return norm

        first, last = day(since, "--since"), day(until, "--until")
        if first and last and date_span(first)[0] > date_span(last)[1]:
            raise KqaError(f"--since {first} is after --until {last}")
        return cls(source or None, first, last)

    def __bool__(self) -> bool:
        return any((self.source, self.since, self.until))

    def describe(self) -> str:
        parts = []
        if self.source:
            parts.append(f"source ~ {self.source!r}")
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        return ", ".join(parts)


def looked_in(stale: object) -> str:
    """Where a question's words were looked for: an index that could not be
    refreshed may lack a word the folder has by now, so not "the corpus"."""
    return "the index as it was" if stale else "the corpus"


def no_results_hint(known: list[str], unknown: list[str], filters: Filters, clear: str,
                    phrases: list[str] | None = None, place: str = "the corpus") -> str:
    """Why nothing came back, and what to try instead (`clear` says how to
    drop the filters in the caller's interface; `place`, where words were looked for)."""
    if not known and not unknown:
        quoted = ", ".join(f'"{p}"' for p in phrases or [])
        also = f" (and the quotes keep {quoted} word for word)" if quoted else ""
        return f"the question has only common words: add a name or a specific term{also}"
    if not known:
        return f"none of its words are in {place} ({some(unknown)}): check the spelling or try other words"
    missing = f" ({some(unknown)}: not in {place})" if unknown else ""
    if phrases and not filters:
        quoted = ", ".join(f'"{p}"' for p in phrases)
        return f"no passage has {quoted} word for word{missing}: try without the quotes"
    if filters:
        return f"nothing matches with the filters on ({filters.describe()}){missing}: {clear}"
    return f"try fewer or other words{missing}"
