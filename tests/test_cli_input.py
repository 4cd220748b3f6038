"""Input as scripts really send it (stray bytes, BOMs, empty variables, closed
pipes) and text output on a terminal, through the real entry point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import BBC, kqa_cmd, needs, run_kqa

ANSI = re.compile(r"\x1b\[[0-9;]*m")
MOSCOW = "Who hosted the January 11 meeting in Moscow?"


def test_batch_survives_a_bom_and_a_stray_byte_under_a_strict_locale(bundled_copy: Path, tmp_path: Path) -> None:
    questions = b"\xef\xbb\xbfWho hosted the meeting in Moscow?\nMoscow \xff meeting\nPashinyan\n"
    r = subprocess.run([*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
                        "-q", "-", "-k", "1", "--format", "jsonl"], input=questions, capture_output=True,
                       env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"}, timeout=300)
    assert r.returncode == 0, r.stderr
    queries = [json.loads(line)["query"] for line in r.stdout.decode("utf-8").splitlines()]
    assert queries == ["Who hosted the meeting in Moscow?", "Moscow \ufffd meeting", "Pashinyan"]


def test_a_stray_byte_in_the_question_argument(bundled_copy: Path, tmp_path: Path) -> None:
    args = [*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"),
            "-q", "Putin \udcff", "-k", "1", "--format", "jsonl"]
    r = subprocess.run([os.fsencode(a) for a in args], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["query"] == "Putin \ufffd"


@pytest.mark.parametrize(("args", "message"), [
    (["--corpus", "", "-q", "Putin"], "--corpus: empty path"),
    (["--index", "", "-q", "Putin"], "--index: empty path"),
    (["--source", " ", "-q", "Putin"], "--source: empty text"),
    (["--ranking", "bm25", "info"], "--ranking does not apply to 'kqa info'"),
    (["-q", "-Putin"], "a question that starts with '-' is written -q=-QUESTION"),
    (["-k", "3", "-q"], "-q needs a question: kqa -q \"Who hosted the talks?\""),
])
def test_empty_or_misplaced_values_are_errors_not_defaults(args: list[str], message: str) -> None:
    r = run_kqa(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert message in r.stderr and len(r.stderr.splitlines()) == 1


def test_question_starting_with_a_dash_in_the_documented_form(ask) -> None:
    r = ask("-q=-Putin", "-k", "1")
    assert r.returncode == 0 and "Putin" in r.stdout


def test_empty_batch_says_so(ask) -> None:
    r = ask("-q", "-", input="\n  \n")
    assert r.returncode == 1 and r.stderr.splitlines()[-1] == "kqa: no questions on stdin"


def test_closed_stdout_is_one_line(bundled_copy: Path, tmp_path: Path) -> None:
    cmd = " ".join(f"'{a}'" for a in [*kqa_cmd(), "--corpus", str(bundled_copy), "-q", "Putin"])
    r = subprocess.run(["sh", "-c", f"{cmd} >&-"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr == "kqa: error: stdout is closed\n"


def test_batch_header_shows_escape_sequences_as_text(ask) -> None:
    r = ask("-q", "-", "-k", "1", input="Putin \x1b[2J\x1b]0;owned\x07 Moscow\n")
    assert r.returncode == 0
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert r.stdout.startswith("? Putin ␛[2J␛]0;owned␇ Moscow\n")


def test_terminal_text_wraps_by_visible_width_and_closes_styles_per_line(ask) -> None:
    r = ask("-q", MOSCOW, "-k", "3", "--color", "always", env={"COLUMNS": "60"})
    assert r.returncode == 0
    body = [line for line in r.stdout.splitlines() if line.startswith("   ") and "·" not in line]
    visible = [ANSI.sub("", line) for line in body]
    assert max(map(len, visible)) <= 60
    emphasised = [v for line, v in zip(body, visible) if "\x1b[1;33m" in line]
    assert emphasised and max(map(len, emphasised)) > 50  # not wrapped early because of the codes
    for line in body:
        assert line.count("\x1b[4m") == line.count("\x1b[24m")  # the underline never reaches the indent
        assert line.count("\x1b[1;33m") == line.count("\x1b[22;39m")


def test_terminal_text_wraps_wide_characters_and_words_longer_than_a_line(tmp_path: Path) -> None:
    """A Chinese or Japanese article has no spaces and two columns a character:
    left to the terminal, its lines would run past the indent."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = "北京新闻" + "东京的记者报道了俄罗斯和亚美尼亚之间的会谈结果" * 6 + "。"
    (corpus / "zh.txt").write_text(f"北京新闻\n\n{text}\n\nThe okapi https://example.com/{'x' * 90} report.\n", "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "北京新闻 okapi",
                "--color", "always", env={"COLUMNS": "40"})
    assert r.returncode == 0, r.stderr
    body = [ANSI.sub("", line) for line in r.stdout.splitlines() if line.startswith("   ") and "·" not in line]
    columns = [sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in body]
    assert max(columns) <= 40 and len(body) >= 8, body
    assert text in "".join(line[3:] for line in body).replace(" ", "")  # cut, nothing lost
    assert any(line.startswith("   https://example.com/") for line in body)


