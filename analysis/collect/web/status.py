"""The status of a partnership statement: established, planned or ended (step 6 of :mod:`analysis.collect.web.detect`).

Planned and ended cues are lexicon terms (``web_terms.csv``, kinds ``planned`` and ``ended``, all EU languages). A cue
counts when it is near the partner, the relation term or another place of the sentence's relation terms
(``status_window_chars``), and, in a long enumeration, only outside it or in the partner's own item. Then:

- a negation word right before or after an ended or planned cue ("avslutar inte", "does not end", "nie zerwie", "has
  no plans to") cancels it (kind ``status_negation``; a cue that holds the negation itself, "no longer", "nicht mehr",
  "not yet", is no negated cue);
- an "already" word at the relation term outweighs planned cues ("ist bereits Partnerstadt"), and so does a tie the
  sentence presupposes (:mod:`analysis.collect.web.presupposed`: the relation term as the partner's title, an
  anniversary, "since 1994", strengthening or reviving the tie, kind ``status_existing``) unless a planned cue
  qualifies the relation term ("future sister city");
- a planned cue attached to the relation term ("geplante Städtepartnerschaft", "negotiations on a twinning") with an
  ended cue in the sentence is a planned tie that was dropped: ended;
- an ended cue governed by a planned cue before it in the same clause ("proposes to terminate", "föreslår ... att
  säga upp") is an ending merely proposed: the tie still exists, established;
- otherwise the cue nearest the partner decides.

Before all of these, a word of the lexicon kind ``status_doubt`` in the same reach ("is said to be", "allegedly",
"disputed", "unconfirmed", "údajně", "angeblich"), not negated, makes the status ``unclear``: the text reports the tie
without settling it.

A status cue inside a phrase that reports the act as completed (kind ``status_done``: "portato a termine", "mené à
terme", "afsluttet med succes") is no cue: the phrase holds an ending word but says the act was done. Three readings
narrow the cues first: an attributive ended word (kind ``status_attributive``: "former", "ehemalig",
"bývalý") counts only when it qualifies the relation term or the partner ("Cork's former sister city", not "signed by
former Lord Mayor"); in a question ("Wil Breda verder met zusterstad Yangzhou?") weak planned cues ask rather than
report; and a wish (kind ``status_wish`` over planned cues: "wil", "wants to", "möchte") governs an ending ("wil
stedenbanden verbreken": a proposed ending) rather than qualifying the relation as a dropped plan does ("geplante
Partnerschaft ... ausgesetzt"; "der Entwurf einer Partnerschaftsvereinbarung wurde auf Eis gelegt"). Across a text,
a denied ending ("avslutar inte alls") outweighs a reported one (:func:`merge_findings`). The marker kinds
(``status_attributive``, ``status_wish``, ``status_existing``) are read only here.
"""

from __future__ import annotations

import re

from analysis.collect.web.discourse import lexicon_words
from analysis.collect.web.lexicon import fold_for_matching
from analysis.collect.web.places import district_city_id
from analysis.collect.web.presupposed import EXISTING, presupposed
from analysis.collect.web.rules import RELATION_ORDER
from analysis.collect.web.split_verbs import split_cues
from analysis.collect.web.status_scope import own_clause, word_sets

