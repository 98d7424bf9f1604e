"""Batches of briefs, run for real: incremental rebuilds, kernel reuse,
progress output, a killed run, overlapping runs."""
import contextlib
import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oaslib.briefs.batch import run_reports
from oaslib.clean import clean
from oaslib.cli import main

from .test_sheets import SHEET

ROOT = Path(__file__).resolve().parents[1]

#: Tests that drive a pseudo-terminal or kill a process group need POSIX;
#: the rest of the suite must still import and run on Windows.
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pty / process groups")


def sheet(country: str, year: int, donor: str = "Canada") -> str:
    return (SHEET.replace("Panama", country).replace("1/1/2017", f"1/1/{year}")
            .replace("12/31/2017", f"12/31/{year}").replace("Canada", donor))


@pytest.fixture
def three_states(tmp_path):
    """Three member states, one sheet each, dated 2017, 2018 and 2019."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, country, year in (("a.txt", "Panama", 2017), ("b.txt", "El Salvador", 2018),
                                ("c.txt", "Jamaica", 2019)):
        (raw / name).write_text(sheet(country, year), encoding="utf-8")
    clean(raw, tmp_path / "clean")
    return tmp_path


def statuses(out: Path) -> dict:
    return {k: b["status"] for k, b in json.loads((out / "manifest.json").read_text())["briefs"].items()}


def build(base: Path, **kw) -> int:
    return run_reports("all", [], True, base / "out", base / "clean", formats=("html",),
                       as_of="2020-01-01", log=lambda line: None, **kw)


def test_a_change_to_one_sheet_remakes_only_the_briefs_that_show_it(three_states):
    assert build(three_states) == 0
    assert set(statuses(three_states / "out")) == {"country-PAN", "country-SLV", "country-JAM",
                                                    "year-2017", "year-2018", "year-2019"}
    (three_states / "raw" / "c.txt").write_text(sheet("Jamaica", 2019, donor="Spain"), encoding="utf-8")
    clean(three_states / "raw", three_states / "clean")
    assert build(three_states) == 0
    assert statuses(three_states / "out") == {
        "country-JAM": "made", "year-2019": "made",
        "country-PAN": "up to date", "country-SLV": "up to date",
        "year-2017": "up to date", "year-2018": "up to date"}
    assert "Spain" in (three_states / "out" / "country-JAM.html").read_text()


def test_a_brief_whose_data_is_gone_is_removed_with_its_files(three_states):
    assert build(three_states) == 0
    (three_states / "raw" / "c.txt").unlink()
    clean(three_states / "raw", three_states / "clean")
    assert build(three_states) == 0
    assert "country-JAM" not in statuses(three_states / "out")
    assert not list((three_states / "out").glob("country-JAM.*"))
    assert "Jamaica" not in (three_states / "out" / "index.html").read_text()


def test_each_brief_gets_a_fresh_namespace_in_the_reused_kernel(three_states):
    nb = json.loads((ROOT / "notebooks" / "year_brief.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "assert 'left_behind' not in globals(), 'state leaked from the last brief'\n"
                                  "left_behind = year"})
    probe = three_states / "probe.ipynb"
    probe.write_text(json.dumps(nb))
    code = run_reports("year", [], True, three_states / "out", three_states / "clean", formats=("html",),
                       jobs=1, notebook=str(probe), log=lambda line: None)
    assert code == 0, statuses(three_states / "out")
    executed = json.loads((three_states / "out" / "year-2019.ipynb").read_text())
    counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


def _oaslib(*args):
    return [sys.executable, "-m", "oaslib", *args]


@posix_only
def test_plain_lines_when_not_a_terminal_and_a_bar_on_one(three_states):
    import fcntl
    import pty
    import termios

    args = _oaslib("report", "year", "--all", "--format", "html", "--force", "--raw", str(three_states / "raw"),
                   "--data", str(three_states / "clean"), "--out", str(three_states / "out"))
    piped = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    lines = piped.stdout.splitlines()
    assert sum(bool(line.startswith("year-") and ": made in " in line) for line in lines) == 3
    assert "\r" not in piped.stdout + piped.stderr

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100-column terminal
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the run is over
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=300) == 0
    assert b"3/3" in seen and b"brief" in seen and b"\r" in seen


@posix_only
def test_a_killed_run_is_completed_by_the_next_one(bundled_clean, tmp_path):
    out = tmp_path / "out"
    args = _oaslib("report", "country", "--all", "--format", "html", "--jobs", "2", "--raw",
                   str(ROOT / "data" / "raw"), "--data", str(bundled_clean), "--out", str(out))
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        made = statuses(out) if (out / "manifest.json").exists() else {}
        if sum(s == "made" for s in made.values()) >= 3:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 3 <= len(statuses(out)) < 33

    assert subprocess.run(args, capture_output=True, timeout=600).returncode == 0
    done = statuses(out)
    assert len(done) == 33 and set(done.values()) <= {"made", "up to date"}
    assert not list(out.glob(".*tmp*")) and not list(out.glob("kernel-*"))
    for b in json.loads((out / "manifest.json").read_text())["briefs"].values():
        assert all((out / f).exists() for f in b["outputs"].values())


@contextlib.contextmanager
def another_run_holding(out: Path):
    """A separate process that holds the output directory's lock, as a
    running ``oaslib build`` does, until the block ends."""
    code = ("import sys, oaslib.clean.store as s\n"
            "with s.lock(sys.argv[1]):\n"
            "    print('held', flush=True); sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        yield
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_a_second_run_on_the_same_directory_stops_with_a_clear_error(three_states, capsys):
    out = three_states / "out"
    with another_run_holding(out):
        code = main(["report", "year", "--all", "--raw", str(three_states / "raw"),
                     "--data", str(three_states / "clean"), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "another oaslib run is writing to this directory" in err and len(err.strip().splitlines()) == 1
    assert "pid " in err  # says who holds it


def test_a_cell_that_hangs_fails_its_brief_and_the_next_brief_gets_a_new_kernel(three_states):
    nb = json.loads((ROOT / "notebooks" / "year_brief.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "import time\nif year == 2017:\n    time.sleep(120)"})
    hangs = three_states / "hangs.ipynb"
    hangs.write_text(json.dumps(nb))
    code = run_reports("year", [], True, three_states / "out", three_states / "clean", formats=("html",),
                       jobs=1, notebook=str(hangs), timeout=3, log=lambda line: None)
    assert code == 1
    briefs = json.loads((three_states / "out" / "manifest.json").read_text())["briefs"]
    assert briefs["year-2017"]["status"] == "failed" and "year brief 2017" in briefs["year-2017"]["error"]
    assert briefs["year-2018"]["status"] == briefs["year-2019"]["status"] == "made"
    assert not (three_states / "out" / "year-2017.html").exists()


@pytest.mark.parametrize("command", [
    pytest.param(["build"], id="build"),
    pytest.param(["report", "year", "--all"], id="report-with-newer-raw"),
])
def test_an_overlapping_run_exits_2_before_it_touches_the_clean_tables(three_states, capsys, command):
    clean_dir, out = three_states / "clean", three_states / "out"
    (three_states / "raw" / "c.txt").write_text(sheet("Jamaica", 2019, donor="Spain"), encoding="utf-8")
    before = {f.name: f.stat().st_mtime_ns for f in clean_dir.iterdir()}
    with another_run_holding(out):
        code = main([*command, "--raw", str(three_states / "raw"), "--data", str(clean_dir), "--out", str(out)])
    assert code == 2
    assert "another oaslib run" in capsys.readouterr().err
    assert {f.name: f.stat().st_mtime_ns for f in clean_dir.iterdir()} == before


def test_an_export_that_raises_fails_only_its_brief(three_states):
    """The notebook runs, then WeasyPrint cannot lay out its output (HTML
    nested 500 deep exhausts its recursion): that brief failed, the others
    are made, the manifest and the index are written, exit code 1."""
    nb = json.loads((ROOT / "notebooks" / "year_brief.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "from IPython.display import HTML, display\n"
                                  "if year == 2018:\n    display(HTML('<div>' * 500 + 'deep' + '</div>' * 500))"})
    deep = three_states / "deep.ipynb"
    deep.write_text(json.dumps(nb))
    lines = []
    code = run_reports("year", [], True, three_states / "out", three_states / "clean", formats=("html", "pdf"),
                       jobs=2, notebook=str(deep), log=lines.append)
    assert code == 1
    briefs = json.loads((three_states / "out" / "manifest.json").read_text())["briefs"]
    assert briefs["year-2018"]["status"] == "failed"
    assert "year brief 2018" in briefs["year-2018"]["error"] and "RecursionError" in briefs["year-2018"]["error"]
    assert briefs["year-2017"]["status"] == briefs["year-2019"]["status"] == "made"
    assert "year-2018" in (three_states / "out" / "index.html").read_text()
    assert not (three_states / "out" / "year-2018.pdf").exists()
    assert not (three_states / "out" / "year-2018.html").exists()  # written before the PDF failed: gone
    assert any(line.startswith("year-2018: failed") for line in lines)


def linked(out: Path) -> set:
    import re
    return set(re.findall(r'href="([^"]+)"', (out / "index.html").read_text()))


def test_the_index_links_every_current_format_on_disk_and_nothing_stale(three_states):
    out = three_states / "out"
    year = lambda **kw: run_reports("year", [], True, out, three_states / "clean", jobs=2,  # noqa: E731
                                    log=lambda line: None, **kw)
    assert year(formats=("html", "pdf")) == 0
    assert {"year-2019.html", "year-2019.pdf"} <= linked(out)

    assert year(formats=("pdf",)) == 0  # nothing changed: the HTML beside the PDF is still current
    assert set(statuses(out).values()) == {"up to date"}
    assert {"year-2017.html", "year-2018.html", "year-2019.html"} <= linked(out)

    (three_states / "raw" / "c.txt").write_text(sheet("Jamaica", 2019, donor="Spain"), encoding="utf-8")
    clean(three_states / "raw", three_states / "clean")
    assert year(formats=("pdf",)) == 0  # 2019 changed: its old HTML is stale and goes
    assert statuses(out)["year-2019"] == "made"
    assert not (out / "year-2019.html").exists() and "year-2019.html" not in linked(out)
    assert {"year-2019.pdf", "year-2018.html", "year-2018.pdf"} <= linked(out)
    on_disk = {f.name for f in out.iterdir() if f.suffix in (".html", ".pdf", ".csv", ".ipynb")}
    assert linked(out) == on_disk - {"index.html"}


@pytest.mark.parametrize("platform, threads, method", [
    pytest.param("linux", 1, "fork", id="linux-single-threaded"),
    pytest.param("linux", 3, "forkserver", id="linux-threads-running"),
    pytest.param("darwin", 1, "spawn", id="macos"),
    pytest.param("win32", 1, "spawn", id="windows"),
])
def test_the_worker_start_method_is_chosen_per_platform(platform, threads, method):
    from oaslib.briefs.batch import start_method
    assert start_method(platform, threads) == method


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forkserver is chosen on Linux")
def test_a_batch_started_while_threads_run_does_not_fork_them(three_states):
    """A batch started from a process with other threads (a Jupyter kernel, a
    progress bar's monitor) gets its workers from a forkserver, and they
    render as forked ones do."""
    import threading
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        from oaslib.briefs.batch import start_method
        assert start_method() == "forkserver"
        assert build(three_states, jobs=2) == 0
    finally:
        stop.set()
        other.join()
    assert set(statuses(three_states / "out").values()) == {"made"}


@posix_only
def test_a_worker_that_dies_fails_only_its_own_brief(three_states):
    """A brief whose worker process dies (here its kernel kills it, as a
    crash in C code would) fails; the briefs that shared the broken pool
    are made in a new one."""
    nb = json.loads((ROOT / "notebooks" / "year_brief.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "import os, signal\nif year == 2018:\n    os.kill(os.getppid(), signal.SIGKILL)"})
    killer = three_states / "killer.ipynb"
    killer.write_text(json.dumps(nb))
    code = run_reports("year", [], True, three_states / "out", three_states / "clean", formats=("html",),
                       jobs=2, notebook=str(killer), log=lambda line: None)
    assert code == 1
    briefs = json.loads((three_states / "out" / "manifest.json").read_text())["briefs"]
    assert briefs["year-2018"]["status"] == "failed" and "worker process died" in briefs["year-2018"]["error"]
    assert briefs["year-2017"]["status"] == briefs["year-2019"]["status"] == "made"


def test_an_earlier_as_of_keeps_the_briefs_a_later_one_made(tmp_path):
    """An open program covers every year to the as-of date: a run for an
    earlier date plans no brief for the later years, yet they still have
    their data and keep their files and history."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(sheet("Panama", 2019).replace("12/31/2019", "Continuous Program"), encoding="utf-8")
    clean(raw, tmp_path / "clean")
    later = dict(formats=("html",), log=lambda line: None)
    assert run_reports("all", [], True, tmp_path / "out", tmp_path / "clean", as_of="2021-06-01", **later) == 0
    assert set(statuses(tmp_path / "out")) == {"country-PAN", "year-2019", "year-2020", "year-2021"}
    assert run_reports("all", [], True, tmp_path / "out", tmp_path / "clean", as_of="2020-06-01", **later) == 0
    assert "year-2021" in statuses(tmp_path / "out")
    assert (tmp_path / "out" / "year-2021.html").exists() and (tmp_path / "out" / "history" / "year-2021").is_dir()


def test_a_damaged_reports_manifest_is_one_line_naming_it(three_states, capsys):
    out = three_states / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"briefs": [', encoding="utf-8")
    code = main(["report", "year", "--all", "--raw", str(three_states / "raw"), "--data", str(three_states / "clean"),
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "manifest.json" in err and "reports manifest is damaged" in err


def test_an_unreadable_kept_edition_fails_its_brief_only(three_states):
    """A foreign or damaged file in reports/history is that brief's failure,
    in one line naming the file; the other briefs are made."""
    history = three_states / "out" / "history" / "country-PAN"
    history.mkdir(parents=True)
    (history / "2019-06-01.csv").write_text('item,key\n"never closed', encoding="utf-8")
    assert build(three_states) == 1
    briefs = json.loads((three_states / "out" / "manifest.json").read_text())["briefs"]
    assert briefs["country-PAN"]["status"] == "failed"
    assert "2019-06-01.csv" in briefs["country-PAN"]["error"] and "\n" not in briefs["country-PAN"]["error"]
    assert all(b["status"] == "made" for s, b in briefs.items() if s != "country-PAN")


def test_a_batch_shows_the_tables_as_they_were_when_it_started(three_states):
    """An `oaslib clean` that rewrites the tables while a batch runs (here:
    from inside the first brief's kernel) changes none of the batch's briefs:
    they all show one set of tables, the one their input hashes were taken
    from. The next batch shows the new tables."""
    clean_dir, changed = three_states / "clean", three_states / "raw-changed"
    changed.mkdir()
    for f in (three_states / "raw").iterdir():
        changed.joinpath(f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (changed / "a.txt").write_text(sheet("Panama", 2017, donor="Spain"), encoding="utf-8")
    nb = json.loads((ROOT / "notebooks" / "country_brief.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source":
                        "from oaslib.clean import clean\n"
                        f"if country == 'JAM':\n    clean({str(changed)!r}, {str(clean_dir)!r})"})
    cleans = three_states / "cleans.ipynb"
    cleans.write_text(json.dumps(nb))
    out = three_states / "out"
    assert run_reports("country", [], True, out, clean_dir, formats=("html",), jobs=1, notebook=str(cleans),
                       as_of="2020-01-01", log=lambda line: None) == 0
    assert "Spain" in (clean_dir / "donors.csv").read_text(encoding="utf-8")  # the clean did run, mid-batch
    panama = (out / "country-PAN.html").read_text(encoding="utf-8")
    assert "Canada" in panama and "Spain" not in panama
    assert not (out / ".oaslib-data").exists()
    assert build(three_states) == 0
    assert "Spain" in (out / "country-PAN.html").read_text(encoding="utf-8")
