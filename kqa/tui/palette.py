"""The app's own colours, fitted to the theme in use.

Textual's themes tune their colours for Textual's widgets, not for an amber
tint under matched words or bold titles on a highlighted row: in several
built-in themes those read at 2:1 or 3:1. So the colours the app picks itself
are derived here from the theme's variables and, where one would read below
WCAG AA (4.5:1) on a background it is drawn on, nudged in lightness until it
does. A theme whose colours already pass keeps them unchanged.

KqaApp.get_css_variables adds the result as `$kqa-*` variables, which Textual
computes again whenever the theme changes. The backgrounds below restate
Textual's OptionList rules and kqa.tcss (tests/test_tui_contrast.py checks
the real screen in every built-in theme, so a change there shows).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from textual.color import Color, ColorParseError

MIN_RATIO = 4.5  # WCAG AA for normal text
MATCH_TINT = ("warning-darken-3", 0.35)  # the amber behind matched words
PASSAGE_TINT = ("warning", 0.10)  # behind the passage in the article
SHORT_TINT = ("primary", 0.15)  # behind the article's one-line header on a short terminal
FILTER_TINT = 0.15  # $warning behind the bar of active filters
FAILED_TINT = 0.20  # $error behind the index problem panel
STEPS = 50  # lightness nudges in each direction, 2% of Lab lightness each


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def ratio(text: Color, background: Color) -> float:
    """WCAG contrast of `text` (blended as the terminal shows it) on an opaque `background`."""
    high, low = sorted((luminance(background + text), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def shades(color: Color) -> Iterator[Color]:
    """`color`, then lighter and darker in growing steps (hue and alpha kept):
    the first one that reads is the least change."""
    yield color
    for step in range(1, STEPS + 1):
        yield color.lighten(step / STEPS)
        yield color.darken(step / STEPS)


def fit_text(color: Color, backgrounds: Sequence[Color]) -> Color:
    """`color`, nudged until it reads on every one of `backgrounds` (else
    the shade that reads best)."""
    worst = lambda shade: min(ratio(shade, background) for background in backgrounds)  # noqa: E731
    best = color
    for shade in shades(color):
        if worst(shade) >= MIN_RATIO:
            return shade
        best = max(best, shade, key=worst)
    return best


def auto_text(background: Color) -> Color:
    """What Textual draws for `auto` text (as `$text-muted` is): white or
    black by perceived brightness, which is not always the one that reads."""
    return background.get_contrast_text(1.0)


def fit_layer(layer: Color, base: Color) -> Color:
    """A background `layer` over `base`, nudged until `auto` text reads on it
    (the cursor row: its text and `$text-muted` there are `auto`); a shade
    that keeps the text white (or black) comes before one that flips it."""
    text = auto_text(base + layer)
    readable = [shade for shade in shades(layer) if ratio(auto_text(base + shade), base + shade) >= MIN_RATIO]
    return next((shade for shade in readable if auto_text(base + shade) == text), readable[0] if readable else layer)


def auto_reads(spec: str, backgrounds: Sequence[Color]) -> bool:
    """Whether a theme's `auto` colour (like `$text-muted`) reads on every one of `backgrounds`."""
    return spec.startswith("auto") and all(ratio(auto_text(back), back) >= MIN_RATIO for back in backgrounds)


def fit_tint(tint: Color, pairs: Sequence[tuple[Color, Color]]) -> Color:
    """A background `tint` under which each (text, background) pair still
    reads: lighter or darker first, then fainter (transparent at worst)."""
    for alpha in (tint.a * (10 - fainter) / 10 for fainter in range(10)):
        for shade in shades(tint.with_alpha(alpha)):
            if all(ratio(text, background + shade) >= MIN_RATIO for text, background in pairs):
                return shade
    return tint.with_alpha(0)


def css(color: Color) -> str:
    """`color` for a variable, its alpha exact (not rounded to a hex byte as
    `#RRGGBBAA` would), so a tint kept unchanged draws exactly as before."""
    return color.hex6 if color.a == 1 else f"rgba({color.r},{color.g},{color.b},{round(color.a, 4):g})"


