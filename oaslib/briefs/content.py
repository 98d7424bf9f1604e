"""What a brief shows: the clean tables composed into the sections of a
country or year brief, each an escaped HTML fragment with its own heading,
in the brief's language (``oaslib.briefs.i18n``).

One composition serves every way a brief is seen: the notebooks call the
sections one cell each (``SECTIONS``, in order), ``oaslib.brief("Panama")``
shows them all inline in a notebook, and ``render`` exports the executed
notebook. A section with nothing to show returns an empty fragment and
leaves no trace on the page. Nothing from a document reaches the page
unescaped; texts of the sheets are reproduced as written.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

from ..version import __version__
from ..clean import store, tables_dir
from ..clean.countries import resolve
from . import charts
from .export import html_to_pdf, page_html
from .keys import brief_stem, resolve_key, years_covered
from .i18n import Lang, N_


@dataclass
class Tables:
    activities: pd.DataFrame
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict


def load(data_dir) -> Tables:
    d = tables_dir(data_dir)  # "" (the notebooks' default): the project's data/clean, built on first use
    acts = store.read_table("activities", d)
    return Tables(acts, store.read_table("donors", d), store.read_table("mispa_activities", d),
                  store.read_table("quality", d), store.read_manifest(d))


class Html(str):
    """An HTML fragment that Jupyter displays as HTML: a section of a brief."""

    def _repr_html_(self) -> str:
        return str(self)


def _v(x) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else escape(str(x))


def _given(x) -> bool:
    return not (x is None or (not isinstance(x, str) and pd.isna(x)))


def section(cls: str, heading: str, body: str, level: int = 2) -> Html:
    """A heading and its body; nothing at all when the body is empty."""
    if not body:
        return Html("")
    return Html(f'<section class="{cls}"><h{level}>{escape(heading)}</h{level}>{body}</section>')


def table(df: pd.DataFrame, cls: str = "", widths: list | None = None) -> str:
    """A plain, escaped HTML table (headers repeat across printed pages).

    ``widths`` (one per column, None to share what is left) fix the layout,
    so tables look the same on screen and in print and WeasyPrint skips its
    costly min-content pass."""
    widths = widths or [None] * len(df.columns)
    cols = "".join(f'<col style="width:{w}">' if w else "<col>" for w in widths)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    # a cell with nothing to say shows a dash: an empty cell reads as a layout slip
    body = "".join("<tr>" + "".join(f"<td>{_v(v) or '–'}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return (f'<table class="{cls}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def figures(items: list[tuple[str, str]]) -> str:
    cells = "".join(f'<div class="fig"><span class="n">{escape(v)}</span><span class="l">{escape(k)}</span></div>'
                    for k, v in items)
    return f'<div class="figures">{cells}</div>'


def capital(text: str) -> str:
    """'member state' -> 'Member state' (the rest as written: 'the United States' keeps its capitals)."""
    return text[:1].upper() + text[1:]


def prose(sentences: list[str]) -> str:
    """Sentences as one paragraph, each opening with a capital ('the United
    States funds…' -> 'The United States funds…')."""
    text = " ".join(capital(s) for s in sentences if s)
    return f'<p class="summary">{escape(text)}</p>' if text else ""


# ---------------------------------------------------------------- statuses

# A program's status on the as-of date. Kept in English in the tables and
# the CSV; translated where shown.
ACTIVE = (N_("active"), N_("active (no end date given)"), N_("ongoing (no end date)"))
ENDED, NOT_STARTED, UNDATED = N_("ended"), N_("not started"), N_("dates not given")


def status_on(r, as_of: date) -> str:
    """active / ended / not started / ongoing (no end) / undated, on a date."""
    y = as_of.isoformat()
    start, end = r["start_date"], r["end_date"]
    if pd.isna(start) and pd.isna(end) and r["end_status"] != "ongoing":
        return UNDATED
    if pd.notna(start) and str(start) > y:
        return NOT_STARTED
    if r["end_status"] == "dated":
        e = str(end)  # compare at the precision the sheet gives (a bare year stays a year)
        return ENDED if e < y[:len(e)] else "active"
    return "ongoing (no end date)" if r["end_status"] == "ongoing" else "active (no end date given)"


def status_word(status: str, L: Lang) -> str:
    """A status as a table or profile shows it, beside the dates: "active" for
    every kind of active ("1998 – ongoing | ongoing (no end date)" said the
    end twice); the other statuses as they are."""
    return L._("active") if status in ACTIVE else L._(status)


def covers_year(acts: pd.DataFrame, year: int, through_year: int) -> pd.Series:
    return pd.Series([year in years_covered(s, e, through_year)
                      for s, e in zip(acts.start_year, acts.end_year)],
                     index=acts.index, dtype=bool)


def _as_date(as_of) -> date:
    return date.fromisoformat(str(as_of)) if as_of else date.today()


# ------------------------------------------------------------ shared pieces

class _Brief:
    """What every brief does the same way: language, fingerprint, the
    quality notes, provenance, the inline view and its exports."""
    acts: pd.DataFrame
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict
    lang: str
    SECTIONS: tuple[str, ...] = ()

    @property
    def L(self) -> Lang:
        return Lang(self.lang)

    def fingerprint(self) -> str:
        """A hash of exactly the data this brief shows: its rows of every
        table and the documents they came from. A batch rebuilds a brief
        only when this (or the code, notebook or parameters) changes."""
        h = hashlib.sha256()
        for df in (self.acts, self.donors, self.mispa, self.quality):
            h.update(",".join(map(str, df.columns)).encode())
            h.update(pd.util.hash_pandas_object(df.reset_index(drop=True), index=False).values.tobytes())
        inputs = {i["file"]: i["sha256"] for i in self.manifest.get("inputs", [])}
        h.update(json.dumps([[f, inputs.get(f)] for f in self.manifest.get("used", [])]).encode())
        return h.hexdigest()

    # -- the inline brief: the same sections the notebook shows, in order
    def body(self) -> Html:
        return Html("".join(getattr(self, s)() for s in self.SECTIONS))

    def _repr_html_(self) -> str:
        """The brief in a notebook: the same sections, with the briefs' look
        scoped to it (the stylesheet of the export would restyle JupyterLab)."""
        from .. import paths
        css = (paths.TEMPLATES / "inline.css").read_text(encoding="utf-8")
        return f'<div class="oaslib-brief" lang="{self.lang}"><style>{css}</style>{self.body()}</div>'

    def title(self) -> str:
        raise NotImplementedError

    def to_html(self, path) -> Path:
        """The brief as a self-contained HTML page, as ``oaslib report`` writes it."""
        path = Path(path)
        store.write_text(path, page_html(self.body(), self.title(), self.lang))
        return path

    def to_pdf(self, path) -> Path:
        path = Path(path)
        store.write_bytes(path, html_to_pdf(page_html(self.body(), self.title(), self.lang), self.title(), self.lang))
        return path

    # -- sections every brief has
    #: Folder of the kept editions (``reports/history``) this brief compares
    #: with; None (an analyst's inline brief): no section "Since the last brief".
    history_dir: str | None = None

    def stem(self) -> str:
        return brief_stem(self.KIND, self.key, self.lang)

    def changes(self):
        """What changed since the previous kept edition of this brief (a
        country brief: the latest on or before its as-of date; this very
        edition, made again the same day, does not count: see
        ``editions.previous_edition``)."""
        from . import editions
        as_of = self.as_of if self.KIND == "country" else None
        return editions.changes_for(self, self.stem(), Path(self.history_dir) if self.history_dir else None, as_of,
                                    day=self.as_of)

    def changes_section(self) -> Html:
        """What changed since the previous edition of this brief, when it is
        made with a history folder (as a batch makes it)."""
        if not self.history_dir:
            return Html("")
        L, changes = self.L, self.changes()
        heading = (L._("Since the last brief ({date})", date=L.date(changes.previous_date))
                   if changes.previous_date else L._("Since the last brief"))
        return section("changes", heading, changes.to_html(L))

    def annex(self) -> Html:
        """The annex's heading, on a new page, when the annex has anything."""
        parts = [s for s in self.ANNEX if getattr(self, s)()]
        if not parts:
            return Html("")
        heading = self.L._("Annex")
        # program profiles run to pages: they start on a page of their own; a
        # few notes on the data alone follow on (a year brief's third page
        # held nothing else)
        cls = "annex new-page" if "profiles" in parts else "annex"
        return Html(f'<h2 class="{cls}">{escape(heading)}</h2>')

    ANNEX: tuple[str, ...] = ("quality_section",)

    def quality_section(self) -> Html:
        items = quality_notes(self.quality, self.L)
        body = "<ul class='quality'>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""
        return section("quality", self.L._("Notes on the data"), body, level=3)

    def provenance(self) -> Html:
        return provenance(self.manifest, self.L)


def mispa_table(m: pd.DataFrame, L: Lang, with_year: bool = True, member_state: str | None = None) -> str:
    """The MISPA activities, by agency and year; ``with_year=False`` (a year
    brief, where every row has the same year) leaves the year column out.
    ``member_state`` (a country brief's, in every row by the section's
    definition) is left out of the lists, which name the others."""
    if m.empty:
        return ""
    t = m.sort_values(["agency", "year", "line"])
    # the member states in the reader's alphabetical order, not the report's
    names = t.countries.fillna("").map(lambda cs: "; ".join(sorted(
        (L.country(c) for c in cs.split(";") if c and c != member_state), key=_sort_key)))
    from .editions import clip
    cols = {L._("Agency"): t.agency, L._("Year"): t.year.astype("Int64").astype("string"),
            L._("Activity"): [r.title if pd.notna(r.title) else clip(r.text, 110) for r in t.itertuples()],
            L._("Other member states") if member_state else L._("Member states"): names}
    widths = ["7.4em", "3.6em", "41%", None]
    if not with_year:
        del cols[L._("Year")], widths[1]
    return table(pd.DataFrame(cols), "mispa", widths)


def _sort_key(name: str) -> str:
    """A name's place in an alphabetical list: accents do not send 'Panamá' after 'Perú'."""
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)).casefold()