STATUS_CUES: tuple[str, ...] = ("planned", "ended")
WEAK_PLANNED = "planned_weak"
DONE = "status_done"
ATTRIBUTIVE = "status_attributive"
WISH = "status_wish"
DENIED = "negated ended term"
CONDITIONAL = "status_conditional"
# A word that doubts or disputes the tie, or reports it from hearsay ("is said to be", "allegedly", "unconfirmed"):
# the excerpt does not settle the status (crawl_eval README: unclear).
DOUBT = "status_doubt"
# How close before the relation term or the partner an attributive ended word stands when it qualifies it ("former
# twin town"; "ehemalige chinesische Partnerstadt"; "bývalé partnerské město").
_ATTRIBUTIVE_GAP = 30
# Before the partner's name the adjective stands closer ("the former Wuhan twinning"; not "the former mayor of Mainz
# visited Louisville").
_ATTRIBUTIVE_NAME_GAP = 12
# How close after the relation term or the partner a doubt word stands when it is said of the tie ("the twinning with
# Wuhan is disputed"; "Partnerschaft ist umstritten").
_DOUBT_AFTER_GAP = 12
_QUESTION_END = re.compile(r"[.!?\n]")
_ALREADY_GAP = 25
_ALREADY_MARK = "next to the relation term"  # the rule text of a status an "already" word states
# How close before the relation term a planned cue stands when it qualifies the relation itself ("geplante
# Städtepartnerschaft"; "Verhandlungen über eine Städtepartnerschaft"; "projet de jumelage").
_ATTACHED_GAP = 16
# How far before an ended cue a planned cue still governs it in the same clause ("föreslår nu att kommunstyrelsen i
# Söderhamn ska ta beslut om att säga upp"; "proposal to end").
_GOVERNING_GAP = 90
_PUNCTUATION = re.compile(r"[,;:.!?()]")
_CLAUSE_BREAK = re.compile(r"[.;!?]|\s[–—]\s")
_WORDS = re.compile(r"[^\W\d_]+")


def status(
    terms,
    mention,
    spans=None,
    *,
    relation_term=None,
    window: float | None = None,
    anchors=(),
    text: str | None = None,
    lexicon=None,
    rivals=(),
) -> tuple[str, str]:
    """Planned / ended / established / unclear from the sentence's cues (see the module docstring), with its rule text.

    ``spans``: in a long enumeration, the partner's item and the whole enumeration ("l'ex Sahara Occidentale" is not
    about Philadelphia); ``anchors``: the other places of the sentence's relation terms of the chosen kind; ``text``
    and ``lexicon`` let a negation word cancel an ended cue; ``rivals`` (the other partners outside the partner's
    enumeration) take the cues of their own clause ("While the twinning with Wuhan was suspended, Mainz signed an
    agreement with Louisville"; "already twinned with X and now plans a partnership with Y")."""
    terms, weak = _with_weak(terms, text, lexicon)
    terms = weighed(terms) + _split(text, lexicon, mention.hit.orig_start)
    cues = [t for t in terms if t.kind in STATUS_CUES and not _unsaid(t, terms, text, mention)]
    if text is not None and _in_question(text, mention.hit.orig_end):
        cues = [t for t in cues if (t.orig_start, t.orig_end) not in weak]
    if window is not None:
        anchors = [mention.hit.orig_start, *anchors] + ([relation_term.orig_start] if relation_term is not None else [])
    scope = (mention, spans, window, anchors, text, lexicon, rivals)
    cues = own_clause(_scoped(cues, *scope), terms, text, mention, relation_term, lexicon)
    doubt = _doubt(_scoped([t for t in terms if t.kind == DOUBT], *scope), mention, relation_term, text, lexicon)
    if doubt is not None:
        return "unclear", f"status: unclear (the tie is doubted: '{doubt.text}')"
    negated_spans = _negated_spans(text, cues, lexicon)
    negated = [t for t in cues if t.kind == "ended" and (t.orig_start, t.orig_end) in negated_spans]
    refused = [t for t in cues if t.kind == "planned" and (t.orig_start, t.orig_end) in negated_spans]
    cues = [t for t in cues if (t.orig_start, t.orig_end) not in negated_spans]
    if refused and text is not None:  # "plant nicht, die Partnerschaft zu beenden": no ending even proposed
        negated += [t for t in cues if t.kind == "ended" and _governed(text, t, refused)]
        cues = [t for t in cues if t not in negated]
    if not cues:
        if negated:
            return "established", f"status: established ({DENIED} '{negated[0].text}')"
        done = _scoped([t for t in terms if t.kind == DONE], *scope)
        if done:  # a signing reported as done states the tie's status as much as a cue would
            return "established", f"status: established (reported as done: '{done[0].text}')"
        separators = lexicon_words(lexicon, "list_separator") if lexicon is not None else frozenset()
        found = presupposed(terms, mention, relation_term, text, separators)
        if found is not None:  # "twinned with Wuhan since 1990": a stated tie, as much as a cue would say
            return "established", f"status: established ({found[0]})"
        already = _already(terms, relation_term)
        if already is not None:  # "Belleville was already twinned with Paderborn"
            return "established", f"status: established ('{already.text}' {_ALREADY_MARK})"
        return "established", "status: established (no status term)"
    settled = _settled(terms, cues, mention, relation_term, text, lexicon, rivals)
    if settled is not None:
        return "established", f"status: established ({settled})"
    kinds = {t.kind for t in cues}
    if len(kinds) == 2:
        return _both(cues, mention, relation_term, text, _overlapping(cues, terms, WISH))
    nearest = min(cues, key=lambda t: abs(t.orig_start - mention.hit.orig_start))
    return nearest.kind, f"status: {nearest.kind} ('{nearest.text}')"


