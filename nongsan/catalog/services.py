"""Every write about the catalog: shops, products, photos, moderation, stock, views, word lists."""

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import capfirst, slugify

from nongsan.accounts.models import Role, User
from nongsan.catalog import moderation, search, selectors
from nongsan.catalog.models import (
    BrandMark,
    Category,
    HouseholdPrice,
    HouseholdPriceUse,
    Product,
    ProductPhoto,
    ProductStatusChange,
    ProductViewDay,
    ProductWord,
    Shop,
    Synonym,
)
from nongsan.core import images, sql
from nongsan.core.errors import ApplicationError
from nongsan.core.text import normalize
from nongsan.geo.models import Commune
from nongsan.households import services as households_services
from nongsan.households.models import Certification, Cooperative, Household, Milestone
from nongsan.orgs.models import Marketplace

Status = Product.Status
MAX_PHOTOS = 8
MAX_PRICE = 10_000_000_000  # 10 tỉ đồng: beyond any single farm product or input
MAX_QUANTITY = Decimal("999999999")
MAX_SHELF_LIFE_HOURS = 100_000  # over 11 years: what the edit form allows
MAX_DESCRIPTION = 4000
MAX_STORY = 3000
MAX_REASON = 500  # ProductStatusChange.reason, Product.status_reason
MAX_CLOSED_REASON = 300  # Shop.closed_reason
# Changing what a buyer reads about a published product sends it back to the operator; price,
# stock, season and the rest of the figures do not (the one-tap edit must stay one tap).
REVIEWED_FIELDS = (
    "name",
    "description",
    "category_id",
    "origin_commune_id",
    "registration_number",
)
REVIEW_AGAIN_REASON = "Người bán sửa nội dung sản phẩm: chờ sàn duyệt lại."


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(message, code="forbidden")


def _check_manage(*, actor: User, shop: Shop) -> None:
    if not selectors.may_manage_shop(actor=actor, shop=shop):
        raise _forbidden("Bạn không quản lý gian hàng này.")


# --- Shops --------------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(" ".join(search.words(name)))[:120] or "gian-hang"
    slug, n = base, 1
    while Shop.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_text(text: str | None) -> str:
    """Free text as stored: NFC, no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", text or "").splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _clean_name(name: str, *, field: str = "name", max_length: int = 120) -> str:
    name = normalize(name)
    if not name:
        raise ApplicationError("Tên đang để trống.", field=field)
    if len(name) > max_length:
        raise ApplicationError(f"Tên dài quá {max_length} ký tự.", field=field)
    return name


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _check_length(text: str, *, field: str, label: str, max_length: int) -> str:
    """Text columns the database does not bound (TextField) or bounds with an error page."""
    if len(text) > max_length:
        raise ApplicationError(
            f"{label} dài quá {_thousands(max_length)} ký tự "
            f"(đang có {_thousands(len(text))} ký tự).",
            field=field,
        )
    return text


def _full_clean(instance: models.Model, **kwargs: Any) -> None:
    """The model's own validation as a last net: a rule the checks above missed is still a
    message on its field, never an error page."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        if field == NON_FIELD_ERRORS:
            raise ApplicationError(str(messages[0])) from exc
        raise ApplicationError(f"{_label(instance, field)}: {messages[0]}", field=field) from exc


def _label(model: models.Model | type[models.Model], field: str) -> str:
    """A field's name as users read it: "Thời gian bảo quản (giờ)"."""
    return capfirst(str(getattr(model._meta.get_field(field), "verbose_name", field)))


def _preorder_allocation(value: Any) -> str:
    if value not in Shop.PreorderAllocation.values:
        choices = ", ".join(f"“{label}”" for label in Shop.PreorderAllocation.labels)
        raise ApplicationError(
            f"Cách chia hàng đặt trước không hợp lệ: chọn một trong {choices}.",
            field="preorder_allocation",
        )
    return str(value)


def _story(text: str | None) -> str:
    return _check_length(
        _clean_text(text), field="story", label="Giới thiệu gian hàng", max_length=MAX_STORY
    )


@transaction.atomic
def shop_open(
    *,
    actor: User,
    marketplace: Marketplace,
    name: str,
    story: str = "",
    household: Household | None = None,
    cooperative: Cooperative | None = None,
    commune: Commune | None = None,
    preorder_allocation: str = Shop.PreorderAllocation.FIRST_COME,
) -> Shop:
    """Open a shop on a marketplace for a household, a cooperative or the actor as input supplier.

    Without an owner given, a household account opens its own household's shop and an input
    supplier account its own. Opening a household's first shop on a marketplace records its
    "shop opened" milestone there. A cooperative's members get theirs when a product they supply
    is first published (see `product_transition`): being a member is not yet selling.
    """
    if not (marketplace.is_hosted and marketplace.is_active):
        raise ApplicationError(
            f"Không mở được gian hàng trên {marketplace.name} từ nền tảng này.", field="marketplace"
        )
    if household is not None and cooperative is not None:
        raise ApplicationError("Gian hàng thuộc một hộ hoặc một HTX, không phải cả hai.")
    if household is None and cooperative is None and actor.role != Role.INPUT_SUPPLIER:
        household = Household.objects.filter(user=actor).select_related("commune").first()
        if household is None:
            raise ApplicationError(
                "Tài khoản của bạn chưa gắn với hồ sơ hộ nào; hãy nhờ cán bộ hỗ trợ.",
                field="household",
            )
    if household is not None:
        owner_kind = Shop.OwnerKind.HOUSEHOLD
        allowed = household.user_id == actor.pk or selectors.may_open_shop_for(
            actor=actor, commune=household.commune
        )
        commune = household.commune
        taken = Shop.objects.filter(marketplace=marketplace, household=household)
        whose = "Hộ này"
    elif cooperative is not None:
        owner_kind = Shop.OwnerKind.COOPERATIVE
        allowed = cooperative.manager_id == actor.pk or selectors.may_open_shop_for(
            actor=actor, commune=cooperative.commune
        )
        commune = cooperative.commune
        taken = Shop.objects.filter(marketplace=marketplace, cooperative=cooperative)
        whose = "HTX này"
    else:
        owner_kind = Shop.OwnerKind.INPUT_SUPPLIER
        allowed = actor.role == Role.INPUT_SUPPLIER
        if commune is None:
            raise ApplicationError("Chọn xã/phường nơi đặt cửa hàng.", field="commune")
        taken = Shop.objects.filter(marketplace=marketplace, supplier=actor)
        whose = "Bạn"
    if not (allowed or actor.is_superuser):
        raise _forbidden("Bạn không được mở gian hàng cho hộ hoặc HTX này.")
    if taken.exists():
        raise ApplicationError(
            f"{whose} đã có gian hàng trên {marketplace.name}.",
            field="marketplace",
            code="duplicate",
        )
    now = timezone.now()
    shop = Shop(
        marketplace=marketplace,
        owner_kind=owner_kind,
        household=household,
        cooperative=cooperative,
        supplier=actor if owner_kind == Shop.OwnerKind.INPUT_SUPPLIER else None,
        name=_clean_name(name),
        slug=_unique_slug(name),
        story=_story(story),
        commune=commune,
        preorder_allocation=_preorder_allocation(preorder_allocation),
        opened_by=actor,
        created_at=now,
        updated_at=now,
    )
    _full_clean(shop)
    try:
        with transaction.atomic():
            shop.save()
    except IntegrityError as exc:  # the same shop opened a moment ago
        raise ApplicationError(
            f"{whose} vừa mở gian hàng trên {marketplace.name}.",
            field="marketplace",
            code="duplicate",
        ) from exc
    if household is not None:
        households_services.milestone_record(
            household=household,
            kind=Milestone.Kind.SHOP_OPENED,
            marketplace=marketplace,
            achieved_at=now,
            source="catalog",
        )
    return shop


