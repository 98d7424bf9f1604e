"""The cleaning job: data/raw -> validated tables in data/clean.

load inputs (``read``) -> split sheets (``sheets``) and report paragraphs
(``mispa``) -> normalise values and infer each document's member state ->
link sheets into programs -> declared tables (``schema``) -> atomic writes
(``store``). Problems go to the quality table; nothing read is dropped.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..version import __version__
from . import store
from ..errors import ReadError, UsageError
from .read import document_kind, is_document, read_document
from .activities import build_programs, document_records, link_documents
from .schema import TABLES, quality_row as _q
from .sheets import split_sheets


@dataclass
class CleanResult:
    out_dir: Path
    files: list[dict] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        acts = self.tables.get("activities", pd.DataFrame())
        q = self.tables.get("quality", pd.DataFrame())
        mispa = self.tables.get("mispa_activities", pd.DataFrame())
        kinds = Counter(f["kind"] for f in self.files)
        lines = [f"oaslib clean: {len(self.files)} files "
                 f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) -> {self.out_dir}"]
        if len(acts):
            lines.append(f"  sheets: {len(acts)} ({int(acts['duplicate_of'].notna().sum())} duplicates), "
                         f"programs: {acts['program_id'].nunique()}, "
                         f"countries: {', '.join(sorted(acts['country'].unique()))}")
        if len(mispa):
            lines.append(f"  MISPA activities: {len(mispa)} "
                         f"({', '.join(f'{a} {n}' for a, n in mispa['agency'].value_counts().sort_index().items())})")
        if len(q):
            lines.append(f"  quality problems: {len(q)}")
            for problem, n in q["problem"].value_counts().sort_index().items():
                lines.append(f"    {n:4d}  {problem}")
        for f in self.unreadable:
            lines.append(f"  unreadable: {f}")
        return "\n".join(lines)


# ------------------------------------------------------------------ job

def clean(raw_dir: Path, out_dir: Path) -> CleanResult:
    """Read every document in ``raw_dir``, write every table to ``out_dir``
    (one run at a time per ``out_dir``: ``store.lock``)."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    check_raw_dir(raw_dir)
    with store.lock(out_dir):
        return _clean(raw_dir, out_dir)


