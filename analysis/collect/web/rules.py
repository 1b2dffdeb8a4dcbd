"""The detector's decision steps (see :mod:`analysis.collect.web.detect` for the order and the reasons).

Each step takes the matcher's hits in one sentence (and, for a list item, its heading) and returns
either its choice with a short ``rule`` text or a string: the reason the candidate was rejected.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from analysis.collect.web import home_town, partner_sense, us_style
from analysis.collect.web.chains import chain_of, conjunctions, eu_run, listed_abroad
from analysis.collect.web.discourse import (
    between_pair,
    item_pair,
    lexicon_words,
    paired_eu,
    paired_with_unknown,
    partner_as_subject,
    stands_apart,
    text_topic,
    without_co_partners,
    without_locative_regions,
)
from analysis.collect.web.eu_forms import language_countries
from analysis.collect.web.eu_side import (
    is_owner,
    outside_list,
    own_list_items,
    qualifier_names,
    subject_candidates,
    term_beside,
    term_party,
    title_places,
    town_subject,
)
from analysis.collect.web.lexicon import ADMIN1_CALLED, MASKING_LOOKALIKES, name_key, word_scripts
from analysis.collect.web.relation_clause import parties_named

RELATION_ORDER: tuple[str, ...] = (
    "twin",
    "friendship",
    "agreement",
    "cooperation",
    "generic",
    "agreement_word",
    "friendship_word",
    "cooperation_word",
)
# Relation kinds that need a municipal cue in the sentence and give way to any look-alike.
WEAK_RELATIONS: frozenset[str] = frozenset(
    {"cooperation", "generic", "agreement_word", "friendship_word", "cooperation_word"}
)
STRONG_RELATIONS: frozenset[str] = frozenset({"twin", "friendship"})
OWNER_FALLBACK_RULE = "EU side: page owner (the sentence names no other EU place)"
RELATION_TYPE: dict[str, str] = {
    "twin": "twin",
    "friendship": "friendship",
    "agreement": "agreement",
    "cooperation": "cooperation",
    "generic": "twin",
    "agreement_word": "agreement",
    "friendship_word": "friendship",
    "cooperation_word": "cooperation",
}
_QUALIFIER_GAP = re.compile(r"[\s,(\-–/]*")


class Context(NamedTuple):
    """Country context of a sentence (its heading included): a US/China word, a state/province, ", TX"; and of the
    sentences around it (``window_us``, ``window_cn``), with the names the text qualifies elsewhere (``vouched``:
    folded name -> (country, admin-1 name)), the relation terms of the neighbouring sentences (``nearby_terms``) and
    the text's ``language``."""

    us: bool
    cn: bool
    window_us: bool = False
    window_cn: bool = False
    vouched: dict = {}
    nearby_terms: tuple = ()
    language: str | None = None


class PartnerChoice(NamedTuple):
    name: str
    country_iso2: str
    hint: str | None
    province: bool
    weak: bool
    rule: str


class RelationChoice(NamedTuple):
    relation_type: str
    kind: str
    term: object  # TermHit
    despite: str | None
    rule: str
    neighbour: bool = False


class EuSide(NamedTuple):
    unit_id: str | None
    name: str | None
    country_iso2: str | None
    source: str  # "sentence" | "enumeration" | "owner" | "list" | "text"
    rule: str


def context_flags(terms, mentions, text, segment, state_codes) -> Context:
    """Whether the sentence (with its heading's terms) names the US or China."""
    kinds = {t.kind for t in terms}
    us = "us_context" in kinds
    cn = "cn_context" in kinds
    for mention in mentions:
        for place in mention.places:
            if place.role == "admin1":
                us |= place.country_iso2 == "US"
                cn |= place.country_iso2 == "CN"
        if mention.role == "partner":
            us |= bool(us_style.state_after(text, mention.hit.orig_end, state_codes))
    return Context(us, cn)


