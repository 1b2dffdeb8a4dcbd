"""JupyterLab for authors (``make lab``): the project kernel and the server's settings.

The project kernel, :data:`KERNEL_NAME`, is an ipykernel spec in the venv's ``share/jupyter/kernels``
(``make setup`` writes it) that starts the venv's own Python by its absolute path, so a notebook runs
on the locked environment wherever JupyterLab was started from. ``make lab`` installs the authors'
lock (``requirements-dev.lock``: JupyterLab and jupyterlab-myst on top of ``requirements.lock``) and
starts JupyterLab on loopback, without a browser, at the project root, with the project kernel as the
only kernel and the default: a notebook whose metadata names ``python3`` opens on it too (JupyterLab
takes the one kernel of the notebook's language), and a ``python3`` spec of another Python in the
user's own Jupyter folder cannot take its place. JupyterLab prints the address to open, with its token.

In that kernel :mod:`analysis.report.show` is in author mode: figures, tables and glued numbers
show in the notebook. The pipeline's runs, which feed the book, show none of them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analysis.core import paths
from analysis.report import show

KERNEL_NAME = "paradiplomacy"
KERNEL_DISPLAY_NAME = "Paradiplomacy (Python 3.11, .venv)"
START_FOLDER = "notebooks"  # the folder JupyterLab's file browser opens on


def kernel_spec_dir(prefix: Path | None = None) -> Path:
    """Where the project kernel's ``kernel.json`` lives under ``prefix`` (default: this Python's environment)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def install_kernel(prefix: Path | None = None) -> Path:
    """Write the project kernel spec into ``prefix`` (default: this environment) and return its folder."""
    from ipykernel.kernelspec import install

    return Path(install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME, prefix=str(prefix or sys.prefix)))


def lab_arguments(root: Path = paths.ROOT, as_root: bool = False, port: int | None = None) -> list[str]:
    """The ``jupyter lab`` arguments: loopback, no browser, ``root`` as the server's root, the project kernel only."""
    arguments = [
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.open_browser=False",
        f"--LabApp.default_url=/lab/tree/{START_FOLDER}",
        f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
        f"--KernelSpecManager.allowed_kernelspecs={KERNEL_NAME}",
    ]
    if port is not None:
        arguments.append(f"--ServerApp.port={port}")
    if as_root:
        arguments.append("--allow-root")  # a container's root user; JupyterLab refuses root without it
    return arguments


def main(argv: list[str] | None = None) -> int:
    """``make setup`` calls ``kernel`` (install the project kernel); ``make lab`` calls it without arguments."""
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.lab", description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", choices=["kernel", "lab"], default="lab")
    parser.add_argument("--port", type=int, default=None, help="port for JupyterLab (default: 8888 or the next free)")
    options = parser.parse_args(argv)
    if options.action == "kernel":
        print(f"project kernel '{KERNEL_NAME}' installed in {install_kernel()}")
        return 0
    if not (kernel_spec_dir() / "kernel.json").is_file():
        install_kernel()
    jupyter_lab = Path(sys.executable).parent / "jupyter-lab"
    if not jupyter_lab.is_file():
        print("JupyterLab is not installed in this environment: run 'make lab' (it installs requirements-dev.lock)")
        return 1
    os.environ.pop(show.PIPELINE_VARIABLE, None)  # the kernels show what the notebooks glue
    print(
        f"JupyterLab on the project kernel '{KERNEL_NAME}' ({sys.executable}): open the address it prints "
        f"below (http://127.0.0.1:8888/lab/tree/{START_FOLDER}?token=...); Ctrl-C twice stops it.",
        flush=True,
    )
    arguments = lab_arguments(as_root=hasattr(os, "geteuid") and os.geteuid() == 0, port=options.port)
    os.execv(jupyter_lab, [str(jupyter_lab), *arguments])
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