def _with_weak(terms, text: str | None, lexicon) -> tuple[list, set[tuple[int, int]]]:
    """The terms read through :func:`conditional`, and the spans of their weak planned cues."""
    terms = conditional(terms, text, lexicon)
    return terms, {(t.orig_start, t.orig_end) for t in terms if t.kind == WEAK_PLANNED}


def _scoped(found, mention, spans, window, anchors, text, lexicon, rivals) -> list:
    """The cues of ``found`` that are about the partner's tie: within ``window`` characters of an anchor (the partner,
    the relation term, the other places of the relation terms), inside the partner's item of a long enumeration or
    outside it, and not in a rival partner's own clause."""
    if window is not None:
        found = [t for t in found if min(abs(t.orig_start - a) for a in anchors) <= window]
    if spans is not None:
        (item_start, item_end), (chain_start, chain_end) = spans
        found = [
            t for t in found if not (chain_start <= t.orig_start < chain_end) or item_start <= t.orig_start < item_end
        ]
    if rivals and text is not None and lexicon is not None:
        found = [t for t in found if not _other_ties_cue(text, t, mention, rivals, lexicon)]
    return found


def _doubt(doubts, mention, relation_term, text: str | None, lexicon):
    """The doubt word that qualifies the tie itself, or None: not negated, right before the relation term or the
    partner ("the disputed twinning", "is said to be twinned with X", "údajně partnerské město") or right after them
    ("the twinning with X is disputed"), with no punctuation between ("a causa delle presunte violazioni" is about
    the violations)."""
    if text is None:
        return None
    targets = [mention.hit] + ([relation_term] if relation_term is not None else [])
    for doubt in doubts:
        if negated_cue(text, doubt, lexicon):
            continue
        for target in targets:
            before = 0 <= target.orig_start - doubt.orig_end <= _ATTRIBUTIVE_GAP
            after = 0 <= doubt.orig_start - target.orig_end <= _DOUBT_AFTER_GAP
            gap = text[doubt.orig_end : target.orig_start] if before else text[target.orig_end : doubt.orig_start]
            if (before or after) and not _PUNCTUATION.search(gap):
                return doubt
    return None


_SENTENCE_END = re.compile(r"[.!?\n]")


def _split(text: str | None, lexicon, position: int) -> list:
    """The split-verb cues (:mod:`analysis.collect.web.split_verbs`) of the sentence holding ``position``."""
    if text is None or lexicon is None:
        return []
    start = max(text.rfind(mark, 0, position) for mark in ".!?\n") + 1  # -1 + 1 = 0 when the sentence opens the text
    after = _SENTENCE_END.search(text, position)
    return split_cues(text, lexicon, start, after.end() if after else len(text), _negations(lexicon))


