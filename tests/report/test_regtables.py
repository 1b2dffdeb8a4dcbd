"""Tests of analysis.report.regtables: rows, labels, stars and the LaTeX rendering of fitted models."""

from __future__ import annotations

import pytest

from analysis.report import regtables
from analysis.stats import models

from simulated_cities import COVARIATES, simulate_bivariate, simulate_logit_cities


@pytest.fixture(scope="module")
def logit_data():
    return simulate_logit_cities()


@pytest.fixture(scope="module")
def bivariate_fit():
    return models.fit_bivariate_probit(simulate_bivariate(0.5, seed=31), ("us_any", "cn_any"), COVARIATES)


def test_regression_table_rows_labels_and_latex(logit_data, bivariate_fit):
    logit = models.fit_logit(logit_data, "us_any", COVARIATES)
    labels = {"log_population": "Log population", "is_capital": "Capital city", "us_any": "US", "cn_any": "China"}
    table = regtables.regression_table({"(1) Logit": logit, "(2) Bivariate probit": bivariate_fit}, labels=labels)
    assert list(table.columns) == ["Variable", "(1) Logit", "(2) Bivariate probit: US", "(2) Bivariate probit: China"]
    assert table["Variable"].tolist() == [
        "Log population",
        "",
        "Capital city",
        "",
        "ρ (error correlation)",
        "",
        "Country FE",
        "Observations",
        "Clusters",
        "Pseudo R²",
        "Log-likelihood",
        "AIC",
    ]
    log_population = table.iloc[0]
    expected = f"{logit.term('log_population')['estimate']:.3f}***"
    assert log_population["(1) Logit"] == expected
    assert table.iloc[1]["(1) Logit"] == f"({logit.term('log_population')['std_error']:.3f})"
    assert table.set_index("Variable").loc["Country FE"].tolist() == ["Yes", "Yes", "Yes"]
    assert table.set_index("Variable").loc["Observations", "(1) Logit"] == f"{logit.n_obs:,}"
    assert not table.apply(lambda column: column.astype(str).str.contains(r"fe\[")).any().any()
    latex = regtables.regression_table_latex(table, caption="Who partners with the US and China", label="tab:models")
    assert r"\toprule" in latex and r"\label{tab:models}" in latex and r"$\rho$" in latex and "country\\_iso2" in latex


def test_stars():
    assert [regtables.stars(p) for p in (0.001, 0.03, 0.07, 0.2)] == ["***", "**", "*", ""]
