"""Dates and donors as the sheets write them: one form per case."""
import pytest

from oaslib.clean.normalize import (DAY_MONTH_SWAPPED, is_date_like, parse_date, parse_date_range,
                                    parse_donors, split_donor_lines)

# ------------------------------------------------------------ one date

DATES = [
    pytest.param("1/1/2017", "2017-01-01", id="M/D/YYYY"),
    pytest.param("12/31/2017", "2017-12-31", id="M/D/YYYY-day-above-12"),
    pytest.param("7/1/2020", "2020-07-01", id="M/D-read-month-first-when-both-fit"),
    pytest.param("6/19/15", "2015-06-19", id="M/D/YY"),
    pytest.param("1/1/99", "1999-01-01", id="M/D/YY-last-century"),
    pytest.param("06-19-2015", "2015-06-19", id="M-D-YYYY-hyphens"),
    pytest.param("June 19, 2015", "2015-06-19", id="Month-D-comma-YYYY"),
    pytest.param("June 19 2015", "2015-06-19", id="Month-D-YYYY-no-comma"),
    pytest.param("Sept. 5, 2016", "2016-09-05", id="abbreviated-month-with-dot"),
    pytest.param("June 19th, 2015", "2015-06-19", id="ordinal-day"),
    pytest.param("19 June 2015", "2015-06-19", id="D-Month-YYYY"),
    pytest.param("5-Jun-2016", "2016-06-05", id="D-Mon-YYYY"),
    pytest.param("19 de junio de 2015", "2015-06-19", id="spanish-D-de-mes-de-YYYY"),
    pytest.param("1º de septiembre de 2016", "2016-09-01", id="spanish-ordinal-first"),
    pytest.param("19 de setiembre de 2015", "2015-09-19", id="spanish-setiembre"),
    pytest.param("2015-06-19", "2015-06-19", id="ISO"),
    pytest.param("2015-06", "2015-06", id="ISO-year-month"),
    pytest.param("June 2015", "2015-06", id="Month-YYYY"),
    pytest.param("junio de 2015", "2015-06", id="spanish-mes-de-YYYY"),
    pytest.param("6/2015", "2015-06", id="M/YYYY"),
    pytest.param("2015", "2015", id="bare-year"),
    pytest.param("1998.", "1998", id="bare-year-with-full-stop"),
    pytest.param("  1/1/2017  ", "2017-01-01", id="padded-by-layout"),
    pytest.param("12/31/2017 to", "2017-12-31", id="form-to-after-the-date"),
    pytest.param("to 7/1/2020", "2020-07-01", id="form-to-before-the-date"),
    pytest.param("From 1/1/2017", "2017-01-01", id="from-before-the-date"),
    pytest.param("desde el 1/1/2017", "2017-01-01", id="spanish-desde-el"),
]


@pytest.mark.parametrize("text, iso", DATES)
def test_parse_date(text, iso):
    d = parse_date(text)
    assert (d.value, d.problem) == (iso, None)
    assert is_date_like(text)


OPEN_ENDS = [
    pytest.param("Continuous Program", id="continuous-program"),
    pytest.param("Continuo", id="spanish-continuo"),
    pytest.param("Ongoing", id="ongoing"),
    pytest.param("On-going", id="on-going"),
    pytest.param("En curso", id="spanish-en-curso"),
    pytest.param("to Present", id="to-present"),
    pytest.param("Present", id="present"),
    pytest.param("to date", id="to-date"),
    pytest.param("hasta la fecha", id="spanish-hasta-la-fecha"),
]


@pytest.mark.parametrize("text", OPEN_ENDS)
def test_open_end_words(text):
    d = parse_date(text)
    assert d.ongoing and d.value is None and d.problem is None
    r = parse_date_range(text)
    assert r.open_end and r.start.empty


