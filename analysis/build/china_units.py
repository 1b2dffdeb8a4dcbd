"""Chinese rows of the partner gazetteer: province-level units, prefecture-level units, county-level cities, districts.

Built from the cpca adcode list (GB/T 2260 codes, Chinese names): Taiwan, Hong Kong and Macao
are kept with ``country_iso2`` TW/HK/MO. English names come from GeoNames (matched on Chinese
characters, coordinates breaking ties) or else Hanyu Pinyin; legacy romanisations and
exonyms ("Peking", "Canton", "Szechwan") are data: ``analysis/reference/china_exonyms.csv``.

Districts (区) of a city are rows at level ``district``: a partner named after a district
("Huishan (Wuxi)", "Minhang") is the district, and a GeoNames place that is a district is no
longer taken for a city. A municipality (Beijing, Shanghai, Tianjin, Chongqing) is its
prefecture-level row ``cn-pref-<code>01`` (the city proper, named after the municipality),
which the resolver prefers to the province-level row of the same name (rule 4 of
:mod:`analysis.build.resolve`).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from analysis.build.gazetteer_rows import (
    apply_geonames_links,
    as_gazetteer,
    geonames_link_keys,
    join_alternate_names,
    link_rows_to_geonames,
    qualified_forms,
)
from analysis.core import paths
from analysis.core.names import compact_key, normalise_name
from analysis.core.reference import read_reference_lists

CHINA_EXONYMS_PATH = paths.REFERENCE / "china_exonyms.csv"

# GB/T 2260 province codes: English name, ISO country code, GeoNames admin1 code of CN.
CHINA_PROVINCES: dict[str, tuple[str, str, str | None]] = {
    "11": ("Beijing", "CN", "22"),
    "12": ("Tianjin", "CN", "28"),
    "13": ("Hebei", "CN", "10"),
    "14": ("Shanxi", "CN", "24"),
    "15": ("Inner Mongolia", "CN", "20"),
    "21": ("Liaoning", "CN", "19"),
    "22": ("Jilin", "CN", "05"),
    "23": ("Heilongjiang", "CN", "08"),
    "31": ("Shanghai", "CN", "23"),
    "32": ("Jiangsu", "CN", "04"),
    "33": ("Zhejiang", "CN", "02"),
    "34": ("Anhui", "CN", "01"),
    "35": ("Fujian", "CN", "07"),
    "36": ("Jiangxi", "CN", "03"),
    "37": ("Shandong", "CN", "25"),
    "41": ("Henan", "CN", "09"),
    "42": ("Hubei", "CN", "12"),
    "43": ("Hunan", "CN", "11"),
    "44": ("Guangdong", "CN", "30"),
    "45": ("Guangxi", "CN", "16"),
    "46": ("Hainan", "CN", "31"),
    "50": ("Chongqing", "CN", "33"),
    "51": ("Sichuan", "CN", "32"),
    "52": ("Guizhou", "CN", "18"),
    "53": ("Yunnan", "CN", "29"),
    "54": ("Tibet", "CN", "14"),
    "61": ("Shaanxi", "CN", "26"),
    "62": ("Gansu", "CN", "15"),
    "63": ("Qinghai", "CN", "06"),
    "64": ("Ningxia", "CN", "21"),
    "65": ("Xinjiang", "CN", "13"),
    "71": ("Taiwan", "TW", None),
    "81": ("Hong Kong", "HK", None),
    "82": ("Macao", "MO", None),
}


@functools.cache
def china_exonyms() -> dict[str, list[str]]:
    """``{2- or 4-digit adcode: [exonym, ...]}`` from ``china_exonyms.csv`` (in file order).

    A 2-digit code names a province-level unit, a 4-digit code a prefecture-level unit.
    """
    return read_reference_lists(CHINA_EXONYMS_PATH.name, "adcode", "exonym")


# Ethnic groups named in autonomous prefectures/regions ("延边朝鲜族自治州" -> core "延边").
_ETHNIC_GROUPS = "朝鲜|藏|羌|土家|苗|布依|侗|哈尼|彝|傣|景颇|傈僳|白|回|蒙古|柯尔克孜|哈萨克|壮|维吾尔"
_HAN_SUFFIX = re.compile(rf"(?:(?:{_ETHNIC_GROUPS})族?)*(?:自治州|自治区)$|特别行政区$|地区$|省$|市$|盟$|(?<=..)区$")

# Unit kinds of the adcode list that become gazetteer rows, with their level and id prefix.
CHINA_KIND_LEVEL: dict[str, tuple[str, str]] = {
    "province": ("province", "cn-prov"),
    "prefecture": ("prefecture", "cn-pref"),
    "municipal_core": ("prefecture", "cn-pref"),
    "county_city": ("city", "cn-county"),
    "district": ("district", "cn-dist"),
}
CHINA_KIND_SUFFIX: dict[str, str] = {"地区": "Prefecture", "盟": "League", "自治州": "Autonomous Prefecture"}


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


PLACE_READINGS_FILE = "web_cn_place_readings.csv"
PLACE_READING_MAX_FORMS = 4


def place_name_readings(han: str, max_forms: int = PLACE_READING_MAX_FORMS) -> list[str]:
    """Pinyin readings of a Chinese name as capitalised words, the common reading of each character first
    (:func:`pinyin_name`), then the readings with the place-name reading of its polyphonic characters
    (``web_cn_place_readings.csv``: 朝阳 is Chaoyang, not Zhaoyang; 花都 Huadu, not Huadou); at most ``max_forms``."""
    import itertools

    from pypinyin import lazy_pinyin

    readings = _place_readings()
    options = [
        list(dict.fromkeys([common, *readings.get(char, ())]))
        for char, common in zip(han, lazy_pinyin(han), strict=True)
    ]
    forms = ("".join(combo).capitalize() for combo in itertools.product(*options))
    return list(dict.fromkeys(itertools.islice(forms, max_forms)))


@functools.lru_cache(maxsize=1)
def _place_readings() -> dict[str, tuple[str, ...]]:
    """``{character: (place-name reading, ...)}`` from ``web_cn_place_readings.csv``."""
    lists = read_reference_lists(PLACE_READINGS_FILE, "character", "reading")
    return {char: tuple(readings) for char, readings in lists.items()}


def build_china_units(
    adcodes: pd.DataFrame, geonames: pd.DataFrame, **distance_limits: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chinese province-level units, prefecture-level units and county-level cities as gazetteer rows.

    ``adcodes``: the cpca list (:func:`read_adcodes`); ``geonames``: :func:`~analysis.build.geonames.load_geonames_cities`.
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
    units = _china_unit_rows(divisions)
    cn_geonames = geonames[geonames["country_iso2"].eq("CN")].reset_index(drop=True)
    links = _link_china_units(units, cn_geonames, **distance_limits)

    # Units linked by Chinese characters take the GeoNames English name ("Hohhot", "Xi'an"); units linked
    # by pinyin keep it (GeoNames writes some of those "Yùmén" or "Zhu Cheng City"), as do unlinked ones.
    by_characters = links[links["match_rank"].eq(0)].set_index("partner_id")["geonameid"]
    geonames_name = by_characters.map(cn_geonames.set_index("geonameid")["name"])
    units["name"] = units["partner_id"].map(geonames_name).astype(object).fillna(units["name"]).astype(str)
    # A unit GeoNames does not name keeps its pinyin name; the place-name readings of its polyphonic characters
    # (Huadu for Huadou) are alternate names only: other chapters' numbers depend on the rows' names.
    linked = frozenset(links["partner_id"])
    units["alternate_names"] = [
        join_alternate_names(
            [*_china_alternates(row), *(place_name_readings(row.core_han)[1:] if row.partner_id not in linked else [])],
            exclude=row.name,
        )
        for row in units.itertuples(index=False)
    ]
    rows = apply_geonames_links(as_gazetteer(units), links, cn_geonames, take_population=True)

    english = rows.set_index("partner_id")
    divisions["partner_id"] = divisions.index.map(units["partner_id"]).fillna("")
    divisions["english_name"] = divisions["partner_id"].map(english["name"])
    divisions["geonameid"] = divisions["partner_id"].map(english["geonameid"]).astype("Int64")
    return rows, divisions


def _china_unit_rows(divisions: pd.DataFrame) -> pd.DataFrame:
    """The adcode units that become gazetteer rows (:data:`CHINA_KIND_LEVEL`), with ids, levels, Chinese
    names (``name_han``, ``core_han``), pinyin and province; ``name`` is the English province name or pinyin."""
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
    units["pinyin_name"] = units["core_han"].map(pinyin_name)
    units["name"] = np.where(kind.eq("province"), province.str[0], units["pinyin_name"])
    units["population"] = pd.NA
    units["geonameid"] = pd.NA
    units["source"] = "cpca_adcodes"
    units["alternate_names"] = ""
    return units


def _link_china_units(units: pd.DataFrame, cn_geonames: pd.DataFrame, **distance_limits: float) -> pd.DataFrame:
    """Links (:func:`~analysis.build.gazetteer_rows.link_rows_to_geonames`) of prefecture-level units and
    county-level cities to GeoNames CN cities (province rows have no GeoNames city)."""
    admin1_to_adcode = {gn: code for code, (_, _, gn) in CHINA_PROVINCES.items() if gn}
    cn_admin1 = cn_geonames["admin1_code"].map(admin1_to_adcode)
    linkable = units[~units["division_kind"].eq("province")]
    pinyin_keys = linkable["pinyin_name"].map(lambda pinyin: compact_key(normalise_name(pinyin)))
    row_keys = pd.concat(
        [
            pd.DataFrame({"partner_id": linkable["partner_id"], "link_key": linkable["name_han"], "key_rank": 0}),
            pd.DataFrame({"partner_id": linkable["partner_id"], "link_key": linkable["core_han"], "key_rank": 0}),
            pd.DataFrame({"partner_id": linkable["partner_id"], "link_key": pinyin_keys, "key_rank": 1}),
        ],
        ignore_index=True,
    ).drop_duplicates(["partner_id", "link_key"])
    # Prefecture-level units are linked before county-level cities of the same name, and those before districts.
    row_keys["row_priority"] = row_keys["partner_id"].str.startswith("cn-county").astype(int) + 2 * row_keys[
        "partner_id"
    ].str.startswith("cn-dist").astype(int)
    # Pinyin against a GeoNames alternate name (rank 2) finds the seat town of a unit ("永康市" ->
    # "Guli"), a different place; those pairs are not links.
    return link_rows_to_geonames(
        row_keys,
        units,
        cn_geonames.assign(admin1_code=cn_admin1),
        geonames_link_keys(cn_geonames, cn_admin1),
        max_match_rank=1,
        **distance_limits,
    )


def _china_alternates(row) -> list[str]:
    """Alternate names of a Chinese unit: characters, pinyin, type words, province-qualified forms, exonyms."""
    english = row.name
    alternates: list[str] = [row.name_han, row.core_han, row.pinyin_name]
    if row.division_kind == "province":
        alternates += [f"{english} Province", f"Province of {english}", *china_exonyms().get(row.province_code, [])]
        return alternates
    type_word = han_suffix_kind(row.name_han)
    if row.division_kind == "district":
        alternates += [f"{english} District", f"{english} Qu"]
    elif type_word:
        alternates += [f"{english} {type_word}"]
    else:
        alternates += [f"{english} City", f"City of {english}", f"{english} Shi"]
    alternates += qualified_forms(english, row.admin1_name)
    alternates += (
        china_exonyms().get(row.prefecture_code, []) if row.division_kind in ("prefecture", "municipal_core") else []
    )
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
