"""What the detector reads from beyond one sentence: country context nearby, names qualified elsewhere in the text,
sentences that name a partner, elliptic pairs ("Dublin is twinned with Beijing and Cork with San Francisco";
"Artesia com Angra do Heroísmo; Freemont com Horta"), venues ("w Chengdu ... z Dystryktem Qingbaijiang") and fellow
partners listed after the relation term; the word lists come from the lexicon (``pair_with``, ``pair_filler``,
``locative_preposition``, ``between_word`` rows of ``web_terms.csv``: :func:`analysis.collect.web.lexicon.lexicon_words`).

Used by :mod:`analysis.collect.web.detect` (which segments the text and classifies the mentions) and
:mod:`analysis.collect.web.rules` (which decides with these facts); every rule here is explained in the finding's
``rule`` text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from analysis.collect.web.lexicon import derived, fold_for_matching, lexicon_words, name_key, written_as

_PARENTHETICAL = re.compile(r"\([^()]{0,80}\)")
_DASH_GAP = re.compile(r"\s+[–—-]\s+|\s*[–—]\s*")
_DATELINE_END = re.compile(r"\s[–—-]\s|[–—]|:\s")  # a spaced dash, a long dash or a colon closes a dateline
_ARTICLES = frozenset({"the", "la", "le", "l'", "de", "der", "die", "den", "dem", "o", "a", "την", "τον", "το", "η"})
# The words of an article-and-city-word gap without a "with" word come from ``filler`` (``pair_filler`` terms), which
# holds no conjunction: "Phoenix (USA) a město Kladno" (Czech "a" = and) is no pair.


class TextFacts(NamedTuple):
    """Per segment of a text: whether the segments around it (``window`` on each side) name the US / China, and
    ``vouched``: folded partner names that the text qualifies somewhere (a state or province right after it,
    "Belleville in Illinois"), with that country and admin-1 name, so that the same name later in the text needs no
    context of its own (one sense per discourse)."""

    window_us: list[bool]
    window_cn: list[bool]
    vouched: dict[str, tuple[str, str]]


def segment_countries(terms, mentions) -> tuple[bool, bool]:
    """Whether one segment names the US / China: a country word or a state / province."""
    kinds = {t.kind for t in terms}
    us, cn = "us_context" in kinds, "cn_context" in kinds
    for mention in mentions:
        for place in mention.places:
            if place.role == "admin1":
                us |= place.country_iso2 == "US"
                cn |= place.country_iso2 == "CN"
    return us, cn


def text_facts(
    text: str, terms_by_segment, mentions_by_segment, window: int, province_next_to=None, state_after=None
) -> TextFacts:
    """The :class:`TextFacts` of a segmented text (``window`` segments before and after each segment).

    ``province_next_to(terms, hit)`` tells whether a province word stands next to a name: such a name is the province
    wherever else the text names it ("Prowincja Hainan" ... "w Hainan"); ``vouched["province"]`` holds those names.
    ``state_after(end)`` gives the US state whose postal code or AP abbreviation follows a name ending at ``end``
    ("Kutztown, PA", "Ithaca N.Y."): it qualifies the name as a state's qualifier mention does."""
    flags = [segment_countries(t, m) for t, m in zip(terms_by_segment, mentions_by_segment, strict=True)]
    count = len(flags)
    window_us = [any(flags[j][0] for j in range(max(0, i - window), min(count, i + window + 1))) for i in range(count)]
    window_cn = [any(flags[j][1] for j in range(max(0, i - window), min(count, i + window + 1))) for i in range(count)]
    vouched: dict[str, tuple[str, str]] = {}
    provinces: set[str] = set()
    for terms, mentions in zip(terms_by_segment, mentions_by_segment, strict=True):
        for mention in mentions:
            candidate = mention.role in ("partner", "qualifier") and any(p.level == "province" for p in mention.places)
            if candidate and province_next_to is not None and province_next_to(terms, mention.hit):
                provinces.add(name_key(text[mention.hit.orig_start : mention.hit.orig_end]))
        for position, mention in enumerate(mentions):
            following = mentions[position + 1] if position + 1 < len(mentions) else None
            state = state_after(mention.hit.orig_end) if state_after and mention.role == "partner" else None
            if state and not (following is not None and following.role == "qualifier"):
                key = name_key(text[mention.hit.orig_start : mention.hit.orig_end])
                vouched.setdefault(key, ("US", state))
            elif mention.role == "partner" and following is not None and following.role == "qualifier":
                place = following.places[0]
                key = name_key(text[mention.hit.orig_start : mention.hit.orig_end])
                vouched.setdefault(key, (place.country_iso2, place.name))
    vouched["province"] = frozenset(provinces)
    return TextFacts(window_us, window_cn, vouched)