@transaction.atomic
def shop_update(
    *,
    actor: User,
    shop: Shop,
    name: str | None = None,
    story: str | None = None,
    preorder_allocation: str | None = None,
) -> Shop:
    _check_manage(actor=actor, shop=shop)
    renamed = name is not None and normalize(name) != shop.name
    if name is not None:
        shop.name = _clean_name(name)
    if story is not None:
        shop.story = _story(story)
    if preorder_allocation is not None:
        shop.preorder_allocation = _preorder_allocation(preorder_allocation)
    shop.updated_at = timezone.now()
    _full_clean(shop)
    shop.save()
    if renamed:  # the shop's name is among its products' words
        products_reindex(products=Product.objects.filter(shop=shop))
    return shop


@transaction.atomic
def shop_set_active(*, actor: User, shop: Shop, is_active: bool, reason: str = "") -> Shop:
    """The marketplace operator closes a shop (its products leave the listings) or reopens it."""
    if not selectors.may_moderate(actor=actor, marketplace_id=shop.marketplace_id):
        raise _forbidden("Chỉ người vận hành sàn của gian hàng mới đóng hoặc mở lại được.")
    reason = normalize(reason)
    if not is_active and not reason:
        raise ApplicationError("Cần ghi lý do tạm đóng gian hàng.", field="reason")
    _check_length(reason, field="reason", label="Lý do", max_length=MAX_CLOSED_REASON)
    Shop.objects.filter(pk=shop.pk).update(
        is_active=is_active, closed_reason="" if is_active else reason, updated_at=timezone.now()
    )
    published = Product.objects.filter(shop=shop, status=Status.PUBLISHED)
    published.update(is_listed=is_active)
    postings_sync(product_ids=list(published.values_list("pk", flat=True)))
    shop.refresh_from_db()
    return shop


# --- Products -----------------------------------------------------------------------------------


