"""Modal screens: the key help and the filter form. Each dismisses a result."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from kqa.errors import KqaError
from kqa.filters import Filters
from kqa.tui.footer import KeyFooter
from kqa.tui.widgets import OneLineInput

MAX_TOP = 200  # results the filter form takes (unless kqa -k started the app with more)

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Asking", [
        ("type", "results follow as you type"),
        ("enter", "run now and go to the results"),
        ("up / down", "earlier questions (in the question box); down: to the results"),
        ("tab / shift+tab", "move between question, results and article"),
        ("/", "back to the question box"),
    ]),
    ("Results and article", [
        ("up / down", "move through results (up from the first: the question)"),
        ("j / k", "scroll the article"),
        ("pgup / pgdn", "a page at a time"),
        ("home / end", "the first / last result; the article's top / end"),
        ("space / b", "page down / up in the article"),
        ("g / G, q", "the article's top / end, close it (as in less)"),
        ("n / N", "the article's next / previous matched word"),
        ("o", "open the article's web address (no browser: copy it)"),
        ("enter / click", "read the whole article at the passage"),
        ("escape", "back: article → results → question"),
        ("ctrl+o", "show / hide the reading pane"),
        ("letters, paste", "on the results: go on the question as a new word (refine it)"),
    ]),
    ("Everywhere", [
        ("ctrl+f", "filters: source, dates, number of results"),
        ("ctrl+l", "clear the filters"),
        ("ctrl+y", "copy the passage with title, source and date"),
        ("ctrl+r", "refresh the index from the corpus folder"),
        ("ctrl+p", "command palette (reindex, theme, ...)"),
        ("f1", "this help (? too, outside the question box)"),
        ("ctrl+z", "suspend to the shell (fg brings kqa back)"),
        ("ctrl+q", "quit"),
    ]),
]
"""Every key, by where it works: (section, [(key, what it does)])."""


class HelpScreen(ModalScreen[None]):
    """Every key on one page; any of escape, ?, f1 or q closes it.

    The page scrolls (arrows, page keys, home/end) and the descriptions wrap,
    so every key is reachable on a small terminal.
    """

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", id="help.close"),
        Binding("ctrl+q", "app.quit", "Quit", id="help.quit"),  # the app's key: restated for the footer
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "kqa keys"
            box.border_subtitle = "escape closes"
            for section, keys in KEYS:
                yield Static(section, classes="help-section")
                for key, what in keys:
                    with Horizontal(classes="help-row"):
                        yield Static(key, classes="help-key", markup=False)
                        yield Static(what, classes="help-what", markup=False)
        yield KeyFooter()  # its own keys, not the main screen's (whose escape goes back)


@dataclass(frozen=True)
class FilterChoice:
    """What the filter form returns: the filters and the number of results."""

    filters: Filters
    top: int


class _Fields(VerticalScroll, can_focus=False):
    """The filter form's fields; when their rows change (a resize, an error
    shown below them) the focused field is scrolled back into view."""

    def on_resize(self) -> None:
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            focused.scroll_visible(animate=False)


class FilterScreen(ModalScreen[FilterChoice | None]):
    """Source, date range and result count; enter applies, escape cancels.

    A bad date is shown under the form (Filters.parse raises KqaError) and the
    form stays open, so a typo never loses the rest of what was typed.
    """

    VERTICAL_BREAKPOINTS = [(0, "-cramped"), (16, "-roomy")]  # the spaced-out form needs 16 rows (kqa.tcss)
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filters.cancel"),
        Binding("f1", "app.help", "Help", id="filters.help"),  # the app's keys: restated for the footer
        Binding("ctrl+q", "app.quit", "Quit", id="filters.quit"),
    ]

    def __init__(self, filters: Filters, top: int) -> None:
        super().__init__()
        self.filters = filters
        self.top = top

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical(id="filter-box") as box:
            box.border_title = "Filters"
            box.border_subtitle = "enter applies · escape cancels"
            # The fields scroll inside the outline on a terminal too short for all of
            # them (Textual brings the focused one into view); the error stays below.
            with _Fields(id="filter-fields"), Grid(id="filter-grid"):
                yield Label("Source contains")
                yield OneLineInput(f.source or "", placeholder="e.g. Reuters", id="f-source", compact=True)
                yield Label("Since")
                yield OneLineInput(f.since or "", placeholder="YYYY, YYYY-MM or YYYY-MM-DD", id="f-since", compact=True)
                yield Label("Until")
                yield OneLineInput(f.until or "", placeholder="YYYY, YYYY-MM or YYYY-MM-DD", id="f-until", compact=True)
                yield Label("Results")
                yield Input(str(self.top), type="integer", id="f-top", compact=True)
            yield Label("", id="filter-error")
        yield KeyFooter()  # its own keys, not the main screen's (whose escape goes back)

    def _value(self, selector: str) -> str | None:
        return self.query_one(selector, Input).value.strip() or None

    @on(Input.Submitted)
    def apply(self) -> None:
        error = self.query_one("#filter-error", Label)
        try:
            filters = Filters.parse(self._value("#f-source"), self._value("#f-since"), self._value("#f-until"))
            typed = self._value("#f-top") or str(self.top)
            top = int(typed) if typed.lstrip("+-").isdigit() else 0  # a lone "-" is an integer's start
            most = max(MAX_TOP, self.top)  # what kqa -k started it with stays allowed
            if not 1 <= top <= most:
                raise KqaError(f"results: choose between 1 and {most}")
        except KqaError as exc:
            message = str(exc).replace("--", "")
            error.update(message)
            error.display = True  # it takes rows from the fields: _Fields keeps the focused one in view
            field = next((f for name, f in (("since", "#f-since"), ("until", "#f-until"), ("results", "#f-top"))
                          if message.startswith(name)), None)
            if field is not None:
                self.query_one(field).focus()  # the field at fault, where the fix is typed
            return
        self.dismiss(FilterChoice(filters, top))

    def action_cancel(self) -> None:
        self.dismiss(None)
