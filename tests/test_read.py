"""Reading a raw document into lines: one Unicode quirk or piece of page
furniture per case, and the content that only looks like furniture."""
from pathlib import Path

import pytest

from oaslib.clean.read import normalize_text, read_document, strip_furniture

# ------------------------------------------------------------- Unicode

QUIRKS = [
    pytest.param("Name of Activity\r\nPort Evaluations", ["Name of Activity", "Port Evaluations"], id="crlf"),
    pytest.param("Name of Activity\rPort Evaluations", ["Name of Activity", "Port Evaluations"], id="bare-cr"),
    pytest.param("Donor\u00a0Countries", ["Donor Countries"], id="no-break-space"),
    pytest.param("Donor\u202fCountries", ["Donor Countries"], id="narrow-no-break-space"),
    pytest.param("Donor\u2009Countries", ["Donor Countries"], id="thin-space"),
    pytest.param("Date\t1/1/2017", ["Date 1/1/2017"], id="tab"),
    pytest.param("capacity-build\u00ading trainings", ["capacity-building trainings"], id="soft-hyphen-inside-line"),
    pytest.param("strengthen inter\u00ad\nnational cooperation",
                 ["strengthen international", "cooperation"], id="soft-hyphen-at-line-end"),
    pytest.param("Target Bene\ufb01ciaries", ["Target Beneficiaries"], id="ligature-fi"),
    pytest.param("\ufb02ows of \ufb00ort", ["flows of ffort"], id="ligatures-fl-ff"),
    pytest.param("OAS\u200b Pillar", ["OAS Pillar"], id="zero-width-space"),
    pytest.param("\ufeffPROGRAM SUMMARY", ["PROGRAM SUMMARY"], id="bom-inside-text"),
    pytest.param("\uff23\uff21\uff26", ["CAF"], id="full-width-letters"),
    pytest.param("Panama\u0301", ["Panamá"], id="decomposed-accent-composed"),
    pytest.param("Member States\u2019 \u201cports\u201d", ["Member States\u2019 \u201cports\u201d"],
                 id="curly-quotes-kept-as-written"),
    pytest.param("area of 5 km\u00b2, \u00bd of it", ["area of 5 km\u00b2, \u00bd of it"],
                 id="superscript-and-fraction-kept"),
    pytest.param("Results\u2028Two ports", ["Results", "Two ports"], id="unicode-line-separator"),
]


@pytest.mark.parametrize("raw, lines", QUIRKS)
def test_normalize_text(raw, lines):
    assert normalize_text(raw).split("\n") == lines


@pytest.mark.parametrize("raw", [
    pytest.param("a\r\nb\rc\n\u00ad\n", id="line-breaks"),
    pytest.param("x\u00ad\ny\u00ad\nz\n", id="soft-hyphens-at-line-ends"),
])
def test_normalize_keeps_the_number_of_lines(raw):
    """Line numbers in the quality table must still point into the file."""
    want = raw.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    assert normalize_text(raw).count("\n") == want


def test_a_file_with_the_quirks_reads_like_a_clean_one(tmp_path):
    f = tmp_path / "sheet.txt"
    f.write_bytes("Target Bene\ufb01ciaries\r\nDonor\u00a0Countries\r\n".encode("utf-8"))
    assert read_document(f).lines[:2] == ["Target Beneficiaries", "Donor Countries"]


@pytest.mark.parametrize("curly, straight", [
    pytest.param("People\u2019s Republic", "People's Republic", id="right-single-quote"),
    pytest.param("\u201cPROGRAM SUMMARY\u201d", '"program summary"', id="double-quotes"),
    pytest.param("\u201eAm\u00e9rica\u201f", '"america"', id="low-and-reversed-quotes"),
])
def test_matching_folds_typographic_quotes(curly, straight):
    """The text keeps its quotes; labels, names and donors match either form."""
    from oaslib.clean.countries import fold
    assert fold(curly) == fold(straight)


# ------------------------------------------------------ page furniture

BODY = ["In conjunction with external experts, the program will lead port assessments",
        "in two key ports in Panama in order to identify vulnerabilities."]

FURNITURE = [
    pytest.param("Organization of American States", id="running-header"),
    pytest.param("  Secretariat for Multidimensional Security  ", id="secretariat-header"),
    pytest.param("SECRETARIAT FOR MULTIDIMENSIONAL SECURITY", id="header-in-capitals"),
    pytest.param("Organización de los Estados Americanos", id="spanish-header"),
    pytest.param("Page 3 of 12", id="page-n-of-N"),
    pytest.param("                 Page 3 of 12", id="page-n-of-N-indented-by-layout"),
    pytest.param("Página 3 de 12", id="spanish-page-n-of-N"),
    pytest.param("- 3 -", id="page-number-between-dashes"),
    pytest.param("-3-", id="page-number-between-dashes-unspaced"),
    pytest.param("Organization of American States          Page 3 of 12", id="header-and-page-on-one-layout-line"),
    pytest.param("Organization of American States Secretariat for Multidimensional Security",
                 id="two-headers-on-one-line-a-space-apart"),
    pytest.param("Organización de los Estados Americanos" + " " * 47 + "Secretaría de Seguridad Multidimensional",
                 id="two-headers-padded-to-their-columns-past-120-characters"),  # pypdf's layout mode
]


