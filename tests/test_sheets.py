"""One quirk of the program sheets per case, as the PDF text layer prints it."""
import textwrap

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oaslib.clean.activities import build_activities
from oaslib.clean.sheets import split_sheets

# A whole sheet as the text layer of a well-behaved form prints it.
SHEET = """\
 Port authorities of Panama 

PROGRAM SUMMARY  

OBJECTIVES  

RESULTS  

 

Contribute to strengthening maritime security in Member States by identifying vulnerabilities through 
assessments and workshops. 

 

Two port assessments were carried out in Panama and training modules were given to port personnel on a 
national level in order to mitigate the vulnerabilities found. 

Security Port Evaluations and 

Assessments 

1/1/2017 

OAS Pillar 

 

Name of Activity 

 

Date 

 

Target Beneficiaries 

     Additional Information 

 

Canada 

            Donor Countries 

12/31/2017 to 

The Maritime Security Program aims to assist Member States to comply with international maritime security 
standards and best practices. The program has a three-phase activity programmed for Panama that focuses on 
assessing vulnerabilities. 
"""


def parse(text, name="t.txt"):
    acts, donors, quality = build_activities([(name, split_sheets(text.split("\n")))])
    return acts, donors, pd.DataFrame(quality)


def one(text):
    acts, _, q = parse(text)
    assert len(acts) == 1, acts
    return acts.iloc[0], q


def test_well_formed_sheet():
    row, q = one(SHEET)
    assert row["country"] == "Panama" and row["iso3"] == "PAN"
    assert row["pillar"] == "Security"
    assert row["name"] == "Port Evaluations and Assessments"
    assert (row["start_date"], row["end_date"], row["end_status"]) == ("2017-01-01", "2017-12-31", "dated")
    assert row["beneficiaries"] == "Port authorities of Panama"
    assert row["donors"] == "Canada"
    assert row["objectives"].startswith("Contribute to strengthening") and row["objectives"].endswith("workshops.")
    assert row["results"].startswith("Two port assessments")
    assert "on a national level" in row["results"]  # line break undone
    assert row["summary"].startswith("The Maritime Security Program")


@pytest.mark.parametrize("end_line, end_date, status", [
    pytest.param("12/31/2017 to", "2017-12-31", "dated", id="end-date-before-to"),
    pytest.param("6/23/2017 \n\n \n\nto", "2017-06-23", "dated", id="end-date-split-from-to"),
    pytest.param("Continuous Program to", None, "ongoing", id="continuous-program"),
    pytest.param("Continuo \n\n \n\nto", None, "ongoing", id="spanish-continuo"),
    pytest.param("Ongoing to", None, "ongoing", id="ongoing"),
    pytest.param("Completion to", None, "unspecified", id="completion-placeholder"),
    pytest.param("2018 to", "2018", "dated", id="bare-year-stays-a-year"),
])
def test_end_dates(end_line, end_date, status):
    row, _ = one(SHEET.replace("12/31/2017 to", end_line))
    assert (row["end_date"] if pd.notna(row["end_date"]) else None) == end_date
    assert row["end_status"] == status


@pytest.mark.parametrize("start_line, start_date, problem", [
    pytest.param("1998", "1998", None, id="year-only-not-invented-as-january"),
    pytest.param("Commencement", None, "placeholder left in the form", id="commencement-placeholder"),
    pytest.param("2/30/2017", None, "impossible date", id="impossible-date"),
])
def test_start_dates(start_line, start_date, problem):
    row, q = one(SHEET.replace("1/1/2017 ", start_line + " "))
    assert (row["start_date"] if pd.notna(row["start_date"]) else None) == start_date
    if problem:
        hit = q[(q.field == "start_date") & (q.problem == problem)]
        assert len(hit) == 1 and hit.iloc[0]["line"] > 0


def test_pillar_and_name_run_together_over_lines():
    row, _ = one(SHEET.replace("Security Port Evaluations and \n\nAssessments",
                               "Security \nStrengthening of Institutions Specialized in the \n\n"
                               "Assistance and Protection of Victims"))
    assert row["pillar"] == "Security"
    assert row["name"] == "Strengthening of Institutions Specialized in the Assistance and Protection of Victims"


def test_name_starting_with_a_pillar_word_is_not_the_pillar():
    row, _ = one(SHEET.replace("Security Port Evaluations and \n\nAssessments",
                               "Security Inter-American Network for Police \n\nDevelopment and Professionalization"))
    assert row["pillar"] == "Security"
    assert row["name"] == "Inter-American Network for Police Development and Professionalization"


def test_choose_an_item_placeholder_leaves_pillar_empty():
    row, q = one(SHEET.replace("Security Port Evaluations and", "Choose an item  \n\nPort Evaluations and"))
    assert pd.isna(row["pillar"])
    assert ((q.field == "pillar") & (q.problem == "placeholder left in the form")).any()


def test_url_broken_mid_word_is_rejoined():
    text = SHEET.replace(" Port authorities of Panama \n",
                         "OAS 34 Member States  \n\nhttp://www.oas.org/ext/en/s\n\necurity/crime-prevention-\n\nnetwork/ \n")
    row, _ = one(text)
    assert row["url"] == "http://www.oas.org/ext/en/security/crime-prevention-network/"
    assert row["beneficiaries"] == "OAS 34 Member States"


