"""Special administrative regions as Chinese partners ("Hong Kong", "Macau").

The gazetteer keeps Hong Kong and Macao under their own ISO codes (HK, MO), as the partnership sources do; the
texts and their labels count a tie with them as a tie with China (both are special administrative regions of the
PRC: ``web_partner_country_parts.csv``, one row per part and the country it belongs to). :func:`with_country_parts`
gives the detector a gazetteer in which the part's province-level unit and the city named as the part itself
("Hong Kong", "Macau" = "Macao") carry the country's code; the part's other towns (Kowloon, Victoria, Aberdeen) keep
their own code, so that they stay other places and never become partners by a common English name.
"""

from __future__ import annotations

import pandas as pd

from analysis.collect.web.lexicon import name_key
from analysis.core.names import split_alternate_names

COUNTRY_PARTS_FILE = "web_partner_country_parts.csv"


def country_parts() -> dict[str, str]:
    """``{part ISO code: country ISO code}`` from ``web_partner_country_parts.csv``."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(COUNTRY_PARTS_FILE, ["part_iso2", "country_iso2"])
    return dict(zip(table["part_iso2"], table["country_iso2"], strict=True))


def with_country_parts(gazetteer: pd.DataFrame, parts: dict[str, str] | None = None) -> pd.DataFrame:
    """``gazetteer`` with the rows that stand for a whole part (its province-level unit and the places named as
    that unit, by any of its names) moved to the country the part belongs to; unchanged when no row is a part."""
    parts = country_parts() if parts is None else parts
    in_part = gazetteer["country_iso2"].isin(list(parts))
    if not in_part.any():
        return gazetteer
    provinces = gazetteer[in_part & (gazetteer["level"] == "province")]
    names = {
        (str(row.country_iso2), name_key(name))
        for row in provinces.itertuples(index=False)
        for name in [
            str(row.name),
            *split_alternate_names(row.alternate_names if isinstance(row.alternate_names, str) else None),
        ]
    }
    named = pd.Series(
        [
            (str(c), name_key(str(n))) in names
            for c, n in zip(gazetteer["country_iso2"], gazetteer["name"], strict=True)
        ],
        index=gazetteer.index,
    )
    whole = in_part & named
    if not whole.any():
        return gazetteer
    out = gazetteer.copy()
    out.loc[whole, "country_iso2"] = out.loc[whole, "country_iso2"].map(parts)
    return out
