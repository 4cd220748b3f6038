"""`kqa eval`: answer recall and MRR on labelled questions.

A question is answered at k when one of its answer strings (case-, accent- and
quote-insensitive) occurs in one of the top-k passages. Users run it on their
own questions to check a corpus or a setting; the benchmarks run it on ours.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from kqa.analysis import fold
from kqa.errors import KqaError

CUTOFFS = (1, 5, 10)


@dataclass(frozen=True)
class Question:
    q: str
    answers: tuple[str, ...]
    doc: str | None = None


@dataclass
class EvalResult:
    questions: int
    k: int
    recall: dict[int, float]
    mrr: float  # MRR@min(k, 10)
    answer_sentence: float | None
    passage_words: float
    latency_ms_p50: float
    latency_ms_p95: float

    def as_dict(self) -> dict[str, object]:
        d = {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}  # as recall
        d["recall"] = {f"@{c}": round(v, 4) for c, v in self.recall.items()}
        d["mrr_at"] = min(self.k, 10)  # the cut-off "mrr" is measured at
        return d


def normalize(text: str) -> str:
    return " ".join(fold(text).replace('"', "").split())


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSON Lines file (`-` reads stdin)."""
    stdin = str(path) == "-"
    try:
        if stdin:
            import sys

            if sys.stdin is None:
                raise KqaError("eval -: stdin is closed")
            data = sys.stdin.buffer.read()
        else:
            data = path.read_bytes()
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")  # UTF-16 with its BOM (Notepad's "Unicode", PowerShell 5's >)
        text = data.decode("utf-16" if utf16 else "utf-8-sig")  # a UTF-8 BOM from a Windows editor is not a bad line
    except UnicodeDecodeError as exc:
        if utf16:
            raise KqaError(f"{'stdin' if stdin else path}: not valid UTF-16 (it starts with a UTF-16 byte-order mark)") from None
        line = exc.object[: exc.start].count(b"\n") + 1
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise KqaError(f"{'stdin' if stdin else path}:{line}: not UTF-8 (byte 0x{bad})") from None
    except OSError as exc:
        raise KqaError(f"cannot read questions from {path}: {exc}") from None
    return parse_questions(text, "stdin" if stdin else str(path))


def parse_questions(text: str, name: str) -> list[Question]:
    """Questions from JSON Lines `{"q": ..., "answers": [...], "doc"?: ...}`;
    answers are non-empty strings (numbers are read as their text), "doc"
    a string naming the article (kept with the results, not scored)."""
    out = []
    for n, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 may sit inside a string
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            q, answers, doc = rec["q"], rec["answers"], rec.get("doc")
            if not isinstance(q, str) or not q.strip() or not isinstance(answers, list) or not answers:
                raise ValueError
            texts = [str(a) for a in answers if isinstance(a, (str, int, float)) and not isinstance(a, bool)]
            if len(texts) != len(answers) or not all(t.strip() for t in texts):
                raise KqaError(f"{name}:{n}: every answer must be a non-empty string")
            if doc is not None and not isinstance(doc, (str, int)):
                raise KqaError(f"{name}:{n}: \"doc\" must be a string")
            out.append(Question(q.strip(), tuple(texts), None if doc is None else str(doc)))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise KqaError(f"{name}:{n}: expected {{\"q\": \"...\", \"answers\": [\"...\"]}}") from None
    if not out:
        raise KqaError(f"no questions in {name}")
    return out


def first_answer_rank(texts: Sequence[str], answers: Sequence[str]) -> int | None:
    """1-based rank of the first text holding an answer, or None."""
    wanted = [normalize(a) for a in answers if a.strip()]
    for rank, text in enumerate(texts, start=1):
        norm = normalize(text)
        if any(a in norm for a in wanted):
            return rank
    return None


Ranker = Callable[[str, int], tuple[list[str], str | None]]
# per question: the rank of the first answering passage (None: not in the top k)
# and whether the marked sentence holds the answer (None: no sentence marked)
Outcome = Callable[[Question, int | None, bool | None], None]


def evaluate(rank: Ranker, questions: Sequence[Question], k: int, passage_words: float,
             outcome: Outcome | None = None) -> EvalResult:
    """`rank(question, k)` returns the top-k passage texts and the top passage's
    marked answer sentence (or None when the system marks none); `outcome`, if
    given, hears how each question went (for `kqa eval --format jsonl`)."""
    cutoffs = sorted({c for c in CUTOFFS if c <= k} | {k})
    mrr_depth = min(k, 10)
    hits_at = {c: 0 for c in cutoffs}
    rr = 0.0
    sentence_hits = 0
    marks_sentences = False
    times: list[float] = []
    for question in questions:
        started = time.perf_counter()
        texts, sentence = rank(question.q, k)
        times.append((time.perf_counter() - started) * 1000)
        r = first_answer_rank(texts, question.answers)
        if r is not None:
            for c in cutoffs:
                hits_at[c] += r <= c
            rr += 1 / r if r <= mrr_depth else 0.0
        sentence_ok = None
        if sentence is not None:
            marks_sentences = True
            sentence_ok = first_answer_rank([sentence], question.answers) is not None
            sentence_hits += sentence_ok
        if outcome is not None:
            outcome(question, r, sentence_ok)
    n = len(questions)
    times.sort()
    return EvalResult(
        questions=n,
        k=k,
        recall={c: hits_at[c] / n for c in cutoffs},
        mrr=rr / n,
        answer_sentence=sentence_hits / n if marks_sentences else None,
        passage_words=passage_words,
        latency_ms_p50=statistics.median(times),
        latency_ms_p95=times[min(n - 1, int(0.95 * n))],
    )
