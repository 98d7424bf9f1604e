"""The ``oaslib`` command. Exit codes: 0 done, 1 some input or brief failed
(everything else still written), 2 usage error. Errors are one line, never a
traceback."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .briefs.batch import CELL_TIMEOUT
from .errors import OaslibError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: one line, exit 2
        self.print_usage(sys.stderr)
        print(f"oaslib: error: {message}", file=sys.stderr)
        sys.exit(2)


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
        raise UsageError(f"unknown format {','.join(bad) or text!r}: use html, pdf or html,pdf")
    return fs


def _date(text: str) -> str:
    """An --as-of value: an ISO date, checked before anything runs."""
    from datetime import date
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _cmd_report(args) -> int:
    from .briefs.batch import run_reports
    from .clean import ensure_clean
    if not args.names and not args.all:
        raise UsageError(f"name at least one {args.kind} or use --all")
    ensure_clean(Path(args.raw), Path(args.data))
    return run_reports(args.kind, args.names, args.all, Path(args.out), Path(args.data),
                       formats=_formats(args.format), jobs=args.jobs, force=args.force, as_of=args.as_of,
                       timeout=args.timeout)


def _cmd_build(args) -> int:
    from .briefs.batch import run_reports
    from .clean import clean
    data = Path(args.data)
    result = clean(Path(args.raw), data)
    print(result.summary())
    code = run_reports("all", [], True, Path(args.out), data, jobs=args.jobs, force=args.force,
                       as_of=args.as_of, timeout=args.timeout)
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
    c.add_argument("--raw", default="data/raw", help="directory of raw documents (default: data/raw)")
    c.add_argument("--out", default="data/clean", help="output directory (default: data/clean)")
    c.set_defaults(func=_cmd_clean)

    r = sub.add_parser("report", help="render country or year briefs (HTML, PDF, CSV)", epilog=BRIEF_EXITS)
    r.add_argument("kind", choices=["country", "year"])
    r.add_argument("names", nargs="*", help="member states (name, variant or ISO3) or years")
    r.add_argument("--all", action="store_true", help="every member state / year with data")
    r.add_argument("--format", default="html,pdf", help="html, pdf or html,pdf (default)")
    r.add_argument("--out", default="reports", help="output directory (default: reports)")
    r.add_argument("--data", default="data/clean", help="clean tables (default: data/clean)")
    r.add_argument("--raw", default="data/raw", help="raw documents, cleaned first when newer")
    r.add_argument("--as-of", type=_date, default=None, help="date of a country brief (default: today)")
    r.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    r.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    r.add_argument("--timeout", type=float, default=CELL_TIMEOUT,
                   help=f"seconds a notebook cell may run before its brief fails (default: {CELL_TIMEOUT})")
    r.set_defaults(func=_cmd_report)

    b = sub.add_parser("build", help="clean, then every country and year brief, then the index",
                       epilog=BRIEF_EXITS)
    b.add_argument("--raw", default="data/raw", help="directory of raw documents (default: data/raw)")
    b.add_argument("--data", default="data/clean", help="where the clean tables go (default: data/clean)")
    b.add_argument("--out", default="reports", help="where the briefs, index and manifest go (default: reports)")
    b.add_argument("--as-of", type=_date, default=None,
                   help="date the country briefs' statuses are taken on (default: today); a brief is remade "
                        "only when what it shows changed, not because the date moved")
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    b.add_argument("--force", action="store_true", help="rebuild every brief even when nothing changed")
    b.add_argument("--timeout", type=float, default=CELL_TIMEOUT,
                   help=f"seconds a notebook cell may run before its brief fails (default: {CELL_TIMEOUT:g})")
    b.set_defaults(func=_cmd_build)

    d = sub.add_parser("dictionary", help="write the data dictionary generated from oaslib/schema.py")
    d.add_argument("--out", default="-", help="file to write (default: standard output)")
    d.set_defaults(func=_cmd_dictionary)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
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


if __name__ == "__main__":
    sys.exit(main())
