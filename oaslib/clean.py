"""The cleaning job: data/raw -> validated tables in data/clean.

load inputs (``read``) -> split sheets (``sheets``) and report paragraphs
(``mispa``) -> normalise values and infer each document's member state ->
link sheets into programs -> declared tables (``schema``) -> atomic writes
(``store``). Problems go to the quality table; nothing read is dropped.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from . import __version__, programs, store
from .countries import country_name, find_mentions, member_states
from .errors import OaslibError, ReadError, StoreError
from .normalize import (join_lines, join_url, parse_date, parse_donors,
                        placeholder_field)
from .read import document_kind, is_document, read_document
from .schema import TABLES
from .sheets import RawSheet, split_sheets


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
    """Read every document in ``raw_dir``, write every table to ``out_dir``."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise StoreError("raw directory does not exist", file=str(raw_dir))
    result = CleanResult(out_dir)
    quality: list[dict] = []
    doc_records, mispa_frames = [], []
    mispa_seen: dict[str, str] = {}  # text hash -> first file with that report
    paths = sorted(p for p in raw_dir.iterdir() if not p.name.startswith(".") and not p.is_dir())
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
    written = {name: store.write_table(df, name, out_dir) for name, df in tables.items()}
    store.write_manifest(out_dir, {
        "oaslib_version": __version__,
        "inputs": result.files,
        "tables": {k: len(v) for k, v in written.items()},
        "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    })
    result.tables = written
    return result


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
    d = _Document({"file": path.name, "sha256": store.file_sha256(path), "kind": "skipped"})
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
    elif kind == "mispa":
        d.text_hash = hashlib.sha256("\n".join(l.strip() for l in doc.lines).encode()).hexdigest()
        d.mispa = (doc.lines, doc.source_file)
    else:
        d.quality.append(_q(path.name, field="file",
                            problem="skipped file: neither program sheets nor a MISPA report",
                            text=next((l for l in doc.lines if l.strip()), "")))
    return d


#: Below this many files the documents are read in this process: starting
#: workers costs more than it saves.
PARALLEL_FROM = 64


def _map_documents(paths: list[Path]):
    """read_one over the files, in order; across the cores for a large folder.

    Workers are forked, which needs no importable ``__main__`` and costs
    nothing to start; forking a process that runs threads (a Jupyter kernel
    does) can deadlock, so there, and off Linux, the files are read here."""
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


def _q(source_file, line=None, sheet_no=None, activity_id=None, field=None, problem="", text=None):
    return {"source_file": source_file, "line": line, "sheet_no": sheet_no, "activity_id": activity_id,
            "field": field, "problem": problem, "text": text}


def ensure_clean(raw_dir: Path, clean_dir: Path) -> None:
    """Build ``clean_dir`` when it is missing or older than ``raw_dir``."""
    manifest = Path(clean_dir) / "manifest.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        raw = Path(raw_dir)
        if not raw.is_dir():
            return
        newest = max([raw.stat().st_mtime] + [p.stat().st_mtime for p in raw.iterdir()])
        if newest <= built:
            return
    clean(raw_dir, clean_dir)


# ----------------------------------------------------------- countries

def infer_country(texts: list[str]) -> tuple[str | None, dict[str, float]]:
    """The member state a document is about, weighing the evidence of all its
    sheets: a name or demonym standing alone counts fully, one in an
    enumeration of k member states counts 1/k (regional lists name many
    countries the document is not about); demonyms ("Panamanian
    authorities") count double."""
    scores: Counter = Counter()
    boundary = re.compile(r"(?<=[.;:!?])\s+")
    for text in texts:
        mentions = find_mentions(text)
        if not mentions:
            continue
        ends = [m.end() for m in boundary.finditer(text)] + [len(text) + 1]
        by_sentence: dict[int, list] = defaultdict(list)
        k = 0
        for m in mentions:  # mentions come in order: walk the sentence ends once
            while ends[k] <= m.start:
                k += 1
            by_sentence[k].append(m)
        for ms in by_sentence.values():
            distinct = len({m.iso3 for m in ms})
            for m in ms:
                scores[m.iso3] += (2.0 if m.kind == "demonym" else 1.0) / distinct
    if not scores:
        return None, {}
    ranked = scores.most_common()
    return ranked[0][0], dict(ranked)


# ---------------------------------------------------------- activities

def _text(paras) -> str | None:
    out = "\n\n".join(t for t in (join_lines([l for _, l in p]) for p in paras) if t)
    return out or None


def _value_text(v) -> str | None:
    return " ".join(" ".join(l.split()) for l in v.lines if l.strip()) or None if v else None


def build_activities(sheet_docs: list[tuple[str, list[RawSheet]]]):
    """activities, donors and quality rows from (file name, raw sheets) pairs."""
    return link_documents([document_records(f, sheets) for f, sheets in sheet_docs])


def document_records(source_file: str, raw_sheets: list[RawSheet]) -> tuple[list[dict], list[dict]]:
    """The rows of one document's sheets, with the member state the document
    is about, and that document's quality rows; nothing across documents."""
    quality: list[dict] = []
    recs = [_record(source_file, s, quality) for s in raw_sheets]
    evidence = [" ".join(filter(None, (r["name"], r["beneficiaries"], r["objectives"],
                                       r["results"], r["summary"]))) for r in recs]
    iso3, scores = infer_country(evidence)
    if iso3 is None:
        quality.append(_q(source_file, field="country",
                          problem="unknown country: no member state named in the document"))
        return [], quality
    top = sorted(scores.values(), reverse=True)
    if len(top) > 1 and top[1] > 0.8 * top[0]:
        quality.append(_q(source_file, field="country", problem="country uncertain",
                          text="; ".join(f"{country_name(k)} {v:.1f}" for k, v in
                                         sorted(scores.items(), key=lambda kv: -kv[1])[:3])))
    for r in recs:
        r["iso3"], r["country"] = iso3, country_name(iso3)
    return recs, quality


def link_documents(docs: list[tuple[list[dict], list[dict]]]):
    """Programs, ids and duplicates across every document's rows."""
    records, donor_rows, quality = [], [], []
    for recs, q in docs:
        records += recs
        quality += q

    # programs across all documents
    cluster = programs.link_programs(records)
    members = defaultdict(list)
    for i, c in enumerate(cluster):
        members[c].append(i)
    for c, idx in members.items():
        names = Counter(records[i]["name"] for i in idx if records[i]["name"])
        label = names.most_common(1)[0][0] if names else None
        if label is None:
            for i in idx:
                r = records[i]
                label = programs.name_from_text(r["summary"], r["objectives"], r["results"])
                if label:
                    break
        keys = [k for i in idx for k in (programs.fingerprint(records[i]["summary"]),
                                         programs.fingerprint(records[i]["objectives"]),
                                         programs.name_key(records[i]["name"])) if k]
        pid = programs.program_id(keys or [records[idx[0]]["activity_id"]])
        for i in idx:
            records[i]["program_id"] = pid
            records[i]["program"] = records[i]["name"] or label or "(unnamed program)"
            if not records[i]["name"] and not label:
                quality.append(_q(records[i]["source_file"], line=records[i]["source_line"],
                                  sheet_no=records[i]["sheet_no"], field="program",
                                  problem="program name not found"))

    # ids and duplicates
    seen_ids: Counter = Counter()
    first_by_content: dict[tuple, str] = {}
    for r in records:
        h = hashlib.sha1("\n".join([r["source_file"], r["content_key"]]).encode()).hexdigest()[:10]
        base = f"{r['iso3']}-{h}"
        seen_ids[base] += 1
        r["activity_id"] = base if seen_ids[base] == 1 else f"{base}-{seen_ids[base]}"
        key = (r["iso3"], r["content_key"])
        if key in first_by_content:
            r["duplicate_of"] = first_by_content[key]
            quality.append(_q(r["source_file"], line=r["source_line"], sheet_no=r["sheet_no"],
                              activity_id=r["activity_id"], field="sheet",
                              problem="duplicate sheet", text=f"repeats {first_by_content[key]}"))
        else:
            r["duplicate_of"] = None
            first_by_content[key] = r["activity_id"]
    for r in records:
        for d in r.pop("_donors"):
            donor_rows.append({"activity_id": r["activity_id"], "donor": d.name, "donor_kind": d.kind,
                               "donor_iso3": d.iso3, "donor_text": d.text})
        for q in r.pop("_quality"):
            q["activity_id"] = r["activity_id"]
            quality.append(q)
    cols = TABLES["activities"].column_names
    activities = pd.DataFrame(records, columns=cols) if records else TABLES["activities"].empty()
    donors = pd.DataFrame(donor_rows, columns=TABLES["donors"].column_names)
    return activities, donors, quality


_TEXT_FIELDS = ("objectives", "results", "summary")


def _record(source_file: str, s: RawSheet, quality: list) -> dict:
    """One activities row (without country and program) from a raw sheet."""
    sq: list[dict] = []

    def problem(field, what, text=None, line=None):
        sq.append(_q(source_file, line=line or s.line_no, sheet_no=s.sheet_no, field=field,
                     problem=what, text=text))

    for line, field_, what, text in s.problems:
        problem(field_, what, text, line)
    for h in s.headings_missing:
        problem(h, "heading missing from the form", line=s.line_no)

    r = {"source_file": source_file, "sheet_no": s.sheet_no, "source_line": s.line_no}
    # pillar and name
    pillar = _value_text(s.pillar)
    if pillar and placeholder_field(pillar):
        problem("pillar", "placeholder left in the form", pillar, s.pillar.line_no)
        pillar = None
    elif pillar is None:
        problem("pillar", "field missing")
    r["pillar"] = _canonical_pillar(pillar)
    r["name"] = _value_text(s.name)
    if r["name"] and placeholder_field(r["name"]):
        problem("name", "placeholder left in the form", r["name"], s.name.line_no)
        r["name"] = None
    if not r["name"]:
        problem("name", "field missing")
    # dates
    for fld, val in (("start_date", s.start), ("end_date", s.end)):
        text = _value_text(val)
        d = parse_date(text or "")
        r[fld] = d.value
        r[fld.replace("date", "year")] = d.year
        if fld == "end_date":
            r["end_status"] = "dated" if d.value else ("ongoing" if d.ongoing else "unspecified")
        if d.placeholder:
            problem(fld, "placeholder left in the form", text, val.line_no)
        elif d.problem:
            problem(fld, d.problem, text, val.line_no)
        elif text is None:
            problem(fld, "field missing")
    # beneficiaries, link
    benef = _value_text(s.beneficiaries)
    if benef and placeholder_field(benef):
        problem("beneficiaries", "placeholder left in the form", benef, s.beneficiaries.line_no)
        benef = None
    elif benef is None:
        problem("beneficiaries", "field missing")
    r["beneficiaries"] = benef
    r["url"] = None
    if s.url:
        raw = "".join(l.strip() for l in s.url.lines)
        if placeholder_field(raw) or placeholder_field(_value_text(s.url) or ""):
            problem("url", "placeholder left in the form", _value_text(s.url), s.url.line_no)
        else:
            url, bad = join_url(s.url.lines)
            if bad:
                problem("url", bad, raw, s.url.line_no)
            r["url"] = url
    else:
        problem("url", "field missing")
    # donors
    dtext = _value_text(s.donors)
    donors, unknown = parse_donors(dtext or "")
    for u in unknown:
        problem("donors", "unknown donor", u, s.donors.line_no)
    if dtext is None:
        problem("donors", "field missing")
    r["donors"] = ";".join(d.name for d in donors) or None
    r["_donors"] = donors
    # texts
    for fld in _TEXT_FIELDS:
        r[fld] = _text(getattr(s, fld))
        if not r[fld]:
            problem(fld, "field missing")
    r["content_key"] = "\x1f".join(programs.fingerprint(r[f], 10_000) or "" for f in _TEXT_FIELDS)
    r["_quality"] = sq
    return r


def _canonical_pillar(pillar: str | None) -> str | None:
    if not pillar:
        return None
    from .refdata import rows, split_list
    from .countries import fold
    for row in rows("pillars"):
        if fold(pillar) in {fold(a) for a in [row["pillar"], *split_list(row["aliases"])]}:
            return row["pillar"]
    return pillar


# -------------------------------------------------------------- programs

def build_programs(activities: pd.DataFrame, donors: pd.DataFrame) -> pd.DataFrame:
    if activities.empty:
        return TABLES["programs"].empty()
    acts = activities[activities["duplicate_of"].isna()]
    rows_ = []
    for pid, g in acts.groupby("program_id", sort=True):
        pillars = g["pillar"].dropna()
        ds = donors[donors["activity_id"].isin(g["activity_id"])]["donor"]
        rows_.append({
            "program_id": pid,
            "program": Counter(g["program"]).most_common(1)[0][0],
            "pillar": pillars.mode().iloc[0] if len(pillars) else None,
            "countries": ";".join(sorted(g["country"].unique())),
            "n_countries": g["country"].nunique(),
            "n_sheets": len(g),
            "first_year": pd.to_numeric(g["start_year"]).min(),
            "last_year": pd.to_numeric(g["end_year"]).max(),
            "ongoing": bool((g["end_status"] == "ongoing").any()),
            "donors": ";".join(sorted(ds.unique())) or None,
        })
    return pd.DataFrame(rows_)
