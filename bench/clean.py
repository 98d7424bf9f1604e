"""Benchmark of `oaslib clean`: sheets per second on the bundled corpus
replicated x1, x10, x100, x1000, and how time grows with size.

    python bench/clean.py            # x1 .. x1000
    python bench/clean.py --max 100  # quicker

Targets (2-core machine): >= 2,000 sheets/s, and time at most 25 % over
linear from x10 to x1000. Printed side by side from one run.

Beside the wall time it prints the CPU time of the run (this process and
its worker processes) per sheet: on a machine shared with other work the
wall time says as much about the neighbours as about the code, the CPU time
per sheet does not.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oaslib.clean import clean  # noqa: E402


def replicate(raw: Path, dst: Path, times: int) -> None:
    dst.mkdir(parents=True)
    for src in sorted(raw.glob("*.txt")):
        data = src.read_bytes()
        for i in range(times):
            (dst / f"{src.stem}_r{i:04d}{src.suffix}").write_bytes(data)


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=1000)
    args = ap.parse_args()
    factors = [f for f in (1, 10, 100, 1000) if f <= args.max]
    tmp = Path(tempfile.mkdtemp(prefix="oaslib-bench-"))
    rows, cpu_ms = [], []
    try:
        for f in factors:
            raw = tmp / f"raw{f}"
            replicate(ROOT / "data" / "raw", raw, f)
            c0 = _cpu()
            t0 = time.perf_counter()
            result = clean(raw, tmp / f"clean{f}")
            dt = time.perf_counter() - t0
            cpu = _cpu() - c0
            n = len(result.tables["activities"])
            rows.append((f, n, dt))
            cpu_ms.append(cpu / n * 1000)
            print(f"x{f:<5d} {n:7d} sheets  {dt:8.2f} s  {n / dt:8.0f} sheets/s"
                  f"   cpu {cpu:7.2f} s = {cpu / n * 1000:5.2f} ms/sheet", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = next(((f, n, dt) for f, n, dt in rows if f == 10), None)
    if base:
        print("\ngrowth against x10 (1.00 = linear):")
        for f, n, dt in rows:
            if f > 10:
                ratio = (dt / base[2]) / (n / base[1])
                # below 1.0 is fixed costs (start-up, worker processes) spread wider;
                # above 1.25 would mean something grows faster than the input
                print(f"  x{f}: time x{dt / base[2]:.1f} for sheets x{n / base[1]:.0f} -> {ratio:.2f} of linear"
                      f" {'(ok: at most linear + 25 %)' if ratio <= 1.25 else '(WORSE than linear + 25 %)'}")
    # the target is set at x1000: the best of smaller runs would flatter
    f, n, dt = rows[-1]
    print(f"\nthroughput at x{f}: {n / dt:,.0f} sheets/s (target: 2,000 at x1000),"
          f" {cpu_ms[-1]:.2f} ms of CPU a sheet")
    print(f"load average during the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