def _settled(terms, cues, mention, relation_term, text, lexicon, rivals) -> str | None:
    """Why planned cues do not make the tie planned, or None: an "already" word at the relation term (not in a rival's
    clause: "already twinned with X and now plans a partnership with Y"), or a tie the sentence presupposes
    (:mod:`analysis.collect.web.presupposed`) with no planned cue qualifying the relation term (beside an anniversary
    or strengthening word a wish qualifies none: "quieren reforzar su hermanamiento"; before a title it does: "haluaa
    ystävyyskaupungiksi Wuhanin")."""
    if not all(t.kind == "planned" for t in cues):
        return None
    already = _already(terms, relation_term)
    if already is not None and rivals and _other_ties_cue(text, already, mention, rivals, lexicon):
        already = None
    if already is not None:
        return f"'{already.text}' {_ALREADY_MARK} outweighs planned terms"
    separators = lexicon_words(lexicon, "list_separator") if lexicon is not None else frozenset()
    found = presupposed(terms, mention, relation_term, text, separators)
    if found is None:
        return None
    reason, title = found
    wishes = [] if title else _overlapping(cues, terms, WISH)
    governing = [t for t in cues if _governs_existing(t, terms, relation_term)]
    if any(_attached(t, relation_term, [], text) for t in cues if t not in wishes and t not in governing):
        return None
    return reason + ", whatever is planned around it"


def _governs_existing(cue, terms, relation_term) -> bool:
    """Whether an act of kind ``status_existing`` (renewing, strengthening) stands between the planned cue and the
    relation term: the plan governs that act ("plans to renew their twinning"; "intendono rinnovare il gemellaggio"),
    not the relation, which it presupposes. A date or a count ("since 1999", "30 years of") is no act a plan governs:
    "strebt seit 1999 eine Partnerschaft an" still plans the partnership."""
    if relation_term is None:
        return False
    return any(
        t.kind == EXISTING
        and cue.orig_end <= t.orig_start
        and t.orig_end <= relation_term.orig_start
        and not any(c.isdigit() for c in t.text)
        for t in terms
    )


def weighed(terms) -> list:
    """The terms with weak planned cues (kind ``planned_weak``: a wish, readiness, a draft, "to sign") read as planned,
    or dropped when the same terms report the signing or the event as done (kind ``status_done``: "came to Alba Iulia
    to sign a twinning protocol, which took place today"). Strong planned cues (a letter of intent, "will sign") stay
    whatever was signed."""
    done = any(t.kind == DONE for t in terms)
    return [
        t._replace(kind="planned") if t.kind == WEAK_PLANNED else t
        for t in terms
        if not (done and t.kind == WEAK_PLANNED)
    ]


def _other_ties_cue(text: str, cue, mention, rivals, lexicon) -> bool:
    """Whether the cue's clause names a rival partner and not this one: the cue is about the rival's tie."""
    start, end = _clause(text, cue, lexicon)
    if start <= mention.hit.orig_start < end:
        return False
    return any(start <= rival.hit.orig_start < end for rival in rivals)


_CLAUSE_REACH = 300  # characters looked at on either side of a cue for its clause's ends
_CLAUSE_TOKEN = re.compile(r"[^\W\d_]+|[,;:()–—.!?]")


def _clause(text: str, cue, lexicon) -> tuple[int, int]:
    """The clause around a cue: up to punctuation or a conjunction ("and", "und", "et") on either side."""
    separators = lexicon_words(lexicon, "list_separator")
    start, end = max(0, cue.orig_start - _CLAUSE_REACH), min(len(text), cue.orig_end + _CLAUSE_REACH)
    for token in _CLAUSE_TOKEN.finditer(text, start, end):
        word = token.group(0)
        breaks = not word[0].isalpha() or fold_for_matching(word).strip() in separators
        if not breaks:
            continue
        if token.end() <= cue.orig_start:
            start = token.end()
        elif token.start() >= cue.orig_end:
            end = token.start()
            break
    return start, end


