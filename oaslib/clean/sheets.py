"""Program-sheet documents: text lines -> one raw record per sheet.

Every extractor prints the same form: labels (OAS Pillar, Name of Activity,
Date, Target Beneficiaries, Additional Information, Donor Countries, from
``form_labels.csv``), the headings PROGRAM SUMMARY / OBJECTIVES / RESULTS,
and value fragments. The reader tokenises the lines into those three kinds
(``tokenise``), with each fragment's line and, on a label's line, its side
of the label; classifies fragments by what they are (``value_kind``: date or
date range, link, pillar, donor list, the form's placeholders), and then
reads the form one of two ways, by the evidence of where values stand:

* **beside their labels** (``_split_beside``) - the value on the label's
  line (either side), on the line after or before it, or further off with
  blank lines. The layer's habits are learnt from the values known by their
  type: which side, how far, per field (``Layout``). A new sheet starts where
  a form repeats a label or heading it already has, so the three headings of
  one sheet belong together wherever its fields stand. Texts go to the
  heading they follow; a text two labels could take goes to the one without
  a value, the one its type fits, the one it stands as near to as the layer
  prints values. A value that plainly belongs to another field by its type
  moves there with a 'field guessed' row.

* **apart from their labels** (``_split_apart``) - the layout of the bundled
  text layers, whose labels stand in a block with the values around it:

    [values of this sheet printed before its headings: beneficiaries, link]
    PROGRAM SUMMARY / OBJECTIVES / RESULTS        <- the anchor of a sheet
    objectives, then results                      (part A)
    [beneficiaries, link]
    <Pillar> <name …>   start date                (the field zone)
    OAS Pillar / Name of Activity / Date / Target Beneficiaries / Additional Information
    donors   Donor Countries   <end date> to
    summary                                       (part C)
    [the next sheet's beneficiaries and link]     (the tail)

Labels are known however the layer letters them: as the form prints them, in
capitals, in any case before a colon or alone on a line in Title Case
("Program Summary:"), wrapped over two lines ("Name of" / "Activity", also in
the label column of a two-column layout), in the left cell of a table row, or
several on one line ("OAS Pillar Security Name of Activity ..."); in English,
Spanish, French and Portuguese (``form_labels.csv``). A page printed in
pdfminer's order (labels, headings, values, texts) is read beside too
(``_values_under_headings``).

Where the evidence is thin (most boxes empty) both readings are made and the
one that fills more boxes is kept. Any part may be missing; what is missing
is recorded, never invented. Values are returned raw (strings with line
numbers); ``normalize`` cleans them.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from .countries import fold
from .normalize import is_date_like, join_lines, is_url_start, parse_date, parse_date_range, parse_donors, placeholder_field
from ..refdata import rows, split_list


@dataclass
class Value:
    lines: list[str]
    line_no: int | None  # 1-based line of the first piece in the file

    @property
    def text(self) -> str:
        # a value wrapped over lines is joined as a paragraph is: a word
        # broken at a hyphen ("Immigration Con-" / "trol") keeps no space
        return join_lines(self.lines)


@dataclass
class RawSheet:
    sheet_no: int
    line_no: int  # line of the PROGRAM SUMMARY heading
    pillar: Value | None = None
    name: Value | None = None
    start: Value | None = None
    end: Value | None = None
    beneficiaries: Value | None = None
    url: Value | None = None
    donors: Value | None = None
    objectives: list[list[str]] = field(default_factory=list)  # paragraphs of lines
    results: list[list[str]] = field(default_factory=list)
    summary: list[list[str]] = field(default_factory=list)
    headings_missing: list[str] = field(default_factory=list)
    problems: list[tuple[int | None, str, str, str]] = field(default_factory=list)  # line, field, problem, text


# ------------------------------------------------------------ line classes

@lru_cache(maxsize=None)
def _labels() -> dict[str, str]:
    """folded label -> role: a field name, or heading_<section>"""
    return {fold(r["label"]): r["role"] for r in rows("form_labels")}


@lru_cache(maxsize=None)
def _heading_re():
    heads = [r["label"] for r in rows("form_labels") if r["role"].startswith("heading_")]
    return re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(h) for h in
                      sorted(heads, key=len, reverse=True)) + r")(?![A-Za-z])")


@lru_cache(maxsize=None)
def _heading_prefixes() -> tuple[str, ...]:
    """The headings' first four letters: a cheap test before the heading
    regex, as most lines hold no heading."""
    return tuple(sorted({r["label"][:4] for r in rows("form_labels") if r["role"].startswith("heading_")}))


def _has_heading(line: str) -> bool:
    # substring tests, not a regex of the prefixes: five times faster on
    # a report's long lines, which every document is checked for
    for p in _heading_prefixes():
        if p in line:
            return True
    return False


def _heading_lines(lines: list[str]) -> set[int]:
    """The indexes of the lines ``_has_heading`` is true for, found in one
    pass of ``str.find`` per prefix over the whole text: a handful of lines
    in a document hold a heading, and a test per line cost the sheet reader
    as much as its two passes over a document's lines."""
    text = "\n".join(lines)
    starts = [0, *accumulate(len(l) + 1 for l in lines)]  # where each line starts in ``text``
    out: set[int] = set()
    for p in _heading_prefixes():  # no prefix holds a newline: a hit lies in one line
        k = text.find(p)
        while k >= 0:
            i = bisect_right(starts, k) - 1
            out.add(i)
            k = text.find(p, starts[i + 1])
    return out


@lru_cache(maxsize=None)
def _summary_heads() -> frozenset[str]:
    return frozenset(fold(r["label"]) for r in rows("form_labels") if r["role"] == "heading_summary")


@lru_cache(maxsize=None)
def _pillar_re():
    names = []
    for r in rows("pillars"):
        names += [r["pillar"], *split_list(r["aliases"])]
    ph = [r["text"] for r in rows("placeholders") if r["field"] == "pillar"]
    alts = sorted(names + ph, key=len, reverse=True)
    return re.compile(r"^\s*(" + "|".join(re.escape(a) for a in alts) + r")(?=\s|$)(.*)$", re.I)


@lru_cache(maxsize=None)
def _end_to_words() -> tuple[str, ...]:
    return tuple(sorted((r["word"] for r in rows("date_words") if r["meaning"] == "to" and r["word"][0].isalpha()),
                        key=len, reverse=True))


@lru_cache(maxsize=None)
def _end_to() -> re.Pattern:
    """"12/31/2017 to", "Completion to": the form's end date printed in front
    of its range word ("31/12/2017 a" on the Spanish form, "au", "até")."""
    return re.compile(r"^(.*?)\s*(?<!\w)(?:" + "|".join(re.escape(w) for w in _end_to_words()) + r")\s*$", re.I)


@lru_cache(maxsize=None)
def _end_to_last() -> re.Pattern:
    """The last letter of a range word, as ``_end_to`` matches it (any case)."""
    return re.compile("|".join(re.escape(w[-1]) for w in _end_to_words()), re.I)


def _end_to_match(s: str) -> re.Match | None:
    """``_end_to().match(s)``, without the regex's walk along a line whose
    last letter ends no range word (most lines: the walk tries the words at
    every character of a sentence, five times the cost of the test)."""
    t = s.rstrip()  # what the regex's closing \s*$ passes over
    if not t or not _end_to_last().match(t, len(t) - 1):
        return None
    return _end_to().match(s)


@lru_cache(maxsize=65536)
def label_role(line: str) -> str | None:
    if len(line) > 60:
        return None
    return _labels().get(fold(" ".join(line.split())))


def _is_filler(line: str) -> bool:
    """A whitespace-only line that holds spaces: the PDF's empty box or gap."""
    return bool(line) and not line.strip()


def looks_like_sheets(lines: list[str]) -> bool:
    """A program-sheets document has the form's headings and labels, read
    as the sheet reader reads them: a label alone on its line or beside its
    value ("Date: 1/1/2017 to 12/31/2017", "Canada  Donor Countries")."""
    heads = labels = 0
    for i, line in enumerate(lines[:20000]):
        # a paragraph of a report is no label or heading line (a label with
        # its value beside it is far shorter): tokenising a report's long
        # lines was most of the time it took to tell it from sheets
        if not line or line.isspace() or len(line) > 300:
            continue
        for t in _line_tokens(i, " ".join(line.split())):
            heads += t.kind == "heading"
            labels += t.kind == "label"
        if heads >= 2 and labels >= 2:
            return True
    return False


# ================================================================ tokens
#
# A text layer of the form, whatever extractor printed it, is a sequence of
# form labels ("Date", "Donor Countries"), section headings (PROGRAM SUMMARY,
# OBJECTIVES, RESULTS) and value fragments. A fragment may share a line with
# a label, on either side ("Date 1/1/2017 to 12/31/2017", "Canada  Donor
# Countries"), or stand on lines of its own.

_SECTIONS = {"heading_summary": "summary", "heading_objectives": "objectives",
             "heading_results": "results"}
#: fields whose values can be recognised by what they are ("date_end":
#: the end date where a form gives it a box of its own)
_TYPED = ("pillar", "date", "url", "donors", "date_end")
_KIND_OF = {"date_end": "date"}


