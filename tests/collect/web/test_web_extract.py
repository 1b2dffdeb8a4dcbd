"""Text extraction from stored responses: HTML main text, encodings without a charset header, PDF, failures."""

from __future__ import annotations

from analysis.collect.web.extract import detect_language, page_text

LIST_PAGE = """<html lang="pl"><head><title>Miasta partnerskie</title></head><body>
<nav><a href="/">Start</a> | <a href="/kontakt">Kontakt</a></nav>
<main><h1>Miasta partnerskie</h1>
<p>Łódź utrzymuje kontakty z miastami partnerskimi na całym świecie od wielu lat i rozwija współpracę.</p>
<ul><li>Chicago (Stany Zjednoczone)</li><li>Szczecin</li><li>Lwów (Ukraina)</li></ul>
</main><footer>(c) Urząd Miasta Łodzi</footer></body></html>"""


def test_html_main_text_keeps_the_list_items():
    extracted = page_text(LIST_PAGE.encode("utf-8"), "text/html; charset=utf-8", "http://www.lodz.pl.test/miasta/")
    assert extracted.error is None and extracted.kind == "html"
    assert "Chicago (Stany Zjednoczone)" in extracted.text and "Lwów (Ukraina)" in extracted.text
    assert extracted.language == "pl"


def test_the_encoding_comes_from_the_body_when_the_header_names_none():
    page = LIST_PAGE.replace("<head>", '<head><meta charset="windows-1250">')
    for encoding in ("windows-1250", "iso-8859-2"):
        body = page.replace("windows-1250", encoding).encode(encoding)
        extracted = page_text(body, "text/html", "http://www.lodz.pl.test/miasta/")
        assert "Łódź utrzymuje" in extracted.text, encoding


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_is_read_and_a_broken_pdf_is_a_reason_not_an_exception():
    extracted = page_text(
        _minimal_pdf("Resolution on the twinning with Chicago"), "application/pdf", "http://x.test/r.pdf"
    )
    assert extracted.kind == "pdf" and "twinning with Chicago" in extracted.text and extracted.error is None
    broken = page_text(b"%PDF-1.4\n this is not a pdf", "application/pdf", "http://x.test/broken.pdf")
    assert broken.kind == "pdf" and broken.text == "" and broken.error


def test_failures_become_reasons():
    assert page_text(b"", "text/html", "http://x.test/").error == "empty body"
    assert (
        page_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50, "text/html", "http://x.test/a.html").error == "binary content"
    )


def test_language_falls_back_to_the_declared_one_for_short_text():
    assert detect_language("Chicago", declared="de") == "de"
    assert (
        detect_language("Die Stadt pflegt seit vielen Jahren eine lebendige Städtepartnerschaft mit Chicago.") == "de"
    )


def test_a_central_european_page_without_any_declared_encoding_is_guessed():
    page = LIST_PAGE.replace("Łódź utrzymuje", "Łódź, Kraków i Gdańsk utrzymują")
    for encoding in ("windows-1250", "iso-8859-2"):
        extracted = page_text(page.encode(encoding), "text/html", "http://www.lodz.pl.test/miasta/")
        assert "Łódź, Kraków i Gdańsk utrzymują" in extracted.text, encoding
