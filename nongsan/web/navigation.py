"""The menu each role sees: the first places a person of that role goes."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nongsan.accounts.models import Role
from nongsan.payments import selectors as payment_selectors


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: everyone signed in
    staff_only: bool = False
    public: bool = False  # shown to visitors who are not signed in
    when: Callable[[object], bool] | None = None  # a further condition on the user

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES = frozenset(Role.values)
AREA_STAFF = frozenset({Role.FIELD_AGENT, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL})
OFFICIALS = frozenset({Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL})

ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Trang chủ"), "web:home", roles=ALL_ROLES, public=True),
    NavItem(_("Tìm nông sản"), "catalog:search", roles=ALL_ROLES, public=True),
    NavItem(
        _("Bán hàng"), "catalog:seller_home", roles=frozenset({Role.HOUSEHOLD, Role.INPUT_SUPPLIER})
    ),
    NavItem(_("Điểm bán"), "places:map", roles=ALL_ROLES, public=True),
    NavItem(_("Giỏ hàng"), "orders:cart", roles=ALL_ROLES, public=True),
    NavItem(_("Đơn mua"), "orders:buyer_list"),
    NavItem(
        _("Đơn bán"), "orders:seller_list", roles=frozenset({Role.HOUSEHOLD, Role.INPUT_SUPPLIER})
    ),
    NavItem(_("Nhận tiền"), "payments:mine", roles=frozenset({Role.HOUSEHOLD})),
    NavItem(_("Truy xuất"), "traceability:lots", roles=frozenset({Role.HOUSEHOLD})),
    NavItem(_("Kiểm duyệt"), "catalog:moderation", roles=frozenset({Role.MARKETPLACE_OPERATOR})),
    NavItem(_("Đơn trên sàn"), "orders:seller_list", roles=frozenset({Role.MARKETPLACE_OPERATOR})),
    NavItem(
        _("Chi trả"), "payments:payouts", roles=frozenset({Role.MARKETPLACE_OPERATOR, Role.FINANCE})
    ),
    NavItem(
        _("Tiền về, đối soát"),
        "finance:exceptions",
        roles=frozenset({Role.MARKETPLACE_OPERATOR, Role.FINANCE}),
    ),
    NavItem(_("Sổ đối soát"), "finance:books", roles=frozenset({Role.FINANCE})),
    NavItem(_("Bảng kê COD"), "finance:remittances", roles=frozenset({Role.FINANCE})),
    NavItem(
        _("Mark thương hiệu"),
        "catalog:brand_marks",
        roles=frozenset({Role.MARKETPLACE_OPERATOR, Role.PROVINCE_OFFICIAL}),
    ),
    NavItem(_("Vận chuyển"), "shipping:carrier_home", roles=frozenset({Role.CARRIER_STAFF})),
    NavItem(
        _("Khiếu nại"),
        "shipping:claims",
        roles=frozenset({Role.MARKETPLACE_OPERATOR, Role.CARRIER_STAFF}),
    ),
    NavItem(
        _("Thẻ xe ưu tiên"),
        "shipping:cards",
        roles=frozenset({Role.CARRIER_STAFF, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL}),
    ),
    NavItem(
        _("Địa chỉ số"),
        "places:handovers",
        roles=frozenset({Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL}),
    ),
    NavItem(_("Hồ sơ hộ"), "households:mine", roles=frozenset({Role.HOUSEHOLD})),
    NavItem(_("Tin cho hộ"), "info:feed", roles=frozenset({Role.HOUSEHOLD})),
    NavItem(
        _("Bản tin"),
        "info:editor_list",
        roles=frozenset({Role.INFO_EDITOR, Role.MARKETPLACE_OPERATOR}),
    ),
    NavItem(_("Giá tham khảo"), "info:board", roles=ALL_ROLES, public=True),
    NavItem(_("Vay vốn"), "lending:home", roles=AREA_STAFF | {Role.HOUSEHOLD}),
    NavItem(_("Hộ sản xuất"), "households:list", roles=AREA_STAFF),
    NavItem(_("Đăng ký hộ"), "households:register", roles=frozenset({Role.FIELD_AGENT})),
    NavItem(
        _("Quầy bưu điện"),
        "payments:post_office",
        roles=frozenset({Role.FIELD_AGENT}),
        when=lambda user: payment_selectors.clerk_post_office(actor=user) is not None,
    ),
    NavItem(_("Nhập danh sách"), "households:import_upload", roles=AREA_STAFF),
    NavItem(_("Tập huấn"), "training:session_list", roles=AREA_STAFF),
    NavItem(_("Tập huấn của hộ"), "training:mine", roles=frozenset({Role.HOUSEHOLD})),
    NavItem(_("Tiến độ"), "households:funnel", roles=AREA_STAFF),
    NavItem(_("Ưu tiên hỗ trợ"), "households:priority", roles=AREA_STAFF),
    NavItem(_("Tổng quan 1034"), "monitoring:dashboard", roles=OFFICIALS),
    NavItem(_("Báo cáo 1034"), "monitoring:report", roles=OFFICIALS),
    NavItem(_("Nộp báo cáo"), "monitoring:filing", roles=frozenset({Role.PROVINCE_OFFICIAL})),
    NavItem(
        _("Tình hình nộp"), "monitoring:filing_board", roles=frozenset({Role.MINISTRY_OFFICIAL})
    ),
    NavItem(_("Chỉ tiêu"), "monitoring:targets", roles=OFFICIALS),
    NavItem(
        _("Khó khăn, vướng mắc"),
        "support:difficulties",
        roles=AREA_STAFF | {Role.MARKETPLACE_OPERATOR, Role.CARRIER_STAFF},
    ),
    NavItem(
        _("Hộ trên nhiều sàn"),
        "partners:cross",
        roles=frozenset({Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL}),
    ),
    NavItem(_("API đối tác"), "partners:api_guide", roles=frozenset({Role.MARKETPLACE_OPERATOR})),
    NavItem(_("Cổng hỗ trợ"), "support:portal", roles=ALL_ROLES, public=True),
    NavItem(_("Tài khoản"), "accounts:account"),
    NavItem(_("Quản trị"), "admin:index", staff_only=True),
)


def items_for(user: object) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return [item for item in ITEMS if item.public]
    role = getattr(user, "role", "")
    return [
        item
        for item in ITEMS
        if (item.roles is None or role in item.roles)
        and (not item.staff_only or getattr(user, "is_staff", False))
        and (item.when is None or item.when(user))
    ]