def parse_quantity(text: str) -> Decimal:
    """A quantity typed the Vietnamese way or the English way: "2,5", "2.5", "1.200" (one
    thousand two hundred), "1.200,5", "1,200.5". Raises InvalidOperation."""
    text = text.strip().replace(" ", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.200,5
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,200.5
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or text.count(",") > 1:  # 1.200.000 or 1,200,000
        text = text.replace(".", "").replace(",", "")
    elif text.count(".") == 1:
        whole, fraction = text.split(".")
        if len(fraction) == 3 and whole.lstrip("-") not in ("", "0"):  # 1.200 is thousands
            text = whole + fraction
    return Decimal(text)


def _decimal(value: Any, *, field: str, label: str) -> Decimal:
    try:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            number = Decimal(value)
        else:
            number = parse_quantity(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(f"{label} phải là một số, ví dụ 2,5.", field=field) from exc
    if not number.is_finite():
        raise ApplicationError(f"{label} phải là một số, ví dụ 2,5.", field=field)
    return number


def _quantity(
    value: Any, *, field: str, label: str, whole: bool, positive: bool = False
) -> Decimal:
    number = _decimal(value, field=field, label=label)
    if number < 0 or (positive and number == 0):
        raise ApplicationError(
            f"{label} phải lớn hơn 0." if positive else f"{label} không được âm.", field=field
        )
    if number > MAX_QUANTITY:
        raise ApplicationError(f"{label} quá lớn.", field=field)
    if whole and number != number.to_integral_value():
        raise ApplicationError(
            f"{label} phải là số nguyên với hàng bán theo cái, quả, hộp, bao...", field=field
        )
    if number != number.quantize(Decimal("0.001")):
        raise ApplicationError(f"{label} chỉ lấy đến 3 chữ số thập phân.", field=field)
    return number.quantize(Decimal("0.001"))


def _price(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError("Giá phải là số đồng, ví dụ 45000.", field="price")
    if value <= 0:
        raise ApplicationError("Giá phải lớn hơn 0 đồng.", field="price")
    if value > MAX_PRICE:
        raise ApplicationError("Giá quá lớn, hãy kiểm tra lại.", field="price")
    return value


@dataclass(frozen=True)
class Season:
    start: int | None
    end: int | None


def season_of(available_from: dt.date | None, available_to: dt.date | None) -> Season:
    """The yearly season (month*100+day) of a harvest window; None when it covers a whole year."""
    if available_from is None or available_to is None:
        return Season(None, None)
    if (available_to - available_from).days >= 365:
        return Season(None, None)
    return Season(selectors.month_day(available_from), selectors.month_day(available_to))


def _supplying_household(*, shop: Shop, household: Household | None) -> Household | None:
    if shop.owner_kind == Shop.OwnerKind.HOUSEHOLD:
        if household is not None and household.pk != shop.household_id:
            raise ApplicationError(
                "Sản phẩm của gian hàng hộ do chính hộ cung cấp.", field="household"
            )
        return shop.household
    if shop.owner_kind == Shop.OwnerKind.COOPERATIVE:
        if household is None:
            raise ApplicationError(
                "Chọn hộ thành viên HTX cung cấp sản phẩm này.", field="household"
            )
        if household.cooperative_id != shop.cooperative_id:
            raise ApplicationError(
                f"Hộ {household.head_name} không phải thành viên của HTX.", field="household"
            )
        return household
    if household is not None:
        raise ApplicationError("Gian hàng vật tư không ghi hộ cung cấp.", field="household")
    return None


def postings_sync(*, product_ids: Sequence[int]) -> int:
    """Rewrite the search postings of these products: their words if listed, nothing if not.

    Called by every service that lists, unlists or changes the words of a product; returns the
    number of postings written. Category names are not words of a product: "Dứa, thanh long,
    dưa" would make every melon a pineapple; buyers browse or filter by category instead.
    """
    ids = sorted(set(product_ids))
    ProductWord.objects.filter(product_id__in=ids).delete()
    tree = selectors.category_tree()
    rows = []
    listed = (
        Product.objects.filter(pk__in=ids, is_listed=True)
        .select_related("origin_commune", "origin_province", "shop")
        .order_by("pk")
    )
    for product in listed:
        node = tree.by_id.get(product.category_id)
        categories = [product.category_id] + (
            [a.id for a in tree.ancestors(node)] if node is not None else []
        )
        season = (
            (product.season_start, product.season_end)
            if product.season_start is not None and product.season_end is not None
            else None
        )
        tokens = search.posting_tokens(
            name=product.name,
            origin=(product.origin_commune.short_name, product.origin_province.short_name),
            other=(product.shop.name, product.description),
            category_ids=categories,
            province_id=product.origin_province_id,
            season=season,
            ocop_stars=product.ocop_stars,
            marketplace_id=product.marketplace_id,
            kind=node.kind if node is not None else "",
            shop_id=product.shop_id,
        )
        rows += [
            ProductWord(word=word, field=field, product=product) for word, field in tokens.items()
        ]
    ProductWord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# Fields a caller may not set to None (the others mean "none" or "work it out").
REQUIRED_FIELDS = frozenset(
    {"name", "unit", "price", "stock", "min_order", "order_step", "preorder_enabled"}
)
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "description",
        "category",
        "unit",
        "unit_weight_kg",
        "price",
        "stock",
        "min_order",
        "order_step",
        "available_from",
        "available_to",
        "preorder_enabled",
        "expected_yield",
        "shelf_life_hours",
        "registration_number",
        "origin_commune",
        "household",
    }
)


def _apply(
    product: Product,
    *,
    changes: Mapping[str, Any],
    certifications: Sequence[Certification] | None,
    today: dt.date,
) -> list[Certification] | None:
    """Set `changes` on `product` and check every rule; returns the certificates to link."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(f"Không sửa được trường {', '.join(sorted(unknown))}.")
    for name in sorted(REQUIRED_FIELDS & set(changes)):
        if changes[name] is None:
            raise ApplicationError(f"{_label(Product, name)} không được để trống.", field=name)
    shop = product.shop
    former_household_id = product.household_id
    for name, value in changes.items():
        if name != "household":
            setattr(product, name, value)
    if "household" in changes or product._state.adding:
        product.household = _supplying_household(shop=shop, household=changes.get("household"))
    product.name = _clean_name(product.name, max_length=150)
    product.description = _check_length(
        _clean_text(product.description),
        field="description",
        label="Mô tả",
        max_length=MAX_DESCRIPTION,
    )
    if product.category_id is None:
        guessed = selectors.category_guess(
            name=product.name,
            kind=Category.Kind.INPUT if shop.owner_kind == Shop.OwnerKind.INPUT_SUPPLIER else "",
        )
        if guessed is None:
            raise ApplicationError(
                "Chưa đoán được loại sản phẩm từ tên: hãy chọn danh mục.", field="category"
            )
        product.category = guessed
    category = product.category
    if not category.is_active:
        raise ApplicationError("Danh mục này không còn dùng.", field="category")
    if shop.owner_kind == Shop.OwnerKind.INPUT_SUPPLIER and category.kind != Category.Kind.INPUT:
        raise ApplicationError(
            "Gian hàng vật tư chỉ đăng sản phẩm thuộc danh mục vật tư nông nghiệp.",
            field="category",
        )
    if product.unit not in Product.Unit.values:
        raise ApplicationError("Đơn vị bán không hợp lệ.", field="unit")
    by_weight = product.unit == Product.Unit.KG
    unit_label = Product.Unit(product.unit).label
    if by_weight:
        product.unit_weight_kg = None
    else:
        if product.unit_weight_kg in (None, ""):
            raise ApplicationError(
                f"Nhập khối lượng mỗi {unit_label} (kg), để tính sản lượng bán ra.",
                field="unit_weight_kg",
            )
        product.unit_weight_kg = _quantity(
            product.unit_weight_kg,
            field="unit_weight_kg",
            label=f"Khối lượng mỗi {unit_label}",
            whole=False,
            positive=True,
        )
    product.price = _price(product.price)
    product.stock = _quantity(product.stock, field="stock", label="Số lượng", whole=not by_weight)
    product.min_order = _quantity(
        product.min_order,
        field="min_order",
        label="Mua tối thiểu",
        whole=not by_weight,
        positive=True,
    )
    product.order_step = _quantity(
        product.order_step,
        field="order_step",
        label="Bước tăng số lượng",
        whole=not by_weight,
        positive=True,
    )
    if (product.available_from is None) != (product.available_to is None):
        raise ApplicationError(
            "Nhập cả ngày bắt đầu và ngày kết thúc mùa thu hoạch, hoặc để trống cả hai.",
            field="available_to" if product.available_to is None else "available_from",
        )
    if (
        product.available_from is not None
        and product.available_to is not None
        and product.available_to < product.available_from
    ):
        raise ApplicationError(
            "Ngày kết thúc mùa thu hoạch phải sau ngày bắt đầu.", field="available_to"
        )
    season = season_of(product.available_from, product.available_to)
    product.season_start, product.season_end = season.start, season.end
    if not isinstance(product.preorder_enabled, bool):
        raise ApplicationError(
            "Nhận đặt trước phải là có hoặc không (true/false).", field="preorder_enabled"
        )
    if product.preorder_enabled:
        if product.available_from is None:
            raise ApplicationError(
                "Muốn nhận đặt trước, hãy nhập ngày bắt đầu thu hoạch.", field="available_from"
            )
        if product.expected_yield in (None, ""):
            raise ApplicationError(
                "Muốn nhận đặt trước, hãy nhập sản lượng dự kiến.", field="expected_yield"
            )
    if product.expected_yield not in (None, ""):
        product.expected_yield = _quantity(
            product.expected_yield,
            field="expected_yield",
            label="Sản lượng dự kiến",
            whole=not by_weight,
            positive=product.preorder_enabled,
        )
    else:
        product.expected_yield = None
    if product.shelf_life_hours is not None:
        product.shelf_life_hours = _shelf_life_hours(product.shelf_life_hours)
    if product.shelf_life_hours is None and (
        product._state.adding or "category" in changes or "shelf_life_hours" in changes
    ):
        product.shelf_life_hours = selectors.category_shelf_life_hours(category=category)
    product.registration_number = _check_length(
        normalize(product.registration_number),
        field="registration_number",
        label="Số đăng ký lưu hành",
        max_length=60,
    )
    if selectors.category_requires_registration(category=category) and (
        not product.registration_number
    ):
        raise ApplicationError(
            f"Sản phẩm thuộc “{category.name}” cần số đăng ký lưu hành.",
            field="registration_number",
        )
    if product.origin_commune_id is None:
        product.origin_commune = (
            product.household.commune if product.household is not None else shop.commune
        )
    product.origin_province_id = product.origin_commune.province_id
    linked = None
    if certifications is not None:
        usable = {c.pk for c in selectors.certifications_usable(household=product.household)}
        linked = list(certifications)
        foreign = [c for c in linked if c.pk not in usable]
        if foreign:
            raise ApplicationError(
                f"Chứng nhận {foreign[0]} không phải của hộ cung cấp hoặc đã hết hiệu lực.",
                field="certifications",
            )
    elif not product._state.adding and product.household_id != former_household_id:
        # A new supplier: the former member's certificates say nothing about what this one grows.
        linked = [c for c in product.certifications.all() if c.household_id == product.household_id]
    if linked is not None:
        product.ocop_stars = ocop_stars_of(certifications=linked, today=today)
    product.updated_at = timezone.now()
    # The table's check constraints stay with the database: each rule they state was checked
    # above with a message naming its field, and validating them here costs a query apiece.
    _full_clean(product, exclude=["certifications"], validate_constraints=False)
    return linked


def _shelf_life_hours(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError(
            "Thời gian bảo quản phải là số giờ, ví dụ 48.", field="shelf_life_hours"
        )
    if not 1 <= value <= MAX_SHELF_LIFE_HOURS:
        raise ApplicationError(
            f"Thời gian bảo quản phải từ 1 đến {_thousands(MAX_SHELF_LIFE_HOURS)} giờ.",
            field="shelf_life_hours",
        )
    return value


def ocop_stars_of(*, certifications: Sequence[Certification], today: dt.date) -> int | None:
    """A product's OCOP stars: the best of its OCOP certificates valid on `today`."""
    stars = [
        c.ocop_stars
        for c in certifications
        if c.kind == Certification.Kind.OCOP
        and c.ocop_stars
        and (c.valid_until is None or c.valid_until >= today)
    ]
    return max(stars) if stars else None


@transaction.atomic
def product_create(
    *,
    actor: User,
    shop: Shop,
    name: str,
    price: int,
    unit: str,
    stock: Decimal | int | str,
    category: Category | None = None,
    photo: Any = None,
    unit_weight_kg: Decimal | str | None = None,
    description: str = "",
    household: Household | None = None,
    min_order: Decimal | None = None,
    order_step: Decimal | None = None,
    available_from: dt.date | None = None,
    available_to: dt.date | None = None,
    preorder_enabled: bool = False,
    expected_yield: Decimal | None = None,
    shelf_life_hours: int | None = None,
    certifications: Sequence[Certification] = (),
    registration_number: str = "",
    origin_commune: Commune | None = None,
    submit: bool = False,
    today: dt.date | None = None,
) -> Product:
    """Add a product as a draft (or straight to review with `submit`), guessing its category from
    its name when none is given. A farmer needs only a photo, name, price, unit and stock."""
    _check_manage(actor=actor, shop=shop)
    if not shop.is_active:
        raise ApplicationError("Gian hàng đang tạm đóng: chưa thêm được sản phẩm.")
    by_weight = unit == Product.Unit.KG
    product = Product(shop=shop, marketplace_id=shop.marketplace_id, created_by=actor)
    if origin_commune is not None:
        product.origin_commune = origin_commune
    linked = _apply(
        product,
        changes={
            "name": name,
            "description": description,
            "category": category,
            "unit": unit,
            "unit_weight_kg": unit_weight_kg,
            "price": price,
            "stock": stock,
            "min_order": min_order if min_order is not None else Decimal(1),
            "order_step": (
                order_step
                if order_step is not None
                else (Decimal("0.5") if by_weight else Decimal(1))
            ),
            "available_from": available_from,
            "available_to": available_to,
            "preorder_enabled": preorder_enabled,
            "expected_yield": expected_yield,
            "shelf_life_hours": shelf_life_hours,
            "registration_number": registration_number,
            "household": household,
        },
        certifications=certifications,
        today=today or timezone.localdate(),
    )
    product.created_at = product.updated_at
    product.save()
    if linked:
        product.certifications.set(linked)
    if photo is not None:
        product_photo_add(actor=actor, product=product, upload=photo)
    if submit:
        product = product_transition(actor=actor, product=product, to=Status.PENDING)
    return product


@transaction.atomic
def product_update(
    *,
    actor: User,
    product: Product,
    certifications: Sequence[Certification] | None = None,
    today: dt.date | None = None,
    **changes: Any,
) -> Product:
    """Change a product's details. A published product whose name, description, category,
    origin or registration number changes goes back to review ("pending", unlisted until the
    operator approves it again); the figures (price, stock, season...) change in place."""
    _check_manage(actor=actor, shop=product.shop)
    product = (
        Product.objects.select_for_update(of=("self",))
        .select_related("shop", "category__parent", "household__commune", "origin_commune")
        .get(pk=product.pk)
    )
    before = {name: getattr(product, name) for name in REVIEWED_FIELDS}
    was_listed = product.is_listed
    if "household" in changes and "origin_commune" not in changes:
        product.origin_commune_id = None  # type: ignore[assignment]  # follows the new supplier
    linked = _apply(
        product, changes=changes, certifications=certifications, today=today or timezone.localdate()
    )
    if product.status == Status.PUBLISHED and any(
        getattr(product, name) != value for name, value in before.items()
    ):
        _back_to_review(product, actor=actor, at=product.updated_at)
    product.save()
    if was_listed or product.is_listed:  # its words, origin, category or season may have changed
        postings_sync(product_ids=[product.pk])
    if linked is not None:
        product.certifications.set(linked)
    return product


def _back_to_review(product: Product, *, actor: User, at: dt.datetime) -> None:
    """A published product whose content changed waits for the operator again (the caller
    saves the row and syncs its postings)."""
    product.status = Status.PENDING
    product.status_reason = ""
    product.is_listed = False
    product.updated_at = at
    ProductStatusChange.objects.create(
        product=product,
        from_status=Status.PUBLISHED,
        to_status=Status.PENDING,
        actor=actor,
        reason=REVIEW_AGAIN_REASON,
        at=at,
    )


@transaction.atomic
def product_quick_update(
    *,
    actor: User,
    product: Product,
    price: int | None = None,
    stock: Decimal | int | str | None = None,
) -> Product:
    """The seller's one-tap edit of price and stock; never sends the product back to review."""
    _check_manage(actor=actor, shop=product.shop)
    locked = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
    by_weight = locked.unit == Product.Unit.KG
    updates: dict[str, Any] = {"updated_at": timezone.now()}
    if price is not None:
        updates["price"] = _price(price)
    if stock is not None:
        updates["stock"] = _quantity(stock, field="stock", label="Số lượng", whole=not by_weight)
    Product.objects.filter(pk=locked.pk).update(**updates)
    for name, value in updates.items():
        setattr(product, name, value)
    return product


def products_reindex(*, products: QuerySet[Product], batch_size: int = 2000) -> int:
    """Rebuild the search postings of `products` (after a shop or a commune is renamed, a
    category moved, or the way words are written changed); returns the products done."""
    ids = list(products.filter(is_listed=True).order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), batch_size):
        postings_sync(product_ids=ids[first : first + batch_size])
    return len(ids)


