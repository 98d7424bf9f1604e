"""Editions of a brief: what changed since the last one, and which of a
brief's facts depend on the date.

A batch keeps, for every brief it makes, the data that brief showed as one
small CSV, ``reports/history/<stem>/<as-of date>.csv`` (a *snapshot*: one row
per program and per MISPA activity). The next edition compares its own data
with the latest snapshot: programs added and removed, changed dates, status or
donors, new MISPA activities. Pure functions over data frames, except the
few at the end that read and write the history folder.

Programs are keyed by ``program_id`` (one id per program across sheets: a hash
of its texts and name, so it survives an edit of its dates or donors and a
re-clean of the same documents); in a year brief by member state and
``program_id``, since a program run in several member states has a row for
each. MISPA activities are keyed by ``mispa_id`` (file name and paragraph text).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

from ..clean import store
from ..errors import StoreError
from .i18n import N_, Lang

#: The columns of a snapshot, all text ("" where the brief shows nothing).
SNAPSHOT_COLUMNS = ["item", "key", "label", "country", "start_date", "end_date", "end_status", "status",
                    "donors", "agency", "year"]
#: Fields of a program whose change the next edition reports, with the reader's word for each.
COMPARED = {"start_date": N_("start"), "end": N_("end"), "status": N_("status"), "donors": N_("donors")}
#: Subfolder of the reports directory that keeps the editions' snapshots.
HISTORY = "history"

def _text(x) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


def _donors(x) -> str:
    """Donors as a set: the order a sheet lists them in is not a change."""
    return ";".join(sorted({d.strip() for d in _text(x).split(";") if d.strip()}))


# ------------------------------------------------------ date-dependent facts

def date_facts(brief) -> pd.DataFrame:
    """What a country brief shows that depends on its as-of date, per
    program row: its status on that date, whether it ends in the next 12
    months (``CountryBrief.ending_soon``, the rule of every brief) and
    whether it is among the recently ended (ended in the as-of year or the
    two before, the window of the programs table). A year brief's rows
    depend on its year only (its programs are already in its fingerprint)."""
    if "status" not in brief.acts or brief.acts.empty:
        return pd.DataFrame(columns=["activity_id", "status", "ends_within_12_months", "recently_ended"])
    a, as_of = brief.acts, brief.as_of
    return pd.DataFrame({
        "activity_id": a.activity_id.astype(str),
        "status": a.status.astype(str),
        "ends_within_12_months": brief.ending_soon().to_numpy(),
        "recently_ended": (a.status == "ended") & (a.end_year.astype("Float64").fillna(0) >= as_of.year - 2),
    }).sort_values("activity_id").reset_index(drop=True)


def date_fingerprint(brief) -> str:
    """A hash of ``date_facts``: the part of a brief's input hash that
    depends on the date. The next day gives the same hash unless a program
    ended, started or came within 12 months of its end."""
    f = date_facts(brief)
    return hashlib.sha256(f.to_csv(index=False, lineterminator="\n").encode()).hexdigest()


# ------------------------------------------------------------- snapshots

def _program_keys(acts: pd.DataFrame, per_country: bool) -> list[str]:
    keys = (acts.iso3.astype(str) + ":" + acts.program_id.astype(str)) if per_country else acts.program_id.astype(str)
    # Two sheets of the same program in one brief (rare): tell them apart by sheet
    twice = keys.duplicated(keep=False)
    return [f"{k}/{a}" if t else k for k, a, t in zip(keys, acts.activity_id, twice)]


def snapshot(brief) -> pd.DataFrame:
    """The data of a brief that the next edition compares with: one row
    per program (``item`` 'program') and per MISPA activity ('mispa')."""
    a, per_country = brief.acts, not hasattr(brief, "iso3")
    donors = a.donors if "donors" in a else pd.Series("", index=a.index)
    progs = pd.DataFrame({
        "item": "program", "key": _program_keys(a, per_country), "label": a.program.map(_text),
        "country": a.country.map(_text) if per_country else "",
        "start_date": a.start_date.map(_text), "end_date": a.end_date.map(_text),
        "end_status": a.end_status.map(_text),
        "status": a.status.map(_text) if "status" in a else "", "donors": donors.map(_donors),
        "agency": "", "year": ""}, columns=SNAPSHOT_COLUMNS)
    m = brief.mispa
    mispa = pd.DataFrame({
        "item": "mispa", "key": m.mispa_id.astype(str),
        "label": [_text(t) or clip(_text(x), 110) for t, x in zip(m.title, m.text)],
        "country": "", "start_date": "", "end_date": "", "end_status": "", "status": "", "donors": "",
        "agency": m.agency.map(_text), "year": m.year.astype("Int64").astype("string").fillna("")},
        columns=SNAPSHOT_COLUMNS)
    out = pd.concat([progs, mispa], ignore_index=True).fillna("").astype(str)
    return out.sort_values(["item", "key"]).reset_index(drop=True)


def clip(text: str, n: int) -> str:
    """An untitled MISPA paragraph's opening words, cut between words (the
    brief's MISPA table and the snapshot show the same)."""
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0].rstrip(",;:") + " …"


