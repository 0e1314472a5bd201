"""Django templates printed to PDF by weasyprint, always with the CJK font embedded.

A PDF that only names a Chinese font, or falls back to a system font without Chinese glyphs,
shows blank boxes on the reader's machine; so the font file (settings.PDF_FONT_PATH, fetched by
scripts/setup) is declared with @font-face and weasyprint embeds the glyphs used. Templates
extend core/pdf_base.html for the page layout. See docs/decisions/0005-pdf-cjk-font.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

__all__ = ["FONT_FAMILY", "PdfFontMissing", "font_path", "pdf_response", "render_pdf"]

# The name @font-face gives the configured file, whichever font it holds.
FONT_FAMILY = "Eldercare CJK"


class PdfFontMissing(ImproperlyConfigured):
    """settings.PDF_FONT_PATH names no file: rendering would print blank boxes for Chinese."""


def font_path() -> Path:
    path = Path(settings.PDF_FONT_PATH)
    if not path.is_file():
        raise PdfFontMissing(
            f"The CJK font for PDFs is missing: {path} (settings.PDF_FONT_PATH). "
            "Run scripts/setup to fetch it, or point ELDERCARE_PDF_FONT at a CJK TrueType/OpenType "
            "font file; without it Chinese text would print as blank boxes."
        )
    return path


class _FontOnlyFetcher(URLFetcher):
    """Lets weasyprint read the font file and inline data: URIs, and nothing else.

    PDFs carry personal data and are rendered inside web requests: a URL that reaches a template
    from user input must not make the server read local files or call out to the network.
    """

    def __init__(self, font_uri: str) -> None:
        super().__init__()
        self._font_uri = font_uri

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url == self._font_uri or url.startswith("data:"):
            return super().fetch(url, headers)
        # weasyprint logs this and leaves the resource out.
        raise ValueError(f"PDF rendering fetches no external resource: {url}")


def render_pdf(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    font_uri = font_path().as_uri()
    fetcher = _FontOnlyFetcher(font_uri)
    font_config = FontConfiguration()
    # A user stylesheet: a template may still pick another family for an element, but nothing
    # falls back to a system font that has no Chinese glyphs unless it asks to.
    font_css = CSS(
        string=(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_uri}"); }}'
            f'html {{ font-family: "{FONT_FAMILY}"; }}'
        ),
        font_config=font_config,
        url_fetcher=fetcher,
    )
    html = render_to_string(template_name, context, request=request)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[font_css], font_config=font_config
    )
    return pdf


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # Chinese names go out as RFC 5987 filename*=utf-8''…, which every current browser reads.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # The documents hold names and ID numbers: no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
