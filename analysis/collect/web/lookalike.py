"""Partner mentions that stand in a sentence with a real relation term but are not the EU place's partner.

Checked by :mod:`analysis.collect.web.detect` once the relation term is chosen (step 4), each a class of false ties
seen on real pages, with the reason the finding is dropped:

- a **state or province named as a location**: after a locative preposition and an optional state word ("die
  Kreisstadt im US-Bundesstaat Illinois"; "within the state of Maryland"; "in der Provinz Jiangsu"): where the
  partner lies, not the partner;
- **the partner of the partner**: the relation term belongs to a US or Chinese place ("Neben Mainz hat Louisville
  folgende Partnerstädte: ... Jiujiang (China)"; "the sister cities of Louisville: ..."): the US or Chinese places it
  lists are that place's partners;
- **"Twin Cities" as a place**: a partner name right beside the place name Twin Cities and farther from the real
  relation term ("bildet in den USA mit Minneapolis die Twin Cities");
- **a person named after a US place**: a US name followed by a capitalised word that is no place, state or term and
  ends the name ("meru Mitchell Landrieu ir", "Sindaco: Brandon Johnson");
- **places that locate the partner**: two US or Chinese places paired by "between ... and" with no EU place ("a
  seaside town midway between Boston and Plymouth County"): where a partner lies, not partners;
- **a news dateline**: a partner name alone at the start of a line before a full stop or a dash ("Washington. Mehr
  als 200 Partnerschaften ..."), with a relation term only in a neighbouring sentence: where the report was written;
- **the city that holds a partner district**: a Chinese name right after another Chinese partner with only an "of"
  word, an article or a parenthesis between ("Τσαογιάνγκ του Πεκίνου", "Jiangning (Nanjing)"): the district's city;
- **a place inside the partner**: the relation term names another partner right after it ("partnerské provincii
  Jiangsu", "Partnerprovinz Jiangsu") and the mention stands before it with a locative preposition ("z čínského města
  Suqian v partnerské provincii Jiangsu"): a place that lies in the partner, not a partner of its own;
- **a relation term that names another partner after it**: the term is followed by another US or Chinese name with
  nothing but an "of" word or an article between ("a delegation to Boston and X's sister city of Chicago"): the term
  is that place's, not that of a name before it;
- **a relation term in another place's relative clause**: the term stands in a relative clause that follows another
  US or Chinese name between the mention and the term ("X liegt in der Provinz Hubei, die mit ... eine Partnerschaft
  unterhält"): the clause is about that place (which is then no mere location), not about the mention.

:func:`without_listed_fields` drops a tourism cue that is one field in an enumeration of cooperation fields ("no
domínio económico, na cultura e no turismo, no desporto"): the cooperation covers tourism, it is no tourism look-alike.
:func:`unheld` keeps a sentence from lending such a held relation term to its neighbours ("delegace z partnerské
provincie Ťiangsu. ... po provincii Kuang-tung" is no tie with Guangdong).
"""

from __future__ import annotations

import os
import re

from analysis.collect.web import person_title
from analysis.collect.web.discourse import _phrases, lexicon_words
from analysis.collect.web.eu_side import clause_holds_relation, relative_clause_after
from analysis.collect.web.lexicon import ADMIN1_CALLED, RELATION_KINDS, fold_for_matching, is_term_word, name_key
from analysis.collect.web.matcher import NameHit, TermHit

# At most this many words between a place and the relation term it holds ("hat Louisville folgende Partnerstädte").
_HOLDER_WORDS = 2
_HOLDER_GAP = re.compile(r"[^\W\d_]+")
_OF_WORDS = frozenset({"of", "von", "de", "di", "du", "des", "del", "della", "van", "da"})
_ARTICLES = frozenset({"the", "der", "dem", "den", "die", "la", "le", "l", "el", "lo", "il", "o", "a", "het", "de"})
_TWIN_CITIES_GAP = 25
# At most this many characters and words between a partner and its own state or province ("Pengžou miesto, Sičuano").
_ADMIN1_GAP_CHARS = 40
_ADMIN1_GAP_WORDS = 4
_FRAGMENT_AFTER = re.compile(r"-[a-zà-öø-ÿ]")
_QUOTED_BEFORE = re.compile(r"[\"”»“'’]-$")
_IRISH_PATRONYM = re.compile(r"(?<![^\W\d_])O['’]$")  # "O’Connell", "O'Brien": a surname, not Connell or Brien
# A hyphenated given name before a surname ("Cheng-Hong Shen"); "Kuangsi-Czuang." (Guangxi Zhuang) is a place.
_COMPOUND_AFTER = re.compile(r"-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+ [A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]")
# the given name stands on the same line: a capitalised word that ends the line before is a heading's last word
# ("Mora Minnesota" / "Mora Minnesota i USA blev vår vänort")
_GIVEN_NAME_BEFORE = re.compile(r"(?<![\w'’.-])([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,})[ \t\xa0]$")
_SENTENCE_BEFORE = re.compile(r"(?:^|[.!?:;\n«\"“„]\s*)$")
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
_TITLE_BEFORE = re.compile(r"(?:^|\s)[A-Z][a-z]{1,3}\.\s+$")  # "Cllr. ", "Dr. ", "Mr. ": a title, no sentence end
# Surnames read as partner names are short (Yuan, Wang, Murphy, Mitchell, Williams); place names glued to a
# capitalised common noun of a language that capitalises some nouns are longer ("Dystryktem Qingbaijiang").
_SURNAME_MAX = 9


