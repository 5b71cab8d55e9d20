"""Demo information: bulletins of every kind (an urgent pest warning for Lạng Sơn's custard-apple
growers among them), three months of reference prices for the demo provinces' produce, and
household prices on the input suppliers' products.

Built through the services; idempotent (bulletins by title, prices by day, offers by product).
"""

import datetime as dt
import random

from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import Category, HouseholdPrice, Product
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Province
from nongsan.households.models import ProduceKind
from nongsan.info import services
from nongsan.info.models import Bulletin, MarketPrice

EDITOR_PHONE = "+84912000009"  # the national editor of the demo accounts
PROVINCE_EDITOR = ("0912000021", "Hoàng Văn Thắng", "Lạng Sơn")
PASSWORD = "nongsan-demo-2026"

# (kind, title, body, urgent, province short names (empty: nationwide), produce codes)
BULLETINS = (
    (
        Bulletin.Kind.PEST,
        "Cảnh báo rệp sáp hại na giai đoạn ra quả",
        "Rệp sáp đang phát sinh mạnh trên na ở Chi Lăng và Hữu Lũng. Thăm vườn 3 ngày một lần,"
        " cắt bỏ quả bị hại nặng; phun thuốc sinh học khi mật độ cao. Dùng thuốc có số đăng ký"
        " lưu hành, theo đúng liều trên nhãn; ngừng phun trước thu hoạch 14 ngày.",
        True,
        ("Lạng Sơn",),
        ("na",),
    ),
    (
        Bulletin.Kind.WEATHER,
        "Không khí lạnh tăng cường, vùng núi phía Bắc rét đậm",
        "Từ đêm mai nhiệt độ thấp nhất 8–11 độ, vùng núi cao dưới 5 độ. Che chắn chuồng trại,"
        " dự trữ thức ăn cho gia súc, không gieo cấy khi nhiệt độ dưới 15 độ.",
        False,
        ("Lạng Sơn", "Sơn La"),
        (),
    ),
    (
        Bulletin.Kind.DISASTER,
        "Cảnh báo mưa lớn, lũ quét ở Tây Nguyên",
        "Mưa lớn 100–200 mm trong 48 giờ tới. Gia cố nhà, thu hoạch sớm cà phê đã chín, không"
        " qua suối khi nước lên.",
        True,
        ("Đắk Lắk", "Lâm Đồng"),
        (),
    ),
    (
        Bulletin.Kind.TECHNIQUE,
        "Kỹ thuật bón phân cho cà phê mùa khô",
        "Bón NPK 16-16-8 lượng 0,5 kg mỗi gốc sau tưới đợt 1; kết hợp phân hữu cơ vi sinh.",
        False,
        (),
        ("ca-phe",),
    ),
    (
        Bulletin.Kind.MARKET_PRICE,
        "Giá vải thiều đầu vụ tăng nhẹ",
        "Giá vải thiều tại vườn Lục Ngạn từ 25.000 đến 32.000 đồng/kg. Xem bảng giá tham khảo"
        " để giữ giá, tránh bán vội cho thương lái.",
        False,
        ("Bắc Ninh",),
        ("vai-thieu",),
    ),
    (
        Bulletin.Kind.POLICY,
        "Hỗ trợ vay vốn nhỏ qua bưu điện văn hóa xã",
        "Hộ sản xuất có thể nộp hồ sơ vay 20–30 triệu đồng tại bưu điện xã hoặc trên nongsan.",
        False,
        (),
        (),
    ),
)
GUIDE = (
    "Cách chụp ảnh sản phẩm đẹp bằng điện thoại",
    "Chụp ban ngày, nền sạch, đủ sáng; chụp cả quả bổ đôi; mỗi sản phẩm 3–5 ảnh.",
)
# Reference prices (đồng/kg) the demo's random walk starts from, per province and produce.
PRICES = {
    "Lạng Sơn": {"na": 45_000, "hoi": 120_000, "que": 38_000},
    "Bắc Ninh": {"vai-thieu": 28_000},
    "Đắk Lắk": {"ca-phe": 118_000, "ho-tieu": 150_000, "sau-rieng": 85_000, "bo": 40_000},
    "Cần Thơ": {"lua-gao": 7_800},
    "Sơn La": {"xoai": 22_000, "mac-ca": 95_000},
    "Lâm Đồng": {"rau-an-la": 18_000},
}
PRICE_DAYS = 90


