"""The buying API: /api/orders/ (cart, checkout, orders, sub-order steps, reviews, payment
attempts; `Idempotency-Key` on checkout and payment calls) and /api/payments/webhooks/ (the
bank's and the wallets' signed notifications, no login)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.catalog import selectors as catalog_selectors
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.core.errors import ApplicationError
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Country
from nongsan.orders import selectors, services
from nongsan.orders.models import Order, Review, SubOrder
from nongsan.orders.schemas import (
    CartItemIn,
    CartOut,
    CartQuantityIn,
    CheckoutIn,
    NotificationOut,
    OrderOut,
    PaymentIn,
    PaymentOut,
    ReviewIn,
    ReviewOut,
    SubOrderOut,
    TransitionIn,
)
from nongsan.payments import providers
from nongsan.payments import services as payments_services
from nongsan.payments.models import Method, Notification, Payment

router = Router(tags=["orders"], auth=api_auth)
payments_router = Router(tags=["payments"])


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 80:
        raise ApplicationError("Idempotency-Key dài tối đa 80 ký tự.", field="Idempotency-Key")
    return key or None


def _cart(request: HttpRequest) -> Any:
    return services.cart_for(user=request.auth, session_key=None)  # type: ignore[arg-type]


def _cart_out(cart: Any) -> dict[str, Any]:
    lines = selectors.cart_lines(cart=cart)
    quote = services.quote(
        lines=lines, address=None, option="standard", today=timezone.localdate(), buyer=cart.user
    )
    return {"lines": lines, "goods_total": quote.goods_total}


@router.get("/cart", response=CartOut, summary="The caller's cart")
def cart_get(request: HttpRequest) -> dict[str, Any]:
    return _cart_out(_cart(request))


@router.post("/cart/items", response=CartOut, summary="Add a product to the cart")
def cart_item_add(request: HttpRequest, payload: CartItemIn) -> dict[str, Any]:
    product = catalog_selectors.product_get_for_cart(product_id=payload.product_id)
    cart = _cart(request)
    services.cart_add(cart=cart, product=product, quantity=payload.quantity)
    return _cart_out(cart)


@router.put("/cart/items/{product_id}", response=CartOut, summary="Set a quantity (0 removes)")
def cart_item_set(request: HttpRequest, product_id: int, payload: CartQuantityIn) -> dict[str, Any]:
    cart = _cart(request)
    line = next((x for x in selectors.cart_lines(cart=cart) if x.product_id == product_id), None)
    if line is None:
        raise Http404("Sản phẩm không có trong giỏ.")
    services.cart_set_quantity(cart=cart, product=line.product, quantity=payload.quantity)
    return _cart_out(cart)


def _address(payload: CheckoutIn) -> services.Address:
    data = payload.address
    country = data.country.upper()
    if country != services.VIETNAM:
        found = Country.objects.filter(code=country).first()
        if found is None:
            raise ApplicationError("Mã quốc gia không hợp lệ.", field="country")
        return services.Address(
            recipient_name=data.recipient_name,
            recipient_phone=data.recipient_phone,
            country=found,
            foreign_address=data.foreign_address,
        )
    commune = geo_selectors.commune_by_code(code=data.commune_code or "")
    if commune is None:
        raise ApplicationError("Mã xã/phường không hợp lệ.", field="commune_code")
    return services.Address(
        recipient_name=data.recipient_name,
        recipient_phone=data.recipient_phone,
        street=data.street,
        commune=commune,
    )


@router.post(
    "/checkout",
    response={201: OrderOut},
    summary="Place the cart (or the lines sent) as an order, paid by the method chosen",
)
def checkout(request: HttpRequest, payload: CheckoutIn) -> Status:
    buyer = request.auth
    items = None
    if payload.lines is not None:
        items = [(line.product_id, line.quantity) for line in payload.lines]
    order = services.checkout(
        buyer=buyer,  # type: ignore[arg-type]
        cart=None if items is not None else _cart(request),
        address=_address(payload),
        delivery_option=payload.delivery_option,
        payment_method=payload.payment_method,
        idempotency_key=_idempotency_key(request),
        note=payload.note,
        items=items,
    )
    return Status(201, order)  # with its parts loaded


@router.get("/", response=list[OrderOut], summary="The caller's orders, newest first")
@paginate(BoundedPagination)
def order_list(request: HttpRequest) -> QuerySet[Order]:
    return selectors.order_list_for_buyer(actor=request.auth)


@router.get("/seller/sub-orders", response=list[SubOrderOut], summary="Sub-orders of my shops")
@paginate(BoundedPagination)
def seller_sub_orders(request: HttpRequest, status: str = "") -> QuerySet[SubOrder]:
    if status and status not in SubOrder.Status.values:
        raise ApplicationError("Trạng thái không hợp lệ.", field="status")
    return selectors.sub_order_list_for_seller(actor=request.auth, status=status)


@router.post(
    "/sub-orders/{number}/transition", response=SubOrderOut, summary="Move a sub-order a step"
)
@refused_is_403
def sub_order_transition(request: HttpRequest, number: str, payload: TransitionIn) -> SubOrder:
    sub = selectors.sub_order_get_for(actor=request.auth, number=number)
    if payload.to not in SubOrder.Status.values:
        raise ApplicationError("Trạng thái không hợp lệ.", field="to")
    services.sub_order_transition(
        actor=request.auth,  # type: ignore[arg-type]
        sub_order=sub,
        to=payload.to,
        reason=payload.reason,
    )
    return selectors.sub_order_get_for(actor=request.auth, number=number)


@router.post(
    "/sub-orders/{number}/reviews", response={201: ReviewOut}, summary="Rate a product received"
)
@refused_is_403
def review_create(request: HttpRequest, number: str, payload: ReviewIn) -> Status:
    sub = selectors.sub_order_get_for(actor=request.auth, number=number)
    line = next((x for x in sub.lines.all() if x.product_id == payload.product_id), None)
    if line is None:
        raise ApplicationError("Sản phẩm này không có trong đơn.", field="product_id")
    review: Review = services.review_create(
        actor=request.auth,  # type: ignore[arg-type]
        sub_order=sub,
        product=line.product,
        stars=payload.stars,
        text=payload.text,
    )
    return Status(201, review)


def _payment_out(payment: Payment) -> dict[str, Any]:
    data = {f: getattr(payment, f) for f in PaymentOut.model_fields if f != "vietqr"}
    if payment.method == Method.VIETQR:
        data["vietqr"] = payments_services.vietqr_for(payment=payment)
    return data


@router.get("/{number}", response=OrderOut, summary="One of the caller's orders")
def order_get(request: HttpRequest, number: str) -> Order:
    return selectors.order_get_for_buyer(actor=request.auth, number=number)


@router.get("/{number}/payments", response=list[PaymentOut], summary="Payment attempts")
def payment_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.order_get_for_buyer(actor=request.auth, number=number)
    return [_payment_out(p) for p in selectors.payments_of(order=order)]


@router.post("/{number}/payments", response={201: PaymentOut}, summary="A new payment attempt")
@refused_is_403
def payment_create(request: HttpRequest, number: str, payload: PaymentIn) -> Status:
    order = selectors.order_get_own(actor=request.auth, number=number)
    payment = services.payment_retry(
        actor=request.auth,  # type: ignore[arg-type]
        order=order,
        method=payload.method,
        idempotency_key=_idempotency_key(request),
    )
    return Status(201, _payment_out(payment))


# --- Webhooks: signed by the sender, no login ---------------------------------------------------


def _notification_out(notification: Notification) -> Notification:
    if notification.payment is not None:
        services.order_payment_sync(order_reference=notification.payment.order_reference)
    return notification


@payments_router.post(
    "/webhooks/bank",
    response=NotificationOut,
    summary="The bank's notification of a credit to the collection account (X-Signature)",
)
def bank_webhook(request: HttpRequest) -> Notification:
    try:
        notification = payments_services.bank_notification_receive(
            body=request.body, signature=request.headers.get("X-Signature", "")
        )
    except providers.SignatureError as exc:
        raise HttpError(401, str(exc)) from exc
    return _notification_out(notification)


@payments_router.post(
    "/webhooks/ewallet/{provider}",
    response=NotificationOut,
    summary="An e-wallet's payment notification (IPN), signed in the body",
)
def ewallet_webhook(request: HttpRequest, provider: str) -> Notification:
    try:
        notification = payments_services.ewallet_notification_receive(
            provider_code=provider, body=request.body, headers=dict(request.headers)
        )
    except providers.SignatureError as exc:
        raise HttpError(401, "Chữ ký thông báo không hợp lệ.") from exc
    except ValueError as exc:
        raise ApplicationError(f"Thông báo không hợp lệ: {exc}") from exc
    return _notification_out(notification)
