"""Editions of a brief: what changed since the last one, and nightly runs
that remake only what changed. compare() on tables of snapshot rows; the
rest on real builds of the bundled documents (papermill, a real kernel)."""
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oaslib.briefs import content, editions
from oaslib.briefs.batch import run_reports
from oaslib.clean import clean
from oaslib.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOV3 = date(2026, 11, 3)


def prog(key, label, start="2015-07-01", end="2020-07-01", status="active", donors="Italy",
         end_status="dated", country=""):
    return {"item": "program", "key": key, "label": label, "country": country, "start_date": start,
            "end_date": end, "end_status": end_status, "status": status, "donors": donors, "agency": "",
            "year": ""}


def mispa(key, title, agency="CICAD", year="2012"):
    return {"item": "mispa", "key": key, "label": title, "country": "", "start_date": "", "end_date": "",
            "end_status": "", "status": "", "donors": "", "agency": agency, "year": year}


def snap(*rows):
    return pd.DataFrame(list(rows), columns=editions.SNAPSHOT_COLUMNS)


NETWORK = prog("Pce2cbf4d", "Inter-American Network for Police Development")
MARITIME = prog("P13895032", "Port Evaluations and Assessments", "2017-01-01", "2017-12-31", "ended", "Canada")


@pytest.mark.parametrize("previous, current, summary, changed", [
    pytest.param(None, snap(NETWORK), "First edition", [], id="first edition"),
    pytest.param(snap(NETWORK), snap(NETWORK), "No change since 3 November 2026", [], id="nothing changed"),
    pytest.param(snap(NETWORK), snap(NETWORK, MARITIME), "1 program added since 3 November 2026", [],
                 id="program added"),
    pytest.param(snap(NETWORK, MARITIME), snap(NETWORK), "1 program no longer listed since 3 November 2026", [],
                 id="program removed"),
    pytest.param(snap(NETWORK), snap({**NETWORK, "end_date": "2021-07-01"}),
                 "1 program changed since 3 November 2026", [("end", "2020-07-01", "2021-07-01")],
                 id="end date moved"),
    pytest.param(snap({**NETWORK, "end_date": "", "end_status": "ongoing", "status": "ongoing (no end date)"}),
                 snap(NETWORK), "1 program changed since 3 November 2026",
                 [("end", "ongoing", "2020-07-01"), ("status", "ongoing (no end date)", "active")],
                 id="ongoing program given an end date"),
    pytest.param(snap(NETWORK), snap({**NETWORK, "start_date": ""}), "1 program changed since 3 November 2026",
                 [("start_date", "2015-07-01", "")], id="start date dropped"),
    pytest.param(snap(NETWORK), snap({**NETWORK, "donors": "Italy;Spain"}),
                 "1 program changed since 3 November 2026", [("donors", "Italy", "Italy;Spain")],
                 id="donor added"),
    pytest.param(snap({**NETWORK, "donors": "Honduras;Italy"}), snap({**NETWORK, "donors": "Honduras;Italy"}),
                 "No change since 3 November 2026", [], id="same donors"),
    pytest.param(snap(NETWORK), snap({**NETWORK, "status": "ended"}), "1 program ended since 3 November 2026",
                 [("status", "active", "ended")], id="status changed: ended"),
    pytest.param(snap(NETWORK, MARITIME), snap({**NETWORK, "status": "ended"}, prog("Pnew", "New Program")),
                 "1 program added, 1 program no longer listed, 1 program ended since 3 November 2026",
                 [("status", "active", "ended")], id="added, removed and ended"),
    pytest.param(snap(NETWORK, mispa("M1", "Legislative Assistance")),
                 snap(NETWORK, mispa("M1", "Legislative Assistance"), mispa("M2", "Drug Observatories")),
                 "1 new MISPA activity since 3 November 2026", [], id="new MISPA activity"),
    pytest.param(snap(mispa("M1", "Legislative Assistance"), mispa("M2", "Drug Observatories")),
                 snap(mispa("M2", "Drug Observatories")),
                 "1 MISPA activity no longer listed since 3 November 2026", [], id="MISPA activity gone"),
])
def test_compare(previous, current, summary, changed):
    c = editions.compare(previous, current, None if previous is None else NOV3)
    assert c.summary_text() == summary
    got = [(r.field, r.old, r.new) for r in c.changed.itertuples()]
    assert got == changed


