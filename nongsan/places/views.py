"""Places pages: the sales-point map (a list without JavaScript, a Leaflet map with it), a
point's shareable page, digital address lookup, and the Ministry's handover record."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nongsan.catalog import selectors as catalog_selectors
from nongsan.core import exports
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.core.timeutils import format_local
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.distance import ROAD_FACTOR, SPEED_KMH
from nongsan.geo.models import SalesPoint
from nongsan.places import selectors, services
from nongsan.places.forms import HandoverForm, MapFilterForm, ShopPlaceForm

NEAREST = 10
LIST_LIMIT = 100


def _marker(point: SalesPoint, **extra: object) -> dict[str, object]:
    return {
        "id": point.pk,
        "name": point.name,
        "lat": point.latitude,
        "lng": point.longitude,
        "kind": point.get_kind_display(),
        "status": point.status,
        **extra,
    }


def map_view(request: HttpRequest) -> HttpResponse:
    form = MapFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    province = data.get("tinh")
    commune = None
    if province is not None and data.get("xa") and not data.get("dia_chi"):
        commune = geo_selectors.commune_find(name=data["xa"], province=province)
        if commune is None:
            form.add_error("xa", _("Không tìm thấy xã/phường này trong tỉnh đã chọn."))
    points = geo_selectors.sales_points(
        province=province,
        commune=commune,
        kind=data.get("loai") or "",
        status=SalesPoint.Status.OPEN if data.get("dang_mo") else "",
    )
    origin = None
    try:
        origin = selectors.origin_of(
            latitude=data.get("lat"),
            longitude=data.get("lng"),
            address=data.get("dia_chi") or "",
            province=province,
        )
    except ApplicationError as error:
        form_error(form, error)
    if origin is not None:
        near = geo_selectors.nearest_sales_points(
            latitude=origin.latitude, longitude=origin.longitude, limit=NEAREST, points=points
        )
        rows = [(n.point, n.distance_km, n.minutes) for n in near]
    else:
        rows = [(p, None, None) for p in points[:LIST_LIMIT]]
    markers = [_marker(p, km=km, minutes=minutes) for p, km, minutes in rows]
    return render(
        request,
        "places/map.html",
        {
            "form": form,
            "rows": rows,
            "origin": origin,
            "markers": markers,
            "speed": SPEED_KMH,
            "road_factor": ROAD_FACTOR,
        },
    )


def point_view(request: HttpRequest, point_id: int) -> HttpResponse:
    """A point's own page: the link people share."""
    point = selectors.sales_point_get(point_id=point_id)
    return render(
        request,
        "places/point.html",
        {"point": point, "markers": [_marker(point)], "share_url": request.build_absolute_uri()},
    )


@login_required
def address_view(request: HttpRequest) -> HttpResponse:
    """Look a digital address up by its code (signed-in users: carriers, staff, sellers)."""
    code = request.GET.get("ma", "").strip()
    found = error = None
    if code:
        try:
            found = geo_selectors.digital_address_get(code=code)
        except ApplicationError as exc:
            error = exc.message
        except Http404:
            error = _("Không tìm thấy địa chỉ số %(code)s.") % {"code": code}
    return render(request, "places/address.html", {"code": code, "found": found, "error": error})


HEADERS = ("Mã tỉnh", "Tỉnh/thành phố", "Số địa chỉ số đã tạo", "Đã bàn giao", "Chưa bàn giao",
           "Lần bàn giao gần nhất")  # fmt: skip


def _handover_export(kind: str) -> HttpResponse:
    table = geo_selectors.handover_table()
    rows = [
        (r.province.code, r.province.name, r.created, r.handed_over, r.remaining,
         format_local(r.last_handover_at))
        for r in table
    ]  # fmt: skip
    if kind == "xlsx":
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, exports.XLSX_OPTIONS)
        sheet = book.add_worksheet("Bàn giao địa chỉ số")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, HEADERS, bold)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, row)
        total = len(rows) + 1
        sheet.write(total, 1, "Cả nước", bold)
        for col in (2, 3, 4):
            value = sum(int(r[col]) for r in rows)  # type: ignore[call-overload]
            letter = "CDE"[col - 2]
            sheet.write_formula(total, col, f"=SUM({letter}2:{letter}{total})", bold, value)
        sheet.set_column(1, 1, 24)
        sheet.set_column(2, 5, 18)
        book.close()
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="ban-giao-dia-chi-so.xlsx"'
        return response
    response = HttpResponse(
        exports.csv_bytes(HEADERS, rows, delimiter=","), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="ban-giao-dia-chi-so.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def handover_view(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_handovers(actor=request.user):
        raise PermissionDenied(_("Chỉ cán bộ Bộ và Sở TTTT xem biên bản bàn giao địa chỉ số."))
    if request.GET.get("xuat") in ("csv", "xlsx"):
        return _handover_export(request.GET["xuat"])
    may_record = selectors.may_record_handovers(actor=request.user)
    form = HandoverForm(request.POST or None) if may_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Chỉ cán bộ Bộ TTTT ghi nhận bàn giao."))
        if form.is_valid():
            try:
                handover = services.handover_record(
                    actor=request.user,  # type: ignore[arg-type]
                    province=form.cleaned_data["province"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận bàn giao %(n)s địa chỉ số cho %(p)s.")
                    % {"n": handover.count, "p": handover.province.name},
                )
                return redirect("places:handovers")
    table = geo_selectors.handover_table()
    totals = (
        sum(r.created for r in table),
        sum(r.handed_over for r in table),
        sum(r.remaining for r in table),
    )
    return render(
        request, "places/handovers.html", {"table": table, "totals": totals, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def shop_place_view(request: HttpRequest, shop_id: int) -> HttpResponse:
    """A seller puts their shop's physical place on the map."""
    shop = catalog_selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id)
    form = ShopPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.shop_place_set(
                actor=request.user,  # type: ignore[arg-type]
                shop=shop,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Gian hàng đã có trên bản đồ điểm bán."))
            return redirect("places:point", point_id=point.pk)
    return render(request, "places/shop_place.html", {"form": form, "shop": shop})