PROBLEMS = [
    pytest.param("19/6/2015", "2015-06-19", DAY_MONTH_SWAPPED, id="day-first-only-reading-is-flagged"),
    pytest.param("31/12/17", "2017-12-31", DAY_MONTH_SWAPPED, id="day-first-two-digit-year"),
    pytest.param("2/30/2017", None, "impossible date", id="february-30"),
    pytest.param("13/13/2015", None, "impossible date", id="no-month-13-either-way"),
    pytest.param("sometime in spring", None, "unparseable date", id="prose"),
    pytest.param("Smarch 3, 2015", None, "unparseable date", id="unknown-month"),
    pytest.param("1/1/2017 to 12/31/2017", None, "a date range where one date was expected",
                 id="range-where-one-date-expected"),
]


@pytest.mark.parametrize("text, iso, problem", PROBLEMS)
def test_date_problems(text, iso, problem):
    d = parse_date(text)
    assert (d.value, d.problem) == (iso, problem)


@pytest.mark.parametrize("text, field", [
    pytest.param("Commencement", "start_date", id="start-placeholder"),
    pytest.param("Completion to", "end_date", id="end-placeholder-with-to"),
    pytest.param("Finalización", "end_date", id="spanish-end-placeholder"),
])
def test_date_placeholders(text, field):
    d = parse_date(text)
    assert d.placeholder and d.placeholder_for == field and d.value is None


@pytest.mark.parametrize("text", [
    pytest.param("Date", id="the-label"),
    pytest.param("OAS Pillar", id="another-label"),
    pytest.param("Canada", id="a-donor"),
    pytest.param("Security", id="a-pillar"),
    pytest.param("Police officers of 2017 graduating class", id="year-inside-text"),
    pytest.param("x" * 500, id="long-line"),
])
def test_not_date_like(text):
    assert not is_date_like(text)


# --------------------------------------------------------------- ranges

RANGES = [
    pytest.param("1/1/2017 to 12/31/2017", "2017-01-01", "2017-12-31", None, id="M/D-to-M/D"),
    pytest.param("1/1/2017 - 12/31/2017", "2017-01-01", "2017-12-31", None, id="spaced-hyphen"),
    pytest.param("1/1/2017 – 12/31/2017", "2017-01-01", "2017-12-31", None, id="en-dash"),
    pytest.param("1/1/2017-12/31/2017", "2017-01-01", "2017-12-31", None, id="unspaced-hyphen"),
    pytest.param("2017-2019", "2017", "2019", None, id="year-range"),
    pytest.param("2017-01-01 to 2017-12-31", "2017-01-01", "2017-12-31", None, id="ISO-to-ISO"),
    pytest.param("from June 2015 through May 2016", "2015-06", "2016-05", None, id="from-through"),
    pytest.param("June 19, 2015 to July 1, 2020", "2015-06-19", "2020-07-01", None, id="commas-inside-dates"),
    pytest.param("del 1 de enero de 2017 al 31 de diciembre de 2017", "2017-01-01", "2017-12-31", None,
                 id="spanish-del-al"),
    pytest.param("desde 1/1/2017 hasta 12/31/2017", "2017-01-01", "2017-12-31", None, id="spanish-desde-hasta"),
    pytest.param("1/1/2017 to Present", "2017-01-01", None, None, id="open-end-present"),
    pytest.param("1998 - Continuous Program", "1998", None, None, id="open-end-continuous"),
    pytest.param("1/1/2017 a En curso", "2017-01-01", None, None, id="open-end-spanish"),
    pytest.param("7/1/2020 to", "2020-07-01", None, "after", id="lone-date-before-to"),
    pytest.param("to 7/1/2020", None, "2020-07-01", "before", id="lone-date-after-to"),
    pytest.param("1/1/2017", "2017-01-01", None, None, id="single-date-is-a-start"),
]


@pytest.mark.parametrize("text, start, end, to", RANGES)
def test_parse_date_range(text, start, end, to):
    r = parse_date_range(text)
    assert (r.start.value, r.end.value, r.to) == (start, end, to)
    assert r.problem is None
    assert r.open_end == any(w in text for w in ("Present", "Continuous", "En curso"))
    assert is_date_like(text)


def test_range_with_a_day_first_end_keeps_the_problem():
    r = parse_date_range("1/1/2017 to 31/12/2017")
    assert r.end.value == "2017-12-31" and r.problem == DAY_MONTH_SWAPPED


