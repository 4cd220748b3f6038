"""Speed benchmark for kqa: start-up, and indexing and question latency at BBC News scale.

Usage: python benchmarks/speed.py [--quick] [--bbc DIR]     (tables on stdout, progress on stderr)

Everything is measured in one run, so ratios are comparable on a noisy machine.

1. Start-up: wall time of fresh processes (median of N runs after a warm-up,
   commands interleaved round-robin) for `python -c pass`, `python -c "import
   numpy"` and the one-shot `kqa -q QUESTION` (the venv's `kqa` script, bundled
   corpus, warm index). The figure to watch is kqa / numpy (goal <= 1.5x).
   `python -X importtime -m kqa -q ...` shows whether nltk or textual were
   imported (neither should be: the index's stems map covers the question) and
   the slowest imports. If `kqa.tui.launch` exists, the TUI start-up is the time
   from process start until a headless `app.run_test()` is interactive (its
   first `pilot.pause()` returns), and until the app shows its first answer
   (index opened, one question asked).
2. BBC scale: a temporary copy of the BBC News corpus (2,225 articles, one
   non-UTF-8 file kqa must skip; the shared copy is never touched) is indexed
   with `open_index`: build time, counts, size on disk, a no-change open, and a
   refresh after touching one file. Question latency p50/p95 is measured
   in-process, index loaded once, over a seeded sample of headlines used as
   questions: kqa's bare BM25 scoring + top-5, the full `Searcher.search`, and
   rank-bm25 (BM25Okapi) and bm25s (method "robertson", the Okapi variant; its
   default is "lucene") built on exactly the token lists kqa indexed (from
   `Index.passage_terms`). Each system analyses the question with kqa's
   analyzer inside the timed call. Last, the CLI (`kqa.cli.main`) answers all
   questions in batch (`-q - --format jsonl`): wall time and peak RSS.

p50 is the typical question, p95 the slow tail. "top-1 = kqa BM25" checks the
baselines rank the same passage first (Searcher.search may differ: it re-ranks).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

QUESTION = "Who hosted the January 11 meeting in Moscow?"
DEFAULT_BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news"
SEED = 20240611
TOP_K = 5
REF = "kqa BM25 scoring + top-5 only"
BIN = Path(sys.executable).parent
WORK = Path(tempfile.gettempdir()) / f"kqa-speed-{os.getpid()}"  # cwd and XDG dirs of every child
TUI_RUNNER = r"""
import asyncio, sys, time
T0 = float(sys.argv[1])
import kqa.tui.launch as launch
from kqa.arguments import build_parser
app = launch.app_from_args(build_parser().parse_args(["tui"]))
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        ready = time.time() - T0
        box = app.query_one("#question")
        box.focus()
        box.value = "Who hosted the January 11 meeting in Moscow?"
        await pilot.press("enter")
        deadline = time.time() + 120
        while app._answer is None and time.time() < deadline:
            await pilot.pause(0.005)
        answered = time.time() - T0
        hits = len(app._answer.hits) if app._answer else 0
        print(f"READY {ready:.4f} {answered:.4f} {hits}", flush=True)