def problem(lexicon, text: str, mention, mentions, terms, relation_choice, language: str | None = None) -> str | None:
    """Why the partner ``mention`` is no partner of an EU place in this sentence, or None (module docstring)."""
    return (
        _word_fragment(text, mention, mentions)
        or _person(text, mention, mentions, terms, language, lexicon)
        or _state_as_location(lexicon, text, mention, terms, language)
        or _admin1_of_previous(lexicon, text, mention, mentions, terms)
        or _partner_of_partner(lexicon, text, mention, mentions, relation_choice)
        or _twin_cities_place(mention, terms, relation_choice)
        or _inside_held_partner(lexicon, text, mention, mentions, relation_choice)
        or _surname_after(text, mention, mentions, terms, language)
        or _dateline(text, mention, relation_choice)
        or _agency_credit(text, mention)
        or _parent_of_partner(text, mention, mentions, terms)
        or _holder_of_next(lexicon, text, mention, mentions)
        or _district_of(text, mention, terms)
        or _locating_pair(lexicon, text, mention, mentions)
        or _in_relative_clause_of_other(lexicon, text, mention, mentions, relation_choice)
        or _term_names_other(lexicon, text, mention, mentions, relation_choice)
    )


def _word_fragment(text: str, mention, mentions) -> str | None:
    """A name glued by a hyphen to lower-case letters is part of a word ("King-ston upon Hull", "Chicago-style"); one
    glued to a capitalised word that is no place, before a further capitalised word, is part of a person's name
    ("Cheng-Hong Shen"); one glued by a hyphen to a quoted word before it is part of a club's or firm's name
    ("\"Miner\"-Chicago", a football club); one right after the Irish "O'" is a surname ("Fr. John O’Connell")."""
    end = mention.hit.orig_end
    if _QUOTED_BEFORE.search(text, max(0, mention.hit.orig_start - 2), mention.hit.orig_start):
        return "a name glued by a hyphen to a quoted word before it: part of a club's or firm's name, not a place"
    if _IRISH_PATRONYM.search(text, max(0, mention.hit.orig_start - 3), mention.hit.orig_start):
        return "a name after the Irish patronymic O': part of a surname, not a place"
    if _FRAGMENT_AFTER.match(text, end):
        return "a name glued to a lower-case word part by a hyphen: part of a word, not a place"
    if _COMPOUND_AFTER.match(text, end) and not any(m.hit.orig_start == end + 1 for m in mentions):
        return "a name glued by a hyphen to a capitalised word that is no place: part of a compound name"
    return None


def _person(text: str, mention, mentions, terms, language, lexicon=None) -> str | None:
    """A name right after a capitalised word that is neither a place, a lexicon term nor the sentence's first word:
    a given name and a surname ("Cllr. Jason Murphy welcomed"; "Jiajun Yuan y"), for a name of at most
    ``_SURNAME_MAX`` letters, unless a region word stands before that word ("Regiunii Autonome Guangxi"). Not in
    German, which capitalises every noun ("Hafenstadt Qingdao"). A name inside a
    Chinese person's name (a ``cn_person`` term: "Jiajun Yuan") is that person's, in every language. Titles come from
    ``lexicon`` (the detector's; :func:`~analysis.collect.web.person_title.title_before`)."""
    start = mention.hit.orig_start
    for t in terms:
        if t.kind == "cn_person" and t.orig_start <= start and mention.hit.orig_end <= t.orig_end:
            return f"a person's name ('{text[t.orig_start : t.orig_end]}'): a Chinese given name and surname"
    title = person_title.title_before(text, start, language, lexicon)
    if title:
        return f"a person's name: the title '{title}' stands before it (person_title.py)"
    if language in _NOUNS_CAPITALISED or len(text[start : mention.hit.orig_end]) > _SURNAME_MAX:
        return None
    found = _GIVEN_NAME_BEFORE.search(text, max(0, start - 30), start)
    if found is None:
        return None
    word_start = found.start(1)
    if any(
        m.hit.orig_start < start and m.hit.orig_end > word_start
        for m in mentions
        if m is not mention and not _given_name_like(m)
    ):
        return None
    if any(t.orig_start < start and t.orig_end > word_start for t in terms):
        return None
    if _after_region_word(text, terms, word_start):
        return None
    before = text[max(0, word_start - 8) : word_start]
    if word_start > 0 and (not _SENTENCE_BEFORE.search(before) or _TITLE_BEFORE.search(before)):
        name = found.group(1) + " " + text[start : mention.hit.orig_end]
        return f"a person's name ('{name}'): a given name before the partner name"
    return None


