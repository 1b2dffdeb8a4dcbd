"""The four public partnership sources read into one long *records* frame, and oriented EU-side first.

Each source records twin towns and sister cities in its own shape:

``wikipedia_2026``  English Wikipedia lists (Hekman/twincities), names + country labels + geocoded coordinates
``wikidata_2017``   Wikidata P190 for EU-28 settlements (rogorido/sistercities), English labels + coordinates
``wikidata_2022``   Wikidata P190 between *cities* (albertoursino/graphs-comparison), QIDs + nodes with country
``wikidata_2016``   Wikidata P190 crawl (L3viathan/sister-cities), QIDs + mixed-language labels, no country

``records_from_*`` turn each raw file into records (side A and side B: name, raw country label,
ISO2 country, coordinates, QID; plus the raw string); :func:`build_records` stacks them;
:func:`orient_records` makes the EU-27 end the ``eu_*`` side of each record.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.core.countries import EU27_ISO2, countries_to_iso2, territory_iso2

# The raw record sources, in the order ties list them.
RECORD_SOURCES: tuple[str, ...] = ("wikipedia_2026", "wikidata_2017", "wikidata_2022", "wikidata_2016")

# EU-27 member states as ISO 3166-1 alpha-2 (GR for Greece, not Eurostat's EL), as in the frame.
EU27: frozenset[str] = frozenset(EU27_ISO2)

RECORD_COLUMNS: tuple[str, ...] = (
    "source",
    "record_id",
    "a_name",
    "a_country_raw",
    "a_country_iso2",
    "a_latitude",
    "a_longitude",
    "a_qid",
    "b_name",
    "b_country_raw",
    "b_country_iso2",
    "b_latitude",
    "b_longitude",
    "b_qid",
    "raw_string",
)


# ---------------------------------------------------------------------------------------------
# Loaders: raw source files -> records
# ---------------------------------------------------------------------------------------------


def _records_frame(columns: Mapping[str, object], source: str) -> pd.DataFrame:
    records = pd.DataFrame(dict(columns))
    records.insert(0, "source", source)
    for column in RECORD_COLUMNS:
        if column not in records.columns:
            records[column] = pd.NA
    for side in ("a", "b"):
        # Territories filed under their sovereign (Guam, United States; Macau, People's Republic of China)
        # are coded as themselves.
        iso2 = countries_to_iso2(records[f"{side}_country_raw"].astype("string"))
        records[f"{side}_country_iso2"] = territory_iso2(iso2, records[f"{side}_name"], records[f"{side}_country_raw"])
        for axis in ("latitude", "longitude"):
            records[f"{side}_{axis}"] = pd.to_numeric(records[f"{side}_{axis}"], errors="coerce").astype("float64")
    string_columns = [c for c in RECORD_COLUMNS if not c.endswith(("latitude", "longitude"))]
    records[string_columns] = records[string_columns].astype("string")
    return records.loc[:, list(RECORD_COLUMNS)].reset_index(drop=True)


def _record_ids(source: str, count: int) -> pd.Series:
    # The row number in the raw file: stable as long as the raw file is (the raw files are checksummed).
    return pd.Series([f"{source}:{row:06d}" for row in range(count)])


def records_from_wikipedia(raw: pd.DataFrame, geocoded: pd.DataFrame) -> pd.DataFrame:
    """Records of ``twin_cities_raw.csv`` (city1, country1, city2, country2), one per row.

    Coordinates come from ``twin_cities_geocoded.csv`` by (city, country) name, so that rows the
    geocoded file lost are still kept (without coordinates).
    """
    raw = raw.fillna("")
    coordinates = pd.concat(
        [
            geocoded[["city1", "country1", "lat1", "lng1"]].set_axis(["city", "country", "lat", "lng"], axis=1),
            geocoded[["city2", "country2", "lat2", "lng2"]].set_axis(["city", "country", "lat", "lng"], axis=1),
        ]
    ).drop_duplicates(["city", "country"])
    by_place = coordinates.set_index(["city", "country"])

    def lookup(city: pd.Series, country: pd.Series, column: str) -> pd.Series:
        index = pd.MultiIndex.from_arrays([city, country])
        return pd.Series(by_place[column].reindex(index).to_numpy())

    return _records_frame(
        {
            "record_id": _record_ids("wikipedia_2026", len(raw)),
            "a_name": raw["city1"].to_numpy(),
            "a_country_raw": raw["country1"].to_numpy(),
            "a_latitude": lookup(raw["city1"], raw["country1"], "lat"),
            "a_longitude": lookup(raw["city1"], raw["country1"], "lng"),
            "b_name": raw["city2"].to_numpy(),
            "b_country_raw": raw["country2"].to_numpy(),
            "b_latitude": lookup(raw["city2"], raw["country2"], "lat"),
            "b_longitude": lookup(raw["city2"], raw["country2"], "lng"),
            "raw_string": (
                raw["city1"] + ", " + raw["country1"] + " — " + raw["city2"] + ", " + raw["country2"]
            ).to_numpy(),
        },
        "wikipedia_2026",
    )


def records_from_wikidata_2017(raw: pd.DataFrame) -> pd.DataFrame:
    """Records of the concatenated rogorido TSV (origin settlement -> P190 partner), one per row."""
    raw = raw.fillna("")
    return _records_frame(
        {
            "record_id": _record_ids("wikidata_2017", len(raw)),
            "a_name": raw["origincityLabel"].to_numpy(),
            "a_country_raw": raw["origincountry"].to_numpy(),
            "a_latitude": raw["originlat"].to_numpy(),
            "a_longitude": raw["originlong"].to_numpy(),
            "b_name": raw["sistercityLabel"].to_numpy(),
            "b_country_raw": raw["destination_countryLabel"].to_numpy(),
            "b_latitude": raw["destinationlat"].to_numpy(),
            "b_longitude": raw["destinationlong"].to_numpy(),
            "raw_string": (
                raw["origincityLabel"]
                + ", "
                + raw["origincountry"]
                + " — "
                + raw["sistercityLabel"]
                + ", "
                + raw["destination_countryLabel"]
            ).to_numpy(),
        },
        "wikidata_2017",
    )


def records_from_wikidata_2022(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Records of the ursino edge list (qid_a, qid_b) with both ends' label, country and coordinates."""
    node_table = nodes.set_index("qid")
    a = node_table.reindex(edges["qid_a"])
    b = node_table.reindex(edges["qid_b"])
    return _records_frame(
        {
            "record_id": _record_ids("wikidata_2022", len(edges)),
            "a_qid": edges["qid_a"].to_numpy(),
            "a_name": a["label"].to_numpy(),
            "a_country_raw": a["country"].to_numpy(),
            "a_latitude": a["lat"].to_numpy(),
            "a_longitude": a["lon"].to_numpy(),
            "b_qid": edges["qid_b"].to_numpy(),
            "b_name": b["label"].to_numpy(),
            "b_country_raw": b["country"].to_numpy(),
            "b_latitude": b["lat"].to_numpy(),
            "b_longitude": b["lon"].to_numpy(),
            "raw_string": (
                edges["qid_a"]
                + " "
                + a["label"].fillna("?").to_numpy()
                + " — "
                + edges["qid_b"]
                + " "
                + b["label"].fillna("?").to_numpy()
            ).to_numpy(),
        },
        "wikidata_2022",
    )