class Token(NamedTuple):  # a tuple: thousands are made per document
    i: int           # 0-based line index
    kind: str        # "label" | "heading" | "text"
    role: str = ""   # a label's field, a heading's section
    text: str = ""   # a text fragment, whitespace collapsed
    side: str = ""   # a text on a label's line: "before" or "after" the label


@lru_cache(maxsize=None)
def _edge_labels():
    """(label -> kind/role for labels that may share a line with a value,
    regex of such a label opening a line, regex of one closing it,
    first words, last words): matched as the form prints them or in
    capitals ("NAME OF ACTIVITY: ..."), so prose ("the date of ...") is not
    read as a label; a field's label in any case when a colon follows it
    ("Name of activity: ..."), which prose does not put there."""
    edge = [r for r in rows("form_labels") if r["match"] == "edge"]
    role = {}
    for r in edge:
        role[r["label"]] = role[r["label"].upper()] = r["role"]
    alts = "|".join(re.escape(l) for l in sorted(role, key=len, reverse=True))
    start = re.compile(rf"^({alts})(?![\w])\s*:?\s*(.*)$")
    end = re.compile(rf"^(.*?)\s*(?<![\w])({alts})\s*:?$")
    # not a heading: "Results: 40 officers trained" opens a sentence of the
    # RESULTS text, and read as the heading it would start a new form; a
    # generic word ("Donors", match 'colon') only before a colon
    fields = sorted({r["label"] for r in rows("form_labels") if r["match"] in ("edge", "colon")
                     and r["role"] not in _SECTIONS}, key=len, reverse=True)
    colon = re.compile("^(" + "|".join(re.escape(l) for l in fields) + r")\s*:\s*(.*)$", re.I)
    # first and last words as a line may print them: a cheap test before
    # the regexes, as most lines hold no label
    firsts = frozenset(w for l in [*role, *fields] for w in (l.split()[0], l.split()[0].capitalize(),
                                                             l.split()[0].upper()))
    lasts = frozenset(l.split()[-1] for l in role)
    return role, start, end, colon, firsts, lasts


@lru_cache(maxsize=None)
def _exact_labels() -> dict[str, str]:
    """label -> role, as the form prints it or in capitals: a wrapped word
    of prose ("... with the following" / "results:") is no heading."""
    out = {}
    for r in rows("form_labels"):
        out[r["label"]] = out[r["label"].upper()] = r["role"]
    return out


