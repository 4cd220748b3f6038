"""Answer quality of kqa against peer BM25 tools, measured in one run on the
same corpus folders and the same questions.

    python benchmarks/quality.py [--quick] [--datasets squad,bundled,mixed] [--out FILE]
    python benchmarks/quality.py --questions MINE.jsonl [--corpus DIR] [--squad OTHER.json]

How to read the table
---------------------
Each row is one system on one data set. A question counts as answered at k
when one of its answer strings occurs (case-, accent- and quote-insensitively)
in one of the system's top-k passages; the metric is kqa.evaluate.evaluate for
every system, so the numbers are directly comparable within a data set.

* R@1, R@5, R@10 - share of questions answered at k = 1, 5, 10.
* MRR@10 - mean reciprocal rank of the first passage holding an answer (0 when
  none of the top 10 does).
* ans. sent. - share of questions whose top passage's *marked* sentence (the one
  a user's eye is drawn to) holds the answer; "-" for systems that mark none.
* words/psg - mean words per indexed passage. Longer passages make recall
  easier and reading slower, so compare recall together with this column: kqa
  cuts articles into ~40-150 word passages, peers index raw paragraphs.
* p50 ms - median time per question (in-process, warm), build s - indexing time.

Data sets:
* squad - SQuAD v1.1 dev (part 1), one file per article (title + paragraphs);
  ~4,960 questions, 500 sampled with --quick.
* bundled - the five bundled news articles (corpus/) and the hand-written
  questions in tests/data/bundled_questions.jsonl (many paraphrased).
* mixed - the same questions, but the five articles sit among the 2,225 BBC
  News articles as distractors (BBC answers can occasionally match by chance).
* bundled-blind, mixed-blind - the same two corpora with 60 more questions
  (tests/data/bundled_questions_blind.jsonl) written after the ranking was
  tuned, by someone who saw neither the first set nor any system's results:
  a check that gains on the first set are not an echo of it.
* bundled-blind2, mixed-blind2 - 80 more questions written the same way
  (tests/data/bundled_questions_blind2.jsonl, 16 per article), measured
  before any change was made with them in view.
* bundled-blind3, mixed-blind3 - 80 more (tests/data/bundled_questions_blind3.jsonl),
  written by a helper who read only the articles, never kqa's code or results,
  in the last session; their first measurement is recorded in QUALITY.md.
* --questions FILE (any number of times): your own labelled questions (the
  `kqa eval` format) as extra data sets named after the file: on --corpus DIR
  when given, else on the bundled corpus alone (NAME) and among the BBC
  articles (NAME-mixed). Peers read the corpus's .txt/.md files.
* --squad FILE: another SQuAD v1.1 JSON file (e.g. the other half of dev) for
  the squad data set.
With --questions, only the data sets named in --datasets run besides them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from datasets import SHARED, SQUAD_JSON, build_squad_corpus  # noqa: E402
from peers import PEERS, Peer, mean_words, paragraphs  # noqa: E402

from kqa.errors import KqaError  # noqa: E402
from kqa.evaluate import (  # noqa: E402
    EvalResult, Question, Ranker, evaluate, first_answer_rank, load_questions,
)
from kqa.indexer import open_index  # noqa: E402
from kqa.search import Searcher  # noqa: E402

BUNDLED = ROOT / "corpus"
QUESTIONS = ROOT / "tests" / "data" / "bundled_questions.jsonl"
BLIND_QUESTIONS = ROOT / "tests" / "data" / "bundled_questions_blind.jsonl"
BLIND2_QUESTIONS = ROOT / "tests" / "data" / "bundled_questions_blind2.jsonl"
BLIND3_QUESTIONS = ROOT / "tests" / "data" / "bundled_questions_blind3.jsonl"
BBC = SHARED / "data" / "bbc-news"
K = 10
QUICK_SQUAD = 500
ALL_DATASETS = ("squad", "bundled", "mixed", "bundled-blind", "mixed-blind", "bundled-blind2", "mixed-blind2",
                "bundled-blind3", "mixed-blind3")


@dataclass
class Row:
    dataset: str
    system: str
    passages: int
    build_s: float
    result: EvalResult
    ranks: list[int | None]  # per question: rank of the first passage with an answer


class KqaSystem:
    """kqa's own index (built with open_index into a temp dir) and Searcher."""

    name = "kqa"

    def __init__(self, corpus: Path, index_dir: Path) -> None:
        index, _report = open_index(corpus, index_dir)
        self.searcher = Searcher(index, str(corpus))
        self.n_passages = int(index.n_passages)
        self._marks = False

    def rank(self, question: str, k: int) -> tuple[list[str], str | None]:
        hits = self.searcher.search(question, k)
        sentence = getattr(hits[0], "answer_text", None) if hits else None
        self._marks = self._marks or sentence is not None
        if not hits and self._marks:
            sentence = ""  # a system that marks sentences missed this one
        return [h.text for h in hits], sentence

    def passage_words(self) -> float:
        fn = getattr(self.searcher, "mean_passage_words", None)
        if fn is not None:
            return float(fn())
        words = self.searcher.index.passage_words
        return float(words.mean()) if len(words) else 0.0


