"""Program-sheet records -> the activities, donors and programs tables.

Each document's raw sheets become rows (``_record``), the document's member
state is inferred from all its sheets together (``country_scores``; a sheet
that plainly names only another member state is that one's), then sheets are
linked into programs and given ids across documents (``link_documents``).
Problems become quality rows; nothing is dropped.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from functools import lru_cache

import pandas as pd

from . import programs
from .countries import country_name, find_mentions, fold
from .normalize import hyphen_breaks, join_lines, join_url, parse_donors, parse_start_end, placeholder_field, split_links
from .schema import TABLES, quality_row as _q
from .sheets import RawSheet, Value
from ..refdata import rows, split_list


# ----------------------------------------------------------- countries

# a sentence ends at punctuation and the spaces after it (the punctuation
# first, not in a lookbehind: the regex engine then skips to it)
_SENTENCE_END = re.compile(r"[.;:!?]\s+")


def infer_country(texts: list[str]) -> tuple[str | None, dict[str, float]]:
    """The member state a document's texts are about and each one's score,
    highest first (``country_scores`` summed over the texts)."""
    return _top(sum((country_scores(t) for t in texts), Counter()))


def _top(scores: Counter) -> tuple[str | None, dict[str, float]]:
    if not scores:
        return None, {}
    ranked = scores.most_common()
    return ranked[0][0], dict(ranked)


def country_scores(text: str) -> Counter:
    """The evidence of one text for each member state: a name or demonym
    standing alone counts fully, one in an enumeration of k member states
    counts 1/k (regional lists name many countries the document is not
    about); demonyms ("Panamanian authorities") count double. A
    document's member state is the one its sheets' evidence, summed, puts
    first."""
    scores: Counter = Counter()
    mentions = find_mentions(text)
    if not mentions:
        return scores
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
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
    return scores


# ---------------------------------------------------------- activities

def _text(paras) -> str | None:
    out = "\n\n".join(t for t in (join_lines([l for _, l in p]) for p in paras) if t)
    return out or None


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
    per_sheet = [country_scores(t) for t in evidence]
    iso3, scores = _top(sum(per_sheet, Counter()))
    if iso3 is None:
        quality.append(_q(source_file, field="country",
                          problem="unknown country: no member state named in the document"))
        return [], quality
    top = sorted(scores.values(), reverse=True)
    if len(top) > 1 and top[1] > 0.8 * top[0]:
        quality.append(_q(source_file, field="country", problem="country uncertain",
                          text="; ".join(f"{country_name(k)} {v:.1f}" for k, v in
                                         sorted(scores.items(), key=lambda kv: -kv[1])[:3])))
    for r, sheet_scores in zip(recs, per_sheet):
        own = _sheet_country(sheet_scores, iso3)
        if own:
            quality.append(_q(source_file, line=r["source_line"], sheet_no=r["sheet_no"], field="country",
                              problem="sheet of another member state than the document",
                              text=f"{country_name(own)}; the document's: {country_name(iso3)}"))
        r["iso3"] = own or iso3
        r["country"] = country_name(r["iso3"])
    return recs, quality


#: the evidence a sheet must give for a member state of its own (two
#: mentions standing alone, or one demonym) when it never names the
#: document's
_OWN_COUNTRY = 2.0


def _sheet_country(scores: Counter, doc_iso3: str) -> str | None:
    """The member state a sheet is about when that is not its document's:
    the sheet never names the document's member state and plainly names
    one other (a file that gathers the sheets of two member states)."""
    top, scores = _top(scores)
    if top is None or top == doc_iso3 or scores.get(doc_iso3) or scores[top] < _OWN_COUNTRY:
        return None
    second = sorted(scores.values(), reverse=True)[1:2]
    return top if not second or second[0] <= 0.5 * scores[top] else None


def link_documents(docs: list[tuple[list[dict], list[dict]]]):
    """Programs, ids and duplicates across every document's rows."""
    records, quality = [], []
    for recs, q in docs:
        records += recs
        quality += q
    _assign_programs(records, quality)
    _assign_ids(records, quality)
    donor_rows = _donor_rows(records, quality)
    cols = TABLES["activities"].column_names
    activities = pd.DataFrame(records, columns=cols) if records else TABLES["activities"].empty()
    donors = pd.DataFrame(donor_rows, columns=TABLES["donors"].column_names)
    return activities, donors, quality