# --------------------------------------------------------------- donors

DONORS = [
    pytest.param("Canada", ["Canada"], id="one"),
    pytest.param("Canada; Italy", ["Canada", "Italy"], id="semicolon"),
    pytest.param("Canada, Italy", ["Canada", "Italy"], id="comma"),
    pytest.param("Canada/Italy", ["Canada", "Italy"], id="slash"),
    pytest.param("Canada & Italy", ["Canada", "Italy"], id="ampersand"),
    pytest.param("Canada and Italy", ["Canada", "Italy"], id="and"),
    pytest.param("Canadá y España", ["Canada", "Spain"], id="spanish-y"),
    pytest.param("España e Italia", ["Spain", "Italy"], id="spanish-e-before-i"),
    pytest.param("Canada\nItaly", ["Canada", "Italy"], id="one-per-line"),
    pytest.param("Canada, Italy and Spain", ["Canada", "Italy", "Spain"], id="mixed-separators"),
    pytest.param("Canada Italy", ["Canada", "Italy"], id="lines-joined-with-a-space"),
    pytest.param("United States Mexico Chile Trinidad and Tobago",
                 ["United States", "Mexico", "Chile", "Trinidad and Tobago"], id="joined-with-and-inside-a-name"),
    pytest.param("Banco de Desarrollo de América Latina (CAF) Italia Honduras",
                 ["Development Bank of Latin America (CAF)", "Italy", "Honduras"], id="joined-spanish-names"),
    pytest.param("Canada;", ["Canada"], id="trailing-separator"),
    pytest.param("Canada, Canada", ["Canada"], id="repeated-donor-once"),
    pytest.param("Italia", ["Italy"], id="spanish-italia"),
    pytest.param("Estados Unidos", ["United States"], id="spanish-estados-unidos"),
    pytest.param("Canadá", ["Canada"], id="spanish-canada-accent"),
    pytest.param("España", ["Spain"], id="spanish-espana"),
    pytest.param("Unión Europea", ["European Union"], id="spanish-union-europea"),
    pytest.param("Unión Europea (UE)", ["European Union"], id="spanish-with-acronym"),
    pytest.param("Banco de Desarrollo de América Latina (CAF)", ["Development Bank of Latin America (CAF)"],
                 id="spanish-caf"),
    pytest.param("Banco Interamericano de Desarrollo", ["Inter-American Development Bank (IDB)"], id="spanish-bid"),
    pytest.param("Reino Unido", ["United Kingdom"], id="spanish-reino-unido"),
    pytest.param("Países Bajos", ["Netherlands"], id="spanish-paises-bajos"),
    pytest.param("República de Corea", ["Republic of Korea"], id="spanish-corea"),
    pytest.param("Santa Sede", ["Holy See"], id="spanish-santa-sede"),
    pytest.param("México", ["Mexico"], id="spanish-member-state"),
    pytest.param("Naciones Unidas", ["United Nations (UN)"], id="spanish-naciones-unidas"),
    pytest.param("Trinidad and Tobago", ["Trinidad and Tobago"], id="and-inside-a-name"),
    pytest.param("Trinidad y Tobago", ["Trinidad and Tobago"], id="y-inside-a-name"),
    pytest.param("San Vicente y las Granadinas, Canadá", ["Saint Vincent and the Grenadines", "Canada"],
                 id="y-inside-a-name-then-comma"),
    pytest.param("Antigua & Barbuda", ["Antigua and Barbuda"], id="ampersand-inside-a-name"),
    pytest.param("Bosnia y Herzegovina", ["Bosnia and Herzegovina"], id="observer-with-y"),
    pytest.param("Korea, Republic of", ["Republic of Korea"], id="comma-inside-a-name"),
    pytest.param("Government of Canada", ["Canada"], id="government-of"),
    pytest.param("Gobierno de Italia", ["Italy"], id="spanish-gobierno-de"),
    pytest.param("Gobierno de los Estados Unidos de América", ["United States"], id="spanish-gobierno-de-los"),
    pytest.param("Gobierno de la República de Corea", ["Republic of Korea"], id="spanish-gobierno-de-la"),
    pytest.param("USAID", ["United States"], id="agency-of-a-member-state"),
    pytest.param("Global Affairs Canada", ["Canada"], id="ministry-of-a-member-state"),
    pytest.param("Spain (AECID)", ["Spain"], id="country-with-agency"),
    pytest.param("People’s Republic of China", ["China"], id="curly-apostrophe"),
    pytest.param("European Union-Panama", ["European Union"], id="donor-dash-member-state"),
    pytest.param("Unión Europea – Perú, Canada", ["European Union", "Canada"], id="donor-en-dash-member-state-spanish"),
    pytest.param("APC-Colombia", ["Colombia"], id="dash-inside-an-agency-name"),
]