def agency_counts(m: pd.DataFrame, L: Lang) -> str:
    """'CICAD 13, DPS 3, CICTE 1': activities per agency, most first."""
    c = m.groupby("agency").size().reset_index(name="n").sort_values(["n", "agency"], ascending=[False, True])
    return ", ".join(f"{a} {L.num(n)}" for a, n in zip(c.agency, c.n))


# Quality rows in a reader's words: (problem, field) -> a sentence about n sheets.
FIELD_WORDS = {
    "name": N_("program name"), "pillar": N_("OAS pillar"), "start_date": N_("start date"),
    "end_date": N_("end date"), "beneficiaries": N_("beneficiaries"), "url": N_("link"),
    "donors": N_("donors"), "summary": N_("summary"), "objectives": N_("objectives"),
    "results": N_("results"), "country": N_("member state"), "file": N_("file"), "sheet": N_("sheet"),
}


def quality_notes(q: pd.DataFrame, L: Lang) -> list[str]:
    """'3 sheets give no start date.' — one sentence per kind of problem."""
    if q.empty:
        return []
    out = []
    g = q.groupby(["problem", "field"], dropna=False).activity_id.nunique().reset_index()
    # in the order of the form's fields, so the notes on one field stand together
    order = {f: i for i, f in enumerate(FIELD_WORDS)}
    g = g.assign(at=g.field.map(lambda f: order.get(f, len(order)))).sort_values(["at", "problem"], kind="stable")
    for problem, fld, n, _ in g.itertuples(index=False):
        what = L._(FIELD_WORDS.get(fld, fld)) if _given(fld) else ""
        n = max(int(n), 1)
        if problem == "field missing":
            out.append(L.n("{n} sheet gives no {field}.", "{n} sheets give no {field}.", n, field=what))
        elif problem == "placeholder left in the form":
            out.append(L.n("{n} sheet leaves the form's placeholder as its {field}.",
                           "{n} sheets leave the form's placeholder as their {field}.", n, field=what))
        elif problem == "heading missing from the form":
            out.append(L.n("{n} sheet lacks the form's heading for the {field}.",
                           "{n} sheets lack the form's heading for the {field}.", n, field=what))
        elif problem == "duplicate sheet":
            out.append(L.n("{n} sheet repeats another one and is counted once.",
                           "{n} sheets repeat another one and are counted once.", n))
        elif problem == "unknown donor":
            out.append(L.n("{n} sheet names a donor that is not on the kit's list of donors.",
                           "{n} sheets name a donor that is not on the kit's list of donors.", n))
        elif problem in ("unparseable date", "impossible date"):
            out.append(L.n("{n} sheet gives a {field} that cannot be read as a date.",
                           "{n} sheets give a {field} that cannot be read as a date.", n, field=what))
        else:  # a problem the cleaning step words itself
            out.append(L.n("{n} sheet: {problem} ({field}).", "{n} sheets: {problem} ({field}).", n,
                           problem=problem, field=what))
    return out


