"""The ``oaslib`` command as a user meets it: exit codes, one-line errors,
imports that work on every platform."""
import subprocess
import sys

import pytest


def test_every_command_imports_where_fcntl_does_not_exist():
    """Windows has no fcntl: importing the CLI and the batch must not need it
    (a None entry in sys.modules makes ``import fcntl`` fail as it does there)."""
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "import oaslib.cli, oaslib.briefs.batch, oaslib.clean.job\n"
            "oaslib.cli.build_parser()\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def oaslib(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "oaslib", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_a_raw_folder_that_is_a_file_is_named_as_one(tmp_path):
    (tmp_path / "sheets.txt").write_text("OAS Pillar\n", encoding="utf-8")
    run = oaslib("clean", "--raw", str(tmp_path / "sheets.txt"), "--out", str(tmp_path / "out"))
    assert run.returncode == 2 and run.stderr.strip().endswith("raw directory is a file, not a folder of documents")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, says", [
    pytest.param(["clean", "--raw", "/nonexistent"], "/nonexistent", id="clean-missing-raw-dir"),
    pytest.param(["build", "--raw", "/nonexistent"], "/nonexistent", id="build-missing-raw-dir"),
    pytest.param(["report", "country", "PAN", "--as-of", "yesterday"], "'yesterday'", id="as-of-not-a-date"),
    pytest.param(["report", "country", "PAN", "--as-of", "2026-02-30"], "'2026-02-30'", id="as-of-no-such-day"),
    pytest.param(["report", "country", "PAN", "--as-of", "20260102"], "'20260102'", id="as-of-basic-format"),
    pytest.param(["report", "year", "--all", "--jobs", "0"], "--jobs", id="jobs-zero"),
    pytest.param(["build", "--timeout", "-5"], "--timeout", id="timeout-negative"),
    pytest.param(["report", "year", "--all", "--format", "docx"], "docx", id="unknown-format"),
    pytest.param(["report", "planet", "Mars"], "planet", id="unknown-brief-kind"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, args, says):
    if "/nonexistent" not in args:  # must fail on the argument itself, before reading any data
        args = [*args, "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out")]
    run = oaslib(*args, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()


@pytest.fixture
def gap_years(tmp_path):
    """Sheets of 2009, 2010 and 2014, each ending in its year: 2011-2013 have no data."""
    from oaslib.clean import clean

    from .test_batch import sheet
    raw = tmp_path / "raw"
    raw.mkdir()
    for country, year in (("Panama", 2009), ("Jamaica", 2010), ("El Salvador", 2014)):
        (raw / f"{year}.txt").write_text(sheet(country, year), encoding="utf-8")
    clean(raw, tmp_path / "clean")
    return tmp_path


@pytest.mark.parametrize("year, suggestion", [
    pytest.param("2012", "did you mean 2010 or 2014?", id="in-a-gap-both-neighbours"),
    pytest.param("2025", "did you mean 2014?", id="after-the-last"),
    pytest.param("1850", "did you mean 2009?", id="before-the-first"),
])
def test_a_year_without_data_names_the_years_with_data_and_the_nearest(gap_years, capsys, year, suggestion):
    from oaslib.cli import main

    assert main(["report", "year", year, "--data", str(gap_years / "clean"), "--raw", str(gap_years / "raw"),
                 "--out", str(gap_years / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "years with data: 2009–2010, 2014" in err  # the gap 2011-2013 shows
    assert err.endswith(suggestion)
    assert not (gap_years / "out" / "manifest.json").exists()


def test_an_output_directory_that_cannot_be_made_is_one_line(bundled_clean, tmp_path):
    from .conftest import RAW
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run = oaslib("report", "year", "--all", "--data", str(bundled_clean), "--raw", str(RAW),
                 "--out", str(blocker / "reports"))
    assert run.returncode == 1 and "cannot write" in run.stderr and str(blocker) in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.parametrize("damage, says", [
    pytest.param(lambda d: (d / "activities.parquet").write_bytes(b"garbage"), "activities.parquet", id="parquet"),
    pytest.param(lambda d: (d / "manifest.json").write_text('{"inputs": null}'), "manifest.json", id="manifest"),
])
def test_damaged_clean_tables_are_one_line_naming_the_file(bundled_clean, tmp_path, damage, says):
    import shutil
    data = tmp_path / "clean"
    shutil.copytree(bundled_clean, data)
    damage(data)
    run = oaslib("report", "country", "Panama", "--data", str(data), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and says in run.stderr and "oaslib clean" in run.stderr


def test_a_bug_is_one_line_with_exit_3_and_its_traceback_on_request(monkeypatch, capsys):
    """A fault no check foresaw: one line naming it, exit 3; OASLIB_DEBUG=1 raises it."""
    from oaslib import cli
    from oaslib.clean import schema

    def broken():
        raise KeyError("column")
    monkeypatch.setattr(schema, "data_dictionary", broken)
    monkeypatch.delenv("OASLIB_DEBUG", raising=False)
    assert cli.main(["dictionary"]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "internal error" in err and "KeyError" in err
    monkeypatch.setenv("OASLIB_DEBUG", "1")
    with pytest.raises(KeyError):
        cli.main(["dictionary"])
