"""Carts and orders built through the real services."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.models import Product, Shop
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.geo.models import Commune, Country
from nongsan.orders import services
from nongsan.orders.models import Order, PaymentMethod


def buyer(**fields: Any) -> User:
    fields.setdefault("full_name", "Trần Thu Hà")
    return account_factories.user(Role.BUYER, **fields)


def hanoi_commune() -> Commune:
    return account_factories.commune("Hà Nội")


def address(commune: Commune | None = None, **fields: Any) -> services.Address:
    values: dict[str, Any] = {
        "recipient_name": "Trần Thu Hà",
        "recipient_phone": "0912345678",
        "street": "Số 12 ngõ 34 Nguyễn Trãi",
        "commune": commune or hanoi_commune(),
    }
    values.update(fields)
    return services.Address(**values)


def germany_address() -> services.Address:
    return services.Address(
        recipient_name="Lan Nguyen",
        recipient_phone="+49 151 2345 6789",
        country=Country.objects.get(code="DE"),
        foreign_address="Kantstraße 12, 10623 Berlin",
    )


def product(shop: Shop | None = None, **fields: Any) -> Product:
    return catalog_factories.product(shop=shop, **fields)


def place(
    *,
    buyer_user: User | None = None,
    items: list[tuple[Product, Decimal | str | int]],
    method: str = PaymentMethod.COD,
    **fields: Any,
) -> Order:
    """Put the items in the buyer's cart and check out."""
    buyer_user = buyer_user or buyer()
    cart = services.cart_for(user=buyer_user, session_key=None)
    assert cart is not None
    for item, quantity in items:
        services.cart_add(cart=cart, product=item, quantity=Decimal(str(quantity)))
    fields.setdefault("address", address())
    return services.checkout(buyer=buyer_user, cart=cart, payment_method=method, **fields)


def future_season(days: int = 30) -> dict[str, dt.date]:
    today = timezone.localdate()
    return {
        "available_from": today + dt.timedelta(days=days),
        "available_to": today + dt.timedelta(days=days + 45),
    }
