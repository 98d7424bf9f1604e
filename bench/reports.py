"""Benchmark of report production on the bundled data, measured side by side
in one run:

1. the plain loop a team would write: `oaslib clean`, then for each brief
   `papermill` -> `jupyter nbconvert --to html --no-input` -> `weasyprint`,
   each a separate process, one after another;
2. `oaslib build` from scratch (clean + every brief + index);
3. `oaslib build` again with nothing changed;
4. `oaslib build --lang en,es` on top: the cost of the Spanish edition (the
   English briefs are up to date, every Spanish one is made);
5. `oaslib build --as-of` the next day on unchanged data, as a nightly cron
   runs it (makes nothing: the date is not part of a brief's hash, only the
   statuses it shows; about the time of 3).

    python bench/reports.py               # every brief (the plain loop takes ~10 min)
    python bench/reports.py --sample 8    # plain loop on 8 briefs, scaled to all

Prints wall time, peak memory of the whole process tree (PSS: shared pages
split between the processes that share them; RSS summed as an upper bound)
and the ratios against the targets: build >= 3x faster than the plain loop,
unchanged rerun <= 10 % of a build, peak memory <= 1 GiB.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GIB = 1 << 30
CLEAN_SECONDS: list[float] = []  # the plain loop's clean step, not scaled with --sample


class TreeMemory:
    """Peak memory of this process's descendants, sampled from /proc."""

    def __init__(self, every: float = 0.05):
        self.every, self.peak_pss, self.peak_rss = every, 0, 0
        self._stop = threading.Event()

    def _children(self) -> dict[int, int]:
        parent = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = open(f"/proc/{d}/stat").read()
                    parent[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        tree, frontier = set(), {os.getpid()}
        while frontier:
            frontier = {p for p, pp in parent.items() if pp in frontier} - tree
            tree |= frontier
        return tree

    @staticmethod
    def _mem(pid: int) -> tuple[int, int]:
        pss = rss = 0
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
        except OSError:
            pass
        return pss, rss

    def _run(self):
        while not self._stop.is_set():
            pss = rss = 0
            for pid in self._children():
                p, r = self._mem(pid)
                pss, rss = pss + p, rss + r
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def sh(*cmd, cwd=None):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd[:3]))} … failed:\n{r.stderr[-2000:]}")
    return r.stdout


def brief_keys(clean: Path) -> list[tuple[str, str]]:
    code = ("import json,sys; from oaslib.briefs.keys import available_keys as k; "
            "print(json.dumps([[t, x] for t in ('country', 'year') for x in k(t, sys.argv[1])]))")
    return [tuple(x) for x in json.loads(sh(sys.executable, "-c", code, clean))]