def products_certifications_expire(*, today: dt.date | None = None, batch_size: int = 2000) -> int:
    """Run daily (task `catalog.certifications_expire`, command `catalog_certifications_expire`):
    each product's stored OCOP stars follow its OCOP certificates still valid `today`, so stars
    leave the badge, the OCOP filter and the search postings the day the certificate lapses (and
    come back if its validity is extended). Returns the products changed.

    The stars are stored because the OCOP filter is answered from the postings alone; the other
    standards are read from valid certificates when shown and filtered, so need nothing here.
    """
    today = today or timezone.localdate()
    ocop = Certification.objects.filter(products=OuterRef("pk"), kind=Certification.Kind.OCOP)
    best = (
        ocop.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("-ocop_stars")
        .values("ocop_stars")[:1]
    )
    rows = (
        Product.objects.filter(Q(ocop_stars__isnull=False) | Exists(ocop))
        .annotate(best=Subquery(best))
        .values_list("pk", "ocop_stars", "best")
    )
    changed: dict[int | None, list[int]] = {}
    for pk, stars, valid_stars in rows.iterator():
        if stars != valid_stars:
            changed.setdefault(valid_stars, []).append(pk)
    ids = sorted(pk for group in changed.values() for pk in group)
    for first in range(0, len(ids), batch_size):
        batch = set(ids[first : first + batch_size])
        with transaction.atomic():
            for stars, group in changed.items():
                Product.objects.filter(pk__in=[pk for pk in group if pk in batch]).update(
                    ocop_stars=stars
                )
            postings_sync(product_ids=sorted(batch))
    return len(ids)


