"""Great-circle distances."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.core import geo


def test_known_distances():
    warsaw, new_york, paris = (52.2297, 21.0122), (40.7128, -74.0060), (48.8566, 2.3522)
    assert geo.haversine_km(*warsaw, *new_york) == pytest.approx(6856, rel=0.01)
    assert geo.haversine_km(*paris, *paris) == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(geo.haversine_km(np.nan, 0, 0, 0))


def test_pairwise_matrix_is_symmetric_with_a_zero_diagonal():
    matrix = geo.pairwise_km(np.array([52.23, 48.86, 40.71]), np.array([21.01, 2.35, -74.01]))
    assert matrix.shape == (3, 3) and np.allclose(matrix, matrix.T) and np.allclose(np.diag(matrix), 0)
    assert matrix[0, 2] == pytest.approx(geo.haversine_km(52.23, 21.01, 40.71, -74.01))