def _after_region_word(text: str, terms, word_start: int) -> bool:
    """Whether a region, province or state word (``ADMIN1_CALLED``) stands right before the capitalised word: that word
    qualifies the unit ("Regiunii Autonome Guangxi", "Provincia Autonoma"), a title's adjective, no given name."""
    return any(
        t.kind in ADMIN1_CALLED and t.orig_end <= word_start and not text[t.orig_end : word_start].strip()
        for t in terms
    )


def _given_name_like(mention) -> bool:
    """A mention that may be a given name before a surname: a third country's place ("Léo"), or only small US or
    Chinese places that need context to be partners ("Vincent Gray", "Sylvester Turner": Vincent and Sylvester are
    small US towns); a strong partner or an EU place before the name is a place ("Shanghai Pudong")."""
    return mention.role == "other" or (
        mention.role == "partner" and all(p.role == "partner" and not p.strong for p in mention.places)
    )


def _state_as_location(lexicon, text: str, mention, terms, language: str | None = None) -> str | None:
    """A state or province (a US town of the same name too, when a state word precedes it: "the state of Maryland")
    after a locative preposition."""
    if not any(p.role == "admin1" for p in mention.places) or clause_holds_relation(text, mention, terms, lexicon):
        return None
    start = mention.hit.orig_start
    for t in terms:
        if (
            t.kind in ("state_word", "province_word")
            and t.orig_end <= start
            and not text[t.orig_end : start].strip(" -")
        ):
            start = t.orig_start
    only_admin1 = all(p.role == "admin1" for p in mention.places if p.role in ("partner", "admin1"))
    if start == mention.hit.orig_start and not only_admin1:
        return None
    words = fold_for_matching(text[max(0, start - 40) : start]).split()
    if words and words[-1] in _ARTICLES:
        words = words[:-1]
    before = " " + " ".join(words)
    if any(before.endswith(" " + phrase) for phrase in _phrases(lexicon, "locative_preposition", language)):
        return "a state or province named as a location (after a locative preposition): where a partner lies"
    return None


def _term_names_other(lexicon, text: str, mention, mentions, relation_choice) -> str | None:
    """The relation term after the mention names another partner right after it, joined by "of" words or articles
    only: the term is that partner's."""
    term = relation_choice.term
    if relation_choice.neighbour or term.orig_start < mention.hit.orig_end:
        return None
    joiners = lexicon_words(lexicon, "of_word") | lexicon_words(lexicon, "pair_filler")
    for other in mentions:
        if other is mention or other.role != "partner" or other.hit.orig_start < term.orig_end:
            continue
        gap = text[term.orig_end : other.hit.orig_start]
        words = fold_for_matching(gap).split()
        if words and len(words) <= _HOLDER_WORDS + 1 and not re.search(r"[,.;:]", gap) and set(words) <= joiners:
            name = text[other.hit.orig_start : other.hit.orig_end]
            return f"the relation term names {name} as its partner right after it: not this place's"
    return None


def _in_relative_clause_of_other(lexicon, text: str, mention, mentions, relation_choice) -> str | None:
    """The relation term stands in a relative clause about another US or Chinese name that lies between the mention
    and the term: the tie is that place's."""
    term = relation_choice.term
    if relation_choice.neighbour or term.orig_start < mention.hit.orig_end:
        return None
    for other in mentions:
        if other is mention or other.role != "partner" or not mention.hit.orig_end <= other.hit.orig_start:
            continue
        clause = relative_clause_after(text, other.hit.orig_end, lexicon)
        if clause is not None and clause <= term.orig_start:
            name = text[other.hit.orig_start : other.hit.orig_end]
            return f"the relation term is in a relative clause about {name}: the tie is that place's"
    return None


