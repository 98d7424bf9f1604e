"""The analyst's functions (oaslib.explore): typed tables, the worked
questions of explore.ipynb, search, and the charts, on small tables written
out here one quirk per case, and on the bundled data."""
import matplotlib

matplotlib.use("Agg")  # these tests draw off screen; the notebook test draws inline

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from oaslib import explore  # noqa: E402
from oaslib.clean import store  # noqa: E402
from oaslib.errors import SchemaError, UsageError  # noqa: E402

T = pd.Timestamp


def sheets(*rows) -> pd.DataFrame:
    """Activities rows with the columns the functions read; each row names only what its case is about."""
    base = {"activity_id": None, "country": "Panama", "program": "P", "program_id": None, "pillar": None,
            "start_date": None, "end_date": None, "summary": None,
            "objectives": None, "results": None, "name": None, "duplicate_of": None}
    out = []
    for i, r in enumerate(rows):
        r = {**base, **r}
        r.setdefault("end_status", "dated" if r["end_date"] else "unspecified")  # as the cleaner sets it
        r["activity_id"] = r["activity_id"] or f"A{i}"
        r["program_id"] = r["program_id"] or f"id-{r['program']}"
        out.append(r)
    return pd.DataFrame(out).astype("string")


# ------------------------------------------------------------------ dtypes

@pytest.mark.parametrize("raw, first, last", [
    pytest.param("2017-06-30", T("2017-06-30"), T("2017-06-30"), id="full-date"),
    pytest.param("2017-02", T("2017-02-01"), T("2017-02-28"), id="month-only"),
    pytest.param("1998", T("1998-01-01"), T("1998-12-31"), id="bare-year"),
    pytest.param(None, pd.NaT, pd.NaT, id="not-given"),
])
def test_date_bounds(raw, first, last):
    s = pd.Series([raw], dtype="string", name="start_date")
    got = (explore.date_bounds(s).iloc[0], explore.date_bounds(s, end=True).iloc[0])
    assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in (first, last)]


def test_date_bounds_names_a_value_that_is_no_iso_date():
    with pytest.raises(SchemaError, match="end_date: not an ISO date: '30/06/2017'"):
        explore.date_bounds(pd.Series(["2017-06-30", "30/06/2017"], dtype="string", name="end_date"))


def test_categories_are_the_values_present_declared_order_first():
    s = explore.as_category(pd.Series(["ongoing", None, "dated", "paused"], dtype="string"),
                            ["dated", "ongoing", "unspecified"])
    assert list(s.cat.categories) == ["dated", "ongoing", "paused"]  # no empty 'unspecified'; nothing lost
    assert s.isna().tolist() == [False, True, False, False]


def test_load_functions_type_the_tables_the_briefs_keep_strings(bundled_clean):
    import oaslib
    acts = oaslib.load_activities(bundled_clean)
    for col in ("country", "pillar", "end_status"):
        assert acts[col].dtype == "category", col
    assert str(acts.start.dtype).startswith("datetime64") and str(acts.end.dtype).startswith("datetime64")
    cols = list(acts.columns)
    assert cols.index("start") == cols.index("start_date") + 1 and cols.index("end") == cols.index("end_date") + 1
    assert oaslib.load_donors(bundled_clean).donor_kind.dtype == "category"
    assert oaslib.load_mispa(bundled_clean).agency.dtype == "category"
    assert oaslib.load_programs(bundled_clean).pillar.dtype == "category"
    stored = store.read_table("activities", bundled_clean)
    assert stored.country.dtype == "string" and "start" not in stored.columns
    # the typed frame holds the same values as the stored one
    assert acts.country.astype("string").equals(stored.country)


# ----------------------------------------------------------- the questions

def test_programs_by_counts_each_program_once_per_member_state():
    a = sheets({"program": "Ports", "pillar": "Security"},
               {"program": "Ports", "pillar": "Security", "duplicate_of": "A0"},   # filed twice
               {"program": "Ports", "pillar": "Security", "country": "El Salvador"},
               {"program": "Drugs", "pillar": None})                                # pillar left blank
    t = explore.programs_by(explore.typed(a), "country", "pillar")
    assert list(t.columns) == ["Security", "(not given)", "total"]
    assert t.loc["Panama"].tolist() == [1, 1, 2] and t.loc["El Salvador"].tolist() == [1, 0, 1]
    assert t.index[0] == "Panama"


