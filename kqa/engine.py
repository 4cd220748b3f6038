"""Opening a searcher for a corpus: the one place CLI and TUI share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kqa import store
from kqa.errors import KqaError
from kqa.indexer import BuildReport, Progress, Warn, open_index
from kqa.locations import corpus_dir, index_dir
from kqa.rerank import RerankParams
from kqa.search import Searcher


@dataclass(frozen=True)
class Location:
    corpus: Path
    index: Path

    @classmethod
    def resolve(cls, corpus_arg: str | None, index_arg: str | None) -> Location:
        corpus = corpus_dir(corpus_arg)
        if corpus is None:
            raise KqaError("no corpus: pass --corpus DIR (or set KQA_CORPUS)")
        if corpus.exists() and not corpus.is_dir():
            raise KqaError(f"the corpus must be a folder of articles, not a file: {corpus}")
        if not corpus.is_dir():
            raise KqaError(f"corpus folder not found: {corpus}")
        index = index_dir(corpus, index_arg)
        if index.resolve() == corpus.resolve():
            raise KqaError(f"the index cannot be the corpus folder itself ({corpus}): use a subfolder or another folder")
        if index.exists() and not index.is_dir():
            raise KqaError(f"the index must be a folder, not a file: {index}")
        try:
            foreign = store.foreign_entries(index)
        except OSError as exc:
            raise KqaError(f"cannot read the index folder {index}: {exc.strerror or exc}") from None
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise KqaError(f"{index} holds files kqa did not write ({shown}); it will not use it as an index: "
                           "pass --index with an empty or new folder")
        return cls(corpus, index)


def open_searcher(
    where: Location,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    warn: Warn | None = None,
    ranking: str = "rerank",
    stale_ok: bool = True,
) -> tuple[Searcher, BuildReport | None]:
    """An up-to-date searcher (building or refreshing the index if needed);
    `ranking` is the `--ranking` choice (see RerankParams.named); `stale_ok`
    as in open_index."""
    index, report = open_index(
        where.corpus, where.index, rebuild=rebuild, progress=progress, warn=warn, stale_ok=stale_ok
    )
    return Searcher(index, str(where.corpus), RerankParams.named(ranking)), report