def _both(cues, mention, relation_term, text, wishes=()) -> tuple[str, str]:
    """Planned and ended cues together: a dropped planned tie (ended), a proposed ending (established), else the
    cue nearest the partner. A wish (``wishes``: "wil stedenbanden verbreken") governs; it qualifies no relation."""
    planned = [t for t in cues if t.kind == "planned"]
    ended = [t for t in cues if t.kind == "ended"]
    qualifying = [t for t in planned if t not in wishes]
    attached = next((t for t in qualifying if _attached(t, relation_term, ended, text)), None)
    if attached is not None:
        return "ended", f"status: ended ('{ended[0].text}' of a planned tie, '{attached.text}')"
    if text is not None and all(_governed(text, t, planned) for t in ended):
        governing = _governed(text, ended[0], planned)
        return "established", f"status: established (ending only proposed: '{governing.text}' '{ended[0].text}')"
    nearest = min(cues, key=lambda t: abs(t.orig_start - mention.hit.orig_start))
    return nearest.kind, f"status: {nearest.kind} ('{nearest.text}') (nearest of planned and ended terms)"


def _attached(cue, relation_term, ended, text) -> bool:
    """A planned cue that qualifies the relation term: right before it with no punctuation and no ended cue between
    ("wil af van de stedenband" wants to end it; "beantragt, die Partnerschaft aufzulösen"), or glued to it."""
    if relation_term is None:
        return False
    between = any(cue.orig_end <= t.orig_start < relation_term.orig_start for t in ended)
    gap = text[cue.orig_end : relation_term.orig_start] if text is not None else ""
    before = cue.orig_end <= relation_term.orig_start and len(gap) <= _ATTACHED_GAP
    before = before and not between and not _PUNCTUATION.search(gap)
    return before or (cue.orig_start < relation_term.orig_end and relation_term.orig_start < cue.orig_end)


def _stray_attributive(cue, terms, text: str | None, mention=None) -> bool:
    """Whether ``cue`` is an attributive ended word (an overlapping ``status_attributive`` hit) that qualifies neither
    a relation term nor the partner: it stands within :data:`_ATTRIBUTIVE_GAP` characters before a relation term, or
    :data:`_ATTRIBUTIVE_NAME_GAP` before the partner, with no punctuation between ("former sister city"), else it is about someone else ("former Lord Mayor")."""
    if cue.kind != "ended" or text is None or not _overlapping([cue], terms, ATTRIBUTIVE):
        return False
    targets = [(t.orig_start, _ATTRIBUTIVE_GAP) for t in terms if t.kind in RELATION_ORDER]
    if mention is not None:
        targets.append((mention.hit.orig_start, _ATTRIBUTIVE_NAME_GAP))
    for start, reach in targets:
        gap = text[cue.orig_end : start]
        if 0 <= start - cue.orig_end <= reach and not _PUNCTUATION.search(gap):
            return False
    return True


def _unsaid(cue, terms, text: str | None, mention) -> bool:
    """Whether a status cue says nothing of the tie: a stray attributive word, or a word inside a completion phrase."""
    return _stray_attributive(cue, terms, text, mention) or _completed(cue, terms)


def _completed(cue, terms) -> bool:
    """Whether a longer phrase that reports the act as completed (kind ``status_done``) holds the cue ("portato a
    termine", "afsluttet med succes"); a done word inside a longer cue leaves it ("nicht fortführen" is ended)."""
    return any(
        t.kind == DONE
        and t.orig_start <= cue.orig_start
        and cue.orig_end <= t.orig_end
        and t.orig_end - t.orig_start > cue.orig_end - cue.orig_start
        for t in terms
    )


def _overlapping(cues, terms, kind: str) -> list:
    """The cues that a marker hit of ``kind`` overlaps (``status_attributive``, ``status_wish``)."""
    marks = [t for t in terms if t.kind == kind]
    return [c for c in cues if any(m.orig_start < c.orig_end and c.orig_start < m.orig_end for m in marks)]


