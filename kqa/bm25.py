"""rank-bm25's BM25Okapi maths, evaluated over an inverted index with numpy.

rank-bm25 loops over every passage for every query term; here a question costs
in proportion to the postings it touches. The formulas (and the order of the
floating-point operations) follow rank-bm25 0.2.2 so scores are equal to its.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class BM25Params:
    """BM25Okapi parameters. k1/b from the sweep in the README (they are also
    Lucene/Anserini's defaults); epsilon is rank-bm25's."""

    k1: float = 0.9
    b: float = 0.4
    epsilon: float = 0.25
    title: int = 1  # times the article's header (title_text) is counted in each passage

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def title_text(title: str, cited: str | None) -> str:
    """What BM25Params.title counts with each passage: the article's title
    and the source and author its file gives (`cited`), so a question that
    names the outlet or the writer ("according to Bloomberg") finds it."""
    return f"{title} {cited}" if cited else title


def okapi_idf(df: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """IDF per term; negative values floored to `epsilon` x mean IDF, as rank-bm25 does."""
    idf = np.array(
        [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df.tolist()],
        dtype=np.float64,
    )
    if len(idf):
        floor = epsilon * (math.fsum(idf.tolist()) / len(idf))
        idf[idf < 0] = floor
    return idf


def length_norm(lengths: np.ndarray, params: BM25Params) -> np.ndarray:
    """k1 * (1 - b + b * dl / avgdl) per passage, the denominator's constant part."""
    avgdl = float(lengths.sum()) / len(lengths) if len(lengths) else 1.0
    return params.k1 * (1 - params.b + params.b * lengths.astype(np.float64) / avgdl)


def score(
    term_ids: list[int],
    post_ptr: np.ndarray,
    post_doc: np.ndarray,
    post_tf: np.ndarray,
    idf: np.ndarray,
    norm: np.ndarray,
    k1: float,
) -> np.ndarray:
    """BM25 score of every passage for the query terms (duplicates count twice,
    as in rank-bm25); passages without any term score 0."""
    scores = np.zeros(len(norm), dtype=np.float64)
    for t in term_ids:
        lo, hi = int(post_ptr[t]), int(post_ptr[t + 1])
        docs = post_doc[lo:hi]
        tf = post_tf[lo:hi].astype(np.float64)
        scores[docs] += idf[t] * (tf * (k1 + 1) / (tf + norm[docs]))
    return scores
