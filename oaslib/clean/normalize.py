"""Turn the raw strings of a sheet into clean values: dates, text, links,
donors, placeholders. Pure functions; each returns the value and, where it
could not do its job, a problem phrase for the quality table."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from .countries import find_mentions, fold, member_states
from ..refdata import rows, split_list

# ---------------------------------------------------------------- placeholders


#: the bytes ``_key`` removes: all but a-z and 0-9
_NOT_KEY = bytes(b for b in range(128) if not (chr(b).isdigit() or "a" <= chr(b) <= "z"))


def _key(text: str) -> str:
    """Comparison key: folded, punctuation and spacing removed (what
    re.sub("[^a-z0-9]+", "", ...) leaves, at C speed: the regex cost as
    much as the rest of a placeholder test)."""
    return fold(text).encode("ascii", "ignore").translate(None, _NOT_KEY).decode("ascii")


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
        elif out[-1] == "-" and _HYPHEN_BREAK.search(out, len(out) - 2) and line[:1].isalpha():
            # "needs-" + "assessment", "Inter-" + "American": a compound
            # split at its hyphen keeps it
            out += line
        elif out[-1] == "/" and _SLASH_BREAK.search(out, len(out) - 2):
            # "maritime/" + "port": a PDF wraps after a slash between words
            out += line
        else:
            out += " " + line
    return out


_BROKEN_WORD = re.compile(r"(\w+-)$")


def hyphen_breaks(lines: list[str]) -> list[str]:
    """The words a value's lines broke at a hyphen ("Con-" / "trol" ->
    "Con-trol"): ``join_lines`` keeps such a hyphen, as a compound
    ("needs-assessment") is broken there too, so the reading is a guess."""
    lines = [" ".join(l.split()) for l in lines if l.strip()]
    out = []
    for a, b in zip(lines, lines[1:]):
        if (m := _BROKEN_WORD.search(a)) and b[:1].islower():
            out.append(m.group(1) + b.split()[0])
    return out


def clean_inline(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()).strip()


# ------------------------------------------------------------------- dates
#
# The form is US-style: 7/1/2020 is July 1. A date that only makes sense
# day-first (19/6/2015) is read day-first, as Spanish forms write it, and
# says so in ``ParsedDate.problem`` so the quality table shows the guess.

DAY_MONTH_SWAPPED = "day and month swapped: read as day/month"

_NUMERIC = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})([/.-])(\d{1,2})(?:\2(\d{1,2}))?")
_MONTH_NUM_YEAR = re.compile(r"(\d{1,2})\s*/\s*(\d{4})")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_ORD = r"(?:st|nd|rd|th|er|º|°|o)?"  # "1st", "1er" (French), "1º"
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}}){_ORD}[\s-]*(?:(?:de|of)\s+)?([a-z]+)\.?[\s,-]*(?:(?:de|del|of)\s+)?(\d{{4}})")
_MONTH_DAY_YEAR = re.compile(rf"([a-z]+)\.?\s*(\d{{1,2}}){_ORD}\s*,?\s*(\d{{4}})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?(?:\s*,?\s+|-)(?:(?:de|del|of)\s+)?(\d{4})")
#: a two-digit year: 69-99 are the 1900s, 00-68 the 2000s (POSIX strptime's rule)
_PIVOT = 69
_LONGEST = 80  # longer text is prose, not a date value


@lru_cache(maxsize=None)
def _date_words() -> dict[str, str]:
    return {_key(r["word"]) or r["word"]: r["meaning"] for r in rows("date_words")}


@lru_cache(maxsize=None)
def _months() -> dict[str, int]:
    return {fold(r["word"]): int(r["meaning"].split(":")[1])
            for r in rows("date_words") if r["meaning"].startswith("month:")}


@lru_cache(maxsize=None)
def _range_words() -> tuple[re.Pattern, re.Pattern]:
    """The words that join a range's ends ("to", "hasta", " - ") and those
    that open one ("from", "desde")."""
    def alt(meaning):
        words = sorted((fold(r["word"]) for r in rows("date_words") if r["meaning"] == meaning),
                       key=len, reverse=True)
        # a word stands alone; a dash needs a space on each side, as the
        # hyphen in "2017-01-01" has none
        return "|".join(rf"(?<![\w-]){re.escape(w)}(?![\w-])" if w[0].isalpha()
                        else rf"(?:(?<=\s)|^){re.escape(w)}(?=\s|$)" for w in words)
    return re.compile(alt("to")), re.compile(rf"(?:{alt('from')})\s+")


@dataclass(frozen=True)
class ParsedDate:
    value: str | None  # ISO text: YYYY-MM-DD, YYYY-MM or YYYY
    ongoing: bool = False
    placeholder: bool = False
    problem: str | None = None
    #: the form field a placeholder stands for ('start_date', 'end_date', 'any')
    placeholder_for: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.value[:4]) if self.value else None

    @property
    def empty(self) -> bool:
        """Nothing was said: no date, no open end, no placeholder, no problem."""
        return not (self.value or self.ongoing or self.placeholder or self.problem)


@dataclass(frozen=True)
class DateRange:
    """A Date value: its start and end (``ParsedDate(None)`` where absent).

    ``to`` tells where a lone range word stood beside a single date:
    'before' ("to 7/1/2020": an end date) or 'after' ("7/1/2020 to": read
    as a start). The bundled text layers print the end date that way too,
    in front of the form's "to"; a caller that knows where the line stands
    decides which it is."""
    start: ParsedDate
    end: ParsedDate
    to: str | None = None

    @property
    def open_end(self) -> bool:
        return self.end.ongoing

    @property
    def problem(self) -> str | None:
        return self.start.problem or self.end.problem


_NONE = ParsedDate(None)


def _clean_date_text(text: str) -> str:
    return " ".join(fold(text).split()).strip(" .;:")


def is_date_like(text: str) -> bool:
    """Whether a form line holds a date value (or a date range, a date word
    or a date placeholder), with or without the form's "to"."""
    if not text or len(text) > _LONGEST:
        return False
    r = parse_date_range(text)
    return any(d.value or d.ongoing or d.placeholder or d.problem == "impossible date"
               for d in (r.start, r.end)) or _date_words().get(_key(text)) == "unspecified"