def test_who_funds_what():
    a = sheets({"program": "Ports"}, {"program": "Ports", "country": "El Salvador"},
               {"program": "Drugs"}, {"program": "Drugs", "duplicate_of": "A2"})
    d = pd.DataFrame({"activity_id": ["A0", "A1", "A2", "A3", "A2"],
                      "donor": ["Canada", "Canada", "Canada", "Canada", "European Union"],
                      "donor_kind": ["member state"] * 4 + ["permanent observer"]})
    w = explore.who_funds_what(a, d)
    assert w.donor.tolist() == ["Canada", "European Union"]
    canada = w.iloc[0]
    assert canada.programs == 2 and canada.member_states == "El Salvador; Panama"
    assert canada.program_names == "Drugs; Ports"
    assert explore.donors_by_kind(w).programs_funded.to_dict() == {"member state": 2, "permanent observer": 1}


def test_program_spans_over_a_programs_sheets():
    a = sheets({"program": "Ports", "start_date": "2015-07-01", "end_date": "2017-06-30", "end_status": "dated"},
               {"program": "Ports", "country": "El Salvador", "start_date": "2016", "end_date": None},
               {"program": "MEM", "start_date": "1998", "end_status": "ongoing"},
               {"program": "Undated"})
    s = explore.program_spans(a).set_index("program")
    assert s.loc["Ports", "start"] == T("2015-07-01") and s.loc["Ports", "end"] == T("2017-06-30")
    assert not s.loc["Ports", "open_end"]          # one sheet gives the end, the other none
    assert s.loc["MEM", "open_end"] and s.loc["MEM", "ongoing"]
    assert pd.isna(s.loc["Undated", "start"]) and s.index[-1] == "Undated"
    assert s.loc["Ports", "member_states"] == "El Salvador; Panama"


@pytest.mark.parametrize("end_date, listed", [
    pytest.param("2017-01-01", True, id="ends-on-the-as-of-day-still-active"),
    pytest.param("2016-12-31", False, id="ended-the-day-before"),
    pytest.param("2017-01-02", True, id="ends-the-day-after"),
    pytest.param("2018-01-01", True, id="ends-12-months-after"),
    pytest.param("2018-01-02", False, id="ends-a-day-too-late"),
    pytest.param("2017", True, id="bare-year-ends-on-31-december"),
    pytest.param(None, False, id="no-end-date"),
])
def test_ending_within_the_next_12_months(end_date, listed):
    a = sheets({"program": "Ports", "end_date": end_date})
    t = explore.ending_within(a, "2017-01-01", months=12)
    assert len(t) == int(listed)


def test_ending_within_soonest_first_with_days_left():
    a = sheets({"program": "Late", "end_date": "2017-12-31"}, {"program": "Soon", "end_date": "2017-02-01"})
    t = explore.ending_within(a, "2017-01-01")
    assert t.program.tolist() == ["Soon", "Late"] and t.days_left.tolist() == [31, 364]


@pytest.mark.parametrize("ends, note", [
    pytest.param(["2017-02-01", "2020-07-01"], "1 sheet ends in the 12 months after 1 January 2017; "
                 "the latest end date a sheet gives is 1 July 2020.", id="one-in-the-window"),
    pytest.param(["2016"], "0 sheets end in the 12 months after 1 January 2017; "
                 "the latest end date a sheet gives is 31 December 2016.", id="none-in-the-window"),
    pytest.param([None], "0 sheets end in the 12 months after 1 January 2017; no sheet gives an end date.",
                 id="no-end-dates"),
    pytest.param([], "0 sheets end in the 12 months after 1 January 2017; no sheet gives an end date.",
                 id="no-sheets-yet"),
])
def test_ending_note(ends, note):
    a = sheets(*({"end_date": e} for e in ends)) if ends else sheets({}).iloc[:0]
    assert explore.ending_note(a, "2017-01-01") == note


def test_mispa_tables():
    m = pd.DataFrame({"agency": ["CICAD", "DPS", "CICTE", "DPS"], "year": pd.array([2012, 2011, None, 2012], "Int64"),
                      "countries": ["Panama;Peru", "Peru", None, "Peru;Chile"]})
    t = explore.mispa_by_agency_year(m)
    assert list(t.columns) == ["DPS", "CICAD", "CICTE"] and list(t.index) == [2011, 2012, "(no year)"]
    assert t.loc[2012].tolist() == [1, 1, 0]
    ms = explore.mispa_member_states(m)
    assert ms.index[0] == "Peru" and ms.loc["Peru", "total"] == 3 and ms.loc["Peru", "DPS"] == 2
    assert "CICTE" not in ms.columns  # the CICTE activity names no member state
    assert len(explore.mispa_member_states(m, top=1)) == 1


def test_quality_summary():
    q = pd.DataFrame({"source_file": ["a.txt", "a.txt", "b.txt", "README.md"],
                      "activity_id": ["A1", "A2", "B1", None],
                      "field": ["end_date", "end_date", "end_date", None],
                      "problem": ["placeholder left in the form"] * 3 + ["skipped file"],
                      "text": [None, "Completion", "Completion", None]})
    s = explore.quality_summary(q)
    first = s.iloc[0]
    assert (first.problem, first.field, first.rows, first.sheets, first.files, first.example) == \
        ("placeholder left in the form", "end_date", 3, 3, 2, "Completion")
    assert s.iloc[1].field == "(not given)"


