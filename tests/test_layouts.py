"""The golden sheets printed the ways other PDF text extractions print the
same form; every field must come back.

The fields of every sheet come from the golden tables of the bundled corpus
(tests/golden/activities.csv and donors.csv). Each layout prints them anew:
label and value on one line (value after or before the label), the value on
the line after or before its label, labels above their values with blank
lines between, labels in another order, all fields before the three headings
or all after RESULTS, the pillar run into the name. Each layout is applied to
every golden sheet, and a property test mixes them at random.
"""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oaslib.clean.activities import build_activities
from oaslib.clean.sheets import looks_like_sheets, split_sheets

from .formpdf import donor_texts

GOLDEN = Path(__file__).parent / "golden"
FIELDS = ["country", "pillar", "name", "start_date", "end_date", "end_status", "beneficiaries",
          "url", "donors", "objectives", "results", "summary"]
# the form's boxes, in the form's order
LABELS = {"pillar": "OAS Pillar", "name": "Name of Activity", "date": "Date",
          "beneficiaries": "Target Beneficiaries", "url": "Additional Information",
          "donors": "Donor Countries"}


def _golden() -> dict[str, list[dict]]:
    acts = pd.read_csv(GOLDEN / "activities.csv", dtype=str, keep_default_na=False)
    texts = donor_texts()
    out: dict[str, list[dict]] = {}
    for r in acts.to_dict("records"):
        r["donor_text"] = "; ".join(texts[r["activity_id"]])
        out.setdefault(r["source_file"], []).append(r)
    return out


GOLDEN_SHEETS = _golden()


# ------------------------------------------------------------- printing

def _form_date(iso: str) -> str:
    """A golden date as the US form prints it (M/D/YYYY; a year stays a year)."""
    if len(iso) == 10:
        d = date.fromisoformat(iso)
        return f"{d.month}/{d.day}/{d.year}"
    if len(iso) == 7:
        return date.fromisoformat(iso + "-01").strftime("%B %Y")
    return iso


def _date_value(r: dict) -> str:
    start = _form_date(r["start_date"]) if r["start_date"] else ""
    end = {"dated": _form_date(r["end_date"]) if r["end_date"] else "",
           "ongoing": "Continuous Program", "unspecified": ""}[r["end_status"]]
    if start and end:
        return f"{start} to {end}"
    if end:
        return f"to {end}"
    return start


def field_values(r: dict, pillar_run_in: str | None = None) -> dict[str, str]:
    """Each box's text for a golden sheet. ``pillar_run_in``: the pillar's
    text printed in front of the name in the pillar box, the name box empty."""
    v = {"pillar": r["pillar"], "name": r["name"], "date": _date_value(r),
         "beneficiaries": r["beneficiaries"], "url": r["url"], "donors": r["donor_text"]}
    if pillar_run_in is not None and r["name"]:
        v["pillar"], v["name"] = f"{pillar_run_in} {r['name']}", ""
    return v


def _wrap(text: str) -> list[str]:
    """A text as the PDF wraps it: paragraphs of lines of about 100
    characters, a blank line between paragraphs."""
    out: list[str] = []
    for para in text.split("\n\n") if text else []:
        if out:
            out.append("")
        out += textwrap.wrap(para, 100, break_on_hyphens=False, break_long_words=False)
    return out


def _texts(r: dict, headings: str = "{}") -> list[str]:
    """The three headed texts; ``headings`` how a heading is printed
    ("{}" as the form prints it, "{title}:" in Title Case with a colon)."""
    out = []
    for heading, field in (("PROGRAM SUMMARY", "summary"), ("OBJECTIVES", "objectives"),
                           ("RESULTS", "results")):
        out += [headings.format(heading, title=heading.title()), ""] + _wrap(r[field]) + [""]
    return out


