"""An exact pre-filter of page texts: a text that names no partner place has no finding, so its language (lingua)
and the detector can be skipped.

A finding is made from a partner mention (:meth:`Detector.explain` decides for each mention of a partner place or a
US state, :meth:`Detector._mentions`), and every name :meth:`Matcher.scan` finds in a text of some language
:meth:`Matcher.may_name` finds with the suffixes of every language allowed. The test web test
(``test_pages_that_name_no_partner_have_no_findings``) checks that no page it skips has a finding.
"""

from __future__ import annotations

# Place roles a partner mention is made of.
PARTNER_ROLES: frozenset[str] = frozenset({"partner", "admin1"})


def partner_records(detector) -> frozenset[int]:
    """The detector's records (indexes into ``detector.places``) of partner places and US states, kept on it."""
    records = detector.__dict__.get("_partner_records")
    if records is None:
        records = frozenset(index for index, place in enumerate(detector.places) if place.role in PARTNER_ROLES)
        detector._partner_records = records
    return records


def names_partner(detector, text: str) -> bool:
    """Whether ``text`` may name a partner place or a US state in any language (False: it has no finding)."""
    return detector.matcher.may_name(text, partner_records(detector))
