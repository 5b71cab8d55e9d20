"""Shops and products built through the real services, with photos drawn by Pillow."""

import io
import itertools
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import services
from nongsan.catalog.models import Category, Product, Shop
from nongsan.households.models import Household
from nongsan.households.tests import factories as household_factories
from nongsan.orgs.models import Marketplace

_serial = itertools.count(1)


def photo(name: str = "na.jpg", color: tuple[int, int, int] = (120, 170, 90)) -> SimpleUploadedFile:
    """A small JPEG as a phone would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def household_with_account(**fields: Any) -> Household:
    """A household that logs in itself (its head's phone made it an account)."""
    fields.setdefault("head_phone", f"0978{next(_serial):06d}")
    return household_factories.household(**fields)


def operator(marketplace: Marketplace | None = None) -> User:
    return account_factories.user(
        Role.MARKETPLACE_OPERATOR, marketplace=marketplace or account_factories.marketplace()
    )


def shop(
    *,
    household: Household | None = None,
    marketplace: Marketplace | None = None,
    name: str = "Vườn na nhà Mai",
    **fields: Any,
) -> Shop:
    household = household or household_with_account()
    return services.shop_open(
        actor=household.user,
        marketplace=marketplace or account_factories.marketplace(),
        name=name,
        household=household,
        **fields,
    )


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def product(
    *,
    shop: Shop | None = None,
    status: str = Product.Status.PUBLISHED,
    actor: User | None = None,
    name: str = "Na Chi Lăng loại 1",
    price: int = 65_000,
    unit: str = Product.Unit.KG,
    stock: Decimal | str = "120",
    **fields: Any,
) -> Product:
    """A product in the status asked for, moved there through the moderation service."""
    shop = shop or globals()["shop"]()
    actor = actor or _seller_of(shop)
    if unit != Product.Unit.KG:
        fields.setdefault("unit_weight_kg", Decimal("1"))
    made = services.product_create(
        actor=actor,
        shop=shop,
        name=name,
        price=price,
        unit=unit,
        stock=stock,
        photo=photo(),
        submit=status != Product.Status.DRAFT,
        **fields,
    )
    if status in (Product.Status.PUBLISHED, Product.Status.HIDDEN):
        moderator = operator(shop.marketplace)
        made = services.product_transition(
            actor=moderator, product=made, to=Product.Status.PUBLISHED
        )
        if status == Product.Status.HIDDEN:
            made = services.product_transition(
                actor=moderator, product=made, to=Product.Status.HIDDEN, reason="Ảnh không rõ"
            )
    return made


def _seller_of(shop: Shop) -> User:
    if shop.household_id:
        return shop.household.user
    if shop.cooperative_id:
        return shop.cooperative.manager
    return shop.supplier


def input_shop(**fields: Any) -> Shop:
    """An input supplier's shop in Đắk Lắk."""
    supplier = account_factories.user(Role.INPUT_SUPPLIER, full_name="Bùi Đức Long")
    fields.setdefault("commune", account_factories.commune("Đắk Lắk", 0))
    return services.shop_open(
        actor=supplier,
        marketplace=fields.pop("marketplace", None) or account_factories.marketplace(),
        name=fields.pop("name", "Vật tư Long"),
        **fields,
    )


def fertiliser(shop: Shop | None = None, **offer: Any) -> Product:
    """NPK fertiliser in 25 kg bags, 520.000 ₫, 450.000 ₫ for households (5 bags a season)."""
    import datetime as dt

    from django.utils import timezone

    shop = shop or input_shop()
    made = product(
        shop=shop,
        actor=shop.supplier,
        name="Phân bón NPK 16-16-8",
        price=520_000,
        unit=Product.Unit.BAG,
        unit_weight_kg=Decimal(25),
        stock="40",
        registration_number="QĐ 1234/QĐ-BVTV-PB",
    )
    today = timezone.localdate()
    values: dict[str, Any] = {
        "price": 450_000,
        "quota": "5",
        "season_start": today - dt.timedelta(days=10),
        "season_end": today + dt.timedelta(days=80),
    }
    values.update(offer)
    services.household_price_set(actor=shop.supplier, product=made, **values)
    return made
