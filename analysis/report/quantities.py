"""Named quantities: a number the book states in more than one place has one name and one value.

A notebook glues such a number with :func:`glue_quantity` instead of ``glue``. It is glued under
its name, for the prose (``{glue:text}`name```), and once more under ``quantity.<name>``, which
marks it in the executed notebook as a named quantity. :func:`executed_quantities` reads these
marks back from the executed chapters, and :func:`conflicting_quantities` lists every name that
has two values; the book build refuses to publish such a book and writes the quantities to
``build/quantities.json`` (see :mod:`analysis.runner.book`).
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.report.show import glue

QUANTITY_PREFIX = "quantity."
GLUE_MIME_PREFIX = "application/papermill.record/"


def plain_number(value: object) -> int | float:
    """``value`` as a plain Python int or float (numpy scalars included); refuses anything else."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    raise TypeError(f"a quantity is a number, not {type(value).__name__}: {value!r}")


def glue_quantity(name: str, value: object) -> None:
    """Glue ``value`` (a number) under ``name`` for the prose and mark it as a named quantity."""
    from myst_nb import glue as record

    number = plain_number(value)
    glue(name, number, display=False)  # an author running the notebook sees it (analysis.report.show)
    record(QUANTITY_PREFIX + name, number, display=False)  # the mark: a record only, never shown


def executed_quantities(executed: Path) -> pd.DataFrame:
    """The named quantities of the executed notebooks in ``executed``: ``notebook, name, value``."""
    rows = []
    for path in sorted(executed.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name", "")
                if not name.startswith(QUANTITY_PREFIX):
                    continue
                text = output.get("data", {}).get(GLUE_MIME_PREFIX + "text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                rows.append(
                    {"notebook": path.stem, "name": name[len(QUANTITY_PREFIX) :], "value": ast.literal_eval(text)}
                )
    return pd.DataFrame(rows, columns=["notebook", "name", "value"])


def conflicting_quantities(quantities: pd.DataFrame, relative_tolerance: float = 1e-9) -> pd.DataFrame:
    """The rows of every quantity name that has more than one value (within ``relative_tolerance``)."""
    conflicting = []
    for name, rows in quantities.groupby("name", sort=True):
        values = rows["value"].astype(float).tolist()
        if any(not math.isclose(value, values[0], rel_tol=relative_tolerance) for value in values[1:]):
            conflicting.append(name)
    return quantities[quantities["name"].isin(conflicting)].sort_values(["name", "notebook"], ignore_index=True)


def quantities_by_name(quantities: pd.DataFrame) -> dict[str, dict[str, int | float]]:
    """``{name: {notebook: value}}``, for ``build/quantities.json``."""
    return {
        name: dict(zip(rows["notebook"], rows["value"], strict=True))
        for name, rows in quantities.groupby("name", sort=True)
    }
