"""Reading a folder of articles: metadata, fallbacks, and every kind of bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import BBC, BUNDLED, SHARED, needs
from kqa.corpus import CorpusFileError, FileVanished, SourceFile, read_articles, read_text, scan

SEEDS = SHARED / "seeds"


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def source(root: Path, rel: str) -> SourceFile:
    matches = [s for s in scan(root) if s.relpath == rel]
    assert matches, f"{rel} not found by scan()"
    return matches[0]


def load(root: Path, rel: str, content: str | bytes, problems: list[str] | None = None):
    write(root, rel, content)
    return read_articles(source(root, rel), problems)


def load_one(root: Path, rel: str, content: str | bytes):
    articles = load(root, rel, content)
    assert len(articles) == 1
    return articles[0]


BODY = ("The trilateral agreement was discussed at length by the three leaders, who met "
        "in Moscow to talk about transport links across the region.\n")


# --- the bundled corpus -------------------------------------------------------------

def bundled() -> dict[str, object]:
    out = {}
    for src in scan(BUNDLED):
        (article,) = read_articles(src)
        out[src.relpath[:3]] = article
    return out


def test_bundled_corpus_has_five_articles_in_order() -> None:
    rels = [s.relpath for s in scan(BUNDLED)]
    assert rels == sorted(p.name for p in BUNDLED.glob("*.txt"))
    assert [r[:3] for r in rels] == ["000", "001", "002", "003", "004"]


SOFIA = "https://sofiaglobe.com/2023/05/08/russia-main-obstacle-in-negotiations-between-armenia-and-azerbaijan/"
GEO = "https://geopoliticsandempire.com/2022/11/26/russia-armenia-pashinyans-slap-in-putins-face/"


@pytest.mark.parametrize(
    ("key", "title", "source_", "author", "date", "url"),
    [
        ("000", "Armenia – Azerbaijan: Why Is Putin twisting Pashinyan’s arm?", "CDMedia", None, "2021-01-12", None),
        ("001", "Is this the end of Russian-Armenian friendship?", "Insight News Media", None, "2023-11", None),
        ("002", "Putin’s Tilt on Flashpoint Region Exposes Rift With Ally Armenia", "Bloomberg", None,
         "2023-09-21", None),
        ("003", "Russia – main obstacle in negotiations between Armenia and Azerbaijan", "The Sofia Globe",
         "Igor Chalenko", "2023-05-08", SOFIA),
        ("004", "Russia-Armenia: Pashinyan’s Slap in Putin’s Face", "Geopolitics & Empire", "Nikola Mikovic",
         "2022-11-26", GEO),
    ],
)
def test_bundled_corpus_metadata(
    key: str, title: str, source_: str, author: str | None, date: str, url: str | None
) -> None:
    article = bundled()[key]
    assert article.title == title
    assert article.source == source_
    assert article.author == author
    assert article.date == date
    assert article.date_inferred is False
    assert article.url == url
    assert article.extra == {}
    assert article.id == Path(article.relpath).stem
    assert article.line is None


def test_bundled_headlines_are_skipped_by_content_start_but_004_has_none() -> None:
    articles = bundled()
    for key in ("000", "001", "002", "003"):
        a = articles[key]
        assert a.content_start > 0
        assert a.body[: a.content_start].strip() == a.title
        assert a.body[a.content_start :].startswith("\n")
    a4 = articles["004"]
    assert a4.content_start == 0
    assert a4.body.startswith("Armenia, Russia’s nominal ally")


@needs(SEEDS)
@pytest.mark.parametrize("name", sorted(p.name for p in BUNDLED.glob("*.txt")))
def test_bundled_body_equals_seed_byte_for_byte(name: str) -> None:
    (article,) = read_articles(source(BUNDLED, name))
    seed = (SEEDS / name).read_bytes()
    assert article.body.encode("utf-8") == seed
    # and the raw file is exactly front matter + seed
    raw = (BUNDLED / name).read_bytes()
    assert raw.startswith(b"---\n") and raw.endswith(seed)


def test_meta_is_everything_but_the_body() -> None:
    a = bundled()["000"]
    meta = a.meta()
    assert "body" not in meta
    assert meta["title"] == a.title and meta["source"] == "CDMedia" and meta["date"] == "2021-01-12"
    assert meta["content_start"] == a.content_start
    json.dumps(meta)  # storable


# --- scanning ------------------------------------------------------------------------

def test_scan_finds_txt_md_jsonl_recursively_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ("b.txt", "a.md", "c.jsonl", "UPPER.TXT", "notes.pdf", "page.html", "README",
                ".hidden.txt", ".git/config.txt", "sub/.secret.md", ".cache/x.txt",
                "sub/inner/deep.txt", "sub/z.md", "aa/first.txt"):
        write(tmp_path, rel, "x")
    found = [s.relpath for s in scan(tmp_path)]
    assert found == ["UPPER.TXT", "a.md", "b.txt", "c.jsonl", "aa/first.txt", "sub/z.md",
                     "sub/inner/deep.txt"]


def test_scan_paths_are_the_corpus_path_joined_with_the_posix_relpath(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("Title\n\nText.\n", "utf-8")
    (tmp_path / "top.md").write_text("Text.\n", "utf-8")
    (tmp_path / "caf\u00e9.txt").write_text("Text.\n", "utf-8")
    for root in (tmp_path, tmp_path / "." / "a" / ".."):
        found = list(scan(root))
        assert [f.relpath for f in found] == ["caf\u00e9.txt", "top.md", "a/b/x.txt"]
        for f in found:
            assert isinstance(f.path, Path)
            assert f.path == Path(root, f.relpath)
            assert f.path.read_bytes() == (tmp_path / f.relpath).read_bytes()


def test_scan_signature_tracks_size_mtime_and_ctime(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "hello")
    os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    (src,) = scan(tmp_path)
    assert src.path == path
    assert src.size == 5
    assert src.signature == [5, 2_000_000_000, path.stat().st_ctime_ns]


def test_same_size_edit_with_its_time_put_back_is_seen(bundled_copy: Path, tmp_path: Path) -> None:
    from kqa.indexer import open_index
    from kqa.search import Searcher

    target = bundled_copy / "003_f1439a8cd7274eed.txt"
    open_index(bundled_copy, tmp_path / "ix")
    before = target.stat()
    target.write_text(target.read_text("utf-8").replace("SIPRI", "SIPRO"), "utf-8")  # `rsync -t` style:
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, mtime restored
    index, report = open_index(bundled_copy, tmp_path / "ix")
    assert report is not None and report.files_read == 1
    assert "sipro" in index.vocab and "SIPRO" in Searcher(index).search("SIPRO", k=1)[0].text


def test_scan_skips_dangling_symlink(tmp_path: Path) -> None:
    write(tmp_path, "ok.txt", "x")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert [s.relpath for s in scan(tmp_path)] == ["ok.txt"]


# --- titles and headlines ----------------------------------------------------------------

def test_scan_lists_a_file_reached_twice_once_by_its_own_path(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text("Text.\n", "utf-8")
    (tmp_path / "a" / "other.txt").write_text("More.\n", "utf-8")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "a" / "story.txt")
    (tmp_path / "0-linked-folder").symlink_to(tmp_path / "a")  # walked before a/
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("Elsewhere.\n", "utf-8")
    (tmp_path / "b.txt").symlink_to(outside)
    (tmp_path / "c.txt").symlink_to(outside)
    found = [s.relpath for s in scan(tmp_path)]
    assert sorted(found) == ["a/other.txt", "a/story.txt", "b.txt"]  # not alias.txt, 0-linked-folder/, c.txt


def test_scan_skips_another_kqa_index_inside_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Text.\n", "utf-8")
    gen = tmp_path / "old-index" / "gen-1-1"
    gen.mkdir(parents=True)
    (gen / "bodies.txt").write_text("Text.\n", "utf-8")
    (tmp_path / "old-index" / "current").symlink_to("gen-1-1")
    assert [s.relpath for s in scan(tmp_path)] == ["story.txt"]


def test_scan_reports_broken_links_and_unreadable_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.txt").write_text("Text.\n", "utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("Hidden.\n", "utf-8")
    real_scandir = os.scandir

    def scandir(path):  # as if the folder were mode 000 (root reads those anyway)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems: list[tuple[str, str]] = []
    assert [s.relpath for s in scan(tmp_path, problems=problems)] == ["ok.txt"]
    assert sorted(problems) == [("gone.txt", "broken link"), ("locked/", "unreadable folder (Permission denied)")]


def test_headline_first_line_becomes_title_and_is_skipped(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "Putin hosts talks in Moscow\n\n" + BODY)
    assert a.title == "Putin hosts talks in Moscow"
    assert a.body[a.content_start :].lstrip() == BODY


def test_markdown_heading_marks_are_not_part_of_the_title(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.md", "# Ferrovia strike halts trains ##\n\n" + BODY)
    assert a.title == "Ferrovia strike halts trains"
    assert a.body[a.content_start :].lstrip() == BODY


def test_headline_after_leading_blank_lines(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "\n\n  Putin hosts talks\n\n" + BODY)
    assert a.title == "Putin hosts talks"
    assert a.body[: a.content_start].strip() == "Putin hosts talks"


@pytest.mark.parametrize(
    "first",
    [
        "This sentence ends with a full stop.",
        "A line ending with a colon:",
        "A line ending with a comma,",
        " ".join(["word"] * 26),  # too many words for a headline
    ],
)
def test_non_headline_first_line_gives_title_from_file_name(tmp_path: Path, first: str) -> None:
    a = load_one(tmp_path, "my_news-story.txt", first + "\n\n" + BODY)
    assert a.title == "My news story"
    assert a.content_start == 0


def test_first_line_without_blank_line_after_is_not_a_headline(tmp_path: Path) -> None:
    a = load_one(tmp_path, "story.txt", "Putin hosts talks\nin Moscow on Monday with both leaders\n")
    assert a.title == "Story"
    assert a.content_start == 0


def test_question_headline_is_accepted(tmp_path: Path) -> None:
    a = load_one(tmp_path, "q.txt", "Why is Putin twisting Pashinyan’s arm?\n\n" + BODY)
    assert a.title == "Why is Putin twisting Pashinyan’s arm?"
    assert a.content_start > 0


def test_front_matter_title_wins_and_matching_headline_is_skipped(tmp_path: Path) -> None:
    # same headline modulo curly quotes and case: still recognised as the headline
    a = load_one(tmp_path, "x.txt", "---\ntitle: Putin's arm twisting\n---\nPUTIN’S ARM TWISTING\n\n" + BODY)
    assert a.title == "Putin's arm twisting"
    assert a.content_start > 0
    assert a.body[a.content_start :].strip() == BODY.strip()


def test_front_matter_title_different_from_first_line_keeps_that_line(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "---\ntitle: Official title\n---\nA different headline\n\n" + BODY)
    assert a.title == "Official title"
    assert a.content_start == 0


# --- front matter ----------------------------------------------------------------------

def test_front_matter_keys_quotes_comments_and_extras(tmp_path: Path) -> None:
    text = (
        "---\n"
        "# a comment\n"
        "Title: \"Quoted: title\"\n"
        "source: 'Agency'\n"
        "author: Jane Doe\n"
        "date: 2023-11-21\n"
        "url: https://example.com/a?b=1\n"
        "\n"
        "section: World\n"
        "---\n" + BODY
    )
    a = load_one(tmp_path, "x.md", text)
    assert a.title == "Quoted: title"
    assert a.source == "Agency"
    assert a.author == "Jane Doe"
    assert a.date == "2023-11-21" and a.date_inferred is False
    assert a.url == "https://example.com/a?b=1"
    assert a.extra == {"section": "World"}
    assert a.body == BODY


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    raw = ("\ufeff---\r\ntitle: T\r\nsource: S\r\n---\r\n" + BODY.replace("\n", "\r\n")).encode("utf-8")
    a = load_one(tmp_path, "x.txt", raw)
    assert (a.title, a.source) == ("T", "S")
    assert a.body == BODY


def test_front_matter_date_month_only_is_kept_partial(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "---\ndate: November 2023\n---\n" + BODY)
    assert a.date == "2023-11" and a.date_inferred is False


def test_empty_front_matter_date_falls_back_to_inference(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "---\ndate:\n---\nJanuary 12, 2021\n\nThey met. " + BODY)
    assert a.date == "2021-01-12" and a.date_inferred is True


def test_front_matter_opening_delimiter_tolerates_trailing_space(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "--- \ntitle: T\n---\n" + BODY)
    assert a.title == "T"


# --- dates inferred from text --------------------------------------------------------------

def test_date_inferred_from_text_is_marked_inferred(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "Moscow deal\n\nBy Jane Doe, January 12, 2021\n\nLeaders met in Moscow to sign a deal.\n")
    assert a.date == "2021-01-12"
    assert a.date_inferred is True
    story = load_one(tmp_path, "y.txt", "Moscow deal\n\nLeaders met in Moscow on January 12, 2021 to sign a deal.\n")
    assert story.date is None  # a date in the story is an event it reports


def test_no_date_when_nothing_datable(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "Leaders met in Moscow in November 2020 to sign a deal.\n")
    assert a.date is None
    assert a.date_inferred is False


# --- source fallbacks -------------------------------------------------------------------------

def test_source_falls_back_to_author(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "---\nauthor: Igor Chalenko\n---\n" + BODY)
    assert a.source == "Igor Chalenko" and a.author == "Igor Chalenko"


def test_source_wins_over_author(tmp_path: Path) -> None:
    a = load_one(tmp_path, "x.txt", "---\nsource: Bloomberg\nauthor: Jane\n---\n" + BODY)
    assert a.source == "Bloomberg" and a.author == "Jane"


def test_source_falls_back_to_folder_then_file_name(tmp_path: Path) -> None:
    nested = load_one(tmp_path, "bbc/politics/017.txt", BODY)
    assert nested.source == "bbc/politics"
    assert nested.id == "bbc/politics/017"
    assert nested.relpath == "bbc/politics/017.txt"
    top = load_one(tmp_path, "cdmedia-story.md", BODY)
    assert top.source == "cdmedia-story"
    assert top.author is None


# --- bad input ------------------------------------------------------------------------------

def error_for(tmp_path: Path, rel: str, content: str | bytes) -> str:
    with pytest.raises(CorpusFileError) as info:
        load(tmp_path, rel, content)
    return str(info.value)


def test_not_utf8_is_rejected_with_byte_and_offset(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.txt", "Price: ".encode() + b"\xa310 million\n")
    assert msg == "not UTF-8 (byte 0xa3 at offset 7; if it is Windows-1252: iconv -f cp1252 -t utf-8)"
    msg = error_for(tmp_path, "y.txt", "Price: ".encode() + b"\x81\x8d\x8f\x90\x9d\n")  # not Windows-1252 either
    assert msg == "not UTF-8 (byte 0x81 at offset 7)"


@needs(BBC / "sport" / "199.txt")
def test_real_bbc_file_not_utf8() -> None:
    with pytest.raises(CorpusFileError, match=r"^not UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+; if it is Windows-1252: iconv -f cp1252 -t utf-8\)$"):
        read_articles(source(BBC, "sport/199.txt"))


@needs(BBC / "sport" / "001.txt")
def test_real_bbc_file_headline_and_folder_source() -> None:
    (a,) = read_articles(source(BBC, "sport/001.txt"))
    assert a.title == "Claxton hunting first major medal"
    assert a.source == "sport"
    assert a.id == "sport/001"
    assert a.content_start == len("Claxton hunting first major medal")


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \r\n"])
def test_empty_or_whitespace_file(tmp_path: Path, content: bytes) -> None:
    assert error_for(tmp_path, "x.txt", content) == "empty file"


def test_binary_file_with_nul(tmp_path: Path) -> None:
    assert error_for(tmp_path, "x.txt", b"PK\x03\x04\x00\x00 some zip") == "binary file (contains NUL bytes)"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    data = ("\ufeff" if encoding.endswith("be") else "") + "Yerevan office under Ködür\n\n" + BODY
    article = load_one(tmp_path, "x.txt", data.encode(encoding))  # Windows Notepad's "Unicode"
    assert article.title == "Yerevan office under Ködür" and article.body.endswith(BODY)


def test_utf16_without_byte_order_mark_counts_as_binary(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.txt", "Hello world".encode("utf-16-le"))
    assert msg.startswith("binary file")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read mode-000 files")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", BODY)
    path.chmod(0)
    try:
        src = source(tmp_path, "x.txt")
        with pytest.raises(CorpusFileError, match=r"^unreadable \("):
            read_articles(src)
    finally:
        path.chmod(0o644)


def test_unreadable_path_even_as_root(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(CorpusFileError, match=r"^unreadable \("):
        read_text(tmp_path / "dir.txt")
    with pytest.raises(FileVanished, match=r"^unreadable \("):  # listed, then removed: the build drops it
        read_text(tmp_path / "missing.txt")


def test_front_matter_without_closing_delimiter(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.txt", "---\ntitle: T\nsource: S\n" + BODY)
    assert msg == "malformed front matter (no closing '---')"


def test_front_matter_line_without_colon(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.txt", "---\ntitle: T\nthis is not a key value\n---\n" + BODY)
    assert msg == "malformed front matter (line 3: expected 'key: value')"


def test_front_matter_empty_key(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.txt", "---\n: value\n---\n" + BODY)
    assert msg.startswith("malformed front matter (line 2")


@pytest.mark.parametrize(("bad", "why"), [
    ("2023-13-01", "no such date '2023-13-01': there is no month 13"),
    ("2023-02-30", "no such date '2023-02-30': February 2023 has 28 days"),
    ("last Tuesday", "unreadable date 'last Tuesday'"),
    ("31/02/2021", "no such date '31/02/2021': February 2021 has 28 days"),
    ("13/13/2021", "no such date '13/13/2021': there is no month 13")])
def test_bad_date_in_front_matter(tmp_path: Path, bad: str, why: str) -> None:
    msg = error_for(tmp_path, "x.txt", f"---\ndate: {bad}\n---\n" + BODY)
    assert msg.startswith(why)


def test_a_date_whose_day_and_month_could_swap_is_refused_with_both_readings(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.txt", "---\ndate: 12/01/2021\n---\n" + BODY)
    assert msg == "ambiguous date '12/01/2021' (12 January or December 1?): write it as YYYY-MM-DD"


def test_front_matter_only_has_no_article_text(tmp_path: Path) -> None:
    assert error_for(tmp_path, "x.txt", "---\ntitle: T\n---\n\n  \n") == "no article text"


# --- .md and nested folders ----------------------------------------------------------------

def test_markdown_and_nested_folders_are_read(tmp_path: Path) -> None:
    write(tmp_path, "top.txt", "Top story\n\n" + BODY)
    write(tmp_path, "region/caucasus/deep.md", "---\ntitle: Deep\nsource: Agency\n---\n" + BODY)
    write(tmp_path, "region/.drafts/hidden.md", BODY)
    articles = [a for src in scan(tmp_path) for a in read_articles(src)]
    assert [(a.id, a.title, a.source) for a in articles] == [
        ("top", "Top story", "top"),
        ("region/caucasus/deep", "Deep", "Agency"),
    ]


# --- .jsonl ---------------------------------------------------------------------------------

def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_jsonl_records_with_metadata_and_defaults(tmp_path: Path) -> None:
    text = jsonl(
        {"id": "a1", "title": "First", "text": BODY, "source": "Agency", "date": "2023-11-21",
         "url": "https://example.com/1", "author": "Jane"},
        {"text": "Untitled first line\nJanuary 12, 2021\nmore text.", "author": "Igor"},
        {"id": 7, "text": "Numbers as ids. " + BODY, "date": 2020},
    )
    a, b, c = load(tmp_path, "feed/news.jsonl", text)
    assert (a.id, a.title, a.source, a.author, a.date, a.date_inferred, a.url, a.line) == (
        "a1", "First", "Agency", "Jane", "2023-11-21", False, "https://example.com/1", 1)
    assert a.body == BODY and a.relpath == "feed/news.jsonl"
    assert (b.id, b.title, b.source, b.date, b.date_inferred, b.line) == (
        "feed/news:2", "Untitled first line", "Igor", "2021-01-12", True, 2)
    assert (c.id, c.source, c.date, c.date_inferred) == ("7", "feed", "2020", False)


def test_a_jsonl_record_without_an_id_is_named_by_its_url_which_survives_an_insert(tmp_path: Path) -> None:
    # named by line, a record inserted above renamed every later one (and a question's "doc" went stale)
    rec = {"text": BODY, "url": "https://example.com/story"}
    (a,) = load(tmp_path, "feed.jsonl", jsonl(rec))
    _, b = load(tmp_path, "feed.jsonl", jsonl({"text": "Inserted above. " + BODY}, rec))
    assert a.id == b.id == "https://example.com/story" and (a.line, b.line) == (1, 2)


def test_jsonl_title_from_text_is_capped(tmp_path: Path) -> None:
    (a,) = load(tmp_path, "x.jsonl", jsonl({"text": "w" * 300}))
    assert a.title == "w" * 99 + "…"
    words = "Armenia and Azerbaijan agreed on Thursday to open talks on the corridor, officials in Yerevan, Baku " \
            "and Moscow said."
    (b,) = load(tmp_path, "y.jsonl", jsonl({"text": words}))
    assert b.title == "Armenia and Azerbaijan agreed on Thursday to open talks on the corridor, officials in Yerevan…"
    (c,) = load(tmp_path, "z.jsonl", jsonl({"text": words[:100] + "\nMore text."}))
    assert c.title == words[:100]  # a first line that fits is whole



def test_jsonl_text_as_a_list_is_its_paragraphs(tmp_path: Path) -> None:
    text = jsonl({"title": "Listed", "text": ["First paragraph. " + BODY, "  ", "Second paragraph here."]},
                 {"text": {"body": BODY}}, {"text": [BODY, 3]})
    problems: list[str] = []
    (article,) = load(tmp_path, "x.jsonl", text, problems)
    assert article.body.endswith("\n\nSecond paragraph here.") and "\n\n\n" not in article.body
    assert problems == ["line 2: 'text' is not a string (nor a list of paragraphs)",
                        "line 3: 'text' is not a string (nor a list of paragraphs)"]

def test_jsonl_malformed_line_skipped_other_records_kept(tmp_path: Path) -> None:
    text = jsonl(
        {"text": "Good one. " + BODY},
        '{"text": "broken',
        "",
        "[1, 2, 3]",
        {"title": "no text"},
        {"text": "   "},
        {"text": "Bad date. " + BODY, "date": "2023-02-30"},
        {"text": "Good two. " + BODY},
    )
    problems: list[str] = []
    articles = load(tmp_path, "x.jsonl", text, problems)
    assert [a.line for a in articles] == [1, 8]
    assert [a.id for a in articles] == ["x:1", "x:8"]
    assert len(problems) == 5
    assert problems[0].startswith("line 2: malformed JSON")
    assert problems[1] == "line 4: record is not a JSON object"
    assert problems[2] == "line 5: record has no 'text'"
    assert problems[3] == "line 6: record has no 'text'"
    assert problems[4] == "line 7: no such date '2023-02-30': February 2023 has 28 days"


def test_jsonl_problems_optional(tmp_path: Path) -> None:
    articles = load(tmp_path, "x.jsonl", jsonl({"text": BODY}, "nope"))
    assert len(articles) == 1


def test_jsonl_without_usable_records(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "x.jsonl", jsonl("not json", {"title": "no text"}))
    assert msg.startswith("no usable records (line 1: malformed JSON")


def test_jsonl_blank_only_lines_is_empty(tmp_path: Path) -> None:
    assert error_for(tmp_path, "x.jsonl", "\n\n") == "empty file"


def test_cited_is_the_source_and_author_the_file_gives(tmp_path: Path) -> None:
    given = load_one(tmp_path, "a.md", "---\ntitle: T\nsource: The Sofia Globe\nauthor: Igor Chalenko\n---\n" + BODY)
    site = load_one(tmp_path, "b.md", "---\nsource: https://www.bloomberg.com/news/x\n---\n" + BODY)
    alone = load_one(tmp_path, "c.md", "---\nauthor: Jane Doe\n---\n" + BODY)
    folder = load_one(tmp_path, "wires/d.txt", BODY)
    (record,) = load(tmp_path, "e.jsonl", jsonl({"text": BODY, "source": {"name": "Reuters"}, "author": "Reuters"}))
    assert [a.cited for a in (given, site, alone, folder, record)] == [
        "The Sofia Globe Igor Chalenko", "bloomberg.com", "Jane Doe", "", "Reuters"]
    assert (alone.source, folder.source) == ("Jane Doe", "wires")  # shown as before
    many = ", ".join(f"Author{i} Name{i}" for i in range(150))
    paper = load_one(tmp_path, "f.md", f"---\nsource: Journal\nauthor: {many}\n---\n" + BODY)
    assert paper.cited.split() == f"Journal {many}".split()[:12] and paper.author == many  # shown whole, searched in part


@pytest.mark.parametrize(("date", "why"), [
    ("true", "unreadable date true (use YYYY"), ('{"$date": "2023-01-01T00:00:00Z"}', 'unreadable date {"$date": "2023-01-01T00:00:00Z"}'),
    ('["2023", "2024"]', 'unreadable date ["2023", "2024"]'), ('"soon"', "unreadable date 'soon'")])
def test_a_bad_jsonl_date_is_shown_as_the_file_wrote_it(tmp_path: Path, date: str, why: str) -> None:
    """JSON input echoed as JSON (`true`), not as Python (`True`, `{'$date': ...}`)."""
    write(tmp_path, "feed.jsonl", '{"text": "Body.", "date": ' + date + '}\n{"text": "Other body."}\n')
    problems: list[str] = []
    [article] = read_articles(next(iter(scan(tmp_path))), problems)
    assert problems[0].startswith(f"line 1: {why}"), problems