def _admin1_of_previous(lexicon, text: str, mention, mentions, terms) -> str | None:
    """A state or province that is the admin-1 of the partner named just before it, behind at most a town word, a
    preposition or a state or province word ("Pengžou miesto, Sičuano provincijos"; "Orașul Houston, din Texas"): it
    says where that partner lies. Only in a sentence with a relation term of its own (one that borrows its term may be
    about the province); not when a relation term, a conjunction or "with" stands between ("Suqian v partnerské
    provincii Jiangsu"; "Nanjing and Jiangsu"), nor when a relative clause after it holds the term ("Xiamen liegt in
    der Provinz Fujian, die mit ... eine Partnerschaft unterhält")."""
    states = {name_key(p.name) for p in mention.places if p.role == "admin1"}
    if not states or not any(t.kind in RELATION_KINDS for t in terms):
        return None
    if clause_holds_relation(text, mention, terms, lexicon):
        return None
    before = [m for m in mentions if m.hit.orig_end <= mention.hit.orig_start]
    if not before:
        return None
    previous = max(before, key=lambda m: m.hit.orig_end)
    own = {name_key(p.admin1 or "") for p in previous.places if p.role == "partner"}
    gap_start, gap_end = previous.hit.orig_end, mention.hit.orig_start
    if previous.role != "partner" or not states & own or gap_end - gap_start > _ADMIN1_GAP_CHARS:
        return None
    words = name_key(text[gap_start:gap_end]).split()
    joiners = set(_phrases(lexicon, "list_separator")) | set(_phrases(lexicon, "pair_with"))
    if len(words) > _ADMIN1_GAP_WORDS or joiners.intersection(words):
        return None
    if any(t.kind in RELATION_KINDS and t.orig_start < gap_end and t.orig_end > gap_start for t in terms):
        return None
    name = text[previous.hit.orig_start : previous.hit.orig_end]
    return f"the state or province of {name}, named right after it: where that partner lies, not a partner"


def _partner_of_partner(lexicon, text: str, mention, mentions, relation_choice) -> str | None:
    """The relation term is held by another US/Chinese place right before it or right after it with an "of" word, and
    the partner stands in the list that a colon opens after the term (not after a semicolon, not paired with a place
    of its own): "Esslingen ist Partnerstadt von Saint Paul und Minneapolis" lists Esslingen's partners."""
    term = relation_choice.term
    if relation_choice.neighbour or term.orig_end > mention.hit.orig_start:
        return None
    listed = text[term.orig_end : mention.hit.orig_start]
    if ":" not in listed or ";" in listed:
        return None
    after = fold_for_matching(text[mention.hit.orig_end : mention.hit.orig_end + 12]).split()
    if after and after[0] in lexicon_words(lexicon):
        return None  # paired with a place of its own ("East Providence com Ribeira Grande")
    for other in mentions:
        if other is mention or other.role != "partner" or other.hit.orig_start >= mention.hit.orig_start:
            continue
        if other.hit.orig_end <= term.orig_start:
            gap = text[other.hit.orig_end : term.orig_start]
            holds = not re.search(r"[,.;:()–—]", gap) and len(_HOLDER_GAP.findall(gap)) <= _HOLDER_WORDS
        else:
            gap = fold_for_matching(text[term.orig_end : other.hit.orig_start]).split()
            holds = 1 <= len(gap) <= 2 and gap[0] in _OF_WORDS
        if holds:
            name = text[other.hit.orig_start : other.hit.orig_end]
            return f"the partner of the partner: the relation term belongs to {name}, whose partners the sentence lists"
    return None


def _twin_cities_place(mention, terms, relation_choice) -> str | None:
    """A name beside the place name Twin Cities, nearer to it than to the relation term, is part of that place."""
    hit = mention.hit
    for t in terms:
        if t.kind != "lookalike_twin_cities":
            continue
        distance = max(t.orig_start - hit.orig_end, hit.orig_start - t.orig_end)
        if 0 <= distance <= _TWIN_CITIES_GAP:
            term = relation_choice.term
            to_relation = max(term.orig_start - hit.orig_end, hit.orig_start - term.orig_end)
            if to_relation > distance:
                return "lookalike_twin_cities: a partner name beside the place name Twin Cities, not a partner"
    return None


_SURNAME_AFTER = re.compile(r"[ \t]([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,})(?![\w'’-])(?![ \t]+[A-ZÀ-ÖØ-Þ])")
_GIVEN_NAME_MAX = 9


def _surname_after(text: str, mention, mentions, terms, language) -> str | None:
    """A US name of at most ``_GIVEN_NAME_MAX`` letters followed by one capitalised word that is neither an EU place,
    a state nor a lexicon term, and that ends the name: a person's given name and surname (not in German, which
    capitalises nouns)."""
    if language in _NOUNS_CAPITALISED or len(text[mention.hit.orig_start : mention.hit.orig_end]) > _GIVEN_NAME_MAX:
        return None
    if not any(p.country_iso2 == "US" and p.role == "partner" for p in mention.places):
        return None
    found = _SURNAME_AFTER.match(text, mention.hit.orig_end)
    if found is None:
        return None
    start, end = found.start(1), found.end(1)
    overlapping = [m for m in mentions if m.hit.orig_start < end and start < m.hit.orig_end]
    if any(m.role != "partner" or any(p.role in ("eu", "admin1") for p in m.places) for m in overlapping):
        return None
    if any(t.orig_start < end and start < t.orig_end for t in terms):
        return None
    name = text[mention.hit.orig_start : end]
    return f"a person's name ('{name}'): a surname after the place name"


