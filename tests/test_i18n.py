"""The Spanish edition: the catalog is complete, dates, numbers and names
follow the locale, and a real Spanish render carries no English chrome."""
import re
import shutil
from datetime import date

import pytest
from pypdf import PdfReader

from oaslib.briefs import i18n
from oaslib.briefs.i18n import Lang
from oaslib.cli import main
from oaslib.errors import UsageError

PO = i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "briefs.po"


def _catalog():
    from babel.messages.pofile import read_po
    with open(PO, "rb") as f:
        return read_po(f, locale="es")


def _marked_strings() -> set:
    """Every string the code marks for translation, and the data's labels."""
    from babel.messages.extract import extract_from_dir
    found = set()
    for _file, _line, msg, _comments, context in extract_from_dir(
            i18n.LOCALE_DIR.parent, method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "n": (1, 2), "p": ((1, "c"), 2)}):
        found.add((context, msg if isinstance(msg, str) else msg[0]))
    return found | {(None, w) for w in i18n.catalog_data_strings()}


def _marked_in_source() -> set:
    """The literal first argument of every ``._(…)``, ``.n(…)``, ``.p(ctx, …)``
    and ``N_(…)`` call in the briefs' code, read with ``ast`` — which, unlike
    Babel's extractor, also sees calls inside f-strings."""
    import ast
    found = set()
    for path in i18n.LOCALE_DIR.parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                    for a in node.args]
            if name in ("_", "N_", "n") and args and args[0]:
                found.add((None, args[0]))
            elif name == "p" and len(args) > 1 and args[0] and args[1]:
                found.add((args[0], args[1]))
    return found


def test_the_extractor_sees_every_marked_string():
    """A string marked inside an f-string is invisible to Babel's extractor
    (so never reaches the catalog, and stays English in a Spanish brief):
    such a call has to move out of the f-string."""
    hidden = sorted(str(k) for k in _marked_in_source() - _marked_strings())
    assert not hidden, f"marked strings Babel cannot extract (inside an f-string?): {hidden}"


def test_catalog_translates_every_marked_string():
    cat = _catalog()
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in cat if m.id}
    missing = sorted(str(k) for k in _marked_strings() - set(have))
    assert not missing, f"run `python -m oaslib.briefs.i18n` and translate: {missing}"
    untranslated = [m.id for m in have.values() if not m.string or (isinstance(m.string, tuple) and not all(m.string))
                    or m.fuzzy]
    assert not untranslated


def test_catalog_fields_survive_translation():
    """A translation keeps the {fields} its English has, so no value is lost."""
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(re.findall(r"\{(\w+)\}", " ".join(ids))) - {"n"}  # a singular may spell out the one
        for s in strs:
            assert set(re.findall(r"\{(\w+)\}", s)) - {"n"} == want, m.id


@pytest.mark.parametrize("lang, call, expected", [
    pytest.param("es", lambda L: L.date(date(2026, 11, 25)), "25 de noviembre de 2026", id="es-long-date"),
    pytest.param("en", lambda L: L.date(date(2026, 11, 25)), "25 November 2026", id="en-long-date"),
    pytest.param("es", lambda L: L.partial_date("2017-06"), "jun 2017", id="es-month-precision"),
    pytest.param("es", lambda L: L.partial_date("2017"), "2017", id="bare-year-stays"),
    pytest.param("es", lambda L: L.partial_date("2017-06-30"), "30 jun 2017", id="es-day-precision"),
    pytest.param("es", lambda L: L.num(1234567), "1.234.567", id="es-thousands"),
    pytest.param("es", lambda L: L.country("PAN"), "Panamá", id="es-member-state-by-iso3"),
    pytest.param("es", lambda L: L.country("United States"), "Estados Unidos", id="es-member-state-by-name"),
    pytest.param("es", lambda L: L.country("European Union"), "Unión Europea", id="es-donor-not-a-member"),
    pytest.param("es", lambda L: L.country("Some Foundation"), "Some Foundation", id="unknown-name-as-written"),
    pytest.param("en", lambda L: L.in_text("USA"), "the United States", id="en-article-in-a-sentence"),
    pytest.param("es", lambda L: L.n("{n} member state", "{n} member states", 1), "1 estado miembro", id="es-one"),
    pytest.param("es", lambda L: L.n("{n} member state", "{n} member states", 3), "3 estados miembros", id="es-many"),
    pytest.param("es", lambda L: L._("page {page} of {pages}", page=1, pages=19), "página 1 de 19", id="es-page"),
    pytest.param("es", lambda L: L.p("card", "ended"), "terminados", id="es-card-word-by-context"),
    pytest.param("es", lambda L: L._("ended"), "terminado", id="es-status-word"),
    pytest.param("es", lambda L: L.join(["Canadá", "Chile", "México"]), "Canadá, Chile y México", id="es-list"),
])
def test_language_formats(lang, call, expected):
    assert call(Lang(lang)) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("en", ("en",), id="default"),
    pytest.param("en,es", ("en", "es"), id="both"),
    pytest.param(" ES , en,es", ("es", "en"), id="spaces-case-repeats"),
])
def test_parse_langs(text, expected):
    assert i18n.parse_langs(text) == expected


