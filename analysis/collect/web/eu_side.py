"""Which EU names of a text can be a party to a tie at all, and which neighbouring sentences may lend a relation term:
the attribution classes that are about the text's structure rather than one sentence's grammar.

- A NUTS region that is a whole country (``EE00`` Eesti, ``LV00`` Latvija, ``MT00`` Malta) named in a text is the
  country, not a sub-national party ("Marylandi ja Eesti linnade vahel": between Maryland's and Estonia's towns).
- An EU place named after a locative preposition and a province word ("Rose in provincia di Cosenza", "in de
  provincie Utrecht"), or before a province word after a locative ("in the Foggia province"), only says where
  another place lies: it is no party.
- A region named as the qualifier of towns ("the Limerick town", "Lapin kaupungeista", "the towns of Limerick", "les
  villes de Bretagne") only says where the towns lie: it is no party (the town meant is named elsewhere).
- Short list lines ("Athene (Griekenland)" / "Beijing (China)" / ...) are items of one list: an EU place among the
  items is a fellow partner of the listed partners, not the place the list belongs to.
- A relation term two sentences away lends itself only when it is no weak word (cooperation, generic "partner"): such a
  word that far off ("China ist der wichtigste Partner der Stadt Frankfurt. ... freue sich auf die Teilnahme von
  Guangzhou, Shenzhen und Shanghai") is about something else.
- A relative clause right after a place name ("a city in the province of Hubei, which has been twinned with ...") is
  about that place (nearest attachment): a relation term inside it is the place's, not that of a place named before.
- The EU place a relation term names as its party right after it ("ville chinoise jumelle de Bordeaux") outweighs a
  "between X and Y" pair elsewhere in the sentence ("le vol entre Paris et Wuhan").

Used by :mod:`analysis.collect.web.detect` (mentions, neighbour terms) and :mod:`analysis.collect.web.rules`
(attribution); the word lists are the lexicon's (``locative_preposition``, ``province_word``, ``pair_filler``,
``of_word``).
"""

from __future__ import annotations

import re

from analysis.collect.web.discourse import lexicon_words
from analysis.collect.web.lexicon import RELATION_KINDS, derived, fold_for_matching, is_term_word

_WHOLE_COUNTRY = re.compile(r"^[A-Z]{2}00$")
_LIST_LINE_WORDS = 5
_PARTY_GAP_WORDS = 3  # at most this many article / city / "of" words between a relation term and its EU party
_RELATIVE_LEAD_WORDS = 2  # short words (a preposition, an article) that may stand before a relative pronoun
_RELATIVE_LEAD_CHARS = 5
_SENTENCE_MARK = re.compile(r"[.!?:;]\s*$")
_NEXT_WORD = re.compile(r"[^\W\d_]{0,4}[ -](\S+)")  # a case ending glued to the name, then the next word


def whole_country(place) -> bool:
    """Whether an EU place is a NUTS region that covers its whole country (its code ends in ``00``): the country."""
    return place.level == "region" and bool(place.unit_id) and bool(_WHOLE_COUNTRY.match(place.unit_id))


def located_in_province(text: str, start: int, lexicon) -> bool:
    """Whether the name starting at ``start`` follows a locative preposition and a province word, perhaps with an
    article or "of" between ("in provincia di Cosenza", "in the province of Antwerp", "in der Provinz Limburg"), or
    a town noun and "of" words before the province word (``municipality_noun``: "il piccolo comune della provincia
    di Foggia"): the name only says where another place lies."""
    before = fold_for_matching(text[max(0, start - 40) : start]).split()
    if not before:
        return False
    fillers = lexicon_words(lexicon, "pair_filler")
    while before and before[-1] in fillers:
        before.pop()
    if not before or not _province_word(before[-1], lexicon):
        return False
    before.pop()
    joining = fillers | lexicon_words(lexicon, "of_word")
    for word in reversed(before):
        if is_term_word(word, "municipality_noun", lexicon):
            return True  # "il piccolo comune della provincia di Foggia": the town's province
        if word not in joining:
            break
    while before and before[-1] in fillers:
        before.pop()
    return bool(before) and before[-1] in lexicon_words(lexicon, "locative_preposition")


