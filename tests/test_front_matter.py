"""Article metadata as people's tools write it (note apps, site generators, feed
exports), read through `kqa -q ... --format json` as a script would."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from conftest import run_kqa

BODY = ("The trilateral agreement on the Lachin corridor was discussed at length by the three "
        "leaders, who met in Moscow to talk about transport links across the region.\n")


def hits(tmp_path: Path, files: dict[str, str], *args: str) -> tuple[dict[str, dict], str]:
    """Every article's top hit for the body's words, by file name; and stderr."""
    corpus = tmp_path / "articles"
    corpus.mkdir(exist_ok=True)
    copies = itertools.count()
    for name, text in files.items():  # each body its own text (a .jsonl record too): copies are shown once
        text = re.sub("the three leaders", lambda _: f"the three leaders ({next(copies)})", text)
        (corpus / name).write_bytes(text.encode("utf-8"))
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "trilateral Lachin corridor",
                "-k", "50", "--format", "json", *args)
    assert r.returncode in (0, 1), r.stderr
    out = {Path(h["path"]).name + (f":{h['line']}" if h["line"] else ""): h for h in json.loads(r.stdout or "[]")}
    return out, r.stderr


def test_yaml_lists_and_continued_values_are_read_not_skipped(tmp_path: Path) -> None:
    files = {
        "block.md": "---\ntitle: Block list\nauthor:\n  - Jane Doe\n  - John Roe\ntags:\n- armenia\n- russia\n"
                    "date: 2023-09-21\n---\n" + BODY,
        "flow.md": "---\ntitle: Flow list\nauthor: [Jane Doe, \"Roe, John\"]\ncategories: [news]\n---\n" + BODY,
        "folded.md": "---\ntitle: >-\n  A title folded\n  over two lines\nsource:\n  name: Reuters\n  id: rtr\n---\n" + BODY,
    }
    out, err = hits(tmp_path, files)
    assert "kqa: skipped" not in err
    assert (out["block.md"]["author"], out["block.md"]["source"], out["block.md"]["date"]) == (
        "Jane Doe, John Roe", "Jane Doe, John Roe", "2023-09-21")
    assert out["flow.md"]["author"] == "Jane Doe, Roe, John"
    assert (out["folded.md"]["title"], out["folded.md"]["source"]) == ("A title folded over two lines", "Reuters")
    out, _ = hits(tmp_path, {}, "--source", "john roe")
    assert sorted(out) == ["block.md"]


def test_quoted_values_lose_their_yaml_escapes(tmp_path: Path) -> None:
    files = {
        "single.md": "---\ntitle: 'It''s over: Karabakh'\nsource: 'The Economist'\n---\n" + BODY,
        "double.md": '---\ntitle: "He said \\"no\\" to Putin \\u2014 C:\\\\temp"\n---\n' + BODY,
        "plain.md": "---\ntitle: Don't say \"never\"\n---\n" + BODY,
        "emoji.md": '---\ntitle: "Fans \\ud83d\\ude00 and \\ud83d half"\n---\n' + BODY,
    }
    out, _ = hits(tmp_path, files)
    assert out["single.md"]["title"] == "It's over: Karabakh"
    assert out["double.md"]["title"] == 'He said "no" to Putin \u2014 C:\\temp'
    assert out["plain.md"]["title"] == "Don't say \"never\""
    assert out["emoji.md"]["title"] == "Fans \U0001f600 and \ufffd half"


def test_hugo_toml_front_matter_is_metadata_not_text(tmp_path: Path) -> None:
    files = {
        "hugo.md": '+++\ntitle = "Hugo: a TOML block"\ndate = 2023-09-21T23:30:00-05:00\nauthors = ["Jane"]\n'
                   'author = ["Jane Doe", "John Roe"]\n[params]\nsource = "nested, not used"\n+++\n' + BODY,
        "bad.md": '+++\ntitle = "unclosed string\n+++\n' + BODY,
    }
    out, err = hits(tmp_path, files, "--since", "2023-09-21", "--until", "2023-09-21")
    h = out["hugo.md"]
    assert (h["title"], h["author"], h["source"], h["date"], h["date_inferred"]) == (
        "Hugo: a TOML block", "Jane Doe, John Roe", "Jane Doe, John Roe", "2023-09-21", False)
    assert h["start"] == 0 and "+++" not in h["text"] and "title =" not in h["text"]
    assert "kqa: skipped" in err and "bad.md: malformed TOML front matter (" in err
    assert "bad.md" not in out


def test_jsonl_nested_and_list_fields_are_text_not_python_reprs(tmp_path: Path) -> None:
    records = [
        {"title": "NewsAPI shape", "text": BODY, "source": {"id": "reuters", "name": "Reuters"},
         "author": ["Jane Doe", "John Roe"], "date": "2023-09-21"},
        {"title": "Nulls", "text": BODY, "source": None, "author": None, "url": None},
        {"title": "Odd\nlines", "text": BODY, "source": {"id": "x"}, "author": True, "url": ["https://a.example/1"]},
    ]
    out, err = hits(tmp_path, {"feed.jsonl": "".join(json.dumps(r) + "\n" for r in records)})
    assert "kqa: skipped" not in err
    one, two, three = out["feed.jsonl:1"], out["feed.jsonl:2"], out["feed.jsonl:3"]
    assert (one["source"], one["author"]) == ("Reuters", "Jane Doe, John Roe")
    assert (two["source"], two["author"], two["url"]) == ("feed", None, None)
    assert (three["title"], three["source"], three["author"], three["url"]) == (
        "Odd lines", "feed", None, "https://a.example/1")


def test_publication_date_under_other_keys_is_the_date(tmp_path: Path) -> None:
    later = "The talks are due to resume on 2 October 2023 in Brussels. "
    records = [
        {"title": "NewsAPI", "text": later + BODY, "publishedAt": "2023-09-21T14:03:00Z"},
        {"title": "Scraper", "text": BODY, "published_at": "2023-09-21"},
        {"title": "Clip date only", "text": BODY, "created": "2024-01-05"},
    ]
    files = {
        "clipper.md": "---\ntitle: Web clip\npublished: 2023-09-21\ncreated: 2024-01-05\n---\n" + later + BODY,
        "hugo.md": "---\ntitle: Hugo\npublishDate: 2023-09-21T08:00:00+04:00\nlastmod: 2024-02-01\n---\n" + BODY,
        "both.md": "---\ntitle: Both\ndate: 2023-09-20\npublished: 2023-09-21\n---\n" + BODY,
        "feed.jsonl": "".join(json.dumps(r) + "\n" for r in records),
    }
    out, _ = hits(tmp_path, files, "--since", "2023-09-20", "--until", "2023-09-21")
    dated = {name: (h["date"], h["date_inferred"]) for name, h in out.items()}
    assert dated == {
        "clipper.md": ("2023-09-21", False), "hugo.md": ("2023-09-21", False), "both.md": ("2023-09-20", False),
        "feed.jsonl:1": ("2023-09-21", False), "feed.jsonl:2": ("2023-09-21", False),
    }


def test_a_url_or_byline_on_the_first_line_is_not_the_title(tmp_path: Path) -> None:
    files = {
        "armenia-closes-border.txt": "https://www.reuters.com/world/armenia-azerbaijan-2023-09-21/\n\n" + BODY,
        "linked.md": "<https://example.com/a>\n\n" + BODY,
        "moscow-talks.txt": "By Jane Doe and John Roe, Reuters\n\n" + BODY,
        "by-the-numbers.txt": "By the numbers: a corridor in figures\n\n" + BODY,
        "measure.txt": "By Any Measure, Inflation Is Cooling\n\n" + BODY,  # capitalised headlines, not names
        "exodus.txt": "By The Numbers: Karabakh Exodus\n\n" + BODY,
        "staff.txt": "By STAFF REPORTER, Reuters\n\n" + BODY,
    }
    out, _ = hits(tmp_path, files)
    assert out["armenia-closes-border.txt"]["title"] == "Armenia closes border"
    assert out["armenia-closes-border.txt"]["text"].startswith("https://www.reuters.com/")
    assert out["linked.md"]["title"] == "Linked"
    assert out["moscow-talks.txt"]["title"] == "Moscow talks"
    assert out["by-the-numbers.txt"]["title"] == "By the numbers: a corridor in figures"
    assert out["measure.txt"]["title"] == "By Any Measure, Inflation Is Cooling"
    assert out["exodus.txt"]["title"] == "By The Numbers: Karabakh Exodus"
    assert out["staff.txt"]["title"] == "Staff"


def test_obsidian_web_clipper_note(tmp_path: Path) -> None:
    note = ('---\ntitle: "Putin’s Tilt on Flashpoint Region Exposes Rift With Ally Armenia"\n'
            'source: "https://www.bloomberg.com/news/articles/2023-09-21/putin-s-tilt"\n'
            'author:\n  - "[[Jane Doe]]"\n  - "[[Ivan Petrov|I. Petrov]]"\npublished: 2023-09-21\ncreated: 2024-01-05\n'
            'description: "A week before Azerbaijan began..."\ntags:\n  - "clippings"\n---\n' + BODY)
    out, err = hits(tmp_path, {"Putin’s Tilt.md": note}, "--source", "bloomberg")
    h = out["Putin’s Tilt.md"]
    assert (h["source"], h["url"], h["author"], h["date"]) == (
        "bloomberg.com", "https://www.bloomberg.com/news/articles/2023-09-21/putin-s-tilt",
        "Jane Doe, I. Petrov", "2023-09-21")


def test_feed_and_cms_date_forms_are_the_day_written(tmp_path: Path) -> None:
    files = {
        "rss.md": "---\ntitle: RSS\ndate: Thu, 21 Sep 2023 23:30:00 -0500\n---\n" + BODY,
        "cms.md": "---\ntitle: CMS\ndate: 2023/09/21\n---\n" + BODY,
        "web.md": "---\ntitle: Web\ndate: \"Thursday, September 21, 2023 at 11:30 PM EDT\"\n---\n" + BODY,
        "us.md": "---\ntitle: US order\ndate: 09/21/2023\n---\n" + BODY,
        "eu.md": "---\ntitle: European order\ndate: 21.09.2023\n---\n" + BODY,
        "either.md": "---\ntitle: Either order\ndate: 09/03/2023\n---\n" + BODY,
    }
    out, err = hits(tmp_path, files, "--since", "2023-09-21", "--until", "2023-09-21")
    assert {name: h["date"] for name, h in out.items()} == {
        "rss.md": "2023-09-21", "cms.md": "2023-09-21", "web.md": "2023-09-21", "us.md": "2023-09-21",
        "eu.md": "2023-09-21"}
    skipped = [line for line in err.splitlines() if line.startswith("kqa: skipped")]
    assert skipped == [f"kqa: skipped {tmp_path / 'articles' / 'either.md'}: ambiguous date '09/03/2023' "
                       "(9 March or September 3?): write it as YYYY-MM-DD"]


def test_jsonl_unix_times_are_their_utc_day_other_numbers_refused(tmp_path: Path) -> None:
    records = [
        {"title": "Seconds", "text": BODY, "date": 1695304980},
        {"title": "Milliseconds", "text": BODY, "date": 1695304980123},
        {"title": "Float seconds", "text": BODY, "published_at": 1695340799.9},
        {"title": "YYYYMMDD", "text": BODY, "date": 20230921},
        {"title": "YYYYMMDDhhmm", "text": BODY, "date": 202309211403},
    ]
    out, err = hits(tmp_path, {"feed.jsonl": "".join(json.dumps(r) + "\n" for r in records)})
    assert {name: h["date"] for name, h in out.items()} == {
        "feed.jsonl:1": "2023-09-21", "feed.jsonl:2": "2023-09-21", "feed.jsonl:3": "2023-09-21"}
    assert "feed.jsonl line 4: unreadable date 20230921 (" in err
    assert "feed.jsonl line 5: unreadable date 202309211403 (" in err


def test_a_long_front_matter_block_is_read(tmp_path: Path) -> None:
    tags = "".join(f"  - tag{i}\n" for i in range(120))
    out, err = hits(tmp_path, {"tagged.md": "---\ntitle: Many tags\ndate: 2023-09-21\ntags:\n" + tags + "---\n" + BODY,
                               "open.md": "---\ntitle: Never closed\n" + BODY * 3})
    assert out["tagged.md"]["title"] == "Many tags" and "tag1" not in out["tagged.md"]["text"]
    assert f"{tmp_path / 'articles' / 'open.md'}: malformed front matter (no closing '---')" in err


def test_brackets_in_a_title_are_not_a_list(tmp_path: Path) -> None:
    out, _ = hits(tmp_path, {"video.md": "---\ntitle: [Video] Armenia closes the border [Updated]\n---\n" + BODY,
                             "wiki.md": "---\nauthor: [[Jane Doe]]\n---\n" + BODY})
    assert out["video.md"]["title"] == "[Video] Armenia closes the border [Updated]"
    assert out["wiki.md"]["author"] == "Jane Doe"


def test_a_list_of_people_written_as_mappings_is_their_names(tmp_path: Path) -> None:
    # `authors:` as Hugo themes and scrapers write it: each item a mapping; its name is the author
    files = {
        "people.md": "---\ntitle: People\nauthor:\n  - name: Jane Doe\n    url: https://example.com/jane\n"
                     "  - email: j@example.com\n    name: John Roe\ndate: 2023-09-21\n---\n" + BODY,
        # the same on one line, as YAML also allows (a news API's `source: {id: ..., name: ...}`)
        "flow.md": "---\ntitle: Flow\nsource: {id: reuters, name: \"Reuters, London\"}\n"
                   "author: [{name: Jane Doe, url: 'https://example.com/jane'}, {name: John Roe}]\n---\n" + BODY,
        "braces.md": "---\ntitle: {Update} Talks resume\nsource: {}\n---\n" + BODY,
        "roles.md": "---\ntitle: Roles\nauthor: [{name: Jane Doe, roles: [writer, editor]}, {name: John Roe}]\n---\n"
                    + BODY,
    }
    out, err = hits(tmp_path, files)
    assert "kqa: skipped" not in err
    assert (out["people.md"]["author"], out["people.md"]["source"]) == ("Jane Doe, John Roe", "Jane Doe, John Roe")
    assert (out["flow.md"]["author"], out["flow.md"]["source"]) == ("Jane Doe, John Roe", "Reuters, London")
    assert out["roles.md"]["author"] == "Jane Doe, John Roe"  # a list inside an item is the item's
    assert (out["braces.md"]["title"], out["braces.md"]["source"]) == ("{Update} Talks resume", "braces")  # no source: the file name


def test_indented_keys_are_keys_not_part_of_the_value_above(tmp_path: Path) -> None:
    # every key indented alike (or one by mistake): each is still its own key, as before lists were read
    files = {
        "indented.md": "---\n  title: Indented keys\n  date: 2023-09-21\n  source: Reuters\n---\n" + BODY,
        "stray.md": "---\ntitle: One stray indent\n date: 2023-09-22\n---\n" + BODY,
    }
    out, err = hits(tmp_path, files)
    assert "kqa: skipped" not in err
    assert (out["indented.md"]["title"], out["indented.md"]["date"], out["indented.md"]["source"]) == (
        "Indented keys", "2023-09-21", "Reuters")
    assert (out["stray.md"]["title"], out["stray.md"]["date"]) == ("One stray indent", "2023-09-22")


def test_yaml_nulls_comments_and_flow_mappings_over_lines(tmp_path: Path) -> None:
    files = {
        # PyYAML's safe_dump writes a missing value as `null`: no value, not the word (nor a skipped file)
        "nulls.md": "---\ntitle: Nulls\nsource: null\nauthor: ~\nurl: null\ndate: 2023-01-05\n---\n" + BODY,
        "nodate.md": "---\ntitle: No date\nsource: Reuters\ndate: NULL\n---\n" + BODY,
        "quoted.md": "---\ntitle: \"Quoted # kept\"\nsource: \"null\"\n---\n" + BODY,  # quoted: text
        # ` #` outside quotes starts a comment; a `#` inside a URL does not
        "comments.md": "---\ntitle: Comments # a note\nsource: {name: Reuters} # from the API\n"
                       "date: 21/09/2023 # local time\nurl: https://example.com/a#top\n---\n" + BODY,
        # a flow mapping spread over lines, closed at the start of a line; a list as its name
        "spread.md": "---\ntitle: Spread\nsource: {\n  name: Reuters,\n  id: rtr\n}\ndate: 2023-01-01\n---\n" + BODY,
        "names.md": "---\ntitle: Names\nsource: {name: [AP, AFP]}\n---\n" + BODY,
        "bracket.md": "---\ntitle: Results [part 1\nsource: Wire\n---\n" + BODY,  # a plain value: no collection
        "unclosed.md": "---\ntitle: Unclosed\nsource: {name: Wire\ndate: 2023-01-05\n---\n" + BODY,  # keys stay keys
        # a quote inside quotes (`''`, `\"`) does not end them: the ` #` after it is text
        "escaped.md": "---\ntitle: 'Don''t miss the #1 pick'\nsource: \"He said \\\"no\\\" to #1\"\n"
                      "author: ['it''s #1', B]\n---\n" + BODY,
    }
    out, err = hits(tmp_path, files)
    assert "kqa: skipped" not in err
    assert (out["nulls.md"]["source"], out["nulls.md"]["author"], out["nulls.md"]["url"]) == ("nulls", None, None)
    assert (out["nodate.md"]["date"], out["nodate.md"]["source"]) == (None, "Reuters")
    assert (out["quoted.md"]["title"], out["quoted.md"]["source"]) == ("Quoted # kept", "null")
    c = out["comments.md"]
    assert (c["title"], c["source"], c["date"], c["url"]) == ("Comments", "Reuters", "2023-09-21", "https://example.com/a#top")
    assert (out["spread.md"]["source"], out["spread.md"]["date"]) == ("Reuters", "2023-01-01")
    assert out["names.md"]["source"] == "AP, AFP"
    assert (out["bracket.md"]["title"], out["bracket.md"]["source"]) == ("Results [part 1", "Wire")
    assert (out["unclosed.md"]["source"], out["unclosed.md"]["date"]) == ("{name: Wire", "2023-01-05")
    e = out["escaped.md"]
    assert (e["title"], e["source"], e["author"]) == ("Don't miss the #1 pick", 'He said "no" to #1', "it's #1, B")


def test_a_markdown_rule_on_the_first_line_is_not_front_matter_and_dots_close_it(tmp_path: Path) -> None:
    """As Pandoc reads them: `---` then a blank line is a rule; YAML's `...` ends a block."""
    out, err = hits(tmp_path, {"rule.md": "---\n\n" + BODY,
                               "dots.md": "---\ntitle: Closed with dots\ndate: 2023-09-21\n...\n" + BODY})
    assert "skipped /" not in err
    assert out["rule.md"]["title"] == "Rule" and out["rule.md"]["text"].startswith(BODY[:40])
    assert out["dots.md"]["title"] == "Closed with dots" and out["dots.md"]["date"] == "2023-09-21"
    assert out["dots.md"]["text"].startswith(BODY[:40])


