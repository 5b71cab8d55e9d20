"""Traceability pages: the seller's lots and their journal, QR codes and label sheets, and the
public trace page a buyer opens by scanning a lot's QR code (no login, no script)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.orders import selectors as orders_selectors
from nongsan.traceability import gs1, labels, selectors, services
from nongsan.traceability.forms import EventForm, LabelSheetForm, LotForm


@login_required
@require_http_methods(["GET", "POST"])
def lot_list_view(request: HttpRequest) -> HttpResponse:
    products = selectors.products_for_lots(actor=request.user)
    form = LotForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lot = services.lot_create(
                actor=request.user,  # type: ignore[arg-type]
                product=data["product"],
                code=data["code"],
                gtin=data["gtin"],
                quantity=data["quantity"],
                note=data["note"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã tạo lô %(code)s.") % {"code": lot.code})
            return redirect("traceability:lot", lot_id=lot.pk)
    lots = selectors.lot_list_managed(actor=request.user)[:200]
    return render(request, "traceability/lot_list.html", {"form": form, "lots": lots})


@login_required
@require_http_methods(["GET", "POST"])
def lot_view(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.lot_get_for_manage(actor=request.user, lot_id=lot_id)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_record(
                actor=request.user,  # type: ignore[arg-type]
                lot=lot,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã ghi vào nhật ký lô hàng."))
            return redirect("traceability:lot", lot_id=lot.pk)
    url = gs1.digital_link(gtin=lot.gtin, lot=lot.code)
    return render(
        request,
        "traceability/lot.html",
        {
            "lot": lot,
            "events": selectors.lot_events(lot=lot),
            "form": form,
            "url": url,
            "qr": gs1.qr_svg(url, scale=4),
            "sheet_form": LabelSheetForm(),
            "uses": lot.uses.select_related("sub_order").order_by("-pk")[:50],
        },
    )


@login_required
@require_POST
def lot_open_view(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.lot_get_for_manage(actor=request.user, lot_id=lot_id)
    services.lot_set_open(
        actor=request.user,  # type: ignore[arg-type]
        lot=lot,
        is_open=request.POST.get("is_open") == "1",
    )
    return redirect("traceability:lot", lot_id=lot.pk)


@login_required
def label_sheet_view(request: HttpRequest, lot_id: int) -> HttpResponse:
    """A sheet of labels to print and stick on the lot's boxes (page, or PDF with ?pdf=1)."""
    lot = selectors.lot_get_for_manage(actor=request.user, lot_id=lot_id)
    form = LabelSheetForm(request.GET or {"count": 24})
    count = form.cleaned_data["count"] if form.is_valid() else 24
    if request.GET.get("pdf"):
        response = HttpResponse(labels.sheet_pdf(lot=lot, count=count), "application/pdf")
        response["Content-Disposition"] = f'inline; filename="nhan-lo-{lot.code}.pdf"'
        return response
    return render(
        request, labels.TEMPLATE, labels.sheet_context(lot=lot, count=count, for_pdf=False)
    )


def qr_view(request: HttpRequest, gtin: str, code: str, kind: str) -> HttpResponse:
    """The QR code of a lot's Digital Link, as SVG or PNG (public: it encodes a public URL)."""
    lot = selectors.lot_get_public(gtin=gtin, code=code)
    url = gs1.digital_link(gtin=lot.gtin, lot=lot.code)
    if kind == "png":
        response = HttpResponse(gs1.qr_png(url), content_type="image/png")
    else:
        response = HttpResponse(gs1.qr_svg_document(url), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def trace_view(request: HttpRequest, gtin: str, code: str, serial: str = "") -> HttpResponse:
    """The public trace page at the lot's GS1 Digital Link: product, household, certificates,
    the lot's journey, and with a serial (the sub-order) that order's delivery."""
    lot = selectors.lot_get_public(gtin=gtin, code=code)
    journey = selectors.journey(lot=lot, serial=serial)
    return render(request, "traceability/trace.html", {"j": journey, "lot": lot})


@login_required
def parcel_labels_view(request: HttpRequest, number: str) -> HttpResponse:
    """The lot labels to stick on one order's parcel: their QR codes carry the sub-order as the
    serial (AI 21), so the buyer who scans one sees that parcel's delivery too."""
    sub = orders_selectors.sub_order_get_for_seller(actor=request.user, number=number)
    rows = []
    for lot in selectors.traced_lot_of(sub_order=sub).select_related("product", "household"):
        url = gs1.digital_link(gtin=lot.gtin, lot=lot.code, serial=sub.number)
        rows.append((lot, url, gs1.qr_svg(url, scale=3)))
    return render(request, "traceability/parcel_labels.html", {"sub": sub, "rows": rows})
