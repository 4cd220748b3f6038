"""The reading half of the app: the article beside the list or over it.

At 110 columns or more the article opens beside the list (a live preview of
the highlighted result); below that it covers the list. The rules here keep
the focus on a visible widget whichever way the article opens, closes or the
terminal is resized. KqaApp builds on this class; the searcher comes from it.
"""

from __future__ import annotations

import os
import sys

from textual import events, on
from textual.app import App
from textual.screen import Screen
from textual.widgets import OptionList

from kqa.safetext import clean
from kqa.search import Hit, Searcher
from kqa.tui.widgets import ArticleScroll, QuestionBox, Reader, ResultList

WIDE_COLUMNS = 110  # from here the article opens beside the list, not over it


class ReadingApp(App[int]):
    """Opens, follows and closes the article of the highlighted result."""

    searcher: Searcher | None
    _list_focused: bool  # the last focus the app gave was the list

    def _in_results(self) -> bool:
        """Whether the list or the article has the focus (on the main screen,
        which keeps its focus while a modal like the filter form is on top)."""
        return isinstance(self._main_screen.focused, (ResultList, ArticleScroll))

    @property
    def _main_screen(self) -> Screen:
        """The screen holding the question, list and article (not a modal on top)."""
        return self.query_one("#question").screen

    @property
    def _wide(self) -> bool:
        """Whether the list and the article fit side by side (>= 110 columns)."""
        return self._main_screen.has_class("-wide")

    @property
    def _article_covers_list(self) -> bool:
        """Below 110 columns an open article hides the list."""
        return not self._wide and bool(self.query_one("#reader").display)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Below 110 columns the article covers the list: a focused list must show.
        Focus inside a modal (the filter form, help) leaves the main screen's alone."""
        if event.widget.screen is not self._main_screen:
            return
        self._list_focused = isinstance(event.widget, ResultList)
        if self._list_focused and not self._wide and self.query_one("#reader").display:
            self._close_reader()

    def on_resize(self, event: events.Resize) -> None:
        """Narrowing with the list focused beside an article: the article
        would cover the list and take the focus with it, so it closes."""
        if event.size.width < WIDE_COLUMNS and self._list_focused and self.query_one("#reader").display:
            self._close_reader()
            self.query_one("#results", ResultList).focus()

    @on(OptionList.OptionHighlighted, "#results")
    def _highlighted(self) -> None:
        hit = self.query_one("#results", ResultList).current
        reader = self.query_one("#reader", Reader)
        if hit is not None and reader.display and reader.hit is not hit:
            self._read(hit, focus=False)

    def _read(self, hit: Hit, focus: bool, keep_view: bool = False) -> None:
        assert self.searcher is not None
        reader = self.query_one("#reader", Reader)
        try:
            body = self.searcher.article_text(hit)
        except OSError as exc:
            self.notify(f"cannot read the article: {exc}", severity="error")
            return
        terms = set(self.searcher.query_terms(hit.query))
        reader.display = True
        self.query_one("#body").add_class("-reading")
        reader.show(hit, body, self.searcher.analyzer.matches(body, terms), keep_view)
        if focus:
            reader.focus()

    def _close_reader(self) -> None:
        self.query_one("#reader").display = False
        self.query_one("#body").remove_class("-reading")
        self.refresh_bindings()  # "esc Back" goes with the article when no key closed it

    def action_toggle_reader(self) -> None:
        if self.query_one("#reader").display:
            in_article = isinstance(self.focused, ArticleScroll)
            self._close_reader()
            if in_article:  # elsewhere the focus stays put, so typing goes on
                self._focus_results_or_question()
            return
        hit = self.query_one("#results", ResultList).current
        if hit is None:
            self.notify("Ask a question first: the reading pane shows the selected result.")
            return
        # from the question box the focus stays, as a preview toggle leaves it (fzf): typing goes on,
        # and a second Ctrl+O undoes the first
        self._read(hit, focus=not isinstance(self.focused, QuestionBox))

    def action_open_address(self) -> None:
        """`o` in the article: its web address in the browser. Where no
        graphical browser can show it (over SSH, a console), the address goes
        to the clipboard instead: Python would start a text browser in this
        very terminal, over the app."""
        hit = self._selected_hit()
        url = (hit.article.get("url") or "").strip() if hit is not None else ""
        if not url.lower().startswith(("https://", "http://")):  # data, not a command: no file:, javascript:
            self.notify("This article has no web address: its file is shown under the title (ctrl+y copies both).")
            return
        if _graphical():
            self.open_url(url)
            self.notify(clean(url), title="Opening in the browser")
        else:
            self.copy_to_clipboard(url)
            self.notify(clean(url), title="No browser here: address sent to the clipboard")

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, ArticleScroll):
            if not self._wide:  # wide: the article stays as a live preview
                self._close_reader()
            self._focus_results_or_question()
        elif isinstance(focused, ResultList):
            self.query_one("#question").focus()
        elif self._article_covers_list:  # from the question: the list comes back, typing goes on
            self._close_reader()

    def action_focus_question(self) -> None:
        self.query_one("#question").focus()

    def _focus_results_or_question(self) -> None:
        results = self.query_one("#results", ResultList)
        (results if results.display else self.query_one("#question")).focus()

    def _selected_hit(self) -> Hit | None:
        """The hit open in the article, else the one highlighted in the list."""
        reader = self.query_one("#reader", Reader)
        if reader.display and reader.hit is not None:
            return reader.hit
        return self.query_one("#results", ResultList).current


def _graphical() -> bool:
    """Whether a browser window can open where the app runs."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
