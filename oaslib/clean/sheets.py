"""Program-sheet documents: text lines -> one raw record per sheet.

The PDF text layer prints a sheet's boxes out of order. What stays put is the
block of form labels and the three headings, so the parser anchors on them:

    [values of this sheet printed before its headings: beneficiaries, link]
    PROGRAM SUMMARY / OBJECTIVES / RESULTS        <- the anchor of a sheet
    objectives, then results                      (part A)
    [beneficiaries, link]
    <Pillar> <name …>   start date                (the field zone)
    OAS Pillar / Name of Activity / Date / Target Beneficiaries / Additional Information
    donors   Donor Countries   <end date> to
    summary                                       (part C)
    [the next sheet's beneficiaries and link]     (the tail)

Any part may be missing; what is missing is recorded, never guessed. Values
are returned raw (strings with line numbers); ``normalize`` cleans them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .countries import fold
from .normalize import is_date_like, is_url_start, placeholder_field
from ..refdata import rows, split_list


@dataclass
class Value:
    lines: list[str]
    line_no: int | None  # 1-based line of the first piece in the file

    @property
    def text(self) -> str:
        return " ".join(" ".join(l.split()) for l in self.lines if l.strip())


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
    text_line: dict[str, int] = field(default_factory=dict)  # first line of each text
    headings_missing: list[str] = field(default_factory=list)
    problems: list[tuple[int | None, str, str, str]] = field(default_factory=list)  # line, field, problem, text


# ------------------------------------------------------------ line classes

@lru_cache(maxsize=None)
def _labels() -> dict[str, str]:
    return {fold(r["label"]): r["role"] for r in rows("form_labels")}


@lru_cache(maxsize=None)
def _heading_re():
    heads = [r["label"] for r in rows("form_labels") if r["role"].startswith("heading_")]
    return re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(h) for h in
                      sorted(heads, key=len, reverse=True)) + r")(?![A-Za-z])")


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


_END_TO = re.compile(r"^(.*?)\s*\bto\s*$", re.I)


@lru_cache(maxsize=65536)
def label_role(line: str) -> str | None:
    if len(line) > 60:
        return None
    return _labels().get(fold(" ".join(line.split())))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_filler(line: str) -> bool:
    """A whitespace-only line that holds spaces: the PDF's empty box or gap."""
    return bool(line) and not line.strip()


def looks_like_sheets(lines: list[str]) -> bool:
    """A program-sheets document has the form's headings and labels."""
    heads = labels = 0
    for line in lines[:20000]:
        if _heading_re().search(line):
            heads += 1
        elif label_role(line):
            labels += 1
        if heads >= 2 and labels >= 2:
            return True
    return False


# --------------------------------------------------------------- splitting

def _anchors(lines: list[str]) -> list[tuple[int, str]]:
    """(index, text before the heading) of the first line of every group of
    form headings. A group is usually PROGRAM SUMMARY / OBJECTIVES / RESULTS;
    a sheet that lost its PROGRAM SUMMARY still starts at the others."""
    out = []
    rx = _heading_re()
    text_since_heading = True
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = rx.search(line)
        if m and not rx.sub("", line[m.start():]).strip() and (
                not line[:m.start()].strip() or _summary_head(m.group(1))):
            if text_since_heading:
                out.append((i, line[:m.start()]))
            text_since_heading = False
        else:
            text_since_heading = True
    return out


def _summary_head(text: str) -> bool:
    return fold(text) in _summary_heads()


def split_sheets(lines: list[str]) -> list[RawSheet]:
    anchors = _anchors(lines)
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
        _parse_region(sheet, body, lines[a])
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
    idx = [j for j, (_, l) in enumerate(region) if l.strip()]
    if not idx:
        return region, []
    # walk back over short / link-like lines
    start = len(idx)
    while start > 0 and _fieldish(region[idx[start - 1]][1]) and label_role(region[idx[start - 1]][1]) is None \
            and _END_TO.match(region[idx[start - 1]][1].strip()) is None:
        start -= 1
    if start == len(idx):
        return region, []
    block = idx[start:]
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
        prev = idx[start - 1] if start > 0 else None
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
    if keep_all:
        # nothing follows the last sheet: its tail is its own
        return region, []
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

