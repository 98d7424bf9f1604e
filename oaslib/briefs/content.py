"""What a brief shows: pure functions from the clean tables to the pieces of
a country or year brief, as escaped HTML fragments. The notebooks call these
and display the result; nothing from a document reaches the page unescaped.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd

from .. import __version__
from ..clean import store
from . import charts
from ..clean.countries import resolve


@dataclass
class Tables:
    activities: pd.DataFrame
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict


def load(data_dir) -> Tables:
    from .. import tables_dir
    d = tables_dir(data_dir)  # "" (the notebooks' default): the project's data/clean, built on first use
    acts = store.read_table("activities", d)
    return Tables(acts, store.read_table("donors", d), store.read_table("mispa_activities", d),
                  store.read_table("quality", d), store.read_manifest(d))


def _v(x) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else escape(str(x))


def _or(x, default="not given") -> str:
    return default if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


# Column widths by header, so that tables lay out the same on screen and in
# print (fixed layout: short columns such as a year never squeeze to one
# letter per line, and WeasyPrint skips its costly min-content pass).
# Columns not listed share what is left.
COLUMN_WIDTHS = {
    "Program": "32%", "Pillar": "10%", "OAS Pillar": "70%", "Dates": "18%", "Status": "14%",
    "Member state": "14%", "Agency": "5.4em", "Year": "3.6em", "Activity": "44%",
    "Donor": "48%", "Kind": "30%", "Programs": "6em", "Problem": "18%", "Field": "15%",
}


def table(df: pd.DataFrame, cls: str = "") -> str:
    """A plain, escaped HTML table (headers repeat across printed pages)."""
    cols = "".join(f'<col style="width:{COLUMN_WIDTHS[c]}">' if c in COLUMN_WIDTHS else "<col>"
                   for c in map(str, df.columns))
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{_v(v)}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return f'<table class="{cls}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figures(items: list[tuple[str, object]]) -> str:
    cells = "".join(f'<div class="fig"><span class="n">{_v(v)}</span><span class="l">{escape(k)}</span></div>'
                    for k, v in items)
    return f'<div class="figures">{cells}</div>'


def dates_text(r) -> str:
    start = r["start_date"] if pd.notna(r["start_date"]) else "start not given"
    if r["end_status"] == "dated":
        end = r["end_date"]
    elif r["end_status"] == "ongoing":
        end = "ongoing"
    else:
        end = "end not given"
    return f"{start} – {end}"


def status_on(r, as_of: date) -> str:
    """active / ended / not started / ongoing (no end) / undated, on a date."""
    y = as_of.isoformat()
    start, end = r["start_date"], r["end_date"]
    if pd.isna(start) and pd.isna(end) and r["end_status"] != "ongoing":
        return "dates not given"
    if pd.notna(start) and str(start) > y:
        return "not started"
    if r["end_status"] == "dated":
        e = str(end)  # compare at the precision the sheet gives (a bare year stays a year)
        return "ended" if e < y[:len(e)] else "active"
    return "ongoing (no end date)" if r["end_status"] == "ongoing" else "active (no end date given)"


class _Sections:
    """Sections every brief shows the same way, and what a batch needs."""
    acts: pd.DataFrame
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict

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

    def quality_section(self) -> str:
        return quality_table(self.quality)

    def provenance(self) -> str:
        return provenance(self.manifest)


# ----------------------------------------------------------------- country

@dataclass
class CountryBrief(_Sections):
    iso3: str
    country: str
    as_of: date
    acts: pd.DataFrame      # this member state's sheets, duplicates excluded
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict

    @classmethod
    def make(cls, country: str, as_of, data_dir, tables: Tables | None = None) -> "CountryBrief":
        """The brief of one member state; ``tables`` (from ``load``) saves
        reading them again when many briefs are built."""
        st = resolve(country)
        t = tables or load(data_dir)
        as_of = date.fromisoformat(str(as_of)) if as_of else date.today()
        acts = t.activities[(t.activities.iso3 == st.iso3) & t.activities.duplicate_of.isna()].copy()
        acts["status"] = [status_on(r, as_of) for _, r in acts.iterrows()]
        donors = t.donors[t.donors.activity_id.isin(acts.activity_id)]
        names = t.mispa.countries.fillna("").str.split(";")
        mispa = t.mispa.loc[names.map(lambda cs: st.country in cs).astype(bool)]
        files = set(t.activities[t.activities.iso3 == st.iso3].source_file)
        quality = label_quality(t.quality[t.quality.activity_id.isin(
            t.activities[t.activities.iso3 == st.iso3].activity_id)], t.activities)
        return cls(st.iso3, st.country, as_of, acts, donors, mispa, quality,
                   {**t.manifest, "used": sorted(files | set(mispa.source_file))})

    def header(self) -> str:
        return (f'<header class="brief"><p class="kicker">OAS Secretariat for Multidimensional Security'
                f' · country brief</p><h1>{escape(self.country)}</h1>'
                f'<p class="meta">As of {self.as_of.isoformat()} · from {sources_text(self.manifest)}</p></header>')

    def headline(self) -> str:
        if self.acts.empty:
            return (f'<p class="note">The program sheets hold no program for {escape(self.country)}. '
                    f'{len(self.mispa)} activities of the MISPA report involved it; they are listed below.</p>')
        s = self.acts["status"]
        active = s.str.startswith("active") | (s == "ongoing (no end date)")
        open_ended = int((active & self.acts.end_date.isna()).sum())
        cards = [
            ("programs", self.acts.program_id.nunique()),
            ("active on the as-of date" + (f", {open_ended} with no end date" if open_ended else ""),
             int(active.sum())),
            ("ended", int((s == "ended").sum())),
            ("not started yet", int((s == "not started").sum())),
            ("dates not given", int((s == "dates not given").sum())),
            ("donors", self.donors.donor.nunique()),
        ]
        return ("<p>Programs counted once however many sheets describe them; the status is taken on the "
                "as-of date.</p>" + figures([(label, n) for label, n in cards if n or label != "not started yet"]))

    def timeline(self) -> str:
        if self.acts.empty:
            return ""
        svg = charts.timeline(self.acts, self.as_of)
        out = f'<figure class="chart">{svg}</figure>' if svg else ""
        off = self.acts[~charts.on_timeline(self.acts)]
        if len(off):
            why = off.end_status.map({"ongoing": "no start date; ongoing"}).fillna("no dates given")
            out += ("<p>Not on the timeline, for want of dates: "
                    + "; ".join(f"{escape(p)} ({w})" for p, w in zip(off.program, why)) + ".</p>")
        return out

    def donors_section(self) -> str:
        if self.acts.empty:
            return ""
        if self.donors.empty:
            return '<p class="note">No sheet names a donor.</p>'
        d = (self.donors.merge(self.acts[["activity_id", "program_id"]], on="activity_id")
             .groupby(["donor", "donor_kind"]).program_id.nunique().reset_index()
             .sort_values(["program_id", "donor"], ascending=[False, True]))
        d.columns = ["Donor", "Kind", "Programs"]
        svg = charts.bars(d.set_index("Donor")["Programs"], "programs funded")
        return (f'<figure class="chart">{svg}</figure>' if svg else "") + table(d)

    def pillars_section(self) -> str:
        if self.acts.empty:
            return ""
        p = self.acts.assign(pillar=self.acts.pillar.fillna("(not given)")).groupby("pillar").program_id.nunique()
        return table(p.reset_index().rename(columns={"pillar": "OAS Pillar", "program_id": "Programs"}))

    def programs_table(self) -> str:
        if self.acts.empty:
            return ""
        recent = self.acts[self.acts.status.str.startswith("active") | (self.acts.status == "ongoing (no end date)")
                           | ((self.acts.status == "ended")
                              & (self.acts.end_year.fillna(0) >= self.as_of.year - 2))]
        if recent.empty:
            return '<p class="note">No program is active or ended in the last two years.</p>'
        t = pd.DataFrame({"Program": recent.program, "Pillar": recent.pillar,
                          "Dates": [dates_text(r) for _, r in recent.iterrows()],
                          "Status": recent.status, "Donors": recent.donors.fillna("").str.replace(";", "; ")})
        return table(t, "programs")

    def profiles(self) -> str:
        out = []
        for _, r in self.acts.iterrows():
            facts = [("Pillar", _or(r.pillar)), ("Dates", dates_text(r)), ("Status", r.status),
                     ("Beneficiaries", _or(r.beneficiaries)),
                     ("Donors", _or(r.donors).replace(";", "; "))]
            dl = "".join(f"<dt>{escape(k)}</dt><dd>{_v(v)}</dd>" for k, v in facts)
            link = (f'<dt>Link</dt><dd><a href="{escape(r.url, quote=True)}">{escape(r.url)}</a></dd>'
                    if pd.notna(r.url) else "<dt>Link</dt><dd>not given</dd>")
            texts = "".join(
                f"<h4>{label}</h4>" + "".join(f"<p>{escape(p)}</p>" for p in str(r[f]).split("\n\n"))
                for f, label in (("summary", "Summary"), ("objectives", "Objectives"), ("results", "Results"))
                if pd.notna(r[f]))
            name_note = "" if pd.notna(r["name"]) else '<p class="note">The sheet gives no name; the program is named from its text or its other sheets.</p>'
            out.append(f'<section class="profile"><h3>{escape(r.program)}</h3>{name_note}<dl>{dl}{link}</dl>{texts}</section>')
        return "".join(out)

    def mispa_section(self) -> str:
        return mispa_table(self.mispa)

    def data(self) -> pd.DataFrame:
        """The brief's data, written as CSV beside it."""
        cols = ["activity_id", "program", "program_id", "pillar", "start_date", "end_date", "end_status",
                "status", "beneficiaries", "donors", "url", "source_file", "sheet_no"]
        return self.acts[cols]


