"""The keys the real-passage evaluation compares findings and labelled statements by (:mod:`evaluate`).

An EU side is compared by every key it may carry (its frame unit, the frame units that carry the name, the folded
name with its country); a partner by its gazetteer id, else its country and folded name.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.collect.web.lexicon import name_key
from analysis.collect.web.places import district_city_id

_QUALIFIER = re.compile(r"\s*\([^()]*\)")  # "Lagoa (Azores)": which of the places of that name, not part of it


class Keys:
    """Resolves gold places to the keys findings are compared by (cached per name)."""

    def __init__(self, detector, units: pd.DataFrame):
        from analysis.build.resolve import build_name_index
        from analysis.collect.web.places import with_alternate_names

        self.detector = detector
        units = with_alternate_names(units)
        alternate = "alternate_names" if "alternate_names" in units else None
        self._frame_index = build_name_index(
            units, id_column="unit_id", name_columns=("name",), alternate_column=alternate, level=units["unit_type"]
        )
        self._eu_cache: dict[tuple[str, str], str | None] = {}
        self._units_by_name: dict[tuple[str, str], set[str]] = {}
        alternates = units["alternate_names"] if "alternate_names" in units else pd.Series("", index=units.index)
        for unit_id, name, country, alternate in zip(
            units["unit_id"], units["name"], units["country_iso2"], alternates, strict=True
        ):
            for written in [name, *str(alternate or "").split("|")]:
                key = (str(country), name_key(written))
                if key[1]:
                    self._units_by_name.setdefault(key, set()).add(str(unit_id))

    def eu_unit(self, name: str | None, country_iso2: str | None) -> str | None:
        """Frame unit id of an EU place name (the one resolver, frame index), None when not in the frame."""
        if not name or not country_iso2:
            return None
        if (name, country_iso2) not in self._eu_cache:
            self.resolve_eu_names([(name, country_iso2)])
        return self._eu_cache[(name, country_iso2)]

    def resolve_eu_names(self, places) -> None:
        """Resolve many (name, country) EU places in one call of the one resolver (:func:`resolve_places`: each
        query is resolved on its own, so a batch answers as single calls would) and cache the frame unit of each,
        also under its bare region name (what :meth:`eu_key` asks next): scoring keys every place of a set at once."""
        from analysis.build.resolve import resolve_places
        from analysis.collect.web.eu_forms import bare_region_name

        wanted = {(n, c) for n, c in places if n and c}
        wanted |= {(_QUALIFIER.sub("", n).strip(), c) for n, c in wanted}
        wanted |= {(bare_region_name(n), c) for n, c in wanted} - {("", c) for _, c in wanted}
        wanted = sorted(wanted - self._eu_cache.keys())
        if not wanted:
            return
        query = pd.DataFrame(
            {
                "query_id": range(len(wanted)),
                "country_iso2": [c for _, c in wanted],
                "name": [n for n, _ in wanted],
                "latitude": np.nan,
                "longitude": np.nan,
                "hint": None,
            }
        )
        result = resolve_places(query, self._frame_index, fuzzy=False).set_index("query_id")
        for number, key in enumerate(wanted):
            row = result.loc[number]
            self._eu_cache[key] = row["entity_id"] if row["status"] == "resolved" else None

    def eu_key(self, name: str | None, country_iso2: str | None, unit_id: str | None = None) -> frozenset:
        """Every key the EU side may be compared by: its resolved frame unit, the frame units that carry the name
        (Praha is the city of Prague and the region CZ01; a region named with its type word is the bare name's:
        "Lubelskie Voivodeship"), and the folded name with the country (a Greek-script name in every transcription)."""
        from analysis.collect.web.eu_forms import bare_region_name, region_key
        from analysis.collect.web.greek_latin import latin_keys

        name = _QUALIFIER.sub("", name or "").strip()
        folded = name_key(name)
        keys = {("name", country_iso2 or "", region_key(key)) for key in {folded, *latin_keys(name)}}
        keys.update(("name", country_iso2 or "", typed) for typed in self._county_keys(folded, country_iso2))
        unit_id = unit_id or self.eu_unit(name, country_iso2) or self.eu_unit(bare_region_name(name), country_iso2)
        if unit_id:
            keys.add(("unit", unit_id))
        keys.update(("unit", unit) for unit in self._units_by_name.get((country_iso2 or "", folded), ()))
        return frozenset(keys)

    def _county_keys(self, folded: str, country_iso2: str | None) -> list[str]:
        """The typed keys of a name the detector knows only as a county, province or region of the country (an ISO
        3166-2 subdivision no town of the country shares: "Laois", "Fejér"): the same unit as "County Laois", "Fejér
        megye", whatever region word names it; none for a name a town carries too (Carlow the town is not the county)."""
        if not hasattr(self, "_counties"):
            from analysis.collect.web.eu_forms import MUNICIPALITY, region_words

            self._means = sorted({row.means for row in region_words() if row.position != "link"} - {MUNICIPALITY})
            self._counties = frozenset(
                (place.country_iso2, name_key(place.name))
                for place in getattr(self.detector, "places", ())
                if place.role == "eu" and place.level == "county" and not place.unit_id
            )
        if (country_iso2 or "", folded) not in self._counties:
            return []
        return [f"{folded} #{means}" for means in self._means]

    def partner_key(
        self, name: str, country_iso2: str, admin1: str | None = None, partner_id: str | None = None
    ) -> tuple:
        """(gazetteer id or None, country, partnership name key, the id of the city a Chinese district belongs to or
        None): compared by :func:`analysis.collect.web.evaluate.same_partner`. The name key is the one all partnership
        sources are compared by (:func:`analysis.build.partnerships.partnership_name_keys`: "Qingtian County" is
        Qingtian); a district is its city's partner too ("Xicheng District of Beijing": labels name either)."""
        from analysis.build.partnerships import partnership_name_keys

        partner_id = partner_id or self.detector.resolve(name, country_iso2, admin1 or None)
        partner_id = self._one_place().get(partner_id, partner_id)
        keys = partnership_name_keys(name)
        return (partner_id, country_iso2, keys[0] if keys else name_key(name), self._city_of_district(partner_id))

    def _city_of_district(self, partner_id: str | None) -> str | None:
        """The prefecture-level city of a Chinese district id (``cn-dist-110102`` -> ``cn-pref-1101``: the adcode's
        first four digits), None for any other id or a city the gazetteer lacks."""
        city = district_city_id(partner_id)
        if city is None:
            return None
        if not hasattr(self, "_partner_ids"):
            self._partner_ids = frozenset(self.detector._gazetteer["partner_id"].astype(str))
        return city if city in self._partner_ids else None

    def _one_place(self) -> dict[str, str]:
        """A province-level city's province row -> its prefecture row, the province's only one (Chongqing, Shanghai:
        one place, two rows; Jilin the province is not Jilin the city)."""
        if not hasattr(self, "_same_place"):
            rows = self.detector._gazetteer
            rows = rows[rows["country_iso2"] == "CN"]
            prefectures = rows[rows["level"] == "prefecture"]
            prefectures = prefectures[prefectures.groupby("admin1_name")["partner_id"].transform("size") == 1]
            prefecture = prefectures.set_index(["name", "admin1_name"])["partner_id"]
            province = rows[rows["level"] == "province"]
            keys = zip(province["name"], province["admin1_name"], strict=True)
            self._same_place = {
                pid: prefecture[key] for pid, key in zip(province["partner_id"], keys, strict=True) if key in prefecture
            }
        return self._same_place