# --- Moderation ---------------------------------------------------------------------------------


def _roles_of(*, actor: User, product: Product) -> set[str]:
    roles = set()
    if selectors.may_manage_shop(actor=actor, shop=product.shop):
        roles.add(moderation.By.OWNER)
    if selectors.may_moderate(actor=actor, marketplace_id=product.marketplace_id):
        roles.add(moderation.By.OPERATOR)
    return roles


@transaction.atomic
def product_transition(
    *, actor: User, product: Product, to: str, reason: str = "", at: dt.datetime | None = None
) -> Product:
    """Move a product along the moderation table (moderation.ACTIONS), leaving a history row.

    Publishing records the supplying household's "first product listed" milestone on the
    marketplace; for a cooperative's shop it also records the member's "shop opened" there, as
    the cooperative's shop is the member household's way onto that marketplace.
    """
    locked = (
        Product.objects.select_for_update(of=("self",)).select_related("shop").get(pk=product.pk)
    )
    source = locked.status
    actions = moderation.allowed(source, to)
    if not actions:
        raise ApplicationError(
            f"Không thể chuyển sản phẩm từ “{Status(source).label}” sang "
            f"“{Status(to).label if to in Status.values else to}”.",
            code="invalid_transition",
        )
    roles = _roles_of(actor=actor, product=locked)
    usable = [action for by, action in actions.items() if by in roles]
    if not usable:
        raise _forbidden(
            "Chỉ người vận hành sàn mới duyệt, từ chối hoặc ẩn sản phẩm."
            if set(actions) == {moderation.By.OPERATOR}
            else "Chỉ người bán của gian hàng mới làm được việc này."
        )
    reason = _check_length(normalize(reason), field="reason", label="Lý do", max_length=MAX_REASON)
    if all(action.needs_reason for action in usable) and not reason:
        raise ApplicationError(
            "Cần ghi lý do để người bán biết cần sửa gì.", field="reason", code="reason_required"
        )
    if to == Status.PENDING and not locked.photos.exists():
        raise ApplicationError("Cần ít nhất một ảnh sản phẩm trước khi gửi duyệt.", field="photo")
    now = at or timezone.now()
    locked.status = to
    locked.status_reason = reason if to in (Status.DRAFT, Status.HIDDEN) else ""
    locked.is_listed = to == Status.PUBLISHED and locked.shop.is_active
    if to == Status.PUBLISHED and locked.published_at is None:
        locked.published_at = now
    locked.updated_at = now
    locked.save(
        update_fields=["status", "status_reason", "is_listed", "published_at", "updated_at"]
    )
    ProductStatusChange.objects.create(
        product=locked, from_status=source, to_status=to, actor=actor, reason=reason, at=now
    )
    if to == Status.PUBLISHED and locked.household_id is not None:
        household = Household.objects.get(pk=locked.household_id)
        marketplace = Marketplace.objects.get(pk=locked.marketplace_id)
        if locked.shop.owner_kind == Shop.OwnerKind.COOPERATIVE:
            households_services.milestone_record(
                household=household,
                kind=Milestone.Kind.SHOP_OPENED,
                marketplace=marketplace,
                achieved_at=now,
                source="catalog",
            )
        households_services.milestone_record(
            household=household,
            kind=Milestone.Kind.FIRST_PRODUCT,
            marketplace=marketplace,
            achieved_at=now,
            source="catalog",
        )
    postings_sync(product_ids=[locked.pk])
    for name in ("status", "status_reason", "is_listed", "published_at", "updated_at"):
        setattr(product, name, getattr(locked, name))
    return product