def province_after(text: str, hit, lexicon) -> bool:
    """Whether the name is followed by a province word and preceded by a locative preposition, perhaps with an article
    between ("the town of Panni in the Foggia province", "in Limburg province"): the order of languages that put the
    name before the type word, with the same sense as "in the province of Foggia" (:func:`located_in_province`)."""
    following = _NEXT_WORD.match(text, hit.orig_end)
    if not following or not _province_word(fold_for_matching(following.group(1)).strip(".,;:()"), lexicon):
        return False
    before = fold_for_matching(text[max(0, hit.orig_start - 40) : hit.orig_start]).split()
    fillers = lexicon_words(lexicon, "pair_filler")
    while before and before[-1] in fillers:
        before.pop()
    return bool(before) and before[-1] in lexicon_words(lexicon, "locative_preposition")


def no_party(text: str, hit, places, lexicon) -> bool:
    """Whether the EU name ``hit`` (read as ``places``) is no party: it only says where another place or other towns
    lie (after a locative and a province word, or as a region that qualifies town words), or it is a month of a date
    (:func:`in_date`)."""
    return (
        located_in_province(text, hit.orig_start, lexicon)
        or province_after(text, hit, lexicon)
        or qualifies_towns(text, hit, places, lexicon)
        or in_date(text, hit)
    )


_DAY_YEAR_AFTER = re.compile(r"[ \t]\d{1,2}(?:st|nd|rd|th)?,?[ \t]+\d{4}\b")
_DAY_BEFORE = re.compile(r"\b\d{1,2}\.?[ \t]+$")
_YEAR_AFTER = re.compile(r"[ \t]+\d{4}\b")


def in_date(text: str, hit) -> bool:
    """Whether the name stands as the month of a written date: a day and a year after it ("March 4, 1990"), or a day
    before it and a year after it ("4 March 1990", "4. März 1990"): a place named like a month is no party there."""
    if _DAY_YEAR_AFTER.match(text, hit.orig_end):
        return True
    return bool(_DAY_BEFORE.search(text[max(0, hit.orig_start - 6) : hit.orig_start])) and bool(
        _YEAR_AFTER.match(text, hit.orig_end)
    )


def qualifies_towns(text: str, hit, places, lexicon) -> bool:
    """Whether a name read only as regions stands right before a town word, perhaps with its case ending between
    ("the Limerick town", "Lapin kaupungeista"), or after a plural town word and any "of" words or articles ("the
    towns of Limerick", "les villes de Bretagne", "Städte Lapplands")."""
    if not places or any(p.level not in ("region", "county") for p in places):
        return False
    following = _NEXT_WORD.match(text, hit.orig_end)
    if following and is_term_word(fold_for_matching(following.group(1)).strip(".,;:"), "town_word", lexicon):
        return True
    before = fold_for_matching(text[max(0, hit.orig_start - 40) : hit.orig_start]).split()
    fillers = lexicon_words(lexicon, "pair_filler") | lexicon_words(lexicon, "of_word")
    while before and before[-1] in fillers and not is_term_word(before[-1], "towns_word", lexicon):
        before.pop()
    return bool(before) and is_term_word(before[-1], "towns_word", lexicon)


