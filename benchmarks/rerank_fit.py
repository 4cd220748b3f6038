"""Fit the rerank weights (kqa.rerank.RerankParams) and check they generalise.

    python benchmarks/rerank_fit.py [--folds 3] [--datasets squad,bundled,mixed,bundled-blind,mixed-blind]

The second stage scores a passage as BM25 + w . cues (kqa.rerank.CUES). This
script collects, for every question, the BM25 top 30 with their cues and
whether each holds an answer, then fits w by coordinate ascent on
R@1 + MRR@10 (a grid of steps per weight, a few rounds).

Fitting uses SQuAD only. To see whether a fit is a gain or an echo of the
questions it saw, SQuAD articles are split into folds: weights fitted on the
other folds are scored on the held-out articles' questions (the "cv" rows).
The news sets (bundled, mixed and their blind-written variants) are never
fitted on: their rows show how the SQuAD fit carries over to news.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from quality import DATASETS  # noqa: E402

from kqa.evaluate import first_answer_rank  # noqa: E402
from kqa.indexer import open_index  # noqa: E402
from kqa.rerank import CUES, RerankParams  # noqa: E402
from kqa.search import Searcher  # noqa: E402

# Where the ascent starts: the hand-set weights before any fit (proximity 1.0,
# best sentence 0.3, answer type 1.0; the later cues at 0). The surface is
# flat near the top, so the start matters more than the last digit of a weight.
START = (1.0, 0.3, 1.0, 0.0, 0.0, 0.0)
STEPS = (-2.0, -1.0, -0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


class Table:
    """Per question: a (pool x 1+cues) feature block, answer labels and
    passage ids (search breaks score ties by passage id), padded."""

    def __init__(self, blocks: list[np.ndarray], labels: list[np.ndarray], pids: list[np.ndarray],
                 groups: list[str]) -> None:
        n, width = len(blocks), 1 + len(CUES)
        depth = max((len(b) for b in blocks), default=1)
        self.x = np.zeros((n, depth, width))
        self.y = np.zeros((n, depth), dtype=bool)
        self.valid = np.zeros((n, depth), dtype=bool)
        self.pid = np.zeros((n, depth))
        for i, (b, lab, ids) in enumerate(zip(blocks, labels, pids)):
            k = len(b)
            self.x[i, :k], self.y[i, :k], self.valid[i, :k], self.pid[i, :k] = b, lab, True, ids
        self.groups = np.array(groups)

    def metrics(self, w: np.ndarray, rows: np.ndarray | None = None) -> tuple[float, float, float]:
        """R@1, R@5, MRR@10 of ranking by BM25 + w . cues, ties broken as search does."""
        pick = slice(None) if rows is None else rows
        x, y, valid, pid = self.x[pick], self.y[pick], self.valid[pick], self.pid[pick]
        s = np.where(valid, x[..., 0] + x[..., 1:] @ w, -np.inf)
        n = y.shape[1]
        order = np.lexsort((pid, -s), axis=1)  # by score, then passage id
        ranked = np.take_along_axis(y, order, axis=1)
        first = np.where(ranked.any(axis=1), ranked.argmax(axis=1) + 1, n + 10**6)
        return (float((first == 1).mean()), float((first <= 5).mean()),
                float(np.where(first <= 10, 1 / first, 0).mean()))


def collect(corpus: Path, questions: list, index_dir: Path, pool: int) -> Table:
    index, _ = open_index(corpus, index_dir)
    searcher = Searcher(index, str(corpus))
    blocks, labels, pids, groups = [], [], [], []
    for q in questions:
        rows = searcher.cue_table(q.q, pool)
        texts = []
        for p, _, _ in rows:
            article, start, end = index.passage_span(p)
            texts.append(index.body(article)[start:end])
        blocks.append(np.array([[bm25, *cues] for _, bm25, cues in rows]).reshape(-1, 1 + len(CUES)))
        labels.append(np.array([first_answer_rank([t], q.answers) is not None for t in texts], dtype=bool))
        pids.append(np.array([p for p, _, _ in rows]))
        groups.append(q.doc or "")
    return Table(blocks, labels, pids, groups)


def fit(table: Table, start: np.ndarray, rows: np.ndarray | None = None, rounds: int = 3) -> np.ndarray:
    """Coordinate ascent on R@1 + MRR@10; non-negative weights only."""
    def objective(w: np.ndarray) -> float:
        r1, _, mrr = table.metrics(w, rows)
        return r1 + mrr

    w, best = start.copy(), objective(start)
    for _ in range(rounds):
        for i in range(len(w)):
            for step in STEPS:
                trial = w.copy()
                trial[i] = max(0.0, trial[i] + step)
                value = objective(trial)
                if value > best + 1e-9:
                    w, best = trial, value
    return w


def _fmt(m: tuple[float, float, float]) -> str:
    return " | ".join(f"{v:.3f}" for v in m)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--datasets", default="squad,bundled,mixed,bundled-blind,mixed-blind")
    args = parser.parse_args(argv)
    names = [n for n in args.datasets.split(",") if n]
    if "squad" not in names:
        parser.error("the fit needs squad")
    pool = RerankParams().candidates
    shipped = np.array(RerankParams().weights())
    zero = np.zeros(len(CUES))
    start = np.array(START)
    with tempfile.TemporaryDirectory(prefix="kqa-fit-") as tmp:
        tables = {}
        for name in names:
            work = Path(tmp) / name
            work.mkdir()
            corpus, questions = DATASETS[name](work, False)
            tables[name] = collect(corpus, questions, work / "index", pool)
            print(f"[{name}] {len(questions)} questions", file=sys.stderr, flush=True)
    squad = tables["squad"]
    articles = sorted(set(squad.groups))
    print("| set | weights | R@1 | R@5 | MRR@10 |\n|---|---|--:|--:|--:|")
    gains, fold_weights = [], []
    for f in range(args.folds):
        held = np.isin(squad.groups, articles[f :: args.folds])
        w = fit(squad, start, ~held)
        base, shipped_m, fitted = (squad.metrics(x, held) for x in (zero, shipped, w))
        gains.append(np.subtract(fitted, base))
        fold_weights.append(w)
        print(f"| squad cv fold {f + 1} ({held.sum()} q) | BM25 only | {_fmt(base)} |")
        print(f"| squad cv fold {f + 1} | shipped | {_fmt(shipped_m)} |")
        print(f"| squad cv fold {f + 1} | fitted on the other folds | {_fmt(fitted)} |")
    print(f"| squad cv mean gain over BM25 only | | {_fmt(tuple(np.mean(gains, axis=0)))} |")
    full = fit(squad, start)
    bagged = np.mean(fold_weights, axis=0)
    for name, table in tables.items():
        for label, w in (("BM25 only", zero), ("shipped", shipped), ("fitted on all SQuAD", full),
                         ("mean of the fold fits", bagged)):
            print(f"| {name} | {label} | {_fmt(table.metrics(w))} |")
    for f, w in enumerate(fold_weights, 1):
        print(f"\nfold {f} fit: " + ", ".join(f"{c}={v:g}" for c, v in zip(CUES, w)), end="")
    print("\nmean of the fold fits: " + ", ".join(f"{c}={v:.3g}" for c, v in zip(CUES, bagged)))
    print("fitted on all SQuAD: " + ", ".join(f"{c}={v:g}" for c, v in zip(CUES, full)))
    print("shipped:             " + ", ".join(f"{c}={v:g}" for c, v in zip(CUES, shipped)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
