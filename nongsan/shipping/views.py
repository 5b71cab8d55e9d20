"""Delivery pages: the seller books a parcel and prints its label; carrier staff see the day's
collection runs and scan events on a phone; buyers and sellers follow the timeline and claims;
officials approve priority vehicle cards, whose QR anyone can check."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.accounts.models import Role
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.orders import selectors as orders_selectors
from nongsan.shipping import selectors, services
from nongsan.shipping.forms import (
    CardForm,
    ClaimForm,
    DecisionForm,
    DistancingForm,
    EventForm,
    ScanForm,
    ShipmentForm,
)
from nongsan.shipping.models import Claim, Shipment, TrackingEvent


def _qr_svg(text: str, *, scale: int = 4) -> str:
    return segno.make(text, error="m").svg_inline(scale=scale, omitsize=False)


# --- Sellers: book and label --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def book_view(request: HttpRequest, number: str) -> HttpResponse:
    sub = orders_selectors.sub_order_get_for_seller(actor=request.user, number=number)
    existing = selectors.shipment_of(sub_order=sub)
    if existing is not None:
        return redirect("shipping:detail", tracking_number=existing.tracking_number)
    form = ShipmentForm(request.POST or None, carriers=selectors.carriers())
    if request.method == "POST" and form.is_valid():
        try:
            shipment = services.shipment_create(
                actor=request.user,  # type: ignore[arg-type]
                sub_order=sub,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã tạo vận đơn %(n)s.") % {"n": shipment.tracking_number})
            return redirect("shipping:label", tracking_number=shipment.tracking_number)
    return render(request, "shipping/book.html", {"form": form, "sub": sub})


@login_required
def track_view(request: HttpRequest, number: str) -> HttpResponse:
    """The buyer's way from a sub-order to its parcel."""
    sub = orders_selectors.sub_order_get_for(actor=request.user, number=number)
    shipment = selectors.shipment_of(sub_order=sub)
    if shipment is None:
        raise Http404(_("Đơn chưa có vận đơn."))
    return redirect("shipping:detail", tracking_number=shipment.tracking_number)


@login_required
def label_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The printable label: addresses, weight, COD, the tracking number as a QR code."""
    shipment = selectors.shipment_get_for(actor=request.user, tracking_number=tracking_number)
    return render(
        request,
        "shipping/label.html",
        {
            "shipment": shipment,
            "order": shipment.sub_order.order,
            "qr": _qr_svg(shipment.tracking_number, scale=5),
        },
    )


@login_required
def detail_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    shipment = selectors.shipment_get_for(actor=request.user, tracking_number=tracking_number)
    is_staff = (
        request.user.role == Role.CARRIER_STAFF  # type: ignore[union-attr]
        and request.user.carrier_id == shipment.carrier_id  # type: ignore[union-attr]
    )
    left = services.remaining(shipment=shipment)
    return render(
        request,
        "shipping/detail.html",
        {
            "shipment": shipment,
            "events": selectors.timeline(shipment=shipment),
            "claims": shipment.claims.all(),
            "event_form": EventForm() if is_staff else None,
            "hours_left": None if left is None else int(left.total_seconds() // 3600),
            "is_buyer": shipment.sub_order.order.buyer_id == request.user.pk,
            "claim_form": ClaimForm(),
        },
    )


# --- Carrier staff ------------------------------------------------------------------------------


def _carrier_staff(request: HttpRequest) -> None:
    user = request.user
    if user.role != Role.CARRIER_STAFF or not user.carrier_id:  # type: ignore[union-attr]
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def carrier_home_view(request: HttpRequest) -> HttpResponse:
    """The day's collection runs (one per commune) and a box to scan a tracking number."""
    _carrier_staff(request)
    scan = ScanForm(request.POST or None)
    if request.method == "POST" and scan.is_valid():
        number = scan.cleaned_data["tracking_number"].strip().upper()
        return redirect("shipping:detail", tracking_number=number)
    return render(
        request,
        "shipping/carrier_home.html",
        {
            "runs": selectors.pickup_runs(actor=request.user),
            "parcels": selectors.carrier_shipments(actor=request.user)[:100],
            "scan": scan,
        },
    )


@login_required
def run_view(request: HttpRequest, commune_id: int) -> HttpResponse:
    _carrier_staff(request)
    parcels = selectors.run_parcels(actor=request.user, commune_id=commune_id)
    if not parcels:
        raise Http404
    return render(request, "shipping/run.html", {"parcels": parcels})