def _assign_programs(records: list[dict], quality: list[dict]) -> None:
    """Link sheets into programs across documents: a program id and name."""
    cluster = programs.link_programs([r["program_keys"] for r in records])
    members = defaultdict(list)
    for i, c in enumerate(cluster):
        members[c].append(i)
    for idx in members.values():
        label = _program_label([records[i] for i in idx])
        keys = [k for i in idx for k in records[i]["program_keys"].values()]
        # a sheet with no name and no text has nothing to key a program on
        # but where it stands
        pid = programs.program_id(keys or [_place_key(records[idx[0]])])
        for i in idx:
            r = records[i]
            r["program_id"] = pid
            r["program"] = r["name"] or label or "(unnamed program)"
            if not r["name"] and not label:
                quality.append(_q(r["source_file"], line=r["source_line"], sheet_no=r["sheet_no"],
                                  field="program", problem="program name not found"))


def _program_label(recs: list[dict]) -> str | None:
    """The name most of a program's sheets give, else a title from its text."""
    names = Counter(r["name"] for r in recs if r["name"])
    if names:
        return names.most_common(1)[0][0]
    for r in recs:
        label = programs.name_from_text(r["summary"], r["objectives"], r["results"])
        if label:
            return label
    return None


def _place_key(r: dict) -> str:
    return f"{r['source_file']}\x1f{r['sheet_no']}"


def _assign_ids(records: list[dict], quality: list[dict]) -> None:
    """Activity ids from file and content; a sheet whose content repeats an
    earlier one of the same member state is marked its duplicate."""
    seen_ids: Counter = Counter()
    first_by_content: dict[tuple, str] = {}
    for r in records:
        base = f"{r['iso3']}-{r['content_id']}"
        seen_ids[base] += 1
        r["activity_id"] = base if seen_ids[base] == 1 else f"{base}-{seen_ids[base]}"
        key = (r["iso3"], r["content_key"])
        if r["content_key"] is not None and key in first_by_content:
            r["duplicate_of"] = first_by_content[key]
            quality.append(_q(r["source_file"], line=r["source_line"], sheet_no=r["sheet_no"],
                              activity_id=r["activity_id"], field="sheet",
                              problem="duplicate sheet", text=f"repeats {first_by_content[key]}"))
        else:
            r["duplicate_of"] = None
            if r["content_key"] is not None:
                first_by_content[key] = r["activity_id"]


def _donor_rows(records: list[dict], quality: list[dict]) -> list[dict]:
    """One row per donor of each sheet; the sheet's own quality rows get
    its activity id."""
    out = []
    for r in records:
        for d in r.pop("_donors"):
            out.append({"activity_id": r["activity_id"], "donor": d.name, "donor_kind": d.kind,
                        "donor_iso3": d.iso3, "donor_text": d.text})
        for q in r.pop("_quality"):
            q["activity_id"] = r["activity_id"]
            quality.append(q)
    return out


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
    _pillar_and_name(r, s, problem)
    _dates(r, s, problem)
    _beneficiaries_and_url(r, s, problem)
    _donors(r, s, problem)
    for fld in _TEXT_FIELDS:
        r[fld] = _text(getattr(s, fld))
        if not r[fld]:
            problem(fld, "field missing")
    # the words of the texts, as digests made here (in a worker process for
    # a large folder) rather than sent whole to the serial linking step: the
    # id part from file and content, and the content alone for duplicates
    # every word counts, however short the text: two sheets whose one-line
    # objectives differ are two sheets, not a sheet printed twice
    content = "\x1f".join(programs.fingerprint(r[f], 10_000, least=1) or "" for f in _TEXT_FIELDS)
    r["content_id"] = hashlib.sha1("\n".join([source_file, content]).encode()).hexdigest()[:10]
    # a sheet without any text has nothing to be a duplicate by
    r["content_key"] = hashlib.sha1(content.encode()).hexdigest() if content.strip("\x1f") else None
    r["program_keys"] = programs.program_keys(r)
    r["_quality"] = sq
    return r


def _raw(v: Value | None) -> str | None:
    return (v.text or None) if v else None