def _clean(raw_dir: Path, out_dir: Path) -> CleanResult:
    result = CleanResult(out_dir)
    quality: list[dict] = []
    doc_records, mispa_frames = [], []
    mispa_seen: dict[str, str] = {}  # text hash -> first file with that report
    paths = _documents(raw_dir)
    for d in _map_documents(paths):
        result.files.append(d.entry)
        quality += d.quality
        if d.unreadable:
            result.unreadable.append(d.unreadable)
        if d.sheets is not None:
            doc_records.append(d.sheets)
        elif d.mispa is not None:
            if d.text_hash in mispa_seen:
                # The same report saved twice (a copy, another file name, other line
                # endings) would count every activity twice: keep the first.
                d.entry["kind"] = "duplicate"
                quality.append(_q(d.entry["file"], field="file", problem="duplicate document",
                                  text=f"same text as {mispa_seen[d.text_hash]}; not read again"))
                continue
            mispa_seen[d.text_hash] = d.entry["file"]
            from .mispa import parse_mispa
            acts, themes, qrows = parse_mispa(*d.mispa)
            mispa_frames.append((acts, themes))
            quality += qrows
    if not result.files:
        quality.append(_q(raw_dir.name, field="file", problem="no documents in the raw directory"))

    activities, donors, sheet_quality = link_documents(doc_records)
    quality += sheet_quality
    tables = {
        "activities": activities,
        "donors": donors,
        "programs": build_programs(activities, donors),
        "mispa_activities": _concat([a for a, _ in mispa_frames], "mispa_activities"),
        "mispa_themes": _concat([t for _, t in mispa_frames], "mispa_themes"),
        "quality": pd.DataFrame(quality, columns=TABLES["quality"].column_names),
    }
    written = store.write_tables(tables, out_dir)
    store.write_manifest(out_dir, {
        "oaslib_version": __version__,
        "reader": reader_fingerprint(),
        "inputs": result.files,
        "tables": {k: len(v) for k, v in written.items()},
        "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    })
    result.tables = written
    return result


def check_raw_dir(raw_dir: Path) -> None:
    """A raw directory that is not there is the caller's mistake (a usage
    error, exit 2), not unreadable input."""
    if not Path(raw_dir).is_dir():
        raise UsageError("raw directory is a file, not a folder of documents" if Path(raw_dir).is_file()
                         else "raw directory does not exist", file=str(raw_dir))


@dataclass
class _Document:
    """What one raw file gives, read on its own (in a worker process when
    there are many files): no state is shared between documents here."""
    entry: dict
    quality: list = field(default_factory=list)
    unreadable: str | None = None
    sheets: tuple | None = None        # (records, quality) of a program-sheet document
    mispa: tuple | None = None         # (lines, file name) of a MISPA report, parsed once per text
    text_hash: str | None = None


def read_one(path: Path) -> _Document:
    """Read, classify and parse one raw file."""
    d = _Document({"file": path.name, "sha256": None, "kind": "skipped"})
    try:
        d.entry["sha256"] = store.file_sha256(path)
    except OSError as e:  # no permission, a file gone since the folder was listed …
        d.entry["kind"] = "unreadable"
        d.unreadable = f"{path.name}: cannot open: {e.strerror}"
        d.quality.append(_q(path.name, field="file", problem="cannot open the file", text=e.strerror))
        return d
    if not is_document(path):
        d.quality.append(_q(path.name, problem="skipped file: not a .txt or .pdf document"))
        return d
    try:
        doc = read_document(path)
    except ReadError as e:
        d.entry["kind"] = "unreadable"
        d.unreadable = str(e)
        d.quality.append(_q(path.name, field="file", problem=e.problem, text=e.text))
        return d
    for line, problem, text in doc.notes:
        d.quality.append(_q(path.name, line=line, field="file", problem=problem, text=text))
    d.entry["kind"] = kind = document_kind(doc.lines)
    if kind == "sheets":
        d.sheets = document_records(doc.source_file, split_sheets(doc.lines))
        if doc.line_numbers:  # page furniture was taken out: point into the file again
            _to_file_lines(doc, *d.sheets)
    elif kind == "mispa":
        d.text_hash = hashlib.sha256("\n".join(l.strip() for l in doc.lines).encode()).hexdigest()
        d.mispa = (doc.lines, doc.source_file)
    else:
        d.quality.append(_q(path.name, field="file",
                            problem="skipped file: neither program sheets nor a MISPA report",
                            text=next((l for l in doc.lines if l.strip()), "")))
    return d


def _to_file_lines(doc, records: list[dict], quality: list[dict]) -> None:
    """Line numbers of the read lines -> line numbers of the raw file, in the
    records and in their quality rows (the document's and each record's)."""
    rows = list(quality)
    for r in records:
        r["source_line"] = doc.source_line(r["source_line"] - 1)
        rows += r.get("_quality", [])
    for q in rows:
        if q.get("line"):
            q["line"] = doc.source_line(q["line"] - 1)


#: Below this many files the documents are read in this process: starting
#: workers costs more than it saves.
PARALLEL_FROM = 64


def _map_documents(paths: list[Path]):
    """read_one over the files, in order; across the cores for a large folder.

    The start method is explicit (Python 3.14 no longer defaults to fork on
    Linux): workers are forked, which needs no importable ``__main__`` and
    costs nothing to start. Forking a process that runs threads (a Jupyter
    kernel does; so does tqdm once a bar has started its monitor) can
    deadlock the child, so there the files are read here; off Linux too,
    where the only safe method, spawn, costs each worker ~1 s of imports,
    more than reading a folder of sheets."""
    import threading

    jobs = min(os.cpu_count() or 1, 8)
    if (len(paths) < PARALLEL_FROM or jobs < 2 or sys.platform != "linux"
            or threading.active_count() > 1):
        yield from map(read_one, paths)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(read_one, paths, chunksize=max(1, len(paths) // (jobs * 8)))


def _concat(frames, name):
    frames = [f for f in frames if len(f)]
    if not frames:
        return TABLES[name].empty()
    return pd.concat(frames, ignore_index=True)


def ensure_clean(raw_dir: Path, clean_dir: Path) -> None:
    """Build ``clean_dir`` when it is missing or does not hold the tables of
    the documents in ``raw_dir`` as they are now."""
    raw = Path(raw_dir)
    if not raw.is_dir() and (Path(clean_dir) / "manifest.json").exists():
        return  # tables shipped without their documents: read them as they are
    if not is_current(raw, Path(clean_dir)):
        clean(raw, clean_dir)


def _documents(raw_dir: Path) -> list[Path]:
    """The files ``clean`` reads: not hidden, not folders."""
    return sorted(p for p in raw_dir.iterdir() if not p.name.startswith(".") and not p.is_dir())


@lru_cache(maxsize=1)
def reader_fingerprint() -> str:
    """A hash of what turns documents into tables: the code of
    ``oaslib.clean`` and the reference data. Tables built by another reader
    (an upgrade that adds a column, a donor alias, a fix) are rebuilt on the
    next use instead of failing on a missing column or showing old readings."""
    from .. import paths
    h = hashlib.sha256(__version__.encode())
    files = [*Path(__file__).parent.glob("*.py"), *(paths.PACKAGE_DIR / "data").glob("*.csv"),
             paths.PACKAGE_DIR / "refdata.py"]
    for f in sorted(files, key=lambda f: f.relative_to(paths.PACKAGE_DIR).as_posix()):
        h.update(f.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        h.update(f.read_bytes().replace(b"\r\n", b"\n"))  # a Windows checkout is the same reader
    return h.hexdigest()[:16]


def is_current(raw_dir: Path, clean_dir: Path) -> bool:
    """Whether ``clean_dir`` was built from exactly the files of ``raw_dir``
    by this version of the reader (``reader_fingerprint``).
    File times decide when they can (a file newer than the tables: not
    current); otherwise the names and contents are checked against the
    manifest, since a copy that keeps an older time (``cp -p``, rsync, an
    unzipped archive, Windows Explorer) must count as a change too."""
    manifest_path = clean_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        built = manifest_path.stat().st_mtime
        recorded = {i["file"]: i["sha256"] for i in manifest["inputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if manifest.get("reader") != reader_fingerprint():
        return False
    files = _documents(raw_dir)
    if raw_dir.stat().st_mtime > built or any(p.stat().st_mtime > built for p in files):
        return False
    try:
        return ({p.name for p in files} == set(recorded)
                and all(store.file_sha256(p) == recorded[p.name] for p in files))
    except OSError:  # a file that cannot be read now: let clean say so
        return False


def tables_dir(data_dir=None, raw_dir=None) -> Path:
    """Where the clean tables are: the project's ``data/clean``, built first
    when it is missing or older than the raw documents (``raw_dir``, default
    the project's ``data/raw``); or ``data_dir`` when given, read as it is
    unless ``raw_dir`` is given too. An empty string counts as not given:
    it is the notebooks' default."""
    from .. import paths
    if data_dir:
        data = Path(data_dir)
        if raw_dir:
            ensure_clean(Path(raw_dir), data)
        return data
    data = paths.clean_dir()
    ensure_clean(Path(raw_dir) if raw_dir else paths.raw_dir(), data)
    return data