# --- Photos -------------------------------------------------------------------------------------


@transaction.atomic
def product_photo_add(*, actor: User, product: Product, upload: Any) -> ProductPhoto:
    _check_manage(actor=actor, shop=product.shop)
    count = ProductPhoto.objects.filter(product=product).count()
    if count >= MAX_PHOTOS:
        raise ApplicationError(f"Mỗi sản phẩm có tối đa {MAX_PHOTOS} ảnh.", field="photo")
    processed = images.process_upload(upload)
    photo = ProductPhoto(
        product=product, width=processed.width, height=processed.height, position=count
    )
    photo.original.save(processed.original.name or "photo.jpg", processed.original, save=False)
    photo.thumbnail.save(processed.thumbnail.name or "thumb.jpg", processed.thumbnail, save=False)
    try:
        photo.save()
    except Exception:
        _files_delete(photo.original, photo.thumbnail)
        raise
    # A new photo of a published product is new content: the operator sees it before buyers do.
    locked = (
        Product.objects.select_for_update(of=("self",))
        .filter(pk=product.pk, status=Status.PUBLISHED)
        .first()
    )
    if locked is not None:
        _back_to_review(locked, actor=actor, at=timezone.now())
        locked.save(update_fields=["status", "status_reason", "is_listed", "updated_at"])
        postings_sync(product_ids=[locked.pk])
        for name in ("status", "status_reason", "is_listed", "updated_at"):
            setattr(product, name, getattr(locked, name))
    return photo


def _files_delete(*files: Any) -> None:
    for stored in files:
        if stored.name:
            stored.storage.delete(stored.name)


@transaction.atomic
def product_photo_delete(*, actor: User, photo: ProductPhoto) -> None:
    product = photo.product
    _check_manage(actor=actor, shop=product.shop)
    files = (photo.original, photo.thumbnail)
    photo.delete()
    transaction.on_commit(lambda: _files_delete(*files))
    remaining = list(ProductPhoto.objects.filter(product=product).order_by("position", "pk"))
    for position, other in enumerate(remaining):
        if other.position != position:
            ProductPhoto.objects.filter(pk=other.pk).update(position=position)


# --- Stock (used by orders) ---------------------------------------------------------------------


def _short(pk: int, *, preorder: bool) -> ApplicationError:
    """The message for a product that could not give what was asked (read on failure only)."""
    product = Product.objects.filter(pk=pk).first()
    if product is None or not product.is_listed:
        return ApplicationError("Sản phẩm không còn được bán.", field="product", code="not_listed")
    unit = Product.Unit(product.unit).label
    if preorder:
        left = max((product.expected_yield or Decimal(0)) - product.preordered, Decimal(0))
        return ApplicationError(
            f"{product.name} chỉ còn nhận đặt trước {left.normalize():f} {unit}.",
            field="quantity",
            code="out_of_stock",
        )
    return ApplicationError(
        f"{product.name} chỉ còn {product.stock.normalize():f} {unit}.",
        field="quantity",
        code="out_of_stock",
    )


def stock_take(*, quantities: Mapping[int, Decimal], preorder: bool = False) -> None:
    """Take stock (or pre-order capacity against the expected yield) for an order.

    One conditional UPDATE per product, in primary-key order: the row is changed only if it still
    has enough, so with any number of buyers racing, exactly what is there is sold, on PostgreSQL
    (the update locks and re-checks the row) and on SQLite (writes are serialised). Call inside
    the checkout's transaction: the ApplicationError naming the first product short of stock
    rolls back what was taken before it.
    """
    for pk in sorted(quantities):
        wanted = quantities[pk]
        if wanted <= 0:
            raise ApplicationError("Số lượng phải lớn hơn 0.", field="quantity")
        statement = _PREORDER_TAKE_SQL if preorder else _STOCK_TAKE_SQL
        if not sql.execute(statement, [wanted, pk, wanted]):
            raise _short(pk, preorder=preorder)


# Every checkout runs these, once per product: written by hand (see core.sql).
_STOCK_TAKE_SQL = (
    f"UPDATE {Product._meta.db_table} SET stock = stock - CAST(%s AS NUMERIC), "
    "order_count = order_count + 1 "
    "WHERE id = %s AND is_listed AND stock >= CAST(%s AS NUMERIC)"
)
_PREORDER_TAKE_SQL = (
    f"UPDATE {Product._meta.db_table} SET preordered = preordered + CAST(%s AS NUMERIC), "
    "order_count = order_count + 1 "
    "WHERE id = %s AND is_listed AND preorder_enabled "
    "AND preordered <= expected_yield - CAST(%s AS NUMERIC)"
)


def stock_return(*, quantities: Mapping[int, Decimal], preorder: bool = False) -> None:
    """Put back stock (or pre-order capacity) taken for an order that was cancelled."""
    for pk in sorted(quantities):
        if quantities[pk] <= 0:
            raise ApplicationError("Số lượng phải lớn hơn 0.", field="quantity")
        if preorder:
            Product.objects.filter(pk=pk).update(preordered=F("preordered") - quantities[pk])
        else:
            Product.objects.filter(pk=pk).update(stock=F("stock") + quantities[pk])