def names_partner(mentions, text: str, stoplist: frozenset[str], is_country_name) -> bool:
    """Whether a segment names a partner city (not only a state or province, and not a name that is an ordinary word
    or a country's name: "Sweden", "Havai"): such a sentence lends no relation term to its neighbours."""
    return bool(partner_keys(mentions, text, stoplist, is_country_name))


def partner_keys(mentions, text: str, stoplist: frozenset[str], is_country_name) -> frozenset[str]:
    """The partner cities a segment names (:func:`names_partner`; empty when it names none), each as the matching key
    of the first place its name may stand for, so that the inflected and the foreign forms of one city ("Šanghaj",
    "Šanghaji", "Shanghai") are one partner."""
    keys = set()
    for mention in mentions:
        places = [p for p in mention.places if p.role == "partner"]
        if mention.role != "partner" or not places:
            continue
        key = name_key(text[mention.hit.orig_start : mention.hit.orig_end])
        if key not in stoplist and not is_country_name(key):
            keys.add(name_key(places[0].name))
    return frozenset(keys)


def paired_eu(
    text: str, mentions, mention, with_words: dict[str, frozenset[str | None]], filler: frozenset[str] = frozenset()
):
    """The EU place joined to the partner ``mention`` by nothing but a "with" word or a dash, on either side
    ("Cork with San Francisco", "Esbjerg med Suzhou", "Artesia com Angra do Heroísmo", "Esslingen – Sheboygan"),
    perhaps with an article and a city word (``filler``: "ο Δήμος Limassol με την πόλη Ναντσίνγκ", "Grad Osijek grada
    Huanggang"), or by nothing at all before a postposition ("Åland Haikoun kanssa"): the pair's EU side. None when
    there is no such pair. A qualifier after either name (a state, "(USA)") is skipped. ``with_words``: the
    ``pair_with`` words by script (:func:`lexicon.word_scripts`)."""
    places = [m for m in mentions if m.role != "qualifier"]
    position = places.index(mention)
    chosen = []
    if position > 0 and places[position - 1].role == "eu":
        chosen.append(
            (places[position - 1], _end_with_qualifiers(mentions, places[position - 1]), mention.hit.orig_start)
        )
    if position + 1 < len(places) and places[position + 1].role == "eu":
        chosen.append(
            (places[position + 1], _end_with_qualifiers(mentions, mention), places[position + 1].hit.orig_start)
        )
    for eu, gap_start, gap_end in chosen:
        bare = eu.hit.orig_start < mention.hit.orig_start  # "Grad Osijek grada Huanggang": EU place first
        if gap_start <= gap_end and _pair_gap(text[gap_start:gap_end], with_words, filler, bare):
            return eu
    if chosen and chosen[0][0] is not mention and not text[chosen[0][1] : mention.hit.orig_start].strip():
        written = text[mention.hit.orig_end : mention.hit.orig_end + 12]
        after = fold_for_matching(written).split()
        if after and written_as(after[0], written, with_words):  # a postposition: "Åland Haikoun kanssa"
            return chosen[0][0]
    return None


def _end_with_qualifiers(mentions, mention) -> int:
    end = mention.hit.orig_end
    for following in mentions[mentions.index(mention) + 1 :]:
        if following.role != "qualifier":
            break
        end = following.hit.orig_end
    return end