def _box(style: str, label: str, value: str) -> list[str]:
    """One box of the form; a value of several lines keeps them."""
    if not value:
        return [label]
    v = value.split("\n")
    if style == "column-wrapped":
        # pdftotext -layout: the value column beside the label column,
        # a long value wrapped within it onto the lines below
        cells = [c for line in v for c in textwrap.wrap(line, 40, break_on_hyphens=False,
                                                         break_long_words=False)] or [""]
        return [f"{label:<28}{cells[0]}"] + [" " * 28 + c for c in cells[1:]]
    if style in ("label-wrapped", "column-label-wrapped") and " " in label:
        # the label cell too narrow for the label: it wraps onto a second line
        head, tail = label.rsplit(" ", 1) if label.count(" ") > 1 else label.split(" ", 1)
        if style == "label-wrapped":
            return [head, tail] + v
        cells = [c for line in v for c in textwrap.wrap(line, 40, break_on_hyphens=False,
                                                         break_long_words=False)] or [""]
        cells += [""] * (2 - len(cells))
        return [f"{head:<28}{cells[0]}", f"{tail:<28}{cells[1]}".rstrip()] + [" " * 28 + c for c in cells[2:]]
    if style in ("label-wrapped", "column-label-wrapped"):
        style = "line-after" if style == "label-wrapped" else "column-wrapped"
        return _box(style, label, value)
    return {"same-line-after": [f"{label} {v[0]}"] + v[1:],
            "capitals-colon": [f"{label.upper()}: {v[0]}"] + v[1:],
            "same-line-colon": [f"{label}: {v[0]}"] + v[1:],
            "same-line-before": v[:-1] + [f"{v[-1]}      {label}"],
            "line-after": [label] + v,
            "line-before": v + [label],
            "blank-lines-between": [label, "", ""] + v}[style]


def print_sheet(r: dict, style: str | dict, order: list[str], fields_last: bool,
                pillar_run_in: str | None = None, dates: str = "{start} to {end}",
                donor_sep: str = "; ", headings: str = "{}") -> list[str]:
    """One sheet: ``style`` for every box or per field; ``dates`` how the
    Date box prints a start and an end; ``donor_sep`` between donors."""
    values = field_values(r, pillar_run_in)
    if r["start_date"] and r["end_status"] != "unspecified":
        values["date"] = dates.format(**dict(zip(("start", "end"), values["date"].split(" to "))))
    values["donors"] = values["donors"].replace("; ", donor_sep)
    boxes: list[str] = []
    if style == "labels-then-values":
        # a text layer read column by column: the label column, then the
        # value column (an empty box prints nothing)
        boxes = [line for f in order for line in (LABELS[f], "")]
        boxes += [line for f in order if values[f] for line in values[f].split("\n") + [""]]
        order = []
    for f in order:
        boxes += _box(style if isinstance(style, str) else style[f], LABELS[f], values[f]) + [""]
    texts = _texts(r, headings)
    return (texts + boxes if fields_last else boxes + texts) + ["", ""]


def print_document(sheets: list[dict], **layout) -> list[str]:
    return [line for r in sheets for line in print_sheet(r, **layout)]


# -------------------------------------------------------------- reading

def read_back(lines: list[str], source_file: str) -> pd.DataFrame:
    acts, _, _ = build_activities([(source_file, split_sheets(lines))])
    return acts


def expected(sheets: list[dict], pillar_placeholder: bool = False) -> pd.DataFrame:
    want = pd.DataFrame(sheets)[FIELDS].copy()
    if pillar_placeholder:  # the form's unset drop-down: no pillar
        want.loc[want["name"] != "", "pillar"] = ""
    return want.reset_index(drop=True)


def assert_fields_come_back(sheets: list[dict], lines: list[str], source_file: str, **kw) -> None:
    assert looks_like_sheets(lines), "the document is not recognised as program sheets"
    got = read_back(lines, source_file)
    assert len(got) == len(sheets), "\n".join(lines[:80])
    got = got[FIELDS].astype(object).where(got[FIELDS].notna(), "").astype(str).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected(sheets, **kw).astype(str))


# ---------------------------------------------------------------- tests

FORM_ORDER = list(LABELS)
STYLES = ["same-line-after", "same-line-colon", "same-line-before", "line-after", "line-before", "blank-lines-between",
          "column-wrapped", "labels-then-values"]
