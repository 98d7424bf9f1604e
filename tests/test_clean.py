"""The cleaning job end to end: the bundled corpus, bad input, the CLI."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oaslib
from oaslib.clean import clean
from oaslib.clean.activities import build_activities
from oaslib.cli import main
from oaslib.errors import OaslibError, StoreError
from oaslib.clean.schema import TABLES
from oaslib.clean.sheets import split_sheets

from .conftest import RAW
from .test_sheets import SHEET

GOLDEN = Path(__file__).parent / "golden"
PANAMA = "000_3348439e6b9c1ad1.txt"
SALVADOR = "001_a338e43460cd5b34.txt"


def read(out, name):
    return pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)


# ------------------------------------------------------------ the corpus

@pytest.mark.parametrize("table", ["activities", "donors", "programs", "mispa_activities", "mispa_themes"])
def test_golden_corpus(bundled_clean, table):
    """Every column of every sheet, as checked by hand against the PDFs'
    text. Regenerate with `python -m tests.golden` after a deliberate change."""
    got = read(bundled_clean, table)
    want = pd.read_csv(GOLDEN / f"{table}.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, want)


def test_corpus_facts(bundled_clean):
    acts = read(bundled_clean, "activities")
    assert acts.groupby("source_file")["country"].unique().map(list).to_dict() == {
        PANAMA: ["Panama"], SALVADOR: ["El Salvador"]}
    pan = acts[acts.iso3 == "PAN"].set_index("sheet_no")
    assert pan.loc["9", "start_date"] == "1998" and pan.loc["9", "end_status"] == "ongoing"
    assert pan.loc["8", "duplicate_of"] == pan.loc["7", "activity_id"]
    assert pan.loc["2", "url"] == "http://www.oas.org/ext/en/security/crime-prevention-network/"
    # the same regional program in both member states has one id
    both = acts.groupby("program_id")["iso3"].nunique()
    assert (both == 2).sum() == 5
    donors = read(bundled_clean, "donors")
    assert "Development Bank of Latin America (CAF)" in set(donors.donor)
    assert not any("Banco" in d for d in donors.donor)
    assert set(donors.donor_kind) <= set(TABLES["donors"].columns[2].allowed)


def test_quality_table_names_place_and_text(bundled_clean):
    q = read(bundled_clean, "quality")
    ph = q[q.problem == "placeholder left in the form"]
    assert {"Choose an item", "Commencement", "Completion", "Link to web page"} <= set(ph.text)
    assert (ph.line != "").all() and (ph.source_file != "").all()
    assert "skipped file: not a .txt or .pdf document" in set(q.problem)  # README.md


def test_manifest_and_both_formats(bundled_clean):
    from oaslib.clean.store import read_manifest
    m = read_manifest(bundled_clean)
    files = {f["file"]: f for f in m["inputs"]}
    assert files[PANAMA]["sha256"] == hashlib.sha256((RAW / PANAMA).read_bytes()).hexdigest()
    assert m["oaslib_version"] == oaslib.__version__
    for name, n in m["tables"].items():
        assert len(pd.read_parquet(bundled_clean / f"{name}.parquet")) == n
        assert len(read(bundled_clean, name)) == n


def test_two_runs_give_byte_identical_csvs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    clean(RAW, a)
    clean(RAW, b)
    for csv in sorted(a.glob("*.csv")):
        assert csv.read_bytes() == (b / csv.name).read_bytes(), csv.name


def test_load_functions_build_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("OASLIB_HOME", str(tmp_path))
    (tmp_path / "data").mkdir()
    os.symlink(RAW, tmp_path / "data" / "raw")
    acts = oaslib.load_activities()
    assert (tmp_path / "data" / "clean" / "activities.parquet").exists()
    assert acts["sheet_no"].dtype == "Int64" and acts["country"].dtype == "category"
    assert len(oaslib.load_donors()) and len(oaslib.load_programs()) and len(oaslib.load_quality())


# ------------------------------------------------------------- bad input

def _pdf_without_text(path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(2, 2))
    fig.figimage([[0, 1], [1, 0]])
    fig.savefig(path, format="pdf")
    plt.close(fig)


BAD_FILES = [
    pytest.param("empty.txt", b"", "empty file", id="empty-file"),
    pytest.param("binary.txt", b"%PDF-1.4\x00\x01\x02binary", "binary file", id="binary-renamed-txt"),
    pytest.param("scan.pdf", None, "needs OCR", id="pdf-without-text-layer"),
    pytest.param("broken.pdf", b"%PDF-1.4 not really", "not a readable PDF", id="corrupt-pdf"),
]


@pytest.mark.parametrize("name, data, message", BAD_FILES)
def test_unreadable_file_is_one_line_and_others_still_written(raw_copy, tmp_path, capsys, name, data, message):
    if data is None:
        _pdf_without_text(raw_copy / name)
    else:
        (raw_copy / name).write_bytes(data)
    code = main(["clean", "--raw", str(raw_copy), "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err + out.out
    assert f"unreadable: {name}" in out.out and message in out.out
    q = read(tmp_path / "out", "quality")
    assert ((q.source_file == name) & q.problem.str.contains(message)).any()
    assert len(read(tmp_path / "out", "activities")) == 20


def test_cp1252_file_is_read_with_a_note(raw_copy, tmp_path):
    text = (raw_copy / PANAMA).read_text(encoding="utf-8")
    (raw_copy / PANAMA).write_bytes(text.replace("’", "'").replace("“", '"').replace("”", '"')
                                    .replace("–", "-").replace("•", "*").encode("cp1252"))
    result = clean(raw_copy, tmp_path / "out")
    q = result.tables["quality"]
    assert ((q.source_file == PANAMA) & q.problem.str.startswith("encoding fallback")).any()
    acts = result.tables["activities"]
    assert (acts.country == "Panama").sum() == 14
    assert any("Comisión" in s for s in acts.summary.dropna())


@pytest.mark.parametrize("encoding", [
    pytest.param("utf-16", id="utf-16-with-bom"),  # Windows Notepad's "Unicode"
    pytest.param("utf-16-le", id="utf-16-le-without-bom"),
    pytest.param("utf-16-be", id="utf-16-be-without-bom"),
    pytest.param("utf-32", id="utf-32-with-bom"),
])
def test_a_text_layer_saved_as_unicode_reads_like_the_utf8_one(raw_copy, tmp_path, encoding):
    want = clean(raw_copy, tmp_path / "utf8").tables
    text = (raw_copy / PANAMA).read_text(encoding="utf-8")
    (raw_copy / PANAMA).write_bytes(text.encode(encoding))
    got = clean(raw_copy, tmp_path / "out").tables
    for table in ("activities", "donors", "quality"):
        pd.testing.assert_frame_equal(got[table], want[table], obj=table)


def test_file_cut_off_mid_sheet(raw_copy, tmp_path):
    lines = (raw_copy / PANAMA).read_text(encoding="utf-8").split("\n")
    (raw_copy / PANAMA).write_text("\n".join(lines[:600]), encoding="utf-8")
    acts = clean(raw_copy, tmp_path / "out").tables["activities"]
    pan = acts[acts.iso3 == "PAN"]
    assert len(pan) == 5
    assert pan.iloc[-1]["name"].startswith("Strengthening of Institutions")


def test_ten_megabyte_line(raw_copy, tmp_path):
    (raw_copy / "long.txt").write_text("PROGRAM SUMMARY\nOBJECTIVES\n" + "x" * 10_000_000 + "\n", encoding="utf-8")
    result = clean(raw_copy, tmp_path / "out")
    q = result.tables["quality"]
    assert ((q.source_file == "long.txt") & q.problem.str.contains("characters")).any()


def test_pdf_with_text_layer_is_read(raw_copy, tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    html = "<pre style='font-size:7pt'>" + SHEET.replace("&", "&amp;").replace("<", "&lt;") + "</pre>"
    for f in raw_copy.glob("0*.txt"):
        f.unlink()
    weasyprint.HTML(string=html).write_pdf(raw_copy / "sheet.pdf")
    acts = clean(raw_copy, tmp_path / "out").tables["activities"]
    assert acts["country"].tolist() == ["Panama"]
    assert acts["donors"].tolist() == ["Canada"]


def test_directory_with_no_documents(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    code = main(["clean", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out")])
    assert code == 0
    assert len(read(tmp_path / "out", "activities")) == 0
    assert "no documents" in " ".join(read(tmp_path / "out", "quality").problem)


def test_output_directory_that_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code = main(["clean", "--raw", str(RAW), "--out", str(blocker / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "cannot write" in err and str(blocker) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_usage_errors_exit_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "oaslib.cli", "clean", "--bogus"], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "oaslib.cli", "clean", "--raw", str(tmp_path / "nope"),
                        "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 2 and "raw directory does not exist" in r.stderr and "Traceback" not in r.stderr


def test_no_half_written_output_when_validation_fails(tmp_path, monkeypatch):
    from oaslib.clean import store
    clean(RAW, tmp_path)
    before = (tmp_path / "activities.csv").read_bytes()
    monkeypatch.setattr(store, "validate", lambda df, t: (_ for _ in ()).throw(OaslibError("boom")))
    with pytest.raises(OaslibError):
        store.write_table(pd.DataFrame(), "activities", tmp_path)
    assert (tmp_path / "activities.csv").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp*"))


# ------------------------------------------------------------- properties

def _sheets(text):
    return split_sheets(text.split("\n"))


CORPUS = (RAW / PANAMA).read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.sampled_from(CORPUS.split("\n")[:400]),
    st.sampled_from(["PROGRAM SUMMARY", "OBJECTIVES", "RESULTS", "Donor Countries", "OAS Pillar",
                     "Completion to", "2/30/2017", "to", "http://", " ", "", "Security", "Choose an item"]),
    st.text(max_size=60)), max_size=120))
def test_parser_only_raises_its_own_errors(lines):
    try:
        build_activities([("f.txt", split_sheets(lines))])
    except OaslibError:
        pass


def _sheet_blocks(text):
    """The file cut into sheets at their headings (what a shuffle moves)."""
    anchors = [s.line_no - 1 for s in _sheets(text)]
    lines = text.split("\n")
    # values printed before the headings travel with their sheet: cut at the
    # end of the previous sheet's summary instead of at the heading
    return ["\n".join(lines[a:b]) for a, b in zip([0] + anchors[1:], anchors[1:] + [len(lines)])]


FIELDS = ["country", "name", "program", "pillar", "start_date", "end_date", "end_status",
          "donors", "objectives", "results", "summary"]


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffling_sheets_changes_no_field(rnd):
    sheets = [SHEET.replace("Port Evaluations and \n\nAssessments", f"Program number {i}")
              .replace("Canada", d) for i, d in enumerate(["Canada", "Italy", "Spain", "Mexico", "Chile"])]
    sheets = [s.replace("Contribute to strengthening", f"Contribute ({i}) to strengthening")
              for i, s in enumerate(sheets)]
    order = list(range(len(sheets)))
    rnd.shuffle(order)
    joined = lambda idx: "\n \n\n \n\n".join(sheets[i] for i in idx)
    a = build_activities([("f.txt", _sheets(joined(range(len(sheets)))))])[0]
    b = build_activities([("f.txt", _sheets(joined(order)))])[0]
    key = lambda df: df.set_index("name")[FIELDS[:1] + FIELDS[2:] + ["activity_id", "program_id"]].sort_index()
    pd.testing.assert_frame_equal(key(a), key(b))


def test_duplicating_a_file_changes_no_field_of_the_original(raw_copy, tmp_path):
    a = clean(raw_copy, tmp_path / "a").tables["activities"]
    (raw_copy / "zzz_copy.txt").write_bytes((raw_copy / PANAMA).read_bytes())
    b = clean(raw_copy, tmp_path / "b").tables["activities"]
    orig = b[b.source_file != "zzz_copy.txt"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, orig)
    copy = b[b.source_file == "zzz_copy.txt"]
    assert copy["duplicate_of"].notna().all()


@pytest.mark.parametrize("iso3, name, demonym", [
    ("PER", "Peru", "Peruvian"), ("JAM", "Jamaica", "Jamaican"), ("DMA", "Dominica", "Dominican"),
    ("LCA", "Saint Lucia", "Saint Lucian"), ("MEX", "México", "Mexican"),
])
def test_rewritten_with_another_countrys_names_is_assigned_that_country(iso3, name, demonym):
    text = CORPUS.replace("Panamanian", demonym).replace("Panamá", name).replace("Panama", name)
    acts = build_activities([("f.txt", _sheets(text))])[0]
    assert set(acts["iso3"]) == {iso3}


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["PER", "JAM", "CHL", "ARG", "BRB", "GUY", "HTI", "KNA", "VCT", "TTO", "URY"]))
def test_any_member_state_swapped_in(iso3):
    from oaslib.clean.countries import country_name
    name = country_name(iso3)
    text = CORPUS.replace("Panamanian", name).replace("Panama", name)
    acts = build_activities([("f.txt", _sheets(text))])[0]
    assert set(acts["iso3"]) == {iso3}


def test_reading_in_worker_processes_gives_the_same_tables(raw_copy, tmp_path, monkeypatch):
    import oaslib.clean.job as job

    originals = sorted(raw_copy.glob("*.txt"))
    for i in range(3):  # three more copies of every document
        for f in originals:
            (raw_copy / f"{f.stem}_copy{i}.txt").write_bytes(f.read_bytes())
    import threading

    serial = clean(raw_copy, tmp_path / "serial").tables
    assert threading.active_count() == 1, "workers are only forked from a single-threaded process"
    monkeypatch.setattr(job, "PARALLEL_FROM", 2)
    parallel = clean(raw_copy, tmp_path / "parallel").tables
    assert serial.keys() == parallel.keys()
    for name in serial:
        pd.testing.assert_frame_equal(serial[name], parallel[name], obj=name)
    assert (parallel["quality"].problem == "duplicate document").sum() == 3


# ------------------------------------------------ ensure_clean and the lock

def test_tables_are_rebuilt_when_a_document_is_replaced_by_an_older_copy(raw_copy, tmp_path):
    """cp -p, rsync, unzip and Windows Explorer keep a file's old time: the
    contents decide, not the times alone."""
    import os

    from oaslib.clean.job import ensure_clean
    out = tmp_path / "clean"
    ensure_clean(raw_copy, out)
    built = (out / "manifest.json").stat().st_mtime_ns
    ensure_clean(raw_copy, out)  # nothing changed: nothing rebuilt
    assert (out / "manifest.json").stat().st_mtime_ns == built
    sheets = raw_copy / "000_3348439e6b9c1ad1.txt"
    old = sheets.stat()
    sheets.write_text(sheets.read_text(encoding="utf-8").replace("Spain (AECID)", "Italy"), encoding="utf-8")
    os.utime(sheets, ns=(old.st_atime_ns, old.st_mtime_ns - 10**12))  # the copy keeps an old time
    os.utime(raw_copy, ns=(old.st_atime_ns, old.st_mtime_ns - 10**12))
    ensure_clean(raw_copy, out)
    donors = pd.read_csv(out / "donors.csv", dtype=str)
    assert "Italy" in set(donors.donor) and "Spain" not in set(donors.donor)


def test_tables_built_by_another_version_of_the_reader_are_rebuilt_on_next_use(raw_copy, tmp_path):
    """After an upgrade (a new column, a new donor alias) the tables on disk
    are the old reader's: the next use rebuilds them instead of failing on a
    missing column or showing old readings."""
    import json

    from oaslib.clean import store
    from oaslib.clean.job import ensure_clean
    out = tmp_path / "clean"
    ensure_clean(raw_copy, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    old = store.read_table("mispa_activities", out).drop(columns="meeting")
    old.to_parquet(out / "mispa_activities.parquet")  # what the reader before the column wrote
    (out / "manifest.json").write_text(json.dumps({**manifest, "reader": "an older reader"}), encoding="utf-8")
    with pytest.raises(StoreError, match=r"mispa_activities.parquet: table mispa_activities: missing column "
                                         r"\(written by another version of oaslib\?\); run `oaslib clean`: 'meeting'"):
        store.read_table("mispa_activities", out)
    ensure_clean(raw_copy, out)
    assert set(store.read_table("mispa_activities", out).meeting) == {"MISPA-IV"}


def test_a_clean_while_another_run_writes_the_tables_exits_2_and_writes_nothing(raw_copy, tmp_path, capsys):
    from .test_batch import another_run_holding
    out = tmp_path / "clean"
    with another_run_holding(out):
        assert main(["clean", "--raw", str(raw_copy), "--out", str(out)]) == 2
    assert "another oaslib run is writing to this directory" in capsys.readouterr().err
    assert not (out / "activities.csv").exists()


def test_a_usage_error_leaves_no_output_folder_behind(bundled_clean, tmp_path, capsys):
    out = tmp_path / "reports"
    assert main(["report", "country", "Narnia", "--data", str(bundled_clean), "--out", str(out)]) == 2
    assert "no member state 'Narnia'" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("text, quoted", [
    pytest.param("x" * 10_000_000, "x" * 199 + "…", id="ten-megabyte-line-cut-to-200"),
    pytest.param("\x00\x01PK\x03\x04 binary", "\\x00\\x01PK\\x03\\x04 binary", id="binary-bytes-escaped"),
    pytest.param("two\r\nlines\tand a tab", "two  lines and a tab", id="line-breaks-and-tabs-as-spaces"),
])
def test_a_quality_row_quotes_readable_text(text, quoted):
    from oaslib.clean.schema import quality_row
    assert quality_row("a.txt", text=text)["text"] == quoted


def test_a_binary_file_named_txt_leaves_a_quality_table_csv_can_read(tmp_path):
    import csv
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sheets.txt").write_bytes(b"PK\x03\x04\x00\x00\x14\x00\x06\x00" + bytes(range(256)) * 4)
    clean(raw, tmp_path / "out")
    text = (tmp_path / "out" / "quality.csv").read_text(encoding="utf-8")
    assert "\x00" not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and all(r["source_file"] == "sheets.txt" for r in rows)


def test_a_file_that_cannot_be_opened_is_a_quality_row(raw_copy, tmp_path):
    """A name in the folder that cannot be opened (here a link to nothing;
    elsewhere no permission): that file is unreadable, the others are read."""
    (raw_copy / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    out = clean(raw_copy, tmp_path / "out")
    assert out.unreadable and "gone.txt" in out.unreadable[0]
    quality = pd.read_csv(tmp_path / "out" / "quality.csv", dtype=str)
    assert (quality.source_file == "gone.txt").any()
    assert len(out.tables["activities"]) == 20
    from oaslib.clean.store import read_manifest
    assert read_manifest(tmp_path / "out")["inputs"]  # the manifest records it and still reads
