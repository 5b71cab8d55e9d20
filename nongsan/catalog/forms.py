"""Forms for the catalog pages: they check shape; the services check the rules."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.catalog import moderation, search, selectors
from nongsan.catalog.models import BrandMark, Category, Product, Shop
from nongsan.core.errors import ApplicationError
from nongsan.core.money import parse_vnd
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Certification, Cooperative, Household
from nongsan.orgs.models import Marketplace

PHOTO_ATTRS = {"accept": "image/jpeg,image/png,image/webp"}
DECIMAL_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PHOTO_BYTES = 12 * 1024 * 1024


def decimal_input(value: Decimal | None) -> str:
    """A quantity as a seller types it back: "120,5", no thousands dots (so "1200" not "1.200")."""
    return "" if value is None else f"{value.normalize():f}".replace(".", ",")


class VndField(forms.Field):
    """An amount in đồng typed the Vietnamese way: "45.000", "45000đ", "45.000 ₫"."""

    def __init__(self, *, max_length: int = 20, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": max_length}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_vnd(text)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


def _category_field(*, required: bool, kind: str = "") -> CategoryChoiceField:
    return CategoryChoiceField(
        label=_("Danh mục"),
        queryset=selectors.category_list(kind=kind),
        required=required,
        empty_label=_("Tự đoán theo tên sản phẩm") if not required else "—",
    )


def _check_photo(photo: Any) -> Any:
    if photo and photo.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError(_("Ảnh quá lớn: tối đa 12 MB."))
    return photo


class ShopOpenForm(forms.Form):
    marketplace = forms.ModelChoiceField(
        label=_("Mở trên sàn"), queryset=Marketplace.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label=_("Tên gian hàng"),
        max_length=120,
        help_text=_("Ví dụ: Vườn na nhà chị Mai – Chi Lăng"),
    )
    story = forms.CharField(
        label=_("Giới thiệu ngắn (không bắt buộc)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vườn ở đâu, trồng thế nào, gia đình làm nghề bao lâu..."),
    )

    cooperative = forms.ModelChoiceField(
        label=_("Mở cho hợp tác xã"), queryset=Cooperative.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        cooperatives: Any = None,
        own_household: bool = False,
        **kwargs: Any,
    ) -> None:
        """`cooperatives`: those the user may open a shop for (None: no cooperative choice);
        a household account may leave it empty to open its own household's shop."""
        super().__init__(*args, **kwargs)
        self.fields["marketplace"].queryset = selectors.marketplace_list()  # type: ignore[attr-defined]
        if cooperatives is None:
            del self.fields["cooperative"]
        else:
            field = self.fields["cooperative"]
            field.queryset = cooperatives  # type: ignore[attr-defined]
            field.required = not own_household
            field.empty_label = (  # type: ignore[attr-defined]
                _("Không, mở cho hộ của tôi") if own_household else "—"
            )


class SupplierShopOpenForm(ShopOpenForm):
    """An input supplier also says where the shop is."""

    province = forms.ModelChoiceField(label=_("Tỉnh/thành phố"), queryset=Province.objects.all())
    commune_name = forms.CharField(label=_("Xã/phường"), max_length=100)

    def clean(self) -> dict[str, Any]:
        from nongsan.geo import selectors as geo_selectors

        data = super().clean() or {}
        province, name = data.get("province"), data.get("commune_name")
        if province and name:
            commune = geo_selectors.commune_find(name=name, province=province)
            if commune is None:
                self.add_error(
                    "commune_name",
                    _("Không thấy xã/phường “%(name)s” ở %(province)s.")
                    % {"name": name, "province": province.name},
                )
            data["commune"] = commune
        return data


