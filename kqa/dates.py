"""Partial dates (`2023`, `2023-11`, `2023-11-21`) and honest inference from text.

An article's date is often only known to the month; filters treat a partial
date as the span of days it covers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any


class _lazy:  # noqa: N801 - stands in for re.compile
    """A pattern compiled on first use: these take ~3 ms to compile, and a
    `kqa -q` that reads no date (most) should not pay for them at start-up."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args: Any) -> None:
        self._args = args
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            (), ("january", "jan"), ("february", "feb"), ("march", "mar"),
            ("april", "apr"), ("may",), ("june", "jun"), ("july", "jul"),
            ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
            ("november", "nov"), ("december", "dec"),
        ]
    )
    for name in names
}
_MONTH = r"\b(?=[jfmasond])(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = _lazy(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")
_TEXT_DATES = [
    # January 12, 2021 / Jan. 12 2021
    _lazy(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b", re.I),
    # 12 January 2021
    _lazy(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d{2})\b", re.I),
]

_SLASHED = _lazy(r"^\d{4}/\d{1,2}(?:/\d{1,2})?(?=$|[T ])")
_WEEKDAY_BEFORE = _lazy(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=\d|[a-z])", re.I)
# 21/09/2023, 09/21/2023, 21.09.2023: read only where the numbers leave one order possible
_NUMERIC = _lazy(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})")
_TIME_AFTER = _lazy(r",?\s+(?:at\s+)?\d{1,2}(?:(?:[:.]\d{2}){1,2}|\s*[ap]\.?m\b).*$", re.I)


_ISO_TIME = _lazy(
    r"[T ](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?", re.I)


def _is_time(text: str) -> bool:
    """`T14:03:00Z`, ` 14:03 +0200`: a real time of day, and nothing else."""
    m = _ISO_TIME.fullmatch(text)
    return bool(m) and int(m["h"]) <= 24 and int(m["m"]) <= 59 and int(m["s"] or 0) <= 60


def normalize_date(value: object, strict: bool = False) -> str | None:
    """Canonical `YYYY[-MM[-DD]]` for a metadata value, or None if unreadable.
    `strict` (a filter the user typed): what follows an ISO day must be a
    time, so `2021-01-12 to 2023-05-08` is refused rather than half read;
    metadata keeps the day of `2023-09-21 (updated)`."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 10_000:
        return _unix_day(value)
    text = str(value).strip()
    if not text:
        return None
    # 2023/09/21 (year first, so never ambiguous) reads as 2023-09-21
    text = _SLASHED.sub(lambda m: m.group(0).replace("/", "-"), text)
    if re.match(r"^\d{4}-\d\d-\d\d[T ]", text):
        m = _ISO.match(text[:10]) if not strict or _is_time(text[10:]) else None
    else:
        m = _ISO.match(text)
    if m:
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        return _checked(int(y), int(mo) if mo else None, int(d) if d else None)
    text = _day_only(text)
    for pattern in _TEXT_DATES:
        m = pattern.fullmatch(text.strip(" ."))
        if m:
            return _checked(int(m["year"]), MONTHS[m["month"].lower()], int(m["day"]))
    m = re.fullmatch(_MONTH + r",?\s+(?P<year>\d{4})", text, re.I)
    if m:
        return _checked(int(m["year"]), MONTHS[m["month"].lower()], None)
    m = _NUMERIC.fullmatch(text.strip())
    if m and (order := _day_month(int(m["a"]), int(m["b"]))) is not None:
        return _checked(int(m["year"]), order[1], order[0])
    return None


def _day_only(text: str) -> str:
    """"Thu, 21 Sep 2023 14:03:00 +0000" (RSS), "September 21, 2023 at 2:03 PM
    EDT": the day written, without weekday and time."""
    return _TIME_AFTER.sub("", _WEEKDAY_BEFORE.sub("", text))


def _day_month(a: int, b: int) -> tuple[int, int] | None:
    """(day, month) of `a/b/year` when only one order can be meant; None for
    `03/04/2023`, which is 3 April in Europe and March 4 in the US."""
    if a > 12 >= b or a == b:
        return a, b
    if b > 12 >= a:
        return b, a
    return None


