"""An incremental refresh writes exactly the generation a full rebuild would."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from conftest import BBC, needs
from kqa import store
from kqa.index import ARRAY_KEYS, load
from kqa.indexer import open_index

_VOLATILE = {"built_at", "files"}  # the build time, and checksums of files compared below


def _assert_same_generation(refreshed: Path, rebuilt: Path) -> None:
    a, b = store.live_generation(refreshed), store.live_generation(rebuilt)
    for key in ARRAY_KEYS:
        x, y = np.load(a / f"{key}.npy"), np.load(b / f"{key}.npy")
        assert x.dtype == y.dtype, key
        np.testing.assert_array_equal(x, y, err_msg=key)
    for name in ("vocab.json", "stems.json", "sources.json", "articles.jsonl", "bodies.txt"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ma, mb = (json.loads((g / "manifest.json").read_text("utf-8")) for g in (a, b))
    assert {k: v for k, v in ma.items() if k not in _VOLATILE} == {k: v for k, v in mb.items() if k not in _VOLATILE}
    assert sorted(ma["files"]) == sorted(mb["files"])


def _change_and_compare(corpus: Path, tmp_path: Path, changes: list[Callable[[], None]]) -> None:
    ix = tmp_path / "ix"
    open_index(corpus, ix)
    for change in changes:
        change()
        _, report = open_index(corpus, ix)
        assert report is not None and report.files_reused > 0
        fresh = tmp_path / f"fresh-{len(os.listdir(tmp_path))}"
        open_index(corpus, fresh, rebuild=True)
        _assert_same_generation(ix, fresh)


def test_refresh_equals_rebuild_on_bundled_corpus(bundled_copy: Path, tmp_path: Path) -> None:
    files = sorted(p for p in bundled_copy.rglob("*") if p.is_file() and p.suffix in (".txt", ".md"))
    first, second = files[0], files[1]

    new = bundled_copy / "aaa" / "new.md"

    def modify() -> None:
        first.write_text(first.read_text("utf-8").replace("the", "a quokka", 3) + "\nZyzzyva tokens here.\n", "utf-8")

    def add() -> None:
        new.parent.mkdir()
        new.write_text("---\ntitle: Quokka census\nsource: Test Wire\n---\nThe census on Rottnest counted 12,000 quokkas.\n",
                       "utf-8")

    def reword() -> None:  # "quokkas" goes; its stem stays, from "quokka" in other articles
        new.write_text(new.read_text("utf-8").replace("quokkas", "wallabies"), "utf-8")

    def delete() -> None:
        second.unlink()

    _change_and_compare(bundled_copy, tmp_path, [modify, add, reword, delete])
    index = load(tmp_path / "ix")
    assert "quokka" in index.vocab and "quokkas" not in index.stems and "quokka" in index.stems


@needs(BBC)
def test_refresh_equals_rebuild_on_bbc_sample(tmp_path: Path) -> None:
    corpus = tmp_path / "bbc"
    for topic in ("business", "sport", "tech"):
        (corpus / topic).mkdir(parents=True)
        for f in sorted((BBC / topic).glob("*.txt"))[:100]:
            shutil.copy(f, corpus / topic / f.name)
    business = sorted((corpus / "business").iterdir())
    tech = sorted((corpus / "tech").iterdir())

    def modify_add_delete() -> None:
        business[3].write_text(business[3].read_text("utf-8") + "\nA wholly xenolithic paragraph.\n", "utf-8")
        tech[50].unlink()
        shutil.copy(BBC / "politics" / sorted(os.listdir(BBC / "politics"))[0], corpus / "sport" / "000-new.txt")

    def delete_many() -> None:
        for f in business[10:40]:
            f.unlink()

    def modify_last() -> None:
        tech[-1].write_text("Short headline only\n", "utf-8")

    _change_and_compare(corpus, tmp_path, [modify_add_delete, delete_many, modify_last])


def test_refresh_equals_rebuild_with_a_skipped_file(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "latin1.txt").write_bytes("Caf\xe9 prices \xa3 rise".encode("latin-1"))  # skipped, kept so
    target = sorted(bundled_copy.glob("*.txt"))[0]

    def modify() -> None:
        target.write_text(target.read_text("utf-8") + "\nZyzzyva tokens here.\n", "utf-8")

    _change_and_compare(bundled_copy, tmp_path, [modify])


def test_refresh_equals_rebuild_when_articles_share_an_id(bundled_copy: Path, tmp_path: Path) -> None:
    """`a.txt` and `a.md` are both `a`: the first in folder order is `a`, the
    next `a#2` (or `a#3` when a file is itself called `a#2`), however the
    index got there; a refresh still reads only what changed."""
    (bundled_copy / "zz.txt").write_text("Ocelot one\n\nThe ocelot hunts at night in the forest.\n", "utf-8")
    twin = bundled_copy / "zz.md"
    suffixed = bundled_copy / "zz#2.txt"
    unrelated = sorted(bundled_copy.glob("0*.txt"))[0]

    def add_twin() -> None:  # sorts before the indexed zz.txt
        twin.write_text("Ocelot two\n\nThe ocelot sleeps by day in a tree.\n", "utf-8")

    def add_suffixed() -> None:  # its own id is `zz#2`, the name zz.txt had
        suffixed.write_text("Ocelot three\n\nThe ocelot swims across the river.\n", "utf-8")

    def edit_unrelated() -> None:
        unrelated.write_text(unrelated.read_text("utf-8") + "\nZyzzyva tokens here.\n", "utf-8")

    def remove_first() -> None:
        twin.unlink()

    expected = {add_twin: "zz#2", add_suffixed: "zz#3", edit_unrelated: "zz#3", remove_first: "zz"}
    ix = tmp_path / "ix"
    open_index(bundled_copy, ix)
    for n, (change, zz_txt) in enumerate(expected.items()):
        change()
        _, report = open_index(bundled_copy, ix)
        assert report is not None and report.files_reused > 0 and report.files_read <= 1
        open_index(bundled_copy, tmp_path / f"fresh-{n}", rebuild=True)
        _assert_same_generation(ix, tmp_path / f"fresh-{n}")
        ids = {a["relpath"]: a["id"] for a in load(ix).articles}
        assert ids["zz.txt"] == zz_txt, (change.__name__, ids)


def _record(n: int, **extra: object) -> str:
    return json.dumps({"title": f"Ferry report {n}", "text": f"The ferry number {n} sailed to Zyzzyva island.", **extra}) + "\n"


def test_records_appended_to_a_feed_are_read_alone_and_equal_a_rebuild(
        bundled_copy: Path, tmp_path: Path, monkeypatch) -> None:
    """A feed grows by appending: only the new records are parsed, numbered and
    checked as a whole read would; any other change reads the feed whole."""
    from kqa import corpus as corpus_module

    parsed: list[int] = []
    parse = corpus_module._jsonl_record
    monkeypatch.setattr(corpus_module, "_jsonl_record", lambda rel, n, *a: parsed.append(n) or parse(rel, n, *a))
    feed = bundled_copy / "feed.jsonl"
    feed.write_text(_record(1, date="2023-09-21") + "{oops\n" + _record(3) + "\n" + _record(5), "utf-8")

    def append(text: str, newline: str = "\n") -> Callable[[], None]:
        def change() -> None:
            parsed.clear()
            with feed.open("a", encoding="utf-8", newline=newline) as f:
                f.write(text)
        return change

    def edit_top() -> None:
        feed.write_text(feed.read_text("utf-8").replace("number 1 ", "number one "), "utf-8")

    whole = [n for n in range(1, 13) if n != 4]  # line 4 is blank
    ix = tmp_path / "ix"
    open_index(bundled_copy, ix)
    for change, lines in [
        (append(_record(6) + "[1]\n" + _record(8, url="https://example.com/8")), [6, 7, 8]),
        (append(_record(9, id="nine") + _record(10), newline="\r\n"), [9, 10]),
        (append(_record(11)[:-1]), [11]),  # no line end yet: a writer part way through
        (append("\n" + _record(12)), whole),  # the last line grew: the whole feed again
        (edit_top, whole),
    ]:
        parsed.clear()
        change()
        _, report = open_index(bundled_copy, ix)
        assert report is not None and report.files_read == 1
        assert parsed == lines
        fresh = tmp_path / f"fresh-{len(os.listdir(tmp_path))}"
        open_index(bundled_copy, fresh, rebuild=True)
        _assert_same_generation(ix, fresh)
    problems = load(ix).sources["feed.jsonl"]["problems"]
    assert problems == ["line 2: malformed JSON (Expecting property name enclosed in double quotes)",
                        "line 7: record is not a JSON object"]


def test_a_grown_feed_whose_undated_records_could_date_differently_is_read_whole(
        bundled_copy: Path, tmp_path: Path) -> None:
    """A date in a record's text counts up to the day the feed was saved: once
    that day moves, an undated record may now have one, as a rebuild would find."""
    import datetime as dt
    import time

    feed = bundled_copy / "feed.jsonl"
    yesterday = (dt.date.today() - dt.timedelta(days=1)).strftime("%-d %B %Y")
    feed.write_text(json.dumps({"title": "Ferry", "text": f"Published {yesterday}\n\nThe ferry sailed."}) + "\n", "utf-8")
    week_ago = time.time() - 7 * 86400
    os.utime(feed, (week_ago, week_ago))
    ix = tmp_path / "ix"
    open_index(bundled_copy, ix)
    assert [a["date"] for a in load(ix).articles if a["relpath"] == "feed.jsonl"] == [None]  # after the save: a deadline
    with feed.open("a", encoding="utf-8") as f:
        f.write(_record(2, date="2023-09-21"))
    open_index(bundled_copy, ix)
    dates = [a["date"] for a in load(ix).articles if a["relpath"] == "feed.jsonl"]
    assert dates == [(dt.date.today() - dt.timedelta(days=1)).isoformat(), "2023-09-21"]
    open_index(bundled_copy, tmp_path / "fresh", rebuild=True)
    _assert_same_generation(ix, tmp_path / "fresh")