def test_front_matter_after_blank_lines_is_still_metadata(tmp_path: Path) -> None:
    """An editor or a script may leave a blank line above the block; Pandoc still
    reads it as metadata, and indexing it as text lost the title and date."""
    out, err = hits(tmp_path, {"blank.md": "\n\n---\ntitle: After a blank line\ndate: 2023-02-01\n---\n" + BODY,
                               "crlf.md": "\r\n---\r\ntitle: Windows\r\n---\r\n" + BODY})
    assert "skipped /" not in err
    assert out["blank.md"]["title"] == "After a blank line" and out["blank.md"]["date"] == "2023-02-01"
    assert out["blank.md"]["text"].startswith(BODY[:40]) and "title:" not in out["blank.md"]["text"]
    assert out["crlf.md"]["title"] == "Windows"


def test_a_page_copied_from_a_browser_is_cited_by_its_headline_not_its_navigation(tmp_path: Path) -> None:
    page = "\n\n".join([
        "Skip to main content", "Accessibility links", "Port talks on the Lachin corridor resume",
        "Share\nSave", "Image source, Getty Images\nImage caption, Leaders met in Moscow on Friday",
        BODY.strip(), "Read more: Why the corridor matters",
        "\"We have no choice,\" the trilateral group said of the corridor in a statement on Friday.",
        "Related Topics\nArmenia\nAzerbaijan", "More on this story", "Cookie settings",
    ]) + "\n"
    out, _ = hits(tmp_path, {"page.txt": page})
    hit = out["page.txt"]
    assert hit["title"] == "Port talks on the Lachin corridor resume"
    r = run_kqa("--corpus", str(tmp_path / "articles"), "--index", str(tmp_path / "ix"), "-q",
                "trilateral corridor Getty Moscow Friday", "-k", "10", "--format", "jsonl")
    texts = "\n".join(json.loads(line)["text"] for line in r.stdout.splitlines())
    for chrome in ("Skip to", "Accessibility", "Save", "Image source", "Read more", "Related Topics",
                   "Azerbaijan", "More on this story", "Cookie"):
        assert chrome not in texts, chrome
    assert "We have no choice" in texts and BODY[:40] in texts


