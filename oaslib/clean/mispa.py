"""MISPA-style reports: Appendices I–III (activities of DPS, CICAD, CICTE)
and the questionnaire's pillars and thematic areas (Appendix IV).

Each activity paragraph is one row. Choices, so readers know what they get:
- ``title`` is the paragraph's lead-in ("Firearms trafficking. The Department …"):
  the text before the first full stop when it is a short heading-like
  phrase; a paragraph with no lead-in has an empty title.
- ``year`` is the first year the paragraph dates an event with ("In 2011",
  "May 2012", "during 2013", "from … 2013"); a paragraph without one takes
  the year of the heading above it ("In 2012, the … Section organized:").
  Where the heading and the paragraph disagree, the paragraph wins.
- ``meeting`` is the Meeting of Ministers the report was written for: the
  latest one its text names ("MISPA-IV", "the Fourth Meeting of Ministers
  Responsible for Public Security", "the fourth MISPA meeting"). A report on
  the mandates of meetings I–III is written for, and names, the next one.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from .countries import country_name, find_mentions
from ..refdata import rows, split_list
from .schema import TABLES, quality_row

_APPENDIX = re.compile(r"^\s*APPENDIX\s+([IVX]+)\b", re.I)
_PILLAR = re.compile(r"^\s*Pillar\s+(\d)\s*[:.\-–]\s*(.+?)\s*$")
_BULLET = re.compile(r"^\s*[·•\-–*]\s*(.+?)\s*$")
_YEAR_HEADING = re.compile(r"^\s*(?:In|During)\s+((?:19|20)\d\d)\b.*:\s*$")
_EVENT_YEAR = re.compile(
    r"(?:\b(?:in|In|during|During|since|Since|of|by|By|from|From|to|until)\s+(?:the\s+(?:year\s+)?)?"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?)?,?\s+|\b\d{1,2},\s+)((?:19[89]|20[0-4])\d)\b")


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_MISPA_NUMERAL = re.compile(r"\bMISPA[\s\-–]*(" + "|".join(sorted(_ROMAN, key=len, reverse=True)) + r")\b")


@lru_cache(maxsize=None)
def _ordinal_meeting() -> tuple[re.Pattern, dict[str, int]]:
    numbers = {r["word"].lower(): int(r["number"]) for r in rows("ordinals")}
    words = "|".join(sorted(map(re.escape, numbers), key=len, reverse=True))
    return (re.compile(rf"\b({words})\s+(?:MISPA\s+meeting|Meeting\s+of\s+(?:the\s+)?Ministers\s+Responsible"
                       rf"\s+for\s+Public\s+Security|Reuni[oó]n\s+de\s+Ministros\s+en\s+Materia\s+de"
                       rf"\s+Seguridad\s+P[uú]blica)", re.I), numbers)


def report_meeting(lines: list[str]) -> str | None:
    """'MISPA-IV': the latest Meeting of Ministers Responsible for Public
    Security the report names, by numeral or by ordinal; None if it names none."""
    pattern, numbers = _ordinal_meeting()
    found = set()
    for line in lines:
        if "MISPA" in line:
            found.update(_ROMAN[m.group(1)] for m in _MISPA_NUMERAL.finditer(line))
        found.update(numbers[m.group(1).lower()] for m in pattern.finditer(line))
    if not found:
        return None
    roman = {v: k for k, v in _ROMAN.items()}
    return f"MISPA-{roman[max(found)]}"


def looks_like_mispa(lines: list[str]) -> bool:
    """A MISPA mandates report: appendices naming the SMS dependencies."""
    # the regex first: it fails at a line's first letters, while upper()
    # copies every line (both stay: "APPENDİX" matches the regex only)
    if sum(1 for l in lines if _APPENDIX.match(l) and "APPENDIX" in l.upper()) < 2:
        return False
    text = "\n".join(lines[:5000])
    if "MISPA" not in text:
        return False
    named = 0
    for r in rows("agencies"):
        named += re.search(r["pattern"], text) is not None
        if named == 2:
            return True  # enough: stop searching (a pattern opening with \b is slow over a whole report)
    return False


@lru_cache(maxsize=None)
def _participants():
    out = []
    for r in rows("participants"):
        for alias in {r["participant"], *split_list(r["aliases"])}:
            flags = 0 if alias.isupper() else re.I
            out.append((re.compile(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])", flags), r["participant"]))
    return out


def other_participants(text: str) -> list[str]:
    text = re.sub(r"Port of Spain", "", text)
    found: dict[str, int] = {}
    for rx, name in _participants():
        m = rx.search(text)
        if m and (name not in found or m.start() < found[name]):
            found[name] = m.start()
    return sorted(found, key=found.get)


def _heading(line: str) -> bool:
    s = line.strip()
    return (0 < len(s) <= 90 and not re.search(r"[.:;,]$", s) and s[0].isupper()
            and len(s.split()) <= 12 and not s.lower().startswith("http"))


def _title(text: str) -> str | None:
    m = re.match(r"^(.{3,120}?)\.\s+[A-Z“\"(]", text)
    if not m:
        return None
    lead = m.group(1)
    if len(lead.split()) > 12 or re.search(r"\b(19|20)\d\d\b", lead) or re.match(r"^(In|On|During|From|By|The)\s", lead):
        return None
    return lead


def paragraph_year(text: str) -> int | None:
    m = _EVENT_YEAR.search(text)
    return int(m.group(1)) if m else None


@dataclass
class _Reading:
    """Where the parser stands in one report, and what it has found."""
    source_file: str
    appendix: str | None = None        # 'I' … 'IV'; None before the appendices
    agency: str | None = None          # 'DPS', 'CICAD', 'CICTE'; '?' when the heading is unknown
    section: str | None = None         # the heading the paragraphs stand under
    heading_year: int | None = None    # from "In 2012, the … Section organized:"
    in_agency_heading: bool = False    # the lines right after "APPENDIX n"
    pillar: tuple[int, str] | None = None
    acts: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    quality: list = field(default_factory=list)

    def open_appendix(self, appendix: str) -> None:
        self.appendix, self.agency, self.section, self.heading_year, self.pillar = appendix, None, None, None, None
        self.in_agency_heading = True


def parse_mispa(lines: list[str], source_file: str):
    """(mispa_activities, mispa_themes, quality rows) from a report's lines."""
    r = _Reading(source_file)
    for n, raw in enumerate(lines, 1):
        line = " ".join(raw.split())
        if not line:
            continue
        if m := _APPENDIX.match(line):
            r.open_appendix(m.group(1).upper())
        elif r.appendix is None:
            continue  # the narrative before the appendices is not an activity list
        elif _agency_heading(r, line):
            continue
        elif r.appendix in ("I", "II", "III"):
            _activity_line(r, n, line)
        else:
            _questionnaire_line(r, n, line)
    meeting = report_meeting(lines)
    for act in r.acts:
        act["meeting"] = meeting
    return _tables(r)