def choose_partner(detector, text, mention, mentions, terms, context: Context) -> PartnerChoice | str:
    """Length: the partner checks of step 3 (country, hint, province, namesakes, weak names, districts) in order.

    The partner behind a name mention, or why it is not one."""
    rules = detector.lexicon.rules
    hit = mention.hit
    surface_key = name_key(text[hit.orig_start : hit.orig_end])
    partner_like = [p for p in mention.places if p.role in ("partner", "admin1")]
    others = [p for p in mention.places if p.role == "other"]
    hint, hint_country = _hint(detector, text, mention, mentions)
    countries = {p.country_iso2 for p in partner_like}
    if not hint and (foreign := partner_sense.foreign_country_after(text, hit, countries)):
        return f"'{surface_key}': a place of {foreign}, the country named right after it"
    if hint_country in countries:
        country = hint_country
    elif len(countries) == 1:
        country = next(iter(countries))
    elif exonym := partner_sense.exonym_country(surface_key, context.language, partner_like):
        country = exonym
    elif context.us != context.cn:
        country = "US" if context.us else "CN"
    elif context.us and (nearest := partner_sense.nearest_country_word(terms, hit)):
        country = nearest
    elif not (context.us or context.cn) and context.window_us != context.window_cn:
        country = "US" if context.window_us else "CN"
    else:
        return f"'{surface_key}' names US and Chinese places and the sentence names neither country"
    candidates = [p for p in partner_like if p.country_iso2 == country]
    context_kind = "us_context" if country == "US" else "cn_context"
    own_adjective = any(t.kind == context_kind and _same_span(t, hit) for t in terms)  # "šanghajská vláda"
    has_context = bool(hint) or own_adjective or _country_word_next_to(text, terms, hit, context_kind)
    weak = []
    if not any(p.strong for p in candidates):
        weak.append("small place")
    if len(surface_key.replace(" ", "")) <= rules["short_name_length"]:
        weak.append("short name")
    ordinary = (
        surface_key in detector.lexicon.stoplist.get("partner", ())
        or detector.is_country_name(surface_key)
        or any(
            t.kind in _WORD_KINDS or t.kind.startswith("lookalike_")
            for t in terms
            if _overlap(t, hit) and not (own_adjective and _same_span(t, hit))
        )
    )
    if ordinary:
        weak.append("ordinary word")
    if others and not any(p.population >= others[0].population for p in candidates if p.strong):
        weak.append(f"namesake of {others[0].name} ({others[0].country_iso2})")
    if (
        weak
        and not has_context
        and _sentence_vouches(mention, mentions, terms, context, country, weak, surface_key, rules)
    ):
        has_context = True
        weak.append(f"{country} context in the sentence")
    if weak and not has_context and (state := partner_sense.state_vouches(detector, text, mention, mentions, country)):
        hint, has_context = state, True
        weak.append(f"its {state} named in the sentence")
    named = context.us if country == "US" else context.cn
    if weak and not has_context and (why := home_town.vouches(text, mention, mentions, terms, weak, named)):
        has_context = True
        weak.append(f"{country} side: {why}")
    if weak and not has_context and not others and partner_sense.foreign_counterpart(text, mention, mentions, terms):
        has_context = True
        weak.append(f"{country} side: the EU town named with its country")
    if weak and not has_context:
        vouched = _text_vouches(mention, terms, context, country, weak, surface_key, rules)
        if vouched:
            has_context = True
            hint = hint or (vouched if isinstance(vouched, str) else None)
            weak.append(f"{country} context in the text")
    if weak and not has_context:
        return f"'{surface_key}': {', '.join(weak)} without {country} context"
    if ordinary and not hint and not _country_in_brackets(text, terms, hit, country):
        return f"'{surface_key}': an ordinary word (or a lexicon term) without a state or province next to it"
    if country == "US" and _next_to(text, terms, hit, "lookalike_district"):
        return f"lookalike_district: '{surface_key}' next to a district word (a local place named after the US city)"
    province = country == "CN" and (
        _next_to(text, terms, hit, "province_word") or surface_key in context.vouched.get("province", ())
    )
    province = (province or all(p.level == "province" for p in candidates)) and any(
        p.level == "province" for p in candidates
    )
    name = partner_sense.canonical_name(candidates, surface_key)
    hint = (
        hint
        or partner_sense.named_admin1(detector, text, mention, mentions, name, country, province)
        or discourse_admin1(mention, terms, context, country, surface_key)
    )
    detail = (
        f"partner '{surface_key}' -> {name} ({country}{', ' + hint if hint else ''}{', province' if province else ''})"
    )
    if weak:
        detail += f" [{', '.join(weak)}, with context]"
    return PartnerChoice(name, country, hint, province, bool(weak), detail)


