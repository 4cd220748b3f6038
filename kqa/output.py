"""Writing hits for people (text) and for programs (json, jsonl, tsv).

stdout carries results only. Colour is used only on a terminal and never when
NO_COLOR is set, so piped text is plain.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import IO

from kqa.safetext import clean
from kqa.search import Hit

TSV_COLUMNS = (
    "query", "rank", "score", "doc_id", "title", "source", "date", "passage_id",
    "start", "end", "path", "text",
)

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
MATCH, TITLE = "\x1b[1;33m", "\x1b[1;36m"
MATCH_OFF = "\x1b[22;39m"  # end bold + colour, keep an enclosing underline
UNDERLINE, UNDERLINE_OFF = "\x1b[4m", "\x1b[24m"

Highlighter = Callable[[str, str], list[tuple[int, int]]]


def use_color(when: str, stream: IO[str]) -> bool:
    """ripgrep's rule: `auto` means a terminal, no NO_COLOR, not TERM=dumb."""
    if when == "never":
        return False
    if when == "always":
        return True
    return (
        stream.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM") != "dumb"
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


def emphasise(text: str, spans: Sequence[tuple[int, int]], on: str, off: str = RESET) -> str:
    out, pos = [], 0
    for start, end in spans:
        out.append(text[pos:start])
        out.append(f"{on}{text[start:end]}{off}")
        pos = end
    out.append(text[pos:])
    return "".join(out)


class Writer:
    """Writes hits for one or more questions in the chosen format."""

    def __init__(
        self,
        fmt: str,
        stream: IO[str],
        color: bool = False,
        highlight: Highlighter | None = None,
        batch: bool = False,
    ) -> None:
        self.fmt, self.stream, self.color = fmt, stream, color
        self.highlight = highlight
        self.batch = batch
        self._json: list[dict[str, object]] = []
        self._started = False

    def write(self, question: str, hits: list[Hit]) -> None:
        if self.fmt == "jsonl":
            for hit in hits:
                self.stream.write(json.dumps(hit.record(), ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self._json.extend(hit.record() for hit in hits)
        elif self.fmt == "tsv":
            self._tsv(hits)
        else:
            self._text(question, hits)
        self.stream.flush()

    def close(self) -> None:
        if self.fmt == "tsv" and not self._started:
            self._tsv([])  # the header, even when nothing was found
        if self.fmt == "json":
            json.dump(self._json, self.stream, ensure_ascii=False, indent=2)
            self.stream.write("\n")
            self.stream.flush()

    def _tsv(self, hits: list[Hit]) -> None:
        if not self._started:
            self.stream.write("\t".join(TSV_COLUMNS) + "\n")
            self._started = True
        for hit in hits:
            rec = hit.record()
            rec["date"] = hit.date_label if rec["date"] else ""
            fields = (clean(str(rec[c])) if rec[c] is not None else "" for c in TSV_COLUMNS)
            self.stream.write("\t".join(one_line(f) for f in fields) + "\n")

    def _text(self, question: str, hits: list[Hit]) -> None:
        s, c = self.stream, self.color
        if self.batch:
            if self._started:
                s.write("\n")
            s.write(f"{BOLD}? {question}{RESET}\n" if c else f"? {question}\n")
            if not hits:
                s.write("  (no results)\n")
        self._started = True
        width = min(_columns(), 100) if c else 0
        for hit in hits:
            title = clean(hit.article["title"])
            title = f"{TITLE}{title}{RESET}" if c else title
            meta = clean(f"{hit.article['source']} · {hit.date_label} · {hit.path} · score {hit.score:.2f}")
            s.write(f"{hit.rank}. {title}\n")
            s.write(f"   {DIM}{meta}{RESET}\n" if c else f"   {meta}\n")
            for line in self._body_lines(question, hit, width):
                s.write(f"   {line}\n")
            s.write("\n" if hit.rank < len(hits) else "")

    def _body_lines(self, question: str, hit: Hit, width: int) -> list[str]:
        """The passage, one line when piped; on a terminal wrapped, with the
        matched words emphasised and the answer sentence underlined."""
        text = clean(hit.text)  # one-for-one, so offsets stay valid
        if not width:
            return [one_line(text)]
        if self.highlight is not None:
            spans = self.highlight(question, text)
            shift = _shift(spans)
            a, b = shift(hit.answer_start - hit.start), shift(hit.answer_end - hit.start)
            text = emphasise(emphasise(text, spans, MATCH, MATCH_OFF), [(a, b)] if b > a else [], UNDERLINE, UNDERLINE_OFF)
        return textwrap.wrap(one_line(text), width=width - 3, break_on_hyphens=False, break_long_words=False)


def _shift(spans: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    """Maps an offset in a text to the same place after `spans` were emphasised."""

    def at(offset: int) -> int:
        opened = sum(1 for s, _ in spans if s < offset) * len(MATCH)
        closed = sum(1 for _, e in spans if e <= offset) * len(MATCH_OFF)
        return offset + opened + closed

    return at


def _columns() -> int:
    """Terminal width ($COLUMNS first, as shutil does, without importing it)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100


def stderr_progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def update(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r{label} {bar} {done}/{total}")
        if done >= total:
            sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()

    return update
