"""The rerank cues: answer type (in the passage and in its answer sentence)
and the article title, through the real command line and as units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_kqa

from kqa.bm25 import BM25Params
from kqa.indexer import open_index
from kqa.rerank import CUES, answer_kind, best_sentence, has_kind, strip_cues
from kqa.search import Searcher

FILLER = "Officials met again to discuss the harbour plan and the budget of the port authority."


def _ask(corpus: Path, tmp_path: Path, question: str) -> list[dict[str, object]]:
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", question,
                "-k", "3", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.mark.parametrize(("question", "kind"), [
    ("When did the harbour open?", "when"),
    ("On what date did Putin say it?", "when"),
    ("In what year did the war end?", "when"),
    ("How many troops were sent?", "number"),
    ("How long did the talks last?", "number"),
    ("What percentage of the weapons came from Russia?", "percent"),
    ("What percent of voters turned out?", "percent"),
    ("Why did the talks fail?", "reason"),
    ("Who opened the harbour?", None),
])
def test_answer_kind(question: str, kind: str | None) -> None:
    assert answer_kind(question) == kind


@pytest.mark.parametrize(("text", "kind", "found"), [
    ("Putin said so on Sept. 12 in Vladivostok.", "when", True),
    ("The talks were held on Thursday.", "when", True),
    ("It happened in 1994.", "when", True),
    ("The may be true of Sept officials.", "when", False),
    ("About 2,000 troops were sent.", "number", True),
    ("Talks ended after about three hours.", "number", True),
    ("Talks ended without a result.", "number", False),
    ("Russia supplied 60 per cent of its arms.", "percent", True),
    ("Turnout rose to 94%.", "percent", True),
    ("Turnout rose by 60 votes.", "percent", False),
    ("Support fell by 5 percentage points.", "percent", True),
    ("The Good Friday Agreement and the Sunday Times.", "when", False),
    ("Mrs May said the plan may work.", "when", False),
    ("Elections were held in May and again on Friday.", "when", True),
    ("Talks resumed since the war began.", "reason", False),
    ("The talks failed because neither side moved.", "reason", True),
    ("The talks failed on Monday.", "reason", False),
])
def test_has_kind_reads_news_dates_and_numbers(text: str, kind: str, found: bool) -> None:
    assert has_kind(text, kind) is found


def test_cue_words_are_not_searched() -> None:
    assert strip_cues("How many troops did Moscow send?") == "How troops did Moscow send?"
    assert strip_cues("In what year did the war end?") == "In what did the war end?"


def test_best_sentence_prefers_the_typed_sentence_and_reports_it() -> None:
    body = "The harbour opened to ships. The harbour opened in 1887 after delays."
    sentences = [(0, 28), (29, len(body))]
    slots = [(0, 3, []), (4, 11, ["harbour"]), (12, 18, ["open"]),
             (33, 40, ["harbour"]), (41, 47, ["open"])]
    start, end, weight, typed = best_sentence(body, sentences, slots, {"harbour", "open"},
                                              {"harbour": 2.0, "open": 1.0}, "when")
    assert body[start:end].endswith("1887 after delays.") and weight == 3.0 and typed


def _filled(corpus: Path) -> None:
    for i in range(6):  # enough other articles for the question's words to have a positive IDF
        (corpus / f"f{i}.txt").write_text(
            f"Filler {i}\n\nThe council discussed roads, schools and parks number {i} at length.\n", "utf-8")


def _corpus(tmp_path: Path, a: str, b: str) -> Path:
    """Articles a.txt and b.txt among filler articles."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    _filled(corpus)
    (corpus / "a.txt").write_text(a, "utf-8")
    (corpus / "b.txt").write_text(b, "utf-8")
    return corpus


