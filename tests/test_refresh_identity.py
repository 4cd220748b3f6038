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
