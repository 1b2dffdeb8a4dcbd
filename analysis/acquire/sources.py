"""The declared raw inputs of the compendium and their acquisition into ``data/raw``.

Every raw input is declared once here as a :class:`Source`: its files with their
sha256 checksums, where each file comes from upstream, its licence and the
attribution the book prints. :func:`acquire` fills ``data/raw/<source>/`` from a
local mirror (``paths.mirror_dir()``) or, without a mirror, from upstream, verifies
every checksum, makes the files read-only and writes ``data/raw/MANIFEST``.
Everything downstream reads raw data only through :func:`raw_path`.

Not every mirror file is a byte-identical copy of an upstream file. Each file says
how it relates to upstream (:data:`Relation`):

``identical``   byte-identical to the upstream file (or to a member of a package archive);
``reencoded``   the upstream file re-encoded from ISO-8859-1 to UTF-8, otherwise unchanged;
``derived``     made by the mirror (converted, stacked, re-delimited, extracted); its
                upstream address is informational only and it cannot be downloaded;
``mirror_only`` written by the mirror's curator (``PROVENANCE.md``); no upstream copy exists.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from analysis.core import paths
from analysis.core.files import sha256_file
from analysis.core.tracking import note_folder, note_read, note_write

Relation = Literal["identical", "reencoded", "derived", "mirror_only"]

MANIFEST_NAME = "MANIFEST"
MANIFEST_COLUMNS = ["name", "file", "sha256", "bytes", "licence", "origin", "retrieved", "route"]
PROVENANCE_FILE = "PROVENANCE.md"
DOWNLOAD_TIMEOUT_SECONDS = 120
_CHUNK_BYTES = 1 << 20
_READ_ONLY = 0o444


class AcquisitionError(RuntimeError):
    """A raw file could not be acquired or verified; the message says which one and what to do."""


@dataclass(frozen=True)
class SourceFile:
    """One file of a source: its name in the mirror and in ``data/raw``, checksum and upstream address.

    ``upstream`` is a raw-file URL (GitHub at a fixed commit) or a package archive URL,
    in which case ``archive_member`` is the file's path inside the archive. ``note`` says
    what the mirror did to a file that is not byte-identical upstream.
    """

    file_name: str
    sha256: str
    upstream: str | None
    relation: Relation = "identical"
    archive_member: str | None = None
    note: str = ""

    @property
    def downloadable(self) -> bool:
        """Whether downloading ``upstream`` (and re-encoding, if declared) reproduces the declared bytes."""
        return self.upstream is not None and self.relation in ("identical", "reencoded")


@dataclass(frozen=True)
class Source:
    """One declared raw input: a folder of files with one origin, licence and attribution."""

    name: str
    title: str
    licence: str
    attribution: str
    origin: str
    files: tuple[SourceFile, ...]
    mirror_path: str = field(default="")

    def __post_init__(self) -> None:
        # The mirror folder carries the source's name unless declared otherwise.
        if not self.mirror_path:
            object.__setattr__(self, "mirror_path", self.name)

    def file(self, file_name: str) -> SourceFile:
        """The declared file ``file_name``; ``KeyError`` listing the declared files otherwise."""
        for source_file in self.files:
            if source_file.file_name == file_name:
                return source_file
        declared = ", ".join(source_file.file_name for source_file in self.files)
        raise KeyError(f"source '{self.name}' declares no file '{file_name}'; declared files: {declared}")


# --------------------------------------------------------------------------- the registry


def _github_raw(repository: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repository}/{commit}/{path}"


def _github_tree(repository: str, commit: str, path: str = "") -> str:
    return f"https://github.com/{repository}/tree/{commit}" + (f"/{path}" if path else "")


def _provenance(sha256: str) -> SourceFile:
    return SourceFile(
        PROVENANCE_FILE,
        sha256,
        upstream=None,
        relation="mirror_only",
        note="written by the mirror's curator (origin, commit, licence, retrieval date, caveats); no upstream copy exists",
    )


EUROSTAT_LICENCE = (
    "Eurostat/GISCO: re-use authorised with acknowledgement of the source (Commission Decision 2011/833/EU, "
    "CC BY 4.0-compatible); administrative boundaries © EuroGeographics"
)
WIKIDATA_NO_REPO_LICENCE = "Wikidata content CC0 1.0; the repository states no licence"

_NUTS2024 = ("ryaneyan/info_vis", "ad55cf96e625e66b63f2d1b980dd79e3e75cb9ba")
_NUTS2021 = ("BIAKuustom/NUTSMaps", "ba432545b5420274d63ca16ce3e70d8bfef5aa69")
_HEKMAN = ("Hekman/twincities", "84ebdec26ee6878367953cfbc56311ae6452752b")
_L3VIATHAN = ("L3viathan/sister-cities", "d3028c22c7e47f18947eb39a41c13e4f2751342e")
_ROGORIDO = ("rogorido/sistercities", "6bb5473459b9f7e16f59ecd0a2f9d76c3ccf9ce6")
_URSINO = ("albertoursino/graphs-comparison", "e6e3612b47cf10ec4e284a66044dad0ddf412b85")
_PUDDING = ("the-pudding/us-census-cities", "a42e1858c648b8bc070be6dc06b0c965fd37e13d")
_BALLATORE = ("andrea-ballatore/open-geo-data-education", "a9f68c60b0088e1b34cfc35b985513cfdcaba05e")
_EUTWINNINGS = "puntofisso/data.europa.eu-eutwinnings"
_EUTWINNINGS_GLOBALDICT_COMMIT = "0dc0109898953b7329f802b54133fb83b0d19208"  # file removed from HEAD later
_EUTWINNINGS_HEAD_COMMIT = "d804cec869186ad18edefe7991e79ab7ce243bc4"
_CITYVOTE = ("c-riq/city-vote", "016eb56575af319eb88e87c110c8d1509a594b0e")
_CPCA_WHEEL = "https://files.pythonhosted.org/packages/py3/c/cpca/cpca-0.5.5-py3-none-any.whl"
_US_ATLAS_TARBALL = "https://registry.npmjs.org/us-atlas/-/us-atlas-3.0.1.tgz"
_WORLD_ATLAS_TARBALL = "https://registry.npmjs.org/world-atlas/-/world-atlas-2.0.2.tgz"

_DECLARED_SOURCES: tuple[Source, ...] = (
    Source(
        name="nuts_gisco_2024_20m",
        title="NUTS 2024 regions, 1:20 million, WGS84 (Eurostat GISCO)",
        licence=EUROSTAT_LICENCE,
        attribution="© EuroGeographics for the administrative boundaries. Eurostat GISCO, NUTS 2024 regions "
        "(1:20 million), file as vendored in ryaneyan/info_vis.",
        origin=_github_tree(*_NUTS2024),
        files=(
            SourceFile(
                "NUTS_RG_20M_2024_4326.geojson",
                "ee140dff5fb87fb2f5674d0934f2aef52463dace82b13a63c15462d15312daec",
                _github_raw(*_NUTS2024, "NUTS_RG_20M_2024_4326.geojson"),
            ),
            SourceFile(
                "nuts2024_codes_names.csv",
                "463e9a598be98adbb29ba266905102fd4aae700acdbf154c23b80ef0c2bc3762",
                _github_raw(*_NUTS2024, "NUTS_RG_20M_2024_4326.geojson"),
                relation="derived",
                note="feature properties of NUTS_RG_20M_2024_4326.geojson without geometry, sorted by level and "
                "code, plus nuts_version = 2024; made by the mirror",
            ),
            _provenance("116ab5cd27b5aacb80cba59ecf6c57d1c1eee830d47a55f943d53cd7e6d544a2"),
        ),
    ),
    Source(
        name="nuts_gisco_2021_60m",
        title="NUTS 2021 regions 1:60 million and label points, WGS84 (Eurostat GISCO)",
        licence=EUROSTAT_LICENCE,
        attribution="© EuroGeographics for the administrative boundaries. Eurostat GISCO, NUTS 2021 regions "
        "(1:60 million) and label points, files as vendored in BIAKuustom/NUTSMaps.",
        origin=_github_tree(*_NUTS2021),
        files=(
            SourceFile(
                "NUTS_RG_60M_2021_4326.geojson",
                "799662dbfe64e47ed5692a6f97f6d026b944855329ad828ff73adb8078488fef",
                _github_raw(*_NUTS2021, "NUTS_RG_60M_2021_4326.geojson"),
            ),
            SourceFile(
                "NUTS_LB_2021_4326.geojson",
                "9cc6786b4ca87ebf15520e447cb0ee97e5a839a1d8dc66f4b821fc63bbc486de",
                _github_raw(*_NUTS2021, "NUTS_LB_2021_4326.geojson"),
            ),
            SourceFile(
                "nuts2021_codes_names.csv",
                "6ecd26c61ed94ccdcca962d8139146edd9440eb91127844a573ae9ac96ad8970",
                _github_raw(*_NUTS2021, "NUTS_RG_60M_2021_4326.geojson"),
                relation="derived",
                note="feature properties of NUTS_RG_60M_2021_4326.geojson without geometry, sorted by level and "
                "code, plus nuts_version = 2021; made by the mirror",
            ),
            _provenance("db41a2ba2dbf11b4b6316dd063b64c1017194db53da790c39661b21bd722e03c"),
        ),
    ),
    Source(
        name="twincities_wikipedia_hekman",
        title="Twin towns and sister cities scraped from English Wikipedia lists (Hekman/twincities, Feb 2026)",
        licence="List content from Wikipedia, CC BY-SA 4.0; fallback coordinates from OpenStreetMap Nominatim, "
        "ODbL; scraper code MIT",
        attribution="Twin-town lists from English Wikipedia (CC BY-SA 4.0), scraped and geocoded by Erik Hekman "
        "(github.com/Hekman/twincities, MIT); some coordinates © OpenStreetMap contributors (ODbL).",
        origin=_github_tree(*_HEKMAN),
        files=(
            SourceFile(
                "twin_cities_raw.csv",
                "e2d2e542f319fe45ddaf588b9cf6308c7fc17dbceb3c9b16c64fabfbbe7923c1",
                _github_raw(*_HEKMAN, "twin_cities_raw.csv"),
            ),
            SourceFile(
                "twin_cities_geocoded.csv",
                "0964bc76ba1dffa002c1c7257292bf42f1c828d2df44aab22490341a708dd60a",
                _github_raw(*_HEKMAN, "app/public/twin_cities.csv"),
            ),
            SourceFile(
                "missing_cities.csv",
                "4d39951679bf5a2b00594b76fedd5a5ad5dbc50071b232c64849a448607ef5da",
                _github_raw(*_HEKMAN, "missing_cities.csv"),
            ),
            _provenance("a86cdc54afe9a5a1c3652221b9347ea2efd93c406726467e49f1157b57e4c91f"),
        ),
    ),
    Source(
        name="sistercities_wikidata2016_l3viathan",
        title="Wikidata P190 crawl with QIDs, September 2016 (L3viathan/sister-cities)",
        licence=WIKIDATA_NO_REPO_LICENCE,
        attribution="Wikidata (CC0 1.0), P190 crawl of September 2016 by L3viathan (github.com/L3viathan/sister-cities).",
        origin=_github_tree(*_L3VIATHAN),
        files=(
            SourceFile(
                "relations.tsv",
                "97a24bcf23989728ecfbecb20322237a8800836709931fb750ae92e372294154",
                _github_raw(*_L3VIATHAN, "relations.tsv"),
            ),
            SourceFile(
                "names.tsv",
                "d088a22ad6ea7bcca7301a0dbc8698b90e86aec1bb576edab9fb83e85fff0a04",
                _github_raw(*_L3VIATHAN, "names.tsv"),
            ),
            _provenance("0aad223f846847fb3e5e76d1a250732a627534880d643488096ac6926418f86f"),
        ),
    ),
    Source(
        name="sistercities_wikidata2017_rogorido",
        title="Sister cities of EU-28 settlements from Wikidata P190, 2017 (rogorido/sistercities)",
        licence=WIKIDATA_NO_REPO_LICENCE,
        attribution="Wikidata (CC0 1.0), queried in 2017 by Igor Sosa Mayor (github.com/rogorido/sistercities, "
        "Programming Historian).",
        origin=_github_tree(*_ROGORIDO),
        files=(
            SourceFile(
                "sistercities_eu28_origins_wikidata2017.tsv",
                "7cc3d72272daf2cc91b4dc2e20ffa8537930b3a57b74e9eba2c26ff63f7754c0",
                _github_tree(*_ROGORIDO, "sparql/data"),
                relation="derived",
                note="the 25 per-country files sparql/data/<country>.tsv concatenated by the mirror, with a first "
                "column source_file naming each row's original file",
            ),
            _provenance("34b2fc943264abb145749290fd9918aea5b6a8843c4a5fe5fb9a326bc942460c"),
        ),
    ),
    Source(
        name="sistercities_wikidata2022_ursino",
        title="Sister-city network from Wikidata P190 with QIDs, January 2022 (albertoursino/graphs-comparison)",
        licence="Repository MIT (© 2021 Alberto Ursino); Wikidata content CC0 1.0",
        attribution="Wikidata (CC0 1.0), sister-city graph of January 2022 by Alberto Ursino "
        "(github.com/albertoursino/graphs-comparison, MIT).",
        origin=_github_tree(*_URSINO),
        files=(
            SourceFile(
                "nodes.csv",
                "6507c08fa14a8f69eab0de48ba09cabd37b790295e670d5a1f97f4bc21ed2eff",
                _github_raw(*_URSINO, "data/sister_cities_data/sister_cities.gexf"),
                relation="derived",
                note="nodes of the GEXF graph sister_cities.gexf, converted losslessly to CSV by the mirror",
            ),
            SourceFile(
                "edges.csv",
                "bca4683b53669849cb3f255384d484fc37b540d47419c0bfd91c5765d28d8878",
                _github_raw(*_URSINO, "data/sister_cities_data/sister_cities.gexf"),
                relation="derived",
                note="edges of the GEXF graph sister_cities.gexf, converted losslessly to CSV by the mirror",
            ),
            _provenance("f6803cc9bb647050cc15ff57b2a944880dbe52b492baf2aad37b84768024a8c1"),
        ),
    ),
    Source(
        name="us_census_places_pudding",
        title="US places, counties and states with Census population estimates (the-pudding/us-census-cities)",
        licence="US Census Bureau and USGS GNIS data: US federal public domain; the repository states no licence",
        attribution="US Census Bureau Population Estimates (Vintage 2021/2022) and USGS GNIS, compiled by "
        "The Pudding (github.com/the-pudding/us-census-cities).",
        origin=_github_tree(*_PUDDING),
        files=(
            SourceFile(
                "cities.csv",
                "692e22583fd4c2e169a45c7ad4d3d4e179304437fbd4970a8310696b30b36d16",
                _github_raw(*_PUDDING, "output/cities.csv"),
            ),
            SourceFile(
                "NST-EST2022-POPCHG2020_2022.csv",
                "ea3f5e65bbd298bd17ea6c13629adb8fd37358091ef2a239bfdf85f89d5e642d",
                _github_raw(*_PUDDING, "input/NST-EST2022-POPCHG2020_2022.csv"),
            ),
            SourceFile(
                "co-est2021-alldata.csv",
                "c38f4e8e5c151a5428418349d1d07f8fbd825a6804a0116160165a887e99c30d",
                _github_raw(*_PUDDING, "input/co-est2021-alldata.csv"),
                relation="reencoded",
                note="upstream is ISO-8859-1; the mirror re-encoded it to UTF-8 (e.g. 'Doña Ana County'), "
                "content otherwise unchanged",
            ),
            _provenance("7a3f1dde174b65ddf1afac5054e0cbaa2ce4cbec737019d4f127ba42f0572d45"),
        ),
    ),
    Source(
        name="china_adcodes_cpca",
        title="Chinese administrative divisions with coordinates (adcodes of PyPI package cpca 0.5.5)",
        licence="MIT (cpca package metadata)",
        attribution="Chinese administrative division codes (GB/T 2260) with centre coordinates, from the PyPI "
        "package cpca 0.5.5 (DQinYuan/chinese_province_city_area_mapper, MIT).",
        origin="https://pypi.org/project/cpca/0.5.5/",
        files=(
            SourceFile(
                "adcodes.csv",
                "66948fa1519ba053f22b8c2d05c897c9b19c44cdc3044e464b52f0143ff418fe",
                _CPCA_WHEEL,
                archive_member="cpca/resources/adcodes.csv",
                note="wheel sha256 1635b589506b3e28424032bce61d2488e1f6fac1034a736014e70e043f824fe6 "
                "as recorded by the mirror",
            ),
            _provenance("9ab3d4dc5758ac0b907c11a2e96a4200b3b3bc4c5ee6a23c12740715d1dc3291"),
        ),
    ),
    Source(
        name="eurostat_nuts2_indicators_ballatore",
        title="Eurostat NUTS2 indicator panel 2007-2018 (andrea-ballatore/open-geo-data-education)",
        licence="Eurostat: re-use with acknowledgement of the source (CC BY 4.0); the repository states no licence",
        attribution="Source: Eurostat (tables tgs00003, tgs00096, tgs00010, tgs00101, tepsr_lm220, tgs00026, "
        "tgs00040, tgs00049), extracted December 2020 by Andrea Ballatore "
        "(github.com/andrea-ballatore/open-geo-data-education).",
        origin=_github_tree(*_BALLATORE),
        files=(
            SourceFile(
                "eurostat_nuts2_indicators_2007_2018.csv",
                "20bfe28564964d2d08e37b0e09e3711d14e3f170a7da23ce599a7245389c2d8f",
                _github_tree(*_BALLATORE, "datasets/eu_eurostat_indicators_2005_2020/eu_vars_with_bounds"),
                relation="derived",
                note="feature properties of the 12 files eu_nuts_2_eurostat_<YEAR>.geojson.gz (2007-2018) stacked "
                "by the mirror into one CSV with a year column; geometry, id, FID and geo dropped",
            ),
            _provenance("a2b73ffa3c4f6d5f5b7bdfd942e05b4be3b002d7119fba20731f67c48eda9e54"),
        ),
    ),
    Source(
        name="eurostat_nuts3_eutwinnings",
        title="Eurostat regional indicators 2017-2019 and NUTS 2021 typologies (puntofisso EU Twinnings)",
        licence="Eurostat: re-use with acknowledgement of the source (Commission Decision 2011/833/EU, CC BY 4.0); "
        "the repository states no data licence",
        attribution="Source: Eurostat (demo_r_d2jan, demo_r_pjanaggr3, demo_r_d3dens, demo_r_find3, demo_r_gind3, "
        "demo_r_pjanind3, nama_10r_3gdp, nama_10r_3gva; NUTS 2021 typologies), collected by Giuseppe Sollazzo "
        "(github.com/puntofisso/data.europa.eu-eutwinnings).",
        origin=f"https://github.com/{_EUTWINNINGS}",
        files=(
            SourceFile(
                "globaldict.json",
                "8e4c31ea697de2a1c914dd6ee6a8e69afa4b958081266d2b6785a4cc21ddfcbc",
                _github_raw(_EUTWINNINGS, _EUTWINNINGS_GLOBALDICT_COMMIT, "data_wrangling/globaldict.json"),
            ),
            SourceFile(
                "NUTS2021-extra.csv",
                "a1da83f2e8a7c9307652c023f7b6cf9c629348938c27d92803f6c140cf9187e0",
                _github_raw(_EUTWINNINGS, _EUTWINNINGS_HEAD_COMMIT, "data_wrangling/data/NUTS2021-extra.csv"),
                relation="derived",
                note="upstream is '|'-separated; the mirror re-wrote it comma-separated, content unchanged",
            ),
            SourceFile(
                "eurostat_indicators_by_geo.csv",
                "f635dc325d37e9f6501d6aa126e20cef5db87777a2345961f1c7cb371e9c4e7f",
                _github_raw(_EUTWINNINGS, _EUTWINNINGS_GLOBALDICT_COMMIT, "data_wrangling/globaldict.json"),
                relation="derived",
                note="globaldict.json flattened by the mirror to one row per geo code, plus code_length",
            ),
            _provenance("ca0f26757904cd475a22645dca4ff97fa1828f998f36e53fe449428abbee5da1"),
        ),
    ),
    Source(
        name="eurocities_members_cityvote",
        title="EUROCITIES network members with Wikidata IDs, May 2025 (c-riq/city-vote)",
        licence="Wikidata-derived fields CC0 1.0; membership list is factual information from eurocities.eu; "
        "the repository states no licence",
        attribution="EUROCITIES member list (eurocities.eu, May 2025) matched to Wikidata (CC0 1.0) in "
        "github.com/c-riq/city-vote.",
        origin=_github_tree(*_CITYVOTE),
        files=(
            SourceFile(
                "members-wikidata-enriched.json",
                "91a8d2e828db4771c9eaf887e81e33201f8f67b37c8f15d80dc2139672fb82ed",
                _github_raw(*_CITYVOTE, "public-data/city-networks/eurocities/members-wikidata-enriched.json"),
            ),
            _provenance("0e643bf93a76c06c4006a404ec607a3846765af7c610dc4ca16e9f7f72a363fe"),
        ),
    ),
    Source(
        name="us_atlas_npm",
        title="US state boundaries as TopoJSON (npm package us-atlas 3.0.1)",
        licence="Package ISC (© 2013-2019 Michael Bostock); US Census Bureau boundaries public domain",
        attribution="US Census Bureau cartographic boundaries (2017), TopoJSON by Mike Bostock "
        "(npm us-atlas 3.0.1, ISC).",
        origin="https://www.npmjs.com/package/us-atlas/v/3.0.1",
        files=(
            SourceFile(
                "states-10m.json",
                "d76b391ccfa8bff601d51e3e3da5d43a89fa46cd5caca72ce731b383be5596d0",
                _US_ATLAS_TARBALL,
                archive_member="package/states-10m.json",
                note="tarball sha256 e6daba1800885868303ad3549da62f85a557b8142bb72629ec15651de62f9c5d "
                "as recorded by the mirror",
            ),
            _provenance("ea84a33ca21854b76c231233398f5170f2a9c58fc39d9afa49eb51b466350aa0"),
        ),
    ),
    Source(
        name="world_atlas_npm",
        title="Natural Earth country boundaries as TopoJSON (npm package world-atlas 2.0.2)",
        licence="Package ISC (© 2013-2019 Michael Bostock); Natural Earth data public domain",
        attribution="Made with Natural Earth (public domain), Admin-0 countries 4.1.0; TopoJSON by Mike Bostock "
        "(npm world-atlas 2.0.2, ISC).",
        origin="https://www.npmjs.com/package/world-atlas/v/2.0.2",
        files=(
            SourceFile(
                "countries-50m.json",
                "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
                _WORLD_ATLAS_TARBALL,
                archive_member="package/countries-50m.json",
                note="tarball sha256 032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97 "
                "as recorded by the mirror",
            ),
            SourceFile(
                "countries-110m.json",
                "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8",
                _WORLD_ATLAS_TARBALL,
                archive_member="package/countries-110m.json",
                note="tarball sha256 032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97 "
                "as recorded by the mirror",
            ),
            _provenance("288f6fce2757442bb3594fa22625110d9550608bd143b9b06fb9b38be6226006"),
        ),
    ),
)

SOURCES: dict[str, Source] = {source.name: source for source in _DECLARED_SOURCES}


# --------------------------------------------------------------------------- public API


def acquire(
    names: Iterable[str] | None = None,
    mirror: str | os.PathLike[str] | None = None,
    allow_download: bool = True,
    registry: Mapping[str, Source] | None = None,
) -> pd.DataFrame:
    """Fill ``data/raw/<source>/`` with the verified files of the named sources and write ``data/raw/MANIFEST``.

    ``names``: source names (default: every declared source). ``mirror``: a mirror folder
    (default ``paths.mirror_dir()``, i.e. ``PARADIP_MIRROR`` or ``../shared/data``); without
    one, files are downloaded from upstream if ``allow_download``. ``registry``: the
    declarations to use (default :data:`SOURCES`; tests pass their own).

    Files already in ``data/raw`` with the declared checksum are left untouched and keep
    their ``retrieved`` date. Every file that fails (missing, wrong checksum, not
    downloadable) is reported in one :class:`AcquisitionError` after the others were
    acquired. Returns the manifest (columns :data:`MANIFEST_COLUMNS`), one row per file.
    """
    registry = SOURCES if registry is None else registry
    selected = _select_sources(registry, names)
    mirror_root = Path(mirror).resolve() if mirror is not None else paths.mirror_dir()
    previous = _read_manifest()
    today = datetime.now(UTC).date().isoformat()
    archive_cache: dict[str, bytes] = {}

    acquired_rows: list[dict[str, object]] = []
    failures: list[str] = []
    for source in selected:
        for source_file in source.files:
            try:
                acquired_rows.append(
                    _acquire_file(source, source_file, mirror_root, allow_download, previous, today, archive_cache)
                )
            except AcquisitionError as error:
                failures.append(str(error))

    manifest = _merged_manifest(previous, acquired_rows, registry, {source.name for source in selected})
    _write_manifest(manifest)
    if failures:
        attempted = sum(len(source.files) for source in selected)
        raise AcquisitionError(
            f"{len(failures)} of {attempted} raw files could not be acquired "
            f"(the other {attempted - len(failures)} are in {paths.raw_dir()}):\n\n" + "\n\n".join(failures)
        )
    return manifest


def raw_path(source_name: str, file_name: str) -> Path:
    """Path of the acquired raw file ``file_name`` of source ``source_name`` (recorded as a read).

    Raises ``KeyError`` for an undeclared source or file and ``FileNotFoundError`` when the
    file has not been acquired yet.
    """
    source = _declared_source(SOURCES, source_name)
    source.file(file_name)
    path = paths.raw_source_dir(source_name) / file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: raw file '{file_name}' of source '{source_name}' has not been acquired. Run acquisition "
            "first: `make all` (it runs notebooks/10_acquire_sources.ipynb), or "
            f"`python -c \"from analysis import sources; sources.acquire(['{source_name}'])\"`."
        )
    note_read(path)
    return path


def attributions(registry: Mapping[str, Source] | None = None) -> pd.DataFrame:
    """One row per declared source: ``title``, ``licence``, ``attribution``, ``origin`` (for the book's source table)."""
    registry = SOURCES if registry is None else registry
    return pd.DataFrame(
        [
            {
                "title": source.title,
                "licence": source.licence,
                "attribution": source.attribution,
                "origin": source.origin,
            }
            for source in registry.values()
        ],
        columns=["title", "licence", "attribution", "origin"],
    )


def files_table(registry: Mapping[str, Source] | None = None) -> pd.DataFrame:
    """One row per declared file: ``name``, ``file``, ``relation`` to upstream, ``upstream`` address, ``note``."""
    registry = SOURCES if registry is None else registry
    return pd.DataFrame(
        [
            {
                "name": source.name,
                "file": source_file.file_name,
                "relation": source_file.relation,
                "upstream": _upstream_text(source_file),
                "note": source_file.note,
            }
            for source in registry.values()
            for source_file in source.files
        ],
        columns=["name", "file", "relation", "upstream", "note"],
    )


def manifest_path() -> Path:
    """``data/raw/MANIFEST``: one TSV row per acquired raw file."""
    return paths.raw_dir() / MANIFEST_NAME


# --------------------------------------------------------------------------- one file


def _acquire_file(
    source: Source,
    source_file: SourceFile,
    mirror_root: Path | None,
    allow_download: bool,
    previous: dict[tuple[str, str], dict[str, str]],
    today: str,
    archive_cache: dict[str, bytes],
) -> dict[str, object]:
    """Make ``data/raw/<source>/<file>`` hold the declared bytes; return its manifest row."""
    target = paths.raw_source_dir(source.name) / source_file.file_name
    if target.exists():
        retrieved, route = _verify_present(source, source_file, target, previous)
    elif mirror_root is not None:
        _copy_from_mirror(source, source_file, mirror_root, target)
        retrieved, route = today, "mirror"
    else:
        _download(source, source_file, target, allow_download, archive_cache)
        retrieved, route = today, "download"
    note_write(target)
    return {
        "name": source.name,
        "file": source_file.file_name,
        "sha256": source_file.sha256,
        "bytes": target.stat().st_size,
        "licence": source.licence,
        "origin": _upstream_text(source_file),
        "retrieved": retrieved,
        "route": route,
    }


def _verify_present(
    source: Source, source_file: SourceFile, target: Path, previous: dict[tuple[str, str], dict[str, str]]
) -> tuple[str, str]:
    """Check a raw file already in place; return the ``retrieved`` date and ``route`` to keep for it."""
    actual = sha256_file(target)
    if actual != source_file.sha256:
        raise AcquisitionError(
            f"{target}: raw file of source '{source.name}' has sha256 {actual}, but analysis/sources.py declares "
            f"{source_file.sha256}. Raw data is immutable and is never overwritten: delete this file "
            f"(rm -f '{target}') and run acquisition again (make all) to fetch a verified copy."
        )
    earlier = previous.get((source.name, source_file.file_name))
    if earlier is not None and earlier.get("sha256") == source_file.sha256:
        return earlier["retrieved"], earlier["route"]
    # No manifest record (e.g. MANIFEST deleted): the file's own date is the best evidence left.
    written = datetime.fromtimestamp(target.stat().st_mtime, tz=UTC).date().isoformat()
    return written, "unrecorded"


def _copy_from_mirror(source: Source, source_file: SourceFile, mirror_root: Path, target: Path) -> None:
    # With a mirror, every file must come from it: silently downloading what the mirror
    # lacks would hide a broken mirror and mix routes.
    mirror_file = mirror_root / source.mirror_path / source_file.file_name
    if not mirror_file.is_file():
        raise AcquisitionError(
            f"{mirror_file}: file '{source_file.file_name}' of source '{source.name}' is missing from the mirror "
            f"{mirror_root}. Restore it in the mirror, or point PARADIP_MIRROR at a complete mirror"
            + (
                f", or acquire without a mirror to download it from {source_file.upstream}."
                if source_file.downloadable
                else " (it cannot be downloaded: " + _not_downloadable_reason(source_file) + ")."
            )
        )
    note_read(mirror_file)
    with open(mirror_file, "rb") as handle:
        _write_verified(handle, target, source_file.sha256, f"mirror file {mirror_file}", source.name)


def _download(
    source: Source, source_file: SourceFile, target: Path, allow_download: bool, archive_cache: dict[str, bytes]
) -> None:
    where = f"{target}: file '{source_file.file_name}' of source '{source.name}'"
    if not allow_download:
        raise AcquisitionError(
            f"{where} is not in data/raw, there is no mirror and downloads are disabled. Set PARADIP_MIRROR to a "
            "mirror folder, or allow downloads."
        )
    if not source_file.downloadable:
        raise AcquisitionError(
            f"{where} cannot be downloaded: {_not_downloadable_reason(source_file)}. Its checksum is that of the "
            "mirror's file, so obtain the mirror and set PARADIP_MIRROR to it."
        )
    assert source_file.upstream is not None  # guaranteed by downloadable
    content = _fetch(source_file.upstream, source_file.archive_member, archive_cache, where)
    described = source_file.upstream + (f" (member {source_file.archive_member})" if source_file.archive_member else "")
    if source_file.relation == "reencoded":
        # Latin-1 maps every byte to one code point, so decoding cannot fail; the checksum decides.
        content = content.decode("iso-8859-1").encode("utf-8")
        described += ", re-encoded ISO-8859-1 -> UTF-8"
    _write_verified(io.BytesIO(content), target, source_file.sha256, f"download {described}", source.name)


def _fetch(url: str, archive_member: str | None, archive_cache: dict[str, bytes], where: str) -> bytes:
    """Bytes at ``url`` (any scheme urllib knows: https, http, file), or of ``archive_member`` inside it."""
    if url not in archive_cache:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                payload = response.read()
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise AcquisitionError(
                f"{where}: download of {url} failed ({error}). Check the network or use a mirror."
            ) from error
        if archive_member is None:
            return payload
        # Package archives hold several declared files (world-atlas): fetch each archive once.
        archive_cache[url] = payload
    payload = archive_cache[url]
    try:
        if url.endswith((".whl", ".zip")):
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                return archive.read(archive_member)
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:*") as archive:
            member = archive.extractfile(archive_member)
            if member is None:
                raise KeyError(archive_member)
            return member.read()
    except (KeyError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise AcquisitionError(
            f"{where}: archive {url} has no readable member '{archive_member}' ({error!r})."
        ) from error


def _write_verified(stream: io.BufferedIOBase, target: Path, expected: str, origin: str, source_name: str) -> None:
    """Write ``stream`` to ``target`` only if its sha256 is ``expected``; the file ends up read-only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for chunk in iter(lambda: stream.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
            out.write(chunk)
    actual = digest.hexdigest()
    if actual != expected:
        partial.unlink()
        raise AcquisitionError(
            f"{origin}: file '{target.name}' of source '{source_name}' has sha256 {actual}, but analysis/sources.py "
            f"declares {expected}; nothing was written to {target}. The copy is corrupt or a different version: "
            "restore the original bytes, or, if the source was deliberately updated, update its declaration in "
            "analysis/sources.py and its PROVENANCE.md."
        )
    partial.chmod(_READ_ONLY)
    os.replace(partial, target)


# --------------------------------------------------------------------------- registry and manifest helpers


def _declared_source(registry: Mapping[str, Source], name: str) -> Source:
    if name not in registry:
        raise KeyError(f"'{name}' is not a declared source; declared sources: {', '.join(registry)}")
    return registry[name]


def _select_sources(registry: Mapping[str, Source], names: Iterable[str] | None) -> list[Source]:
    if names is None:
        return list(registry.values())
    if isinstance(names, str):
        names = [names]
    return [_declared_source(registry, name) for name in names]


def _not_downloadable_reason(source_file: SourceFile) -> str:
    if source_file.relation == "mirror_only":
        return "it is written by the mirror and has no upstream copy"
    if source_file.relation == "derived":
        return f"it was derived by the mirror ({source_file.note}) from {source_file.upstream}, which is informational only"
    return "no upstream address is declared"


def _upstream_text(source_file: SourceFile) -> str:
    if source_file.upstream is None:
        return "mirror only (no upstream copy)"
    text = source_file.upstream
    if source_file.archive_member:
        text += f" :: {source_file.archive_member}"
    if source_file.relation == "reencoded":
        text += " (re-encoded ISO-8859-1 -> UTF-8)"
    elif source_file.relation == "derived":
        text = f"derived by the mirror from {text}"
    return text


def _read_manifest() -> dict[tuple[str, str], dict[str, str]]:
    """The rows of an existing ``data/raw/MANIFEST`` keyed by (source name, file); empty when there is none."""
    path = manifest_path()
    if not path.exists():
        return {}
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = [column for column in MANIFEST_COLUMNS if column not in table.columns]
    if missing:
        raise AcquisitionError(
            f"{path}: columns {missing} are missing (expected {MANIFEST_COLUMNS}). Delete the MANIFEST and run "
            "acquisition again; retrieval dates will then come from the files' dates."
        )
    return {(row["name"], row["file"]): row for row in table.to_dict("records")}


def _merged_manifest(
    previous: dict[tuple[str, str], dict[str, str]],
    acquired_rows: list[dict[str, object]],
    registry: Mapping[str, Source],
    selected_names: set[str],
) -> pd.DataFrame:
    """Rows just acquired, plus earlier rows of sources not asked for this time whose files are still in place."""
    rows_by_key = {(str(row["name"]), str(row["file"])): row for row in acquired_rows}
    for key, row in previous.items():
        name, file_name = key
        if name in selected_names or name not in registry or key in rows_by_key:
            continue
        if (paths.raw_source_dir(name) / file_name).exists():
            rows_by_key[key] = row
    order = {
        (source.name, source_file.file_name): position
        for position, (source, source_file) in enumerate(
            (source, source_file) for source in registry.values() for source_file in source.files
        )
    }
    ordered = sorted(rows_by_key.values(), key=lambda row: order.get((str(row["name"]), str(row["file"])), len(order)))
    manifest = pd.DataFrame(ordered, columns=MANIFEST_COLUMNS)
    manifest["bytes"] = manifest["bytes"].astype("int64")
    return manifest


def _write_manifest(manifest: pd.DataFrame) -> None:
    path = manifest_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest.to_csv(path, sep="\t", index=False)
    note_write(path)


def latest_drop_in(folder_name: str, explicit: str | None = None, pattern: str = "*.csv") -> Path | None:
    """The team's own file to use: ``explicit`` (relative to the project root), else the newest
    ``pattern`` file in ``data/raw/<folder_name>`` (by name), else ``None`` (nothing delivered yet).

    The folder is recorded as an input of the running notebook, so the notebook runs again
    when a file is dropped into it.
    """
    if explicit:
        return paths.ROOT / explicit
    folder = paths.raw_source_dir(folder_name)
    note_folder(folder)
    delivered = sorted(folder.glob(pattern)) if folder.is_dir() else []
    return delivered[-1] if delivered else None