Loader = Callable[[Path, bool], tuple[Path, list[Question]]]


def _squad(work: Path, quick: bool, source: Path = SQUAD_JSON) -> tuple[Path, list[Question]]:
    corpus = work / "squad"
    records = build_squad_corpus(corpus, source)
    questions = [
        Question(str(r["q"]).strip(), tuple(str(a) for a in r["answers"]), str(r["doc"]))  # type: ignore[attr-defined]
        for r in records
    ]
    if quick:
        questions = random.Random(0).sample(questions, QUICK_SQUAD)
    return corpus, questions


def _bundled(work: Path, quick: bool, questions: Path = QUESTIONS) -> tuple[Path, list[Question]]:
    corpus = work / "bundled"
    shutil.copytree(BUNDLED, corpus)
    return corpus, load_questions(questions)


def _mixed(work: Path, quick: bool, questions: Path = QUESTIONS) -> tuple[Path, list[Question]]:
    corpus = work / "mixed"
    shutil.copytree(BUNDLED, corpus / "bundled")
    for category in sorted(p for p in BBC.iterdir() if p.is_dir()):
        shutil.copytree(category, corpus / "bbc" / category.name)
    return corpus, load_questions(questions)


def _own(work: Path, quick: bool, corpus: Path, questions: list[Question]) -> tuple[Path, list[Question]]:
    return corpus, questions


DATASETS: dict[str, Loader] = {
    "squad": _squad, "bundled": _bundled, "mixed": _mixed,
    "bundled-blind": lambda work, quick: _bundled(work, quick, BLIND_QUESTIONS),
    "mixed-blind": lambda work, quick: _mixed(work, quick, BLIND_QUESTIONS),
    "bundled-blind2": lambda work, quick: _bundled(work, quick, BLIND2_QUESTIONS),
    "mixed-blind2": lambda work, quick: _mixed(work, quick, BLIND2_QUESTIONS),
    "bundled-blind3": lambda work, quick: _bundled(work, quick, BLIND3_QUESTIONS),
    "mixed-blind3": lambda work, quick: _mixed(work, quick, BLIND3_QUESTIONS),
}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _measure(rank: Ranker, questions: list[Question], words: float) -> tuple[EvalResult, list[int | None]]:
    """evaluate(), keeping each question's passages for the per-type table."""
    seen: list[list[str]] = []

    def recording(question: str, k: int) -> tuple[list[str], str | None]:
        texts, sentence = rank(question, k)
        seen.append(texts)
        return texts, sentence

    result = evaluate(recording, questions, K, words)
    return result, [first_answer_rank(t, q.answers) for t, q in zip(seen, questions)]


