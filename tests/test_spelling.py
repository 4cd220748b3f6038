"""Nearest spellings for question words missing from the corpus."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_kqa
from kqa.spelling import Speller, edit_distance


def test_edit_distance_with_limit() -> None:
    assert edit_distance("nakhichevan", "nakhchivan", 2) == 2
    assert edit_distance("erdodan", "erdogan", 1) == 1
    assert edit_distance("armenia", "azerbaijan", 2) == 3  # gave up past the limit


def test_nearest_prefers_fewer_edits_then_more_passages() -> None:
    speller = Speller(["erdogan", "erdodan", "ordogan", "pashinyan"], {"erdogan": 5, "erdodan": 1, "ordogan": 9})
    assert speller.nearest("erdogann") == "erdogan"
    assert speller.nearest("pashinyam") == "pashinyan"
    assert speller.nearest("xyzzyplugh") is None
    assert speller.nearest("pute") is None  # too short to correct safely


def test_cli_searches_the_nearest_spelling_and_says_so(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
                "-q", "the corridor to Zangezurr", "-k", "1", "--format", "jsonl")
    assert r.returncode == 0
    assert "'zangezurr' is not in the corpus; searching for 'zangezur'" in r.stderr
    assert "Zangezur" in json.loads(r.stdout)["text"]


def test_common_words_are_not_corrected(bundled_copy: Path, tmp_path: Path) -> None:
    for question in ("What aircraft did Azerbaijani forces shoot down?", "Shoot Armenia", "Farmers near the border"):
        r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
                    "-q", question, "--format", "jsonl")
        assert "searching for" not in r.stderr, question  # 'shoot' is not turned into 'short'


def test_quoted_phrase_with_a_misspelt_name_is_corrected_too(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
                "-q", 'the "Zangezurr corridor"', "--format", "jsonl")
    assert r.returncode == 0 and "searching for 'zangezur'" in r.stderr
    assert all("zangezur corridor" in json.loads(line)["text"].lower() for line in r.stdout.splitlines())


def test_a_question_the_corpus_has_no_word_of_is_corrected_in_any_case(bundled_copy: Path, tmp_path: Path) -> None:
    """`pashinian` alone, in lower case as names are typed in a search box, got "none of its
    words are in the corpus": only capitalised words after the first were corrected."""
    for question, near in (("pashinian", "pashinyan"), ("Pashinian", "pashinyan"), ("aliev", "aliyev")):
        r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", question, "-k", "1")
        assert r.returncode == 0 and f"searching for '{near}'" in r.stderr, question
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", "pashinian talks")
    assert "searching for" not in r.stderr  # `talks` is found: a lower-case word is left as typed
