"""The app's own widgets: question box, result list, reading pane.

They only display what they are given; searching and indexing live in the app.
All article text goes through kqa.tui.text (Content, never markup).
"""

from __future__ import annotations

import bisect

from textual import events
from textual.binding import Binding
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kqa.search import Hit
from kqa.tui.header import ClampedTitle, FactsLine, HeadLine, PathLine
from kqa.tui.history import History
from kqa.tui.text import ANSWER_STYLE, clean, highlighted, plain, snippet
from kqa.wording import shorten

Spans = list[tuple[int, int]]
SNIPPET_CHARS = 230  # about three lines at 80 columns
TITLE_CHARS = 120  # about two lines at 80 columns: a scraped lede in `title:` must not fill the list


class OneLineInput(Input):
    """An input that takes a pasted block of lines as one line, joined with
    spaces (Input's own paste keeps only the first line: a source name copied
    from a two-line byline was cut without a sign)."""

    def _on_paste(self, event: events.Paste) -> None:
        event.text = " ".join(line.strip() for line in event.text.splitlines() if line.strip())

    def action_paste(self) -> None:
        """Ctrl+V: Textual pastes its own clipboard, which holds only kqa's last
        Ctrl+Y citation (a terminal app cannot read the system's); the
        terminal's paste key brings the system clipboard, as a bracketed paste."""
        self.notify("Paste with your terminal's paste key (often Ctrl+Shift+V or Cmd+V).", timeout=4)


class QuestionBox(OneLineInput):
    """The question; Up/Down walk the questions asked before.

    Coming back to it (escape, /, tab) keeps the cursor where it was (at the
    end after typing) instead of selecting it all, so the next key extends
    the question rather than wiping it, as in fzf or lazygit.
    """

    BINDINGS = [
        Binding("up", "older", "Older question", show=False, id="history.older"),
        Binding("down", "newer", "Newer question", show=False, id="history.newer"),
    ]

    def __init__(self, history: History, **kwargs: object) -> None:
        super().__init__(select_on_focus=False, **kwargs)  # type: ignore[arg-type]
        self.history = history
        self._recalling = False

    def action_older(self) -> None:
        self._recall(self.history.older(self.value))

    def action_newer(self) -> None:
        """The next question asked; past the newest, or when not walking the
        history, down into the results, as in fzf or an address bar."""
        walking = self.history.walking
        self._recall(self.history.newer())
        if not walking:
            results = self.app.query(ResultList)
            if results and results.first().hits:
                results.first().focus()

    def _recall(self, question: str | None) -> None:
        if question is not None:
            self._recalling = True
            try:
                self.value = question
            finally:
                self._recalling = False
            self.cursor_position = len(question)

    def watch_value(self) -> None:
        """An edit (not a recall) starts a new draft, as in zsh or fzf: Up
        starts again from the newest question and Down keeps the edit."""
        if not self._recalling:
            self.history.reset()


class FilterBar(Horizontal):
    """The filters in force, then their keys: below 110 columns the footer
    has the keys, and wider the keys show only when they fit whole."""

    KEYS = "ctrl+l clears · ctrl+f edits"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._what = Content()

    def compose(self) -> ComposeResult:
        yield Static(id="filters-what")
        yield Static(self.KEYS, id="filters-keys")

    def show(self, what: Content) -> None:
        self._what = what
        self.query_one("#filters-what", Static).update(what)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        keys = self.query_one("#filters-keys")
        need = self._what.cell_length + keys.styles.padding.left + len(self.KEYS)
        keys.set_class(need > self.content_region.width, "-unfit")


def hit_prompt(hit: Hit, spans: Spans) -> Content:
    """One result: rank, title, source, date, score, then the passage with
    its answer sentence marked."""
    a = hit.article
    date_style = "italic $kqa-muted" if a.get("date_inferred") else "$kqa-muted"
    answer = (hit.answer_start - hit.start, hit.answer_end - hit.start) if hit.answer_end > hit.answer_start else None
    window, inside, shown = snippet(hit.text, spans, SNIPPET_CHARS, answer)
    passage = highlighted(window, inside)
    if shown is not None:  # the answer sentence, as the reader marks it, under the matched words
        passage = passage.stylize_before(ANSWER_STYLE, *shown)
    # No fixed text colours: the highlighted row has its own background, and
    # only the row's colour (and `$kqa-muted`, relative to it) reads on both.
    return Content.assemble(
        (f"{hit.rank:>2}. ", "bold"),
        (shorten(clean(a["title"] or a["id"]), TITLE_CHARS), "bold"),
        "\n",
        (clean(a["source"] or "unknown source"), "$kqa-muted"),
        (" · ", "$kqa-muted"),
        (hit.date_label, date_style),
        (f" · score {hit.score:.2f}", "$kqa-muted"),
        "\n",
        passage,
    )


