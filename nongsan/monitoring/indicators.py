"""The sixteen indicators of Plan 1034 (Appendix 01/02/03 of the Ministry's letters), as code.

Labels are the report templates' wording, kept verbatim because the exports must match the
templates the Ministry reads; where Appendix 02 and 03 differ (II.5's and II.6's unit) the weekly
template's wording is used and the monthly export states its own.
"""

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nongsan.households.models import Milestone


class Aggregation(enum.StrEnum):
    """How an indicator's figure is made from what happened."""

    HOUSEHOLD_MILESTONE = "household_milestone"  # distinct households reaching a first achievement
    SUM = "sum"  # a quantity added up (tonnes delivered)
    DISTINCT_SET = "distinct_set"  # distinct provinces or countries reached
    COUNT = "count"  # things counted (products, bulletins, updates)


@dataclass(frozen=True)
class Group:
    code: str  # the Roman numeral the templates number groups with
    title: Promise


@dataclass(frozen=True)
class Indicator:
    code: str  # "I.1" ... "III.5"
    group: Group
    number: int  # the row number inside its group ("1", "2", ... in the templates)
    label: Promise
    unit: Promise
    aggregation: Aggregation
    source: Promise  # where the platform takes the figure from, for the screen
    milestone_kind: str | None = None  # set when computed from household milestones
    default_target_pct: int | None = None  # Appendix 01: a share of the province's farm households
    in_weekly_template: bool = True  # Appendix 02 has no group III
    from_deliveries: bool = False  # computed from delivered sub-orders (orders and shipping)
    from_catalog: bool = False  # computed from products' first publication (catalog)
    from_info: bool = False  # computed from bulletins' publications and corrections (info)
    from_household_prices: bool = False  # computed from inputs' household prices (catalog)

    @property
    def is_computed(self) -> bool:
        """Whether the platform computes it today; otherwise it is entered by hand."""
        return (
            self.milestone_kind is not None
            or self.from_deliveries
            or self.from_catalog
            or self.from_info
            or self.from_household_prices
        )

    @property
    def counts_households(self) -> bool:
        return self.aggregation == Aggregation.HOUSEHOLD_MILESTONE

    @property
    def status_note(self) -> Promise:
        if self.is_computed:
            return _("Tự động tính từ dữ liệu nền tảng")
        return _("Nhập thủ công cho đến khi có ứng dụng nguồn")


GROUP_I = Group("I", _("Chỉ tiêu hỗ trợ đưa hộ SXNN lên sàn TMĐT"))
GROUP_II = Group("II", _("Chỉ tiêu hỗ trợ đẩy mạnh tiêu thụ sản phẩm nông nghiệp"))
GROUP_III = Group(
    "III", _("Chỉ tiêu hỗ trợ cung cấp thông tin, nguyên liệu đầu vào phục vụ sản xuất, kinh doanh")
)
GROUPS: tuple[Group, ...] = (GROUP_I, GROUP_II, GROUP_III)