def run_dataset(name: str, load: Loader, work: Path, quick: bool) -> tuple[list[Question], list[Row]]:
    corpus, questions = load(work, quick)
    _log(f"[{name}] {len(questions)} questions, corpus {corpus}")
    rows: list[Row] = []

    started = time.perf_counter()
    system = KqaSystem(corpus, work / f"{name}-kqa-index")
    build = time.perf_counter() - started
    result, ranks = _measure(system.rank, questions, system.passage_words())
    rows.append(Row(name, system.name, system.n_passages, build, result, ranks))
    _log(f"[{name}] kqa: R@5 {result.recall[5]:.3f} (build {build:.1f} s)")

    passages = paragraphs(corpus)
    words = mean_words(passages)
    for peer_cls in PEERS:
        started = time.perf_counter()
        peer: Peer = peer_cls(passages)
        build = time.perf_counter() - started
        result, ranks = _measure(peer.rank, questions, words)
        rows.append(Row(name, peer.name, len(passages), build, result, ranks))
        _log(f"[{name}] {peer.name}: R@5 {result.recall[5]:.3f} (build {build:.1f} s)")
    return questions, rows


_TYPES = (
    ("when", r"^(when\b|(in |by |since |until |on )?what (year|decade|century|date|month|day)\b)"),
    ("how many/much", r"\bhow (many|much)\b|\bwhat (number|percentage|share|amount)\b"),
    ("who", r"\bwho(m|se)?\b"),
    ("where", r"\bwhere\b|^(in |at |from )?which (city|country|place|region|town)\b"),
    ("why", r"\bwhy\b"),
    ("how", r"\bhow\b"),
    ("which", r"\bwhich\b"),
    ("what", r"\bwhat\b"),
)


def question_type(question: str) -> str:
    """A coarse wh-type (first rule that matches)."""
    q = question.lower().strip()
    return next((name for name, rx in _TYPES if re.search(rx, q)), "other")