def test_the_section_names_each_change_and_the_first_edition_says_so():
    first = editions.compare(None, snap(NETWORK)).to_html()
    assert "first edition" in first
    html = editions.compare(snap(NETWORK, MARITIME), snap({**NETWORK, "donors": "Italy;Spain"}), NOV3).to_html()
    assert "Compared with the last brief: 1 program no longer listed, 1 program changed." in html
    assert "Port Evaluations and Assessments" in html  # no longer listed
    assert "<td>Italy</td><td>Italy; Spain</td>" in html


@pytest.mark.parametrize("end, as_of, within", [
    pytest.param("2020-07-01", date(2020, 7, 1), True, id="ends today"),
    pytest.param("2020-07-01", date(2020, 7, 2), False, id="ended yesterday"),
    pytest.param("2021-07-01", date(2020, 7, 1), True, id="ends in exactly 12 months"),
    pytest.param("2021-07-02", date(2020, 7, 1), False, id="ends in 12 months and a day"),
    pytest.param("2021", date(2021, 3, 1), True, id="a bare year ends on 31 December"),
    pytest.param("2021", date(2020, 7, 1), False, id="a bare year whose last day is after the window"),
    pytest.param("2021-02-28", date(2020, 2, 29), True, id="from a leap day"),
])
def test_ends_within_12_months(end, as_of, within):
    from oaslib.explore import ends_within
    got = ends_within(pd.Series([end]), pd.Series(["dated"]), as_of)
    assert got.tolist() == [within]


def test_ids_are_stable_across_cleans_of_the_same_documents(bundled_clean, tmp_path):
    again = tmp_path / "again"
    clean(ROOT / "data" / "raw", again)
    for kind, key in (("country", "PAN"), ("country", "SLV"), ("year", "2017")):
        a, b = (editions.snapshot(content.make_brief(kind, key, d, "2020-07-01")) for d in (bundled_clean, again))
        pd.testing.assert_frame_equal(a, b)


def test_the_date_facts_move_only_when_a_status_does(bundled_clean):
    prints = {d: editions.date_fingerprint(content.make_brief("country", "PAN", bundled_clean, d))
              for d in ("2020-06-30", "2020-07-01", "2020-07-02", "2020-07-03")}
    assert prints["2020-07-02"] == prints["2020-07-03"]  # nothing happens on 3 July
    assert prints["2020-07-01"] != prints["2020-07-02"]  # the police network's sheet ends on 1 July 2020
    year = [editions.date_fingerprint(content.make_brief("year", "2017", bundled_clean)) for _ in range(2)]
    assert year[0] == year[1]


# ------------------------------------------------------------ real builds

def build(base: Path, as_of: str, *names: str) -> dict:
    assert run_reports("country", list(names), False, base / "out", base / "clean", formats=("html",),
                       as_of=as_of, log=lambda line: None) == 0
    return json.loads((base / "out" / "manifest.json").read_text())["briefs"]


@pytest.fixture
def bundled(raw_copy):
    clean(raw_copy, raw_copy.parent / "clean")
    return raw_copy.parent


