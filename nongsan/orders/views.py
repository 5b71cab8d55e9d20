"""Buying pages: the cart, checkout, the buyer's orders and payment, the seller's orders."""

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.catalog import selectors as catalog_selectors
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error, message_error
from nongsan.core.validators import format_mobile
from nongsan.orders import selectors, services
from nongsan.orders.forms import (
    CartAddForm,
    CartLineForm,
    CheckoutForm,
    DisputeForm,
    HarvestForm,
    PaymentRetryForm,
    ReviewForm,
    TransitionForm,
)
from nongsan.orders.models import Order, SubOrder
from nongsan.payments import providers, vietqr
from nongsan.payments import selectors as payments_selectors
from nongsan.payments import services as payments_services
from nongsan.payments.models import Method, Payment

SESSION_CART = "cart_id"


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _cart(request: HttpRequest, *, create: bool = True) -> Any:
    """The signed-in user's cart (taking in what was added before signing in: the session keeps
    that cart's id across the login), or the visitor's session cart."""
    if request.user.is_authenticated:
        anonymous_id = request.session.pop(SESSION_CART, None)
        if anonymous_id:
            services.cart_merge(user=request.user, cart_id=anonymous_id)  # type: ignore[arg-type]
        return services.cart_for(user=request.user, session_key=None, create=create)  # type: ignore[arg-type]
    if not create and SESSION_CART not in request.session:
        return None
    cart = services.cart_for(user=None, session_key=_session_key(request), create=create)
    if cart is not None:
        request.session[SESSION_CART] = cart.pk
    return cart


# --- Cart ---------------------------------------------------------------------------------------


