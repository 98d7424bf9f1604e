"""What the project promises about its own packaging and test set-up."""
import sys
from pathlib import Path

import pytest
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
    assert settings().deadline is None


@pytest.mark.parametrize("ci_variable", ["CI", "GITHUB_ACTIONS", "TF_BUILD"])
def test_property_tests_stay_random_on_a_ci_machine(ci_variable):
    """Hypothesis loads its own derandomizing "ci" profile when it sees a CI
    variable; the project's profile must win there too (CI failed on this)."""
    import os
    import subprocess
    env = {**os.environ, ci_variable: "true"}
    test = "tests/test_packaging.py::test_no_hypothesis_example_database_travels_between_runs"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]


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


def conda_environment() -> tuple[str, dict]:
    """(python version, {package: version spec}) of environment.yml's conda
    dependencies (its pip section installs oaslib itself)."""
    import re
    python, packages, in_pip = None, {}, False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].rstrip()
        m = re.match(r"^(\s*)-\s*(\S.*)$", line)
        if not m:
            in_pip = in_pip and bool(line.strip())
            continue
        if m.group(2) == "pip:":
            in_pip = True
            continue
        if in_pip and len(m.group(1)) > 2:
            continue
        in_pip = False
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", m.group(2)).groups()
        if name == "python":
            python = spec.lstrip("=")
        else:
            packages[name.lower()] = spec.replace(" ", "")
    return python, packages


def test_every_dependency_and_extra_of_pyproject_is_in_environment_yml():
    """environment.yml is the conda way to the same environment as
    `pip install -e '.[dev]'`: same packages, same bounds."""
    from packaging.specifiers import SpecifierSet

    project = pyproject()["project"]
    python, conda = conda_environment()
    assert python and SpecifierSet(project["requires-python"]).contains(python)
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += [r for r in extra if not r.startswith("oaslib[")]
    problems = []
    for req in requirements(wanted):
        if req.marker and not req.marker.evaluate({"python_version": python}):
            continue  # not for environment.yml's Python
        if req.name.lower() not in conda:
            problems.append(f"{req} missing")
        elif SpecifierSet(conda[req.name.lower()]) != req.specifier:
            problems.append(f"{req.name}: pyproject.toml says {req.specifier}, environment.yml {conda[req.name.lower()]}")
    assert not problems, "environment.yml disagrees with pyproject.toml: " + "; ".join(problems)


def test_notebooks_go_through_nbstripout_and_are_committed_stripped():
    """.gitattributes sends every notebook through the nbstripout filter (set
    up per clone, README 'Contributing'); the notebooks in the tree are
    already what the filter writes, so it never changes a clean checkout."""
    import subprocess

    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8").split("\n")
    assert "*.ipynb filter=nbstripout" in attributes and "*.ipynb diff=ipynb" in attributes
    pytest.importorskip("nbstripout", reason="nbstripout comes with the dev extra")
    notebooks = sorted(map(str, [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("oaslib/briefs/notebooks/*.ipynb")]))
    run = subprocess.run([sys.executable, "-m", "nbstripout", "--keep-id", "--verify", *notebooks],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_package_version_is_pyprojects():
    from oaslib.version import __version__
    assert __version__ == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