def date_problem(value: object) -> str:
    """Why `value` is not a date normalize_date can read, in words for the user."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):  # as the JSON file wrote it
        import json

        return f"unreadable date {json.dumps(value, ensure_ascii=False, default=str)} (use YYYY, YYYY-MM or YYYY-MM-DD)"
    text = str(value).strip()
    iso = _ISO.match(_SLASHED.sub(lambda m: m.group(0).replace("/", "-"), text)[:10])
    if iso and (why := _impossible(int(iso["y"]), iso["m"] and int(iso["m"]), iso["d"] and int(iso["d"]))):
        return f"no such date {value!r}: {why}"
    day_only = _day_only(text).strip(" .")
    for pattern in _TEXT_DATES:  # Feb 30, 2023
        t = pattern.fullmatch(day_only)
        if t and (why := _impossible(int(t["year"]), MONTHS[t["month"].lower()], int(t["day"]))):
            return f"no such date {value!r}: {why}"
    m = _NUMERIC.fullmatch(day_only)
    if m and 1 <= min(int(m["a"]), int(m["b"])) and max(int(m["a"]), int(m["b"])) <= 12:
        a, b = int(m["a"]), int(m["b"])
        return (f"ambiguous date {value!r} ({a} {calendar.month_name[b]} or {calendar.month_name[a]} {b}?): "
                "write it as YYYY-MM-DD")
    order = _day_month(int(m["a"]), int(m["b"])) if m else None  # 31/02/2023: only one order, not a day
    if m and order and (why := _impossible(int(m["year"]), order[1], order[0])):
        return f"no such date {value!r}: {why}"
    return f"unreadable date {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"


def _unix_day(value: float) -> str | None:
    """A JSON number that is a Unix time, in seconds or milliseconds, as its UTC day; only
    2001-2099, so that 20230921 (a date written as a number) is not read as 1970."""
    for scale in (1, 1000):
        if 1e9 * scale <= value < 4.1e9 * scale:
            return dt.datetime.fromtimestamp(value / scale, dt.timezone.utc).strftime("%Y-%m-%d")
    return None


def _impossible(year: int, month: int | None, day: int | None) -> str | None:
    """What does not exist in a date written as numbers, or None."""
    if year < 1:
        return "there is no year 0"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}"
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"{calendar.month_name[month]} {year} has {last} days"
    return None


def _checked(year: int, month: int | None, day: int | None) -> str | None:
    """`YYYY[-MM[-DD]]`, or None where the date does not exist (_impossible)."""
    if _impossible(year, month, day):
        return None
    return "-".join([f"{year:04d}", *(f"{v:02d}" for v in (month, day) if v is not None)])


HEAD_LINES = 12  # a page's date line sits under its headline and byline
DATE_LINE_WORDS = 12  # "Published 3 March 2023, 10:00 GMT", "By Jane Doe | Mar. 3, 2023"
_DATELINE = _lazy(r"([A-Z][A-Za-z .'-]{1,40},\s*)?")  # "MOSCOW, " before a wire story's date
_BORN = _lazy(r"\b(born|birth)\b", re.I)
_SENTENCE_END = _lazy(r"[.!?][\"”’']?\s*$")  # "It opened on 3 March 2003." is the story, not a date line


def infer_date(text: str, not_after: dt.date | None = None) -> str | None:
    """The day of a date line near the top of the text (`~` shown by callers).

    Web pages and wires print the date on a short line under the headline, not
    a sentence ("Published 3 March 2023", "By Jane Doe | Mar 3, 2023"), or open the story
    with it ("MOSCOW, March 3, 2023 (Reuters) -"). A date inside the story is
    an event it reports (a birth, an anniversary, 11 September 2001), not when
    it was written: an article with only those has no inferred date. Dates
    after `not_after` (the file's save date; default today) are deadlines.
    """
    last = not_after or dt.date.today()
    found: list[dt.date] = []
    lines = [line for line in text.split("\n", 4 * HEAD_LINES)[: 4 * HEAD_LINES] if line.strip()][:HEAD_LINES]
    for line in lines:
        short = len(line.split()) <= DATE_LINE_WORDS and not _SENTENCE_END.search(line)
        for pattern in _TEXT_DATES:
            for m in pattern.finditer(line):
                before = line[: m.start()]
                if not (short or _DATELINE.fullmatch(before)) or _BORN.search(before):
                    continue
                try:
                    day = dt.date(int(m["year"]), MONTHS[m["month"].lower()], int(m["day"]))
                except ValueError:
                    continue
                if day <= last:
                    found.append(day)
    return max(found).isoformat() if found else None


def date_span(value: str) -> tuple[str, str]:
    """First and last ISO day covered by a partial date."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        iso = dt.date(*parts).isoformat()
        return iso, iso
    year = parts[0]
    if len(parts) == 2:
        last = calendar.monthrange(year, parts[1])[1]
        return f"{year:04d}-{parts[1]:02d}-01", f"{year:04d}-{parts[1]:02d}-{last:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def display_date(value: str | None, inferred: bool) -> str:
    if not value:
        return "unknown date"
    return f"~{value}" if inferred else value
