"""Briefs rendered for real: papermill, a kernel, nbconvert, WeasyPrint."""
import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from oaslib.cli import main
from oaslib.clean import clean
from oaslib.errors import UsageError
from oaslib.briefs.render import resolve_key

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
    for bad in ("Choose an item", "Traceback", "import ", "display(", "brief."):
        assert bad not in text
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