@require_POST
def cart_add_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = catalog_selectors.product_get_for_cart(product_id=product_id)
    form = CartAddForm(request.POST)
    if form.is_valid():
        try:
            services.cart_add(
                cart=_cart(request), product=product, quantity=form.cleaned_data["quantity"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã thêm %(name)s vào giỏ hàng.") % {"name": product.name})
            if request.POST.get("then") == "cart":
                return redirect("orders:cart")
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("catalog:product", product_id=product.pk)


@require_http_methods(["GET", "POST"])
def cart_view(request: HttpRequest) -> HttpResponse:
    cart = _cart(request, create=request.method == "POST")
    if request.method == "POST" and cart is not None:
        product_id = request.POST.get("product", "")
        line = next(
            (x for x in selectors.cart_lines(cart=cart) if str(x.product_id) == product_id), None
        )
        form = CartLineForm(request.POST)
        if line is not None and form.is_valid():
            quantity = Decimal(0) if "remove" in request.POST else form.cleaned_data["quantity"]
            try:
                services.cart_set_quantity(
                    cart=cart, product=line.product, quantity=quantity or Decimal(0)
                )
            except ApplicationError as error:
                messages.error(request, error.message)
        elif line is not None:
            messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("orders:cart")
    lines = selectors.cart_lines(cart=cart)
    quote = services.quote(
        lines=lines,
        address=None,
        option="standard",
        today=timezone.localdate(),
        buyer=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
    )
    return render(request, "orders/cart.html", {"quote": quote, "lines": lines})


# --- Checkout -----------------------------------------------------------------------------------


def _address(data: dict[str, Any]) -> services.Address:
    if data.get("abroad"):
        return services.Address(
            recipient_name=data["recipient_name"],
            recipient_phone=data["recipient_phone"],
            country=data["country"],
            foreign_address=data.get("foreign_address", ""),
        )
    return services.Address(
        recipient_name=data["recipient_name"],
        recipient_phone=data["recipient_phone"],
        street=data.get("street", ""),
        commune=data["commune"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout_view(request: HttpRequest) -> HttpResponse:
    cart = _cart(request)
    lines = selectors.cart_lines(cart=cart)
    if not lines:
        messages.info(request, _("Giỏ hàng đang trống."))
        return redirect("orders:cart")
    last = selectors.last_address(actor=request.user)
    form = CheckoutForm(
        request.POST or None,
        initial={
            "recipient_name": request.user.full_name,  # type: ignore[union-attr]
            "recipient_phone": format_mobile(getattr(request.user, "phone", "")),
            "idempotency_key": uuid.uuid4().hex,
            **last,
        },
    )
    today = timezone.localdate()
    buyer = request.user
    quote = services.quote(
        lines=lines,
        address=None,
        option="standard",
        today=today,
        buyer=buyer,  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address = _address(data)
        if "preview" in request.POST:
            try:
                quote = services.quote(
                    lines=lines,
                    address=services.address_check(address),
                    option=data["delivery_option"],
                    today=today,
                    buyer=buyer,  # type: ignore[arg-type]
                )
            except ApplicationError as error:
                form_error(form, error)
        else:
            try:
                order = services.checkout(
                    buyer=request.user,  # type: ignore[arg-type]
                    cart=cart,
                    address=address,
                    delivery_option=data["delivery_option"],
                    payment_method=data["payment_method"],
                    idempotency_key=data.get("idempotency_key") or None,
                    note=data.get("note", ""),
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request, _("Đã đặt đơn %(number)s. Cảm ơn bạn!") % {"number": order.number}
                )
                return redirect("orders:buyer_detail", number=order.number)
    return render(request, "orders/checkout.html", {"form": form, "quote": quote, "lines": lines})


# --- The buyer's orders -------------------------------------------------------------------------


@login_required
def buyer_list_view(request: HttpRequest) -> HttpResponse:
    orders = selectors.order_list_for_buyer(actor=request.user)[:50]
    return render(request, "orders/buyer_list.html", {"orders": orders})


def _payment_panel(order: Order) -> dict[str, Any]:
    payment = selectors.payments_of(order=order).first()
    panel: dict[str, Any] = {
        "payment": payment,
        # Money the buyer sent that does not simply pay the order, and what went back.
        "money_checked": payments_selectors.credits_of_order(order_reference=order.number),
        "refunds": payments_selectors.refunds_of_order(order_reference=order.number),
    }
    if payment is None:
        return panel
    if payment.method == Method.VIETQR and payment.status == Payment.Status.PENDING:
        payload = payments_services.vietqr_for(payment=payment)
        panel.update(
            qr_svg=vietqr.qr_svg(payload, scale=5, title=f"VietQR {order.number}"),
            qr_payload=payload,
            bank=payments_selectors.collection_account(),
        )
    return panel


@login_required
def buyer_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_get_for_buyer(actor=request.user, number=number)
    subs = [
        {
            "sub": sub,
            "actions": selectors.next_actions(actor=request.user, sub_order=sub),
            "next_step": selectors.NEXT_STEP_FOR_BUYER[sub.status],
            "history": selectors.history(sub_order=sub),
            "reviewable": selectors.reviewable_lines(actor=request.user, sub_order=sub),
            "disputable": selectors.disputable(actor=request.user, sub_order=sub),
        }
        for sub in order.sub_orders.all()
    ]
    return render(
        request,
        "orders/buyer_detail.html",
        {
            "order": order,
            "subs": subs,
            "review_form": ReviewForm(),
            "retry_form": PaymentRetryForm(),
            "dispute_form": DisputeForm(),
            **_payment_panel(order),
        },
    )


@login_required
@require_POST
def transition_view(request: HttpRequest, number: str) -> HttpResponse:
    sub = selectors.sub_order_get_for(actor=request.user, number=number)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.sub_order_transition(
                actor=request.user,  # type: ignore[arg-type]
                sub_order=sub,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            message_error(request, error)
        else:
            messages.success(
                request,
                _("Đơn %(number)s: %(status)s.")
                % {"number": sub.number, "status": SubOrder.Status(form.cleaned_data["to"]).label},
            )
    if sub.order.buyer_id == request.user.pk:
        return redirect("orders:buyer_detail", number=sub.order.number)
    return redirect("orders:seller_detail", number=sub.number)


@login_required
@require_POST
def dispute_view(request: HttpRequest, number: str) -> HttpResponse:
    """The buyer says a parcel the seller delivered did not come as agreed."""
    sub = selectors.sub_order_get_for(actor=request.user, number=number)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.sub_order_dispute(
                actor=request.user,  # type: ignore[arg-type]
                sub_order=sub,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            message_error(request, error)
        else:
            messages.success(request, _("Đã báo sàn và người bán. Tiền hàng chờ sàn xem xét."))
    else:
        messages.error(request, _("Hãy cho biết bạn chưa nhận được gì."))
    return redirect("orders:buyer_detail", number=sub.order.number)


@login_required
@require_POST
def review_view(request: HttpRequest, number: str, product_id: int) -> HttpResponse:
    sub = selectors.sub_order_get_for(actor=request.user, number=number)
    line = next((x for x in sub.lines.all() if x.product_id == product_id), None)
    form = ReviewForm(request.POST, request.FILES)
    if line is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            services.review_create(
                actor=request.user,  # type: ignore[arg-type]
                sub_order=sub,
                product=line.product,
                stars=form.cleaned_data["stars"],
                text=form.cleaned_data["text"],
                photo=form.cleaned_data.get("photo"),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    else:
        messages.error(request, _("Hãy chọn số sao."))
    return redirect("orders:buyer_detail", number=sub.order.number)


@login_required
@require_POST
def payment_retry_view(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_get_for_buyer(actor=request.user, number=number)
    form = PaymentRetryForm(request.POST)
    if form.is_valid():
        try:
            payment = services.payment_retry(
                actor=request.user,  # type: ignore[arg-type]
                order=order,
                method=form.cleaned_data["method"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if payment.method == Method.EWALLET:
                return redirect(payment.redirect_url)
    return redirect("orders:buyer_detail", number=order.number)


@login_required
def ewallet_go_view(request: HttpRequest, number: str) -> HttpResponse:
    """Send the buyer to the wallet's pay page of the order's current attempt."""
    order = selectors.order_get_for_buyer(actor=request.user, number=number)
    payment = selectors.payments_of(order=order).first()
    if payment is None or payment.method != Method.EWALLET or not payment.redirect_url:
        return redirect("orders:buyer_detail", number=order.number)
    return redirect(payment.redirect_url)


def ewallet_return_view(request: HttpRequest) -> HttpResponse:
    """The buyer comes back from the wallet: verify what it signed, then show the order."""
    try:
        payment = payments_services.ewallet_return_receive(params=request.GET.dict())
    except (providers.SignatureError, ValueError, ApplicationError):
        messages.error(request, _("Không xác nhận được kết quả thanh toán từ ví."))
        return redirect("orders:buyer_list")
    services.order_payment_sync(order_reference=payment.order_reference)
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Thanh toán thành công."))
    else:
        messages.error(request, _("Thanh toán chưa thành công; bạn có thể thử lại."))
    return redirect("orders:buyer_detail", number=payment.order_reference)


@require_http_methods(["GET", "POST"])
def ewallet_sandbox_view(request: HttpRequest, provider_ref: str) -> HttpResponse:
    """The sandbox wallet's own pay page (it stands in for MoMo, ZaloPay...): paying sends the
    signed notification to our webhook service and the buyer back with signed parameters."""
    payment = payments_selectors.payment_get_by_provider_ref(provider_ref=provider_ref)
    if request.method == "POST":
        outcome = "succeeded" if "pay" in request.POST else "failed"
        sandbox = payments_services.sandbox_wallet()
        event = uuid.uuid4().hex
        body = sandbox.sign_webhook(
            provider_ref=payment.provider_ref,
            reference=payment.reference,
            amount=payment.amount,
            status=outcome,  # type: ignore[arg-type]
            event_id=f"ipn-{event}",
        )
        payments_services.ewallet_notification_receive(
            provider_code=sandbox.code, body=body, headers={}
        )
        services.order_payment_sync(order_reference=payment.order_reference)
        params = sandbox.sign_return(
            provider_ref=payment.provider_ref,
            reference=payment.reference,
            amount=payment.amount,
            status=outcome,  # type: ignore[arg-type]
            event_id=f"ret-{event}",
        )
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return redirect(f"{reverse('orders:ewallet_return')}?{query}")
    return render(request, "orders/ewallet_sandbox.html", {"payment": payment})


# --- The seller's orders ------------------------------------------------------------------------


@login_required
def seller_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("trang_thai", "")
    if status not in SubOrder.Status.values:
        status = ""
    subs = selectors.sub_order_list_for_seller(actor=request.user, status=status)[:100]
    counts = selectors.seller_counts(actor=request.user)
    return render(
        request,
        "orders/seller_list.html",
        {
            "subs": subs,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in SubOrder.Status.choices],
        },
    )


@login_required
def seller_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    sub = selectors.sub_order_get_for_seller(actor=request.user, number=number)
    return render(
        request,
        "orders/seller_detail.html",
        {
            "sub": sub,
            "order": sub.order,
            "actions": selectors.next_actions(actor=request.user, sub_order=sub),
            "next_step": selectors.NEXT_STEP_FOR_SELLER[sub.status],
            "history": selectors.history(sub_order=sub),
            "paid": sub.order.payment_status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def harvest_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = catalog_selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    form = HarvestForm(request.POST or None)
    waiting = selectors.preorders_waiting(product=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.preorder_harvest(
                actor=request.user,  # type: ignore[arg-type]
                product=product,
                harvested=form.cleaned_data["harvested"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã ghi sản lượng và chia hàng cho các đơn đặt trước."))
            return redirect("orders:seller_list")
    return render(
        request, "orders/harvest.html", {"form": form, "product": product, "waiting": waiting}
    )


def reviews_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """What buyers said about a product, newest first."""
    product = catalog_selectors.product_get_public(product_id=product_id)
    reviews = [
        (review, selectors.reviewer_name(review.buyer.full_name))
        for review in selectors.reviews_of(product=product)[:100]
    ]
    return render(request, "orders/reviews.html", {"product": product, "reviews": reviews})