# A name that is (part of) one of these lexicon terms is an ordinary word: a relation term, or a country word
# ("Čína" is China in Slovak, not Chino, California).
_WORD_KINDS = frozenset({*RELATION_ORDER, "us_context", "cn_context"})
_VOUCHING_RELATIONS = frozenset({"twin", "friendship", "agreement"})


def _sentence_vouches(mention, mentions, terms, context: Context, country, weak, surface_key, rules) -> bool:
    """A small place or a short name (not an ordinary word, not a namesake) needs no context word right next to it
    when its sentence names a twin, friendship or agreement term and its country elsewhere: a US/China word, a
    state or province, or a strong partner of the same country ("vila geminada com a cidade de Wuxi ... as
    autoridades chinesas"; "Jiaxingin kaupunkiin kuuluvan Xiuzhoun").
    Names shorter than ``sentence_context_min_length`` letters and places under ``sentence_context_min_population``
    never qualify (Chinese syllables: Lu, An; US hamlets named like words and people: House, King, Carl), nor an
    inflected form (Slovenian "Ruska" is Russia, not Rusk; Slovak "Nitra" is not Nitro)."""
    if not set(weak) <= {"small place", "short name"} or mention.hit.inflected:
        return False
    if len(surface_key.replace(" ", "")) < rules["sentence_context_min_length"]:
        return False
    if not any(t.kind in _VOUCHING_RELATIONS for t in terms):
        return False
    if not any(_above_floor(p, country, rules) for p in mention.places if p.role == "partner"):
        return False
    if context.us if country == "US" else context.cn:
        return True
    return any(
        other is not mention
        and other.role == "partner"
        and any(p.role == "partner" and p.strong and p.country_iso2 == country for p in other.places)
        for other in mentions
    )


def _text_vouches(mention, terms, context: Context, country, weak, surface_key, rules) -> bool | str:
    """A weak name (small place, short name) with its country named in the sentences around it (``window``) and a
    twin, friendship or agreement term in its sentence or a neighbouring one ("Die dänische Schwesterstadt von Solvang
    ist Aalborg" after "... den USA"; "Jiaxingin kaupunkiin kuuluvan Xiuzhoun" after "Kiinalaiset"), under the
    length and population floors of :func:`_sentence_vouches` (an inflected name: ``inflected_context_min_length``
    letters); or any weak name other than an ordinary word that the text qualifies elsewhere with a state or province
    of that country ("Belleville in Illinois" ... "Belleville was already twinned with Paderborn"): returns that
    state or province. A namesake of a large foreign place needs more than the window: its own sentence's country
    word, or the text's qualified use of the name."""
    if any(w.startswith("ordinary") for w in weak):
        return False
    vouched = discourse_admin1(mention, terms, context, country, surface_key)
    if vouched:
        return vouched
    if not set(weak) <= {"small place", "short name"}:
        return False
    length = len(surface_key.replace(" ", ""))
    if length < rules["sentence_context_min_length"]:
        return False
    if mention.hit.inflected and length < rules["inflected_context_min_length"]:
        return False
    if not any(t.kind in _VOUCHING_RELATIONS for t in (*terms, *context.nearby_terms)):
        return False
    if not any(_above_floor(p, country, rules) for p in mention.places if p.role == "partner"):
        return False
    return bool(context.window_us if country == "US" else context.window_cn)


