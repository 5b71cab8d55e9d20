"""Partner pages: the cross-marketplace household view for the Ministry and provinces, and the
partner API's guide with its downloadable Python client."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from nongsan.accounts.scope import is_national
from nongsan.geo.models import Province
from nongsan.partners import selectors
from nongsan.partners.models import Event

LIST_LIMIT = 100
CLIENT_EXAMPLE = Path(__file__).resolve().parent / "client_example.py"


@login_required
def cross_view(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_cross_view(request.user):
        raise PermissionDenied(_("Chỉ Bộ và Sở TTTT xem được trang này."))
    province_id = None
    provinces = Province.objects.none()
    if is_national(request.user):
        provinces = Province.objects.order_by("name")
        raw = request.GET.get("province", "")
        province_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    households = selectors.households_on_several(actor=request.user, province_id=province_id)
    return render(
        request,
        "partners/cross.html",
        {
            "counts": selectors.cross_marketplace_counts(
                actor=request.user, province_id=province_id
            ),
            "households": households[:LIST_LIMIT],
            "limit": LIST_LIMIT,
            "provinces": provinces,
            "province_id": province_id,
        },
    )


def api_guide_view(request: HttpRequest) -> HttpResponse:
    """Public: how an external marketplace connects, with examples."""
    return render(request, "partners/api_guide.html", {"events": Event.choices})


def client_example_view(request: HttpRequest) -> FileResponse:
    return FileResponse(
        CLIENT_EXAMPLE.open("rb"),
        as_attachment=True,
        filename="nongsan_partner_client.py",
        content_type="text/x-python; charset=utf-8",
    )
