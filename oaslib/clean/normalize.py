"""Turn the raw strings of a sheet into clean values: dates, text, links,
donors, placeholders. Pure functions; each returns the value and, where it
could not do its job, a problem phrase for the quality table."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from .countries import find_mentions, fold, member_states
from ..refdata import rows, split_list

# ---------------------------------------------------------------- placeholders


def _key(text: str) -> str:
    """Comparison key: folded, punctuation and spacing removed."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


@lru_cache(maxsize=None)
def _placeholders() -> dict[str, str]:
    return {_key(r["text"]): r["field"] for r in rows("placeholders")}


def placeholder_field(text: str) -> str | None:
    """The form field whose unfilled hint ``text`` is ('any' for generic
    hints), or None when ``text`` is a real value."""
    return _placeholders().get(_key(text)) if text and len(text) < 80 else None


# ------------------------------------------------------------------- text


_HYPHEN_BREAK = re.compile(r"(\w)-$")
_SLASH_BREAK = re.compile(r"\w/$")


def join_lines(lines: list[str]) -> str:
    """Undo PDF line wrapping inside one paragraph."""
    out = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if not out:
            out = line
        elif _HYPHEN_BREAK.search(out, len(out) - 2) and line[:1].islower():
            # "needs-" + "assessment": a compound split at its hyphen keeps it
            out += line
        elif _SLASH_BREAK.search(out, len(out) - 2):
            # "maritime/" + "port": a PDF wraps after a slash between words
            out += line
        else:
            out += " " + line
    return out


def clean_inline(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()).strip()


# ------------------------------------------------------------------- dates

_MDY = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m: i + 1 for i, m in enumerate(
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split())})
_MONTHS["setiembre"] = 9
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(?:de\s+|of\s+)?(\d{4})$")


@lru_cache(maxsize=None)
def _date_words() -> dict[str, str]:
    return {_key(r["word"]): r["meaning"] for r in rows("date_words")}


@dataclass(frozen=True)
class ParsedDate:
    value: str | None  # ISO text: YYYY-MM-DD, YYYY-MM or YYYY
    ongoing: bool = False
    placeholder: bool = False
    problem: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.value[:4]) if self.value else None


def is_date_like(text: str) -> bool:
    """Whether a form line holds a date value (or a date word/placeholder)."""
    t = clean_inline(text).rstrip(".")
    if not t:
        return False
    return bool(_MDY.match(t) or _ISO.match(t) or _YEAR.match(t)
                or _MONTH_YEAR.match(fold(t)) or _key(t) in _date_words()
                or placeholder_field(t) in ("start_date", "end_date"))


def parse_date(text: str) -> ParsedDate:
    t = clean_inline(text).rstrip(".").strip()
    if not t:
        return ParsedDate(None)
    if placeholder_field(t) in ("start_date", "end_date"):
        return ParsedDate(None, placeholder=True)
    meaning = _date_words().get(_key(t))
    if meaning == "ongoing":
        return ParsedDate(None, ongoing=True)
    if m := _YEAR.match(t):
        return ParsedDate(m.group(1))
    try:
        if m := _MDY.match(t):
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if a > 12 >= b:  # day-first, as Spanish forms write it
                a, b = b, a
            return ParsedDate(date(y, a, b).isoformat())
        if m := _ISO.match(t):
            y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
            if d:
                return ParsedDate(date(y, mo, int(d)).isoformat())
            date(y, mo, 1)
            return ParsedDate(f"{y:04d}-{mo:02d}")
        if (m := _MONTH_YEAR.match(fold(t))) and m.group(1) in _MONTHS:
            return ParsedDate(f"{int(m.group(2)):04d}-{_MONTHS[m.group(1)]:02d}")
    except ValueError:
        return ParsedDate(None, problem="impossible date")
    return ParsedDate(None, problem="unparseable date")


# -------------------------------------------------------------------- urls

