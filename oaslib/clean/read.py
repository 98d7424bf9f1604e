"""Raw documents -> text lines. PDFs through their text layer (pypdf, pure
Python; poppler's ``pdftotext -layout`` when it is installed); text files as
UTF-8 (with or without BOM), else cp1252 with a quality note. Also tells what
kind of document a file is, by its content.

Every document's text is normalised the same way before any reading
(``normalize_text``: line breaks, spaces, soft hyphens, ligatures, invisible
characters) and its page furniture — running headers, page numbers, form
feeds — is taken out (``strip_furniture``), so the sheet reader sees only the
form. Removed lines are counted in a note, never dropped silently.
"""
from __future__ import annotations

import codecs
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import ReadError
from . import columns
from ..refdata import rows

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
LONG_LINE = 100_000
PAGE_BREAK = "\f"


@dataclass
class Document:
    path: Path
    lines: list[str]
    encoding: str
    notes: list[tuple[int | None, str, str]] = field(default_factory=list)  # line, problem, text
    #: 1-based line of the raw text each entry of ``lines`` came from (page
    #: furniture taken out shifts the index); None when nothing was removed
    line_numbers: list[int] | None = None

    @property
    def source_file(self) -> str:
        return self.path.name

    def source_line(self, index: int) -> int:
        """The raw file's line number of ``lines[index]``."""
        return self.line_numbers[index] if self.line_numbers else index + 1


