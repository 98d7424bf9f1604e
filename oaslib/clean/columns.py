"""Texts printed side by side: the form's headings on one line, each
heading's text in a column under it, as a layout extraction (``pdftotext
-layout``, pypdf's layout mode) prints a page that sets PROGRAM SUMMARY,
OBJECTIVES and RESULTS in a row.

Read line by line, such a block runs the three texts together. ``unfold``
cuts every line of the block at the headings' columns and prints each
column after its heading, one under the other, as a one-column page would:

    PROGRAM SUMMARY          OBJECTIVES          RESULTS
    The program trains       To strengthen       Two ports
    port officers.           port security.      certified.

becomes ``PROGRAM SUMMARY`` / ``The program trains`` / ``port officers.`` /
``OBJECTIVES`` / ``To strengthen`` / … Each piece keeps the raw line number
it came from. The block ends at a line that starts with one of the form's
field labels (the next sheet) or whose words cross a column's edge (not
text in columns any more); a heading line whose following lines do not
fall into its columns is left as it is.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..refdata import rows

#: a column's text may start this many characters left or right of its
#: heading (extractors round positions; a heading may be centred a little)
SLACK = 3
#: the longest line read as a row of headings (three headings across a
#: landscape page, padded to their columns)
ROW_MAX = 400


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """(a heading, a field label at a line's start), from form_labels.csv."""
    labels = rows("form_labels")
    heads = sorted({r["label"] for r in labels if r["role"].startswith("heading_")}, key=len, reverse=True)
    fields = sorted({r["label"] for r in labels if not r["role"].startswith("heading_") and r["match"] == "edge"},
                    key=len, reverse=True)
    heading = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, heads)) + r")(?=\s|:|$):?", re.I)
    field = re.compile(r"^\s*(?:" + "|".join(map(re.escape, fields)) + r")\s*(?::|\s{2,}|$)", re.I)
    return heading, field


def _heading_columns(line: str) -> list[int] | None:
    """The start of each heading on a line made only of two or more headings
    set apart by wide gaps; None for any other line."""
    if "  " not in line.strip():
        return None
    heading, _ = _patterns()
    # a line of headings only opens with one: tried at its first character
    # before the whole line is searched (most lines are text; finditer
    # tried every heading at every character of them)
    if not heading.match(line, len(line) - len(line.lstrip())):
        return None
    ms = list(heading.finditer(line))
    if len(ms) < 2 or heading.sub("", line).strip():
        return None
    if any(line[a.end():b.start()].count(" ") < 2 for a, b in zip(ms, ms[1:])):
        return None
    return [m.start() for m in ms]


def _cut(line: str, starts: list[int]) -> list[str] | None:
    """The line's piece in each column, or None when a word crosses a
    column's edge. A column's edge is its heading's start, give or take
    ``SLACK``: the cut goes to the nearest place there where a gutter (two
    spaces) ends, or where the column is empty."""
    pieces, prev = [], 0
    for s in starts[1:]:
        if len(line) <= s - SLACK:  # the line ends before this column: the rest are empty
            break
        lo, hi = max(prev, s - SLACK), min(len(line), s + SLACK)
        # a gutter, not the space between two words: two spaces, or the edge
        cut = min((c for c in range(lo, hi + 1)
                   if c == len(line) or line[max(prev, c - 2):c].strip() == ""),
                  key=lambda c: abs(c - s), default=None)
        if cut is None:
            return None
        pieces.append(line[prev:cut])
        prev = cut
    pieces.append(line[prev:])
    pieces += [""] * (len(starts) - len(pieces))
    return [p.strip() for p in pieces]


#: a column's text may stand this far from its heading: an extractor that
#: spaces by glyph widths sets a bold heading and the text under it apart
DRIFT = 12
_RUN_START = re.compile(r"(?:^|(?<=  ))\S")