# ----------------------------------------------------------------- search

SUMMARY = "Seven officials were trained in border control and the protection of borders."


@pytest.mark.parametrize("query, text, found", [
    pytest.param("border", SUMMARY, True, id="a-word"),
    pytest.param("BORDER", SUMMARY, True, id="any-case"),
    pytest.param("bord", SUMMARY, True, id="start-of-a-word"),
    pytest.param("order", SUMMARY, False, id="not-inside-a-word"),
    pytest.param("border officials", SUMMARY, True, id="every-word-anywhere"),
    pytest.param("border customs", SUMMARY, False, id="one-word-missing"),
    pytest.param("policia", "Capacitación de la policía nacional.", True, id="accent-in-text"),
    pytest.param("policía", "Training of the national policia.", True, id="accent-in-query"),
])
def test_search_matching(query, text, found):
    assert len(explore.search(sheets({"summary": text}), query)) == int(found)


def test_search_rows_fields_and_snippet():
    a = sheets({"program": "Ports", "name": "border", "summary": "Ports and harbours."},        # name not searched
               {"program": "Migration", "summary": "x " * 60 + SUMMARY + " y" * 60, "results": "Borders."},
               {"program": "Migration", "summary": SUMMARY, "duplicate_of": "A1"})             # filed twice
    r = explore.search(a, "border")
    assert r.program.tolist() == ["Migration"]
    row = r.iloc[0]
    assert row.found_in == "summary; results" and row.hits == 3
    assert row.snippet.startswith("…") and row.snippet.endswith("…") and "in [border] control" in row.snippet


def test_search_needs_a_word():
    with pytest.raises(UsageError, match="at least one word"):
        explore.search(sheets({"summary": SUMMARY}), "  ")


def test_oaslib_search_on_the_bundled_data(bundled_clean):
    import oaslib
    r = oaslib.search("police", bundled_clean)
    assert len(r) and list(r.columns) == ["activity_id", "country", "program", "found_in", "hits", "snippet"]
    assert r.hits.is_monotonic_decreasing
    assert r.snippet.str.contains(r"\[police\]", case=False).all()


# ----------------------------------------------------------------- charts

def test_timeline_chart_draws_what_it_says():
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    a = sheets({"program": "Dated", "start_date": "2015-07-01", "end_date": "2017-06-30", "end_status": "dated"},
               {"program": "Open", "start_date": "2016"},
               {"program": "End only", "end_date": "2018-12-31", "end_status": "dated"},
               {"program": "Undated"})
    ax = explore.timeline_chart(explore.program_spans(a), "2017-01-01")
    try:
        assert len(ax.patches) == 2                               # a bar each for Dated and Open
        assert [line.get_marker() for line in ax.lines].count("D") == 1   # End only: a mark at its end
        as_of = [line for line in ax.lines if line.get_color() == explore.AS_OF]
        assert as_of and as_of[0].get_xdata()[0] == mdates.date2num(T("2017-01-01"))
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert len(labels) == 3 and not any("Undated" in t for t in labels)
    finally:
        plt.close(ax.figure)


def test_bar_chart_stacks_columns_and_leaves_out_the_total():
    import matplotlib.pyplot as plt
    t = pd.DataFrame({"Security": [10, 1], "(not given)": [3, 5], "total": [13, 6]},
                     index=pd.Index(["Panama", "El Salvador"], name="country"))
    ax = explore.bar_chart(t, "Programs", "programs")
    try:
        assert len(ax.patches) == 4 and len(ax.get_legend().get_texts()) == 2
        assert sorted(a.get_text() for a in ax.texts) == ["13", "6"]
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("as_of", [pytest.param("2026-02-30", id="no-such-day"),
                                   pytest.param("next spring", id="words")])
def test_as_of_that_is_no_date_is_one_line(as_of):
    with pytest.raises(UsageError, match="as_of: not a date"):
        explore.ending_within(sheets({"end_date": "2017"}), as_of)


def test_bar_chart_keeps_the_order_of_years_and_draws_an_empty_table():
    import matplotlib.pyplot as plt
    t = pd.DataFrame({"DPS": [1, 7], "CICAD": [0, 9]}, index=pd.Index([2009, 2012], name="year"))
    ax = explore.bar_chart(t, "MISPA", "activities", largest_first=False)
    empty = explore.bar_chart(t.iloc[:0], "MISPA", "activities")
    try:
        assert [tick.get_text() for tick in ax.get_yticklabels()][-1] == "2009"  # first year at the top
        assert not empty.patches
    finally:
        plt.close(ax.figure)
        plt.close(empty.figure)
