"""One exception family for oaslib; every error says where it happened.

A message reads ``file:line: problem: 'offending text'`` so that a person can
open the file at that line. The CLI prints ``str(error)`` as one line and never
a traceback.
"""
from __future__ import annotations


class OaslibError(Exception):
    """Base class of every error oaslib raises on purpose."""

    def __init__(self, problem: str, *, file: str | None = None,
                 line: int | None = None, text: str | None = None):
        self.problem = problem
        self.file = file
        self.line = line
        self.text = text
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = str(self.file) + (f":{self.line}" if self.line else "") + ": "
        shown = ""
        if self.text is not None:
            t = " ".join(str(self.text).split())
            shown = f": {t[:80] + '…' if len(t) > 80 else t!r}"
        return f"{where}{self.problem}{shown}"


class ReadError(OaslibError):
    """A raw document could not be read at all (empty, binary, no text layer)."""


class SchemaError(OaslibError):
    """A table does not match its declaration in ``oaslib.clean.schema``."""


class StoreError(OaslibError):
    """An output could not be written (permissions, full disk, missing data)."""


class UsageError(OaslibError):
    """A parameter given by the user is not valid (unknown country, year …)."""


class RenderError(OaslibError):
    """A brief could not be rendered (notebook raised, export failed)."""