def ansi_colors(variables: Mapping[str, str]) -> dict[str, str]:
    """ANSI themes leave the real colours to the terminal, so nothing can be
    measured: the app's text keeps the terminal's own pairs (its default
    colours, the theme's cursor pair) and no tint is laid under text (a
    translucent tint would be drawn as the solid ANSI colour)."""
    return {
        "kqa-row-text": variables["foreground"],
        "kqa-cursor": variables["block-cursor-background"],
        "kqa-cursor-text": variables["block-cursor-foreground"],
        "kqa-cursor-blurred": variables["block-cursor-blurred-background"],
        "kqa-cursor-blurred-text": variables["foreground"],
        "kqa-reader-text": variables["foreground"],
        "kqa-match": "transparent",
        "kqa-passage": "transparent",
        "kqa-reader-short": "transparent",
        "kqa-muted": "",  # Content only: the text keeps the colour of its row
        "kqa-title": "",
        "kqa-facts": "",
        "kqa-surface-text": variables["foreground"],
        "kqa-box-title": variables["text-primary"],
        "kqa-box-subtitle": variables["text-muted"],
        "kqa-placeholder": "ansi_default",  # with Textual's own dim style for placeholders in ANSI themes
        "kqa-status-text": variables["text-muted"],
        "kqa-footer-key": variables["footer-key-foreground"],
        "kqa-footer-description": variables["footer-description-foreground"],
        "kqa-filter-bar": "transparent",  # a tint would be drawn as solid yellow under the terminal's text
        "kqa-filter-text": variables["foreground"],
        "kqa-filter-keys": variables["text-muted"],
        "kqa-status-warning": variables["foreground"],  # bold in the terminal's own text colour: its yellow may not read
        "kqa-error-text": variables["text-error"],
        "kqa-failed-bar": "transparent",  # a tint would be drawn as solid red under the terminal's text
        "kqa-failed-text": variables["foreground"],
    }


def fitted_colors(variables: Mapping[str, str]) -> dict[str, str]:
    """The `$kqa-*` colours for a theme with its own RGB colours, from its variables."""
    get = lambda name: Color.parse(variables[name])  # noqa: E731
    tinted = lambda spec: get(spec[0]).with_alpha(spec[1])  # noqa: E731
    foreground = get("foreground")
    surface = get("background") + get("surface")
    focused = surface.tint(foreground.with_alpha(0.05))  # OptionList:focus has `background-tint: $foreground 5%`
    rows = [surface, focused] + [base + get("block-hover-background") for base in (surface, focused)]
    cursor_layer = fit_layer(get("block-cursor-background"), focused)
    blurred_layer = fit_layer(get("block-cursor-blurred-background"), surface)
    cursor, blurred = focused + cursor_layer, surface + blurred_layer
    reader = surface  # #reader { background: $surface }
    passage = reader + tinted(PASSAGE_TINT)
    reader_short = reader + tinted(SHORT_TINT)
    row_text = fit_text(foreground, rows)
    cursor_text = fit_text(auto_text(cursor), [cursor])
    blurred_text = fit_text(foreground, [blurred])
    reader_text = fit_text(foreground, [reader, passage])
    pairs = [(row_text, row) for row in rows] + [
        (cursor_text, cursor), (blurred_text, blurred), (reader_text, reader), (reader_text, passage)]
    return {
        "kqa-row-text": css(row_text),
        "kqa-cursor": css(cursor_layer),
        "kqa-cursor-text": css(cursor_text),
        "kqa-cursor-blurred": css(blurred_layer),
        "kqa-cursor-blurred-text": css(blurred_text),
        "kqa-reader-text": css(reader_text),
        "kqa-match": css(fit_tint(tinted(MATCH_TINT), pairs)),
        "kqa-passage": css(tinted(PASSAGE_TINT)),
        "kqa-reader-short": css(tinted(SHORT_TINT)),
        # `auto`: white or black for each row (fit_layer); else the text keeps its row's colour
        "kqa-muted": variables["text-muted"] if auto_reads(variables["text-muted"], [*rows, cursor, blurred, reader]) else "",
        "kqa-title": css(fit_text(get("text-primary"), [reader, reader_short])),
        "kqa-facts": css(fit_text(get("text-secondary"), [reader, reader_short])),
        **_chrome(variables, surface, focused),
    }


