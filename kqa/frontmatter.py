"""Front matter at the top of a `.txt`/`.md` article, as note apps and site
generators write it: a YAML block between `---` lines, or TOML between `+++`
lines (Hugo).

Only what metadata needs is read, without a YAML library: `key: value` lines,
lists (`- item` lines under a key, or `[a, b]`) joined with ", ", values
continued on indented lines (`title: >` and long plain values), and a nested
mapping reduced to its `name` (`source:\\n  name: Reuters`, `source: {name: Reuters}`), YAML nulls
as no value and ` #` comments left out. Every value comes
back as one line of text; a malformed block raises `FrontMatterError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

MAX_LINES = 1000  # where to stop looking for the closing line (a long list of tags fits)


class FrontMatterError(ValueError):
    """The block cannot be read; the message says why."""


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """(metadata with lower-case keys, body after the block). Blank lines may
    come before the block, as Pandoc allows (an editor or a script left one)."""
    whole = text
    text = _LEADING_BLANK_LINES.sub("", text, count=1)
    fence = text.split("\n", 1)[0].strip()
    if fence not in ("---", "+++"):
        return {}, whole
    lines = text.split("\n")
    if fence == "---" and len(lines) > 1 and not lines[1].strip():
        return {}, whole  # a Markdown rule, as Pandoc reads it: front matter opens on a line of its own
    closers = ("---", "...") if fence == "---" else (fence,)  # YAML's document end closes it too (Pandoc)
    for i, line in enumerate(lines[1:MAX_LINES], start=1):
        if line.strip() in closers:
            break
    else:
        raise FrontMatterError(f"malformed front matter (no closing '{fence}')")
    body = "\n".join(lines[i + 1 :])
    if fence == "+++":  # TOML, as Hugo writes it
        return _toml("\n".join(lines[1:i])), body
    return _yaml(lines[1:i], first_lineno=2), body


def _toml(block: str) -> dict[str, str]:
    import tomllib  # only for the files that need it

    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"malformed TOML front matter ({exc})") from None
    return {key.lower(): as_text(value) for key, value in data.items()}


def as_text(value: object) -> str:
    """A parsed metadata value (TOML, JSON) as one line of text: a list joined with
    ", ", a mapping by its name, a date or date-time as the day written in it."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dict):
        return as_text(value.get("name"))
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (as_text(v) for v in value) if t)
    return " ".join(str(value).split())


_BLOCK_SCALAR = re.compile(r"^[|>][+-]?\d*$")  # `title: >` / `|-`: the value is on the indented lines below
_SUBKEY = re.compile(r"^[\w-]+:(\s|$)")
_ITEM = re.compile(r"-(\s|$)")  # `- Jane Doe`: a list item


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _items(lines: list[str]) -> Iterable[str]:
    """A list's items as text: a plain item with the lines it goes on over, a
    mapping (`- name: Jane Doe` and the keys under it) by its name."""
    items: list[list[str]] = []
    column = _indent(lines[0])  # deeper `- ` lines belong to an item (`roles:` under `- name: ...`)
    for line in lines:
        if _ITEM.match(line.strip()) and _indent(line) <= column:
            items.append([line.replace("-", " ", 1)])  # the item's keys keep their columns
        elif items:
            items[-1].append(line)
    for item in items:
        if _SUBKEY.match(item[0].strip()):
            try:
                yield _yaml(item, first_lineno=0).get("name", "")
            except FrontMatterError:
                pass
        else:
            yield _scalar(" ".join(line.strip() for line in item))


def _yaml(lines: list[str], first_lineno: int) -> dict[str, str]:
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line, n = lines[i], first_lineno + i
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise FrontMatterError(f"malformed front matter (line {n}: expected 'key: value')")
        value = _uncomment(value).strip()
        indent = _indent(line)
        # a plain value cannot go on with `key: value` (YAML refuses it): that is the next key, indented
        plain = bool(value) and not (_BLOCK_SCALAR.match(value) or value[0] in "\"'[{")
        literal = bool(_BLOCK_SCALAR.match(value)) or value[:1] in "\"'"  # a `#` in them is text
        # a flow collection (`{` or `[` first) not closed on this line: the lines up to its closing one,
        # if one closes it (else the line is taken as it is, and the keys below stay keys)
        flow = _flow_lines(value, lines[i:]) if value[:1] in "[{" else 0
        block: list[str] = []
        while i < len(lines):  # the key's value goes on over deeper lines (or list items below it)
            nxt = lines[i] if literal else _uncomment(lines[i])
            if flow > 0:
                flow -= 1
            elif nxt.strip() and not nxt.lstrip().startswith("#"):
                deeper = _indent(nxt) > indent and not (plain and _SUBKEY.match(nxt.strip()))
                if not (deeper or (not value and _indent(nxt) == indent and _ITEM.match(nxt.strip()))):
                    break
            if nxt.strip():
                block.append(nxt.rstrip())  # its indentation kept for a nested mapping
            i += 1
        meta[key.strip().lower()] = _value(value, block)
    return meta