def passage_key(hit: Hit) -> tuple[str, str]:
    """The same passage across index refreshes: ids are renumbered and an edit
    above it in the file moves its offsets, but its file and text stay."""
    return hit.path, hit.text


class RefinesQuestion:
    """Typing or pasting where the answers have the focus goes on the
    question, as in fzf: a printable key no binding here takes (? and /)
    moves to the question box with it, after a space, so "peace deal",
    Enter, then "treaty" asks "peace deal treaty" (letters once moved the
    list: `kremlin` lost its k and joined the question as `dealremlin`)."""

    KEPT = frozenset({"question_mark", "slash"})  # the app's keys
    TYPES_THROUGH = True

    def _question(self) -> QuestionBox | None:
        """The question box, focused with the cursor at the end (None in an app without one)."""
        boxes = self.app.query(QuestionBox)  # type: ignore[attr-defined]
        box = boxes.first() if boxes else None
        if box is not None:
            box.focus()
            box.cursor_position = len(box.value)
        return box

    def on_key(self, event: events.Key) -> None:
        if not self.TYPES_THROUGH or not event.is_printable or not event.character or event.key in self.KEPT:
            return
        box = self._question()
        if box is not None:
            event.stop()
            event.prevent_default()
            box.insert_text_at_cursor(" " * _joins(box.value, event.character) + event.character)

    def on_paste(self, event: events.Paste) -> None:
        box = self._question()
        if box is not None:
            event.stop()
            if _joins(box.value, event.text):
                box.insert_text_at_cursor(" ")
            box.post_message(events.Paste(event.text))  # the box's own paste: lines joined with spaces


def _joins(question: str, typed: str) -> bool:
    """Whether `typed` would join the question's last word: it goes after a space, as a new word."""
    return bool(question) and not question[-1].isspace() and bool(typed) and not typed[0].isspace()