def _pillar_and_name(r: dict, s: RawSheet, problem) -> None:
    pillar = _raw(s.pillar)
    if pillar and (ph := placeholder_field(pillar)):
        problem("pillar", _unfilled(ph), pillar, s.pillar.line_no)
        pillar = None
    elif pillar is None:
        problem("pillar", "field missing")
    r["pillar"] = _canonical_pillar(pillar)
    r["name"] = _raw(s.name)
    _broken_words("name", s.name, problem)
    if r["name"] and (ph := placeholder_field(r["name"])):
        problem("name", _unfilled(ph), r["name"], s.name.line_no)
        r["name"] = None
    if not r["name"]:
        problem("name", "field missing")


def _broken_words(field: str, v: Value | None, problem) -> None:
    """A word of a box the form broke at a hyphen: kept hyphenated, noted."""
    for word in hyphen_breaks(v.lines) if v else ():
        problem(field, "word broken at a line-end hyphen: hyphen kept", word, v.line_no)


def _unfilled(placeholder_for: str | None) -> str:
    """The quality problem of a box that holds no value: the form's hint
    left in it, or words saying there is none ("N/A")."""
    return "the form says none" if placeholder_for == "none" else "placeholder left in the form"


def _dates(r: dict, s: RawSheet, problem) -> None:
    parsed = parse_start_end(_raw(s.start) or "", _raw(s.end) or "")
    for fld, val, d in (("start_date", s.start, parsed[0]), ("end_date", s.end, parsed[1])):
        text = _raw(val)
        r[fld] = d.value
        r[fld.replace("date", "year")] = d.year
        if fld == "end_date":
            r["end_status"] = "dated" if d.value else ("ongoing" if d.ongoing else "unspecified")
        if d.placeholder:
            problem(fld, _unfilled(d.placeholder_for), text, val.line_no)
        elif d.problem:
            problem(fld, d.problem, text, val.line_no)
        elif text is None:
            problem(fld, "field missing")


def _beneficiaries_and_url(r: dict, s: RawSheet, problem) -> None:
    benef = _raw(s.beneficiaries)
    if benef and (ph := placeholder_field(benef)):
        problem("beneficiaries", _unfilled(ph), benef, s.beneficiaries.line_no)
        benef = None
    elif benef is None:
        problem("beneficiaries", "field missing")
    r["beneficiaries"] = benef
    if benef:
        _broken_words("beneficiaries", s.beneficiaries, problem)
    r["url"] = None
    if not s.url:
        problem("url", "field missing")
        return
    raw = "".join(l.strip() for l in s.url.lines)
    if ph := placeholder_field(raw) or placeholder_field(s.url.text):
        problem("url", _unfilled(ph), s.url.text, s.url.line_no)
        return
    lines = s.url.lines
    if len(links := split_links(" ".join(lines))) > 1:
        # two links in the box: the first is the program's page, the
        # others are noted rather than glued to it
        lines = [links[0]]
        for extra in links[1:]:
            problem("url", "second value for the field", extra, s.url.line_no)
    url, bad = join_url(lines)
    if bad:
        problem("url", bad, raw, s.url.line_no)
    r["url"] = url


def _donors(r: dict, s: RawSheet, problem) -> None:
    """The donors of a sheet, each once however often the sheet names it."""
    dtext = _raw(s.donors)
    if dtext is None:
        problem("donors", "field missing")
    elif ph := placeholder_field(dtext):
        problem("donors", _unfilled(ph), dtext, s.donors.line_no)
        dtext = None
    found, unknown = parse_donors(dtext or "")
    donors, seen = [], set()
    for d in found:
        if fold(d.name) not in seen:
            seen.add(fold(d.name))
            donors.append(d)
    for u in dict.fromkeys(fold(u) for u in unknown):
        problem("donors", "unknown donor", next(x for x in unknown if fold(x) == u), s.donors.line_no)
    r["donors"] = ";".join(d.name for d in donors) or None
    r["_donors"] = donors


def _canonical_pillar(pillar: str | None) -> str | None:
    if not pillar:
        return None
    return _pillar_names().get(fold(pillar), pillar)


@lru_cache(maxsize=None)
def _pillar_names() -> dict[str, str]:
    """folded pillar name or alias -> pillar, the first row that has it
    winning (folded once, not for every sheet)."""
    out: dict[str, str] = {}
    for row in rows("pillars"):
        for a in [row["pillar"], *split_list(row["aliases"])]:
            out.setdefault(fold(a), row["pillar"])
    return out


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