def test_url_glued_to_the_heading():
    text = SHEET.replace(" Port authorities of Panama \n\nPROGRAM SUMMARY",
                         " Population affected by the \n\nuse of drugs. \n\nhttp://www.cicad.oas.org/M\n\nain/T.asp?File=/proc\n\ncer_eng.asp PROGRAM SUMMARY")
    row, _ = one(text)
    assert row["url"] == "http://www.cicad.oas.org/Main/T.asp?File=/proccer_eng.asp"
    assert row["beneficiaries"] == "Population affected by the use of drugs."


def test_link_that_is_no_url_is_a_quality_row():
    text = SHEET.replace(" Port authorities of Panama \n", "http://[ \n")
    row, q = one(text)
    assert pd.isna(row["url"])
    assert ((q.field == "url") & (q.problem == "not a URL")).any()


def test_placeholders_of_links_and_beneficiaries():
    text = SHEET.replace(" Port authorities of Panama \n", "Agencies, sectors, civil \n\nsociety, etc \n\nLink to web page \n")
    row, q = one(text)
    assert pd.isna(row["url"]) and pd.isna(row["beneficiaries"])
    assert set(q[q.problem == "placeholder left in the form"].field) >= {"url", "beneficiaries"}


def test_value_printed_after_the_summary_belongs_to_the_next_sheet():
    second = SHEET.replace(" Port authorities of Panama \n\n", "").replace("Canada", "Spain (AECID)")
    text = SHEET + "\n \n\n \n\n Adolescents in conflict with \n\nthe law \n\n" + second
    acts, _, _ = parse(text)
    assert acts["beneficiaries"].tolist() == ["Port authorities of Panama", "Adolescents in conflict with the law"]
    assert acts["donors"].tolist() == ["Canada", "Spain"]


def test_donors_spread_over_lines_and_named_in_several_ways():
    row, _ = one(SHEET.replace("Canada", "Banco de Desarrollo de América \n\nLatina (CAF); Italy; United States of America"))
    assert row["donors"] == "Development Bank of Latin America (CAF);Italy;United States"


def test_truncated_donor_name_is_recognised():
    row, _ = one(SHEET.replace("Canada", "Banco de Desarrollo de América"))
    assert row["donors"] == "Development Bank of Latin America (CAF)"


def test_donor_box_after_results_without_labels():
    text = SHEET.replace("Canada \n\n", "").replace(
        "Security Port Evaluations and \n\nAssessments \n\n1/1/2017 \n\nOAS Pillar \n\n \n\nName of Activity \n\n \n\n"
        "Date \n\n \n\nTarget Beneficiaries \n\n     Additional Information \n\n \n\n", "").replace(
        "national level in order to mitigate the vulnerabilities found. \n",
        "national level in order to mitigate the vulnerabilities found. \n Canada, United States  \n")
    row, _ = one(text)
    assert row["donors"] == "Canada;United States"
    assert row["results"].endswith("vulnerabilities found.")


def test_two_objectives_paragraphs_then_results():
    text = SHEET.replace("assessments and workshops. \n\n \n\n",
                         "assessments and workshops. \n\nTo facilitate the interaction and cooperation among sectors. \n\n")
    row, _ = one(text)
    assert row["objectives"].count("\n\n") == 1 and "To facilitate" in row["objectives"]
    assert row["results"].startswith("Two port assessments")


def test_missing_objectives_heading_still_a_sheet():
    text = SHEET.replace("OBJECTIVES  \n\n", "")
    row, q = one(text)
    assert row["objectives"].startswith("Contribute")
    assert ((q.field == "objectives") & (q.problem == "heading missing from the form")).any()


def test_sheet_without_program_summary_heading_is_split_at_its_other_headings():
    second = SHEET.replace("PROGRAM SUMMARY  \n\nOBJECTIVES  \n\n", "").replace("Canada", "Italy")
    acts, _, _ = parse(SHEET + second)
    assert len(acts) == 2
    assert acts["donors"].tolist() == ["Canada", "Italy"]


def test_fields_lost_are_reported_not_invented():
    text = textwrap.dedent("""\
     PROGRAM SUMMARY  
    OBJECTIVES  
    RESULTS  
    To contribute to the professional development of the police institutions of Panama. 
    The first course took place at the Police Academy of Panama in 2017 with 40 officers. 
    """)
    row, q = one(text)
    assert pd.isna(row["name"]) and pd.isna(row["start_date"]) and row["end_status"] == "unspecified"
    missing = set(q[q.problem == "field missing"].field)
    assert {"name", "pillar", "start_date", "end_date", "donors", "summary"} <= missing


def test_sheet_repeated_in_a_file_is_marked_duplicate():
    acts, _, q = parse(SHEET + "\n \n\n \n\n" + SHEET.replace(" Port authorities of Panama \n\n", ""))
    assert acts["duplicate_of"].tolist()[1] == acts["activity_id"].tolist()[0]
    assert pd.isna(acts["duplicate_of"].tolist()[0])
    assert (q.problem == "duplicate sheet").sum() == 1


@pytest.mark.parametrize("replace, expected", [
    pytest.param({"Panama": "Panamá"}, "Panama", id="accent"),
    pytest.param({"Panama": "St Lucia"}, "Saint Lucia", id="abbreviated-saint"),
    pytest.param({"Panama": "Dominica"}, "Dominica", id="dominica-not-dominican-republic"),
    pytest.param({"Panama": "the Dominican Republic"}, "Dominican Republic", id="dominican-republic"),
])
def test_country_variants(replace, expected):
    text = SHEET
    for a, b in replace.items():
        text = text.replace(a, b)
    row, _ = one(text)
    assert row["country"] == expected


