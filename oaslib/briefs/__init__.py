"""The second half of the kit: clean tables -> country and year briefs.

``content`` (what a brief shows, as HTML fragments) and ``charts`` are called
from the notebooks; ``render`` runs one notebook through papermill and exports
it as HTML and PDF; ``batch`` renders many briefs in worker processes, each
keeping one kernel (``kernels``), and writes the index and manifest.
"""
