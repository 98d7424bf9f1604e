"""A brief's HTML body as the page readers get: self-contained HTML (our
template and stylesheet inline, the running header and page footer in the
brief's language) and its PDF (WeasyPrint). Shared by the exported brief
and the inline one (``brief.to_html`` / ``brief.to_pdf``)."""
from __future__ import annotations

from functools import lru_cache

from .. import paths
from ..errors import RenderError


def page_html(body: str, title: str, lang: str = "en") -> str:
    """A brief's body in the self-contained page (stylesheet inline, page
    header and footer in the brief's language)."""
    from .i18n import Lang
    L = Lang(lang)
    page = _template((paths.TEMPLATES / "page.html.j2").read_text(encoding="utf-8"))
    return page.render(title=title, css=(paths.TEMPLATES / "brief.css").read_text(encoding="utf-8"), body=body,
                       lang=L.code, org=L._("OAS · SMS"), author=L._("OAS Secretariat for Multidimensional Security"),
                       page_of=_css_string(L._("page {page} of {pages}")), running=_css_string(title))


@lru_cache(maxsize=4)
def _template(text: str):
    """The page template compiled once per text (a batch worker renders brief after brief)."""
    from jinja2 import Template
    return Template(text)


def _css_string(text: str) -> str:
    """'page {page} of {pages}' as a CSS ``content`` value with page counters."""
    import re
    parts = re.split(r"\{(page|pages)\}", text)
    out = []
    for i, p in enumerate(parts):
        if i % 2:
            out.append(f"counter({p})")
        elif p:
            out.append('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def html_to_pdf(html: str, title: str, lang: str = "en") -> bytes:
    import logging

    try:
        import weasyprint
    except OSError as e:  # Windows/macOS without Pango: WeasyPrint loads it when imported
        raise RenderError("PDF needs WeasyPrint's system libraries (Pango), not found: see README, "
                          "'On Windows'; --format html makes the briefs without them",
                          text=str(e).splitlines()[0] if str(e) else None) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=None).render()
    doc.metadata.title = title
    from .i18n import Lang
    doc.metadata.authors = [Lang(lang)._("OAS Secretariat for Multidimensional Security") + " (oaslib)"]
    doc.metadata.lang = lang
    return doc.write_pdf()
