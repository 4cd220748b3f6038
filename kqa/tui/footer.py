"""The footer, fitted to the terminal's width.

Textual's footer scrolls sideways when its keys do not fit, so on a narrow
terminal Quit and Help (the way out, and the way to learn every key) fall off
the end, and the command-palette hint docked over the row leaves a stray
letter beside it. This footer leaves out the least needed keys instead, so
every key it shows is whole; F1 still lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

try:  # not exported by textual.widgets: if a Textual release moves it, the plain footer is used
    from textual.widgets._footer import FooterKey
except ImportError:  # pragma: no cover - depends on the Textual version
    FooterKey = None  # type: ignore[assignment,misc]

PALETTE = "command_palette"
KEEP_ORDER = ("quit", "help", "dismiss", "cancel", "back", PALETTE, "filters", "copy_passage",
              "toggle_reader", "clear_filters")
"""Actions, most needed first: a narrow footer drops keys from the end (and
keys not named here before these). Quit and Help stay down to 40 columns."""


def key_width(key: FooterKey) -> int:
    """Columns a compact footer key takes: `^q Quit` and a one-column gap
    (the palette key's left border takes the place of the gap before it)."""
    label = f" {key.description}" if key.description else ""
    return cell_len(key.key_display + label) + 1 + (1 if key.has_class("-command-palette") else 0)


def fit(keys: list[FooterKey], width: int) -> list[FooterKey]:
    """The keys to show in `width` columns, in their footer order."""
    rank = {action: n for n, action in enumerate(KEEP_ORDER)}
    dropping = sorted(keys, key=lambda k: rank.get(k.action, -1), reverse=True)  # unknown actions first
    kept = list(keys)
    total = sum(key_width(k) for k in kept)
    for key in dropping:
        if total <= width:
            break
        kept.remove(key)
        total -= key_width(key)
    return kept


class KeyFooter(Footer):
    """A compact footer that shows only the keys that fit, whole."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._fitted_width = 0

    def compose(self) -> ComposeResult:
        widgets: Iterable[Widget] = list(super().compose())
        self._fitted_width = width = self.size.width
        keys = [w for w in widgets if FooterKey is not None and isinstance(w, FooterKey)]
        if width and keys:  # 0: not laid out yet, the next recompose fits them
            try:
                shown = set(map(id, fit(keys, width)))
            except AttributeError:  # FooterKey's fields changed in a Textual release: show them all
                shown = set(map(id, keys))
            widgets = [w for w in widgets if not isinstance(w, FooterKey) or id(w) in shown]
        yield from widgets

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
