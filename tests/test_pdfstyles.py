"""The form as member states' Word files export it in other PDF styles
(tests/formpdf.py ``STYLES``: labels above values, a narrow label column,
the Spanish form, sheets flowing across pages, a landscape page with the
three texts side by side), read back through ``oaslib clean`` with every PDF
engine and compared with the golden activities field by field.

A field the reader gets wrong today is an xfail naming its entry in
tests/findings/pdf-styles.md (strict: it turns into a failure once the reader is fixed, so
the mark is then taken off).
"""
import re
import shutil
from itertools import product

import pytest

from oaslib.clean import clean, read

from .formpdf import FORM_FIELDS, STYLES, golden_activities, write_form_pdf

pytest.importorskip("weasyprint")

DOCS = ["000_3348439e6b9c1ad1.txt", "001_a338e43460cd5b34.txt"]
#: what read.PDF_ENGINES is set to: pypdf's layout mode, or pdftotext -layout
ENGINES = {"pypdf-layout": ("pypdf",), "pdftotext-layout": ("pdftotext",)}
HAS_PDFTOTEXT = shutil.which("pdftotext") is not None
#: the default style is test_formpdf.py's
NEW_STYLES = [s for s in STYLES if s != "table"]

BOTH = list(ENGINES)
#: tests/findings/pdf-styles.md entry -> the styles, engines and fields it explains the misreading of
FINDINGS = {
}
#: (style, engine, field or "sheets") -> its tests/findings/pdf-styles.md entry
MISREAD = {case: n for n, spec in FINDINGS.items() for case in product(*spec)}


@pytest.fixture(scope="session")
def style_pdfs(tmp_path_factory):
    """style -> a raw folder of both documents as PDFs in that style, each
    rendered once per session (WeasyPrint takes about a second a document)."""
    folders = {}

    def render(style):
        if style not in folders:
            raw = tmp_path_factory.mktemp(f"pdf-{style}")
            for sf in DOCS:
                write_form_pdf(raw / sf.replace(".txt", ".pdf"), sf, style)
            folders[style] = raw
        return folders[style]
    return render


@pytest.fixture(scope="session")
def style_activities(style_pdfs, tmp_path_factory):
    """(style, engine) -> the activities table ``oaslib clean`` reads from the
    PDFs, once per session (pypdf's layout mode takes seconds a document)."""
    tables = {}

    def activities(style, engine):
        if (style, engine) not in tables:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(read, "PDF_ENGINES", ENGINES[engine])
                out = clean(style_pdfs(style), tmp_path_factory.mktemp(f"clean-{style}-{engine}"))
            tables[style, engine] = out.tables["activities"]
        return tables[style, engine]
    return activities


def _engine_marks(engine):
    if engine == "pdftotext-layout" and not HAS_PDFTOTEXT:
        return [pytest.mark.skip(reason="poppler's pdftotext is optional and not installed")]
    return []


def _field_cases():
    for style, engine, field in product(NEW_STYLES, ENGINES, FORM_FIELDS):
        marks = _engine_marks(engine)
        if n := MISREAD.get((style, engine, field)):
            marks.append(pytest.mark.xfail(strict=True, reason=f"tests/findings/pdf-styles.md #{n}"))
        yield pytest.param(style, engine, field, id=f"{style}-{engine}-{field}", marks=marks)


def _sheet_cases():
    for style, engine in product(NEW_STYLES, ENGINES):
        marks = _engine_marks(engine)
        if n := MISREAD.get((style, engine, "sheets")):
            marks.append(pytest.mark.xfail(strict=True, reason=f"tests/findings/pdf-styles.md #{n}"))
        yield pytest.param(style, engine, id=f"{style}-{engine}", marks=marks)


@pytest.mark.parametrize("style, engine", list(_sheet_cases()))
def test_every_sheet_comes_back_once(style_activities, style, engine):
    def sheets_per_document(t):  # the PDFs are named as the text layers they stand for
        return t.source_file.str.rsplit(".", n=1).str[0].value_counts().sort_index().to_dict()
    assert sheets_per_document(style_activities(style, engine)) == sheets_per_document(golden_activities())


@pytest.mark.parametrize("style, engine, field", list(_field_cases()))
def test_field_reads_as_the_golden_table(style_activities, style, engine, field):
    """The same comparison as the default style's round trip, one field at a
    time. Spanish dates are compared as the dates they parse to, which is
    what the golden table holds."""
    got = style_activities(style, engine)
    want = golden_activities()
    got_values = got[field].astype("string").fillna("").tolist()
    assert len(got_values) == len(want), "sheets missing or split: see test_every_sheet_comes_back_once"
    assert got_values == want[field].tolist()


# ----------------------------------------------------- the styles themselves

def _pages(pdf) -> list[str]:
    from pypdf import PdfReader
    return [p.extract_text() for p in PdfReader(str(pdf)).pages]


def test_flowing_style_breaks_a_sheet_inside_its_results_and_starts_one_mid_page(style_pdfs):
    """What the flowing style is for: the reader meets a page's footer and
    the next page's header inside a sheet's RESULTS, and two forms on one
    page. Checked on the PDF, since page breaks fall where WeasyPrint puts them."""
    pages = _pages(style_pdfs("flowing") / DOCS[0].replace(".txt", ".pdf"))
    assert any(p.count("OAS Pillar") >= 2 for p in pages)
    marks = re.compile(r"^(OAS Pillar|PROGRAM SUMMARY|OBJECTIVES|RESULTS)\b", re.M)
    last_mark = [m[-1] if (m := marks.findall(p)) else None for p in pages]
    assert any(last_mark[i] == "RESULTS" and not marks.match(_first_content_line(pages[i + 1]))
               for i in range(len(pages) - 1))


def _first_content_line(page: str) -> str:
    lines = [l.strip() for l in page.splitlines() if l.strip()]
    return next(l for l in lines if not l.startswith(("Organization of American States",
                                                      "Secretariat for Multidimensional Security")))


def _layout_text(pdf) -> str:
    import subprocess
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="poppler's pdftotext is not installed")
@pytest.mark.parametrize("wrapped", [
    pytest.param(("Name of", "Activity"), id="name"),
    pytest.param(("Target", "Beneficiaries"), id="beneficiaries"),
    pytest.param(("Additional", "Information"), id="url"),
    pytest.param(("Donor", "Countries"), id="donors"),
])
def test_narrow_style_wraps_a_label_over_two_lines_beside_its_value(style_pdfs, wrapped):
    text = _layout_text(style_pdfs("narrow") / DOCS[0].replace(".txt", ".pdf"))
    first, second = (re.escape(w) for w in wrapped)
    assert re.search(rf"^ *{first} {{2,}}\S.*\n *{second}\b", text, re.M)


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="poppler's pdftotext is not installed")
def test_narrow_style_wraps_a_long_value_beside_a_wrapped_label(style_pdfs):
    text = _layout_text(style_pdfs("narrow") / DOCS[0].replace(".txt", ".pdf"))
    assert re.search(r"^ *Name of +Strengthening of Institutions.*\n *Activity +Victims, Witnesses", text, re.M)
