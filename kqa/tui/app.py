"""KqaApp: ask, read, filter, copy, over one Searcher.

The app is handed a searcher, or an opener that builds/refreshes the index;
opening and searching run in thread workers that only post messages, so the
screen never freezes. Stale searches are dropped by a sequence number. How
the article opens beside or over the list lives in kqa.tui.reading.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from kqa.filters import Filters
from kqa.search import Hit, Searcher
from kqa.tui.footer import KeyFooter
from kqa.tui.history import History
from kqa.tui.indexing import IndexPanel, Opener
from kqa.tui.palette import app_colors
from kqa.tui.reading import WIDE_COLUMNS, ReadingApp
from kqa.tui.screens import FilterChoice, FilterScreen, HelpScreen
from kqa.tui.settings import Settings
from kqa.tui.status import answer_line, status_line
from kqa.tui.terminal import job_control, tmux_buffer
from kqa.tui.text import citation, plain
from kqa.tui.widgets import ArticleScroll, FilterBar, QuestionBox, Reader, ResultList, Spans
from kqa.wording import counted

DEBOUNCE = 0.25  # seconds of typing pause before a question runs
WELCOME = "Type a question: results follow as you type. Enter goes to the results, F1 shows every key."
NO_INDEX = "Nothing can be searched yet: the index could not be opened (the message above says why). Fix that, then press Ctrl+R to try again."


class KqaApp(ReadingApp, inherit_bindings=False):
    """The `kqa` interactive app."""

    CSS_PATH = "kqa.tcss"
    TITLE = "kqa"
    STATUS_TICK: ClassVar[float] = 60.0  # seconds: the status line's "index built 2 h ago" stays true while idle
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (20, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "filters", "Filters", id="filters", priority=True),
        Binding("ctrl+l", "clear_filters", "Clear", id="clear_filters", priority=True),
        Binding("ctrl+y", "copy_passage", "Copy", id="copy", priority=True),
        Binding("ctrl+o", "toggle_reader", "Reader", id="toggle_reader", priority=True),
        Binding("ctrl+r", "reindex", "Reindex", id="reindex", show=False, priority=True),
        Binding("f1", "help", "Help", id="help", priority=True),
        Binding("question_mark", "help", "Help", id="help.question_mark", show=False),
        Binding("slash", "focus_question", "Ask", id="focus_question", show=False),
        Binding("escape", "back", "Back", id="back"),
        # Textual's own quit keys, restated so Quit shows last in the footer (new users look for the way out)
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("ctrl+z", "suspend_process", show=False, id="suspend", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    @dataclass
    class Answered(Message):
        """A search finished (posted by the search worker)."""

        seq: int
        question: str
        hits: list[Hit]
        spans: list[Spans]
        unknown: list[str]
        known: list[str]
        seconds: float
        corrections: dict[str, str]

    def __init__(
        self,
        searcher: Searcher | None = None,
        *,
        opener: Opener | None = None,
        history: History | None = None,
        settings: Settings | None = None,
        filters: Filters | None = None,
        top: int = 5,
        corpus_name: str = "",
        changed: Callable[[Searcher], bool] | None = None,
    ) -> None:
        super().__init__()
        if searcher is None and opener is None:
            raise ValueError("KqaApp needs a searcher or an opener")
        self.searcher = searcher
        self.opener = opener
        self.changed = changed  # whether the folder changed since the searcher's index was built
        self.history = history or History(None)
        self.settings = settings or Settings(None)
        theme = self.settings.get("theme")
        if theme is not None and theme in self.available_themes:  # an unknown name is ignored
            self.theme = theme
        self.filters = filters or Filters()
        self.top = self.default_top = top
        self.corpus_name = corpus_name
        self._seq = 0
        self._focus_results_for = -1
        self._keep: tuple[int, Hit] | None = None  # (seq, passage): select it again in that answer
        self._timer: Timer | None = None
        self._answer: KqaApp.Answered | None = None
        self._status_extra: str | None = None  # what _show_status was last given
        self.debounce = DEBOUNCE
        self._reindex_asked = False
        self._refocus_results = False  # the list had the focus when it vanished
        self._list_focused = False  # the last focus the app gave was the list
        self._index_failed = False  # the last open/refresh failed: only ctrl+r brings it back
        # (on suspend, on resume): kqa.tui.launch's signal handlers step aside while Ctrl+Z has the app stopped
        self.while_suspended: tuple[Callable[[], None], Callable[[], None]] | None = None

    # --- layout -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        question = QuestionBox(self.history, placeholder="Ask a question about the news…", id="question")
        question.border_title = "kqa"
        question.border_subtitle = self.corpus_name
        yield question
        yield FilterBar(id="filters")
        yield IndexPanel(id="indexing")
        with Horizontal(id="body"):
            with Vertical(id="results-pane"):
                yield Static(WELCOME, id="notice")
                yield ResultList(id="results")
            yield Reader(id="reader")
        yield Static(id="status")
        yield KeyFooter()  # every key, Quit included, fits in 80 columns; narrower, Quit and Help stay

    def on_mount(self) -> None:
        self.app_resume_signal.subscribe(self, lambda _app: self._repaint_all(), immediate=True)
        if self.while_suspended is not None:
            suspended, resumed = self.while_suspended
            self.app_suspend_signal.subscribe(self, lambda _app: suspended(), immediate=True)
            self.app_resume_signal.subscribe(self, lambda _app: resumed(), immediate=True)
        self.query_one("#results").display = False
        self.query_one("#reader").display = False
        self._show_filters()
        if self.history.problem:
            self.notify(f"{self.history.problem}; questions are not saved this session", severity="warning")
        if self.searcher is None:
            self._reindex(rebuild=False)
        else:
            self.query_one("#indexing").display = False
        self._show_status()
        self.set_interval(self.STATUS_TICK, lambda: self._show_status(self._status_extra))
        self.query_one("#question").focus()

    # --- asking -----------------------------------------------------------

    @on(Input.Changed, "#question")
    def _typed(self) -> None:
        self._refocus_results = False  # the user is busy with the question now
        self._focus_results_for = -1  # ... so an earlier enter no longer moves the focus
        if self._timer is not None:
            self._timer.stop()
        if self.debounce <= 0:  # search on every keystroke
            self.ask()
        else:
            self._timer = self.set_timer(self.debounce, self.ask)

    @on(Input.Submitted, "#question")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.ask(focus_results=True)
        self._remember(self.query_one("#question", Input).value)
        if self.changed is not None and self.searcher is not None and not self._stale():
            self._check_folder(self.searcher)

    @work(thread=True, exclusive=True, group="check")
    def _check_folder(self, searcher: Searcher) -> None:
        """As `kqa -q` does at each question: a file added or edited while the app is
        open is found (it was "not in the corpus" until Ctrl+R). A scan: ~0.1 s at 2,000 files."""
        assert self.changed is not None
        try:
            changed = self.changed(searcher)
        except OSError:
            return  # the folder is gone or unreadable: the next refresh says so
        if changed:
            self.call_from_thread(self._refresh_now)

    def _refresh_now(self) -> None:
        if self.opener is not None and not self.query_one(IndexPanel).busy:
            self._reindex(rebuild=False)  # the answer is asked again when it is ready

    def ask(self, focus_results: bool = False, keep: Hit | None = None) -> None:
        """Run the question in the box with the current filters; `keep`: the
        passage to select again (and keep open) if the answer still has it."""
        question = self.query_one("#question", Input).value.strip()
        self._seq += 1
        if focus_results:
            self._focus_results_for = self._seq
        self._keep = (self._seq, keep) if keep is not None else None
        if not question:
            self._answer = None
            self._show_results([], [])
            self._notice(self._welcome)
            self._show_status()
            return
        if self.searcher is None:
            self._show_status(None if self._index_failed else "the question runs as soon as the index is ready")
            return
        self._search(self.searcher, self._seq, question, self.top, self.filters)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, searcher: Searcher, seq: int, question: str, top: int, filters: Filters) -> None:
        started = time.perf_counter()
        try:
            hits = searcher.search(question, top, filters)
        except OSError as exc:  # the index vanished under us: say so, keep the app
            self.call_from_thread(self.notify, f"Search failed: {exc}. Ctrl+R rebuilds the index.",
                                  severity="error")
            return
        known, unknown = searcher.known_terms(question)
        corrections = searcher.corrections(question)
        terms = set(known)
        spans = [searcher.analyzer.matches(h.text, terms) for h in hits]
        seconds = time.perf_counter() - started
        if not get_current_worker().is_cancelled:
            self.post_message(self.Answered(seq, question, hits, spans, unknown, known, seconds, corrections))

    def on_kqa_app_answered(self, answer: Answered) -> None:
        if answer.seq != self._seq:
            return  # a newer question is on its way
        self._answer = answer
        self._show_results(answer.hits, answer.spans)
        self._show_status()
        results = self.query_one("#results", ResultList)
        kept = self._keep is not None and self._keep[0] == answer.seq and results.select(self._keep[1])
        wanted = self._focus_results_for == answer.seq or self._refocus_results
        self._focus_results_for = -1  # an enter counts once: a later refresh must not move the focus
        if answer.hits and wanted:
            self._refocus_results = False
            results.focus()
        reader = self.query_one("#reader", Reader)
        if reader.display and not self._wide and not kept:  # narrow: the article covers the list, show the new list
            in_article = isinstance(self._main_screen.focused, ArticleScroll)  # even under a modal
            self._close_reader()
            if in_article:
                self._focus_results_or_question()
        elif reader.display and results.current is not None:
            self._read(results.current, focus=False, keep_view=kept)

    def _show_results(self, hits: list[Hit], spans: list[Spans]) -> None:
        """Fill the list; when it (or the article) goes away with the focus in
        it, the focus moves to the question so keys never go to a hidden widget."""
        results = self.query_one("#results", ResultList)
        was_in_results = self._in_results()
        results.show(hits, spans)
        results.display = bool(hits)
        if hits:
            self._notice(None)
        elif self._answer is not None:
            a = self._answer
            self._notice(answer_line(a.question, [], a.known, a.unknown, self.filters, 0.0, long=True,
                                     corrections=a.corrections, stale=self._stale()))
        if not hits and self.query_one("#reader").display:
            self._close_reader()
        if not hits and was_in_results:
            self._refocus_results = True
            self.query_one("#question").focus()

    @property
    def _welcome(self) -> str:
        """What the empty screen says: how to ask, or why asking cannot work yet."""
        return NO_INDEX if self.searcher is None and self._index_failed else WELCOME

    def _notice(self, text: str | Content | None) -> None:
        notice = self.query_one("#notice", Static)
        notice.display = text is not None
        if text is not None:
            notice.update(text)

    def _remember(self, question: str) -> None:
        try:
            self.history.add(question)
        except OSError as exc:
            self.notify(f"cannot save the question history: {exc.strerror or exc}", severity="warning")

    # --- reading (opening, closing and the focus rules: ReadingApp) ----

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        results = self.query_one("#results", ResultList)
        if results.current is not None:
            self._read(results.current, focus=True)
            self._remember(self.query_one("#question", Input).value)

    def action_copy_passage(self) -> None:
        hit = self._selected_hit()
        if hit is None:
            self.notify("Nothing to copy yet: ask a question and pick a result.")
            return
        text = citation(hit)
        self.copy_to_clipboard(text)  # an OSC 52 sequence: the terminal may or may not honour it
        self._remember(hit.query)
        where = "tmux's buffer and the terminal's clipboard" if tmux_buffer(text) else "the terminal's clipboard"
        self.notify(f"Sent passage {hit.rank} with its title, source and date to {where}.", title="Copied")

    # --- filters ----------------------------------------------------------

    def action_filters(self) -> None:
        self.push_screen(FilterScreen(self.filters, self.top), self._filters_chosen)

    def _filters_chosen(self, choice: FilterChoice | None) -> None:
        if choice is not None:
            self.set_filters(choice.filters, choice.top)

    def set_filters(self, filters: Filters, top: int | None = None) -> None:
        """Apply filters (and the result count) and re-run the question."""
        self.filters = filters
        self.top = top or self.top
        self._show_filters()
        self.ask()
        self.refresh_bindings()

    def action_clear_filters(self) -> None:
        if self._filtered:
            self.set_filters(Filters(), self.default_top)
            self.notify("Filters cleared.")
        else:  # from the palette, where the command is always listed
            self.notify("No filters are set.")

    @property
    def _filtered(self) -> bool:
        return bool(self.filters) or self.top != self.default_top

    def _show_filters(self) -> None:
        self.query_one("#filters").display = self._filtered
        parts = [self.filters.describe()] if self.filters else []
        if self.top != self.default_top:
            parts.append(f"up to {self.top} results")  # a limit: the status line says how many came back
        if parts:
            self.query_one(FilterBar).show(Content.assemble(("Filters: ", "bold"), plain(", ".join(parts))))

    # --- index ------------------------------------------------------------

    def action_reindex(self, rebuild: bool = False) -> None:
        if self.opener is None:
            self.notify("This app was given a fixed index; reindexing is not available.", severity="warning")
            return
        if self.query_one(IndexPanel).busy:
            self.notify("The index is being opened or built: it will match the corpus folder when that ends.")
            return
        self._reindex(rebuild, asked=True)

    def _reindex(self, rebuild: bool, asked: bool = False) -> None:
        assert self.opener is not None
        self._reindex_asked = asked
        self._index_failed = False
        self.query_one(IndexPanel).start(self.opener, rebuild)

    def on_index_panel_ready(self, message: IndexPanel.Ready) -> None:
        refreshed = self.searcher is not None  # else the first open: a question typed meanwhile runs now
        self.searcher = message.searcher
        self._index_failed = False
        report = message.report
        if report is not None:
            counts = message.searcher.index.manifest["counts"]
            skipped = f", {counted(len(report.skipped), 'file')} skipped" if report.skipped else ""
            what = f"{counted(counts['articles'], 'article')}, {counted(counts['passages'], 'passage')}"
            if report.files_reused:  # a refresh: say what was re-read, not the whole corpus as if indexed anew
                read = f"{counted(report.files_read, 'file')} read, {report.files_reused} kept"
                self.notify(f"Index updated: {read} in {report.seconds:.1f} s{skipped} ({what}).", title="Index ready")
            else:
                self.notify(f"Indexed {what} in {report.seconds:.1f} s{skipped}.", title="Index ready")
        elif self._reindex_asked and not self._stale():  # else the warning said it could not be written
            self.notify("The index is up to date with the corpus folder.")
        self._show_status()
        self.refresh_bindings()
        if not refreshed:
            self._notice(WELCOME)  # after a failed first open, the retry worked
        if refreshed and report is None:
            return  # nothing changed: the list and the article stay as they are
        if self.query_one("#question", Input).value.strip():
            # an enter pressed while indexing goes to the results; a refresh keeps the passage being read
            self.ask(focus_results=self._focus_results_for == self._seq, keep=self._selected_hit() if refreshed else None)

    def _stale(self) -> str | None:
        """Why the index answering lacks the folder's latest changes, if it does."""
        return self.searcher.index.stale if self.searcher is not None else None

    def on_index_panel_failed(self, message: IndexPanel.Failed) -> None:
        self._index_failed = True
        self._show_status()
        if self.searcher is None:
            self._notice(NO_INDEX)

    # --- status, help, commands ------------------------------------------

    def _show_status(self, extra: str | None = None) -> None:
        self._status_extra = extra  # the minute timer shows it again with the index's new age
        answer: str | Content | None = extra
        if self._answer is not None and extra is None:
            a = self._answer
            answer = answer_line(a.question, a.hits, a.known, a.unknown, self.filters, a.seconds,
                                 corrections=a.corrections, stale=self._stale())
        self.query_one("#status", Static).update(status_line(self.searcher, self._index_failed, answer))

    def get_css_variables(self) -> dict[str, str]:
        """Textual's theme variables plus the app's own colours ($kqa-*),
        fitted to each theme so they read at 4.5:1 (Textual calls this again
        whenever the theme changes)."""
        variables = super().get_css_variables()
        variables.update(app_colors(variables))  # the same dict as self.theme_variables
        return variables

    def watch_theme(self, theme: str) -> None:
        """Remember the theme, however it was chosen (the command palette, mostly)."""
        if theme == self.settings.get("theme"):
            return
        try:
            self.settings.set("theme", theme)
        except OSError as exc:
            self.notify(f"cannot save the theme: {exc.strerror or exc}", severity="warning")

    def action_suspend_process(self) -> None:
        """Ctrl+Z: back to the shell, `fg` returns (Textual restores the
        terminal and redraws). Only from a shell with job control: with no
        one to resume it (`tmux new kqa`, a script), a stopped app would
        hang its terminal, so it says so instead."""
        if job_control():
            super().action_suspend_process()
        else:
            self.notify("Ctrl+Z suspends kqa only when a shell with job control started it.",
                        severity="warning")

    def _repaint_all(self) -> None:
        """After `fg` the terminal shows the shell's screen, but Textual 8.2
        redraws only what changed since the suspend (Textualize/textual#6298):
        every screen in the stack is repainted whole."""
        for screen in self.screen_stack:
            screen.refresh()

    def action_help(self) -> None:
        """F1 toggles the help (the app's F1 has priority over the screen's)."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())

    def _save_screenshot(self) -> None:
        from platformdirs import user_downloads_dir

        downloads = Path(user_downloads_dir())
        self.deliver_screenshot(path=str(downloads if downloads.is_dir() else Path.cwd()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that would do nothing now (and app keys under a modal)."""
        if action in {"help", "command_palette"} and any(isinstance(s, CommandPalette) for s in self.screen_stack):
            return False  # F1 over the palette, then Ctrl+P, stacked a second palette: Textual crashed
        if action in {"filters", "clear_filters", "copy_passage", "toggle_reader", "reindex", "back"} and self.screen.is_modal:
            return False  # back: escape closes the modal
        if action == "back":
            return isinstance(self.focused, (ArticleScroll, ResultList)) or self._article_covers_list
        if action == "clear_filters":
            return self._filtered
        return True  # copy and reader keys stay live without a result: they say what to do first

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # it docks a panel Escape does not close, squeezing the app; F1 is the keys
                continue
            if command.title == "Screenshot":  # Textual's fails when ~/Downloads is missing (most servers)
                command = command._replace(help=f"{command.help} (in ~/Downloads, else the current folder)",
                                           callback=lambda: self.set_timer(0.1, self._save_screenshot))
            yield command
        if screen.is_modal:  # the filter form, the help: their keys rest, so do these commands
            return
        yield SystemCommand("Reindex", "Refresh the index from the corpus folder (ctrl+r)", self.action_reindex)
        yield SystemCommand("Rebuild index", "Rebuild the whole index from scratch", lambda: self.action_reindex(rebuild=True))
        yield SystemCommand("Filters", "Source, dates and number of results (ctrl+f)", self.action_filters)
        yield SystemCommand("Clear filters", "Drop the source and date filters (ctrl+l)", self.action_clear_filters)
        yield SystemCommand("Copy passage", "Copy the passage with title, source and date (ctrl+y)", self.action_copy_passage)
        yield SystemCommand("Toggle reading pane", "Show or hide the whole article (ctrl+o)", self.action_toggle_reader)
        yield SystemCommand("Help", "Every key on one page (f1)", self.action_help)