@pytest.mark.parametrize("text, names", DONORS)
def test_parse_donors(text, names):
    donors, unknown = parse_donors(text)
    assert [d.name for d in donors] == names and unknown == []


@pytest.mark.parametrize("text", [
    pytest.param("Fundación Canadá", id="unknown-name-holding-a-country"),
    pytest.param("Canada Foundation", id="country-then-unknown-word"),
])
def test_names_are_not_split_into_donors_unless_every_piece_is_one(text):
    donors, unknown = parse_donors(text)
    assert [d.kind for d in donors] == ["other"] and unknown == [text]


def test_unknown_donor_is_kept_as_other():
    donors, unknown = parse_donors("Fundación Ejemplo, Canada")
    assert [(d.name, d.kind) for d in donors] == [("Fundación Ejemplo", "other"), ("Canada", "member state")]
    assert unknown == ["Fundación Ejemplo"]


@pytest.mark.parametrize("lines, texts", [
    pytest.param(["Canada", "Italy"], ["Canada", "Italy"], id="one-per-line"),
    pytest.param(["Banco de Desarrollo de", "América Latina (CAF)", "Italia"],
                 ["Banco de Desarrollo de América Latina (CAF)", "Italia"], id="name-wrapped-over-lines"),
    pytest.param(["Trinidad and", "Tobago"], ["Trinidad and Tobago"], id="name-wrapped-at-and"),
    pytest.param(["Canada, Italy", "", "Spain"], ["Canada, Italy", "Spain"], id="several-on-a-line-and-blank"),
    pytest.param(["United States", "Canada"], ["United States", "Canada"], id="two-names-not-joined"),
])
def test_split_donor_lines(lines, texts):
    assert split_donor_lines(lines) == texts


# ----------------------------------------------------------- any text

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["1/1/2017", "to", "-", "–", "de", "junio", "2015", "19", ",", "Present", "(", ")",
                           "Canada", "y", "and", "/", "&", ";", "\n", "Trinidad", "Tobago", "Banco de",
                           "Completion", "del", "al", "31/12/17", "Government of", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=12).map(" ".join))
def test_any_text_gives_values_or_problems_never_an_exception(text):
    r = parse_date_range(text)
    for d in (r.start, r.end, parse_date(text)):
        assert d.value is None or d.value[:4].isdigit()
    is_date_like(text)
    donors, unknown = parse_donors(text)
    assert {u for u in unknown} <= {d.name for d in donors}
    split_donor_lines(text.split("\n"))


@pytest.mark.parametrize("text, texts", [
    pytest.param("EE.UU.; Gobierno de México", ["EE.UU.", "Gobierno de México"], id="spanish-abbreviation-keeps-its-dot"),
    pytest.param("U.S.", ["U.S."], id="abbreviation-alone"),
    pytest.param("Canada; Italy.", ["Canada", "Italy"], id="sentence-period-goes"),
    pytest.param("U.S. Department of State.", ["U.S. Department of State"], id="period-after-a-name-goes"),
])
def test_donor_text_as_printed(text, texts):
    """donor_text is the donor as the sheet names it: an abbreviation's
    dots are part of it, the period that ends the box is not."""
    donors, _ = parse_donors(text)
    assert [d.text for d in donors] == texts