def parse_date(text: str, day_first: bool = False) -> ParsedDate:
    """One date: any of the forms above, a date word (an open end), or the
    form's date placeholder; a lone "to" or "from" beside it is ignored. Two
    dates where one was expected are a problem. ``day_first``: a numeric
    date is read D/M (the other end of its range can only be read so)."""
    if not text or not text.strip():
        return _NONE
    if len(text) > _LONGEST:
        return ParsedDate(None, problem="unparseable date")
    r = parse_date_range(text, day_first)
    if r.start.empty:
        return r.end
    if r.end.empty:
        return r.start
    return ParsedDate(None, problem="a date range where one date was expected")


@lru_cache(maxsize=8192)
def parse_date_range(text: str, day_first: bool = False) -> DateRange:
    """A Date value: "1/1/2017 to 12/31/2017", "from June 2015", "to Present",
    "1/1/2017 - Ongoing", "del 1 de enero de 2017 al 31 de diciembre de 2017",
    or a single date (in ``start``, or ``end`` after a "to")."""
    t = _clean_date_text(text)
    if not t:
        return DateRange(_NONE, _NONE)
    whole = _parse_one(t, day_first)
    if not whole.problem:
        if whole.placeholder_for == "end_date":
            return DateRange(_NONE, whole)
        return DateRange(_NONE, whole) if whole.ongoing else DateRange(whole, _NONE)
    to_re, from_re = _range_words()
    t = from_re.sub("", t, count=1) if from_re.match(t) else t
    parts = to_re.split(t, maxsplit=1)
    if len(parts) == 2 and _date_words().get(_key(t[len(parts[0]):])) == "ongoing":
        parts = [parts[0], t[len(parts[0]):]]  # "from march 2016 to date": "to date" is the open end
    if len(parts) == 1:
        return (_unspaced_range(t, day_first) or _short_start(t)
                or DateRange(_parse_one(t, day_first), _NONE))
    a, b = parts[0].strip(" ,"), parts[1].strip(" ,")
    if not a and not b:
        return DateRange(_NONE, _NONE)
    if not a:
        return DateRange(_NONE, _parse_one(b, day_first), to="before")
    if not b:
        one = _parse_one(a, day_first)
        if one.placeholder_for == "end_date" or one.ongoing:
            return DateRange(_NONE, one, to="after")
        return DateRange(one, _NONE, to="after")
    start, end = _parse_one(a, day_first), _parse_one(b, day_first)
    if start.problem and end.value:
        start = _completed(a, end) or start
    return _consistent(start, end, a, b)


