"""The language of a brief: its words from a gettext catalog, its dates and
numbers in the locale's own formats (Babel), member-state names from
``oaslib/data/member_states.csv``.

The catalogs are ``oaslib/briefs/locale/<lang>/LC_MESSAGES/briefs.po``. They
are compiled in memory the first time a language is used (Babel's own
compiler), so a fresh checkout installed with ``pip install -e .`` needs no
build step and no ``.mo`` file travels in git. English is the source
language: its "catalog" is the text in the code.

Strings are marked ``L._("…")`` (with ``{name}`` fields filled after
translation), ``L.n("one …", "{n} …", n)`` for plurals, and ``N_("…")`` for
words kept in tables (status words, field names) and translated where shown.
``python -m oaslib.briefs.i18n`` re-extracts the template and merges it into
every catalog.
"""
from __future__ import annotations

import gettext
import io
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import UsageError
from ..refdata import rows

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "briefs"
#: The languages a brief can be written in, and the Babel locale of each
#: (British English writes "25 November 2026", as the OAS's English documents do).
LOCALES = {"en": "en_GB", "es": "es"}


def N_(text: str) -> str:
    """Mark a string for the catalog without translating it here."""
    return text


def check_lang(lang: str) -> str:
    lang = (lang or "en").strip().lower()
    if lang not in LOCALES:
        raise UsageError(f"unknown language {lang!r}: use {' or '.join(LOCALES)}")
    return lang


def parse_langs(text: str) -> tuple[str, ...]:
    """'en,es' -> ('en', 'es'); one-line UsageError for anything else."""
    langs = tuple(dict.fromkeys(check_lang(t) for t in str(text).split(",") if t.strip()))
    if not langs:
        raise UsageError(f"no language in {text!r}: use en, es or en,es")
    return langs


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    lang = check_lang(lang)
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=LOCALES[lang])
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@lru_cache(maxsize=None)
def _state_names(lang: str) -> dict[str, str]:
    """English name -> name in ``lang`` for every member state (by ISO3 too)."""
    col = "country" if lang == "en" else f"name_{lang}"
    out = {}
    if lang != "en":  # donors that are not member states (observers, organisations)
        out.update({r["donor"]: r.get(col) or r["donor"] for r in rows("donors")})
    for r in rows("member_states"):
        name = r.get(col) or r["country"]
        out[r["country"]] = out[r["iso3"]] = name
    return out


@lru_cache(maxsize=None)
def _in_text_en() -> dict[str, str]:
    out = {}
    for r in rows("member_states"):
        out[r["country"]] = out[r["iso3"]] = r.get("name_in_text") or r["country"]
    for r in rows("donors"):
        if r.get("name_in_text"):
            out[r["donor"]] = r["name_in_text"]
    return out


class Lang:
    """Everything language-dependent a brief writes."""

    def __init__(self, code: str = "en"):
        self.code = check_lang(code)
        self.locale = LOCALES[self.code]
        self._t = translations(self.code)

    def _(self, text: str, **fields) -> str:
        out = self._t.gettext(text)
        return out.format(**fields) if fields else out

    def p(self, context: str, text: str, **fields) -> str:
        """A word whose translation depends on where it stands (a card's
        label "ended" is plural in Spanish, the status "ended" singular)."""
        out = self._t.pgettext(context, text)
        return out.format(**fields) if fields else out

    def n(self, singular: str, plural: str, n: int, **fields) -> str:
        """A count with its noun agreeing (``{n}`` is the number, formatted)."""
        return self._t.ngettext(singular, plural, int(n)).format(n=self.num(n), **fields)

    def num(self, n) -> str:
        from babel.numbers import format_decimal
        return format_decimal(n, locale=self.locale)

    def date(self, d: date) -> str:
        """'25 November 2026' / '25 de noviembre de 2026'."""
        from babel.dates import format_date
        return format_date(d, "long", locale=self.locale)

    def timestamp(self, iso: str) -> str:
        """An ISO timestamp ('2026-11-25T20:53:29+00:00') in UTC, its date
        written as ``date`` writes one ('25 November 2026, 20:53 UTC'): the
        provenance line gave 'on 26 November 2026 … built 26 Nov 2026,
        03:39:28 UTC', two formats of one day in one sentence."""
        from datetime import datetime, timezone

        from babel.dates import format_time
        try:
            t = datetime.fromisoformat(str(iso)).astimezone(timezone.utc)
        except ValueError:
            return str(iso)
        clock = format_time(t, "HH:mm", tzinfo=timezone.utc, locale=self.locale)
        return f"{self.date(t.date())}, {clock} UTC"

    def partial_date(self, text) -> str:
        """A date at the precision a sheet gives it: '2017', 'Jun 2017', '30 Jun 2017'."""
        from babel.dates import format_date, format_skeleton
        v = str(text)
        if len(v) == 4:
            return v
        if len(v) == 7:
            return format_skeleton("yMMM", date(int(v[:4]), int(v[5:7]), 1), locale=self.locale)
        return format_date(date.fromisoformat(v), "medium", locale=self.locale)

    def country(self, name: str) -> str:
        """A member state's or a known donor's name (English name or ISO3) in
        this language; any other name as written."""
        return _state_names(self.code).get(name, name)

    def in_text(self, name: str) -> str:
        """A member state's or donor's name as it reads inside a sentence
        ('the United States'; the ``name_in_text`` columns of the reference data)."""
        if self.code == "en":
            return _in_text_en().get(name, name)
        return self.country(name)

    def join(self, items: list[str]) -> str:
        """'A, B and C' / 'A, B y C'."""
        from babel.lists import format_list
        return format_list(list(items), locale=self.locale) if items else ""


def update_catalogs() -> None:
    """Extract the marked strings into ``briefs.pot`` and merge it into each
    language's ``.po`` (new strings arrive untranslated: a test fails until
    they are translated)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    pot = Catalog(project="oaslib briefs", charset="utf-8")
    src = Path(__file__).resolve().parent
    for file, line, msg, comments, context in extract_from_dir(
            src, method_map=[("**.py", "python")], keywords={"_": None, "N_": None, "n": (1, 2), "p": ((1, "c"), 2)},
            comment_tags=("TRANSLATORS:",)):
        pot.add(msg, locations=[(file, line)], auto_comments=comments, context=context)
    for extra in catalog_data_strings():
        pot.add(extra, locations=[("oaslib/data", 0)])
    with open(LOCALE_DIR / f"{DOMAIN}.pot", "wb") as f:
        write_po(f, pot, omit_header=False, width=100, include_lineno=False)
    for lang in LOCALES:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if lang == "en" or not po.exists():
            continue
        with open(po, "rb") as f:
            cat = read_po(f, locale=LOCALES[lang])
        cat.update(pot, no_fuzzy_matching=True)
        with open(po, "wb") as f:
            write_po(f, cat, width=100, ignore_obsolete=True, include_lineno=False)


def catalog_data_strings() -> list[str]:
    """Words of the reference data a brief shows as labels (pillars, donor
    kinds): the catalog translates them like any other label."""
    words = [r["pillar"] for r in rows("pillars")]
    from ..clean.schema import DONOR_KINDS
    return words + list(DONOR_KINDS)


if __name__ == "__main__":
    update_catalogs()