def _pair_gap(
    gap: str, with_words: dict[str, frozenset[str | None]], filler: frozenset[str] = frozenset(), bare: bool = False
) -> bool:
    gap = _PARENTHETICAL.sub(" ", gap)
    gap = re.sub(r"^\s*,\s*[A-Z]{2}\b", " ", gap)  # "Sheboygan, WI – ..."
    if _DASH_GAP.fullmatch(gap):
        return True
    if gap.strip(" ").startswith((",", ";")):
        return False
    words = fold_for_matching(gap).split()
    joined = bool(words) and written_as(words[0], gap, with_words)
    if len(words) <= 3 and joined and all(w in filler or w in _ARTICLES for w in words[1:]):
        return True
    return bare and 0 < len(words) <= 2 and all(w in filler for w in words) and any(w not in _ARTICLES for w in words)


_CAPITALISED_AFTER = re.compile(r"\s+(\S+)\s+[A-ZÀ-ÞĀ-Ž]")


def paired_with_unknown(text: str, mentions, mention, with_words: dict[str, frozenset[str | None]]) -> bool:
    """Whether the partner is paired by a "with" word with a capitalised name that is no known place ("Artesia com
    Angra do Heroísmo" when the detector does not know Angra): the pair's EU side is that name, so neither a
    neighbouring sentence's EU place nor the page owner may take the partner."""
    end = _end_with_qualifiers(mentions, mention)
    found = _CAPITALISED_AFTER.match(text, end)
    return bool(found and written_as(fold_for_matching(found.group(1)).strip(), found.group(1), with_words))


def _phrases(lexicon, kind: str, language: str | None = None) -> tuple[str, ...]:
    """The folded terms of ``kind`` as whole phrases ("nördlich von", "w"), less the ``<kind>_exception`` terms of
    ``language`` (Slovenian "in" is "and", no locative preposition)."""

    def phrases() -> tuple[str, ...]:
        exceptions = {
            name_key(t.text) for t in lexicon.terms if t.kind == kind + "_exception" and t.language == language
        }
        return tuple({name_key(t.text) for t in lexicon.terms if t.kind == kind} - {""} - exceptions)

    return derived(lexicon, ("phrases", kind, language), phrases)


def venue_only(detector, text, mention, mentions, language: str | None = None) -> str | None:
    """Why a partner name right after a locative preposition or a direction ("w Chengdu", "in New York", "à Pékin",
    "nördlich von Shanghai") is only where
    something happened or lies, when its sentence names another partner candidate without one ("w Chengdu ...
    podpisane zostało Memorandum ... a Dystryktem Qingbaijiang"; "Harlem in New York"); None otherwise."""
    lexicon = detector.lexicon

    def located(m) -> bool:
        return after_locative(text, m, lexicon, language)

    if not located(mention):
        return None
    stoplist = lexicon.stoplist.get("partner", frozenset())
    others = [
        m
        for m in mentions
        if m is not mention
        and names_partner([m], text, stoplist, detector.is_country_name)
        and fold_for_matching(text[m.hit.orig_start : m.hit.orig_end])
        != fold_for_matching(text[mention.hit.orig_start : mention.hit.orig_end])
        and not located(m)
    ]
    if not others:
        return None
    return "a place named after a locative preposition beside another partner: where it happened, not a partner"


def after_locative(text: str, mention, lexicon, language: str | None = None) -> bool:
    """Whether the mention's name follows a locative preposition or a direction (``locative_preposition`` rows of the
    text's language and of every language: "w Chengdu", "in New York", "nördlich von Shanghai")."""
    phrases = _phrases(lexicon, "locative_preposition", language)
    before = " " + name_key(text[max(0, mention.hit.orig_start - 30) : mention.hit.orig_start])
    return any(before.endswith(" " + phrase) for phrase in phrases)


