"""REFI-QDA projects (.qdpx): round trip, what the QDA programs do differently, and malformed projects refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from analysis.collect import qdpx, synthetic_interviews

NS = qdpx.NAMESPACE
CODE_A = "11111111-1111-4111-8111-111111111111"
CODE_B = "22222222-2222-4222-8222-222222222222"
SOURCE = "33333333-3333-4333-8333-333333333333"
CASE = "44444444-4444-4444-8444-444444444444"
TEXT = "Grüße aus Köln – 5 € pro Kopf.\nSecond paragraph here.\n"


def project_xml(
    selections: str, *, origin: str = "QualCoder 3.6", source_attributes: str = "", inline: str = ""
) -> str:
    path = "" if inline else f'plainTextPath="internal://{SOURCE}.txt"'
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="hand" origin="{origin}">
 <CodeBook><Codes>
  <Code guid="{CODE_A}" name="Motives" isCodable="false">
   <Description>parent</Description>
   <Code guid="{CODE_B}" name="Economic interest" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Cases><Case guid="{CASE}" name="Person One"><SourceRef targetGUID="{SOURCE}"/></Case></Cases>
 <Sources>
  <TextSource guid="{SOURCE}" name="Interview 1" {path} {source_attributes}>{inline}{selections}</TextSource>
  <PDFSource guid="55555555-5555-4555-8555-555555555555" name="a scan"/>
 </Sources>
</Project>"""


def selection(start: int, end: int, target: str = CODE_B, guid: str = "66666666-6666-4666-8666-666666666666") -> str:
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="77777777-7777-4777-8777-777777777777"><CodeRef targetGUID="{target}"/></Coding>'
        "</PlainTextSelection>"
    )