_SHORT_START = re.compile(r"([a-z]+|\d{1,2})\.?\s*[-–—]\s*(\S.*)")


def _short_start(t: str) -> DateRange | None:
    """"march-june 2017", "1-3 june 2018": a range whose start gives only
    the month or the day, joined to its end by a dash without spaces."""
    m = _SHORT_START.fullmatch(t)
    if not m:
        return None
    end = _parse_one(m.group(2))
    start = _completed(m.group(1), end) if end.value and not end.problem else None
    return DateRange(start, end) if start else None


def _completed(short: str, end: ParsedDate) -> ParsedDate | None:
    """The start of a range that leaves out what its end says ("March to
    June 2017", "1 al 3 de junio de 2018"): its month or day, with the
    end's year (and month)."""
    short = short.strip(" .")
    y = end.value[:4]
    if short in _months() and len(end.value) >= 7:  # "jan-2017" is a month, no range
        return ParsedDate(f"{y}-{_months()[short]:02d}")
    if short.isdigit() and len(end.value) == 10:
        try:
            d = date(int(y), int(end.value[5:7]), int(short))
        except ValueError:
            return None
        return ParsedDate(d.isoformat()) if d.isoformat() <= end.value else None
    return None


def _consistent(a: ParsedDate, b: ParsedDate, ta: str, tb: str, to: str | None = None) -> DateRange:
    return DateRange(*_day_first_both(a, b, lambda t: _parse_one(t, True), ta, tb), to)


def parse_start_end(start: str, end: str) -> tuple[ParsedDate, ParsedDate]:
    """A sheet's start and end dates, each read as ``parse_date`` reads it,
    both day-first where one can only be read so."""
    return _day_first_both(parse_date(start), parse_date(end), lambda t: parse_date(t, True), start, end)


def _day_first_both(a: ParsedDate, b: ParsedDate, day_first, ta: str, tb: str) -> tuple[ParsedDate, ParsedDate]:
    """A range whose one end can only be read day-first ("01/07/2015 -
    31/12/2016"): the sheet writes D/M, so the other end is read so too,
    with the same problem noted. ``day_first`` reads a text D/M."""
    if (a.problem == DAY_MONTH_SWAPPED) != (b.problem == DAY_MONTH_SWAPPED):
        if a.problem == DAY_MONTH_SWAPPED and b.value and not b.problem:
            b = _swapped(day_first(tb), b)
        elif b.problem == DAY_MONTH_SWAPPED and a.value and not a.problem:
            a = _swapped(day_first(ta), a)
    return a, b


def _swapped(day_first: ParsedDate, as_read: ParsedDate) -> ParsedDate:
    if day_first.value == as_read.value or day_first.problem not in (None, DAY_MONTH_SWAPPED):
        return as_read
    return ParsedDate(day_first.value, problem=DAY_MONTH_SWAPPED)


def _unspaced_range(t: str, day_first: bool = False) -> DateRange | None:
    """"1/1/2017-12/31/2017": a hyphen between two whole dates (ISO dates
    hold hyphens too, so both sides must read as dates)."""
    for m in re.finditer(r"(?<=\d)\s*[-–—]\s*(?=\d)", t):
        a, b = _parse_one(t[:m.start()], day_first), _parse_one(t[m.end():], day_first)
        if a.value and b.value and not ({a.problem, b.problem} - {None, DAY_MONTH_SWAPPED}):
            return _consistent(a, b, t[:m.start()], t[m.end():])
    return None


