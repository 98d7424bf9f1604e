"""The ``oaslib`` command as a user meets it: exit codes, one-line errors,
imports that work on every platform."""
import subprocess
import sys

import pytest


def test_every_command_imports_where_fcntl_does_not_exist():
    """Windows has no fcntl: importing the CLI and the batch must not need it
    (a None entry in sys.modules makes ``import fcntl`` fail as it does there)."""
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "import oaslib.cli, oaslib.briefs.batch, oaslib.clean.job\n"
            "oaslib.cli.build_parser()\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr.strip().splitlines()[-1]
