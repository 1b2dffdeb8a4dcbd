"""Chinese counties (县, 自治县, 旗) as partner places the detector can find (issue 9, recall of partner names).

The partner gazetteer holds China's provinces, prefectures, county-level cities and urban districts
(:data:`analysis.build.china_units.CHINA_KIND_LEVEL`), not its ~1,500 counties (about 1,100 added here), yet EU towns
twin with counties ("die Region Rudong", "Qingtian County", "Jintang"). The official division list (cpca ``adcodes.csv``, already acquired for the
gazetteer) names them in characters; :func:`county_places` writes them in pinyin (with "County" / "Xian" forms and
the national transcriptions of :func:`analysis.collect.web.places.romanised_forms`) as partner places without a
gazetteer id: their findings stay unresolved. A county has no population figure in the list, so it counts as a small
place: it needs a China context (:func:`analysis.collect.web.rules.choose_partner`). Only names of at least
``cn_county_min_length`` letters that no other place or term already carries are added: a county never creates a
namesake of a known place.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.collect.web.lexicon import Lexicon
from analysis.collect.web.places import Place, _key, romanised_forms

# Autonomous counties and banners put the ethnic groups after the place name (长阳土家族自治县 -> 长阳).
_AUTONOMOUS = re.compile(r"^(.{2}?).*(?:族|自治)")
_TYPE_WORDS = {"县": "County", "旗": "Banner"}
COUNTY_SOURCE = "china_adcodes_cpca"


def county_core(name: str) -> str:
    """The place name of a county without its type word (如东县 -> 如东, 长阳土家族自治县 -> 长阳); a one-character
    name keeps it (沛县: Peixian, the name in use)."""
    autonomous = _AUTONOMOUS.match(name)
    if autonomous and ("自治" in name):
        return autonomous.group(1)
    core = name[:-1] if name[-1:] in _TYPE_WORDS else name
    return core if len(core) > 1 else name


def read_counties() -> pd.DataFrame:
    """The county rows of the acquired cpca list (:func:`analysis.build.china_units.classify_china_divisions`: kind
    ``county``) with their province name; empty, with a logged warning, when the list has not been acquired."""
    from analysis.acquire.sources import optional_raw_path
    from analysis.build.china_units import CHINA_PROVINCES, classify_china_divisions
    from analysis.build.gazetteers import read_adcodes

    path = optional_raw_path(COUNTY_SOURCE, "adcodes.csv", without="the detector knows no Chinese county names")
    if path is None:
        return pd.DataFrame(columns=["adcode", "name", "province"])
    adcodes = read_adcodes(path)
    divisions = classify_china_divisions(adcodes)
    counties = divisions[divisions["division_kind"].eq("county") & divisions["name"].str.endswith(("县", "旗"))]
    province = counties["province_code"].map(lambda code: CHINA_PROVINCES.get(code, ("",))[0])
    return counties.assign(province=province)[["adcode", "name", "province"]].reset_index(drop=True)


def county_places(
    known: list[tuple[Place, list[str]]], lexicon: Lexicon, counties: pd.DataFrame | None = None
) -> list[tuple[Place, list[str]]]:
    """Chinese counties as weak partner places (see the module docstring); ``counties`` defaults to
    :func:`read_counties`. A pinyin name that ``known`` places or lexicon terms carry, or that two counties share,
    is left out (the resolver could not tell them apart, and a known place keeps its name)."""
    from analysis.build.china_units import pinyin_name

    counties = read_counties() if counties is None else counties
    if counties.empty:
        return []
    min_length = int(lexicon.rules["cn_county_min_length"])
    # the matcher's keys (places._key, as small_towns and eu_regions read them): a third of name_key's time on a
    # million names
    taken = frozenset({_key(name) for _, names in known for name in names} | {t.key for t in lexicon.terms})
    pinyin = [pinyin_name(county_core(str(name))) for name in counties["name"]]
    shared = pd.Series(pinyin).map(_key).value_counts()
    out = []
    for row, name in zip(counties.itertuples(index=False), pinyin, strict=True):
        key = _key(name)
        if len(key) < min_length or key in taken or shared[key] > 1 or not name.isascii():
            continue
        type_word = _TYPE_WORDS.get(str(row.name)[-1], "County")
        names = [name, f"{name} {type_word}", f"{name} Xian"] if type_word == "County" else [name, f"{name} Banner"]
        names += romanised_forms(name, lexicon, taken)
        place = Place(name, "CN", "partner", None, "county", 0.0, False, row.province or None)
        out.append((place, names))
    return out