def type_table(dataset: str, questions: list[Question], rows: list[Row]) -> str:
    """R@1 / R@5 per question type and system (for one data set)."""
    mine = [r for r in rows if r.dataset == dataset]
    types = [question_type(q.q) for q in questions]
    order = sorted(set(types), key=lambda t: -types.count(t))
    lines = ["| " + dataset + " type | n | " + " | ".join(r.system for r in mine) + " |",
             "|---|--:|" + "--:|" * len(mine)]
    for t in order:
        idx = [i for i, x in enumerate(types) if x == t]
        cells = []
        for r in mine:
            at1 = sum(r.ranks[i] == 1 for i in idx) / len(idx)
            at5 = sum((r.ranks[i] or K + 1) <= 5 for i in idx) / len(idx)
            cells.append(f"{at1:.2f} / {at5:.2f}")
        lines.append(f"| {t} | {len(idx)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table(rows: list[Row]) -> str:
    head = ("| data set | system | passages | words/psg | R@1 | R@5 | R@10 | MRR@10 "
            "| ans. sent. | p50 ms | build s |")
    lines = [head, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        e = r.result
        best = {c: max(x.result.recall[c] for x in rows if x.dataset == r.dataset) for c in (1, 5, 10)}
        best_mrr = max(x.result.mrr for x in rows if x.dataset == r.dataset)

        def cell(v: float, top: float) -> str:
            return f"**{v:.3f}**" if abs(v - top) < 1e-9 else f"{v:.3f}"

        sent = f"{e.answer_sentence:.3f}" if e.answer_sentence is not None else "-"
        lines.append(
            f"| {r.dataset} ({e.questions} q) | {r.system} | {r.passages:,} | {e.passage_words:.1f} "
            f"| {cell(e.recall[1], best[1])} | {cell(e.recall[5], best[5])} | {cell(e.recall[10], best[10])} "
            f"| {cell(e.mrr, best_mrr)} | {sent} | {e.latency_ms_p50:.2f} | {r.build_s:.1f} |"
        )
    return "\n".join(lines)


def _binomial_p(wins: int, losses: int) -> float:
    """Two-sided exact sign test (McNemar) on the questions the two disagree on."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


def paired_table(rows: list[Row]) -> str:
    """kqa against the best other system at R@1, question by question."""
    lines = ["| data set | best peer at R@1 | kqa only | peer only | both / neither | sign test p |",
             "|---|---|--:|--:|--:|--:|"]
    for dataset in dict.fromkeys(r.dataset for r in rows):
        mine = [r for r in rows if r.dataset == dataset]
        kqa = next((r for r in mine if r.system == "kqa"), None)
        peers = [r for r in mine if r.system != "kqa"]
        if kqa is None or not peers:
            continue
        peer = max(peers, key=lambda r: (r.result.recall[1], r.result.mrr))
        a = [x == 1 for x in kqa.ranks]
        b = [x == 1 for x in peer.ranks]
        wins = sum(x and not y for x, y in zip(a, b))
        losses = sum(y and not x for x, y in zip(a, b))
        same = len(a) - wins - losses
        lines.append(f"| {dataset} | {peer.system} | {wins} | {losses} | {same} | {_binomial_p(wins, losses):.2g} |")
    return "\n".join(lines)


def own_datasets(files: list[Path], corpus: Path | None) -> dict[str, Loader]:
    """Data sets for --questions: each file on --corpus, or on the bundled
    corpus alone and mixed into BBC (questions checked before any work)."""
    if corpus is not None and not corpus.is_dir():
        raise KqaError(f"--corpus: not a folder: {corpus}")
    out: dict[str, Loader] = {}
    for path in files:
        questions = load_questions(path)
        name = path.stem
        while name in out or name in DATASETS:
            name += "+"
        if corpus is not None:
            out[name] = partial(_own, corpus=corpus, questions=questions)
        else:
            out[name] = partial(_bundled, questions=path)
            out[f"{name}-mixed"] = partial(_mixed, questions=path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"sample {QUICK_SQUAD} SQuAD questions")
    parser.add_argument("--datasets",
                        help="comma-separated subset of: " + ", ".join(ALL_DATASETS)
                        + " (default: all, or none when --questions is given)")
    parser.add_argument("--questions", type=Path, action="append", default=[], metavar="FILE",
                        help="also measure these labelled questions (kqa eval format); repeatable")
    parser.add_argument("--corpus", type=Path, metavar="DIR",
                        help="corpus for --questions (default: the bundled corpus, alone and among BBC)")
    parser.add_argument("--squad", type=Path, default=SQUAD_JSON, metavar="FILE",
                        help="SQuAD v1.1 JSON for the squad data set (default: the shared dev part 1)")
    parser.add_argument("--by-type", action="store_true",
                        help="also print R@1 / R@5 per question type (when, who, how many, ...)")
    parser.add_argument("--out", type=Path, help="also write the table(s) to this file")
    args = parser.parse_args(argv)
    chosen = args.datasets if args.datasets is not None else "" if args.questions else ",".join(ALL_DATASETS)
    names = [n.strip() for n in chosen.split(",") if n.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        parser.error(f"unknown data set(s): {', '.join(unknown)}")
    loaders = {n: DATASETS[n] for n in names}
    if "squad" in loaders:
        if not args.squad.is_file():
            parser.error(f"--squad: no such file: {args.squad}")
        loaders["squad"] = partial(_squad, source=args.squad)
    try:
        loaders.update(own_datasets(args.questions, args.corpus))
    except KqaError as exc:
        parser.error(str(exc))
    if not loaders:
        parser.error("no data set to measure")
    names = list(loaders)
    rows: list[Row] = []
    asked: dict[str, list[Question]] = {}
    with tempfile.TemporaryDirectory(prefix="kqa-quality-") as tmp:
        for name in names:
            work = Path(tmp) / name
            work.mkdir()
            asked[name], new = run_dataset(name, loaders[name], work, args.quick)
            rows.extend(new)
    out = table(rows) + "\n\n" + paired_table(rows)
    if args.by_type:
        out += "".join("\n\n" + type_table(name, asked[name], rows) for name in names)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"<!-- {stamp}; k={K}; quick={args.quick}; datasets={','.join(names)} -->")
    print(out)
    if args.out:
        args.out.write_text(out + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
