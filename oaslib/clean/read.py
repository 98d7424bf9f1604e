"""Raw documents -> text lines. PDFs through their text layer (pypdf, pure
Python, no poppler needed); text files as UTF-8 (with or without BOM), else
cp1252 with a quality note. Also tells what kind of document a file is, by
its content."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
LONG_LINE = 100_000


@dataclass
class Document:
    path: Path
    lines: list[str]
    encoding: str
    notes: list[tuple[int | None, str, str]] = field(default_factory=list)  # line, problem, text

    @property
    def source_file(self) -> str:
        return self.path.name


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


def _read_text(path: Path, data: bytes) -> Document:
    if not data.strip():
        raise ReadError("empty file", file=path.name)
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
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _finish(path, lines, enc, notes)


def _read_pdf(path: Path, data: bytes) -> Document:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise ReadError("encrypted PDF", file=path.name) from None
        pages = [p.extract_text() or "" for p in reader.pages]
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise ReadError("not a readable PDF", file=path.name, text=str(e)) from None
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError(f"PDF has no text layer ({len(pages)} pages of images?); it needs OCR first",
                        file=path.name)
    return _finish(path, text.split("\n"), "pdf", [])


def _finish(path, lines, enc, notes) -> Document:
    for n, line in enumerate(lines, 1):
        if len(line) > LONG_LINE:
            notes.append((n, f"line of {len(line):,} characters", line[:60]))
    lines = [l.replace("\u00a0", " ").replace("\t", " ").replace("\f", "") for l in lines]
    return Document(path, lines, enc, notes)


def document_kind(lines: list[str]) -> str:
    """'sheets', 'mispa' or 'unknown', from the content alone."""
    from .sheets import looks_like_sheets
    if looks_like_sheets(lines):
        return "sheets"
    from .mispa import looks_like_mispa
    return "mispa" if looks_like_mispa(lines) else "unknown"