def test_country_by_demonym_outweighs_regional_lists():
    text = SHEET.replace("Two port assessments were carried out in Panama",
                         "Peruvian authorities received two port assessments").replace(
        "programmed for Panama", "programmed for Peru").replace("Port authorities of Panama",
        "Ports of Costa Rica, El Salvador, Guatemala, Honduras and Panama")
    row, _ = one(text)
    assert row["country"] == "Peru"


def test_same_program_in_two_countries_has_one_program_id():
    other = SHEET.replace("Panama", "Jamaica").replace("Security Port Evaluations and \n\nAssessments", "Security ")
    acts, _, _ = parse(SHEET, "a.txt")
    acts2, _, _ = build_activities([("a.txt", split_sheets(SHEET.split("\n"))),
                                    ("b.txt", split_sheets(other.split("\n")))])[0], None, None
    assert acts2["country"].tolist() == ["Panama", "Jamaica"]
    assert acts2["program_id"].nunique() == 1
    assert acts2["program"].tolist() == ["Port Evaluations and Assessments"] * 2
    assert pd.isna(acts2["name"].iloc[1])


def test_unnamed_program_takes_a_title_from_its_text():
    text = SHEET.replace("Security Port Evaluations and \n\nAssessments", "Security ").replace(
        "The Maritime Security Program aims", "Through the UNSCR 1540 (2004) Implementation Program, CICTE aims")
    row, _ = one(text)
    assert pd.isna(row["name"])
    assert row["program"] == "UNSCR 1540 (2004) Implementation Program"


# ------------------------------------------------- no sheet stops the tables

def test_heading_after_a_sentence_at_the_end_of_a_file(raw_copy, tmp_path, capsys):
    """Issue 11, defect 1: a file that ends with a sentence and a lone
    PROGRAM SUMMARY made a sheet with no text, name or summary, whose
    program id was taken from an activity id not made yet (KeyError)."""
    from oaslib.cli import main
    f = raw_copy / "000_3348439e6b9c1ad1.txt"
    f.write_text(f.read_text(encoding="utf-8") + "...in 2014.  The Resolution reaffirms \nPROGRAM SUMMARY\n",
                 encoding="utf-8")
    code = main(["clean", "--raw", str(raw_copy), "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert code == 0 and "Traceback" not in out.err + out.out
    acts = pd.read_csv(tmp_path / "out" / "activities.csv")
    assert len(acts) >= 20 and acts["program_id"].notna().all()
    assert (tmp_path / "out" / "donors.csv").exists() and (tmp_path / "out" / "quality.csv").exists()


@pytest.mark.parametrize("text", [
    pytest.param("PROGRAM SUMMARY\n", id="lone-heading"),
    pytest.param("PROGRAM SUMMARY\nOBJECTIVES\nRESULTS\nPROGRAM SUMMARY\nRESULTS\n", id="headings-only"),
    pytest.param("OAS Pillar\nName of Activity\nDate\nDonor Countries\n", id="labels-only"),
    pytest.param("Donor Countries Canada\nPROGRAM SUMMARY\nOBJECTIVES\n", id="label-with-value-and-headings"),
])
def test_a_form_with_nothing_in_it_stops_nothing(text):
    sheets = split_sheets((text + SHEET).split("\n"))
    acts, donors, _ = build_activities([("t.txt", sheets)])
    assert acts["program_id"].notna().all() and acts["activity_id"].is_unique
    assert "Port Evaluations and Assessments" in set(acts["name"])


@pytest.mark.parametrize("donors_text, expected", [
    pytest.param("Acme Foundation; Acme Foundation", ["Acme Foundation"], id="unknown-donor-twice"),
    pytest.param("Canada; Canada", ["Canada"], id="known-donor-twice"),
    pytest.param("Acme Foundation, Canada, ACME FOUNDATION", ["Acme Foundation", "Canada"], id="unknown-donor-twice-other-case"),
])
def test_donor_named_twice_counts_once(donors_text, expected, tmp_path):
    """Issue 11, defect 2: a repeated unknown donor repeated the donors
    table's key (activity_id+donor) and stopped the run."""
    from oaslib.clean.schema import TABLES, validate
    acts, donors, _ = parse(SHEET.replace("Canada", donors_text))
    assert donors["donor"].tolist() == expected
    assert acts["donors"].tolist() == [";".join(expected)]
    validate(donors, TABLES["donors"])


_PIECES = ["PROGRAM SUMMARY", "OBJECTIVES", "RESULTS", "Donor Countries", "OAS Pillar", "Date", "Name of Activity",
           "Target Beneficiaries", "Additional Information", "Completion to", "2/30/2017", "to", "http://", " ", "",
           "Security", "Choose an item", "Donor Countries Acme; Acme", "Date 1/1/2017 to 12/31/2017",
           "Canada; Canada      Donor Countries", "Security Port Evaluations", "7/1/2015 Date", "…in 2014.  The Resolution"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(SHEET.split("\n")), st.sampled_from(_PIECES), st.text(max_size=40)),
                max_size=150))
def test_any_lines_give_tables_that_validate(lines):
    """Whatever a text layer holds, the tables it gives pass their schema:
    no sheet stops the run."""
    from oaslib.clean.activities import build_programs
    from oaslib.clean.schema import TABLES, validate
    acts, donors, quality = build_activities([("f.txt", split_sheets(lines))])
    validate(acts, TABLES["activities"])
    validate(donors, TABLES["donors"])
    validate(build_programs(acts, donors), TABLES["programs"])
    validate(pd.DataFrame(quality, columns=TABLES["quality"].column_names), TABLES["quality"])


