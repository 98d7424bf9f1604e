"""Shared fixtures: the bundled raw documents, cleaned once per session."""
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run random examples every time and keep no example database:
# a .hypothesis/ directory carried between CI runs (or left in a checkout)
# would replay an old failing example first and make a flaky test look
# deterministic. A failure prints its reproduction blob instead.
# Every setting that matters is spelled out: with CI set in the environment
# Hypothesis makes its own "ci" profile the parent of every profile, and that
# one derandomizes (the same examples every run). No deadline either: the
# machines are shared, and speed is measured in bench/, not in tests.
settings.register_profile("oaslib", database=None, derandomize=False,
                          deadline=None, print_blob=True)
settings.load_profile("oaslib")

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def bundled_clean(tmp_path_factory):
    """data/raw cleaned into a temporary directory by the real pipeline."""
    from oaslib.clean import clean
    out = tmp_path_factory.mktemp("clean")
    clean(RAW, out)
    return out


@pytest.fixture
def raw_copy(tmp_path):
    """A writable copy of the bundled raw documents."""
    dst = tmp_path / "raw"
    shutil.copytree(RAW, dst)
    return dst


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A new user's copy of the project: the raw documents and the notebooks,
    no data/clean yet, the installed oaslib (no oaslib/ folder to import
    from), and nothing in the environment that points elsewhere."""
    root = tmp_path / "project"
    shutil.copytree(RAW, root / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.delenv("OASLIB_HOME", raising=False)
    return root
