"""Many briefs: validate every parameter first, then render each brief in a
worker process, skip the ones whose inputs did not change, keep going when
one fails, and record everything in reports/manifest.json and an index page.

What makes a batch fast (see bench/reports.py for the figures):
- each worker keeps one Jupyter kernel and resets it between notebooks
  (``oaslib.briefs.kernels``) instead of starting a kernel and importing pandas,
  matplotlib and oaslib for every brief;
- workers are forked after papermill, nbconvert and WeasyPrint are imported
  (or forked from a fork server that preloaded them; see ``start_method``),
  so no worker pays for those imports;
- the clean tables are read once to plan the batch: each brief's own rows are
  hashed, so a change to one member state's sheets remakes only the briefs
  that show those rows;
- the as-of date is not part of that hash, only what a brief shows that
  depends on it (each program's status, whether it ends within 12 months:
  ``editions.date_fingerprint``), so a nightly run on unchanged data makes
  nothing.

Every brief made keeps its data in ``reports/history/<stem>/<as-of>.csv``;
the next edition says what changed since (``editions``), in its section
"Since the last brief", in the index and in the manifest.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import multiprocessing
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

from .. import paths
from ..version import __version__
from ..clean import store
from ..clean.store import lock
from ..errors import OaslibError, StoreError, UsageError
from . import editions
from .keys import available_keys, brief_stem, resolve_key
from .render import brief_dependencies, notebook_path, render_brief

#: Seconds a notebook cell may run before the brief is reported as failed.
CELL_TIMEOUT = 600


def code_fingerprint() -> str:
    """A hash of the oaslib code, reference data and templates: a brief made
    by other code is remade."""
    h = hashlib.sha256(__version__.encode())
    for f in sorted(paths.PACKAGE_DIR.rglob("*")):
        if f.suffix in (".py", ".csv", ".css", ".j2", ".ipynb", ".po") and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(paths.PACKAGE_DIR)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _hash_files(files) -> str:
    h = hashlib.sha256()
    for f in map(Path, files):
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()


def input_hash(kind: str, params: dict, data_fingerprint: str, code: str,
               notebook: Path | None = None) -> str:
    """Everything a brief depends on: its notebook, template and stylesheet,
    its parameters, the rows of the clean tables it shows and the oaslib
    code. Not the formats: an HTML made from the same inputs as a new PDF is
    just as current (see ``_settle_formats``)."""
    deps = brief_dependencies(kind)
    if notebook is not None:
        deps = [Path(notebook), *deps[1:]]
    h = hashlib.sha256()
    h.update(json.dumps([kind, params], sort_keys=True).encode())
    for part in (_hash_files(deps), data_fingerprint, code):
        h.update(part.encode())
    return h.hexdigest()


def _job(args):
    """One brief in a worker. Any exception while making it (papermill, the
    HTML/PDF/CSV export, a bug) is this brief's failure, reported in one
    line; it never reaches the batch, so the other briefs finish."""
    kind, key, out_dir, data_dir, formats, as_of, notebook, timeout, lang = args
    t0 = time.perf_counter()
    try:
        outputs = render_brief(kind, key, Path(out_dir), Path(data_dir), formats=formats,
                               as_of=date.fromisoformat(as_of) if as_of else None, notebook=notebook,
                               reuse_kernel=True, timeout=timeout, lang=lang,
                               history_dir=editions.history_dir(Path(out_dir)))
        return {"status": "made", "outputs": {k: Path(v).name for k, v in outputs.items()},
                "duration_s": round(time.perf_counter() - t0, 2), "error": None}
    except Exception as e:  # noqa: BLE001 -- isolation is the point
        error = str(e) if isinstance(e, OaslibError) else _one_line(f"{kind} brief {key}", e)
        stem = brief_stem(kind, key, lang)
        _remove_outputs(Path(out_dir), stem)
        kept = {"ipynb": f"{stem}.ipynb"} if (Path(out_dir) / f"{stem}.ipynb").exists() else {}
        return {"status": "failed", "outputs": kept,
                "duration_s": round(time.perf_counter() - t0, 2), "error": error}


def _one_line(what: str, e: BaseException) -> str:
    """'year brief 2018: RecursionError: maximum recursion depth exceeded'."""
    lines = str(e).strip().splitlines()
    return f"{what}: {type(e).__name__}" + (f": {lines[-1][:200]}" if lines else "")


def _remove_outputs(out_dir: Path, stem: str) -> None:
    """A failed brief's HTML, PDF and CSV (this run's or an older run's) go:
    they would not match the manifest. Its notebook stays for debugging."""
    for suffix in (".html", ".pdf", ".csv"):
        with contextlib.suppress(OSError):
            (out_dir / f"{stem}{suffix}").unlink()


#: What every brief's worker needs, imported before the workers start.
WARM_MODULES = ("nbconvert", "papermill", "weasyprint", "oaslib.briefs.kernels", "oaslib.briefs.render")


def start_method(platform: str = sys.platform, threads: int | None = None) -> str:
    """How the batch starts its workers, chosen explicitly per platform
    (Python 3.14 stops defaulting to fork on Linux):

    - Linux, no other thread running: ``fork``. Workers inherit papermill,
      nbconvert and WeasyPrint already imported (~1 s saved per worker) and
      need no importable ``__main__``.
    - Linux with other threads (run_reports called from a Jupyter kernel;
      any library thread): ``forkserver``. Forking a threaded process copies
      locks another thread may hold and can deadlock the child; the fork
      server is a clean single-threaded process that preloads the same
      modules, so workers start as warm.
    - macOS: ``spawn`` (system frameworks are not fork-safe; Python's
      default there since 3.8). Windows: ``spawn``, the only method.
    """
    if not platform.startswith("linux"):
        return "spawn"
    threads = threading.active_count() if threads is None else threads
    return "fork" if threads == 1 else "forkserver"


def _importable(module: str) -> bool:
    """Import ``module`` here; False when it cannot be (WeasyPrint without
    its system libraries raises OSError: the briefs' PDFs then fail one by
    one with a line that says why, the HTML is still made)."""
    try:
        importlib.import_module(module)
    except (ImportError, OSError):
        return False
    return True


def _worker_pool(jobs: int) -> ProcessPoolExecutor:
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "fork":
        for module in WARM_MODULES:  # imported once here, shared by every forked worker
            _importable(module)
    elif method == "forkserver":
        context.set_forkserver_preload([m for m in WARM_MODULES if _importable(m)])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def _sweep_temporaries(out_dir: Path) -> None:
    """Remove the temporary files a killed run left (under the lock, no
    other run can be writing them)."""
    for f in [*out_dir.glob(".*.tmp*"), *editions.history_dir(out_dir).glob("*/.*.tmp*")]:
        with contextlib.suppress(OSError):
            f.unlink()


class _Log:
    """A tqdm bar on a terminal; one plain line per brief otherwise (cron, CI)."""

    def __init__(self, total: int, log):
        self.bar, self.log, self.total = None, log, total

    def start(self):
        """Show the bar (once). Called after the workers are forked: tqdm starts
        a monitor thread, and a process with threads must not fork."""
        if self.bar is None and self.total and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=self.total, unit="brief", file=sys.stderr)

    def done(self, line: str):
        if self.bar is not None:
            self.bar.update(1)
            self.bar.write(line, file=sys.stderr)
        else:
            self.log(line)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def run_reports(kind: str, names: list[str], all_: bool, out_dir: Path, data_dir: Path,
                formats=("html", "pdf"), jobs: int | None = None, force: bool = False,
                as_of: str | None = None, notebook=None, log=print,
                timeout: float | None = CELL_TIMEOUT, langs=("en",)) -> int:
    """Render briefs; returns the exit code (0 all made or up to date, 1 some
    failed). ``kind`` is 'country', 'year' or 'all' (every brief; briefs whose
    member state or year has no data any more are removed). ``langs``: an
    edition of every brief in each language ('en', 'es')."""
    out_dir = Path(out_dir)
    as_of = as_of or date.today().isoformat()
    # the whole batch reads one set of tables: a clean that runs meanwhile writes new files beside it
    with lock(out_dir), store.snapshot(data_dir, out_dir / ".oaslib-data") as data_dir:
        plan = plan_briefs(kind, names, all_, data_dir, notebook, as_of, langs)
        _sweep_temporaries(out_dir)
        manifest_path = out_dir / "manifest.json"
        manifest = _read_manifest(manifest_path)
        results = manifest.setdefault("briefs", {})
        if kind == "all":
            _remove_stale(results, {(k, key) for k, key, _ in plan}, out_dir, data_dir, log)
        todo, unplanned, snapshots = _triage(plan, results, out_dir, data_dir, formats, as_of, notebook, force, log)
        save = lambda: store.write_manifest(out_dir, manifest)  # noqa: E731
        history, day = editions.history_dir(out_dir), date.fromisoformat(as_of)

        def made(stem: str) -> None:  # the next edition compares with this one
            editions.save_edition(history, stem, day, snapshots[stem])

        _render_all(todo, results, out_dir, data_dir, formats, notebook, timeout, jobs, save, log, made)
        manifest["oaslib_version"] = __version__
        save()
        store.write_text(out_dir / "index.html", index_html(manifest))
    made = sum(1 for e in todo if results[brief_stem(e["kind"], e["key"], e["lang"])]["status"] == "made")
    failed = len(todo) - made + unplanned
    log(f"{len(plan)} briefs: {made} made, {len(plan) - len(todo) - unplanned} up to date, "
        f"{failed} failed -> {out_dir}")
    return 1 if failed else 0


def _read_manifest(path: Path) -> dict:
    """The reports manifest of earlier runs ({} for a first run); a damaged
    one is a one-line error that says how to start afresh."""
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("briefs", {}), dict):
            raise TypeError("not a manifest of briefs")
    except (ValueError, TypeError) as e:
        raise StoreError("reports manifest is damaged; delete it (every brief is then made again)",
                         file=str(path), text=str(e)[:200]) from None
    return manifest


def plan_briefs(kind: str, names: list[str], all_: bool, data_dir: Path, notebook=None,
                as_of: str | None = None, langs=("en",)) -> list[tuple[str, str, str]]:
    """The (kind, key, lang) of every brief asked for, each name resolved
    against the data and each notebook found: a usage error comes before
    anything is written or any kernel starts."""
    kinds = [kind] if kind != "all" else ["country", "year"]
    plan = []
    day = date.fromisoformat(as_of) if as_of else date.today()
    for k in kinds:
        keys = (available_keys(k, data_dir, day) if all_ or kind == "all"
                else [resolve_key(k, n, data_dir, day) for n in names])
        plan += [(k, key, lang) for key in dict.fromkeys(keys) for lang in langs]
    if not plan:
        raise UsageError("nothing to render: name a member state or year, or use --all")
    for k in {k for k, *_ in plan}:
        nb = notebook_path(k, notebook)
        if not nb.is_file():
            raise UsageError(f"{nb}: the {k} brief's notebook is missing; reinstall oaslib or set OASLIB_HOME "
                             "to a checkout with a notebooks/ directory")
    return plan


def _triage(plan, results: dict, out_dir: Path, data_dir: Path, formats, as_of: str, notebook,
            force: bool, log) -> tuple[list[dict], int, dict]:
    """Compare each planned brief with its manifest entry, from the clean
    tables read once: up to date (skipped), unusable data (failed here) or to
    make. Returns the manifest entries to make, the number failed here, and
    the snapshot of each brief to make (kept as its edition once made).

    The as-of date is not part of a brief's input hash: only what the brief
    shows that depends on it (``editions.date_fingerprint``), so a nightly
    run on unchanged data makes nothing."""
    from . import content

    tables = content.load(data_dir)
    code = code_fingerprint()
    history, day = editions.history_dir(out_dir), date.fromisoformat(as_of)
    todo, failed, snapshots = [], 0, {}
    for k, key, lang in plan:
        stem = brief_stem(k, key, lang)
        params = {"country" if k == "country" else "year": key, "as_of": as_of}
        if lang != "en":
            params["lang"] = lang
        entry = {"kind": k, "key": key, "lang": lang, "parameters": params}
        try:
            to_make = _triage_one(entry, stem, results, tables, data_dir, out_dir, formats, code, notebook,
                                  history, day, force, snapshots)
        except Exception as e:  # noqa: BLE001 -- one brief's unusable data or bug is its own failure
            error = str(e) if isinstance(e, OaslibError) else _one_line(f"{k} brief {key}", e)
            results[stem] = {**entry, "status": "failed", "error": error, "outputs": {}, "duration_s": 0}
            failed += 1
            log(f"{stem}: failed — {error}")
            continue
        if to_make:
            todo.append(entry)
        else:
            log(f"{stem}: up to date")
    return todo, failed, snapshots


def _triage_one(entry: dict, stem: str, results: dict, tables, data_dir: Path, out_dir: Path, formats, code: str,
                notebook, history: Path, day: date, force: bool, snapshots: dict) -> bool:
    """Whether one planned brief must be made; fills its ``entry`` (input
    hash, headline figures, what changed since its last edition) and, for a
    brief to make, its snapshot. An up-to-date brief's manifest entry is
    marked so, linking only the outputs still on disk."""
    from . import content

    k, key, lang, params = entry["kind"], entry["key"], entry["lang"], entry["parameters"]
    b = content.make_brief(k, key, data_dir, params["as_of"], tables, lang=lang)
    shown = {p: v for p, v in params.items() if p != "as_of"}
    entry.update(input_hash=input_hash(k, shown, b.fingerprint() + editions.date_fingerprint(b), code, notebook),
                 headline=content.headline_numbers(b))
    prev = results.get(stem) or {}
    current = _current_outputs(prev, entry["input_hash"], out_dir)
    if not force and {*formats, "csv", "ipynb"} <= set(current):
        prev.update(status="up to date", outputs=current)
        return False
    # what the section "Since the last brief" will say, for the index and manifest
    snapshots[stem] = editions.snapshot(b)
    since, previous = editions.previous_edition(history, stem, day if k == "country" else None,
                                                current=snapshots[stem], day=day)
    entry["since"] = editions.compare(previous, snapshots[stem], since).counts()
    return True


def _current_outputs(prev: dict, input_hash_now: str, out_dir: Path) -> dict:
    """The outputs of a brief's last good run that are on disk and were made
    from the inputs it has now."""
    if prev.get("input_hash") != input_hash_now or prev.get("status") not in ("made", "up to date"):
        return {}
    return {f: name for f, name in prev.get("outputs", {}).items() if (out_dir / name).exists()}


def _render_all(todo: list[dict], results: dict, out_dir: Path, data_dir: Path, formats, notebook,
                timeout, jobs, save, log, made=lambda stem: None) -> None:
    """Make the briefs of ``todo`` in worker processes, recording each in
    ``results`` (and saving the manifest) as soon as it is done; ``made(stem)``
    for each brief made.

    A worker that dies (killed, a crash in C code) breaks the whole pool, and
    every brief not yet done comes back broken with it. Those are made again
    one at a time in a fresh one-worker pool: there the first broken brief is
    the one whose worker died, and it alone fails."""
    if not todo:
        return
    progress = _Log(len(todo), log)
    args = lambda e: (e["kind"], e["key"], str(out_dir), str(data_dir), tuple(formats),  # noqa: E731
                      e["parameters"].get("as_of", ""), notebook, timeout, e["lang"])

    def record(entry, outcome):
        stem = brief_stem(entry["kind"], entry["key"], entry["lang"])
        res = {**entry, **outcome, "made_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
        if res["status"] == "made":
            _settle_formats(res, results.get(stem) or {}, out_dir)
            made(stem)
        results[stem] = res
        progress.done(f"{stem}: {res['status']} in {res['duration_s']} s"
                      + (f" — {res['error']}" if res["error"] else ""))
        save()

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    pending = _run_pool(todo, jobs, args, record, progress)
    while pending:
        broken = _run_pool(pending, 1, args, record, progress)
        if not broken:
            break
        culprit, pending = broken[0], broken[1:]
        record(culprit, {"status": "failed", "outputs": {}, "duration_s": 0,
                         "error": f"{culprit['kind']} brief {culprit['key']}: its worker process died "
                                  "(killed, or crashed outside Python)"})
    progress.close()


def _run_pool(entries: list[dict], jobs: int, args, record, progress) -> list[dict]:
    """Run ``entries`` in a pool of ``jobs`` workers, ``record`` each done;
    returns, in submission order, those lost to a worker that died."""
    broken = []
    if not entries:
        return broken
    with _worker_pool(jobs) as pool:
        futures = {pool.submit(_job, args(e)): i for i, e in enumerate(entries)}
        progress.start()  # after the workers started: tqdm's monitor is a thread
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                outcome = fut.result()
            except BrokenProcessPool:
                broken.append(i)
                continue
            except Exception as e:  # noqa: BLE001 -- e.g. a result that could not be sent back
                outcome = {"status": "failed", "outputs": {}, "duration_s": 0,
                           "error": _one_line(f"{entries[i]['kind']} brief {entries[i]['key']}", e)}
            record(entries[i], outcome)
    return [entries[i] for i in sorted(broken)]


def _settle_formats(res: dict, prev: dict, out_dir: Path) -> None:
    """A brief just made in some formats: an older file in another format
    stays (and is linked) when it was made from the same inputs, and is
    removed when it was not, so the index links exactly what is on disk and
    current (``report --format pdf`` after an HTML+PDF build)."""
    current = _current_outputs(prev, res["input_hash"], out_dir)
    for fmt, name in prev.get("outputs", {}).items():
        if fmt in res["outputs"]:
            continue
        if fmt in current:
            res["outputs"][fmt] = name
        else:
            with contextlib.suppress(OSError):
                (out_dir / name).unlink()


def _remove_stale(results: dict, keep: set, out_dir: Path, data_dir: Path, log) -> None:
    """Forget briefs whose member state or year has no data any more, and
    delete the files the manifest recorded for them (in every language).

    "Any more" is judged on the date each brief was made for: a run with an
    earlier ``--as-of`` plans no brief for the years after it, but the
    briefs a later run made for them still have their data and stay."""
    days: dict[str, set] = {}

    def has_data(b: dict) -> bool:
        kind, as_of = b.get("kind"), (b.get("parameters") or {}).get("as_of") or date.today().isoformat()
        if (kind, as_of) not in days:
            try:
                days[kind, as_of] = set(available_keys(kind, data_dir, date.fromisoformat(as_of)))
            except (OaslibError, ValueError):
                days[kind, as_of] = set()
        return b.get("key") in days[kind, as_of]

    for stem in sorted(s for s, b in results.items() if (b.get("kind"), b.get("key")) not in keep and not has_data(b)):
        for f in results.pop(stem).get("outputs", {}).values():
            with contextlib.suppress(OSError):
                (out_dir / f).unlink()
        shutil.rmtree(editions.history_dir(out_dir) / stem, ignore_errors=True)
        log(f"{stem}: removed (no data any more)")


def _headline_text(kind: str, numbers: dict) -> str:
    """'13 programs · 11 donors · 17 MISPA activities' from a manifest headline."""
    if not numbers:
        return ""
    parts = []
    # a fixed order: a manifest read back and rewritten may hold its keys sorted
    known = ("programs", "member states", "donors", "MISPA activities")
    ordered = sorted(numbers.items(), key=lambda kv: known.index(kv[0]) if kv[0] in known else len(known))
    for k, v in ordered:
        if k == "programs" and v == 0 and kind == "country":
            parts.append("no program sheets")
        elif v or k == "programs":
            one = {"programs": "program", "donors": "donor", "MISPA activities": "MISPA activity",
                   "member states": "member state"}.get(k, k)
            parts.append(f"{v} {one if v == 1 else k}")
    return " · ".join(parts)


#: A language's name in itself, for the index's links ("English", "Español").
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def _edition_cell(b: dict) -> str:
    """One edition's links, status and time: 'English: HTML · PDF · CSV · IPYNB'."""
    files = b.get("outputs", {})
    order = [k for k in ("html", "pdf", "csv", "ipynb") if k in files]
    links = " · ".join(f'<a href="{escape(files[k], quote=True)}">{escape(k.upper())}</a>' for k in order)
    lang = b.get("lang", "en")
    status = escape(b["status"])
    if b["status"] == "failed":
        status = f"<strong class='failed'>{status}</strong>"
    err = f'<br><span class="note">{escape(b["error"])}</span>' if b.get("error") else ""
    made = escape(b.get("made_at", "")[:16].replace("T", " "))
    return (f"<div class='edition'><span class='lang'>{escape(LANGUAGE_NAMES.get(lang, lang))}</span> {links}"
            f"<br><span class='note'>{status} {made}</span>{err}</div>")


