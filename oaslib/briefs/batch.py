"""Many briefs: validate every parameter first, then render each brief in a
worker process, skip the ones whose inputs did not change, keep going when
one fails, and record everything in reports/manifest.json and an index page.

What makes a batch fast (see bench/reports.py for the figures):
- each worker keeps one Jupyter kernel and resets it between notebooks
  (``oaslib.briefs.kernels``) instead of starting a kernel and importing pandas,
  matplotlib and oaslib for every brief;
- workers are forked after papermill, nbconvert and WeasyPrint are imported,
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
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

from .. import __version__, paths
from ..clean import store
from ..errors import OaslibError, UsageError
from . import editions
from .render import (available_keys, brief_dependencies, brief_stem, notebook_path, render_brief,
                     resolve_key)

#: Seconds a notebook cell may run before the brief is reported as failed.
CELL_TIMEOUT = 600


def code_fingerprint() -> str:
    """A hash of the oaslib code, reference data and templates: a brief made
    by other code is remade."""
    h = hashlib.sha256(__version__.encode())
    for f in sorted(paths.PACKAGE_DIR.rglob("*")):
        if f.suffix in (".py", ".csv", ".css", ".j2", ".ipynb") and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(paths.PACKAGE_DIR)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _hash_files(files) -> str:
    h = hashlib.sha256()
    for f in map(Path, files):
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()


def input_hash(kind: str, params: dict, formats, data_fingerprint: str, code: str,
               notebook: Path | None = None) -> str:
    """Everything a brief depends on: its notebook, template and stylesheet,
    its parameters and formats, the rows of the clean tables it shows and the
    oaslib code."""
    deps = brief_dependencies(kind)
    if notebook is not None:
        deps = [Path(notebook), *deps[1:]]
    h = hashlib.sha256()
    h.update(json.dumps([kind, params, sorted(formats)], sort_keys=True).encode())
    for part in (_hash_files(deps), data_fingerprint, code):
        h.update(part.encode())
    return h.hexdigest()


def _job(args):
    kind, key, out_dir, data_dir, formats, as_of, notebook, timeout = args
    t0 = time.perf_counter()
    try:
        outputs = render_brief(kind, key, Path(out_dir), Path(data_dir), formats=formats,
                               as_of=date.fromisoformat(as_of) if as_of else None, notebook=notebook,
                               reuse_kernel=True, timeout=timeout,
                               history_dir=editions.history_dir(Path(out_dir)))
        return {"status": "made", "outputs": {k: Path(v).name for k, v in outputs.items()},
                "duration_s": round(time.perf_counter() - t0, 2), "error": None}
    except OaslibError as e:
        return {"status": "failed", "outputs": {"ipynb": f"{brief_stem(kind, key)}.ipynb"},
                "duration_s": round(time.perf_counter() - t0, 2), "error": str(e)}


def _warm_imports():
    """Import what every brief needs before the workers fork."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401

    from . import kernels  # noqa: F401


