"""Every table oaslib writes, declared once: columns, types, keys, meaning.

``validate`` enforces a declaration on a dataframe before it is written;
``data_dictionary`` renders the declarations as Markdown. Nothing else in the
kit names a column type: readers, notebooks and tests take them from here.

A small declaration of our own rather than pandera: the checks we need (type,
nullability, primary key, allowed values) fit in one screen, keep import time
low for the briefs' kernels, and give errors in the kit's own one-line form.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

import pandas as pd

from ..errors import SchemaError
from ..refdata import rows

# pandas dtypes by the short names used below
DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # one of DTYPES
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    sort_by: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def empty(self) -> pd.DataFrame:
        return validate(pd.DataFrame({c: [] for c in self.column_names}), self)


def C(name, dtype, description, nullable=True, allowed=None):
    return Column(name, dtype, description, nullable, tuple(allowed) if allowed else None)


END_STATUS = ("dated", "ongoing", "unspecified")
DONOR_KINDS = ("member state", "permanent observer", "international organization", "other")
AGENCIES = tuple(r["agency"] for r in rows("agencies"))  # in the report's order

ACTIVITIES = Table(
    "activities",
    "One row per program sheet, in file order: what the OAS runs in a member state.",
    (
        C("activity_id", "str", "Stable id of the sheet: ISO3 code and a hash of its file name and content.", False),
        C("country", "str", "English short name of the OAS member state the sheet is about.", False),
        C("iso3", "str", "ISO 3166-1 alpha-3 code of `country`.", False),
        C("source_file", "str", "File name of the raw document in data/raw.", False),
        C("sheet_no", "int", "1-based position of the sheet in its file.", False),
        C("source_line", "int", "Line of the raw file where the sheet's PROGRAM SUMMARY heading stands.", False),
        C("name", "str", "Name of Activity as the sheet gives it; empty where it gives none."),
        C("program", "str", "Display label: the name, or where the sheet has none, the program's name found in its text or on other sheets of the same program.", False),
        C("program_id", "str", "One id per program across sheets, years and member states.", False),
        C("pillar", "str", "OAS Pillar as given; empty where the form's placeholder was left."),
        C("start_date", "str", "ISO 8601 start date; a bare year stays a year (`1998`)."),
        C("end_date", "str", "ISO 8601 end date; a bare year stays a year."),
        C("end_status", "str", "`dated` (an end date is given), `ongoing` (the sheet says continuous/ongoing) or `unspecified`.", False, END_STATUS),
        C("start_year", "int", "Year of `start_date`."),
        C("end_year", "int", "Year of `end_date`."),
        C("beneficiaries", "str", "Target Beneficiaries as given."),
        C("url", "str", "Additional Information link, rejoined where the PDF broke it across lines."),
        C("donors", "str", "`;`-joined canonical donor names (see the donors table)."),
        C("summary", "str", "PROGRAM SUMMARY text, PDF line breaks undone, paragraphs kept as blank lines."),
        C("objectives", "str", "OBJECTIVES text."),
        C("results", "str", "RESULTS text."),
        C("duplicate_of", "str", "`activity_id` of an earlier sheet of the same member state that this one repeats; empty otherwise."),
    ),
    primary_key=("activity_id",),
    sort_by=("source_file", "sheet_no"),  # file order, as the description says
)

DONORS = Table(
    "donors",
    "One row per activity and donor.",
    (
        C("activity_id", "str", "The sheet (activities.activity_id).", False),
        C("donor", "str", "Canonical donor name: one spelling per donor across all files.", False),
        C("donor_kind", "str", "member state, permanent observer, international organization or other.", False, DONOR_KINDS),
        C("donor_iso3", "str", "ISO3 code where the donor is a state."),
        C("donor_text", "str", "The donor as the sheet spelled it.", False),
    ),
    primary_key=("activity_id", "donor"),
)

PROGRAMS = Table(
    "programs",
    "One row per program: the same program run in several member states or years is one row.",
    (
        C("program_id", "str", "Program id (activities.program_id).", False),
        C("program", "str", "Display label.", False),
        C("pillar", "str", "OAS Pillar most sheets give."),
        C("countries", "str", "`;`-joined member states with a sheet of the program.", False),
        C("n_countries", "int", "Number of member states.", False),
        C("n_sheets", "int", "Number of sheets, duplicates excluded.", False),
        C("first_year", "int", "Earliest start year on any sheet."),
        C("last_year", "int", "Latest end year on any sheet."),
        C("ongoing", "bool", "Some sheet says the program is continuous/ongoing.", False),
        C("donors", "str", "`;`-joined donors over all sheets."),
    ),
    primary_key=("program_id",),
)

QUALITY = Table(
    "quality",
    "One row per problem found while reading: nothing read is dropped silently.",
    (
        C("source_file", "str", "File name in data/raw.", False),
        C("line", "int", "Line of the raw file (1-based); empty where the problem is the whole file."),
        C("sheet_no", "int", "Sheet (activities.sheet_no) or empty."),
        C("activity_id", "str", "The sheet's activity_id, where there is one."),
        C("field", "str", "Field concerned (pillar, start_date, donors, file …)."),
        C("problem", "str", "Kind of problem, a short fixed phrase.", False),
        C("text", "str", "The offending text."),
    ),
)

MISPA_ACTIVITIES = Table(
    "mispa_activities",
    "One row per activity paragraph of the MISPA report's Appendices I–III.",
    (
        C("mispa_id", "str", "Stable id: hash of file name and paragraph text.", False),
        C("meeting", "str", "Meeting of Ministers the report was written for (MISPA-IV): the latest its text names."),
        C("agency", "str", "DPS, CICAD or CICTE.", False, AGENCIES),
        C("section", "str", "Section or unit heading the paragraph stands under."),
        C("title", "str", "The paragraph's lead-in."),
        C("year", "int", "Year the activity took place, where the paragraph says so."),
        C("countries", "str", "`;`-joined OAS member states the paragraph names."),
        C("other_participants", "str", "`;`-joined observers, non-member states and organizations named."),
        C("text", "str", "The paragraph.", False),
        C("source_file", "str", "File name in data/raw.", False),
        C("line", "int", "Line of the raw file where the paragraph starts.", False),
    ),
    primary_key=("mispa_id",),
    sort_by=("source_file", "line"),  # the report's order
)

MISPA_THEMES = Table(
    "mispa_themes",
    "The five MISPA pillars and their thematic areas (questionnaire, Appendix IV).",
    (
        C("pillar_no", "int", "Pillar number 1–5.", False),
        C("pillar", "str", "Pillar name.", False),
        C("theme_no", "int", "Position of the thematic area within its pillar.", False),
        C("theme", "str", "Thematic area.", False),
        C("source_file", "str", "File name in data/raw.", False),
        C("line", "int", "Line of the raw file.", False),
    ),
    primary_key=("source_file", "pillar_no", "theme_no"),
)

TABLES: dict[str, Table] = {t.name: t for t in
                            (ACTIVITIES, DONORS, PROGRAMS, QUALITY, MISPA_ACTIVITIES, MISPA_THEMES)}


#: A quality row quotes at most this much of the text it is about: a 10 MB
#: line stored whole makes quality.csv unreadable to Python's csv module.
QUOTE_CHARS = 200


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def quality_row(source_file, line=None, sheet_no=None, activity_id=None, field=None, problem="",
                text=None) -> dict:
    """One row of the quality table, its quoted text cut to ``QUOTE_CHARS``
    and its control characters written as escapes (a binary file's NUL or a
    stray CR would make quality.csv read as binary or split a row)."""
    if text is not None:
        text = _CONTROL.sub(lambda m: " " if m.group().isspace() else f"\\x{ord(m.group()):02x}",
                            text[:QUOTE_CHARS * 4])
        if len(text) > QUOTE_CHARS:
            text = text[:QUOTE_CHARS - 1] + "…"
    return {"source_file": source_file, "line": line, "sheet_no": sheet_no, "activity_id": activity_id,
            "field": field, "problem": problem, "text": text}


def validate(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Return ``df`` with exactly the declared columns, in order, typed; raise
    ``SchemaError`` naming the table, column and first offending value."""
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        raise SchemaError(f"table {table.name}: missing column", text=", ".join(missing))
    out = pd.DataFrame(index=range(len(df)))
    src = df.reset_index(drop=True)
    for col in table.columns:
        s = src[col.name]
        if col.dtype == "str":
            s = _text_values(s)
        try:
            s = s.astype(DTYPES[col.dtype])
        except (TypeError, ValueError) as e:
            raise SchemaError(f"table {table.name}: column {col.name} is not {col.dtype}",
                              text=str(e)) from None
        if not col.nullable and s.isna().any():
            raise SchemaError(f"table {table.name}: column {col.name} has empty values",
                              text=f"row {int(s.isna().idxmax()) + 1}")
        if col.allowed is not None:
            bad = s.dropna()[~s.dropna().isin(col.allowed)]
            if len(bad):
                raise SchemaError(f"table {table.name}: column {col.name} has a value outside "
                                  f"{', '.join(col.allowed)}", text=str(bad.iloc[0]))
        out[col.name] = s
    if table.primary_key and len(out):
        dup = out.duplicated(list(table.primary_key), keep=False)
        if dup.any():
            row = out[dup].iloc[0]
            raise SchemaError(f"table {table.name}: primary key {'+'.join(table.primary_key)} repeats",
                              text=" ".join(str(row[k]) for k in table.primary_key))
    return out


def _text_values(s: pd.Series) -> pd.Series:
    """A text column: empty text is no value, anything else its ``str()``.
    Vectorised: a Python call per cell cost a fifth of the writes, and a
    column that is already text is cast without making Python strings."""
    if not isinstance(s.dtype, pd.StringDtype):
        s = s.astype("object")
        s = s.where(s.notna(), None)
    s = s.astype(DTYPES["str"])
    return s.mask(s.eq("").fillna(False))


def data_dictionary() -> str:
    """Markdown description of every table, generated from the declarations."""
    lines = ["# Data dictionary", "",
             "Generated from `oaslib/clean/schema.py` by `oaslib dictionary`; do not edit by hand.", ""]
    for t in TABLES.values():
        lines += [f"## `{t.name}`", "", t.description, ""]
        if t.primary_key:
            lines += [f"Primary key: {', '.join(f'`{k}`' for k in t.primary_key)}", ""]
        lines += ["| column | type | nullable | description |", "|---|---|---|---|"]
        for c in t.columns:
            desc = c.description + (f" One of: {', '.join(c.allowed)}." if c.allowed else "")
            lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.nullable else 'no'} | {desc} |")
        lines.append("")
    return "\n".join(lines)
