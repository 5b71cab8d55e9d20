"""Printable label sheets: A4 pages of lot labels (QR code, product, household, lot), as a page
for the browser's print and as PDF."""

from typing import Any

from django.template.loader import render_to_string

from nongsan.traceability import gs1
from nongsan.traceability.models import Lot

TEMPLATE = "traceability/labels.html"
PER_PAGE = 24  # 3 columns x 8 rows of 70 x 37 mm on A4


def sheet_context(*, lot: Lot, count: int, for_pdf: bool) -> dict[str, Any]:
    url = gs1.digital_link(gtin=lot.gtin, lot=lot.code)
    qr = gs1.qr_svg(url, scale=2)
    harvest = lot.events.filter(step="harvest", sub_order__isnull=True).order_by("at").first()
    pages = [range(min(PER_PAGE, count - start)) for start in range(0, count, PER_PAGE)]
    return {
        "lot": lot,
        "url": url,
        "qr": qr,
        "harvest": harvest,
        "pages": pages,
        "count": count,
        "for_pdf": for_pdf,
    }


def sheet_pdf(*, lot: Lot, count: int) -> bytes:
    # Imported here: WeasyPrint is heavy to load and only this page needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(TEMPLATE, sheet_context(lot=lot, count=count, for_pdf=True))
    # Self-contained (the QR codes are inline SVG): rendering fetches no URL.
    fetcher = URLFetcher(allowed_protocols=frozenset())
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
