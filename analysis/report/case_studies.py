"""Case studies (phase 2): which units get a chapter, and what each chapter shows.

The cases come from the authors' list ``analysis/reference/case_studies.csv`` (``unit_id, reason,
source, note``) when that file exists; otherwise from the documented rule
``analysis/reference/case_study_rule.csv``: for each partner mix in the rule's order (both, US only,
China only), the frame city of that mix whose population is nearest the rule's quantile of the
population of the cities of that mix, skipping countries already chosen, ties broken by ``city_id``.
So the default cases spread over partner mixes, sizes and countries, and the choice is deterministic.

One notebook, ``notebooks/case_study.ipynb``, is run once per case by the runner
(:mod:`analysis.runner.cases`); its chapter ``case_<unit_id>`` shows the unit's profile, its US and
Chinese partners on a map (:func:`case_map`), its ties by source (:func:`public_ties`,
:func:`crawl_evidence`, :func:`survey_ties_of`, :func:`both_ends_of`) and the authors' write-up
(:func:`writeup_text`, from ``book/cases/<unit_id>.md``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core import paths
from analysis.core.reference import read_reference_table
from analysis.core.tracking import note_read

AUTHORS_LIST = "case_studies.csv"
RULE_FILE = "case_study_rule.csv"
CASE_COLUMNS = ["unit_id", "reason", "source", "note"]
WRITEUP_FOLDER = "cases"  # book/cases/<unit_id>.md
WRITEUP_PLACEHOLDER = "Authors' write-up: to be written."


def rule_cases(city_analysis: pd.DataFrame, rule: pd.DataFrame) -> pd.DataFrame:
    """The cases the rule picks from ``city_analysis`` (``city_id, country_iso2, population, partner_mix``).

    ``rule`` has ``partner_mix, population_quantile, source, note`` (one row per case, in order).
    Returns ``unit_id, reason, source, note``; a mix with no city (or none in a new country) gives no case.
    """
    chosen, countries = [], set()
    for row in rule.itertuples():
        pool = city_analysis[city_analysis["partner_mix"] == row.partner_mix].dropna(subset=["population"])
        if pool.empty:
            continue
        target = float(np.quantile(pool["population"].astype(float), float(row.population_quantile)))
        pool = pool[~pool["country_iso2"].isin(countries)]
        if pool.empty:
            continue
        pool = pool.assign(distance=(pool["population"].astype(float) - target).abs())
        best = pool.sort_values(["distance", "city_id"], kind="stable").iloc[0]
        countries.add(best["country_iso2"])
        reason = (
            f"partner mix {row.partner_mix}, population nearest the {float(row.population_quantile):.0%} "
            f"quantile of such cities ({target:,.0f})"
        )
        chosen.append({"unit_id": best["city_id"], "reason": reason, "source": row.source, "note": row.note})
    return pd.DataFrame(chosen, columns=CASE_COLUMNS)


def case_list(city_analysis: pd.DataFrame | None = None, reference: Path | None = None) -> pd.DataFrame:
    """The cases: the authors' list when ``case_studies.csv`` exists in ``reference``, else :func:`rule_cases`.

    ``city_analysis`` is read from the processed tables when not given (only the rule needs it).
    """
    reference = reference or paths.REFERENCE
    authors = reference / AUTHORS_LIST
    if authors.exists():
        note_read(authors)
        table = pd.read_csv(authors, dtype=str, keep_default_na=False)
        missing = [column for column in CASE_COLUMNS if column not in table.columns]
        if missing:
            raise ValueError(f"{authors}: columns {missing} are missing")
        return table[CASE_COLUMNS].drop_duplicates("unit_id").reset_index(drop=True)
    if city_analysis is None:
        from analysis.core import tables

        city_analysis = tables.read_table("city_analysis")
    if reference == paths.REFERENCE:
        rule = read_reference_table(RULE_FILE, ["partner_mix", "population_quantile"])
    else:
        rule = pd.read_csv(reference / RULE_FILE, dtype=str, keep_default_na=False)
    return rule_cases(city_analysis, rule)


def unit_profile(unit_id: str, cities: pd.DataFrame, regions: pd.DataFrame, city_analysis: pd.DataFrame) -> dict:
    """Name, country, population, type, NUTS2 region and public partner mix of a city or NUTS2 region."""
    latest = regions[regions["nuts_version"] == regions["nuts_version"].max()]
    region_names = dict(zip(latest["nuts2_code"], latest["name_latn"], strict=False))
    if unit_id in set(cities["city_id"]):
        city = cities.set_index("city_id").loc[unit_id]
        analysed = city_analysis.set_index("city_id")
        code = analysed.loc[unit_id, "nuts2_2024"] if unit_id in analysed.index else None
        mix = analysed.loc[unit_id, "partner_mix"] if unit_id in analysed.index else "none"
        return {
            "unit_id": unit_id,
            "name": str(city["name"]),
            "country_iso2": str(city["country_iso2"]),
            "population": int(city["population"]),
            "unit_type": "city",
            "region": f"{region_names.get(code, code)} ({code})" if isinstance(code, str) else "not placed",
            "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]),
            "partner_mix": str(mix),
        }
    if unit_id in region_names:
        region = latest.set_index("nuts2_code").loc[unit_id]
        point = region.geometry.representative_point() if "geometry" in latest.columns else None
        return {
            "unit_id": unit_id,
            "name": str(region["name_latn"]),
            "country_iso2": str(region["country_iso2"]),
            "population": None,
            "unit_type": "region",
            "region": f"{region['name_latn']} ({unit_id})",
            "latitude": float(point.y) if point is not None else np.nan,
            "longitude": float(point.x) if point is not None else np.nan,
            "partner_mix": "not computed for regions",
        }
    raise KeyError(f"case {unit_id!r} is neither a frame city nor a NUTS2 region of the frame")


MIX_LABELS = {"none": "neither", "US": "US only", "CN": "China only", "both": "both the US and China"}


def profile_table(profile: dict) -> pd.DataFrame:
    """The profile as a two-column table with human labels."""
    from analysis.core.countries import english_name

    population = profile["population"]
    rows = [
        ("Name", profile["name"]),
        ("Country", english_name(profile["country_iso2"])),
        ("Population", f"{population:,}" if population is not None else "not recorded (region)"),
        ("Type", "City" if profile["unit_type"] == "city" else "NUTS2 region"),
        ("Region (NUTS 2024)", profile["region"]),
        ("Partners in the public records", MIX_LABELS.get(profile["partner_mix"], profile["partner_mix"])),
    ]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _unit_rows(table: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """Rows of a relations-like table whose EU side is ``unit_id`` (a city id or a NUTS2 code)."""
    if "unit_id" in table.columns:
        return table[table["unit_id"] == unit_id]
    return table[(table["eu_city_id"] == unit_id) | (table["eu_region_code"] == unit_id)]


def public_ties(unit_id: str, relations: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """The unit's US and Chinese ties in the public records, with the partner's coordinates (for the map)."""
    rows = _unit_rows(relations, unit_id)
    rows = rows[rows["partner_is_us"].astype(bool) | rows["partner_is_cn"].astype(bool)]
    places = gazetteer[["partner_id", "latitude", "longitude"]].drop_duplicates("partner_id")
    ties = rows.merge(places, on="partner_id", how="left")
    return ties.assign(partner_country_iso2=np.where(ties["partner_is_us"].astype(bool), "US", "CN")).sort_values(
        ["partner_country_iso2", "partner_name"], ignore_index=True
    )


def public_ties_table(ties: pd.DataFrame) -> pd.DataFrame:
    """The public ties as shown: partner, country, status, sources."""
    return pd.DataFrame(
        {
            "Partner": ties["partner_name"].astype(str),
            "Country": ties["partner_country_iso2"].map({"US": "United States", "CN": "China"}),
            "Status": ties["status"].astype(str),
            "Sources": ties["sources"].astype(str).map(_source_labels),
        }
    )


def _source_labels(sources: str) -> str:
    """``wikipedia_2026|wikidata_2017`` -> ``Wikipedia 2026, Wikidata 2017``."""
    return ", ".join(part.replace("_", " ").capitalize() for part in sources.split("|") if part)


def crawl_evidence(unit_id: str, crawl_findings: pd.DataFrame) -> pd.DataFrame:
    """The crawl's findings about the unit's US and Chinese partners: partner, status, evidence sentence, URL."""
    rows = _unit_rows(crawl_findings, unit_id)
    rows = rows[rows["partner_country_iso2"].isin(["US", "CN"])].sort_values(["partner_name", "url"])
    return pd.DataFrame(
        {
            "Partner": rows["partner_name"].astype(str),
            "Country": rows["partner_country_iso2"].astype(str),
            "Status": rows["statement_status"].astype(str),
            "Evidence": rows["evidence"].astype(str),
            "Page": rows["url"].astype(str),
        }
    ).reset_index(drop=True)


def survey_ties_of(unit_id: str, survey_ties: pd.DataFrame) -> pd.DataFrame:
    """The partners the unit's survey answer lists: partner, country, year, type, activity."""
    rows = _unit_rows(survey_ties, unit_id).sort_values(["partner_country_iso2", "roster_position"])
    return pd.DataFrame(
        {
            "Partner": rows["partner_name"].astype(str),
            "Country": rows["partner_country_iso2"].astype(str),
            "Established": rows["year_established"].astype("Int64").astype(str).replace("<NA>", "not given"),
            "Type": rows["tie_type"].astype(str),
            "Activity (1-5)": rows["activity_level"].astype("Int64").astype(str).replace("<NA>", "not given"),
        }
    ).reset_index(drop=True)


