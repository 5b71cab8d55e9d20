"""Demo shops and products: real produce of the demo households' provinces, photos drawn by code.

Everything goes through the services a seller and an operator use, so the demo shows moderation,
milestones and search as they work. Idempotent: households and suppliers that already have a
shop are left as they are.
"""

import dataclasses
import datetime as dt
import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.catalog import services
from nongsan.catalog.models import Category, Product, Shop
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune
from nongsan.households import services as households_services
from nongsan.households.models import Certification, Cooperative, Household, Milestone
from nongsan.orgs.models import Marketplace

DEMO_PASSWORD = "nongsan-demo-2026"
Status = Product.Status


@dataclass(frozen=True)
class Item:
    """A product as the demo lists it: prices in VND per unit of sale, seasons as (MMDD, MMDD)."""

    name: str
    category: str
    unit: str
    price: tuple[int, int]
    stock: tuple[int, int]
    style: str
    color: tuple[int, int, int]
    description: str
    season: tuple[int, int] | None = None
    unit_weight_kg: str | None = None
    registration: str = ""
    ocop_stars: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


PRODUCE: dict[str, tuple[Item, ...]] = {
    "Lạng Sơn": (
        Item(
            "Na Chi Lăng",
            "na-mit-sau-rieng",
            "kg",
            (55_000, 90_000),
            (80, 600),
            "custard_apple",
            (132, 178, 92),
            "Na dai Chi Lăng trồng trên núi đá vôi, quả to 3–4 quả/kg, mắt na mở đều, "
            "thịt trắng, ngọt thanh. Hái khi vừa mở mắt, đóng thùng xốp, giao trong 48 giờ.",
            season=(801, 930),
        ),
        Item(
            "Hoa hồi khô Văn Quan",
            "tieu-gia-vi",
            "kg",
            (120_000, 180_000),
            (20, 200),
            "star",
            (150, 78, 40),
            "Hồi vụ tháng Tám, phơi nắng tự nhiên, cánh to đều 8 cánh, thơm đậm. "
            "Dùng nấu phở, kho thịt, ngâm rượu.",
        ),
        Item(
            "Hồng không hạt Bảo Lâm",
            "xoai-bo-chuoi",
            "kg",
            (35_000, 55_000),
            (50, 400),
            "round",
            (236, 128, 36),
            "Hồng vành khuyên không hạt, chín cây, giòn ngọt. Đặc sản Cao Lộc, Lạng Sơn.",
            season=(915, 1031),
        ),
    ),
    "Bắc Ninh": (
        Item(
            "Vải thiều Lục Ngạn",
            "vai-nhan-chom-chom",
            "kg",
            (35_000, 60_000),
            (100, 900),
            "cluster",
            (205, 45, 62),
            "Vải thiều Lục Ngạn chín cây, cùi dày, hạt nhỏ, ngọt đậm. Thu hái buổi sáng, "
            "cắt cành, đóng thùng có đá khô; ăn ngon nhất trong 48 giờ.",
            season=(525, 731),
        ),
        Item(
            "Gà đồi Yên Thế",
            "gia-cam",
            "head",
            (250_000, 320_000),
            (20, 150),
            "hen",
            (181, 110, 52),
            "Gà thả đồi 5–6 tháng tuổi, ăn ngô và thóc, thịt chắc, da vàng. "
            "Giao gà làm sẵn, hút chân không.",
            unit_weight_kg="2",
        ),
        Item(
            "Mỳ Chũ Lục Ngạn",
            "dac-san-kho",
            "pack",
            (30_000, 42_000),
            (50, 500),
            "pack",
            (233, 214, 170),
            "Mỳ gạo Chũ làm từ gạo Bao thai, phơi nắng, không chất bảo quản. Sản phẩm OCOP.",
            unit_weight_kg="0.5",
            ocop_stars=3,
        ),
    ),
    "Đắk Lắk": (
        Item(
            "Bơ 034 Đắk Lắk",
            "xoai-bo-chuoi",
            "kg",
            (40_000, 65_000),
            (100, 800),
            "avocado",
            (74, 120, 48),
            "Bơ 034 trái dài, vỏ xanh, cơm vàng dẻo, béo; 3–4 trái/kg. Hái già, để 2–3 ngày "
            "ở nhiệt độ phòng là chín đều.",
            season=(601, 930),
        ),
        Item(
            "Sầu riêng Ri6 Krông Pắc",
            "na-mit-sau-rieng",
            "kg",
            (80_000, 130_000),
            (100, 1_200),
            "durian",
            (156, 168, 62),
            "Sầu riêng Ri6 cơm vàng, hạt lép, ngọt béo. Cắt chín đủ ngày, bảo đảm cơm ráo.",
            season=(715, 1015),
        ),
        Item(
            "Cà phê Robusta rang mộc Buôn Ma Thuột",
            "ca-phe",
            "pack",
            (110_000, 160_000),
            (50, 600),
            "beans",
            (92, 58, 36),
            "100% Robusta hái chín, sơ chế ướt, rang mộc không tẩm; xay sẵn hoặc nguyên hạt.",
            unit_weight_kg="0.5",
        ),
        Item(
            "Hồ tiêu đen Cư M'gar",
            "tieu-gia-vi",
            "kg",
            (140_000, 175_000),
            (30, 400),
            "peppercorns",
            (60, 52, 44),
            "Tiêu đen hạt chắc, phơi khô, sàng sạch; cay thơm đặc trưng Tây Nguyên.",
        ),
    ),
    "Cần Thơ": (
        Item(
            "Gạo ST25 Sóc Trăng",
            "gao",
            "bag",
            (160_000, 210_000),
            (50, 800),
            "sack",
            (246, 240, 222),
            "Gạo ST25 vụ mới, hạt dài, cơm dẻo, thơm lá dứa. Túi 5 kg hút chân không.",
            unit_weight_kg="5",
        ),
        Item(
            "Khóm Cầu Đúc Hậu Giang",
            "dua-thanh-long",
            "fruit",
            (12_000, 20_000),
            (200, 2_000),
            "pineapple",
            (222, 172, 48),
            "Khóm (dứa) Cầu Đúc trái nhỏ, mắt cạn, ngọt thanh, ít xơ. "
            "Trồng trên đất phèn Hậu Giang.",
            unit_weight_kg="1.2",
        ),
        Item(
            "Bưởi Năm Roi Phú Hữu",
            "cam-buoi-quyt",
            "kg",
            (30_000, 45_000),
            (200, 1_500),
            "round",
            (178, 196, 70),
            "Bưởi Năm Roi vỏ mỏng, múi ráo, không hạt, ngọt thanh; để được hai tuần.",
            season=(801, 131),
        ),
        Item(
            "Hành tím Vĩnh Châu",
            "cu-qua",
            "kg",
            (30_000, 50_000),
            (100, 1_000),
            "onion",
            (146, 62, 110),
            "Hành tím củ chắc, thơm hăng, phơi khô; vụ chính tháng Chạp đến tháng Ba.",
            season=(1201, 331),
        ),
    ),
    "Sơn La": (
        Item(
            "Xoài tròn Yên Châu",
            "xoai-bo-chuoi",
            "kg",
            (35_000, 55_000),
            (100, 700),
            "mango",
            (236, 190, 52),
            "Xoài tròn Yên Châu quả nhỏ, thơm, ngọt đậm, thịt vàng; chín cây đầu hè.",
            season=(501, 630),
        ),
        Item(
            "Mận hậu Mộc Châu",
            "man-dao-dau",
            "kg",
            (30_000, 50_000),
            (100, 900),
            "cluster",
            (132, 40, 84),
            "Mận hậu Mộc Châu giòn, chua ngọt, vỏ đỏ tía phủ phấn. Hái sáng, giao trong ngày.",
            season=(520, 715),
        ),
        Item(
            "Chè Shan tuyết Tà Xùa",
            "che",
            "pack",
            (200_000, 350_000),
            (20, 200),
            "leaf",
            (92, 140, 70),
            "Búp chè Shan tuyết cổ thụ trên 1.500 m, sao tay; nước vàng sánh, hậu ngọt.",
            unit_weight_kg="0.2",
            ocop_stars=4,
        ),
    ),
    "Lâm Đồng": (
        Item(
            "Cà phê Arabica Cầu Đất",
            "ca-phe",
            "pack",
            (180_000, 260_000),
            (30, 400),
            "beans",
            (110, 70, 44),
            "Arabica Cầu Đất độ cao 1.500 m, chua thanh, hương trái cây; rang vừa.",
            unit_weight_kg="0.5",
        ),
        Item(
            "Dâu tây Đà Lạt",
            "man-dao-dau",
            "box",
            (90_000, 140_000),
            (30, 300),
            "strawberry",
            (214, 40, 52),
            "Dâu tây trồng nhà kính, hái chín đỏ, hộp 500 g; giữ lạnh 2–5 °C.",
            season=(1201, 430),
            unit_weight_kg="0.5",
        ),
        Item(
            "Xà lách thủy canh Đà Lạt",
            "rau-an-la",
            "kg",
            (45_000, 70_000),
            (30, 300),
            "leaf",
            (120, 186, 72),
            "Xà lách lô lô xanh thủy canh, giòn ngọt, không thuốc trừ sâu hóa học.",
        ),
        Item(
            "Hoa cúc Đà Lạt",
            "hoa-tuoi",
            "bunch",
            (60_000, 100_000),
            (50, 400),
            "flower",
            (244, 200, 40),
            "Cúc mẫu đơn, bó 10 cành, cắt sáng sớm, cắm được 10–14 ngày.",
            unit_weight_kg="0.8",
        ),
        Item(
            "Thanh long ruột đỏ Bình Thuận",
            "dua-thanh-long",
            "kg",
            (25_000, 40_000),
            (200, 2_000),
            "dragon_fruit",
            (222, 48, 110),
            "Thanh long ruột đỏ trái to, ngọt đậm; bón phân hữu cơ, có mã vùng trồng.",
        ),
    ),
    "Hưng Yên": (
        Item(
            "Nhãn lồng Hưng Yên",
            "vai-nhan-chom-chom",
            "kg",
            (50_000, 80_000),
            (100, 600),
            "cluster",
            (196, 160, 92),
            "Nhãn lồng cùi dày, ráo, ngọt sắc, hạt nhỏ. Hái cả chùm, giao trong 48 giờ.",
            season=(715, 831),
        ),
        Item(
            "Gà Đông Tảo",
            "gia-cam",
            "head",
            (1_200_000, 1_800_000),
            (10, 60),
            "hen",
            (196, 92, 42),
            "Gà Đông Tảo chân to, nuôi thả 8–10 tháng, thịt dai ngọt; nặng khoảng 3,5 kg/con.",
            unit_weight_kg="3.5",
        ),
    ),
}