def _parse_one(t: str, day_first: bool = False) -> ParsedDate:
    """One date from folded text, or a problem."""
    ph = placeholder_field(t)
    if ph in ("start_date", "end_date", "none"):
        return ParsedDate(None, placeholder=True, placeholder_for=ph)
    meaning = _date_words().get(_key(t))
    if meaning == "ongoing":
        return ParsedDate(None, ongoing=True)
    if meaning == "unspecified":
        return _NONE
    try:
        return _numeric(t, day_first) or _named(t) or ParsedDate(None, problem="unparseable date")
    except ValueError:
        return ParsedDate(None, problem="impossible date")


def _numeric(t: str, day_first: bool = False) -> ParsedDate | None:
    if m := _YEAR.fullmatch(t):
        return ParsedDate(m.group(1))
    if m := _NUMERIC.fullmatch(t):
        a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
        year = int(y) if len(y) == 4 else (1900 if int(y) >= _PIVOT else 2000) + int(y)
        # dots are the day-first convention ("01.07.2015"): no US form writes them
        day_first = day_first or m.group(2) == "."
        if a > 12 >= b or (day_first and a != b and b <= 12):
            return ParsedDate(date(year, b, a).isoformat(), problem=DAY_MONTH_SWAPPED)
        return ParsedDate(date(year, a, b).isoformat())
    if m := _ISO.fullmatch(t):
        y, mo, d = int(m.group(1)), int(m.group(3)), m.group(4)
        if d:
            return ParsedDate(date(y, mo, int(d)).isoformat())
        date(y, mo, 1)
        return ParsedDate(f"{y:04d}-{mo:02d}")
    if m := _MONTH_NUM_YEAR.fullmatch(t):
        y, mo = int(m.group(2)), int(m.group(1))
        date(y, mo, 1)
        return ParsedDate(f"{y:04d}-{mo:02d}")
    return None


def _named(t: str) -> ParsedDate | None:
    """Dates with a month name, English or Spanish: "June 19, 2015",
    "19 June 2015", "19 de junio de 2015", "June 2015"."""
    months = _months()
    if (m := _DAY_MONTH_YEAR.fullmatch(t)) and m.group(2) in months:
        return ParsedDate(date(int(m.group(3)), months[m.group(2)], int(m.group(1))).isoformat())
    if (m := _MONTH_DAY_YEAR.fullmatch(t)) and m.group(1) in months:
        return ParsedDate(date(int(m.group(3)), months[m.group(1)], int(m.group(2))).isoformat())
    if (m := _MONTH_YEAR.fullmatch(t)) and m.group(1) in months:
        return ParsedDate(f"{int(m.group(2)):04d}-{months[m.group(1)]:02d}")
    return None


# -------------------------------------------------------------------- urls

_URL_START = re.compile(r"^(?:https?://|www\.)", re.I)


def is_url_start(text: str) -> bool:
    return bool(_URL_START.match(text.strip()))


_NEXT_LINK = re.compile(r"[\s;,]+(?=https?://|www\.)", re.I)


def split_links(text: str) -> list[str]:
    """The links of one box: "http://a.org; http://b.org" is two."""
    return [p for p in _NEXT_LINK.split(text) if p]


def join_url(fragments: list[str]) -> tuple[str | None, str | None]:
    """Rejoin a link the PDF broke across lines; (url, problem)."""
    url = "".join(f.strip() for f in fragments)
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]  # "<http://…>", as mail and some word processors print a link
    # the punctuation of the sentence or list the link ends ("... .asp.");
    # a closing bracket only when the link opened none
    url = url.rstrip(".,;:")
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(".,;:")
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
    for r in rows("member_states"):
        entry = (r["country"], "member state", r["iso3"])
        for name in (r["country"], r["name_es"]):
            if name:
                out.setdefault(_key(name), entry)
    return out