def index_html(manifest: dict) -> str:
    """The index page: one row per member state or year, its editions in
    every language side by side (a row per language read as a list of
    duplicates), what each made brief shows and what changed."""
    from ..clean.countries import country_name

    css = (paths.TEMPLATES / "brief.css").read_text(encoding="utf-8")
    sections = []
    for kind, title, label in (("country", "Member states", "Member state"), ("year", "Years", "Year")):
        by_key: dict = {}
        for b in manifest.get("briefs", {}).values():
            if b.get("kind") == kind:
                by_key.setdefault(b.get("key"), []).append(b)
        keys = sorted(by_key, key=lambda k: country_name(k) if kind == "country" else k)
        rows = []
        for key in keys:
            editions_ = sorted(by_key[key], key=lambda b: (b.get("lang", "en") != "en", b.get("lang", "")))
            name = country_name(key) if kind == "country" else key
            lead = editions_[0]  # the English edition when there is one: the index is English
            head = escape(_headline_text(kind, lead.get("headline") or {}))
            if (lead.get("since") or {}).get("summary"):  # one line: what this edition changed
                head += f'<br><span class="note">{escape(lead["since"]["summary"])}</span>'
            rows.append(f"<tr><td>{escape(name)}</td><td>{''.join(map(_edition_cell, editions_))}</td>"
                        f"<td>{head}</td></tr>")
        if rows:
            sections.append(f"<h2>{title}</h2><table class='index'><colgroup><col style='width:19%'>"
                            "<col style='width:42%'><col></colgroup>"
                            f"<thead><tr><th>{label}</th><th>Editions (status, made UTC)</th>"
                            f"<th>Headline</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    briefs = manifest.get("briefs", {}).values()
    n, failed = len(briefs), sum(1 for b in briefs if b.get("status") == "failed")
    langs = sorted({b.get("lang", "en") for b in briefs}, key=lambda lang: (lang != "en", lang))
    keys = {(b.get("kind"), b.get("key")) for b in briefs}
    summary = (f"{len(keys)} briefs" if len(langs) < 2 else
               f"{len(keys)} briefs in {len(langs)} languages ({n} editions)")
    summary += f", <strong class='failed'>{failed} failed</strong>" if failed else ""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>OAS security briefs</title>"
            f"<style>{css}</style></head><body><header class='brief'><p class='kicker'>OAS Secretariat for "
            f"Multidimensional Security</p><h1>Briefs</h1><p class='meta'>{summary} made by oaslib "
            f"{escape(str(manifest.get('oaslib_version', __version__)))}; each links to its HTML, PDF, data "
            "(CSV) and executed notebook.</p></header>" + "".join(sections) + "</body></html>")