def _text_starts(lines: list[str], first: int, starts: list[int], field: re.Pattern) -> list[int]:
    """Where the text of each column starts: the most common start of a run
    of text (after a gutter) within ``DRIFT`` of its heading, in the lines
    under the headings; the heading's own start where none is near."""
    seen: Counter = Counter()
    for line in lines[first:first + 80]:
        if field.match(line):
            break
        seen.update(m.start() for m in _RUN_START.finditer(line))
    out = [starts[0]]
    for s in starts[1:]:
        drift = max(DRIFT, s // 6)  # pypdf's drift grows across the page
        near = [(n, -abs(x - s), x) for x, n in seen.items() if abs(x - s) <= drift and x > out[-1]]
        out.append(max(near)[2] if near else s)
    return out


_SEGMENT = re.compile(r"\S+(?: {1,2}\S+)*")
_ENDS = (".", "!", "?", ".\"", ".”", ".)")


def _block(lines: list[str], first: int, starts: list[int], field: re.Pattern) -> list[list[str]]:
    """The pieces of each line of the block that starts at ``first``, one
    per column.

    A new page may be laid out anew: pdftotext places each page's text
    afresh, so the columns that go on there stand elsewhere. After blank
    lines (a page's end), a line that does not fall into the columns is read
    by its own runs of text, each the continuation of a column whose text
    stopped mid-sentence, in order."""
    cuts: list[list[str]] = []
    xs, cols = list(starts), list(range(len(starts)))  # where each column stands on this page
    for line in lines[first:]:
        if field.match(line):
            break
        pieces = [""] * len(starts)
        if not line.strip():
            cuts.append(pieces)
            continue
        cut = _cut(line, xs) if _aligned(line, xs) else None
        if cuts and not any(cuts[-1]) and (cut is None or _reopens(cut, cols, cuts)):
            # after blank lines, text that does not fall into the columns, or
            # that would open a new paragraph of a finished text while another
            # stopped mid-sentence: a page laid out anew
            if relaid := _relaid(line, cuts, len(starts)):
                xs, cols = relaid
                cut = _cut(line, xs) if _aligned(line, xs) else None
        if cut is None:
            break
        for c, piece in zip(cols, cut):
            pieces[c] = piece
        cuts.append(pieces)
    return cuts


def _open_columns(cuts: list[list[str]], k: int) -> tuple[list[int], list[int]]:
    """(the last line of each column's text, the columns stopped mid-sentence)."""
    last = [max((i for i, p in enumerate(cuts) if p[c]), default=-1) for c in range(k)]
    return last, [c for c in range(k) if last[c] >= 0 and not cuts[last[c]][c].endswith(_ENDS)]


def _reopens(cut: list[str], cols: list[int], cuts: list[list[str]]) -> bool:
    _, open_ = _open_columns(cuts, len(cuts[0]))
    return bool(open_) and any(piece and c not in open_ for c, piece in zip(cols, cut))


def _aligned(line: str, xs: list[int]) -> bool:
    """Whether the line's text starts at one of the columns (an extractor
    that spaces by glyph widths drifts more the further right)."""
    indent = len(line) - len(line.lstrip())
    return any(abs(indent - x) <= max(SLACK, x // 12) for x in xs)


def _relaid(line: str, cuts: list[list[str]], k: int) -> tuple[list[int], list[int]] | None:
    """(where each run of text on ``line`` starts, the column it carries on):
    the runs go, left to right, to the columns whose text stopped mid-sentence
    (last line without a full stop), the latest-stopping ones if fewer."""
    runs = [m.start() for m in _SEGMENT.finditer(line)]
    last, open_ = _open_columns(cuts, k)
    if not runs or len(runs) > len(open_):
        return None
    chosen = sorted(sorted(open_, key=lambda c: -last[c])[:len(runs)])
    return runs, chosen


def unfold(lines: list[str], numbers: list[int]) -> tuple[list[str], list[int], int]:
    """``lines`` with every block of texts in columns printed one column
    after another, the raw line number of each line, and how many blocks
    were unfolded."""
    # each row of headings, found once (a row is short: a report's
    # paragraphs are not tried)
    rows = {i: starts for i, l in enumerate(lines)
            if "  " in l and len(l) <= ROW_MAX and (starts := _heading_columns(l))}
    if not rows:
        return lines, numbers, 0
    heading, field = _patterns()
    out, out_numbers, blocks, i = [], [], 0, 0
    while i < len(lines):
        cuts = _block(lines, i + 1, _text_starts(lines, i + 1, rows[i], field), field) if i in rows else []
        if sum(1 for p in cuts if sum(1 for x in p if x) >= 2) < 2:  # no text in columns here
            out.append(lines[i])
            out_numbers.append(numbers[i])
            i += 1
            continue
        titles = [m.group(0) for m in heading.finditer(lines[i])]
        for col, title in enumerate(titles):
            out.append(title)
            out_numbers.append(numbers[i])
            column = [(p[col], numbers[i + 1 + k]) for k, p in enumerate(cuts)]
            while column and not column[-1][0]:
                column.pop()  # a shorter column's blank tail
            for text, n in column:
                out.append(text)
                out_numbers.append(n)
            if col < len(titles) - 1:
                out.append("")  # the next heading opens a paragraph of its own
                out_numbers.append(numbers[i])
        blocks += 1
        i += 1 + len(cuts)
    return out, out_numbers, blocks