def rating_add(*, product: Product, stars: int) -> None:
    """A buyer's review counts towards the product's and its shop's average."""
    Product.objects.filter(pk=product.pk).update(
        rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + stars
    )
    Shop.objects.filter(pk=product.shop_id).update(
        rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + stars
    )


def harvest_record(*, product: Product, preorders_filled: Decimal, harvested: Decimal) -> None:
    """The harvest of a pre-ordered product came in: pre-orders took `preorders_filled` of the
    `harvested` quantity; the rest goes on sale as stock and the pre-order book is closed."""
    Product.objects.filter(pk=product.pk).update(
        preordered=Decimal(0), stock=F("stock") + max(harvested - preorders_filled, Decimal(0))
    )


# --- Views --------------------------------------------------------------------------------------


def product_view_record(*, product: Product, day: dt.date | None = None) -> None:
    """Count a view of the product's page: one conditional update, an insert once a day."""
    day = day or timezone.localdate()
    if ProductViewDay.objects.filter(product_id=product.pk, day=day).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ProductViewDay.objects.create(product_id=product.pk, day=day, count=1)
    except IntegrityError:  # another request created today's row first
        ProductViewDay.objects.filter(product_id=product.pk, day=day).update(count=F("count") + 1)


# --- Word lists and categories (admin) ----------------------------------------------------------


def synonym_check(*, synonym: Synonym) -> None:
    groups = search.groups_from_rows([(synonym.words, synonym.is_classifier)])
    if not groups:
        raise ApplicationError(
            "Nhập ít nhất hai từ cùng nghĩa, cách nhau bởi dấu phẩy.", field="words"
        )


def synonym_save(*, synonym: Synonym) -> Synonym:
    synonym_check(synonym=synonym)
    synonym.words = ", ".join(normalize(w) for w in synonym.words.split(",") if normalize(w))
    synonym.full_clean()
    synonym.save()
    cache.delete(selectors.SYNONYM_CACHE_KEY)
    return synonym


def synonym_delete(*, synonym: Synonym) -> None:
    synonym.delete()
    cache.delete(selectors.SYNONYM_CACHE_KEY)


def category_check(*, category: Category) -> None:
    ancestor: Category | None = category.parent if category.parent_id is not None else None
    while ancestor is not None:
        if category.pk is not None and ancestor.pk == category.pk:
            raise ApplicationError("Danh mục không thể nằm trong chính nó.", field="parent")
        ancestor = ancestor.parent
    if category.parent is not None and category.parent.kind != category.kind:
        raise ApplicationError("Danh mục con phải cùng loại với danh mục cha.", field="kind")


def category_save(*, category: Category) -> Category:
    """Save a category from the admin; every process sees it within a minute. Products keep
    their postings: moving a category under another parent needs `products_reindex`."""
    category_check(category=category)
    category.keywords = ", ".join(
        " ".join(search.words(k)) for k in category.keywords.split(",") if search.words(k)
    )
    category.full_clean()
    category.save()
    cache.delete(selectors.CATEGORY_CACHE_KEY)
    return category


# --- Household prices for production inputs -----------------------------------------------------


def household_price_set(
    *,
    actor: User,
    product: Product,
    price: Any,
    quota: Any,
    season_start: dt.date,
    season_end: dt.date,
) -> HouseholdPrice:
    """Set (or change) the price only verified farm households pay for an input, with the
    quantity each may buy at it in the season."""
    _check_manage(actor=actor, shop=product.shop)
    if product.shop.owner_kind != Shop.OwnerKind.INPUT_SUPPLIER:
        raise ApplicationError(
            "Giá ưu đãi cho hộ chỉ dành cho vật tư của nhà cung cấp vật tư.", field="price"
        )
    value = _price(price)
    if value >= product.price:
        raise ApplicationError(
            f"Giá cho hộ phải thấp hơn giá bán {_thousands(product.price)} đồng.", field="price"
        )
    limit = _quantity(
        quota,
        field="quota",
        label="Hạn mức mỗi hộ",
        whole=product.unit != Product.Unit.KG,
        positive=True,
    )
    if season_end < season_start:
        raise ApplicationError("Ngày kết thúc vụ phải sau ngày bắt đầu.", field="season_end")
    offer, _created = HouseholdPrice.objects.update_or_create(
        product=product,
        defaults={
            "price": value,
            "quota": limit,
            "season_start": season_start,
            "season_end": season_end,
            "updated_at": timezone.now(),
        },
    )
    return offer


def household_price_remove(*, actor: User, product: Product) -> None:
    _check_manage(actor=actor, shop=product.shop)
    HouseholdPrice.objects.filter(product=product).delete()


def household_price_take(
    *, buyer: User, reference: str, quantities: Mapping[int, Decimal], today: dt.date
) -> list[HouseholdPriceUse]:
    """At checkout, inside its transaction: count what a household buys at household prices
    against its quota, re-checked under a lock on the offers so that two checkouts at once
    cannot both take the last of it."""
    household = selectors.verified_household_of(buyer)
    if household is None or not quantities:
        return []
    offers = list(
        HouseholdPrice.objects.select_for_update(of=("self",))
        .filter(product_id__in=sorted(quantities))
        .select_related("product")
        .order_by("pk")
    )
    used = selectors.household_price_used(offers=offers, household=household)
    uses = []
    for offer in offers:
        quantity = quantities[offer.product_id]
        left = offer.quota - used.get(offer.pk, Decimal(0))
        if quantity > left:
            raise ApplicationError(
                f"{offer.product.name}: hộ chỉ còn được mua {max(left, Decimal(0)).normalize():f} "
                "đơn vị giá ưu đãi trong vụ này; hãy tải lại giỏ hàng.",
                field="cart",
            )
        uses.append(
            HouseholdPriceUse(
                offer=offer,
                household=household,
                quantity=quantity,
                reference=reference,
                season_start=offer.season_start,
            )
        )
    return HouseholdPriceUse.objects.bulk_create(uses)


def household_price_release(*, reference: str) -> int:
    """A cancelled sub-order gives the household its quota back."""
    return HouseholdPriceUse.objects.filter(reference=reference, released_at__isnull=True).update(
        released_at=timezone.now()
    )


# --- Brand marks --------------------------------------------------------------------------------