def without_co_partners(text, outside, mention, term, lexicon) -> list:
    """The EU places of ``outside`` less those that stand between the relation term and the partner when the first of
    them follows the term directly (with a "with" word): objects of the relation listed with the partner, whose chain
    an unknown place broke ("vänortsavtal med Vörå i Finland, Oberammergau i Tyskland, Val di Fiemme i Italien och
    Mora i Minnesota": Vörå and Oberammergau are Mora's fellow partners, not its subject)."""
    between = sorted(
        (m for m in outside if term.orig_end <= m.hit.orig_start and m.hit.orig_end <= mention.hit.orig_start),
        key=lambda m: m.hit.orig_start,
    )
    if not between:
        return outside
    gap = fold_for_matching(text[term.orig_end : between[0].hit.orig_start]).split()
    if len(gap) > 1 or (gap and gap[0] not in lexicon_words(lexicon)):
        return outside
    return [m for m in outside if m not in between]


def between_pair(text: str, mentions, mention, lexicon, joiners: frozenset[str]):
    """The EU place that stands with the partner after a "between" word, joined to it by "and" ("zwischen dem
    baden-württembergischen Crailsheim und Worthington"; "between Pinneberg in Schleswig-Holstein and Rockville";
    "between the City of Milwaukee, U.S.A., and the City of Galway"): the two parties the sentence names, so the
    first EU place after the "between" word is the partner's EU side. None when the sentence has no such pair, or
    when a "with" word stands between the pair and the partner: the pair after "between" is then two EU places and
    the partner the object of the "with" ("tussen Tilburg en Breda met de respectievelijke zustersteden ... en
    Yangzhou"). ``joiners``: the lexicon's list separators ("and", "und", "et" ...)."""
    between = lexicon_words(lexicon, "between_word")
    start = mention.hit.orig_start
    before = [m for m in mentions if m.hit.orig_end <= start]
    after = [m for m in mentions if m.hit.orig_start >= mention.hit.orig_end]
    word_at = _last_word_index(text, start, between)
    if word_at is None:
        return None
    with_words = lexicon_words(lexicon)
    first = next((m for m in before if m.hit.orig_start > word_at and m.role == "eu"), None)
    if first is not None:
        gap = fold_for_matching(text[before[-1].hit.orig_end : start]).split()
        governed = any(w in with_words for w in fold_for_matching(text[first.hit.orig_end : start]).split())
        return first if any(w in joiners for w in gap) and not governed else None
    following = next((m for m in after if m.role != "qualifier"), None)
    if following is not None and following.role == "eu":
        gap = fold_for_matching(text[mention.hit.orig_end : following.hit.orig_start]).split()
        paired = any(w in joiners for w in gap) and not any(w in with_words for w in gap)
        return following if paired and len(gap) <= 6 else None
    return None


def _last_word_index(text: str, end: int, words: frozenset[str], span: int = 120) -> int | None:
    """Where the last of ``words`` stands before ``end`` in the same sentence (at most ``span`` characters before
    it, no full stop, semicolon or line break between); None when it is not there."""
    window_start = max(0, end - span)
    window = text[window_start:end]
    cut = max(window.rfind(". "), window.rfind(";"), window.rfind("\n"))
    if cut >= 0:
        window_start, window = window_start + cut + 1, window[cut + 1 :]
    found = None
    for match in re.finditer(r"\w+", window):
        if fold_for_matching(match.group()).strip() in words:
            found = window_start + match.start()
    return found


_ITEM_BREAK = re.compile(r"[,;:]")