def discourse_admin1(mention, terms, context: Context, country, surface_key) -> str | None:
    """The state or province with which the text qualifies the name elsewhere ("Roswell (stan Nowy Meksyk, USA)" ...
    "Burmistrz Miasta Roswell"): one sense per discourse; None without one, or right before a municipal word."""
    vouched = context.vouched.get(surface_key)
    if isinstance(vouched, tuple) and vouched[0] == country and not _before_municipal_word(mention, terms):
        return vouched[1]
    return None


def _before_municipal_word(mention, terms) -> bool:
    """A name right before a municipal word ("Mora kommunen", "Vara kommun") is the local municipality: the text's
    qualified use of the same name elsewhere ("Mora i Minnesota") does not make it the US place."""
    return any(t.kind == "municipal" and 0 <= t.orig_start - mention.hit.orig_end <= 1 for t in terms)


def _above_floor(place, country, rules) -> bool:
    """A partner place of ``country`` at or above ``sentence_context_min_population``, or a Chinese district or county
    without a population figure (the official lists give none; urban districts and counties have tens of thousands of
    inhabitants and more: Qingbaijiang, Xiuzhou, Dongcheng, Rudong)."""
    if place.country_iso2 != country:
        return False
    unknown_district = place.country_iso2 == "CN" and place.level in ("district", "county") and not place.population
    return unknown_district or place.population >= rules["sentence_context_min_population"]


_CONTEXT_AFTER = re.compile(r"[\s,(]*(?:(?:in|im|en|w|v|u|aus|from|de|di|da|z)\s+(?:the\s+)?)?")
# An apposition of one to three lower-case words between the name and the country word: "Newport, cittadina negli
# Stati Uniti"; "Solvang, a small town in the USA" (capitalised words would be other names).
_APPOSITION_AFTER = re.compile(r"\s*,\s*(?:[^\W\d_A-ZÀ-ÞΑ-ΩА-Я][\w'’]*\s+){1,3}")
_CONTEXT_BEFORE = re.compile(r"[^,.;:!?()]{0,40}")


def _same_span(term, hit) -> bool:
    """Whether a term spans exactly the name hit: a city's adjective that is also a country word ("пекинския")."""
    return (term.orig_start, term.orig_end) == (hit.orig_start, hit.orig_end)


def _country_word_next_to(text: str, terms, hit, kind: str) -> bool:
    """A US/China word right after the name ("Madison, USA"; "Scituate (USA)"; after a short lower-case apposition:
    "Newport, cittadina negli Stati Uniti") or shortly before it in the same
    clause ("la ciudad china de Jintang"; "the American city of Belleville")."""
    for t in terms:
        if t.kind != kind:
            continue
        gap = text[hit.orig_end : t.orig_start] if t.orig_start >= hit.orig_end else None
        if gap is not None and (_CONTEXT_AFTER.fullmatch(gap) or _APPOSITION_AFTER.fullmatch(gap)):
            return True
        if t.orig_end <= hit.orig_start and _CONTEXT_BEFORE.fullmatch(text[t.orig_end : hit.orig_start]):
            return True
    return False


def _country_in_brackets(text: str, terms, hit, country: str) -> bool:
    """The partner's country word right after the name behind a comma or bracket ("Columbia (USA)", "Columbia,
    USA"): the name is written as a place name, however ordinary the word."""
    kind = "us_context" if country == "US" else "cn_context"
    return any(
        t.kind == kind and t.orig_start >= hit.orig_end and _BRACKET_GAP.fullmatch(text[hit.orig_end : t.orig_start])
        for t in terms
    )


_BRACKET_GAP = re.compile(r"\s*[,(]\s*")


def _hint(detector, text, mention, mentions) -> tuple[str | None, str | None]:
    """Admin-1 name right after the mention (a qualifier mention, or a US state code) and its country."""
    position = mentions.index(mention)
    if position + 1 < len(mentions) and mentions[position + 1].role == "qualifier":
        place = mentions[position + 1].places[0]
        return place.name, place.country_iso2
    code = us_style.state_after(text, mention.hit.orig_end, detector._state_names)
    if code:
        return detector._state_names[code], "US"
    return None, None