Kind = Milestone.Kind
HOUSEHOLDS = _("Hộ")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "I.1", GROUP_I, 1,
        _("Số hộ được đào tạo, tập huấn về kỹ năng số và kỹ năng hoạt động trên không gian mạng"),
        HOUSEHOLDS, Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: tập huấn kỹ năng số lần đầu"),
        milestone_kind=Kind.TRAINED_DIGITAL, default_target_pct=70,
    ),
    Indicator(
        "I.2", GROUP_I, 2,
        _(
            "Số hộ SXNN được đào tạo, tập huấn, hướng dẫn thực hiện quy trình đóng gói - kết nối"
            " - giao nhận"
        ),
        HOUSEHOLDS, Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: tập huấn đóng gói – kết nối – giao nhận lần đầu"),
        milestone_kind=Kind.TRAINED_PACKAGING, default_target_pct=60,
    ),
    Indicator(
        "I.3", GROUP_I, 3,
        _("Số hộ SXNN có tài khoản bán hàng/gian hàng trên sàn"),
        HOUSEHOLDS, Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: mở gian hàng đầu tiên trên sàn"),
        milestone_kind=Kind.SHOP_OPENED, default_target_pct=50,
    ),
    Indicator(
        "I.4", GROUP_I, 4,
        _("Số hộ SXNN có tài khoản thanh toán điện tử"),
        HOUSEHOLDS, Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: có tài khoản thanh toán điện tử"),
        milestone_kind=Kind.PAYMENT_ACCOUNT, default_target_pct=50,
    ),
    Indicator(
        "II.1", GROUP_II, 1,
        _("Số/loại sản phẩm được quảng bá, giới thiệu trên sàn"),
        _("Sản phẩm/Loại"), Aggregation.COUNT,
        _("Nông sản được đăng bán lần đầu trên sàn (ứng dụng danh mục)"),
        from_catalog=True,
    ),
    Indicator(
        "II.2", GROUP_II, 2,
        _("Sản lượng nông sản tiêu thụ qua sàn"),
        _("Tấn"), Aggregation.SUM,
        _("Khối lượng các đơn hàng đã giao (ứng dụng đơn hàng)"),
        from_deliveries=True,
    ),
    Indicator(
        "II.3", GROUP_II, 3,
        _("Số sản phẩm nông nghiệp được gắn mark thương hiệu trên sàn"),
        _("Sản phẩm"), Aggregation.COUNT,
        _("Sản phẩm được gắn mark thương hiệu lần đầu (ứng dụng danh mục)"),
        from_catalog=True,
    ),
    Indicator(
        "II.4", GROUP_II, 4,
        _("Số hộ SXNN được gắn mark thương hiệu trên sàn"),
        HOUSEHOLDS, Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: được gắn mark thương hiệu lần đầu"),
        milestone_kind=Kind.BRAND_MARKED,
    ),
    Indicator(
        "II.5", GROUP_II, 5,
        _("Số sản phẩm nông sản và/hoặc hộ SXNN có công cụ truy xuất nguồn gốc trên sàn"),
        _("Sản phẩm/hộ"), Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: lô hàng đầu tiên có nhật ký truy xuất nguồn gốc (ứng dụng truy xuất)"),
        milestone_kind=Kind.TRACED,
    ),
    Indicator(
        "II.6", GROUP_II, 6,
        _("Số thị trường trong nước (tỉnh/thành phố) đã tiêu thụ"),
        _("tỉnh/thành phố"), Aggregation.DISTINCT_SET,
        _("Tỉnh/thành phố của người mua các đơn đã giao (ứng dụng đơn hàng)"),
        from_deliveries=True,
    ),
    Indicator(
        "II.7", GROUP_II, 7,
        _("Số thị trường nước ngoài (quốc gia) đã tiêu thụ"),
        _("Quốc gia"), Aggregation.DISTINCT_SET,
        _("Quốc gia của người mua các đơn đã giao (ứng dụng đơn hàng)"),
        from_deliveries=True,
    ),
    Indicator(
        "III.1", GROUP_III, 1,
        _(
            "Số hạng mục thông tin (số liệu, thông tin) được cung cấp qua sàn/apps di động đến"
            " các hộ SXNN"
        ),
        _("Bài viết/Tin nhắn/Thông báo"), Aggregation.COUNT,
        _("Bản tin đăng đến hộ, mỗi bản tin tính một lần (ứng dụng thông tin)"),
        in_weekly_template=False, from_info=True,
    ),
    Indicator(
        "III.2", GROUP_III, 2,
        _(
            "Tần suất cập nhật thông tin (số liệu, thông tin) được cung cấp qua sàn/apps di động"
            " đến các hộ SXNN"
        ),
        _("Lần/Tháng"), Aggregation.COUNT,
        _("Số lần đăng và cập nhật bản tin trong kỳ (ứng dụng thông tin)"),
        in_weekly_template=False, from_info=True,
    ),
    Indicator(
        "III.3", GROUP_III, 3,
        _(
            "Số hàng hoá, sản phẩm đầu vào, phục vụ hoạt động sản xuất kinh doanh của hộ SXNN"
            " được giới thiệu, cung cấp trên sàn"
        ),
        _("Sản phẩm"), Aggregation.COUNT,
        _("Vật tư đầu vào được đăng bán lần đầu trên sàn (ứng dụng danh mục)"),
        in_weekly_template=False,
        from_catalog=True,
    ),
    Indicator(
        "III.4", GROUP_III, 4,
        _(
            "Số hộ SXNN đã đặt mua hàng hoá, sản phẩm đầu vào, phục vụ hoạt động sản xuất kinh"
            " doanh qua sàn TMĐT"
        ),
        # Appendix 03 prints "Sản phẩm" here although it counts households; the template wins.
        _("Sản phẩm"), Aggregation.HOUSEHOLD_MILESTONE,
        _("Mốc hộ: mua vật tư đầu vào qua sàn lần đầu (đơn đã giao)"),
        milestone_kind=Kind.INPUT_PURCHASE,
        in_weekly_template=False,
    ),
    Indicator(
        "III.5", GROUP_III, 5,
        _(
            "Số loại hàng hoá, sản phẩm đầu vào (phục vụ hoạt động sản xuất kinh doanh của hộ"
            " SXNN) có chính sách giảm giá, khuyến mại hoặc ưu đãi khác đặc thù hơn cho hộ SXNN"
            " khi mua qua sàn TMĐT so với mua ngoài thị trường"
        ),
        _("Sản phẩm"), Aggregation.COUNT,
        _("Vật tư đầu vào có giá ưu đãi riêng cho hộ, tính từ ngày đặt giá (ứng dụng danh mục)"),
        in_weekly_template=False, from_household_prices=True,
    ),
)  # fmt: skip

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
BY_MILESTONE_KIND: dict[str, Indicator] = {
    indicator.milestone_kind: indicator for indicator in INDICATORS if indicator.milestone_kind
}
CODE_CHOICES: list[tuple[str, str]] = [(indicator.code, indicator.code) for indicator in INDICATORS]
PERCENTAGE_CODES: tuple[str, ...] = tuple(
    indicator.code for indicator in INDICATORS if indicator.default_target_pct is not None
)


def indicator_get(code: str) -> Indicator:
    """The indicator with this code; KeyError for a code that is not one of the sixteen."""
    return BY_CODE[code]


def indicators_in(group: Group) -> Iterator[Indicator]:
    return (indicator for indicator in INDICATORS if indicator.group == group)
