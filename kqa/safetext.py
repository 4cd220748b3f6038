"""Article text is data: control characters made visible before display.

Replacements are one character for one, so passage offsets stay valid; used
by the text/TSV output and by the TUI, so an article cannot drive the terminal.
"""

from __future__ import annotations

_CONTROL = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}  # ␛, ␀, ...
_CONTROL[0x09] = " "
_CONTROL[0x7F] = "\u2421"  # ␡
_CONTROL.update({c: "\ufffd" for c in range(0x80, 0xA0)})  # C1 controls (incl. CSI)
_CONTROL.update({0x2028: " ", 0x2029: " "})
# explicit bidi embeddings, overrides and isolates: they reorder what follows ("Trojan Source")
_CONTROL.update({c: "\ufffd" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def clean(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in."""
    return text.translate(_CONTROL)


def clean_line(text: str) -> str:
    """`clean`, and a newline shown as ␊ too: a file name or address that must
    stay one line (a message, a citation), not split in two."""
    return clean(text).replace("\n", "\u240a")
