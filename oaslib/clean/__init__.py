"""The first half of the kit: raw documents -> validated tables in data/clean.

Stages, in the order they run: ``read`` (file -> lines) -> ``sheets`` (lines
-> raw sheets) and ``mispa`` (the MISPA report) -> ``normalize`` (dates,
donors, links, placeholders) and ``countries`` -> ``activities`` (rows, the
member state of a document, ids) -> ``programs`` (the same program across
sheets) -> ``schema`` (every table declared once) -> ``store`` (atomic
writes). ``job`` runs them over a folder.
"""
from .job import CleanResult, clean, ensure_clean, tables_dir

__all__ = ["CleanResult", "clean", "ensure_clean", "tables_dir"]
