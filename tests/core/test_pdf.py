"""PDF rendering: the CJK font is embedded, Chinese text reads back, pages are numbered.

The font is the one scripts/setup fetches (settings.PDF_FONT_PATH): these tests check the real
file, since a PDF that merely names a font looks right only on machines that have it.
"""

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pypdf import PageObject, PdfReader

from eldercare.core.pdf import PdfFontMissing, pdf_response, render_pdf

REPORT = """{% extends "core/pdf_base.html" %}
{% block title %}老年人能力评估报告{% endblock %}
{% block header %}评估编号 {{ number }}{% endblock %}
{% block content %}
<h1>老年人能力评估报告</h1>
<table class="form">
  <tr><th>姓名</th><td>{{ name }}</td></tr>
  <tr><th>能力等级</th><td>{{ level }}</td></tr>
</table>
<p class="page-break">评估员意见：{{ opinion }}</p>
<p class="signatures">
  <span class="signature-field">评估员签名：<span class="signature"></span></span>
</p>
{% endblock %}
"""
CONTEXT = {
    "number": "2026-0001",
    "name": "张三",
    "level": "重度失能",
    "opinion": "建议入住养老机构",
}


def use_templates(settings: Any, templates: dict[str, str]) -> None:
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", templates),
                    "django.template.loaders.app_directories.Loader",
                ]
            },
        }
    ]


@pytest.fixture
def report(settings: Any) -> PdfReader:
    use_templates(settings, {"report.html": REPORT})
    return PdfReader(BytesIO(render_pdf("report.html", CONTEXT)))


def resources(page: PageObject) -> Any:
    # pypdf types a page's entries as bare PDF objects; these are dictionaries.
    return page["/Resources"]


def fonts(reader: PdfReader) -> list[Any]:
    return [
        font.get_object() for page in reader.pages for font in resources(page)["/Font"].values()
    ]


def test_only_the_configured_font_is_used_and_it_is_embedded(report: PdfReader) -> None:
    used = fonts(report)
    # "ABCDEF+Name": weasyprint embeds a subset of the glyphs, under the @font-face family.
    assert {font["/BaseFont"].split("+", 1)[1] for font in used} == {"Eldercare-CJK"}
    for font in used:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile2", "/FontFile3"} & set(descriptor)


def test_chinese_text_reads_back(report: PdfReader) -> None:
    first = report.pages[0].extract_text()
    assert "老年人能力评估报告" in first
    assert "张三" in first
    assert "重度失能" in first
    assert "建议入住养老机构" in report.pages[1].extract_text()
    assert report.metadata is not None
    assert report.metadata.title == "老年人能力评估报告"


def test_every_page_has_the_header_and_its_number(report: PdfReader) -> None:
    assert len(report.pages) == 2
    for number, page in enumerate(report.pages, start=1):
        text = page.extract_text()
        assert "评估编号 2026-0001" in text
        assert f"第 {number} 页 / 共 2 页" in text


def test_external_resources_are_not_fetched(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A valid 1×1 PNG on disk: were it fetched, the page would carry an image.
    image = tmp_path / "dot.png"
    image.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    page = (
        '{% extends "core/pdf_base.html" %}{% block content %}<img src="{{ url }}">{% endblock %}'
    )
    use_templates(settings, {"page.html": page})
    pdf = PdfReader(BytesIO(render_pdf("page.html", {"url": image.as_uri()})))
    assert not resources(pdf.pages[0]).get("/XObject")
    assert f"PDF rendering fetches no external resource: {image.as_uri()}" in caplog.text


def test_missing_font_is_a_clear_error(settings: Any, tmp_path: Path) -> None:
    settings.PDF_FONT_PATH = tmp_path / "missing.otf"
    use_templates(settings, {"report.html": REPORT})
    with pytest.raises(PdfFontMissing, match=r"missing\.otf.*Run scripts/setup") as raised:
        render_pdf("report.html", CONTEXT)
    assert isinstance(raised.value, ImproperlyConfigured)


def test_response_names_the_file_in_chinese() -> None:
    response = pdf_response(b"%PDF-1.7", "老年人能力评估报告-张三.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        "%E8%80%81%E5%B9%B4%E4%BA%BA%E8%83%BD%E5%8A%9B%E8%AF%84%E4%BC%B0%E6%8A%A5%E5%91%8A"
        "-%E5%BC%A0%E4%B8%89.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"%PDF-1.7"


def test_response_keeps_a_plain_ascii_name_quoted() -> None:
    response = pdf_response(b"%PDF-1.7", "report 2026.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="report 2026.pdf"'