def archive(tmp_path: Path, xml: str | None, texts: dict[str, bytes] | None = None, name: str = "p.qdpx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as handle:
        if xml is not None:
            handle.writestr("project.qde", xml)
        for member, data in (texts if texts is not None else {f"sources/{SOURCE}.txt": TEXT.encode()}).items():
            handle.writestr(member, data)
    return path


def test_the_synthetic_project_round_trips(tmp_path):
    project, _ = synthetic_interviews.synthetic_project(11)
    assert qdpx.read_qdpx(qdpx.write_qdpx(project, tmp_path / "s.qdpx")) == project
    assert any(code.colour is None for code in project.codes) and any(len(code.path) == 2 for code in project.codes)


def test_a_hand_project_reads_codes_cases_and_a_selection_over_two_paragraphs(tmp_path):
    end = TEXT.index("here") + 4
    project = qdpx.read_qdpx(archive(tmp_path, project_xml(selection(0, end))))
    assert [code.path for code in project.codes] == [("Motives",), ("Motives", "Economic interest")]
    assert project.codes[0].codable is False and project.codes[1].parent_guid == CODE_A
    assert project.codes[0].description == "parent" and project.codes[1].colour is None
    (chosen,) = project.selections
    assert project.sources[0].text[chosen.start : chosen.end] == "Grüße aus Köln – 5 € pro Kopf.\nSecond paragraph here"
    assert project.cases[0].name == "Person One" and project.cases[0].source_guids == (SOURCE,)
    assert project.skipped_sources == ["PDFSource a scan"]


def test_byte_order_mark_dropped_and_windows_line_breaks_counted_as_two_unless_atlas(tmp_path):
    windows = ("\ufeff" + TEXT.replace("\n", "\r\n")).encode("utf-8")
    start = TEXT.index("Second") + 1  # one more character before it: the \r
    texts = {f"sources/{SOURCE}.txt": windows}
    nvivo = qdpx.read_qdpx(archive(tmp_path, project_xml(selection(start, start + 6), origin="NVivo 14"), texts))
    text = nvivo.sources[0].text
    assert text[0] == "G" and text[start : start + 6] == "Second"
    atlas_xml = project_xml(selection(start - 1, start + 5), origin="ATLAS.ti 23")
    atlas = qdpx.read_qdpx(archive(tmp_path, atlas_xml, texts, name="a.qdpx"))
    assert atlas.sources[0].text[start - 1 : start + 5] == "Second"


def test_nvivo_capital_sources_folder_and_a_path_that_repeats_the_folder(tmp_path):
    texts = {f"Sources/{SOURCE}.txt": TEXT.encode()}
    assert qdpx.read_qdpx(archive(tmp_path, project_xml(selection(0, 5)), texts)).sources[0].text == TEXT
    repeated = project_xml(selection(0, 5)).replace("internal://", "internal://Sources/")
    assert qdpx.read_qdpx(archive(tmp_path, repeated, texts, name="r.qdpx")).sources[0].text == TEXT


def test_relative_path_from_the_qdpx_folder_and_inline_text(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "one.txt").write_text(TEXT, encoding="utf-8")
    xml = project_xml(selection(0, 5)).replace(f"internal://{SOURCE}.txt", "relative://texts/one.txt")
    assert qdpx.read_qdpx(archive(tmp_path, xml, {})).sources[0].text == TEXT
    inline = project_xml(selection(0, 5), inline=f"<PlainTextContent>{TEXT}</PlainTextContent>")
    assert qdpx.read_qdpx(archive(tmp_path, inline, {}, name="i.qdpx")).sources[0].text == TEXT


def test_memo_selections_skipped_and_case_codings_kept_as_cases(tmp_path):
    memo = '<PlainTextSelection guid="88888888-8888-4888-8888-888888888888" startPosition="0" endPosition="4"><Description>memo</Description></PlainTextSelection>'
    by_case = selection(0, 5, target=CASE, guid="99999999-9999-4999-8999-999999999999")
    project = qdpx.read_qdpx(archive(tmp_path, project_xml(memo + by_case)))
    assert [(s.code_guids, s.case_guids) for s in project.selections] == [((), (CASE,))]


@pytest.mark.parametrize(
    ("xml", "texts", "expected"),
    [
        (None, None, "p.qdpx: no project.qde in the archive"),
        ("<Project><Unclosed></Project>", None, "p.qdpx/project.qde: the XML does not parse"),
        ('<Project xmlns="urn:other"/>', None, "root must be <Project> in urn:QDA-XML:project:1.0"),
        (project_xml(selection(10, len(TEXT) + 1)), None, "<PlainTextSelection 6666"),
        (project_xml(selection(0, 5, target="00000000-0000-4000-8000-000000000000")), None, "names no code"),
        (project_xml(selection(0, 5)), {}, "is not in the archive's sources/ folder"),
        (project_xml(selection(0, 5)), {f"sources/{SOURCE}.txt": "Grüße".encode("latin-1")}, "is not UTF-8"),
        (project_xml(selection(5, 5)), None, "positions 5-5 are not inside"),
        (project_xml(selection(0, 5)).replace('name="Motives" ', ""), None, "<Code 1111"),
    ],
    ids=["no-qde", "bad-xml", "not-refi", "past-end", "unknown-code", "missing-text", "latin-1", "empty", "no-name"],
)
def test_malformed_projects_are_refused_naming_file_element_and_reason(tmp_path, xml, texts, expected):
    with pytest.raises(qdpx.QdpxError) as raised:
        qdpx.read_qdpx(archive(tmp_path, xml, texts))
    assert expected in str(raised.value) and "p.qdpx" in str(raised.value)


def test_past_the_end_names_the_positions_and_the_text_length(tmp_path):
    with pytest.raises(qdpx.QdpxError, match=r"line \d+: <PlainTextSelection .*positions 10-\d+ .*\(\d+ characters\)"):
        qdpx.read_qdpx(archive(tmp_path, project_xml(selection(10, len(TEXT) + 1))))


def test_not_a_zip(tmp_path):
    path = tmp_path / "p.qdpx"
    path.write_text("plain text")
    with pytest.raises(qdpx.QdpxError, match="p.qdpx: not a .qdpx"):
        qdpx.read_qdpx(path)
