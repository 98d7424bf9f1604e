"""Charts for the briefs, as inline SVG strings (crisp in HTML and PDF)."""
from __future__ import annotations

import io
import textwrap
from datetime import date, timedelta

import pandas as pd


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.fonttype": "none"})
    return plt


# Charts are drawn at the width of the page's text column (A4 less margins),
# labels included, so that 8.5 pt in the figure prints as 8.5 pt on the page
# and every chart of a brief has the same type size.
WIDTH_IN = 6.8


def _label(text: str, width: int = 34) -> str:
    """A long category label wrapped over as many lines as it needs: the
    whole name shows, never cut."""
    return "\n".join(textwrap.wrap(str(text), width) or [""])


def _figure(n_rows: int, label_lines: int = 0):
    plt = _plt()
    return plt.subplots(figsize=(WIDTH_IN, 0.18 * n_rows + 0.12 * label_lines + 0.7), layout="constrained")


def on_timeline(acts: pd.DataFrame) -> pd.Series:
    """Which programs the timeline can draw: those with a start or an end date."""
    return acts.start_date.notna() | acts.end_date.notna()


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    _plt().close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def to_date(value, end=False):
    """A sheet's date at its precision as a date: a bare year or month is its
    first day, or with ``end`` its last."""
    if value is None or pd.isna(value):
        return None
    v = str(value)
    if len(v) == 4:
        return date(int(v), 12, 31) if end else date(int(v), 1, 1)
    if len(v) == 7:
        y, m = int(v[:4]), int(v[5:7])
        return (date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)) if end else date(y, m, 1)
    return date.fromisoformat(v)


def timeline(acts: pd.DataFrame, as_of: date, L) -> str | None:
    """Bars from start to end; open-ended programs fade out to the right; a
    program whose start is not given is a diamond at its end; the as-of date
    is a vertical line. Undated programs are listed apart by the brief, not
    drawn. ``L`` (``oaslib.briefs.i18n.Lang``) gives the words and dates."""
    rows = []
    for _, r in acts[on_timeline(acts)].iterrows():
        start, end = to_date(r["start_date"]), to_date(r["end_date"], end=True)
        rows.append((_label(r["program"], 46), start, end, r["end_status"]))
    if not rows:
        return None
    import matplotlib.dates as mdates
    lo = min(d for _, s, e, _ in rows for d in (s, e) if d)
    hi = max([d for _, s, e, _ in rows for d in (s, e) if d] + [as_of])
    lo, hi = date(lo.year, 1, 1), date(hi.year + 1, 1, 1)
    # A row is as tall as its wrapped label plus a gap, so the last line of
    # one name never touches the first of the next: one row unit is 0.27 in
    # (19.4 pt) and a line of 8.5 pt type takes 10.2 pt, 0.53 of a unit.
    heights = [max(1.0, 0.53 * (label.count("\n") + 1) + 0.3) for label, *_ in rows]
    ys = [sum(heights[:i]) + h / 2 for i, h in enumerate(heights)]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.27 * sum(heights) + 0.6), layout="constrained")
    for y, (label, s, e, status) in zip(ys, rows):
        if s is None:  # only the end is known: a marker there, no bar
            x = mdates.date2num(e)
            ax.plot(x, y, marker="D", markersize=6, color="#1f4e79")
            # the note goes on the side of the marker with room for it
            left = (x - mdates.date2num(lo)) > 0.4 * (mdates.date2num(hi) - mdates.date2num(lo))
            ax.annotate(L._("start not given"), (x, y), xytext=(-7 if left else 7, 0), textcoords="offset points",
                        ha="right" if left else "left", va="center", fontsize=7, color="#5d6d7e")
            continue
        right = e or hi
        ax.barh(y, mdates.date2num(right) - mdates.date2num(s), left=mdates.date2num(s),
                height=0.6, color="#1f4e79" if e else "#7a9cc6", edgecolor="none")
        if not e:
            ax.annotate(L._("ongoing") if status == "ongoing" else L._("no end date"), (mdates.date2num(hi), y),
                        xytext=(-3, 0), textcoords="offset points", ha="right", va="center",
                        fontsize=7, color="white")
    ax.axvline(mdates.date2num(as_of), color="#c0392b", lw=1.2)
    ax.annotate(L._("as of {date}", date=L.date(as_of)), (mdates.date2num(as_of), 1.0),
                xycoords=ax.get_xaxis_transform(), xytext=(-2, 2), textcoords="offset points", ha="right",
                va="bottom", color="#c0392b", fontsize=7.5)
    ax.set_yticks(ys)
    ax.set_yticklabels([label for label, *_ in rows])
    ax.set_ylim(sum(heights), 0)
    ax.xaxis_date()
    ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _svg(fig)


#: A bar's colour by its group (a donor's kind), in the order of the legend;
#: dark to light, so that the groups stay apart in a grey print too.
GROUP_COLOURS = ("#1f4e79", "#7a9cc6", "#c9a227", "#8c8c8c")


def bars(counts: pd.Series, xlabel: str, groups: pd.Series | None = None) -> str | None:
    """Horizontal bars of a count per category; None when the bars would not
    differ (one bar, or all as long): such a chart only repeats the sentence
    and the table beside it ("Panama 2", a full-width bar on its own).

    ``groups`` (a label per category, e.g. a donor's kind) colours the bars,
    with a legend in the groups' order of first appearance, top down."""
    if counts.nunique() < 2:
        return None
    # drawn bottom-up, the largest at the top; ties read top-down in the order given
    order = counts.iloc[::-1].sort_values(kind="stable").index
    counts = counts[order]
    labels = [_label(i, 46) for i in counts.index]
    names = list(dict.fromkeys(groups[order[::-1]])) if groups is not None else []
    colour = {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(names)}
    # the legend goes in the axes' lower right where the bottom bars, the
    # shortest, leave that corner empty; else under the axis (taller)
    under = counts.iloc[:len(names) + 1]  # the bars beside the legend's rows
    inside = bool(names) and len(counts) > len(under) and under.max() <= 0.45 * counts.max()
    fig, ax = _figure(len(counts), sum(label.count("\n") for label in labels) + (2 if names and not inside else 0))
    ax.barh(range(len(labels)), counts.values, height=0.6,
            color=[colour[g] for g in groups[order]] if names else "#1f4e79")
    ax.set_yticks(range(len(labels)), labels)
    for y, v in enumerate(counts.values):
        ax.annotate(str(int(v)), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if names:
        from matplotlib.patches import Patch
        handles = [Patch(color=colour[g], label=g) for g in names]
        if inside:
            ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8)
        else:
            fig.legend(handles=handles, loc="outside lower center", ncols=len(names), frameon=False, fontsize=8)
    return _svg(fig)
