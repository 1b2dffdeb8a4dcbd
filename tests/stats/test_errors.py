"""Tests of analysis.stats.errors: which failures of a fit become NotEstimable and which stay bugs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from analysis.stats.errors import NotEstimable, estimation_failures


def test_a_singular_matrix_becomes_not_estimable_with_its_cause():
    with (
        pytest.raises(NotEstimable, match="Logit of 'y': singular matrix") as raised,
        estimation_failures("Logit", "y"),
    ):
        np.linalg.solve(np.zeros((2, 2)), np.ones(2))
    assert isinstance(raised.value.__cause__, np.linalg.LinAlgError)


def test_perfect_separation_warning_becomes_not_estimable():
    with pytest.raises(NotEstimable, match="perfect separation"), estimation_failures("Logit", "y"):
        warnings.warn("Perfect separation detected", PerfectSeparationWarning, stacklevel=1)


def test_other_errors_pass_through_unchanged():
    with pytest.raises(TypeError), estimation_failures("Logit", "y"):
        len(1)  # type: ignore[arg-type]
    with pytest.raises(ValueError), estimation_failures("Logit", "y"):
        raise ValueError("a bug, not a sample")