def records_from_wikidata_2016(relations: pd.DataFrame, names: pd.DataFrame, nodes_2022: pd.DataFrame) -> pd.DataFrame:
    """Records of the L3viathan crawl (from_qid -> to_qid, one per P190 statement).

    Labels come from ``names.tsv``; country and coordinates come from the 2022 nodes by QID where
    the item is there. Items without a country get one later only on evidence beyond the name
    (:func:`analysis.build.relations.infer_missing_countries`).
    """
    label = names.drop_duplicates("qid").set_index("qid")["label"]
    node_table = nodes_2022.set_index("qid")
    a = node_table.reindex(relations["from_qid"])
    b = node_table.reindex(relations["to_qid"])
    a_label = label.reindex(relations["from_qid"]).to_numpy()
    b_label = label.reindex(relations["to_qid"]).to_numpy()
    return _records_frame(
        {
            "record_id": _record_ids("wikidata_2016", len(relations)),
            "a_qid": relations["from_qid"].to_numpy(),
            "a_name": a_label,
            "a_country_raw": a["country"].to_numpy(),
            "a_latitude": a["lat"].to_numpy(),
            "a_longitude": a["lon"].to_numpy(),
            "b_qid": relations["to_qid"].to_numpy(),
            "b_name": b_label,
            "b_country_raw": b["country"].to_numpy(),
            "b_latitude": b["lat"].to_numpy(),
            "b_longitude": b["lon"].to_numpy(),
            "raw_string": (
                relations["from_qid"]
                + " "
                + pd.Series(a_label).fillna("?").to_numpy()
                + " — "
                + relations["to_qid"]
                + " "
                + pd.Series(b_label).fillna("?").to_numpy()
            ).to_numpy(),
        },
        "wikidata_2016",
    )


