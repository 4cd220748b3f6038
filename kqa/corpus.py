"""Reading a folder of articles: `.txt`/`.md` (optional front matter) and `.jsonl`.

Metadata that is not in the file is derived only where it can be done
honestly: a headline-like first line becomes the title, a date written in the
text gives an *inferred* month, and the source falls back to the author, then
to the file's folder or name. Unusable files raise `CorpusFileError`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kqa.analysis import fold
from kqa.dates import date_problem, infer_date, normalize_date
from kqa.stopwords import STOPWORDS
from kqa.frontmatter import FrontMatterError, as_text, split_front_matter
from kqa.passages import is_boilerplate
from kqa.sources import JSONL_SUFFIXES, SUFFIXES, TEXT_SUFFIXES, SourceFile, content_digest, scan

__all__ = ["Article", "CorpusFileError", "NotAnAppend", "SUFFIXES", "SourceFile", "TEXT_SUFFIXES", "read_articles", "read_bytes", "read_text", "scan"]

FRONT_MATTER_KEYS = ("title", "source", "author", "date", "url")
# The same fields under the names other tools write (Hugo and newspaper3k `authors`,
# Open Graph `site_name`, Zotero `publication`, schema.org `headline`/`byline`); the
# first one present wins.
KEY_ALIASES = {
    "title": ("title", "headline"),
    "source": ("source", "publisher", "publication", "site_name", "sitename"),
    "author": ("author", "authors", "byline", "creator"),
    "url": ("url", "link", "canonical_url", "canonical"),
}
# Where exporters put the publication date when there is no `date` (Obsidian's web
# clipper, Hugo, news APIs, scrapers). Not `created`/`updated`/`lastmod`: the day a note
# was clipped or edited is not the news.
DATE_KEYS = ("date", "published", "publishdate", "pubdate", "published_at", "publishedat",
             "publish_date", "publication_date", "date_published", "datepublished")


class CorpusFileError(Exception):
    """A file (or record) that cannot be indexed; the message says why."""


class FileVanished(CorpusFileError):
    """The file was listed, then removed before it was read (a folder deleted
    during a long build): gone, not skipped."""


@dataclass
class Article:
    id: str
    relpath: str
    title: str
    source: str
    body: str
    author: str | None = None
    date: str | None = None
    date_inferred: bool = False
    source_inferred: bool = False  # `source` is the file's folder or name, standing in
    url: str | None = None
    content_start: int = 0  # passages start here (after a headline line)
    cited: str = ""  # source and author as the file gives them (no fallback): searched with the title
    line: int | None = None  # record's line in a .jsonl file
    extra: dict[str, str] = field(default_factory=dict)

    def meta(self) -> dict[str, object]:
        """Everything but the body, as stored in the index."""
        d = asdict(self)
        del d["body"]
        return d


class NotAnAppend(Exception):
    """A feed's indexed top is not as it was (or the rest cannot be read alone): read it whole."""


def read_text(path: Path) -> str:
    """File contents as text, or CorpusFileError saying what is wrong."""
    return _decoded(read_bytes(path))


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or FileVanished / CorpusFileError saying what is wrong."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise FileVanished(f"unreadable ({exc.strerror})") from None
    except OSError as exc:
        raise CorpusFileError(f"unreadable ({exc.strerror or exc})") from None


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _unix_lines(text: str) -> str:
    """Line ends as `\n` (Windows `\r\n`, old Mac `\r`): offsets and line numbers count them so."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decoded(data: bytes) -> str:
    if not data.strip():
        raise CorpusFileError("empty file")
    if data[:2] in _UTF16_BOMS:  # UTF-16 with its byte-order mark (Windows "Unicode")
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError:
            raise CorpusFileError("not valid UTF-16 (it starts with a UTF-16 byte-order mark)") from None
    if b"\x00" in data[:8192]:
        raise CorpusFileError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        hint = ""
        try:
            data.decode("cp1252")  # a Windows-saved article (£, curly quotes): say how to convert it
            hint = "; if it is Windows-1252: iconv -f cp1252 -t utf-8"
        except UnicodeDecodeError:
            pass
        raise CorpusFileError(f"not UTF-8 (byte 0x{bad} at offset {exc.start}{hint})") from None
    return _unix_lines(text)


def last_own_date(mtime_ns: int) -> dt.date:
    """The last day a date found in a file's text can be its own: a date written after
    the file was saved is a deadline, not the news (+1 day: time zones)."""
    try:
        return dt.date.fromtimestamp(mtime_ns / 1e9) + dt.timedelta(days=1)
    except (ValueError, OverflowError, OSError):  # a time past 9999 (tmpfs, XFS, btrfs keep one): no bound
        return dt.date.max


def read_articles(src: SourceFile, problems: list[str] | None = None,
                  appended_to: tuple[int, str] | None = None, data: bytes | None = None) -> list[Article]:
    """Articles in one file; bad records in a `.jsonl` are noted in `problems`.

    `appended_to`, the size and digest of a feed as it was indexed: only the
    records added below them are read (a feed grows by appending; re-reading
    every record each time took seconds). NotAnAppend when the top changed.
    `data`: the file's bytes, when the caller read them (`read_bytes`) to keep
    their digest: the digest is then of exactly what was indexed.
    """
    data = read_bytes(src.path) if data is None else data
    problems = problems if problems is not None else []
    if appended_to is not None:
        return _appended_records(src, data, *appended_to, problems)
    text = _decoded(data)
    if _OWN_OUTPUT.match(text):  # `kqa -q ... > hits.jsonl` in the articles folder
        raise CorpusFileError("kqa's own output (saved results), not an article")
    if src.relpath.lower().endswith(JSONL_SUFFIXES):
        return _jsonl_articles(src.relpath, text, problems, last_own_date(src.mtime_ns))
    return [_text_article(src.relpath, text, last_own_date(src.mtime_ns))]


def _appended_records(src: SourceFile, data: bytes, size: int, digest: str, problems: list[str]) -> list[Article]:
    """The records below a feed's first `size` bytes, numbered as a whole read numbers them."""
    top, rest = data[:size], data[size:]
    if not (top.endswith(b"\n") and rest and content_digest(top) == digest and top[:2] not in _UTF16_BOMS):
        raise NotAnAppend
    try:
        lines = _decoded(top).count("\n")  # line ends as a whole read counts them (`\r` too)
        if b"\x00" in rest[:8192]:
            raise NotAnAppend  # a whole read looks for NUL bytes in the top 8 KiB only: let it decide
        text = _unix_lines(rest.decode("utf-8"))
    except (CorpusFileError, UnicodeDecodeError):
        raise NotAnAppend from None  # a whole read says what is wrong, as it always did
    return _jsonl_articles(src.relpath, text, problems, last_own_date(src.mtime_ns), first_line=lines + 1)