def _in_question(text: str, position: int) -> bool:
    """Whether the sentence holding ``position`` ends with a question mark (a headline's "Wil Breda verder met ...?")."""
    end = _QUESTION_END.search(text, position)
    return end is not None and end.group(0) == "?"


def _governed(text: str, cue, planned):
    """The planned cue before ``cue`` in the same clause that governs it (a proposal or intention to end), or None."""
    for other in sorted(planned, key=lambda t: -t.orig_end):
        gap = cue.orig_start - other.orig_end
        if 0 <= gap <= _GOVERNING_GAP and not _CLAUSE_BREAK.search(text[other.orig_end : cue.orig_start]):
            return other
    return None


def negated_cue(text: str | None, cue, lexicon) -> bool:
    """Whether a negation word (kind ``status_negation``) stands among the two words before the cue or right after
    it, outside the cue itself ("avslutar inte alls"; "ne met pas fin"; "does not end")."""
    if text is None or lexicon is None:
        return False
    negations = _negations(lexicon).get(cue.language, frozenset())
    if not negations:
        return False
    before = _WORDS.findall(fold_for_matching(text[max(0, cue.orig_start - 30) : cue.orig_start]))[-2:]
    after = _WORDS.findall(fold_for_matching(text[cue.orig_end : cue.orig_end + 20]))[:1]
    inside = set(_WORDS.findall(fold_for_matching(text[cue.orig_start : cue.orig_end])))
    return any(w in negations and w not in inside for w in (*before, *after))


def _negated_spans(text: str | None, cues, lexicon) -> set[tuple[int, int]]:
    """The spans of the status cues that a negation word cancels in any of the languages the cue was read in (the same
    words match rows of several languages: "suspend*" is an English, French and Spanish cue, and "no suspenderá" is
    negated in Spanish). A negated planned cue is no plan ("has no plans to", "plant nicht"); a negated ended cue is a
    denied ending."""
    return {(t.orig_start, t.orig_end) for t in cues if negated_cue(text, t, lexicon)}


def neighbour_cues(relation, segments, neighbour_terms) -> list:
    """The status cues of the neighbouring sentence that lent its relation term (``relation.neighbour``: "As they
    meet, the mayors will sign a cooperation agreement"): they are about the relation borrowed from it."""
    if not relation.neighbour:
        return []
    holder = next((s for s in segments if s.start <= relation.term.orig_start < s.end), None)
    if holder is None:
        return []
    held = weighed([t for t in neighbour_terms if holder.start <= t.orig_start < holder.end])
    return [t for t in held if t.kind in STATUS_CUES]


def _negations(lexicon) -> dict[str, frozenset[str]]:
    """The folded negation words by language (a cue's negation is read in the cue's language: Italian "ma" is "but",
    Maltese "ma" is "not")."""
    return word_sets(lexicon, "status_negation")


def conditional(terms, text: str | None, lexicon) -> list:
    """The terms with each done term of a conditional or purpose clause read as a weak planned cue: a particle of
    kind ``status_conditional`` among the two words before it or glued to its end ("abych podepsala partnerství",
    "aby podpisał umowę", "podpisałby", "da bi potpisali"). Slavic languages build the conditional and the purpose
    clause on the past form (the l-participle), which the done terms match ("podepsal*"): such a clause plans a
    signing, it does not report one."""
    if text is None or lexicon is None:
        return list(terms)
    particles = word_sets(lexicon, CONDITIONAL)
    return [t._replace(kind=WEAK_PLANNED) if t.kind == DONE and _conditional(text, t, particles) else t for t in terms]


def _conditional(text: str, term, particles) -> bool:
    words = particles.get(term.language, frozenset())
    if not words:
        return False
    before = _WORDS.findall(fold_for_matching(text[max(0, term.orig_start - 30) : term.orig_start]))[-2:]
    own = _WORDS.findall(fold_for_matching(text[term.orig_start : term.orig_end]))
    glued = bool(own) and any(own[-1].endswith(w) and len(own[-1]) > len(w) + 3 for w in words)
    return glued or any(w in words for w in before)