def build_records(raw_frames: Mapping[str, Mapping[str, pd.DataFrame]]) -> pd.DataFrame:
    """All four sources' records in one frame.

    ``raw_frames`` maps source folder name -> file name -> DataFrame, as returned by
    :func:`read_raw_frames` (files read with ``keep_default_na=False``).
    """
    wikipedia = raw_frames["twincities_wikipedia_hekman"]
    wikidata_2017 = raw_frames["sistercities_wikidata2017_rogorido"]
    wikidata_2022 = raw_frames["sistercities_wikidata2022_ursino"]
    wikidata_2016 = raw_frames["sistercities_wikidata2016_l3viathan"]
    return pd.concat(
        [
            records_from_wikipedia(wikipedia["twin_cities_raw.csv"], wikipedia["twin_cities_geocoded.csv"]),
            records_from_wikidata_2017(wikidata_2017["sistercities_eu28_origins_wikidata2017.tsv"]),
            records_from_wikidata_2022(wikidata_2022["nodes.csv"], wikidata_2022["edges.csv"]),
            records_from_wikidata_2016(
                wikidata_2016["relations.tsv"], wikidata_2016["names.tsv"], wikidata_2022["nodes.csv"]
            ),
        ],
        ignore_index=True,
    )


# Files each source contributes, and how to read them (header-less TSVs get their column names).
RAW_FILES: dict[str, dict[str, dict[str, object]]] = {
    "twincities_wikipedia_hekman": {
        "twin_cities_raw.csv": {},
        "twin_cities_geocoded.csv": {},
    },
    "sistercities_wikidata2017_rogorido": {"sistercities_eu28_origins_wikidata2017.tsv": {"sep": "\t"}},
    "sistercities_wikidata2022_ursino": {"nodes.csv": {}, "edges.csv": {}},
    "sistercities_wikidata2016_l3viathan": {
        "relations.tsv": {"sep": "\t", "header": None, "names": ["from_qid", "to_qid"]},
        "names.tsv": {"sep": "\t", "header": None, "names": ["qid", "label"], "quoting": 3},
    },
}


def read_raw_frames() -> dict[str, dict[str, pd.DataFrame]]:
    """Read every raw partnership file named in :data:`RAW_FILES` (paths from ``sources.raw_path``)."""
    from analysis.acquire import sources
    from analysis.core.tracking import note_read

    frames: dict[str, dict[str, pd.DataFrame]] = {}
    for source_name, files in RAW_FILES.items():
        frames[source_name] = {}
        for file_name, options in files.items():
            path = sources.raw_path(source_name, file_name)
            note_read(path)
            frames[source_name][file_name] = pd.read_csv(path, keep_default_na=False, dtype=str, **options)
    return frames


# ---------------------------------------------------------------------------------------------
# Orientation and within-source duplicates
# ---------------------------------------------------------------------------------------------


def mark_duplicates_within_source(records: pd.DataFrame) -> pd.Series:
    """True for every record that repeats an earlier record of the same source exactly (same two
    places, same order, same labels). Records of one pair from both ends are *not* duplicates."""
    subset = ["source", "a_qid", "a_name", "a_country_raw", "b_qid", "b_name", "b_country_raw"]
    return records[subset].astype("string").fillna("").duplicated(keep="first")


def orient_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per (record, EU end): the EU-27 end becomes the ``eu_*`` side, the other ``partner_*``.

    A record between two EU-27 places yields two rows, one from each end; a record with no
    EU-27 end yields none. Column ``orientation`` is ``as_listed`` (side A is EU) or ``swapped``.
    """
    sides = {"a": "b", "b": "a"}
    fields = ("name", "country_raw", "country_iso2", "latitude", "longitude", "qid")
    parts = []
    for eu_side, partner_side in sides.items():
        selected = records[records[f"{eu_side}_country_iso2"].isin(EU27).fillna(False)]
        part = pd.DataFrame({"source": selected["source"], "record_id": selected["record_id"]})
        for field in fields:
            part[f"eu_{field}"] = selected[f"{eu_side}_{field}"]
            part[f"partner_{field}"] = selected[f"{partner_side}_{field}"]
        part["raw_string"] = selected["raw_string"]
        part["orientation"] = "as_listed" if eu_side == "a" else "swapped"
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
