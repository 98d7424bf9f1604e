"""What an analyst asks of the clean tables, as pure functions.

``notebooks/explore.ipynb`` calls these; each takes the tables (as
``oaslib.load_*`` returns them, or as ``store.read_table`` does) and returns a
DataFrame, so that the notebook stays a list of questions and answers and the
logic is tested here. The chart functions draw in the briefs' house style
(the colours of ``briefs/templates/brief.css``) with pyplot, so that in
JupyterLab they show inline like ``df.plot`` does.
"""
from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import date

import pandas as pd

from .clean.schema import AGENCIES, DONOR_KINDS, END_STATUS
from .errors import SchemaError, UsageError

# The briefs' colours (brief.css: --accent, --ink, --muted, --rule; the
# timeline's open-ended bars and as-of line in briefs/charts.py).
ACCENT, LIGHT, INK, MUTED, RULE, AS_OF = "#1f4e79", "#7a9cc6", "#1b2631", "#5d6d7e", "#d5dbe1", "#c0392b"
#: Colours of stacked categories, darkest first: the accent, then lighter blues and greys.
PALETTE = (ACCENT, LIGHT, MUTED, "#a9c4de", "#2e6da4", "#b2babb")

NOT_GIVEN = "(not given)"
SEARCH_FIELDS = ("summary", "objectives", "results")


# ------------------------------------------------------------------ dtypes

def _pillar_order() -> list[str]:
    from .refdata import rows
    return [r["pillar"] for r in rows("pillars")]


#: Columns loaded as categoricals, each with the function giving its declared
#: order (pillars.csv, the schema's allowed values); member states have none
#: and sort by name.
CATEGORIES = {"pillar": _pillar_order, "end_status": lambda: list(END_STATUS),
              "donor_kind": lambda: list(DONOR_KINDS), "agency": lambda: list(AGENCIES),
              "country": lambda: []}


def as_category(values: pd.Series, order=()) -> pd.Series:
    """A categorical of the values present, in ``order`` first, the others
    sorted after: no value is lost to an undeclared category, and no category
    is empty (so ``value_counts`` and groupbys list what the data has)."""
    present = set(values.dropna())
    cats = [v for v in order if v in present] + sorted(present - set(order))
    return pd.Series(pd.Categorical(values.astype("object").where(values.notna(), None), categories=cats),
                     index=values.index, name=values.name)


def date_bounds(dates: pd.Series, end: bool = False) -> pd.Series:
    """ISO dates at the precision a sheet gives (``2017-06-30``, ``2017-06``,
    ``1998``) as datetime64: a partial date becomes the first day it can mean,
    or with ``end`` the last."""
    s = dates.astype("string")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for n, fmt, offset in ((10, "%Y-%m-%d", None), (7, "%Y-%m", pd.offsets.MonthEnd(0)),
                           (4, "%Y", pd.offsets.YearEnd(0))):
        part = s[s.str.len() == n]
        parsed = pd.to_datetime(part, format=fmt, errors="coerce")
        out.loc[part.index] = parsed + offset if end and offset is not None else parsed
    bad = s.notna() & out.isna()
    if bad.any():
        raise SchemaError(f"column {dates.name}: not an ISO date", text=str(s[bad].iloc[0]))
    return out


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """A table with an analyst's dtypes: categoricals for the columns of a
    few values, and beside ``start_date``/``end_date`` (which keep the
    sheet's precision, a bare year stays a year) ``start``/``end`` as
    datetime64, the first and last day those dates can mean."""
    df = df.copy()
    for col, order in CATEGORIES.items():
        if col in df.columns:
            df[col] = as_category(df[col], order())
    for col, new, end in (("start_date", "start", False), ("end_date", "end", True)):
        if col in df.columns:
            df.insert(df.columns.get_loc(col) + 1, new, date_bounds(df[col], end=end))
    return df


# ------------------------------------------------------------ the questions

def _sheets(activities: pd.DataFrame) -> pd.DataFrame:
    """Sheets that are not a repeat of an earlier one: a program is counted
    once however often its sheet was filed."""
    return activities[activities.duplicate_of.isna()]


def _given(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), NOT_GIVEN)


def _order(values: pd.Series, present) -> list:
    """``present`` in the order of ``values``' categories (else sorted), "(not given)" last."""
    declared = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else sorted(
        v for v in present if v != NOT_GIVEN)
    return [v for v in declared if v in set(present)] + [v for v in present if v not in set(declared)]


