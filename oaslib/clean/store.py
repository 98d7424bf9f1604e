"""data/clean: atomic, deterministic writes and typed reads of the tables.

Every file is written to a temporary name in the same directory and renamed
into place, so a reader (or a killed run) never sees half a file. CSVs are
written with a fixed column order (the declaration's), row order
(``row_order``), float format (``FLOAT_FORMAT``) and line ending, so two runs
on the same input give byte-identical files.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..errors import StoreError, UsageError
from .schema import TABLES, validate


@contextmanager
def atomic_path(target: Path, mode: str = "wb"):
    """Yield a temporary path beside ``target``; rename it onto ``target`` when
    the block ends without error, remove it otherwise."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent)
        os.close(fd)
    except OSError as e:
        raise StoreError("cannot write output directory", file=str(target.parent),
                         text=e.strerror) from None
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except PermissionError as e:
        _unlink(tmp)
        # Windows will not replace a file another program holds open
        raise StoreError("cannot write (is it open in another program, such as a PDF viewer or Excel?)",
                         file=str(target), text=e.strerror) from None
    except OSError as e:
        _unlink(tmp)
        raise StoreError("cannot write", file=str(target), text=e.strerror) from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(p):
    try:
        os.unlink(p)
    except OSError:
        pass


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


#: Floats in a CSV: ten significant digits, so binary noise such as
#: 0.30000000000000004 never reaches a file or a diff.
FLOAT_FORMAT = "%.10g"


def write_csv(df: pd.DataFrame, target: Path) -> None:
    """``df`` as UTF-8 CSV with "\\n" line endings and ``FLOAT_FORMAT``, atomically."""
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8", float_format=FLOAT_FORMAT)


def row_order(df: pd.DataFrame, table) -> pd.DataFrame:
    """Rows in the table's declared order (``sort_by``, then the primary key;
    every column for a table with neither), so a file does not depend on the
    order its rows were built in (files read in parallel, dict order …)."""
    keys = list(dict.fromkeys([*table.sort_by, *table.primary_key])) or table.column_names
    return df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def write_table(df: pd.DataFrame, name: str, out_dir: Path) -> pd.DataFrame:
    """Validate ``df`` against its declaration and write ``name.csv`` and
    ``name.parquet`` atomically, rows in ``row_order``. Returns the validated,
    ordered frame."""
    table = TABLES[name]
    df = row_order(validate(df, table), table)
    out_dir = Path(out_dir)
    write_csv(df, out_dir / f"{name}.csv")
    with atomic_path(out_dir / f"{name}.parquet") as tmp:
        df.to_parquet(tmp, index=False)
    return df


def read_table(name: str, clean_dir: Path) -> pd.DataFrame:
    """Read one table from ``clean_dir`` with its declared types."""
    table = TABLES[name]
    path = Path(clean_dir) / f"{name}.parquet"
    if not path.exists():
        raise StoreError(f"table {name} has not been built; run `oaslib clean`", file=str(path))
    try:
        df = pd.read_parquet(path)
    except Exception as e:  # noqa: BLE001 -- pyarrow raises several kinds for a damaged file
        raise StoreError(f"table {name} cannot be read (damaged?); run `oaslib clean`", file=str(path),
                         text=(str(e).splitlines() or [type(e).__name__])[0]) from None
    return validate(df, table)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(out_dir: Path, manifest: dict) -> None:
    write_text(Path(out_dir) / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def read_manifest(clean_dir: Path) -> dict:
    path = Path(clean_dir) / "manifest.json"
    if not path.exists():
        raise StoreError("data has not been built; run `oaslib clean`", file=str(path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not all(isinstance(i["file"], str) and isinstance(i["sha256"], str) for i in manifest["inputs"]):
            raise TypeError("an input without file or sha256")
    except (ValueError, KeyError, TypeError) as e:
        raise StoreError("manifest is damaged; run `oaslib clean`", file=str(path), text=str(e)[:200]) from None
    return manifest


# ------------------------------------------------------------------ locks

#: Output directories whose lock this process holds (``lock`` is reentrant:
#: the CLI takes it before cleaning, ``run_reports`` again for the batch).
_HELD: set[Path] = set()


@contextmanager
def lock(out_dir: Path):
    """One run at a time per output directory (``data/clean``, ``reports/``):
    a cron run that overlaps the previous one, or a notebook building the
    tables while a build writes them, stops with a clear message instead of
    racing it.

    filelock takes an OS lock (flock on POSIX, msvcrt on Windows) that the
    OS drops when the holder dies, so a killed run never leaves a stale lock.
    Who holds it is written to a separate file: on Windows the lock file
    itself cannot be read by another process while locked."""
    from filelock import FileLock, Timeout

    out_dir = Path(out_dir)
    key = out_dir.resolve()
    if key in _HELD:
        yield
        return
    holder = out_dir / ".oaslib.lock.holder"
    file_lock = FileLock(str(out_dir / ".oaslib.lock"))
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        file_lock.acquire(timeout=0)
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        try:
            who = holder.read_text(encoding="utf-8").strip() or None
        except OSError:
            who = None
        raise UsageError("another oaslib run is writing to this directory", file=str(out_dir),
                         text=who) from None
    except OSError as e:  # not a directory, no permission, read-only disk …
        raise StoreError("cannot write output directory", file=str(out_dir), text=e.strerror) from None
    _HELD.add(key)
    try:
        write_text(holder, f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}")
        yield
    finally:
        _HELD.discard(key)
        with contextlib.suppress(OSError):
            holder.unlink()
        file_lock.release()
        if created:  # a run that stopped before writing anything leaves no folder behind
            _remove_if_only_lock(out_dir)


def _remove_if_only_lock(folder: Path) -> None:
    with contextlib.suppress(OSError):
        if {p.name for p in folder.iterdir()} <= {".oaslib.lock"}:
            with contextlib.suppress(FileNotFoundError):
                (folder / ".oaslib.lock").unlink()
            folder.rmdir()
