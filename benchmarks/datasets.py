"""Evaluation corpora built from ../shared/data: one text file per article.

Used by the tests (answer quality) and by the benchmark scripts, so both
measure the same thing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SQUAD_JSON = SHARED / "data" / "squad-dev" / "squad-v1.1-dev-part1.json"


def build_squad_corpus(dest: Path, source: Path = SQUAD_JSON) -> list[dict[str, object]]:
    """Write one `.txt` per SQuAD article (title line + blank-line paragraphs)
    into `dest`; return the questions as `{"q", "answers", "doc"}` records."""
    data = json.loads(source.read_text("utf-8"))["data"]
    dest.mkdir(parents=True, exist_ok=True)
    questions: list[dict[str, object]] = []
    for article in data:
        title = article["title"].replace("_", " ")
        slug = re.sub(r"[^A-Za-z0-9]+", "_", article["title"]).strip("_")
        paragraphs = [p["context"].strip() for p in article["paragraphs"]]
        (dest / f"{slug}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")
        for p in article["paragraphs"]:
            for qa in p["qas"]:
                answers = sorted({a["text"] for a in qa["answers"]})
                questions.append({"q": qa["question"], "answers": answers, "doc": slug})
    return questions