@contextlib.contextmanager
def _lock(out_dir: Path):
    """One batch at a time per output directory (a cron run that overlaps
    the previous one stops with a clear message instead of racing it)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ".oaslib.lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.seek(0)
            raise UsageError("another oaslib run is writing to this directory", file=str(out_dir),
                             text=f.read().strip()) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)


def _sweep_temporaries(out_dir: Path) -> None:
    """Remove the temporary files a killed run left (under the lock, no
    other run can be writing them)."""
    for f in [*out_dir.glob(".*.tmp*"), *editions.history_dir(out_dir).glob("*/.*.tmp*")]:
        with contextlib.suppress(OSError):
            f.unlink()


class _Log:
    """A tqdm bar on a terminal; one plain line per brief otherwise (cron, CI)."""

    def __init__(self, total: int, log):
        self.bar, self.log = None, log
        if total and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="brief", file=sys.stderr)

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
                timeout: float | None = CELL_TIMEOUT) -> int:
    """Render briefs; returns the exit code (0 all made or up to date, 1 some
    failed). ``kind`` is 'country', 'year' or 'all' (every brief; briefs whose
    member state or year has no data any more are removed)."""
    from . import content

    out_dir, data_dir = Path(out_dir), Path(data_dir)
    kinds = [kind] if kind != "all" else ["country", "year"]
    plan = []
    for k in kinds:
        keys = available_keys(k, data_dir) if all_ or kind == "all" else [resolve_key(k, n, data_dir) for n in names]
        plan += [(k, key) for key in dict.fromkeys(keys)]
    if not plan:
        raise UsageError("nothing to render: name a member state or year, or use --all")
    for k in {k for k, _ in plan}:
        nb = notebook_path(k, notebook)
        if not nb.is_file():
            raise UsageError(f"{nb}: the {k} brief's notebook is missing; reinstall oaslib or set OASLIB_HOME "
                             "to a checkout with a notebooks/ directory")
    as_of = as_of or date.today().isoformat()
    as_of_date = date.fromisoformat(as_of)
    history = editions.history_dir(out_dir)
    tables = content.load(data_dir)
    code = code_fingerprint()
    with _lock(out_dir):
        _sweep_temporaries(out_dir)
        manifest_path = out_dir / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        results = manifest.setdefault("briefs", {})
        if kind == "all":
            _remove_stale(results, {brief_stem(k, key) for k, key in plan}, out_dir, log)
        todo, unplanned, snapshots = [], 0, {}
        for k, key in plan:
            stem = brief_stem(k, key)
            params = {"country": key, "as_of": as_of} if k == "country" else {"year": key}
            entry = {"kind": k, "key": key, "parameters": params}
            try:
                b = content.make_brief(k, key, data_dir, as_of, tables)
            except OaslibError as e:  # the data of this one brief is unusable
                results[stem] = {**entry, "status": "failed", "error": str(e), "outputs": {}, "duration_s": 0}
                unplanned += 1
                log(f"{stem}: failed — {e}")
                continue
            # the date itself is left out of the hash; what the brief shows that depends on it is in
            shown = {p: v for p, v in params.items() if p != "as_of"}
            h = input_hash(k, shown, formats, b.fingerprint() + editions.date_fingerprint(b), code, notebook)
            entry.update(input_hash=h, headline=content.headline_numbers(b))
            prev = results.get(stem) or {}
            done = (prev.get("input_hash") == h and prev.get("status") in ("made", "up to date")
                    and all((out_dir / f).exists() for f in prev.get("outputs", {}).values()))
            if done and not force:
                prev["status"] = "up to date"
                log(f"{stem}: up to date")
                continue
            # what the notebook's section "Since the last brief" will say, for the index and manifest
            snapshots[stem] = editions.snapshot(b)
            since, previous = editions.previous_edition(history, stem, as_of_date if k == "country" else None)
            entry["since"] = editions.compare(previous, snapshots[stem], since).counts()
            todo.append((entry, (k, key, str(out_dir), str(data_dir), tuple(formats),
                                 as_of if k == "country" else "", notebook, timeout)))

        if todo:
            _warm_imports()
        progress = _Log(len(todo), log)
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_job, args): entry for entry, args in todo}
            for fut in as_completed(futures):
                entry = futures[fut]
                stem = brief_stem(entry["kind"], entry["key"])
                res = {**entry, **fut.result(),
                       "made_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
                results[stem] = res
                if res["status"] == "made":  # the next edition compares with this one
                    editions.save_edition(history, stem, as_of_date, snapshots[stem])
                progress.done(f"{stem}: {res['status']} in {res['duration_s']} s"
                              + (f" — {res['error']}" if res["error"] else ""))
                store.write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        progress.close()
        manifest["oaslib_version"] = __version__
        store.write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        store.write_text(out_dir / "index.html", index_html(manifest))
    made = sum(1 for e, _ in todo if results[brief_stem(e["kind"], e["key"])]["status"] == "made")
    failed = len(todo) - made + unplanned
    log(f"{len(plan)} briefs: {made} made, {len(plan) - len(todo) - unplanned} up to date, "
        f"{failed} failed -> {out_dir}")
    return 1 if failed else 0


def _remove_stale(results: dict, keep: set, out_dir: Path, log) -> None:
    """Forget briefs whose member state or year has no data any more, and
    delete the files the manifest recorded for them."""
    for stem in sorted(set(results) - keep):
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
    for k, v in numbers.items():
        if k == "programs" and v == 0 and kind == "country":
            parts.append("no program sheets")
        elif v or k == "programs":
            one = {"programs": "program", "donors": "donor", "MISPA activities": "MISPA activity",
                   "member states": "member state"}.get(k, k)
            parts.append(f"{v} {one if v == 1 else k}")
    return " · ".join(parts)


def index_html(manifest: dict) -> str:
    from ..clean.countries import country_name

    css = (paths.TEMPLATES / "brief.css").read_text(encoding="utf-8")
    sections = []
    for kind, title, label in (("country", "Member states", "Member state"), ("year", "Years", "Year")):
        rows = []
        entries = sorted(((b.get("key"), b) for b in manifest.get("briefs", {}).values() if b.get("kind") == kind),
                         key=lambda kb: country_name(kb[0]) if kind == "country" else kb[0])
        for key, b in entries:
            name = country_name(key) if kind == "country" else key
            files = b.get("outputs", {})
            order = [k for k in ("html", "pdf", "csv", "ipynb") if k in files]
            links = " · ".join(f'<a href="{escape(files[k], quote=True)}">{escape(k.upper())}</a>' for k in order)
            head = escape(_headline_text(kind, b.get("headline") or {}))
            if (b.get("since") or {}).get("summary"):  # one line: what this edition changed
                head += f'<br><span class="note">{escape(b["since"]["summary"])}</span>'
            err = f'<br><span class="note">{escape(b["error"])}</span>' if b.get("error") else ""
            status = escape(b["status"])
            if b["status"] == "failed":
                status = f"<strong class='failed'>{status}</strong>"
            rows.append(f"<tr><td>{escape(name)}</td><td class='nowrap'>{links}</td><td>{status}{err}</td>"
                        f"<td class='nowrap'>{escape(b.get('made_at', '')[:16].replace('T', ' '))}</td>"
                        f"<td>{head}</td></tr>")
        if rows:
            sections.append(f"<h2>{title}</h2><table class='index'><colgroup><col style='width:19%'>"
                            "<col style='width:24%'><col style='width:9%'><col style='width:18%'><col></colgroup>"
                            f"<thead><tr><th>{label}</th><th>Files</th><th>Status</th><th>Made (UTC)</th>"
                            f"<th>Headline</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    briefs = manifest.get("briefs", {}).values()
    n, failed = len(briefs), sum(1 for b in briefs if b.get("status") == "failed")
    summary = f"{n} briefs" + (f", <strong class='failed'>{failed} failed</strong>" if failed else "")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>OAS security briefs</title>"
            f"<style>{css}</style></head><body><header class='brief'><p class='kicker'>OAS Secretariat for "
            f"Multidimensional Security</p><h1>Briefs</h1><p class='meta'>{summary} made by oaslib "
            f"{escape(str(manifest.get('oaslib_version', __version__)))}; each links to its HTML, PDF, data "
            "(CSV) and executed notebook.</p></header>" + "".join(sections) + "</body></html>")
