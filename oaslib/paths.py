"""Where things live. Every default path of the kit comes from here.

Paths are resolved against the current working directory, so ``oaslib clean``
run at the project root reads ``data/raw`` and writes ``data/clean``; the
``OASLIB_HOME`` environment variable points elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
TEMPLATES = PACKAGE_DIR / "briefs" / "templates"


def home() -> Path:
    return Path(os.environ.get("OASLIB_HOME", ".")).resolve()


def raw_dir() -> Path:
    return home() / "data" / "raw"


def clean_dir() -> Path:
    return home() / "data" / "clean"


def reports_dir() -> Path:
    return home() / "reports"


def notebooks_dir() -> Path:
    """The briefs' notebooks: the project's ``notebooks/`` when run from a
    checkout, else the copies shipped inside the package."""
    local = home() / "notebooks"
    if (local / "country_brief.ipynb").exists():
        return local
    return PACKAGE_DIR / "briefs" / "notebooks"
