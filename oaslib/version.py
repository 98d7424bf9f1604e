"""The version of oaslib, recorded in every manifest and brief (kept with pyproject.toml's;
tests/test_packaging.py checks they agree)."""
__version__ = "0.1.0"
