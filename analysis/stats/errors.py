"""The one exception a model raises when the sample cannot identify it, and the translation of statsmodels' signals.

:class:`NotEstimable` is raised by the known checks of the model functions (no rows or no
variation left in an outcome, a rank-deficient design, too few categories, no convergence)
and, through :func:`estimation_failures`, by statsmodels' own signals at the point of fitting
(perfect separation, a singular matrix). Report code may turn it into "not estimable on this
sample"; any other exception is a bug and must fail the build.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning


class NotEstimable(Exception):
    """A model that this sample cannot identify; the message says which model, which outcome and why."""


@contextmanager
def estimation_failures(model: str, outcome: str) -> Iterator[None]:
    """Run a statsmodels fit (or a matrix solve of one) and raise :class:`NotEstimable` for what the sample causes.

    Perfect separation (statsmodels warns when every outcome is predicted exactly; here the
    warning becomes an error) and a singular matrix (``numpy.linalg.LinAlgError`` from a Newton
    step or a solve) are translated, with the original exception chained; anything else passes
    through unchanged.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            yield
    except (PerfectSeparationWarning, PerfectSeparationError) as error:
        raise NotEstimable(
            f"{model} of '{outcome}': perfect separation, the covariates predict every outcome exactly"
        ) from error
    except np.linalg.LinAlgError as error:
        raise NotEstimable(f"{model} of '{outcome}': singular matrix while fitting ({error})") from error
