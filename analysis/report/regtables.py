"""Publication-style regression tables from several :class:`analysis.stats.fitting.ModelFit` results.

:func:`regression_table` returns a plain DataFrame (one column per model equation, a
coefficient row with stars and a standard-error row in parentheses per variable, then
the model statistics), which notebooks glue and the book shows as HTML.
:func:`regression_table_latex` renders the same table as LaTeX for the PDF.
Fixed-effect dummies are never shown; a "Country FE" row says whether they were in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.core import staging
from analysis.core.tracking import note_write
from analysis.stats.fitting import CONSTANT, ModelFit

STAR_LEVELS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
DEFAULT_LABELS = {CONSTANT: "Constant", "rho": "ρ (error correlation)", "alpha": "α (NB dispersion)"}
VARIABLE_COLUMN = "Variable"
STATISTIC_ROWS = ["Country FE", "Observations", "Clusters", "Pseudo R²", "Log-likelihood", "AIC"]


def stars(p_value: float) -> str:
    """'***' for p < 0.01, '**' for p < 0.05, '*' for p < 0.10, else ''."""
    for level, mark in STAR_LEVELS:
        if p_value < level:
            return mark
    return ""


def regression_table(
    fits: Mapping[str, ModelFit] | Sequence[ModelFit],
    labels: Mapping[str, str] | None = None,
    digits: int = 3,
    show_constant: bool = False,
    fixed_effects_label: str = "Country FE",
) -> pd.DataFrame:
    """One column per (model, equation); rows: labelled coefficients with stars, SEs, statistics.

    ``fits`` is a mapping ``column title -> fit`` (or a list, titled by model name).
    Models with several equations (multinomial logit, bivariate probit, zero-inflated
    and hurdle models) get one column per equation, titled ``"<title>: <equation>"``.
    ``labels`` maps term names to the labels shown (and orders the rows: labelled
    terms first, in the mapping's order); ancillary parameters (rho, alpha) appear in
    each model's first column. Statistics (N, clusters, pseudo-R², log-likelihood, AIC)
    are per model, so they are shown in each model's first column only.
    The first column, ``Variable``, holds the labels; the SE rows have an empty label.
    ``table.attrs["note"]`` explains stars and standard errors.
    """
    titled = dict(fits) if isinstance(fits, Mapping) else {_default_title(fit, i): fit for i, fit in enumerate(fits, 1)}
    labels = {**DEFAULT_LABELS, **(labels or {})}
    columns = _equation_columns(titled, labels)
    terms = _ordered_terms(columns, labels, show_constant)

    rows: list[dict[str, str]] = []
    for term in terms:
        estimate_row, error_row = {VARIABLE_COLUMN: labels.get(term, term)}, {VARIABLE_COLUMN: ""}
        for column_title, coefficients in columns.items():
            match = coefficients[coefficients["term"] == term]
            estimate_row[column_title] = _format_estimate(match, digits)
            error_row[column_title] = f"({match['std_error'].iloc[0]:.{digits}f})" if len(match) else ""
        rows += [estimate_row, error_row]
    rows += _statistic_rows(titled, labels, fixed_effects_label)

    table = pd.DataFrame(rows, columns=[VARIABLE_COLUMN, *columns])
    table.attrs["note"] = (
        _standard_error_note(titled.values())
        + " * p < 0.10, ** p < 0.05, *** p < 0.01. Fixed-effect coefficients are not shown."
    )
    return table


def _standard_error_note(fits) -> str:
    clustered = [getattr(fit.result, "cov_type", "") == "cluster" for fit in fits]
    clusters = ", ".join(sorted({fit.cluster for fit in fits}))
    if all(clustered):
        return f"Standard errors clustered by {clusters} in parentheses (CRV1; t with G−1 df)."
    if not any(clustered):
        return "Model-based (non-robust) standard errors in parentheses."
    return f"Standard errors in parentheses: clustered by {clusters} (CRV1; t with G−1 df) or model-based, as fitted."


def _default_title(fit: ModelFit, position: int) -> str:
    return f"({position}) {fit.model}"


def _column_title(title: str, fit: ModelFit, equation: str, labels: Mapping[str, str]) -> str:
    return title if len(fit.equations) == 1 else f"{title}: {labels.get(equation, equation)}"


def _equation_columns(titled: Mapping[str, ModelFit], labels: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """Column title -> that column's coefficient rows (ancillary rows in each model's first column)."""
    columns: dict[str, pd.DataFrame] = {}
    for title, fit in titled.items():
        for position, equation in enumerate(fit.equations):
            coefficients = fit.coefficients[
                (fit.coefficients["equation"] == equation) & ~fit.coefficients["is_fixed_effect"].astype(bool)
            ]
            if position == 0 and len(fit.ancillary):
                coefficients = pd.concat([coefficients, fit.ancillary], ignore_index=True)
            column_title = _column_title(title, fit, equation, labels)
            if column_title in columns:
                raise ValueError(
                    f"regression_table: two columns would be titled '{column_title}'; give the fits distinct titles"
                )
            columns[column_title] = coefficients
    return columns


def _ordered_terms(columns: Mapping[str, pd.DataFrame], labels: Mapping[str, str], show_constant: bool) -> list[str]:
    present = list(dict.fromkeys(term for coefficients in columns.values() for term in coefficients["term"]))
    if not show_constant:
        present = [term for term in present if term != CONSTANT]
    ancillary = [term for term in ("rho", "alpha") if term in present]
    ordered = [term for term in labels if term in present and term not in ancillary]
    ordered += [term for term in present if term not in ordered and term not in ancillary]
    return ordered + ancillary


def _format_estimate(match: pd.DataFrame, digits: int) -> str:
    if match.empty:
        return ""
    row = match.iloc[0]
    return f"{row['estimate']:.{digits}f}{stars(row['p_value'])}"


def _statistic_rows(
    titled: Mapping[str, ModelFit], labels: Mapping[str, str], fixed_effects_label: str
) -> list[dict[str, str]]:
    rows = {name: {VARIABLE_COLUMN: name} for name in STATISTIC_ROWS}
    rows[fixed_effects_label] = rows.pop("Country FE")
    rows[fixed_effects_label][VARIABLE_COLUMN] = fixed_effects_label
    for title, fit in titled.items():
        column_titles = [_column_title(title, fit, equation, labels) for equation in fit.equations]
        for position, column_title in enumerate(column_titles):
            first = position == 0
            rows[fixed_effects_label][column_title] = "Yes" if fit.fixed_effects else "No"
            rows["Observations"][column_title] = f"{fit.n_obs:,}"
            rows["Clusters"][column_title] = f"{fit.n_clusters}"
            rows["Pseudo R²"][column_title] = f"{fit.pseudo_r2:.3f}" if first else ""
            rows["Log-likelihood"][column_title] = f"{fit.log_likelihood:,.1f}" if first else ""
            rows["AIC"][column_title] = f"{fit.aic:,.1f}" if first else ""
    return [
        rows[fixed_effects_label],
        rows["Observations"],
        rows["Clusters"],
        rows["Pseudo R²"],
        rows["Log-likelihood"],
        rows["AIC"],
    ]


# LaTeX ----------------------------------------------------------------------------------------
_LATEX_SYMBOLS = {"²": r"$^2$", "ρ": r"$\rho$", "α": r"$\alpha$", "−": "-"}


def regression_table_latex(table: pd.DataFrame, caption: str, label: str) -> str:
    """LaTeX (booktabs) source of a :func:`regression_table`, with its note under the table."""
    latex = table.to_latex(
        index=False, escape=True, caption=caption, label=label, column_format="l" + "c" * (table.shape[1] - 1)
    )
    for symbol, replacement in _LATEX_SYMBOLS.items():
        latex = latex.replace(symbol, replacement)
    note = table.attrs.get("note", "")
    if note:
        escaped_note = note.replace("−", "-").replace("_", r"\_").replace("%", r"\%")
        latex = latex.replace(r"\end{tabular}", r"\end{tabular}" + "\n" + r"\par\footnotesize " + escaped_note)
    return latex


def write_regression_table_latex(table: pd.DataFrame, target, caption: str, label: str) -> str:
    """Write :func:`regression_table_latex` to ``target`` (a path from :mod:`analysis.core.paths`); returns the text."""
    latex = regression_table_latex(table, caption, label)
    written = staging.target(target)  # renamed into place when the notebook succeeds
    written.write_text(latex, encoding="utf-8")
    note_write(written)
    return latex
