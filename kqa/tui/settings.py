"""Settings kept between runs (the TUI theme): one small JSON object.

No Textual here. Reading never fails: a missing, unreadable or corrupt file
counts as no settings, since a bad settings file must never stop the app;
but a save leaves a file it cannot read as it is.
A write goes to a temp file beside it, renamed over the old one, so a crash
mid-write leaves the previous settings whole.
"""

from __future__ import annotations

import json
from pathlib import Path

from kqa.tui.saving import replace_text


class Settings:
    """String settings by name, saved at `path` (None: kept in memory only).
    Other values in the file (numbers, objects) are kept as they are."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.values: dict[str, object] = self._read()

    def _read(self) -> dict[str, object]:
        try:
            return self._read_strictly()
        except OSError:
            return {}

    def _read_strictly(self) -> dict[str, object]:
        """The file's values; missing or empty: none. OSError when it cannot
        be read or is not a JSON object, so a save does not overwrite it."""
        if self.path is None:
            return {}
        try:  # utf-8-sig: an editor may have saved it with a byte-order mark
            text = self.path.read_text("utf-8-sig")
        except FileNotFoundError:
            return {}
        except ValueError:  # not UTF-8
            text = "\0"
        if not text.strip():
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise OSError(f"{self.path} is not a JSON object (fix or remove it; it is kept as it is)")
        return data

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        """Change one setting and save (other settings in the file are kept);
        OSError propagates so the caller can say it cannot be saved, also
        when the file holds something other than settings (a typo in a hand
        edit): overwriting it would lose the rest of what it holds."""
        self.values[name] = value
        if self.path is None:
            return
        values = {**self._read_strictly(), name: value}  # another kqa may have saved meanwhile
        replace_text(self.path, json.dumps(values, indent=2, sort_keys=True) + "\n")
