"""`kqa eval` through the installed entry point: recall/MRR on the bundled
questions, text and JSON output, and clear errors for bad question files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_kqa

from kqa.evaluate import first_answer_rank

QUESTIONS = ROOT / "tests" / "data" / "bundled_questions.jsonl"
BLIND = ROOT / "tests" / "data" / "bundled_questions_blind.jsonl"
BLIND2 = ROOT / "tests" / "data" / "bundled_questions_blind2.jsonl"
BLIND3 = ROOT / "tests" / "data" / "bundled_questions_blind3.jsonl"


def _eval(corpus: Path, index: Path, questions: Path, *extra: str):
    return run_kqa("--corpus", str(corpus), "--index", str(index), "eval", str(questions), *extra)


def _count_lines(path: Path) -> int:
    return sum(1 for line in path.read_text("utf-8").splitlines() if line.strip())


@pytest.mark.parametrize("path", [QUESTIONS, BLIND, BLIND2, BLIND3],
                         ids=["tuned-on", "blind", "blind2", "blind3"])
def test_bundled_questions_file_is_well_formed(path: Path) -> None:
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(records) >= 40
    texts = {p.stem: p.read_text("utf-8") for p in (ROOT / "corpus").glob("*.txt")}
    assert {r["doc"] for r in records} == set(texts)  # every article is covered
    for r in records:
        assert isinstance(r["q"], str) and r["q"].strip()
        assert r["answers"] and all(isinstance(a, str) and a.strip() for a in r["answers"])
        assert any(a in texts[r["doc"]] for a in r["answers"]), r["q"]  # copied from the text


def test_eval_json_on_bundled_questions(bundled_copy: Path, tmp_path: Path) -> None:
    r = _eval(bundled_copy, tmp_path / "ix", QUESTIONS, "--format", "json")
    assert r.returncode == 0, r.stderr[-800:]
    data = json.loads(r.stdout)
    assert data["questions"] == _count_lines(QUESTIONS)
    recall = data["recall"]
    r1, r5, r10 = recall["@1"], recall["@5"], recall["@10"]
    assert all(0.0 <= v <= 1.0 for v in (r1, r5, r10))
    assert r1 <= r5 <= r10
    assert 0.0 <= data["mrr"] <= 1.0
    assert r1 <= data["mrr"] + 1e-9 and data["mrr"] <= r10 + 1e-9
    assert r5 >= 0.8  # the bundled questions are answerable; kqa should find most
    assert data["passage_words"] > 0
    assert data["latency_ms_p50"] >= 0


def test_eval_text_output(bundled_copy: Path, tmp_path: Path) -> None:
    r = _eval(bundled_copy, tmp_path / "ix", QUESTIONS)
    assert r.returncode == 0, r.stderr[-800:]
    assert "answer recall@5" in r.stdout
    assert "MRR" in r.stdout


def test_eval_reuses_index_and_agrees_between_formats(bundled_copy: Path, tmp_path: Path) -> None:
    first = _eval(bundled_copy, tmp_path / "ix", QUESTIONS, "--format", "json")
    second = _eval(bundled_copy, tmp_path / "ix", QUESTIONS, "--format", "json")
    assert first.returncode == second.returncode == 0
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["recall"] == b["recall"] and a["mrr"] == b["mrr"]


@pytest.mark.parametrize(
    "bad_line",
    ['{"q": "Who?", "answers": ["x"]', '{"q": "Who?"}',
     '{"q": "", "answers": ["x"]}', '{"q": "Who?", "answers": []}',
     '{"q": "Who?", "answers": [""]}', '{"q": "Who?", "answers": [null]}', '{"q": "Who?", "answers": ["x", "  "]}',
     '{"q": "Who?", "answers": ["x"], "doc": ["a"]}', '["Who?", ["x"]]'],
    ids=["broken-json", "no-answers", "empty-question", "empty-answers",
         "empty-answer-string", "null-answer", "blank-answer", "doc-not-a-string", "not-an-object"],
)
def test_eval_malformed_questions_file(bundled_copy: Path, tmp_path: Path, bad_line: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "Who heads the Caucasus Institute?", "answers": ["Iskandaryan"]}\n'
                   + bad_line + "\n", "utf-8")
    r = _eval(bundled_copy, tmp_path / "ix", bad, "--format", "json")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    err = r.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert f"{bad}:2" in err


def test_eval_missing_questions_file(bundled_copy: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    r = _eval(bundled_copy, tmp_path / "ix", missing)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    assert "nope.jsonl" in r.stderr


def test_eval_empty_questions_file(bundled_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", "utf-8")
    r = _eval(bundled_copy, tmp_path / "ix", empty)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_eval_jsonl_has_one_line_per_question_agreeing_with_the_summary(bundled_copy: Path, tmp_path: Path) -> None:
    per_question = _eval(bundled_copy, tmp_path / "ix", QUESTIONS, "--format", "jsonl")
    summary = json.loads(_eval(bundled_copy, tmp_path / "ix", QUESTIONS, "--format", "json").stdout)
    assert per_question.returncode == 0, per_question.stderr[-800:]
    records = [json.loads(line) for line in per_question.stdout.splitlines()]
    assert len(records) == summary["questions"] == _count_lines(QUESTIONS)
    assert sum(r["rank"] == 1 for r in records) / len(records) == pytest.approx(summary["recall"]["@1"], abs=1e-4)
    mrr = sum(1 / r["rank"] for r in records if r["rank"]) / len(records)
    assert mrr == pytest.approx(summary["mrr"], abs=1e-4)  # rounded to 4 places, as recall
    for r in records:
        assert r["rank"] is None or 1 <= r["rank"] <= 10
        assert r["top"]["title"] and r["top"]["text"] and "answer" in r["top"]
        assert isinstance(r["answer_sentence"], bool)
        # rank 1 exactly when the top passage holds an answer
        assert (r["rank"] == 1) == (first_answer_rank([r["top"]["text"]], r["answers"]) == 1)
    assert "answer recall@1" in per_question.stderr  # the summary goes to stderr, stdout stays jsonl


def test_eval_reads_questions_from_stdin_and_a_bom_file(bundled_copy: Path, tmp_path: Path) -> None:
    line = '{"q": "Who heads the Caucasus Institute in Yerevan?", "answers": ["Iskandaryan"], "doc": 1}\n'
    piped = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
                    "eval", "-", "--format", "json", input=line + line)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["questions"] == 2
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + line.encode())  # as a Windows editor saves it
    saved = _eval(bundled_copy, tmp_path / "ix", bom, "--format", "json")
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["recall"]["@1"] == 1.0
    wide = tmp_path / "utf16.jsonl"
    wide.write_bytes((line + line).replace("\n", "\r\n").encode("utf-16"))  # Notepad's "Unicode": was "not UTF-8"
    saved = _eval(bundled_copy, tmp_path / "ix", wide, "--format", "json")
    assert saved.returncode == 0 and json.loads(saved.stdout)["questions"] == 2, saved.stderr


def test_eval_takes_k_and_format_given_before_the_subcommand(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
                "-k", "3", "--format", "json", "eval", str(QUESTIONS))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert list(data["recall"]) == ["@1", "@3"] and data["mrr_at"] == 3


@pytest.mark.parametrize("before", [["--source", "bloomberg"], ["--since", "2023"], ["-q", "who"],
                                    ["--format", "tsv"]])
def test_eval_refuses_options_it_would_ignore(bundled_copy: Path, tmp_path: Path, before: list[str]) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), *before, "eval", str(QUESTIONS))
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and before[0] in r.stderr


def test_eval_reports_how_often_the_top_passage_is_from_the_named_article(bundled_copy: Path, tmp_path: Path) -> None:
    q = "Who hosted the January 11 meeting in Moscow?"
    lines = [
        {"q": q, "answers": ["Putin"], "doc": "000_69eab36f24ff56d5"},  # the article's id
        {"q": q, "answers": ["Putin"], "doc": "000_69eab36f24ff56d5.txt"},  # its file
        {"q": q, "answers": ["Putin"], "doc": "002_ae7c264f635dd3f5"},  # another article
        {"q": q, "answers": ["Putin"]},  # names none: not counted
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    data = json.loads(_eval(bundled_copy, tmp_path / "ix", path, "--format", "json").stdout)
    assert data["questions_with_doc"] == 3 and abs(data["article_at_1"] - 2 / 3) < 1e-9
    text = _eval(bundled_copy, tmp_path / "ix", path).stdout
    assert "right article@1  0.667" in text and "3 questions name one" in text
    plain = _eval(bundled_copy, tmp_path / "ix", QUESTIONS, "--format", "json")
    assert json.loads(plain.stdout)["questions_with_doc"] == _count_lines(QUESTIONS)


def test_eval_warns_when_doc_names_no_article(bundled_copy: Path, tmp_path: Path) -> None:
    q = "Who hosted the January 11 meeting in Moscow?"
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"q": q, "answers": ["Putin"], "doc": "000_69eab36f24ff56d"}) + "\n"  # one digit short
                    + json.dumps({"q": q, "answers": ["Putin"], "doc": "000_69eab36f24ff56d5"}) + "\n", "utf-8")
    r = _eval(bundled_copy, tmp_path / "ix", path, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["article_at_1"] == 0.5
    assert "kqa: \"doc\" '000_69eab36f24ff56d' names no article in the corpus" in r.stderr
    assert "000_69eab36f24ff56d5'" not in r.stderr



def test_eval_warns_when_doc_names_several_articles(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "more").mkdir()
    (bundled_copy / "more" / "000_69eab36f24ff56d5.txt").write_text(
        "Another article\n\nA second file by the same name, in another folder, about the okapi.\n", "utf-8")
    q = "Who hosted the January 11 meeting in Moscow?"
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"q": q, "answers": ["Putin"], "doc": "000_69eab36f24ff56d5"}) + "\n"
                    + json.dumps({"q": q, "answers": ["Putin"], "doc": "more/000_69eab36f24ff56d5"}) + "\n", "utf-8")
    r = _eval(bundled_copy, tmp_path / "ix", path, "--format", "json")
    assert r.returncode == 0
    assert r.stderr.count("names 2 articles") == 1  # the folder-qualified name is one article
    assert "kqa: \"doc\" '000_69eab36f24ff56d5' names 2 articles, any of which counts as right" in r.stderr


def test_eval_matches_answers_as_whole_words(bundled_copy: Path, tmp_path: Path) -> None:
    """`UN` is not found in "country", nor `Azer` in "Azerbaijan": a short answer
    found inside any word would count every question as answered."""
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"q": "Which organisation sent peacekeepers to Karabakh?", "answers": ["UN"]}\n'
        '{"q": "Which country fought Armenia?", "answers": ["Azer"]}\n'
        '{"q": "Who hosted the January 11 meeting in Moscow?", "answers": ["tin hos"]}\n'
        '{"q": "Who hosted the January 11 meeting in Moscow?", "answers": ["Putin hosted"]}\n', "utf-8")
    r = _eval(bundled_copy, tmp_path / "ix", questions, "--format", "jsonl")
    assert [json.loads(line)["rank"] for line in r.stdout.splitlines()] == [None, None, None, 1]


@pytest.mark.parametrize("texts, answers, rank", [
    (["the country"], ["UN"], None), (["the UN said"], ["UN"], 1), (["(UN)"], ["un"], 1),
    (["Putin’s meeting"], ["Putin"], 1), (["2,000-strong force"], ["2,000"], 1), (["20,000 troops"], ["0,000"], None),
    (["Mi-24 helicopter"], ["Mi-24"], 1), (["Santa Clara, California."], ["Santa Clara, California."], 1),
    (["東京的记者报道了会谈"], ["记者"], 1), (["$100 million"], ["$100"], 1), (["Çelik"], ["celik"], 1),
])
def test_answer_matching_at_word_edges(texts: list[str], answers: list[str], rank: int | None) -> None:
    assert first_answer_rank(texts, answers) == rank


def test_eval_reports_every_bad_line_with_what_is_wrong(bundled_copy: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join([
        '{"q": "Who hosted the January 11 meeting in Moscow?", "answers": ["Putin"]}',
        '{"q": "Who hosted the meeting?", "answers": "Putin"}',
        '{"q": "When did the war end?", "answers": []}',
        '{"q": "Trailing comma", "answers": ["November 2020"],}',
        '{"question": "wrong key name", "answers": ["Putin"]}',
        '{"q": "", "answers": ["Putin"]}',
        '{"q": "Punctuation", "answers": ["."]}',
        '{"q": "Null", "answers": ["x", null]}',
    ]) + "\n", "utf-8")
    r = _eval(bundled_copy, tmp_path / "ix", questions)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert lines.pop(2).startswith(f"kqa: {questions}:4: not valid JSON (")  # Python's words for it vary by version
    assert lines == [
        f'kqa: {questions}:2: "answers" must be a list of strings, not a string',
        f'kqa: {questions}:3: "answers" is empty',
        f'kqa: {questions}:5: no "q" (the question\'s key is "q", not "question")',
        f'kqa: {questions}:6: "q" is empty',
        f"kqa: {questions}:7: answer 1 ('.') has no letter or digit: any passage would hold it",
        f"kqa: {questions}:8: answer 2 must be a string, not null",
        f"kqa: error: 7 bad lines in {questions} (above); nothing was measured",
    ]