def test_a_wrapped_word_of_prose_is_no_heading():
    """'... with the following' / 'results:' - the word RESULTS in prose
    case, alone on a line, does not start a section (nor a new sheet)."""
    text = ("OAS Pillar Security\nName of Activity Port Evaluations\nDate 1/1/2017 to 12/31/2017\n"
            "Donor Countries Canada\n\nPROGRAM SUMMARY\nThe program runs in Panama.\n\nOBJECTIVES\n"
            "To strengthen port security in Panama.\n\nRESULTS\nThe program reached Panama with the following\n"
            "results:\n\n1) 122 port officers trained.\n")
    acts, _, _ = parse(text)
    assert len(acts) == 1
    assert acts.iloc[0]["results"].startswith("The program reached") and "122 port officers" in acts.iloc[0]["results"]


@pytest.mark.parametrize("wrapped, joined", [
    pytest.param("by training maritime/\nport security officials.", "maritime/port security", id="slash-at-line-end"),
    pytest.param("strategies /\nprograms / policies.", "strategies / programs / policies", id="spaced-slash-stays"),
    pytest.param("needs-\nassessment was done.", "needs-assessment", id="hyphen-at-line-end"),
])
def test_words_wrapped_at_a_slash_or_hyphen(wrapped, joined):
    from oaslib.clean.normalize import join_lines
    assert joined in join_lines(wrapped.split("\n"))


def test_paragraph_continued_over_a_page_break():
    """A page break leaves blank lines inside a paragraph: a line that runs
    to the margin mid-sentence goes on after them."""
    results = ("The program reached the port authorities of Panama and the officers trained in the use of the\n"
               "ISPS Code, with the cooperation of the national maritime authority and the customs service, and\n"
               "\n\n\n\n"
               "with the help of the donors.\n\nA second phase starts in 2018.\n")
    text = ("OAS Pillar Security\nName of Activity Port Evaluations\nDonor Countries Canada\n\nPROGRAM SUMMARY\n"
            "The program runs in Panama.\n\nOBJECTIVES\nTo strengthen port security in Panama.\n\nRESULTS\n" + results)
    acts, _, _ = parse(text)
    assert acts.iloc[0]["results"].split("\n\n") == [
        "The program reached the port authorities of Panama and the officers trained in the use of the ISPS Code, "
        "with the cooperation of the national maritime authority and the customs service, and with the help of the donors.",
        "A second phase starts in 2018."]


def test_a_list_item_after_a_page_break_is_an_item_of_its_own():
    """The page break falls between two items of a list: the first runs to
    the margin without a full stop, yet the next item is not its continuation."""
    results = ("The study covers these populations, each with its own questionnaire and sample design:\n\n"
               "• Population recently arrested in police stations in the capital and provinces\n"
               "\n\n\n\n"
               "• Mortality associated with consumption\n")
    text = ("OAS Pillar Security\nName of Activity Drug Studies\nDonor Countries Canada\n\nPROGRAM SUMMARY\n"
            "The program runs in Panama.\n\nOBJECTIVES\nTo study drug use in Panama.\n\nRESULTS\n" + results)
    acts, _, _ = parse(text)
    assert acts.iloc[0]["results"].split("\n\n")[1:] == [
        "• Population recently arrested in police stations in the capital and provinces",
        "• Mortality associated with consumption"]


# ------------------------------------------- the form as other extractors print it

# A sheet whose labels stand beside their values, as most extractors print it.
BESIDE = """\
OAS Pillar Security
Name of Activity Port Evaluations and Assessments
Date 1/1/2017 to 12/31/2017
Target Beneficiaries Port authorities of Panama
Additional Information http://www.oas.org/en/sms/cicte/ports.asp
Donor Countries Canada

PROGRAM SUMMARY
The Maritime Security Program has a three-phase activity programmed for Panama.

OBJECTIVES
To strengthen port security in Panama.

RESULTS
Two port assessments were carried out in Panama.
"""

BESIDE_ROW = {"pillar": "Security", "name": "Port Evaluations and Assessments", "start_date": "2017-01-01",
              "end_date": "2017-12-31", "beneficiaries": "Port authorities of Panama",
              "url": "http://www.oas.org/en/sms/cicte/ports.asp", "donors": "Canada",
              "summary": "The Maritime Security Program has a three-phase activity programmed for Panama.",
              "objectives": "To strengthen port security in Panama.",
              "results": "Two port assessments were carried out in Panama."}


def _beside(replace: dict[str, str]) -> str:
    text = BESIDE
    for a, b in replace.items():
        assert a in text, a
        text = text.replace(a, b)
    return text