def _chrome(variables: Mapping[str, str], surface: Color, focused: Color) -> dict[str, str]:
    """Text on $surface (the question box, the help and the filter form, and
    their border titles, the form's error), input hints, the filter bar, the
    status line (and its "no results"), the index problem panel and the footer
    keys: Textual draws them in the theme's colours, and those too can read at 2:1."""
    get = lambda name: Color.parse(variables[name])  # noqa: E731
    status = get("background") + get("panel")  # #status { background: $panel }
    field = surface + get("primary").with_alpha(0.25)  # #filter-grid Input:focus (kqa.tcss)
    inputs = [surface, focused, surface + get("boost"), field, field.tint(get("foreground").with_alpha(0.05))]
    screen = get("background")
    filter_text = fit_text(get("foreground"), [screen])
    filter_keys = fit_text(screen + _shown(variables["text-muted"], screen), [screen])
    bar = fit_tint(get("warning").with_alpha(FILTER_TINT), [(filter_text, screen), (filter_keys, screen)])
    footer = get("background") + get("footer-background") + get("footer-item-background")
    key_back, description_back = footer + get("footer-key-background"), footer + get("footer-description-background")
    return {
        "kqa-surface-text": css(fit_text(get("foreground"), inputs)),  # on $surface and the inputs laid on it
        "kqa-box-title": css(fit_text(get("text-primary"), [surface, focused])),  # on the box's border
        "kqa-box-subtitle": css(fit_text(focused + _shown(variables["text-muted"], focused), [surface, focused])),
        # hints in empty inputs ("YYYY, YYYY-MM or YYYY-MM-DD"): dimmer than text, still readable
        "kqa-placeholder": css(fit_text(surface + _shown(variables["text-disabled"], surface), inputs)),
        "kqa-status-text": css(fit_text(status + _shown(variables["text-muted"], status), [status])),
        "kqa-footer-key": css(fit_text(get("footer-key-foreground"), [key_back])),
        "kqa-footer-description": css(fit_text(get("footer-description-foreground"), [description_back])),
        "kqa-filter-bar": css(bar),  # the bar of active filters: an amber tint both its texts read on
        "kqa-filter-text": css(filter_text),
        "kqa-filter-keys": css(filter_keys),
        "kqa-status-warning": css(fit_text(status + _shown(variables["text-warning"], status), [status])),  # "no results"
        "kqa-error-text": css(fit_text(surface + _shown(variables["text-error"], surface), [surface])),  # the form's error
        # the index problem panel: a red tint its text reads on
        "kqa-failed-bar": css(fit_tint(get("error").with_alpha(FAILED_TINT), [(filter_text, screen)])),
        "kqa-failed-text": css(filter_text),
    }


def _shown(spec: str, background: Color) -> Color:
    """A theme colour for text on `background`: `auto 60%` is white or black at
    60% (the caller lays it on the background, so that a shade can be lighter
    or darker than a translucent white allows)."""
    if spec.startswith("auto"):
        percent = spec.removeprefix("auto").strip().rstrip("%")
        return auto_text(background).with_alpha(float(percent) / 100 if percent else 1.0)
    return Color.parse(spec)


def app_colors(variables: Mapping[str, str]) -> dict[str, str]:
    """The `$kqa-*` variables for a theme: fitted colours, or for an ANSI
    theme (or one whose colours cannot be read) the terminal's own."""
    try:
        if Color.parse(variables["foreground"]).ansi is None and Color.parse(variables["background"]).ansi is None:
            return fitted_colors(variables)
    except (KeyError, ColorParseError):
        pass
    return ansi_colors(variables)
