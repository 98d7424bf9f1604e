"""Texts printed side by side (``oaslib.clean.columns``): the form's three
headings on one line and each text in a column under its heading, as a
layout extraction prints a landscape page, read one column after another."""
import pytest

from oaslib.clean.columns import unfold


def columns(*rows: tuple[str, ...], at=(0, 30, 60)) -> list[str]:
    """Lines with each row's pieces starting at the columns ``at``."""
    out = []
    for row in rows:
        line = ""
        for x, piece in zip(at, row):
            line = line.ljust(x) + piece if piece else line
        out.append(line.rstrip())
    return out


HEADINGS = ("PROGRAM SUMMARY", "OBJECTIVES", "RESULTS")
UNFOLDED = ["PROGRAM SUMMARY", "The program trains port", "officers of the region.", "",
            "OBJECTIVES", "To strengthen port", "security.", "",
            "RESULTS", "Two ports certified."]


def read(lines):
    got, numbers, blocks = unfold(lines, list(range(1, len(lines) + 1)))
    return got, numbers, blocks


@pytest.mark.parametrize("lines, expected", [
    pytest.param(columns(HEADINGS, ("The program trains port", "To strengthen port", "Two ports certified."),
                         ("officers of the region.", "security.", "")),
                 UNFOLDED, id="three-columns"),
    pytest.param(columns(HEADINGS, at=(0, 30, 60)) + columns(
                     ("The program trains port", "To strengthen port", "Two ports certified."),
                     ("officers of the region.", "security.", ""), at=(0, 38, 70)),
                 UNFOLDED, id="text-standing-apart-from-its-heading"),  # pypdf spaces by glyph widths
    pytest.param(columns(("PROGRAM SUMMARY", "", "OBJECTIVES"), ("The program trains port", "", "To strengthen"),
                         ("officers.", "", "port security.")),
                 ["PROGRAM SUMMARY", "The program trains port", "officers.", "",
                  "OBJECTIVES", "To strengthen", "port security."], id="two-columns"),
])
def test_texts_in_columns_are_read_one_column_after_another(lines, expected):
    got, _, blocks = read(lines)
    assert got == expected and blocks == 1


def test_a_column_carried_onto_a_page_laid_out_anew():
    """pdftotext places each page afresh: the one text that goes on stands
    at another position; it belongs to the column that stopped mid-sentence."""
    lines = columns(HEADINGS, ("The program trains", "To strengthen port", "Two ports were"),
                    ("port officers.", "security.", "certified and")) + ["", "", "", "          a third is next."]
    got, numbers, _ = read(lines)
    assert got[got.index("RESULTS"):] == ["RESULTS", "Two ports were", "certified and", "", "", "",
                                          "a third is next."]
    assert numbers[got.index("a third is next.")] == 7


def test_two_columns_carried_onto_a_page_laid_out_anew():
    lines = columns(HEADINGS, ("The program trains", "To strengthen port", "Two ports were"),
                    ("port officers of", "security.", "certified and")) + [
        "", "", "the region.                    a third is next.", "in 2017."]
    got, _, _ = read(lines)
    summary = got[:got.index("OBJECTIVES")]
    assert [l for l in summary if l] == ["PROGRAM SUMMARY", "The program trains", "port officers of",
                                         "the region.", "in 2017."]
    assert [l for l in got[got.index("RESULTS"):] if l] == ["RESULTS", "Two ports were", "certified and",
                                                            "a third is next."]


def test_the_next_sheets_labels_end_the_block():
    lines = columns(HEADINGS, ("The program trains", "To strengthen", "Two ports"),
                    ("officers.", "security.", "certified.")) + [
        "", "OAS Pillar            Security", "Name of Activity      Port Security"]
    got, _, _ = read(lines)
    assert got[-3:] == ["certified.", "OAS Pillar            Security", "Name of Activity      Port Security"]
    assert got[:2] == ["PROGRAM SUMMARY", "The program trains"]


@pytest.mark.parametrize("lines", [
    pytest.param(["PROGRAM SUMMARY    OBJECTIVES    RESULTS", "",
                  "The program trains port officers of the region in the ISPS Code and its audits.",
                  "It has run since 2015."], id="headings-in-a-row-then-one-text"),
    pytest.param(["PROGRAM SUMMARY", "The program trains port officers.", "OBJECTIVES", "To strengthen."],
                 id="one-column-page"),
    pytest.param(["Results: two ports    were certified", "in 2017."], id="a-heading-word-in-prose"),
])
def test_other_layouts_are_left_as_they_are(lines):
    got, numbers, blocks = read(lines)
    assert (got, numbers, blocks) == (lines, list(range(1, len(lines) + 1)), 0)
