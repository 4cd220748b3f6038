"""The reader's header lines, fitted to the width they get: what a citation
needs (the date above all) must not be pushed off by a long title or source."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from kqa.wording import shorten

TITLE_LINES = 2
SOURCE_MIN = 12  # cells a source keeps however narrow the screen (then the date is cut instead)
SEPARATOR = " · "


class _Fitted(Widget):
    """Text (in parts) and the style to draw it in, fitted to the width when rendered."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._parts: tuple[str, ...] = ("",)
        self._style = ""

    def set(self, *parts: str, style: str) -> None:
        self._parts = parts
        self._style = style
        self.refresh(layout=True)

    @property
    def _text(self) -> str:
        return self._parts[0]


class ClampedTitle(_Fitted):
    """A title wrapped to at most TITLE_LINES lines, the last ending in "…"
    when words were left out (a height cap alone cuts without a sign)."""

    DEFAULT_CSS = "ClampedTitle { height: auto; }"

    def render(self) -> Content:
        width = self.content_size.width
        lines = [line.plain.rstrip() for line in Content(self._text).wrap(max(2, width))]
        if len(lines) <= TITLE_LINES:
            return Content.styled(self._text, self._style)
        last = lines[TITLE_LINES - 1]
        while last and cell_len(last) > width - 1:  # room for the "…", at a word where one is
            last = last.rsplit(" ", 1)[0] if " " in last.strip() else last[:-1]
        return Content.styled("\n".join([*lines[: TITLE_LINES - 1], last.rstrip() + "…"]), self._style)


class FactsLine(_Fitted):
    """source · date · byline on one line (`set(source, date, byline, style=)`):
    the source is shortened so the date and byline show; on a very narrow
    screen the byline, last, is cut."""

    DEFAULT_CSS = "FactsLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"

    def render(self) -> Content:
        source, date, byline = (*self._parts, "", "")[:3]
        rest = "".join(SEPARATOR + part for part in (date, byline) if part)
        source = _fit(source, max(SOURCE_MIN, self.content_size.width - cell_len(rest)))
        text = SEPARATOR.join(part for part in (source, date, byline) if part)
        return Content.styled(text, self._style)


class HeadLine(_Fitted):
    """title · source · date on one line, for short terminals (`set(title,
    facts, style=)`, `facts_style`): the title is shortened so the source and
    date show; cut from the right, they went first."""

    DEFAULT_CSS = "HeadLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"
    facts_style = ""

    def render(self) -> Content:
        title, facts = (*self._parts, "")[:2]
        rest = SEPARATOR + facts if facts else ""
        title = _fit(title, max(SOURCE_MIN, self.content_size.width - cell_len(rest)))
        return Content.assemble((title, self._style), (rest, self.facts_style))


def _fit(text: str, room: int) -> str:
    """`text` shortened at a word, with "…", to take at most `room` cells."""
    limit = room - 1  # shorten's limit leaves out the "…" it may add
    while cell_len(shortened := shorten(text, limit)) > room and limit > 1:  # wide characters take 2 cells
        limit -= 1
    return shortened


class PathLine(_Fitted):
    """A file path on one line, cut at its start ("…/sources/a.txt") when too
    long: the file name is what identifies the article; the corpus folder is
    in the question box's border already."""

    DEFAULT_CSS = "PathLine { height: 1; }"

    def render(self) -> Content:
        width, path = self.content_size.width, self._text
        if width > 1 and cell_len(path) > width:
            while path and cell_len(path) > width - 1:
                path = path[1:]
            path = "…" + path
        return Content.styled(path, self._style)