def list_line(text: str, segment) -> bool:
    """Whether a segment is a whole short line without sentence punctuation: an item of a list."""
    line_start = text.rfind("\n", 0, segment.start) + 1
    line_end = text.find("\n", segment.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return (
        line.strip() == text[segment.start : segment.end].strip()
        and len(line.split()) <= _LIST_LINE_WORDS
        and not _SENTENCE_MARK.search(line)
    )


def outside_list(text: str, segments, index: int, candidates: list) -> list:
    """``candidates`` (EU mentions) less those on the lines of the list that segment ``index`` is an item of
    (consecutive short lines: "Athene (Griekenland)" / "Beijing (China)"): fellow items, not the list's owner."""
    if not list_line(text, segments[index]):
        return candidates
    run = {index}
    for step in (-1, 1):
        i = index + step
        while 0 <= i < len(segments) and list_line(text, segments[i]):
            run.add(i)
            i += step
    spans = [(segments[i].start, segments[i].end) for i in run]
    return [m for m in candidates if not any(start <= m.hit.orig_start < end for start, end in spans)]


def term_party(text: str, term, mentions: list, lexicon):
    """The EU place the relation term names as its party right after it, joined by nothing but an article, a city
    word or "of" ("ville chinoise jumelle de Bordeaux", "sister city of Cork", "miasto partnerskie Krakowa"): that
    place is the tie's EU side whatever else the sentence pairs ("le vol entre Paris et Wuhan, ville jumelle de
    Bordeaux"). None when no EU place follows the term so."""
    following = [m for m in mentions if m.hit.orig_start >= term.orig_end]
    if not following:
        return None
    first = min(following, key=lambda m: m.hit.orig_start)
    gap = fold_for_matching(text[term.orig_end : first.hit.orig_start]).split()
    if first.role != "eu" or len(gap) > _PARTY_GAP_WORDS or "," in text[term.orig_end : first.hit.orig_start]:
        return None
    joiners = lexicon_words(lexicon, "pair_filler") | lexicon_words(lexicon, "of_word")
    return first if all(w in joiners for w in gap) else None


_APPOSITION_WORDS = 3  # at most this many words between a partner and a relation term in apposition to it


def term_beside(text: str, term, mention) -> bool:
    """Whether the relation term stands in apposition to the partner: at most three words between them, brackets left
    out, and no sentence mark ("Wuhan, ville jumelle de Bordeaux"; "Bordeaux's twin city Wuhan"). A term farther off
    ("... Walworth County (Wisconsin) sowie der Besuch einer Delegation aus dem Berliner Partnerbezirk
    Charlottenburg-Wilmersdorf") titles another place, and the party it names is not the partner's."""
    if term.orig_start >= mention.hit.orig_end:
        gap = text[mention.hit.orig_end : term.orig_start]
    else:
        gap = text[term.orig_end : mention.hit.orig_start]
    gap = _BRACKETED.sub(" ", gap)
    return len(fold_for_matching(gap).split()) <= _APPOSITION_WORDS and not _OBJECT_END.search(gap)


def relative_clause_after(text: str, end: int, lexicon) -> int | None:
    """Where the relative clause that follows the name ending at ``end`` begins: a comma, then a relative pronoun of
    the lexicon (``relative_pronoun``) as the first word or after at most two short words ("Hubei, which ...",
    "Hubei, with which ...", "Hubei, con la quale ..."). None when no such clause follows."""
    after = text[end : end + 60]
    if not after.lstrip(" ").startswith(","):
        return None
    comma = end + after.index(",") + 1
    pronouns = lexicon_words(lexicon, "relative_pronoun")
    for found in re.finditer(r"\S+", text[comma : comma + 40]):
        word = fold_for_matching(found.group()).strip(".,;:()\"'")
        if word in pronouns:
            return comma + found.start()
        if found.group()[:1].isupper() or len(word) > _RELATIVE_LEAD_CHARS or found.group()[-1:] in ",;:.":
            return None
        if len(re.findall(r"\S+", text[comma : comma + found.end()])) >= _RELATIVE_LEAD_WORDS + 1:
            return None
    return None


def clause_holds_relation(text: str, mention, terms, lexicon) -> bool:
    """Whether a relative clause right after the mention holds a relation term of its sentence: the clause is about
    the place ("in der Provinz Hubei, die mit ... eine Partnerschaft unterhält"), which is then no mere location."""
    clause = relative_clause_after(text, mention.hit.orig_end, lexicon)
    return clause is not None and any(t.kind in RELATION_KINDS and t.orig_start >= clause for t in terms)


def qualifier_names(text: str, mention, terms, lexicon) -> set[str]:
    """The names of the states or provinces a mention can stand for as a qualifier of a partner city named with it;
    none when a relative clause after it holds the relation term ("Wuhan liegt in der Provinz Hubei, die mit ...
    eine Partnerschaft unterhält": the province is the party)."""
    if clause_holds_relation(text, mention, terms, lexicon):
        return set()
    return {p.name for p in mention.places if p.role == "admin1"}


def far_terms(terms: list) -> list:
    """The terms a sentence two away may lend: no weak relation word (cooperation, generic partner words); twin,
    friendship and agreement terms, and the status and look-alike terms, which lend nothing by themselves."""
    from analysis.collect.web.rules import WEAK_RELATIONS

    return [t for t in terms if t.kind not in WEAK_RELATIONS]


def _province_word(word: str, lexicon) -> bool:
    return is_term_word(word, "province_word", lexicon)


_GOVERNING_WORDS = 3  # at most this many words between a relation term and the "with" word it governs
_LEAD_WORDS = 5  # at most this many words between the "with" word and the first place of its list
_ITEM_GAP_WORDS = 3  # at most this many words between two places of the list, with a separator among them
_ARTICLE_WITH = frozenset({"le", "la"})  # "with" words that are also articles elsewhere (Maltese le; fr, it la)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_BRACKETED = re.compile(r"\([^()]{0,80}\)")


def relation_objects(text: str, segment, mentions: list, lexicon) -> set[int]:
    """The ids of the mentions a "with" word of the sentence governs as the relation's other party: the with-word
    (``pair_with``) stands at most three words after a relation term ("jumelé avec Catane, Essen ...", "stedenbanden
    met Hranice en Konstancin-Jeziorna", "coopération décentralisée (notamment avec ... Suzhou") or opens the
    sentence before its relation term ("Mit Pori (Finnland), ... besteht eine solche Verbindung", "S městy Dallasem
    (USA) a Utrechtem ... neprobíhá spolupráce"); it governs the list of places that follows it (:func:`_listed`).
    Each of those places is a party on the same side of the tie: never the subject of a partner that is itself one
    of them."""
    from analysis.collect.web.discourse import lexicon_words

    with_words = lexicon_words(lexicon) - _ARTICLE_WITH
    objects: set[int] = set()
    words = list(_WORD.finditer(text, segment.start, segment.end))
    places = sorted((m for m in mentions if m.role != "qualifier"), key=lambda m: m.hit.orig_start)
    for position, word in enumerate(words):
        if fold_for_matching(word.group()).strip() not in with_words:
            continue
        opening = position == 0 and not text[segment.start : word.start()].strip(" \t\"'„“«-•*")
        before = text[words[max(0, position - _GOVERNING_WORDS)].start() : word.start()] if position else ""
        if not (opening and _names_relation(text[word.end() : segment.end], lexicon)) and not (
            not re.search(r"[.,;:!?]", before) and _names_relation(before, lexicon)
        ):
            continue
        objects.update(id(m) for m in _listed(text, word.end(), places, lexicon))
    return objects


def _listed(text: str, start: int, places: list, lexicon) -> list:
    """The places listed after ``start``: the first within five words (no relation term between: "avec de nombreuses
    grandes villes, comme Catane"), then each next one while the words between (brackets left out) are none or at
    most three with a comma, a conjunction or a hyphen among them ("Catane (Italie), Essen, Halle-sur-Saale",
    "Constantine en Algérie, Ouagadougou au Burkina Faso"); a verb or a clause between ends the list ("... su
    Kinijos Pengžou miestu užmezgė ... Anykščių rajono meras")."""
    from analysis.collect.web.discourse import lexicon_words

    joiners = lexicon_words(lexicon, "list_separator")
    listed, end = [], start
    for place in (m for m in places if m.hit.orig_start >= start):
        gap = _BRACKETED.sub(" ", text[end : place.hit.orig_start])
        words = fold_for_matching(gap).split()
        if not listed:
            if len(words) > _LEAD_WORDS or _OBJECT_END.search(gap) or _names_relation(gap, lexicon):
                break
        elif _OBJECT_END.search(gap) or not (
            not words
            or len(words) <= _ITEM_GAP_WORDS
            and (re.search(r"[,\-–]", gap) or any(w.strip(",") in joiners for w in words))
        ):
            break
        listed.append(place)
        end = place.hit.orig_end
    return listed


_OBJECT_END = re.compile(r"[;:!?\n]|\.(?:\s|$)")


def _names_relation(span: str, lexicon) -> bool:
    """Whether a relation term (twin, friendship, agreement, cooperation, generic, and their weak words) begins at
    one of the words of ``span``: a term's pattern begins with its first word as written (``Term.key``), so only the
    terms whose first word starts there are tried (:func:`_relation_terms`)."""
    by_key, key_lengths = derived(lexicon, ("relation_terms",), lambda: _relation_terms(lexicon))
    folded = fold_for_matching(span)
    starts = [0] + [m.end() for m in re.finditer(r"[\s(\"'„“«]+", folded)]
    return any(
        pattern.match(folded, at)
        for at in starts
        for length in key_lengths
        for pattern in by_key.get(folded[at : at + length], ())
    )


def _relation_terms(lexicon) -> tuple[dict[str, list[re.Pattern]], list[int]]:
    """The patterns of the relation terms and their weak words by first word (:func:`_names_relation`), and the
    lengths of those words. One alternation of all of them would say the same, but compiling it took 4 s of every
    process that detects."""
    kinds = set(RELATION_KINDS) | {"agreement_word", "friendship_word", "cooperation_word"}
    by_key: dict[str, list[re.Pattern]] = {}
    for term in lexicon.terms:
        if term.kind in kinds:
            by_key.setdefault(term.key, []).append(term.pattern)
    return by_key, sorted({len(key) for key in by_key})


def subject_candidates(text: str, segment, mentions: list, mention, lexicon) -> list:
    """The EU mentions of the sentence that may be the subject of the partner ``mention``: those of the partner's own
    clause (:func:`own_clause`), less those that a "with" word governs together with the partner
    (:func:`relation_objects`: "Temecula" in "stedenbanden met Hranice ... en een stedenband met Temecula" has Hranice
    as a fellow partner, not as its subject); only the head of a "with which" clause that holds the partner
    (:func:`with_relative_head`). A partner mention that is a country's name ("Poland", a US town's name too) names
    no other clause's partner."""
    from analysis.collect.web.places import country_name_keys

    countries = country_name_keys()  # "Zamosc, Poland": a country word read as a US town pairs no clause
    partners = [
        m
        for m in mentions
        if m.role == "partner"
        and m is not mention
        and fold_for_matching(text[m.hit.orig_start : m.hit.orig_end]).strip() not in countries
    ]
    eu = own_clause(text, segment, mention, [m for m in mentions if m.role == "eu"], partners)
    head = with_relative_head(text, eu, mention, lexicon)
    if head is not None:
        return [head]
    objects = relation_objects(text, segment, mentions, lexicon)
    if id(mention) not in objects:
        return eu
    return [m for m in eu if id(m) not in objects]


def with_relative_head(text: str, eu: list, mention, lexicon):
    """The EU place, perhaps followed by a town word, that heads a relative clause opened by a "with" word and a
    relative pronoun and holding the partner ("Daugpilio miestą, su kuriuo ir Rokiškis, ir Harbinas yra pasirašę
    partnerystės sutartis"; "Esslingen, with which Sheboygan and Udine are twinned"): the pronoun stands for that
    place, the relation's "with" party, so the places inside the clause are each tied to it, not to one another.
    None when no such clause holds the partner."""
    with_words = lexicon_words(lexicon) - _ARTICLE_WITH
    for head in sorted(eu, key=lambda m: -m.hit.orig_start):
        end = head.hit.orig_end
        if end > mention.hit.orig_start:
            continue
        word = _NEXT_WORD.match(text, end)
        if word and is_term_word(fold_for_matching(word.group(1)).strip(",").strip(), "town_word", lexicon):
            end = word.start(1) + len(word.group(1).rstrip(","))
        clause = relative_clause_after(text, end, lexicon)
        if (
            clause is None
            or clause > mention.hit.orig_start
            or _OBJECT_END.search(text[clause : mention.hit.orig_start])
        ):
            continue
        lead = fold_for_matching(text[end:clause]).replace(",", " ").split()
        if any(w in with_words for w in lead):
            return head
    return None


def own_clause(text: str, segment, mention, eu: list, partners: list = ()) -> list:
    """The EU mentions of ``eu`` that stand in the partner's own clause of the sentence (the text between
    semicolons), when that clause names one and another clause names another partner (``partners``): a sentence that
    lists its pairs clause by clause ("Bristol está geminada com Lagoa; East Providence com Ribeira Grande; Newport
    com Ponta Delgada") ties each partner to its own clause's places only. All of ``eu`` when the partner's clause
    names none ("Cork is twinned with: Rennes; San Francisco"), or when no other clause names a partner: semicolons
    then separate the items of one list ("Fountain Hills maintains Sister City relationships with Dierdorf, Germany;
    Ataco, El Salvador and Zamosc, Poland")."""
    start = text.rfind(";", segment.start, mention.hit.orig_start) + 1 or segment.start
    end = text.find(";", mention.hit.orig_end, segment.end)
    end = segment.end if end < 0 else end
    inside = [m for m in eu if start <= m.hit.orig_start and m.hit.orig_end <= end]
    paired_elsewhere = any(
        segment.start <= m.hit.orig_start < segment.end and not start <= m.hit.orig_start < end for m in partners
    )
    return inside if inside and paired_elsewhere else eu


def heads_relative_clause(text: str, outside: list, mention, lexicon) -> bool:
    """Whether an EU place of the partner's sentence opens, before the partner, a relative clause that holds the
    partner, perhaps after a bracketed qualifier ("C'est le cas de Paimpol (Côtes-d'Armor), qui en a choisi trois –
    ..., Vermillion aux États-Unis"; "Esslingen, die mit Sheboygan ..."): the clause is about that place, which is the
    tie's subject even when the relation term stands in a neighbouring sentence."""
    for eu in outside:
        end = eu.hit.orig_end
        if end > mention.hit.orig_start:
            continue
        bracket = re.match(r"\s*\([^()]{0,60}\)", text[end : mention.hit.orig_start])
        clause = relative_clause_after(text, end + (bracket.end() if bracket else 0), lexicon)
        if clause is not None and clause < mention.hit.orig_start:
            return True
    return False


def is_owner(place, page_unit_id: str | None, owner) -> bool:
    """Whether ``place`` is the page owner (the frame unit ``page_unit_id``, or the EU place ``owner`` outside it)."""
    if page_unit_id:
        return bool(place.unit_id) and place.unit_id == page_unit_id
    return (
        owner is not None
        and place.unit_id is None
        and (place.name, place.country_iso2)
        == (
            owner.name,
            owner.country_iso2,
        )
    )


_ITEM_MAX_WORDS = 12  # a longer line ends the list


def own_list_items(text: str, segment, all_eu: list, mention, term, lexicon) -> list:
    """The EU places that open the lines listed after the partner's sentence when that sentence ends in a colon or is
    a heading line of its own, and names the partner as the list's owner: before its relation term, or right after it
    with only "of" words and articles between ("Sister Cities of Charlotte", "Partnerstädte Charlottes"): the
    partner's own list of partners ("San Antonio maintains sister city relationships with 12 other cities:" / "-
    Darmstadt, Germany (Established 2017)"), each line's first EU place its party. A sentence that names an EU place
    itself has a list only when the partner owns it after the term ("Nicht nur für Krefeld, sondern auch für die
    anderen Partnerstädte Charlottes:"). Lines are items while they are short and end in no full stop (blank lines
    between them allowed); a line that names no EU place is a partner outside the EU. Empty otherwise."""
    sentence = text[segment.start : segment.end].rstrip()
    closing = text[segment.end : segment.end + 2].lstrip(" \t")
    if not (sentence.endswith(":") or closing.startswith(":") or _heading_line(text, segment)):
        return []
    owned_after = mention.hit.orig_start >= term.orig_end and _of_words_only(
        text[term.orig_end : mention.hit.orig_start], lexicon
    )
    if mention.hit.orig_end > term.orig_start and not owned_after:
        return []
    if not owned_after and any(segment.start <= m.hit.orig_start < segment.end for m in all_eu):
        return []
    start = text.find("\n", segment.end)
    items = []
    while start >= 0:
        end = text.find("\n", start + 1)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line:
            if len(line.split()) > _ITEM_MAX_WORDS or _SENTENCE_END.search(line):
                break
            inside = [m for m in all_eu if start <= m.hit.orig_start < end]
            if inside:
                items.append(min(inside, key=lambda m: m.hit.orig_start))
        start = end if end < len(text) else -1
    return items


def _heading_line(text: str, segment) -> bool:
    """Whether the segment is a line of its own (blank before and after it on its line), short and without a full
    stop, and more lines follow: a heading ("Sister Cities of Charlotte")."""
    line_start = text.rfind("\n", 0, segment.start) + 1
    line_end = text.find("\n", segment.end)
    if line_end < 0 or text[line_start : segment.start].strip() or text[segment.end : line_end].strip():
        return False
    line = text[segment.start : segment.end].strip()
    return len(line.split()) <= _ITEM_MAX_WORDS and not _SENTENCE_END.search(line)


def _of_words_only(gap: str, lexicon) -> bool:
    """Whether ``gap`` holds nothing but "of" words and articles (``of_word``, ``pair_filler``): a genitive link."""
    allowed = lexicon_words(lexicon, "of_word") | lexicon_words(lexicon, "pair_filler")
    return all(word in allowed for word in fold_for_matching(gap).split())


_SENTENCE_END = re.compile(r"[.!?]$")


_TITLE_MAX_WORDS = 15
_DATELINE_MARK = re.compile(r"\s*(?:[-–—:]\s|,\s*\d|\.\s)")
_HEAD_LINES = 2  # a dateline opens one of the text's first two lines (a title may stand above it)


def title_places(text: str, segments, candidates: list, language: str | None) -> list:
    """The ``candidates`` (EU mentions) that the text's dateline or title names, when they lie in a country of the
    text's language (a title's capitalised word is often no place): a name that opens one of the first two lines
    followed by a dash, a colon, a comma and a date, or a full stop ("PALERMO – ...", "ESSLINGEN: ...", "Palermo, 4
    marzo 2008 – ..."), else the first line's names when that line is one short sentence without a full stop and more
    text follows ("Killarney risks losing twinning status over lack of visits abroad"): the place the text is about.
    Empty when the text has neither."""
    from analysis.collect.web.eu_forms import language_countries

    countries = language_countries(language)
    local = [m for m in candidates if any(p.country_iso2 in countries for p in m.places)]
    if not segments or not local:
        return []
    starts = [0] + [found.end() for found in re.finditer(r"\n", text)]
    lines = [s for s in starts if text[s : text.find("\n", s) if "\n" in text[s:] else len(text)].strip()]
    opening = [m for m in local if any(not text[s : m.hit.orig_start].strip(" \t\"'„“«") for s in lines[:_HEAD_LINES])]
    dated = [m for m in opening if _DATELINE_MARK.match(text, m.hit.orig_end)]
    if dated:
        return dated
    first = segments[0]
    line_end = text.find("\n", first.start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[first.start : line_end].strip()
    titled = first.end >= line_end - 1 and len(segments) > 1 and len(line.split()) <= _TITLE_MAX_WORDS
    if titled and not _SENTENCE_END.search(line):
        return [m for m in local if first.start <= m.hit.orig_start < line_end]
    return []


_SUBJECT_WORDS = 5  # at most this many words before the relation term for a town noun to be the sentence's subject
_SUBJECT_LEAD = 3  # the town noun among the first three words ("The Kerry town has ...", "Die Stadt pflegt ...")


def town_subject(text: str, holder, term, eu: list, lexicon) -> bool:
    """Whether the sentence ``holder`` has as its subject, before its relation term, a town noun that points back to
    the text's topic ("The Kerry town has twinning links with centres from France to Sweden to Sicily", "Die Stadt
    pflegt ...", "La ville entretient ...": ``town_word`` and ``municipality_noun`` words among its first three) and
    names none of its EU places ``eu`` before the term: those places are where the links lead, not the subject."""
    if any(holder.start <= m.hit.orig_start < term.orig_start for m in eu):
        return False
    words = [w.strip(",.;:\"'()") for w in fold_for_matching(text[holder.start : term.orig_start]).split()]
    if not words or len(words) > _SUBJECT_WORDS:
        return False
    kinds = ("town_word", "municipality_noun")
    return any(is_term_word(w, kind, lexicon) for w in words[:_SUBJECT_LEAD] for kind in kinds)


def titles_text(text: str, hit, places, language: str | None) -> bool:
    """Whether the name ``hit`` opens the text's title line (the first line: short, no full stop, more text below)
    and one of its EU ``places`` lies in a country of the text's language ("Killarney risks losing twinning status
    over lack of visits abroad"): a title names the text's place, so a capitalised first word there is the place."""
    from analysis.collect.web.eu_forms import language_countries

    end = text.find("\n")
    line = text[:end].strip() if end > 0 else ""
    if not line or text[: hit.orig_start].strip(" \t\"'„“«") or len(line.split()) > _TITLE_MAX_WORDS:
        return False
    countries = language_countries(language)
    local = any(p.role == "eu" and p.country_iso2 in countries for p in places)
    return local and not _SENTENCE_END.search(line) and bool(text[end:].strip())


def owner_yields(decisions: list) -> list:
    """``decisions`` with the page owner's findings that its fallback gave (the sentence names no EU place) turned
    into rejections when the text credits the same partner to another EU place by name ("Tongling, der chinesischen
    Partnerstadt von Marbach am Neckar" on the district's page): the text says whose partner it is."""
    from analysis.collect.web.rules import OWNER_FALLBACK_RULE

    named = {
        (d.finding.partner_id, d.finding.eu_place)
        for d in decisions
        if d.finding and d.finding.partner_id and OWNER_FALLBACK_RULE not in d.finding.rule
    }
    out = []
    for d in decisions:
        f = d.finding
        other = f and OWNER_FALLBACK_RULE in f.rule and {e for p, e in named if p == f.partner_id} - {f.eu_place}
        if other:
            reason = f"page owner yields: the text credits {f.partner_name} to {sorted(other)[0]} by name"
            d = d._replace(finding=None, reason=reason)
        out.append(d)
    return out
