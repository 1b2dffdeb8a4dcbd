"""Simulated cities with known coefficients, shared by the model, count-model and regression-table tests.

Every function draws from its own seeded generator; nothing reads the project's data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats.fitting import ModelFit

COVARIATES = ["log_population", "is_capital"]
TRUE_US = {"log_population": 0.8, "is_capital": -0.5}
TRUE_CN = {"log_population": 0.4, "is_capital": 0.6}
TRUE_COUNT = {"log_population": 0.7, "is_capital": -0.4}


def simulate_cities(
    n: int, n_countries: int, seed: int, country_effect_sd: float = 0.5
) -> tuple[pd.DataFrame, np.ndarray]:
    """Cities with a continuous and a 0/1 covariate in ``n_countries`` countries; returns (frame, country index)."""
    rng = np.random.default_rng(seed)
    country = rng.integers(0, n_countries, n)
    country_effect = rng.normal(0, country_effect_sd, n_countries)
    frame = pd.DataFrame(
        {
            "country_iso2": np.array([f"C{g:02d}" for g in range(n_countries)])[country],
            # the covariate is correlated with the country effect, as population is with country in reality
            "log_population": rng.normal(size=n) + 0.5 * country_effect[country],
            "is_capital": (rng.random(n) < 0.3).astype(float),
        }
    )
    frame.attrs["country_effect"] = country_effect[country]
    return frame, country


def linear_index(frame: pd.DataFrame, coefficients: dict[str, float], intercept: float) -> np.ndarray:
    return intercept + sum(frame[name].to_numpy() * value for name, value in coefficients.items())


def assert_recovered(fit: ModelFit, truth: dict[str, float], equation: str | None = None, n_se: float = 3.0) -> None:
    for term, true_value in truth.items():
        row = fit.term(term, equation)
        assert abs(row["estimate"] - true_value) < n_se * row["std_error"], (
            f"{fit.model} {equation or fit.outcome} {term}: estimate {row['estimate']:.3f} (SE {row['std_error']:.3f}) vs truth {true_value}"
        )


def negative_binomial_draws(rng, mean: np.ndarray, alpha: float) -> np.ndarray:
    """NB2 counts: Poisson with a gamma-distributed mean (variance mean + alpha mean²)."""
    return rng.poisson(rng.gamma(1 / alpha, alpha * mean))


def simulate_logit_cities() -> pd.DataFrame:
    """4,000 cities in 20 countries with a logit ``us_any`` (:data:`TRUE_US`); country C03 never has a US tie
    (its fixed effect would separate it) and five rows lack ``log_population``."""
    frame, _ = simulate_cities(4000, 20, seed=1)
    rng = np.random.default_rng(2)
    latent = linear_index(frame, TRUE_US, 0.2) + frame.attrs["country_effect"] + rng.logistic(size=len(frame))
    frame["us_any"] = (latent > 0).astype(int)
    frame.loc[frame["country_iso2"] == "C03", "us_any"] = 0
    frame.loc[frame.index[:5], "log_population"] = np.nan
    return frame


def simulate_bivariate(rho: float, seed: int, n: int = 3000, n_countries: int = 10) -> pd.DataFrame:
    frame, _ = simulate_cities(n, n_countries, seed=seed)
    rng = np.random.default_rng(seed + 1)
    errors = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], len(frame))
    frame["us_any"] = (linear_index(frame, TRUE_US, 0.2) + frame.attrs["country_effect"] + errors[:, 0] > 0).astype(int)
    frame["cn_any"] = (linear_index(frame, TRUE_CN, -0.3) + errors[:, 1] > 0).astype(int)
    return frame