FILES = sorted(GOLDEN_SHEETS)


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("fields_last", [
    pytest.param(False, id="fields-before-headings"),
    pytest.param(True, id="fields-after-results"),
])
@pytest.mark.parametrize("style", STYLES)
def test_every_field_comes_back(source_file, style, fields_last):
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=style, order=FORM_ORDER, fields_last=fields_last)
    assert_fields_come_back(sheets, lines, source_file)


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("order", [
    pytest.param(FORM_ORDER[::-1], id="reversed"),
    pytest.param(["date", "donors", "name", "url", "pillar", "beneficiaries"], id="shuffled"),
    pytest.param(["beneficiaries", "url", "donors", "pillar", "name", "date"], id="rotated"),
])
@pytest.mark.parametrize("style", ["same-line-after", "line-after", "line-before"])
def test_labels_in_another_order(source_file, order, style):
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=style, order=order, fields_last=False)
    assert_fields_come_back(sheets, lines, source_file)


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("run_in, placeholder", [
    pytest.param("Security", False, id="pillar-run-into-name"),
    pytest.param("Multidimensional Security", False, id="pillar-alias-run-into-name"),
    pytest.param("Choose an item", True, id="placeholder-pillar-then-name"),
])
@pytest.mark.parametrize("style", ["same-line-after", "line-after"])
def test_pillar_run_into_the_name(source_file, run_in, placeholder, style):
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=style, order=FORM_ORDER, fields_last=False, pillar_run_in=run_in)
    assert_fields_come_back(sheets, lines, source_file, pillar_placeholder=placeholder)


@settings(max_examples=25, deadline=None)
@given(source_file=st.sampled_from(FILES), style=st.sampled_from(STYLES),
       order=st.permutations(FORM_ORDER), fields_last=st.booleans())
def test_any_layout_of_the_golden_sheets(source_file, style, order, fields_last):
    # Read column by column, a lone free text whose neighbours in the value
    # column are both empty could be the Name's or the Beneficiaries' when no
    # value known by its type stands between those labels: its words decide
    # (text_cues.csv), and some golden values carry none ("Salvador,
    # Guatemala and Honduras"). That layout is tested in fixed label orders
    # (test_label_column_then_value_column), not in random ones.
    assume(style != "labels-then-values")
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=style, order=order, fields_last=fields_last)
    assert_fields_come_back(sheets, lines, source_file)


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("dates", [
    pytest.param("{start}\n{end}", id="start-and-end-on-two-lines"),
    pytest.param("{end}\n{start}", id="end-printed-before-start"),
    pytest.param("{start} to\n{end}", id="to-after-the-start"),
    pytest.param("{start}\nto {end}", id="to-before-the-end"),
    pytest.param("{start} - {end}", id="dash"),
    pytest.param("{start}\n{end} to", id="to-after-the-end"),
])
def test_dates_printed_apart(source_file, dates):
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style="line-after", order=FORM_ORDER, fields_last=False, dates=dates)
    assert_fields_come_back(sheets, lines, source_file)


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("donor_sep", [
    pytest.param("\n", id="one-per-line"),
    pytest.param(", ", id="comma"),
    pytest.param(" / ", id="slash"),
    pytest.param(" & ", id="ampersand"),
])
@pytest.mark.parametrize("style", ["line-after", "line-before"])
def test_donors_printed_apart(source_file, donor_sep, style):
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=style, order=FORM_ORDER, fields_last=False, donor_sep=donor_sep)
    assert_fields_come_back(sheets, lines, source_file)


SIDES = {"after": ["same-line-after", "same-line-colon", "line-after", "blank-lines-between", "column-wrapped"],
         "before": ["same-line-before", "line-before"]}


@st.composite
def box_styles(draw):
    """One style per box, all printing values on one side of their labels
    (an extractor reads the form in one direction)."""
    side = draw(st.sampled_from(sorted(SIDES)))
    return {f: draw(st.sampled_from(SIDES[side])) for f in LABELS}


@settings(max_examples=25, deadline=None)
@given(source_file=st.sampled_from(FILES), styles=box_styles(),
       order=st.permutations(FORM_ORDER), fields_last=st.booleans())
def test_boxes_of_one_sheet_printed_differently(source_file, styles, order, fields_last):
    """An extractor keeps a short value on its label's line and puts a long
    one under it: the styles mixed within one document."""
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=styles, order=order, fields_last=fields_last)
    assert_fields_come_back(sheets, lines, source_file)


def _swap_country(sheets: list[dict], name: str, demonym: str, iso3: str) -> list[dict]:
    out = []
    for r in sheets:
        # the donor texts too: 'European Union-Panama' becomes 'European
        # Union-Jamaica', the EU's funding under its agreement with that state
        r = {k: (v.replace("Panamanian", demonym).replace("Panama", name)
                 if isinstance(v, str) else v) for k, v in r.items()}
        r["country"], r["iso3"] = name, iso3
        out.append(r)
    return out


