"""The ``oaslib`` command. Exit codes: 0 done, 1 some input or brief failed
(everything else still written), 2 usage error, 3 internal error (a bug).
Errors are one line, never a traceback (``OASLIB_DEBUG=1`` shows a bug's)."""
from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path

from . import paths
from .version import __version__
from .briefs.batch import CELL_TIMEOUT
from .briefs.i18n import parse_langs
from .errors import OaslibError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: one line, exit 2
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def _as_of(text: str) -> str:
    """--as-of: a calendar date written YYYY-MM-DD."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise argparse.ArgumentTypeError(f"not a date: {text!r}; write it as YYYY-MM-DD")
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"no such day: {text!r} ({e})") from None


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0:
            raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
        return value
    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def _cmd_clean(args) -> int:
    from .clean import clean
    result = clean(Path(args.raw), Path(args.out))
    print(result.summary())
    return 1 if result.unreadable else 0


def _cmd_dictionary(args) -> int:
    from .clean.schema import data_dictionary
    from .clean.store import write_text
    if args.out == "-":
        sys.stdout.write(data_dictionary())
    else:
        write_text(Path(args.out), data_dictionary())
    return 0


def _formats(text: str) -> tuple[str, ...]:
    fs = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in fs if f not in ("html", "pdf")]
    if bad or not fs:
        raise argparse.ArgumentTypeError(f"unknown format {','.join(bad) or text!r}: use html, pdf or html,pdf")
    return fs


def _langs(text: str) -> tuple[str, ...]:
    try:
        return parse_langs(text)
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _cmd_report(args) -> int:
    from .briefs.batch import run_reports
    from .clean.store import lock
    from .clean import ensure_clean
    if not args.names and not args.all:
        raise UsageError(f"name at least one {args.kind} or use --all")
    formats = args.format
    # the lock first: a run that must wait for another may not touch data/clean either
    with lock(Path(args.out)):
        if args.raw is not None:
            ensure_clean(Path(args.raw), Path(args.data))
        return run_reports(args.kind, args.names, args.all, Path(args.out), Path(args.data),
                           formats=formats, jobs=args.jobs, force=args.force, as_of=args.as_of,
                           timeout=args.timeout, langs=args.lang)


def _cmd_build(args) -> int:
    from .briefs.batch import run_reports
    from .clean.store import lock
    from .clean import clean
    from .clean.job import check_raw_dir
    data = Path(args.data)
    check_raw_dir(Path(args.raw))  # before the lock creates the output directory
    with lock(Path(args.out)):  # before cleaning: an overlapping run must not rewrite data/clean
        result = clean(Path(args.raw), data)
        print(result.summary())
        code = run_reports("all", [], True, Path(args.out), data, jobs=args.jobs, force=args.force,
                           as_of=args.as_of, timeout=args.timeout, langs=args.lang)
    return max(code, 1 if result.unreadable else 0)


BRIEF_EXITS = ("exit codes: 0 every brief made or up to date; 1 some brief failed (all others were still made; "
               "see reports/manifest.json); 2 usage error or another run holds the output directory")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="oaslib", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"oaslib {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("clean", help="read data/raw and write the tidy tables to data/clean",
                       epilog="exit codes: 0 every document read; 1 some document could not be read "
                              "(it is a row of the quality table; everything else is written); 2 usage error")
    c.add_argument("--raw", help="directory of raw documents (default: the project's data/raw)")
    c.add_argument("--out", help="output directory (default: the project's data/clean)")
    c.set_defaults(func=_cmd_clean)

    r = sub.add_parser("report", help="render country or year briefs (HTML, PDF, CSV)", epilog=BRIEF_EXITS)
    r.add_argument("kind", choices=["country", "year"])
    r.add_argument("names", nargs="*", help="member states (name, variant or ISO3) or years")
    r.add_argument("--all", action="store_true", help="every member state / year with data")
    r.add_argument("--format", type=_formats, default="html,pdf", help="html, pdf or html,pdf (default)")
    r.add_argument("--out", help="output directory (default: the project's reports)")
    r.add_argument("--data", help="clean tables (default: the project's data/clean)")
    r.add_argument("--raw", help="raw documents, cleaned first when newer (default: the project's data/raw)")
    r.add_argument("--as-of", type=_as_of, default=None, help="date the briefs' statuses are taken on and open programs run to, YYYY-MM-DD (default: today)")
    r.add_argument("--jobs", type=_positive(int), default=None, help="worker processes (default: cores)")
    r.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    r.add_argument("--timeout", type=_positive(float), default=CELL_TIMEOUT,
                   help=f"seconds a notebook cell may run before its brief fails (default: {CELL_TIMEOUT})")
    r.add_argument("--lang", type=_langs, default="en", help="language(s) of the briefs: en (default), es or en,es")
    r.set_defaults(func=_cmd_report)

    b = sub.add_parser("build", help="clean, then every country and year brief, then the index",
                       epilog=BRIEF_EXITS)
    b.add_argument("--raw", help="directory of raw documents (default: the project's data/raw)")
    b.add_argument("--data", help="where the clean tables go (default: the project's data/clean)")
    b.add_argument("--out", help="where the briefs, index and manifest go (default: the project's reports)")
    b.add_argument("--as-of", type=_as_of, default=None,
                   help="date the country briefs' statuses are taken on, YYYY-MM-DD (default: today); a brief "
                        "is remade only when what it shows changed, not because the date moved")
    b.add_argument("--jobs", type=_positive(int), default=None, help="worker processes (default: cores)")
    b.add_argument("--force", action="store_true", help="rebuild every brief even when nothing changed")
    b.add_argument("--timeout", type=_positive(float), default=CELL_TIMEOUT,
                   help=f"seconds a notebook cell may run before its brief fails (default: {CELL_TIMEOUT:g})")
    b.add_argument("--lang", type=_langs, default="en", help="language(s) of the briefs: en (default), es or en,es")
    b.set_defaults(func=_cmd_build)

    d = sub.add_parser("dictionary", help="write the data dictionary generated from oaslib/clean/schema.py")
    d.add_argument("--out", default="-", help="file to write (default: standard output)")
    d.set_defaults(func=_cmd_dictionary)
    return p


#: Folder options whose default is a folder of the project, by command. They
#: are looked up when the command runs, not when the parser is built, so that
#: OASLIB_HOME and the working directory count (see ``oaslib.paths``).
PROJECT_FOLDERS = {
    "clean": {"raw": paths.raw_dir, "out": paths.clean_dir},
    "report": {"data": paths.clean_dir, "out": paths.reports_dir, "raw": paths.raw_dir},
    "build": {"raw": paths.raw_dir, "data": paths.clean_dir, "out": paths.reports_dir},
}


def project_defaults(args) -> None:
    """Fill the folder options left out with the project's folders. Given
    every folder, a command needs no project; ``report`` given its tables
    outside a project renders from them as they are."""
    for option, folder in PROJECT_FOLDERS.get(args.command, {}).items():
        if getattr(args, option) is None:
            try:
                setattr(args, option, folder())
            except paths.ProjectNotFound:
                if not (args.command == "report" and option == "raw" and args.data is not None):
                    raise


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "raw", None) is not None:  # a folder named wrongly before one not named
            from .clean.job import check_raw_dir
            check_raw_dir(Path(args.raw))
        project_defaults(args)
        return args.func(args)
    except UsageError as e:
        print(f"oaslib: {e}", file=sys.stderr)
        return 2
    except OaslibError as e:
        print(f"oaslib: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("oaslib: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 -- a bug: one line for the log, the traceback on request
        if os.environ.get("OASLIB_DEBUG"):
            raise
        last = (str(e).strip().splitlines() or [""])[-1][:200]
        print(f"oaslib: internal error, please report it: {type(e).__name__}: {last} "
              "(OASLIB_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
