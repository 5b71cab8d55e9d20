"""The certificate of attendance: one template, shown as a printable page or rendered to PDF."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from nongsan.training.models import Attendance

TEMPLATE = "training/certificate.html"


def certificate_context(*, attendance: Attendance, for_pdf: bool) -> dict[str, Any]:
    session = attendance.session
    return {
        "attendance": attendance,
        "session": session,
        "household": attendance.household,
        "course": session.course,
        "starts_at": timezone.localtime(session.starts_at),
        "issued_on": timezone.localtime(attendance.marked_at).date(),
        "for_pdf": for_pdf,
    }


def certificate_pdf(*, attendance: Attendance, request: HttpRequest | None = None) -> bytes:
    # Imported here: WeasyPrint is heavy to load and only this page needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        TEMPLATE, certificate_context(attendance=attendance, for_pdf=True), request=request
    )
    # The certificate is self-contained: no protocol is allowed, so rendering fetches no URL.
    fetcher = URLFetcher(allowed_protocols=frozenset())
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
