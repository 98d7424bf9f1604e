"""The MISPA report: activity paragraphs of Appendices I–III and the themes."""
import pandas as pd
import pytest

from oaslib.clean.mispa import parse_mispa, paragraph_year, report_meeting

from .conftest import RAW

MISPA = "004_72e9dce835e7c6b2.txt"

SNIPPET = """\
MISPA-IV report
APPENDIX I
DEPARTMENT OF PUBLIC SECURITY
Crime and violence prevention 
Orchestra program for at-risk youth. Since 2009 the OAS has implemented an orchestra program for at-risk youth in the Caribbean (Haiti, Jamaica and Saint Lucia), with UNODC.
APPENDIX II
EXECUTIVE SECRETARIAT OF THE
INTER-AMERICAN DRUG ABUSE CONTROL COMMISSION (CICAD)
Supply Reduction Section
In 2012, the Supply Reduction Section of the ES/CICAD organized:
Control of Narcotrafficking. Six seminars were delivered to officers from Peruvian and Dominican Republic agencies.
Maritime Narcotrafficking. During 2013, ES/CICAD delivered three seminars in Port of Spain, Trinidad and Tobago.
APPENDIX IV
MISPA pillars
Pillar 1: Public security management
· Strengthening of the border security.
· Regulation of the Private Security Sector.
"""


@pytest.fixture(scope="module")
def snippet():
    return parse_mispa(SNIPPET.split("\n"), "s.txt")


def test_paragraph_rows(snippet):
    acts, _, _ = snippet
    assert acts[["agency", "section", "title"]].values.tolist() == [
        ["DPS", "Crime and violence prevention", "Orchestra program for at-risk youth"],
        ["CICAD", "Supply Reduction Section", "Control of Narcotrafficking"],
        ["CICAD", "Supply Reduction Section", "Maritime Narcotrafficking"],
    ]


@pytest.mark.parametrize("i, year", [
    pytest.param(0, 2009, id="since-year"),
    pytest.param(1, 2012, id="heading-year-when-paragraph-gives-none"),
    pytest.param(2, 2013, id="paragraph-year-wins-over-heading"),
])
def test_years(snippet, i, year):
    assert snippet[0]["year"].tolist()[i] == year


@pytest.mark.parametrize("i, countries, others", [
    pytest.param(0, "Haiti;Jamaica;Saint Lucia", "United Nations Office on Drugs and Crime (UNODC)", id="names-and-org"),
    pytest.param(1, "Peru;Dominican Republic", None, id="demonym"),
    pytest.param(2, "Trinidad and Tobago", None, id="port-of-spain-is-not-spain"),
])
def test_participants(snippet, i, countries, others):
    row = snippet[0].iloc[i]
    assert row["countries"] == countries
    assert (row["other_participants"] if pd.notna(row["other_participants"]) else None) == others


def test_themes(snippet):
    themes = snippet[1]
    assert themes[["pillar_no", "theme_no", "theme"]].values.tolist() == [
        [1, 1, "Strengthening of the border security"], [1, 2, "Regulation of the Private Security Sector"]]


def test_bundled_report():
    lines = (RAW / MISPA).read_text(encoding="utf-8").split("\n")
    acts, themes, quality = parse_mispa(lines, MISPA)
    assert acts.agency.value_counts().to_dict() == {"CICAD": 36, "DPS": 18, "CICTE": 9}
    orchestra = acts[acts.title == "Orchestra program for at-risk youth"].iloc[0]
    assert orchestra["countries"] == "Haiti;Jamaica;Saint Lucia;El Salvador"
    assert sorted(themes.pillar.unique()) == sorted([
        "Public security management", "Prevention of crime, violence and insecurity", "Police management",
        "Citizen and community participation", "International cooperation"])
    assert len(themes) == 22 and quality == []
    assert acts.line.is_unique and (acts.text.str.len() > 0).all()
    assert set(acts.meeting) == {"MISPA-IV"}  # it reports on MISPA I–III, for the working group preparing IV


@pytest.mark.parametrize("lines, meeting", [
    pytest.param(["Mandates Stemming from MISPA-I and MISPA-II", "Mandates Stemming from MISPA-III",
                  "the results at MISPA-IV."], "MISPA-IV", id="the-latest-numeral"),
    pytest.param(["(MISPA III/doc.8/11 rev.2)", "MISPA IV"], "MISPA-IV", id="numeral-after-a-space"),
    pytest.param(["the Fifth Meeting of Ministers Responsible for Public Security in the Americas"], "MISPA-V",
                 id="ordinal-meeting"),
    pytest.param(["presented during the fourth MISPA meeting to be held in November"], "MISPA-IV",
                 id="ordinal-mispa-meeting"),
    pytest.param(["la Sexta Reunión de Ministros en Materia de Seguridad Pública de las Américas"], "MISPA-VI",
                 id="spanish-ordinal"),
    pytest.param(["MISPA-related mandates", "MISPA2009-2011.pdf", "the MISPA process"], None,
                 id="no-meeting-named"),
])
def test_report_meeting(lines, meeting):
    assert report_meeting(lines) == meeting


@pytest.mark.parametrize("text, year", [
    pytest.param("The meeting took place in Lima, Peru (August 5-9, 2013).", 2013, id="month-day-range"),
    pytest.param("From May 30 to May 31, 2013, the meeting was held.", 2013, id="from-to"),
    pytest.param("Resolution AG/RES. 2735 asks for it.", None, id="number-not-a-year"),
])
def test_paragraph_year(text, year):
    assert paragraph_year(text) == year


def test_garbage_gives_quality_rows_not_errors():
    acts, themes, quality = parse_mispa(["APPENDIX I", "nothing here", "\x00\x01"], "g.txt")
    assert {q["problem"] for q in quality} >= {"no MISPA pillars found in the questionnaire"}


def test_the_same_report_saved_twice_is_read_once(raw_copy, tmp_path):
    from oaslib.clean import clean

    one = clean(raw_copy, tmp_path / "one").tables
    text = (raw_copy / MISPA).read_text(encoding="utf-8")
    (raw_copy / "mispa copy (1).txt").write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    two = clean(raw_copy, tmp_path / "two").tables
    pd.testing.assert_frame_equal(one["mispa_activities"], two["mispa_activities"])
    dup = two["quality"][two["quality"].problem == "duplicate document"]
    assert dup.source_file.tolist() == ["mispa copy (1).txt"] and MISPA in dup.text.iloc[0]


def test_two_different_reports_keep_their_own_themes(raw_copy, tmp_path):
    from oaslib.clean import clean

    text = (raw_copy / MISPA).read_text(encoding="utf-8")
    (raw_copy / "mispa_v.txt").write_text(text.replace("MISPA-IV", "MISPA-V"), encoding="utf-8")
    tables = clean(raw_copy, tmp_path / "out").tables
    themes = tables["mispa_themes"]
    assert themes.groupby("source_file").size().to_dict() == {MISPA: 22, "mispa_v.txt": 22}
    assert tables["mispa_activities"].source_file.value_counts().to_dict() == {MISPA: 63, "mispa_v.txt": 63}
