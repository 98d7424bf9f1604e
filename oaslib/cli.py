"""The ``oaslib`` command. Exit codes: 0 done, 1 some input or brief failed
(everything else still written), 2 usage error. Errors are one line, never a
traceback."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
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
    from .schema import data_dictionary
    from .store import write_text
    if args.out == "-":
        sys.stdout.write(data_dictionary())
    else:
        write_text(Path(args.out), data_dictionary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="oaslib", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"oaslib {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("clean", help="read data/raw and write the tidy tables to data/clean")
    c.add_argument("--raw", default="data/raw", help="directory of raw documents (default: data/raw)")
    c.add_argument("--out", default="data/clean", help="output directory (default: data/clean)")
    c.set_defaults(func=_cmd_clean)

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
