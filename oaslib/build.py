"""Many briefs: validate every parameter first, then render each brief in a
worker process, skip the ones whose inputs did not change, keep going when
one fails, and record everything in reports/manifest.json and an index page.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

from . import __version__, paths, store
from .errors import OaslibError, UsageError
from .render import available_keys, brief_dependencies, brief_stem, render_brief, resolve_key


def _hash_files(files) -> str:
    h = hashlib.sha256()
    for f in files:
        f = Path(f)
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()


def input_hash(kind: str, key: str, data_dir: Path, formats, as_of: str, notebook=None) -> str:
    """Everything a brief depends on: notebook, template, stylesheet, the clean
    tables, its parameters and the oaslib version."""
    deps = brief_dependencies(kind) if notebook is None else [Path(notebook), *brief_dependencies(kind)[1:]]
    tables = [Path(data_dir) / f"{t}.csv" for t in ("activities", "donors", "mispa_activities", "quality")]
    h = hashlib.sha256()
    h.update(json.dumps([kind, key, sorted(formats), as_of, __version__]).encode())
    h.update(_hash_files(deps).encode())
    h.update(_hash_files(tables).encode())
    return h.hexdigest()


def _job(args):
    kind, key, out_dir, data_dir, formats, as_of, notebook = args
    t0 = time.perf_counter()
    try:
        outputs = render_brief(kind, key, Path(out_dir), Path(data_dir), formats=formats,
                               as_of=date.fromisoformat(as_of) if as_of else None, notebook=notebook)
        return {"status": "made", "outputs": {k: Path(v).name for k, v in outputs.items()},
                "duration_s": round(time.perf_counter() - t0, 2), "error": None}
    except OaslibError as e:
        return {"status": "failed", "outputs": {"ipynb": f"{brief_stem(kind, key)}.ipynb"},
                "duration_s": round(time.perf_counter() - t0, 2), "error": str(e)}


def run_reports(kind: str, names: list[str], all_: bool, out_dir: Path, data_dir: Path,
                formats=("html", "pdf"), jobs: int | None = None, force: bool = False,
                as_of: str | None = None, notebook=None, log=print) -> int:
    out_dir, data_dir = Path(out_dir), Path(data_dir)
    kinds = [kind] if kind != "all" else ["country", "year"]
    plan = []
    for k in kinds:
        keys = available_keys(k, data_dir) if all_ or kind == "all" else [resolve_key(k, n, data_dir) for n in names]
        plan += [(k, key) for key in dict.fromkeys(keys)]
    if not plan:
        raise UsageError("nothing to render: name a member state or year, or use --all")
    as_of = as_of or date.today().isoformat()
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"briefs": {}}
    todo, results = [], manifest.setdefault("briefs", {})
    for k, key in plan:
        stem = brief_stem(k, key)
        h = input_hash(k, key, data_dir, formats, as_of if k == "country" else "", notebook)
        prev = results.get(stem)
        done = prev and prev.get("input_hash") == h and prev.get("status") in ("made", "up to date") and all(
            (out_dir / f).exists() for f in prev.get("outputs", {}).values())
        if done and not force:
            prev["status"] = "up to date"
            log(f"{stem}: up to date")
            continue
        todo.append((k, key, h))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    failed = 0
    args = [(k, key, str(out_dir), str(data_dir), tuple(formats), as_of if k == "country" else "", notebook)
            for k, key, _ in todo]
    hashes = {brief_stem(k, key): h for k, key, h in todo}
    progress = None
    if sys.stderr.isatty() and todo:
        from tqdm import tqdm
        progress = tqdm(total=len(todo), unit="brief")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_job, a): a for a in args}
        for fut in as_completed(futures):
            k, key = futures[fut][0], futures[fut][1]
            stem = brief_stem(k, key)
            res = fut.result()
            res.update({"kind": k, "key": key, "input_hash": hashes[stem],
                        "parameters": {"country" if k == "country" else "year": key,
                                       **({"as_of": as_of} if k == "country" else {})},
                        "made_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()})
            if k == "country" or k == "year":
                try:
                    from .brief import headline_numbers
                    res["headline"] = headline_numbers(k, key, data_dir, as_of)
                except OaslibError:
                    res["headline"] = {}
            results[stem] = res
            if res["status"] == "failed":
                failed += 1
            line = f"{stem}: {res['status']} in {res['duration_s']} s" + (f" — {res['error']}" if res["error"] else "")
            if progress:
                progress.update(1)
                progress.write(line)
            else:
                log(line)
            store.write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    if progress:
        progress.close()
    manifest["oaslib_version"] = __version__
    store.write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    store.write_text(out_dir / "index.html", index_html(manifest))
    log(f"{len(plan)} briefs: {len(todo) - failed} made, {len(plan) - len(todo)} up to date, {failed} failed"
        f" -> {out_dir}")
    return 1 if failed else 0


def index_html(manifest: dict) -> str:
    css = (paths.TEMPLATES / "brief.css").read_text(encoding="utf-8")
    rows = []
    for stem, b in sorted(manifest.get("briefs", {}).items()):
        label = b["key"]
        if b["kind"] == "country":
            from .countries import country_name
            label = country_name(b["key"])
        links = " · ".join(f'<a href="{escape(f)}">{escape(k.upper())}</a>' for k, f in sorted(b.get("outputs", {}).items()))
        head = ", ".join(f"{escape(str(v))} {escape(k)}" for k, v in (b.get("headline") or {}).items())
        err = f'<br><span class="note">{escape(b["error"])}</span>' if b.get("error") else ""
        rows.append(f"<tr><td>{escape(b['kind'])}</td><td>{escape(label)}</td><td>{links}</td>"
                    f"<td>{escape(b['status'])}{err}</td><td>{escape(b.get('made_at', ''))}</td><td>{head}</td></tr>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>OAS security briefs</title>"
            f"<style>{css}</style></head><body><header class='brief'><p class='kicker'>OAS Secretariat for "
            "Multidimensional Security</p><h1>Briefs</h1></header><table><thead><tr><th>Kind</th><th>Member state or year</th>"
            "<th>Files</th><th>Status</th><th>Made</th><th>Headline</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></body></html>")