class ResultList(RefinesQuestion, OptionList):
    """Ranked hits; Enter or a click opens one (OptionSelected). Letters go to
    the question (fzf), so the list moves with the arrow and page keys only."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hits: list[Hit] = []

    def action_cursor_up(self) -> None:
        if self.highlighted != 0:  # the ends stop, as in fzf and lazygit (Textual's list wraps round)
            super().action_cursor_up()
        else:  # up from the first result: back to the question, as Down from it came here
            self._question()

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()

    def show(self, hits: list[Hit], spans: list[Spans]) -> None:
        self.hits = hits
        options: list[Option | None] = []
        for hit, hit_spans in zip(hits, spans):
            options += [Option(hit_prompt(hit, hit_spans), id=str(hit.rank)), None]
        self.set_options(options[:-1])
        self.highlighted = 0 if hits else None
        self.scroll_home(animate=False)

    def select(self, kept: Hit) -> bool:
        """Highlight the same passage as `kept` (from an earlier answer), if
        listed: the same text in the same file, else (its own text was
        edited) the passage at the same place in that file."""
        same = [hit for hit in self.hits if passage_key(hit) == passage_key(kept)]
        same = same or [hit for hit in self.hits if hit.path == kept.path and hit.start == kept.start]
        if same:
            self.highlighted = self.hits.index(same[0])
        return bool(same)

    @property
    def current(self) -> Hit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None


class ArticleScroll(RefinesQuestion, VerticalScroll):
    """The scrolling article text under the reader's fixed header. A pager,
    as less: its letters move, search or close it, and other keys do not go
    to the question (`bank` paged up, then asked `ank`); / goes there, a paste too."""

    TYPES_THROUGH = False

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "End", show=False),
        Binding("q", "app.back", "Close", show=False),
        Binding("n", "match(True)", "Next match", show=False),
        Binding("N", "match(False)", "Previous match", show=False),
        Binding("o", "app.open_address", "Open address", show=False),
    ]

    def action_match(self, forward: bool) -> None:
        reader = next((a for a in self.ancestors if isinstance(a, Reader)), None)
        if reader is not None and not reader.to_match(forward):
            self.app.bell()


class Reader(Vertical):
    """The whole article of one hit, scrolled to its passage (marked); the
    title, source, date and path stay visible above it (on a short terminal
    only title, source and date, on one line, so some article text shows)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hit: Hit | None = None
        self._placed = False  # the view is where _place put it: a resize places the passage again
        self._target = 0.0  # where _place asked the view to go
        self._anchor: float | None = None  # else, view top - passage top while the passage is in view
        self._extent: tuple[object, ...] = ()  # the scroll's size and range when last seen
        self._homing = False  # show scrolled home and that scroll has not been seen yet
        self._from = 0  # where the shown passage starts in the article (after a headline it repeats)
        self._matches: dict[str, tuple[str, list[int]]] = {}  # part -> its text, matched words' ends in it (n / N)
        self._wrapped: dict[tuple[str, int], list[int]] = {}  # (part, width) -> its wrapped lines' starts

    def compose(self) -> ComposeResult:
        with Vertical(id="reader-head"):  # each line keeps its place: a long title cannot push the rest out
            yield ClampedTitle(id="reader-title")
            yield FactsLine(id="reader-facts", classes="reader-line")
            yield PathLine(id="reader-path", classes="reader-line")
            yield Static(id="reader-url", classes="reader-line")
        yield HeadLine(id="reader-head-short")  # one line, shown instead on short terminals (CSS)
        with ArticleScroll(id="reader-scroll"):
            yield Static(id="reader-before", classes="article")
            yield Static(id="reader-passage", classes="article")
            yield Static(id="reader-after", classes="article")

    def on_mount(self) -> None:
        self.watch(self.query_one(ArticleScroll), "scroll_y", self._scrolled, init=False)

    def focus(self, scroll_visible: bool = True) -> Reader:
        self.query_one(ArticleScroll).focus(scroll_visible)
        return self

    def show(self, hit: Hit, body: str, spans: Spans, keep_view: bool = False) -> None:
        """Fill in the article and scroll so the passage is near the top;
        `keep_view`: a refreshed copy of the same passage, so a view the user
        scrolled stays where it was relative to the passage."""
        scroll = self.query_one(ArticleScroll)
        kept = keep_view and self.hit is not None and self.hit.path == hit.path and not self._placed
        above = scroll.scroll_y - self.query_one("#reader-passage").virtual_region.y  # the view's top, from the passage's
        self.hit = hit
        a = hit.article
        date = hit.date_label + (" (inferred from the text)" if a.get("date_inferred") else "")
        self.query_one(ClampedTitle).set(clean(a["title"] or a["id"]), style="bold $kqa-title")
        self.query_one(FactsLine).set(clean(a["source"] or "unknown source"), clean(date), clean(hit.byline or ""),
                                      style="$kqa-facts")
        self.query_one(PathLine).set(clean(hit.full_path), style="$kqa-muted")
        url = self.query_one("#reader-url", Static)
        url.update(Content.styled(clean(a.get("url") or ""), "underline $kqa-muted"))
        url.display = bool(a.get("url"))
        short = self.query_one(HeadLine)
        short.facts_style = "$kqa-facts"
        short.set(clean(a["title"] or a["id"]), clean(f"{a['source'] or 'unknown source'} · {hit.date_label}"),
                  style="bold $kqa-title")
        skip = min(a.get("content_start") or 0, len(body))  # the indexer's end of a headline repeating the title
        self._from = hit.start
        if hit.start < skip and body[skip : hit.end].strip():  # the passage starts with the headline (JSON Lines)
            self._from = hit.end - len(body[skip : hit.end].lstrip())
        before = body[skip : hit.start]
        before_at = skip + len(before) - len(before.lstrip())
        after = body[hit.end :]
        after_at = hit.end + len(after) - len(after.lstrip())
        parts = (
            ("#reader-before", before.strip(), before_at),
            ("#reader-passage", body[self._from : hit.end], self._from),
            ("#reader-after", after.lstrip(), after_at),
        )
        self._matches, self._wrapped = {}, {}
        for selector, text, offset in parts:
            local = [(s, e) for s, e in spans if s >= offset and e <= offset + len(text)]
            self._matches[selector] = (text, [e - offset for _, e in local])
            widget = self.query_one(selector, Static)
            content = highlighted(text, local, offset)
            if selector == "#reader-passage" and hit.answer_end > hit.answer_start:
                content = content.stylize_before(ANSWER_STYLE, max(0, hit.answer_start - offset), hit.answer_end - offset)
            widget.update(content)
            widget.display = bool(text)
        if kept:
            self.call_after_refresh(self._keep_view, above)
            return
        self._placed, self._target = True, 0.0
        self._homing = scroll.scroll_y != 0  # its scroll event may come after _place's target is set
        scroll.scroll_home(animate=False)
        self.call_after_refresh(self._place)

    MATCH_CONTEXT = 2  # lines shown above a match that n / N scrolls to

    def to_match(self, forward: bool) -> bool:
        """Scroll to the next (or previous) matched question word, as `n` /
        `N` after a search in less; False when there is none that way."""
        scroll = self.query_one(ArticleScroll)
        lines = []
        for selector, (text, ends) in self._matches.items():
            part = self.query_one(selector, Static)
            width, y = part.content_region.width, part.virtual_region.y - self.MATCH_CONTEXT
            if part.display and width > 0:  # the line holding the word's end: a word is not split
                starts = self._line_starts(selector, text, width)
                lines += [y + bisect.bisect_right(starts, end - 1) - 1 for end in ends]
        top = round(scroll.scroll_y)
        ahead = [y for y in lines if (y > top if forward else y < top)]
        # near the end the view stops at the last page, which shows the match
        target = max(0, min(min(ahead), scroll.max_scroll_y) if forward else max(ahead)) if ahead else top
        if target == top:
            return False
        self._placed = False
        scroll.scroll_to(y=target, animate=False)
        return True

    def _line_starts(self, selector: str, text: str, width: int) -> list[int]:
        """Where each wrapped line of a part starts in its text: one wrap per
        part and width, not one per match (a long article has hundreds)."""
        key = (selector, width)
        if key not in self._wrapped:
            shown, starts, at = clean(text), [], 0
            for line in plain(text).wrap(width):  # each line is a piece of the text, in order
                found = shown.find(line.plain, at) if line.plain else at
                at = found if found >= 0 else at
                starts.append(at)
                at += len(line.plain)
            self._wrapped[key] = starts
        return self._wrapped[key]

    def _place(self) -> None:
        """Scroll the passage to the top, or, when the answer sentence would
        then be below the fold, the line before the answer sentence."""
        if self.hit is None:
            return
        hit, scroll = self.hit, self.query_one(ArticleScroll)
        passage = self.query_one("#reader-passage", Static)
        top, width = passage.virtual_region.y, passage.content_region.width
        if hit.answer_end > hit.answer_start and width > 0:
            text = hit.text[self._from - hit.start :]  # as shown: without a headline the header has
            first = len(plain(text[: max(0, hit.answer_start - self._from)]).wrap(width)) - 1  # the answer's first line
            last = len(plain(text[: hit.answer_end - self._from]).wrap(width))
            if last > scroll.scrollable_content_region.height:
                top += max(0, first - 1)
        self._placed, self._target = True, top
        scroll.scroll_to(y=top, animate=False)  # after the next refresh, like scroll_to_widget

    def _scrolled(self) -> None:
        """Note where the user scrolled relative to the passage. A scroll
        caused by text reflowing (the range changed) is not the user's."""
        scroll = self.query_one(ArticleScroll)
        extent = self._extent_now()
        if extent != self._extent:
            self._extent = extent
            return
        if self._placed and scroll.scroll_y == min(self._target, scroll.max_scroll_y):
            return  # _place's own scroll
        if self._placed and self._homing and scroll.scroll_y == 0:
            self._homing = False
            return  # show's own scroll home
        self._placed = False
        passage = self.query_one("#reader-passage").virtual_region
        in_view = passage.y < scroll.scroll_y + scroll.scrollable_content_region.height and passage.bottom > scroll.scroll_y
        self._anchor = scroll.scroll_y - passage.y if in_view else None

    def _extent_now(self) -> tuple[object, ...]:
        scroll = self.query_one(ArticleScroll)
        return scroll.max_scroll_y, scroll.scrollable_content_region.size

    def on_resize(self) -> None:
        """The text reflowed: put the passage back in view (at the same line
        of it, if the user scrolled within it) unless the user scrolled away."""
        self._extent = self._extent_now()
        if self.hit is not None and self._placed:
            self.call_after_refresh(self._place)
        elif self.hit is not None and self._anchor is not None:
            self.call_after_refresh(self._keep_anchor, self._anchor)

    def _keep_view(self, offset: float) -> None:
        passage = self.query_one("#reader-passage").virtual_region
        self.query_one(ArticleScroll).scroll_to(y=passage.y + offset, animate=False)

    def _keep_anchor(self, anchor: float) -> None:
        passage = self.query_one("#reader-passage").virtual_region
        self.query_one(ArticleScroll).scroll_to(y=passage.y + min(anchor, max(0, passage.height - 1)), animate=False)