def test_when_question_prefers_the_date_in_the_sentence_with_the_question_words(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        # a.txt: higher BM25, and a date, but not in the sentence that matches the question
        "Port news\n\nThe new harbour was opened by the mayor with a ceremony for the new harbour. "
        "Ships had been built there since 1850.\n\n" + FILLER + "\n",
        "Town history\n\nThe new harbour was opened in 1887 after years of delays and disputes "
        "about money.\n\n" + FILLER + "\n",
    )
    hits = _ask(corpus, tmp_path, "When was the new harbour opened?")
    assert "1887" in str(hits[0]["text"]) and hits[0]["bm25"] < hits[1]["bm25"]  # type: ignore[operator]
    assert "1887" in str(hits[0]["answer"]["text"])  # type: ignore[index]


def test_percent_and_why_questions_find_their_kind_of_answer(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        "Voters\n\nTurnout among voters in the northern region was high this time, officials said, "
        "and turnout among voters rose again.\n\nTurnout among voters reached 64 per cent in the region.\n",
        "Strike\n\nThe port strike was called off, the union said on its website.\n\n"
        "The port strike was called off because the owners agreed to raise wages.\n",
    )
    assert "64 per cent" in str(_ask(corpus, tmp_path, "What percentage of voters turned out in the region?")[0]["text"])
    assert "because" in str(_ask(corpus, tmp_path, "Why was the port strike called off?")[0]["text"])


def _titles_corpus(corpus: Path) -> None:
    corpus.mkdir()
    text = "The committee approved the new budget for the bridge repairs on Monday evening.\n"
    (corpus / "a.txt").write_text("Football results\n\n" + text + "\n" + FILLER + "\n", "utf-8")
    (corpus / "b.txt").write_text(
        "Bridge repairs approved\n\n" + text + "\nSteel was ordered.\n\n" + FILLER + "\n", "utf-8")


def _title_cues(corpus: Path, index_dir: Path, question: str, cue: str = "title") -> dict[str, float]:
    """One cue of the BM25 top 10, by article title."""
    index, _ = open_index(corpus, index_dir)
    which = CUES.index(cue)
    return {index.articles[int(index.passage_article[p])]["title"]: c[which]
            for p, _, c in Searcher(index).cue_table(question, 10)}