def _province(name: str) -> Province:
    province = geo_selectors.province_find(name=name)
    if province is None:
        raise RuntimeError(f"Province {name!r} not found: run `manage.py geo_load` first.")
    return province


def _province_editor() -> User:
    phone, name, province = PROVINCE_EDITOR
    found = User.objects.filter(phone="+84" + phone[1:]).first()
    return found or accounts_services.user_create(
        phone=phone,
        full_name=name,
        password=PASSWORD,
        role=Role.INFO_EDITOR,
        province=_province(province),
    )


def bulletins_seed(*, now: dt.datetime) -> int:
    national = User.objects.filter(phone=EDITOR_PHONE, role=Role.INFO_EDITOR).first()
    if national is None:
        return 0
    lang_son_editor = _province_editor()
    made = 0
    for index, (kind, title, body, urgent, provinces, produce) in enumerate(BULLETINS):
        if Bulletin.objects.filter(title=title).exists():
            continue
        places = [_province(name) for name in provinces]
        author = (
            lang_son_editor if [p.pk for p in places] == [lang_son_editor.province_id] else national
        )
        services.bulletin_create(
            actor=author,
            kind=kind,
            title=title,
            body=body,
            is_urgent=urgent,
            is_nationwide=not places,
            provinces=places,
            produce=list(ProduceKind.objects.filter(code__in=produce)),
            valid_from=now - dt.timedelta(days=len(BULLETINS) - index),
            valid_until=now + dt.timedelta(days=30),
            publish=True,
            now=now - dt.timedelta(days=len(BULLETINS) - index),
        )
        made += 1
    operator = User.objects.filter(role=Role.MARKETPLACE_OPERATOR).order_by("pk").first()
    if operator is not None and not Bulletin.objects.filter(title=GUIDE[0]).exists():
        services.bulletin_create(
            actor=operator,
            kind=Bulletin.Kind.PLATFORM_GUIDE,
            title=GUIDE[0],
            body=GUIDE[1],
            is_nationwide=True,
            publish=True,
            now=now,
        )
        made += 1
    return made


def prices_seed(*, rng: random.Random, today: dt.date) -> int:
    """Three months of prices a week apart, wandering a few percent around their start."""
    editor = User.objects.filter(phone=EDITOR_PHONE, role=Role.INFO_EDITOR).first()
    if editor is None:
        return 0
    kinds = {k.code: k for k in ProduceKind.objects.all()}
    made = 0
    for province_name, produce in PRICES.items():
        province = _province(province_name)
        for code, start in produce.items():
            if MarketPrice.objects.filter(produce=kinds[code], province=province).exists():
                continue
            price = start
            for week in range(PRICE_DAYS // 7, -1, -1):
                price = max(1_000, int(price * (1 + rng.uniform(-0.06, 0.06))) // 100 * 100)
                services.market_price_set(
                    actor=editor,
                    produce=kinds[code],
                    province=province,
                    day=today - dt.timedelta(days=7 * week),
                    price=price,
                    source="Chợ đầu mối" if week % 2 else "Hợp tác xã",
                )
                made += 1
    return made


def household_prices_seed(*, today: dt.date) -> int:
    """About a tenth off for households, 10 units a season, on the suppliers' inputs."""
    inputs = Product.objects.filter(
        category__kind=Category.Kind.INPUT, is_listed=True, household_price__isnull=True
    ).select_related("shop__supplier")
    made = 0
    for product in inputs:
        if product.shop.supplier is None or product.price < 10_000:
            continue
        catalog_services.household_price_set(
            actor=product.shop.supplier,
            product=product,
            price=product.price * 9 // 10 // 1000 * 1000,
            quota=10,
            season_start=today - dt.timedelta(days=30),
            season_end=today + dt.timedelta(days=150),
        )
        made += 1
    return made


def info_demo_seed(*, rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    today = timezone.localdate(now)
    return {
        "bulletins": bulletins_seed(now=now),
        "market_prices": prices_seed(rng=rng, today=today),
        "household_prices": household_prices_seed(today=today),
        "offers_total": HouseholdPrice.objects.count(),
    }