def _locating_pair(lexicon, text: str, mention, mentions) -> str | None:
    """The mention is one of two US or Chinese places joined as "between A and B" with no EU place: they say where
    something lies ("midway between Boston and Plymouth County")."""
    places = [m for m in mentions if m.role != "qualifier"]
    position = places.index(mention) if mention in places else -1
    if position < 0:
        return None
    separators = lexicon_words(lexicon, "list_separator")
    between = lexicon_words(lexicon, "between_word")
    for first, second in ((position - 1, position), (position, position + 1)):
        if first < 0 or second >= len(places):
            continue
        a, b = places[first], places[second]
        if a.role != "partner" or b.role != "partner":
            continue
        joined = fold_for_matching(text[a.hit.orig_end : b.hit.orig_start]).split()
        before = fold_for_matching(text[max(0, a.hit.orig_start - 20) : a.hit.orig_start]).split()
        if len(joined) == 1 and joined[0] in separators and before and before[-1] in between:
            pair = text[a.hit.orig_start : b.hit.orig_end]
            return f"places that locate the partner ('between {pair}', no EU place): where it lies, not partners"
    return None


_LINE_START = re.compile(r"(?:^|\n)[ \t]*$")
_DATELINE_END = re.compile(r"(?:\.|[ \t]+[-–—])[ \t]+[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]")
# Genitive articles between a district and its city ("του Πεκίνου", "της Κουανγκτσόου"), folded.
_GENITIVE_ARTICLES = frozenset({"tou", "tes", "tis", "ton"})


def _dateline(text: str, mention, relation_choice) -> str | None:
    """A partner name alone at the start of a line, closed by a full stop or a dash before the next sentence, whose
    relation term is borrowed from a neighbouring sentence: a news dateline."""
    if not relation_choice.neighbour:
        return None
    if not _LINE_START.search(text, max(0, mention.hit.orig_start - 40), mention.hit.orig_start):
        return None
    if _DATELINE_END.match(text, mention.hit.orig_end):
        return "a news dateline (a place name opening the report): where it was written, not a partner"
    return None


_AGENCY_BEFORE = re.compile(r"(?:^|\n)[^\n(]{0,60}\($")
_DATELINE_MARK = re.compile(r"\d|\b[A-ZÀ-Þ]{3,}\b")
_AGENCY_AFTER = re.compile(r"\)\s*(?:--|[–—-])\s")


def _agency_credit(text: str, mention) -> str | None:
    """A name in parentheses closing a dateline and followed by a dash ("ZAGREB, May 18 (Xinhua) -- Yancheng ...",
    "Nitra 29. mája (TASR) - ..."): the news agency that wrote the report, not a partner."""
    start, end = mention.hit.orig_start, mention.hit.orig_end
    before = _AGENCY_BEFORE.search(text, max(0, start - 62), start)
    if before is None or not _AGENCY_AFTER.match(text, end):
        return None
    if _DATELINE_MARK.search(before.group()):  # a date or a place in capitals: "ZAGREB, May 18", "PARIS"
        return "a news agency credited in the dateline ('(Xinhua) --'): not a partner"
    return None


def _parent_of_partner(text: str, mention, mentions, terms=()) -> str | None:
    """A Chinese prefecture right after another Chinese partner mention with only "of" words, articles or brackets
    between, or a district word set off by a dash or comma ("Tongzhou – a city district of Beijing"): the city that
    holds that district, named to locate it."""
    if not any(p.country_iso2 == "CN" and p.role == "partner" for p in mention.places):
        return None
    before = [m for m in mentions if m.hit.orig_end <= mention.hit.orig_start and m.role == "partner"]
    if not before:
        return None
    previous = max(before, key=lambda m: m.hit.orig_end)
    if not any(p.country_iso2 == "CN" for p in previous.places):
        return None
    start, end = previous.hit.orig_end, mention.hit.orig_start
    gap = text[start:end]
    districts = [t for t in terms if t.kind == "lookalike_district" and start <= t.orig_start and t.orig_end <= end]
    for t in sorted(districts, key=lambda t: -t.orig_start):
        gap = gap[: t.orig_start - start] + " " + gap[t.orig_end - start :]
    if districts:
        gap = re.sub(r"[-–—,]", " ", gap)
    words = fold_for_matching(gap).replace("(", " ").split()
    if len(words) <= 2 and all(w in _OF_WORDS or w in _ARTICLES or w in _GENITIVE_ARTICLES for w in words):
        district = text[previous.hit.orig_start : previous.hit.orig_end]
        return f"the city that holds the partner district {district}: named to locate it, not a partner of its own"
    return None