# kqa's results saved in the folder they came from: read back, a copy would
# outrank its article and, as a duplicate, hide it (jsonl, the text format, tsv)
_OWN_OUTPUT = re.compile(
    r'\A(?:\s*\{"query": .*"rank": \d+, "score": .*"passage_id": '
    r"|(?:\? [^\n]*\n(?:  \(no results\)\n\n\? [^\n]*\n)*)?1\. [^\n]*\n   [^\n]* · score -?\d+\.\d\d\n"
    r"|query\trank\tscore\tdoc_id\t)"
)


_MD_HEADING = re.compile(r"^\s*#{1,6}\s+|\s+#+\s*$")  # `# Title` in Markdown: the title is `Title`


# a page's address or a byline ("By Jane Doe, Reuters") saved above the text: not what to cite as the title
_ADDRESS = re.compile(r"\s*<?(https?://|www\.)\S+>?\s*$")
_BYLINE = re.compile(r"\s*[Bb][Yy]\s+([A-Z][\w.'’-]*)\s+([A-Z][\w.'’-]*)")


def _is_byline(line: str) -> bool:
    """`By Jane Doe, Reuters`, not `By Any Measure, ...` or `By The Numbers: ...`:
    a name's first two words are not function words."""
    m = _BYLINE.match(line)
    return bool(m) and not any(w.lower().strip(".'’") in STOPWORDS for w in m.groups())


def _looks_like_headline(line: str, rest: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 25
        and any(c.isalnum() for c in line)  # not a Markdown rule (`---`, `***`)
        and not _ADDRESS.match(line)
        and not _is_byline(line)
        and len(line) <= 200
        and not line.rstrip().endswith((".", ",", ";", ":"))
        and (not rest or rest.startswith("\n") or not rest.strip())
    )


def _headline(body: str, given: str | None, fallback: str) -> tuple[str, int]:
    """The title (the given one, else a headline-like first line, else
    `fallback`) and where passages start: after a first line repeating it,
    so a passage never opens with the headline run into the first sentence."""
    leading = len(body) - len(body.lstrip())
    first, _, rest = body.lstrip().partition("\n")
    chrome = 0
    while rest.strip() and is_boilerplate(first):  # a web page's "Skip to main content" above its headline
        leading += len(first) + 1 + len(rest) - len(rest.lstrip())
        chrome = leading
        first, _, rest = rest.lstrip().partition("\n")
    headline = _MD_HEADING.sub("", first).strip() if _looks_like_headline(first, rest) else None
    title = given or headline or fallback
    return title, (leading + len(first) if headline and fold(headline) == fold(title) else chrome)


def _title_from_name(relpath: str) -> str:
    stem = Path(relpath).stem
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else relpath


def _address(source: str | None) -> str | None:
    """A `source` that is the page's address (Obsidian's web clipper writes it so)."""
    return source if source and re.match(r"https?://[^/\s]+", source) else None


def _site(source: str | None) -> str | None:
    """The source to cite: for an address, its site (`bloomberg.com`)."""
    address = _address(source)
    if address is None:
        return source
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:  # "https://[broken"
        return source
    return host.removeprefix("www.") or source


CITED_WORDS = 12  # enough for an outlet and a few writers; a paper's 150 authors would swamp every passage


def _cited(source: str | None, author: str | None) -> str:
    """The outlet and writer a user may name in a question ("according to
    Bloomberg"); a folder name standing in for a source is not one."""
    words = " ".join(dict.fromkeys(v for v in (_site(source), author) if v)).split()
    return " ".join(words[:CITED_WORDS])


