"""One brief: parameters checked against the data, the notebook executed with
papermill, exported to self-contained HTML (nbconvert, our own page and
stylesheet, no input cells, no external files) and to PDF (WeasyPrint, from
the same HTML). Every output is written to a temporary name and renamed."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..clean import store
from ..errors import OaslibError, RenderError
from . import editions
from .content import make_brief
from .export import html_to_pdf, page_html
from .keys import brief_stem

NOTEBOOKS = {"country": "country_brief.ipynb", "year": "year_brief.ipynb"}


def notebook_path(kind: str, notebook=None) -> Path:
    """The notebook a brief of ``kind`` runs: ``notebook`` when given, else the kit's own."""
    return Path(notebook) if notebook else paths.notebooks_dir() / NOTEBOOKS[kind]


def brief_dependencies(kind: str) -> list[Path]:
    return [notebook_path(kind), paths.TEMPLATES / "brief.css",
            paths.TEMPLATES / "page.html.j2"]


def render_brief(kind: str, key: str, out_dir: Path, data_dir: Path, formats=("html", "pdf"),
                 as_of: date | None = None, notebook: Path | None = None,
                 kernel_name: str = "python3", reuse_kernel: bool = False,
                 timeout: float | None = None, lang: str = "en",
                 history_dir: Path | None = None) -> dict[str, Path]:
    """Render one brief into ``out_dir``; returns the paths written.

    ``history_dir`` holds the snapshots of earlier editions that the
    notebook's section "Since the last brief" compares with (default
    ``out_dir/history``; a batch writes them, see ``editions``).

    ``reuse_kernel`` runs the notebook in this process's kept kernel (reset
    before each notebook; see ``oaslib.briefs.kernels``), which batches use;
    ``timeout`` bounds each cell in seconds."""
    out_dir, data_dir = Path(out_dir), Path(data_dir).resolve()
    stem = brief_stem(kind, key, lang)
    nb_in = notebook_path(kind, notebook)
    params = ({"country": key} if kind == "country" else {"year": int(key)})
    params.update(as_of=(as_of or date.today()).isoformat(), data_dir=str(data_dir))
    if lang != "en":  # a custom notebook without a lang parameter still renders English
        params["lang"] = lang
    params["history_dir"] = str(Path(history_dir or editions.history_dir(out_dir)).resolve())
    out = {"ipynb": out_dir / f"{stem}.ipynb"}
    out_dir.mkdir(parents=True, exist_ok=True)
    _execute(kind, key, nb_in, out["ipynb"], params, kernel_name, reuse_kernel, timeout)

    b = make_brief(kind, key, data_dir, as_of, lang=lang)
    html = export_html(out["ipynb"], title=b.title(), lang=lang)
    if "html" in formats:
        out["html"] = out_dir / f"{stem}.html"
        store.write_text(out["html"], html)
    if "pdf" in formats:
        out["pdf"] = out_dir / f"{stem}.pdf"
        store.write_bytes(out["pdf"], html_to_pdf(html, b.title(), lang))
    out["csv"] = out_dir / f"{stem}.csv"
    store.write_csv(b.data(), out["csv"])
    return out


def _execute(kind: str, key: str, nb_in: Path, ipynb: Path, params: dict, kernel_name: str,
             reuse_kernel: bool, timeout: float | None) -> None:
    """Run the brief's notebook with papermill into ``ipynb`` (kept as far as
    it ran when a cell fails); every failure is one ``RenderError`` line."""
    import papermill as pm

    try:
        with store.atomic_path(ipynb) as tmp:
            try:
                engine = None
                if reuse_kernel:
                    from .kernels import register
                    engine = register()
                pm.execute_notebook(str(nb_in), str(tmp), parameters=params, kernel_name=kernel_name,
                                    engine_name=engine, progress_bar=False, log_output=False,
                                    cwd=str(ipynb.parent), execution_timeout=timeout)
            except pm.PapermillExecutionError as e:
                _keep_for_debugging(tmp, ipynb)
                last = (e.evalue or e.ename).strip().splitlines()[-1] if (e.evalue or e.ename) else e.ename
                raise RenderError(f"{kind} brief {key}: cell {e.cell_index + 1} raised {e.ename}",
                                  file=str(ipynb), text=last) from None
            except OaslibError:
                raise
            except Exception as e:  # a cell timed out, the kernel died, the notebook is unreadable …
                kept = _keep_for_debugging(tmp, ipynb)
                what = "a cell ran longer than the timeout" if isinstance(e, TimeoutError) else type(e).__name__
                raise RenderError(f"{kind} brief {key}: {what}", file=str(ipynb if kept else nb_in),
                                  text=str(e).strip().splitlines()[0] if str(e).strip() else None) from None
    except OaslibError:
        raise
    except Exception as e:  # defensive: nothing but a one-line error leaves this function
        raise RenderError(f"{kind} brief {key}: {type(e).__name__}", file=str(nb_in), text=str(e)) from None


def _keep_for_debugging(tmp: Path, target: Path) -> bool:
    """The executed notebook of a failed brief (as far as it ran), kept
    where its brief's notebook belongs."""
    if tmp.exists() and tmp.stat().st_size:
        store.write_bytes(target, tmp.read_bytes())
        return True
    return False


def export_html(ipynb: Path, title: str, lang: str = "en") -> str:
    """The executed notebook's outputs in our own self-contained page."""
    import nbformat

    nb = nbformat.read(str(ipynb), as_version=4)
    for cell in nb.cells:  # warnings on stderr are for the log, not the reader
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
    drop_empty_sections(nb)
    # a section with nothing to show leaves no empty output box on the page
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or _shows_something(c)]
    body, _ = _exporter().from_notebook_node(nb)
    return page_html(body, title, lang)


@lru_cache(maxsize=None)
def _exporter():
    """One exporter per process: building one compiles nbconvert's
    templates (~0.1 s), and a batch worker exports brief after brief."""
    from nbconvert import HTMLExporter
    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True)


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