@pytest.mark.parametrize("furniture", FURNITURE)
def test_furniture_line_inside_a_paragraph_is_removed(furniture):
    lines = [BODY[0], furniture, BODY[1]]
    kept, numbers, removed = strip_furniture(lines, paged=False)
    assert kept == BODY
    assert numbers == [1, 3]
    assert sum(removed.values()) == 1


@pytest.mark.parametrize("furniture", FURNITURE)
def test_furniture_at_a_page_break_is_removed(furniture):
    lines = [BODY[0], furniture, "\f" + BODY[1]]
    kept, _, removed = strip_furniture(lines, paged=True)
    assert kept == BODY


BARE_NUMBERS = [
    pytest.param([BODY[0], "3", "\f" + BODY[1]], True, BODY, id="bare-number-at-page-foot"),
    pytest.param([BODY[0], "\f4", BODY[1]], True, BODY, id="bare-number-after-form-feed"),
    pytest.param([BODY[0], "2", "text", "3", BODY[1]], False, [BODY[0], "text", BODY[1]],
                 id="bare-numbers-counting-up"),
    pytest.param([BODY[0], "150", BODY[1]], False, [BODY[0], "150", BODY[1]],
                 id="lone-number-mid-text-is-a-value"),
    pytest.param(["Date", "2017", "\f" + BODY[1]], True, ["Date", "2017", BODY[1]],
                 id="bare-year-at-page-foot-is-a-value"),
]


@pytest.mark.parametrize("lines, paged, kept", BARE_NUMBERS)
def test_bare_page_numbers(lines, paged, kept):
    assert strip_furniture(lines, paged)[0] == kept


def test_a_header_beside_a_page_number_is_furniture_even_mid_sentence():
    """A layer that joins its pages with plain newlines: the page's header
    and number fall inside a sentence ("… to improve and" / header / "Page
    14 of 19" / "implement …"); the page number says it is a page edge."""
    lines = ["knowledge to improve and", "Organization of American States Secretariat for Multidimensional Security",
             "Page 14 of 19", "implement various options"]
    assert strip_furniture(lines, paged=False)[0] == ["knowledge to improve and", "implement various options"]


CONTENT = [
    pytest.param(["The Secretariat for Multidimensional Security supports the program."],
                 id="sentence-naming-the-secretariat"),
    pytest.param(["Organization of American States (OAS) member states"], id="header-words-in-a-longer-line"),
    pytest.param(["The program is implemented by the", "Organization of American States",
                  "in Panama."], id="header-text-continuing-a-sentence"),
    pytest.param(["con el apoyo de la", "Secretaría de Seguridad Multidimensional", "y el gobierno."],
                 id="spanish-header-text-continuing-a-sentence"),
    pytest.param(["Page 3 of the report lists the ports."], id="sentence-starting-with-page"),
    pytest.param(["Phase 2 - 3 ports"], id="dashes-between-numbers-in-text"),
    pytest.param(["1/1/2017 - 3"], id="date-and-number"),
]


@pytest.mark.parametrize("lines", CONTENT)
def test_content_that_looks_like_furniture_is_kept(lines):
    kept, _, removed = strip_furniture(lines, paged=False)
    assert kept == lines and not removed


def test_header_at_a_page_edge_goes_even_after_a_continuing_word():
    lines = ["in order to", "Organization of American States", "\fidentify vulnerabilities"]
    assert strip_furniture(lines, paged=True)[0] == ["in order to", "identify vulnerabilities"]


def test_removed_furniture_is_counted_in_a_note_and_lines_map_back(tmp_path):
    f = tmp_path / "sheet.txt"
    f.write_text("\n".join(["Organization of American States", BODY[0], "Page 1 of 2",
                            "\fOrganization of American States", BODY[1], "Page 2 of 2"]), encoding="utf-8")
    doc = read_document(f)
    assert doc.lines == BODY
    assert [doc.source_line(i) for i in range(2)] == [2, 5]
    assert (None, "page furniture removed", "2 headers, 2 page numbers") in doc.notes


def test_bundled_text_layers_have_no_furniture_and_read_unchanged():
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    for f in sorted(raw.glob("*.txt")):
        doc = read_document(f)
        assert doc.line_numbers is None and not doc.notes
        want = f.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
        assert len(doc.lines) == len(want)


# ----------------------------------------------------------------- PDF

from .test_clean import _pdf_without_text  # noqa: E402

PDF_ENGINES = [
    pytest.param(("pypdf",), id="pypdf"),
    pytest.param(("pdftotext", "pypdf"), id="pdftotext-where-installed"),
]