# -------------------------------------------------------------- compare

@dataclass
class Changes:
    """What changed between two editions of a brief. ``previous_date`` is
    None for a first edition (then every frame is empty)."""
    previous_date: date | None
    added: pd.DataFrame = field(default_factory=pd.DataFrame)     # snapshot rows
    removed: pd.DataFrame = field(default_factory=pd.DataFrame)   # snapshot rows
    changed: pd.DataFrame = field(default_factory=pd.DataFrame)   # key, label, country, field, old, new
    new_mispa: pd.DataFrame = field(default_factory=pd.DataFrame)  # snapshot rows
    removed_mispa: pd.DataFrame = field(default_factory=pd.DataFrame)  # snapshot rows
    first: bool = False

    @property
    def ended(self) -> int:
        """Programs whose status became 'ended'."""
        c = self.changed
        return 0 if c.empty else int(((c.field == "status") & (c.new == "ended")).groupby(c.key).any().sum())

    @property
    def changed_programs(self) -> int:
        return 0 if self.changed.empty else self.changed.key.nunique()

    def counts(self) -> dict:
        """For manifest.json."""
        return {"previous_edition": self.previous_date.isoformat() if self.previous_date else None,
                "first_edition": self.first, "added": len(self.added), "removed": len(self.removed),
                "changed": self.changed_programs, "ended": self.ended, "new_mispa": len(self.new_mispa),
                "removed_mispa": len(self.removed_mispa), "summary": self.summary_text()}

    def _what(self, L: Lang) -> str:
        """'2 programs added, 1 program ended' ('' when nothing changed)."""
        added, removed, ended = len(self.added), len(self.removed), self.ended
        changed, new_m, gone_m = self.changed_programs - ended, len(self.new_mispa), len(self.removed_mispa)
        parts = [
            added and L.n("{n} program added", "{n} programs added", added),
            removed and L.n("{n} program no longer listed", "{n} programs no longer listed", removed),
            ended and L.n("{n} program ended", "{n} programs ended", ended),
            changed and L.n("{n} program changed", "{n} programs changed", changed),
            new_m and L.n("{n} new MISPA activity", "{n} new MISPA activities", new_m),
            gone_m and L.n("{n} MISPA activity no longer listed", "{n} MISPA activities no longer listed", gone_m),
        ]
        parts = [p for p in parts if p]
        return ", ".join(parts)

    def summary_text(self, L: Lang | None = None) -> str:
        """'2 programs added, 1 program ended since 3 November 2026' (English
        unless ``L`` says otherwise: the manifest and index are English)."""
        L = L or Lang("en")
        if self.first:
            return L._("First edition")
        what, since = self._what(L), L.date(self.previous_date)
        return L._("{what} since {date}", what=what, date=since) if what else L._("No change since {date}", date=since)

    def to_html(self, L: Lang | None = None) -> str:
        """The section 'Since the last brief': a sentence, then the lists."""
        L = L or Lang("en")
        if self.first:
            return '<p class="note">' + escape(L._(
                "This is the first edition of this brief. The next edition will list the programs added, "
                "removed or changed and the new MISPA activities since this one.")) + "</p>"
        what = self._what(L)
        # the heading above gives the last brief's date ('Since the last brief (3 November 2026)')
        if not what:
            return '<p class="since">' + escape(L._("Nothing this brief shows has changed since then.")) + "</p>"
        keep = ' style="break-after: avoid"'  # a sentence or list heading stays with what follows
        out = [f'<p class="since"{keep}>' + escape(L._("Compared with the last brief: {what}.", what=what)) + "</p>"]
        for title, rows in ((L._("Added"), self.added),
                            (L._("No longer listed in the program sheets"), self.removed)):
            if len(rows):
                out.append(f"<h4{keep}>{escape(title)}</h4><ul>"
                           + "".join(f"<li>{escape(_name(r, L))}</li>" for _, r in rows.iterrows()) + "</ul>")
        if len(self.changed):
            # one block of rows per program: its name once (rowspan), then each field that changed
            body = ""
            for _, g in self.changed.groupby("key", sort=False):
                name = escape(_name(g.iloc[0], L))
                for i, r in enumerate(g.itertuples()):
                    first = f'<td rowspan="{len(g)}">{name}</td>' if i == 0 else ""
                    old, new = (escape(_shown(r.field, v, L)) for v in (r.old, r.new))
                    body += f"<tr>{first}<td>{escape(L._(COMPARED[r.field]))}</td><td>{old}</td><td>{new}</td></tr>"
            heads = "".join(f"<th>{escape(h)}</th>" for h in (L._("Program"), L._("What"), L._("Before"), L._("Now")))
            # a marked string outside the f-string: Babel's extractor does not look inside f-strings
            changed = L._("Changed")
            out.append(f'<h4{keep}>{escape(changed)}</h4><table class="changes"><colgroup>'
                       '<col style="width:44%"><col style="width:10%"><col><col></colgroup>'
                       f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>")
        for title, rows in ((L._("New MISPA activities"), self.new_mispa),
                            (L._("MISPA activities no longer listed"), self.removed_mispa)):
            if len(rows):
                body = "".join(f"<tr><td>{escape(r.agency)}</td><td>{escape(r.year)}</td><td>{escape(r.label)}</td></tr>"
                               for _, r in rows.iterrows())
                heads = "".join(f"<th>{escape(h)}</th>" for h in (L._("Agency"), L._("Year"), L._("Activity")))
                out.append(f'<h4{keep}>{escape(title)}</h4><table class="changes"><colgroup><col style="width:5.4em">'
                           f'<col style="width:3.6em"><col></colgroup><thead><tr>{heads}</tr></thead>'
                           f"<tbody>{body}</tbody></table>")
        return "".join(out)


def _name(r, L: Lang) -> str:
    return f"{r.label} ({L.country(r.country)})" if r.get("country") else r.label


def _shown(f: str, v: str, L: Lang) -> str:
    if f == "donors":
        return "; ".join(L.country(d) for d in v.split(";") if d) or L._("none named")
    if f == "status":
        return L._(v) if v else L._("not given")
    if f == "end" and v == "ongoing":
        return L._("ongoing")
    if f in ("start_date", "end") and v:
        return L.partial_date(v)
    return v or L._("not given")


def _end(df: pd.DataFrame) -> pd.Series:
    """The end as the brief shows it: a date, 'ongoing' or nothing."""
    return df.end_date.where(df.end_date != "", df.end_status.map({"ongoing": "ongoing"}).fillna(""))


def compare(previous: pd.DataFrame | None, current: pd.DataFrame, previous_date: date | None = None) -> Changes:
    """What changed from the ``previous`` edition's snapshot to ``current``
    (both from ``snapshot``); ``previous`` None is a first edition."""
    empty = current.iloc[0:0]
    if previous is None:
        return Changes(None, empty, empty, pd.DataFrame(columns=["key", "label", "country", "field", "old", "new"]),
                       empty, empty, first=True)
    prev, cur = (df.fillna("").astype(str) for df in (previous.reindex(columns=SNAPSHOT_COLUMNS), current))
    p, c = (df[df["item"] == "program"].assign(end=_end).set_index("key") for df in (prev, cur))
    pm, cm = (df[df["item"] == "mispa"] for df in (prev, cur))
    both = p.index.intersection(c.index)
    rows = []
    for key in c.index[c.index.isin(both)]:
        for f in COMPARED:
            old, new = p.at[key, f], c.at[key, f]
            if old != new:
                rows.append({"key": key, "label": c.at[key, "label"], "country": c.at[key, "country"],
                             "field": f, "old": old, "new": new})
    return Changes(previous_date,
                   added=c[~c.index.isin(p.index)].reset_index(),
                   removed=p[~p.index.isin(c.index)].reset_index(),
                   changed=pd.DataFrame(rows, columns=["key", "label", "country", "field", "old", "new"]),
                   new_mispa=cm[~cm.key.isin(pm.key)].reset_index(drop=True),
                   removed_mispa=pm[~pm.key.isin(cm.key)].reset_index(drop=True))


# --------------------------------------------------------------- history

def history_dir(out_dir: Path) -> Path:
    return Path(out_dir) / HISTORY


def previous_edition(history: Path | None, stem: str, as_of: date | None = None,
                     current: pd.DataFrame | None = None,
                     day: date | None = None) -> tuple[date | None, pd.DataFrame | None]:
    """The latest kept snapshot of a brief on or before ``as_of`` (any date
    when None), with its date; (None, None) when there is none.

    A snapshot of ``day`` (the date this edition is made on) that equals
    ``current`` is this very edition made again (``--force``, a new oaslib,
    a re-run of ``report``): comparing with it would replace the morning's
    list of changes with "nothing has changed". The edition before it is
    the previous one. A snapshot of the same day that differs (the data
    changed since) is a real previous edition."""
    folder = Path(history) / stem if history else None
    if folder is None or not folder.is_dir():
        return None, None
    dated = []
    for f in folder.glob("*.csv"):
        try:
            d = date.fromisoformat(f.stem)
        except ValueError:  # not a snapshot (a temporary or foreign file)
            continue
        if as_of is None or d <= as_of:
            dated.append((d, f))
    for d, f in sorted(dated, reverse=True):
        try:
            snap = pd.read_csv(f, dtype=str, keep_default_na=False)
            if not {"item", "key"} <= set(snap.columns):
                raise ValueError("no item and key columns")
        except (ValueError, OSError, UnicodeDecodeError) as e:  # pandas' ParserError is a ValueError
            raise StoreError("kept edition cannot be read; delete it to compare with the one before",
                             file=str(f), text=(str(e).strip().splitlines() or [""])[-1][:200]) from None
        if current is not None and d == day and _same(snap, current):
            continue
        return d, snap
    return None, None


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    def norm(df):
        return (df.reindex(columns=SNAPSHOT_COLUMNS).fillna("").astype(str)
                .sort_values(["item", "key"]).reset_index(drop=True))
    return norm(a).equals(norm(b))


def save_edition(history: Path, stem: str, as_of: date, snap: pd.DataFrame) -> Path:
    """Keep this edition's snapshot (atomically; one per brief and as-of
    date: a second edition the same day replaces the first)."""
    target = Path(history) / stem / f"{as_of.isoformat()}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(target, snap.to_csv(index=False, lineterminator="\n"))
    return target


def changes_for(brief, stem: str, history: Path | None, as_of: date | None = None,
                day: date | None = None) -> Changes:
    """This brief's changes since its previous kept edition (``previous_edition``)."""
    current = snapshot(brief)
    d, prev = previous_edition(history, stem, as_of, current, day)
    return compare(prev, current, d)
