"""The partnership detector: (EU unit, partner, relation type, status, evidence sentence, confidence) from web text.

Transparent rules over the lexicons of :mod:`analysis.collect.web.lexicon` (all data files):

1. **Sentences.** The text is split into lines and sentences (abbreviations such as "St." do not end
   one). A short line with a twin/friendship/agreement term and no partner name is a *heading*; the
   short lines below it are its *list items* (partner-city pages are lists).
2. **Mentions.** The matcher finds US/Chinese partner names (also inflected), EU place names and
   the lexicon's terms. A state or province right after a partner name ("Sheboygan (Wisconsin)",
   "Jilin Province") qualifies it (admin-1 hint; a province word picks the province).
3. **Partner checks.** A name that is also an EU place is the EU place unless a state/US word is
   right next to it (Paris, Texas); a name shared with a large place elsewhere, a small place, a very
   short name or a listed ordinary word needs a US/China context word in the sentence (or its heading);
   a small place or short name may also take its country from the sentences around it (with a relation
   term at hand), and a name the text qualifies once ("Belleville in Illinois", "Prowincja Hainan") keeps
   that sense throughout (:mod:`analysis.collect.web.discourse`); a Chinese district without a population
   figure passes the population floor; a name after a locative preposition beside another partner
   ("w Chengdu ... z Dystryktem Qingbaijiang") is a venue; a US name next to a district word is a local
   place named after it (Ortsteil Amerika).
4. **Relation.** The strongest relation term left after masking look-alikes that change its meaning
   (eTwinning, EU Twinning projects, "Twin Cities", school twinning): twin > friendship > agreement >
   cooperation > generic. Cooperation and the generic partner words need a municipal cue (or the two places
   as the relation's named parties: "partnerství Prahy s Pekingem", "Cork, which has close ties with Shanghai",
   :mod:`analysis.collect.web.relation_clause`); a sentence that names no partner city
   lends its relation term to its neighbours; a weak
   relation (agreement, cooperation, generic) in a sentence about flights, rail freight, tourism,
   consulates, forums or institutions (universities, companies) is a look-alike. A partner name that only
   qualifies an organisation's, building's or venue's head noun ("Rocky River Golf Club", "Flughafen Los
   Angeles") is no party of the relation (:mod:`analysis.collect.web.relation_parties`). A twin or friendship noun
   that titles another partner ("Partnerstadt Dongguan") is not the term of a name outside that partner's enumeration,
   and a term lent by a neighbouring sentence does not reach a name after a locative preposition (a venue)
   (:mod:`analysis.collect.web.term_reach`).
5. **Attribution.** An elliptic pair decides first: the EU place joined to the partner by only a "with"
   word or a dash ("Cork with San Francisco", "Artesia com Angra do Heroísmo"); a partner so paired with an
   unknown name takes no other EU side; then "between X and Y", lists of pairs, a partner as subject (:mod:`discourse`;
   EU name forms, counties, owners outside the frame: :mod:`eu_forms`). Otherwise the partner goes to the EU place the
   sentence is about (EU places listed between the relation term and the partner are fellow partners): EU places that stand in one
   enumeration with the partner after the relation term are co-partners, not the subject; an EU place
   in the same enumeration *before* the relation term ("Esslingen und Sheboygan sind Partnerstädte") or
   elsewhere in the sentence (nearest to the relation term, with its own enumeration) is the subject;
   the page owner only when the sentence names no other EU place; list items (short lines under a heading)
   belong to the page owner unless they name another EU place. A whole-country region, a place named only as where
   another lies ("in provincia di Cosenza") and EU places among listed partners are no EU side (:mod:`eu_side`).
   A partner whose own sentence ends in a colon takes the EU place of each line listed under it; without a page
   owner the text's topic is the EU place its dateline or title names, else the one named most often in it; a town
   named with a province word before it ("la Provincia di Palermo") is the province (:mod:`eu_forms`).
6. **Status.** Planned, ended and doubt (unclear) terms near the partner or a relation term, in the sentence or the
   neighbouring sentence lending the relation term (:mod:`analysis.collect.web.status`: negated endings, "already",
   dropped planned ties, endings merely proposed, weak planned terms outweighed by a signing reported as done, else
   the nearest term); a sentence with a status term and a relation word but no partner name passes its status to the
   findings of the sentence before it ("The partnership was suspended in 2022."), a planned one also to the next
   sentence if it states none. One finding per pair: an ended one, else a stated one, else the most confident
   (:func:`status.merge_findings`).

Every :class:`Finding` carries a ``rule`` string that says which of these decided it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.collect.web import (
    chains,
    cn_counties,
    country_parts,
    discourse,
    eu_forms,
    eu_side,
    home_town,
    lookalike,
    partner_sense,
    relation_parties,
    respectively,
    rules,
    term_reach,
    us_style,
)
from analysis.collect.web import places as places_module
from analysis.collect.web import segments as segments_module
from analysis.collect.web import status as status_module
from analysis.collect.web.lexicon import Lexicon, fold_for_matching, letter_script, load_lexicon, name_key
from analysis.collect.web.matcher import Matcher, NameHit, TermHit
from analysis.collect.web.places import Place
from analysis.collect.web.relation_subject import relation_subject
from analysis.collect.web.status import merge_findings

_QUALIFIER_GAP = re.compile(
    r"[\s,(\-–/]*(?:(?:in|im|en|i|em|w|v|ve|vo|u|στο|στη|στην|в|dans|nel|nello|no|na)\s+)?(?:(?:the|der|dem|la|le)\s+)?"
    r"(?:(?:state|staat|bundesstaat|stan|stanie|stanu|stát|státu|štát|štátu|état|estado|stato)\s+(?:of\s+)?)?",
    re.IGNORECASE,
)


class _Context(NamedTuple):
    segments: list
    neighbour_terms: list
    all_eu: list
    page_unit_id: str | None
    language: str | None
    facts: discourse.TextFacts | None = None
    index: int = 0
    owner: Place | None = None


_DATELINE = re.compile(r"\s*(?:[.:]\s|[-–—]\s|\(|,\s*\d|$)")


def _named_as_place(text: str, hit: NameHit, terms: list[TermHit]) -> bool:
    """A sentence-initial name that is clearly a place: a dateline ("Crema. ...", "Mežica – ...", "Vara (TT) ...")
    or a name right before a municipal word ("Vara kommun", "Gödöllő város")."""
    if _DATELINE.match(text, hit.orig_end):
        return True
    return any(
        t.kind == "municipal" and t.orig_start >= hit.orig_end and not text[hit.orig_end : t.orig_start].strip()
        for t in terms
    )


def _inside_country_word(hit: NameHit, terms: list[TermHit], found, floor: float) -> bool:
    """A name inside a US or China context phrase: part of the country's epithet ("Reich der Mitte" is China, its
    "Mitte" no Berlin district), no place of its own. A name of a partner city of ``floor`` inhabitants or more that
    is the whole phrase is that city's adjective ("šanghajská vláda", "Пекинския общински съвет":
    :func:`analysis.collect.web.eu_adjectives.partner_adjectives`), naming China and the city ("kitajskim", the
    Slovenian for Chinese, is no small town's name)."""
    large = any(p.role == "partner" and p.population >= floor for p in found)
    return any(
        t.kind in ("us_context", "cn_context")
        and t.orig_start <= hit.orig_start
        and hit.orig_end <= t.orig_end
        and not (large and (t.orig_start, t.orig_end) == (hit.orig_start, hit.orig_end))
        for t in terms
    )


class Finding(NamedTuple):
    """One partnership statement found (contract in HELPERS9.md; ``eu_country_iso2`` added)."""

    unit_id: str | None
    eu_place: str | None
    partner_id: str | None
    partner_name: str
    partner_country_iso2: str
    relation_type: str
    status: str
    evidence: str
    confidence: float
    rule: str
    url: str | None = None
    language: str | None = None
    eu_country_iso2: str | None = None


class Decision(NamedTuple):
    """A candidate partner mention and what became of it: a :class:`Finding`, or None and the ``reason``."""

    partner_name: str
    sentence: str
    finding: Finding | None
    reason: str
    candidates: tuple[str, ...] = ()


class _Mention(NamedTuple):
    hit: NameHit
    role: str  # "partner" | "eu" | "other" | "qualifier"
    places: tuple[Place, ...]


class Detector:
    """Built once (:meth:`build`) from the frame units and the gazetteer; :meth:`detect` per text."""

    def __init__(self, places: list[Place], matcher: Matcher, lexicon: Lexicon, gazetteer: pd.DataFrame):
        self.places = places
        self.matcher = matcher
        self.lexicon = lexicon
        self._gazetteer = gazetteer
        self._indexes: dict[bool, tuple[pd.DataFrame, pd.Index]] = {}  # name index and its keys, by province
        self._resolved: dict[tuple, str | None] = {}
        self._abbreviations = frozenset(
            (fold_for_matching(t.text).strip(), letter_script(t.text))
            for t in lexicon.terms
            if t.kind == "sentence_abbreviation"
        )
        codes = gazetteer.loc[gazetteer["level"] == "state", "admin1_code"].dropna().astype(str)
        self._state_codes = frozenset(codes)
        self._state_names = dict(
            zip(codes, gazetteer.loc[gazetteer["level"] == "state", "name"].astype(str), strict=False)
        )

    @classmethod
    def build(
        cls, units: pd.DataFrame, gazetteer: pd.DataFrame, *, lexicon: Lexicon | None = None, lau=None
    ) -> Detector:
        """A detector over the frame ``units`` (``unit_id, unit_type, name, country_iso2, population``, optional
        ``alternate_names``: see :func:`analysis.collect.web.places.detector_units`) and the partner ``gazetteer``.

        ``lau``: the EU municipalities found as EU places outside the frame (:func:`places.lau_places`): None reads
        the acquired LAU 2020 list (none when it is not there), a DataFrame in its columns, False for none. Chinese
        counties come from the acquired division list (:mod:`analysis.collect.web.cn_counties`)."""
        lexicon = lexicon or load_lexicon()
        gazetteer = country_parts.with_country_parts(gazetteer)
        units = places_module.with_alternate_names(units)
        found = [
            *places_module.partner_places(gazetteer, lexicon),
            *places_module.eu_places(units, gazetteer, lexicon),
            *places_module.other_places(gazetteer, lexicon),
        ]
        found += places_module.unframed_places(found, lexicon, lau)
        found += cn_counties.county_places(found, lexicon)
        places = [place for place, _ in found]
        names = [(name, index) for index, (_, written) in enumerate(found) for name in written]
        inflect = [index for index, place in enumerate(places) if places_module.inflected(place, lexicon)]
        own = {
            index: found
            for index, place in enumerate(places)
            if (found := places_module.own_language_inflected(place, lexicon))
        }
        matcher = Matcher.build(
            names, lexicon, inflect=inflect, inflect_in=own, near=places_module.near_records(places, lexicon)
        )
        detector = cls(places, matcher, lexicon, gazetteer)
        detector.names = [name for name, _ in names]
        detector.load_resolutions()
        return detector

    # ------------------------------------------------------------------ public

    def detect(
        self, text: str, *, language: str | None = None, page_unit_id: str | None = None, page_owner=None
    ) -> list[Finding]:
        """Partnership statements in ``text`` (see the module docstring); ``page_unit_id`` is the page owner
        (``page_owner``, a (name, country) pair, names an owner outside the frame: :func:`eu_forms.owner_place`)."""
        decisions = self.explain(text, language=language, page_unit_id=page_unit_id, page_owner=page_owner)
        return merge_findings([d.finding for d in decisions if d.finding])

    def explain(
        self, text: str, *, language: str | None = None, page_unit_id: str | None = None, page_owner=None
    ) -> list[Decision]:
        """Every candidate partner mention with its decision (accepted findings and rejections with reasons)."""
        text = text or ""
        owner = None if page_unit_id else eu_forms.owner_place(self, page_owner)
        scan = self.matcher.scan(text, language)
        segments = segments_module.segment_text(text, scan, self.places, self.lexicon.rules, self._abbreviations)
        names_by_segment = segments_module.by_segment(segments, scan.names, lambda hit: hit.orig_start)
        terms_by_segment = [
            lookalike.without_listed_fields(text, terms, self.lexicon)
            for terms in segments_module.by_segment(segments, scan.terms, lambda hit: hit.orig_start)
        ]
        mentions_by_segment = [
            self._mentions(text, names_by_segment[i], terms_by_segment[i], segment.start, language)
            for i, segment in enumerate(segments)
        ]
        mentions_by_segment = eu_forms.one_county_sense(text, mentions_by_segment)
        all_eu = [m for mentions in mentions_by_segment for m in mentions if m.role == "eu"]
        decisions: list[Decision] = []
        previous, pending = [], None  # pending: a planned status for the next sentence (_carry_status)
        stoplist = self.lexicon.stoplist.get("partner", frozenset())
        partnered = [
            discourse.partner_keys(found, text, stoplist, self.is_country_name) for found in mentions_by_segment
        ]
        facts = self._text_facts(text, terms_by_segment, mentions_by_segment)
        for index, segment in enumerate(segments):
            mentions = mentions_by_segment[index]
            terms = list(terms_by_segment[index])
            if segment.heading is not None:
                terms += terms_by_segment[segment.heading]
            partners = [m for m in mentions if m.role == "partner"]
            if not partners:
                previous, pending = [], self._carry_status(decisions, previous, terms, text)
                continue
            lenders = segments_module.neighbour_segments(segments, index, text, partnered, terms_by_segment)
            neighbours = [
                t
                for i in lenders
                for t in segments_module.lent(text, segments, i, index, terms_by_segment, mentions_by_segment)
            ]
            context = _Context(segments, neighbours, all_eu, page_unit_id, language, facts, index, owner)
            previous = []
            for mention in partners:
                for decision in self._decide(text, segment, mention, mentions, terms, context):
                    decisions.append(decision)
                    previous.append(len(decisions) - 1)
            previous, pending = status_module.go_on(decisions, previous, pending, terms, text, self.lexicon)
        decisions = eu_side.owner_yields(decisions)
        reviewer = getattr(self, "pair_model", None)  # off by default: analysis.collect.web.pair_model.enable
        if reviewer is not None:
            evidence = (segments, mentions_by_segment, terms_by_segment, page_unit_id, owner)
            decisions = reviewer.review(self, text, decisions, evidence)
        return decisions

    # ------------------------------------------------------------------ mentions

    def _is_region(self, side) -> bool:
        """Whether an EU side is a region: a frame region (NUTS) or a county, province or region outside the frame."""
        if not hasattr(self, "_region_units"):
            self._region_units = frozenset(p.unit_id for p in self.places if p.role == "eu" and p.level == "region")
        if side.unit_id:
            return side.unit_id in self._region_units
        return "#" in eu_forms.region_key(name_key(side.name or ""))  # "County Sligo" -> "sligo #county"

    def _text_facts(self, text: str, terms_by_segment, mentions_by_segment) -> discourse.TextFacts:
        """What the text says beyond each sentence (:func:`discourse.text_facts`): country context nearby, names
        qualified by a province word or by a state's name, postal code or AP abbreviation right after them."""
        return discourse.text_facts(
            text,
            terms_by_segment,
            mentions_by_segment,
            int(self.lexicon.rules["context_window_segments"]),
            lambda terms, hit: rules.next_to_province(text, terms, hit),
            lambda end: self._state_names.get(us_style.state_after(text, end, self._state_names) or ""),
        )

    def _mentions(
        self, text: str, hits: list[NameHit], terms: list[TermHit], segment_start: int, language: str | None = None
    ) -> list[_Mention]:
        """Classify each name hit of a segment as partner / EU / other place / qualifier of the previous partner.

        An EU town outside the frame (of the gazetteer or the LAU list; a NUTS 3 county is no capitalised common word:
        "Laois and ...") at the very start of a sentence is not read as a place (German "Auch", "Nun" ... are
        capitalised there; a hyphenated or multi-word name is no such word: "Etelä-Savon ...") unless it stands as a
        dateline, opens the text's title line in a country of the text's language ("Killarney risks losing twinning
        status") or before a municipal word ("Crema. Il gemellaggio ..."; "Mežica – ..."; "Vara kommun avbryter ..."),
        nor is a name that belongs to a person: a Chinese name after a capitalised short word (Chen Jining), any name
        before an initial (Mark W. Eckert), nor a name inside a country epithet ("Reich der Mitte").
        """
        mentions: list[_Mention] = []
        adjacent = int(self.lexicon.rules["adjacent_chars"])
        surnames = [t for t in terms if t.kind == "cn_surname"]
        floor = float(self.lexicon.rules["partner_adjective_min_population"])  # a partner city's adjective
        for hit, found in eu_forms.with_longer_names(text, hits, self.places, language):
            person = lookalike.person_name(text, hit, found, surnames, language, self.lexicon)
            if person or _inside_country_word(hit, terms, found, floor):
                continue
            sentence_initial = not text[segment_start : hit.orig_start].strip(" \t\"'„“«-•*")
            single_word = not re.search(r"[\s-]", text[hit.orig_start : hit.orig_end].strip())
            unframed = all(p.role == "eu" and p.unit_id is None and p.level != "county" for p in found)
            named = (
                _named_as_place(text, hit, terms)
                or relation_subject(text, hit, found, terms, language, self.lexicon)
                or eu_side.titles_text(text, hit, found, language)
            )
            if sentence_initial and single_word and unframed and not named:
                continue
            if county := eu_forms.eu_county_behind_us_county(self, text, hit, found, language):
                mentions.append(_Mention(county[0], "eu", county[1]))
                continue
            partner_like = tuple(p for p in found if p.role in ("partner", "admin1"))
            eu = eu_forms.in_language_country(
                tuple(p for p in found if p.role == "eu" and not eu_side.whole_country(p)), language
            )
            if eu and eu_side.no_party(text, hit, eu, self.lexicon):
                eu = ()  # "Rose in provincia di Cosenza": where a place lies, no party
            has_admin1 = any(p.role == "admin1" for p in partner_like)
            if has_admin1 and mentions and partner_sense.qualifies(mentions[-1], found):
                gap = text[mentions[-1].hit.orig_end : hit.orig_start]
                if len(gap) <= adjacent and _QUALIFIER_GAP.fullmatch(gap):
                    mentions.append(_Mention(hit, "qualifier", tuple(p for p in partner_like if p.role == "admin1")))
                    continue
            if eu and partner_sense.outside_eu_after(text, hit, found, {h.orig_start for h in hits}):
                mentions.append(_Mention(hit, "other", found))  # "Guadalajara, Jalisco, Mexico"
            elif partner_like and eu and not self._us_right_after(text, hit, terms):
                mentions.append(_Mention(hit, "eu", eu_forms.as_county(text, hit, eu, language)))
            elif partner_like:
                mentions.append(_Mention(hit, "partner", found))
            elif eu:
                ordinary = fold_for_matching(text[hit.orig_start : hit.orig_end]).strip()
                if ordinary in self.lexicon.stoplist.get("eu", ()) and sentence_initial:
                    continue
                mentions.append(_Mention(hit, "eu", eu_forms.as_county(text, hit, eu, language)))
            else:
                mentions.append(_Mention(hit, "other", found))
        return home_town.namesake_pairs(text, mentions, self.places)

    def _us_right_after(self, text: str, hit: NameHit, terms: list[TermHit]) -> bool:
        """A state code, state name, or US/China word right after a name (Paris, Texas; Paris (TX); Rome, USA), or the
        name's own state after "in" (Harlem in New York: :func:`partner_sense.admin1_after`)."""
        adjacent = int(self.lexicon.rules["adjacent_chars"])
        if us_style.state_after(text, hit.orig_end, self._state_codes):
            return True
        window_end = hit.orig_end + adjacent
        for term in terms:
            gap = text[hit.orig_end : term.orig_start]
            near = term.kind in ("us_context", "cn_context") and hit.orig_end <= term.orig_start <= window_end
            if near and re.fullmatch(r"[\s,(\-–/]*", gap):
                return True
        return partner_sense.admin1_after(self, text, hit, window_end, _QUALIFIER_GAP)

    # ------------------------------------------------------------------ decision

    def _decide(self, text, segment, mention, mentions, terms, context: _Context) -> list[Decision]:
        """Length: one rule chain (partner checks, relation, look-alikes, attribution, status, resolution) that
        reads best in one place; each step returns early with its reason."""
        sentence = text[segment.start : segment.end].strip()
        segments = context.segments
        heading_text = (
            text[segments[segment.heading].start : segments[segment.heading].end] if segment.heading is not None else ""
        )
        surface = text[mention.hit.orig_start : mention.hit.orig_end]
        candidates = tuple(dict.fromkeys(p.name for p in mention.places if p.role in ("partner", "admin1")))
        flags = rules.context_flags(terms, mentions, text, segment, self._state_codes)
        if context.facts is not None:
            flags = flags._replace(
                window_us=context.facts.window_us[context.index],
                window_cn=context.facts.window_cn[context.index],
                vouched=context.facts.vouched,
                nearby_terms=tuple(context.neighbour_terms),
            )
        partner = rules.choose_partner(self, text, mention, mentions, terms, flags._replace(language=context.language))
        if not isinstance(partner, str):
            partner = (
                discourse.venue_only(self, text, mention, mentions, context.language)
                or lookalike.in_other_country(text, mention, mentions)
                or lookalike.other_country_town(text, mention, terms)
                or partner
            )
        if isinstance(partner, str):
            return [Decision(surface, sentence, None, partner, candidates)]
        relation = rules.relation(terms, mention, text, segment, parties=(mentions, self.lexicon))
        if isinstance(relation, str) and not any(t.kind.startswith("lookalike_") for t in terms):
            fallback = rules.relation(context.neighbour_terms + terms, mention, text, segment, neighbour=True)
            relation = fallback if not isinstance(fallback, str) else relation
        if not isinstance(relation, str):
            relation = (
                lookalike.problem(self.lexicon, text, mention, mentions, terms, relation, context.language)
                or relation_parties.organisation_qualifier(text, mention, mentions, terms, self.lexicon)
                or term_reach.titled_other(
                    text, mention, mentions, terms, relation, self.lexicon, self.is_country_name, context.language
                )
                or term_reach.lent_to_venue(text, mention, relation, self.lexicon, context.language)
                or term_reach.past_other_partner(
                    text, mention, mentions, relation, self.lexicon, self.is_country_name, context.language
                )
                or relation
            )
        if isinstance(relation, str):
            return [Decision(surface, sentence, None, relation, candidates)]
        parties = relation_parties.without_organisation_places(text, mentions, terms, self.lexicon)
        sides = rules.attribute(self, text, segment, mention, parties, relation, context)
        sides = respectively.paired_sides(text, segment, mention, parties, sides, context.language)
        if not sides:
            return [
                Decision(surface, sentence, None, "no EU side (no EU place in the text, no page owner)", candidates)
            ]
        admin1_problem = rules.admin1_partner_problem(self, text, mention, terms, sides, mentions, relation)
        if admin1_problem:
            return [Decision(surface, sentence, None, admin1_problem, candidates)]
        status, status_rule = status_module.status(
            terms + status_module.neighbour_cues(relation, context.segments, context.neighbour_terms),
            mention,
            chains.item_span(text, mentions, mention, self.lexicon),
            relation_term=relation.term,
            window=self.lexicon.rules["status_window_chars"],
            anchors=[
                t.orig_start
                for t in terms
                if t.kind == relation.kind and segment.start <= t.orig_start < segment.end and not relation.neighbour
            ],
            text=text,
            lexicon=self.lexicon,
            rivals=chains.rivals(text, mentions, mention, self.lexicon, tuple(side.name for side in sides)),
        )
        evidence = (heading_text.strip() + " / " + sentence) if heading_text else sentence
        decisions = []
        for side in sides:
            province = partner_sense.province_sense(mention, partner, self._is_region(side))
            partner_id = self.resolve(
                province or partner.name, partner.country_iso2, partner.hint, partner.province or bool(province)
            )
            confidence = rules.confidence(self.lexicon.rules, relation, partner, side, partner_id, status_rule)
            resolved = f"resolved to {partner_id}" if partner_id else "unresolved"
            rule = "; ".join([relation.rule, partner.rule, side.rule, status_rule, resolved])
            finding = Finding(
                side.unit_id,
                side.name,
                partner_id,
                partner.name,
                partner.country_iso2,
                relation.relation_type,
                status,
                evidence,
                round(confidence, 3),
                rule,
                None,
                context.language,
                side.country_iso2,
            )
            decisions.append(Decision(surface, sentence, finding, "accepted", candidates))
        return decisions

    def _carry_status(self, decisions, previous, terms, text) -> tuple[str, str] | None:
        """A sentence with a status term and a relation word but no partner passes its status to the sentence before
        (:func:`analysis.collect.web.status.carried_status`, :func:`analysis.collect.web.status.carry`); the planned
        status it returns goes to the sentence after it, if that one states none."""
        carried = status_module.carried_status(terms, text, self.lexicon)
        status_module.carry(decisions, previous, carried)
        return carried if carried is not None and carried[0] == "planned" else None

    # ------------------------------------------------------------------ resolution

    def is_country_name(self, folded: str) -> bool:
        """Whether a folded name is a country's ("Greece", "Lebanon", "Holland" are also US towns)."""
        if not hasattr(self, "_country_names"):
            self._country_names = places_module.country_name_keys()
        return folded in self._country_names

    def is_region(self, unit_id: str) -> bool:
        """Whether ``unit_id`` is a NUTS2 region of the frame."""
        place = self.unit_place(unit_id)
        return place is not None and place.level == "region"

    def unit_place(self, unit_id: str) -> Place | None:
        """The frame unit ``unit_id`` as a :class:`Place` (None when it is not in the frame)."""
        if not hasattr(self, "_units"):
            self._units = {p.unit_id: p for p in self.places if p.role == "eu" and p.unit_id}
        return self._units.get(unit_id)

    def resolve(self, name: str, country_iso2: str, hint: str | None = None, province: bool = False) -> str | None:
        """Gazetteer id of a partner name through the one resolver (:mod:`analysis.build.resolve`), cached.

        ``hint`` is an admin-1 name found next to the mention; ``province`` restricts the candidates to
        province-level units (the text said "province").
        """
        key = (fold_for_matching(name).strip(), country_iso2, hint or "", province)
        if key not in self._resolved:
            self._resolved[key] = self._resolve_batch([key])[0]
        return self._resolved[key]

    def resolution_keys(self) -> list[tuple]:
        """The resolver keys detection asks for: every partner and admin-1 place's name without a hint, with its own
        admin-1 name as the hint ("Sheboygan (Wisconsin)"), and each province's name restricted to provinces."""
        keys: dict[tuple, None] = {}
        for place in self.places:
            if place.role not in ("partner", "admin1"):
                continue
            folded = fold_for_matching(place.name).strip()
            keys[(folded, place.country_iso2, "", False)] = None
            if place.admin1:
                keys[(folded, place.country_iso2, place.admin1, False)] = None
            if place.level == "province":
                keys[(folded, place.country_iso2, "", True)] = None
        return list(keys)

    def load_resolutions(self) -> int:
        """Fill the resolution table for :meth:`resolution_keys` in one batched resolver call, or read it from its
        cached copy (under ``build/state/web_detect``, keyed on the gazetteer, the keys and the resolver's code,
        :func:`resolver_code_digest`): a cold detector then almost never calls the resolver one name at a time.
        Returns the number of keys in the table."""
        from analysis.collect.web.detect_pipeline import resolver_code_digest
        from analysis.core import caches, paths

        keys = self.resolution_keys()
        listed = caches.combined(*("\t".join(map(str, key)) for key in keys))
        key = caches.combined(self._gazetteer_digest(), resolver_code_digest(), listed)
        path = paths.cache_dir("web_detect") / f"resolved_{key[:24]}.parquet"
        table = caches.read_cached_table(path)
        if table is not None:
            ids = table["partner_id"].astype(object).where(table["partner_id"].notna(), None).tolist()
        else:
            ids = self._resolve_batch(keys)
            frame = pd.DataFrame(keys, columns=["name", "country_iso2", "hint", "province"])
            caches.write_cached_table(frame.assign(partner_id=pd.Series(ids, dtype=object)), path)
        self._resolved.update(zip(keys, ids, strict=True))
        return len(keys)

    def prewarm(self) -> int:
        """Kept for earlier callers: the table is loaded by :meth:`build` (:meth:`load_resolutions`); 0 keys added."""
        return 0 if self._resolved else self.load_resolutions()

    def _gazetteer_digest(self) -> str:
        """:func:`analysis.core.caches.frame_digest` of the gazetteer, computed once per detector."""
        from analysis.core.caches import frame_digest

        cache = self.__dict__.setdefault("_digests", {})
        if "gazetteer" not in cache:
            cache["gazetteer"] = frame_digest(self._gazetteer)
        return cache["gazetteer"]

    def _resolve_batch(self, keys: list[tuple]) -> list[str | None]:
        from analysis.build.resolve import resolve_partner_names

        out: list[str | None] = [None] * len(keys)
        for province in (False, True):
            chosen = [i for i, key in enumerate(keys) if key[3] == province]
            if not chosen:
                continue
            names = pd.Series([keys[i][0] for i in chosen])
            ids = resolve_partner_names(
                names,
                pd.Series([keys[i][1] for i in chosen]),
                self._index_rows(province, names),
                admin1=pd.Series([keys[i][2] or None for i in chosen], dtype=object),
            )
            for i, value in zip(chosen, ids.tolist(), strict=True):
                out[i] = value
        return out

    def _index_rows(self, province: bool, names: pd.Series) -> pd.DataFrame:
        """The rows of the resolver's name index (of provinces only, with ``province``) whose key is one the resolver
        looks ``names`` up by (:func:`analysis.build.resolve.query_variants`). The resolver's exact pass reads no other
        row, and detection's queries carry no coordinates, so its fuzzy pass reads none: the answers are those of the
        whole index, but a name no longer costs a merge against every gazetteer name (~0.2 s) when it is resolved
        during detection."""
        from analysis.build.resolve import query_variants

        if province not in self._indexes:
            index = self._name_index(province)
            self._indexes[province] = (index, pd.Index(index["key"]))
        index, index_keys = self._indexes[province]
        queries = pd.DataFrame({"query_id": range(len(names)), "name": names.to_numpy(), "hint": pd.NA})
        positions = index_keys.get_indexer_non_unique(query_variants(queries)["key"].unique())[0]
        return index.iloc[np.unique(positions[positions >= 0])]

    def _name_index(self, province: bool) -> pd.DataFrame:
        """The resolver's name index of the gazetteer (:func:`analysis.build.resolve.gazetteer_name_index`, cached by
        the gazetteer's content), or its rows of provinces."""
        from analysis.build import resolve

        index = resolve.gazetteer_name_index(self._gazetteer)
        return index[index["level"].eq("province")].reset_index(drop=True) if province else index

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_indexes"] = {}
        return state


def analyse_page(page, detector: Detector) -> list[Finding]:
    """Extract the text of a stored ``page`` (:class:`analysis.collect.web.warc.Page`) and detect in it; a text that
    names no partner in any language has no finding (:func:`analysis.collect.web.prefilter.names_partner`)."""
    from analysis.collect.web.extract import detect_language, page_text
    from analysis.collect.web.prefilter import names_partner

    extracted = page_text(page.body, page.content_type, page.url, with_language=False)
    if extracted.error or not extracted.text or not names_partner(detector, extracted.text):
        return []
    language = detect_language(extracted.text, declared=extracted.language)
    findings = detector.detect(extracted.text, language=language, page_unit_id=page.unit_id)
    return [finding._replace(url=page.url, language=language) for finding in findings]
