"""Harmonise member-state names: variants, accents, Spanish names, demonyms.

``find_mentions`` locates every member state a text names (longest variant
first, so "Dominican Republic" is never read as "Dominica");
``resolve`` turns one name, variant or ISO3 code into a member state, with a
suggestion when it cannot.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError
from ..refdata import rows


@dataclass(frozen=True)
class MemberState:
    iso3: str
    country: str


@dataclass(frozen=True)
class Mention:
    iso3: str
    kind: str  # name | demonym | abbreviation
    start: int
    end: int
    text: str


_COMBINING = re.compile(r"[\u0300-\u036f]")
# typographic quotes match their plain forms; one character for one, so
# offsets into the folded text stay offsets into the text
# (str.replace per quote present: str.translate costs ~8x the whole fold)
_QUOTES = [(q, "'") for q in "\u2018\u2019\u201a\u201b\u2032"] + [(q, '"') for q in "\u201c\u201d\u201e\u201f\u2033"]


def fold(text: str) -> str:
    """Lower-case, accent-free form for matching ("Panamá" -> "panama",
    "People’s" -> "people's")."""
    if text.isascii():
        return text.casefold()
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    for q, plain in _QUOTES:
        if q in text:
            text = text.replace(q, plain)
    return text.casefold()


@lru_cache(maxsize=None)
def member_states() -> dict[str, MemberState]:
    return {r["iso3"]: MemberState(r["iso3"], r["country"]) for r in rows("member_states")}


def country_name(iso3: str) -> str:
    return member_states()[iso3].country


@lru_cache(maxsize=None)
def _variants() -> tuple[tuple[str, str, str], ...]:
    """(variant, iso3, kind) for every spelling, official names included."""
    out = []
    for r in rows("member_states"):
        out.append((r["country"], r["iso3"], "name"))
        if r["name_es"] and r["name_es"] != r["country"]:
            out.append((r["name_es"], r["iso3"], "name"))
    for r in rows("country_variants"):
        out.append((r["variant"], r["iso3"], r["kind"]))
    return tuple(out)


def _pattern(variant: str, kind: str) -> str:
    return "|".join(_alternatives(variant, kind))


def _alternatives(variant: str, kind: str) -> list[str]:
    """The regexes of one variant, each starting with a literal letter:
    "Saint Lucia" is also "St. Lucia" and "St Lucia"."""
    v = re.escape(fold(variant)).replace(r"\ ", r"\s+")
    if kind == "demonym":
        # English plurals, and Spanish -o/-a/-os/-as endings
        if variant.endswith("o"):
            v = v[:-1] + "(?:o|a|os|as)"
        else:
            v += "(?:s|es)?"
    if r"saint\s+" not in v:
        return [v]
    return [v, v.replace(r"saint\s+", r"st\.?\s+")]


def _literal_head(pattern: str) -> str | None:
    """The literal character a regex starts with, as written ("a", "\\&"),
    or None when it starts with anything else (a class, a group)."""
    if pattern[:1].isalnum():
        return pattern[0]
    if pattern[:1] == "\\" and len(pattern) > 1 and not pattern[1].isalnum():
        return pattern[:2]
    return None


def _grouped(patterns: list[str], depth: int = 2, not_after: str = "") -> str:
    """One alternation of ``patterns`` that matches exactly as
    "|".join(patterns) does, factored by leading characters
    ("a(?:ntigua…|rgentin…)|b(?:…)"): Python's regex engine tries every
    branch of an alternation at every word start, and ~170 spellings made
    member-state matching a fifth of the cleaning time. Branches that start
    with different literal characters can never match at the same place, so
    grouping them changes no match; within a group the order is kept.

    ``not_after`` (a character class) is checked after each leading
    character, as a lookbehind: the regex then starts with literals, which
    the engine skips to (fast for capitals, rare in text)."""
    heads = [_literal_head(p) for p in patterns]
    if depth == 0 or len(patterns) < 2 or None in heads or any(len(h) == len(p) for h, p in zip(heads, patterns)):
        if not_after:
            raise ValueError(f"cannot check {not_after} after a leading literal in {patterns}")
        return "|".join(patterns)
    groups: dict[str, list[str]] = {}
    for h, p in zip(heads, patterns):
        groups.setdefault(h, []).append(p[len(h):])
    return "|".join(h + (f"(?<!{not_after}{h})" if not_after else "")
                    + (rest[0] if len(rest) == 1 else "(?:" + _grouped(rest, depth - 1) + ")")
                    for h, rest in groups.items())


@lru_cache(maxsize=None)
def _matchers():
    """One regex for the case-insensitive variants (on folded text) and one
    for abbreviations, matched as written ("US" but never "us")."""
    loose, strict, lookup = [], [], {}
    for variant, iso3, kind in sorted(_variants(), key=lambda v: -len(v[0])):
        if kind == "abbreviation":
            strict.append(re.escape(variant))
            lookup[variant] = (iso3, kind)
        else:
            loose += _alternatives(variant, kind)
    # a hyphen is a boundary: "the Haiti-Dominican Republic border" names both.
    # A name starts after a non-word character (the text gets a space in
    # front): a regex that opens with a character class lets the engine
    # skip along the text to the next one, where "(?<!\w)" was tried at
    # every character (a fifth less time)
    loose_re = re.compile(r"\W(" + _grouped(loose) + r")(?!\w)")
    # not before "$": "US$ 50,000" is an amount, not the United States
    strict_re = re.compile(r"(?:" + _grouped(strict, not_after=r"[\w.]") + r")(?![\w$])")
    # map a folded match back to its variant: try each variant's own pattern
    singles = [(re.compile(r"(?:" + _pattern(v, k) + r")\Z"), iso3, k)
               for v, iso3, k in sorted(_variants(), key=lambda v: -len(v[0])) if k != "abbreviation"]
    return loose_re, strict_re, lookup, singles


@lru_cache(maxsize=4096)
def _identify(folded_match: str) -> tuple[str, str]:
    _, _, _, singles = _matchers()
    for rx, iso3, kind in singles:
        if rx.match(folded_match):
            return iso3, kind
    raise KeyError(folded_match)  # pragma: no cover - the big regex came from these


def find_mentions(text: str) -> list[Mention]:
    """Every member state ``text`` names, in order of appearance."""
    loose_re, strict_re, lookup, _ = _matchers()
    folded = fold(text)
    # folding can change length (e.g. ligatures); fall back to folded offsets
    same = len(folded) == len(text)
    out = []
    for m in loose_re.finditer(" " + folded):
        start, end = m.start(1) - 1, m.end(1) - 1  # offsets into ``folded``
        iso3, kind = _identify(re.sub(r"\s+", " ", m.group(1)))
        shown = text[start:end] if same else m.group(1)
        out.append(Mention(iso3, kind, start, end, shown))
    for m in strict_re.finditer(text):
        iso3, kind = lookup[m.group(0)]
        out.append(Mention(iso3, kind, m.start(), m.end(), m.group(0)))
    out.sort(key=lambda m: m.start)
    return out


def resolve(query: str) -> MemberState:
    """A member state from a name, variant, demonym or ISO3 code; ``UsageError``
    with a did-you-mean suggestion otherwise."""
    q = " ".join(str(query).split())
    states = member_states()
    if q.upper() in states:
        return states[q.upper()]
    mentions = find_mentions(q)
    if mentions and mentions[0].start == 0 and mentions[0].end >= len(fold(q)):
        return states[mentions[0].iso3]
    names = {fold(v): iso3 for v, iso3, _ in _variants()}
    close = difflib.get_close_matches(fold(q), list(names), n=1, cutoff=0.6)
    hint = f"; did you mean {states[names[close[0]]].country}?" if close else ""
    raise UsageError(f"no member state {q!r}{hint}")