# A case ending glued by an apostrophe may follow the name ("Zhejiang'i provintsi", "Hunan'in maakunta").
_AFTER_GAP = re.compile(r"(?:['’][^\W\d_]{1,3})?[\s,(]*")
# Between a region word and the name: an "of" word, or the "autonomous" adjective of a Chinese autonomous region in
# the EU languages (Autonomous Region, Regiunii Autonome, Región Autónoma, Regione Autonoma, Autonome Region).
_BEFORE_GAP = re.compile(r"[\s(]*(?:auton[oó]m\w*\s+)?(?:of|de|di|du|del|della|van|von|der|des)?[\s:]*", re.IGNORECASE)


def next_to_province(text: str, terms, hit) -> bool:
    """Whether a province word stands right next to the name ("Prowincja Hainan", "Jilin Province")."""
    return _next_to(text, terms, hit, "province_word")


def _next_to(text: str, terms, hit, kind: str) -> bool:
    """A term of ``kind`` right after the name ("Jilin Province", "Amerika (Ortsteil)") or right before it
    ("province of Jilin", "Ortsteil Amerika"), or one that contains it (a compound)."""
    for t in terms:
        if t.kind != kind:
            continue
        if t.orig_start >= hit.orig_end and _AFTER_GAP.fullmatch(text[hit.orig_end : t.orig_start]):
            return True
        if t.orig_end <= hit.orig_start and _BEFORE_GAP.fullmatch(text[t.orig_end : hit.orig_start]):
            return True
        if _overlap(t, hit):
            return True
    return False


def relation(terms, mention, text, segment, *, neighbour: bool = False, parties=None) -> RelationChoice | str:
    """The strongest relation term of the sentence once meaning-changing look-alikes are masked, or why none counts.

    ``parties`` (the sentence's mentions and the lexicon) lets a weak relation count without a municipal word when
    the EU place and the partner are its named parties (:func:`relation_clause.parties_named`). With ``neighbour`` the terms
    include those of the sentences before and after (the relation may be named there: "Cork is twinned with six cities. These are ... San Francisco in the USA")."""
    hit = mention.hit
    masks = [t for t in terms if t.kind in MASKING_LOOKALIKES]
    related = [
        t
        for t in terms
        if t.kind in RELATION_ORDER
        and not any(_overlap(t, m) for m in masks)
        and not (t.orig_start < hit.orig_end and hit.orig_start < t.orig_end)
    ]
    exempt = [t for t in terms if t.kind == "exempt_lookalike"]  # "quarta-feira" (Wednesday) holds "feira" (fair)
    lookalikes = [
        t
        for t in terms
        if t.kind.startswith("lookalike_")
        and t.kind not in MASKING_LOOKALIKES
        and t.kind != "lookalike_district"
        and not any(_overlap(t, x) for x in exempt)
    ]
    if not related:
        if masks:
            return f"{masks[0].kind}: '{masks[0].text}' and no other relation term"
        if lookalikes:
            return f"{lookalikes[0].kind}: '{lookalikes[0].text}' and no relation term"
        return "no relation term in the sentence"
    related = [
        t
        for t in related
        if not any(_overlap(t, u) and RELATION_ORDER.index(u.kind) < RELATION_ORDER.index(t.kind) for u in related)
    ]
    specific = [t for t in related if t.kind not in WEAK_RELATIONS] or related
    best = min(specific, key=lambda t: (abs(t.orig_start - hit.orig_start), RELATION_ORDER.index(t.kind)))
    best_kind = best.kind
    if (
        best_kind in WEAK_RELATIONS
        and not any(t.kind == "municipal" for t in terms)
        and not (
            parties is not None and parties_named(text, best, mention, *parties, conjunctions(parties[1])[0], terms)
        )
    ):
        return f"{best_kind} word '{best.text}' without a municipal party"
    if lookalikes and best_kind not in STRONG_RELATIONS:
        return f"{lookalikes[0].kind}: '{lookalikes[0].text}' with only a weak relation term ('{best.text}')"
    school = school_twinning(terms)
    if school and not (
        parties is not None and parties_named(text, best, mention, *parties, conjunctions(parties[1])[0], terms)
    ):
        return school
    despite = lookalikes[0].kind if lookalikes else None
    rule = f"{best_kind} term '{best.text}'" + (" in a neighbouring sentence" if neighbour else "")
    rule += f" (despite {despite})" if despite else ""
    return RelationChoice(RELATION_TYPE[best_kind], best_kind, best, despite, rule, neighbour)


