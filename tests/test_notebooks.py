"""Every notebook in notebooks/ runs the way JupyterLab runs it: a kernel
started in notebooks/ of a new user's copy of the project, the notebook as
committed (no parameters injected), no data/clean yet — and shows its charts.

Also a smoke test of JupyterLab itself, started from the project copy."""
import ast
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Charts a notebook must show at least, over and above "every cell that draws shows its chart".
MIN_CHARTS = {"explore.ipynb": 3, "country_brief.ipynb": 1, "year_brief.ipynb": 1}
#: Code that draws a chart in a cell of explore.ipynb.
DRAWS = re.compile(r"_chart\(|\.plot\b")


def charts_in(outputs) -> int:
    """Images a cell shows: PNG or SVG outputs, and SVG charts inside HTML (the briefs' way)."""
    n = 0
    for o in outputs:
        data = o.get("data", {})
        n += sum(1 for mime in ("image/png", "image/svg+xml") if mime in data)
        n += str(data.get("text/html", "")).count("<svg")
    return n


def run_as_jupyterlab(path: Path):
    """Execute ``path`` as JupyterLab does: its own folder as the kernel's
    working directory, the kernel's default (inline) matplotlib backend."""
    from nbclient import NotebookClient
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def default_of(nb_path: Path, name: str):
    import papermill as pm
    params = pm.inspect_notebook(str(nb_path))
    return ast.literal_eval(params[name]["default"]) if name in params else None


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_jupyterlab_as_committed(nb_path, project, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # JupyterLab's kernels draw inline
    copy = project / "notebooks" / nb_path.name
    assert not (project / "data" / "clean").exists()

    nb = run_as_jupyterlab(copy)

    code = [c for c in nb.cells if c.cell_type == "code"]
    # nbclient stops at an error in a cell, but not at one raised while
    # matplotlib draws after the cell: look at every output
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{o.ename}: {o.evalue}" for o in errors)
    assert (project / "data" / "clean" / "manifest.json").exists(), "data/clean not built on first use"
    assert not (project / "notebooks" / "data").exists()
    assert sum(charts_in(c.outputs) for c in code) >= MIN_CHARTS.get(nb_path.name, 0)
    if nb_path.name == "explore.ipynb":
        drawing = [c for c in code if DRAWS.search(c.source)]
        assert len(drawing) >= MIN_CHARTS[nb_path.name] and all(charts_in(c.outputs) == 1 for c in drawing), \
            [c.source for c in drawing if charts_in(c.outputs) != 1]
        warnings = [o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not warnings, warnings

    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in code for o in c.outputs)
    if (country := default_of(nb_path, "country")) is not None:
        from oaslib.clean.countries import resolve
        assert re.search(rf"<h1[^>]*>\s*{re.escape(resolve(country).country)}\s*</h1>", html), \
            "the country brief does not show its default member state"
    if (year := default_of(nb_path, "year")) is not None:
        assert re.search(rf"<h1[^>]*>\s*{year}\s*</h1>", html), "the year brief does not show its default year"


def test_explore_runs_in_a_new_project_with_no_documents_yet(project, monkeypatch):
    """Empty tables (no sheets, no MISPA report) give empty answers and empty
    charts, not an error halfway down the notebook."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    for f in (project / "data" / "raw").iterdir():
        f.unlink()
    nb = run_as_jupyterlab(project / "notebooks" / "explore.ipynb")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{o.ename}: {o.evalue}" for o in errors)
    printed = "".join(o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream" and o.name == "stdout")
    assert "no sheet gives an end date" in printed


def test_explore_search_finds_what_the_notebook_asks(project, monkeypatch):
    """The search cell's default words find sheets in the bundled data, so
    the worked example shows an answer rather than an empty table."""
    import oaslib
    monkeypatch.chdir(project / "notebooks")
    words = default_of(project / "notebooks" / "explore.ipynb", "search_for")
    found = oaslib.search(words)
    assert len(found) and found.snippet.str.contains(r"\[", regex=True).all()


# ------------------------------------------------------------ JupyterLab

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_info(path: Path):
    """The server's runtime file once it is there and written whole."""
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


def _get(url: str, token: str):
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def test_jupyterlab_serves_the_projects_notebooks(project, tmp_path):
    pytest.importorskip("jupyterlab", reason="JupyterLab is installed by the 'lab' and 'test' extras")
    jupyter = Path(sys.executable).parent / ("jupyter.exe" if os.name == "nt" else "jupyter")
    if not jupyter.exists():
        pytest.skip("no jupyter command beside this Python")
    token = secrets.token_hex(16)
    runtime = tmp_path / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    env.pop("OASLIB_HOME", None)
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={_free_port()}",
         f"--IdentityProvider.token={token}", "--allow-root",  # CI runs as root
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        # The server writes its real port (it moves on when the one asked for
        # was taken in the meantime) to its runtime file once it listens.
        info_file = runtime / f"jpserver-{server.pid}.json"
        deadline = time.monotonic() + 180
        while (info := _server_info(info_file)) is None:
            assert server.poll() is None, (tmp_path / "lab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not start in 180 s"
            time.sleep(0.3)
        base = info["url"].rstrip("/")
        # jupyter_server writes the file before its event loop binds the
        # port (the bind is a loop callback): wait until it accepts
        while not _accepts("127.0.0.1", info["port"]):  # the --ip it was given
            assert server.poll() is None, (tmp_path / "lab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not listen in 180 s"
            time.sleep(0.3)

        status, body = _get(f"{base}/api/contents/notebooks", token)
        listed = {item["name"] for item in json.loads(body)["content"] if item["type"] == "notebook"}
        assert status == 200 and listed == {p.name for p in NOTEBOOKS}

        status, body = _get(f"{base}/lab", token)
        assert status == 200 and b"JupyterLab" in body
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    shutil.rmtree(runtime, ignore_errors=True)