def meetings(mispa: pd.DataFrame, L: Lang) -> tuple[str, int]:
    """('MISPA-IV', 1): the meetings the brief's MISPA reports were written
    for, as the reports name them (mispa_activities.meeting), and how many."""
    names = sorted(mispa.meeting.dropna().unique())
    return L.join(names or ["MISPA"]), max(len(names), 1)


def sources_text(manifest: dict, mispa: pd.DataFrame, L: Lang) -> str:
    """'the program sheets (2 files) and the MISPA-IV mandates report' — the
    documents a brief used, by kind; the file names are in the footer."""
    kinds = {i["file"]: i.get("kind") for i in manifest.get("inputs", [])}
    used = [kinds.get(f) for f in manifest.get("used", [])]
    parts = []
    if n := used.count("sheets"):
        parts.append(L.n("the program sheets ({n} file)", "the program sheets ({n} files)", n))
    if used.count("mispa"):
        names, n = meetings(mispa, L)
        parts.append(L.n("the {meetings} mandates report", "the {meetings} mandates reports", n, meetings=names))
    return L.join(parts) or L._("no document")


def provenance(manifest: dict, L: Lang) -> Html:
    """Who made the brief, when, and from which files: one small paragraph
    (a list of a line per file took the last notes of a brief onto a page
    of their own)."""
    rows = [i for i in manifest.get("inputs", []) if i["file"] in manifest.get("used", [])]
    made = L._("Made with oaslib {version} on {date} from the clean tables built {built}.",
               version=__version__, date=L.date(date.today()), built=L.timestamp(manifest.get("built_at", "")))
    files = "; ".join(f"{escape(i['file'])} <code>sha256 {escape(i['sha256'][:16])}…</code>" for i in rows)
    label = L._("Sources:")  # outside the f-string, where Babel's extractor sees it
    sources = f" {escape(label)} {files}." if files else ""
    return Html(f'<footer class="provenance"><p>{escape(made)}{sources}</p></footer>')


