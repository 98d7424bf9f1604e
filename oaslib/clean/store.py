"""data/clean: atomic, deterministic writes and typed reads of the tables.

Every file is written to a temporary name in the same directory and renamed
into place, so a reader (or a killed run) never sees half a file. CSVs are
written with a fixed column order (the declaration's), row order
(``row_order``), float format (``FLOAT_FORMAT``) and line ending, so two runs
on the same input give byte-identical files.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import SchemaError, StoreError, UsageError
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
    with atomic_path(target) as tmp, open(tmp, "wb") as f:
        f.writelines(csv_pieces(df))


def csv_pieces(df: pd.DataFrame) -> list:
    """``df`` as UTF-8 CSV, in pieces to write one after another: byte for
    byte what ``DataFrame.to_csv`` writes through Python's csv module
    (minimal quoting, "\\n" line ends, ``FLOAT_FORMAT``), but made a column
    at a time with Arrow's string kernels and joined in Arrow's memory:
    the csv module copies every character through its writer, which made
    writing the tables a third of the run's serial part. Columns of other
    types, and one-column frames (whose empty cell the csv module writes as
    ``""``), are left to pandas."""
    cells = [_csv_cells(df[c]) for c in df.columns] if len(df.columns) > 1 else [None]
    if any(c is None for c in cells):
        return [df.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT).encode("utf-8")]
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(df.columns)
    if not len(df):
        return [header.getvalue().encode("utf-8")]
    rows = pc.binary_join_element_wise(*cells, pa.scalar(",", pa.large_string()))
    # all rows as one list, joined into one string: no Python string per row
    all_rows = pa.LargeListArray.from_arrays(pa.array([0, len(rows)], pa.int64()), rows)
    body = pc.binary_join(all_rows, pa.scalar("\n", pa.large_string()))[0].as_buffer()
    return [header.getvalue().encode("utf-8"), body, b"\n"]


def _quoted_by_csv(char: str) -> bool:
    out = io.StringIO()
    try:
        csv.writer(out, lineterminator="\n").writerow([f"a{char}b", "c"])
    except csv.Error:  # Python 3.10 refuses a NUL it cannot escape: quote it
        return True
    return out.getvalue().startswith('"')


#: the characters that make the csv module quote a cell, asked of the
#: module itself (Python versions differ on "\\r")
_CSV_QUOTE_IF = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, [*range(128), 0x85, 0x2028, 0x2029])
                              if _quoted_by_csv(c)) + "]"  # a character class in Arrow's (RE2) syntax


def _arrow(s: pd.Series) -> pa.Array:
    """A column's values as one Arrow array (pandas keeps a concatenated
    column in chunks)."""
    data = s.array.__arrow_array__()
    return data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data


def _csv_cells(s: pd.Series) -> pa.Array | None:
    """One column's cells as CSV text, missing values empty; None for a
    type left to pandas."""
    if isinstance(s.dtype, pd.StringDtype):
        text = _arrow(s).cast(pa.large_string())
        quote, nothing = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
        quoted = pc.binary_join_element_wise(quote, pc.replace_substring(text, '"', '""'), quote, nothing)
        cells = pc.if_else(pc.match_substring_regex(text, _CSV_QUOTE_IF), quoted, text)
    elif isinstance(s.dtype, pd.BooleanDtype):
        cells = pc.if_else(_arrow(s), "True", "False")
    elif isinstance(s.dtype, pd.Int64Dtype):
        cells = pc.cast(_arrow(s), pa.string())
    elif isinstance(s.dtype, pd.Float64Dtype):
        cells = pa.array([None if pd.isna(v) else FLOAT_FORMAT % v for v in s], pa.string())
    else:
        return None
    return pc.fill_null(cells.cast(pa.large_string()), "")


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
    return write_tables({name: df}, out_dir)[name]


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, pd.DataFrame]:
    """``write_table`` for several tables: every one is validated before any
    file is written, so a table that fails its schema leaves the folder as
    it was instead of half the tables new and half old."""
    valid = {name: row_order(validate(df, TABLES[name]), TABLES[name]) for name, df in tables.items()}
    out_dir = Path(out_dir)

    def write(name: str) -> None:
        write_csv(valid[name], out_dir / f"{name}.csv")
        with atomic_path(out_dir / f"{name}.parquet") as tmp:
            valid[name].to_parquet(tmp, index=False)

    # Arrow's kernels and writers release the GIL: the tables are written
    # side by side on threads (the largest two took most of the serial end
    # of a large run, one after the other)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=min(len(valid), os.cpu_count() or 1) or 1) as pool:
        for done in [pool.submit(write, name) for name in sorted(valid, key=lambda n: -len(valid[n]))]:
            done.result()
    return valid


def read_table(name: str, clean_dir: Path) -> pd.DataFrame:
    """Read one table from ``clean_dir`` with its declared types (a copy the
    caller may change).

    A process that reads the same table again and again (a batch worker and
    its kernel, brief after brief) reads and validates the file once: the
    frame is kept while the file's identity and time stay the same, and a
    table is only ever replaced whole (``atomic_path``), never edited in place."""
    path = Path(clean_dir) / f"{name}.parquet"
    try:
        st = path.stat()
    except FileNotFoundError:
        raise StoreError(f"table {name} has not been built; run `oaslib clean`", file=str(path)) from None
    return _read_validated(name, str(path.resolve()), st.st_mtime_ns, st.st_size, st.st_ino).copy()


@lru_cache(maxsize=32)
def _read_validated(name: str, path: str, mtime_ns: int, size: int, inode: int) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except Exception as e:  # noqa: BLE001 -- pyarrow raises several kinds for a damaged file
        raise StoreError(f"table {name} cannot be read (damaged?); run `oaslib clean`", file=path,
                         text=(str(e).splitlines() or [type(e).__name__])[0]) from None
    try:
        return validate(df, TABLES[name])
    except SchemaError as e:  # tables written by another version of oaslib, or edited by hand
        raise StoreError(f"{e.problem} (written by another version of oaslib?); run `oaslib clean`",
                         file=path, text=e.text) from None


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
        # sha256 is None for a file that could not be opened
        if not all(isinstance(i["file"], str) and isinstance(i["sha256"], (str, type(None)))
                   for i in manifest["inputs"]):
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


@contextmanager
def snapshot(data_dir: Path, dst: Path):
    """The clean tables as they are now, for a run that reads them for a
    while (a batch of briefs, each kernel reading them in its own time).

    Under the data directory's lock, each file is hard-linked into ``dst``
    (copied where the file system has no links). The tables are written by
    renaming a new file into place, never in place, so a link keeps the
    version it was made from: an ``oaslib clean`` that starts during the
    batch writes new files and every brief still reads one consistent set.
    A directory without a manifest is not a clean store yet: it is yielded
    as it is, so its errors name the real path."""
    data_dir, dst = Path(data_dir), Path(dst)
    if not (data_dir / "manifest.json").is_file():
        yield data_dir
        return
    shutil.rmtree(dst, ignore_errors=True)
    try:
        dst.mkdir(parents=True)
        with lock(data_dir):
            for f in data_dir.iterdir():
                if f.is_file() and not f.name.startswith("."):  # not the lock, not a temporary
                    try:
                        os.link(f, dst / f.name)
                    except OSError:
                        shutil.copy2(f, dst / f.name)
        yield dst
    finally:
        shutil.rmtree(dst, ignore_errors=True)
