"""The bundled program sheets rendered back into the form they came from, as
a PDF. Built from the golden tables with WeasyPrint, so a PDF round trip can
be compared field by field with what the bundled text layers give.

The default ``table`` style is a bordered two-column label/value table, the
three headed sections, the running header and a ``Page n of N`` footer, one
sheet per page. The other styles are the same form as member states' Word
files export it (``STYLES``):

- ``stacked``: labels above their values, one column, the label in bold;
- ``narrow``: a table whose label column is so narrow that the two-word
  labels wrap ("Target / Beneficiaries") beside long values that wrap too;
- ``spanish``: the Spanish form (its labels, headings, placeholders, running
  header and footer, and dates such as "1 de julio de 2015 a 30 de junio de
  2017"); the values stay as the golden table has them;
- ``flowing``: sheets one after another with no page break between them,
  so a page holds two sheets, one starting mid-page, and a sheet breaks
  across a page with the running header and footer inside its text;
- ``landscape``: a landscape page, the three texts side by side in one
  three-column row under the label/value table.

``write_form_pdf(path, source_file, style)`` writes one document's sheets;
``golden_activities(source_file)`` is the table it must read back as.
Fields the golden table leaves empty are printed as the form's own
placeholders, as an analyst's PDF shows them.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd

GOLDEN = Path(__file__).parent / "golden"

#: the activities columns the form carries (and the country inferred from it)
FORM_FIELDS = ["country", "iso3", "name", "pillar", "start_date", "end_date", "end_status",
               "start_year", "end_year", "beneficiaries", "url", "donors",
               "summary", "objectives", "results"]

TEXT_FIELDS = ("summary", "objectives", "results")


@dataclass(frozen=True)
class Form:
    """One language edition of the form: what it prints around the values."""
    labels: list[str]  # pillar, name, date, beneficiaries, url, donors
    headings: list[str]  # summary, objectives, results
    placeholder: dict[str, str]  # the form's hints where a field was never filled in (placeholders.csv)
    open_end: str
    date: Callable[[str], str]  # a golden ISO date as the form writes it
    to: str  # between the start and the end date
    header: str  # running header, centre (or left, see header_box)
    header_right: str
    footer: tuple[str, str]  # "Page " counter(page) " of " counter(pages)
    header_box: str = "top-center"


def _us_date(iso: str) -> str:
    """A golden ISO date as the US form writes it (M/D/YYYY, "June 2015", 1998)."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return f"{parts[1]}/{parts[2]}/{parts[0]}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B} {parts[0]}"
    return str(parts[0])


_MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]


def _es_date(iso: str) -> str:
    """A golden ISO date as the Spanish form writes it ("1 de julio de 2015",
    "junio de 2015", 1998)."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} de {_MESES[parts[1] - 1]} de {parts[0]}"
    if len(parts) == 2:
        return f"{_MESES[parts[1] - 1]} de {parts[0]}"
    return str(parts[0])


ENGLISH = Form(
    labels=["OAS Pillar", "Name of Activity", "Date", "Target Beneficiaries",
            "Additional Information", "Donor Countries"],
    headings=["PROGRAM SUMMARY", "OBJECTIVES", "RESULTS"],
    placeholder={"pillar": "Choose an item", "name": "Click or tap here to enter text",
                 "start": "Commencement", "end": "Completion",
                 "beneficiaries": "Agencies, sectors, civil society, etc", "url": "Link to web page"},
    open_end="Continuous Program", date=_us_date, to="to",
    header="Organization of American States", header_right="Secretariat for Multidimensional Security",
    footer=("Page", "of"))

# Word's Spanish hint of a content control is "Haga clic o pulse aquí para
# escribir texto" since Office 2016, as the English form's "Click or tap here"
SPANISH = Form(
    labels=["Pilar de la OEA", "Nombre de la Actividad", "Fecha", "Beneficiarios",
            "Información Adicional", "Países Donantes"],
    headings=["RESUMEN DEL PROGRAMA", "OBJETIVOS", "RESULTADOS"],
    placeholder={"pillar": "Elija un elemento", "name": "Haga clic o pulse aquí para escribir texto",
                 "start": "Inicio", "end": "Finalización",
                 "beneficiaries": "Agencias, sectores, sociedad civil, etc", "url": "Enlace a página web"},
    open_end="Programa Continuo", date=_es_date, to="a",
    header="Organización de los Estados Americanos", header_right="Secretaría de Seguridad Multidimensional",
    footer=("Página", "de"),
    # the Spanish names are too long to stand centred beside the right-hand one
    header_box="top-left")

#: the English form's labels, as the default style prints them
LABELS = ENGLISH.labels


def _page_css(form: Form, size: str) -> str:
    return f"""
