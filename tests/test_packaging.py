"""What the project promises about its own packaging and test set-up."""
import sys
from pathlib import Path

from hypothesis import settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (test extra)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def requirements(lines):
    from packaging.requirements import Requirement
    return [Requirement(line) for line in lines]


def test_no_hypothesis_example_database_travels_between_runs():
    """Property tests stay random and remember nothing: a failing example
    saved in .hypothesis/ by one run would be replayed first by the next
    (a CI cache or a developer's checkout), so a flaky failure would look
    fixed or stay pinned. The failure blob in the report reproduces it."""
    assert settings().database is None
    assert settings().derandomize is False


def test_papermill_has_the_internals_the_reused_kernel_needs():
    """oaslib.briefs.kernels subclasses papermill's notebook client and engine
    (not only its documented engine hook): a papermill release that renames
    them must fail here, by name, not as a broken batch."""
    from oaslib.briefs import kernels
    missing = kernels.missing_papermill_internals()
    assert not missing, (f"papermill {kernels.papermill_version()} lacks {', '.join(missing)}, which "
                         f"oaslib/briefs/kernels.py uses; oaslib is tested with papermill{kernels.PAPERMILL_TESTED}")


def test_papermill_is_bounded_to_the_versions_it_is_tested_with():
    from packaging.specifiers import SpecifierSet

    from oaslib.briefs import kernels
    declared = {r.name: r.specifier for r in requirements(pyproject()["project"]["dependencies"])}
    assert declared["papermill"] == SpecifierSet(kernels.PAPERMILL_TESTED)
    assert any(s.operator == "<" for s in declared["papermill"]), "papermill needs an upper bound"
    assert kernels.papermill_version() in declared["papermill"]