class ShopEditForm(forms.Form):
    name = forms.CharField(label=_("Tên gian hàng"), max_length=120)
    story = forms.CharField(
        label=_("Giới thiệu"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    preorder_allocation = forms.ChoiceField(
        label=_("Khi thu hoạch ít hơn số đã nhận đặt trước"),
        choices=Shop.PreorderAllocation.choices,
    )


class ProductAddForm(forms.Form):
    """The five things a farmer gives, in the order they think of them; the rest is optional."""

    photo = forms.FileField(
        label=_("Ảnh sản phẩm"),
        widget=forms.ClearableFileInput(attrs=PHOTO_ATTRS),
        help_text=_("Chụp rõ sản phẩm, đủ sáng."),
    )
    name = forms.CharField(
        label=_("Tên sản phẩm"),
        max_length=150,
        help_text=_("Ví dụ: Na Chi Lăng loại 1"),
    )
    price = VndField(label=_("Giá bán (đồng)"))
    unit = forms.ChoiceField(label=_("Bán theo"), choices=Product.Unit.choices)
    unit_weight_kg = forms.CharField(
        label=_("Mỗi quả/hộp/bao... nặng bao nhiêu kg?"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
        help_text=_("Bỏ trống nếu bán theo kg."),
    )
    stock = forms.CharField(
        label=_("Hiện có bao nhiêu (kg hoặc quả/hộp...)"),
        max_length=14,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
    )
    category = CategoryChoiceField(label=_("Danh mục"), queryset=Category.objects.none())
    household = forms.ModelChoiceField(
        label=_("Hộ thành viên cung cấp"), queryset=Household.objects.none(), required=False
    )

    def __init__(self, *args: Any, shop: Shop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = Category.Kind.INPUT if shop.owner_kind == Shop.OwnerKind.INPUT_SUPPLIER else ""
        self.fields["category"] = _category_field(required=False, kind=kind)
        if shop.owner_kind == Shop.OwnerKind.COOPERATIVE:
            members = Household.objects.filter(cooperative_id=shop.cooperative_id)
            self.fields["household"].queryset = members.order_by("head_name_key")  # type: ignore[attr-defined]
            self.fields["household"].required = True
        else:
            del self.fields["household"]

    def clean_photo(self) -> Any:
        return _check_photo(self.cleaned_data.get("photo"))


class ProductForm(forms.Form):
    """Every detail of a product, for the seller's full edit page."""

    name = forms.CharField(label=_("Tên sản phẩm"), max_length=150)
    category = CategoryChoiceField(label=_("Danh mục"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("Mô tả"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Giống, cách trồng, kích cỡ, hương vị, cách bảo quản..."),
    )
    price = VndField(label=_("Giá bán (đồng)"))
    unit = forms.ChoiceField(label=_("Bán theo"), choices=Product.Unit.choices)
    unit_weight_kg = forms.CharField(
        label=_("Khối lượng mỗi đơn vị (kg)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
        help_text=_("Bỏ trống nếu bán theo kg."),
    )
    stock = forms.CharField(
        label=_("Số lượng còn"), max_length=14, widget=forms.TextInput(attrs=DECIMAL_ATTRS)
    )
    min_order = forms.CharField(
        label=_("Mua tối thiểu"), max_length=14, widget=forms.TextInput(attrs=DECIMAL_ATTRS)
    )
    order_step = forms.CharField(
        label=_("Bước tăng số lượng"),
        max_length=14,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
        help_text=_("Ví dụ 0,5 kg: người mua đặt 2,5 kg được, 2,3 kg thì không."),
    )
    available_from = forms.DateField(
        label=_("Thu hoạch từ ngày"), required=False, widget=DATE_WIDGET
    )
    available_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)
    preorder_enabled = forms.BooleanField(label=_("Nhận đặt trước khi thu hoạch"), required=False)
    expected_yield = forms.CharField(
        label=_("Sản lượng dự kiến (theo đơn vị bán)"),
        required=False,
        max_length=14,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
    )
    shelf_life_hours = forms.IntegerField(
        label=_("Giữ tươi được bao nhiêu giờ"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Bỏ trống để lấy theo danh mục (ví dụ vải thiều 48 giờ)."),
    )
    certifications = forms.ModelMultipleChoiceField(
        label=_("Chứng nhận áp dụng cho sản phẩm"),
        queryset=Certification.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registration_number = forms.CharField(
        label=_("Số đăng ký lưu hành (phân bón, thuốc BVTV)"), required=False, max_length=60
    )
    origin_commune = forms.ModelChoiceField(
        label=_("Xã/phường xuất xứ"), queryset=Commune.objects.none(), required=False
    )
    household = forms.ModelChoiceField(
        label=_("Hộ thành viên cung cấp"), queryset=Household.objects.none(), required=False
    )

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shop = product.shop
        kind = Category.Kind.INPUT if shop.owner_kind == Shop.OwnerKind.INPUT_SUPPLIER else ""
        self.fields["category"] = _category_field(required=True, kind=kind)
        self.fields["certifications"].queryset = selectors.certifications_usable(  # type: ignore[attr-defined]
            household=product.household
        )
        if not product.household_id:
            del self.fields["certifications"]
        province_id = product.origin_province_id or shop.commune.province_id
        self.fields["origin_commune"].queryset = Commune.objects.filter(  # type: ignore[attr-defined]
            province_id=province_id
        ).order_by("name")
        if shop.owner_kind == Shop.OwnerKind.COOPERATIVE:
            self.fields["household"].queryset = Household.objects.filter(  # type: ignore[attr-defined]
                cooperative_id=shop.cooperative_id
            ).order_by("head_name_key")
            self.fields["household"].required = True
        else:
            del self.fields["household"]

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        number = decimal_input
        return {
            "name": product.name,
            "category": product.category_id,
            "description": product.description,
            "price": str(product.price),
            "unit": product.unit,
            "unit_weight_kg": number(product.unit_weight_kg),
            "stock": number(product.stock),
            "min_order": number(product.min_order),
            "order_step": number(product.order_step),
            "available_from": product.available_from,
            "available_to": product.available_to,
            "preorder_enabled": product.preorder_enabled,
            "expected_yield": number(product.expected_yield),
            "shelf_life_hours": product.shelf_life_hours,
            "certifications": list(product.certifications.values_list("pk", flat=True)),
            "registration_number": product.registration_number,
            "origin_commune": product.origin_commune_id,
            "household": product.household_id,
        }


class QuickEditForm(forms.Form):
    price = VndField(label=_("Giá (đồng)"), required=False)
    stock = forms.CharField(
        label=_("Còn"), max_length=14, required=False, widget=forms.TextInput(attrs=DECIMAL_ATTRS)
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Thêm ảnh"), widget=forms.ClearableFileInput(attrs=PHOTO_ATTRS))

    def clean_photo(self) -> Any:
        return _check_photo(self.cleaned_data.get("photo"))


def _action_choices(by: str) -> list[tuple[str, str]]:
    return [(name, name) for name, action in moderation.ACTIONS.items() if action.by == by]


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=_action_choices(moderation.By.OPERATOR), widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Lý do (người bán sẽ thấy)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SellerStatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=_action_choices(moderation.By.OWNER), widget=forms.HiddenInput
    )


class ShopCloseForm(forms.Form):
    is_active = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Lý do tạm đóng"), required=False, max_length=300)


class SearchForm(forms.Form):
    """The buyer's search and filters, read from the query string (GET)."""

    # Longer input is cut (as the parser does), never refused: a search never fails.
    q = forms.CharField(
        label=_("Tìm nông sản"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": search.MAX_QUERY_LENGTH}),
    )
    danh_muc = forms.ChoiceField(label=_("Danh mục"), required=False)
    tinh = forms.ChoiceField(label=_("Tỉnh/thành xuất xứ"), required=False)
    tieu_chuan = forms.ChoiceField(
        label=_("Tiêu chuẩn"),
        required=False,
        choices=[("", _("Tất cả"))]
        + [(k, Certification.Kind(k).label) for k in selectors.STANDARDS],
    )
    ocop = forms.ChoiceField(
        label=_("OCOP"),
        required=False,
        choices=[("", _("Tất cả")), ("3", _("Từ 3 sao")), ("4", _("Từ 4 sao")), ("5", _("5 sao"))],
    )
    gia_tu = VndField(label=_("Giá từ (đồng)"), required=False)
    gia_den = VndField(label=_("Giá đến (đồng)"), required=False)
    dang_mua = forms.BooleanField(label=_("Đang vào mùa"), required=False)
    gan_mark = forms.BooleanField(label=_("Có mark thương hiệu"), required=False)
    san = forms.ChoiceField(label=_("Sàn"), required=False)
    sap_xep = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[("", _("Mặc định")), *selectors.Sort.CHOICES],
    )

    def __init__(
        self,
        *args: Any,
        provinces: Sequence[Province],
        marketplaces: Sequence[Marketplace],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._provinces = {p.code: p for p in provinces}
        self._marketplaces = {m.code: m for m in marketplaces}
        tree = selectors.category_tree()
        categories: list[tuple[str, str]] = [("", str(_("Tất cả")))]
        for root in tree.roots:
            categories.append((root.slug, root.name))
            categories += [(child.slug, f"— {child.name}") for child in root.children]
        self.fields["danh_muc"].choices = categories  # type: ignore[attr-defined]
        self.fields["tinh"].choices = [("", _("Cả nước"))] + [  # type: ignore[attr-defined]
            (p.code, p.name) for p in provinces
        ]
        self.fields["san"].choices = [("", _("Tất cả"))] + [  # type: ignore[attr-defined]
            (m.code, m.name) for m in marketplaces
        ]

    def clean_q(self) -> str:
        return (self.cleaned_data.get("q") or "")[: search.MAX_QUERY_LENGTH]

    @property
    def valid_data(self) -> dict[str, Any]:
        """The fields that are valid: a bad price leaves the words and the other filters
        working (its error shows on the page), as a search never fails."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self, **fixed: Any) -> selectors.ProductFilters:
        """The filters chosen, each invalid one ignored."""
        data = self.valid_data
        tree = selectors.category_tree()
        category_node = tree.by_slug.get(data.get("danh_muc") or "")
        values: dict[str, Any] = {
            "query": data.get("q") or "",
            "category": Category(pk=category_node.id) if category_node else None,
            "province": self._provinces.get(data.get("tinh") or ""),
            "standard": data.get("tieu_chuan") or "",
            "ocop_min": int(data["ocop"]) if data.get("ocop") else None,
            "price_min": data.get("gia_tu"),
            "price_max": data.get("gia_den"),
            "in_season": bool(data.get("dang_mua")),
            "branded": bool(data.get("gan_mark")),
            "marketplace": self._marketplaces.get(data.get("san") or ""),
            "sort": data.get("sap_xep") or "",
        }
        values.update(fixed)
        return selectors.ProductFilters(**values)

    @property
    def has_filters(self) -> bool:
        data = self.valid_data
        return bool(self.errors) or any(
            data.get(name) for name in self.fields if name not in ("q", "sap_xep")
        )


class HouseholdPriceForm(forms.Form):
    """An input supplier's price for verified farm households, with its per-season quota."""

    price = VndField(label=_("Giá ưu đãi cho hộ (đồng)"))
    quota = forms.CharField(
        label=_("Hạn mức mỗi hộ mỗi vụ"),
        max_length=14,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
        help_text=_("Số đơn vị bán mỗi hộ được mua giá ưu đãi trong vụ."),
    )
    season_start = forms.DateField(
        label=_("Vụ từ ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    season_end = forms.DateField(
        label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )


class BrandMarkForm(forms.Form):
    """Granting a brand mark: the criteria it is granted against, its validity, the reason."""

    criteria = forms.MultipleChoiceField(
        label=_("Tiêu chí"),
        choices=BrandMark.Criterion.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(
        label=_("Hiệu lực từ ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Để trống: không thời hạn (đến khi thu hồi)."),
    )
    reason = forms.CharField(
        label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class BrandMarkRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)


class BrandMarkTargetForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Gắn cho"), choices=[("san-pham", _("Sản phẩm")), ("ho", _("Hộ sản xuất"))]
    )
    number = forms.IntegerField(label=_("Mã số"), min_value=1)
