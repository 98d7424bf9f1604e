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

#: The columns of a snapshot, all text ("" where the brief shows nothing).
SNAPSHOT_COLUMNS = ["item", "key", "label", "country", "start_date", "end_date", "end_status", "status",
                    "donors", "agency", "year"]
#: Fields of a program whose change the next edition reports, with the reader's word for each.
COMPARED = {"start_date": "start", "end": "end", "status": "status", "donors": "donors"}
#: Subfolder of the reports directory that keeps the editions' snapshots.
HISTORY = "history"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def long_date(d: date) -> str:
    """'3 November 2026'."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _text(x) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


def _donors(x) -> str:
    """Donors as a set: the order a sheet lists them in is not a change."""
    return ";".join(sorted({d.strip() for d in _text(x).split(";") if d.strip()}))


# ------------------------------------------------------ date-dependent facts

def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    last = (date(y + m // 12, m % 12 + 1, 1) - date(y, m, 1)).days
    return date(y, m, min(d.day, last))


def _end_within(end: str, as_of: date, months: int) -> bool:
    """Whether a dated end is not past on ``as_of`` and at most ``months``
    later, compared at the precision the sheet gives (a bare year stays a year)."""
    n = len(end)
    return as_of.isoformat()[:n] <= end <= _add_months(as_of, months).isoformat()[:n]


def ends_within(r, as_of: date, months: int = 12) -> bool:
    """A program that has not ended on ``as_of`` and ends in the next
    ``months`` months (content.status_on decides 'ended' the same way)."""
    return r["end_status"] == "dated" and pd.notna(r["end_date"]) and _end_within(str(r["end_date"]), as_of, months)


def date_facts(brief) -> pd.DataFrame:
    """What a brief shows that depends on its as-of date, per program row:
    its status on that date, whether it ends within 12 months of it, and
    whether it is among the recently ended (ended in the as-of year or the
    two before, the window of the programs table). A year brief shows none."""
    as_of = getattr(brief, "as_of", None)
    if as_of is None or brief.acts.empty:
        return pd.DataFrame(columns=["activity_id", "status", "ends_within_12_months", "recently_ended"])
    a = brief.acts
    return pd.DataFrame({
        "activity_id": a.activity_id.astype(str),
        "status": a.status.astype(str),
        "ends_within_12_months": [ends_within(r, as_of) for _, r in a.iterrows()],
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
        "label": [_text(t) or _clip(_text(x), 110) for t, x in zip(m.title, m.text)],
        "country": "", "start_date": "", "end_date": "", "end_status": "", "status": "", "donors": "",
        "agency": m.agency.map(_text), "year": m.year.astype("Int64").astype("string").fillna("")},
        columns=SNAPSHOT_COLUMNS)
    out = pd.concat([progs, mispa], ignore_index=True).fillna("").astype(str)
    return out.sort_values(["item", "key"]).reset_index(drop=True)


def _clip(text: str, n: int) -> str:
    """An untitled MISPA paragraph's opening words."""
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


# -------------------------------------------------------------- compare

