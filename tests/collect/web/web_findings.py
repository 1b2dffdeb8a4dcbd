"""What a detector finds in a text, as (unit, partner) pairs: the helper the detector's class tests share."""

from __future__ import annotations


def found_pairs(detector, text: str, language: str, owner: str | None = None) -> set[tuple]:
    """The (EU unit id, partner id) of every finding of ``detector`` in ``text`` (``owner``: the page's unit)."""
    return {(f.unit_id, f.partner_id) for f in detector.detect(text, language=language, page_unit_id=owner)}
