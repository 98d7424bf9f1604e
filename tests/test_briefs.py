"""Briefs rendered for real: papermill, a kernel, nbconvert, WeasyPrint."""
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from oaslib.cli import main
from oaslib.clean import clean
from oaslib.errors import UsageError
from oaslib.briefs.keys import resolve_key

from .conftest import RAW
from .test_sheets import SHEET

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The bundled data plus one sheet whose summary carries a <script>."""
    base = tmp_path_factory.mktemp("briefs")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    (raw / "zz_injected.txt").write_text(
        SHEET.replace("Panama", "Jamaica").replace("assessing vulnerabilities.",
                                                    "assessing <script>alert(1)</script> vulnerabilities."),
        encoding="utf-8")
    clean(raw, base / "clean")
    out = base / "reports"
    code = main(["report", "country", "Panamá", "Jamaica", "--as-of", "2017-06-30", "--data", str(base / "clean"),
                 "--raw", str(raw), "--out", str(out), "--jobs", "2"])
    assert code == 0
    assert main(["report", "year", "2017", "--data", str(base / "clean"), "--raw", str(raw), "--out", str(out),
                 "--format", "html,pdf"]) == 0
    return out


def pdf_text(path):
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_country_pdf_reads_right(rendered):
    reader = PdfReader(str(rendered / "country-PAN.pdf"))
    text = pdf_text(rendered / "country-PAN.pdf")
    assert "Panama" in text
    for program in ("Port Evaluations and Assessments", "Multilateral Evaluation Mechanism"):
        assert program in " ".join(text.split())
    for donor in ("Canada", "European Union", "Development Bank of Latin America (CAF)"):
        assert donor in " ".join(text.split())
    for bad in ("Choose an item", "Traceback", "import ", "display("):
        assert bad not in text
    assert not re.search(r"brief\.\w+\(", text)  # no code of the notebook's cells
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2  # A4
    n = len(reader.pages)
    assert f"page 1 of {n}" in text and f"page {n} of {n}" in text
    assert reader.metadata.title == "Country brief: Panama"
    assert (rendered / "country-PAN.pdf").stat().st_size < 600_000


def test_year_brief(rendered):
    text = " ".join(pdf_text(rendered / "year-2017.pdf").split())
    assert "2017" in text and "Panama" in text and "El Salvador" in text
    assert (rendered / "year-2017.csv").exists() and (rendered / "year-2017.ipynb").exists()


def test_html_is_self_contained_and_escaped(rendered):
    html = (rendered / "country-JAM.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "In&nbsp;[" not in html and "[1]:" not in html and "from oaslib" not in html


def test_index_and_manifest(rendered):
    manifest = json.loads((rendered / "manifest.json").read_text())
    for stem, b in manifest["briefs"].items():
        assert b["status"] == "made"
        for f in b["outputs"].values():
            assert (rendered / f).exists()
    index = (rendered / "index.html").read_text()
    for href in re.findall(r'href="([^"]+)"', index):
        assert (rendered / href).exists()


def test_rerun_with_nothing_changed_makes_nothing(rendered, capsys):
    data = rendered.parent / "clean"
    before = {p.name: p.stat().st_mtime for p in rendered.glob("country-*")}
    assert main(["report", "country", "PAN", "--as-of", "2017-06-30", "--data", str(data),
                 "--raw", str(rendered.parent / "raw"), "--out", str(rendered)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime for p in rendered.glob("country-*")} == before


def test_failing_brief_is_isolated(rendered, tmp_path, capsys):
    from oaslib.briefs.batch import run_reports
    nb = json.loads((ROOT / "notebooks" / "year_brief.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "if year == 2016:\n    raise ValueError('broken on purpose')"})
    bad = tmp_path / "broken.ipynb"
    bad.write_text(json.dumps(nb))
    code = run_reports("year", ["2016", "2017"], False, tmp_path / "out", rendered.parent / "clean",
                       formats=("html",), notebook=str(bad))
    assert code == 1
    m = json.loads((tmp_path / "out" / "manifest.json").read_text())["briefs"]
    assert m["year-2017"]["status"] == "made" and m["year-2016"]["status"] == "failed"
    assert "broken on purpose" in m["year-2016"]["error"]
    assert (tmp_path / "out" / "year-2016.ipynb").exists() and not (tmp_path / "out" / "year-2016.html").exists()
    assert not list((tmp_path / "out").glob(".*tmp*"))


def test_unknown_country_exits_2_with_suggestion(bundled_clean, capsys):
    assert main(["report", "country", "Panam", "--data", str(bundled_clean), "--raw", str(RAW)]) == 2
    assert "did you mean Panama?" in capsys.readouterr().err
    with pytest.raises(UsageError, match="years with data"):
        resolve_key("year", "1850", bundled_clean)


@pytest.mark.parametrize("nb", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_committed_thin_and_without_outputs(nb):
    cells = json.loads(nb.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert not any(re.search(r"^\s*(def|class)\s", "".join(c["source"]), re.M) for c in code)
    assert "parameters" in code[0]["metadata"].get("tags", [])


def test_report_runs_from_any_directory(bundled_clean, tmp_path):
    """A cron job's working directory is not the checkout: the CLI finds the
    briefs' notebooks shipped inside the package. Argentina has no program
    sheet, only MISPA activities: its brief has no empty sections."""
    import subprocess
    import sys

    elsewhere = tmp_path / "cron-cwd"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-m", "oaslib", "report", "country", "Argentina", "--format", "html",
                           "--data", str(bundled_clean), "--out", str(tmp_path / "out")],
                          cwd=elsewhere, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "out" / "country-ARG.html").read_text(encoding="utf-8")
    assert "The program sheets hold no program for Argentina" in html
    assert "MISPA activities that involved the member state" in html and "Expert Group on Maritime" in html
    for empty in ("Timeline", "Who funds the programs", "OAS pillars", "Program profiles"):
        assert f">{empty}<" not in html
    assert not list(elsewhere.iterdir())


# ------------------------------------------------------------ what a brief says

class _Page(HTMLParser):
    """Headings, tables (rows of cell texts) and list items of a brief's HTML."""

    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.items, self.svg_text = [], [], [], []
        self._cell = self._heading = self._item = None
        self._in_svg = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5"):
            self._heading = [tag, ""]
        elif tag == "table":
            self.tables.append({"class": dict(attrs).get("class", ""), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "li":
            self._item = ""
        elif tag == "svg":
            self._in_svg += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5") and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "li" and self._item is not None:
            self.items.append(" ".join(self._item.split()))
            self._item = None
        elif tag == "svg":
            self._in_svg -= 1

    def handle_data(self, data):
        for attr in ("_cell", "_item"):
            if getattr(self, attr) is not None:
                setattr(self, attr, getattr(self, attr) + data)
        if self._heading:
            self._heading[1] += data
        if self._in_svg and data.strip():
            self.svg_text.append(data.strip())


def page(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def table_of(p: _Page, cls: str) -> list[list[str]]:
    """The body rows of the one table of that class."""
    (t,) = [t for t in p.tables if t["class"] == cls]
    return t["rows"][1:]


def words(path) -> str:
    return " ".join(pdf_text(path).split())


def test_country_summary_figures_equal_the_tables(rendered):
    """The page-1 summary, read back from the PDF, against the brief's tables
    (its HTML, the same page) and its data (the CSV beside it)."""
    import pandas as pd

    text = words(rendered / "country-PAN.pdf")
    summary = text[text.index("Summary") + len("Summary"):text.index("At a glance")]
    html = page((rendered / "country-PAN.html").read_text(encoding="utf-8"))
    data = pd.read_csv(rendered / "country-PAN.csv")

    runs = re.search(r"The OAS runs (\d+) programs in Panama; (\d+) (?:is|are) active on (\d+ \w+ \d{4})\.", summary)
    assert runs, summary
    assert int(runs[1]) == data.program_id.nunique()
    assert f"{runs[2]} active on the as-of date" in text  # the card says the same
    active = [r for r in table_of(html, "programs") if r[3].startswith(("active", "ongoing"))]
    assert int(runs[2]) == len(active)
    assert runs[3] == "30 June 2017"  # the as-of date of the render, written out

    donor = re.search(r"(?:The )?([A-Z][\w ()]+?) funds? the most \((\d+) programs?\)", summary)
    funded = data.donors.dropna().str.split(";").explode().value_counts()
    assert donor and int(donor[2]) == funded.max() and funded[donor[1]] == funded.max()
    assert donor[1] in " ".join(html.svg_text)  # the donor chart leads with it

    mispa = re.search(r"Panama took part in (\d+) activities of the MISPA-IV report \(([^)]*)\)", summary)
    rows = table_of(html, "mispa")
    assert int(mispa[1]) == len(rows)
    by_agency = dict(re.findall(r"(\w+) (\d+)", mispa[2]))
    assert {a: str(sum(r[0] == a for r in rows)) for a in by_agency} == by_agency
    assert sum(map(int, by_agency.values())) == len(rows)


def test_year_summary_figures_equal_the_tables(rendered):
    text = words(rendered / "year-2017.pdf")
    summary = text[text.index("Summary") + len("Summary"):text.index("At a glance")]
    html = page((rendered / "year-2017.html").read_text(encoding="utf-8"))
    rows = table_of(html, "programs")
    m = re.search(r"In 2017, (\d+) programs were active in (\d+) member states\. Of them, (\d+|none) started that "
                  r"year and (\d+|none) ended\. (.+?) had the most \((\d+) programs\)", summary)
    assert m, summary
    assert int(m[1]) == len({r[1] for r in rows}) and int(m[2]) == len({r[0] for r in rows})
    started = [i for i in html.items if i.endswith(")")][: int(m[3]) if m[3].isdigit() else 0]
    assert m[3] == "none" or int(m[3]) == len({i.rsplit(" (", 1)[0] for i in started})
    assert int(m[6]) == max(sum(r[0] == s for r in rows) for s in {r[0] for r in rows})
    assert f"{m[1]} programs active" in text


def test_main_part_fits_five_pages_then_the_annex(rendered):
    """The annex (profiles, notes on the data) starts on a page of its own,
    after at most five pages; the notes speak of sheets, not columns."""
    reader = PdfReader(str(rendered / "country-PAN.pdf"))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    annex = next(i for i, t in enumerate(pages) if re.search(r"\bAnnex Program profiles\b", t))
    assert annex <= 5, f"main part runs to {annex} pages"
    rest = " ".join(pages[annex:])
    assert "Program profiles" in rest and "Notes on the data" in rest
    assert "Notes on the data" not in " ".join(pages[:annex])
    assert re.search(r"\d+ sheets? gives? no start date\.", rest)
    for column in ("start_date", "end_date", "field missing", "placeholder left in the form"):
        assert column not in rest


def test_page_one_is_full_and_a_short_annex_follows_on(rendered):
    """Page 1 of Panama carries the summary, the figures and the one-line
    first-edition 'Since the last brief' (its note once dragged the timeline's
    heading along and left half the page blank); the running header names
    the brief. A year brief's annex, a few notes on the data, follows on
    where it fits rather than on a page of its own."""
    reader = PdfReader(str(rendered / "country-PAN.pdf"))
    country = [" ".join(p.extract_text().split()) for p in reader.pages]
    for part in ("Summary", "At a glance", "Since the last brief", "This is the first edition",
                 "Active and recently ended programs"):
        assert part in country[0], part
    # the text runs into the bottom fifth of page 1 (it stopped 42% up the
    # page when the timeline, a chart that cannot break, came next)
    assert lowest_text(reader.pages[0]) < 0.2 * float(reader.pages[0].mediabox.height)
    assert "Country brief: Panama" in country[1]  # the running header (pypdf reads it last)
    year = [" ".join(p.extract_text().split()) for p in PdfReader(str(rendered / "year-2017.pdf")).pages]
    assert "Year brief: 2017" in year[0]
    # only an annex with the profiles asks for a page of its own
    assert '<h2 class="annex">' in (rendered / "year-2017.html").read_text(encoding="utf-8")
    assert '<h2 class="annex new-page">' in (rendered / "country-PAN.html").read_text(encoding="utf-8")


def lowest_text(pdf_page) -> float:
    """How high above the page's bottom edge its lowest line of body text
    stands, in points (the page number in the bottom margin not counted)."""
    ys = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            ys.append(cm[5] + tm[5] * cm[3])
    pdf_page.extract_text(visitor_text=visit)
    margin = 18 / 25.4 * 72  # the bottom margin of brief.css' @page
    return min(y for y in ys if y > margin)


def test_timeline_cuts_no_name_and_marks_an_unknown_start(rendered):
    html = (rendered / "country-PAN.html").read_text(encoding="utf-8")
    timeline = html[html.index(">Timeline<"):html.index(">Who funds the programs<")]
    labels = " ".join(page(timeline).svg_text)
    assert "…" not in labels
    name = ("Strengthening of Institutions Specialized in the Assistance and Protection of Victims, Witnesses, "
            "and other individuals involved in criminal proceedings related to Organized Crime in Central America")
    assert name in labels  # wrapped over lines, whole
    assert "start not given" in labels  # Alternatives to Incarceration: an end and no start


def test_timeline_names_do_not_touch(rendered):
    """Between two programs' wrapped names there is more room than between
    the lines of one name (the baselines of the SVG's label lines)."""
    html = (rendered / "country-PAN.html").read_text(encoding="utf-8")
    svg = html[html.index(">Timeline<"):html.index(">Who funds the programs<")]
    ticks = [t[t.index('<g id="text_'):] for t in svg.split('<g id="ytick_')[1:]]
    # a one-line name is placed by y="…", each line of a wrapped one by translate(x y)
    labels = [[float(a or b) for a, b in re.findall(r'<text [^>]*?(?:y="([\d.]+)"|translate\([\d.]+ ([\d.]+)\))[^>]*>',
                                                    t[:t.index("</g>")])] for t in ticks]
    pitch = max(b - a for ys in labels for a, b in zip(ys, ys[1:]))  # lines within one name
    gaps = [nxt[0] - cur[-1] for cur, nxt in zip(labels, labels[1:])]
    assert len(labels) > 5 and min(gaps) > 1.2 * pitch, (pitch, gaps)


def test_mispa_table_cuts_between_words_and_dashes_a_missing_year(rendered):
    rows = table_of(page((rendered / "country-PAN.html").read_text(encoding="utf-8")), "mispa")
    from oaslib.clean import store
    texts = [" ".join(t.split()) for t in store.read_table("mispa_activities", rendered.parent / "clean").text]
    cut = [r[2].removesuffix(" …") for r in rows if r[2].endswith("…")]
    assert cut and all(r[2].endswith(" …") for r in rows if r[2].endswith("…"))
    for opening in cut:  # the words before the cut are whole words of the paragraph ("Methodol…" was not)
        assert any(t.startswith(opening) and t[len(opening):][:1] in (" ", ",", ";", ":") for t in texts), opening
    assert all(re.fullmatch(r"\d{4}|–", r[1]) for r in rows)
    states = [r[3].split("; ") for r in rows]
    assert all(s == sorted(s) for s in states)


def test_section_with_nothing_to_show_is_left_out(rendered):
    html = (rendered / "year-2017.html").read_text(encoding="utf-8")
    assert "dates no activity" not in html and "MISPA activities of the year" not in html
    assert "jp-OutputArea-output\"></div>" not in html.replace(" ", "")


def test_donors_are_shown_once_with_their_kind(rendered):
    """One view of the donors: the chart names each donor once, with its
    count, and its legend the kinds its colours stand for; no table repeats
    the names (it fell on the next page, without its heading)."""
    import pandas as pd
    html = (rendered / "country-PAN.html").read_text(encoding="utf-8")
    donors = page(html[html.index(">Who funds the programs<"):html.index(">MISPA activities")])
    assert not donors.tables
    data = pd.read_csv(rendered / "country-PAN.csv")
    funders = set(data.donors.dropna().str.split(";").explode())
    for name in funders:
        assert donors.svg_text.count(name) == 1, name
    assert {"Member state", "Permanent observer", "International organization"} <= set(donors.svg_text)


def test_notebooks_show_the_sections_of_the_composition_in_order():
    from oaslib.briefs.content import CountryBrief, YearBrief
    for name, cls in (("country_brief", CountryBrief), ("year_brief", YearBrief)):
        cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
        calls = [re.fullmatch(r"brief\.(\w+)\(\)", "".join(c["source"]).strip()) for c in cells[2:]]
        assert [m[1] for m in calls if m] == list(cls.SECTIONS)
        assert "lang" in "".join(cells[0]["source"])


def _shown(html: str):
    p = page(html)
    return p.headings, [t["rows"] for t in p.tables], p.items


def test_inline_brief_is_the_exported_body(rendered, tmp_path):
    import time

    import oaslib
    data = rendered.parent / "clean"
    for query, stem in (("Panamá", "country-PAN"), (2017, "year-2017")):
        t0 = time.perf_counter()
        # made as the batch made it: a history with no edition before it
        b = oaslib.brief(query, as_of="2017-06-30", data_dir=data, history_dir=tmp_path / "no-history")
        inline = b._repr_html_()
        elapsed = time.perf_counter() - t0
        exported = (rendered / f"{stem}.html").read_text(encoding="utf-8")
        assert _shown(inline) == _shown(exported)
        body = exported[exported.index("<body>"):]
        for h in re.findall(r"<h[1-5][^>]*>.*?</h[1-5]>", inline):
            assert h in body
        print(f"{stem}: inline in {elapsed:.2f} s")
    pdf = b.to_pdf(tmp_path / "y.pdf")
    assert PdfReader(str(pdf)).metadata.title == "Year brief: 2017"
    assert _shown(b.to_html(tmp_path / "y.html").read_text(encoding="utf-8")) == _shown(inline)


@pytest.mark.parametrize("start, end, status, through, years", [
    pytest.param(2015, 2017, "dated", 2026, [2015, 2016, 2017], id="start-to-end"),
    pytest.param(2016, None, "unspecified", 2018, [2016, 2017, 2018], id="no-end-runs-to-as-of-year"),
    pytest.param(1998, None, "ongoing", 2000, [1998, 1999, 2000], id="ongoing-runs-to-as-of-year"),
    pytest.param(2027, None, "ongoing", 2026, [2027], id="future-start-its-own-year"),
    pytest.param(None, 2018, "dated", 2026, [2018], id="only-an-end"),
    pytest.param(None, None, "ongoing", 2026, [], id="no-dates-no-year"),
    pytest.param(2017, 2015, "dated", 2026, [2017], id="end-before-start-start-year"),
])
def test_years_a_program_covers(start, end, status, through, years):
    from oaslib.briefs.keys import years_covered
    assert list(years_covered(start, end, through)) == years  # the status does not matter, only the dates


def test_year_briefs_listed_are_the_years_with_something_to_show(bundled_clean):
    """available_keys and the year brief apply the same rule: every listed
    year has rows, and the years around them that are not listed have none."""
    from datetime import date

    from oaslib.briefs.content import YearBrief, load
    from oaslib.briefs.keys import available_keys
    as_of, tables = date(2026, 11, 25), load(bundled_clean)
    keys = available_keys("year", bundled_clean, as_of)
    for year in range(int(keys[0]) - 2, as_of.year + 2):
        b = YearBrief.make(year, bundled_clean, tables, as_of=as_of)
        assert (str(year) in keys) == (not b.acts.empty or not b.mispa.empty), year


def test_pdf_without_weasyprints_system_libraries_says_what_to_do(monkeypatch):
    """Windows without GTK: importing WeasyPrint raises OSError (it loads
    Pango then). The brief's failure says what is missing and that HTML works."""
    import builtins

    from oaslib.briefs.export import html_to_pdf
    from oaslib.errors import RenderError
    real = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libgobject-2.0-0': error 0x7e")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(RenderError, match=r"Pango.*--format html") as e:
        html_to_pdf("<p>brief</p>", "Country brief: Panama")
    assert "libgobject" in str(e.value) and "\n" not in str(e.value)


def test_the_brief_names_the_meeting_its_report_was_written_for(raw_copy, tmp_path):
    """The meeting comes from the report's text (mispa_activities.meeting),
    so a report written for another meeting is named as such in every
    sentence, heading and source line, in both languages."""
    import oaslib
    from oaslib.clean import clean

    report = raw_copy / "004_72e9dce835e7c6b2.txt"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("MISPA-IV", "MISPA-V").replace("Fourth Meeting", "Fifth Meeting")
                      .replace("fourth MISPA", "fifth MISPA"), encoding="utf-8")
    clean(raw_copy, tmp_path / "clean")
    for query in ("Panama", 2013):
        for lang, said in (("en", "MISPA-V report"), ("es", "informe a la MISPA-V")):
            shown = oaslib.brief(query, as_of="2017-06-30", data_dir=tmp_path / "clean", lang=lang,
                                 history_dir=tmp_path / "no-history")._repr_html_()
            assert said in shown and "MISPA-IV" not in shown, (query, lang)


def _inline(query, data, tmp_path, lang="en"):
    """A brief as the batch composes it (a history with no edition before it), as-of the README's date."""
    import oaslib
    return oaslib.brief(query, as_of="2026-11-26", data_dir=data, lang=lang, history_dir=tmp_path / "no-history")


def test_a_year_in_one_member_state_names_it_and_fits_one_page(bundled_clean, tmp_path):
    """2025 has programs in Panama only: the summary names Panama (not "1
    member state … Panama had the most"), no chart draws a lone full-width
    bar, and the annex's one note follows on page 1 with the sources."""
    b = _inline(2025, bundled_clean, tmp_path)
    html = b._repr_html_()
    assert set(b.acts.country) == {"Panama"}
    assert re.search(r"In 2025, \d+ programs? (?:was|were) active in Panama\.", html)
    assert "had the most" not in html and "<svg" not in html
    assert len(PdfReader(str(b.to_pdf(tmp_path / "y.pdf"))).pages) == 1
    es = _inline(2025, bundled_clean, tmp_path, "es")._repr_html_()
    assert re.search(r"En 2025 (?:estuvo activo \d+ programa|estuvieron activos \d+ programas) en Panamá", es)


def test_bars_are_drawn_only_when_they_differ(bundled_clean, tmp_path):
    """El Salvador's two donors fund one program each: a chart of two equal
    bars repeats the summary's sentence and the table of donors beside it."""
    slv = _inline("SLV", bundled_clean, tmp_path)
    html = slv._repr_html_()
    donors = html[html.index(">Who funds the programs<"):html.index(">MISPA activities")]
    assert slv.donor_counts().programs.nunique() == 1 and len(slv.donor_counts()) > 1
    assert "<svg" not in donors and 'class="donors"' in donors
    assert re.search(r"fund 1 program each\.", html)
    pan = _inline("PAN", bundled_clean, tmp_path)._repr_html_()
    assert "<svg" in pan[pan.index(">Who funds the programs<"):pan.index(">MISPA activities")]


def test_a_year_briefs_mispa_table_has_no_year_column(bundled_clean, tmp_path):
    rows = [t["rows"] for t in page(_inline(2013, bundled_clean, tmp_path)._repr_html_()).tables
            if t["class"] == "mispa"][0]
    assert rows[0] == ["Agency", "Activity", "Member states"] and len(rows) > 2
    country = table_of(page(_inline("PAN", bundled_clean, tmp_path)._repr_html_()), "mispa")
    assert all(len(r) == 4 for r in country)  # a country brief's activities span years: it keeps the column


def test_provenance_writes_its_dates_one_way(bundled_clean, tmp_path):
    """'on 26 November 2026 … built 26 Nov 2026, 03:39:28 UTC' wrote one day two ways."""
    for lang, month in (("en", r"[A-Z][a-z]+"), ("es", r"de [a-z]+ de")):
        html = _inline("PAN", bundled_clean, tmp_path, lang)._repr_html_()
        made = html[html.index('<footer class="provenance">'):]
        dates = re.findall(rf"\d{{1,2}} {month} \d{{4}}", made)
        assert len(dates) == 2 and not re.search(r"\d\d:\d\d:\d\d", made), made[:300]


def test_pillar_counts_name_the_pillars_before_what_is_not_given(bundled_clean, tmp_path):
    """El Salvador: 'Security 1; not given 5', not 'not given 5; Security 1'."""
    html = _inline("SLV", bundled_clean, tmp_path)._repr_html_()
    parts = re.search(r"Programs by OAS pillar: ([^.]+)\.", html)[1].split("; ")
    assert len(parts) > 1 and parts[-1].startswith("not given") and not any(p.startswith("not") for p in parts[:-1])


def test_the_notes_on_the_data_share_a_page(bundled_clean, tmp_path):
    """Panama's notes on the data once took page 19 alone, under a last
    profile that left page 18 two-fifths empty."""
    pdf = _inline("PAN", bundled_clean, tmp_path).to_pdf(tmp_path / "pan.pdf")
    last = " ".join(PdfReader(str(pdf)).pages[-1].extract_text().split())
    assert "Notes on the data" in last
    before = last[:last.index("Notes on the data")].replace("Country brief: Panama", "").replace("OAS · SMS", "")
    assert len(before.split()) > 20, before  # the last profile's text


def test_status_does_not_repeat_the_dates(rendered):
    """'1998 – ongoing | ongoing (no end date)': the dates say how a program
    ends; its status says whether it runs, once."""
    html = (rendered / "country-PAN.html").read_text(encoding="utf-8")
    rows = table_of(page(html), "programs")
    assert any(r[2].endswith(("ongoing", "end not given")) for r in rows)
    assert {r[3] for r in rows} <= {"active", "ended", "not started"}, {r[3] for r in rows}
    assert "no end date" not in html[html.index(">Program profiles<"):]


def test_a_country_briefs_mispa_rows_name_the_other_member_states(bundled_clean, tmp_path):
    """Every row of Mexico's table involves Mexico (that is the section): the
    list names the others, and a dash where Mexico was alone."""
    html = page(_inline("MEX", bundled_clean, tmp_path)._repr_html_())
    (t,) = [t["rows"] for t in html.tables if t["class"] == "mispa"]
    assert t[0][-1] == "Other member states"
    assert not any("Mexico" in r[-1].split("; ") for r in t[1:])
    assert any(r[-1] == "–" for r in t[1:]) and any(len(r[-1].split("; ")) > 3 for r in t[1:])
    es = page(_inline("MEX", bundled_clean, tmp_path, "es")._repr_html_())
    (t,) = [t["rows"] for t in es.tables if t["class"] == "mispa"]
    assert t[0][-1] == "Otros estados miembros" and not any("México" in r[-1].split("; ") for r in t[1:])


@pytest.mark.parametrize("year, heading, absent", [
    pytest.param(2012, "Programs that started in 2012", "Programs that started and ended", id="only-a-start"),
    pytest.param(2020, "Programs that ended in 2020", "Programs that started and ended", id="only-an-end"),
    pytest.param(2017, "Programs that started and ended", "Programs that started in 2017", id="both"),
])
def test_started_and_ended_is_headed_for_what_it_lists(bundled_clean, tmp_path, year, heading, absent):
    headings = [h for _, h in page(_inline(year, bundled_clean, tmp_path)._repr_html_()).headings]
    assert heading in headings and absent not in headings, headings