def is_document(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES | PDF_SUFFIXES


def read_document(path: Path) -> Document:
    """Read one raw file; ``ReadError`` (naming the file) when it holds no
    readable text."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError("cannot read file", file=path.name, text=e.strerror) from None
    if path.suffix.lower() in PDF_SUFFIXES:
        return _read_pdf(path, data)
    return _read_text(path, data)


def _unicode_encoding(data: bytes) -> str | None:
    """'utf-16' / 'utf-32' for a text layer saved as "Unicode" (Windows
    Notepad, Word, some extractors): by its byte-order mark, or without one
    by the zero bytes of its ASCII letters, all on one side of each pair."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 16 and len(head) % 2 == 0:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) * 0.4 and even == 0:
            return "utf-16-le"
        if even > len(head) * 0.4 and odd == 0:
            return "utf-16-be"
    return None


def _read_text(path: Path, data: bytes) -> Document:
    if not data.strip():
        raise ReadError("empty file", file=path.name)
    if unicode := _unicode_encoding(data):
        try:
            text = data.decode(unicode)
        except UnicodeDecodeError:
            pass  # not that after all: the checks below say what it is
        else:
            return _finish(path, text, unicode, [], paged=PAGE_BREAK in text)
    if b"\x00" in data[:65536] or data[:5] == b"%PDF-":
        raise ReadError("binary file, not a text layer (a PDF renamed .txt?)",
                        file=path.name, text=data[:16].decode("latin-1"))
    notes = []
    try:
        text, enc = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        text, enc = data.decode("cp1252", errors="replace"), "cp1252"
        notes.append((line, "encoding fallback: not UTF-8, read as cp1252",
                      data[max(0, e.start - 20):e.start + 20].decode("cp1252", errors="replace")))
    return _finish(path, text, enc, notes, paged=PAGE_BREAK in text)


# ------------------------------------------------------------------- PDF

#: the text extractors tried in this order: poppler's where it is installed
#: (optional), else pypdf (always there)
PDF_ENGINES = ("pdftotext", "pypdf")
#: pypdf's extraction modes, tried in this order; the layout mode keeps a
#: label and its value on one line the way the page shows them
PDF_MODES = ("layout", "plain")


def _read_pdf(path: Path, data: bytes) -> Document:
    pages = _pdf_pages(path, data)
    # each page starts on a line of its own, a form feed in front as
    # pdftotext marks it, so a footer and the next header stay two lines
    text = ("\n" + PAGE_BREAK).join(p.rstrip("\n") for p in pages)
    if not text.replace(PAGE_BREAK, "").strip():
        raise ReadError(f"PDF has no text layer ({len(pages)} pages of images?); it needs OCR first",
                        file=path.name)
    return _finish(path, text, "pdf", [], paged=True)


def _pdf_pages(path: Path, data: bytes) -> list[str]:
    """The text of each page: ``pdftotext -layout`` where poppler is on PATH,
    else pypdf's layout mode (its plain mode for a page layout mode cannot
    read)."""
    import io
    import logging

    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise ReadError("encrypted PDF", file=path.name) from None
        if "pdftotext" in PDF_ENGINES and (pages := _pdftotext(data, len(reader.pages))) is not None:
            return pages
        return [_pypdf_page(p) for p in reader.pages]
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf on a damaged file raises what it meets (KeyError, RecursionError, its own errors); any of them means one unreadable file, not a stopped run
        raise ReadError("not a readable PDF", file=path.name, text=f"{type(e).__name__}: {e}") from None


def _pypdf_page(page) -> str:
    for mode in PDF_MODES:
        try:
            text = page.extract_text(extraction_mode=mode) or ""
        except Exception:  # noqa: BLE001
            if mode == PDF_MODES[-1]:
                raise
            continue  # layout mode needs font metrics some PDFs lack: the next mode
        if text.strip():
            return text
    return ""


def _pdftotext(data: bytes, n_pages: int) -> list[str] | None:
    """Poppler's layout text, one string per page, or None when poppler is
    not installed or fails (it is optional: pypdf always works)."""
    exe = shutil.which("pdftotext")
    if not exe:
        return None
    try:
        done = subprocess.run([exe, "-layout", "-enc", "UTF-8", "-", "-"], input=data,
                              capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    pages = done.stdout.decode("utf-8", errors="replace").split(PAGE_BREAK)
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    return pages if len(pages) == n_pages else None


# ------------------------------------------------------------ normalise

def _char_table() -> dict[int, str]:
    """Characters that differ from plain text only in typography or
    invisibility. Compatibility forms are unfolded only where that cannot
    change a value (ligatures, full-width letters, no-break spaces), never
    for superscripts or fractions ("m²", "½")."""
    table: dict[int, str] = {}
    # the blocks that hold such forms: general punctuation and letterlike
    # symbols, the Latin ligatures, the half- and full-width forms
    for cp in [*range(0x2000, 0x2150), *range(0xFB00, 0xFB07), *range(0xFF00, 0xFFEF)]:
        c = chr(cp)
        tag = unicodedata.decomposition(c).split(" ")[0]
        if tag in ("<wide>", "<narrow>", "<noBreak>", "<font>") or 0xFB00 <= cp <= 0xFB06:
            table[cp] = unicodedata.normalize("NFKC", c)
    for cp in (0x0009, 0x000B, *range(0x2000, 0x200B), 0x205F, 0x3000):
        table[cp] = " "  # tabs and the typographic spaces are one space to a reader
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[cp] = None  # zero-width characters
    table[0x00A0] = table[0x2007] = table[0x202F] = " "  # no-break spaces
    for cp in (0x2028, 0x2029, 0x0085):
        table[cp] = "\n"  # Unicode line and paragraph separators
    return table


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    return _char_table()


_SOFT_HYPHEN = "\u00ad"
_SOFT_BREAK = re.compile(_SOFT_HYPHEN + r"[ \t]*\n([^\W\d_]+)[ \t]?")
#: table entries NFKC does not change: zero-width characters, the soft
#: hyphen, line separators
_NFKC_STABLE = [chr(c) for c in sorted(_char_table()) if unicodedata.normalize("NFKC", chr(c)) == chr(c)] \
    + [_SOFT_HYPHEN]


def normalize_text(text: str) -> str:
    """One document's text with plain line breaks ("\\n"), plain spaces, no
    soft hyphens or zero-width characters, ligatures spelt out, and composed
    accents (NFC). Typographic quotes are kept: they are the documents' own
    text, and matching folds them (``countries.fold``). Keeps the number of
    lines, so line numbers still point into the file; form feeds stay for
    ``strip_furniture``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\v", " ")
    if text.isascii():
        return text
    if _SOFT_HYPHEN in text:
        # "inter\u00ad" + "national": the word the hyphen broke moves up and
        # its line keeps its place (empty if that was all it held)
        text = _SOFT_BREAK.sub(lambda m: m.group(1) + "\n", text)
    # str.replace and "in" run at C speed: the common characters first, and
    # those NFKC leaves as they are (so the check below would miss them)
    text = text.replace("\u00a0", " ")
    for c in _NFKC_STABLE:
        if c in text:
            text = text.replace(c, _table().get(ord(c)) or "")
    if unicodedata.is_normalized("NFKC", text):
        return text
    # the rest line by line, and only on lines that need it
    table = _table()
    return "\n".join(line if line.isascii() or unicodedata.is_normalized("NFKC", line)
                     else _normalize_line(line, table) for line in text.split("\n"))


def _normalize_line(line: str, table: dict[int, str]) -> str:
    line = line.translate(table).replace(_SOFT_HYPHEN, "")
    return line if unicodedata.is_normalized("NFC", line) else unicodedata.normalize("NFC", line)


# -------------------------------------------------------- page furniture

@lru_cache(maxsize=None)
def _furniture() -> tuple[re.Pattern, re.Pattern, re.Pattern, frozenset]:
    kinds: dict[str, list[str]] = {}
    for r in rows("page_furniture"):
        kinds.setdefault(r["kind"], []).append(r["pattern"])

    def rx(*ks):
        return re.compile("(?:" + "|".join(p for k in ks for p in kinds.get(k, [])) + r")\Z", re.I)
    one_header = "(?:" + "|".join(kinds.get("header", [])) + ")"
    # running headers a text layer printed on one line, a space apart
    # ("Organization of American States Secretariat for Multidimensional Security")
    headers = re.compile(rf"{one_header}(?:[ \t]+{one_header})*\Z", re.I)
    return (headers, rx("page_number"), rx("page_number_bare"),
            frozenset(w.casefold() for w in kinds.get("continues", [])))


_GAP = re.compile(r"\s{2,}")
_LAST_WORD = re.compile(r"(\w+)\W*\Z")


def _kind(line: str) -> str | None:
    """'header', 'page_number' or 'bare' when the whole line is page
    furniture (pieces a layout extraction set apart by wide gaps, each of
    them furniture, count too); None for content."""
    header, number, bare, _ = _furniture()
    s = line.strip()
    # furniture is short: a header pair padded to its columns by a layout
    # extraction is measured without the padding (pypdf's layout mode pads a
    # left and a right header to 120-odd characters)
    if not s or (len(s) > 120 and len(" ".join(s.split())) > 120):
        return None
    pieces = _GAP.split(s)
    kinds = []
    for p in pieces:
        p = " ".join(p.split())
        k = ("header" if header.match(p) else "page_number" if number.match(p)
             else "bare" if bare.match(p) else None)
        if k is None:
            return None
        kinds.append(k)
    if len(kinds) == 1:
        return kinds[0]
    return "header" if "header" in kinds else "page_number"


@lru_cache(maxsize=None)
def _candidate() -> re.Pattern:
    """A line made only of furniture pieces: found in one pass over the
    text, so the lines of a document that hold none cost nothing more."""
    header, number, bare, _ = _furniture()
    piece = "(?:" + "|".join(p.pattern[:-2] for p in (header, number, bare)) + ")"
    # anchored on a literal newline (the text gets one in front), which the
    # regex engine scans for quickly, rather than on "^" at every position
    return re.compile(rf"\n[ \t\f]*{piece}(?:[ \t]{{2,}}{piece})*[ \t]*$", re.M | re.I)


def strip_furniture(lines: list[str], paged: bool) -> tuple[list[str], list[int], Counter]:
    """Lines without page furniture, the 1-based line number each kept line
    had, and what was removed, by kind. ``paged``: form feeds mark the page
    breaks (a PDF, or a text layer that kept them).

    Only whole lines go. A header text is kept where it continues a sentence
    ("… implemented by the" / "Secretariat for Multidimensional Security")
    unless it stands at a page edge; a bare number only at a page edge or in
    an ascending run of them (page 2, 3, 4 …), as a lone "12" may be a value.
    """
    _, _, _, continues = _furniture()
    text = "\n" + "\n".join(lines)
    if not paged and PAGE_BREAK not in text and _candidate().search(text) is None:
        return lines, list(range(1, len(lines) + 1)), Counter()
    kind: list[str | None] = [None] * len(lines)
    row, pos = -1, 0
    for m in _candidate().finditer(text):
        row += text.count("\n", pos, m.start() + 1)
        pos = m.start() + 1
        kind[row] = _kind(lines[row])
    edge = _page_edges(lines) if paged else set()
    ascending = _ascending_numbers(lines, kind)
    # a page number marks a page edge where no form feed does (a layer that
    # joined its pages with plain newlines): the headers beside it are furniture
    edge |= {j for i, k in enumerate(kind) if k == "page_number" or (k == "bare" and i in ascending)
             for j in range(i - 2, i + 3)}
    drop = [False] * len(lines)
    for i, k in enumerate(kind):
        if k is None:
            continue
        if k == "bare":
            drop[i] = i in edge or i in ascending
        elif k == "header" and i not in edge:
            prev = lines[i - 1].strip() if i else ""
            m = _LAST_WORD.search(prev)
            drop[i] = not (m and m.group(1).casefold() in continues and not prev.endswith((".", ":", ";")))
        else:
            drop[i] = True
    removed = Counter(("page number" if kind[i] == "bare" else kind[i].replace("_", " "))
                      for i in range(len(lines)) if drop[i])
    kept, numbers = [], []
    for i, line in enumerate(lines):
        if drop[i]:
            continue
        if PAGE_BREAK in line:
            removed["form feed"] += line.count(PAGE_BREAK)
            line = line.replace(PAGE_BREAK, "")
        kept.append(line)
        numbers.append(i + 1)
    return kept, numbers, removed


def _page_edges(lines: list[str]) -> set[int]:
    """Indexes of the first two and last two non-blank lines of every page."""
    edge: set[int] = set()
    page: list[int] = []

    def close():
        edge.update(page[:2] + page[-2:])
        page.clear()
    for i, line in enumerate(lines):
        head, ff, rest = line.partition(PAGE_BREAK)
        if ff:
            if head.strip():
                page.append(i)
            close()
            if rest.strip():
                page.append(i)
        elif line.strip():
            page.append(i)
    close()
    return edge


def _ascending_numbers(lines: list[str], kind: list[str | None]) -> set[int]:
    """Bare numbers that count up by one through the document: page numbers."""
    bare = [(i, int(lines[i].strip().replace(PAGE_BREAK, ""))) for i, k in enumerate(kind) if k == "bare"
            and lines[i].strip().replace(PAGE_BREAK, "").isdigit()]
    out: set[int] = set()
    for (i, a), (j, b) in zip(bare, bare[1:]):
        if b == a + 1:
            out |= {i, j}
    return out


# ----------------------------------------------------------------- finish

def _finish(path: Path, text: str, enc: str, notes: list, paged: bool) -> Document:
    lines = normalize_text(text).split("\n")
    if max(map(len, lines)) > LONG_LINE:  # rare: the loop only then
        for n, line in enumerate(lines, 1):
            if len(line) > LONG_LINE:
                notes.append((n, f"line of {len(line):,} characters", line[:60]))
    kept, numbers, removed = strip_furniture(lines, paged)
    removed.pop("form feed", None)
    if removed:
        notes.append((None, "page furniture removed",
                      ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in sorted(removed.items()))))
    kept, numbers, blocks = columns.unfold(kept, numbers)
    if blocks:
        notes.append((None, "texts printed side by side read one column after another",
                      f"{blocks} block{'s' if blocks > 1 else ''}"))
    changed = len(kept) != len(lines) or blocks > 0
    return Document(path, kept, enc, notes, numbers if changed else None)


def document_kind(lines: list[str]) -> str:
    """'sheets', 'mispa' or 'unknown', from the content alone. The report is
    tried first: its test (appendix headings, the meeting's name, the
    agencies) is cheap and no program sheet passes it, while the sheets'
    test reads every short line of a report before it gives up."""
    from .mispa import looks_like_mispa
    if looks_like_mispa(lines):
        return "mispa"
    from .sheets import looks_like_sheets
    return "sheets" if looks_like_sheets(lines) else "unknown"
