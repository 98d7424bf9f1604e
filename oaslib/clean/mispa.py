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
"""
from __future__ import annotations

import hashlib
import re
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


def looks_like_mispa(lines: list[str]) -> bool:
    """A MISPA mandates report: appendices naming the SMS dependencies."""
    appendices = sum(1 for l in lines if _APPENDIX.match(l))
    text = "\n".join(lines[:5000])
    agencies = sum(1 for r in rows("agencies") if re.search(r["pattern"], text))
    return appendices >= 2 and agencies >= 2 and "MISPA" in text


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


def parse_mispa(lines: list[str], source_file: str):
    """(mispa_activities, mispa_themes, quality rows) from a report's lines."""
    acts, themes, quality = [], [], []
    appendix, agency, section, heading_year = None, None, None, None
    in_agency_heading = False
    pillar = None
    for n, raw in enumerate(lines, 1):
        line = " ".join(raw.split())
        if not line:
            continue
        if m := _APPENDIX.match(line):
            appendix, agency, section, heading_year, pillar = m.group(1).upper(), None, None, None, None
            in_agency_heading = True
            continue
        if appendix is None:
            continue  # the narrative before the appendices is not an activity list
        if in_agency_heading and line.isupper() or in_agency_heading and agency is None and _heading(line) and line.upper() == line:
            for r in rows("agencies"):
                if agency is None and re.search(r["pattern"], line):
                    agency = r["agency"]
            # until a section heading comes, paragraphs stand under the appendix's own
            section = f"{section} {line}" if section else line
            continue
        in_agency_heading = False
        if appendix in ("I", "II", "III"):
            if agency is None:
                quality.append(quality_row(source_file, line=n, field="agency", problem="appendix without a known agency heading", text=line))
                agency = "?"
            if _heading(line):
                section, heading_year = line, None
                continue
            if m := _YEAR_HEADING.match(line):
                heading_year = int(m.group(1))
                continue
            if agency == "?":
                continue
            if line.lower().startswith("http") and acts and acts[-1]["agency"] == agency:
                acts[-1]["text"] += " " + line
                continue
            year = paragraph_year(line) or heading_year
            title = _title(line)
            countries = [country_name(i) for i in dict.fromkeys(m.iso3 for m in find_mentions(line))]
            acts.append({
                "mispa_id": "M" + hashlib.sha1(f"{source_file}\n{line}".encode()).hexdigest()[:10],
                "agency": agency, "section": section, "title": title, "year": year,
                "countries": ";".join(countries) or None,
                "other_participants": ";".join(other_participants(line)) or None,
                "text": line, "source_file": source_file, "line": n,
            })
        else:  # the questionnaire: pillars and their thematic areas
            if m := _PILLAR.match(line):
                pillar = (int(m.group(1)), m.group(2))
                continue
            if pillar and (m := _BULLET.match(line)):
                themes.append({"pillar_no": pillar[0], "pillar": pillar[1],
                               "theme_no": sum(1 for t in themes if t["pillar_no"] == pillar[0]) + 1,
                               "theme": m.group(1).rstrip(" ."), "source_file": source_file, "line": n})
                continue
            pillar = None
    if not acts:
        quality.append(quality_row(source_file, line=None, field="file", problem="no activity paragraphs found in Appendices I–III", text=None))
    if not themes:
        quality.append(quality_row(source_file, line=None, field="file", problem="no MISPA pillars found in the questionnaire", text=None))
    a = pd.DataFrame(acts, columns=TABLES["mispa_activities"].column_names)
    t = pd.DataFrame(themes, columns=TABLES["mispa_themes"].column_names)
    return a, t, quality