def test_unknown_language_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown language 'fr'"):
        i18n.parse_langs("en,fr")


@pytest.fixture(scope="module")
def spanish(bundled_clean, tmp_path_factory):
    out = tmp_path_factory.mktemp("es")
    assert main(["report", "country", "Panama", "--lang", "en,es", "--as-of", "2026-11-25",
                 "--data", str(bundled_clean), "--out", str(out)]) == 0
    assert main(["report", "year", "2017", "--lang", "es", "--as-of", "2026-11-25",
                 "--data", str(bundled_clean), "--out", str(out)]) == 0
    return out


def _text(pdf):
    return " ".join("\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())


def _source_texts(data_dir) -> str:
    """Everything the documents themselves say, reproduced as written."""
    import pandas as pd
    a = pd.read_parquet(data_dir / "activities.parquet")
    m = pd.read_parquet(data_dir / "mispa_activities.parquet")
    cols = [a[c] for c in ("program", "name", "beneficiaries", "url", "summary", "objectives", "results")]
    cols += [m[c] for c in ("title", "text")]
    return " ".join(" ".join(c.dropna().astype(str)) for c in cols)


def test_spanish_pdf_reads_spanish(spanish):
    text = _text(spanish / "country-PAN.es.pdf")
    n = len(PdfReader(str(spanish / "country-PAN.es.pdf")).pages)
    for want in ("Panamá", "25 de noviembre de 2026", f"página 1 de {n}", f"página {n} de {n}", "Resumen",
                 "La OEA ejecuta", "Estados Unidos", "se reproducen en su idioma original", "OEA · SSM"):
        assert want in text, want
    assert PdfReader(str(spanish / "country-PAN.es.pdf")).metadata.title == "Informe de país: Panamá"
    assert "2017" in _text(spanish / "year-2017.es.pdf")


@pytest.mark.parametrize("stem", ["country-PAN.es", "year-2017.es"])
def test_no_english_string_of_the_catalog_in_a_spanish_pdf(spanish, bundled_clean, stem):
    """Every English piece of the catalog (split at its {fields}) is absent
    from the Spanish PDF, unless the documents' own texts (reproduced as
    written) contain it."""
    text, source = _text(spanish / f"{stem}.pdf"), " ".join(_source_texts(bundled_clean).split())
    leaks = set()
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        for english in ids:
            for piece in re.split(r"\{\w+\}", english):
                piece = piece.strip(" .;,:()·")
                if len(piece) < 4 or not re.search(r"[a-z]{3}", piece):
                    continue
                if re.search(rf"(?<![\w-]){re.escape(piece)}(?![\w-])", text) and piece not in source:
                    leaks.add(piece)
    assert not leaks


def test_index_links_both_languages(spanish):
    index = (spanish / "index.html").read_text(encoding="utf-8")
    for f in ("country-PAN.pdf", "country-PAN.es.pdf", "country-PAN.html", "country-PAN.es.html"):
        assert f'href="{f}"' in index
    # one row per member state, its editions side by side (not a second "Panama (ES)" row)
    (row,) = [r for r in index.split("<tr>") if 'href="country-PAN.pdf"' in r]
    assert 'href="country-PAN.es.pdf"' in row and "English" in row and "Español" in row
    assert "(ES)" not in index
    assert not (spanish / "year-2017.pdf").exists()  # only the edition asked for


def test_catalog_compiles_from_the_po_alone(tmp_path, monkeypatch):
    """A fresh checkout has only the .po: the catalog is compiled in memory."""
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))
    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locale")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("es").gettext("Summary") == "Resumen"
    finally:
        i18n.translations.cache_clear()