MARK_MIN_RATINGS = 5
MARK_MIN_AVERAGE = Decimal(4)
MARK_STANDARDS = (
    Certification.Kind.VIETGAP,
    Certification.Kind.GLOBALGAP,
    Certification.Kind.ORGANIC,
)


def _mark_criterion_unmet(
    criterion: str, *, product: Product | None, household: Household | None, today: dt.date
) -> str | None:
    """Why a stated criterion does not hold for the product or household (None: it holds)."""
    valid = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    if criterion == BrandMark.Criterion.CERTIFICATION:
        if product is not None:
            found = product.certifications.filter(valid, kind__in=MARK_STANDARDS).exists() or (
                product.household_id is not None
                and Certification.objects.filter(
                    valid, household_id=product.household_id, kind__in=MARK_STANDARDS
                ).exists()
            )
        else:
            found = Certification.objects.filter(
                valid, household=household, kind__in=MARK_STANDARDS
            ).exists()
        return None if found else "chưa có chứng nhận VietGAP, GlobalGAP hoặc hữu cơ còn hiệu lực"
    if criterion == BrandMark.Criterion.QUALITY:
        if product is not None:
            found = bool(product.ocop_stars)
        else:
            found = (
                Product.objects.filter(household=household, ocop_stars__gte=3).exists()
                or Certification.objects.filter(
                    valid, household=household, kind=Certification.Kind.OCOP
                ).exists()
            )
        return None if found else "chưa có sản phẩm được xếp hạng OCOP từ 3 sao"
    if criterion == BrandMark.Criterion.RATINGS:
        if product is not None:
            count, total = product.rating_count, product.rating_sum
        else:
            sums = Shop.objects.filter(household=household).aggregate(
                n=models.Sum("rating_count"), s=models.Sum("rating_sum")
            )
            count, total = sums["n"] or 0, sums["s"] or 0
        if count < MARK_MIN_RATINGS:
            return f"mới có {count} lượt đánh giá (cần ít nhất {MARK_MIN_RATINGS})"
        if Decimal(total) / count < MARK_MIN_AVERAGE:
            return f"điểm đánh giá trung bình {Decimal(total) / count:.1f} sao, dưới 4 sao"
        return None
    return "không phải tiêu chí đã quy định"


@transaction.atomic
def brand_mark_grant(
    *,
    actor: User,
    criteria: Sequence[str],
    reason: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    product: Product | None = None,
    household: Household | None = None,
    now: dt.datetime | None = None,
) -> BrandMark:
    """A marketplace operator (on their marketplace) or a provincial official (in their
    province) grants a brand mark to a product or a household. Each stated criterion is checked
    against the platform's data; the household's first mark is its BRAND_MARKED milestone."""
    now = now or timezone.now()
    if (product is None) == (household is None):
        raise ApplicationError("Chọn một sản phẩm hoặc một hộ sản xuất.", field="product")
    if product is not None:
        allowed = selectors.may_grant_for_product(actor=actor, product=product)
    else:
        assert household is not None
        allowed = selectors.may_grant_for_household(actor=actor, household=household)
    if not allowed:
        raise _forbidden(
            "Chỉ vận hành sàn của sản phẩm hoặc cán bộ Sở của tỉnh gắn được mark thương hiệu."
        )
    chosen = sorted(set(criteria))
    if not chosen:
        raise ApplicationError("Hãy chọn ít nhất một tiêu chí.", field="criteria")
    today = timezone.localdate(now)
    for criterion in chosen:
        if criterion not in BrandMark.Criterion.values:
            raise ApplicationError(f"Tiêu chí “{criterion}” không hợp lệ.", field="criteria")
        unmet = _mark_criterion_unmet(criterion, product=product, household=household, today=today)
        if unmet:
            label = BrandMark.Criterion(criterion).label
            raise ApplicationError(f"Chưa đạt tiêu chí “{label}”: {unmet}.", field="criteria")
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise ApplicationError("Hãy ghi lý do gắn mark.", field="reason", code="required")
    if valid_until is not None and valid_until < valid_from:
        raise ApplicationError("Ngày hết hiệu lực phải sau ngày bắt đầu.", field="valid_until")
    if valid_until is not None and valid_until < today:
        raise ApplicationError("Thời hạn hiệu lực đã qua.", field="valid_until")
    by_marketplace = actor.role == Role.MARKETPLACE_OPERATOR
    granter = (
        {"marketplace_id": actor.marketplace_id}
        if by_marketplace
        else {"province_id": actor.province_id}
    )
    target = {"product": product} if product is not None else {"household": household}
    if selectors.active_marks(today=today).filter(**granter, **target).exists():
        raise ApplicationError("Đã có mark thương hiệu đang hiệu lực.", field="product")
    mark = BrandMark.objects.create(
        **target,
        **granter,
        criteria=chosen,
        reason=reason,
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=actor,
        granted_at=now,
    )
    owner = product.household if product is not None else household
    if owner is not None:
        # A mark that starts later is achieved when it starts (local midnight of that day).
        starts = timezone.make_aware(dt.datetime.combine(valid_from, dt.time()))
        households_services.milestone_record(
            household=owner,
            kind=Milestone.Kind.BRAND_MARKED,
            marketplace=(
                product.marketplace
                if product is not None
                else (actor.marketplace if by_marketplace else None)
            ),
            achieved_at=max(now, starts),
            source="catalog.brand_mark",
        )
    return mark


@transaction.atomic
def brand_mark_revoke(
    *, actor: User, mark: BrandMark, reason: str, now: dt.datetime | None = None
) -> BrandMark:
    """Withdraw a mark (its granter only), with the reason; the row stays as history."""
    locked = BrandMark.objects.select_for_update().get(pk=mark.pk)
    same_granter = actor.is_active and (
        (actor.role == Role.MARKETPLACE_OPERATOR and actor.marketplace_id == locked.marketplace_id)
        or (actor.role == Role.PROVINCE_OFFICIAL and actor.province_id == locked.province_id)
    )
    if not same_granter:
        raise _forbidden("Chỉ nơi đã gắn mark mới thu hồi được.")
    if locked.revoked_at is not None:
        raise ApplicationError("Mark này đã bị thu hồi.", field="reason")
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise ApplicationError("Hãy ghi lý do thu hồi.", field="reason", code="required")
    locked.revoked_at = now or timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return locked
