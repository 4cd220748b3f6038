"""Refresh after a one-file change vs a full build, two kqa source trees side by side.

    python benchmarks/refresh.py OLD_SRC NEW_SRC CORPUS [CORPUS ...]

Each CORPUS is a folder this script may touch (it moves file mtimes forward);
indexes go to a temporary folder, with XDG_* dirs of their own, never the
user's cache. Per tree and corpus: a full build (`rebuild=True`), then three
refreshes after touching one file each, every one in a fresh process that
reports its wall time and peak RSS.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_ONE = """
import resource, sys, time
from pathlib import Path
from kqa.indexer import open_index
s = time.perf_counter()
_, rep = open_index(Path(sys.argv[1]), Path(sys.argv[2]), rebuild=sys.argv[3] == "build")
print(time.perf_counter() - s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, rep.files_read)
import kqa
assert kqa.__file__.startswith(sys.argv[4]), (kqa.__file__, sys.argv[4])  # the tree asked for
"""


def _run(src: str, corpus: Path, index: Path, mode: str, env: dict[str, str]) -> tuple[float, int, int]:
    # cwd: `python -c` puts the working directory first on sys.path, ahead of
    # PYTHONPATH, so run from a checkout both trees would be that checkout
    out = subprocess.run([sys.executable, "-c", _ONE, str(corpus), str(index), mode, src],
                         cwd=index.parent,
                         env={**env, "PYTHONPATH": src}, capture_output=True, text=True, check=True).stdout
    t, rss, read = out.split()
    return float(t), int(rss), int(read)


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    trees = [str(Path(t).resolve()) for t in sys.argv[1:3]]
    corpora = [Path(p).resolve() for p in sys.argv[3:]]
    with tempfile.TemporaryDirectory(prefix="kqa-refresh-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KQA_", "PYTHON"))}
        env |= {f"XDG_{d}_HOME": str(Path(tmp, "xdg")) for d in ("DATA", "CACHE", "CONFIG", "STATE")}
        print("| corpus | tree | full build | build peak RSS | refresh, 1 file touched (median of 3) | refresh peak RSS |")
        print("|---|---|---|---|---|---|")
        for corpus in corpora:
            files = sorted(corpus.rglob("*.txt"))
            for n, src in enumerate(trees):
                index = Path(tmp, f"ix-{n}-{corpus.name}")
                build_s, build_rss, _ = _run(src, corpus, index, "build", env)
                times, peaks = [], []
                for k in range(3):
                    f = files[len(files) * (k + 1) // 4]
                    st = f.stat()
                    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
                    t, rss, read = _run(src, corpus, index, "refresh", env)
                    assert read == 1, read
                    times.append(t)
                    peaks.append(rss)
                print(f"| {corpus.name} ({len(files)} files) | {src} | {build_s:.1f} s | {build_rss} MB "
                      f"| {statistics.median(times):.2f} s | {max(peaks)} MB |", flush=True)


if __name__ == "__main__":
    main()
