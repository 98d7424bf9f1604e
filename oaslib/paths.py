"""Where things live. Every default path of the kit comes from here.

The project is the folder that holds ``data/raw`` (or a ``.oaslib`` marker
file, for a project whose raw documents are not there yet). oaslib finds it
from the working directory or any folder inside it — JupyterLab starts a
notebook's kernel in the notebook's own folder, ``notebooks/`` — or takes it
from the ``OASLIB_HOME`` environment variable. Paths are looked up each time
they are asked for, never at import, so a changed working directory or
``OASLIB_HOME`` set after ``import oaslib`` still counts.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
TEMPLATES = PACKAGE_DIR / "briefs" / "templates"

#: Environment variable naming the project folder; wins over the search.
ENV = "OASLIB_HOME"
#: A file whose folder is a project root even before it has ``data/raw``.
MARKER = ".oaslib"


class ProjectNotFound(UsageError):
    """Neither ``OASLIB_HOME`` nor a project folder around the working directory."""


def is_project(folder: Path) -> bool:
    return (folder / MARKER).is_file() or (folder / "data" / "raw").is_dir()


def home(start: Path | None = None) -> Path:
    """The project root: ``OASLIB_HOME`` when set, else the nearest folder,
    from ``start`` (the working directory) upwards, that is a project."""
    env = os.environ.get(ENV, "").strip()
    if env:
        root = Path(env).expanduser().resolve()
        if not root.is_dir():
            raise ProjectNotFound(f"{ENV} names no folder", text=env)
        return root
    try:
        here = Path(start if start is not None else Path.cwd()).resolve()
    except FileNotFoundError:  # the working directory was removed under us
        raise ProjectNotFound(f"the working directory no longer exists; set {ENV}=/path/to/project") from None
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise ProjectNotFound(
        f"no oaslib project in {here} or any folder above it (looked for data/raw or a {MARKER} file); "
        f"run from inside the project, set {ENV}=/path/to/project, or pass the folders as options")


def raw_dir() -> Path:
    return home() / "data" / "raw"


def clean_dir() -> Path:
    return home() / "data" / "clean"


def reports_dir() -> Path:
    return home() / "reports"


def notebooks_dir() -> Path:
    """The briefs' notebooks: the project's ``notebooks/`` when there is a
    project that has them, else the copies shipped inside the package (a
    cron job's working directory need not be a project)."""
    try:
        local = home() / "notebooks"
    except ProjectNotFound:
        local = None
    if local is not None and (local / "country_brief.ipynb").exists():
        return local
    return PACKAGE_DIR / "briefs" / "notebooks"