def _parse_region(sheet: RawSheet, region, heading_line: str) -> None:
    # headings that follow PROGRAM SUMMARY
    seen = {fold(m.group(1)) for m in _heading_re().finditer(heading_line)}
    body = []
    for i, l in region:
        ms = list(_heading_re().finditer(l))
        if ms and not _heading_re().sub("", l).strip():
            seen |= {fold(m.group(1)) for m in ms}
            continue
        body.append((i, l))
    for r in rows("form_labels"):
        if r["role"] == "heading_objectives" and fold(r["label"]) in seen:
            break
    else:
        sheet.headings_missing.append("objectives")

    n = len(body)
    labels = [j for j, (_, l) in enumerate(body) if label_role(l)]
    donors_label = next((j for j in labels if label_role(body[j][1]) == "label_donors"), None)
    # the end date: "<date> to", "Completion to", or a date then "to" alone
    end_j = None
    search_from = donors_label + 1 if donors_label is not None else 0
    for j in range(search_from, n):
        s = body[j][1].strip()
        if not s:
            continue
        m = _END_TO.match(s)
        if m and (not m.group(1) or is_date_like(m.group(1))):
            end_j = j
            break
        if donors_label is not None and not is_date_like(s):
            break
    if end_j is not None:
        m = _END_TO.match(body[end_j][1].strip())
        pieces = [(i, l) for i, l in body[search_from if donors_label is not None else end_j:end_j] if l.strip()]
        val = m.group(1) or " ".join(l.strip() for _, l in pieces)
        first_no = body[end_j][0] + 1 if m.group(1) else (pieces[0][0] + 1 if pieces else body[end_j][0] + 1)
        sheet.end = Value([val] if val else [], first_no)
    zone_end = end_j if end_j is not None else (donors_label if donors_label is not None
                                                 else (labels[-1] if labels else None))

    # donors: the short lines just above "Donor Countries"
    if donors_label is not None:
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
        if got:
            sheet.donors = Value([body[g][1] for g in got], body[got[0]][0] + 1)
            donor_top = got[0]
        else:
            donor_top = donors_label
    else:
        donor_top = None

    # the field zone starts at the pillar line above the first label
    first_label = labels[0] if labels else None
    zone_start = None
    top = first_label if first_label is not None else zone_end
    if donor_top is not None and (top is None or donor_top < top):
        top = donor_top
    if top is not None:
        zone_start, start_j = _find_name_zone(body, top)
        if zone_start is not None:
            _parse_name_zone(sheet, body[zone_start:top])
        elif start_j is not None:
            sheet.start = Value([body[start_j][1].strip()], body[start_j][0] + 1)
            zone_start = start_j
        else:
            zone_start = top

    part_a = body[:zone_start] if zone_start is not None else body
    part_c = body[zone_end + 1:] if zone_end is not None else []

    # values printed between the results and the field zone (this sheet's)
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
    for name, paras_ in (("objectives", sheet.objectives), ("results", sheet.results), ("summary", sheet.summary)):
        if paras_:
            sheet.text_line[name] = paras_[0][0][0]


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
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|\([ivx]+\)|[•·\-–*])\s*")


def _paragraphs(block) -> list[list[tuple[int, str]]]:
    """Group text lines into paragraphs: a break after a line that stops
    short of the wrap width at a sentence end, at a gap of filler, and
    before a list item."""
    text = [(i, l) for i, l in block if l.strip()]
    if not text:
        return []
    lengths = sorted(len(l.rstrip()) for _, l in text)
    width = lengths[int(len(lengths) * 0.9)] if len(lengths) >= 3 else max(lengths)
    pos = {i: j for j, (i, _) in enumerate(block)}
    gaps = [block[pos[a] + 1:pos[b]] for (a, _), (b, _) in zip(text, text[1:])]
    paras, cur = [], [text[0]]
    for (prev_i, prev), (i, l), gap in zip(text, text[1:], gaps):
        short_end = len(prev.rstrip()) < 0.85 * width and _SENT_END.search(prev)
        filler_gap = any(_is_filler(g) for _, g in gap)
        # some sheets are double-spaced: a blank line breaks a paragraph only
        # after a line that ends a sentence or stops short of the margin
        blank_gap = bool(gap) and (_BLANK_END.search(prev) is not None
                                   or len(prev.rstrip()) < 0.7 * width)
        list_end = _LIST_ITEM.match(prev) is not None and len(prev.rstrip()) < 0.7 * width
        if short_end or filler_gap or blank_gap or list_end or _LIST_ITEM.match(l) or is_url_start(l):
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


def _split_objectives(paras):
    """Objectives come first: the first paragraph, and those after it that
    read like objectives (an infinitive or imperative, a list under a
    colon). Results are the rest."""
    if not paras:
        return [], []
    n = 1
    while n < len(paras):
        prev = " ".join(l.strip() for _, l in paras[n - 1])
        if _looks_like_objective(paras[n]) or (prev.endswith(":") and _LIST_ITEM.match(paras[n][0][1])
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