def school_twinning(terms) -> str | None:
    """Why the sentence's relation is a school's, not the town's: it names a school and no town, council or region
    ("the pupils of the Milford School ..., by the rules of every good gemellaggio"); else None. The caller keeps a
    relation whose named parties are the EU place and the partner ("the twinning between X and Y brings school
    exchanges")."""
    school = next((t for t in terms if t.kind == "school_party"), None)
    if school is None or any(t.kind == "municipal" for t in terms):
        return None
    return f"school twinning: '{school.text}' names a school and no town, council or region"


def _overlap(a, b) -> bool:
    return a.orig_start < b.orig_end and b.orig_start < a.orig_end


def attribute(detector, text, segment, mention, mentions, relation_choice, context) -> list[EuSide]:
    """Length: the attribution cases of step 5 (list item, enumeration, sentence, owner, text) in order of priority.

    The EU side(s) of the partner's statement (step 5 of the module docstring of ``detect``); an EU place
    standing in an enumeration of EU places brings the whole enumeration ("Ballerup, Egedal og Frederikssund")."""
    page_unit_id = context.page_unit_id
    language = getattr(context, "language", None)
    with_words = word_scripts(detector.lexicon, "pair_with")
    paired = paired_eu(text, mentions, mention, with_words, lexicon_words(detector.lexicon, "pair_filler"))
    if paired is not None:
        rule = "EU side: paired with the partner ('X with Y', 'X – Y')"
        run = eu_run(text, mentions, paired, detector.lexicon, mention, language)
        return [_eu_side(m, page_unit_id, "sentence", rule) for m in run]
    if relation_choice.neighbour and paired_with_unknown(text, mentions, mention, with_words):
        return []
    between = between_pair(text, mentions, mention, detector.lexicon, conjunctions(detector.lexicon, language)[0])
    party = None if relation_choice.neighbour else term_party(text, relation_choice.term, mentions, detector.lexicon)
    party = party if party is not None and term_beside(text, relation_choice.term, mention) else None
    if between is not None and party not in (None, between):  # "vol entre Paris et Wuhan, ville jumelle de Bordeaux"
        return [_eu_side(party, page_unit_id, "sentence", "EU side: the EU place the relation term names as its party")]
    if between is not None:
        return [_eu_side(between, page_unit_id, "sentence", "EU side: the pair after 'between' ('between X and Y')")]
    own = item_pair(text, segment, mentions, mention)
    if own is not None:
        return [
            _eu_side(
                own, page_unit_id, "sentence", "EU side: the EU place of the partner's own item in a list of pairs"
            )
        ]
    eu = subject_candidates(text, segment, mentions, mention, detector.lexicon)
    owner = getattr(context, "owner", None)
    others = [m for m in eu if not any(is_owner(p, page_unit_id, owner) for p in m.places)]
    if segment.heading is not None and not others:
        if page_unit_id or owner:
            return [_owner(detector, context, "list", "EU side: page owner (list item under a partner-cities heading)")]
        if eu:
            return [_eu_side(eu[0], page_unit_id, "list", "EU side: EU place in the list item")]
    chain = chain_of(text, mentions, mention, detector.lexicon, language)
    abroad = listed_abroad(text, eu, mention, _home_country(detector, page_unit_id, owner))
    in_chain = [m for m in chain if m in eu and m not in abroad]
    outside = [m for m in eu if m not in chain and m not in abroad]
    if relation_choice.neighbour and not stands_apart(text, outside, mention, detector.lexicon):
        side = _neighbour_side(text, segment, relation_choice.term, context, page_unit_id, detector.lexicon)
        if side is not None:
            return [side]
    term = relation_choice.term
    chain_end = max(m.hit.orig_end for m in chain)
    in_sentence = segment.start <= term.orig_start < segment.end
    if in_chain and in_sentence and term.orig_start >= chain_end:
        named = term_party(text, term, mentions, detector.lexicon)
        if named is not None and named not in chain and term_beside(text, term, chain[-1]):
            rule = "EU side: the EU place the relation term names as its party after an enumeration ('X, Y and Z are twin towns of W')"
            return [_eu_side(named, page_unit_id, "sentence", rule)]
        rule = "EU side: in one enumeration with the partner before the relation term"
        in_chain = without_locative_regions(text, in_chain, conjunctions(detector.lexicon, language)[0])
        return [_eu_side(m, page_unit_id, "enumeration", rule) for m in in_chain]
    outside = without_co_partners(text, outside, mention, term, detector.lexicon) if in_sentence else outside
    outside = without_locative_regions(text, outside, conjunctions(detector.lexicon, language)[0])
    objects = partner_as_subject(outside, mention, term) if in_sentence else []
    if objects:
        rule = (
            "EU side: the EU places the partner's sentence names after the relation term (the partner is its subject)"
        )
        return [_eu_side(m, page_unit_id, "sentence", rule) for m in objects]
    items = own_list_items(text, segment, context.all_eu, mention, term, detector.lexicon) if in_sentence else []
    if outside:
        nearest = min(
            outside, key=lambda m: (abs(m.hit.orig_start - term.orig_start), m.hit.orig_start > term.orig_start)
        )
        group = [m for m in chain_of(text, mentions, nearest, detector.lexicon, language) if m in outside] or [nearest]
        rule = "EU side: EU place named in the sentence (nearest the relation term)"
        listed = [m for m in items if m not in group]
        rule_items = "EU side: the EU places that open the lines of the partner's own list after its sentence"
        return [_eu_side(m, page_unit_id, "sentence", rule) for m in group] + [
            _eu_side(m, page_unit_id, "sentence", rule_items) for m in listed
        ]
    if len(chain) == 2 and len(in_chain) == 1 and (relation_choice.neighbour or not (page_unit_id or owner)):
        rule = "EU side: the pair 'X and Y' its own sentence names (no page owner, or a neighbouring relation term)"
        return [_eu_side(in_chain[0], page_unit_id, "enumeration", rule)]
    if items and not in_chain:
        rule = "EU side: the EU places that open the lines of the partner's own list (its sentence ends in a colon or is a heading)"
        return [_eu_side(m, page_unit_id, "sentence", rule) for m in items]
    if page_unit_id or owner:
        return [_owner(detector, context, "owner", OWNER_FALLBACK_RULE)]
    elsewhere = outside_list(text, context.segments, context.index, context.all_eu)
    before = [m for m in elsewhere if m.hit.orig_end <= segment.start and m not in chain]
    after = [m for m in elsewhere if m.hit.orig_start >= segment.end]
    if before or after:
        countries = language_countries(context.language)
        chosen = (
            title_places(text, context.segments, before, context.language) or [text_topic(before + after, countries)]
        )[0]
        return [
            _eu_side(chosen, None, "text", "EU side: the EU place the text is about (title, else named most often)")
        ]
    if in_chain:
        rule = "EU side: the EU place of the enumeration that holds the partner (no other EU place in the text)"
        return [_eu_side(m, page_unit_id, "enumeration", rule) for m in in_chain]
    return []