def test_odd_jsonl_records_are_skipped_or_repaired_not_fatal(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Quokka news\n\nThe quokka census counted many animals.\n", "utf-8")
    (corpus / "b.jsonl").write_text(
        '{"text": "A quokka with a cut emoji \\udc80 here."}\n'
        + "[" * 100_000 + "\n"
        + '{"text": "x", "id": ' + "9" * 5000 + "}\n", "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "cut emoji", "-k", "1",
                "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["text"] == "A quokka with a cut emoji \ufffd here."
    assert "b.jsonl line 2: unreadable JSON (RecursionError)" in r.stderr
    assert "b.jsonl line 3: unreadable JSON (ValueError)" in r.stderr


def test_eval_reads_records_holding_unicode_line_separators(ask, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    lines = [json.dumps({"q": "Who hosted the meeting\u2028in Moscow?", "answers": ["Putin\x85"]}, ensure_ascii=False),
             json.dumps({"q": MOSCOW, "answers": ["Putin"]}), "[" * 100_000]
    questions.write_text("\n".join(lines) + "\n", "utf-8")
    r = ask("eval", str(questions))
    assert r.returncode == 2 and r.stderr == f"kqa: error: {questions}:3: not valid JSON (nested too deep)\n"
    questions.write_bytes(b'{"q": "Who?", "answers": ["a"]}\n{"q": "Wh\xff?", "answers": ["a"]}\n')
    r = ask("eval", str(questions))
    assert r.returncode == 2 and f"{questions}:2: not UTF-8 (byte 0xff)" in r.stderr


def test_eval_jsonl_top_says_when_a_date_is_inferred(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Quokka news\n\nPublished 4 March 2022\n\nThe quokka festival took place on "
                                  "3 March 2022 in Perth.\n", "utf-8")
    os.utime(corpus / "a.txt", (1_700_000_000, 1_700_000_000))
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "eval", "-", "--format", "jsonl",
                input='{"q": "When was the quokka festival?", "answers": ["3 March 2022"]}\n')
    assert r.returncode == 0, r.stderr
    top = json.loads(r.stdout)["top"]
    assert (top["date"], top["date_inferred"]) == ("2022-03-04", True)


def test_source_filter_ignores_runs_of_spaces(ask) -> None:
    r = ask("-q", "Armenia", "--source", "sofia   GLOBE", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    assert {json.loads(line)["source"] for line in r.stdout.splitlines()} == {"The Sofia Globe"}


@needs(BBC)
def test_sigterm_during_a_build_exits_143_and_leaves_the_index_as_it_was(bundled_copy: Path, tmp_path: Path) -> None:
    import shutil
    import signal
    import time

    ix = tmp_path / "ix"
    assert run_kqa("--corpus", str(bundled_copy), "--index", str(ix), "index").returncode == 0
    before = (ix / "current").resolve()
    shutil.copytree(BBC, bundled_copy / "bbc")
    proc = subprocess.Popen([*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(ix), "index"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert proc.poll() is None, "the build finished before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and err.splitlines()[-1] == "kqa: terminated"
    assert (ix / "current").resolve() == before and not list(ix.glob("*.tmp"))


def test_no_results_hint_names_the_unknown_word_beside_known_ones(ask) -> None:
    r = ask("-q", '"Zorblax Putin"')
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == ('kqa: no results: no passage has "Zorblax Putin" word for word '
                                          "(Zorblax: not in the corpus): try without the quotes")


def test_decomposed_accents_are_found_as_typed_and_unaccented(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = "Cafe story\n\nThe café in Zürich served crème brûlée to Ayşegül on Monday.\n"
    (corpus / "nfd.txt").write_text(unicodedata.normalize("NFD", text), "utf-8")  # as macOS writes names
    for question in ("Zürich", "Zurich", "Aysegul", '"crème brûlée"'):
        r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", question, "--format", "jsonl")
        assert r.returncode == 0, (question, r.stderr)  # `Zu\u0308rich` was two words, `zu` and `rich`
        assert json.loads(r.stdout)["doc_id"] == "nfd"


def test_jsonl_text_reads_like_a_text_file(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text(
        json.dumps({"title": "Harbour strike ends after talks", "source": "Reuters",
                    "text": "Harbour strike ends after talks\n\nDock workers in Rotterdam ended a nine-day strike "
                            "on Tuesday, the union said.\n\nShips had queued outside the port for a week."}) + "\n"
        + json.dumps({"text": "Windows\r\nline quokka\r\n\r\nnext quokka para"}) + "\n", "utf-8")
    args = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--format", "jsonl", "-k", "1")
    hit = json.loads(run_kqa(*args, "-q", "harbour strike Rotterdam").stdout)
    assert hit["text"].startswith("Dock workers")  # the headline was run into the quote: "talks Dock workers"
    assert hit["answer"]["text"].startswith("Dock workers")
    hit = json.loads(run_kqa(*args, "-q", "Windows quokka").stdout)
    assert hit["title"] == "Windows" and "\r" not in hit["text"]  # the title kept a carriage return
    assert hit["answer"]["text"] == "Windows\nline quokka"  # a sentence ends where its paragraph does


@pytest.mark.parametrize("args", [[], ["tui"], ["eval", "-"]])
def test_closed_stdin_is_a_one_line_error(args: list[str], tmp_path: Path) -> None:
    """`kqa <&-` (a cron job, a service): the documented error, not an unexpected one."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    r = subprocess.run([*kqa_cmd(), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                       preexec_fn=lambda: os.close(0), timeout=60)
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1 and "unexpected" not in r.stderr, r.stderr


def test_a_date_in_the_story_is_not_taken_for_the_articles_date(tmp_path: Path) -> None:
    """A profile's birth date or an anniversary is not when the article was
    written; a date line under the headline is."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "profile.txt").write_text(
        "Profile: Gordon Brown\n\nGordon Brown was born in Glasgow on 20 February 1951, the son of a minister. "
        "The chancellor entered parliament in 1983.\n", "utf-8")
    (corpus / "clipped.txt").write_text(
        "Brown sets out budget\n\nBy Jane Doe | March 16, 2005\n\nThe chancellor Gordon Brown set out his budget.\n",
        "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "Gordon Brown chancellor",
                "--format", "jsonl")
    dates = {Path(h["path"]).name: (h["date"], h["date_inferred"]) for h in map(json.loads, r.stdout.splitlines())}
    assert dates == {"profile.txt": (None, False), "clipped.txt": ("2005-03-16", True)}
    text = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "Gordon Brown chancellor")
    assert "unknown date" in text.stdout and "~2005-03-16" in text.stdout
