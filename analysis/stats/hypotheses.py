"""Terms and checks that the hypotheses of the theory chapter (book/theory.md) need beyond the base models.

* :func:`add_log_distances`: log great-circle distance to the nearest large US and Chinese city (H5);
* :func:`in_capital_region` and :func:`split_within_between`: the checks of the negative
  within-country effect of regional wealth (is it the capital region's suburbs? is it a
  within-country effect at all, or does the between-country effect differ?).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DISTANCE_TERMS = {"dist_us_km": "log_dist_us_km", "dist_cn_km": "log_dist_cn_km"}


def add_log_distances(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``log_dist_us_km`` and ``log_dist_cn_km`` (natural log of the km distances; positive distances only)."""
    table = df.copy()
    for column, log_column in DISTANCE_TERMS.items():
        values = table[column].astype(float)
        if (values <= 0).any():
            bad = values[values <= 0]
            raise ValueError(
                f"add_log_distances: column '{column}' must be positive; row {bad.index[0]!r} has {bad.iloc[0]}"
            )
        table[log_column] = np.log(values)
    return table


def in_capital_region(df: pd.DataFrame, region: str = "nuts2_2021", country: str = "country_iso2") -> pd.Series:
    """True for cities in the NUTS2 region that holds their country's capital (the capital itself included)."""
    capital_regions = set(
        zip(df.loc[df["is_capital"].astype(bool), country], df.loc[df["is_capital"].astype(bool), region])
    )
    return pd.Series([pair in capital_regions for pair in zip(df[country], df[region])], index=df.index, dtype=bool)


def split_within_between(df: pd.DataFrame, columns: Sequence[str], country: str = "country_iso2") -> pd.DataFrame:
    """``df`` with ``<column>_country_mean`` and ``<column>_within`` (the deviation from it) for each column.

    In a model without country fixed effects, the pair separates the effect of a covariate
    between countries (the country mean) from its effect within countries (the deviation,
    which is what a model with country fixed effects identifies): the Mundlak device.
    """
    table = df.copy()
    for column in columns:
        mean = table.groupby(country)[column].transform("mean")
        table[f"{column}_country_mean"] = mean
        table[f"{column}_within"] = table[column] - mean
    return table


def add_region_crowding(df: pd.DataFrame, region: str = "nuts2_2021") -> pd.DataFrame:
    """``df`` with ``log_region_frame_cities``: log of the number of frame cities in the same region (rows of ``df``)."""
    return df.assign(log_region_frame_cities=np.log(df.groupby(region)["city_id"].transform("size").astype(float)))
