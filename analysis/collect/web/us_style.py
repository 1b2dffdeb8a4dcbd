"""How US text writes the state a place lies in, right after the place's name.

Two conventions: the Postal Service codes ("Springfield, IL", "Paris (TX)") and the Associated Press abbreviations of
US newspapers ("Bloomington, Ind.", "Athens, Ga.", "Rome, N.Y.", "SPRINGFIELD, Ill. (AP) —"; the table
``web_us_state_abbreviations.csv``). Either one, after a comma or an opening parenthesis, makes the name before it
a US place in that state. Several AP forms are ordinary words or titles on their own (Ind., Ga., La., Mo., Del.);
after a place name and its comma they are not.
"""

from __future__ import annotations

import re
from functools import lru_cache

ABBREVIATIONS_FILE = "web_us_state_abbreviations.csv"


@lru_cache(maxsize=1)
def ap_abbreviations() -> dict[str, str]:
    """AP state abbreviation ("Ind.", "N.C.", "W. Va.") -> its postal code ("IN", "NC", "WV")."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(ABBREVIATIONS_FILE, ["abbreviation", "postal_code"])
    return dict(zip(table["abbreviation"], table["postal_code"], strict=True))


@lru_cache(maxsize=1)
def _after_name() -> re.Pattern[str]:
    forms = sorted(ap_abbreviations(), key=len, reverse=True)
    ap = "|".join(re.escape(form) for form in forms)
    return re.compile(rf"\s*(?:,\s*|\(\s*)(?:(?P<ap>{ap})(?![A-Za-z])|(?P<code>[A-Z]{{2}})\b)")


def state_after(text: str, end: int, codes: frozenset[str] | dict) -> str | None:
    """The postal code of the US state written right after the name that ends at ``end`` (", IL", "(IL)",
    ", Ill.", ", N.C."), or None. ``codes``: the postal codes of the gazetteer's states (a code outside them is
    no state: "Rome, EU")."""
    found = _after_name().match(text, end)
    if not found:
        return None
    code = ap_abbreviations()[found.group("ap")] if found.group("ap") else found.group("code")
    return code if code in codes else None
