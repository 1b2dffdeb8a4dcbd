"""What a notebook shows: nothing but glue records in the pipeline, its results when an author runs it.

The book places every result where its prose names it (``{glue:text}``, ``{glue:figure}``), so in the
pipeline a notebook glues with ``display=False`` and its cells show nothing of their own: the book
would otherwise show each figure and table twice. An author who runs the same notebook in JupyterLab
would then see nothing at all. :func:`glue` is ``myst_nb.glue`` with one difference: when the notebook
runs outside the pipeline, in a kernel, what it glues is also shown:

* a figure or a table is displayed where it is glued, under its glue name;
* numbers and short texts are collected, and the end of the cell shows them as one small table of
  ``name = value`` lines (HTML in JupyterLab, plain text elsewhere).

The runner (:mod:`analysis.runner.pipeline`) sets :data:`PIPELINE_VARIABLE` in the environment of the
kernels it starts; nothing else does, so the pipeline's executed copies, and the book built from them,
are exactly what plain ``myst_nb.glue`` gives. Every output this module adds carries :data:`SHOWN_KEY`
in its metadata, so tests can tell them from the notebook's own outputs.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Integral, Real
from typing import Any

PIPELINE_VARIABLE = "PARADIP_PIPELINE"
SHOWN_KEY = "paradiplomacy_shown"  # output metadata key: the glue name shown, or SUMMARY for the table of values
SUMMARY = "glued values"
LONGEST_TEXT = 160  # a glued text longer than this is cut in the summary (the book gets all of it)

_pending: list[tuple[str, str]] = []


def in_pipeline() -> bool:
    """True when the runner executes this notebook (``PARADIP_PIPELINE=1`` in the kernel's environment)."""
    return os.environ.get(PIPELINE_VARIABLE) == "1"


@contextmanager
def pipeline_environment() -> Iterator[None]:
    """Within the block, kernels started by this process run in pipeline mode (the runner's executions)."""
    saved = os.environ.get(PIPELINE_VARIABLE)
    os.environ[PIPELINE_VARIABLE] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(PIPELINE_VARIABLE, None)
        else:
            os.environ[PIPELINE_VARIABLE] = saved


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    return get_ipython()


def interactive() -> bool:
    """True when an author runs the notebook: in an IPython kernel, and not in the pipeline."""
    return not in_pipeline() and _shell() is not None


def glue(name: str, variable: Any, display: bool = True) -> None:
    """``myst_nb.glue(name, variable, display)``; interactively, a hidden value is shown as well (see the module)."""
    from myst_nb import glue as myst_glue

    myst_glue(name, variable, display=display)
    if not display and interactive():
        show(name, variable)


def show(name: str, variable: Any) -> None:
    """Show ``variable``, glued under ``name``: a number or text in the cell's summary, anything else at once."""
    text = value_text(variable)
    if text is not None:
        _pending.append((name, text))
        _flush_after_cell()
        return
    from IPython.display import Markdown
    from IPython.display import display as ipy_display

    ipy_display(Markdown(f"`{name}`"), metadata={SHOWN_KEY: name})
    ipy_display(variable, metadata={SHOWN_KEY: name})


def value_text(variable: Any) -> str | None:
    """The text a number, a string or a Markdown snippet shows in the summary; None for a figure, table, ..."""
    if isinstance(variable, bool) or type(variable).__name__ == "bool":  # numpy's bool too
        return str(bool(variable))
    if isinstance(variable, Integral):
        return f"{int(variable):,}"
    if isinstance(variable, Real):
        number = float(variable)
        return f"{number:,.2f}" if abs(number) >= 100 else f"{number:.4g}"
    if isinstance(variable, str):
        return variable
    if type(variable).__name__ == "Markdown" and isinstance(getattr(variable, "data", None), str):
        return variable.data
    return None


class GluedValues:
    """The numbers and texts glued in one cell, as an HTML table (JupyterLab) and ``name = value`` lines."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = list(rows)

    @staticmethod
    def _cut(text: str) -> str:
        return text if len(text) <= LONGEST_TEXT else text[: LONGEST_TEXT - 1] + "…"

    def _repr_html_(self) -> str:
        left = ' style="text-align:left"'
        body = "".join(
            f"<tr><td{left}><code>{html.escape(name)}</code></td><td{left}>{html.escape(self._cut(text))}</td></tr>"
            for name, text in self.rows
        )
        return (
            f'<table class="glued-values"><caption{left}>Glued in this cell: the book prints these values where'
            f" its text names them</caption><thead><tr><th{left}>name</th><th{left}>value</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    def __repr__(self) -> str:
        return "\n".join(f"{name} = {self._cut(text)}" for name, text in self.rows)


def _flush_after_cell() -> None:
    """Have the kernel show the collected values when the cell ends (registered once per kernel)."""
    shell = _shell()
    if shell is not None and flush not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", flush)


def flush(*_: Any) -> None:
    """Show the values glued since the last call as one :class:`GluedValues` output, and forget them."""
    if not _pending:
        return
    from IPython.display import display as ipy_display

    rows = list(_pending)
    _pending.clear()
    ipy_display(GluedValues(rows), metadata={SHOWN_KEY: SUMMARY})
