"""Charts for the briefs, as inline SVG strings (crisp in HTML and PDF)."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "svg.fonttype": "none"})
    return plt


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
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
    for _, r in acts.iterrows():
        start, end = _to_date(r["start_date"]), _to_date(r["end_date"], end=True)
        if start is None and end is None:
            continue
        rows.append((r["program"], start, end, r["end_status"]))
    if not rows:
        return None
    plt = _plt()
    import matplotlib.dates as mdates
    lo = min(d for _, s, e, _ in rows for d in (s, e) if d)
    hi = max([d for _, s, e, _ in rows for d in (s, e) if d] + [as_of])
    hi = date(hi.year + 1, 1, 1)
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * len(rows) + 0.8))
    for y, (label, s, e, status) in enumerate(rows):
        left = s or lo
        right = e or hi
        color = "#1f4e79" if e else "#7a9cc6"
        ax.barh(y, mdates.date2num(right) - mdates.date2num(left), left=mdates.date2num(left),
                height=0.55, color=color, edgecolor="none")
        if not e:
            ax.annotate("ongoing" if status == "ongoing" else "no end date", (mdates.date2num(hi), y),
                        xytext=(-3, 0), textcoords="offset points", ha="right", va="center",
                        fontsize=6.5, color="white")
        if not s:
            ax.annotate("start not given", (mdates.date2num(lo), y), xytext=(3, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=6.5, color="white")
    ax.axvline(mdates.date2num(as_of), color="#c0392b", lw=1.2)
    ax.annotate(f"as of {as_of.isoformat()}", (mdates.date2num(as_of), len(rows) - 0.4),
                xytext=(3, 0), textcoords="offset points", color="#c0392b", fontsize=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([(l if len(l) <= 48 else l[:46] + "…") for l, *_ in rows])
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
    plt = _plt()
    counts = counts.sort_values()
    fig, ax = plt.subplots(figsize=(6.0, 0.3 * len(counts) + 0.6))
    ax.barh([(str(i) if len(str(i)) <= 45 else str(i)[:43] + "…") for i in counts.index],
            counts.values, color="#1f4e79", height=0.6)
    for y, v in enumerate(counts.values):
        ax.annotate(str(int(v)), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig)