def both_ends_of(unit_id: str, pairs: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """The unit's EU-US pairs seen from both ends (phase 2): which sources list each, and whether the ends agree."""
    rows = _unit_rows(pairs, unit_id)
    names = dict(zip(gazetteer["partner_id"], gazetteer["name"], strict=False))
    yes_no = lambda column: rows[column].map({True: "yes", False: "no"}).fillna("not known")  # noqa: E731
    return pd.DataFrame(
        {
            "US partner": rows["partner_id"].map(names).fillna(rows["partner_id"]).astype(str),
            "Public records": yes_no("in_public"),
            "EU answer lists it": yes_no("in_phase1_survey"),
            "US answer lists it": yes_no("in_phase2_survey"),
            "Year agrees": yes_no("year_agrees"),
            "Activity agrees": yes_no("active_agrees"),
        }
    ).reset_index(drop=True)


def case_map(world, profile: dict, ties: pd.DataFrame):
    """The unit and its US and Chinese partners (public records) on a world map, joined by great circles.

    ``world`` is the world-atlas GeoDataFrame (EPSG:4326); partners without coordinates are left out
    (their count is in the caption's glued numbers). Each partner is labelled with its name.
    """
    import geopandas as gpd
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from shapely.geometry import LineString

    from analysis.report.figures import PARTNER_COLOURS, REGION_EDGE, REGION_FILL, apply_style
    from analysis.report.maps import WORLD_CRS, great_circle, unwrap_antimeridian

    apply_style()
    figure, ax = plt.subplots(figsize=(9, 4.6))
    land = unwrap_antimeridian(world.set_crs("EPSG:4326", allow_override=True)).to_crs(WORLD_CRS)
    land.plot(ax=ax, color=REGION_FILL, edgecolor=REGION_EDGE, linewidth=0.3)
    drawn = ties.dropna(subset=["latitude", "longitude"])
    home = (profile["longitude"], profile["latitude"])
    for country in ("US", "CN"):
        chosen = drawn[drawn["partner_country_iso2"] == country]
        if chosen.empty:
            continue
        arcs = [LineString(great_circle(*home, row.longitude, row.latitude)) for row in chosen.itertuples()]
        gpd.GeoSeries(arcs, crs="EPSG:4326").to_crs(WORLD_CRS).plot(ax=ax, color=PARTNER_COLOURS[country], lw=1.2)
        ends = gpd.GeoSeries.from_xy(chosen["longitude"], chosen["latitude"], crs="EPSG:4326").to_crs(WORLD_CRS)
        ax.scatter(ends.x, ends.y, s=22, color=PARTNER_COLOURS[country], edgecolor="white", linewidth=0.5, zorder=4)
        for x, y, name in zip(ends.x, ends.y, chosen["partner_name"], strict=True):
            ax.annotate(str(name), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=8)
    origin = gpd.GeoSeries.from_xy([home[0]], [home[1]], crs="EPSG:4326").to_crs(WORLD_CRS)
    ax.scatter(origin.x, origin.y, s=60, marker="*", color="black", zorder=5)
    handles = [
        Line2D([], [], marker="*", linestyle="", color="black", label=profile["name"]),
        Line2D(
            [], [], color=PARTNER_COLOURS["US"], label=f"US partners ({(drawn['partner_country_iso2'] == 'US').sum()})"
        ),
        Line2D(
            [],
            [],
            color=PARTNER_COLOURS["CN"],
            label=f"Chinese partners ({(drawn['partner_country_iso2'] == 'CN').sum()})",
        ),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3)  # below: no place hidden
    bounds = gpd.GeoSeries.from_xy([-130, 140, -130, 140], [10, 10, 72, 72], crs="EPSG:4326").to_crs(WORLD_CRS)
    ax.set_xlim(bounds.total_bounds[0], bounds.total_bounds[2])
    ax.set_ylim(bounds.total_bounds[1], bounds.total_bounds[3])
    ax.set_axis_off()
    return figure


def writeup_path(unit_id: str, book: Path | None = None) -> Path:
    """``book/cases/<unit_id>.md``: the authors' qualitative write-up of the case."""
    return (book or paths.BOOK) / WRITEUP_FOLDER / f"{unit_id}.md"


def writeup_text(unit_id: str, book: Path | None = None) -> str:
    """The authors' write-up (Markdown), or a placeholder naming the file to write when there is none yet."""
    path = writeup_path(unit_id, book)
    if not path.exists():
        return f"*{WRITEUP_PLACEHOLDER}* (Placeholder: the authors' file `book/{WRITEUP_FOLDER}/{unit_id}.md` does not exist yet.)"
    note_read(path)
    return path.read_text(encoding="utf-8")