def test_metadata_under_other_tools_names_is_read_and_a_stand_in_source_is_flagged(tmp_path: Path) -> None:
    """Hugo/newspaper3k `authors`, Open Graph `site_name`, Zotero `publication`,
    schema.org `headline`/`byline`, `link`: read as title, source, author, url.
    A source that is only the folder or file name says so in JSON."""
    record = {"headline": "Feed headline", "text": BODY, "authors": ["Jane Doe", "John Roe"],
              "site_name": "Reuters", "link": "https://example.com/feed", "date": "2023-03-03"}
    out, _ = hits(tmp_path, {
        "hugo.md": "---\ntitle: Hugo post\nauthors: [\"Jane Doe\", \"John Roe\"]\ndate: 2023-09-21\n---\n" + BODY,
        "sofia.md": "---\ntitle: Sofia piece\npublisher: The Sofia Globe\nlink: https://sofiaglobe.com/x\n---\n" + BODY,
        "keys.md": "---\nheadline: Headline key\npublication: The Guardian\nbyline: Jane Doe\n"
                   "canonical_url: https://theguardian.com/x\n---\n" + BODY,
        "bare.md": BODY,
        "feed.jsonl": json.dumps(record) + "\n",
    })
    got = {name: (h["title"], h["source"], h["source_inferred"], h["author"], h["url"]) for name, h in out.items()}
    assert got == {
        "hugo.md": ("Hugo post", "Jane Doe, John Roe", False, "Jane Doe, John Roe", None),
        "sofia.md": ("Sofia piece", "The Sofia Globe", False, None, "https://sofiaglobe.com/x"),
        "keys.md": ("Headline key", "The Guardian", False, "Jane Doe", "https://theguardian.com/x"),
        "bare.md": ("Bare", "bare", True, None, None),
        "feed.jsonl:1": ("Feed headline", "Reuters", False, "Jane Doe, John Roe", "https://example.com/feed"),
    }