def header(kicker: str, title: str, meta: str, L: Lang) -> Html:
    original = ""
    if L.code != "en":  # the documents are (mostly) English: say why their names and texts are
        original = '<p class="meta">' + escape(L._(
            "Program names and the texts of the sheets and of the MISPA report are reproduced in their original "
            "language.")) + "</p>"
    return Html(f'<header class="brief"><p class="kicker">{escape(kicker)}</p><h1>{escape(title)}</h1>'
                f'<p class="meta">{escape(meta)}</p>{original}</header>')


# ----------------------------------------------------------------- country

@dataclass
class CountryBrief(_Brief):
    iso3: str
    country: str
    as_of: date
    acts: pd.DataFrame      # this member state's sheets, duplicates excluded
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict
    lang: str = "en"
    history_dir: str | None = None
    KIND = "country"

    @property
    def key(self) -> str:
        return self.iso3

    #: The sections in the order the notebook and the inline brief show them.
    #: What runs now (active and recently ended programs) comes before the
    #: history (timeline) and the funding: it is what the reader acts on, and
    #: a short table fills page 1 where the timeline, a chart that cannot
    #: break, would not fit and leave half of page 1 blank.
    SECTIONS = ("header", "summary", "headline", "changes_section", "programs_table", "timeline",
                "donors_section", "mispa_section",
                "annex", "profiles", "quality_section", "provenance")
    ANNEX = ("profiles", "quality_section")

    @classmethod
    def make(cls, country: str, as_of, data_dir, tables: Tables | None = None, lang: str = "en") -> "CountryBrief":
        """The brief of one member state; ``tables`` (from ``load``) saves
        reading them again when many briefs are built."""
        st = resolve(country)
        t = tables or load(data_dir)
        as_of = _as_date(as_of)
        acts = t.activities[(t.activities.iso3 == st.iso3) & t.activities.duplicate_of.isna()].copy()
        acts["status"] = [status_on(r, as_of) for _, r in acts.iterrows()]
        donors = t.donors[t.donors.activity_id.isin(acts.activity_id)]
        names = t.mispa.countries.fillna("").str.split(";")
        mispa = t.mispa.loc[names.map(lambda cs: st.country in cs).astype(bool)]
        files = set(t.activities[t.activities.iso3 == st.iso3].source_file)
        quality = t.quality[t.quality.activity_id.isin(t.activities[t.activities.iso3 == st.iso3].activity_id)]
        return cls(st.iso3, st.country, as_of, acts, donors, mispa, quality,
                   {**t.manifest, "used": sorted(files | set(mispa.source_file))}, Lang(lang).code)

    def title(self) -> str:
        return self.L._("Country brief: {country}", country=self.L.country(self.iso3))

    # -- the figures every sentence and card is written from
    def _active(self) -> pd.Series:
        return self.acts.status.isin(ACTIVE)

    def _programs(self, mask) -> int:
        return int(self.acts.loc[mask, "program_id"].nunique())

    def ending_soon(self) -> pd.Series:
        """Programs that end in the next 12 months (``oaslib.explore.ends_within``)."""
        from ..explore import ends_within
        return ends_within(self.acts.end_date, self.acts.end_status, self.as_of)

    def donor_counts(self) -> pd.DataFrame:
        """donor, donor_kind, programs: how many of the member state's programs each funds."""
        return (self.donors.merge(self.acts[["activity_id", "program_id"]], on="activity_id")
                .groupby(["donor", "donor_kind"]).program_id.nunique().reset_index(name="programs")
                .sort_values(["programs", "donor"], ascending=[False, True]))

    def facts(self) -> dict:
        s = self.acts.status
        return {"programs": int(self.acts.program_id.nunique()), "active": self._programs(self._active()),
                "open_ended": self._programs(self._active() & self.acts.end_date.isna()),
                "ended": self._programs(s == ENDED), "not_started": self._programs(s == NOT_STARTED),
                "undated": self._programs(s == UNDATED), "ending_soon": self._programs(self.ending_soon()),
                "donors": int(self.donors.donor.nunique()), "mispa": len(self.mispa)}

    # -- sections
    def header(self) -> Html:
        L = self.L
        return header(L._("OAS Secretariat for Multidimensional Security · country brief"), L.country(self.iso3),
                      L._("Statuses as of {date} · from {sources}", date=L.date(self.as_of),
                          sources=sources_text(self.manifest, self.mispa, L)), L)

    def summary(self) -> Html:
        L, f, name = self.L, self.facts(), self.L.in_text(self.iso3)
        out = []
        if f["programs"]:
            runs = L.n("The OAS runs {n} program in {country}", "The OAS runs {n} programs in {country}",
                       f["programs"], country=name)
            active = (L.n("{n} is active on {date}", "{n} are active on {date}", f["active"], date=L.date(self.as_of))
                      if f["active"] else L._("none is active on {date}", date=L.date(self.as_of)))
            out.append(L._("{runs}; {active}.", runs=runs, active=active))
            out.append(self._top_donor_sentence())
            out.append(L.n("{n} program ends in the next 12 months.", "{n} programs end in the next 12 months.",
                           f["ending_soon"]) if f["ending_soon"] else L._("No program ends in the next 12 months."))
        else:
            out.append(L._("The program sheets hold no program for {country}.", country=name))
        if f["mispa"]:
            out.append(L.n("{country} took part in {n} activity of the {meetings} report ({agencies}).",
                           "{country} took part in {n} activities of the {meetings} report ({agencies}).",
                           f["mispa"], country=name, meetings=meetings(self.mispa, L)[0],
                           agencies=agency_counts(self.mispa, L)))
        return section("summary", L._("Summary"), prose(out))

    def _top_donor_sentence(self) -> str:
        L, d = self.L, self.donor_counts()
        if d.empty:
            return L._("No sheet names a donor.")
        k = int(d.programs.iloc[0])
        top = [L.in_text(x) for x in d.donor[d.programs == k]]
        if len(d) == 1:  # "funds the most" of one donor says nothing
            return L.n("{donor} is the only donor named ({n} program).",
                       "{donor} is the only donor named ({n} programs).", k, donor=top[0])
        if len(top) == 1:
            return L.n("{donor} funds the most ({n} program).", "{donor} funds the most ({n} programs).", k,
                       donor=top[0])
        if len(top) == len(d):  # every donor funds as many: none funds "the most"
            if k == 1 and len(top) > 2:
                return L.n("{n} donor funds one program each.", "{n} donors fund one program each.", len(top))
            return L.n("{donors} fund {n} program each.", "{donors} fund {n} programs each.", k,
                       donors=L.join(top))
        return L.n("{donors} fund the most ({n} program each).", "{donors} fund the most ({n} programs each).", k,
                   donors=L.join(top))

    def headline(self) -> Html:
        if self.acts.empty:
            return Html("")
        L, f = self.L, self.facts()
        if not f["open_ended"]:
            active = L._("active on the as-of date")
        elif f["open_ended"] == f["active"]:  # "4 active, 4 with no end date" repeats the figure
            active = L._("active on the as-of date, none with an end date")
        else:
            active = L.n("active on the as-of date, {n} with no end date",
                         "active on the as-of date, {n} with no end date", f["open_ended"])
        cards = [(L._("programs"), f["programs"]), (active, f["active"]),
                 (L._("end in the next 12 months"), f["ending_soon"]),
                 (L.p("card", "ended"), f["ended"]), (L._("not started yet"), f["not_started"]),
                 (L._("dates not given"), f["undated"]), (L._("donors"), f["donors"])]
        keep = [(label, L.num(n)) for i, (label, n) in enumerate(cards) if n or i < 2]
        note = L._("Programs are counted once however many sheets describe them; the status is taken on the "
                   "as-of date.")
        # the pillars most first, and "not given" last however many it counts
        # ("not given 5; Security 1" led with what the sheets do not say)
        given = self.acts.pillar.map(_given)
        by_pillar = [(L._(p), n) for p, n in self.acts[given].groupby("pillar").program_id.nunique()
                     .sort_values(ascending=False, kind="stable").items()]
        if (~given).any():
            by_pillar.append((L._("not given"), self.acts.loc[~given, "program_id"].nunique()))
        pillar_counts = "; ".join(f"{p} {L.num(n)}" for p, n in by_pillar)
        note += " " + L._("Programs by OAS pillar: {pillars}.", pillars=pillar_counts)
        return section("headline", L._("At a glance"), figures(keep) + f'<p class="note">{escape(note)}</p>')

    def timeline(self) -> Html:
        if self.acts.empty:
            return Html("")
        L = self.L
        svg = charts.timeline(self.acts, self.as_of, L)
        out = f'<figure class="chart">{svg}</figure>' if svg else ""
        off = self.acts[~charts.on_timeline(self.acts)]
        if len(off):
            why = [L._("no start date; ongoing") if s == "ongoing" else L._("no dates given") for s in off.end_status]
            listed = "; ".join(f"{p} ({w})" for p, w in zip(off.program, why))
            out += "<p>" + escape(L._("Not on the timeline, for want of dates: {programs}.", programs=listed)) + "</p>"
        intro = L._("Bars run from the start to the end date a sheet gives; lighter bars have no end date, and a "
                    "diamond marks the end of a program whose start is not given. The red line is the as-of date.")
        return section("timeline", L._("Timeline"), f'<p class="note">{escape(intro)}</p>' + out if out else "")

    def donors_section(self) -> Html:
        if self.acts.empty:
            return Html("")
        L, d = self.L, self.donor_counts()
        if d.empty:
            return section("donors", L._("Who funds the programs"),
                           '<p class="note">' + escape(L._("No sheet names a donor.")) + "</p>")
        # One view of the donors: a chart of each donor's count, its bars
        # coloured by the donor's kind; the table of donors by kind only
        # where there is no chart (all fund as many). Chart and table once
        # fell on two pages, the table at the top of the next without its
        # heading, and named every donor twice.
        names = d.donor.map(L.country)
        kinds = d.donor_kind.map(lambda k: capital(L._(k)))
        svg = charts.bars(pd.Series(d.programs.values, index=names), L._("programs funded"),
                          groups=pd.Series(kinds.values, index=names))
        if svg:
            body = f'<figure class="chart">{svg}</figure>'
        else:
            by_kind = (pd.DataFrame({"kind": kinds.values, "name": names.values}).groupby("kind", sort=False)
                       .name.agg(", ".join).reset_index())
            body = table(pd.DataFrame({L._("Kind of donor"): by_kind.kind, L._("Donors"): by_kind.name}),
                         "donors", ["30%", None])
        return section("donors", L._("Who funds the programs"), body)

    def programs_table(self) -> Html:
        if self.acts.empty:
            return Html("")
        L, a = self.L, self.acts
        recent = a[self._active() | ((a.status == ENDED) & (a.end_year.fillna(0) >= self.as_of.year - 2))]
        if recent.empty:
            return Html("")
        t = pd.DataFrame({L._("Program"): recent.program,
                          L._("Pillar"): recent.pillar.map(lambda x: L._(x) if _given(x) else ""),
                          L._("Dates"): [dates_text(r, L) for _, r in recent.iterrows()],
                          L._("Status"): recent.status.map(lambda st: status_word(st, L)),
                          L._("Donors"): recent.donors.fillna("").map(lambda s: donors_text(s, L))})
        return section("programs", L._("Active and recently ended programs"),
                       table(t, "programs", ["30%", "12%", "18%", "16%", None]))

    def mispa_section(self) -> Html:
        L = self.L
        intro = L._("From the report of the Secretariat for Multidimensional Security to {meetings}: activities of "
                    "DPS, CICAD and CICTE naming the member state.", meetings=meetings(self.mispa, L)[0])
        body = mispa_table(self.mispa, L, member_state=self.country)
        return section("mispa", L._("MISPA activities that involved the member state"),
                       f'<p class="note">{escape(intro)}</p>' + body if body else "")

    def profiles(self) -> Html:
        L, out = self.L, []
        for _, r in self.acts.iterrows():
            facts = [(L._("Pillar"), L._(r.pillar) if _given(r.pillar) else L._("not given")),
                     (L._("Dates"), dates_text(r, L)), (L._("Status"), status_word(r.status, L)),
                     (L._("Beneficiaries"), r.beneficiaries if _given(r.beneficiaries) else L._("not given")),
                     (L._("Donors"), donors_text(r.donors, L) if _given(r.donors) else L._("not given"))]
            dl = "".join(f"<dt>{escape(k)}</dt><dd>{_v(v)}</dd>" for k, v in facts)
            link = (f'<a href="{escape(r.url, quote=True)}">{escape(r.url)}</a>' if _given(r.url)
                    else escape(L._("not given")))
            link_label = L._("Link")
            dl += f"<dt>{escape(link_label)}</dt><dd>{link}</dd>"
            texts = "".join(
                f"<h5>{escape(label)}</h5>" + "".join(f"<p>{escape(p)}</p>" for p in str(r[f]).split("\n\n"))
                for f, label in (("summary", L._("Summary")), ("objectives", L._("Objectives")),
                                 ("results", L._("Results"))) if _given(r[f]))
            name_note = ("" if _given(r["name"]) else '<p class="note">' + escape(L._(
                "The sheet gives no name; the program is named from its text or its other sheets.")) + "</p>")
            out.append(f'<section class="profile"><h4>{escape(r.program)}</h4>{name_note}<dl>{dl}</dl>{texts}'
                       "</section>")
        if not out:
            return Html("")
        original = ("" if L.code == "en" else '<p class="note">' + escape(L._(
            "The names and texts of the programs are reproduced from the sheets in their original language."))
            + "</p>")
        return section("profiles", L._("Program profiles"), original + "".join(out), level=3)

    def data(self) -> pd.DataFrame:
        """The brief's data, written as CSV beside it."""
        cols = ["activity_id", "program", "program_id", "pillar", "start_date", "end_date", "end_status",
                "status", "beneficiaries", "donors", "url", "source_file", "sheet_no"]
        return self.acts[cols]


