"""Regenerate the golden tables: ``python -m tests.golden``. Review the diff
against the PDFs' text before committing it."""
import shutil
import tempfile
from pathlib import Path

from oaslib.clean import clean

from .conftest import RAW

if __name__ == "__main__":
    out = Path(tempfile.mkdtemp())
    clean(RAW, out)
    dst = Path(__file__).parent / "golden"
    dst.mkdir(exist_ok=True)
    for t in ("activities", "donors", "programs", "mispa_activities", "mispa_themes"):
        shutil.copy(out / f"{t}.csv", dst / f"{t}.csv")
    print("golden tables written to", dst)
