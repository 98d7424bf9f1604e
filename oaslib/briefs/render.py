"""One brief: parameters checked against the data, the notebook executed with
papermill, exported to self-contained HTML (nbconvert, our own page and
stylesheet, no input cells, no external files) and to PDF (WeasyPrint, from
the same HTML). Every output is written to a temporary name and renamed."""
from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

from .. import paths
from ..clean import store
from ..clean.countries import resolve
from ..errors import OaslibError, RenderError, UsageError
from . import editions

NOTEBOOKS = {"country": "country_brief.ipynb", "year": "year_brief.ipynb"}


def notebook_path(kind: str, notebook=None) -> Path:
    """The notebook a brief of ``kind`` runs: ``notebook`` when given, else the kit's own."""
    return Path(notebook) if notebook else paths.notebooks_dir() / NOTEBOOKS[kind]


def brief_stem(kind: str, key: str) -> str:
    return f"{kind}-{key}"


def available_keys(kind: str, data_dir: Path) -> list[str]:
    acts = store.read_table("activities", data_dir)
    mispa = store.read_table("mispa_activities", data_dir)
    if kind == "country":
        keys = set(acts.iso3.dropna())
        for cs in mispa.countries.dropna():
            keys |= {resolve(c).iso3 for c in cs.split(";")}
        return sorted(keys)
    years = set()
    a = acts[acts.duplicate_of.isna()]
    for s, e in zip(a.start_year.astype("Float64").fillna(-1), a.end_year.astype("Float64").fillna(-1)):
        s, e = int(s), int(e)
        if s > 0:
            years |= set(range(s, max(s, e) + 1))
        elif e > 0:
            years.add(e)
    years |= {int(y) for y in mispa.year.dropna()}
    return [str(y) for y in sorted(years)]


