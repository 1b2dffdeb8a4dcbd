"""The REFI-QDA project exchange format (``.qdpx``): read a coded project, and write one.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, schema ``Project.xsd`` of the Rotterdam Exchange Format Initiative)
and a ``sources/`` folder with the documents. NVivo, ATLAS.ti, MAXQDA and QualCoder export it.
This module reads what the interview analysis needs and nothing more:

* the code book: ``<CodeBook><Codes><Code guid name isCodable [color]>`` nested to any depth,
  each with an optional ``<Description>``; codes without a colour are normal (QualCoder, NVivo);
* text sources: ``<TextSource guid name plainTextPath>`` (or inline ``<PlainTextContent>``), their
  ``<PlainTextSelection guid startPosition endPosition>`` with ``<Coding><CodeRef targetGUID/>``
  and their ``<VariableValue>``s; picture, PDF, audio and video sources are listed and skipped;
* cases (``<Case guid [name]>`` with ``<VariableValue>`` and ``<SourceRef>``), variables and sets
  (``<Set name><MemberSource targetGUID/>``).

What the tools are known to do differently, and how it is handled here:

* ``plainTextPath`` is ``internal://<file>`` (inside the archive's ``sources/`` folder, which NVivo
  spells ``Sources/``; a path that repeats the folder is accepted), ``relative://<path>``
  (relative to the project's ``basePath``; ATLAS.ti leaves ``basePath`` out, so the folder of the
  ``.qdpx`` is used) or ``absolute://<path>``. A path without a known prefix is refused.
* Text files are UTF-8, some with a byte-order mark (QualCoder writes one); the mark is dropped.
  Positions are character offsets into the plain text, end exclusive. Text files written on
  Windows carry ``\\r\\n``; NVivo and MAXQDA count it as two characters, ATLAS.ti as one
  (its positions are taken on the text with ``\\n`` only, when ``origin`` names ATLAS.ti).
  Quotations are returned with ``\\n`` line breaks, so one selection may span paragraphs.
* MAXQDA writes selections without a ``<Coding>`` (memos on a passage): they are skipped.
  NVivo may code a selection with a case's GUID (the passage belongs to that person): it is
  kept as the selection's case, not as a code.
* MAXQDA and Quirkos write cases without a ``name``: they hold a document's variables.

A malformed project raises :class:`QdpxError` naming the file, the element and the reason.
:func:`write_qdpx` writes a project in the same shape (used for the synthetic sample), so
``read_qdpx(write_qdpx(project, path)) == project``.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from analysis.core.tracking import note_read, note_write

NAMESPACE = "urn:QDA-XML:project:1.0"
PROJECT_FILE = "project.qde"
SOURCES_FOLDER = "sources"
_NAMESPACE_PATTERN = re.compile(r"^urn:QDA-XML:project:\d+\.\d+$")
_SKIPPED_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
_BOM = "\ufeff"


class QdpxError(ValueError):
    """A ``.qdpx`` project that cannot be read: the message names the file, the element and the reason."""


@dataclass(frozen=True)
class Code:
    """One code of the code book; ``path`` runs from the top-level code down to this one."""

    guid: str
    name: str
    parent_guid: str | None
    path: tuple[str, ...]
    description: str | None = None
    codable: bool = True
    colour: str | None = None


@dataclass(frozen=True)
class Case:
    """A case: a person (with a name) or, without a name, the holder of a document's variables."""

    guid: str
    name: str | None
    variables: dict[str, str] = field(default_factory=dict)
    source_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selection:
    """A coded passage: ``text[start:end]`` of its source, with the codes (and cases) it is coded with."""

    guid: str
    source_guid: str
    start: int
    end: int
    code_guids: tuple[str, ...]
    case_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextSource:
    """A text document (an interview transcript) with its own variables."""

    guid: str
    name: str
    text: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class Project:
    """What :func:`read_qdpx` returns, and what :func:`write_qdpx` writes."""

    name: str
    origin: str
    codes: list[Code]
    sources: list[TextSource]
    selections: list[Selection]
    cases: list[Case] = field(default_factory=list)
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    variable_types: dict[str, str] = field(default_factory=dict)
    skipped_sources: list[str] = field(default_factory=list)

    def code(self, guid: str) -> Code:
        return next(code for code in self.codes if code.guid == guid)