@pytest.mark.parametrize("replace", [
    pytest.param({"OAS Pillar ": "OAS PILLAR: ", "Name of Activity ": "NAME OF ACTIVITY: ", "Date ": "DATE: ",
                  "Target Beneficiaries ": "TARGET BENEFICIARIES: ", "Additional Information ": "ADDITIONAL INFORMATION: ",
                  "Donor Countries ": "DONOR COUNTRIES: "}, id="labels-in-capitals-with-colons"),
    pytest.param({"Name of Activity ": "Name of activity: ", "Target Beneficiaries ": "Target beneficiaries: ",
                  "Donor Countries ": "Donor countries: "}, id="labels-in-sentence-case-with-colons"),
    pytest.param({"PROGRAM SUMMARY": "Program Summary:", "OBJECTIVES": "Objectives:", "RESULTS": "Results:"},
                 id="headings-in-title-case-with-colons"),
    pytest.param({"PROGRAM SUMMARY": "Program Summary", "OBJECTIVES": "Objectives", "RESULTS": "Results"},
                 id="headings-in-title-case"),
    pytest.param({"Name of Activity ": "Name of\nActivity\n", "Target Beneficiaries ": "Target\nBeneficiaries\n",
                  "Donor Countries ": "Donor\nCountries\n", "OAS Pillar ": "OAS Pillar\n", "Date ": "Date\n",
                  "Additional Information ": "Additional\nInformation\n"}, id="labels-wrapped-over-two-lines"),
    pytest.param({"OAS Pillar ": "OAS Pillar\t", "Name of Activity ": "Name of Activity\t\t",
                  "Date 1/1/2017 to 12/31/2017": "Date\t1/1/2017\tto\t12/31/2017"}, id="tab-separated"),
    pytest.param({"PROGRAM SUMMARY": "PROGRAMME SUMMARY", "OBJECTIVES": "OBJECTIVE", "RESULTS": "EXPECTED RESULTS"},
                 id="headings-programme-objective-expected-results"),
    pytest.param({"PROGRAM SUMMARY": "RESUMEN", "OBJECTIVES": "OBJETIVO", "RESULTS": "RESULTADOS ESPERADOS"},
                 id="spanish-short-headings"),
    pytest.param({"Name of Activity ": "Activity Name: ", "Target Beneficiaries ": "Target Beneficiary: ",
                  "Donor Countries ": "Donor Country: "}, id="label-words-of-other-form-versions"),
    pytest.param({"Donor Countries Canada": "Donors: Canada", "Target Beneficiaries ": "Beneficiaries: "},
                 id="generic-label-words-before-a-colon"),
    pytest.param({"Donor Countries Canada": "Donors\nCanada"}, id="generic-label-word-alone"),
    pytest.param({"Date 1/1/2017 to 12/31/2017": "Start Date: 1/1/2017\nEnd Date: 12/31/2017"},
                 id="start-and-end-date-boxes"),
    pytest.param({"Date 1/1/2017 to 12/31/2017": "Start Date 1/1/2017 End Date 12/31/2017"},
                 id="start-and-end-date-boxes-on-one-line"),
    pytest.param({"Date 1/1/2017 to 12/31/2017": "Fecha de inicio: 1/1/2017\nFecha de finalización: 31/12/2017"},
                 id="spanish-start-and-end-date-boxes"),
    pytest.param({"Date 1/1/2017 to 12/31/2017": "Date Jan-2017 to Dec-2017"}, id="month-hyphen-year"),
    pytest.param({"http://www.oas.org/en/sms/cicte/ports.asp": "<http://www.oas.org/en/sms/cicte/ports.asp>"},
                 id="link-in-angle-brackets"),
])
def test_form_labels_printed_otherwise(replace):
    row, _ = one(_beside(replace))
    want = dict(BESIDE_ROW)
    if "Jan-2017" in str(replace):
        want.update(start_date="2017-01", end_date="2017-12")
    assert {k: row[k] for k in BESIDE_ROW} == want


@pytest.mark.parametrize("date_line, start, end, swapped", [
    pytest.param("Date 2015-2017", "2015", "2017", False, id="years-joined-by-a-hyphen"),
    pytest.param("Date 1/1/2016-12/31/2016", "2016-01-01", "2016-12-31", False, id="dates-joined-by-a-hyphen"),
    pytest.param("Date 01/07/2015 - 31/12/2016", "2015-07-01", "2016-12-31", True,
                 id="day-first-end-makes-the-start-day-first"),
    pytest.param("Date 01.07.2015 al 30.06.2017", "2015-07-01", "2017-06-30", True, id="dotted-day-first-range"),
    pytest.param("Date 01.07.2015 al 01.06.2017", "2015-07-01", "2017-06-01", True, id="dotted-dates-are-day-first"),
    pytest.param("Date 25/3/2016\n\nto 6/4/2016", "2016-03-25", "2016-04-06", True,
                 id="day-first-start-makes-the-end-day-first"),
    pytest.param("Date March-June 2017", "2017-03", "2017-06", False, id="months-of-one-year"),
    pytest.param("Date March to June 2017", "2017-03", "2017-06", False, id="months-of-one-year-with-to"),
    pytest.param("Date 1-3 June 2018", "2018-06-01", "2018-06-03", False, id="days-of-one-month"),
    pytest.param("Fecha 1 al 3 de junio de 2018", "2018-06-01", "2018-06-03", False, id="days-of-one-month-spanish"),
    pytest.param("Date from March 2016 to date", "2016-03", None, False, id="to-date-open-end"),
])
def test_date_ranges_read_as_one(date_line, start, end, swapped):
    row, q = one(_beside({"Date 1/1/2017 to 12/31/2017": date_line}))
    assert (row["start_date"], row["end_date"] if pd.notna(row["end_date"]) else None) == (start, end)
    assert row["end_status"] == ("dated" if end else "ongoing")
    fields = set(q[q.problem == "day and month swapped: read as day/month"].field) if len(q) else set()
    assert fields == ({"start_date", "end_date"} if swapped else set())