def plain_loop(raw: Path, work: Path, sample: int | None, as_of: str):
    clean, out = work / "clean", work / "reports"
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    sh(BIN / "oaslib", "clean", "--raw", raw, "--out", clean)
    CLEAN_SECONDS.append(time.perf_counter() - t0)
    keys = brief_keys(clean)
    if sample:
        step = max(1, len(keys) // sample)
        keys = keys[::step][:sample]
    for kind, key in keys:
        nb = ROOT / "notebooks" / f"{kind}_brief.ipynb"
        stem = out / f"{kind}-{key}"
        params = (["-p", "country", key, "-p", "as_of", as_of] if kind == "country" else ["-p", "year", key])
        sh(BIN / "papermill", "--no-progress-bar", "--log-level", "ERROR", nb, f"{stem}.ipynb", *params,
           "-p", "data_dir", clean, "--cwd", out)
        sh(BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", "--log-level", "ERROR", f"{stem}.ipynb")
        sh(BIN / "weasyprint", f"{stem}.html", f"{stem}.pdf")
    return len(keys)


def measure(label, fn):
    t0 = time.perf_counter()
    with TreeMemory() as mem:
        n = fn()
    return {"run": label, "seconds": time.perf_counter() - t0, "briefs": n,
            "pss": mem.peak_pss, "rss": mem.peak_rss}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=None,
                    help="run the plain loop on this many briefs and scale its time to all")
    ap.add_argument("--keep", action="store_true", help="keep the working directory")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="oaslib-bench-"))
    raw = work / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    as_of = date.today().isoformat()
    next_day = (date.today() + timedelta(days=1)).isoformat()
    build = ["oaslib", "build", "--raw", raw, "--data", work / "b" / "clean", "--out", work / "b" / "reports"]
    try:
        rows = [measure("plain loop (papermill + nbconvert + weasyprint CLIs)",
                        lambda: plain_loop(raw, work / "plain", args.sample, as_of))]
        n_all = len(brief_keys(work / "plain" / "clean"))
        rows.append(measure("oaslib build, from scratch", lambda: (sh(BIN / build[0], *build[1:]), n_all)[1]))
        rows.append(measure("oaslib build, nothing changed", lambda: (sh(BIN / build[0], *build[1:]), n_all)[1]))
        made = json.loads((work / "b" / "reports" / "manifest.json").read_text())["briefs"]
        assert len(made) == n_all and all(b["status"] == "up to date" for b in made.values()), "rerun remade briefs"
        rows.append(measure("oaslib build --as-of the next day, data unchanged",
                            lambda: (sh(BIN / build[0], *build[1:], "--as-of", next_day), n_all)[1]))
        made = json.loads((work / "b" / "reports" / "manifest.json").read_text())["briefs"]
        # a program that ends today is remade tomorrow, rightly: count, do not assert
        nightly_made = sum(b["status"] == "made" for b in made.values())
        rows.append(measure("oaslib build --lang en,es: the Spanish edition",
                            lambda: (sh(BIN / build[0], *build[1:], "--as-of", next_day, "--lang", "en,es"),
                                     n_all)[1]))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    plain, full, rerun, nightly, spanish = rows
    per_brief = (plain["seconds"] - CLEAN_SECONDS[0]) / plain["briefs"]
    plain_all = CLEAN_SECONDS[0] + per_brief * n_all
    print(f"\nbundled data: {n_all} briefs (HTML + PDF each), {os.cpu_count()} cores, as of {as_of}\n")
    print(f"{'run':55} {'seconds':>9} {'s/brief':>8} {'peak PSS':>9} {'RSS sum':>9}")
    for r in rows:
        print(f"{r['run']:55} {r['seconds']:9.1f} {r['seconds'] / r['briefs']:8.2f} "
              f"{r['pss'] / 2**20:6.0f}MiB {r['rss'] / 2**20:6.0f}MiB")
    scaled = f" (measured on {plain['briefs']}, scaled to {n_all})" if plain["briefs"] != n_all else ""
    speedup, rerun_share, peak = plain_all / full["seconds"], rerun["seconds"] / full["seconds"], full["pss"]
    print(f"\nbuild speed-up over the plain loop{scaled}: {speedup:5.1f}x   (target >= 10x, issue 14)   "
          f"{'ok' if speedup >= 10 else 'MISSED'}")
    print(f"unchanged rerun / full build:                 {rerun_share:5.1%}   (target <= 10 %)  "
          f"{'ok' if rerun_share <= 0.10 else 'MISSED'}")
    print(f"next-day build on unchanged data:      {nightly['seconds']:6.1f} s   ({nightly_made} of {n_all} "
          f"briefs made; unchanged rerun {rerun['seconds']:.1f} s)  {'ok' if nightly_made == 0 else 'some status changed'}")
    print(f"peak memory of the build (PSS):            {peak / GIB:6.2f} GiB (target <= 1 GiB) "
          f"{'ok' if peak <= GIB else 'MISSED'}")
    print(f"Spanish edition on top of the English:     {spanish['seconds'] / n_all:6.2f} s/brief "
          f"({spanish['seconds'] / full['seconds']:.0%} of the English build)")
    print(f"  (RSS summed over the process tree: {full['rss'] / GIB:.2f} GiB; it counts the pages "
          "forked workers share with their parent once per process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
