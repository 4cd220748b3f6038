"""Writing hits for people (text) and for programs (json, jsonl, tsv).

stdout carries results only. Colour is used only on a terminal and never when
NO_COLOR is set, so piped text is plain.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO

from kqa.safetext import clean
from kqa.search import Hit
from kqa.wording import one_line

TSV_COLUMNS = (
    "query", "rank", "score", "doc_id", "title", "source", "date", "date_inferred", "passage_id",
    "start", "end", "path", "line", "text",
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
            rec = hit.record()  # the date as in JSON, so `sort` and `awk '$7 >= "2023"'` read it as a date
            rec["date_inferred"] = "true" if rec["date_inferred"] else "false"
            fields = (clean(str(rec[c])) if rec[c] is not None else "" for c in TSV_COLUMNS)
            self.stream.write("\t".join(one_line(f) for f in fields) + "\n")

    def _text(self, question: str, hits: list[Hit]) -> None:
        s, c = self.stream, self.color
        if self.batch:
            if self._started:
                s.write("\n")
            asked = one_line(clean(question))  # a question is data too: no escape reaches the terminal
            s.write(f"{BOLD}? {asked}{RESET}\n" if c else f"? {asked}\n")
            if not hits:
                s.write("  (no results)\n")
        self._started = True
        width = min(_columns(), 100) if c else 0
        for hit in hits:
            title = clean(hit.article["title"])
            title = f"{TITLE}{title}{RESET}" if c else title
            facts = [hit.article["source"], hit.date_label, hit.byline, hit.path, f"score {hit.score:.2f}"]
            meta = one_line(clean(" · ".join(f for f in facts if f)))
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
        matches = self.highlight(question, text) if self.highlight is not None else []
        answer = (hit.answer_start - hit.start, hit.answer_end - hit.start)
        return [_render(text, line, matches, answer) for line in _wrap(text, width - 3)]


Word = tuple[int, int]


def _wrap(text: str, width: int) -> list[list[Word]]:
    """Words of `text` (offsets) filled into lines of at most `width` columns;
    wrapping before styling, so escape codes never count as text. A word wider
    than a line (Chinese or Japanese text has no spaces; a long web address)
    is cut where the line ends, as a terminal would, but under the indent."""
    lines: list[list[Word]] = []
    used = 0
    for m in re.finditer(r"\S+", text):
        for start, end, size in _pieces(text, m.start(), m.end(), width):
            if lines and lines[-1] and used + 1 + size <= width:
                lines[-1].append((start, end))
                used += 1 + size
            else:
                lines.append([(start, end)])
                used = size
    return lines


def _pieces(text: str, start: int, end: int, width: int) -> Iterator[tuple[int, int, int]]:
    """The word text[start:end] as runs of at most `width` columns, with their
    columns: two for a wide character, none for a combining one."""
    if end - start <= width and text[start:end].isascii():
        yield start, end, end - start
        return
    import unicodedata

    piece, used = start, 0
    for i in range(start, end):
        ch = text[i]
        size = 0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + size > width and i > piece:
            yield piece, i, used
            piece, used = i, 0
        used += size
    yield piece, end, used


def _render(text: str, words: list[Word], matches: Sequence[Word], answer: Word) -> str:
    """One wrapped line with its emphasis, every style closed at the line's end
    (an underline left open would run into the next line's indent)."""
    pieces: list[tuple[str, bool, bool]] = []
    for i, (s, e) in enumerate(words):
        if i:  # the space between two words is underlined inside the answer only
            pieces.append((" ", False, answer[0] <= words[i - 1][1] and s < answer[1]))
        cuts = sorted({s, e} | {x for span in (*matches, answer) for x in span if s < x < e})
        for a, b in zip(cuts, cuts[1:]):
            pieces.append((text[a:b], any(ms <= a and b <= me for ms, me in matches), answer[0] <= a and b <= answer[1]))
    out, bold, under = [], False, False
    for piece, m, u in pieces:
        if u != under:
            out.append(UNDERLINE if u else UNDERLINE_OFF)
        if m != bold:
            out.append(MATCH if m else MATCH_OFF)
        bold, under = m, u
        out.append(piece)
    out.append((MATCH_OFF if bold else "") + (UNDERLINE_OFF if under else ""))
    return "".join(out)


def _columns() -> int:
    """Terminal width ($COLUMNS first, as shutil does, without importing it)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100
    return columns if columns > 0 else 100  # some consoles report 0: unknown, not "piped"


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
