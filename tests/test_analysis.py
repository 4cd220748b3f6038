"""The analyzer shared by passages and questions: folding, tokens, stop words, stems."""

from __future__ import annotations

import pytest

from kqa.analysis import Analyzer, fold, token_forms, words
from kqa.stopwords import STOPWORDS


@pytest.fixture(scope="module")
def an() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pashinyan’s", "pashinyan's"),
        ("‘quoted’", "'quoted'"),
        ("Armenia – Azerbaijan — Russia", "armenia - azerbaijan - russia"),
        ("Ayşegül", "aysegul"),
        ("Café Naïve ÉLYSÉE", "cafe naive elysee"),
        ("İstanbul", "istanbul"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("ﬁnal", "final"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("driver’s", "driver's"),
        ("Ayşegül", "Aysegul"),
        ("2,000", "2000"),
        ("negotiations", "negotiate"),
        ("negotiating", "negotiated"),
        ("Armenians", "armenian"),
        ("ELECTIONS", "election"),
        ("Nagorno‑Karabakh", "Nagorno-Karabakh"),  # non-breaking hyphen
        ("Pashinyan’s", "Pashinyan"),
        ("naïve", "naive"),
    ],
)
def test_equivalent_spellings_give_same_terms(an: Analyzer, a: str, b: str) -> None:
    assert an.terms(a) == an.terms(b)
    assert an.terms(a)


@pytest.mark.parametrize(
    ("raw", "forms"),
    [
        ("2,000", ["2000"]),
        ("1,000,000", ["1000000"]),
        ("7.96", ["7.96"]),
        ("44-day", ["44-day", "44", "day"]),
        ("Mi-24", ["mi-24", "mi", "24"]),
        ("U.S.", ["us"]),
        ("e.g.", ["eg"]),
        ("driver’s", ["driver"]),
        ("don’t", ["dont"]),
        ("Nagorno-Karabakh", ["nagorno-karabakh", "nagorno", "karabakh"]),
    ],
)
def test_token_forms(raw: str, forms: list[str]) -> None:
    assert token_forms(raw) == forms


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("In the U.S. today", ["In", "the", "U.S.", "today"]),
        ("2,000 troops, 7.96 seconds.", ["2,000", "troops", "7.96", "seconds"]),
        ("the 44-day war", ["the", "44-day", "war"]),
        ("Mi-24 helicopter", ["Mi-24", "helicopter"]),
        ("Putin’s “peacekeepers”", ["Putin’s", "peacekeepers"]),
        ("leaders’ summit", ["leaders", "summit"]),
        ("Armenia – Azerbaijan", ["Armenia", "Azerbaijan"]),
        ("in 2021.", ["in", "2021"]),
    ],
)
def test_words_finds_tokens_with_offsets(text: str, tokens: list[str]) -> None:
    found = list(words(text))
    assert [raw for _, _, raw in found] == tokens
    for start, end, raw in found:
        assert text[start:end] == raw


def test_numbers_stay_findable(an: Analyzer) -> None:
    assert an.terms("2,000 Russian peacekeepers") == an.terms("2000 russian peacekeepers")
    assert "2000" in an.terms("2,000")
    assert {"44-day", "44", "day"} <= set(an.terms("the 44-day war"))
    assert {"mi-24", "mi", "24"} <= set(an.terms("Mi-24 helicopter"))
    assert an.terms("44-day") == an.terms("44‑day")  # non-breaking hyphen
    assert "1994" in an.terms("since 1994.")


def test_stop_words_dropped(an: Analyzer) -> None:
    assert an.terms("the of and to in is it was not") == []
    assert an.terms("What is the role of Turkey?") == [an.stem("role"), an.stem("turkey")]
    assert an.terms("It’s") == []
    assert an.terms("DON’T") == []
    assert an.terms("state-of-the-art") == ["state-of-the-art", "state", "art"]


def test_stopword_list_has_apostrophe_free_forms() -> None:
    for word in ("dont", "doesnt", "its", "shes", "youre", "wont"):
        assert word in STOPWORDS
    assert "us" not in STOPWORDS


def test_us_acronym(an: Analyzer) -> None:
    assert an.terms("U.S.") == ["us"]
    assert an.terms("the U.S. sent troops")[0] == "us"


def test_lower_case_and_accents(an: Analyzer) -> None:
    assert an.terms("KREMLIN Kremlin kremlin") == ["kremlin"] * 3
    assert an.terms("Ayşegül Erdoğan") == an.terms("AYSEGUL erdogan")


def test_stemming_equivalence(an: Analyzer) -> None:
    assert an.stem("negotiations") == an.stem("negotiate") == "negoti"
    assert an.terms("peacekeepers") == an.terms("peacekeeper")
    # hyphenated and numeric forms are never stemmed
    assert an.stem("44-day") == "44-day"
    assert an.stem("2000") == "2000"
    assert an.stem("7.96") == "7.96"


def test_stem_cache_and_known_stems() -> None:
    calls: list[str] = []

    def stemmer(word: str) -> str:
        calls.append(word)
        return word[:4]

    an = Analyzer(known_stems={"armenians": "armenian"}, stemmer=stemmer)
    assert an.terms("Armenians armenians talks talks 44-day 2000") == [
        "armenian", "armenian", "talk", "talk", "44-day", "44", "day", "2000"]
    assert calls == ["talks", "day"]  # once per new form; known, hyphenated, numeric skipped
    assert an.stem_cache["talks"] == "talk"
    assert an.stem_cache["armenians"] == "armenian"


def test_matches_spans_exact(an: Analyzer) -> None:
    text = "Putin’s deal: 2,000 troops in Nagorno-Karabakh."
    terms = set(an.terms("putin 2000 karabakh"))
    spans = an.matches(text, terms)
    assert spans == [(0, 7), (14, 19), (30, 46)]
    assert [text[s:e] for s, e in spans] == ["Putin’s", "2,000", "Nagorno-Karabakh"]


def test_matches_folded_and_stemmed(an: Analyzer) -> None:
    text = "The negotiations in İstanbul and the U.S. driver’s Negotiating."
    spans = an.matches(text, set(an.terms("negotiate istanbul us driver's")))
    assert [text[s:e] for s, e in spans] == ["negotiations", "İstanbul", "U.S.", "driver’s", "Negotiating"]


def test_matches_ignores_stop_words_and_empty_terms(an: Analyzer) -> None:
    text = "The war and the peace"
    assert an.matches(text, set()) == []
    assert an.matches(text, set(an.terms("the and"))) == []
    assert [text[s:e] for s, e in an.matches(text, set(an.terms("war")))] == ["war"]
