"""Where corpora and indexes live.

The bundled corpus sits beside the package (`corpus/`) and its index in
`index/`; any other corpus is indexed under the platformdirs user cache,
keyed by its absolute path, unless `--index DIR` says otherwise.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kqa.errors import KqaError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"
BUNDLED_INDEX = PROJECT_ROOT / "index"


def corpus_dir(arg: str | None) -> Path | None:
    """The corpus to use: `--corpus`, else $KQA_CORPUS, else the bundled one."""
    if arg == "":  # `--corpus "$UNSET"`: answering from another corpus would mislead
        raise KqaError("--corpus: empty path")
    chosen = arg or os.environ.get("KQA_CORPUS")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return BUNDLED_CORPUS if BUNDLED_CORPUS.is_dir() else None


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kqa", appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("kqa", appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("kqa", appauthor=False))


def index_dir(corpus: Path, arg: str | None) -> Path:
    """The index for `corpus`: `--index`, the bundled `index/`, or the cache."""
    if arg == "":
        raise KqaError("--index: empty path")
    if arg:
        return Path(arg).expanduser().resolve()
    if corpus == BUNDLED_CORPUS and os.access(PROJECT_ROOT, os.W_OK):
        return BUNDLED_INDEX
    import hashlib  # ~3 ms, only for corpora outside the project

    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", corpus.name).strip("-") or "corpus"
    key = hashlib.sha1(os.fsencode(corpus)).hexdigest()[:12]  # the bytes: a name need not be UTF-8
    return cache_dir() / "indexes" / f"{slug}-{key}"
