"""Settings kept between runs (the TUI theme): one small JSON object.

No Textual here. Reading never fails: a missing, unreadable or corrupt file
counts as no settings, since a bad settings file must never stop the app.
A write goes to a temp file beside it, renamed over the old one, so a crash
mid-write leaves the previous settings whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class Settings:
    """String settings by name, saved at `path` (None: kept in memory only).
    Other values in the file (numbers, objects) are kept as they are."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.values: dict[str, object] = self._read()

    def _read(self) -> dict[str, object]:
        if self.path is None:
            return {}
        try:  # utf-8-sig: an editor may have saved it with a byte-order mark
            data = json.loads(self.path.read_text("utf-8-sig"))
        except (OSError, ValueError):  # ValueError: not JSON, or not UTF-8
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        """Change one setting and save (other settings in the file are kept);
        OSError propagates so the caller can say it cannot be saved."""
        self.values[name] = value
        if self.path is None:
            return
        values = {**self._read(), name: value}  # another kqa may have saved meanwhile
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(values, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