_URL_START = re.compile(r"^(?:https?://|www\.)", re.I)


def is_url_start(text: str) -> bool:
    return bool(_URL_START.match(text.strip()))


def join_url(fragments: list[str]) -> tuple[str | None, str | None]:
    """Rejoin a link the PDF broke across lines; (url, problem)."""
    url = "".join(f.strip() for f in fragments)
    if not url:
        return None, None
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[": an unclosed IPv6 bracket
        return None, "not a URL"
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in url:
        return None, "not a URL"
    return url, None


# ------------------------------------------------------------------ donors


@dataclass(frozen=True)
class Donor:
    name: str
    kind: str
    iso3: str | None
    text: str


@lru_cache(maxsize=None)
def _donor_aliases() -> dict[str, tuple[str, str, str | None]]:
    out: dict[str, tuple[str, str, str | None]] = {}
    for r in rows("donors"):
        entry = (r["donor"], r["donor_kind"], r["donor_iso3"] or None)
        for alias in [r["donor"], *split_list(r["aliases"])]:
            out[_key(alias)] = entry
    for st in member_states().values():
        out.setdefault(_key(st.country), (st.country, "member state", st.iso3))
    return out


_DONOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\by\b|&|/)\s*")
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _lookup_donor(text: str) -> tuple[str, str, str | None] | None:
    aliases = _donor_aliases()
    k = _key(text)
    if not k:
        return None
    if k in aliases:
        return aliases[k]
    mentions = find_mentions(text)
    if mentions and len(mentions) == 1 and len(_key(mentions[0].text)) >= len(k) - 1:
        st = member_states()[mentions[0].iso3]
        return (st.country, "member state", st.iso3)
    if m := _PAREN.match(text):  # "Spain (AECID)", "Banco de … (CAF)"
        return _lookup_donor(m.group(1)) or _lookup_donor(m.group(2))
    # a name cut off at a line end: a prefix of exactly one known alias
    if len(k) >= 12:
        hits = {v for a, v in aliases.items() if a.startswith(k)}
        if len(hits) == 1:
            return hits.pop()
    return None


def parse_donors(text: str) -> tuple[list[Donor], list[str]]:
    """Canonical donors named in a Donor Countries value, and the pieces
    that matched no known donor (kept as kind 'other')."""
    text = clean_inline(text).strip(" .;,")
    if not text:
        return [], []
    whole = _lookup_donor(text)
    pieces = [text] if whole else _split_donors(text)
    donors, unknown = [], []
    for piece in pieces:
        hit = _lookup_donor(piece)
        if hit is None:
            unknown.append(piece)
            donors.append(Donor(piece, "other", None, piece))
        elif hit[0] not in {d.name for d in donors}:
            donors.append(Donor(hit[0], hit[1], hit[2], piece))
    return donors, unknown


def _split_donors(text: str) -> list[str]:
    # split on separators outside parentheses only
    out, depth, cur = [], 0, ""
    for part in re.split(r"([()])", text):
        if part == "(":
            depth += 1
        elif part == ")":
            depth = max(0, depth - 1)
        if depth or part in "()":
            cur += part
            continue
        bits = _DONOR_SPLIT.split(part)
        cur += bits[0]
        for b in bits[1:]:
            out.append(cur)
            cur = b
    out.append(cur)
    pieces = [p.strip(" .;,") for p in out if p.strip(" .;,")]
    # "Trinidad and Tobago" was split on "and": rejoin pieces that only make
    # sense together
    merged: list[str] = []
    for p in pieces:
        if merged and _lookup_donor(p) is None and _lookup_donor(merged[-1] + " and " + p):
            merged[-1] = merged[-1] + " and " + p
        elif merged and _lookup_donor(merged[-1]) is None and _lookup_donor(merged[-1] + " and " + p):
            merged[-1] = merged[-1] + " and " + p
        else:
            merged.append(p)
    return merged