# Registration numbers are illustrative, in the shape the agricultural authorities print them.
INPUTS: tuple[Item, ...] = (
    Item(
        "Phân bón NPK 16-16-8+TE",
        "phan-vo-co",
        "bag",
        (480_000, 560_000),
        (40, 400),
        "sack",
        (60, 112, 170),
        "Bón thúc cho lúa, rau màu, cây ăn trái; bao 25 kg.",
        unit_weight_kg="25",
        registration="Số ĐK lưu hành: 01234/QĐ-BVTV-PB",
    ),
    Item(
        "Phân hữu cơ vi sinh Trichoderma",
        "phan-huu-co",
        "bag",
        (150_000, 220_000),
        (40, 400),
        "sack",
        (96, 130, 60),
        "Cải tạo đất, hạn chế nấm bệnh vùng rễ; bao 25 kg.",
        unit_weight_kg="25",
        registration="Số ĐK lưu hành: 02468/QĐ-BVTV-PB",
    ),
    Item(
        "Phân bón lá sinh học rong biển",
        "phan-bon-la",
        "bottle",
        (55_000, 90_000),
        (50, 500),
        "bottle",
        (40, 140, 120),
        "Phun định kỳ 7–10 ngày giúp cây ra đọt, nuôi trái; chai 500 ml.",
        unit_weight_kg="0.5",
        registration="Số ĐK lưu hành: 03579/QĐ-BVTV-PB",
    ),
    Item(
        "Hạt giống cải ngọt",
        "hat-giong",
        "pack",
        (12_000, 20_000),
        (100, 2_000),
        "pack",
        (104, 170, 70),
        "Tỉ lệ nảy mầm trên 85%, gieo quanh năm; gói 50 g.",
        unit_weight_kg="0.05",
    ),
    Item(
        "Cây giống sầu riêng Ri6 ghép",
        "cay-giong",
        "plant",
        (45_000, 70_000),
        (50, 800),
        "seedling",
        (74, 132, 60),
        "Cây ghép mắt, bầu đất cao 60–80 cm, sạch bệnh, có nguồn gốc vườn đầu dòng.",
        unit_weight_kg="1.5",
    ),
    Item(
        "Thuốc trừ sâu sinh học Bt",
        "thuoc-bvtv",
        "bottle",
        (40_000, 60_000),
        (50, 500),
        "bottle",
        (200, 90, 40),
        "Trừ sâu tơ, sâu xanh trên rau; an toàn cho ong; chai 100 ml. Đọc kỹ nhãn trước khi dùng.",
        unit_weight_kg="0.1",
        registration="Số ĐK: PS 0123/2025 (Cục BVTV)",
    ),
    Item(
        "Thức ăn hỗn hợp cho gà thả vườn",
        "thuc-an-chan-nuoi",
        "bag",
        (290_000, 340_000),
        (30, 300),
        "sack",
        (200, 160, 60),
        "Đạm 17%, dùng cho gà từ 4 tuần tuổi; bao 25 kg.",
        unit_weight_kg="25",
    ),
    Item(
        "Bình xịt điện 16 lít",
        "may-nong-nghiep",
        "piece",
        (650_000, 900_000),
        (5, 60),
        "sprayer",
        (230, 120, 30),
        "Pin 12 V 8 Ah, phun liên tục 4–5 giờ; kèm 3 loại béc phun.",
        unit_weight_kg="5",
    ),
)