def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


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

    def _what(self) -> str:
        """'2 programs added, 1 ended' ('' when nothing changed)."""
        programs = [(n, what) for n, what in ((len(self.added), "added"), (len(self.removed), "no longer listed"),
                                              (self.ended, "ended"), (self.changed_programs - self.ended, "changed"))
                    if n]
        # the noun once, on the first count: '2 programs added, 1 ended'
        parts = [f"{_plural(n, 'program', 'programs') if i == 0 else n} {what}" for i, (n, what) in enumerate(programs)]
        if len(self.new_mispa):
            parts.append(_plural(len(self.new_mispa), "new MISPA activity", "new MISPA activities"))
        if len(self.removed_mispa):
            parts.append(_plural(len(self.removed_mispa), "MISPA activity", "MISPA activities") + " no longer listed")
        return ", ".join(parts)

    def summary_text(self) -> str:
        """'2 programs added, 1 ended since 3 November 2026'."""
        if self.first:
            return "First edition"
        what, since = self._what(), long_date(self.previous_date)
        return f"{what} since {since}" if what else f"No change since {since}"

    def to_html(self) -> str:
        """The section 'Since the last brief': a sentence, then the lists."""
        if self.first:
            return ('<p class="note">This is the first edition of this brief. The next edition will list '
                    'the programs added, removed or changed and the new MISPA activities since this one.</p>')
        since = long_date(self.previous_date)
        if not self._what():
            return f'<p class="since">Nothing this brief shows has changed since the last brief, of {escape(since)}.</p>'
        # the heading above says 'Since the last brief'; the sentence gives its date; the lists keep to it
        keep = ' style="break-after: avoid"'
        out = [f'<p class="since"{keep}>Compared with the last brief, of {escape(since)}: {escape(self._what())}.</p>']
        for title, rows in (("Added", self.added), ("No longer listed in the program sheets", self.removed)):
            if len(rows):
                out.append(f"<h4{keep}>{title}</h4><ul>" + "".join(f"<li>{escape(_name(r))}</li>" for _, r in rows.iterrows())
                           + "</ul>")
        if len(self.changed):
            body = "".join(f"<tr><td>{escape(_name(r))}</td><td>{escape(COMPARED[r.field])}</td>"
                           f"<td>{escape(_shown(r.field, r.old))}</td><td>{escape(_shown(r.field, r.new))}</td></tr>"
                           for _, r in self.changed.iterrows())
            out.append(f'<h4{keep}>Changed</h4><table class="changes"><colgroup><col style="width:44%"><col style="width:10%">'
                       '<col><col></colgroup><thead><tr><th>Program</th><th>What</th><th>Before</th><th>Now</th>'
                       f"</tr></thead><tbody>{body}</tbody></table>")
        for title, rows in (("New MISPA activities", self.new_mispa),
                            ("MISPA activities no longer listed", self.removed_mispa)):
            if len(rows):
                body = "".join(f"<tr><td>{escape(r.agency)}</td><td>{escape(r.year)}</td><td>{escape(r.label)}</td></tr>"
                               for _, r in rows.iterrows())
                out.append(f'<h4{keep}>{title}</h4><table class="changes"><colgroup><col style="width:5.4em">'
                           '<col style="width:3.6em"><col></colgroup><thead><tr><th>Agency</th><th>Year</th>'
                           f"<th>Activity</th></tr></thead><tbody>{body}</tbody></table>")
        return "".join(out)


def _name(r) -> str:
    return f"{r.label} ({r.country})" if r.get("country") else r.label


def _shown(f: str, v: str) -> str:
    if f == "donors":
        return v.replace(";", "; ") or "none named"
    return v or "not given"


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


def previous_edition(history: Path | None, stem: str, as_of: date | None = None) -> tuple[date | None, pd.DataFrame | None]:
    """The latest kept snapshot of a brief on or before ``as_of`` (any date
    when None), with its date; (None, None) when there is none."""
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
    if not dated:
        return None, None
    d, f = max(dated)
    return d, pd.read_csv(f, dtype=str, keep_default_na=False)


def save_edition(history: Path, stem: str, as_of: date, snap: pd.DataFrame) -> Path:
    """Keep this edition's snapshot (atomically; one per brief and as-of
    date: a second edition the same day replaces the first)."""
    target = Path(history) / stem / f"{as_of.isoformat()}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(target, snap.to_csv(index=False, lineterminator="\n"))
    return target


def changes_for(brief, stem: str, history: Path | None, as_of: date | None = None) -> Changes:
    """This brief's changes since its latest kept edition."""
    d, prev = previous_edition(history, stem, as_of)
    return compare(prev, snapshot(brief), d)


def section_html(kind: str, key, data_dir, history_dir, as_of=None) -> str:
    """The section 'Since the last brief', for a brief notebook to display:
    ``section_html("country", country, data_dir, history_dir, as_of)`` or
    ``section_html("year", year, data_dir, history_dir)``. A country brief
    compares with its latest edition on or before ``as_of``; a year brief
    (no as-of date) with its latest. ``history_dir`` empty: a first edition."""
    from .content import make_brief
    from .render import brief_stem

    as_of = (date.fromisoformat(str(as_of)) if as_of else date.today()) if kind == "country" else None
    brief = make_brief(kind, key if kind == "country" else str(int(key)), data_dir, as_of)
    stem = brief_stem(kind, getattr(brief, "iso3", str(key)))
    return changes_for(brief, stem, Path(history_dir) if history_dir else None, as_of).to_html()