def _uncomment(line: str) -> str:
    """The line without a YAML comment: ` #` outside quotes (`Reuters # wire`
    is Reuters; `https://x.com/#top` keeps its `#`)."""
    quote, i = "", 0
    while i < len(line):
        ch = line[i]
        if quote == '"' and ch == "\\":
            i += 1  # \" inside double quotes is a quote, not the end
        elif quote == "'" and line.startswith("''", i):
            i += 1  # '' inside single quotes is a quote, not the end
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and (i == 0 or line[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
        i += 1
    return line


def _flow_lines(value: str, rest: list[str]) -> int:
    """How many of the lines after `value` the brackets it opens take, up to
    the one closing them (0: none does, or it opens none)."""
    depth = _depth(value)
    if depth <= 0:
        return 0
    for n, line in enumerate(rest, start=1):
        depth += _depth(_uncomment(line))
        if depth <= 0:
            return n
    return 0


def _depth(text: str) -> int:
    """Brackets and braces opened and not closed in `text`, quotes left out."""
    bare = _QUOTED.sub("", text)
    return bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]")


def _value(value: str, lines: list[str]) -> str:
    block = [line.strip() for line in lines]
    if _BLOCK_SCALAR.match(value):
        return " ".join(block)
    if not value and block:
        if _ITEM.match(block[0]):  # a list: `- Jane Doe` lines
            return ", ".join(v for v in _items(lines) if v)
        if _SUBKEY.match(block[0]):  # a nested mapping: only its name means something here
            try:
                return _yaml(lines, first_lineno=0).get("name", "")
            except FrontMatterError:
                return ""

    if block:
        value = " ".join([value, *block])
    inside = value[1:-1]
    if value.startswith("[") and value.endswith("]") and not re.search(r"[][]", _MAPPING.sub("", _QUOTED.sub("", inside))):
        return _join(m.group(1) for m in _FLOW_ITEM.finditer(inside))  # [a, "b, c"]: not [x] y [z]
    return _flow_scalar(value)


_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_MAPPING = re.compile(r"\{[^{}]*\}")  # {name: A, roles: [x, y]}: one item of a list, brackets and all
_FLOW_ITEM = re.compile(r"\s*(" + _MAPPING.pattern + "|" + _QUOTED.pattern + r"|[^,]+)")  # [{name: A, id: 1}, "b, c", d]
_FLOW_PAIR = re.compile(r"(?:^|,)\s*(" + _QUOTED.pattern + r"|[^,:{}]+?)\s*:\s*(" + _QUOTED.pattern + r"|\[[^][]*\]|[^,]*)")


def _join(items: Iterable[str]) -> str:
    return ", ".join(v for v in (_flow_scalar(item.strip()) for item in items) if v)


def _flow_scalar(value: str) -> str:
    """A scalar, or a mapping written on one line (`{name: Reuters, id: rtr}`) by its name."""
    if value.startswith("{") and value.endswith("}"):
        if not value[1:-1].strip():
            return ""  # {}: an empty mapping
        pairs = {_scalar(k).lower(): v for k, v in _FLOW_PAIR.findall(value[1:-1])}
        if pairs:
            return _value(pairs.get("name", "").strip(), [])  # {name: [A, B]}: a list
    return _scalar(value)


_NULLS = frozenset(("null", "Null", "NULL", "~"))
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)")
_ESCAPES = {"n": " ", "t": " ", "r": "", "0": "", "_": "\u00a0"}


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1)
    if len(code) > 1:
        n = int(code[1:], 16)
        return chr(n) if n <= 0x10FFFF else "\ufffd"
    return _ESCAPES.get(code, code)  # \" \\ \/ and the rest stand for themselves


def _scalar(value: str) -> str:
    """A plain or quoted YAML value: `'It''s'` is `It's`, `"say \\"no\\""` is `say "no"`;
    YAML's null (`null`, `~`, as PyYAML writes a missing value) is no value."""
    if value in _NULLS:
        return ""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1].replace("''", "'")
    elif len(value) >= 2 and value[0] == value[-1] == '"':
        value = _ESCAPE.sub(_unescape, value[1:-1])
        # "\\ud83d\\ude00" (an emoji as JSON writes it) is one character; half of one cannot be stored
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _WIKI_LINK.sub(r"\1", value).strip()


_WIKI_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]")  # [[Jane Doe]], [[Ivan Petrov|I. Petrov]]: a note app's link