@pytest.mark.parametrize("mark", [
    pytest.param("•", id="bullet"), pytest.param("▪", id="square-bullet"), pytest.param("●", id="black-circle"),
    pytest.param("*", id="asterisk"), pytest.param("-", id="hyphen"),
    pytest.param("1.", id="numbered-dot"), pytest.param("1)", id="numbered-bracket"), pytest.param("(i)", id="roman"),
])
def test_list_items_beside_their_labels_are_paragraphs(mark):
    """Each item of a list under OBJECTIVES is a paragraph of its own, an
    item wrapped over two lines one paragraph."""
    second = {"1.": "2.", "1)": "2)", "(i)": "(ii)"}.get(mark, mark)
    items = (f"{mark} To strengthen port security in Panama through assessments of its two\n"
             f"main ports.\n{second} To train port officers.")
    row, _ = one(_beside({"To strengthen port security in Panama.": items}))
    assert row["objectives"].split("\n\n") == [
        f"{mark} To strengthen port security in Panama through assessments of its two main ports.",
        f"{second} To train port officers."]


def test_label_column_then_value_column_with_blank_lines_between_values():
    """pdfminer's order: the label column, then the value column, a blank
    line after every line; the texts are short, so most lines of the layer
    are a blank line apart and a blank line cannot tell one value from the
    next."""
    labels = ["OAS Pillar", "Name of Activity", "Date", "Target Beneficiaries", "Additional Information",
              "Donor Countries"]
    values = ["Security", "Port Evaluations and Assessments", "1/1/2017 to 12/31/2017", "Port authorities of Panama",
              "http://www.oas.org/en/sms/cicte/ports.asp", "Canada"]
    text = "\n\n".join(labels + values) + "\n\n" + BESIDE[BESIDE.index("PROGRAM SUMMARY"):]
    row, _ = one(text)
    assert {k: row[k] for k in BESIDE_ROW} == BESIDE_ROW


def test_a_file_of_two_member_states_sheets():
    """A file that gathers sheets of two member states: a sheet that never
    names the document's member state and plainly names another is that
    one's, with a quality row; the document's own sheets stay its own."""
    other = BESIDE.replace("Panama", "El Salvador").replace("Canada", "Spain")
    acts, _, q = parse(BESIDE + "\n" + BESIDE.replace("Canada", "Italy") + "\n" + other)
    assert acts["country"].tolist() == ["Panama", "Panama", "El Salvador"]
    assert acts["activity_id"].str[:3].tolist() == ["PAN", "PAN", "SLV"]
    hit = q[q.problem == "sheet of another member state than the document"]
    assert hit["sheet_no"].tolist() == [3] and hit["text"].iloc[0] == "El Salvador; the document's: Panama"


def test_a_sheet_naming_no_member_state_keeps_its_documents():
    acts, _, _ = parse(BESIDE + "\n" + BESIDE.replace("Panama", "the region").replace("Canada", "Italy"))
    assert acts["country"].tolist() == ["Panama", "Panama"]


@pytest.mark.parametrize("name_lines, name, broken", [
    pytest.param("Name of Activity Port Evaluations and Assess-\n                 ments", "Port Evaluations and Assess-ments",
                 "Assess-ments", id="word-broken-at-a-hyphen-kept-and-noted"),
    pytest.param("Name of Activity Port Evaluations and Inter-\n                 Agency Assessments",
                 "Port Evaluations and Inter-Agency Assessments", None, id="compound-with-capital-kept"),
    pytest.param("Name of Activity Port Evaluations and\n                 Assessments", "Port Evaluations and Assessments",
                 None, id="plain-wrap"),
])
def test_name_wrapped_over_lines(name_lines, name, broken):
    row, q = one(_beside({"Name of Activity Port Evaluations and Assessments": name_lines}))
    assert row["name"] == name
    hits = q[q.problem == "word broken at a line-end hyphen: hyphen kept"] if len(q) else q
    assert (hits["text"].tolist() if len(hits) else []) == ([broken] if broken else [])


def test_pillar_and_name_without_their_labels_start_a_form():
    """Sheets printed one after another without a blank line, the pillar
    and name on the first line without their labels: that line starts the
    next form (a guess, noted), it does not end the last RESULTS."""
    def unlabelled(text):
        return text.replace("OAS Pillar Security\nName of Activity ", "Security ").replace("\n\n", "\n")
    second = unlabelled(BESIDE.replace("Port Evaluations and Assessments", "Maritime Security Training")
                        .replace("Canada", "Italy"))
    acts, _, q = parse(unlabelled(BESIDE) + second)
    assert acts["name"].tolist() == ["Port Evaluations and Assessments", "Maritime Security Training"]
    assert acts["pillar"].tolist() == ["Security", "Security"]
    assert acts["results"].tolist() == ["Two port assessments were carried out in Panama."] * 2
    assert (q[q.problem == "field guessed"].field == "pillar").sum() == 2


@pytest.mark.parametrize("second, duplicate", [
    pytest.param({"To strengthen port security in Panama.": "To train port officers of Panama."}, False,
                 id="short-texts-that-differ-are-two-sheets"),
    pytest.param({"Canada": "Italy"}, True, id="short-texts-the-same-a-duplicate"),
])
def test_duplicates_of_sheets_with_short_texts(second, duplicate):
    acts, _, _ = parse(BESIDE + "\n" + _beside(second))
    assert acts["duplicate_of"].notna().tolist() == [False, duplicate]


