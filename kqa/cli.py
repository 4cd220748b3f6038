"""The `kqa` command: one-shot questions, batch questions, index, info, TUI.

Results go to stdout, everything else to stderr; exit codes are grep's
(0 results, 1 none, 2 error). Textual is imported only to start the TUI.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kqa.arguments import build_parser, option_takers, settle_options
from kqa.errors import ExitCode, KqaError
from kqa.interrupts import SIGNALLED, Terminated, report
from kqa.safetext import clean_line
from kqa.streams import BestEffort, fit_stdout

if TYPE_CHECKING:
    from kqa.search import Hit


def main(argv: Sequence[str] | None = None) -> int:
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    if not isinstance(sys.stderr, BestEffort):  # messages are best effort: results and exit codes are not
        sys.stderr = BestEffort(sys.stderr)  # type: ignore[assignment]
    if sys.stdout is None:  # started with `>&-`: nowhere to write the results
        _say("error: stdout is closed")
        return int(ExitCode.ERROR)
    SIGNALLED.clear()
    try:
        parser = build_parser()
        parser.argv = list(sys.argv[1:] if argv is None else argv)  # type: ignore[attr-defined] - for error()
        args = parser.parse_args(argv)
        if debug:
            import kqa.indexer

            kqa.indexer.SHOW_FILE_ERRORS = True
        formats = (getattr(args, key, None) or "" for key in ("format", "info_format", "eval_format"))
        fit_stdout(any(f.startswith("json") for f in formats))
        code = _dispatch(args)
        return report() if SIGNALLED else int(code)  # a signal whose exception some library caught
    except KqaError as exc:
        if SIGNALLED:
            return report()
        if debug:
            traceback.print_exc()  # the traceback, but the documented exit code
        for detail in exc.details:
            _say(detail)
        _say(f"error: {exc}")
        return int(exc.code)
    except KeyboardInterrupt:
        _say("interrupted")
        return int(ExitCode.INTERRUPTED)
    except Terminated:
        _say("terminated")
        return int(ExitCode.TERMINATED)
    except BrokenPipeError:
        _silence_stdout()  # the reader (e.g. `head`) has what it wanted
        return int(ExitCode.OK)
    except OSError as exc:  # kqa's own files fail as KqaError: one without a file name is stdout
        if SIGNALLED:
            return report()
        if debug:
            traceback.print_exc()
        if exc.filename is None:
            _silence_stdout()  # or the exit's flush reports the same failure again
        _say(f"error: {exc.strerror or exc}: {exc.filename}" if exc.filename
             else f"error: cannot write the output: {exc.strerror or exc}")
        return int(ExitCode.ERROR)
    except Exception as exc:  # last resort: one line, not a traceback
        if SIGNALLED:  # e.g. Ctrl-C while numpy's C code imported a module: an ImportError
            return report()
        if debug:
            traceback.print_exc()
        _say(f"error: unexpected {exc.__class__.__name__}: {exc} (run with --debug for details)")
        return int(ExitCode.ERROR)


def _say(message: str) -> None:
    """A message on stderr, one line as the terminal shows it: a file name holding an escape
    sequence or a newline (from an archive, a scraper) cannot clear the screen or split it."""
    print(f"kqa: {clean_line(message)}", file=sys.stderr)


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _dispatch(args: argparse.Namespace) -> ExitCode:
    settle_options(args)
    from kqa.interrupts import handled

    tui = args.command == "tui" or (args.command is None and args.question is None)
    with handled(tui):
        return _cmd_tui(args) if tui else _run(args)


def _run(args: argparse.Namespace) -> ExitCode:
    if args.command == "completion":
        from kqa.completion import script, subcommands

        parser = build_parser()
        sys.stdout.write(script(parser, args.shell, takers=option_takers(list(subcommands(parser)))))
        return ExitCode.OK
    if args.command == "index":
        return _cmd_index(args)
    if args.command == "info":
        return _cmd_info(args)
    if args.command == "eval":
        return _cmd_eval(args)
    return _cmd_ask(args)


def _open(args: argparse.Namespace, rebuild: bool = False, stale_ok: bool = True):  # noqa: ANN202 - Searcher
    from kqa.engine import Location, open_searcher
    from kqa.output import stderr_progress
    from kqa.wording import counted

    where = Location.resolve(args.corpus, args.index)
    searcher, report = open_searcher(
        where, rebuild=rebuild, progress=stderr_progress("kqa: indexing"), warn=_say,
        ranking=getattr(args, "ranking", "rerank"), stale_ok=stale_ok,
    )
    if report is not None:
        counts = searcher.index.manifest["counts"]
        _say(
            f"indexed {where.corpus}: {counted(counts['articles'], 'article')}, {counted(counts['passages'], 'passage')} "
            f"({counted(report.files_read, 'file')} read, {report.files_reused} reused, "
            f"{len(report.skipped)} skipped" + (": kqa info lists them" if report.still_skipped else "")
            + (f", {counted(report.bad_records, 'bad record')} skipped" if report.bad_records else "")
            + (f", {report.vanished} removed while indexing" if report.vanished else "")
            + f") in {report.seconds:.1f} s"
        )
    return where, searcher


def _questions(arg: str) -> Iterator[str]:
    """The question, or one per line of stdin: read as bytes and decoded line
    by line, so a stray byte spoils only its own line (shown as U+FFFD), and a
    leading byte-order mark does not end up in the first `query`."""
    from kqa.sources import printable  # a stray byte in argv: U+FFFD, as on stdin

    if arg != "-":
        yield printable(arg)
        return
    if sys.stdin is None:
        raise KqaError("-q -: stdin is closed")
    if sys.stdin.isatty():
        _say("reading questions from the terminal, one per line (Ctrl-D to end)")
    asked = 0
    for n, raw in enumerate(sys.stdin.buffer):
        line = raw.decode("utf-8-sig" if n == 0 else "utf-8", "replace").strip()
        if line:
            asked += 1
            yield line
    if not asked:
        _say("no questions on stdin")


def _cmd_ask(args: argparse.Namespace) -> ExitCode:
    from kqa.filters import Filters, looked_in, no_results_hint

    if args.question != "-" and not args.question.strip(' \t\n"“”'):  # -k was checked by settle_options
        raise KqaError("the question is empty")
    filters = Filters.parse(args.source, args.since, args.until)  # before numpy loads: a typo fails fast
    from kqa.output import Writer, use_color
    from kqa.query import quoted_phrases
    from kqa.wording import shorten, some

    _, searcher = _open(args)
    color = args.format == "text" and use_color(args.color, sys.stdout)
    terms = searcher.query_terms

    def highlight(question: str, line: str) -> list[tuple[int, int]]:
        return searcher.analyzer.matches(line, set(terms(question)))

    writer = Writer(args.format, sys.stdout, color, highlight, batch=args.question == "-")
    found = False
    place = looked_in(searcher.index.stale)
    for question in _questions(args.question):
        corrections = searcher.corrections(question)
        for wrong, right in corrections.items():
            _say(f"'{wrong}' is not in {place}; searching for '{right}'")
        hits = searcher.search(question, args.top, filters)
        found = found or bool(hits)
        writer.write(question, hits)
        missing = [w for w in searcher.known_terms(question)[1] if w not in corrections] if hits else []
        if missing:  # `COVID-19 vaccine`: answers about vaccines, so say the corpus has no `covid`
            about = f" (in {shorten(question, 79)!r})" if args.question == "-" else ""
            _say(f"not in {place}{about}: {some(missing)}")
        if not hits:  # in a batch, said per question: structured output has no line for it
            known, unknown = searcher.known_terms(question)
            hint = no_results_hint(known, unknown, filters, "try without them", quoted_phrases(question), place)
            _say(("no results" if args.question != "-" else f"no results for {shorten(question, 79)!r}") + ": " + hint)
    writer.close()
    return ExitCode.OK if found else ExitCode.NO_RESULTS


def _cmd_index(args: argparse.Namespace) -> ExitCode:
    where, searcher = _open(args, rebuild=args.rebuild, stale_ok=False)  # a refresh it cannot write fails
    counts = searcher.index.manifest["counts"]
    print(f"{where.index}: {counts['articles']} articles, {counts['passages']} passages")
    return ExitCode.OK


def _cmd_info(args: argparse.Namespace) -> ExitCode:
    import json

    from collections import Counter

    from kqa import store
    from kqa.sources import scan
    from kqa.wording import counted, elapsed

    where, searcher = _open(args)
    ix = searcher.index
    m = ix.manifest
    try:
        ix.sources  # read on demand, so checked only now
    except store.IndexInvalid as exc:
        raise KqaError(f"index at {where.index} is unusable ({exc}); `kqa index --rebuild` rebuilds it") from None
    skipped = {rel: s["skipped"] for rel, s in ix.sources.items() if "skipped" in s}
    skipped.update(m.get("unreachable", {}))
    bad_records = {rel: s["problems"] for rel, s in ix.sources.items() if s.get("problems")}
    ignored: Counter[str] = Counter()  # files of other types: a folder of saved .html pages says so here
    for _ in scan(where.corpus, exclude=where.index, ignored=ignored):
        pass
    info = {
        "corpus": str(where.corpus),
        "articles": m["counts"]["articles"],
        "passages": m["counts"]["passages"],
        "files": len(ix.sources),
        "skipped": skipped,
        "bad_records": bad_records,
        "ignored": dict(sorted(ignored.items(), key=lambda kv: (-kv[1], kv[0]))),
        "index": str(where.index),
        "generation": ix.gen.name,
        "size_bytes": store.disk_size(ix.gen),
        "disk_bytes": store.folder_size(where.index),  # with the previous generation
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(m["built_at"])),
        "age_seconds": round(time.time() - m["built_at"], 1),
        "format_version": m["format_version"],
        "bm25": m["params"],
        "stale": ix.stale,  # why the folder's latest changes are not in it, or null
    }
    if args.info_format == "json":
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return ExitCode.OK
    print(clean_line(f"corpus     {info['corpus']}"))
    bad = sum(len(problems) for problems in bad_records.values())
    also = f", {counted(bad, 'bad record')}" if bad else ""  # lines of .jsonl files: the file itself is read
    print(clean_line(f"articles   {info['articles']} from {counted(info['files'], 'file')} ({len(skipped)} skipped{also})"))
    print(clean_line(f"passages   {info['passages']}"))
    kept = (f"; {_size(info['disk_bytes'])} on disk with the previous one, kept for readers still on it"
            if info["disk_bytes"] > info["size_bytes"] else "")
    print(clean_line(f"index      {info['index']} ({_size(info['size_bytes'])}, format {info['format_version']}{kept})"))
    print(clean_line(f"built      {info['built_at']} ({elapsed(info['age_seconds'])} ago)"))
    print("bm25       " + ", ".join(f"{k}={v}" for k, v in info["bm25"].items()))
    if ix.stale:
        print(clean_line(f"stale      the folder changed since: {ix.stale}"))
    if ignored:
        kinds = ", ".join(f"{ext} {n}" for ext, n in info["ignored"].items())
        print(clean_line(f"ignored    {counted(sum(ignored.values()), 'file')} of other types ({kinds}): kqa reads .txt, .md and .jsonl"))
    for rel, reason in skipped.items():
        print(clean_line(f"skipped    {rel}: {reason}"))
    for rel, problems in bad_records.items():
        for problem in problems:
            print(clean_line(f"bad record {rel} {problem}"))
    return ExitCode.OK


def _cmd_eval(args: argparse.Namespace) -> ExitCode:
    import json
    from pathlib import Path

    from kqa.evaluate import Question, evaluate, load_questions

    questions = load_questions(Path(args.questions))
    if args.eval_k < 1:
        raise KqaError("-k must be at least 1")
    _, searcher = _open(args)
    from collections import Counter

    named = Counter(name for a in searcher.index.articles for name in set(_article_names(a)))
    docs = {q.doc for q in questions if q.doc is not None}
    unknown = sorted(d for d in docs if not named[d])
    for doc in unknown[:3]:  # a typo there would quietly read as a ranking failure
        _say(f'"doc" {doc!r} names no article in the corpus; its questions count as misses for right article@1')
    if len(unknown) > 3:
        _say(f'... and {len(unknown) - 3} more "doc" values that name no article')
    shared = sorted(d for d in docs if named[d] > 1)  # `001` in five topic folders: any would count as right
    for doc in shared[:3]:
        _say(f'"doc" {doc!r} names {named[doc]} articles, any of which counts as right: '
             "give its folder or its id to name one")
    if len(shared) > 3:
        _say(f'... and {len(shared) - 3} more "doc" values that name several articles')
    last: list[Hit] = []

    def rank(question: str, k: int) -> tuple[list[str], str | None]:
        last[:] = searcher.search(question, k)
        return [h.text for h in last], (last[0].answer_text if last else "")

    right_article = [0, 0]  # top passage from the question's "doc" / questions that name one

    def outcome(q: Question, first: int | None, sentence_ok: bool | None) -> None:
        top = last[0] if last else None
        if q.doc is not None:
            right_article[1] += 1
            right_article[0] += top is not None and q.doc in _article_names(top.article)
        if not per_question:
            return
        print(json.dumps({
            "q": q.q, "answers": list(q.answers), "doc": q.doc, "rank": first, "answer_sentence": sentence_ok,
            "top": None if top is None else {k: v for k, v in top.record().items()
                                             if k in ("doc_id", "passage_id", "title", "source", "date",
                                                      "date_inferred", "url", "path", "line", "text", "answer")},
        }, ensure_ascii=False))

    per_question = args.eval_format == "jsonl"
    result = evaluate(rank, questions, args.eval_k, searcher.mean_passage_words(), outcome)
    article_at_1 = right_article[0] / right_article[1] if right_article[1] else None
    if per_question:
        _say(f"{result.questions} questions: answer recall@1 {result.recall[1]:.3f}, "
             f"@{result.k} {result.recall[result.k]:.3f}, MRR@{min(result.k, 10)} {result.mrr:.3f}")
        return ExitCode.OK
    if args.eval_format == "json":
        print(json.dumps({**result.as_dict(), "article_at_1": article_at_1,
                          "questions_with_doc": right_article[1]}, indent=2))
        return ExitCode.OK
    print(f"questions        {result.questions}")
    for c, v in result.recall.items():
        print(f"answer recall@{c:<3}{v:.3f}")
    print(f"MRR@{min(result.k, 10):<13}{result.mrr:.3f}")
    if result.answer_sentence is not None:
        print(f"answer sentence  {result.answer_sentence:.3f}  (top passage's marked sentence holds the answer)")
    if article_at_1 is not None:
        named = f"{right_article[1]} question names one" if right_article[1] == 1 else f"{right_article[1]} questions name one"
        print(f"right article@1  {article_at_1:.3f}  (top passage from the question's \"doc\"; {named})")
    print(f"passage words    {result.passage_words:.1f}  (mean over the index)")
    print(f"latency          p50 {result.latency_ms_p50:.1f} ms, p95 {result.latency_ms_p95:.1f} ms")
    return ExitCode.OK


def _article_names(article: dict[str, Any]) -> tuple[str, ...]:
    """What a question's "doc" may name an article by: its id, or its file
    with or without the extension."""
    rel = article["relpath"]
    return (article["id"], rel, rel.rsplit(".", 1)[0], rel.rsplit("/", 1)[-1].rsplit(".", 1)[0])


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _cmd_tui(args: argparse.Namespace) -> ExitCode:
    if sys.stdin is None or not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise KqaError("no terminal for the interactive app; ask with: kqa -q \"QUESTION\"")
    from kqa.tui.launch import run  # imports Textual (~0.12 s): only for the app

    return ExitCode(run(args))