@page {{
  size: {size}; margin: 2cm 2cm 2.2cm 2cm;
  /* one line each, as a Word header prints them (a margin box would wrap the Spanish ones) */
  @{form.header_box} {{ content: "{form.header}"; font: 9pt sans-serif; white-space: nowrap; }}
  @top-right {{ content: "{form.header_right}"; font: 8pt sans-serif; white-space: nowrap; }}
  @bottom-center {{ content: "{form.footer[0]} " counter(page) " {form.footer[1]} " counter(pages);
                    font: 9pt sans-serif; }}
}}
body {{ font: 10pt sans-serif; }}
h2 {{ font-size: 11pt; margin: 12pt 0 4pt; }}
p {{ margin: 0 0 1.2em; }}  /* a blank line between paragraphs in the text layer */
"""


TABLE_CSS = """
table.fields { border-collapse: collapse; width: 100%; margin-bottom: 14pt; }
table.fields th, table.fields td { border: 1px solid #000; padding: 4pt 6pt; vertical-align: top; text-align: left; }
table.fields td { overflow-wrap: anywhere; }  /* a long link wraps inside its cell, as in the forms */
table.fields th { width: 30%; font-weight: bold; }
"""
ONE_SHEET_A_PAGE = "section.sheet + section.sheet { break-before: page; }\n"


@dataclass(frozen=True)
class Style:
    form: Form
    fields: Callable[[list[str], list[str]], str]  # labels, values -> HTML
    texts: Callable[[Form, object], str]  # form, golden row -> HTML
    css: str
    size: str = "Letter"


def _fields_table(labels: list[str], values: list[str]) -> str:
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in zip(labels, values))
    return f'<table class="fields">{rows}</table>'


def _fields_stacked(labels: list[str], values: list[str]) -> str:
    return "".join(f'<p class="label">{html.escape(k)}</p><p class="value">{html.escape(v)}</p>'
                   for k, v in zip(labels, values))


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p)


def _texts_sections(form: Form, r) -> str:
    return "".join(f"<h2>{h}</h2>" + _paragraphs(getattr(r, f)) for h, f in zip(form.headings, TEXT_FIELDS))


def _texts_columns(form: Form, r) -> str:
    heads = "".join(f"<th>{h}</th>" for h in form.headings)
    cells = "".join(f"<td>{_paragraphs(getattr(r, f))}</td>" for f in TEXT_FIELDS)
    return f'<table class="texts"><tr>{heads}</tr><tr>{cells}</tr></table>'


STYLES: dict[str, Style] = {
    "table": Style(ENGLISH, _fields_table, _texts_sections, TABLE_CSS + ONE_SHEET_A_PAGE),
    "stacked": Style(ENGLISH, _fields_stacked, _texts_sections, ONE_SHEET_A_PAGE + """
p.label { font-weight: bold; margin: 0 0 2pt; }
p.value { margin: 0 0 10pt; overflow-wrap: anywhere; }
"""),
    # the label column about as wide as "Beneficiaries": two-word labels wrap
    "narrow": Style(ENGLISH, _fields_table, _texts_sections, TABLE_CSS + ONE_SHEET_A_PAGE
                    + "table.fields th { width: 2.3cm; }\n"),
    "spanish": Style(SPANISH, _fields_table, _texts_sections, TABLE_CSS + ONE_SHEET_A_PAGE),
    "flowing": Style(ENGLISH, _fields_table, _texts_sections, TABLE_CSS),
    "landscape": Style(ENGLISH, _fields_table, _texts_columns, TABLE_CSS + ONE_SHEET_A_PAGE + """
table.texts { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.texts th, table.texts td { border: 1px solid #000; padding: 4pt 6pt; vertical-align: top; text-align: left; }
""", size="Letter landscape"),
}


def golden_activities(source_file: str | None = None) -> pd.DataFrame:
    a = pd.read_csv(GOLDEN / "activities.csv", dtype=str, keep_default_na=False)
    if source_file is not None:
        a = a[a.source_file == source_file]
    return a.reset_index(drop=True)


def donor_texts() -> dict[str, list[str]]:
    """Each golden activity's donors as its sheet prints them: donors.csv is
    sorted by name, the activity's ``donors`` column keeps the printed order."""
    d = pd.read_csv(GOLDEN / "donors.csv", dtype=str, keep_default_na=False)
    text_of = {(r.activity_id, r.donor): r.donor_text for r in d.itertuples()}
    return {a.activity_id: [text_of[a.activity_id, n] for n in a.donors.split(";") if n]
            for a in golden_activities().itertuples()}


def _date_cell(r, form: Form) -> str:
    start = form.date(r.start_date) if r.start_date else form.placeholder["start"]
    end = (form.date(r.end_date) if r.end_date
           else form.open_end if r.end_status == "ongoing" else form.placeholder["end"])
    return f"{start} {form.to} {end}"


def _sheet_html(r, donors: list[str], style: Style) -> str:
    ph = style.form.placeholder
    values = [r.pillar or ph["pillar"], r.name or ph["name"], _date_cell(r, style.form),
              r.beneficiaries or ph["beneficiaries"], r.url or ph["url"], ", ".join(donors)]
    return f'<section class="sheet">{style.fields(style.form.labels, values)}{style.texts(style.form, r)}</section>'


def form_html(source_file: str, style: str = "table") -> str:
    """The HTML of one bundled document's sheets, one form per sheet."""
    s = STYLES[style]
    donors = donor_texts()
    body = "".join(_sheet_html(r, donors.get(r.activity_id, []), s)
                   for r in golden_activities(source_file).itertuples())
    css = _page_css(s.form, s.size) + s.css
    return f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"


def write_form_pdf(path: Path, source_file: str, style: str = "table") -> Path:
    import weasyprint
    weasyprint.HTML(string=form_html(source_file, style)).write_pdf(path)
    return path