def test_sheets_without_any_text_are_no_duplicates():
    fields = BESIDE[:BESIDE.index("PROGRAM SUMMARY")]
    acts, _, _ = parse(fields + "PROGRAM SUMMARY\n\n" + fields.replace("Canada", "Italy") + "PROGRAM SUMMARY\n")
    assert len(acts) == 2 and acts["duplicate_of"].isna().all()


def test_a_sentence_opening_with_results_and_a_colon_is_no_heading():
    row, _ = one(_beside({"Two port assessments": "Results: two port assessments"}))
    assert row["results"] == "Results: two port assessments were carried out in Panama."


@pytest.mark.parametrize("replace, field", [
    pytest.param({"Canada": "N/A"}, "donors", id="donors-n-a"),
    pytest.param({"Canada": "None"}, "donors", id="donors-none"),
    pytest.param({"http://www.oas.org/en/sms/cicte/ports.asp": "N/A"}, "url", id="link-n-a"),
    pytest.param({"Port authorities of Panama": "No aplica"}, "beneficiaries", id="beneficiaries-no-aplica"),
    pytest.param({"1/1/2017 to 12/31/2017": "N/A"}, "start_date", id="date-n-a"),
])
def test_a_box_that_says_none(replace, field):
    """'N/A' is no donor named N and one named A, no link, no date: the
    box is empty and the quality table says the form said so."""
    acts, donors, q = parse(_beside(replace))
    row = acts.iloc[0]
    column = {"start_date": "start_date"}.get(field, field)
    assert pd.isna(row[column])
    if field == "donors":
        assert donors.empty
    hit = q[(q.field == field) & (q.problem == "the form says none")]
    assert len(hit) == 1


@pytest.mark.parametrize("link, url", [
    pytest.param("www.oas.org/dsp/ports.asp.", "http://www.oas.org/dsp/ports.asp", id="sentence-period"),
    pytest.param("http://www.oas.org/dsp/ports.asp;", "http://www.oas.org/dsp/ports.asp", id="semicolon"),
    pytest.param("(http://www.oas.org/dsp/ports.asp)", None, id="in-brackets-not-a-url-start"),
    pytest.param("http://en.wikipedia.org/wiki/Port_(disambiguation)", "http://en.wikipedia.org/wiki/Port_(disambiguation)",
                 id="bracket-of-the-link-kept"),
])
def test_punctuation_after_a_link(link, url):
    row, _ = one(_beside({"http://www.oas.org/en/sms/cicte/ports.asp": link}))
    assert (row["url"] if pd.notna(row["url"]) else None) == url


def test_two_column_layout_with_label_cells_wrapped():
    """pdftotext -layout of the form's table: a label cell wrapped over two
    lines beside a value cell that wraps too."""
    text = _beside({
        "Target Beneficiaries Port authorities of Panama":
            "Target                     Port authorities and maritime\nBeneficiaries              police of Panama",
        "Additional Information http://www.oas.org/en/sms/cicte/ports.asp":
            "Additional                 http://www.oas.org/en/sms/cicte/\nInformation                ports.asp",
        "Donor Countries Canada": "Donor                      Canada\nCountries"})
    row, _ = one(text)
    assert row["beneficiaries"] == "Port authorities and maritime police of Panama"
    assert row["url"] == "http://www.oas.org/en/sms/cicte/ports.asp"
    assert row["donors"] == "Canada"


def test_a_row_of_the_form_printed_on_one_line():
    """pypdf's plain mode joins a row of the form's table into one line:
    each label there takes the text up to the next."""
    text = _beside({"OAS Pillar Security\nName of Activity Port Evaluations and Assessments\nDate 1/1/2017 to 12/31/2017\n":
                    "OAS Pillar Security Name of Activity Port Evaluations and Assessments Date 1/1/2017 to 12/31/2017\n",
                    "Port authorities of Panama\nAdditional Information": "Port authorities of Panama Additional Information"})
    row, _ = one(text)
    assert {k: row[k] for k in BESIDE_ROW} == BESIDE_ROW


@pytest.mark.parametrize("name", [
    pytest.param("Date Palm Growers Security Training", id="date-word-before-no-date"),
    pytest.param("Review of the Donor Countries Network", id="donor-countries-before-no-donors"),
])
def test_a_labels_words_inside_a_value_stay_there(name):
    row, _ = one(_beside({"Port Evaluations and Assessments": name}))
    assert row["name"] == name


@pytest.mark.parametrize("sentence", [
    pytest.param("Donors: Canada funded two port assessments", id="donors-then-a-sentence"),
    pytest.param("Beneficiaries: two port assessments", id="beneficiaries-then-a-sentence"),
])
def test_a_generic_label_word_opening_a_sentence_is_no_label(sentence):
    acts, _, _ = parse(_beside({"Two port assessments": sentence}))
    assert len(acts) == 1 and acts.iloc[0]["results"].startswith(sentence)
    assert acts.iloc[0]["donors"] == "Canada"


def test_two_links_in_the_box():
    row, q = one(_beside({"http://www.oas.org/en/sms/cicte/ports.asp":
                          "http://www.oas.org/en/sms/cicte/ports.asp; http://www.cicte.oas.org"}))
    assert row["url"] == "http://www.oas.org/en/sms/cicte/ports.asp"
    hit = q[(q.field == "url") & (q.problem == "second value for the field")]
    assert hit["text"].tolist() == ["http://www.cicte.oas.org"]