SHOP_NAMES = ("Vườn nhà {given}", "Nhà vườn {name}", "Trang trại {given}", "{produce} nhà {given}")
STORIES = (
    "Gia đình {name} làm vườn ở {commune} đã hơn {years} năm. Chúng tôi thu hái khi hàng "
    "vừa độ, đóng gói tại vườn và gửi bưu điện ngay trong ngày.",
    "Vườn của {name} ở {commune}, {province}. Trồng theo hướng an toàn, ghi chép nhật ký "
    "sản xuất đầy đủ; mời bà con cả nước ủng hộ nông sản quê hương.",
)
SUPPLIERS = (
    ("0912000008", "Bùi Đức Long", "Vật tư nông nghiệp Đức Long", "Đắk Lắk"),
    ("0916000001", "Trần Thị Kim Phượng", "Đại lý vật tư Phú Nông", "Cần Thơ"),
    ("0916000002", "Lò Văn Quý", "Cửa hàng giống cây trồng Tây Bắc", "Sơn La"),
)


# --- Photos drawn with Pillow -------------------------------------------------------------------

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
SIZE = 720


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _ball(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, color: tuple) -> None:
    """A shaded sphere: darker rim, lighter body, a highlight."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_mix(color, (0, 0, 0), 0.25))
    draw.ellipse((cx - r * 0.93, cy - r * 0.95, cx + r * 0.9, cy + r * 0.88), fill=color)
    light = _mix(color, (255, 255, 255), 0.45)
    draw.ellipse((cx - r * 0.55, cy - r * 0.62, cx - r * 0.15, cy - r * 0.28), fill=light)


def _leaf(draw: ImageDraw.ImageDraw, x: float, y: float, length: float, angle: float) -> None:
    green, vein = (64, 132, 52), (40, 92, 36)
    dx, dy = math.cos(angle), math.sin(angle)
    nx, ny = -dy, dx
    width = length * 0.32
    tip = (x + dx * length, y + dy * length)
    mid = (x + dx * length * 0.5, y + dy * length * 0.5)
    draw.polygon(
        [
            (x, y),
            (mid[0] + nx * width, mid[1] + ny * width),
            tip,
            (mid[0] - nx * width, mid[1] - ny * width),
        ],
        fill=green,
    )
    draw.line([(x, y), tip], fill=vein, width=3)


def _draw_subject(draw: ImageDraw.ImageDraw, style: str, color: tuple, rng: random.Random) -> None:
    c = SIZE / 2
    cy = c - 40
    if style in ("round", "custard_apple", "onion"):
        _leaf(draw, c + 10, cy - 150, 120, -0.6)
        _ball(draw, c, cy, 160, color)
        if style == "custard_apple":  # the scaly skin of na
            for row in range(-3, 4):
                for col in range(-3, 4):
                    x, y = c + col * 46 + (row % 2) * 23, cy + row * 40
                    if (x - c) ** 2 + (y - cy) ** 2 < 140**2:
                        draw.arc(
                            (x - 22, y - 18, x + 22, y + 18),
                            200,
                            340,
                            fill=_mix(color, (0, 0, 0), 0.35),
                            width=4,
                        )
        if style == "onion":
            draw.line([(c, cy - 160), (c - 10, cy - 215)], fill=(120, 150, 60), width=8)
    elif style in ("avocado", "mango"):
        draw.ellipse((c - 130, cy - 175, c + 130, cy + 175), fill=_mix(color, (0, 0, 0), 0.25))
        draw.ellipse((c - 120, cy - 168, c + 122, cy + 165), fill=color)
        draw.ellipse((c - 80, cy - 130, c - 30, cy - 60), fill=_mix(color, (255, 255, 255), 0.4))
        _leaf(draw, c + 20, cy - 170, 110, -0.9)
    elif style == "durian":
        for i in range(28):
            a = i * math.tau / 28
            x, y = c + math.cos(a) * 168, cy + math.sin(a) * 178
            draw.polygon(
                [
                    (x + math.cos(a) * 26, y + math.sin(a) * 26),
                    (x + math.cos(a + 1.6) * 16, y + math.sin(a + 1.6) * 16),
                    (x + math.cos(a - 1.6) * 16, y + math.sin(a - 1.6) * 16),
                ],
                fill=_mix(color, (0, 0, 0), 0.3),
            )
        _ball(draw, c, cy, 170, color)
        for _ in range(60):
            x, y = c + rng.uniform(-140, 140), cy + rng.uniform(-140, 140)
            if (x - c) ** 2 + (y - cy) ** 2 < 150**2:
                draw.polygon(
                    [(x, y - 9), (x + 8, y + 6), (x - 8, y + 6)], fill=_mix(color, (0, 0, 0), 0.2)
                )
        draw.rectangle((c - 8, cy - 215, c + 8, cy - 165), fill=(110, 84, 50))
    elif style in ("cluster", "strawberry"):
        draw.line([(c, cy - 210), (c - 5, cy - 120)], fill=(110, 84, 50), width=9)
        _leaf(draw, c, cy - 200, 110, -0.4)
        spots = [
            (0, -90),
            (-70, -40),
            (70, -40),
            (0, 0),
            (-110, 30),
            (110, 30),
            (-45, 60),
            (45, 60),
            (0, 120),
            (-80, 110),
            (80, 110),
            (0, -30),
        ]
        for dx, dy in spots:
            r = 62 if style == "cluster" else 70
            _ball(
                draw,
                c + dx * 1.05,
                cy + dy * 1.05,
                r,
                _mix(color, (255, 255, 255), rng.uniform(0, 0.12)),
            )
            if style == "strawberry":
                for _ in range(6):
                    sx = c + dx + rng.uniform(-35, 35)
                    sy = cy + dy + rng.uniform(-30, 35)
                    draw.ellipse((sx - 3, sy - 4, sx + 3, sy + 4), fill=(250, 226, 120))
    elif style == "pineapple":
        for i in range(7):
            a = -math.pi / 2 + (i - 3) * 0.28
            _leaf(draw, c, cy - 120, 150, a)
        draw.ellipse((c - 120, cy - 140, c + 120, cy + 200), fill=_mix(color, (0, 0, 0), 0.2))
        draw.ellipse((c - 112, cy - 132, c + 112, cy + 192), fill=color)
        eye = _mix(color, (0, 0, 0), 0.35)
        for row in range(-8, 9):
            for col in range(-5, 6):
                x, y = c + col * 38 + (row % 2) * 19, cy + 30 + row * 30
                if ((x - c) / 100) ** 2 + ((y - cy - 30) / 150) ** 2 < 1:
                    draw.polygon(
                        [(x, y - 13), (x + 15, y), (x, y + 13), (x - 15, y)], outline=eye, width=3
                    )
    elif style == "dragon_fruit":
        draw.ellipse((c - 140, cy - 170, c + 140, cy + 170), fill=color)
        for i in range(10):
            a = i * math.tau / 10
            x, y = c + math.cos(a) * 120, cy + math.sin(a) * 150
            draw.polygon(
                [
                    (x, y),
                    (x + math.cos(a) * 70 + 20, y + math.sin(a) * 60),
                    (x + math.cos(a) * 40 - 20, y + math.sin(a) * 70),
                ],
                fill=(120, 170, 70),
            )
    elif style in ("beans", "peppercorns"):
        for _ in range(70 if style == "beans" else 150):
            x, y = c + rng.gauss(0, 95), cy + 40 + rng.gauss(0, 70)
            if style == "beans":
                box = (x - 30, y - 20, x + 30, y + 20)
                draw.ellipse(box, fill=_mix(color, (0, 0, 0), rng.uniform(0, 0.3)))
                draw.arc(box, 180, 360, fill=(40, 24, 14), width=3)
            else:
                r = rng.uniform(9, 13)
                draw.ellipse(
                    (x - r, y - r, x + r, y + r), fill=_mix(color, (0, 0, 0), rng.uniform(0, 0.4))
                )
    elif style == "star":
        for _ in range(5):
            x, y, s = c + rng.uniform(-150, 150), cy + rng.uniform(-100, 140), rng.uniform(50, 80)
            points = []
            for i in range(16):
                a = i * math.tau / 16
                radius = s if i % 2 == 0 else s * 0.35
                points.append((x + math.cos(a) * radius, y + math.sin(a) * radius))
            draw.polygon(points, fill=_mix(color, (0, 0, 0), rng.uniform(0, 0.25)))
    elif style in ("sack", "pack"):
        w, h = (190, 230) if style == "sack" else (150, 200)
        draw.rounded_rectangle(
            (c - w, cy - h, c + w, cy + h), radius=40, fill=_mix(color, (0, 0, 0), 0.15)
        )
        draw.rounded_rectangle(
            (c - w + 10, cy - h + 10, c + w - 10, cy + h - 10), radius=34, fill=color
        )
        draw.rectangle((c - w + 40, cy - 60, c + w - 40, cy + 80), fill=(255, 255, 255))
        draw.rectangle((c - w + 40, cy - 60, c + w - 40, cy - 30), fill=(40, 110, 60))
        draw.polygon(
            [(c - w + 20, cy - h + 10), (c, cy - h - 30), (c + w - 20, cy - h + 10)],
            fill=_mix(color, (0, 0, 0), 0.15),
        )
    elif style == "bottle":
        draw.rounded_rectangle((c - 90, cy - 90, c + 90, cy + 220), radius=30, fill=color)
        draw.rectangle((c - 35, cy - 200, c + 35, cy - 80), fill=color)
        draw.rectangle((c - 45, cy - 240, c + 45, cy - 195), fill=(60, 60, 60))
        draw.rectangle((c - 75, cy, c + 75, cy + 140), fill=(255, 255, 255))
    elif style == "leaf":
        for i in range(11):
            a = -math.pi / 2 + (i - 5) * 0.3
            _leaf(draw, c, cy + 170, 280 + rng.uniform(-40, 30), a)
        draw.ellipse((c - 140, cy - 60, c + 140, cy + 200), fill=_mix(color, (255, 255, 255), 0.2))
        for i in range(9):
            a = -math.pi / 2 + (i - 4) * 0.33
            _leaf(draw, c, cy + 150, 200, a)
    elif style == "flower":
        for fx, fy, r in (
            (c - 110, cy - 40, 95),
            (c + 110, cy - 20, 95),
            (c, cy - 130, 100),
            (c, cy + 70, 105),
        ):
            for i in range(18):
                a = i * math.tau / 18
                draw.ellipse(
                    (
                        fx + math.cos(a) * r * 0.6 - 24,
                        fy + math.sin(a) * r * 0.6 - 24,
                        fx + math.cos(a) * r * 0.6 + 24,
                        fy + math.sin(a) * r * 0.6 + 24,
                    ),
                    fill=_mix(color, (255, 255, 255), 0.15 * (i % 2)),
                )
            draw.ellipse((fx - 30, fy - 30, fx + 30, fy + 30), fill=(200, 130, 20))
    elif style == "hen":
        body = _mix(color, (0, 0, 0), 0.1)
        draw.ellipse((c - 190, cy - 60, c + 150, cy + 200), fill=body)
        draw.polygon([(c - 180, cy + 40), (c - 260, cy - 90), (c - 140, cy - 10)], fill=body)
        draw.ellipse((c + 60, cy - 170, c + 200, cy - 30), fill=body)
        draw.polygon(
            [(c + 195, cy - 110), (c + 250, cy - 95), (c + 195, cy - 80)], fill=(240, 180, 40)
        )
        for i in range(3):
            draw.ellipse(
                (c + 90 + i * 30, cy - 205, c + 130 + i * 30, cy - 160), fill=(210, 40, 40)
            )
        draw.ellipse((c + 145, cy - 125, c + 165, cy - 105), fill=(20, 20, 20))
        draw.ellipse((c - 100, cy + 10, c + 60, cy + 130), fill=_mix(color, (0, 0, 0), 0.3))
        for x in (c - 40, c + 30):
            draw.line([(x, cy + 195), (x, cy + 250)], fill=(230, 170, 40), width=10)
    elif style == "seedling":
        draw.polygon(
            [(c - 120, cy + 80), (c + 120, cy + 80), (c + 90, cy + 240), (c - 90, cy + 240)],
            fill=(40, 40, 40),
        )
        draw.line([(c, cy + 90), (c, cy - 160)], fill=(110, 84, 50), width=14)
        for i in range(6):
            side = 1 if i % 2 else -1
            _leaf(draw, c, cy - 140 + i * 40, 140, -math.pi / 2 + side * 1.0)
    elif style == "sprayer":
        draw.rounded_rectangle((c - 130, cy - 180, c + 130, cy + 200), radius=50, fill=color)
        draw.rectangle((c - 60, cy - 230, c + 60, cy - 170), fill=(50, 50, 50))
        draw.line(
            [(c + 130, cy + 120), (c + 230, cy + 80), (c + 270, cy - 120)],
            fill=(50, 50, 50),
            width=12,
        )
        draw.rectangle((c - 100, cy - 60, c + 100, cy + 60), fill=(255, 255, 255))
    else:
        _ball(draw, c, cy, 160, color)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:  # type: ignore[arg-type]
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


@cache
def draw_photo(name: str, style: str, color: tuple[int, int, int], seed: int = 0) -> bytes:
    """An illustrative square photo: a soft background, the produce drawn simply, its name."""
    rng = random.Random(f"{name}-{seed}")
    top = _mix(color, (255, 255, 255), 0.82)
    bottom = _mix(color, (255, 255, 255), 0.55)
    image = Image.new("RGB", (SIZE, SIZE), top)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):
        draw.line([(0, y), (SIZE, y)], fill=_mix(top, bottom, y / SIZE))
    shadow = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(shadow).ellipse((170, 520, 550, 590), fill=110)
    image.paste((0, 0, 0), mask=shadow.filter(ImageFilter.GaussianBlur(18)).point(lambda v: v // 2))
    _draw_subject(ImageDraw.Draw(image), style, color, rng)
    band = Image.new("RGBA", (SIZE, 130), (255, 255, 255, 215))
    image.paste(band, (0, SIZE - 130), band)
    draw = ImageDraw.Draw(image)
    font = _font(40)
    lines = _wrap(draw, name, font, SIZE - 60)[:2]
    y = SIZE - 130 + (130 - 46 * len(lines)) // 2
    for line in lines:
        width = draw.textlength(line, font=font)  # type: ignore[arg-type]
        draw.text(((SIZE - width) / 2, y), line, font=font, fill=(32, 48, 36))
        y += 46
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=86)
    return buffer.getvalue()


def _upload(item: Item) -> SimpleUploadedFile:
    data = draw_photo(item.name, item.style, item.color)
    return SimpleUploadedFile("anh.jpg", data, content_type="image/jpeg")


# --- Seeding ------------------------------------------------------------------------------------


def _season_dates(season: tuple[int, int] | None, today: dt.date) -> tuple[dt.date | None, ...]:
    """This year's harvest window holding today, or the next one."""
    if season is None:
        return None, None
    start_md, end_md = season

    def window(year: int) -> tuple[dt.date, dt.date]:
        start = dt.date(year, start_md // 100, start_md % 100)
        end_year = year if end_md >= start_md else year + 1
        return start, dt.date(end_year, end_md // 100, end_md % 100)

    for year in (today.year - 1, today.year, today.year + 1):
        start, end = window(year)
        if end >= today:
            return start, end
    return window(today.year + 1)


def _operator_for(marketplace: Marketplace, index: int) -> User:
    found = User.objects.filter(
        role=Role.MARKETPLACE_OPERATOR, marketplace=marketplace, is_active=True
    ).first()
    if found is not None:
        return found
    return accounts_services.user_create(
        phone=f"0917{index:06d}",
        full_name=f"Kiểm duyệt {marketplace.name}",
        password=DEMO_PASSWORD,
        role=Role.MARKETPLACE_OPERATOR,
        marketplace=marketplace,
    )


def _price(rng: random.Random, low: int, high: int) -> int:
    step = 1_000 if high < 1_000_000 else 50_000
    return rng.randrange(low // step, high // step + 1) * step


def _add_product(
    *,
    rng: random.Random,
    actor: User,
    shop: Shop,
    item: Item,
    operator: User,
    today: dt.date,
    household: Household | None = None,
    certifications: Sequence[Certification] = (),
) -> Product:
    available_from, available_to = _season_dates(item.season, today)
    upcoming = available_from is not None and available_from > today
    by_weight = item.unit == Product.Unit.KG
    stock = rng.randint(*item.stock)
    product = services.product_create(
        actor=actor,
        shop=shop,
        name=item.name,
        category=Category.objects.get(slug=item.category),
        price=_price(rng, *item.price),
        unit=item.unit,
        unit_weight_kg=Decimal(item.unit_weight_kg) if item.unit_weight_kg else None,
        stock=0 if upcoming else stock,
        description=item.description,
        household=household,
        min_order=Decimal(2 if by_weight and item.price[1] < 60_000 else 1),
        available_from=available_from,
        available_to=available_to,
        preorder_enabled=upcoming,
        expected_yield=Decimal(stock * 3) if upcoming else None,
        registration_number=item.registration,
        certifications=[
            c
            for c in certifications
            if c.kind != Certification.Kind.OCOP or item.ocop_stars is not None
        ],
        photo=_upload(item),
        submit=True,
    )
    roll = rng.random()
    if roll < 0.82:
        product = services.product_transition(actor=operator, product=product, to=Status.PUBLISHED)
        if roll < 0.03:
            product = services.product_transition(
                actor=operator,
                product=product,
                to=Status.HIDDEN,
                reason="Ảnh chưa đúng sản phẩm thật; vui lòng chụp lại tại vườn.",
            )
    elif roll < 0.9:
        product = services.product_transition(
            actor=operator,
            product=product,
            to=Status.DRAFT,
            reason="Cần ghi rõ quy cách đóng gói và khối lượng mỗi thùng.",
        )
    return product


def _certify(
    *, rng: random.Random, household: Household, agent: User | None, items: Sequence[Item]
) -> list[Certification]:
    """Give about a third of the households a VietGAP certificate, and OCOP producers theirs."""
    existing = list(Certification.objects.filter(household=household))
    if existing or agent is None:
        return existing
    made = []
    year = timezone.localdate().year
    if rng.random() < 0.35:
        made.append(
            households_services.certification_add(
                actor=agent,
                household=household,
                kind=Certification.Kind.VIETGAP,
                number=f"VietGAP-TT-{rng.randint(10, 99)}-{rng.randint(1, 99):02d}-"
                f"{rng.randint(1000, 9999)}",
                issuer="Trung tâm Chứng nhận VietGAP",
                valid_until=dt.date(year + rng.randint(1, 2), rng.randint(1, 12), 1),
            )
        )
    stars = max((item.ocop_stars or 0) for item in items)
    if stars:
        made.append(
            households_services.certification_add(
                actor=agent,
                household=household,
                kind=Certification.Kind.OCOP,
                number=f"OCOP-{year - 1}-{rng.randint(100, 999)}",
                issuer="UBND tỉnh",
                ocop_stars=stars,
                valid_until=dt.date(year + 2, 12, 31),
            )
        )
    return made


def _shop_name(rng: random.Random, household: Household, item: Item) -> str:
    parts = household.head_name.split()
    template = rng.choice(SHOP_NAMES)
    return template.format(given=parts[-1], name=household.head_name, produce=item.name.split()[0])


def _story(rng: random.Random, household: Household) -> str:
    return rng.choice(STORIES).format(
        name=household.head_name,
        commune=household.commune.name,
        province=household.commune.province.name,
        years=rng.randint(5, 30),
    )


def catalog_demo_seed(
    *,
    rng: random.Random,
    households: Sequence[Household],
    marketplaces: Sequence[Marketplace],
) -> dict[str, int]:
    """Shops and products for the demo households, a cooperative's shop, input suppliers' shops.

    A household gets a shop if the household demo recorded it opening one (on that marketplace),
    or if it logs in itself (the demo household account); products come from its province.
    """
    today = timezone.localdate()
    hosted = [m for m in marketplaces if m.is_hosted and m.is_active]
    if not hosted:
        return {"shops": 0, "products": 0}
    operators = {m.pk: _operator_for(m, i + 1) for i, m in enumerate(hosted)}
    counts = {"shops": 0, "products": 0, "published": 0, "input_products": 0}

    def count(product: Product) -> None:
        counts["products"] += 1
        counts["published"] += product.status == Status.PUBLISHED

    households = list(
        Household.objects.filter(pk__in=[h.pk for h in households])
        .select_related("commune__province", "user", "registered_by")
        .order_by("pk")
    )
    opened = {
        m.household_id: m.marketplace_id
        for m in Milestone.objects.filter(
            household__in=[h.pk for h in households],
            kind=Milestone.Kind.SHOP_OPENED,
            marketplace__in=[m.pk for m in hosted],
        )
    }
    with_shop = set(
        Shop.objects.filter(household__in=[h.pk for h in households]).values_list(
            "household_id", flat=True
        )
    )
    by_pk = {m.pk: m for m in hosted}
    for household in households:
        items = PRODUCE.get(household.commune.province.short_name)
        if not items or household.pk in with_shop:
            continue
        logs_in = household.user is not None and household.user.has_usable_password()
        if household.pk not in opened and not logs_in:
            continue
        marketplace = by_pk.get(opened.get(household.pk, hosted[0].pk), hosted[0])
        actor = household.user if household.user_id else household.registered_by
        if actor is None:
            continue
        chosen = rng.sample(items, k=min(len(items), rng.choice((1, 1, 2, 2, 3))))
        if logs_in:
            chosen = list(items)  # the household that logs in to the demo sells everything
        try:
            shop = services.shop_open(
                actor=actor,
                marketplace=marketplace,
                name=_shop_name(rng, household, chosen[0]),
                story=_story(rng, household),
                household=household,
            )
        except ApplicationError:
            continue
        counts["shops"] += 1
        certifications = _certify(
            rng=rng, household=household, agent=household.registered_by, items=chosen
        )
        for item in chosen:
            count(
                _add_product(
                    rng=rng,
                    actor=actor,
                    shop=shop,
                    item=item,
                    operator=operators[marketplace.pk],
                    today=today,
                    certifications=certifications,
                )
            )
    counts["shops"] += _cooperative_seed(
        rng=rng,
        households=households,
        marketplace=hosted[0],
        operator=operators[hosted[0].pk],
        today=today,
        count=count,
    )
    for phone, full_name, shop_name, province_name in SUPPLIERS:
        supplier = User.objects.filter(phone="+84" + phone[1:]).first()
        if supplier is None:
            supplier = accounts_services.user_create(
                phone=phone, full_name=full_name, password=DEMO_PASSWORD, role=Role.INPUT_SUPPLIER
            )
        if supplier.role != Role.INPUT_SUPPLIER or Shop.objects.filter(supplier=supplier).exists():
            continue
        commune = (
            Commune.objects.filter(province__short_name=province_name).order_by("code").first()
        )
        if commune is None:
            continue
        shop = services.shop_open(
            actor=supplier,
            marketplace=hosted[0],
            name=shop_name,
            story="Cung cấp vật tư chính hãng, có hóa đơn; giá ưu đãi cho hộ sản xuất đã xác minh.",
            commune=commune,
        )
        counts["shops"] += 1
        for item in rng.sample(INPUTS, k=5):
            product = _add_product(
                rng=rng,
                actor=supplier,
                shop=shop,
                item=item,
                operator=operators[hosted[0].pk],
                today=today,
            )
            count(product)
            counts["input_products"] += 1
    _views_seed(rng=rng, today=today)
    return counts


def _cooperative_seed(
    *,
    rng: random.Random,
    households: Sequence[Household],
    marketplace: Marketplace,
    operator: User,
    today: dt.date,
    count: Callable[[Product], None],
) -> int:
    """A cooperative in Chi Lăng whose shop lists na from three member households."""
    members = [
        h
        for h in households
        if h.commune.province.short_name == "Lạng Sơn" and h.registered_by is not None
    ][:3]
    if len(members) < 3 or Cooperative.objects.filter(name="HTX Nông sản Chi Lăng").exists():
        return 0
    agent = members[0].registered_by
    if agent is None:
        return 0
    try:
        cooperative = households_services.cooperative_create(
            actor=agent,
            name="HTX Nông sản Chi Lăng",
            commune=members[0].commune,
            representative_name=members[0].head_name,
        )
        for member in members:
            households_services.household_update(
                actor=agent, household=member, cooperative=cooperative
            )
        shop = services.shop_open(
            actor=agent,
            marketplace=marketplace,
            name="HTX Nông sản Chi Lăng",
            story="Hợp tác xã của các hộ trồng na Chi Lăng: cùng tiêu chuẩn, cùng đóng gói; "
            "mỗi lô ghi rõ hộ thành viên cung cấp.",
            cooperative=cooperative,
        )
    except ApplicationError:
        return 0
    na, star_anise, _persimmon = PRODUCE["Lạng Sơn"]
    for member, item in zip(members, (na, na, star_anise), strict=True):
        named = dataclasses.replace(item, name=f"{item.name} – hộ {member.head_name}")
        count(
            _add_product(
                rng=rng,
                actor=agent,
                shop=shop,
                item=named,
                operator=operator,
                today=today,
                household=member,
            )
        )
    return 1


def _views_seed(*, rng: random.Random, today: dt.date) -> None:
    """Some page views over the last two weeks for the products of the demo household account."""
    products = Product.objects.filter(
        is_listed=True, shop__household__user__phone="+84912000004"
    ).order_by("pk")
    for product in products:
        for days_ago in range(14):
            for _ in range(rng.randint(0, 6)):
                services.product_view_record(
                    product=product, day=today - dt.timedelta(days=days_ago)
                )