def _home_country(detector, page_unit_id, owner) -> str | None:
    """The country of the page owner (the frame unit, else the EU place outside the frame), None without one."""
    place = detector.unit_place(page_unit_id) if page_unit_id else owner
    return place.country_iso2 if place is not None else None


def _neighbour_side(text, segment, term, context, page_unit_id, lexicon) -> EuSide | None:
    """When the relation term was borrowed from a neighbouring sentence, the EU place of that sentence nearest the
    term is the subject ("Stralsund ist 8 Städtepartnerschaften eingegangen. Mit Pori (Finnland), ... und zuletzt
    Huangshan (China) besteht eine solche Verbindung": the EU places beside the partner are co-partners); none when
    that sentence's subject is a town noun pointing back to the text's topic (:func:`eu_side.town_subject`)."""
    holder = next((s for s in context.segments if s.start <= term.orig_start < s.end), None)
    if holder is None or holder is segment:
        return None
    there = [m for m in context.all_eu if holder.start <= m.hit.orig_start < holder.end]
    if not there or town_subject(text, holder, term, there, lexicon):
        return None
    nearest = min(there, key=lambda m: abs(m.hit.orig_start - term.orig_start))
    return _eu_side(
        nearest, page_unit_id, "sentence", "EU side: EU place of the neighbouring sentence with the relation term"
    )