def _fields(get: Callable[[str], str | None]) -> dict[str, str | None]:
    """title, source, author and url under their first alias present."""
    return {field: next((v for v in (get(k) for k in keys) if v), None) for field, keys in KEY_ALIASES.items()}


def _source(given: str | None, author: str | None, relpath: str) -> tuple[str, bool]:
    """The outlet to show, and whether it is only the folder or file name."""
    named = _site(given) or author
    return (named, False) if named else (_fallback_source(relpath), True)


def _fallback_source(relpath: str) -> str:
    parent = Path(relpath).parent.as_posix()
    return parent if parent not in ("", ".") else Path(relpath).stem


def _text_article(relpath: str, text: str, not_after: dt.date | None = None) -> Article:
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError as exc:
        raise CorpusFileError(str(exc)) from None
    if not body.strip():
        raise CorpusFileError("no article text")
    f = _fields(meta.get)
    title, content_start = _headline(body, f["title"], _title_from_name(relpath))
    source, source_inferred = _source(f["source"], f["author"], relpath)
    used = {k for keys in KEY_ALIASES.values() for k in keys} | set(FRONT_MATTER_KEYS)
    article = Article(
        id=str(Path(relpath).with_suffix("").as_posix()),
        relpath=relpath,
        title=title,
        source=source,
        source_inferred=source_inferred,
        body=body,
        author=f["author"],
        url=f["url"] or _address(f["source"]),
        content_start=content_start,
        cited=_cited(f["source"], f["author"]),
        extra={k: v for k, v in meta.items() if k not in used},
    )
    _set_date(article, _publication_date(meta), not_after)
    return article


def _publication_date(meta: dict[str, object]) -> object:
    """The first of DATE_KEYS with a value (keys in lower case)."""
    return next((meta[k] for k in DATE_KEYS if meta.get(k) not in (None, "")), None)


def _set_date(article: Article, raw: object, not_after: dt.date | None = None) -> None:
    if raw not in (None, ""):
        article.date = normalize_date(raw)
        if article.date is None:
            raise CorpusFileError(date_problem(raw))
        return
    article.date = infer_date(article.body, not_after)
    article.date_inferred = article.date is not None


def _jsonl_articles(relpath: str, text: str, problems: list[str],
                    not_after: dt.date | None = None, first_line: int = 1) -> list[Article]:
    """Every record; from `first_line` on, the lines appended below an indexed feed (none may be usable)."""
    articles: list[Article] = []
    for lineno, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            articles.append(_jsonl_record(relpath, lineno, line, not_after))
        except CorpusFileError as exc:
            problems.append(f"line {lineno}: {exc}")
    if not articles and first_line == 1:
        raise CorpusFileError("no usable records" + (f" ({problems[0]})" if problems else ""))
    return articles


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_chars(text: str) -> str:
    """JSON may escape half of a character (`"\\udc80"`, a cut emoji in scraped
    text); it cannot be written as UTF-8, so it becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


TITLE_CHARS = 100  # a title taken from a record's text: its first line, up to this long


def _clipped(line: str, limit: int) -> str:
    """`line` in at most `limit` characters: cut at the last word that fits, `…` marking the cut."""
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space].rstrip(" ,;:-–—")
    return cut + "…"


def _jsonl_record(relpath: str, lineno: int, line: str, not_after: dt.date | None = None) -> Article:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusFileError(f"malformed JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting 100,000 deep
        raise CorpusFileError(f"unreadable JSON ({type(exc).__name__})") from None
    if not isinstance(rec, dict):
        raise CorpusFileError("record is not a JSON object")
    body = rec.get("text")
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n\n".join(p.strip() for p in body if p.strip())  # a list of paragraphs, as some exports write it
    elif body is not None and not isinstance(body, str):
        raise CorpusFileError("'text' is not a string (nor a list of paragraphs)")
    if not body or not body.strip():
        raise CorpusFileError("record has no 'text'")
    body = _unix_lines(_whole_chars(body))  # line ends as in a .txt file

    def opt(key: str) -> str | None:
        value = rec.get(key)
        return _whole_chars(as_text(value)) or None  # {"name": "Reuters"} is Reuters, a list is "a, b"

    f = _fields(opt)
    title, content_start = _headline(body, f["title"], _clipped(body.strip().split("\n", 1)[0], TITLE_CHARS))
    source, source_inferred = _source(f["source"], f["author"], relpath)
    # no id: the web address, which stays when records are added above; the line number is the last resort
    article = Article(
        id=opt("id") or f["url"] or f"{Path(relpath).with_suffix('').as_posix()}:{lineno}",
        relpath=relpath,
        line=lineno,
        title=title,
        content_start=content_start,
        source=source,
        source_inferred=source_inferred,
        body=body,
        author=f["author"],
        url=f["url"] or _address(f["source"]),
        cited=_cited(f["source"], f["author"]),
    )
    _set_date(article, _publication_date({k.lower(): v for k, v in rec.items()}), not_after)
    return article
