"""One kernel per worker, reused from brief to brief.

Starting a Jupyter kernel and importing pandas, matplotlib and oaslib into it
costs about 2 s of CPU per notebook, more than running a brief's cells. In a
batch, each worker process keeps one kernel alive and, before every notebook,
resets it: the user namespace is cleared (``%reset -f``), figures are closed,
matplotlib's settings are restored, the working directory is set and the
execution counter starts again at 1. Each brief therefore sees a fresh
namespace while the imported modules stay warm (Quarto's Jupyter daemon keeps
kernels the same way). A kernel that raised, died or timed out is shut down
and the next brief gets a new one, so a failure never leaks into the next
brief.

This plugs into papermill as an engine (papermill's documented extension
point), so parameter injection, the executed notebook and its error
reporting are papermill's own. The engine, though, subclasses papermill's
notebook client and reuses helpers that are not documented API
(``_INTERNALS``): pyproject.toml bounds papermill to the releases this was
tested with (``PAPERMILL_TESTED``), and tests/test_packaging.py names what
is missing when a release moves them.
"""
from __future__ import annotations

import importlib
import json
import multiprocessing.util
import os
import shutil
import tempfile

from ..errors import RenderError

#: The papermill releases this module is tested with; pyproject.toml and
#: environment.yml declare the same bound.
PAPERMILL_TESTED = ">=2.5,<2.8"

#: What this module takes from papermill beyond its documented engine
#: registry: (module, name, attribute used on it).
_INTERNALS = (
    ("papermill.clientwrap", "PapermillNotebookClient", "papermill_execute_cells"),
    ("papermill.clientwrap", "PapermillNotebookClient", "wait_for_reply"),
    ("papermill.engines", "NBClientEngine", "execute_managed_notebook"),
    ("papermill.engines", "papermill_engines", "register"),
    ("papermill.utils", "merge_kwargs", None),
    ("papermill.utils", "remove_args", None),
)


def papermill_version() -> str:
    from importlib.metadata import version
    return version("papermill")


def missing_papermill_internals() -> list[str]:
    """The names of ``_INTERNALS`` the installed papermill does not have."""
    missing = []
    for module, name, attr in _INTERNALS:
        try:
            obj = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            missing.append(f"{module}.{name}")
            continue
        if attr and not hasattr(obj, attr):
            missing.append(f"{module}.{name}.{attr}")
    return missing


try:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args
except ImportError:  # one line naming what is missing, not an ImportError from a worker
    raise RenderError(f"papermill {papermill_version()} lacks {', '.join(missing_papermill_internals())}; "
                      f"oaslib needs papermill{PAPERMILL_TESTED}") from None

ENGINE = "oaslib-reuse"

_RESET = """\
get_ipython().run_line_magic("reset", "-f")
import os as _o, sys as _s
_o.chdir({cwd})
if "matplotlib.pyplot" in _s.modules:
    _s.modules["matplotlib.pyplot"].close("all")
if "matplotlib" in _s.modules:
    _s.modules["matplotlib"].rc_file_defaults()
get_ipython().execution_count = 1
del _o, _s
"""


class _Keeper:
    """The worker's kernel manager, started on first use and replaced after
    a failure, and its client: a new client waits for the kernel to be
    ready and then drains its output channel until 0.2 s pass in silence
    (jupyter_client's ``wait_for_ready``), a fixed cost per brief that a
    kept client pays once."""

    def __init__(self):
        self.km = None
        self.kc = None
        self.kernel_name = None

    def get(self, kernel_name: str):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        if self.km is not None and (self.kernel_name != kernel_name or not run_sync(self.km.is_alive)()):
            self.discard()
        if self.km is None:
            # the connection file lives in a private directory, never in the
            # output directory; on POSIX the kernel listens on local sockets
            # there (ipc), not on TCP ports; ZeroMQ has no ipc on Windows,
            # where it takes loopback TCP ports as Jupyter does
            self.dir = tempfile.mkdtemp(prefix="oaslib-kernel-")
            where = (dict(transport="ipc", ip=os.path.join(self.dir, "kernel")) if os.name == "posix"
                     else dict(transport="tcp", ip="127.0.0.1"))
            self.km = AsyncKernelManager(kernel_name=kernel_name, **where,
                                         connection_file=os.path.join(self.dir, "connection.json"))
            self.kernel_name = kernel_name
        return self.km

    def discard(self):
        if self.kc is not None:
            kc, self.kc = self.kc, None
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001 -- already closed
                pass
        if self.km is None:
            return
        from jupyter_core.utils import run_sync
        km, self.km = self.km, None
        try:  # also removes the connection file and ipc sockets
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


_KEEPER = _Keeper()


def shutdown() -> None:
    """Stop this process's kernel (called when a worker exits)."""
    _KEEPER.discard()


class _ResettingClient(PapermillNotebookClient):
    def papermill_execute_cells(self):
        code = _RESET.format(cwd=json.dumps(str(self.resources_cwd)))
        reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
        if reply is None or reply["content"].get("status") != "ok":
            raise RuntimeError("could not reset the reused kernel")
        super().papermill_execute_cells()


class ReusedKernelEngine(NBClientEngine):
    """papermill engine that runs the notebook in this process's kept kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
                                    startup_timeout=start_timeout, kernel_name=kernel_name,
                                    log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        km = _KEEPER.get(kernel_name)
        client = _ResettingClient(nb_man, km=km, **final_kwargs)
        client.kc = _KEEPER.kc  # None: nbclient makes one (and waits for the kernel)
        client.resources_cwd = os.getcwd()  # papermill has chdir'ed into the run's cwd
        # papermill writes the whole notebook at every cell's start and end
        # (~30 writes a brief, an eighth of its time); the engine writes it
        # once when the run ends, however it ends, which is what a brief needs
        save, nb_man.save = nb_man.save, lambda **kwargs: None
        ok = False
        try:
            nb = client.execute()
            ok = not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
            return nb
        finally:
            nb_man.save = save
            if ok:
                _KEEPER.kc = client.kc
            else:  # an error, a timeout or a dead kernel: the next brief starts afresh
                if client.kc is not None and client.kc is not _KEEPER.kc:
                    client.kc.stop_channels()
                _KEEPER.discard()


def register() -> str:
    missing = missing_papermill_internals()
    if missing:
        raise RenderError(f"papermill {papermill_version()} lacks {', '.join(missing)}; "
                          f"oaslib needs papermill{PAPERMILL_TESTED}")
    papermill_engines.register(ENGINE, ReusedKernelEngine)
    if not getattr(register, "_finalizer", None):  # shut the kernel down when a worker process exits
        register._finalizer = multiprocessing.util.Finalize(_KEEPER, shutdown, exitpriority=10)
    return ENGINE
