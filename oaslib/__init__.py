"""oaslib: tidy tables and briefs from the OAS Secretariat for Multidimensional
Security's program sheets and MISPA reports.

In JupyterLab::

    import oaslib
    activities = oaslib.load_activities()   # builds data/clean first if needed
"""
from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

from .errors import OaslibError  # noqa: E402


def _load(name: str, data_dir=None, raw_dir=None):
    from . import paths
    from .clean import ensure_clean, store
    data_dir = Path(data_dir) if data_dir is not None else paths.clean_dir()
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    ensure_clean(raw_dir, data_dir)
    return store.read_table(name, data_dir)


def load_activities(data_dir=None, raw_dir=None):
    """One row per program sheet (see ``oaslib.clean.schema.ACTIVITIES``)."""
    return _load("activities", data_dir, raw_dir)


def load_donors(data_dir=None, raw_dir=None):
    """One row per activity and donor."""
    return _load("donors", data_dir, raw_dir)


def load_programs(data_dir=None, raw_dir=None):
    """One row per program across sheets, years and member states."""
    return _load("programs", data_dir, raw_dir)


def load_mispa(data_dir=None, raw_dir=None):
    """Activity paragraphs of the MISPA report's Appendices I–III."""
    return _load("mispa_activities", data_dir, raw_dir)


def load_mispa_themes(data_dir=None, raw_dir=None):
    """The five MISPA pillars and their thematic areas."""
    return _load("mispa_themes", data_dir, raw_dir)


def load_quality(data_dir=None, raw_dir=None):
    """Every problem found while reading the raw documents."""
    return _load("quality", data_dir, raw_dir)


def brief(query, as_of=None, lang: str = "en", data_dir=None):
    """A brief to read in the notebook: ``oaslib.brief("Panama")`` (name,
    variant or ISO3) or ``oaslib.brief(2017)``; ``lang="es"`` for Spanish.
    Shows inline as the exported brief does; ``.to_html(path)``,
    ``.to_pdf(path)`` write it. See ``oaslib.briefs.content.brief``."""
    from .briefs.content import brief as _brief
    return _brief(query, as_of=as_of, lang=lang, data_dir=data_dir)


__all__ = ["OaslibError", "brief", "load_activities", "load_donors", "load_programs",
           "load_mispa", "load_mispa_themes", "load_quality", "__version__"]