@pytest.mark.parametrize("heading", [
    pytest.param("{}", id="heading-cell-in-capitals"),
    pytest.param("{title}:", id="heading-cell-in-title-case-with-colon"),
    pytest.param("{title}", id="heading-cell-in-title-case"),
])
def test_headings_and_labels_in_the_left_cell_of_a_two_column_layout(heading):
    """pdftotext -layout of a form whose headings are the left cells of
    table rows: the heading and the start of its text on one line, the
    text's other lines indented under it; a label in prose case too."""
    out = _beside({"Target Beneficiaries ": "Target beneficiaries      "})
    out = out[:out.index("PROGRAM SUMMARY")]
    for h, field in (("PROGRAM SUMMARY", "summary"), ("OBJECTIVES", "objectives"), ("RESULTS", "results")):
        cells = textwrap.wrap(BESIDE_ROW[field], 50)
        out += f"{heading.format(h, title=h.title()):<22}{cells[0]}\n" + "".join(" " * 22 + c + "\n" for c in cells[1:]) + "\n"
    row, _ = one(out)
    assert {k: row[k] for k in BESIDE_ROW} == BESIDE_ROW


FRENCH = """\
Pilier de l'OEA              Sécurité
Nom de l'activité            Renforcement de la Police nationale d'Haïti
Date                         1er janvier 2016 au 31 décembre 2017
Bénéficiaires                Police nationale d'Haïti (PNH)
Informations complémentaires http://www.oas.org/dsp/francais/haiti.asp
Pays donateurs               Canada; France

RÉSUMÉ DU PROGRAMME
Le Département de la sécurité publique appuie la Police nationale d'Haïti.

OBJECTIFS
Renforcer les capacités de gestion de la PNH en Haïti.

RÉSULTATS
Cent cinquante cadres haïtiens ont été formés.
"""

PORTUGUESE = """\
Pilar da OEA: Segurança
Nome da Atividade: Programa de Prevenção da Violência em Escolas
Data: 1 de março de 2016 até 28 de fevereiro de 2018
Beneficiários: Secretarias estaduais de educação do Brasil
Informações Adicionais: http://www.oas.org/dsp/portugues/escolas.asp
Países Doadores: Estados Unidos; Canadá

RESUMO DO PROGRAMA
O Departamento de Segurança Pública apoia o Brasil na prevenção da violência nas escolas.

OBJETIVOS
Reduzir a violência nas escolas do Brasil.

RESULTADOS
Trezentas escolas do Brasil adotaram o protocolo.
"""


@pytest.mark.parametrize("text, country, name, start, end, donors", [
    pytest.param(FRENCH, "Haiti", "Renforcement de la Police nationale d'Haïti", "2016-01-01", "2017-12-31",
                 "Canada;France", id="french-form"),
    pytest.param(PORTUGUESE, "Brazil", "Programa de Prevenção da Violência em Escolas", "2016-03-01", "2018-02-28",
                 "United States;Canada", id="portuguese-form"),
])
def test_the_form_in_the_other_official_languages(text, country, name, start, end, donors):
    row, _ = one(text)
    assert (row["country"], row["pillar"], row["name"]) == (country, "Security", name)
    assert (row["start_date"], row["end_date"], row["donors"]) == (start, end, donors)
    assert row["url"].startswith("http://www.oas.org/dsp/")
    assert all(isinstance(row[f], str) for f in ("beneficiaries", "summary", "objectives", "results"))


def test_page_in_pdfminer_order_labels_headings_values_texts():
    """pdfminer's order of a whole page: the label column, the headings one
    under another, the values in the labels' order, then the three texts
    with no blank line between them."""
    labels = ["OAS Pillar", "Name of Activity", "Date", "Target Beneficiaries", "Additional Information",
              "Donor Countries"]
    values = [BESIDE_ROW[k] for k in ("pillar", "name")] + ["1/1/2017 to 12/31/2017"] + \
        [BESIDE_ROW[k] for k in ("beneficiaries", "url", "donors")]
    texts = [BESIDE_ROW[k] for k in ("summary", "objectives", "results")]
    page = labels + ["PROGRAM SUMMARY", "OBJECTIVES", "RESULTS"] + values + texts
    row, _ = one("\n".join(page) + "\n")
    assert {k: row[k] for k in BESIDE_ROW} == BESIDE_ROW


@pytest.mark.parametrize("end_line, end_date", [
    pytest.param("31/12/2017 a", "2017-12-31", id="spanish-end-date-before-a"),
    pytest.param("Finalización a", None, id="spanish-completion-placeholder"),
    pytest.param("Continuo a", None, id="spanish-continuous"),
])
def test_spanish_form_apart_from_its_values(end_line, end_date):
    """The bundled layout (labels in a block, values around it) of the
    Spanish form, whose date box prints 'a' where the English prints 'to'."""
    text = SHEET
    for en, es in (("PROGRAM SUMMARY", "RESUMEN DEL PROGRAMA"), ("OBJECTIVES", "OBJETIVOS"),
                   ("RESULTS", "RESULTADOS"), ("OAS Pillar", "Pilar de la OEA"),
                   ("Name of Activity", "Nombre de la Actividad"), ("Date \n", "Fecha \n"),
                   ("Target Beneficiaries", "Beneficiarios"), ("Additional Information", "Información Adicional"),
                   ("Donor Countries", "Países Donantes"), ("12/31/2017 to", end_line)):
        assert en in text
        text = text.replace(en, es)
    row, _ = one(text)
    assert (row["end_date"] if pd.notna(row["end_date"]) else None) == end_date
    assert row["summary"].startswith("The Maritime Security Program")
    assert row["donors"] == "Canada"