# --------------------------------------------------------------------------- reading


def read_qdpx(path: str | Path) -> Project:
    """Read the ``.qdpx`` archive at ``path``: code book, text sources, coded selections, cases and sets.

    Raises :class:`QdpxError` (file, element, reason) for an archive that is not a zip, lacks
    ``project.qde``, holds XML that does not parse or is not a REFI-QDA project, a source whose text
    cannot be found or is not UTF-8, a selection outside its text, or a coding of an unknown code.
    """
    path = Path(path)
    note_read(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise QdpxError(f"{path.name}: not a .qdpx (zip) archive: {error}") from None
    with archive:
        members = {name.replace("\\", "/"): name for name in archive.namelist()}
        qde = next((members[name] for name in members if name.lower() == PROJECT_FILE), None)
        if qde is None:
            raise QdpxError(f"{path.name}: no {PROJECT_FILE} in the archive (found {sorted(members)[:5]})")
        where = f"{path.name}/{PROJECT_FILE}"
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(archive.read(qde), parser)
        except etree.XMLSyntaxError as error:
            raise QdpxError(f"{where}: the XML does not parse: {error}") from None
        namespace = etree.QName(root).namespace or ""
        if etree.QName(root).localname != "Project" or not _NAMESPACE_PATTERN.match(namespace):
            raise QdpxError(f"{where}: <{etree.QName(root).localname}>: root must be <Project> in {NAMESPACE}")
        reader = _Reader(where, namespace, archive, members, _base_folder(root, path))
        return reader.project(root)


def _base_folder(root: etree._Element, path: Path) -> Path:
    """Where ``relative://`` paths start: the project's ``basePath``, else the folder of the ``.qdpx`` (ATLAS.ti)."""
    base = root.get("basePath")
    return Path(base.removeprefix("absolute://")) if base else path.parent


class _Reader:
    """One pass over ``project.qde``; every error names ``where`` and the element."""

    def __init__(self, where: str, namespace: str, archive: zipfile.ZipFile, members: dict, base: Path) -> None:
        self.where, self.ns, self.archive, self.members, self.base = where, namespace, archive, members, base
        self.atlas = False

    def tag(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def fail(self, element: etree._Element, reason: str) -> QdpxError:
        name = etree.QName(element).localname
        label = element.get("name") or element.get("guid") or ""
        return QdpxError(f"{self.where} line {element.sourceline}: <{name}{' ' + label if label else ''}>: {reason}")

    def required(self, element: etree._Element, attribute: str) -> str:
        value = element.get(attribute)
        if value is None or not value.strip():
            raise self.fail(element, f"attribute {attribute} is missing")
        return value.strip()

    def project(self, root: etree._Element) -> Project:
        origin = root.get("origin") or ""
        self.atlas = "atlas" in origin.casefold()
        variable_types = {self.required(v, "guid"): self.required(v, "name") for v in root.iter(self.tag("Variable"))}
        self.variable_names = variable_types
        codes: list[Code] = []
        codebook = root.find(self.tag("CodeBook"))
        if codebook is not None:
            for element in codebook.findall(f"{self.tag('Codes')}/{self.tag('Code')}"):
                self.codes(element, None, (), codes)
        guids = [code.guid for code in codes]
        if len(set(guids)) != len(guids):
            duplicate = next(guid for guid in guids if guids.count(guid) > 1)
            raise QdpxError(f"{self.where}: <Code {duplicate}>: the GUID is used by two codes")
        cases = [self.case(element) for element in root.iter(self.tag("Case"))]
        known = {"code": {code.guid for code in codes}, "case": {case.guid for case in cases}}
        sources, selections, skipped = [], [], []
        container = root.find(self.tag("Sources"))
        for element in container if container is not None else []:
            if not isinstance(element.tag, str):
                continue
            localname = etree.QName(element).localname
            if localname in _SKIPPED_SOURCES:
                skipped.append(f"{localname} {element.get('name') or element.get('guid')}")
            elif localname == "TextSource":
                source = self.text_source(element)
                sources.append(source)
                selections += self.selections(element, source, known)
        sets = {
            self.required(element, "name"): tuple(
                self.required(member, "targetGUID") for member in element.findall(self.tag("MemberSource"))
            )
            for element in root.iter(self.tag("Set"))
        }
        return Project(root.get("name") or "", origin, codes, sources, selections, cases, sets, variable_types, skipped)

    def codes(self, element: etree._Element, parent: str | None, path: tuple[str, ...], out: list[Code]) -> None:
        guid, name = self.required(element, "guid"), self.required(element, "name")
        codable = (element.get("isCodable") or "true").strip().lower() in ("true", "1")
        description = element.findtext(self.tag("Description"))
        out.append(
            Code(guid, name, parent, (*path, name), (description or "").strip() or None, codable, element.get("color"))
        )
        for child in element.findall(self.tag("Code")):
            self.codes(child, guid, (*path, name), out)

    def variables(self, element: etree._Element) -> dict[str, str]:
        values = {}
        for value in element.findall(self.tag("VariableValue")):
            reference = value.find(self.tag("VariableRef"))
            target = reference.get("targetGUID") if reference is not None else None
            if target not in self.variable_names:
                raise self.fail(value, f"VariableRef {target!r} names no <Variable> of the project")
            texts = [child.text for child in value if child is not reference and isinstance(child.tag, str)]
            values[self.variable_names[target]] = (texts[0] or "").strip() if texts else ""
        return values

    def case(self, element: etree._Element) -> Case:
        refs = tuple(self.required(ref, "targetGUID") for ref in element.findall(self.tag("SourceRef")))
        name = element.get("name")
        return Case(self.required(element, "guid"), name.strip() if name else None, self.variables(element), refs)

    def text_source(self, element: etree._Element) -> TextSource:
        guid = self.required(element, "guid")
        inline = element.find(self.tag("PlainTextContent"))
        if inline is not None:
            text = inline.text or ""
        else:
            text = self.read_text(element, self.required(element, "plainTextPath"))
        if self.atlas:
            text = text.replace("\r\n", "\n")
        return TextSource(guid, (element.get("name") or guid).strip(), text, self.variables(element))

    def read_text(self, element: etree._Element, reference: str) -> str:
        if reference.startswith("internal://"):
            inner = reference.removeprefix("internal://").lstrip("/")
            if inner.lower().startswith(f"{SOURCES_FOLDER}/"):  # some writers repeat the folder in the path
                inner = inner[len(SOURCES_FOLDER) + 1 :]
            member = f"{SOURCES_FOLDER}/{inner}"
            found = next((name for key, name in self.members.items() if key.lower() == member.lower()), None)
            if found is None:
                raise self.fail(element, f"plainTextPath {reference} is not in the archive's {SOURCES_FOLDER}/ folder")
            data = self.archive.read(found)
        elif reference.startswith(("relative://", "absolute://")):
            prefix, rest = reference.split("://", 1)
            target = self.base / rest.lstrip("/") if prefix == "relative" else Path(rest)
            if not target.is_file():
                raise self.fail(element, f"plainTextPath {reference} points to {target}, which does not exist")
            note_read(target)
            data = target.read_bytes()
        else:
            raise self.fail(
                element, f"plainTextPath {reference!r} starts with none of internal://, relative://, absolute://"
            )
        try:
            return data.decode("utf-8").removeprefix(_BOM)
        except UnicodeDecodeError as error:
            raise self.fail(
                element, f"the text of {reference} is not UTF-8 ({error.reason} at byte {error.start})"
            ) from None

    def selections(self, element: etree._Element, source: TextSource, known: dict[str, set[str]]) -> list[Selection]:
        found = []
        for selection in element.findall(self.tag("PlainTextSelection")):
            guid = self.required(selection, "guid")
            try:
                start, end = (
                    int(self.required(selection, "startPosition")),
                    int(self.required(selection, "endPosition")),
                )
            except ValueError:
                raise self.fail(selection, "startPosition and endPosition must be whole numbers") from None
            if not 0 <= start < end <= len(source.text):
                raise self.fail(
                    selection,
                    f"positions {start}-{end} are not inside the text of {source.name!r} ({len(source.text)} characters)",
                )
            codes, cases = [], []
            for coding in selection.findall(self.tag("Coding")):
                reference = coding.find(self.tag("CodeRef"))
                target = reference.get("targetGUID") if reference is not None else None
                if target in known["code"]:
                    codes.append(target)
                elif target in known["case"]:
                    cases.append(target)
                else:
                    raise self.fail(coding, f"CodeRef {target!r} names no code of the code book (nor a case)")
            if codes or cases:
                found.append(Selection(guid, source.guid, start, end, tuple(codes), tuple(cases)))
        return found


# --------------------------------------------------------------------------- writing


def write_qdpx(project: Project, target: str | Path) -> Path:
    """Write ``project`` to the ``.qdpx`` archive ``target``: ``project.qde`` and one UTF-8 text per source.

    Variables are declared as text variables; a case with a name is written with it, one without
    a name without (MAXQDA's form). Sources are written as ``internal://<guid>.txt``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(PROJECT_FILE), project_xml(project))
        for source in project.sources:
            archive.writestr(_entry(f"{SOURCES_FOLDER}/{source.guid}.txt"), source.text.encode("utf-8"))
    note_write(target)
    return target


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so the same project gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def project_xml(project: Project) -> bytes:
    """``project.qde`` for ``project``, in the element order of ``Project.xsd``."""
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(ns + "Project", nsmap={None: NAMESPACE}, name=project.name, origin=project.origin)
    variable_guids = {name: guid for guid, name in project.variable_types.items()}
    codebook = etree.SubElement(etree.SubElement(root, ns + "CodeBook"), ns + "Codes")
    elements: dict[str | None, etree._Element] = {None: codebook}
    for code in project.codes:
        attributes = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
        if code.colour:
            attributes["color"] = code.colour
        element = etree.SubElement(elements[code.parent_guid], ns + "Code", attributes)
        if code.description:
            etree.SubElement(element, ns + "Description").text = code.description
        elements[code.guid] = element
    if variable_guids:
        variables = etree.SubElement(root, ns + "Variables")
        for guid, name in project.variable_types.items():
            etree.SubElement(variables, ns + "Variable", guid=guid, name=name, typeOfVariable="Text")
    if project.cases:
        cases = etree.SubElement(root, ns + "Cases")
        for case in project.cases:
            element = etree.SubElement(
                cases, ns + "Case", {"guid": case.guid, **({"name": case.name} if case.name else {})}
            )
            _write_variables(element, case.variables, variable_guids)
            for guid in case.source_guids:
                etree.SubElement(element, ns + "SourceRef", targetGUID=guid)
    sources = etree.SubElement(root, ns + "Sources")
    for source in project.sources:
        element = etree.SubElement(
            sources,
            ns + "TextSource",
            guid=source.guid,
            name=source.name,
            plainTextPath=f"internal://{source.guid}.txt",
        )
        for selection in (s for s in project.selections if s.source_guid == source.guid):
            chosen = etree.SubElement(
                element,
                ns + "PlainTextSelection",
                guid=selection.guid,
                startPosition=str(selection.start),
                endPosition=str(selection.end),
            )
            for number, target in enumerate((*selection.code_guids, *selection.case_guids)):
                coding = etree.SubElement(chosen, ns + "Coding", guid=_derived_guid(selection.guid, number))
                etree.SubElement(coding, ns + "CodeRef", targetGUID=target)
        _write_variables(element, source.variables, variable_guids)
    if project.sets:
        sets = etree.SubElement(root, ns + "Sets")
        for number, (name, members) in enumerate(project.sets.items()):
            element = etree.SubElement(sets, ns + "Set", guid=_derived_guid(project.name or "sets", number), name=name)
            for guid in members:
                etree.SubElement(element, ns + "MemberSource", targetGUID=guid)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _write_variables(element: etree._Element, values: dict[str, str], guids: dict[str, str]) -> None:
    ns = f"{{{NAMESPACE}}}"
    for name, value in values.items():
        holder = etree.SubElement(element, ns + "VariableValue")
        etree.SubElement(holder, ns + "VariableRef", targetGUID=guids[name])
        etree.SubElement(holder, ns + "TextValue").text = value


def _derived_guid(seed: str, number: int) -> str:
    """A GUID-shaped identifier derived from ``seed`` and ``number`` (stable across runs)."""
    digest = hashlib.sha256(f"{seed}|{number}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}".upper()
