"""Carriers with rate cards and shipments built through the real services."""

from decimal import Decimal
from typing import Any

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.models import Shop
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories as order_factories
from nongsan.orgs.models import Carrier
from nongsan.shipping import services
from nongsan.shipping.models import Shipment


def carrier(code: str = "vnpost", name: str = "Bưu điện Việt Nam") -> Carrier:
    found = account_factories.carrier(code, name)
    services.rate_cards_seed(carrier=found)
    return found


def staff(of: Carrier) -> User:
    return account_factories.user(Role.CARRIER_STAFF, carrier=of)


def confirmed_sub_order(
    shop: Shop | None = None, *, shelf_life_hours: int | None = 48, **place: Any
) -> SubOrder:
    shop = shop or catalog_factories.shop(marketplace=account_factories.marketplace())
    product = order_factories.product(
        shop=shop, name="Vải thiều Lục Ngạn", stock="100", shelf_life_hours=shelf_life_hours
    )
    order = order_factories.place(items=[(product, 5)], **place)
    sub = order.sub_orders.get()
    return orders_services.sub_order_transition(
        actor=orders_services.seller_user(shop), sub_order=sub, to=SubOrder.Status.CONFIRMED
    )


def shipment(sub: SubOrder | None = None, *, by: Carrier | None = None, **fields: Any) -> Shipment:
    sub = sub or confirmed_sub_order()
    values: dict[str, Any] = {
        "weight_kg": Decimal("5.2"),
        "length_cm": 40,
        "width_cm": 30,
        "height_cm": 20,
    }
    values.update(fields)
    return services.shipment_create(
        actor=orders_services.seller_user(sub.shop),  # type: ignore[arg-type]
        sub_order=sub,
        carrier=by or carrier(),
        **values,
    )
