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


@pytest.mark.parametrize("year, suggestion", [
    pytest.param("2003", "did you mean 1998 or 2009?", id="in-a-gap-both-neighbours"),
    pytest.param("2025", "did you mean 2020?", id="after-the-last"),
    pytest.param("1850", "did you mean 1998?", id="before-the-first"),
])
def test_a_year_without_data_names_the_years_with_data_and_the_nearest(bundled_clean, tmp_path, capsys,
                                                                       year, suggestion):
    from oaslib.cli import main

    from .conftest import RAW
    assert main(["report", "year", year, "--data", str(bundled_clean), "--raw", str(RAW),
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "years with data: 1998, 2009–2020" in err  # the gap 1999-2008 shows
    assert err.endswith(suggestion)


def test_an_output_directory_that_cannot_be_made_is_one_line(bundled_clean, tmp_path):
    from .conftest import RAW
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run = oaslib("report", "year", "--all", "--data", str(bundled_clean), "--raw", str(RAW),
                 "--out", str(blocker / "reports"))
    assert run.returncode == 1 and "cannot write" in run.stderr and str(blocker) in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