@pytest.mark.parametrize("engines", PDF_ENGINES)
@pytest.mark.parametrize("make, message", [
    pytest.param(_pdf_without_text, "needs OCR", id="scan-without-text-layer"),
    pytest.param(lambda p: p.write_bytes(b"%PDF-1.4 not really"), "not a readable PDF", id="corrupt"),
    pytest.param(lambda p: p.write_bytes(b"%PDF-1.4\n%%EOF\n"), "not a readable PDF", id="header-only"),
])
def test_unreadable_pdf_is_one_read_error(tmp_path, monkeypatch, engines, make, message):
    from oaslib.clean import read
    from oaslib.errors import ReadError
    monkeypatch.setattr(read, "PDF_ENGINES", engines)
    make(tmp_path / "x.pdf")
    with pytest.raises(ReadError) as e:
        read_document(tmp_path / "x.pdf")
    assert message in str(e.value) and "\n" not in str(e.value) and str(e.value).startswith("x.pdf")


# ------------------------------------------- the corpus, dirtied and read back

def _paginate(footer, header, every=45):
    """Page breaks every ``every`` lines, with a footer before and a header
    after each: the kept lines are the original ones, so are the tables."""
    def dirty(text):
        lines = text.split("\n")
        out = []
        for i in range(0, len(lines), every):
            n = i // every + 1
            out += lines[i:i + every]
            out += [footer.format(n=n, N=len(lines) // every + 1), "\f" + header]
        return "\n".join(out)
    return dirty


DIRTY = [
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.replace(" the ", " the\u00a0"), id="no-break-spaces"),
    pytest.param(lambda t: t.replace("fi", "\ufb01").replace("fl", "\ufb02"), id="ligatures"),
    pytest.param(lambda t: t.replace("tion", "\u00adtion"), id="soft-hyphens-inside-words"),
    pytest.param(lambda t: t.replace("Security", "Secu\u200brity"), id="zero-width-spaces"),
    pytest.param(_paginate("                    Page {n} of {N}", "Organization of American States"),
                 id="pdftotext-pages-footer-and-header"),
    pytest.param(_paginate("- {n} -", "Secretariat for Multidimensional Security"), id="dash-page-numbers"),
    pytest.param(_paginate("{n}", "Organization of American States       Secretariat for Multidimensional Security"),
                 id="bare-page-numbers-and-two-headers-on-one-line"),
]


@pytest.mark.parametrize("dirty", DIRTY)
def test_dirtied_corpus_gives_the_golden_activities(raw_copy, tmp_path, dirty):
    import pandas as pd

    from oaslib.clean import clean
    clean_lines = {}
    for f in raw_copy.glob("0*.txt"):
        text = f.read_text(encoding="utf-8")
        f.write_bytes(dirty(text).encode("utf-8"))
        clean_lines[f.name] = text.split("\n")
    got = clean(raw_copy, tmp_path / "out").tables["activities"]
    want = pd.read_csv(Path(__file__).parent / "golden" / "activities.csv", dtype=str, keep_default_na=False)
    got = got.astype("string").fillna("")
    others = [c for c in want.columns if c != "source_line"]
    pd.testing.assert_frame_equal(got[others], want[others].astype("string"), check_dtype=False)
    # source lines point into the dirtied file, at the line the clean one had
    for g, w in zip(got.itertuples(), want.itertuples()):
        raw = (raw_copy / g.source_file).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
        assert " ".join(normalize_text(raw[int(g.source_line) - 1]).split()).replace("\f", "") == \
            " ".join(clean_lines[w.source_file][int(w.source_line) - 1].split())


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ODD = st.sampled_from(["\r\n", "\r", "\n", "\f", "\u00a0", "\u00ad", "\u00ad\n", "\ufb01", "\u200b", "\u2028",
                        "\t", "Page 2 of 3", "- 4 -", "7", "Organization of American States", "the", "  ",
                        "e\u0301", "\uff21", "\u2019"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_ODD, st.text(max_size=8)), max_size=30).map("".join), st.booleans())
def test_any_text_normalises_and_strips_without_losing_line_numbers(text, paged):
    norm = normalize_text(text)
    lines = norm.split("\n")
    assert len(lines) == text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + len(
        [c for c in text if c in "\u2028\u2029\u0085"]) + 1
    assert not any(c in norm for c in "\r\u00a0\u00ad\ufb01\u200b\t")
    kept, numbers, _ = strip_furniture(lines, paged)
    assert len(kept) == len(numbers) and numbers == sorted(set(numbers))
    assert all(lines[n - 1].replace("\f", "") == k for k, n in zip(kept, numbers))


def test_sheet_lines_point_into_the_file_after_furniture_is_removed(raw_copy, tmp_path):
    import pandas as pd

    from oaslib.clean import clean
    f = raw_copy / "000_3348439e6b9c1ad1.txt"
    lines = f.read_text(encoding="utf-8").split("\n")
    f.write_text("\n".join(["Organization of American States", "Page 1 of 9", *lines]), encoding="utf-8")
    got = clean(raw_copy, tmp_path / "out").tables["activities"]
    want = pd.read_csv(Path(__file__).parent / "golden" / "activities.csv", dtype=str, keep_default_na=False)
    pan = got[got.source_file == f.name]
    assert [int(x) + 2 for x in want[want.source_file == f.name].source_line] == pan.source_line.tolist()
    q = clean(raw_copy, tmp_path / "out2").tables["quality"]
    q = q[(q.source_file == f.name) & q.line.notna()]
    assert q.line.min() > 2