def carried_status(terms, text: str, lexicon) -> tuple[str, str] | None:
    """The status a sentence without a partner passes to the findings of the sentence before it ("The partnership was
    suspended in 2022."; "The twinning is disputed."), or None: it needs a relation word and a status or doubt cue;
    negated and merely proposed endings pass nothing."""
    terms = weighed(conditional(terms, text, lexicon))
    kinds = {t.kind for t in terms}
    if not kinds & {*RELATION_ORDER, "cooperation_word"}:
        return None
    terms += _split(text, lexicon, next(t.orig_start for t in terms if t.kind in {*RELATION_ORDER, "cooperation_word"}))
    planned = [t for t in terms if t.kind == "planned"]
    negated_spans = _negated_spans(text, [t for t in terms if t.kind in STATUS_CUES], lexicon)
    planned = [t for t in planned if (t.orig_start, t.orig_end) not in negated_spans]
    ended = [t for t in terms if t.kind == "ended" and (t.orig_start, t.orig_end) not in negated_spans]
    ended = [t for t in ended if _governed(text, t, planned) is None and not _stray_attributive(t, terms, text)]
    ended = [t for t in ended if not _completed(t, terms)]
    if ended:
        return "ended", f"status ended from the next sentence ('{ended[0].text}')"
    doubts = [t for t in terms if t.kind == DOUBT and not negated_cue(text, t, lexicon)]
    if doubts:
        return "unclear", f"status unclear from the next sentence (the tie is doubted: '{doubts[0].text}')"
    if planned and not any(t.kind == "ended" for t in terms):
        return "planned", f"status planned from the next sentence ('{planned[0].text}')"
    return None


def carry(decisions: list, indices: list[int], carried: tuple[str, str] | None, *, silent: bool = False) -> None:
    """Give the findings of ``decisions`` at ``indices`` the status ``carried`` (:func:`carried_status`) in place: an
    ended status replaces an established or planned one, another status an established one; with ``silent`` (a
    planned status passed on to the next sentence, "The signing will take place at the summit. The twinning between
    X and Y ..."), only an established status read from no status term at all. Only an ending replaces a tie the
    sentence states as existing (:func:`_stated`: a signing reported as done, "already"). Returns None (no status is passed
    further)."""
    if carried is None:
        return None
    status, note = carried
    replaced = ("established", "planned") if status == "ended" else ("established",)
    for index in indices:
        decision = decisions[index]
        finding = decision.finding
        if finding is None or finding.status not in replaced or (silent and "(no status term)" not in finding.rule):
            continue
        if status != "ended" and _stated(finding):  # "I 1984 underskrev Aarhus ...": a plan after it is another's
            continue
        rule = finding.rule + "; " + (note.replace("next sentence", "sentence before") if silent else note)
        decisions[index] = decision._replace(finding=finding._replace(status=status, rule=rule))
    return None


def go_on(decisions: list, indices: list[int], pending, terms, text: str, lexicon) -> tuple[list[int], tuple | None]:
    """After a sentence with partner names whose decisions are at ``indices``: the indices its status may still reach
    (a status carried back from the next sentence, :func:`carry`) and the planned status passed on to the next one.
    The ``pending`` status of the sentence before reaches its findings (``silent``). A sentence whose every name was
    rejected ("... the signing will take place at the Sister Cities Summit") has no partner after all: like a sentence
    without one, its own planned status goes on to the next sentence ("The twinning between X and Y ...")."""
    if any(decisions[i].finding for i in indices):
        return indices, carry(decisions, indices, pending, silent=True)
    carried = carried_status(terms, text, lexicon)
    return [], carried if carried is not None and carried[0] == "planned" else None