def resolve_key(kind: str, text: str, data_dir: Path) -> str:
    """'country': a name, variant or ISO3 -> ISO3; 'year': '2017'. One-line
    ``UsageError`` with a suggestion otherwise, before any kernel starts."""
    keys = available_keys(kind, data_dir)
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
            close = difflib.get_close_matches(t, keys, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(f"no data for year {t}; years with data: {keys[0]}–{keys[-1]}{hint}"
                             if keys else f"no data for year {t}")
        return t
    raise UsageError(f"unknown brief kind {kind!r}: country or year")


def brief_dependencies(kind: str) -> list[Path]:
    return [notebook_path(kind), paths.TEMPLATES / "brief.css",
            paths.TEMPLATES / "page.html.j2"]


def render_brief(kind: str, key: str, out_dir: Path, data_dir: Path, formats=("html", "pdf"),
                 as_of: date | None = None, notebook: Path | None = None,
                 kernel_name: str = "python3", reuse_kernel: bool = False,
                 timeout: float | None = None, history_dir: Path | None = None) -> dict[str, Path]:
    """Render one brief into ``out_dir``; returns the paths written.

    ``history_dir`` holds the snapshots of earlier editions that the
    notebook's section "Since the last brief" compares with (default
    ``out_dir/history``; a batch writes them, see ``editions``).

    ``reuse_kernel`` runs the notebook in this process's kept kernel (reset
    before each notebook; see ``oaslib.briefs.kernels``), which batches use;
    ``timeout`` bounds each cell in seconds."""
    import papermill as pm

    out_dir, data_dir = Path(out_dir), Path(data_dir).resolve()
    stem = brief_stem(kind, key)
    nb_in = notebook_path(kind, notebook)
    params = ({"country": key, "as_of": (as_of or date.today()).isoformat(), "data_dir": str(data_dir)}
              if kind == "country" else {"year": int(key), "data_dir": str(data_dir)})
    params["history_dir"] = str(Path(history_dir or editions.history_dir(out_dir)).resolve())
    out = {"ipynb": out_dir / f"{stem}.ipynb"}
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with store.atomic_path(out["ipynb"]) as tmp:
            try:
                engine = None
                if reuse_kernel:
                    from .kernels import register
                    engine = register()
                pm.execute_notebook(str(nb_in), str(tmp), parameters=params, kernel_name=kernel_name,
                                    engine_name=engine, progress_bar=False, log_output=False,
                                    cwd=str(out_dir), execution_timeout=timeout)
            except pm.PapermillExecutionError as e:
                _keep_for_debugging(tmp, out["ipynb"])
                last = (e.evalue or e.ename).strip().splitlines()[-1] if (e.evalue or e.ename) else e.ename
                raise RenderError(f"{kind} brief {key}: cell {e.cell_index + 1} raised {e.ename}",
                                  file=str(out["ipynb"]), text=last) from None
            except OaslibError:
                raise
            except Exception as e:  # a cell timed out, the kernel died, the notebook is unreadable …
                kept = _keep_for_debugging(tmp, out["ipynb"])
                what = "a cell ran longer than the timeout" if isinstance(e, TimeoutError) else type(e).__name__
                raise RenderError(f"{kind} brief {key}: {what}", file=str(out["ipynb"] if kept else nb_in),
                                  text=str(e).strip().splitlines()[0] if str(e).strip() else None) from None
    except OaslibError:
        raise
    except Exception as e:  # defensive: nothing but a one-line error leaves this function
        raise RenderError(f"{kind} brief {key}: {type(e).__name__}", file=str(nb_in), text=str(e)) from None

    html = export_html(out["ipynb"], title=_title(kind, key))
    if "html" in formats:
        out["html"] = out_dir / f"{stem}.html"
        store.write_text(out["html"], html)
    if "pdf" in formats:
        out["pdf"] = out_dir / f"{stem}.pdf"
        store.write_bytes(out["pdf"], html_to_pdf(html, _title(kind, key)))
    from .content import make_brief
    b = make_brief(kind, key, data_dir, as_of)
    out["csv"] = out_dir / f"{stem}.csv"
    with store.atomic_path(out["csv"]) as tmp:
        b.data().to_csv(tmp, index=False, lineterminator="\n")
    return out


def _keep_for_debugging(tmp: Path, target: Path) -> bool:
    """The executed notebook of a failed brief (as far as it ran), kept
    where its brief's notebook belongs."""
    if tmp.exists() and tmp.stat().st_size:
        store.write_bytes(target, tmp.read_bytes())
        return True
    return False


def _title(kind, key):
    if kind == "country":
        from ..clean.countries import country_name
        return f"Country brief: {country_name(key)}"
    return f"Year brief: {key}"


def export_html(ipynb: Path, title: str) -> str:
    """The executed notebook's outputs in our own self-contained page."""
    import nbformat
    from jinja2 import Template
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(ipynb), as_version=4)
    for cell in nb.cells:  # warnings on stderr are for the log, not the reader
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
    drop_empty_sections(nb)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    page = Template((paths.TEMPLATES / "page.html.j2").read_text(encoding="utf-8"))
    return page.render(title=title, css=(paths.TEMPLATES / "brief.css").read_text(encoding="utf-8"), body=body)


def _shows_something(cell) -> bool:
    """Whether a code cell's outputs put anything on the page (``display(HTML(""))``
    leaves only its text/plain repr, which the page does not show)."""
    for o in cell.get("outputs", []):
        if o.output_type == "error" or (o.output_type == "stream" and o.get("text", "").strip()):
            return True
        data = o.get("data", {})
        shown = {m: v for m, v in data.items() if m != "text/plain"} or data
        if any(str(v).strip() for v in shown.values()):
            return True
    return False


def drop_empty_sections(nb) -> None:
    """Leave out a section that has nothing to show: a markdown cell opening
    with a heading, and the code cells after it, when none of those code
    cells displayed anything (a member state with no program sheets has no
    timeline, pillars or profiles). Prose-only sections stay."""
    cells, keep, i = nb.cells, [], 0
    while i < len(cells):
        j = i + 1
        while j < len(cells) and cells[j].cell_type == "code":
            j += 1
        heading, code = cells[i], cells[i + 1:j]
        empty = (heading.cell_type == "markdown" and heading.source.lstrip().startswith("#")
                 and code and not any(map(_shows_something, code)))
        if not empty:
            keep += cells[i:j]
        i = j
    nb.cells = keep


def html_to_pdf(html: str, title: str) -> bytes:
    import logging

    import weasyprint
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=None).render()
    doc.metadata.title = title
    doc.metadata.authors = ["OAS Secretariat for Multidimensional Security (oaslib)"]
    return doc.write_pdf()