@pytest.mark.parametrize("name, demonym, iso3", [
    pytest.param("Jamaica", "Jamaican", "JAM", id="jamaica"),
    pytest.param("Peru", "Peruvian", "PER", id="peru"),
    pytest.param("Saint Lucia", "Saint Lucian", "LCA", id="saint-lucia"),
])
@pytest.mark.parametrize("style", ["same-line-after", "line-before"])
def test_sheets_of_another_member_state(name, demonym, iso3, style):
    """The Panama sheets rewritten as another member state's, in another
    layout: that member state, and every field."""
    source_file = FILES[0]
    sheets = _swap_country(GOLDEN_SHEETS[source_file], name, demonym, iso3)
    lines = print_document(sheets, style=style, order=FORM_ORDER, fields_last=False)
    assert_fields_come_back(sheets, lines, source_file)


SPANISH = """\
Pilar de la OEA Seguridad Multidimensional
Nombre de la Actividad Programa Interamericano de Capacitación Policial
Fecha 15/7/2015 a 30/6/2020
Beneficiarios Instituciones policiales de Guatemala
Información Adicional http://www.oas.org/es/ssm/
Países Donantes Canadá; Italia; Estados Unidos

RESUMEN DEL PROGRAMA
El Departamento de Seguridad Pública de la OEA ejecuta este programa en Guatemala con las
instituciones policiales guatemaltecas.

OBJETIVOS
Fortalecer la formación profesional de la policía de Guatemala.

RESULTADOS
Se capacitaron 120 agentes de la Policía Nacional Civil de Guatemala en 2016.
"""


def test_spanish_form_beside_its_values():
    acts, donors, _ = build_activities([("es.txt", split_sheets(SPANISH.split("\n")))])
    row = acts.iloc[0]
    assert (row["country"], row["pillar"]) == ("Guatemala", "Security")
    assert row["name"] == "Programa Interamericano de Capacitación Policial"
    assert (row["start_date"], row["end_date"]) == ("2015-07-15", "2020-06-30")
    assert row["beneficiaries"] == "Instituciones policiales de Guatemala"
    assert row["url"] == "http://www.oas.org/es/ssm/"
    assert row["donors"] == "Canada;Italy;United States"
    assert row["objectives"].startswith("Fortalecer") and row["results"].startswith("Se capacitaron")
    assert row["summary"].startswith("El Departamento")


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("fields_last", [
    pytest.param(False, id="fields-before-headings"),
    pytest.param(True, id="fields-after-results"),
])
@pytest.mark.parametrize("order", [
    pytest.param(FORM_ORDER, id="form-order"),
    pytest.param(["date", "donors", "name", "url", "pillar", "beneficiaries"], id="shuffled"),
])
def test_label_column_then_value_column(source_file, fields_last, order):
    """Read column by column: every label, then every value in the same
    order; an empty box prints nothing, so types place the values."""
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style="labels-then-values", order=order, fields_last=fields_last)
    assert_fields_come_back(sheets, lines, source_file)


@pytest.mark.parametrize("source_file", FILES)
@pytest.mark.parametrize("fields_last", [
    pytest.param(False, id="fields-before-headings"),
    pytest.param(True, id="fields-after-results"),
])
@pytest.mark.parametrize("style, headings", [
    pytest.param("capitals-colon", "{}", id="labels-in-capitals-with-colons"),
    pytest.param("label-wrapped", "{}", id="labels-wrapped-over-two-lines"),
    pytest.param("column-label-wrapped", "{}", id="label-cells-wrapped-beside-value-cells"),
    pytest.param("same-line-after", "{title}:", id="headings-in-title-case-with-colons"),
    pytest.param("line-after", "{title}", id="headings-in-title-case"),
])
def test_labels_and_headings_printed_otherwise(source_file, fields_last, style, headings):
    """Other extractors' and other sheets' lettering of the same labels and
    headings, on every golden sheet."""
    sheets = GOLDEN_SHEETS[source_file]
    lines = print_document(sheets, style=style, order=FORM_ORDER, fields_last=fields_last, headings=headings)
    assert_fields_come_back(sheets, lines, source_file)