def _agency_heading(r: _Reading, line: str) -> bool:
    """The upper-case lines under "APPENDIX n" name the agency ("EXECUTIVE
    SECRETARIAT OF THE / INTER-AMERICAN DRUG ABUSE CONTROL COMMISSION (CICAD)");
    until a section heading comes, paragraphs stand under them."""
    if not (r.in_agency_heading and line.isupper()
            or r.in_agency_heading and r.agency is None and _heading(line) and line.upper() == line):
        r.in_agency_heading = False
        return False
    for row in rows("agencies"):
        if r.agency is None and re.search(row["pattern"], line):
            r.agency = row["agency"]
    r.section = f"{r.section} {line}" if r.section else line
    return True


def _activity_line(r: _Reading, n: int, line: str) -> None:
    """A line of Appendices I–III: a section heading, a year heading, a link
    continuing the last paragraph, or an activity paragraph."""
    if r.agency is None:
        r.quality.append(quality_row(r.source_file, line=n, field="agency",
                                     problem="appendix without a known agency heading", text=line))
        r.agency = "?"
    if _heading(line):
        r.section, r.heading_year = line, None
    elif m := _YEAR_HEADING.match(line):
        r.heading_year = int(m.group(1))
    elif r.agency == "?":
        pass  # paragraphs under an unknown agency are not rows: the quality row above says so
    elif line.lower().startswith("http") and r.acts and r.acts[-1]["agency"] == r.agency:
        r.acts[-1]["text"] += " " + line
    else:
        r.acts.append(_activity(r, n, line))


def _activity(r: _Reading, n: int, line: str) -> dict:
    """One mispa_activities row from an activity paragraph."""
    countries = [country_name(i) for i in dict.fromkeys(m.iso3 for m in find_mentions(line))]
    return {
        "mispa_id": "M" + hashlib.sha1(f"{r.source_file}\n{line}".encode()).hexdigest()[:10],
        "agency": r.agency, "section": r.section, "title": _title(line),
        "year": paragraph_year(line) or r.heading_year,
        "countries": ";".join(countries) or None,
        "other_participants": ";".join(other_participants(line)) or None,
        "text": line, "source_file": r.source_file, "line": n,
    }


def _questionnaire_line(r: _Reading, n: int, line: str) -> None:
    """Appendix IV: "Pillar 1: …" and the bulleted thematic areas under it."""
    if m := _PILLAR.match(line):
        r.pillar = (int(m.group(1)), m.group(2))
    elif r.pillar and (m := _BULLET.match(line)):
        r.themes.append({"pillar_no": r.pillar[0], "pillar": r.pillar[1],
                         "theme_no": sum(1 for t in r.themes if t["pillar_no"] == r.pillar[0]) + 1,
                         "theme": m.group(1).rstrip(" ."), "source_file": r.source_file, "line": n})
    else:
        r.pillar = None


def _tables(r: _Reading):
    """The two frames and the quality rows; a report that gave no activities
    or no pillars says so in the quality table."""
    if not r.acts:
        r.quality.append(quality_row(r.source_file, line=None, field="file",
                                     problem="no activity paragraphs found in Appendices I–III", text=None))
    if not r.themes:
        r.quality.append(quality_row(r.source_file, line=None, field="file",
                                     problem="no MISPA pillars found in the questionnaire", text=None))
    return (pd.DataFrame(r.acts, columns=TABLES["mispa_activities"].column_names),
            pd.DataFrame(r.themes, columns=TABLES["mispa_themes"].column_names), r.quality)