def programs_by(activities: pd.DataFrame, rows: str = "country", columns: str = "pillar") -> pd.DataFrame:
    """Distinct programs per ``rows`` × ``columns`` (empty values as
    "(not given)"), with a total column, largest rows first."""
    a = _sheets(activities)
    t = pd.crosstab(_given(a[rows]), _given(a[columns]), values=a.program_id, aggfunc="nunique").fillna(0)
    t = t.astype(int)[_order(a[columns], t.columns)]
    t.index.name, t.columns.name = rows, columns
    t["total"] = a.groupby(_given(a[rows])).program_id.nunique()
    return t.sort_values("total", ascending=False, kind="stable")


def who_funds_what(activities: pd.DataFrame, donors: pd.DataFrame) -> pd.DataFrame:
    """One row per donor: its kind, how many programs it funds, in which
    member states, and the programs' names; most programs first."""
    a = _sheets(activities)[["activity_id", "program_id", "program", "country"]]
    d = donors.merge(a, on="activity_id", validate="m:1")
    g = d.groupby(["donor", "donor_kind"], observed=True)
    out = pd.DataFrame({
        "programs": g.program_id.nunique(),
        "member_states": g.country.agg(lambda s: "; ".join(sorted(set(map(str, s))))),
        "program_names": g.program.agg(lambda s: "; ".join(sorted(set(s)))),
    }).reset_index()
    return out.sort_values(["programs", "donor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def donors_by_kind(funders: pd.DataFrame) -> pd.DataFrame:
    """``who_funds_what`` summed by kind of donor."""
    return (funders.groupby("donor_kind", observed=True)
            .agg(donors=("donor", "count"), programs_funded=("programs", "sum"))
            .sort_values("programs_funded", ascending=False))


def program_spans(activities: pd.DataFrame) -> pd.DataFrame:
    """One row per program: the first day it can have started and the last it
    can end on over all its sheets, and its member states. ``ongoing``: a
    sheet says it is; ``open_end``: it is ongoing or no sheet gives an end.
    Programs with no date at all have neither ``start`` nor ``end``."""
    a = _sheets(activities)
    a = a.assign(start=date_bounds(a.start_date), end=date_bounds(a.end_date, end=True),
                 ongoing=(a.end_status == "ongoing").astype(bool))
    g = a.groupby("program_id", sort=False)
    spans = pd.DataFrame({
        "program": g.program.first(),
        "member_states": g.country.agg(lambda s: "; ".join(sorted(set(map(str, s))))),
        "start": g.start.min(), "end": g.end.max(), "ongoing": g.ongoing.any(),
    })
    spans["open_end"] = spans.ongoing | spans.end.isna()
    return spans.sort_values(["start", "end", "program"], na_position="last").reset_index()


def as_of_date(as_of=None) -> pd.Timestamp:
    """``as_of`` as a day, today when empty."""
    try:
        return pd.Timestamp(as_of or date.today()).normalize()
    except ValueError:
        raise UsageError("as_of: not a date (use YYYY-MM-DD)", text=str(as_of)) from None


def ends_within(end_date: pd.Series, end_status: pd.Series, as_of=None, months: int = 12) -> pd.Series:
    """The one rule for "ends in the next ``months`` months", used by the
    briefs, their editions and this module: a dated end that has not passed
    on ``as_of`` (its last possible day is ``as_of`` or later, so a program
    ending today is still active, as its status says) and falls no later
    than ``months`` calendar months after it. A bare year or month ends on
    its last day."""
    end = date_bounds(end_date, end=True)
    day = as_of_date(as_of)
    dated = pd.Series(end_status, index=end.index).astype("string").eq("dated").fillna(False)
    return (dated & (end >= day) & (end <= day + pd.DateOffset(months=months))).astype(bool)


def ending_within(activities: pd.DataFrame, as_of=None, months: int = 12) -> pd.DataFrame:
    """Sheets that end in the ``months`` after ``as_of`` (default today) by
    ``ends_within``, soonest first."""
    a = _sheets(activities)
    end = date_bounds(a.end_date, end=True)
    start = as_of_date(as_of)
    hit = ends_within(a.end_date, a.end_status, start, months)
    t = a.loc[hit, ["country", "program", "end_date"]].assign(days_left=(end[hit] - start).dt.days)
    return t.sort_values(["days_left", "country", "program"]).reset_index(drop=True)


def _day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}"


def ending_note(activities: pd.DataFrame, as_of=None, months: int = 12) -> str:
    """One sentence that reads ``ending_within`` for the notebook, an empty
    answer included: how many sheets end in the window, and the latest end
    date any sheet gives."""
    n = len(ending_within(activities, as_of, months))
    latest = date_bounds(_sheets(activities).end_date, end=True).max()
    head = (f"{n} sheet{'' if n == 1 else 's'} end{'s' if n == 1 else ''} in the {months} months "
            f"after {_day(as_of_date(as_of))}")
    return head + (f"; the latest end date a sheet gives is {_day(latest)}." if pd.notna(latest)
                   else "; no sheet gives an end date.")


def mispa_by_agency_year(mispa: pd.DataFrame) -> pd.DataFrame:
    """MISPA activity paragraphs per year (rows) and agency (columns); a
    paragraph that names no year is counted under "(no year)"."""
    year = mispa.year.astype("object").where(mispa.year.notna(), "(no year)")
    agency = mispa.agency.astype("object")
    t = pd.crosstab(year, agency)
    t.index.name, t.columns.name = "year", "agency"
    order = [a for a in AGENCIES if a in t.columns] + sorted(set(t.columns) - set(AGENCIES))
    dated = sorted(y for y in t.index if y != "(no year)")
    return t.loc[dated + [y for y in t.index if y == "(no year)"], order]


def mispa_member_states(mispa: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """How many MISPA activities name each member state, by agency, most first."""
    long = (mispa.assign(member_state=mispa.countries.str.split(";"))
            .explode("member_state").dropna(subset=["member_state"]))
    t = pd.crosstab(long.member_state.astype("object"), long.agency.astype("object"))
    t = t[[a for a in AGENCIES if a in t.columns] + sorted(set(t.columns) - set(AGENCIES))]
    t["total"] = t.sum(axis=1)
    t = t.sort_values(["total"], ascending=False, kind="stable")
    t.columns.name = "agency"
    return t.head(top) if top else t


def quality_summary(quality: pd.DataFrame) -> pd.DataFrame:
    """The quality table by problem and field: how many rows, sheets and files,
    and one example of the text concerned."""
    q = quality.assign(field=_given(quality.field))
    g = q.groupby(["problem", "field"])
    out = pd.DataFrame({"rows": g.size(), "sheets": g.activity_id.nunique(), "files": g.source_file.nunique(),
                        "example": g.text.agg(lambda s: next(iter(s.dropna()), ""))})
    return out.sort_values("rows", ascending=False, kind="stable").reset_index()


# ----------------------------------------------------------------- search

def _unaccented(text: str) -> str:
    """``text`` with accents taken off letter by letter (``policía`` ->
    ``policia``), keeping its length so positions carry over."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)
        out.append(base[0] if len(base) > 1 and all(unicodedata.combining(c) for c in base[1:]) else ch)
    return "".join(out)


def _snippet(text: str, start: int, end: int, context: int) -> str:
    lo, hi = max(0, start - context), min(len(text), end + context)
    if lo > 0:  # begin and end on whole words
        lo = text.find(" ", lo, start) + 1 or lo
    if hi < len(text):
        cut = text.rfind(" ", end, hi)
        hi = cut if cut > 0 else hi
    body = f"{text[lo:start]}[{text[start:end]}]{text[end:hi]}"
    return ("…" if lo > 0 else "") + " ".join(body.split()) + ("…" if hi < len(text) else "")


def search(activities: pd.DataFrame, query: str, fields=SEARCH_FIELDS, context: int = 60) -> pd.DataFrame:
    """Sheets whose ``fields`` contain every word of ``query``, each word
    matched at the start of a word, regardless of case and accents
    (``border`` finds "borders", ``policia`` finds "policía"). One row per
    sheet (repeated sheets left out) with where the words were found, how
    often, and a snippet around the first one, the word in brackets; most
    hits first."""
    words = _unaccented(str(query)).split()
    if not words:
        raise UsageError("search: give at least one word to look for", text=query)
    patterns = [re.compile(r"\b" + re.escape(w), re.IGNORECASE) for w in words]
    rows = []
    for r in _sheets(activities).itertuples(index=False):
        texts = {f: str(getattr(r, f)) for f in fields if pd.notna(getattr(r, f))}
        folded = {f: _unaccented(t) for f, t in texts.items()}
        found = {f: [m for p in patterns for m in p.finditer(t)] for f, t in folded.items()}
        if not all(any(p.search(t) for t in folded.values()) for p in patterns):
            continue
        first_field = next(f for f in texts if found[f])
        first = min(found[first_field], key=lambda m: m.start())
        rows.append({"activity_id": r.activity_id, "country": r.country, "program": r.program,
                     "found_in": "; ".join(f for f in texts if found[f]),
                     "hits": sum(len(v) for v in found.values()),
                     "snippet": _snippet(texts[first_field], first.start(), first.end(), context)})
    out = pd.DataFrame(rows, columns=["activity_id", "country", "program", "found_in", "hits", "snippet"])
    return out.sort_values(["hits", "country", "program"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------- charts

def notebook_style() -> None:
    """The briefs' look for the notebook's charts and tables: their type and
    colours, no box around the plot, and table cells wide enough for a
    snippet. Imports pyplot first, so that JupyterLab's inline backend is
    set up and then takes these settings rather than resetting them."""
    import matplotlib.pyplot as plt
    from cycler import cycler
    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10.5, "axes.titleweight": "bold",
        "axes.titlelocation": "left", "axes.titlecolor": ACCENT, "text.color": INK, "axes.labelcolor": INK,
        "axes.edgecolor": MUTED, "xtick.color": MUTED, "ytick.color": INK,
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=PALETTE), "figure.figsize": (7.5, 3.6), "figure.dpi": 100,
        "figure.facecolor": "white", "legend.frameon": False, "savefig.bbox": "tight",
    })
    pd.set_option("display.max_colwidth", 300)


def _label(text, width: int = 48) -> str:
    """A category label wrapped, never cut: the whole name shows."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def bar_chart(table, title: str, xlabel: str, largest_first: bool = True, ax=None):
    """Horizontal bars of a Series, or stacked bars of a DataFrame's columns
    (a "total" column is left out), each bar's total at its end; largest at
    the top, or with ``largest_first=False`` in the table's order (years).
    An empty table gives an empty chart, not an error."""
    import matplotlib.pyplot as plt
    t = table.to_frame() if isinstance(table, pd.Series) else table.drop(columns="total", errors="ignore")
    t = t.fillna(0)
    t = t.loc[t.sum(axis=1).sort_values(kind="stable").index] if largest_first else t.iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.32 * len(t) + 1.1), layout="constrained")
    left = pd.Series(0.0, index=t.index)
    labels = [_label(i) for i in t.index]
    for i, col in enumerate(t.columns):
        ax.barh(labels, t[col], left=left, color=PALETTE[i % len(PALETTE)], height=0.62, label=str(col))
        left += t[col]
    for y, v in enumerate(left):
        ax.annotate(f"{v:g}", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8,
                    color=MUTED)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", length=0)
    if t.shape[1] > 1:  # beside the plot, where no bar runs under it
        ax.legend(title=str(t.columns.name or "").replace("_", " "), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def timeline_chart(spans: pd.DataFrame, as_of=None, ax=None):
    """``program_spans`` as bars from start to end, open-ended programs in
    the lighter blue to the edge, a red line on ``as_of`` (default today).
    Programs with no date at all are not drawn (list them from ``spans``)."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    day = as_of_date(as_of)
    s = spans[spans.start.notna() | spans.end.notna()].iloc[::-1]
    lo = min(s.start.min(), s.end.min()) if len(s) else day
    hi = max(s.end.max() if s.end.notna().any() else day, day) + pd.DateOffset(years=1)
    x = mdates.date2num  # bars in matplotlib's date numbers: Timestamps do not take part in annotations
    labels = [_label(f"{p} ({m})") for p, m in zip(s.program, s.member_states)]
    if ax is None:
        extra_lines = sum(label.count("\n") for label in labels)
        _, ax = plt.subplots(figsize=(9, 0.34 * len(s) + 0.17 * extra_lines + 1.0), layout="constrained")
    for y, r in enumerate(s.itertuples()):
        right = x(hi if r.open_end else r.end)
        if pd.isna(r.start):  # a known end only: a mark there, not a bar from the axis edge
            ax.plot(right, y, marker="D", markersize=6, color=ACCENT)
            ax.annotate("start not given", (right, y), xytext=(-7, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=7.5, color=MUTED)
            continue
        left = x(r.start)
        ax.barh(y, right - left, left=left, height=0.6, color=LIGHT if r.open_end else ACCENT)
        if r.open_end:
            ax.annotate("ongoing" if r.ongoing else "no end date", (right, y), xytext=(-3, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=7.5, color="white")
    ax.axvline(x(day), color=AS_OF, lw=1.4)
    ax.annotate(f"as of {day.date().isoformat()}", (x(day), 1.0), xycoords=ax.get_xaxis_transform(),
                xytext=(-3, 2), textcoords="offset points", ha="right", va="bottom", color=AS_OF, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.xaxis_date()
    ax.set_xlim(x(pd.Timestamp(lo.year, 1, 1)), x(hi))
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title("Programs from start to end")
    return ax