def test_title_cue_is_the_share_of_question_weight_in_the_title(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    _titles_corpus(corpus)
    _filled(corpus)
    assert _title_cues(corpus, tmp_path / "ix", "bridge repairs") == {
        "Football results": 0.0, "Bridge repairs approved": 1.0}
    hits = _ask(corpus, tmp_path, "Which budget did the committee approve for the bridge repairs?")
    assert hits[0]["title"] == "Bridge repairs approved"


def test_title_cue_stays_a_share_when_idf_is_negative(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    _titles_corpus(corpus)  # two articles: every question word is in most passages
    # "steel" is in one passage (positive IDF), the rest in most (negative IDF)
    cues = _title_cues(corpus, tmp_path / "ix", "steel bridge repairs")
    assert cues and all(0.0 <= v <= 1.0 for v in cues.values())
    index, _ = open_index(corpus, tmp_path / "ix")
    assert Searcher(index).cue_table("bridge", 0) == []


def test_ranking_bm25_orders_by_bm25_and_eval_measures_the_rerank(bundled_copy: Path, tmp_path: Path) -> None:
    args = ("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"))
    r = run_kqa(*args, "-q", "How many Russian peacekeepers are in Nagorno-Karabakh?", "-k", "10",
                "--ranking", "bm25", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert all(h["score"] == h["bm25"] for h in hits)
    assert [h["bm25"] for h in hits] == sorted((h["bm25"] for h in hits), reverse=True)
    questions = str(Path(__file__).parent / "data" / "bundled_questions.jsonl")
    plain = run_kqa(*args, "eval", questions, "--ranking", "bm25", "--format", "json")
    full = run_kqa(*args, "eval", questions, "--format", "json")
    assert plain.returncode == full.returncode == 0, plain.stderr + full.stderr
    assert json.loads(full.stdout)["mrr"] > json.loads(plain.stdout)["mrr"]


def test_unknown_ranking_is_a_usage_error(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", "Armenia",
                "--ranking", "fancy")
    assert r.returncode == 2 and "invalid choice" in r.stderr and "Traceback" not in r.stderr


def _article_cues(corpus: Path, index_dir: Path, question: str) -> dict[str, list[float]]:
    index, _ = open_index(corpus, index_dir)
    article = CUES.index("article")
    out: dict[str, list[float]] = {}
    for p, _, c in Searcher(index).cue_table(question, 20):
        out.setdefault(index.articles[int(index.passage_article[p])]["relpath"], []).append(c[article])
    return out


def test_article_cue_favours_the_article_about_the_question(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        # a.txt: one passage has all the question's words; the rest of the article is elsewhere
        "Council notes\n\nThe new lighthouse keeper was appointed on Monday at the council meeting.\n\n"
        + FILLER + "\n\nThe budget for roads and schools was approved after a long debate.\n\n"
        "Parking fees in the town centre will rise in spring, and the market will move to the square.\n\n"
        "The swimming pool closes for repairs in winter; the library keeps its opening hours.\n",
        # b.txt: about the lighthouse and its keeper throughout; the answer says them once
        "Coastal history\n\nThe lighthouse on the cape was built of granite and first lit in 1880 "
        "by its first keeper, when ships still sailed past the lighthouse every day.\n\n"
        "Its keeper lived in a small cottage beside the lighthouse for forty years, alone with "
        "his dog and his books.\n\n"
        "The keeper was appointed by the harbour board of the town, which also paid him a salary "
        "every month.\n",
    )
    cues = _article_cues(corpus, tmp_path / "ix", "Who appointed the lighthouse keeper?")
    assert len(set(cues["b.txt"])) == 1 and 0.0 < max(cues["a.txt"]) < cues["b.txt"][0] < 1.0
    hits = _ask(corpus, tmp_path, "Who appointed the lighthouse keeper?")
    assert hits[0]["path"].endswith("b.txt") and "harbour board" in str(hits[0]["text"])  # type: ignore[union-attr]
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "Who appointed the lighthouse keeper?",
                "-k", "1", "--ranking", "bm25", "--format", "jsonl")
    assert json.loads(r.stdout)["path"].endswith("a.txt")  # BM25 alone prefers the stray match


def test_article_cue_leaves_out_the_title(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        "Lighthouse keeper\n\nThe council met on Monday to discuss the budget for roads and schools.\n",
        "Coastal history\n\nThe lighthouse keeper lived in a cottage on the cape for forty years.\n",
    )
    cues = _article_cues(corpus, tmp_path / "ix", "lighthouse keeper")
    assert cues["a.txt"] == [0.0] and 0.0 < cues["b.txt"][0] < 1.0  # a.txt is in the pool by its title only


def test_article_cue_leaves_out_a_headline_that_is_the_whole_article(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        "Lighthouse keeper\n",  # its one passage is the headline itself
        "Coastal history\n\nThe lighthouse keeper lived in a cottage on the cape for forty years.\n",
    )
    cues = _article_cues(corpus, tmp_path / "ix", "lighthouse keeper")
    assert cues["a.txt"] == [0.0] and cues["b.txt"][0] > 0.0


@pytest.mark.parametrize("title", [0, 2])
def test_article_cue_is_the_same_however_often_the_title_is_counted(tmp_path: Path, title: int) -> None:
    corpus = tmp_path / "c"
    _titles_corpus(corpus)
    _filled(corpus)
    question = "Which budget did the committee approve for the bridge repairs?"

    def cues(params: BM25Params, where: str) -> dict[int, float]:
        index, _ = open_index(corpus, tmp_path / where, params=params)
        return {p: c[CUES.index("article")] for p, _, c in Searcher(index).cue_table(question, 20)}

    once = cues(BM25Params(), "ix1")
    assert any(once.values()) and cues(BM25Params(title=title), f"ix{title}") == pytest.approx(once)


def test_article_cue_does_not_depend_on_the_other_candidates(bundled_copy: Path, tmp_path: Path) -> None:
    index, _ = open_index(bundled_copy, tmp_path / "ix")
    searcher = Searcher(index)
    question = "How many Russian peacekeepers are in Nagorno-Karabakh?"
    few, many = ({p: c[CUES.index("article")] for p, _, c in searcher.cue_table(question, n)} for n in (3, 30))
    assert few and all(many[p] == pytest.approx(v) for p, v in few.items())


def test_bounded_caches_keep_the_newest() -> None:
    from kqa.search import _remember

    cache: dict[int, int] = {}
    for i in range(10):
        _remember(cache, i, i * i, 3)
    assert cache == {7: 49, 8: 64, 9: 81}


def test_one_searcher_shared_by_two_threads(bundled_copy: Path, tmp_path: Path) -> None:
    """The app's UI thread and its search worker (a cancelled one may still be
    finishing) share a Searcher: its bounded caches must survive evictions
    racing each other."""
    import threading

    index, _ = open_index(bundled_copy, tmp_path / "ix")
    searcher = Searcher(index)
    words = ["Armenia", "Russia", "Putin", "Pashinyan", "Karabakh", "CSTO", "Baku", "troops", "war", "corridor"]
    errors: list[BaseException] = []

    def ask(offset: int) -> None:
        try:
            for i in range(150):  # distinct questions: the question cache (64) evicts all the time
                searcher.search(f"{words[(i + offset) % 10]} {words[(i * 3) % 10]} {i}", 3)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in (0, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_article_cue_leaves_out_a_records_first_line_title(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    _filled(corpus)
    records = [
        {"text": "Lighthouse keeper\n\nThe council met on Monday to discuss the budget for roads and schools."},
        {"title": "Coastal history", "text": "The lighthouse keeper lived in a cottage on the cape for forty years."},
    ]
    (corpus / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    cues = _title_cues(corpus, tmp_path / "ix", "lighthouse keeper", "article")
    assert cues["Lighthouse keeper"] == 0.0 and cues["Coastal history"] > 0.0


def test_a_question_naming_the_outlet_or_the_writer_finds_their_article(tmp_path: Path) -> None:
    # the same story from two outlets: "according to Reuters" decides, as a reader means it; a
    # folder standing in for a source (no source in the file) is not searched as one
    corpus = tmp_path / "c"
    (corpus / "wires").mkdir(parents=True)
    story = "Officials said the talks on the border crossing lasted about {} hours on Thursday.\n"
    (corpus / "wires" / "a.md").write_text(
        "---\ntitle: Border talks end\nsource: Reuters\n---\n" + story.format("three"), "utf-8")
    (corpus / "wires" / "b.md").write_text(
        "---\ntitle: Border talks end\nsource: Associated Press\nauthor: Jane Doe\n---\n" + story.format("four"), "utf-8")
    (corpus / "wires" / "c.md").write_text("Border talks end\n\n" + story.format("five"), "utf-8")
    for question, outlet in (("How long did the border talks last, according to Reuters?", "Reuters"),
                             ("How long did the border talks last, according to the Associated Press?",
                              "Associated Press"),
                             ("How long did the border talks last, as Jane Doe reported?", "Associated Press")):
        assert _ask(corpus, tmp_path, question)[0]["source"] == outlet, question
    cited = {h["source"]: h for h in _ask(corpus, tmp_path, "How long did the border talks last in the wires?")}
    assert cited["wires"]["rank"] == 3  # its folder's name is not counted as its source


def test_article_cue_leaves_out_the_source_but_keeps_the_text_that_names_it(tmp_path: Path) -> None:
    # the source counts once per passage and is taken out as often; a first-line title's extra
    # copy is the title's own, so the body's "lighthouse" counts the same whatever the source is
    def cue(source: str) -> float:
        corpus = tmp_path / source
        corpus.mkdir()
        _filled(corpus)
        records = [
            {"text": "Harbour news\n\nThe lighthouse keeper spoke to reporters on Monday.", "source": source},
            {"title": "Coastal history", "text": "The lighthouse keeper lived in a cottage on the cape for forty years."},
        ]
        (corpus / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        return _title_cues(corpus, tmp_path / f"ix-{source}", "lighthouse keeper", "article")["Harbour news"]

    plain = cue("Gazette")
    assert plain > 0.0 and cue("Lighthouse Weekly") == pytest.approx(plain)