asyncio.run(main())
"""
BATCH_RUNNER = r"""
import sys
from kqa.cli import main
code = main(sys.argv[1:])
sys.stderr.write("".join(l for l in open("/proc/self/status") if l.startswith("VmHWM")))
sys.exit(code)
"""


def log(msg: str) -> None:
    print(f"[speed] {msg}", file=sys.stderr, flush=True)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]) + "\n"


def ms(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def pct(xs: Sequence[float], q: int) -> float:
    """q-th percentile, nearest rank."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def child_env() -> dict[str, str]:
    """No KQA_/PYTHON* variables; XDG dirs under WORK (the TUI's history stays out
    of ~). Not WORK itself: a `kqa` folder there (kqa's own data folder) would be
    imported as the kqa package by `python -c` children, whose cwd is WORK."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KQA_", "PYTHON"))}
    return env | {f"XDG_{d}_HOME": str(WORK / "xdg" / d.lower()) for d in ("DATA", "CACHE", "CONFIG", "STATE")}


def run(cmd: Sequence[str], **kw: object) -> subprocess.CompletedProcess[str]:
    kw.setdefault("stdout", subprocess.DEVNULL)
    kw.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.run(cmd, cwd=WORK, env=child_env(), text=True, check=False, **kw)  # type: ignore[call-overload]


# --------------------------------------------------------------------------- start-up


def startup(runs: int) -> str:
    kqa = BIN / "kqa"
    if not kqa.exists():
        raise SystemExit(f"error: no kqa script in {BIN}; install kqa in this venv")
    cmds = {"python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
            f'kqa -q "{QUESTION}"': [str(kqa), "-q", QUESTION]}
    first = run(cmds[f'kqa -q "{QUESTION}"'], stderr=subprocess.PIPE)  # also builds the index if stale
    if first.returncode != 0:
        raise SystemExit(f"error: kqa -q failed (exit {first.returncode}): {first.stderr.strip()}")
    log(f"start-up: {runs} interleaved runs of {len(cmds)} commands")
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for i in range(runs + 1):
        for name, cmd in cmds.items():
            elapsed, _ = timed(lambda: run(cmd))
            if i:  # round 0 is the warm-up
                times[name].append(elapsed)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    base, numpy_s, kqa_s = med.values()
    out = table(["command", "median", "min", "vs python -c pass"],
                [[name, ms(m), ms(min(times[name])), f"{m / base:.2f}x"] for name, m in med.items()])
    paired = statistics.median(k / n for k, n in zip(times[f'kqa -q "{QUESTION}"'], times['python -c "import numpy"']))
    verdict = "OK" if kqa_s / numpy_s <= 1.5 else "over goal"
    out += (f"\nkqa / import numpy = **{kqa_s / numpy_s:.2f}x** (goal <= 1.5x: {verdict}); median of the per-round "
            f"ratios {paired:.2f}x; {runs} rounds.\n\n")
    return out + imports_on_path() + "\n" + tui_startup(runs)


def imports_on_path() -> str:
    """Which heavy modules the one-shot question imports, and the slowest imports."""
    proc = run([sys.executable, "-X", "importtime", "-m", "kqa", "-q", QUESTION], stderr=subprocess.PIPE)
    entries = []  # (self us, cumulative us, module)
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            self_us, cum_us, name = line[len("import time:"):].split("|")
            entries.append((int(self_us), int(cum_us), name.strip()))
    tops = {name.split(".")[0] for _, _, name in entries}
    expected = (("nltk", "no (stems map covers the question)"), ("textual", "no (TUI only)"), ("numpy", "yes"))
    out = table(["module on `kqa -q` path", "imported", "expected"],
                [[mod, "yes" if mod in tops else "no", exp] for mod, exp in expected])
    own = sum(s for s, _, n in entries if n.split(".")[0] == "kqa") / 1000
    out += (f"\n{len(entries)} modules imported; kqa's own modules {own:.1f} ms self time. "
            "Slowest imports by self time (one -X importtime run, noisy):\n\n")
    rows = [[n, f"{s / 1000:.1f} ms", f"{c / 1000:.1f} ms"] for s, c, n in sorted(entries, reverse=True)[:8]]
    return out + table(["module", "self", "cumulative"], rows)


def tui_startup(runs: int) -> str:
    """Process start until the TUI is interactive, and until it shows its
    first answer (the index opened, one question asked), headless."""
    label = "TUI start-up (process start to interactive / to the first answer, headless)"
    try:
        if importlib.util.find_spec("kqa.tui.launch") is None:
            raise ImportError
    except ImportError:
        return f"{label}: n/a (kqa.tui.launch not importable)\n"
    ready: list[float] = []
    answered: list[float] = []
    for i in range(runs + 1):
        with subprocess.Popen([sys.executable, "-c", TUI_RUNNER, repr(time.time())], cwd=WORK, env=child_env(),
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            out, err = proc.communicate(timeout=180)
        fields = out.split()
        if len(fields) != 4 or fields[0] != "READY" or fields[3] == "0":
            return f"{label}: n/a ({(err.strip().splitlines() or [out.strip() or '?'])[-1]})\n"
        if i:  # run 0 is the warm-up (and builds the index if needed)
            ready.append(float(fields[1]))
            answered.append(float(fields[2]))
    return (f"{label}: median **{ms(statistics.median(ready))}** / **{ms(statistics.median(answered))}**, "
            f"min {ms(min(ready))} / {ms(min(answered))}; {runs} runs.\n")


# --------------------------------------------------------------------------- BBC scale


def top(scores: np.ndarray, k: int = TOP_K) -> list[int]:
    """Best k passages with a positive score, ties by passage id (as kqa)."""
    pool = np.flatnonzero(scores > 0)
    if len(pool) > k:
        pool = pool[np.argpartition(-scores[pool], k - 1)[:k]]
    return sorted(pool.tolist(), key=lambda p: (-scores[p], p))


def bbc(src: Path, n_questions: int) -> str:
    import bm25s
    from rank_bm25 import BM25Okapi

    from kqa import store
    from kqa.bm25 import score
    from kqa.corpus import scan
    from kqa.index import load
    from kqa.indexer import open_index
    from kqa.search import Searcher

    corpus, ixdir = WORK / "bbc-news", WORK / "bbc-index"
    shutil.copytree(src, corpus)  # copy2 keeps mtimes
    log("bbc: building the index")
    build_s, (ix, report) = timed(lambda: open_index(corpus, ixdir, warn=lambda _m: None))
    open_s, scan_s, load_s, verify_s = (  # medians of 5: these are short
        statistics.median(timed(fn)[0] for _ in range(5)) for fn in (
            lambda: open_index(corpus, ixdir), lambda: list(scan(corpus)),
            lambda: load(ixdir), lambda: store.verify(ix.gen, ix.manifest)))
    touched = sorted(corpus.glob("business/*.txt"))[0]
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    log("bbc: refreshing after touching one file")
    refresh_s, (ix, report2) = timed(lambda: open_index(corpus, ixdir))
    skipped = "; ".join(f"{rel}: {why}" for rel, why in report.skipped) or "none"
    out = table(["indexing (kqa open_index)", "value"], [
        ["build from scratch", ms(build_s)],
        ["articles / passages / terms", f"{len(ix.articles)} / {ix.n_passages} / {len(ix.vocab)}"],
        ["files read / skipped", f"{report.files_read} / {len(report.skipped)} ({skipped})"],
        ["index size on disk", f"{store.disk_size(ix.gen) / 2**20:.1f} MB"],
        ["open, nothing changed (scan + load + verify), median of 5", ms(open_s)],
        ["  scan() of the corpus folder alone", ms(scan_s)],
        ["  load() alone (JSON tables, mmap arrays, verify)", ms(load_s)],
        ["  CRC verify of all files alone", ms(verify_s)],
        ["refresh after touching 1 file", f"{ms(refresh_s)} ({report2.files_read} read, {report2.files_reused} reused)"],
    ])

    arts = [a for a in ix.articles if "/" in a["relpath"]]  # the category folders, not README.TXT
    questions = [a["title"] for a in random.Random(SEED).sample(arts, n_questions)]
    searcher = Searcher(ix, str(corpus))
    terms = searcher.query_terms
    log("bbc: expanding passage token lists, building rank-bm25 and bm25s")
    tokens = [[t for t, f in ix.passage_terms(p).items() for _ in range(f)] for p in range(ix.n_passages)]
    prm = ix.params  # kqa's BM25 parameters, so all three rank the same way
    okapi_build, okapi = timed(lambda: BM25Okapi(tokens, k1=prm.k1, b=prm.b, epsilon=prm.epsilon))
    model = bm25s.BM25(k1=prm.k1, b=prm.b, method="robertson")
    bm25s_build, _ = timed(lambda: model.index(tokens, show_progress=False))

    def kqa_bm25(q: str) -> list[int]:
        ids = [ix.vocab[t] for t in terms(q) if t in ix.vocab]
        return top(score(ids, ix.post_ptr, ix.post_doc, ix.post_tf, ix.idf, ix.norm, ix.params.k1)) if ids else []

    def bm25s_query(q: str) -> list[int]:
        ids = model.get_tokens_ids(terms(q))
        return top(np.asarray(model.get_scores_from_ids(ids), dtype=np.float64)) if ids else []

    systems: dict[str, tuple[str, Callable[[str], list[int]]]] = {
        REF: ("(above)", kqa_bm25),
        "kqa Searcher.search (re-rank, hits, answer sentence)": ("(above)", lambda q: [h.passage_id for h in searcher.search(q, TOP_K)]),
        "rank-bm25 BM25Okapi": (ms(okapi_build), lambda q: top(okapi.get_scores(terms(q)))),
        "bm25s (robertson)": (ms(bm25s_build), bm25s_query),
    }
    rows, firsts = [], {}
    for name, (build, fn) in systems.items():
        log(f"bbc: {len(questions)} questions through {name}")
        for q in questions[:10]:
            fn(q)  # warm-up
        lat, results = zip(*(timed(lambda q=q: fn(q)) for q in questions))
        firsts[name] = [r[0] if r else None for r in results]
        same = sum(a == b for a, b in zip(firsts[name], firsts[REF])) / len(questions)
        rows.append([name, build, ms(pct(lat, 50)), ms(pct(lat, 95)), ms(max(lat)), f"{same:.0%}"])
    diff = 0.0  # kqa's BM25 claims rank-bm25's exact scores
    for q in questions[:20]:
        ids = [ix.vocab[t] for t in terms(q) if t in ix.vocab]
        if ids:
            kq = score(ids, ix.post_ptr, ix.post_doc, ix.post_tf, ix.idf, ix.norm, ix.params.k1)
            diff = max(diff, float(np.max(np.abs(okapi.get_scores(terms(q)) - kq))))
    out += f"\n{len(questions)} questions (headlines of a seeded sample of articles), top-{TOP_K}, index loaded once:\n\n"
    out += table(["system", "build", "p50", "p95", "max", "top-1 = kqa BM25"], rows)
    out += ("\nkqa's build includes reading 2,226 files, passage and sentence splitting, analysis and "
            "writing to disk; the baselines index kqa's already-analysed token lists in memory. "
            f"Max |kqa BM25 - rank-bm25| score over 20 questions: {diff:.1e}.\n\n")
    return out + cli_batch(corpus, ixdir, questions)


def cli_batch(corpus: Path, ixdir: Path, questions: list[str]) -> str:
    """The CLI answering all questions from stdin: wall time and peak RSS.

    Peak RSS is the child's own VmHWM: getrusage/wait4 ru_maxrss would report
    this (large) benchmark process, as Linux carries the pre-exec peak over.
    """
    qfile = WORK / "questions.txt"
    qfile.write_text("\n".join(questions) + "\n", "utf-8")
    args = ["--corpus", str(corpus), "--index", str(ixdir), "-q", "-", "--format", "jsonl"]
    log("bbc: CLI batch run")
    with qfile.open("rb") as stdin:
        elapsed, proc = timed(lambda: run([sys.executable, "-c", BATCH_RUNNER, *args], stdin=stdin, stderr=subprocess.PIPE))
    hwm = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("VmHWM")]  # type: ignore[attr-defined]
    return table(["`kqa -q - --format jsonl` (BBC, warm index)", "value"], [
        ["questions", len(questions)],
        ["wall time (whole process)", f"{ms(elapsed)} ({ms(elapsed / len(questions))} per question)"],
        ["peak RSS (VmHWM)", f"{int(hwm[-1]) / 1024:.0f} MB" if hwm else "n/a"],
        ["exit code", proc.returncode],  # type: ignore[attr-defined]
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 start-up rounds (else 11), 50 questions (else 200)")
    parser.add_argument("--bbc", type=Path, default=Path(os.environ.get("KQA_BENCH_BBC", DEFAULT_BBC)),
                        help=f"BBC News corpus folder (default {DEFAULT_BBC})")
    args = parser.parse_args()
    if not (args.bbc / "business").is_dir():
        raise SystemExit(f"error: BBC News corpus not found at {args.bbc} (expected business/, sport/, ...); "
                         "pass --bbc DIR or set KQA_BENCH_BBC")
    runs, n_questions = (3, 50) if args.quick else (11, 200)
    started = time.perf_counter()
    WORK.mkdir()
    try:
        print(f"# kqa speed benchmark{' (quick)' if args.quick else ''}\n")
        print(f"{time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}, numpy {np.__version__}, "
              f"{os.cpu_count()} CPUs, {sys.platform}\n")
        print("## Start-up (bundled corpus, warm index)\n")
        print(startup(runs))
        print(f"## BBC News scale ({args.bbc})\n")
        print(bbc(args.bbc, n_questions))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    log(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
