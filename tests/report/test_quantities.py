"""Named quantities: read back from executed notebooks, one value per name."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.report import quantities


def _glue_output(name: str, value: object) -> dict:
    return {
        "output_type": "display_data",
        "metadata": {"scrapbook": {"name": name, "mime_prefix": quantities.GLUE_MIME_PREFIX}},
        "data": {quantities.GLUE_MIME_PREFIX + "text/plain": repr(value)},
    }


def _executed(folder, name: str, glued: dict[str, object]) -> None:
    outputs = [_glue_output(key, value) for key, value in glued.items()]
    notebook = {"cells": [{"cell_type": "code", "source": "", "outputs": outputs, "metadata": {}}]}
    (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def test_quantities_are_read_back_and_conflicts_found(tmp_path):
    _executed(tmp_path, "50_tables", {"quantity.cities_us_partner_share": 32.6, "us_share": 99.0})
    _executed(tmp_path, "60_describe", {"quantity.cities_us_partner_share": 32.6, "quantity.frame_city_count": 1036})
    found = quantities.executed_quantities(tmp_path)
    assert sorted(found["name"]) == ["cities_us_partner_share", "cities_us_partner_share", "frame_city_count"]
    assert quantities.conflicting_quantities(found).empty
    assert quantities.quantities_by_name(found)["frame_city_count"] == {"60_describe": 1036}
    _executed(tmp_path, "70_map", {"quantity.cities_us_partner_share": 46.8})
    conflicts = quantities.conflicting_quantities(quantities.executed_quantities(tmp_path))
    assert conflicts["notebook"].tolist() == ["50_tables", "60_describe", "70_map"]


def test_a_quantity_is_a_plain_number():
    assert quantities.plain_number(np.int64(3)) == 3 and type(quantities.plain_number(np.float64(0.5))) is float
    with pytest.raises(TypeError, match="is a number"):
        quantities.plain_number("93.1%")
