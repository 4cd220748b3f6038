"""`kqa eval`: answer recall and MRR on labelled questions.

A question is answered at k when one of its answer strings (case-, accent- and
quote-insensitive) occurs as whole words in one of the top-k passages. Users run it on their
own questions to check a corpus or a setting; the benchmarks run it on ours.
"""

from __future__ import annotations

import json
import re
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
    a string naming the article (kept with the results, not scored). Every
    bad line is named with what is wrong with it, as a linter does, so a
    hand-written file is mended in one pass."""
    out: list[Question] = []
    bad: list[str] = []
    for n, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 may sit inside a string
        if not line.strip():
            continue
        try:
            out.append(_question(line))
        except ValueError as exc:
            bad.append(f"{name}:{n}: {exc}")
    if len(bad) == 1:
        raise KqaError(bad[0])
    if bad:
        raise KqaError(f"{len(bad)} bad lines in {name} (above); nothing was measured", details=tuple(bad))
    if not out:
        raise KqaError(f"no questions in {name}")
    return out


_KEYS_MEANT = {"q": ("question", "query", "Q"), "answers": ("answer", "Answers", "answer_text", "a")}


def _question(line: str) -> Question:
    """One line's question; ValueError says what is wrong with it."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deep)") from None
    if not isinstance(rec, dict):
        raise ValueError('a line must be a JSON object: {"q": "...", "answers": ["..."]}')
    for key, meant in _KEYS_MEANT.items():
        if key not in rec:
            other = next((k for k in meant if k in rec), None)
            raise ValueError(f'no "{key}"' + (f' (the question\'s key is "{key}", not "{other}")' if other else ""))
    q, answers, doc = rec["q"], rec["answers"], rec.get("doc")
    if not isinstance(q, str):
        raise ValueError(f'"q" must be a string, not {_json_kind(q)}')
    if not q.strip():
        raise ValueError('"q" is empty')
    if not isinstance(answers, list):
        raise ValueError(f'"answers" must be a list of strings, not {_json_kind(answers)}')
    if not answers:
        raise ValueError('"answers" is empty')
    texts = []
    for i, a in enumerate(answers, start=1):
        if not isinstance(a, (str, int, float)) or isinstance(a, bool):
            raise ValueError(f"answer {i} must be a string, not {_json_kind(a)}")
        texts.append(str(a))
        if not texts[-1].strip():
            raise ValueError(f"answer {i} is blank")
        if not any(ch.isalnum() for ch in texts[-1]):
            raise ValueError(f"answer {i} ({texts[-1]!r}) has no letter or digit: any passage would hold it")
    if doc is not None and not isinstance(doc, (str, int)):
        raise ValueError('"doc" must be a string')
    return Question(q.strip(), tuple(texts), None if doc is None else str(doc))


def _json_kind(value: object) -> str:
    """A JSON value's type as the file's author wrote it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {str: "a string", list: "a list", dict: "an object"}.get(type(value), "a number")


def _answer_pattern(answer: str) -> re.Pattern[str]:
    """`answer` (normalized) as a whole word or words: `UN` is not in "country"
    (SQuAD's and DPR's has_answer match tokens too). An edge that is not a
    letter or digit, or is a letter of a script written without spaces
    (Chinese, Japanese), matches anywhere."""
    def edge(ch: str) -> bool:
        return ch.isalnum() and ord(ch) < 0x2E80

    return re.compile(("(?<!\\w)" if edge(answer[0]) else "") + re.escape(answer) + ("(?!\\w)" if edge(answer[-1]) else ""))


def first_answer_rank(texts: Sequence[str], answers: Sequence[str]) -> int | None:
    """1-based rank of the first text holding an answer, or None."""
    wanted = [_answer_pattern(a) for a in map(normalize, answers) if a]
    for rank, text in enumerate(texts, start=1):
        norm = normalize(text)
        if any(a.search(norm) for a in wanted):
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
