"""``python -m oaslib`` is the ``oaslib`` command."""
import sys

from .cli import main

sys.exit(main())