@lru_cache(maxsize=None)
def _label_heads() -> dict[str, frozenset[str]]:
    """folded first part of a label -> the folded rests it may wrap to
    ("name of" -> {"activity"}): a label the form broke over two lines."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows("form_labels"):
        words = fold(r["label"]).split()
        for k in range(1, len(words)):
            out[" ".join(words[:k])].add(" ".join(words[k:]))
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def _label_firsts() -> frozenset[str]:
    """The first words of the labels, capitalised or in capitals: a line
    that starts otherwise starts no wrapped label."""
    words = {r["label"].split()[0] for r in rows("form_labels")}
    return frozenset(v for w in words for v in (w, w.capitalize(), w.upper()))


@lru_cache(maxsize=None)
def _generic_labels() -> frozenset[str]:
    """Folded labels that are common words ("Donors", match 'colon'):
    before a colon they are the label only when a value of the field's
    type follows ("Donors: Canada", not "Donors: Canada funded ..."), or
    for a free-text box a short one that is no sentence."""
    return frozenset(fold(r["label"]) for r in rows("form_labels") if r["match"] == "colon")


def _label_fits_value(label: str, value: str) -> bool:
    if fold(label) not in _generic_labels():
        return True
    role = label_role(label)
    if role in _TYPED:
        return _fits(role, value_kind(value))
    # a free-text box holds a short value, no sentence
    return len(value) <= 60 and not _SENT_END.search(value)


def _as_token(i: int, role: str) -> Token:
    if role in _SECTIONS:
        return Token(i, "heading", _SECTIONS[role])
    return Token(i, "label", role)


def _line_tokens(i: int, s: str) -> list[Token]:
    """The tokens of one non-blank line (whitespace collapsed)."""
    if len(s) <= 62:
        key = s.rstrip(": ")
        if role := _exact_labels().get(key):
            return [_as_token(i, role)]
        # a label alone on its line in Title Case ("Program Summary:",
        # "Target beneficiaries"); in prose case ("results:") it is a
        # wrapped word of a sentence
        if (role := label_role(key)) and key[:1].isupper():
            return [_as_token(i, role)]
    roles, start, end, colon, firsts, lasts = _edge_labels()
    # the first and last words, without copying the rest of a long line
    first, last = s[:sp] if (sp := s.find(" ")) >= 0 else s, s[s.rfind(" ") + 1:]
    first = first.rstrip(":")  # "Date: 1/1/2017 ..."
    if first in firsts or last.rstrip(":") in lasts:
        if first in firsts and (m := start.match(s) or colon.match(s)) and m.group(2) \
                and _label_fits_value(m.group(1), m.group(2)):
            return [_as_token(i, label_role(m.group(1))), *_row_tokens(i, m.group(2))]
        if (m := end.match(s)) and m.group(1):
            return [Token(i, "text", text=m.group(1), side="before"), _as_token(i, roles[m.group(2)])]
    if len(s) <= 62 and label_role(s.rstrip(": ")):
        return [Token(i, "text", text=s)]  # a label's words in prose case
    if s.isupper() and _heading_re().search(s):  # "PROGRAM SUMMARY OBJECTIVES RESULTS" on one line
        ms = list(_heading_re().finditer(s))
        if not _heading_re().sub("", s).strip():
            return [_as_token(i, label_role(m.group(1))) for m in ms]
    return [Token(i, "text", text=s)]


_CELLS = re.compile(r"^\s*(\S+(?: \S+)*?) {3,}(\S.*?)\s*$")


def _cells(raw: str) -> tuple[str, str]:
    """(left cell, right cell) of a line a layout extraction printed as two
    columns, a gap of three spaces or more between them; (line, "") for a
    line of one cell."""
    m = _CELLS.match(raw)
    return (m.group(1), " ".join(m.group(2).split())) if m else (" ".join(raw.split()), "")


@lru_cache(maxsize=None)
def _inner_label_re():
    """A field's label inside a line, as the form prints it, after a space:
    an extraction that printed a row of the form's table on one line
    ("OAS Pillar Security Name of Activity Youth ... Date 9/1/2016 to ...")."""
    labels = [r["label"] for r in rows("form_labels") if r["match"] == "edge" and r["role"] not in _SECTIONS]
    alts = "|".join(re.escape(l) for l in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?<= )({alts}):?(?= |$)")


def _row_tokens(i: int, value: str) -> list[Token]:
    """The text after a label that opens a line: that label's value, up to
    another label followed by a value of the kind it takes."""
    out: list[Token] = []
    pos = 0
    for m in _inner_label_re().finditer(value):
        if m.start() < pos:
            continue
        role = label_role(m.group(1))
        nxt = _inner_label_re().search(value, m.end())
        after = value[m.end():nxt.start() if nxt else len(value)].strip()
        # a free-text label's words in a value are read as the label only
        # where a typed value closes the row ("... Date 9/1/2016 to ...")
        if role in _TYPED and not (after and _fits(role, run_kind([after]))):
            continue
        if role not in _TYPED and not (nxt or after):
            continue
        if value[pos:m.start()].strip():
            out.append(Token(i, "text", text=value[pos:m.start()].strip(), side="after"))
        out.append(_as_token(i, role))
        pos = m.end()
    if value[pos:].strip():
        out.append(Token(i, "text", text=value[pos:].strip(), side="after"))
    return out


def _label_cell(i: int, raw: str) -> list[Token] | None:
    """A label or heading in the left cell of a two-column layout, in any
    case ("Program Summary:      The Maritime ...", "Target beneficiaries
    Port authorities"), and the value or text in the right cell: the gap
    sets the label apart as prose never does."""
    left, right = _cells(raw)
    role = label_role(left.rstrip(": ")) if right and left[:1].isupper() else None
    return [_as_token(i, role), Token(i, "text", text=right, side="after")] if role else None


def _wrapped_label(lines: list[str], i: int) -> tuple[str, str, int, str] | None:
    """(role, value beside the first part, index of the second line, value
    beside the second part) when line ``i`` starts a label the form broke
    over two lines ("Name of" / "Activity", "Donor" / "Countries"), each
    part alone on its line or in the label column of a two-column layout
    ("Target      Detectives of the" / "Beneficiaries   Police Force")."""
    left, right = _cells(lines[i])
    rests = _label_heads().get(fold(left.rstrip(": ")))
    if not rests or not left[:1].isupper():
        return None
    for j in range(i + 1, min(len(lines), i + 3)):
        if not lines[j].strip():
            continue
        left_j, right_j = _cells(lines[j])
        if fold(left_j.rstrip(": ")) in rests:
            return label_role(left.rstrip(": ") + " " + left_j.rstrip(": ")), right, j, right_j
        return None
    return None


def tokenise(lines: list[str]) -> list[Token]:
    toks: list[Token] = []
    rest: dict[int, list[Token]] = {}  # the second line of a wrapped label: its value
    heads = _label_firsts()
    for i, raw in enumerate(lines):
        if not raw or raw.isspace():
            continue
        if rest and i in rest:
            toks += rest.pop(i)
            continue
        s = " ".join(raw.split())
        line_toks = _line_tokens(i, s)
        if s.partition(" ")[0].rstrip(":") in heads and len(line_toks) == 1 and line_toks[0].kind == "text":
            if w := _wrapped_label(lines, i):
                role, right, j, right_j = w
                line_toks = [_as_token(i, role)] + ([Token(i, "text", text=right, side="after")] if right else [])
                rest[j] = [Token(j, "text", text=right_j)] if right_j else []
            elif "   " in raw and (cell := _label_cell(i, raw)):
                line_toks = cell
        for t in line_toks:
            # "Additional" / "Information": one label wrapped over two lines
            if t.kind == "label" and toks and toks[-1].kind == "label" and toks[-1].role == t.role:
                continue
            toks.append(t)
    return toks


# ======================================================== what a value is

@lru_cache(maxsize=None)
def _range_words() -> tuple[re.Pattern, re.Pattern]:
    """The words that join a range's ends ("to", "hasta", "au", a dash
    with spaces) and those that open one ("from", "desde", "du"), from
    date_words.csv, as a line prints them (``normalize`` has its own for
    folded text; a piece cut here keeps its accents for the quality table)."""
    def alt(meaning):
        words = sorted((r["word"] for r in rows("date_words") if r["meaning"] == meaning), key=len, reverse=True)
        return "|".join(re.escape(w) for w in words)
    return (re.compile(rf"(?:^|\s)(?:{alt('to')})(?=\s|$)", re.I),
            re.compile(rf"^(?:{alt('from')})\s+", re.I))


def _date_pieces(lines: list[str]) -> list[tuple[str, bool]] | None:
    """The dates of a Date value in order, each with whether a "to" stood
    before it; None when something in it is not a date."""
    out = []
    sep, opener = _range_words()
    for line in lines:
        line = opener.sub("", line.strip())
        pos, after_sep = 0, False
        for m in sep.finditer(line):
            piece = line[pos:m.start()].strip()
            if piece:
                if not is_date_like(piece):  # the first piece that is no date settles it
                    return None
                out.append((piece, after_sep))
            after_sep, pos = True, m.end()
        piece = line[pos:].strip()
        if piece:
            if not is_date_like(piece):
                return None
            out.append((piece, after_sep))
    return out or None


@lru_cache(maxsize=4096)
def value_kind(text: str) -> str:
    """What a value fragment is: 'url', 'date', 'pillar', 'pillar-name'
    (a pillar run into the name), 'donors', 'placeholder:<field>' or 'text'."""
    ph = placeholder_field(text)
    if ph:
        return "placeholder:" + {"start_date": "date", "end_date": "date"}.get(ph, ph)
    if is_url_start(text):
        return "url"
    if any(c.isdigit() for c in text) or len(text) < 40:
        if _date_pieces([text]) is not None:
            return "date"
    if m := _pillar_re().match(text):
        return "pillar-name" if m.group(2).strip() else "pillar"
    if len(text) < 200:
        donors, unknown = parse_donors(text)
        if donors and not unknown:
            return "donors"
    return "text"


def run_kind(texts: list[str]) -> str:
    """What a value printed over several lines is: the lines read together
    ("Banco de Desarrollo de América" / "Latina (CAF)"), or each line the
    same kind (a start and an end date, one donor per line)."""
    if len(texts) == 1:
        return value_kind(texts[0])
    kind = value_kind(" ".join(texts))
    if kind != "text":
        return kind
    kinds = {value_kind(t) for t in texts}
    if len(kinds) == 1 and kinds & {"date", "donors"}:
        return kinds.pop()
    if _date_pieces(texts) is not None:
        return "date"
    return kind


def _takes(role: str, kind: str) -> bool:
    """Whether a field could hold a value of this kind: a typed field only
    its type; a free-text field anything not plainly of another type."""
    if role in _TYPED:
        return _fits(role, kind)
    return kind in ("text", "donors", "pillar-name", "placeholder:" + role, "placeholder:any", "placeholder:none")


def _plainly(role: str, kind: str) -> bool:
    """A value that is the field's kind and nothing else: what layout
    evidence is drawn from (a sentence may start with a pillar's word)."""
    return kind != "pillar-name" and _fits(role, kind)


def _fits(role: str, kind: str) -> bool:
    role = _KIND_OF.get(role, role)
    return (kind == role or kind in ("placeholder:" + role, "placeholder:none")
            or (role == "pillar" and kind == "pillar-name"))


# ========================================================= which reading

def _label_evidence(toks: list[Token]) -> tuple[int, int]:
    """(beside, apart): how many labels stand beside their values, how many
    apart from them (a block of labels, the values printed around it). The
    evidence: a value on the label's line, or one recognisable by its type
    next to its label, against one a few fragments away from it."""
    beside = apart = 0
    for k, t in enumerate(toks):
        if t.kind != "label":
            continue
        near = [toks[j] for j in (k - 1, k + 1) if 0 <= j < len(toks) and toks[j].kind == "text"]
        if any(n.i == t.i for n in near):
            beside += 1
            continue
        if t.role not in _TYPED:
            continue
        if any(_plainly(t.role, value_kind(n.text)) for n in near):
            beside += 1
        elif any(toks[j].kind == "text" and _plainly(t.role, value_kind(toks[j].text))
                 for j in range(max(0, k - 4), min(len(toks), k + 5))):
            apart += 1
    return beside, apart


@dataclass(frozen=True)
class Layout:
    """How one text layer prints the form."""
    side: str   # a label's value stands "after" or "before" it, mostly
    step: int   # 1 single-spaced, 2 a blank line after every line
    gap: int    # lines from a label to its value on another line
    sides: tuple[tuple[str, str], ...] = ()  # (field, side) where a field's own values tell
    gaps: tuple[tuple[str, int], ...] = ()   # (field, gap), 0 for values on the label's line

    mixed: bool = False  # fields disagree on the side: a field's own values must tell

    def side_of(self, role: str) -> str | None:
        return dict(self.sides).get(role, None if self.mixed else self.side)

    def gap_of(self, role: str) -> int:
        return dict(self.gaps).get(role, self.gap)


def _unclaimed_neighbour(toks: list[Token], k: int) -> tuple[str, int]:
    """("after"/"before", distance) when the text next to label ``k`` can be
    no other mark's; ("", 0) when it could."""
    def boxed(j: int) -> bool:  # a label whose value shares its line
        return toks[j].kind == "label" and any(
            toks[n].kind == "text" and toks[n].i == toks[j].i for n in (j - 1, j + 1) if 0 <= n < len(toks))
    free = lambda j: toks[j].kind == "text" and not toks[j].side  # noqa: E731
    j = k + 1
    while j < len(toks) and free(j):
        j += 1
    if j > k + 1 and (j == len(toks) or toks[j].kind != "label" or boxed(j)):
        return "after", toks[k + 1].i - toks[k].i
    j = k - 1
    while j >= 0 and free(j):
        j -= 1
    if j < k - 1 and j >= 0 and (boxed(j) or toks[j].kind == "text"):
        return "before", toks[k].i - toks[k - 1].i
    return "", 0


def _starts_block(toks: list[Token], j: int, step: int) -> bool:
    """Whether text ``j`` stands on its own, not as the last line of a
    paragraph ("... in" / "2018." is no date box)."""
    return j == 0 or toks[j - 1].kind != "text" or toks[j].i - toks[j - 1].i > step


def _layout(toks: list[Token]) -> Layout:
    """Voted by the values recognisable by their type, and those on their
    label's line: on which side of its label a value stands (for each field,
    where its values tell; an extractor may keep a short value on its
    label's line and wrap a long one under it), and how far from it."""
    steps = Counter(b.i - a.i for a, b in zip(toks, toks[1:]) if a.kind == b.kind == "text")
    step = 2 if steps[2] > steps[1] else 1
    votes, gaps, role_gaps = defaultdict(Counter), Counter(), defaultdict(Counter)
    for k, t in enumerate(toks):
        if t.kind != "label":
            continue
        same = [n for n in toks[max(0, k - 1):k + 2] if n.kind == "text" and n.i == t.i]
        if same:
            votes[t.role][same[0].side] += 1
            role_gaps[t.role][0] += 1
            continue
        if t.role not in _TYPED:
            # a free-text box: its text is plainly its own when no other
            # mark could take it (a heading takes only what follows it)
            side, d = _unclaimed_neighbour(toks, k)
            if side:
                votes[t.role][side] += 1
                role_gaps[t.role][d] += 1
                gaps[d] += 1
            continue
        for j, side in ((k + 1, "after"), (k - 1, "before")):
            if 0 <= j < len(toks) and toks[j].kind == "text" and _plainly(t.role, value_kind(toks[j].text)) \
                    and (side == "after" or _starts_block(toks, j, step)):
                votes[t.role][side] += 1
                gaps[abs(toks[j].i - t.i)] += 1
                role_gaps[t.role][abs(toks[j].i - t.i)] += 1
    total = sum(votes.values(), Counter())
    gap = max(gaps, key=lambda g: (gaps[g], -g)) if gaps else step
    sides = tuple((r, "before" if v["before"] > v["after"] else "after")
                  for r, v in votes.items() if v["before"] != v["after"])
    per_role = tuple((r, max(g, key=lambda d: (g[d], d))) for r, g in role_gaps.items())
    mixed = min(total["before"], total["after"]) > 0.25 * (total["before"] + total["after"])
    return Layout("before" if total["before"] > total["after"] else "after", step, gap, sides, per_role, mixed)


# ============================================================== sheets

def split_sheets(lines: list[str]) -> list[RawSheet]:
    """The sheets of a program-sheets document, each a raw record."""
    toks = tokenise(lines)
    beside, apart = _label_evidence(toks)
    if apart >= beside:
        steps = Counter(b.i - a.i for a, b in zip(toks, toks[1:]) if a.kind == b.kind == "text")
        beside += _column_evidence(toks, 2 if steps[2] > steps[1] else 1)
    if apart >= beside and apart:
        return _split_apart(lines)
    forms = sum(1 for t in toks if t.kind == "heading" and t.role == "summary") or 1
    if beside >= 2 * forms:
        return _split_beside(lines, toks)
    # little evidence either way (most fields lost): the reading that
    # finds more of the form wins
    return max((_split_beside(lines, toks), _split_apart(lines)), key=_filled)


def _filled(sheets: list[RawSheet]) -> int:
    """How many of the form's boxes a reading filled, less the text it could
    not place (cutting one form into several fills no more boxes)."""
    n = 0
    for s in sheets:
        n += sum(v is not None for v in (s.pillar, s.name, s.start, s.end, s.beneficiaries, s.url, s.donors))
        n -= sum(1 for p in s.problems if p[2] in ("text outside any field", "field guessed"))
    return n


def _split_beside(lines: list[str], toks: list[Token]) -> list[RawSheet]:
    """Sheets whose labels stand beside their values (either side, same
    line or next)."""
    lay = _layout(toks)
    groups, prelude = _segment(toks, lay)
    sheets = [_read_form(g, n, lay, lines) for n, g in enumerate(groups, 1)]
    if prelude and sheets:
        sheets[0].problems.append((prelude[0].i + 1, "file", "text before the first sheet",
                                   " ".join(t.text for t in prelude)))
    return sheets


def _last_block(toks: list[Token], step: int) -> int:
    """Index where the trailing block of text tokens starts: the lines that
    follow each other without a blank gap wider than the line step."""
    k = len(toks)
    while k > 0 and toks[k - 1].kind == "text":
        if k < len(toks) and toks[k].i - toks[k - 1].i > step:
            break
        k -= 1
    return k


def _segment(toks: list[Token], lay: Layout):
    """Cut the tokens into forms: a new form starts with a label or heading
    its current form already has. The three headings of one form belong
    together however they are spaced, wherever its fields stand. Returns
    (forms, text before the first form)."""
    forms: list[list[Token]] = []
    cur: list[Token] = []
    seen: set[tuple[str, str]] = set()
    for t in toks:
        if t.kind != "text":
            key = (t.kind, t.role)
            if key in seen:
                cut = len(cur)
                while cut and cur[cut - 1].kind == "text" and cur[cut - 1].i == t.i:
                    cut -= 1  # "Canada  Donor Countries": the value on the label's line
                if t.kind == "label" and lay.side_of(t.role) == "before" and cut == len(cur):
                    cut = _value_before(cur, t, lay)
                cut = _title_before(cur, cut, t, lay.step)
                forms.append(cur[:cut])
                cur = cur[cut:]
                seen = {(c.kind, c.role) for c in cur if c.kind != "text"}
            seen.add(key)
        cur.append(t)
    forms.append(cur)
    prelude: list[Token] = []
    first = forms[0]
    k = next((j for j, t in enumerate(first) if t.kind != "text"), len(first))
    if k < len(first):
        j = k
        while j and first[j - 1].i == first[k].i:
            j -= 1  # the value on the first label's line is that label's
        keep = j
        if first[k].kind == "label" and lay.side_of(first[k].role) == "before" and j == k:
            keep = _value_before(first[:k], first[k], lay)
        keep = _title_before(first, keep, first[k], lay.step)
        prelude, forms[0] = first[:keep], first[keep:]
    return [f for f in forms if any(t.kind != "text" for t in f)], prelude


def _title_before(toks: list[Token], cut: int, label: Token, step: int) -> int:
    """Where a form starts when the line before its first label is its
    pillar and name without their labels ("Security Mine Action and ..."):
    a line of its own (after a sentence's end or a gap) that reads as a
    pillar run into a name, and no sentence itself."""
    if label.kind != "label" or label.role in ("pillar", "name") or not cut:
        return cut
    t = toks[cut - 1]
    if t.kind != "text" or t.side or t.text.endswith(".") or value_kind(t.text) != "pillar-name":
        return cut
    before = toks[cut - 2] if cut >= 2 else None
    if before is None or before.kind != "text" or t.i - before.i > step or _SENT_END.search(before.text):
        return cut - 1
    return cut


# ================================================================ a form

def _owners(form: list[Token], lay: Layout) -> list[int | None]:
    """For each text token, the index of the label or heading it belongs
    to; None for a label or heading, or a text that belongs to none.

    The text between two marks goes to the one that can take it: a heading
    takes what follows it, up to the value printed before a label; a label
    whose value shares its line takes none (but the wrapped rest of it);
    between two labels that could both take it, see ``_settle``."""
    own: list[int | None] = [None] * len(form)
    for k, t in enumerate(form):
        if t.kind == "text" and t.side:  # on a label's line: that label's
            own[k] = k + 1 if t.side == "before" else k - 1
    marks = [k for k, t in enumerate(form) if t.kind != "text"]
    bounds = [None] + marks + [None]
    taken: set[int | None] = set()
    between: list[tuple[list[int], int, int]] = []
    for prev, nxt in zip(bounds, bounds[1:]):
        lo = prev + 1 if prev is not None else 0
        hi = nxt if nxt is not None else len(form)
        run = [k for k in range(lo, hi) if not form[k].side]
        if not run:
            continue
        if prev is not None and form[prev].kind == "heading":
            nxt_free = nxt is not None and form[nxt].kind == "label" and not _has_same_line(form, nxt)
            cut = hi
            if nxt_free and lay.side_of(form[nxt].role) == "before":
                cut = _value_before(form[lo:hi], form[nxt], lay) + lo
            for k in run:
                own[k] = nxt if k >= cut else prev
            continue
        nxt_free = nxt is not None and form[nxt].kind == "label" and not _has_same_line(form, nxt)
        cols = None if nxt_free else _column_values(form, run, prev, lay.step)
        if cols:
            for label, block in cols:
                for k in block:
                    own[k] = label
                taken.add(label)
            continue
        to = _run_owner(form, run, prev, nxt, lay)
        if to == "both":
            between.append((run, prev, nxt))
            continue
        for k in run:
            own[k] = to
        taken.add(to)
    _settle(form, own, between, taken, lay)
    return own


def _stack(toks, end: int) -> list[int]:
    """The labels printed one under another, without values, that end at
    index ``end``."""
    out = []
    k = end
    while k >= 0 and toks[k].kind == "label" and not _has_same_line(toks, k):
        out.append(k)
        k -= 1
    return out[::-1]


def _blocks(idx: list[int], toks, step: int) -> list[list[int]]:
    """Token indexes cut where a blank gap wider than the line step falls."""
    out: list[list[int]] = []
    for k in idx:
        if out and toks[k].i - toks[out[-1][-1]].i <= step:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _align(labels: list[Token], blocks: list[list[str]]) -> tuple[list[int], int] | None:
    """Values printed in the order of their labels (a label column, then a
    value column; an empty box prints nothing): the label of each block, so
    that every block is of a kind its label takes, and the number of blocks
    placed by their type. None when no such order exists."""
    k, m = len(labels), len(blocks)
    if not m or m > k:
        return None
    kinds = [run_kind(b) for b in blocks]
    texts = [" ".join(b) for b in blocks]
    NEG = float("-inf")
    best = [[NEG] * (m + 1) for _ in range(k + 1)]
    back: dict[tuple[int, int], bool] = {}
    best[0][0] = 0.0
    for i in range(k):
        role = labels[i].role
        for j in range(m + 1):
            if best[i][j] == NEG:
                continue
            if best[i][j] > best[i + 1][j]:  # the box is empty
                best[i + 1][j], back[(i + 1, j)] = best[i][j], False
            if j < m and _takes(role, kinds[j]):
                # a value known by its type counts most, then one whose words
                # suit the box (text_cues.csv); a later label wins a tie
                score = best[i][j] + (3 if role in _TYPED else 1 + 0.5 * _cued(role, texts[j])) + 0.001 * i
                if score > best[i + 1][j + 1]:
                    best[i + 1][j + 1], back[(i + 1, j + 1)] = score, True
    if best[k][m] == NEG:
        return None
    out, j = [0] * m, m
    for i in range(k, 0, -1):
        if back.get((i, j)):
            j -= 1
            out[j] = i - 1
    typed = sum(1 for j, i in enumerate(out) if labels[i].role in _TYPED)
    return out, typed


@lru_cache(maxsize=None)
def _field_cues() -> dict[str, tuple[re.Pattern, ...]]:
    out: dict[str, list] = defaultdict(list)
    for r in rows("text_cues"):
        if r["role"] in ("name", "beneficiaries"):
            out[r["role"]].append(re.compile(r["pattern"]))
    return {k: tuple(v) for k, v in out.items()}


def _cued(role: str, text: str) -> bool:
    """Whether a free text reads like the field's (text_cues.csv)."""
    return any(p.match(text) for p in _field_cues().get(role, ()))


def _column_values(form: list[Token], run: list[int], prev: int | None, step: int):
    """(label index, block) pairs when the run follows a stack of labels
    and its blocks are their values in order; None otherwise."""
    if prev is None or form[prev].kind != "label":
        return None
    stack = _stack(form, prev)
    if len(stack) < 2:
        return None
    if len(_blocks(run, form, step)) < 2 and _takes(form[prev].role, run_kind([form[k].text for k in run])):
        return None
    got = _column_blocks([form[k] for k in stack], run, form, step)
    if got is None:
        return None
    blocks, (order, _) = got
    return [(stack[i], b) for i, b in zip(order, blocks)]


def _column_blocks(labels: list[Token], run: list[int], toks: list[Token], step: int, least: int = 1):
    """(blocks, alignment) of a value column under a stack of labels: its
    values cut at the blank gaps wider than the line step; in a layer that
    sets a blank line between the values as between all its lines (step 2,
    every value one line), at every line where that aligns more values.
    None when no cut aligns into ``least`` blocks or more."""
    found = None
    for s in range(step, 0, -1):
        blocks = _blocks(run, toks, s)
        if len(blocks) >= least and (got := _align(labels, [[toks[k].text for k in b] for b in blocks])):
            if len(blocks) >= 2:
                return blocks, got
            found = found or (blocks, got)
    return found


def _column_evidence(toks: list[Token], step: int) -> int:
    """Values known by their type found in the order of a stack of labels
    printed before them (a label column, then a value column)."""
    n, k = 0, 0
    while k < len(toks):
        if toks[k].kind != "label":
            k += 1
            continue
        j = k
        while j + 1 < len(toks) and toks[j + 1].kind == "label":
            j += 1
        e = j + 1
        while e < len(toks) and toks[e].kind == "text" and not toks[e].side:
            e += 1
        stack = _stack(toks, j)
        if len(stack) >= 3 and e > j + 1 and (e == len(toks) or toks[e].kind == "heading"):
            got = _column_blocks([toks[i] for i in stack], list(range(j + 1, e)), toks, step, least=2)
            if got:
                n += len(got[0]) + got[1][1]
        k = max(e, k + 1)
    return n


def _run_owner(form: list[Token], run: list[int], prev: int | None, nxt: int | None, lay: Layout):
    """The label a run of text between two marks (no heading before it)
    belongs to: an index, None, or "both" when either label could take it."""
    prev_t = form[prev] if prev is not None else None
    nxt_t = form[nxt] if nxt is not None else None
    prev_free = prev_t is not None and not _has_same_line(form, prev)
    nxt_free = nxt_t is not None and nxt_t.kind == "label" and not _has_same_line(form, nxt)
    first = form[run[0]]
    if prev_free and nxt_free:
        kind = run_kind([form[k].text for k in run])
        fit_prev, fit_next = _takes(prev_t.role, kind), _takes(nxt_t.role, kind)
        if fit_prev == fit_next:
            return "both"
        return prev if fit_prev else nxt
    if prev_free:
        return prev
    if nxt_free and prev_t is not None and lay.side_of(prev_t.role) == "after" and first.i - prev_t.i <= lay.step:
        return prev  # the rest of a value that shares its label's line
    if nxt_free:
        return nxt
    if prev_t is not None and first.i - prev_t.i <= lay.step:
        return prev
    return None


def _settle(form: list[Token], own: list, between: list, taken: set, lay: Layout) -> None:
    """Texts two labels could both take: the one that has no value yet;
    else the one it stands as near to as this layer prints values; else
    the one whose field prints its values on that side; else the nearer."""
    changed = True
    while changed:
        changed = False
        for item in list(between):
            run, prev, nxt = item
            if (prev in taken) != (nxt in taken):
                to = nxt if prev in taken else prev
                for k in run:
                    own[k] = to
                taken.add(to)
                between.remove(item)
                changed = True
    for run, prev, nxt in between:
        prev_t, nxt_t = form[prev], form[nxt]
        d_prev, d_next = form[run[0]].i - prev_t.i, nxt_t.i - form[run[-1]].i
        near_prev = lay.side_of(prev_t.role) != "before" and d_prev <= lay.gap_of(prev_t.role)
        near_next = lay.side_of(nxt_t.role) != "after" and d_next <= lay.gap_of(nxt_t.role)
        if near_prev != near_next:
            to = prev if near_prev else nxt
        elif lay.side_of(prev_t.role) == "after" and lay.side_of(nxt_t.role) != "before":
            to = prev
        elif lay.side_of(nxt_t.role) == "before" and lay.side_of(prev_t.role) != "after":
            to = nxt
        elif d_prev != d_next:
            to = prev if d_prev < d_next else nxt
        else:
            to = prev if lay.side == "after" else nxt
        for k in run:
            own[k] = to


def _value_before(texts: list[Token], label: Token, lay: Layout) -> int:
    """Where the value printed just before ``label`` starts in the text
    tokens that precede it (len(texts) when it has none): the closing lines,
    if they end as near the label as the layer prints values; for a field
    known by its type, the widest run of them that reads as that type."""
    end = len(texts)
    while end and texts[end - 1].kind != "text":
        end -= 1
    if not end or label.i - texts[end - 1].i > lay.gap_of(label.role):
        return len(texts)
    block = _last_block(texts[:end], lay.step)
    if label.role not in _TYPED:
        # a name or beneficiaries box holds a few lines, not a paragraph
        short = end - block <= 4 and sum(len(t.text) for t in texts[block:end]) <= 300
        return block if short else len(texts)
    best = len(texts)
    for k in range(end - 1, max(block, end - 8) - 1, -1):
        kind = run_kind([t.text for t in texts[k:end]])
        if _plainly(label.role, kind) or (label.role == "pillar" and kind == "pillar-name" and k == end - 1):
            best = k
    return best


def _has_same_line(form: list[Token], k: int) -> bool:
    t = form[k]
    return any(form[j].kind == "text" and form[j].i == t.i for j in (k - 1, k + 1) if 0 <= j < len(form))


def _read_form(form: list[Token], sheet_no: int, lay: Layout, lines: list[str]) -> RawSheet:
    """One form's tokens -> a raw sheet: values by the label they belong
    to, then checked and moved by what they are."""
    heads = [t for t in form if t.kind == "heading"]
    anchor = next((t for t in heads if t.role == "summary"), form[0])
    sheet = RawSheet(sheet_no=sheet_no, line_no=anchor.i + 1)
    own = _owners(form, lay)
    values: dict[str, list[Token]] = defaultdict(list)   # field -> text tokens
    sections: list[tuple[list[str], list[Token]]] = []   # stacked headings -> their text
    loose: list[Token] = []
    for k, t in enumerate(form):
        if t.kind == "heading":
            if sections and not sections[-1][1] and form[k - 1].kind == "heading":
                sections[-1][0].append(t.role)   # headings printed one under another
            else:
                sections.append(([t.role], []))
        elif t.kind == "text":
            o = own[k]
            if o is None:
                loose.append(t)
            elif form[o].kind == "label":
                values[form[o].role].append(t)
            else:
                for roles, texts in reversed(sections):
                    if form[o].role in roles:
                        texts.append(t)
                        break
    page_order = _values_under_headings(form, values, sections)
    _assign_fields(sheet, values, loose)
    if page_order:
        _texts_in_heading_order(sheet, sections, lines)
    _assign_texts(sheet, sections, lay.step, lines)
    if loose and not sheet.summary and any("summary" in roles for roles, _ in sections):
        # a summary heading printed with the others, its text after the fields
        sheet.summary = _text_paragraphs(loose, lay.step, lines)
        loose = []
    for sec in ("summary", "objectives", "results"):
        if not any(sec in roles for roles, _ in sections):
            sheet.headings_missing.append(sec)
    for t in loose:
        sheet.problems.append((t.i + 1, "sheet", "text outside any field", t.text))
    return sheet


def _value(toks: list[Token]) -> Value | None:
    return Value([t.text for t in toks], toks[0].i + 1) if toks else None


def _assign_fields(sheet: RawSheet, values: dict[str, list[Token]], loose: list[Token]) -> None:
    """Typed fields first: a value that is plainly a date, a link or a
    pillar under another field's label (or under none) moves to its own
    field when that one is empty, with a 'field guessed' row."""
    kinds = {f: run_kind([t.text for t in v]) for f, v in values.items() if v}
    for f, kind in list(kinds.items()):
        if _fits(f, kind) or f not in ("name", "beneficiaries", "date", "url", "pillar", "donors"):
            continue
        target = kind.split(":")[-1]
        strong = kind in ("date", "url") or kind.startswith("placeholder:")
        if target in _TYPED + ("beneficiaries",) and target != f and strong and not values.get(target):
            v = values.pop(f)
            values[target] = v
            kinds[target] = kinds.pop(f)
            sheet.problems.append((v[0].i + 1, target, "field guessed",
                                   " ".join(t.text for t in v)))
    for t in list(loose):
        kind = value_kind(t.text)
        if kind == "pillar-name" and not values.get("pillar") and not values.get("name"):
            kind = "pillar"  # the form's first line without its labels: pillar, then name
        target = kind.split(":")[-1]
        if target in _TYPED and not values.get(target):
            values[target] = [t]
            loose.remove(t)
            sheet.problems.append((t.i + 1, target, "field guessed", t.text))

    pillar, name = values.get("pillar", []), values.get("name", [])
    if pillar and (m := _pillar_re().match(pillar[0].text)):
        sheet.pillar = Value([m.group(1)], pillar[0].i + 1)
        rest = [Token(pillar[0].i, "text", text=m.group(2).strip())] + pillar[1:]
        rest = [t for t in rest if t.text]
        if rest and not name:
            name = rest  # "Security <name of the activity>": the pillar run into the name
        elif rest:
            sheet.problems.append((rest[0].i + 1, "pillar", "text after the pillar",
                                   " ".join(t.text for t in rest)))
    elif pillar:
        sheet.pillar = _value(pillar)
    elif name and (m := _pillar_re().match(name[0].text)) and m.group(2).strip():
        sheet.pillar = Value([m.group(1)], name[0].i + 1)
        name = [Token(name[0].i, "text", text=m.group(2).strip())] + name[1:]
    sheet.name = _value(name)
    sheet.beneficiaries = _value(values.get("beneficiaries", []))
    sheet.url = _value(values.get("url", []))
    donors = values.get("donors", [])
    if donors:
        # one donor per line, or one name wrapped over two lines
        per_line = len(donors) > 1 and all(value_kind(t.text) == "donors" for t in donors)
        sheet.donors = Value([("; " if per_line else " ").join(t.text for t in donors)], donors[0].i + 1)
    dates = values.get("date", [])
    if ends := values.get("date_end", []):
        # an End Date box of its own: its date is the range's end
        dates = dates + [ends[0]._replace(text="to " + ends[0].text)] + ends[1:]
    _assign_dates(sheet, dates)


def _assign_dates(sheet: RawSheet, toks: list[Token]) -> None:
    if not toks:
        return
    pieces = _date_pieces([t.text for t in toks])
    line = toks[0].i + 1
    if pieces is None:
        # a start that leaves out what its end says ("March to June 2017")
        pieces = _whole_range(" ".join(t.text for t in toks))
    if pieces is None:  # not a date: left to normalise to report
        sheet.start = Value([" ".join(t.text for t in toks)], line)
        return
    pieces = [p for piece in pieces for p in _range_ends(piece)]
    if len(pieces) == 1:
        text, after_to = pieces[0]
        if after_to:
            sheet.end = Value([text], line)
        else:
            sheet.start = Value([text], line)
        return
    (a, _), (b, _) = pieces[0], pieces[1]
    pa, pb = parse_date(a), parse_date(b)
    da, db = pa.value, pb.value
    if (da and db and db < da[:len(db)]) or (pa.ongoing and not pb.ongoing):
        a, b = b, a  # start and end printed in reverse order
        sheet.problems.append((line, "date", "field guessed", f"{b} to {a} read as {a} to {b}"))
    sheet.start, sheet.end = Value([a], line), Value([b], line)
    for text, _ in pieces[2:]:
        sheet.problems.append((line, "date", "third date in the field", text))


def _range_ends(piece: tuple[str, bool]) -> list[tuple[str, bool]]:
    """A piece that is a whole range without spaces ("2015-2017",
    "1/1/2016-12/31/2016", "March-June 2017") as its start and its end."""
    text, after_to = piece
    if "-" not in text and "–" not in text and "—" not in text:
        return [piece]
    return _whole_range(text, after_to) or [piece]


def _whole_range(text: str, after_to: bool = False) -> list[tuple[str, bool]] | None:
    """The start and end texts of a range ``_date_pieces`` cannot cut: the
    text each side of a dash between digits, or the dates as read when the
    start leaves out what its end says ("March to June 2017")."""
    r = parse_date_range(text)
    if r.start.value and r.end.ongoing and not r.start.problem:
        return [(r.start.value, after_to), ("Ongoing", True)]  # "from March 2016 to date"
    if not (r.start.value and r.end.value):
        return None
    for m in re.finditer(r"(?<=\d)\s*[-–—]\s*(?=\d)", text):
        if parse_date(text[:m.start()]).value and parse_date(text[m.end():]).value:
            return [(text[:m.start()], after_to), (text[m.end():], True)]
    return [(r.start.value, after_to), (r.end.value, True)]


def _values_under_headings(form: list[Token], values: dict[str, list[Token]], sections) -> bool:
    """pdfminer's order of a whole page: the label column, the headings one
    under another, then the values in the labels' order, then the texts.
    The lines that open the headings' text and align with the labels (the
    last of them a value known by its type, two such at least) are the
    values; True when they were found."""
    labels = [t for t in form if t.kind == "label"]
    if len(labels) < 3 or any(values.values()):
        return False
    for roles, texts in sections:
        if len(roles) < 2 or not texts:
            continue
        for m in range(min(len(labels), len(texts)), 1, -1):
            if value_kind(texts[m - 1].text).split(":")[-1] not in _TYPED:
                continue
            got = _align(labels, [[t.text] for t in texts[:m]])
            if got and got[1] >= 2:
                for t, k in zip(texts[:m], got[0]):
                    values[labels[k].role].append(t)
                del texts[:m]
                return True
        return False
    return False


def _texts_in_heading_order(sheet: RawSheet, sections, lines: list[str]) -> None:
    """The texts after the values of a page printed in pdfminer's order
    follow the headings' order; with no blank line between them, a
    paragraph ends where a sentence ends short of the margin, or, where
    that does not make one paragraph per heading, at any line that ends a
    sentence. Taken when there is one paragraph per heading; else left to
    ``_assign_texts``."""
    for roles, texts in sections:
        if len(roles) < 2 or not texts:
            continue
        block = [(t.i, lines[t.i]) for t in texts]
        for paras in (_paragraphs(block), _sentence_lines(block)):
            if len(paras) == len(roles):
                for role, para in zip(roles, paras):
                    setattr(sheet, role, getattr(sheet, role) + [para])
                texts.clear()
                break


def _sentence_lines(block: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Lines grouped into paragraphs that end where a line ends a sentence."""
    paras: list[list[tuple[int, str]]] = [[]]
    for i, line in block:
        paras[-1].append((i, line))
        if re.search(r"[.!?]\s*$", line):
            paras.append([])
    return [p for p in paras if p]


def _assign_texts(sheet: RawSheet, sections, step: int, lines: list[str]) -> None:
    """Each heading's text; headings printed one under another share the
    text that follows them, split as the form orders it (objectives, then
    results; a summary set apart)."""
    for roles, texts in sections:
        if not texts:
            continue
        paras = _text_paragraphs(texts, step, lines)
        if len(roles) == 1:
            setattr(sheet, roles[0], getattr(sheet, roles[0]) + paras)
            continue
        order = [r for r in ("objectives", "results", "summary") if r in roles]
        if order[0] == "objectives":
            obj, rest = _split_objectives(paras)
            sheet.objectives += obj
            if "results" in order:
                if "summary" in order and not sheet.summary:
                    rest, summ = _split_summary(rest)
                    sheet.summary += summ
                sheet.results += rest
            elif "summary" in order:
                sheet.summary += rest
        else:
            sheet.results += paras


def _next_item(cur: list[tuple[int, str]], line: str, width: int) -> bool:
    """Whether ``line`` starts the next item of a list (a paragraph of its
    own): it bears a list mark, and the paragraph before it is an item that
    ended (a sentence's end, or a line short of the margin) or announces
    the list on a line short of the margin ("... as follows:"). A mark a
    wrap put at a line's start mid-sentence ("... in schools; 2) combating
    ...", "... lines of action: 1) support ...") is none."""
    if not _LIST_ITEM.match(line):
        return False
    prev = " ".join(cur[-1][1].split())
    short = len(prev) < 0.85 * width
    if _LIST_ITEM.match(cur[0][1]):
        return short or prev.endswith((".", "!", "?"))
    return prev.endswith(":") and short


def _text_paragraphs(texts: list[Token], step: int, lines: list[str]):
    """Paragraphs of one heading's text. In a single-spaced layer a blank
    line ends a paragraph; a double-spaced one is read by line lengths."""
    if step == 1:
        lengths = sorted(len(t.text) for t in texts)
        width = lengths[int(len(lengths) * 0.9)]
        paras, cur = [], []
        for t in texts:
            if cur and t.i - cur[-1][0] == 1 and _next_item(cur, t.text, width):
                paras.append(cur)
                cur = []
            if cur and t.i - cur[-1][0] > 1:
                prev = " ".join(cur[-1][1].split())
                # a page break (blank lines wider than a paragraph's) after a
                # line that runs to the margin mid-sentence continues it,
                # unless the page goes on with the next item of a list
                if (t.i - cur[-1][0] > 2 and len(prev) >= 0.8 * width and not _SENT_END.search(prev)
                        and not _LIST_ITEM.match(t.text)):
                    cur.append((t.i, lines[t.i] if not t.side else t.text))
                    continue
                paras.append(cur)
                cur = []
            cur.append((t.i, lines[t.i] if not t.side else t.text))
        if cur:
            paras.append(cur)
        return paras
    first, last = texts[0].i, texts[-1].i
    ids = {t.i for t in texts}
    block = [(j, lines[j] if j in ids else "") for j in range(first, last + 1)]
    return _paragraphs(block)


# ------------------------------------------ labels printed apart from values

def _anchors(lines: list[str], maybe: set[int] | None = None) -> list[tuple[int, str]]:
    """(index, text before the heading) of the first line of every group of
    form headings. A group is usually PROGRAM SUMMARY / OBJECTIVES / RESULTS;
    a sheet that lost its PROGRAM SUMMARY still starts at the others.
    ``maybe``: the lines that may hold a heading (``_heading_lines``)."""
    rx = _heading_re()
    heads = {}  # index -> text before the heading, of the lines that are headings
    for i in sorted(maybe if maybe is not None else _heading_lines(lines)):
        line = lines[i]
        m = rx.search(line)
        if m and not rx.sub("", line[m.start():]).strip() and (
                not line[:m.start()].strip() or _summary_head(m.group(1))):
            heads[i] = line[:m.start()]
    out = []
    for i, before in heads.items():
        # a group starts where text stands since the last heading line: the
        # non-blank line before this one is no heading (or there is none)
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j < 0 or j not in heads:
            out.append((i, before))
    return out


def _summary_head(text: str) -> bool:
    return fold(text) in _summary_heads()


def _split_apart(lines: list[str]) -> list[RawSheet]:
    """Sheets whose labels stand in a block apart from their values: cut at
    the headings, then read each sheet's boxes by their place around the
    label block (see the module docstring)."""
    maybe = _heading_lines(lines)
    anchors = _anchors(lines, maybe)
    sheets: list[RawSheet] = []
    prelude: list[tuple[int, str]] = [(i, l) for i, l in enumerate(lines[:anchors[0][0]])] if anchors else []
    if anchors and anchors[0][1].strip():
        prelude.append((anchors[0][0], anchors[0][1]))
    for k, (a, _) in enumerate(anchors):
        end = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
        region = [(i, lines[i]) for i in range(a + 1, end)]
        if k + 1 < len(anchors) and anchors[k + 1][1].strip():
            region.append((end, anchors[k + 1][1]))  # "…asp PROGRAM SUMMARY"
        sheet = RawSheet(sheet_no=k + 1, line_no=a + 1)
        is_last = k + 1 == len(anchors)
        body, tail = _split_tail(region, keep_all=is_last)
        _parse_prelude(sheet, prelude)
        _parse_region(sheet, body, lines[a], maybe)
        prelude = tail
        sheets.append(sheet)
    if prelude and any(l.strip() for _, l in prelude) and sheets:
        sheets[-1].problems.append((prelude[0][0] + 1, "file", "text after the last sheet",
                                   " ".join(l.strip() for _, l in prelude)))
    return sheets


# ------------------------------------------------------------- the tail

def _short(line: str) -> bool:
    return len(line.strip()) <= 48


def _fieldish(line: str) -> bool:
    s = line.strip()
    return (_short(line) or is_url_start(s) or placeholder_field(s) is not None
            or (" " not in s and len(s) < 120))


def _split_tail(region, keep_all=False):
    """Split off the values printed after a sheet's summary that belong to
    the next sheet (its beneficiaries and link). Returns (body, tail)."""
    if keep_all:
        # nothing follows the last sheet: its tail is its own
        return region, []
    # walk back over short / link-like lines, from the region's end: only
    # those and the line above them are looked at, not the whole region
    block: list[int] = []
    prev = None  # the non-blank line above them
    for j in range(len(region) - 1, -1, -1):
        line = region[j][1]
        if not line.strip():
            continue
        if not (_fieldish(line) and label_role(line) is None and _end_to_match(line.strip()) is None):
            prev = j
            break
        block.append(j)
    if not block:
        return region, []
    block.reverse()
    # the block may begin with the last short line of the summary's final
    # paragraph: a value box starts after a run of filler, or with a line
    # set off by one leading space
    first = block[0]
    cut = None
    for j in block:
        gap = region[max(0, j - 3):j]
        if sum(1 for _, l in gap if _is_filler(l)) >= 2 and j != first:
            cut = j
            break
    if cut is None:
        lead = [j for j in block if re.match(r"^ \S", region[j][1])]
        if lead:
            cut = lead[0]
    if cut is None:
        first_line = region[first][1].strip()
        prev_line = region[prev][1].strip() if prev is not None else ""
        if prev is not None and not re.search(r"[.:;!?\"”)]$", prev_line) and not _filler_between(region, prev, first):
            # the first short line finishes the sentence above it
            cut = block[1] if len(block) > 1 else None
            if cut is None:
                return region, []
        else:
            cut = first
        if is_url_start(first_line):
            cut = first
    links = [j for j in block if j >= cut and is_url_start(region[j][1])]
    if len(links) > 1:  # one link each: this sheet's, then the next one's
        cut = links[-1]
    return region[:cut], region[cut:]


def _filler_between(region, a, b) -> bool:
    return sum(1 for _, l in region[a + 1:b] if _is_filler(l)) >= 2


# --------------------------------------------------------- value blocks

def _parse_prelude(sheet: RawSheet, block) -> None:
    """Beneficiaries and link printed before the headings."""
    benef, url = _split_values(block)
    if benef:
        sheet.beneficiaries = benef
    if url:
        sheet.url = url


def _split_values(block) -> tuple[Value | None, Value | None]:
    """A run of value lines -> (beneficiaries, url): a link starts with
    http/www and continues over the fragments that follow it."""
    benef_lines, benef_no, url_lines, url_no = [], None, [], None
    in_url = False
    for i, l in block:
        s = l.strip()
        if not s or label_role(s):
            continue
        ph = placeholder_field(s)
        if ph == "url":
            url_lines, url_no, in_url = [s], i + 1, False
            continue
        if is_url_start(s):
            in_url = True
            url_lines, url_no = [s], i + 1
            continue
        if in_url and " " not in s:
            url_lines.append(s)
            continue
        in_url = False
        benef_lines.append(s)
        benef_no = benef_no or i + 1
    return (Value(benef_lines, benef_no) if benef_lines else None,
            Value(url_lines, url_no) if url_lines else None)


# ------------------------------------------------------------- the region

def _parse_region(sheet: RawSheet, region, heading_line: str, maybe: set[int] | None = None) -> None:
    """A sheet's lines after its headings: texts, the field zone, the
    summary (see the module docstring for the order). ``maybe``: the
    indexes of the lines that may hold a heading (``_heading_lines``)."""
    body = _drop_headings(sheet, region, heading_line, maybe)
    labels = [j for j, (_, l) in enumerate(body) if label_role(l)]
    donors_label = next((j for j in labels if label_role(body[j][1]) == "donors"), None)
    end_j = _end_date(sheet, body, donors_label)
    zone_end = end_j if end_j is not None else (donors_label if donors_label is not None
                                                 else (labels[-1] if labels else None))
    donor_top = _donors_above(sheet, body, donors_label) if donors_label is not None else None
    zone_start = _name_zone(sheet, body, labels[0] if labels else None, zone_end, donor_top)
    part_a = body[:zone_start] if zone_start is not None else body
    part_c = body[zone_end + 1:] if zone_end is not None else []
    _texts_around_zone(sheet, part_a, part_c)


def _drop_headings(sheet: RawSheet, region, heading_line: str, maybe: set[int] | None = None):
    """The region without its heading lines; a missing OBJECTIVES heading
    is noted. ``maybe``: a set of line indexes that holds every line of the
    region with a heading (more do no harm: each is tested)."""
    rx = _heading_re()
    seen = {fold(m.group(1)) for m in rx.finditer(heading_line)}
    dropped = set()
    for i, l in ([(i, l) for i, l in region if i in maybe] if maybe is not None else region):
        ms = list(rx.finditer(l)) if _has_heading(l) else None
        if ms and not rx.sub("", l).strip():
            seen |= {fold(m.group(1)) for m in ms}
            dropped.add(i)
    body = [(i, l) for i, l in region if i not in dropped] if dropped else list(region)
    if not any(r["role"] == "heading_objectives" and fold(r["label"]) in seen for r in rows("form_labels")):
        sheet.headings_missing.append("objectives")
    return body


def _end_date(sheet: RawSheet, body, donors_label: int | None) -> int | None:
    """The end date after the donors label: "<date> to", "Completion to",
    or a date then "to" alone. Returns the index of its "to" line."""
    end_j = None
    search_from = donors_label + 1 if donors_label is not None else 0
    for j in range(search_from, len(body)):
        s = body[j][1].strip()
        if not s:
            continue
        m = _end_to_match(s)
        if m and (not m.group(1) or is_date_like(m.group(1))):
            end_j = j
            break
        if donors_label is not None and not is_date_like(s):
            break
    if end_j is not None:
        m = _end_to_match(body[end_j][1].strip())
        pieces = [(i, l) for i, l in body[search_from if donors_label is not None else end_j:end_j] if l.strip()]
        val = m.group(1) or " ".join(l.strip() for _, l in pieces)
        first_no = body[end_j][0] + 1 if m.group(1) else (pieces[0][0] + 1 if pieces else body[end_j][0] + 1)
        sheet.end = Value([val] if val else [], first_no)
    return end_j


def _donors_above(sheet: RawSheet, body, donors_label: int) -> int:
    """The short lines just above "Donor Countries"; returns the index of
    the first (or of the label when there are none)."""
    j, got = donors_label - 1, []
    while j >= 0 and len(got) < 6:
        s = body[j][1].strip()
        if not s:
            j -= 1
            continue
        if label_role(s) or not _short(body[j][1]) and len(s) > 60:
            break
        got.append(j)
        j -= 1
    got.reverse()
    # a donor box set off by a leading space after a sentence's end:
    # the lines above it finish the results
    for k in range(1, len(got)):
        if re.match(r"^ \S", body[got[k]][1]) and re.search(r"[.:;!?]\s*$", body[got[k - 1]][1]):
            got = got[k:]
            break
    if not got:
        return donors_label
    sheet.donors = Value([body[g][1] for g in got], body[got[0]][0] + 1)
    return got[0]


def _name_zone(sheet: RawSheet, body, first_label, zone_end, donor_top) -> int | None:
    """The pillar, name and start date above the labels; returns where the
    field zone starts."""
    top = first_label if first_label is not None else zone_end
    if donor_top is not None and (top is None or donor_top < top):
        top = donor_top
    if top is None:
        return None
    zone_start, start_j = _find_name_zone(body, top)
    if zone_start is not None:
        _parse_name_zone(sheet, body[zone_start:top])
        return zone_start
    if start_j is not None:
        sheet.start = Value([body[start_j][1].strip()], body[start_j][0] + 1)
        return start_j
    return top


def _texts_around_zone(sheet: RawSheet, part_a, part_c) -> None:
    """Objectives and results before the field zone (and this sheet's
    values printed between them and it), the summary after it."""
    part_a, vals = _split_tail(part_a)
    if vals:
        benef, url = _split_values(vals)
        if benef and not sheet.beneficiaries:
            sheet.beneficiaries = benef
        elif benef:
            sheet.problems.append((benef.line_no, "beneficiaries", "second value for the field", benef.text))
        if url and not sheet.url:
            sheet.url = url
    paras = _paragraphs(part_a)
    sheet.objectives, sheet.results = _split_objectives(paras)
    sheet.summary = _paragraphs(part_c)
    # a link printed after the summary, where the sheet has none elsewhere
    while sheet.summary and all(is_url_start(l) or " " not in l.strip() for _, l in sheet.summary[-1]) \
            and is_url_start(sheet.summary[-1][0][1]):
        para = sheet.summary.pop()
        val = Value([l for _, l in para], para[0][0] + 1)
        if sheet.url is None:
            sheet.url = val
        else:
            sheet.problems.append((val.line_no, "url", "second value for the field", val.text))
    if not sheet.summary and len(sheet.results) > 1:
        # some sheets print the summary before the field zone, after the results
        sheet.results, sheet.summary = _split_summary(sheet.results)


def _find_name_zone(body, top):
    """Look up from the first label for "<Pillar> <name…>" and the start
    date. Returns (index of the pillar line or None, index of a lone start
    date or None). Stops at prose, a link or a gap of filler: what lies
    above belongs to the texts."""
    j, seen, pillar_j, start_j, fillers = top - 1, 0, None, None, 0
    while j >= 0 and seen < 10:
        s = body[j][1]
        if not s.strip():
            fillers += _is_filler(s)
            if fillers >= 2 and seen:
                break
            j -= 1
            continue
        fillers = 0
        seen += 1
        st = s.strip()
        if seen == 1 and is_date_like(s):
            start_j = j
            j -= 1
            continue
        if len(st) > 70 or is_url_start(st) or (" " not in st and "/" in st) or placeholder_field(st) in ("url", "beneficiaries"):
            break
        if _pillar_re().match(s):
            pillar_j = j  # keep looking: a name line may start with a pillar's word
        j -= 1
    return pillar_j, start_j


def _parse_name_zone(sheet: RawSheet, zone) -> None:
    """"<Pillar> <name…>" lines, then the start date."""
    lines = [(i, l) for i, l in zone if l.strip()]
    i0, first = lines[0]
    m = _pillar_re().match(first)
    sheet.pillar = Value([m.group(1)], i0 + 1)
    name_lines = [(i0, m.group(2))] if m.group(2).strip() else []
    for i, l in lines[1:]:
        if is_date_like(l) and sheet.start is None:
            sheet.start = Value([l.strip()], i + 1)
            continue
        if sheet.start is None:
            name_lines.append((i, l))
        else:
            sheet.problems.append((i + 1, "name", "text after the start date", l.strip()))
    name_lines = [(i, l) for i, l in name_lines if l.strip()]
    if name_lines:
        sheet.name = Value([l for _, l in name_lines], name_lines[0][0] + 1)


# ----------------------------------------------------------- paragraphs

_SENT_END = re.compile(r"[.:;!?\"”)]\s*$")
_BLANK_END = re.compile(r"[.:!?\"”]\s*$")
#: a list item's mark: a number, a roman numeral in brackets, a bullet
#: (the glyphs word processors print for their bullet styles)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|\(?[ivx]{1,4}\)|[a-h]\)|[•·\-–*▪●◦■□►▸➢✓\uf0b7\uf0a7])\s*")


def _paragraphs(block) -> list[list[tuple[int, str]]]:
    """Group text lines into paragraphs: a break after a line that stops
    short of the wrap width at a sentence end, at a gap of filler, and
    before a list item."""
    text = [(i, l) for i, l in block if l.strip()]
    if not text:
        return []
    ends = [len(l.rstrip()) for _, l in text]
    lengths = sorted(ends)
    width = lengths[int(len(lengths) * 0.9)] if len(lengths) >= 3 else max(lengths)
    pos = {i: j for j, (i, _) in enumerate(block)}
    paras, cur = [], [text[0]]
    for k in range(1, len(text)):
        (a, prev), (i, l) = text[k - 1], text[k]
        short = ends[k - 1]
        # the lines between the two (blank or filler): looked at only when
        # there are any, not sliced out for every pair of lines
        lo, hi = pos[a] + 1, pos[i]
        if ((short < 0.85 * width and _SENT_END.search(prev))     # a sentence ends short of the margin
                or (hi > lo and (any(_is_filler(g) for _, g in block[lo:hi])  # a gap of filler
                                 # some sheets are double-spaced: a blank line breaks a paragraph only
                                 # after a line that ends a sentence or stops short of the margin
                                 or _BLANK_END.search(prev) or short < 0.7 * width))
                or (short < 0.7 * width and _LIST_ITEM.match(prev))  # a short list item ends
                or _LIST_ITEM.match(l) or is_url_start(l)):
            paras.append(cur)
            cur = []
        cur.append((i, l))
    paras.append(cur)
    return paras


@lru_cache(maxsize=None)
def _objective_cues() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r["pattern"], re.I) for r in rows("text_cues") if r["role"] == "objective")