@lru_cache(maxsize=None)
def _donor_prefix() -> re.Pattern:
    words = sorted((fold(r["prefix"]) for r in rows("donor_prefixes")), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\s+")


@lru_cache(maxsize=None)
def _donor_suffix() -> re.Pattern:
    """The words after a donor's name that say where it funds from ("to the
    OAS", "in <member state>"): group 'donor' ends before them, group
    'state' holds the place named after a word like "in"."""
    fixed, before_state = [], []
    for r in rows("donor_suffixes"):
        words, state, _ = fold(r["suffix"]).partition("<member state>")
        (before_state if state else fixed).append(re.escape(words.strip()).replace(r"\ ", r"\s+"))
    alts = [*fixed, r"(?:" + "|".join(before_state) + r")\s+(?P<state>.+)"] if before_state else fixed
    return re.compile(r"^(?P<donor>.*?\S)\s+(?:" + "|".join(alts) + r")\s*$")


# the separators between donors; "e" is Spanish "y" before an i- sound
# ("España e Italia") and Portuguese "and", "et" French (the forms of Haiti
# and Brazil); names that hold them ("Trinité-et-Tobago") match whole first
_DONOR_SPLIT = re.compile(r"(\s*(?:;|,|&|/|\n|\band\b|\by\b|\be\b|\bet\b)\s*)")
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
# "European Union-Jamaica", "Unión Europea – Perú": a donor's funding under
# its agreement with the member state the sheet is about
_DASH_STATE = re.compile(r"^(.+?)\s*[-–—]\s*([^-–—]+)$")


@lru_cache(maxsize=4096)
def _lookup_donor(text: str) -> tuple[str, str, str | None] | None:
    # cached per piece of a donor box (a name, a list of names): reading one
    # box looks its pieces up several times over (the whole text, then the
    # pieces, then again to keep or merge them), and sheets name the same
    # few dozen donors again and again
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
        # the bracket names the donor only when what stands before it is one
        # name: "United States (INL), Canada (ACCBP)" is a list, not Canada
        return _lookup_donor(m.group(1)) or (None if _DONOR_SPLIT.search(m.group(1)) else _lookup_donor(m.group(2)))
    if (m := _DASH_STATE.match(text)) and _is_member_state(m.group(2)):
        return _lookup_donor(m.group(1))
    if m := _donor_prefix().match(fold(text)):  # "Government of Canada", "Gobierno de Italia"
        return _lookup_donor(text[m.end():])
    if (m := _donor_suffix().match(fold(text))) and (m["state"] is None or _is_member_state(m["state"])):
        return _lookup_donor(text[:m.end("donor")])  # "… of Spain to the OAS", "… of Japan in Panama"
    # a name cut off at a line end: a prefix of exactly one known alias
    if len(k) >= 12:
        hits = set(_aliases_starting(k))
        if len(hits) == 1:
            return hits.pop()
    return None


def _is_member_state(text: str) -> bool:
    """The whole text names one member state (a name, variant or ISO3)."""
    mentions = find_mentions(text)
    return len(mentions) == 1 and len(_key(mentions[0].text)) >= len(_key(text)) - 1


@lru_cache(maxsize=None)
def _sorted_aliases() -> tuple[list[str], list[tuple[str, str, str | None]]]:
    keys = sorted(_donor_aliases())
    return keys, [_donor_aliases()[k] for k in keys]


def _aliases_starting(prefix: str) -> list[tuple[str, str, str | None]]:
    """The donors whose alias keys start with ``prefix``: the keys sorted,
    they stand together from where ``prefix`` would go."""
    keys, donors = _sorted_aliases()
    lo = bisect.bisect_left(keys, prefix)
    hi = lo
    while hi < len(keys) and keys[hi].startswith(prefix):
        hi += 1
    return donors[lo:hi]


def _trim(piece: str) -> str:
    """A donor's text without the separators around it, and without a
    sentence's final period, but an abbreviation keeps its own ("U.S.",
    "EE.UU.")."""
    piece = piece.strip(" ;,")
    while piece.endswith(".") and not _ABBREVIATION.search(piece):
        piece = piece[:-1].rstrip(" ;,")
    return piece.lstrip(". ")


#: a word of dotted initials ending a name: "U.S.", "EE.UU.", "U.S.A."
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Za-z]{1,2}\.){2,}$")