@login_required
@require_POST
def event_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    shipment = selectors.shipment_get_for(actor=request.user, tracking_number=tracking_number)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            services.event_record(
                shipment=shipment,
                kind=form.cleaned_data["kind"],
                at=timezone.now(),
                source=TrackingEvent.Source.STAFF,
                actor=request.user,  # type: ignore[arg-type]
                place=form.cleaned_data["place"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from error
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(n)s: %(s)s.")
                % {
                    "n": shipment.tracking_number,
                    "s": Shipment.Status(form.cleaned_data["kind"]).label,
                },
            )
    return redirect("shipping:detail", tracking_number=shipment.tracking_number)


# --- Claims -------------------------------------------------------------------------------------


@login_required
@require_POST
def claim_open_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    shipment = selectors.shipment_get_for(actor=request.user, tracking_number=tracking_number)
    form = ClaimForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("shipping:detail", tracking_number=shipment.tracking_number)
    try:
        claim = services.claim_open(
            actor=request.user,  # type: ignore[arg-type]
            shipment=shipment,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            photos=[form.cleaned_data["photo"]] if form.cleaned_data.get("photo") else [],
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return redirect("shipping:detail", tracking_number=shipment.tracking_number)
    messages.success(request, _("Đã gửi khiếu nại. Sàn sẽ xem xét và trả lời bạn."))
    return redirect("shipping:claim", claim_id=claim.pk)


@login_required
def claim_list_view(request: HttpRequest) -> HttpResponse:
    claims = selectors.claim_list(actor=request.user)[:100]
    return render(request, "shipping/claim_list.html", {"claims": claims})


@login_required
def claim_photo_view(request: HttpRequest, claim_id: int, photo_id: int) -> FileResponse:
    """A claim's evidence photo, for the parties of the claim only (a private file)."""
    claim = selectors.claim_get_for(actor=request.user, claim_id=claim_id)
    photo = claim.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


@login_required
@require_http_methods(["GET", "POST"])
def claim_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for(actor=request.user, claim_id=claim_id)
    may_decide = services.may_decide(actor=request.user, claim=claim)  # type: ignore[arg-type]
    form = DecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.claim_decide(
                    actor=request.user,  # type: ignore[arg-type]
                    claim=claim,
                    accept=form.cleaned_data["accept"],
                    responsible=form.cleaned_data["responsible"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Đã ghi quyết định."))
                return redirect("shipping:claim", claim_id=claim.pk)
    return render(
        request,
        "shipping/claim.html",
        {
            "claim": claim,
            "events": selectors.timeline(shipment=claim.shipment),
            "form": form,
            "open": claim.status in (Claim.Status.OPEN, Claim.Status.UNDER_REVIEW),
        },
    )


# --- Priority vehicle cards ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cards_view(request: HttpRequest) -> HttpResponse:
    is_carrier = request.user.role == Role.CARRIER_STAFF  # type: ignore[union-attr]
    form = CardForm(request.POST or None) if is_carrier else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            card = services.card_request(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã gửi đề nghị cấp thẻ cho xe %(p)s.") % {"p": card.plate})
            return redirect("shipping:cards")
    if not selectors.may_see_cards(actor=request.user):
        raise PermissionDenied
    cards = selectors.cards_for(actor=request.user)[:200]
    return render(request, "shipping/cards.html", {"cards": cards, "form": form})


@login_required
@require_POST
def card_decide_view(request: HttpRequest, code: str) -> HttpResponse:
    card = selectors.card_get_public(code=code)
    try:
        services.card_decide(
            actor=request.user,  # type: ignore[arg-type]
            card=card,
            approve=request.POST.get("approve") == "1",
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    return redirect("shipping:cards")


@login_required
def card_print_view(request: HttpRequest, code: str) -> HttpResponse:
    card = selectors.card_get_public(code=code)
    if not selectors.cards_for(actor=request.user).filter(pk=card.pk).exists():
        raise Http404
    check_url = request.build_absolute_uri(reverse("shipping:card_check", args=[card.code]))
    return render(
        request,
        "shipping/card_print.html",
        {"card": card, "qr": _qr_svg(check_url, scale=5), "check_url": check_url},
    )


def card_check_view(request: HttpRequest, code: str) -> HttpResponse:
    """Public: a traffic checkpoint scans the card's QR and sees whether it is valid today."""
    card = selectors.card_get_public(code=code)
    return render(
        request,
        "shipping/card_check.html",
        {"card": card, "valid": services.card_is_valid(card), "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def distancing_view(request: HttpRequest) -> HttpResponse:
    """Officials record the areas under social distancing; orders into them are essential."""
    user = request.user
    if user.role not in (Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL) and not user.is_superuser:  # type: ignore[union-attr]
        raise PermissionDenied
    form = DistancingForm(request.POST or None, initial={"province": user.province_id})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            services.distancing_create(actor=user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã ghi vùng giãn cách."))
            return redirect("shipping:distancing")
    return render(
        request,
        "shipping/distancing.html",
        {"form": form, "areas": selectors.distancing_list(actor=user)[:50]},
    )
