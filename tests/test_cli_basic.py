"""The one-shot command through the installed entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_kqa


def test_question_on_copy_of_bundled_corpus_gives_sourced_jsonl(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("-q", "Who hosted the January 11 meeting in Moscow?", "--corpus", str(bundled_copy),
                "--index", str(tmp_path / "ix"), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(hits) == 5
    assert [h["rank"] for h in hits] == [1, 2, 3, 4, 5]
    top = hits[0]
    assert top["source"] == "CDMedia" and top["date"] == "2021-01-12"
    assert "Putin hosted" in top["text"]
    for key in ("query", "score", "doc_id", "title", "passage_id", "start", "end", "path"):
        assert key in top


def test_debug_shows_the_traceback_but_keeps_the_exit_code(tmp_path: Path) -> None:
    r = run_kqa("--debug", "--corpus", str(tmp_path / "missing"), "-q", "peace")
    assert r.returncode == 2, r.returncode  # a usage/data error, not "no results" (1)
    assert "Traceback" in r.stderr and "corpus folder not found" in r.stderr.splitlines()[-1]


def test_an_empty_quoted_question_is_a_usage_error(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", '""')
    assert r.returncode == 2 and "question is empty" in r.stderr


def test_options_before_a_subcommand_that_takes_none_are_refused(bundled_copy: Path, tmp_path: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", "Putin", "index")
    assert r.returncode == 2 and "-q does not apply to 'kqa index'" in r.stderr
    assert not (tmp_path / "ix").exists()  # refused before any work


def test_tui_subcommand_takes_the_starting_options() -> None:
    from kqa.arguments import build_parser, settle_options

    args = build_parser().parse_args(["tui", "-k", "7", "--source", "bloomberg", "--since", "2023"])
    settle_options(args)
    assert (args.top, args.source, args.since, args.until) == (7, "bloomberg", "2023", None)
    before = build_parser().parse_args(["-k", "4", "--until", "2022", "tui"])
    settle_options(before)
    assert (before.top, before.until) == (4, "2022")


def test_app_options_are_checked_before_it_opens() -> None:
    r = run_kqa("tui", "-k", "0")
    assert r.returncode == 2 and "-k must be at least 1" in r.stderr
    r = run_kqa("--format", "json")  # no question: the app would open and ignore it
    assert r.returncode == 2 and "--format applies to answers of -q" in r.stderr
    r = run_kqa("--color", "never", "info")  # an alias with --color works with every command
    assert r.returncode == 0 and "articles" in r.stdout


def test_a_subcommand_help_lists_only_the_options_it_takes() -> None:
    for command in ("info", "index"):  # --ranking was listed, then refused: nothing is ranked there
        r = run_kqa(command, "--help")
        assert r.returncode == 0 and "--ranking" not in r.stdout and "--corpus" in r.stdout
    assert "--ranking" in run_kqa("eval", "--help").stdout


@pytest.mark.parametrize(("args", "message"), [
    (["Putin"], "'Putin' is not a command (index, info, eval, tui, completion); a question goes after -q"),
    (["-q", "Who", "hosted", "it"], "'hosted' is not a command"),
    (["-q", "Putin", "-n", "3"], "unknown option '-n' (did you mean -k N?)"),  # blamed the 3
    (["-q", "Putin", "--sou", "Bloomberg"], "unknown option '--sou' (did you mean --source?)"),  # no prefixes
])
def test_a_mistyped_command_line_says_what_is_wrong(args: list[str], message: str) -> None:
    r = run_kqa(*args)
    assert r.returncode == 2 and r.stderr.startswith(f"kqa: error: {message}"), r.stderr


def test_words_the_corpus_lacks_are_named_even_when_others_match(tmp_path: Path) -> None:
    r = run_kqa("-q", "Brexit vote Putin", "-k", "1", "--index", str(tmp_path / "ix"))
    assert r.returncode == 0 and "kqa: not in the corpus: Brexit" in r.stderr  # were dropped without a word
    r = run_kqa("-q", "-", "-k", "1", "--index", str(tmp_path / "ix"), input="Brexit Putin\nPutin\n")
    assert r.stderr.count("not in the corpus") == 1 and "(in 'Brexit Putin'): Brexit" in r.stderr


def test_a_quoted_phrase_of_common_words_is_kept_word_for_word(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "band.txt").write_text("Band news\n\nThe Who played a concert in Leeds.\n", "utf-8")
    (corpus / "crowd.txt").write_text("Crowd news\n\nThe crowd who came to the concert sang.\n", "utf-8")
    args = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--format", "tsv")
    r = run_kqa(*args, "-q", '"The Who" concert')  # the phrase was dropped: both passages came back
    assert r.returncode == 0 and [row.split("\t")[3] for row in r.stdout.splitlines()[1:]] == ["band"]
    r = run_kqa(*args, "-q", '"The Who"')
    assert r.returncode == 1 and 'add a name or a specific term (and the quotes keep "The Who" word for word)' in r.stderr
