"""kqa's command line: the options, the subcommands that take each one when
it is given before them, and the settling of defaults, kept apart from what
the commands do (cli.py) so completion can read the same tables."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from typing import IO, Any, NoReturn

from kqa import __version__
from kqa.errors import KqaError


FORMATS = ("text", "json", "jsonl", "tsv")

EPILOG = """\
examples:
  kqa -q "Who hosted the January 11 meeting in Moscow?"
  kqa -q "peacekeepers in Nagorno-Karabakh" -k 3 --format jsonl | jq .title
  kqa -q - --format jsonl < questions.txt
  kqa --corpus ~/articles index --rebuild
  kqa info
  eval "$(kqa completion bash)"    # in ~/.bashrc; zsh: kqa completion zsh; fish: kqa completion fish | source

exit codes: 0 results, 1 no results, 2 usage or data error, 130 interrupted, 143 terminated
"""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # no --sou for --source: a script written so would break when an option is added (as in rg, jq)
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        """argparse drops a failed write: `kqa --help > file` on a full disk must fail as other output does."""
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument -q/--question: expected one argument"):
            argv = list(getattr(self, "argv", ()))
            given = [a for a in argv if a in ("-q", "--question")]
            after = argv[argv.index(given[-1]) + 1 :] if given else []
            message = ("-q needs a question: kqa -q \"Who hosted the talks?\" ('-' reads them from stdin)" if not after
                       else message + "; a question that starts with '-' is written -q=-QUESTION")
        wrong = re.match(r"argument COMMAND: invalid choice: ('.*?') \(choose from (.*)\)$", message)
        unknown = [a.split("=", 1)[0] for a in getattr(self, "argv", ())
                   if a.startswith("-") and a != "-" and a.split("=", 1)[0] not in self._option_string_actions]
        if wrong and unknown:  # `kqa -q Putin -n 3`: the option is the mistake, not its value
            like = difflib.get_close_matches(unknown[0], [o for o in self._option_string_actions if o.startswith("--")], 1)
            hint = "-k N" if unknown[0] in ("-n", "--limit", "--top-k", "--max") else (like[0] if like else "")
            message = f"unknown option {unknown[0]!r}" + (f" (did you mean {hint}?)" if hint else "")
        elif wrong:  # `kqa Putin`, `kqa -q Who hosted it`: a question, not a command
            commands = wrong[2].replace("'", "")
            message = (f"{wrong[1]} is not a command ({commands}); a question goes after -q, "
                       'in quotes if it has several words: kqa -q "Who hosted the talks?"')
        raise KqaError(f"{message} (see 'kqa --help')")


def _common(suppress: bool, ranking: bool = True) -> argparse.ArgumentParser:
    """Options valid before and after the subcommand (`kqa --corpus D info`);
    `ranking`: --ranking too (not for index and info, where nothing is ranked)."""
    default = argparse.SUPPRESS if suppress else None
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--corpus", metavar="DIR", default=default,
                   help="folder of articles (default: $KQA_CORPUS or the bundled corpus)")
    p.add_argument("--index", metavar="DIR", default=default,
                   help="index folder (default: index/ for the bundled corpus, else the user cache)")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="show tracebacks for errors")
    if ranking:
        p.add_argument("--ranking", choices=("rerank", "bm25"), default=default,
                       help="rerank: BM25 then the answer cues (default); bm25: BM25 order only, "
                            "to measure what the rerank does with `kqa eval`")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kqa",
        description="Ask questions of a folder of news articles; answers are ranked passages with their source and date.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common(False)],
    )
    parser.add_argument("-q", "--question", metavar="QUESTION",
                        help="answer QUESTION and exit; '-' reads one question per line from stdin")
    parser.add_argument("-k", "--top", type=int, metavar="N", help="number of passages (default 5)")
    parser.add_argument("-f", "--format", choices=FORMATS, help="output format (default text)")
    parser.add_argument("--source", metavar="TEXT", help="only articles whose source contains TEXT")
    parser.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE (YYYY[-MM[-DD]])")
    parser.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE")
    parser.add_argument("--color", choices=("auto", "always", "never"),
                        help="colour and emphasis in text output (default auto)")
    parser.add_argument("-V", "--version", action="version", version=f"kqa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    p_index = sub.add_parser("index", parents=[_common(True, ranking=False)], help="build or refresh the index")
    p_index.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    p_info = sub.add_parser("info", parents=[_common(True, ranking=False)], help="show corpus and index details")
    p_info.add_argument("-f", "--format", choices=("text", "json"), dest="info_format",
                        help="text for people, json for scripts (default text)")
    p_eval = sub.add_parser("eval", parents=[_common(True)],
                            help="measure answer recall/MRR on labelled questions (JSON Lines)")
    p_eval.add_argument("questions", metavar="QUESTIONS.jsonl",
                        help='one {"q": "...", "answers": ["..."]} per line (\'-\' reads stdin)')
    p_eval.add_argument("-k", "--top", type=int, metavar="N", dest="eval_k",
                        help="passages per question (default 10)")
    p_eval.add_argument("-f", "--format", choices=("text", "json", "jsonl"), dest="eval_format",
                        help="text or json: the summary; jsonl: one line per question (rank of the first "
                             "answering passage, the top passage), summary on stderr")
    p_tui = sub.add_parser("tui", parents=[_common(True)], help="open the interactive app (the default)")
    p_tui.add_argument("-k", "--top", type=int, metavar="N", default=argparse.SUPPRESS, help="passages shown")
    for flag, meta in (("--source", "TEXT"), ("--since", "DATE"), ("--until", "DATE")):
        p_tui.add_argument(flag, metavar=meta, default=argparse.SUPPRESS, help="starting filter")
    p_completion = sub.add_parser("completion", help="print a shell completion script (bash, zsh or fish)")
    p_completion.add_argument("shell", choices=("bash", "zsh", "fish"),
                              help='e.g. eval "$(kqa completion bash)" in ~/.bashrc')
    return parser



# Options of the top-level parser, and the subcommands that take each one
# when given before the subcommand (`kqa -k 3 eval q.jsonl`).
_GLOBAL_OPTIONS = {
    "question": ("-q", ()),
    "top": ("-k", ("eval", "tui")),
    "format": ("--format", ("eval", "info")),
    "source": ("--source", ("tui",)),
    "since": ("--since", ("tui",)),
    "until": ("--until", ("tui",)),
}  # --color is taken everywhere (`alias kqa='kqa --color never'`); it only changes text output
_NO_RANKING = ("index", "info")  # they build or describe the index: nothing is ranked
_NO_CORPUS = ("completion",)  # the script is the same whatever the corpus, index or ranking
_SUB_FORMATS = {"eval": ("eval_format", ("text", "json", "jsonl")), "info": ("info_format", ("text", "json"))}


def option_takers(commands: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each root option's dest -> the subcommands that take it when it comes
    first (what `settle_options` enforces), so completion offers only those."""
    takers = {dest: takers for dest, (_, takers) in _GLOBAL_OPTIONS.items()}
    for dest in ("corpus", "index"):
        takers[dest] = tuple(c for c in commands if c not in _NO_CORPUS)
    takers["ranking"] = tuple(c for c in commands if c not in _NO_RANKING + _NO_CORPUS)
    return takers