def _already(terms, relation_term):
    """An "already" word right before or after the relation term ("somos já vila geminada"; "ist bereits
    Partnerstadt"; "already twinned"): the tie exists, whatever is planned around it."""
    if relation_term is None:
        return None
    for t in terms:
        if t.kind != "established":
            continue
        if (
            0 <= relation_term.orig_start - t.orig_end <= _ALREADY_GAP
            or 0 <= t.orig_start - relation_term.orig_end <= 3
        ):
            return t
    return None


def merge_findings(findings: list) -> list:
    """One finding per (EU side, partner): an ended one first (an ending reported anywhere outlasts the tie), then an
    established one whose sentence states the tie as existing (:func:`_stated`), then one whose status the text
    states (:func:`_voiced`), else the most confident, and on a tie of confidence the planned one. A planned cue in a weak sentence (a relation
    borrowed from a neighbour, an EU side guessed from the text) does not outweigh a tie stated outright elsewhere
    ("Belleville was already twinned with Paderborn" beside a letter "suggesting a sister city relationship"). An ending
    denied for the pair (rule ``negated ended term``: "Göteborg avslutar inte alls avtalet") outweighs one reported
    elsewhere in the text: the text corrects the report."""
    denied = {_merge_key(f) for f in findings if DENIED in f.rule}
    best: dict[tuple, object] = {}
    for finding in findings:
        key = _merge_key(finding)
        kept = best.get(key)
        if kept is None or _merge_rank(finding, key in denied) > _merge_rank(kept, key in denied):
            best[key] = finding
    return _without_city_of_district(list(best.values()))


def _without_city_of_district(findings: list) -> list:
    """The findings less one whose partner is the city a Chinese district of another finding (same EU side, same
    status) belongs to: "the district Yuhang of the city Hangzhou" names one partner, the city only locates the
    district. With two statuses ("Panyu ... the partnership is to be concluded with Guangzhou") both stay."""
    districts = {
        (_merge_key(f)[0], f.status, district_city_id(f.partner_id)) for f in findings if district_city_id(f.partner_id)
    }
    return [f for f in findings if (_merge_key(f)[0], f.status, f.partner_id) not in districts]


def _merge_key(finding) -> tuple:
    eu_key = finding.unit_id or fold_for_matching(finding.eu_place or "").strip()
    partner_key = finding.partner_id or (finding.partner_country_iso2, fold_for_matching(finding.partner_name).strip())
    return (eu_key, partner_key)


def _merge_rank(finding, denied: bool = False) -> tuple:
    if denied:
        return (DENIED in finding.rule, finding.confidence, finding.status != "established")
    return (
        finding.status == "ended",
        _stated(finding),
        _voiced(finding),
        finding.confidence,
        finding.status != "established",
    )


_SILENT = "(no status term)"
# The rules of an established status the text states as a fact, not merely by the absence of a cue: a signing reported
# as done, a tie the sentence presupposes (the partner's title, an anniversary, "since 1994"), an "already" word.
_STATED = ("reported as done", "is the partner's title", "an existing tie", _ALREADY_MARK)


def _stated(finding) -> bool:
    """Whether an established finding's sentence states the tie as existing (:data:`_STATED`), outside a weak sentence:
    a signing reported as done ("Jyväskylä and Kunming signed a partnership agreement in 2008") outweighs a plan read
    in another sentence of the text ("its extension was discussed"; "negotiations with Kunming"), since a plan that is
    already signed is a tie."""
    return finding.status == "established" and _voiced(finding) and any(mark in finding.rule for mark in _STATED)


_WEAK_SENTENCE = ("in a neighbouring sentence", "the EU place the text is about")


def _voiced(finding) -> bool:
    """Whether a finding's status was read from the text: not an established tie of a sentence with no status term,
    and not a status read in a weak sentence (a relation borrowed from a neighbour, an EU side guessed from the text).
    A plan stated for the pair ("Teltow verhandelt mit Rudong über eine Städtepartnerschaft") outweighs a later
    sentence that names the pair with no status at all."""
    if finding.status == "established" and _SILENT in finding.rule:
        return False
    return not any(weak in finding.rule for weak in _WEAK_SENTENCE)
