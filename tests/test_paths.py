"""One project root: found from any folder inside the project or from
OASLIB_HOME, by the library and the CLI alike; outside a project, one line
that says where oaslib looked and how to point it elsewhere."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import oaslib
from oaslib import paths
from oaslib.cli import main

from .conftest import RAW


@pytest.mark.parametrize("where", [
    pytest.param(".", id="the-root"),
    pytest.param("notebooks", id="notebooks-jupyterlab-kernel-cwd"),
    pytest.param("data/raw", id="inside-data-raw"),
    pytest.param("notebooks/drafts/2026", id="deep-new-subfolder"),
])
def test_root_found_from_any_folder_inside(project, monkeypatch, where):
    (project / where).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(project / where)
    assert paths.home() == project.resolve()
    assert paths.raw_dir() == project.resolve() / "data" / "raw"


def test_marker_file_makes_a_root_before_data_raw_exists(tmp_path, monkeypatch):
    monkeypatch.delenv("OASLIB_HOME", raising=False)
    (tmp_path / "new" / "notebooks").mkdir(parents=True)
    (tmp_path / "new" / paths.MARKER).write_text("")
    monkeypatch.chdir(tmp_path / "new" / "notebooks")
    assert paths.home() == (tmp_path / "new").resolve()


def test_nearest_project_wins(project, monkeypatch):
    inner = project / "notebooks" / "other"
    (inner / "data" / "raw").mkdir(parents=True)
    monkeypatch.chdir(inner)
    assert paths.home() == inner.resolve()


def test_oaslib_home_wins_over_the_working_directory(project, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(project / "notebooks")
    monkeypatch.setenv("OASLIB_HOME", str(other))
    assert paths.home() == other.resolve()
    monkeypatch.setenv("OASLIB_HOME", str(tmp_path / "missing"))
    with pytest.raises(paths.ProjectNotFound, match="OASLIB_HOME names no folder"):
        paths.home()


def test_outside_a_project_one_line_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv("OASLIB_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(paths.ProjectNotFound) as e:
        paths.home()
    msg = str(e.value)
    assert "\n" not in msg and str(tmp_path.resolve()) in msg
    assert "data/raw" in msg and "OASLIB_HOME=" in msg


def test_briefs_notebooks_fall_back_to_the_package_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.delenv("OASLIB_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.notebooks_dir() == paths.PACKAGE_DIR / "briefs" / "notebooks"


def test_load_activities_from_a_subfolder_builds_the_projects_tables(project, monkeypatch):
    sub = project / "notebooks" / "scratch"
    sub.mkdir()
    monkeypatch.chdir(sub)
    acts = oaslib.load_activities()
    assert (project / "data" / "clean" / "activities.parquet").exists()
    assert not (sub / "data").exists() and not (project / "notebooks" / "data").exists()
    assert len(acts) and set(acts.iso3) >= {"PAN"}


def _cli(*args, cwd, env_home=None):
    env = {k: v for k, v in os.environ.items() if k != "OASLIB_HOME"}
    if env_home:
        env["OASLIB_HOME"] = str(env_home)
    return subprocess.run([sys.executable, "-m", "oaslib", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_cli_outside_a_project_exits_2_with_one_line(tmp_path):
    for args in (["build"], ["clean"], ["report", "year", "2017"]):
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert str(tmp_path.resolve()) in done.stderr and "OASLIB_HOME" in done.stderr
    assert not list(tmp_path.iterdir())


def test_cli_defaults_come_from_oaslib_home(project, tmp_path):
    """The defaults are the project's folders, looked up when the command
    runs: from elsewhere, OASLIB_HOME sends every default path there."""
    elsewhere = tmp_path / "cron-cwd"
    elsewhere.mkdir()
    done = _cli("report", "year", "2017", "--format", "html", cwd=elsewhere, env_home=project)
    assert done.returncode == 0, done.stderr
    assert (project / "data" / "clean" / "manifest.json").exists()
    assert (project / "reports" / "year-2017.html").exists()
    assert not list(elsewhere.iterdir())


def test_cli_defaults_from_the_working_directory_inside_the_project(project, monkeypatch, capsys):
    monkeypatch.chdir(project / "notebooks")
    assert main(["clean"]) == 0
    assert str(project.resolve() / "data" / "clean") in capsys.readouterr().out
    assert (project / "data" / "clean" / "manifest.json").exists()


def test_cli_needs_no_project_when_given_every_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("OASLIB_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["clean", "--raw", str(RAW), "--out", str(tmp_path / "clean")]) == 0
    assert Path(tmp_path / "clean" / "activities.csv").exists()
