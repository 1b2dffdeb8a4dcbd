"""What an importer must produce: the codebook's export columns, each with its kind, codes and labels.

:class:`ExportLayout` is the importers' view of a codebook (:func:`layout_for`): one :class:`ColumnSpec`
per clean export column (kind = the item's type, codes in codebook order, missing codes exported as
text, ``blank`` = the ways a tool writes a missing code that the clean export leaves empty, labels,
``personal``), and for each tool the header cells it writes (:mod:`analysis.collect.tool_codes`, so
the generated questionnaires and the importers agree by construction).

Header matching is by *key*: the header folded to lower-case ASCII letters and digits, so LimeSurvey's
``usAreas[SQ004]``, ``usAreas_SQ004`` (Expression Manager) and ``usAreasSQ004`` (older exports) meet
the same option, and ``Has_US_Partner`` meets ``has_us_partner``. In a plain export one option of a
multi-select column may also have its own column, named by code (``us_areas_culture``) or position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.collect import tool_codes
from analysis.collect.codebook import Codebook
from analysis.core.names import fold_text

KINDS: tuple[str, ...] = ("single", "multi", "likert", "year", "numeric", "date", "text")
TOOLS: tuple[str, ...] = ("plain", "limesurvey", "qualtrics", "sav")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def header_key(text: object) -> str:
    """``text`` folded to lower-case ASCII letters and digits: ``"usAreas[SQ001]" -> "usareassq001"``."""
    return _header_key_of_text(str(text))  # fold_text reads str(text) too, so equal texts give equal keys


@lru_cache(maxsize=1 << 16)
def _header_key_of_text(text: str) -> str:
    # cached: an import asks for the key of every cell value and label, mostly the same few hundred texts
    return _NOT_ALPHANUMERIC.sub("", fold_text(text).replace("'", ""))


@dataclass(frozen=True)
class ColumnSpec:
    """One clean export column: ``codes`` in codebook order, ``missing`` codes exported as text (``dont_know``),
    ``blank`` (tool codes, recodes and labels of missing codes exported empty), ``labels`` (wording key -> code)."""

    name: str
    kind: str
    codes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    blank: frozenset[str] = frozenset()
    labels: dict[str, str] = field(default_factory=dict)
    personal: bool = False

    @property
    def all_codes(self) -> tuple[str, ...]:
        return (*self.codes, *self.missing)


@dataclass(frozen=True)
class Target:
    """Where a header cell goes: clean ``column``, the multi-select ``option`` it stands for, and the
    tool's value -> clean code mapping (``values``; empty: the cell is read by the column's kind)."""

    column: str
    option: str | None = None
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportLayout:
    """The clean columns an import must yield, in order, and each tool's header cells (``tool_cells``)."""

    instrument: str
    columns: tuple[ColumnSpec, ...]
    tool_cells: dict[str, dict[str, Target]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [spec.name for spec in self.columns]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        unknown = [spec.name for spec in self.columns if spec.kind not in KINDS]
        if duplicated or unknown:
            raise ValueError(
                f"codebook {self.instrument}: columns twice {duplicated}, kinds outside {KINDS}: {unknown}"
            )

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.columns]

    @property
    def personal(self) -> list[str]:
        return [spec.name for spec in self.columns if spec.personal]

    def spec(self, name: str) -> ColumnSpec:
        return next(spec for spec in self.columns if spec.name == name)

    def targets(self, tool: str) -> dict[str, Target]:
        """``{header key: Target}`` for an export of ``tool``: the tool's own cells first, then clean names.

        A key that two clean targets share is left out (its header is reported as unexpected), so a fold
        never silently merges two columns.
        """
        found: dict[str, set[tuple[str, str | None]]] = {}
        for spec in self.columns:
            base = header_key(spec.name)
            found.setdefault(base, set()).add((spec.name, None))
            if spec.kind == "multi":
                for position, code in enumerate(spec.codes, start=1):
                    for key in (base + header_key(code), f"{base}{position}"):
                        found.setdefault(key, set()).add((spec.name, code))
        plain = {key: Target(*next(iter(hits))) for key, hits in found.items() if len(hits) == 1}
        if tool == "sav":  # SPSS: clean or tool variable names; without value labels it holds the numeric recodes
            recodes = {t.column: t.values for t in self.tool_cells.get("qualtrics", {}).values() if t.option is None}
            for cells in self.tool_cells.values():
                plain |= {key: Target(t.column, t.option) for key, t in cells.items() if key not in plain}
            return {
                key: Target(t.column, t.option, recodes.get(t.column, {}) if t.option is None else {})
                for key, t in plain.items()
            }
        return plain | self.tool_cells.get(tool, {})

    def known_keys(self) -> set[str]:
        """Every header key any supported export may use."""
        return set(self.targets("plain")).union(*(cells.keys() for cells in self.tool_cells.values()))


def layout_for(codebook: object) -> ExportLayout:
    """The :class:`ExportLayout` of a :class:`~analysis.collect.codebook.Codebook` (a layout passes through)."""
    if isinstance(codebook, ExportLayout):
        return codebook
    if isinstance(codebook, Codebook):
        return layout_from_codebook(codebook)
    raise TypeError(f"expected a Codebook or an ExportLayout, got {type(codebook).__name__}")


def layout_from_codebook(book: Codebook) -> ExportLayout:
    """One :class:`ColumnSpec` per export column of ``book`` and the tools' header cells from ``tool_codes``."""
    columns = []
    for column in book.export_columns():
        item = book.column_item(column)
        missing = [book.missing[name] for name in item.missing]
        labels = labels_of({code.code: code.label for code in item.codes})
        labels |= labels_of({m.export: m.label for m in missing if m.export})
        blank = {text for m in missing if not m.export for text in (m.tool_code, str(m.numeric), *m.label.values())}
        columns.append(
            ColumnSpec(
                name=column,
                kind=item.type,
                codes=tuple(item.code_values),
                missing=tuple(m.export for m in missing if m.export),
                blank=frozenset(header_key(text) for text in blank),
                labels=labels,
                personal=item.personal,
            )
        )
    tool_cells = {}
    for tool in tool_codes.TOOLS:
        cells: dict[str, Target] = {}
        for cell in tool_codes.response_columns(book, tool):
            cells[header_key(cell.column)] = Target(cell.export_column, cell.option, dict(cell.values))
        tool_cells[tool] = cells
    return ExportLayout(book.instrument, tuple(columns), tool_cells)


def labels_of(codes: dict[str, object]) -> dict[str, str]:
    """``{header_key(wording): code}`` for codes given as ``{code: label}`` or ``{code: {lang: label}}``;
    each code also answers to its own key (``dont_know`` to ``Don't know``)."""
    labels: dict[str, str] = {}
    for code, label in codes.items():
        wordings = label.values() if isinstance(label, dict) else [label]
        for wording in [code, *wordings]:
            if wording is not None and str(wording).strip():
                labels.setdefault(header_key(wording), str(code))
    return labels
