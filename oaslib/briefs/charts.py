"""Charts for the briefs, as inline SVG strings (crisp in HTML and PDF)."""
from __future__ import annotations

import io
import textwrap
from datetime import date

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


def _label(text: str, width: int = 34, lines: int = 2) -> str:
    """A long category label wrapped over at most `lines` lines, cut with an
    ellipsis beyond, so the full name shows instead of a stub."""
    wrapped = textwrap.wrap(str(text), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _figure(n_rows: int, label_lines: int = 0):
    plt = _plt()
    return plt.subplots(figsize=(WIDTH_IN, 0.3 * n_rows + 0.12 * label_lines + 0.7), layout="constrained")


def on_timeline(acts: pd.DataFrame) -> pd.Series:
    """Which programs the timeline can draw: those with a start or an end date."""
    return acts.start_date.notna() | acts.end_date.notna()


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    _plt().close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def _to_date(value, end=False):
    if value is None or pd.isna(value):
        return None
    v = str(value)
    if len(v) == 4:
        return date(int(v), 12, 31) if end else date(int(v), 1, 1)
    if len(v) == 7:
        y, m = int(v[:4]), int(v[5:7])
        return date(y, m, 28) if end else date(y, m, 1)
    return date.fromisoformat(v)


def timeline(acts: pd.DataFrame, as_of: date) -> str | None:
    """Bars from start to end; open-ended programs fade out to the right; the
    as-of date is a vertical line. Undated programs are listed apart by the
    brief, not drawn."""
    rows = []
    for _, r in acts[on_timeline(acts)].iterrows():
        start, end = _to_date(r["start_date"]), _to_date(r["end_date"], end=True)
        rows.append((_label(r["program"], 40), start, end, r["end_status"]))
    if not rows:
        return None
    import matplotlib.dates as mdates
    lo = min(d for _, s, e, _ in rows for d in (s, e) if d)
    hi = max([d for _, s, e, _ in rows for d in (s, e) if d] + [as_of])
    hi = date(hi.year + 1, 1, 1)
    fig, ax = _figure(len(rows), sum(label.count("\n") for label, *_ in rows))
    for y, (label, s, e, status) in enumerate(rows):
        left = s or lo
        right = e or hi
        color = "#1f4e79" if e else "#7a9cc6"
        ax.barh(y, mdates.date2num(right) - mdates.date2num(left), left=mdates.date2num(left),
                height=0.55, color=color, edgecolor="none")
        if not e:
            ax.annotate("ongoing" if status == "ongoing" else "no end date", (mdates.date2num(hi), y),
                        xytext=(-3, 0), textcoords="offset points", ha="right", va="center",
                        fontsize=7, color="white")
        if not s:
            ax.annotate("start not given", (mdates.date2num(lo), y), xytext=(3, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=7, color="white")
    ax.axvline(mdates.date2num(as_of), color="#c0392b", lw=1.2)
    ax.annotate(f"as of {as_of.isoformat()}", (mdates.date2num(as_of), 1.0), xycoords=ax.get_xaxis_transform(),
                xytext=(-2, 2), textcoords="offset points", ha="right", va="bottom", color="#c0392b", fontsize=7.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([label for label, *_ in rows])
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.set_xlim(mdates.date2num(date(lo.year, 1, 1)), mdates.date2num(hi))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _svg(fig)


def bars(counts: pd.Series, xlabel: str) -> str | None:
    """Horizontal bars of a count per category."""
    if counts.empty:
        return None
    counts = counts.sort_values()
    labels = [_label(i, 40) for i in counts.index]
    fig, ax = _figure(len(counts), sum(label.count("\n") for label in labels))
    ax.barh(range(len(labels)), counts.values, color="#1f4e79", height=0.6)
    ax.set_yticks(range(len(labels)), labels)
    for y, v in enumerate(counts.values):
        ax.annotate(str(int(v)), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig)