def settle_options(args: argparse.Namespace) -> None:
    """Apply options given before a subcommand to it, refuse those it has no
    use for (never drop them silently), then fill in the defaults."""
    command = args.command
    if getattr(args, "source", None) is not None and not args.source.strip():
        raise KqaError("--source: empty text")  # `--source "$UNSET"` would quietly filter nothing
    if command in _NO_CORPUS:
        for flag in ("--corpus", "--index", "--ranking"):
            if getattr(args, flag[2:], None) is not None:
                raise KqaError(f"{flag} does not apply to 'kqa completion'")
    if command in _NO_RANKING and getattr(args, "ranking", None) is not None:
        raise KqaError(f"--ranking does not apply to 'kqa {command}'")
    args.ranking = getattr(args, "ranking", None) or "rerank"
    if command is not None:
        for dest, (flag, takers) in _GLOBAL_OPTIONS.items():
            if getattr(args, dest) is None:
                continue
            if command not in takers:
                raise KqaError(f"{flag} does not apply to 'kqa {command}'")
            if dest == "top" and command == "eval" and args.eval_k is None:
                args.eval_k = args.top
            if dest == "format":
                sub_dest, allowed = _SUB_FORMATS[command]
                if args.format not in allowed:
                    raise KqaError(f"--format {args.format}: 'kqa {command}' writes {' or '.join(allowed)}")
                if getattr(args, sub_dest) is None:
                    setattr(args, sub_dest, args.format)
    if command in (None, "tui") and args.question is None and args.format is not None:
        raise KqaError("--format applies to answers of -q, not to the interactive app")
    args.top = 5 if args.top is None else args.top
    if args.top < 1:
        raise KqaError("-k must be at least 1")
    args.format = args.format or "text"
    args.color = args.color or "auto"
    if command == "eval":
        args.eval_k = 10 if args.eval_k is None else args.eval_k
        args.eval_format = args.eval_format or "text"
    if command == "info":
        args.info_format = args.info_format or "text"
