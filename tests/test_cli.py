"""`kqa` as users run it: formats, pipes, filters, batch mode, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BBC, ROOT, corpus_of, kqa_cmd, needs, run_kqa

Q = "How many Russian peacekeepers were sent to Nagorno-Karabakh?"


def test_quick_start_command_uses_bundled_corpus_and_index_dir() -> None:
    r = run_kqa("-q", "Who hosted the January 11 meeting in Moscow?")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1. Armenia – Azerbaijan: Why Is Putin twisting Pashinyan’s arm?")
    assert "CDMedia · 2021-01-12" in r.stdout
    assert (ROOT / "index" / "current").is_symlink()


def test_text_output_is_plain_when_piped(ask) -> None:
    r = ask("-q", Q, "-k", "5")
    assert r.returncode == 0
    assert "\x1b[" not in r.stdout
    assert [line.split(".")[0] for line in r.stdout.splitlines() if line[:1].isdigit()] == ["1", "2", "3", "4", "5"]
    assert "2,000" in r.stdout


def test_color_always_emphasises_matched_words_unless_no_color(ask) -> None:
    r = ask("-q", "negotiate", "--color", "always", "-k", "1")
    assert "\x1b[1;33mnegotiations\x1b[22;39m" in r.stdout or "\x1b[1;33mnegotiation\x1b[22;39m" in r.stdout
    r = ask("-q", "negotiate", "-k", "1", env={"NO_COLOR": "1"})
    assert "\x1b[" not in r.stdout


def test_jsonl_and_json_carry_the_same_records(ask) -> None:
    jl = ask("-q", Q, "--format", "jsonl")
    js = ask("-q", Q, "--format", "json")
    records = [json.loads(line) for line in jl.stdout.splitlines()]
    assert json.loads(js.stdout) == records
    assert len(records) == 5
    need = {"query", "rank", "score", "doc_id", "title", "source", "date", "passage_id", "start", "end", "text", "path"}
    assert need <= set(records[0])
    assert all(r["query"] == Q for r in records)
    assert [r["score"] for r in records] == sorted((r["score"] for r in records), reverse=True)
    body = Path(records[0]["path"]).read_text("utf-8")
    assert records[0]["text"] in body


def test_tsv_has_header_and_one_line_per_hit(ask) -> None:
    r = ask("-q", Q, "--format", "tsv", "-k", "4")
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["query", "rank", "score"]
    assert len(lines) == 5 and all(len(line.split("\t")) == len(lines[0].split("\t")) for line in lines)


def test_tsv_dates_sort_and_compare_as_dates_and_say_when_inferred(tmp_path: Path) -> None:
    """`awk '$7 >= "2023"'` and `sort -k7` work on the date column: a `~`
    before an inferred date sorted after every digit (a 2019 article came out newest)."""
    corpus = corpus_of(tmp_path / "c", {
        "old.txt": "Old quokka story\n\nPublished 3 March 2019\n\nThe quokka population fell sharply on the island.\n",
        "new.md": "---\ntitle: New quokka story\ndate: 2024-05-01\n---\nThe quokka population recovered on the island.\n",
    })
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "quokka population", "--format", "tsv")
    rows = [dict(zip(r.stdout.splitlines()[0].split("\t"), line.split("\t"))) for line in r.stdout.splitlines()[1:]]
    assert sorted((row["date"], row["date_inferred"], row["title"]) for row in rows) == [
        ("2019-03-03", "true", "Old quokka story"), ("2024-05-01", "false", "New quokka story")]


def test_a_feed_record_hit_gives_a_file_to_open_and_its_line_apart(tmp_path: Path) -> None:
    """`jq -r .path | xargs cat` opens the feed and `.line` finds the record, as rg --json gives
    `path` and `line_number`: `feed.jsonl:2` as the path could not be opened. Text keeps `feed.jsonl:2`."""
    records = [{"title": "Ferries", "text": "The ferry timetable changes in May."},
               {"title": "Quokkas", "text": "The quokka population recovered on the island."}]
    corpus = corpus_of(tmp_path / "c", {"feed.jsonl": "".join(json.dumps(r) + "\n" for r in records),
                                        "note.txt": "Quokka note\n\nA quokka population count is planned.\n"})
    base = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "quokka population")
    hits = {h["title"]: h for h in map(json.loads, run_kqa(*base, "--format", "jsonl").stdout.splitlines())}
    feed, note = hits["Quokkas"], hits["Quokka note"]
    assert (feed["path"], feed["line"]) == (str(corpus / "feed.jsonl"), 2)
    record = Path(feed["path"]).read_text("utf-8").splitlines()[feed["line"] - 1]
    assert feed["text"] in json.loads(record)["text"]
    assert (note["path"], note["line"]) == (str(corpus / "note.txt"), None)
    rows = run_kqa(*base, "--format", "tsv").stdout.splitlines()
    tsv = {row["title"]: row for row in (dict(zip(rows[0].split("\t"), line.split("\t"))) for line in rows[1:])}
    assert (tsv["Quokkas"]["path"], tsv["Quokkas"]["line"]) == (str(corpus / "feed.jsonl"), "2")
    assert tsv["Quokka note"]["line"] == ""
    assert f"{corpus / 'feed.jsonl'}:2 · score" not in run_kqa(*base).stdout
    assert "feed.jsonl:2 · score" in run_kqa(*base).stdout


def test_appending_to_a_feed_reads_the_new_records_and_names_only_their_bad_lines(tmp_path: Path) -> None:
    """A feed written by a scraper grows a line at a time: the bad line it had is not
    named again at each question, and an appended record is found at its line."""
    corpus = corpus_of(tmp_path / "c", {"feed.jsonl": '{"title": "Ferries", "text": "The ferry timetable changes in May."}\n{oops\n'})
    feed = corpus / "feed.jsonl"
    base = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    first = run_kqa(*base, "-q", "ferry timetable")
    assert "feed.jsonl line 2: malformed JSON" in first.stderr
    with feed.open("a", encoding="utf-8") as f:
        f.write('{"title": "Quokkas", "text": "The quokka population recovered."}\n[1]\n')
    r = run_kqa(*base, "-q", "quokka population", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    assert (json.loads(r.stdout)["title"], json.loads(r.stdout)["line"]) == ("Quokkas", 3)
    assert "line 2" not in r.stderr and "feed.jsonl line 4: record is not a JSON object" in r.stderr
    info = run_kqa(*base, "info").stdout
    assert "bad record feed.jsonl line 2: malformed JSON" in info and "bad record feed.jsonl line 4" in info


def test_batch_questions_from_stdin(ask) -> None:
    questions = [Q, "zzzunknownword", "Who is the chairman of the CSTO council?"]
    r = ask("-q", "-", "--format", "jsonl", "-k", "2", input="\n".join(questions) + "\n\n")
    assert r.returncode == 0
    seen = [json.loads(line)["query"] for line in r.stdout.splitlines()]
    assert seen == [Q, Q, questions[2], questions[2]]
    assert "no results for 'zzzunknownword': none of its words" in r.stderr  # the miss is not silent
    text = ask("-q", "-", "-k", "1", input="\n".join(questions))
    assert "? zzzunknownword\n  (no results)" in text.stdout


def test_a_long_question_of_unknown_words_names_a_few_in_its_one_line_hint(ask) -> None:
    words = [f"Zq{n:04d}x" for n in range(500)]  # a page pasted by mistake: it used to list all 500
    assert ask("index").returncode == 0
    r = ask("-q", " ".join(words))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "(Zq0000x, Zq0001x, Zq0002x, Zq0003x, Zq0004x, Zq0005x, Zq0006x, Zq0007x and 492 more)" in r.stderr


def test_no_results_exit_1_with_hint(ask) -> None:
    r = ask("-q", "zzzunknownword")
    assert r.returncode == 1 and r.stdout == ""
    assert "no results: none of its words are in the corpus (zzzunknownword)" in r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["-q", Q, "--since", "yesterday"], "--since: unreadable date"),
        (["-q", Q, "-k", "0"], "-k must be at least 1"),
        (["-q", Q, "--format", "xml"], "invalid choice"),
        (["-q", ""], "the question is empty"),
        (["--bogus"], "unrecognized arguments"),
        (["-q", Q, "--since", "2023-02-29"], "--since: no such date '2023-02-29': February 2023 has 28 days"),
        (["completion", "bash"], "--corpus does not apply to 'kqa completion'"),  # `ask` gives --corpus
        (["--ranking", "bm25", "completion", "bash"], "does not apply to 'kqa completion'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(ask, args: list[str], message: str) -> None:
    r = ask(*args)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and message in r.stderr and r.stderr.startswith("kqa: error:")
    assert "Traceback" not in r.stderr


def test_a_bad_date_is_reported_before_the_index_or_numpy_loads(ask) -> None:
    # a typo in --since must fail fast, not after the ~60 ms numpy import and the index check
    r = ask("-q", Q, "--since", "yesterday", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert r.returncode == 2 and "--since: unreadable date" in r.stderr
    imported = [line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")]
    assert "kqa.filters" in imported and "numpy" not in imported and "kqa.search" not in imported


def test_missing_corpus_is_a_data_error(tmp_path: Path) -> None:
    r = run_kqa("-q", Q, "--corpus", str(tmp_path / "nope"))
    assert r.returncode == 2 and "corpus folder not found" in r.stderr


def test_filters_apply_before_ranking(ask) -> None:
    r = ask("-q", "Armenia Russia", "--source", "bloomberg", "-k", "7", "--format", "jsonl")
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(hits) == 7 and {h["source"] for h in hits} == {"Bloomberg"}

    r = ask("-q", "Armenia Russia", "--since", "2023-06", "--until", "2023-12-31", "-k", "50", "--format", "jsonl")
    dates = {json.loads(line)["date"] for line in r.stdout.splitlines()}
    assert dates == {"2023-09-21", "2023-11"}

    r = ask("-q", "Armenia", "--until", "2021", "--format", "jsonl", "-k", "50")
    assert {json.loads(line)["source"] for line in r.stdout.splitlines()} == {"CDMedia"}

    r = ask("-q", "Armenia", "--source", "nobody-publishes-this")
    assert r.returncode == 1 and "filters" in r.stderr


def test_pipe_into_head_ends_quietly(bundled_copy: Path, tmp_path: Path) -> None:
    cmd = " ".join(f"'{c}'" for c in kqa_cmd())
    shell = (f"{cmd} --corpus '{bundled_copy}' --index '{tmp_path / 'ix'}' -q - -k 50 --format jsonl"
             f" < /dev/stdin | head -1")
    questions = "\n".join(["Armenia Russia Azerbaijan"] * 200)
    r = subprocess.run(["bash", "-o", "pipefail", "-c", shell], input=questions, capture_output=True, text=True)
    assert len(r.stdout.splitlines()) == 1
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr



@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_output_device_is_one_clear_error(bundled_copy: Path, tmp_path: Path) -> None:
    cmd = [*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", Q]
    assert subprocess.run(cmd, capture_output=True).returncode == 0  # built: no progress line below
    with open("/dev/full", "w") as full:
        r = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 2
    assert r.stderr == "kqa: error: cannot write the output: No space left on device\n"

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["index", "--help"]])
def test_help_to_a_full_device_fails_as_any_output_does(args: list[str]) -> None:
    """`kqa --help > file` on a full disk must not pass for a success in a script."""
    with open("/dev/full", "w") as full:
        r = subprocess.run([*kqa_cmd(), *args], stdout=full, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 2
    assert r.stderr == "kqa: error: cannot write the output: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("stderr", ["full", "closed"])
def test_messages_that_cannot_be_written_cost_no_answer(bundled_copy: Path, tmp_path: Path, stderr: str) -> None:
    """stderr is best effort, as for grep: a warning failing mid-build (a dead pipe, a full
    disk, `2>&-`) was taken for an unwritable index and the question exited 1, "no results"."""
    (bundled_copy / "latin1.txt").write_bytes("Caf\xe9 prices \xa3 rise".encode("latin-1"))  # warned about
    args = [*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", Q, "-k", "1", "--format", "jsonl"]
    if stderr == "full":
        with open("/dev/full", "w") as full:
            r = subprocess.run(args, stdout=subprocess.PIPE, stderr=full, text=True)
    else:
        r = subprocess.run(["sh", "-c", '"$@" 2>&-', "sh", *args], stdout=subprocess.PIPE, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["rank"] == 1
    assert (tmp_path / "ix" / "current").is_symlink()  # the build was not abandoned
    missing = run_kqa(*args[1:5], "-q", "zzqqxx")
    assert missing.returncode == 1  # the exit code still follows the results


def test_file_names_cannot_drive_the_terminal_in_messages_or_info(bundled_copy: Path, tmp_path: Path) -> None:
    """A name from an archive or a scraper is data, as the text is: `\\e[2J` cleared the
    screen from a "skipped" line, and a newline split one message into two."""
    (bundled_copy / "\x1b[2J\x1b]0;pwned\x07x.txt").write_bytes(b"")
    (bundled_copy / "new\nline.txt").write_bytes(b"")
    base = ("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"))
    r = run_kqa(*base, "-q", Q, "-k", "1")
    assert r.returncode == 0 and "\x1b" not in r.stderr and "\x07" not in r.stderr
    skipped = [line for line in r.stderr.splitlines() if line.startswith("kqa: skipped")]
    assert len(skipped) == 2 and any("␛[2J␛]0;pwned␇x.txt: empty file" in line for line in skipped)
    assert any("new␊line.txt: empty file" in line for line in skipped)
    info = run_kqa(*base, "info").stdout
    assert "\x1b" not in info and "skipped    ␛[2J" in info and "skipped    new␊line.txt: empty file" in info


def test_a_corpus_folder_named_in_another_encoding_is_one_clear_error(bundled_copy: Path, tmp_path: Path) -> None:
    """A folder from a Windows zip (`bad\\xffdir`) with the index in the cache: the
    cache name hashed the path as UTF-8 and failed with "unexpected UnicodeEncodeError"."""
    folder = os.fsdecode(bytes(tmp_path) + b"/bad\xffdir")
    shutil.copytree(bundled_copy, folder)
    for args in (["-q", Q], ["info"]):
        r = run_kqa("--corpus", folder, *args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert "the corpus folder's path is not UTF-8: " in r.stderr and "(rename it)" in r.stderr


def test_an_output_encoding_without_every_character_still_answers(ask, bundled_copy: Path, tmp_path: Path) -> None:
    """A Latin-1 or ASCII stdout (an older server's locale, PYTHONIOENCODING): the en dash of
    a title failed every answer with "unexpected UnicodeEncodeError", JSON included."""
    question = "Why is Putin twisting Pashinyan’s arm?"
    r = subprocess.run([*kqa_cmd(), "--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", question, "-k", "1"],
                       capture_output=True, env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    text = r.stdout.decode("latin-1")
    assert r.returncode == 0 and "Armenia ? Azerbaijan: Why Is Putin twisting Pashinyan?s arm?" in text
    assert "CDMedia · 2021-01-12" in text  # what Latin-1 has is written as Latin-1
    for fmt in ("jsonl", "json"):
        r = ask("-q", question, "-k", "1", "--format", fmt, env={"PYTHONIOENCODING": "ascii"})
        assert r.returncode == 0 and r.stdout.isascii() and "\\u2013" in r.stdout
        record = json.loads(r.stdout) if fmt == "jsonl" else json.loads(r.stdout)[0]
        assert record["title"] == "Armenia – Azerbaijan: Why Is Putin twisting Pashinyan’s arm?"  # exact, escaped
    info = ask("info", "--format", "json", env={"PYTHONIOENCODING": "ascii"})
    assert info.returncode == 0 and json.loads(info.stdout)["articles"] == 5


def test_no_question_without_terminal_says_what_to_do(ask) -> None:
    r = ask()
    assert r.returncode == 2
    assert "kqa -q" in r.stderr and r.stderr.count("\n") == 1


def test_python_dash_m_and_version() -> None:
    r = subprocess.run([sys.executable, "-m", "kqa", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("kqa ")


def test_info_reports_counts_location_size_and_age(ask, tmp_path: Path) -> None:
    r = ask("info", "--format", "json")
    info = json.loads(r.stdout)
    assert info["articles"] == 5 and info["passages"] > 40
    assert info["index"] == str(tmp_path / "ix") and info["size_bytes"] > 1000
    assert info["age_seconds"] >= 0
    text = ask("info")
    assert "passages" in text.stdout and "built" in text.stdout


def test_info_counts_the_previous_generation_in_the_disk_it_takes(ask, bundled_copy: Path) -> None:
    assert ask("index").returncode == 0
    one = json.loads(ask("info", "--format", "json").stdout)
    assert one["disk_bytes"] == one["size_bytes"]
    (bundled_copy / "new.txt").write_text("Okapi news\n\nThe okapi census counted many animals.\n", "utf-8")
    assert ask("index").returncode == 0
    two = json.loads(ask("info", "--format", "json").stdout)
    assert two["disk_bytes"] > two["size_bytes"] + 0.9 * one["size_bytes"]
    assert "on disk with the previous one" in ask("info").stdout


def test_index_command_and_rebuild(ask, tmp_path: Path) -> None:
    r = ask("index")
    assert r.returncode == 0 and "5 articles" in r.stdout
    assert "indexed" in r.stderr
    r = ask("index")
    assert "indexed" not in r.stderr  # already fresh
    r = ask("index", "--rebuild")
    assert "indexed" in r.stderr and "5 files read" in r.stderr



def test_index_command_fails_when_the_refresh_cannot_be_written(ask, bundled_copy: Path, tmp_path: Path) -> None:
    assert ask("index").returncode == 0
    (tmp_path / "ix" / ".lock").unlink()
    (tmp_path / "ix" / ".lock").mkdir()  # any OSError writing: a full disk, a read-only folder
    (bundled_copy / "new.txt").write_text("Okapi news\n\nThe okapi census counted many animals.\n", "utf-8")
    r = ask("index")
    assert r.returncode == 2 and r.stdout == ""  # a cron job sees the stale index as the failure it is
    assert r.stderr.startswith("kqa: error: cannot write index at") and r.stderr.count("\n") == 1
    r = ask("-q", "Who hosted the January 11 meeting in Moscow?")
    assert r.returncode == 0 and "Putin" in r.stdout  # a question is still answered, from the index as it was
    assert "; using the index as it was" in r.stderr
    r = ask("-q", "okapi census")  # in the folder, not in the index: not "not in the corpus"
    assert r.returncode == 1 and "none of its words are in the index as it was (okapi, census)" in r.stderr
    r = ask("-q", "Putin okapi")
    assert "kqa: not in the index as it was: okapi" in r.stderr and "corpus" not in r.stderr
    info = ask("info", "--format", "json")  # shows the index it has, and says it is out of date
    assert info.stderr.count("\n") == 1 and "answering" not in info.stderr  # info answers nothing
    assert info.returncode == 0 and json.loads(info.stdout)["stale"].startswith("cannot write index at")
    assert "stale      the folder changed since: cannot write index at" in ask("info").stdout
    assert json.loads(ask("info", "--format", "json").stdout)["articles"] == 5

@pytest.mark.parametrize("fmt, name", [("jsonl", "hits.jsonl"), ("text", "notes.txt"), ("tsv", "hits.txt"),
                                       ("text", "batch.md")])
def test_results_saved_inside_the_corpus_are_not_read_back_as_articles(
        bundled_copy: Path, tmp_path: Path, fmt: str, name: str) -> None:
    """`kqa --corpus . -q ... > hits.jsonl` run in the articles folder: the
    saved copy must not outrank (and, as a duplicate, hide) the article."""
    base = ["--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "--format", fmt]
    question = "-" if name == "batch.md" else Q
    top = json.loads(run_kqa(*base[:4], "-q", Q, "-k", "1", "--format", "jsonl").stdout)["path"]
    saved = run_kqa(*base, "-q", question, input=f"{Q}\nPutin Aliyev\n")
    assert saved.returncode == 0 and saved.stdout
    (bundled_copy / name).write_text(saved.stdout, "utf-8")
    r = run_kqa(*base[:4], "-q", Q, "-k", "3", "--format", "jsonl")
    assert r.returncode == 0
    assert [json.loads(line)["path"] for line in r.stdout.splitlines()][0] == top
    assert f"{name}: kqa's own output (saved results), not an article" in r.stderr
    info = run_kqa(*base[:4], "info", "--format", "json")
    assert json.loads(info.stdout)["articles"] == 5
    assert json.loads(info.stdout)["skipped"] == {name: "kqa's own output (saved results), not an article"}


def test_bad_files_are_reported_and_skipped(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "latin1.txt").write_bytes("Caf\xe9 prices \xa3 rise".encode("latin-1"))
    (bundled_copy / "empty.md").write_text("", "utf-8")
    (bundled_copy / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (bundled_copy / "bad.jsonl").write_text('{"title": "ok", "text": "Zebra crossing report."}\n{oops\n', "utf-8")
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", "zebra crossing")
    assert r.returncode == 0
    assert "latin1.txt: not UTF-8" in r.stderr
    assert "empty.md: empty file" in r.stderr
    assert "blob.txt: binary file" in r.stderr
    assert "bad.jsonl line 2: malformed JSON" in r.stderr
    assert "Traceback" not in r.stderr
    assert "bad.jsonl:1" in r.stdout
    assert "1 bad record skipped" in r.stderr
    info = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "info")
    # a bad line is not a skipped file: "(3 skipped)" above a fourth "skipped" line did not add up
    assert "articles   6 from 9 files (3 skipped, 1 bad record)" in info.stdout
    assert "bad record bad.jsonl line 2: malformed JSON" in info.stdout
    assert "skipped    latin1.txt: not UTF-8" in info.stdout


@needs(BBC / "sport" / "199.txt")
def test_real_non_utf8_bbc_file_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("199.txt", "001.txt", "002.txt"):
        (corpus / name).write_bytes((BBC / "sport" / name).read_bytes())
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "info")
    assert r.returncode == 0
    assert "199.txt: not UTF-8 (byte 0xa3" in r.stderr
    assert "articles   2 from 3 files (1 skipped)" in r.stdout


def test_answer_sentence_marked_in_json_and_underlined_on_terminal(ask) -> None:
    q = "When did Putin host Pashinyan and Aliyev in Moscow?"
    rec = json.loads(ask("-q", q, "-k", "1", "--format", "jsonl").stdout)
    answer = rec["answer"]
    assert answer["text"].startswith("On January 11, Russian President Vladimir Putin hosted")
    assert rec["start"] <= answer["start"] < answer["end"] <= rec["end"]
    assert rec["text"][answer["start"] - rec["start"] : answer["end"] - rec["start"]] == answer["text"]
    shown = ask("-q", q, "-k", "1", "--color", "always").stdout
    assert "\x1b[4mOn January 11" in shown and "\x1b[24m" in shown


def test_quoted_phrase_is_matched_as_a_phrase(ask) -> None:
    r = ask("-q", '"rail connection"', "-k", "10", "--format", "jsonl")
    texts = [json.loads(line)["text"] for line in r.stdout.splitlines()]
    assert texts and all("rail connection" in t.lower() for t in texts)
    loose = ask("-q", "rail connection", "-k", "10", "--format", "jsonl")
    assert len(loose.stdout.splitlines()) > len(texts)


def test_a_stop_word_in_a_phrase_must_be_there_as_written(ask) -> None:
    """`"Vladimir Putin the"` is not `Vladimir Putin signaled`; the content
    words match by stem (`peace deals` finds `peace deal`)."""
    none = ask("-q", '"Vladimir Putin the"')
    assert none.returncode == 1 and none.stdout == ""
    assert 'no passage has "Vladimir Putin the" word for word' in none.stderr
    hit = ask("-q", '"Vladimir Putin to"', "-k", "10", "--format", "jsonl")
    texts = [json.loads(line)["text"] for line in hit.stdout.splitlines()]
    assert texts and all("Vladimir Putin to" in t for t in texts)
    stemmed = ask("-q", '"peace deals"', "-k", "3", "--format", "jsonl")
    assert stemmed.returncode == 0 and "peace deal" in json.loads(stemmed.stdout.splitlines()[0])["text"]


def test_unknown_words_are_reported_as_typed_once_each(ask) -> None:
    r = ask("-q", "xyzzy xyzzy corpXration")
    assert r.returncode == 1
    assert "(xyzzy, corpXration)" in r.stderr


def test_corpus_that_is_a_file_or_has_no_articles_is_a_data_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text here.\n", "utf-8")
    r = run_kqa("-q", "text", "--corpus", str(tmp_path / "a.txt"), "--index", str(tmp_path / "ix"))
    assert r.returncode == 2 and "must be a folder" in r.stderr
    (tmp_path / "empty").mkdir()
    r = run_kqa("-q", "text", "--corpus", str(tmp_path / "empty"), "--index", str(tmp_path / "ix"))
    assert r.returncode == 2 and "no readable articles" in r.stderr and "Traceback" not in r.stderr


def test_hyphen_and_space_match_in_phrases(ask) -> None:
    spaced = ask("-q", '"Nagorno Karabakh" peacekeepers', "-k", "3", "--format", "jsonl")
    assert spaced.returncode == 0
    assert all("Nagorno-Karabakh" in json.loads(line)["text"] for line in spaced.stdout.splitlines())



def test_phrase_with_a_stop_word_matches_the_hyphenated_form_both_ways(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path / "c", {
        "b.txt": "Story five\n\nThe commander-in-chief visited a state-of-the-art plant "
                 "run by his brother-in-law near the border on Monday.\n",
        "c.txt": "Story six\n\nThe editor in chief of the paper met the mayor and talked "
                 "about the future of print media in the city.\n",
    })

    def docs(question: str) -> tuple[int, list[str]]:
        r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", question, "--format", "jsonl")
        return r.returncode, [json.loads(line)["doc_id"] for line in r.stdout.splitlines()]

    for question in ('"commander in chief"', '"state of the art"', '"brother in law"'):
        assert docs(question) == (0, ["b"]), question
    assert docs('"editor-in-chief"') == (0, ["c"])
    assert docs('"commander chief"') == (1, [])  # not word for word: the hyphenated word has "in"


def test_quoted_name_finds_the_article_by_its_author_title_or_source(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: Budget news\nsource: Bloomberg\nauthor: Zorba Quixley\n---\n"
                                 "The minister presented the budget on Monday.\n", "utf-8")
    (corpus / "b.txt").write_text("Other story\n\nThe zorba dance and quixley pastry were served at dinner.\n", "utf-8")
    ask = ["--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    for question in ('"Zorba Quixley"', '"Budget news"', '"Bloomberg" minister'):
        r = run_kqa(*ask, "-q", question, "--format", "jsonl")
        assert r.returncode == 0 and [json.loads(line)["doc_id"] for line in r.stdout.splitlines()] == ["a"], question
    assert run_kqa(*ask, "-q", '"Quixley Zorba"').returncode == 1  # in order, as everywhere
    assert run_kqa(*ask, "-q", '"Bloomberg Zorba"').returncode == 1  # not across the source and the author
    text = run_kqa(*ask, "-q", '"Zorba Quixley"').stdout  # the hit shows why it matched: its byline
    assert text.splitlines()[1].strip().startswith("Bloomberg · unknown date · by Zorba Quixley · a.md · score")

def test_single_article_corpus_still_answers(tmp_path: Path) -> None:
    corpus = tmp_path / "one"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "The quokka lives on Rottnest Island near Perth in Western Australia and smiles at tourists.\n", "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "quokka", "--format", "jsonl")
    assert r.returncode == 0 and "quokka" in json.loads(r.stdout)["text"]


def test_escape_sequences_in_articles_never_reach_the_terminal(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "evil.txt").write_text(
        "---\ntitle: Evil \x1b]0;pwned\x07 title\n---\nThe platypus \x1b[2J story about "
        "platypus habits in rivers of eastern Australia.\n", "utf-8")
    for fmt, color in (("text", "always"), ("text", "never"), ("tsv", "never")):
        r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "-q", "platypus",
                    "--format", fmt, "--color", color)
        assert r.returncode == 0
        assert "\x1b]0" not in r.stdout and "\x1b[2J" not in r.stdout and "\x07" not in r.stdout
        assert "␛" in r.stdout


def test_headline_only_article_and_unpunctuated_text(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Wombats Win Election\n", "utf-8")
    (corpus / "b.txt").write_text(" ".join(f"word{i} lorem" for i in range(600)) + "\n", "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "wombats", "--format", "jsonl")
    assert r.returncode == 0 and json.loads(r.stdout)["title"] == "Wombats Win Election"
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "lorem", "-k", "50", "--format", "jsonl")
    assert all(len(json.loads(line)["text"].split()) <= 150 for line in r.stdout.splitlines())


def test_since_after_until_is_a_usage_error(ask) -> None:
    r = ask("-q", "Armenia", "--since", "2024", "--until", "2020")
    assert r.returncode == 2 and "is after --until" in r.stderr


def test_index_in_the_corpus_folder_itself_is_refused(bundled_copy: Path) -> None:
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(bundled_copy), "-q", "Putin")
    assert r.returncode == 2 and "cannot be the corpus folder itself" in r.stderr
    assert not (bundled_copy / "current").exists()  # nothing written, so it cannot index itself


def test_a_folder_that_is_not_an_index_is_never_taken_over(bundled_copy: Path, tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "current").write_text("my file\n", "utf-8")
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(mine), "-q", "Putin")
    assert r.returncode == 2 and "holds files kqa did not write" in r.stderr and "current" in r.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["current"]
    assert (mine / "current").read_text("utf-8") == "my file\n"
    (mine / "current").unlink()
    (mine / "gen-2023").mkdir()  # looks like kqa's, but is not: never pruned
    (mine / "gen-2023" / "report.txt").write_text("keep me\n", "utf-8")
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(mine), "index")
    assert r.returncode == 2 and "gen-2023" in r.stderr
    assert (mine / "gen-2023" / "report.txt").read_text("utf-8") == "keep me\n"
    ix = tmp_path / "ix"
    ok = run_kqa("--corpus", str(bundled_copy), "--index", str(ix), "-q", "Putin")
    (ix / ".current.99999").symlink_to("gen-0-0")  # a build killed between link and rename
    (ix / ".DS_Store").write_bytes(b"")
    again = run_kqa("--corpus", str(bundled_copy), "--index", str(ix), "index", "--rebuild")
    assert ok.returncode == 0 and again.returncode == 0, again.stderr  # its own index folder is fine


def test_broken_links_are_reported_and_listed_by_info(bundled_copy: Path, tmp_path: Path) -> None:
    (bundled_copy / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    r = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "index")
    assert r.returncode == 0 and "gone.txt: broken link" in r.stderr
    info = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "info")
    assert "skipped    gone.txt: broken link" in info.stdout
    (bundled_copy / "gone.txt").unlink()  # fixed: the next run notices
    info = run_kqa("--corpus", str(bundled_copy), "--index", str(tmp_path / "ix"), "info")
    assert "gone.txt" not in info.stdout


@needs(BBC)
def test_k_only_cuts_the_list(tmp_path: Path) -> None:
    # a pool that grew with -k reranked more passages: -k 60 | head -5 differed from -k 5
    args = ("--corpus", str(BBC), "--index", str(tmp_path / "ix"), "--format", "tsv")
    for question in ("Who won the election", "What did the chancellor say about taxes"):
        five = run_kqa(*args, "-q", question, "-k", "5").stdout.splitlines()
        sixty = run_kqa(*args, "-q", question, "-k", "60").stdout.splitlines()
        assert len(five) == 6 and len(sixty) == 61
        assert sixty[:6] == five


def test_a_filter_date_is_one_date_and_nothing_else(ask) -> None:
    # the text after an ISO day was dropped: a range typed into --since was half applied
    for value, message in (("2021-01-12 to 2023-05-08", "--since: one date, not a range"),
                           ("2023-06..2023-12", "--since: one date, not a range"),
                           ("2023-09-21 garbage", "--since: unreadable date"),
                           ("2023-09-21T25:00", "--since: unreadable date")):
        r = ask("-q", "Putin", "--since", value)
        assert r.returncode == 2 and r.stderr.startswith(f"kqa: error: {message}"), (value, r.stderr)
    for value in ("2023-09-21T14:03:00Z", "2023-09-21 14:03 +0200"):  # a time after the day is fine
        assert ask("-q", "Putin", "--since", value).returncode == 0, value


def test_article_written_in_long_paragraphs_answers_with_the_whole_paragraph(tmp_path: Path) -> None:
    """Eight paragraphs of ~110 words and one of ~190: the long one is the
    author's answer unit, so it comes back whole, with the answer sentence in it."""
    corpus = tmp_path / "essays"
    corpus.mkdir()
    filler = "The committee met again in the spring to review the annual figures of the region. "
    paras = [f"Section {i} notes. " + filler * 7 for i in range(8)]
    long = ("The glacier retreated by four hundred metres between 1990 and 2020, the survey found. "
            + filler * 12).strip()
    paras.insert(4, long)
    (corpus / "glacier.txt").write_text("Glacier survey\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"),
                "-q", "How far did the glacier retreat?", "-k", "1", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    hit = json.loads(r.stdout)
    assert hit["text"] == long
    assert hit["answer"]["text"].startswith("The glacier retreated by four hundred metres")


def test_a_linked_folder_whose_target_is_gone_is_reported(tmp_path: Path) -> None:
    """An unmounted drive or a moved sync folder: its articles leave the index,
    and the user is told why rather than that the words are not in the corpus."""
    corpus, usb = tmp_path / "corpus", tmp_path / "usb"
    corpus.mkdir(), usb.mkdir()
    (usb / "a.txt").write_text("The tapir board approved the harbour budget on Monday after a debate.\n", "utf-8")
    (corpus / "b.txt").write_text("The heron board met on Monday to discuss the harbour budget.\n", "utf-8")
    (corpus / "usb").symlink_to(usb)
    ix = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert run_kqa(*ix, "-q", "tapir").returncode == 0
    usb.rename(tmp_path / "usb.unmounted")
    r = run_kqa(*ix, "-q", "tapir")
    assert r.returncode == 1 and "usb: broken link" in r.stderr
    info = run_kqa(*ix, "info")
    assert "skipped    usb: broken link" in info.stdout


def test_a_refresh_still_counts_the_files_it_skips(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The heron board met on Monday to discuss the harbour budget.\n", "utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes(b"\xa3 caf\xe9 The heron board budget.\n")
    ix = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    first = run_kqa(*ix, "index")
    assert "(3 files read, 0 reused, 2 skipped)" in first.stderr, first.stderr
    (corpus / "c.txt").write_text("The tapir board met on Tuesday to discuss the harbour budget.\n", "utf-8")
    again = run_kqa(*ix, "-q", "heron board")
    assert "(1 file read, 1 reused, 2 skipped: kqa info lists them)" in again.stderr, again.stderr
    assert "skipped /" not in again.stderr  # said once, on the build that found them


def test_an_article_saved_twice_shows_each_passage_once(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    paras = [f"The harbour board met on day {i} to discuss the{' budget' * (i + 1)}, said officials in report {i}."
             for i in range(6)]  # each paragraph scores differently; each copy the same as its twin
    text = "Harbour board\n\n" + "\n\n".join(paras) + "\n"
    (corpus / "a.txt").write_text(text, "utf-8")
    (corpus / "a (1).txt").write_text(text, "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "harbour board budget",
                "-k", "5", "--format", "jsonl")
    texts = [json.loads(line)["text"] for line in r.stdout.splitlines()]
    assert len(texts) == 5 and len(set(texts)) == 5  # -k 5 still gives five, each once


def test_copies_beyond_the_rerank_pool_do_not_shorten_the_list(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    paras = [f"Report {i}: the harbour board met on Monday morning to discuss the{' budget' * (i % 7 + 1)} with "
             f"officials {i}."
             for i in range(45)]
    text = "Harbour board\n\n" + "\n\n".join(paras) + "\n"
    for name in ("a.txt", "a (1).txt"):
        (corpus / name).write_text(text, "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "harbour board budget",
                "-k", "40", "--format", "jsonl")
    texts = [json.loads(line)["text"] for line in r.stdout.splitlines()]
    assert len(texts) == 40 and len(set(texts)) == 40


def test_bidi_overrides_in_an_article_do_not_reach_the_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Fees\n\nThe harbour raised fees, a bidi override \u202eevil\u202c text.\n", "utf-8")
    r = run_kqa("--corpus", str(corpus), "--index", str(tmp_path / "ix"), "-q", "harbour fees")
    assert r.returncode == 0 and "\u202e" not in r.stdout and "\ufffdevil\ufffd" in r.stdout


def test_info_counts_the_files_kqa_does_not_read(tmp_path: Path) -> None:
    """A folder of saved web pages: info says they are there and not read."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The heron board met on Monday to discuss the harbour budget.\n", "utf-8")
    for name in ("story.html", "other.HTML", "report.pdf", ".hidden.html"):
        (corpus / name).write_text("<html></html>\n", "utf-8")
    ix = ("--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    text = run_kqa(*ix, "info")
    assert "ignored    3 files of other types (.html 2, .pdf 1): kqa reads .txt, .md and .jsonl" in text.stdout
    data = json.loads(run_kqa(*ix, "info", "--format", "json").stdout)
    assert data["ignored"] == {".html": 2, ".pdf": 1}
    (corpus / "story.html").unlink(), (corpus / "other.HTML").unlink(), (corpus / "report.pdf").unlink()
    assert "ignored" not in run_kqa(*ix, "info").stdout


def test_an_option_given_twice_takes_the_last_value(ask) -> None:
    """As in rg, so an alias's default (`alias kqa='kqa -k 10'`) can be overridden."""
    r = ask("-k", "4", "-q", Q, "--source", "nosuchsource", "--source", "bloom", "-k", "2", "--format", "jsonl")
    assert r.returncode == 0
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(hits) == 2 and all(h["source"] == "Bloomberg" for h in hits)