def test_a_changed_sheet_is_named_in_the_next_edition_and_only_its_brief_is_remade(bundled, tmp_path):
    first = build(bundled, "2020-07-02", "Panama", "El Salvador", "Jamaica")
    assert {s: b["since"]["summary"] for s, b in first.items()} == dict.fromkeys(
        ("country-PAN", "country-SLV", "country-JAM"), "First edition")
    assert "This is the first edition" in (bundled / "out" / "country-PAN.html").read_text()

    years = run_reports("year", ["2017"], False, bundled / "out", bundled / "clean", formats=("html",),
                        as_of="2020-07-02", log=lambda line: None)
    assert years == 0

    sheets = bundled / "raw" / "000_3348439e6b9c1ad1.txt"  # Panama's sheets
    sheets.write_text(sheets.read_text(encoding="utf-8").replace("Spain (AECID)", "Italy"), encoding="utf-8")
    clean(bundled / "raw", bundled / "clean")
    # what the year notebook's section will say (it keeps no as-of date: its latest edition)
    year_section = content.brief(2017, as_of="2020-07-02", data_dir=bundled / "clean",
                                 history_dir=bundled / "out" / "history").changes_section()
    assert "Since the last brief (2 July 2020)" in year_section
    assert "Compared with the last brief: 1 program changed." in year_section
    assert "(Panama)</td><td>donors</td><td>Spain</td><td>Italy</td>" in year_section
    second = build(bundled, "2020-07-02", "Panama", "El Salvador", "Jamaica")
    assert run_reports("year", ["2017"], False, bundled / "out", bundled / "clean", formats=("html",),
                       as_of="2020-07-02", log=lambda line: None) == 0
    second = json.loads((bundled / "out" / "manifest.json").read_text())["briefs"]
    assert second["year-2017"]["status"] == "made"
    assert second["year-2017"]["since"]["summary"] == "1 program changed since 2 July 2020"
    second = {s: b for s, b in second.items() if s.startswith("country")}

    assert {s: b["status"] for s, b in second.items()} == {
        "country-PAN": "made", "country-SLV": "up to date", "country-JAM": "up to date"}
    since = second["country-PAN"]["since"]
    assert since == {"previous_edition": "2020-07-02", "first_edition": False, "added": 0, "removed": 0,
                     "changed": 1, "ended": 0, "new_mispa": 0, "removed_mispa": 0, "summary": "1 program changed since 2 July 2020"}
    index = (bundled / "out" / "index.html").read_text()
    assert "1 program changed since 2 July 2020" in index
    html = (bundled / "out" / "country-PAN.html").read_text()
    assert "Since the last brief (2 July 2020)" in html
    assert "Compared with the last brief: 1 program changed." in html
    assert "<td>donors</td><td>Spain</td><td>Italy</td>" in html
    kept = pd.read_csv(bundled / "out" / "history" / "country-PAN" / "2020-07-02.csv", dtype=str, keep_default_na=False)
    assert "Italy" in set(kept.donors) and "Spain" not in set(kept.donors)  # the second edition replaced the first


def test_an_edition_made_again_the_same_day_keeps_its_list_of_changes(bundled):
    """Remaking today's edition (--force, a new oaslib) compares it with the
    edition before it, not with itself: the change stays listed."""
    build(bundled, "2020-07-02", "Panama")
    sheets = bundled / "raw" / "000_3348439e6b9c1ad1.txt"
    sheets.write_text(sheets.read_text(encoding="utf-8").replace("Spain (AECID)", "Italy"), encoding="utf-8")
    clean(bundled / "raw", bundled / "clean")
    assert build(bundled, "2020-07-03", "Panama")["country-PAN"]["since"]["summary"] == \
        "1 program changed since 2 July 2020"
    assert run_reports("country", ["Panama"], False, bundled / "out", bundled / "clean", formats=("html",),
                       as_of="2020-07-03", force=True, log=lambda line: None) == 0
    again = json.loads((bundled / "out" / "manifest.json").read_text())["briefs"]["country-PAN"]
    assert again["status"] == "made" and again["since"]["summary"] == "1 program changed since 2 July 2020"
    html = (bundled / "out" / "country-PAN.html").read_text()
    assert "Since the last brief (2 July 2020)" in html and "<td>donors</td><td>Spain</td><td>Italy</td>" in html


def test_the_next_day_on_unchanged_data_makes_nothing(bundled):
    build(bundled, "2020-07-02", "Panama", "Jamaica")
    again = build(bundled, "2020-07-03", "Panama", "Jamaica")
    assert {s: b["status"] for s, b in again.items()} == {"country-PAN": "up to date", "country-JAM": "up to date"}
    assert again["country-PAN"]["parameters"]["as_of"] == "2020-07-02"  # the date its statuses are taken on
    assert [f.name for f in (bundled / "out" / "history" / "country-PAN").iterdir()] == ["2020-07-02.csv"]


def test_the_day_a_program_ends_remakes_its_member_states_brief(bundled, tmp_path):
    build(bundled, "2020-07-01", "Panama", "Jamaica")
    after = build(bundled, "2020-07-02", "Panama", "Jamaica")
    assert {s: b["status"] for s, b in after.items()} == {"country-PAN": "made", "country-JAM": "up to date"}
    assert after["country-PAN"]["since"]["summary"] == "1 program ended since 1 July 2020"
    html = (bundled / "out" / "country-PAN.html").read_text()
    assert "Inter-American Network for Police Development and Professionalization</td><td>status</td>" \
           "<td>active</td><td>ended</td>" in html


def test_build_rejects_an_as_of_that_is_not_a_date(capsys):
    with pytest.raises(SystemExit) as e:
        main(["build", "--as-of", "2020-13-01"])
    assert e.value.code == 2
    assert "'2020-13-01'" in capsys.readouterr().err