def admin1_partner_problem(detector, text, mention, terms, sides, mentions=None, relation_choice=None) -> str | None:
    """Why a state or province alone (its same-named places, if any, all small) is not a partner here: it is one only
    for a region, or when the text calls it
    a state/province right next to its name (Prowincja Szandong; the State of Ohio) and the sentence names no
    partner city inside it ("Linhai της επαρχίας Zhejiang": the province only says where Linhai lies)."""
    if not any(p.role == "admin1" for p in mention.places) or any(
        p.role == "partner" and p.strong for p in mention.places
    ):  # a state's name is the state's when its namesake places are all small ("Texas", "La Florida")
        return None
    if any(side.unit_id and detector.is_region(side.unit_id) for side in sides):
        return None
    if relation_choice is not None and relation_choice.neighbour:
        return (
            "a state or province in a sentence without a relation term of its own: where a partner lies, not a partner"
        )
    names = qualifier_names(text, mention, terms, detector.lexicon)
    for other in mentions or ():
        inside = [p for p in other.places if p.role == "partner" and p.admin1 in names and p.strong]
        if other is not mention and other.role == "partner" and inside:
            return f"a state or province that qualifies the partner city {inside[0].name} named with it: not a partner"
    if any(_next_to(text, terms, mention.hit, kind) for kind in ADMIN1_CALLED):
        return None
    return "a state or province named for a city (not called a state/province next to its name): a qualifier, not a partner"


def _eu_side(mention, page_unit_id, source: str, rule: str) -> EuSide:
    places = list(mention.places)
    owner = [p for p in places if p.unit_id and p.unit_id == page_unit_id]
    framed = sorted((p for p in places if p.unit_id), key=lambda p: (p.level == "region", -p.population))
    place = (owner or framed or places)[0]
    return EuSide(place.unit_id, place.name, place.country_iso2, source, f"{rule}: {place.name}")


def _owner(detector, context, source: str, rule: str) -> EuSide:
    """The page owner as the EU side: the frame unit ``context.page_unit_id``, else ``context.owner`` (an EU place
    outside the frame whose site the page is: a municipality of the LAU list)."""
    unit_id = context.page_unit_id
    place = detector.unit_place(unit_id) if unit_id else getattr(context, "owner", None)
    if place is None:
        return EuSide(unit_id, None, None, source, rule)
    return EuSide(unit_id, place.name, place.country_iso2, source, f"{rule}: {place.name}")


def confidence(rules: dict[str, float], relation_choice, partner, eu_side, partner_id, status_rule: str) -> float:
    """Base confidence of the relation (or list item) less the penalties of ``web_detect_rules.csv``."""
    if eu_side.source == "list":
        value = rules["confidence_list_item"]
    else:
        value = (
            rules[f"confidence_{relation_choice.relation_type}"]
            if relation_choice.kind != "generic"
            else rules["confidence_cooperation"]
        )
    if partner.weak:
        value -= rules["penalty_weak_name"]
    if partner_id is None:
        value -= rules["penalty_unresolved"]
    if eu_side.source == "owner":
        value -= rules["penalty_page_owner"]
    if eu_side.source == "text":
        value -= rules["penalty_text_eu_side"]
    if relation_choice.neighbour:
        value -= rules["penalty_neighbour_relation"]
    if "nearest of planned and ended" in status_rule:
        value -= rules["penalty_status_conflict"]
    if relation_choice.despite:
        value -= rules["penalty_weak_name"]
    return max(0.0, min(1.0, value))
