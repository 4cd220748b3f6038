"""Questions asked before, kept between runs (one per line, oldest first).

No Textual here: a plain file in the user data dir, appended as questions are
asked so a crash loses nothing (and two open windows both keep theirs),
compacted now and then from the file itself, swapped in whole.
"""

from __future__ import annotations

from pathlib import Path

from kqa.safetext import clean
from kqa.tui.saving import replace_text
from kqa.wording import one_line


class History:
    """A list of past questions plus a cursor for walking it with Up/Down."""

    def __init__(self, path: Path | None, limit: int = 500) -> None:
        self.path = path
        self.limit = limit
        self.problem: str | None = None  # why the file could not be read (then it is left alone)
        self._lines = 0  # lines in the file: compacted when twice the limit
        self.items: list[str] = self._read()
        self._cursor: int | None = None  # None: editing a fresh question
        self._draft = ""

    def _read(self) -> list[str]:
        if self.path is None:
            return []
        try:
            lines = self.path.read_text("utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:  # a folder, or a file `sudo kqa` left: the app opens without it
            self.problem = f"cannot read the question history: {exc.strerror or exc} ({self.path})"
            self.path = None  # nor rewritten: asked questions are kept for this session only
            return []
        self._lines = len(lines)
        return self._latest(lines)

    def _latest(self, lines: list[str]) -> list[str]:
        """The last `limit` distinct questions, each where it was last asked."""
        latest_first = dict.fromkeys(line for line in reversed(lines) if line.strip())
        return list(reversed(latest_first))[-self.limit :]

    def add(self, question: str) -> None:
        """Remember a question (moved to the end if asked before); OSError
        propagates so the caller can say the history cannot be saved."""
        question = one_line(clean(question))
        self._cursor = None
        if not question:
            return
        if self.items and self.items[-1] == question:
            return
        if question in self.items:
            self.items.remove(question)
        self.items.append(question)
        if self.path is None:
            return
        self.items = self.items[-self.limit :]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(f"{question}\n")
        self._lines += 1
        if self._lines > 2 * self.limit:
            self._compact()

    def _compact(self) -> None:
        """Rewrite the file as its last `limit` questions, read from the file
        (another window's questions are in it), into a temporary file swapped
        in: a kill mid-write leaves the old file."""
        assert self.path is not None
        kept = self._latest(self.path.read_text("utf-8", errors="replace").splitlines())
        replace_text(self.path, "".join(f"{q}\n" for q in kept))
        self._lines = len(kept)

    def older(self, current: str) -> str | None:
        """The question before the one shown (None at the oldest); a walk
        skips the newest entry when the box already shows it, as shells do."""
        if not self.items:
            return None
        if self._cursor is None:
            self._draft = current
            self._cursor = len(self.items)
            if len(self.items) > 1 and self.items[-1] == one_line(clean(current)):
                self._cursor -= 1
        if self._cursor == 0:
            return None
        self._cursor -= 1
        return self.items[self._cursor]

    @property
    def walking(self) -> bool:
        """Up has recalled a question and Down has not yet come back past the newest."""
        return self._cursor is not None

    def newer(self) -> str | None:
        """The question after the one shown; the unsent draft past the newest."""
        if self._cursor is None:
            return None
        self._cursor += 1
        if self._cursor >= len(self.items):
            self._cursor = None
            return self._draft
        return self.items[self._cursor]

    def reset(self) -> None:
        self._cursor = None