def dates_text(r, L: Lang) -> str:
    start = L.partial_date(r["start_date"]) if _given(r["start_date"]) else L._("start not given")
    if r["end_status"] == "dated":
        end = L.partial_date(r["end_date"])
    elif r["end_status"] == "ongoing":
        end = L._("ongoing")
    else:
        end = L._("end not given")
    return f"{start} – {end}"


def donors_text(donors: str, L: Lang) -> str:
    return "; ".join(L.country(d) for d in str(donors).split(";") if d)


# -------------------------------------------------------------------- year

@dataclass
class YearBrief(_Brief):
    year: int
    acts: pd.DataFrame
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict
    lang: str = "en"
    as_of: date | None = None
    history_dir: str | None = None
    KIND = "year"

    @property
    def key(self) -> str:
        return str(self.year)

    SECTIONS = ("header", "summary", "headline", "changes_section", "by_country", "started_ended",
                "mispa_section", "annex", "quality_section", "provenance")
    ANNEX = ("quality_section",)

    @classmethod
    def make(cls, year: int, data_dir, tables: Tables | None = None, lang: str = "en",
             as_of=None) -> "YearBrief":
        t = tables or load(data_dir)
        year, as_of = int(year), _as_date(as_of)
        a = t.activities[t.activities.duplicate_of.isna()]
        acts = a[covers_year(a, year, as_of.year)].copy()
        mispa = t.mispa[t.mispa.year == year]
        q = t.quality[t.quality.activity_id.isin(acts.activity_id)]
        return cls(year, acts, t.donors[t.donors.activity_id.isin(acts.activity_id)], mispa, q,
                   {**t.manifest, "used": sorted(set(acts.source_file) | set(mispa.source_file))},
                   Lang(lang).code, as_of)

    def title(self) -> str:
        return self.L._("Year brief: {year}", year=self.year)

    def _programs(self, mask) -> int:
        return int(self.acts.loc[mask, "program_id"].nunique())

    def by_state(self) -> pd.Series:
        return self.acts.groupby("country").program_id.nunique()

    def facts(self) -> dict:
        a = self.acts
        return {"programs": int(a.program_id.nunique()), "states": int(a.country.nunique()),
                "started": self._programs(a.start_year == self.year),
                "ended": self._programs(a.end_year == self.year),
                "donors": int(self.donors.donor.nunique()), "mispa": len(self.mispa)}

    def header(self) -> Html:
        L = self.L
        return header(L._("OAS Secretariat for Multidimensional Security · year brief"), str(self.year),
                      L._("Programs and activities dated in {year}, from {sources}", year=self.year,
                          sources=sources_text(self.manifest, self.mispa, L)), L)

    def summary(self) -> Html:
        L, f, out = self.L, self.facts(), []
        c = self.by_state()
        if f["programs"]:
            # one member state: name it ("had the most" of one says nothing)
            states = (L.in_text(c.index[0]) if len(c) == 1 else
                      L.n("{n} member state", "{n} member states", f["states"]))
            out.append(L.n("In {year}, {n} program was active in {states}.",
                           "In {year}, {n} programs were active in {states}.", f["programs"], year=self.year,
                           states=states))
            # "Of them, 1 started that year and 6 ended.": a sentence does not open on a figure
            started = (L.n("{n} started that year", "{n} started that year", f["started"])
                       if f["started"] else L._("none started that year"))
            ended = L.n("{n} ended", "{n} ended", f["ended"]) if f["ended"] else L._("none ended")
            out.append(L._("Of them, {started} and {ended}.", started=started, ended=ended))
            top = [L.in_text(x) for x in sorted(c[c == c.max()].index)]
            if len(c) > 1 and len(top) == 1:
                out.append(L.n("{country} had the most ({n} program).", "{country} had the most ({n} programs).",
                               int(c.max()), country=top[0]))
            elif len(c) > 1 and len(top) == len(c):  # all tie: none had "the most"
                out.append(L.n("{countries} had {n} program each.", "{countries} had {n} programs each.",
                               int(c.max()), countries=L.join(top)))
            elif len(c) > 1:
                out.append(L.n("{countries} had the most ({n} program each).",
                               "{countries} had the most ({n} programs each).", int(c.max()),
                               countries=L.join(top)))
        else:
            out.append(L._("No program sheet covers {year}.", year=self.year))
        if f["mispa"]:
            out.append(L.n("The {meetings} report dates {n} activity in {year} ({agencies}).",
                           "The {meetings} report dates {n} activities in {year} ({agencies}).", f["mispa"],
                           meetings=meetings(self.mispa, L)[0], year=self.year,
                           agencies=agency_counts(self.mispa, L)))
        return section("summary", L._("Summary"), prose(out))

    def headline(self) -> Html:
        L, f = self.L, self.facts()
        cards = [(L._("programs active"), f["programs"]), (L._("member states"), f["states"]),
                 (L.p("card", "started"), f["started"]), (L.p("card", "ended"), f["ended"]),
                 (L._("donors"), f["donors"]),
                 (L._("MISPA activities"), f["mispa"])]
        if not any(n for _, n in cards):
            return Html("")
        keep = [(k, L.num(n)) for i, (k, n) in enumerate(cards) if n or i < 2]
        return section("headline", L._("At a glance"), figures(keep))

    def by_country(self) -> Html:
        if self.acts.empty:
            return Html("")
        L, c = self.L, self.by_state()
        svg = charts.bars(pd.Series(c.values, index=c.index.map(L.country)), L._("programs active"))
        a = self.acts.assign(country_name=self.acts.country.map(L.country)).sort_values(["country_name", "program"])
        t = pd.DataFrame({L._("Member state"): a.country_name, L._("Program"): a.program,
                          L._("Pillar"): a.pillar.map(lambda x: L._(x) if _given(x) else ""),
                          L._("Dates"): [dates_text(r, L) for _, r in a.iterrows()],
                          L._("Donors"): a.donors.fillna("").map(lambda s: donors_text(s, L))})
        note = ""
        if len(a) > a.program_id.nunique():
            note = '<p class="note">' + escape(L._("A program run in several member states has a row for each; "
                                                   "the figures above count it once.")) + "</p>"
        return section("by-country", L._("Programs active in the year, by member state"),
                       (f'<figure class="chart">{svg}</figure>' if svg else "")
                       + table(t, "programs", ["15%", "30%", "12%", "18%", None]) + note)

    def started_ended(self) -> Html:
        L, lists = self.L, []
        for label, alone, col in ((L._("Started in {year}", year=self.year),
                                   L._("Programs that started in {year}", year=self.year), "start_year"),
                                  (L._("Ended in {year}", year=self.year),
                                   L._("Programs that ended in {year}", year=self.year), "end_year")):
            g = self.acts[self.acts[col] == self.year]
            items = "".join(f"<li>{escape(r.program)} ({escape(L.country(r.country))})</li>" for r in g.itertuples())
            if items:
                lists.append((label, alone, f"<ul>{items}</ul>"))
        if len(lists) == 1:  # one list: its heading is the section's ("started and ended" over starts only)
            (_, alone, items), = lists
            return section("started-ended", alone, items)
        return section("started-ended", L._("Programs that started and ended"),
                       "".join(f"<h3>{escape(label)}</h3>{items}" for label, _, items in lists))

    def mispa_section(self) -> Html:
        # every row is of this year: a column of "2013" would repeat the heading
        return section("mispa", self.L._("MISPA activities of the year"),
                       mispa_table(self.mispa, self.L, with_year=False))

    def data(self) -> pd.DataFrame:
        return self.acts[["activity_id", "country", "program", "program_id", "pillar", "start_date",
                          "end_date", "end_status", "donors", "source_file", "sheet_no"]]


