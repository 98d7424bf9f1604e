"""data/clean: atomic, deterministic writes and typed reads of the tables.

Every file is written to a temporary name in the same directory and renamed
into place, so a reader (or a killed run) never sees half a file. CSVs are
written with a fixed column order (the declaration's), row order
(``row_order``), float format (``FLOAT_FORMAT``) and line ending, so two runs
on the same input give byte-identical files.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..errors import StoreError
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
    return validate(pd.read_parquet(path), table)


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
    return json.loads(path.read_text(encoding="utf-8"))