def _holder_of_next(lexicon, text: str, mention, mentions) -> str | None:
    """A Chinese partner name joined to the next Chinese partner name by a "belonging to" participle and perhaps a
    town word ("Pekingin kaupunkiin kuuluva Chaoyangin kaupunginosa"): the city that holds that district."""
    if not any(p.country_iso2 == "CN" and p.role == "partner" for p in mention.places):
        return None
    after = [m for m in mentions if m.hit.orig_start >= mention.hit.orig_end and m.role == "partner"]
    if not after:
        return None
    following = min(after, key=lambda m: m.hit.orig_start)
    if not any(p.country_iso2 == "CN" for p in following.places):
        return None
    gap = text[mention.hit.orig_end : following.hit.orig_start]
    words = [w.strip(",()") for w in fold_for_matching(gap).split()]
    if gap[:1].isalpha():
        words = words[1:]  # a case ending glued to the name ("Pekingin")
    belonging = [w for w in words if is_term_word(w, "belonging_word", lexicon)]
    if not belonging or len(words) > _HOLDER_WORDS + 1 or re.search(r"[.;:]", gap):
        return None
    rest = [w for w in words if w not in belonging and w not in _OF_WORDS and w not in _ARTICLES]
    if all(is_term_word(w, "town_word", lexicon) or is_term_word(w, "municipal", lexicon) for w in rest):
        district = text[following.hit.orig_start : following.hit.orig_end]
        return f"the city that holds the partner district {district}: named to locate it, not a partner of its own"
    return None


def _district_of(text: str, mention, terms) -> str | None:
    """A partner name right after a district word and only "of" words or articles ("a city district of Beijing",
    "mestskej časti Pekingu"): the city that holds the district meant, not a partner of its own. A name that can be
    a district itself is the district's own name ("o distrito de Dongcheng")."""
    if any(p.level in ("district", "county") for p in mention.places if p.role == "partner"):
        return None
    for t in terms:
        if t.kind != "lookalike_district" or t.orig_end > mention.hit.orig_start:
            continue
        gap = text[t.orig_end : mention.hit.orig_start]
        words = fold_for_matching(gap).split()
        if gap[:1].isalpha() and words:
            words = words[1:]  # the rest of the district word ("časti" after "časť*")
        if len(words) <= 2 and all(w in _OF_WORDS or w in _ARTICLES or w in _GENITIVE_ARTICLES for w in words):
            return "a city named as the holder of a district ('a district of X'): the district is meant, not the city"
    return None


_FIELD_KINDS = frozenset({"lookalike_tourism"})
_FIELD_TOKENS = re.compile(r"[^\W\d_]+|,")
_FIELD_REACH = 4  # tokens on either side of the cue where the enumeration's separators are counted
_FIELD_SEPARATORS = 2
_CLAUSE_END = re.compile(r"[.;:!?\n]")


def without_listed_fields(text: str, terms, lexicon) -> list:
    """The terms without tourism cues that stand in an enumeration: at least ``_FIELD_SEPARATORS`` commas or list
    words ("and", "e", "y") among the ``_FIELD_REACH`` tokens on either side, within the clause."""
    if not any(t.kind in _FIELD_KINDS for t in terms):
        return terms
    separators = lexicon_words(lexicon, "list_separator")
    return [t for t in terms if t.kind not in _FIELD_KINDS or not _listed(text, t, separators)]


def _listed(text: str, term, separators: frozenset[str]) -> bool:
    start, end = max(0, term.orig_start - 80), min(len(text), term.orig_end + 80)
    before = _CLAUSE_END.split(text[start : term.orig_start])[-1]
    after = _CLAUSE_END.split(text[term.orig_end : end])[0]
    left = _FIELD_TOKENS.findall(fold_for_matching(before).replace(",", " , "))[-_FIELD_REACH:]
    right = _FIELD_TOKENS.findall(fold_for_matching(after).replace(",", " , "))[:_FIELD_REACH]
    return sum(1 for token in (*left, *right) if token == "," or token in separators) >= _FIELD_SEPARATORS


_HELD_GAP = re.compile(r"[ \t(]{1,3}")


def term_holder(text: str, term, mentions, mention=None):
    """The partner mention right after a relation term, on the same line ("Partnerprovinz Jiangsu",
    "partnerské provincie Ťiangsu (Jiangsu)"): the partner the term qualifies, or None."""
    for other in mentions:
        if other is mention or other.role != "partner" or other.hit.orig_start < term.orig_end:
            continue
        if _HELD_GAP.fullmatch(text, term.orig_end, other.hit.orig_start):
            return other
    return None