def make_brief(kind: str, key: str, data_dir, as_of=None, tables: Tables | None = None, lang: str = "en"):
    """The CountryBrief or YearBrief for a batch key ('PAN', '2017')."""
    if kind == "country":
        return CountryBrief.make(key, as_of, data_dir, tables, lang=lang)
    return YearBrief.make(int(key), data_dir, tables, lang=lang, as_of=as_of)


def headline_numbers(b) -> dict:
    """A few figures of a brief for the index page."""
    n = {"programs": int(b.acts.program_id.nunique())}
    if isinstance(b, CountryBrief):
        n["donors"] = int(b.donors.donor.nunique())
    n["MISPA activities"] = len(b.mispa)
    return n


def brief(query, as_of=None, lang: str = "en", data_dir=None, history_dir=None):
    """A country brief (name, variant or ISO3: "Panama", "Panamá", "PAN") or
    a year brief (2017) to show inline in a notebook; ``.to_html(path)`` and
    ``.to_pdf(path)`` write it as ``oaslib report`` would. Without
    ``data_dir`` the project's clean tables are used (built first when
    missing or older than data/raw). ``history_dir`` (a batch's
    ``reports/history``) adds the section "Since the last brief"."""
    data_dir = tables_dir(data_dir)  # "" as None: the notebooks' default
    is_year = isinstance(query, int) or (str(query).strip().isdigit() and len(str(query).strip()) == 4)
    kind = "year" if is_year else "country"
    key = resolve_key(kind, str(query), data_dir, as_of=_as_date(as_of))
    b = make_brief(kind, key, data_dir, as_of, lang=lang)
    b.history_dir = str(history_dir) if history_dir else None
    return b
