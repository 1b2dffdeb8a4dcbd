"""One cell of an export -> the codebook's clean text for its column, or the reason it cannot be.

Nothing is rounded or guessed: ``2.5`` on a 1-5 scale and ``1987.6`` as a year are problems, not
``2``/``3`` and ``1988``; ``3.0`` and ``3,0`` are ``3`` (the same number written by a spreadsheet or a
semicolon export). A cell is first looked up in the tool's value mapping of its header
(:mod:`analysis.collect.tool_codes`: LimeSurvey ``A1``/``DK``, Qualtrics recodes), then read as a
missing code the clean export leaves empty (``RF``, ``-9``, "Prefer not to answer"), then as a code or
any of its labels (folded). A numeric or year item takes its own missing codes (``dont_know`` or its
label) before the cell is read as a number. A Qualtrics multi-select cell may join choice numbers with commas.
Cells of personal columns are passed through untouched and never quoted in a problem.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.collect.importers.layout import ColumnSpec, header_key

# How a multi-select cell joins its codes, by tool.
MULTI_SEPARATORS: dict[str, str] = {"plain": ";", "limesurvey": ";", "qualtrics": ",;", "sav": ";"}
SELECTED_WORDS = frozenset({"y", "yes", "1", "true", "x", "selected"})
NOT_SELECTED_WORDS = frozenset({"n", "no", "0", "false", "notselected"})
_NUMBER = re.compile(r"^[+-]?(\d+)(?:[.,](\d+))?$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def cell_text(value: object) -> str | None:
    """A cell of any reader as text: ``None`` for empty, integral floats without ``.0``, dates in ISO form."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def clean_value(
    spec: ColumnSpec, value: object, mode: str, values: dict[str, str] | None = None
) -> tuple[str | None, str | None]:
    """``(clean text or None, problem or None)`` for one cell of column ``spec`` in a ``mode`` export;
    ``values`` is the tool's mapping of cell values to codes for this header."""
    text = cell_text(value)
    if text is None or spec.personal or spec.kind == "text":
        return text, None
    if values and text in values:
        return values[text], None
    if header_key(text) in spec.blank:
        return None, None
    if spec.kind == "single":
        return _code(spec, text, mode)
    if spec.kind == "likert":
        return _likert(spec, text, mode)
    if spec.kind == "multi":
        return _multi(spec, text, mode)
    if spec.kind in ("year", "numeric") and (text in spec.missing or spec.labels.get(header_key(text)) in spec.missing):
        return spec.labels.get(header_key(text), text), None  # the item's own missing code ("dont_know"), as exported
    if spec.kind == "year":
        return _whole_number(text, "a year")
    if spec.kind == "numeric":
        return _numeric(text, typed=not isinstance(value, str))
    return _date(text)


def _code(spec: ColumnSpec, text: str, mode: str) -> tuple[str | None, str | None]:
    if text in spec.all_codes:
        return text, None
    key = header_key(text)
    if key in spec.labels:
        return spec.labels[key], None
    if mode == "qualtrics" and spec.kind == "multi" and text.isdigit() and 1 <= int(text) <= len(spec.codes):
        return spec.codes[int(text) - 1], None  # choice number in a comma-joined Qualtrics cell
    return None, f"unknown code {text!r}; expected one of {list(spec.all_codes)}"


def _likert(spec: ColumnSpec, text: str, mode: str) -> tuple[str | None, str | None]:
    number = _NUMBER.match(text)
    if number and number.group(2) and set(number.group(2)) != {"0"}:
        return None, f"fractional answer {text!r} on the scale {list(spec.codes)} (not rounded)"
    if number:
        text = ("-" if text.startswith("-") else "") + str(int(number.group(1)))
    value, problem = _code(spec, text, mode)
    if problem and number:
        return None, f"{text!r} is outside the scale {list(spec.codes)} (missing codes {list(spec.missing)})"
    return value, problem


def _multi(spec: ColumnSpec, text: str, mode: str) -> tuple[str | None, str | None]:
    separators = MULTI_SEPARATORS.get(mode, ";")
    parts = [part.strip() for part in re.split(f"[{re.escape(separators)}]", text) if part.strip()]
    chosen, unknown = set(), []
    for part in parts:
        code, problem = _code(spec, part, mode)
        if problem:
            unknown.append(part)
        else:
            chosen.add(code)
    if unknown:
        return None, f"unknown options {unknown}; expected options from {list(spec.all_codes)}"
    return ";".join(code for code in spec.all_codes if code in chosen) or None, None


def option_selected(spec: ColumnSpec, code: str, value: object) -> tuple[bool, str | None]:
    """Whether the option column of ``code`` (one column per option) marks the option chosen.

    Chosen: ``Y``/``Yes``/``1``/``X``, the option's code or label; not chosen: empty, ``N``/``No``/``0``.
    The ``other`` option may hold the respondent's own text (LimeSurvey ``[other]``): any text chooses it.
    """
    text = cell_text(value)
    if text is None:
        return False, None
    key = header_key(text)
    if key in SELECTED_WORDS or text == code or spec.labels.get(key) == code:
        return True, None
    if key in NOT_SELECTED_WORDS:
        return False, None
    if code == "other":
        return True, None
    return False, f"option column of {code!r}: expected Y/1 (chosen) or empty/N/0, got {text!r}"


def _whole_number(text: str, what: str) -> tuple[str | None, str | None]:
    number = _NUMBER.match(text)
    if not number:
        return None, f"expected {what}, got {text!r}"
    if number.group(2) and set(number.group(2)) != {"0"}:
        return None, f"fractional value {text!r} for {what} (not rounded)"
    return ("-" if text.startswith("-") else "") + str(int(number.group(1))), None


def _numeric(text: str, *, typed: bool = False) -> tuple[str | None, str | None]:
    """A number in clean form; ``typed`` cells (spreadsheet or SPSS numbers) cannot hold a thousands separator."""
    number = _NUMBER.match(text.replace(" ", "").replace("\u00a0", ""))
    if not number:
        return None, f"expected a number (one decimal mark, no thousands separator), got {text!r}"
    if not typed and number.group(2) is not None and len(number.group(2)) == 3:
        return None, f"ambiguous number {text!r}: a decimal mark or a thousands separator (write it without grouping)"
    sign = "-" if text.startswith("-") else ""
    fraction = (number.group(2) or "").rstrip("0")
    return sign + str(int(number.group(1))) + (f".{fraction}" if fraction else ""), None


def _date(text: str) -> tuple[str | None, str | None]:
    match = _ISO_DATE.match(text)
    if not match:
        return None, f"expected a date YYYY-MM-DD, got {text!r}"
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None, f"expected a date YYYY-MM-DD, got {text!r}"
    return match.group(1), None