def mispa_table(m: pd.DataFrame) -> str:
    if m.empty:
        return '<p class="note">No MISPA activity names it.</p>'
    t = m.sort_values(["agency", "year", "line"])
    t = pd.DataFrame({"Agency": t.agency, "Year": t.year.astype("string").fillna(""),
                      "Activity": [r.title if pd.notna(r.title) else (r.text[:110] + "…")
                                   for r in t.itertuples()],
                      "Member states": t.countries.fillna("").str.replace(";", "; ")})
    return table(t, "mispa")


def label_quality(q: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """The quality rows with the program each is about (a repeated sheet is
    named after the program it repeats)."""
    names = activities.set_index("activity_id").program
    return q.assign(program=q.activity_id.map(names).fillna("(whole file)"))


def quality_table(q: pd.DataFrame) -> str:
    if q.empty:
        return '<p class="note">Nothing was left blank or unreadable.</p>'
    g = (q.groupby(["problem", "field"]).program.agg(lambda s: "; ".join(sorted(set(s)))).reset_index())
    g.columns = ["Problem", "Field", "Programs affected"]
    return table(g, "quality")


def sources_text(manifest: dict) -> str:
    """'the program sheets (2 files) and the MISPA-IV mandates report' — the
    documents a brief used, by kind; the file names are in the footer."""
    kinds = {i["file"]: i.get("kind") for i in manifest.get("inputs", [])}
    used = [kinds.get(f) for f in manifest.get("used", [])]
    parts = []
    if n := used.count("sheets"):
        parts.append(f"the program sheets ({n} file{'s' if n > 1 else ''})")
    if used.count("mispa"):
        parts.append("the MISPA-IV mandates report")
    return escape(" and ".join(parts) or "no document")


def provenance(manifest: dict) -> str:
    rows = [i for i in manifest.get("inputs", []) if i["file"] in manifest.get("used", [])]
    files = "".join(f"<li>{escape(i['file'])} <code>sha256 {escape(i['sha256'][:16])}…</code></li>" for i in rows)
    return (f'<footer class="provenance"><p>Made with oaslib {escape(__version__)} on '
            f'{date.today().isoformat()} from the clean tables built {escape(str(manifest.get("built_at", "")))}'
            f' (<code>oaslib report</code>, notebooks run through papermill).</p><ul>{files}</ul></footer>')


# -------------------------------------------------------------------- year

@dataclass
class YearBrief(_Sections):
    year: int
    acts: pd.DataFrame
    donors: pd.DataFrame
    mispa: pd.DataFrame
    quality: pd.DataFrame
    manifest: dict

    @classmethod
    def make(cls, year: int, data_dir, tables: Tables | None = None) -> "YearBrief":
        t = tables or load(data_dir)
        year = int(year)
        a = t.activities[t.activities.duplicate_of.isna()]
        sy, ey = a.start_year.astype("Float64"), a.end_year.astype("Float64")
        active = ((sy.fillna(-1e9) <= year) & ((ey.fillna(1e9) >= year) | (a.end_status == "ongoing"))
                  & (sy.notna() | ey.notna()))
        acts = a[active.fillna(False)].copy()
        mispa = t.mispa[t.mispa.year == year]
        q = label_quality(t.quality[t.quality.activity_id.isin(acts.activity_id)], t.activities)
        return cls(year, acts, t.donors[t.donors.activity_id.isin(acts.activity_id)], mispa, q,
                   {**t.manifest, "used": sorted(set(acts.source_file) | set(mispa.source_file))})

    def header(self) -> str:
        return (f'<header class="brief"><p class="kicker">OAS Secretariat for Multidimensional Security'
                f' · year brief</p><h1>{self.year}</h1><p class="meta">Programs and activities dated in '
                f'{self.year}, from {sources_text(self.manifest)}</p></header>')

    def headline(self) -> str:
        if self.acts.empty and self.mispa.empty:
            return f'<p class="note">No program sheet or MISPA activity is dated in {self.year}.</p>'
        return figures([
            ("programs active", self.acts.program_id.nunique()),
            ("member states", self.acts.country.nunique()),
            ("started", int((self.acts.start_year == self.year).sum())),
            ("ended", int((self.acts.end_year == self.year).sum())),
            ("donors", self.donors.donor.nunique()),
            ("MISPA activities", len(self.mispa)),
        ])

    def programs_table(self) -> str:
        if self.acts.empty:
            return '<p class="note">No program sheet covers this year.</p>'
        a = self.acts.sort_values(["country", "program"])
        t = pd.DataFrame({"Member state": a.country, "Program": a.program, "Pillar": a.pillar,
                          "Dates": [dates_text(r) for _, r in a.iterrows()],
                          "Donors": a.donors.fillna("").str.replace(";", "; ")})
        note = ""
        if len(a) > a.program_id.nunique():
            note = ('<p class="note">A program run in several member states has a row for each; '
                    'the figures above count it once.</p>')
        return table(t, "programs") + note

    def started_ended(self) -> str:
        out = []
        for label, col in (("Started", "start_year"), ("Ended", "end_year")):
            g = self.acts[self.acts[col] == self.year]
            items = "".join(f"<li>{escape(r.program)} ({escape(r.country)})</li>" for r in g.itertuples())
            out.append(f"<h3>{label} in {self.year}</h3>" + (f"<ul>{items}</ul>" if items else '<p class="note">None.</p>'))
        return "".join(out)

    def by_country_chart(self) -> str:
        if self.acts.empty:
            return ""
        svg = charts.bars(self.acts.groupby("country").program_id.nunique(), "programs active")
        return f'<figure class="chart">{svg}</figure>' if svg else ""

    def mispa_section(self) -> str:
        if self.mispa.empty:
            return f'<p class="note">The MISPA report dates no activity in {self.year}.</p>'
        return mispa_table(self.mispa)

    def data(self) -> pd.DataFrame:
        return self.acts[["activity_id", "country", "program", "program_id", "pillar", "start_date",
                          "end_date", "end_status", "donors", "source_file", "sheet_no"]]


def make_brief(kind: str, key: str, data_dir, as_of=None, tables: Tables | None = None):
    """The CountryBrief or YearBrief for a batch key ('PAN', '2017')."""
    if kind == "country":
        return CountryBrief.make(key, as_of, data_dir, tables)
    return YearBrief.make(int(key), data_dir, tables)


def headline_numbers(b) -> dict:
    """A few figures of a brief for the index page."""
    n = {"programs": int(b.acts.program_id.nunique())}
    if isinstance(b, CountryBrief):
        n["donors"] = int(b.donors.donor.nunique())
    n["MISPA activities"] = len(b.mispa)
    return n
