"""oaslib: tidy tables and briefs from the OAS Secretariat for Multidimensional
Security's program sheets and MISPA reports.

In JupyterLab, from any folder of the project (or with ``OASLIB_HOME`` set)::

    import oaslib
    activities = oaslib.load_activities()   # builds data/clean first if needed
    oaslib.search("border")                 # sheets that speak of borders, with a snippet

The ``load_*`` functions return the tables with an analyst's dtypes
(categoricals, and ``start``/``end`` as datetime64: see
``oaslib.explore.typed``); the briefs read them as stored
(``oaslib.clean.store.read_table``).
"""
from __future__ import annotations


from .clean.job import tables_dir
from .errors import OaslibError
from .version import __version__


def _load(name: str, data_dir=None, raw_dir=None):
    from .clean import store
    from .explore import typed
    return typed(store.read_table(name, tables_dir(data_dir, raw_dir)))


def load_activities(data_dir=None, raw_dir=None):
    """One row per program sheet (see ``oaslib.clean.schema.ACTIVITIES``),
    with ``start``/``end`` as datetime64 beside ``start_date``/``end_date``."""
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


def search(query: str, data_dir=None, raw_dir=None):
    """Program sheets whose summary, objectives or results contain every word
    of ``query`` (case and accents ignored), with a snippet: see
    ``oaslib.explore.search``."""
    from .explore import search as _search
    return _search(load_activities(data_dir, raw_dir), query)


def brief(query, as_of=None, lang: str = "en", data_dir=None, history_dir=None):
    """A brief to read in the notebook: ``oaslib.brief("Panama")`` (name,
    variant or ISO3) or ``oaslib.brief(2017)``; ``lang="es"`` for Spanish.
    Shows inline as the exported brief does; ``.to_html(path)``,
    ``.to_pdf(path)`` write it. See ``oaslib.briefs.content.brief``."""
    from .briefs.content import brief as _brief
    return _brief(query, as_of=as_of, lang=lang, data_dir=data_dir, history_dir=history_dir)


__all__ = ["OaslibError", "brief", "load_activities", "load_donors", "load_programs", "load_mispa",
           "load_mispa_themes", "load_quality", "search", "tables_dir", "__version__"]
