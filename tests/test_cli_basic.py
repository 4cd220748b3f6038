"""The one-shot command through the installed entry point."""

from __future__ import annotations

import json
from pathlib import Path

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