def _looks_like_objective(para) -> bool:
    text = " ".join(l.strip() for _, l in para)
    text = _LIST_ITEM.sub("", text, count=1)
    return any(p.match(text) for p in _objective_cues())


def _ends_with_colon(para) -> bool:
    return " ".join(l.strip() for _, l in para).endswith(":")


def _split_objectives(paras):
    """Objectives come first: the first paragraph, and those after it that
    read like objectives (an infinitive or imperative, a list under a
    colon). Results are the rest."""
    if not paras:
        return [], []
    n = 1
    while n < len(paras):
        if _looks_like_objective(paras[n]) or (_ends_with_colon(paras[n - 1]) and _LIST_ITEM.match(paras[n][0][1])
                                               and _looks_like_objective(paras[n])):
            n += 1
        else:
            break
    return paras[:n], paras[n:]


@lru_cache(maxsize=None)
def _summary_cues() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r["pattern"], re.I) for r in rows("text_cues") if r["role"] == "summary")


def _double_spaced(para) -> bool:
    steps = [b[0] - a[0] for a, b in zip(para, para[1:])]
    return bool(steps) and sum(1 for d in steps if d >= 2) > len(steps) / 2


def _split_summary(paras):
    """Results, then summary, when both stand before the field zone: the
    summary starts where the line spacing changes or at a paragraph that
    introduces the program."""
    for p in range(1, len(paras)):
        text = " ".join(l.strip() for _, l in paras[p])
        if _double_spaced(paras[p - 1]) and len(paras[p]) > 1 and not _double_spaced(paras[p]):
            return paras[:p], paras[p:]
        if any(c.match(text) for c in _summary_cues()):
            return paras[:p], paras[p:]
    return paras, []
