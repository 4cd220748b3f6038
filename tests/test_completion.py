"""`kqa completion`: the scripts complete what the parser accepts, run in a real bash."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_kqa

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
needs_fish = pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")


def written_script(shell: str, folder: Path) -> Path:
    """`kqa completion SHELL` saved as a file to source."""
    result = run_kqa("completion", shell)
    assert result.returncode == 0, result.stderr
    script = folder / f"kqa.{shell}"
    script.write_text(result.stdout)
    return script


def shell_says(argv: list[str], cwd: Path | None) -> list[str]:
    """The lines a completion probe printed (it must print nothing on stderr)."""
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory):
    """complete("kqa", "--fo") -> what bash would offer for the last word."""
    script = written_script("bash", tmp_path_factory.mktemp("completion"))

    def offer(*words: str, cwd: Path | None = None) -> list[str]:
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        probe = (f"source {script}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
                 "_kqa; printf '%s\\n' \"${COMPREPLY[@]}\"")
        return shell_says(["bash", "--norc", "--noprofile", "-c", probe], cwd)

    return offer


@needs_bash
def test_subcommands_then_their_options(complete) -> None:
    assert complete("kqa", "") == ["index", "info", "eval", "tui", "completion"]
    assert complete("kqa", "--fo") == ["--format"]
    assert complete("kqa", "index", "--r") == ["--rebuild"]  # --ranking: refused by `kqa index`
    assert "--rebuild" not in complete("kqa", "--")


@needs_bash
def test_option_values_follow_the_subcommand(complete) -> None:
    assert complete("kqa", "--format", "") == ["text", "json", "jsonl", "tsv"]
    assert complete("kqa", "info", "-f", "") == ["text", "json"]
    assert complete("kqa", "eval", "--format", "js") == ["json", "jsonl"]
    assert complete("kqa", "--format", "=", "js") == ["json", "jsonl"]  # --format=js, as bash splits it
    assert complete("kqa", "--color", "a") == ["auto", "always"]
    assert complete("kqa", "-q", "") == []  # a question: nothing to offer, not file names


@needs_bash
def test_an_option_value_is_not_taken_for_a_subcommand(complete) -> None:
    assert complete("kqa", "-q", "info", "--fo") == ["--format"]  # `info` is the question here
    assert complete("kqa", "completion", "") == ["bash", "zsh", "fish"]


@needs_bash
def test_folders_and_question_files(complete, tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "questions.jsonl").write_text("{}")
    assert complete("kqa", "--corpus", "", cwd=tmp_path) == ["articles"]
    assert sorted(complete("kqa", "eval", "", cwd=tmp_path)) == ["articles", "questions.jsonl"]


@needs_bash
def test_names_with_spaces_are_one_candidate(complete, tmp_path: Path) -> None:
    (tmp_path / "my articles").mkdir()
    (tmp_path / "my questions.jsonl").write_text("{}")
    assert complete("kqa", "--corpus", "my", cwd=tmp_path) == ["my articles"]
    assert complete("kqa", "--index", "=", "my", cwd=tmp_path) == ["my articles"]
    assert sorted(complete("kqa", "eval", "my", cwd=tmp_path)) == ["my articles", "my questions.jsonl"]
    assert complete("kqa", "--fo") == ["--format"]  # word lists still split at spaces


def test_zsh_script_uses_the_same_function() -> None:
    result = run_kqa("completion", "zsh")
    assert result.returncode == 0
    assert result.stdout.startswith("(( $+functions[compdef] )) || {")  # the user's compinit is kept
    assert "bashcompinit" in result.stdout and "complete -F _kqa kqa" in result.stdout


def test_unknown_shell_is_a_usage_error() -> None:
    result = run_kqa("completion", "tcsh")
    assert result.returncode == 2
    assert result.stderr.startswith("kqa: error: argument shell: invalid choice") and result.stdout == ""


@pytest.fixture(scope="module")
def fish_complete(tmp_path_factory: pytest.TempPathFactory):
    """fish_complete("kqa --fo") -> what fish would offer (candidates, descriptions dropped)."""
    script = written_script("fish", tmp_path_factory.mktemp("completion"))

    def offer(line: str, cwd: Path | None = None) -> list[str]:
        probe = f"source {script}; complete -C{shlex.quote(line)}"
        return sorted(row.split("\t")[0] for row in shell_says(["fish", "--no-config", "-c", probe], cwd))

    return offer


@needs_fish
def test_fish_completes_what_bash_does(fish_complete, tmp_path: Path) -> None:
    assert fish_complete("kqa ") == ["completion", "eval", "index", "info", "tui"]
    assert fish_complete("kqa --fo") == ["--format"]
    assert fish_complete("kqa index --r") == ["--rebuild"]  # --ranking: refused by `kqa index`
    assert fish_complete("kqa info -f ") == ["json", "text"]
    assert fish_complete("kqa --format=js") == ["--format=json", "--format=jsonl"]
    assert fish_complete("kqa -q info --fo") == ["--format"]  # `info` is the question here
    assert fish_complete("kqa -q ") == []  # a question: nothing to offer, not file names
    assert fish_complete("kqa completion ") == ["bash", "fish", "zsh"]
    assert fish_complete("kqa --source Reuters ") == ["tui"]  # the others refuse --source
    assert fish_complete("kqa --corpus /tmp --format=json ") == ["eval", "info"]
    assert fish_complete("kqa -q peace ") == []
    (tmp_path / "my articles").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "my questions.jsonl").write_text("{}")
    assert fish_complete("kqa --corpus ", cwd=tmp_path) == ["my articles/"]
    assert fish_complete("kqa eval my", cwd=tmp_path) == ["my articles/", "my questions.jsonl"]
    (tmp_path / "my articles" / "inner.jsonl").write_text("{}")
    (tmp_path / "my articles" / "skip.txt").write_text("x")
    assert fish_complete("kqa eval my\\ articles/", cwd=tmp_path) == ["my articles/inner.jsonl"]  # typed escaped
    assert fish_complete('kqa eval "my articles/', cwd=tmp_path) == ["my articles/inner.jsonl"]  # or quoted


def test_fish_script_offers_each_command_its_own_options_only() -> None:
    # without fish too: every option a command accepts has a line under that command's condition,
    # and options a command refuses have none
    result = run_kqa("completion", "fish")
    assert result.returncode == 0
    lines = result.stdout.splitlines()

    def longs(command: str) -> set[str]:
        return {m for line in lines if f"-n '__kqa_is \"{command}\"'" in line for m in re.findall(r" -l (\S+)", line)}

    assert {"question", "format", "source", "since", "until", "color", "corpus", "index", "top"} <= longs("")
    assert "rebuild" in longs("index") and "ranking" not in longs("index")
    assert longs("eval") >= {"format", "top", "ranking", "corpus"} and "source" not in longs("eval")


@needs_bash
def test_no_subcommand_is_offered_that_refuses_a_root_option_typed_before(complete) -> None:
    assert complete("kqa", "--source", "Reuters", "") == ["tui"]  # `kqa --source X info` is refused
    assert complete("kqa", "-k", "3", "") == ["eval", "tui"]
    assert complete("kqa", "--corpus", "/tmp", "--format", "=", "json", "") == ["info", "eval"]
    assert complete("kqa", "--ranking", "bm25", "-k", "3", "") == ["eval", "tui"]
    assert complete("kqa", "-q", "peace", "") == []  # a question: no subcommand either
    assert complete("kqa", "--color", "never", "") == ["index", "info", "eval", "tui", "completion"]
