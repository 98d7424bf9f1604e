"""Which briefs the data has and what they are called: a brief's file
stem, the member states and years with data (one rule for the years a
program covers), and a user's name for one resolved to its key with a
suggestion when there is none."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ..clean import store
from ..clean.countries import resolve
from ..errors import UsageError


def brief_stem(kind: str, key: str, lang: str = "en") -> str:
    """'country-PAN' (English, the default) or 'country-PAN.es'."""
    return f"{kind}-{key}" if lang == "en" else f"{kind}-{key}.{lang}"


def years_covered(start_year, end_year, through_year: int) -> range:
    """The one rule for the calendar years a program covers, used by the
    year briefs and by the list of year briefs a build makes: from its start
    year to its end year; with a start and no end, to ``through_year`` (the
    as-of year: an open program counts as running, as its status says);
    with only an end, that end year; with neither, no year."""
    s = None if pd.isna(start_year) else int(start_year)
    e = None if pd.isna(end_year) else int(end_year)
    if s is not None:
        last = e if e is not None else through_year
        return range(s, max(s, last) + 1)
    return range(e, e + 1) if e is not None else range(0)


def available_keys(kind: str, data_dir: Path, as_of: date | None = None) -> list[str]:
    """The briefs the data has: member states (ISO3) named by a sheet or a
    MISPA activity, or the years some program covers (``years_covered``, the
    rule the year brief uses) or some MISPA activity is dated in."""
    acts = store.read_table("activities", data_dir)
    mispa = store.read_table("mispa_activities", data_dir)
    if kind == "country":
        keys = set(acts.iso3.dropna())
        for cs in mispa.countries.dropna():
            keys |= {resolve(c).iso3 for c in cs.split(";")}
        return sorted(keys)
    through = (as_of or date.today()).year
    a = acts[acts.duplicate_of.isna()]
    years = {y for s, e in zip(a.start_year, a.end_year) for y in years_covered(s, e, through)}
    years |= {int(y) for y in mispa.year.dropna()}
    return [str(y) for y in sorted(years)]


def resolve_key(kind: str, text: str, data_dir: Path, as_of: date | None = None) -> str:
    """'country': a name, variant or ISO3 -> ISO3; 'year': '2017'. One-line
    ``UsageError`` with a suggestion otherwise, before any kernel starts."""
    keys = available_keys(kind, data_dir, as_of)
    if kind == "country":
        iso3 = resolve(text).iso3
        if iso3 not in keys:
            raise UsageError(f"no data for member state {text!r}; member states with data: {', '.join(keys)}")
        return iso3
    if kind == "year":
        t = str(text).strip()
        if not t.isdigit() or len(t) != 4:
            raise UsageError(f"not a year: {t!r}")
        if t not in keys:
            if not keys:
                raise UsageError(f"no data for year {t}")
            raise UsageError(f"no data for year {t}; years with data: {year_spans(keys)}; "
                             f"did you mean {' or '.join(nearest_years(t, keys))}?")
        return t
    raise UsageError(f"unknown brief kind {kind!r}: country or year")


def year_spans(years: list[str]) -> str:
    """'1998, 2009–2020': runs of consecutive years joined, so gaps show."""
    ys, spans = sorted(map(int, years)), []
    for y in ys:
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def nearest_years(year: str, years: list[str]) -> list[str]:
    """The closest year with data before and after ``year`` (one of them at
    either end): in a gap, both neighbours are as likely meant."""
    y, ys = int(year), sorted(map(int, years))
    before, after = [v for v in ys if v < y][-1:], [v for v in ys if v > y][:1]
    return [str(v) for v in before + after]