def unheld(text: str, terms, mentions, segment) -> list:
    """The terms of a segment that it may lend to its neighbours: not relation terms held by a partner name right after
    them (such a term qualifies that partner), nor the shorter terms inside them ("partner" in "partner province"). A
    lead-in that ends with a colon lends all its terms to the list it opens ("twinned with Sheboygan and, since then,
    with the following:")."""
    if text[segment.start : segment.end].rstrip().endswith(":"):
        return list(terms)
    held = [t for t in terms if t.kind in RELATION_KINDS and term_holder(text, t, mentions) is not None]
    return [
        t
        for t in terms
        if t.kind not in RELATION_KINDS
        or not any(h.orig_start <= t.orig_start and t.orig_end <= h.orig_end for h in held)
    ]


def _inside_held_partner(lexicon, text: str, mention, mentions, relation_choice) -> str | None:
    """The relation term qualifies another partner right after it and the mention is joined to the term by a locative
    preposition only ("Suqian v partnerské provincii Jiangsu"): a place in that partner."""
    term = relation_choice.term
    if relation_choice.neighbour or mention.hit.orig_end > term.orig_start:
        return None
    holder = term_holder(text, term, mentions, mention)
    if holder is None:
        return None
    gap = fold_for_matching(text[mention.hit.orig_end : term.orig_start]).split()
    if gap and gap[-1] in _ARTICLES:
        gap = gap[:-1]
    if gap and " ".join(gap) in _phrases(lexicon, "locative_preposition"):
        name = text[holder.hit.orig_start : holder.hit.orig_end]
        return f"a place inside the partner: the relation term qualifies {name}, in which the place lies"
    return None


_INITIAL_AFTER = re.compile(r"\s+[A-Z]\.\s")
_INITIAL_BEFORE = re.compile(r"\b[A-Z][a-zà-ž]+\s+[A-Z]\.\s+$")


def person_name(
    text: str, hit: NameHit, found, surnames: list[TermHit], language: str | None = None, lexicon=None
) -> bool:
    """A name that belongs to a person: before an initial ("Mark W. Eckert"), after a given name and an initial
    ("Jamesa D. Griffina"), a one-word EU name after a given name in an apposition between commas ("the mayor of
    X, Anna Lisboa, said"), a capitalised EU name after a title or office (:mod:`person_title`: "Landrat Dr. Rainer Haas"
    is no Rheine; "maire du Raincy" names the town by its article), an inflected one-word EU name before a capitalised word with the same case ending
    (a given name and a surname: Polish "autorstwa Mariana Kowala"), or a Chinese place name right next
    to a Chinese surname ("Chen Jining", "Cangzhou Zhan"). The titles are ``lexicon``'s (the detector's), else those of
    :func:`~analysis.collect.web.lexicon.load_lexicon`."""
    if _INITIAL_AFTER.match(text, hit.orig_end) or _INITIAL_BEFORE.search(
        text, max(0, hit.orig_start - 40), hit.orig_start
    ):
        return True
    if all(p.role == "eu" for p in found) and (
        _apposed_person(text, hit, language)
        or _given_name_in_case(text, hit, found, language)
        or (
            text[hit.orig_start : hit.orig_start + 1].isupper()
            and person_title.title_before(text, hit.orig_start, language, lexicon)
        )
    ):
        return True
    if any(p.country_iso2 == "CN" and p.role in ("partner", "admin1") for p in found):
        for surname in surnames:
            if surname.orig_start < hit.orig_end and hit.orig_start < surname.orig_end:
                continue
            if text[surname.orig_end : hit.orig_start] == " " or text[hit.orig_end : surname.orig_start] == " ":
                return True
    return False


def _apposed_person(text: str, hit: NameHit, language: str | None) -> bool:
    """A one-word name right after a capitalised word that is no municipal word, the two (or three, with a second
    surname: "el alcalde, Enrique Toledo Sosa, realizó") set off by commas or a parenthesis ("o presidente da câmara
    de X, Anna Lisboa, recebeu"): a given name and a surname. Not in languages that capitalise nouns ("Landkreis
    Esslingen")."""
    from analysis.collect.web.lexicon import load_lexicon

    name = text[hit.orig_start : hit.orig_end]
    if (
        language in _NOUNS_CAPITALISED
        or re.search(r"[\s-]", name.strip())
        or not _APPOSITION_END.match(text, hit.orig_end)
    ):
        return False
    found = _APPOSED_GIVEN.search(text, max(0, hit.orig_start - 30), hit.orig_start)
    if found is None:
        return False
    word = fold_for_matching(found.group(1))
    return not is_term_word(word, "municipal", load_lexicon())