def item_pair(text: str, segment, mentions, mention):
    """In a sentence that lists pairs item by item ("Szarvasnak 2009 óta Wuxi, Orosházának Pancsin, Békéscsabának
    pedig 2022 óta Shenyang"), the EU place that stands before the partner in its own item (the text between commas
    or semicolons): each tie belongs to the place named with it. Only when the item holds that one EU place and
    another item of the sentence also holds an EU place followed by a partner; None otherwise."""

    def item_of(position: int) -> tuple[int, int]:
        start = segment.start
        for match in _ITEM_BREAK.finditer(text, segment.start, position):
            start = match.end()
        following = _ITEM_BREAK.search(text, position, segment.end)
        return start, following.start() if following else segment.end

    def pair_in(span: tuple[int, int], partner):
        eu = [m for m in mentions if m.role == "eu" and span[0] <= m.hit.orig_start < span[1]]
        return eu[0] if len(eu) == 1 and eu[0].hit.orig_end <= partner.hit.orig_start else None

    own_span = item_of(mention.hit.orig_start)
    own = pair_in(own_span, mention)
    if own is None:
        return None
    for other in mentions:
        if other.role != "partner" or other is mention:
            continue
        span = item_of(other.hit.orig_start)
        if span != own_span and pair_in(span, other) is not None:
            return own
    return None


def stands_apart(text, outside, mention, lexicon=None) -> bool:
    """Whether the partner's own sentence names an EU place before it, outside its enumeration, with the partner
    in a parenthesis right after it ("In Oosterhout (bevriend met het Chinese Nantong) ..."), or opening a relative
    clause that holds the partner (:func:`analysis.collect.web.eu_side.heads_relative_clause`, with the lexicon): that
    place, not the neighbouring sentence's, is the subject of the tie (each tie belongs to the city named with it)."""
    for eu in outside:
        if eu.hit.orig_end <= mention.hit.orig_start:
            between = text[eu.hit.orig_end : mention.hit.orig_start]
            if between.lstrip().startswith("(") and ")" not in between:
                return True
    if lexicon is None:
        return False
    from analysis.collect.web.eu_side import heads_relative_clause

    return heads_relative_clause(text, outside, mention, lexicon)


def partner_as_subject(outside, mention, term) -> list:
    """When the partner stands before the relation term and every EU place of its sentence after it ("Indianapolis
    has 11 sister cities, including Cologne in Germany, as well as ... Le Mans and Monza"), the partner is the subject
    and each of those EU places is its partner: all of them, in text order. Empty otherwise."""
    if not outside or mention.hit.orig_end > term.orig_start:
        return []
    if any(m.hit.orig_start < term.orig_end for m in outside):
        return []
    return sorted(outside, key=lambda m: m.hit.orig_start)


def text_topic(mentions: list, countries: frozenset[str] = frozenset()):
    """The EU place a text is about: the one named most often, the first named on a tie; among the places of
    ``countries`` (those of the text's language) when it names any: a text is about a place of its readers' country,
    and a foreign EU place in it is a visitor's home or a fellow partner."""
    local = [m for m in mentions if any(p.country_iso2 in countries for p in m.places)]
    mentions = local or mentions
    counts: dict[tuple, int] = {}
    first: dict[tuple, object] = {}
    for mention in mentions:
        key = tuple(sorted(p.name for p in mention.places))
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, mention)
    best = max(counts, key=lambda key: (counts[key], -mentions.index(first[key])))
    return first[best]


def without_locative_regions(text: str, outside: list, joiners: frozenset[str]) -> list:
    """``outside`` less the regions that only say where the EU place right before them lies ("Saint-Denis, chef-lieu
    de La Réunion"; "Esslingen in Baden-Württemberg"): a region within 30 characters after another EU place, with
    words but no conjunction between (an enumeration "Kraków und Łódzkie" keeps both) and no dash or colon that ends
    a dateline ("Nitra 29. mája (TASR) - Nitriansky samosprávny kraj nadviaže spoluprácu": the region is the subject)."""
    ordered = sorted(outside, key=lambda m: m.hit.orig_start)
    dropped = set()
    for before, after in zip(ordered, ordered[1:], strict=False):
        if not all(p.level in ("region", "county") for p in after.places):
            continue
        gap = text[before.hit.orig_end : after.hit.orig_start]
        words = fold_for_matching(gap).split()
        if len(gap) <= 30 and words and not any(w in joiners for w in words) and not _DATELINE_END.search(gap):
            dropped.add(id(after))
    kept = [m for m in outside if id(m) not in dropped]
    return kept or outside
