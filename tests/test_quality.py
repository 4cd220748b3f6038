"""Answer quality on SQuAD: the answer string is in the top 5 passages for
at least 90% of the questions, asked through the real command line."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from conftest import ROOT, SQUAD, needs, run_kqa

sys.path.insert(0, str(ROOT / "benchmarks"))
from datasets import build_squad_corpus  # noqa: E402

from kqa.analysis import fold  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


@needs(SQUAD)
def test_answer_in_top5_for_90_percent_of_squad_questions(tmp_path: Path) -> None:
    questions = build_squad_corpus(tmp_path / "squad")
    assert len(questions) > 4000
    unique = {q["q"].strip(): q["answers"] for q in questions}
    r = run_kqa("--corpus", str(tmp_path / "squad"), "--index", str(tmp_path / "ix"),
                "-q", "-", "-k", "5", "--format", "jsonl", input="\n".join(unique) + "\n")
    assert r.returncode == 0, r.stderr[-500:]
    passages: dict[str, list[str]] = defaultdict(list)
    for line in r.stdout.splitlines():
        rec = json.loads(line)
        passages[rec["query"]].append(_norm(rec["text"]))
    answered = sum(
        any(_norm(a) in p for a in answers for p in passages[q]) for q, answers in unique.items()
    )
    recall = answered / len(unique)
    print(f"SQuAD answer recall@5: {recall:.3f} over {len(unique)} questions")
    assert recall >= 0.90
