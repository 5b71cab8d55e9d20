"""The storefront: shops on marketplaces, the category tree, products, their moderation and views.

Marketplaces themselves live in `orgs` (staff roles are scoped to them); everything a buyer
browses lives here. Counters that later apps fill (orders, ratings) are plain columns that those
apps update through catalog services, so listing pages read them without joins.
"""

import datetime as dt
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune, Province
from nongsan.households.models import Certification, Cooperative, Household
from nongsan.orgs.models import Marketplace


class Category(models.Model):
    """A node of the category tree: farm produce (nông sản) or production inputs (vật tư)."""

    class Kind(models.TextChoices):
        PRODUCE = "produce", _("Nông sản")
        INPUT = "input", _("Vật tư nông nghiệp")

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("danh mục cha"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    slug = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    keywords = models.CharField(
        _("từ khóa gợi ý"),
        max_length=300,
        blank=True,
        help_text=_(
            "Các từ (không dấu, cách nhau bởi dấu phẩy) giúp đoán danh mục từ tên sản phẩm, "
            "ví dụ: vai, nhan, chom chom."
        ),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    shelf_life_hours = models.PositiveIntegerField(
        _("thời gian bảo quản mặc định (giờ)"),
        null=True,
        blank=True,
        help_text=_(
            "Để trống nếu hàng không dễ hỏng. Danh mục con để trống thì theo danh mục cha."
        ),
    )
    requires_registration = models.BooleanField(
        _("cần số đăng ký lưu hành"),
        default=False,
        help_text=_("Phân bón, thuốc bảo vệ thực vật... phải ghi số đăng ký khi đăng bán."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("danh mục")
        verbose_name_plural = _("danh mục")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="category_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Synonym(models.Model):
    """Words buyers of different regions use for the same thing: a search for one finds all.

    Editors extend the list in the admin; searches read it at query time, so a new row works at
    once without re-indexing products.
    """

    words = models.CharField(
        _("các từ cùng nghĩa"),
        max_length=200,
        help_text=_("Cách nhau bởi dấu phẩy, ví dụ: dứa, thơm, khóm."),
    )
    is_classifier = models.BooleanField(
        _("là từ chỉ loại"),
        default=False,
        help_text=_(
            "Từ như “quả”, “trái” mà tên sản phẩm thường bỏ đi: chỉ dùng để xếp hạng, "
            "không bắt buộc phải có."
        ),
    )
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        ordering = ["words"]
        verbose_name = _("từ đồng nghĩa")
        verbose_name_plural = _("từ đồng nghĩa")

    def __str__(self) -> str:
        return self.words


class Shop(models.Model):
    """A seller's shop (gian hàng) on one marketplace.

    Owned by exactly one of: a household, a cooperative (whose products each name the member
    household that supplies them) or an input supplier's account.
    """

    class OwnerKind(models.TextChoices):
        HOUSEHOLD = "household", _("Hộ sản xuất")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        INPUT_SUPPLIER = "input_supplier", _("Nhà cung cấp vật tư")

    class PreorderAllocation(models.TextChoices):
        """How pre-orders are filled when a harvest falls short of the expected yield."""

        FIRST_COME = "first_come", _("Theo thứ tự đặt hàng")
        PRO_RATA = "pro_rata", _("Chia đều theo tỉ lệ")

    marketplace = models.ForeignKey(
        Marketplace, on_delete=models.PROTECT, related_name="shops", verbose_name=_("sàn TMĐT")
    )
    owner_kind = models.CharField(_("chủ gian hàng"), max_length=15, choices=OwnerKind.choices)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shops",
        verbose_name=_("hộ sản xuất"),
    )
    cooperative = models.ForeignKey(
        Cooperative,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shops",
        verbose_name=_("hợp tác xã"),
    )
    supplier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplier_shops",
        verbose_name=_("nhà cung cấp vật tư"),
    )
    name = models.CharField(_("tên gian hàng"), max_length=120)
    slug = models.SlugField(_("đường dẫn"), max_length=140, unique=True)
    story = models.TextField(_("câu chuyện của gian hàng"), max_length=3000, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="shops", verbose_name=_("xã/phường")
    )
    digital_address = models.ForeignKey(
        "geo.DigitalAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("địa chỉ số"),
    )
    is_active = models.BooleanField(_("đang mở"), default=True)
    closed_reason = models.CharField(_("lý do tạm đóng"), max_length=300, blank=True)
    preorder_allocation = models.CharField(
        _("khi thu hoạch thiếu, chia hàng đặt trước"),
        max_length=12,
        choices=PreorderAllocation.choices,
        default=PreorderAllocation.FIRST_COME,
    )
    # Filled by the reviews service once buyers rate orders; the average is sum / count.
    rating_count = models.PositiveIntegerField(_("số lượt đánh giá"), default=0)
    rating_sum = models.PositiveBigIntegerField(_("tổng số sao"), default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người mở"),
    )
    created_at = models.DateTimeField(_("ngày mở"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("gian hàng")
        verbose_name_plural = _("gian hàng")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    owner_kind="household",
                    household__isnull=False,
                    cooperative__isnull=True,
                    supplier__isnull=True,
                )
                | Q(
                    owner_kind="cooperative",
                    household__isnull=True,
                    cooperative__isnull=False,
                    supplier__isnull=True,
                )
                | Q(
                    owner_kind="input_supplier",
                    household__isnull=True,
                    cooperative__isnull=True,
                    supplier__isnull=False,
                ),
                name="shop_exactly_one_owner",
            ),
            models.UniqueConstraint(
                fields=["marketplace", "household"],
                condition=Q(household__isnull=False),
                name="shop_one_per_household_and_marketplace",
            ),
            models.UniqueConstraint(
                fields=["marketplace", "cooperative"],
                condition=Q(cooperative__isnull=False),
                name="shop_one_per_cooperative_and_marketplace",
            ),
            models.UniqueConstraint(
                fields=["marketplace", "supplier"],
                condition=Q(supplier__isnull=False),
                name="shop_one_per_supplier_and_marketplace",
            ),
            models.CheckConstraint(
                condition=Q(rating_sum__lte=F("rating_count") * 5), name="shop_rating_sum_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rating_average(self) -> Decimal | None:
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.1"))


class Product(models.Model):
    """Something a shop sells: produce by weight or by the piece/box/bag, or a production input."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PENDING = "pending", _("Chờ duyệt")
        PUBLISHED = "published", _("Đang bán")
        HIDDEN = "hidden", _("Bị ẩn")

    class Unit(models.TextChoices):
        """The unit of sale; every unit except kg has a weight per unit, for tonnage."""

        KG = "kg", _("kg")
        FRUIT = "fruit", _("quả")
        HEAD = "head", _("con")
        PIECE = "piece", _("cái")
        PLANT = "plant", _("cây")
        BUNCH = "bunch", _("bó")
        BOX = "box", _("hộp")
        CRATE = "crate", _("thùng")
        BAG = "bag", _("bao")
        PACK = "pack", _("túi")
        BOTTLE = "bottle", _("chai")

    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="products", verbose_name=_("gian hàng")
    )
    # The shop's marketplace, copied because it never changes and every listing filters on it.
    marketplace = models.ForeignKey(
        Marketplace, on_delete=models.PROTECT, related_name="+", verbose_name=_("sàn TMĐT")
    )
    # The household that grows it: the shop's own household, or for a cooperative's shop the
    # member household it comes from (sales are traced and paid out per member). None for inputs.
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("hộ cung cấp"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("danh mục")
    )
    name = models.CharField(_("tên sản phẩm"), max_length=150)
    description = models.TextField(_("mô tả"), max_length=4000, blank=True)
    unit = models.CharField(_("đơn vị bán"), max_length=10, choices=Unit.choices, default=Unit.KG)
    unit_weight_kg = models.DecimalField(
        _("khối lượng mỗi đơn vị (kg)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    price = models.PositiveBigIntegerField(_("giá (đồng)"), help_text=_("Giá cho một đơn vị bán."))
    stock = models.DecimalField(
        _("số lượng còn"), max_digits=12, decimal_places=3, default=Decimal(0)
    )
    min_order = models.DecimalField(
        _("mua tối thiểu"), max_digits=10, decimal_places=3, default=Decimal(1)
    )
    order_step = models.DecimalField(
        _("bước tăng số lượng"),
        max_digits=10,
        decimal_places=3,
        default=Decimal(1),
        help_text=_("Ví dụ 0,5 kg: người mua đặt được 2,5 kg nhưng không đặt 2,3 kg."),
    )
    available_from = models.DateField(_("thu hoạch từ ngày"), null=True, blank=True)
    available_to = models.DateField(_("đến ngày"), null=True, blank=True)
    # The season as month*100+day, from the dates above: it recurs every year, and a season that
    # runs over the new year (Dec–Feb) has season_start > season_end. None: all year round.
    season_start = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    season_end = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    preorder_enabled = models.BooleanField(_("nhận đặt trước khi thu hoạch"), default=False)
    expected_yield = models.DecimalField(
        _("sản lượng dự kiến (theo đơn vị bán)"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
    )
    # What pre-orders have taken of the expected yield (checkout adds, a filled harvest clears).
    preordered = models.DecimalField(
        _("đã nhận đặt trước"), max_digits=12, decimal_places=3, default=Decimal(0)
    )
    shelf_life_hours = models.PositiveIntegerField(
        _("thời gian bảo quản (giờ)"), null=True, blank=True
    )
    certifications = models.ManyToManyField(
        Certification, blank=True, related_name="products", verbose_name=_("chứng nhận")
    )
    ocop_stars = models.PositiveSmallIntegerField(
        _("số sao OCOP"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    registration_number = models.CharField(_("số đăng ký lưu hành"), max_length=60, blank=True)
    origin_commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã/phường xuất xứ")
    )
    origin_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("tỉnh/thành phố xuất xứ"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    status_reason = models.CharField(_("lý do từ chối hoặc ẩn"), max_length=500, blank=True)
    # Shown to buyers: published in an open shop. Kept by the services so that every listing
    # filters on one column of the product row (and the search index holds exactly these).
    is_listed = models.BooleanField(_("hiển thị với người mua"), default=False)
    published_at = models.DateTimeField(_("đăng bán lần đầu"), null=True, blank=True)
    # Filled by the orders and reviews services.
    order_count = models.PositiveIntegerField(_("số đơn hàng"), default=0)
    rating_count = models.PositiveIntegerField(_("số lượt đánh giá"), default=0)
    rating_sum = models.PositiveBigIntegerField(_("tổng số sao"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        indexes = [
            models.Index(fields=["shop", "status"]),
            models.Index(fields=["marketplace", "status"]),
            models.Index(
                fields=["category", "-id"], condition=Q(is_listed=True), name="product_listed_cat"
            ),
            models.Index(
                fields=["origin_province", "-id"],
                condition=Q(is_listed=True),
                name="product_listed_province",
            ),
            models.Index(
                fields=["season_start", "season_end"],
                condition=Q(is_listed=True),
                name="product_listed_season",
            ),
            models.Index(
                fields=["price", "id"], condition=Q(is_listed=True), name="product_listed_price"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_gt_0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(preordered__gte=0), name="product_preordered_not_negative"
            ),
            models.CheckConstraint(condition=Q(min_order__gt=0), name="product_min_order_gt_0"),
            models.CheckConstraint(condition=Q(order_step__gt=0), name="product_order_step_gt_0"),
            models.CheckConstraint(
                condition=Q(unit="kg", unit_weight_kg__isnull=True)
                | (~Q(unit="kg") & Q(unit_weight_kg__gt=0)),
                name="product_unit_weight_unless_kg",
            ),
            models.CheckConstraint(
                condition=Q(season_start__isnull=True, season_end__isnull=True)
                | Q(
                    season_start__gte=101,
                    season_start__lte=1231,
                    season_end__gte=101,
                    season_end__lte=1231,
                ),
                name="product_season_month_day",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_to__isnull=True)
                | Q(available_to__gte=F("available_from")),
                name="product_available_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__gte=3, ocop_stars__lte=5),
                name="product_ocop_stars_3_to_5",
            ),
            models.CheckConstraint(
                condition=Q(expected_yield__isnull=True) | Q(expected_yield__gte=0),
                name="product_expected_yield_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(is_listed=False) | Q(status="published"),
                name="product_listed_only_when_published",
            ),
            models.CheckConstraint(
                condition=Q(rating_sum__lte=F("rating_count") * 5),
                name="product_rating_sum_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_by_weight(self) -> bool:
        return self.unit == self.Unit.KG

    def weight_kg_of(self, quantity: Decimal) -> Decimal:
        """The weight of `quantity` units of sale (what tonnage indicators add up)."""
        return quantity if self.unit_weight_kg is None else quantity * self.unit_weight_kg

    @property
    def rating_average(self) -> Decimal | None:
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.1"))


class ProductWord(models.Model):
    """A posting of the search index: one word (or filter token) of one listed product.

    Kept by the services whenever a product is listed, unlisted or its words change; read
    index-only by the search (the primary key is the index), newest product first, so a search
    touches the rows of one page of products instead of every match. See search.py.
    """

    # Word first: a search reads the products of a word in product order, index-only.
    pk = models.CompositePrimaryKey("word", "product", "field")
    word = models.CharField(max_length=40)
    field = models.PositiveSmallIntegerField(help_text="search.Field: name, origin, other, filter")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("từ chỉ mục tìm kiếm")
        verbose_name_plural = _("từ chỉ mục tìm kiếm")

    def __str__(self) -> str:
        return f"{self.word} -> {self.product_id}"


class ProductPhoto(models.Model):
    """A photo of a product: the upload (metadata stripped, orientation applied) and a thumbnail."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    original = models.ImageField(_("ảnh gốc"), upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(_("ảnh thu nhỏ"), upload_to="products/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}"


class ProductStatusChange(models.Model):
    """One moderation step of a product, written by the transition service and never changed."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("từ"), max_length=10, choices=Product.Status.choices)
    to_status = models.CharField(_("sang"), max_length=10, choices=Product.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lịch sử duyệt sản phẩm")
        verbose_name_plural = _("lịch sử duyệt sản phẩm")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.from_status} -> {self.to_status}"


class ProductViewDay(models.Model):
    """Views of a product's page in a day: one small row a day, so the product row stays unlocked.

    Checkout locks product rows to take stock; counting views on them would queue page views
    behind checkouts.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="product_view_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.count}"


class HouseholdPrice(models.Model):
    """A production input's price for farm households (giá ưu đãi cho hộ SXNN).

    Only verified households (a registered household record behind the account) see and pay it,
    for at most `quota` units each within the season the supplier sets; beyond that, and for
    everyone else, the product's price applies. Indicator III.5 counts these products.
    """

    product = models.OneToOneField(
        Product,
        on_delete=models.CASCADE,
        related_name="household_price",
        verbose_name=_("sản phẩm"),
    )
    price = models.PositiveBigIntegerField(_("giá cho hộ (đồng)"))
    quota = models.DecimalField(
        _("hạn mức mỗi hộ mỗi vụ"),
        max_digits=12,
        decimal_places=3,
        help_text=_("Số đơn vị bán mỗi hộ được mua giá ưu đãi trong vụ."),
    )
    season_start = models.DateField(_("vụ từ ngày"))
    season_end = models.DateField(_("đến ngày"))
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("giá ưu đãi cho hộ")
        verbose_name_plural = _("giá ưu đãi cho hộ")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="household_price_gt_0"),
            models.CheckConstraint(condition=Q(quota__gt=0), name="household_price_quota_gt_0"),
            models.CheckConstraint(
                condition=Q(season_end__gte=F("season_start")),
                name="household_price_season_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.price}"

    def is_open_on(self, day: dt.date) -> bool:
        return self.season_start <= day <= self.season_end


class HouseholdPriceUse(models.Model):
    """Units a household bought at the household price, against its quota for the season.

    One row per offer and sub-order; a cancelled sub-order releases its units.
    """

    offer = models.ForeignKey(HouseholdPrice, on_delete=models.CASCADE, related_name="uses")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    reference = models.CharField(max_length=40, help_text="sub-order number")
    season_start = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lượt mua giá ưu đãi")
        verbose_name_plural = _("lượt mua giá ưu đãi")
        constraints = [
            models.UniqueConstraint(fields=["offer", "reference"], name="household_price_use_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="household_price_use_gt_0"),
        ]
        indexes = [models.Index(fields=["offer", "household", "season_start"])]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.household_id} {self.quantity}"


class BrandMark(models.Model):
    """A brand mark (gắn mark thương hiệu) granted to a product or a household.

    A marketplace operator grants it on their marketplace, a provincial official in their
    province, against criteria stated with it (and checked by the service when granted), for a
    period and with a reason. It can be revoked (with a reason); the rows are its history.
    Appendix 01 counts products (II.3) and households (II.4) with a mark.
    """

    class Criterion(models.TextChoices):
        CERTIFICATION = (
            "certification",
            _("Có chứng nhận còn hiệu lực (VietGAP, GlobalGAP, hữu cơ)"),
        )
        QUALITY = "quality", _("Chất lượng được xếp hạng: OCOP từ 3 sao")
        RATINGS = "ratings", _("Người mua đánh giá từ 4 sao trở lên (ít nhất 5 lượt)")

    product = models.ForeignKey(
        Product,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="brand_marks",
        verbose_name=_("sản phẩm"),
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="brand_marks",
        verbose_name=_("hộ sản xuất"),
    )
    # Who grants it: a marketplace (its operators) or a province (its officials).
    marketplace = models.ForeignKey(
        Marketplace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sàn cấp"),
    )
    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh cấp"),
    )
    criteria = models.JSONField(_("tiêu chí"), default=list)
    reason = models.CharField(_("lý do"), max_length=500)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("mark thương hiệu")
        verbose_name_plural = _("mark thương hiệu")
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False, household__isnull=True)
                | Q(product__isnull=True, household__isnull=False),
                name="brandmark_product_or_household",
            ),
            models.CheckConstraint(
                condition=Q(marketplace__isnull=False, province__isnull=True)
                | Q(marketplace__isnull=True, province__isnull=False),
                name="brandmark_marketplace_or_province",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="brandmark_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="brandmark_revoked_with_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["product", "valid_from"],
                condition=Q(revoked_at__isnull=True),
                name="brandmark_product_live",
            ),
            models.Index(
                fields=["household", "valid_from"],
                condition=Q(revoked_at__isnull=True),
                name="brandmark_household_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product or self.household} ({self.valid_from:%d/%m/%Y})"

    @property
    def criteria_labels(self) -> list[str]:
        return [str(self.Criterion(c).label) for c in self.criteria if c in self.Criterion.values]

    def is_active_on(self, day: date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
        )
