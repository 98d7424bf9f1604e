"""The bundled program sheets rendered back into the form they came from, as
a PDF: a bordered two-column label/value table, the three headed sections,
the running header and a ``Page n of N`` footer. Built from the golden
tables with WeasyPrint, so a PDF round trip can be compared field by field
with what the bundled text layers give.

``write_form_pdf(path, source_file)`` writes one document's sheets;
``golden_activities(source_file)`` is the table it must read back as.
Fields the golden table leaves empty are printed as the form's own
placeholders, as an analyst's PDF shows them.
"""
from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd

GOLDEN = Path(__file__).parent / "golden"

#: the activities columns the form carries (and the country inferred from it)
FORM_FIELDS = ["country", "iso3", "name", "pillar", "start_date", "end_date", "end_status",
               "start_year", "end_year", "beneficiaries", "url", "donors",
               "summary", "objectives", "results"]

LABELS = ["OAS Pillar", "Name of Activity", "Date", "Target Beneficiaries",
          "Additional Information", "Donor Countries"]
HEADINGS = [("PROGRAM SUMMARY", "summary"), ("OBJECTIVES", "objectives"), ("RESULTS", "results")]

# the form's own hints where a field was never filled in (placeholders.csv)
PLACEHOLDER = {"pillar": "Choose an item", "name": "Click or tap here to enter text",
               "start": "Commencement", "end": "Completion",
               "beneficiaries": "Agencies, sectors, civil society, etc", "url": "Link to web page"}
OPEN_END = "Continuous Program"

CSS = """
@page {
  size: Letter; margin: 2cm 2cm 2.2cm 2cm;
  @top-center { content: "Organization of American States"; font: 9pt sans-serif; }
  @top-right { content: "Secretariat for Multidimensional Security"; font: 8pt sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; }
}
body { font: 10pt sans-serif; }
section.sheet + section.sheet { break-before: page; }
table { border-collapse: collapse; width: 100%; margin-bottom: 14pt; }
th, td { border: 1px solid #000; padding: 4pt 6pt; vertical-align: top; text-align: left; }
td { overflow-wrap: anywhere; }  /* a long link wraps inside its cell, as in the forms */
th { width: 30%; font-weight: bold; }
h2 { font-size: 11pt; margin: 12pt 0 4pt; }
p { margin: 0 0 1.2em; }  /* a blank line between paragraphs in the text layer */
"""


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


def _form_date(iso: str) -> str:
    """A golden ISO date as the US form writes it (M/D/YYYY, "June 2015", 1998)."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return f"{parts[1]}/{parts[2]}/{parts[0]}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B} {parts[0]}"
    return str(parts[0])


def _date_cell(r) -> str:
    start = _form_date(r.start_date) if r.start_date else PLACEHOLDER["start"]
    end = (_form_date(r.end_date) if r.end_date
           else OPEN_END if r.end_status == "ongoing" else PLACEHOLDER["end"])
    return f"{start} to {end}"


def _sheet_html(r, donors: list[str]) -> str:
    values = [r.pillar or PLACEHOLDER["pillar"], r.name or PLACEHOLDER["name"], _date_cell(r),
              r.beneficiaries or PLACEHOLDER["beneficiaries"], r.url or PLACEHOLDER["url"],
              ", ".join(donors)]
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in zip(LABELS, values))
    sections = "".join(
        f"<h2>{h}</h2>" + "".join(f"<p>{html.escape(p)}</p>" for p in getattr(r, f).split("\n\n") if p)
        for h, f in HEADINGS)
    return f'<section class="sheet"><table>{rows}</table>{sections}</section>'


def form_html(source_file: str) -> str:
    """The HTML of one bundled document's sheets, one form per sheet."""
    donors = donor_texts()
    body = "".join(_sheet_html(r, donors.get(r.activity_id, []))
                   for r in golden_activities(source_file).itertuples())
    return f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{body}</body></html>"


def write_form_pdf(path: Path, source_file: str) -> Path:
    import weasyprint
    weasyprint.HTML(string=form_html(source_file)).write_pdf(path)
    return path