def parse_donors(text: str) -> tuple[list[Donor], list[str]]:
    """Canonical donors named in a Donor Countries value, and the pieces
    that matched no known donor (kept as kind 'other'). Donors may be
    separated by ; , / & "and" "y", or stand one per line."""
    if "\n" in text:
        text = "; ".join(split_donor_lines(text.split("\n")))
    text = _trim(clean_inline(text))
    if not text:
        return [], []
    whole = _lookup_donor(text)
    pieces = [text] if whole else _split_donors(text)
    if any(_lookup_donor(p) is None for p in pieces):
        # "United States Mexico Trinidad and Tobago": names one after another
        whole_seg = _segment(text)
        if len(whole_seg) > 1:
            pieces = whole_seg
    donors, unknown = [], []
    for piece in pieces:
        hit = _lookup_donor(piece)
        if hit is None:
            if piece not in unknown:
                unknown.append(piece)
                donors.append(Donor(piece, "other", None, piece))
        elif hit[0] not in {d.name for d in donors}:
            donors.append(Donor(hit[0], hit[1], hit[2], piece))
    return donors, unknown


#: the most words one donor's name has ("Banco de Desarrollo de América Latina (CAF)")
_NAME_WORDS = 10


def _segment(text: str) -> list[str]:
    """Names printed one after another with no separator, as a text layer
    that joined the form's lines gives them ("Canada Italy"): the split into
    known donors only, fewest pieces first; ``[text]`` when there is none."""
    words = text.split()
    if len(words) < 2 or len(words) > 4 * _NAME_WORDS:
        return [text]
    best: list[list[str] | None] = [[]] + [None] * len(words)
    for end in range(1, len(words) + 1):
        if best[end - 1] is not None and _DONOR_SPLIT.fullmatch(" " + words[end - 1] + " "):
            best[end] = best[end - 1]  # a separator word between two names
        for start in range(max(0, end - _NAME_WORDS), end):
            if best[start] is None:
                continue
            chunk = " ".join(words[start:end]).strip(" .;,/&")
            if _lookup_donor(chunk) and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + [chunk]
    return best[-1] if best[-1] and len(best[-1]) > 1 else [text]


#: how many lines one donor's name may wrap over
_WRAP = 3


def split_donor_lines(lines: list[str]) -> list[str]:
    """The donor texts of a value printed one donor per line, with a name
    the form wrapped over lines joined again ("Banco de Desarrollo de" /
    "América Latina (CAF)"). A line may still hold several donors."""
    lines = [" ".join(l.split()) for l in lines]
    lines = [l for l in lines if l.strip(" .;,")]
    out, i = [], 0
    while i < len(lines):
        for j in range(min(len(lines), i + _WRAP), i + 1, -1):
            joined = " ".join(lines[i:j])
            if _lookup_donor(joined):
                out.append(joined)
                i = j
                break
        else:
            out.append(lines[i])
            i += 1
    return out


def _split_donors(text: str) -> list[str]:
    """Pieces between separators outside parentheses, a piece rejoined with
    its neighbour where only the two together name a donor ("Trinidad and
    Tobago", "San Vicente y las Granadinas")."""
    pieces: list[str] = []
    seps: list[str] = []  # seps[k] stood between pieces[k] and pieces[k + 1]
    depth, cur = 0, ""
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
        for sep, b in zip(bits[1::2], bits[2::2]):
            pieces.append(cur)
            seps.append(sep)
            cur = b
    pieces.append(cur)
    merged: list[str] = []
    for k, p in enumerate(pieces):
        p = _trim(p)
        if merged and (p == "" or _lookup_donor(p) is None or _lookup_donor(merged[-1]) is None):
            both = merged[-1] + seps[k - 1] + p if p else merged[-1]
            if p == "" or _lookup_donor(both):
                merged[-1] = both.strip(" .;,")
                continue
        if p:
            merged.append(p)
    return merged