def _given_name_in_case(text: str, hit: NameHit, found, language: str | None) -> bool:
    """A one-word EU name read in an inflected form (the word goes on past the place's name, or ends otherwise) right
    before a capitalised word that is no lexicon term and ends with the same case ending, then a lower-case word or
    punctuation ("Mariana Kowala z", "Romanem Novákem jednali"): a given name and a surname in one case."""
    from analysis.collect.web.lexicon import load_lexicon

    if language in _NOUNS_CAPITALISED:
        return False
    found_pair = _NAME_PAIR.match(text, hit.orig_start)
    if found_pair is None:
        return False
    first, second = found_pair.group(1), found_pair.group(2)
    if not (first[0].isupper() and second[0].isupper()) or found_pair.group(3)[:1].isupper():
        return False
    names = {fold_for_matching(p.name) for p in found}
    folded = fold_for_matching(first)
    stems = [n for n in names if folded.startswith(n[:-1]) and len(folded) > len(n) - 1]
    if not stems or folded in names:
        return False
    stem = min(stems, key=len)
    common = len(os.path.commonprefix([folded, stem]))
    ending = folded[common:]
    if not 1 <= len(ending) <= _CASE_ENDING or not fold_for_matching(second).endswith(ending):
        return False
    word = fold_for_matching(second)
    return not is_term_word(word, None, load_lexicon())


_CASE_ENDING = 4
_NAME_PAIR = re.compile(r"([^\W\d_]+) ([^\W\d_]{3,})\b\s*(\S?)")
_APPOSED_GIVEN = re.compile(
    r"[,(]\s*([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,})[^\S\n]$"
)  # a line break parts a list line from the next
_APPOSITION_END = re.compile(r"(?:[ \t]+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,})?\s*[,)]")  # perhaps after a second surname
_COUNTRY_AFTER = re.compile(r"\s*(?:,|\(|\s[–-]|\s+([^\W\d_]+)\s+)\s*([^\W\d_][^\W\d_'’.-]*(?:[ -][^\W\d_]+){0,2})")


def in_other_country(text: str, mention, mentions) -> str | None:
    """Why a partner name qualified by another country right after it ("Lancaster, England", "Kaunas (Litauen)",
    "Toledo, Spanien", "Karavas –Cipru", and behind a preposition that puts a place in its country: "Bethléem en
    Palestine", "Haifa in Israel") is a place of that country: the country's name in any EU language, not the US's or
    China's ("Duluth, Minnesota, USA", "Milwaukee (Sjedinjene Države)" stay; a US state or Chinese province of a
    country's name is no country there: "Athens, Georgia"). A country's name is capitalised in every EU language: a
    lower-case form is the adjective ("Chicago z polską społecznością", with the Polish community). None otherwise."""
    from analysis.collect.web.lexicon import load_lexicon
    from analysis.collect.web.places import country_names_iso2

    found = _COUNTRY_AFTER.match(text, mention.hit.orig_end)
    if found is None:
        return None
    preposition = found.group(1)
    if preposition and name_key(preposition) not in _phrases(load_lexicon(), "qualifier_preposition"):
        return None
    words = found.group(2).split()
    codes = country_names_iso2()
    for size in range(len(words), 0, -1):
        start = found.start(2)
        end = start + len(" ".join(words[:size]))
        code = codes.get(fold_for_matching(text[start:end]).strip())
        if code is None or not text[start].isupper():  # lower case: an adjective ("z polską społecznością")
            continue
        admin1 = [m for m in mentions if start <= m.hit.orig_start < end and any(p.role == "admin1" for p in m.places)]
        if code in ("US", "CN") or admin1:
            return None
        return f"a place of another country ('{text[start:end]}' right after it): not a US or Chinese partner"
    return None


# Only "of" words and articles between a town noun and its name ("ville anglaise de", "the English town of the").
_OF_GAP = re.compile(
    r"\s*(?:(?:of|the|de|di|du|do|da|del|della|dello|van|von|la|le|el)\s+|[dl]['’]\s*)*", re.IGNORECASE
)


def other_country_town(text: str, mention, terms) -> str | None:
    """Why a partner name right after a town noun with another country's adjective (``other_country_town`` rows of
    ``web_terms.csv``: "la petite ville anglaise de Wallingford", "the English town of Lancaster", "die englische
    Stadt Boston"), with at most "of" words and articles between, is that country's town, or None."""
    for term in terms:
        if term.kind != "other_country_town" or term.orig_end > mention.hit.orig_start:
            continue
        if _OF_GAP.fullmatch(text, term.orig_end, mention.hit.orig_start):
            named = text[term.orig_start : mention.hit.orig_end]
            return f"a town of another country ('{named}'): not a US or Chinese partner"
    return None
