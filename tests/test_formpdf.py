"""The PDF round trip: the bundled sheets rendered as the form they came from
(tests/formpdf.py), read back through the text layer and ``oaslib clean``."""
import re
import shutil

import pandas as pd
import pytest

from oaslib.clean import clean, read
from oaslib.clean.read import read_document

from .formpdf import FORM_FIELDS, LABELS, golden_activities, write_form_pdf

pytest.importorskip("weasyprint")

DOCS = ["000_3348439e6b9c1ad1.txt", "001_a338e43460cd5b34.txt"]
ENGINES = [
    pytest.param(("pypdf",), id="pypdf-layout"),
    pytest.param(("pdftotext",), id="pdftotext-layout",
                 marks=pytest.mark.skipif(shutil.which("pdftotext") is None,
                                          reason="poppler's pdftotext is optional and not installed")),
]


@pytest.fixture(scope="module")
def form_pdfs(tmp_path_factory):
    """Both bundled documents as form PDFs, rendered once (WeasyPrint is slow)."""
    raw = tmp_path_factory.mktemp("formpdf")
    for sf in DOCS:
        write_form_pdf(raw / sf.replace(".txt", ".pdf"), sf)
    return raw


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch):
    monkeypatch.setattr(read, "PDF_ENGINES", request.param)
    return request.param


def _squeeze(text: str) -> str:
    # the PDF wraps lines where the text layer did not: compare without spacing
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("source_file", DOCS)
def test_text_layer_holds_every_field_in_order_and_no_furniture(form_pdfs, engine, source_file):
    doc = read_document(form_pdfs / source_file.replace(".txt", ".pdf"))
    text = _squeeze("".join(doc.lines))
    at = 0
    for r in golden_activities(source_file).itertuples():
        for label in LABELS:
            at = text.index(_squeeze(label), at)
        for value in (r.pillar, r.name, r.beneficiaries, r.url):
            assert _squeeze(value) in text, value
        for part in (r.summary, r.objectives, r.results):
            for para in part.split("\n\n"):
                at = text.index(_squeeze(para), at)
    assert not [l for l in doc.lines if re.search(r"Page \d+ of \d+|Organization of American States\s*$", l)]
    assert doc.notes[0][1] == "page furniture removed"


@pytest.mark.parametrize("source_file", DOCS)
def test_label_and_value_share_a_line(form_pdfs, engine, source_file):
    """The layout modes keep the form's rows: what the sheet reader gets."""
    lines = [" ".join(l.split()) for l in read_document(form_pdfs / source_file.replace(".txt", ".pdf")).lines]
    for r in golden_activities(source_file).itertuples():
        if r.start_date and r.end_date and len(r.start_date) == 10 == len(r.end_date):
            y, m, d = (int(x) for x in r.start_date.split("-"))
            assert any(l.startswith(f"Date {m}/{d}/{y} to ") for l in lines)
        if r.pillar:
            assert any(l == f"OAS Pillar {r.pillar}" for l in lines)


def test_round_trip_gives_the_golden_activities(form_pdfs, engine, tmp_path):
    out = clean(form_pdfs, tmp_path / "out")
    got = out.tables["activities"]
    want = golden_activities()
    assert len(got) == len(want)
    got = got[FORM_FIELDS].astype("string").fillna("").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want[FORM_FIELDS].astype("string"), check_dtype=False)


def _pypdf_plain(pdf):
    from pypdf import PdfReader
    return "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)


def _pdftotext(*options):
    def extract(pdf):
        import subprocess
        return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    return extract


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")


@pytest.mark.parametrize("extract", [
    pytest.param(_pypdf_plain, id="pypdf-plain"),
    pytest.param(_pdftotext(), id="pdftotext-reading-order", marks=needs_pdftotext),
    pytest.param(_pdftotext("-raw"), id="pdftotext-raw-content-order", marks=needs_pdftotext),
])
def test_text_layers_of_other_extractors_give_the_golden_fields(form_pdfs, tmp_path, extract):
    """The form's PDF saved as text by other tools, in their own line order
    and spacing (labels above values, headers run together on one line, a
    page's furniture between two paragraphs): every field comes back; the
    long texts word for word, since where a layer breaks paragraphs is its own."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for sf in DOCS:
        (raw / sf).write_text(extract(form_pdfs / sf.replace(".txt", ".pdf")), encoding="utf-8")
    got = clean(raw, tmp_path / "out").tables["activities"]
    want = golden_activities()
    assert len(got) == len(want)
    got = got[FORM_FIELDS].astype("string").fillna("").reset_index(drop=True)
    for f in FORM_FIELDS:
        words = (lambda s: s.map(lambda t: " ".join(t.replace("-", "").split()))) if f in (
            "summary", "objectives", "results") else (lambda s: s)  # a layer may drop a line-end hyphen
        assert words(got[f]).tolist() == words(want[f].astype("string")).tolist(), f
