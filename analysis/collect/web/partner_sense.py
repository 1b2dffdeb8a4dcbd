"""Which of the same-named places a partner name means, from the other places its sentence names.

- **Qualifier.** A state or province right after a partner name qualifies it ("Sheboygan, Wisconsin") only when it
  is the admin-1 of one of the places of that name: in "San Francisco, Shanghai", "China, Shanghai" or Slovenian
  "Hangzhou in Chongqing" ("in" is "and") the province-level city is a partner of its own.
- **A partner's own state after "in".** "Harlem in New York" is the partner Harlem (New York is its state), not the
  EU place Haarlem that is also written Harlem.
- **Exonym of the text's language.** A name that is both a US place and, in the text's language, the exonym of a
  Chinese one (``web_partner_exonyms.csv``: Polish "Kanton" is Guangzhou, not Canton, Ohio) is the exonym's place.
- **Both countries named.** A name that is a US and a Chinese place in a sentence with a US and a China word is
  the place of the country word nearest to it ("Ameriks [a surname] ... ar Ķīnas sadraudzības pilsētām Pekinu").
- **Admin-1 named in the sentence.** A partner name without a qualifier is resolved in the state or province that
  its sentence names elsewhere ("within the state of Maryland: ... Tõrva and Valga with Oakland"; "Dongcheng ...
  Pequim"), or in the state of a partner city named right after it with a locative preposition (a suburb "in
  Chicago"), when the one resolver finds the name there; otherwise as before (the most likely place of the name). A
  state written right after the name with one space makes one proper noun with it ("am Lake Michigan"): no hint.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis.collect.web.lexicon import name_key

_PLAIN_GAP = re.compile(r"[\s,(\-–/]*")
_VENUE_PUNCTUATION = re.compile(r"[\"'”“»«„,()]+")


def qualifies(previous, admin1_places) -> bool:
    """Whether one of ``admin1_places`` (the places of a state or province name) can qualify the ``previous``
    mention: a partner mention of which it is the admin-1 of one of the places (a partner place with no admin-1
    recorded accepts any)."""
    if previous.role != "partner":
        return False
    partners = [p for p in previous.places if p.role == "partner"]
    if any(not p.admin1 for p in partners):
        return True
    wanted = {name_key(p.admin1) for p in partners}
    return any(name_key(p.name) in wanted for p in admin1_places if p.role == "admin1")


def admin1_after(detector, text: str, hit, window_end: int, qualifier_gap) -> bool:
    """Whether a state or province stands right after the name hit ``hit`` (before ``window_end``): any after a comma
    or a bracket ("Paris, Texas"), only the admin-1 of one of the name's own partner places after a locative
    preposition ("Harlem in New York" is no Haarlem; ``qualifier_gap``: the detector's pattern of such gaps)."""
    own = {name_key(detector.places[r].admin1 or "") for r in hit.records if detector.places[r].role == "partner"}
    for after in detector.matcher.scan(text[hit.orig_end : window_end]).names:
        states = [detector.places[r] for r in after.records if detector.places[r].role == "admin1"]
        gap = text[hit.orig_end : hit.orig_end + after.orig_start]
        if states and _PLAIN_GAP.fullmatch(gap):
            return True
        if any(name_key(state.name) in own for state in states) and qualifier_gap.fullmatch(gap):
            return True
    return False


def exonym_country(surface_key: str, language: str | None, places) -> str | None:
    """The country of the partner place among ``places`` of which the folded written form ``surface_key`` (perhaps
    inflected: "kantonu") is the exonym in ``language`` (``web_partner_exonyms.csv``); None when there is none or
    the exonyms point to places of both countries."""
    if not language:
        return None
    names = {(name_key(p.name), p.country_iso2) for p in places if p.role in ("partner", "admin1")}
    countries = {
        country
        for exonym, name, country in _exonyms().get(language, ())
        if (name, country) in names and surface_key.startswith(exonym)
    }
    return next(iter(countries)) if len(countries) == 1 else None


@lru_cache(maxsize=1)
def _exonyms() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """``{language: ((folded exonym, folded partner name, country), ...)}`` of ``web_partner_exonyms.csv``."""
    from analysis.collect.web.places import EXONYMS_FILE
    from analysis.core.reference import read_reference_table

    table = read_reference_table(EXONYMS_FILE, ["exonym", "language", "partner_name", "country_iso2"])
    out: dict[str, list[tuple[str, str, str]]] = {}
    for row in table.itertuples(index=False):
        out.setdefault(row.language, []).append((name_key(row.exonym), name_key(row.partner_name), row.country_iso2))
    return {language: tuple(rows) for language, rows in out.items()}


def nearest_country_word(terms, hit) -> str | None:
    """ "US" or "CN": the country of the US/China word of ``terms`` nearest to the name ``hit`` (None on a tie)."""
    distances: dict[str, int] = {}
    for t in terms:
        if t.kind in ("us_context", "cn_context"):
            distance = max(t.orig_start - hit.orig_end, hit.orig_start - t.orig_end, 0)
            country = "US" if t.kind == "us_context" else "CN"
            distances[country] = min(distance, distances.get(country, distance))
    if len(distances) != 2 or distances["US"] == distances["CN"]:
        return None
    return min(distances, key=distances.get)


def named_admin1(detector, text: str, mention, mentions, name: str, country: str, province: bool) -> str | None:
    """The admin-1 name in which the one resolver places ``name`` among those the sentence names (see the module
    docstring), nearest to the mention first; None when there is none or the name is not there."""
    own = {name_key(p.admin1) for p in mention.places if p.role == "partner" and p.country_iso2 == country and p.admin1}
    first_word = (name_key(name).split() or [""])[0]
    for state in _sentence_admin1(detector, text, mention, mentions, country):
        if name_key(state) in own:
            return state
        if (first_word, name_key(state)) not in _first_words(detector):
            continue
        found = detector.resolve(name, country, state, province)
        if found and name_key(admin1_of(detector, found) or "") == name_key(state):
            return state
    return None


def _first_words(detector) -> frozenset[tuple[str, str]]:
    """(first word of a name, admin-1) of every gazetteer place: a cheap test before asking the resolver."""
    cache = detector.__dict__.get("_first_words_by_admin1")
    if cache is None:
        gazetteer = detector._gazetteer.dropna(subset=["admin1_name"])
        cache = frozenset(
            ((name_key(name).split() or [""])[0], name_key(admin1))
            for name, admin1 in zip(gazetteer["name"].astype(str), gazetteer["admin1_name"].astype(str), strict=True)
        )
        detector.__dict__["_first_words_by_admin1"] = cache
    return cache


def admin1_of(detector, partner_id: str) -> str | None:
    """The admin-1 name of a gazetteer id (None when the gazetteer gives none)."""
    cache = detector.__dict__.get("_admin1_by_id")
    if cache is None:
        gazetteer = detector._gazetteer
        cache = dict(zip(gazetteer["partner_id"].astype(str), gazetteer["admin1_name"], strict=True))
        detector.__dict__["_admin1_by_id"] = cache
    value = cache.get(str(partner_id))
    return value if isinstance(value, str) else None


def _sentence_admin1(detector, text: str, mention, mentions, country: str) -> list[str]:
    """Admin-1 names the sentence gives besides ``mention``: states and provinces it names that qualify no other
    partner, and the state of a partner city right after the mention behind a locative preposition."""
    from analysis.collect.web.discourse import _phrases

    out: list[tuple[int, str]] = []
    for other in mentions:
        if other is mention or other.role in ("eu", "other"):
            continue
        if text[mention.hit.orig_end : other.hit.orig_start] == " ":
            continue  # one proper noun with the name: "am Lake Michigan" names no Lake in Michigan
        distance = abs(other.hit.orig_start - mention.hit.orig_start)
        if other.role != "qualifier":
            out += [(distance, p.name) for p in other.places if p.role == "admin1" and p.country_iso2 == country]
        if other.hit.orig_start < mention.hit.orig_end or other.role != "partner":
            continue
        gap = _VENUE_PUNCTUATION.sub(" ", text[mention.hit.orig_end : other.hit.orig_start])
        gap = name_key(gap)
        states = {p.admin1 for p in other.places if p.role == "partner" and p.country_iso2 == country}
        if gap in _phrases(detector.lexicon, "locative_preposition") and len(states) == 1 and None not in states:
            out.append((-1, next(iter(states))))
    return list(dict.fromkeys(state for _, state in sorted(out, key=lambda pair: pair[0])))


# A country written right after a name: "Odessa / Ukraina", "Alexandria (Egypt)", "Sorrento, Italie", "Lima – Peru".
_COUNTRY_AFTER = re.compile(r"\s*(?:[/,(]|\s[–-])\s*([^\s/,()–.;:\n]+(?: [^\s/,()–.;:\n]+){0,2})")


def foreign_country_after(text: str, hit, partner_countries: set[str]) -> str | None:
    """The name of a country other than the partner's (``partner_countries``: US, CN) written right after the name
    ``hit`` behind a slash, comma, bracket or dash, as lists of twin towns write their country: the name is that
    country's place, not a US or Chinese namesake. None when no such country follows, or when the words are a US
    state or Chinese province too (Georgia), which the caller reads as a qualifier first."""
    found = country_after(text, hit)
    return found[0] if found and found[1] and found[1] not in partner_countries else None


def outside_eu_after(text: str, hit, found=(), name_starts=frozenset()) -> str | None:
    """The name of a country outside the EU written right after an EU place name ``hit``, or after one more item of
    the same comma list ("Nuevo Leon, Mexico"; "Guadalajara, Jalisco, Mexico"; "Córdoba (Argentina)"): the name is
    that country's namesake place, no EU side. A middle item that is itself a place name found in the text
    (``name_starts``) makes two items of the list ("In addition to Olomouc, Nisshin, Japan is ..."), unless the name
    has a namesake of that country among its places ``found``. None otherwise (and for the US and China, which
    "Paris, Texas" and the partner checks handle)."""
    from analysis.core.countries import EU27_ISO2

    country = _country_at(text, hit.orig_end)
    if country is None:
        item = _NEXT_ITEM.match(text, hit.orig_end)
        country = _country_at(text, item.end()) if item else None
        middle = item.start() + len(re.match(r",\s*", item.group()).group()) if item else -1
        namesake = country is not None and any(p.role != "eu" and p.country_iso2 == country[1] for p in found)
        if country is not None and middle in name_starts and not namesake:
            return None
    if country is None or not country[1] or country[1] in EU27_ISO2 or country[1] in ("US", "CN"):
        return None
    return country[0]


_NEXT_ITEM = re.compile(r",\s*[A-ZÀ-ÖØ-Þ][^\W\d_]+(?: [A-ZÀ-ÖØ-Þ][^\W\d_]+)?(?=\s*,)")


def country_after(text: str, hit) -> tuple[str, str] | None:
    """The country name written right after the name ``hit`` (behind a slash, comma, bracket or dash) and its ISO2
    code ("" for a name that is also a US state or Chinese province); None when no country name follows."""
    return _country_at(text, hit.orig_end)


def _country_at(text: str, end: int) -> tuple[str, str] | None:
    from analysis.collect.web.places import country_names_iso2

    found = _COUNTRY_AFTER.match(text, end)
    if not found:
        return None
    names = country_names_iso2()
    words = found.group(1).split()
    for size in range(len(words), 0, -1):
        iso2 = names.get(name_key(" ".join(words[:size])), "")
        if iso2 == "":
            continue
        return " ".join(words[:size]), iso2
    return None


def foreign_counterpart(text: str, mention, mentions, terms) -> bool:
    """Whether a weak US or Chinese name (a small place) stands in an English sentence with a twin or friendship
    term that names an EU place with its own country right after it ("Since 1996, St. Marys has maintained a sister
    city relationship with Lienen, Germany"): the text qualifies the EU town as the foreign one, so it is written
    from the partner's side (a US paper or association page), whose home town needs no country. Only English:
    the other languages' pages qualifying a foreign EU town are European pages (a namesake of a place of another
    country is left to the caller: Oxford and Colchester are British). The country may follow the EU town where the
    text names it elsewhere when the sentence pairs the two names (one sense per discourse: "the mayor of Aviles,
    Spain" ... "the sister city relationship between St. Augustine and Aviles"). An EU town of the partner's own name does not count: the name is that town,
    named again ("the city of Bray, Ireland ... a Sister City for Bray")."""
    if not any(t.kind in ("twin", "friendship") and t.language == "en" for t in terms):
        return False
    hit = mention.hit
    if any(t.orig_start <= hit.orig_start and hit.orig_end <= t.orig_end for t in terms):
        return False  # a name that is a lexicon word ("Council" of the municipal words) is no home town; a name
        # that only holds one is ("City of St. Augustine")
    own_key = name_key(text[hit.orig_start : hit.orig_end])
    for other in mentions:
        if other is mention or other.role != "eu":
            continue
        if name_key(text[other.hit.orig_start : other.hit.orig_end]) == own_key:
            continue  # "the city of Bray, Ireland ... a Sister City for Bray": the same EU town, named again
        countries = {p.country_iso2 for p in other.places if p.role == "eu"}
        found = country_after(text, other.hit)
        if found and found[1] in countries:
            return True
        if _paired(text, hit, other.hit) and _qualified_elsewhere(text, other.hit, countries):
            return True
    return False


# Two places joined as a pair ("St. Augustine and Aviles", "Salo – St. Anthony")
_PAIR_JOIN = re.compile(r"\s*(?:and|&|with|[-–—/])\s*", re.IGNORECASE)


def _paired(text: str, hit, other) -> bool:
    first, second = sorted((hit, other), key=lambda h: h.orig_start)
    return bool(_PAIR_JOIN.fullmatch(text, first.orig_end, second.orig_start))


def _qualified_elsewhere(text: str, hit, countries: set[str]) -> bool:
    """Whether the text writes the name of ``hit`` elsewhere with one of ``countries`` right after it."""
    written = text[hit.orig_start : hit.orig_end]
    for found in re.finditer(rf"(?<!\w){re.escape(written)}(?!\w)", text):
        country = _country_at(text, found.end())
        if country and country[1] in countries:
            return True
    return False


def state_vouches(detector, text: str, mention, mentions, country: str) -> str | None:
    """The state or province that its sentence names elsewhere and in which the one resolver finds the weak name
    ``mention`` (a small place, a namesake of a larger foreign place): "Em Rhode Island, Bristol está geminada com
    Lagoa"; "delegace z Two Rivers ze státu Wisconsin". A name and a state that go together are the country context
    the name needs (:func:`named_admin1`); None when the sentence names no such state."""
    names = dict.fromkeys(p.name for p in mention.places if p.role == "partner" and p.country_iso2 == country)
    for name in names:
        if state := named_admin1(detector, text, mention, mentions, name, country, False):
            return state
    return None


def canonical_name(candidates, surface_key: str) -> str:
    """The name a partner finding gives among the places ``candidates`` of one written form (folded ``surface_key``):
    their one name, else the name written, else the name of the strongest, most populous place."""
    names = list(dict.fromkeys(p.name for p in candidates))
    if len(names) == 1:
        return names[0]
    for name in names:
        if name_key(name) == surface_key:
            return name
    return max(candidates, key=lambda p: (p.strong, p.population)).name


def province_sense(mention, partner, side_is_region: bool) -> str | None:
    """The Chinese province a name stands for when the text did not say "province": the province's name, or None.

    A name that is a province and also a district, county or city of another province (Hebei, a district of
    Tianjin; Hainan, a prefecture of Qinghai) is the province: partnerships go to provinces under their names far more
    often than to namesake districts elsewhere. Where the namesake city lies in the province itself (Jilin) either may
    be meant; then a region's partner (a NUTS region, a county, a province) is the province, a town's stays open."""
    if partner.country_iso2 != "CN" or partner.province:
        return None
    places = [p for p in mention.places if p.role in ("partner", "admin1") and p.country_iso2 == "CN"]
    provinces = [p for p in places if p.level == "province"]
    if len(provinces) != 1:
        return None
    province = provinces[0]
    others = [p for p in places if p.level != "province"]
    if side_is_region or all(p.admin1 and p.admin1 != province.name for p in others):
        return province.name
    return None
