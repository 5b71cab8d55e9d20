"""Catalog search at national scale: a buyer's queries, typed without diacritics, with filters.

Generates products with realistic Vietnamese names (produce x grade x origin, descriptions, shops
across the 34 provinces), 95% of them listed, with their search postings, then times
`catalog.selectors.search_page` (what the search page and the API run: a ranked page of 24) and,
on the same data, a plain ILIKE search paged the way Django's Paginator pages a list.
"""

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

TITLE = "Catalog search (catalog.search_page)"

PG_PRODUCTS = 1_000_000
SQLITE_PRODUCTS = 100_000
SHOPS_PER_PROVINCE = 600
ROUNDS = 15

# (name, category slug, unit, (low, high) price in đồng, season (MMDD, MMDD) or None)
BASES: tuple[tuple[str, str, str, tuple[int, int], tuple[int, int] | None], ...] = (
    ("Vải thiều Lục Ngạn", "vai-nhan-chom-chom", "kg", (30_000, 70_000), (525, 731)),
    ("Vải thiều Thanh Hà", "vai-nhan-chom-chom", "kg", (30_000, 60_000), (520, 715)),
    ("Nhãn lồng Hưng Yên", "vai-nhan-chom-chom", "kg", (40_000, 80_000), (715, 831)),
    ("Chôm chôm Java", "vai-nhan-chom-chom", "kg", (20_000, 45_000), (501, 731)),
    ("Na Chi Lăng", "na-mit-sau-rieng", "kg", (50_000, 95_000), (801, 930)),
    ("Mãng cầu xiêm", "na-mit-sau-rieng", "kg", (30_000, 60_000), None),
    ("Sầu riêng Ri6", "na-mit-sau-rieng", "kg", (70_000, 140_000), (715, 1015)),
    ("Sầu riêng Monthong", "na-mit-sau-rieng", "kg", (80_000, 160_000), (715, 1015)),
    ("Mít Thái", "na-mit-sau-rieng", "kg", (15_000, 35_000), None),
    ("Măng cụt Lái Thiêu", "na-mit-sau-rieng", "kg", (40_000, 90_000), (501, 731)),
    ("Bơ 034", "xoai-bo-chuoi", "kg", (35_000, 70_000), (601, 930)),
    ("Bơ sáp Đắk Lắk", "xoai-bo-chuoi", "kg", (25_000, 50_000), (601, 930)),
    ("Xoài cát Hòa Lộc", "xoai-bo-chuoi", "kg", (50_000, 90_000), (301, 630)),
    ("Xoài tròn Yên Châu", "xoai-bo-chuoi", "kg", (30_000, 55_000), (501, 630)),
    ("Chuối tiêu hồng", "xoai-bo-chuoi", "kg", (15_000, 30_000), None),
    ("Đu đủ ruột đỏ", "xoai-bo-chuoi", "kg", (15_000, 30_000), None),
    ("Hồng giòn Mộc Châu", "xoai-bo-chuoi", "kg", (30_000, 60_000), (915, 1031)),
    ("Bưởi da xanh", "cam-buoi-quyt", "kg", (35_000, 70_000), None),
    ("Bưởi Năm Roi", "cam-buoi-quyt", "kg", (25_000, 45_000), (801, 131)),
    ("Cam sành Hà Giang", "cam-buoi-quyt", "kg", (20_000, 40_000), (1101, 228)),
    ("Quýt hồng Lai Vung", "cam-buoi-quyt", "kg", (40_000, 80_000), (1201, 215)),
    ("Chanh không hạt", "cam-buoi-quyt", "kg", (15_000, 35_000), None),
    ("Khóm Cầu Đúc", "dua-thanh-long", "fruit", (10_000, 25_000), None),
    ("Dứa Đồng Giao", "dua-thanh-long", "fruit", (10_000, 22_000), (401, 731)),
    ("Thanh long ruột đỏ", "dua-thanh-long", "kg", (20_000, 45_000), None),
    ("Dưa hấu Long An", "dua-thanh-long", "kg", (8_000, 18_000), None),
    ("Dâu tây Đà Lạt", "man-dao-dau", "box", (80_000, 150_000), (1201, 430)),
    ("Mận hậu Mộc Châu", "man-dao-dau", "kg", (30_000, 55_000), (520, 715)),
    ("Rau muống", "rau-an-la", "bunch", (8_000, 15_000), None),
    ("Cải ngọt hữu cơ", "rau-an-la", "kg", (25_000, 45_000), None),
    ("Xà lách thủy canh", "rau-an-la", "kg", (40_000, 75_000), None),
    ("Bắp cải Đà Lạt", "rau-an-la", "kg", (12_000, 25_000), None),
    ("Cà chua bi", "cu-qua", "kg", (25_000, 50_000), None),
    ("Khoai lang tím Nhật", "cu-qua", "kg", (20_000, 40_000), None),
    ("Hành tím Vĩnh Châu", "cu-qua", "kg", (30_000, 55_000), (1201, 331)),
    ("Tỏi Lý Sơn", "cu-qua", "kg", (120_000, 250_000), None),
    ("Gừng sẻ", "cu-qua", "kg", (30_000, 60_000), None),
    ("Nấm hương rừng", "nam", "kg", (250_000, 450_000), None),
    ("Gạo ST25", "gao", "bag", (150_000, 230_000), None),
    ("Gạo tám thơm Hải Hậu", "gao", "bag", (90_000, 150_000), None),
    ("Gạo nếp cái hoa vàng", "gao", "bag", (100_000, 170_000), None),
    ("Ngô nếp", "ngo-khoai-san", "kg", (15_000, 30_000), None),
    ("Bắp Mỹ", "ngo-khoai-san", "kg", (15_000, 30_000), None),
    ("Đậu phộng rang", "dau-lac-vung", "kg", (70_000, 120_000), None),
    ("Lạc đỏ Nghệ An", "dau-lac-vung", "kg", (60_000, 100_000), None),
    ("Cà phê Robusta", "ca-phe", "pack", (90_000, 180_000), None),
    ("Cà phê Arabica Cầu Đất", "ca-phe", "pack", (160_000, 300_000), None),
    ("Chè Thái Nguyên", "che", "pack", (150_000, 400_000), None),
    ("Chè Shan tuyết", "che", "pack", (200_000, 500_000), None),
    ("Hồ tiêu đen", "tieu-gia-vi", "kg", (120_000, 180_000), None),
    ("Hoa hồi khô", "tieu-gia-vi", "kg", (120_000, 190_000), None),
    ("Hạt điều rang muối", "hat-dieu-mac-ca", "pack", (180_000, 300_000), None),
    ("Mắc ca nứt vỏ", "hat-dieu-mac-ca", "pack", (150_000, 260_000), None),
    ("Tôm sú", "tom-cua", "kg", (250_000, 450_000), None),
    ("Cua biển Cà Mau", "tom-cua", "kg", (350_000, 650_000), None),
    ("Cá tra fillet", "ca", "kg", (60_000, 110_000), None),
    ("Cá rô đồng", "ca", "kg", (60_000, 120_000), None),
    ("Gà ta thả vườn", "gia-cam", "head", (200_000, 350_000), None),
    ("Gà Đông Tảo", "gia-cam", "head", (1_000_000, 2_000_000), None),
    ("Thịt heo sạch", "thit", "kg", (120_000, 180_000), None),
    ("Trứng gà ta", "trung", "box", (35_000, 60_000), None),
    ("Mật ong rừng", "mat-ong", "bottle", (200_000, 450_000), None),
    ("Nước mắm Phú Quốc", "nuoc-mam-gia-vi", "bottle", (80_000, 180_000), None),
    ("Mứt gừng", "banh-keo", "pack", (50_000, 90_000), None),
    ("Mỳ Chũ", "dac-san-kho", "pack", (30_000, 45_000), None),
    ("Hoa cúc Đà Lạt", "hoa-tuoi", "bunch", (50_000, 100_000), None),
    ("Phân bón NPK 16-16-8", "phan-vo-co", "bag", (450_000, 580_000), None),
    ("Phân hữu cơ vi sinh", "phan-huu-co", "bag", (150_000, 230_000), None),
    ("Hạt giống cải xanh", "hat-giong", "pack", (10_000, 25_000), None),
    ("Thuốc trừ sâu sinh học", "thuoc-bvtv", "bottle", (35_000, 70_000), None),
)
GRADES = (
    "",
    "",
    "loại 1",
    "loại đặc biệt",
    "hữu cơ",
    "VietGAP",
    "tươi",
    "nhà vườn",
    "chín cây",
    "giá sỉ",
    "hộp quà",
    "túi 1 kg",
    "thùng 5 kg",
    "sấy khô",
)
DESCRIPTIONS = (
    "Hàng tuyển tại vườn, đóng gói cẩn thận, giao nhanh trong ngày qua bưu điện.",
    "Sản xuất theo quy trình an toàn, có nhật ký canh tác và tem truy xuất nguồn gốc.",
    "Thu hoạch khi chín tới, giữ nguyên hương vị; bảo quản nơi thoáng mát.",
    "Gia đình trồng nhiều năm, cam kết đổi trả nếu hàng hư hỏng khi nhận.",
    "Phù hợp làm quà biếu, đóng hộp đẹp, có hóa đơn cho khách doanh nghiệp.",
    "Giá tốt cho khách mua sỉ; nhận đặt trước theo mùa vụ.",
)
SHOP_PREFIXES = ("Vườn nhà", "Nhà vườn", "Trang trại", "HTX", "Nông sản")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Nông", "Lò", "Thạch")
GIVEN = ("Hùng", "Mai", "Lan", "Sơn", "Hoa", "Tuấn", "Hương", "Bình", "Yến", "Phúc", "Thảo")

# What buyers type: no diacritics, with and without filters (filled in with ids at run time).
QUERIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("vai thieu", {}),
    ("vai thieu luc ngan", {}),
    ("na chi lang", {}),
    ("mang cau", {}),
    ("gao st25", {}),
    ("gao", {"sort": "gia-tang"}),
    ("ca phe", {}),
    ("ca phe arabica", {"price_max": 250_000}),
    ("sau rieng ri6", {}),
    ("sau rieng", {"province": "66"}),
    ("bo 034", {}),
    ("xoai cat hoa loc", {}),
    ("xoai", {"in_season": True}),
    ("thom", {}),
    ("dau phong", {}),
    ("bap", {}),
    ("du du", {}),
    ("buoi da xanh", {"price_min": 40_000}),
    ("nuoc mam phu quoc", {}),
    ("mat ong rung", {}),
    ("tom su", {"province": "96"}),
    ("ga ta", {}),
    ("huu co", {"category": "rau-an-la"}),
    ("phan bon npk", {}),
    ("trai cay", {}),
    ("", {"category": "trai-cay"}),
    ("", {"province": "20"}),
    ("", {"in_season": True, "category": "trai-cay"}),
)


def _percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _setup(engine: str, total: int) -> dict[str, Any]:
    """Reference data, shops and `total` products, written in bulk (not through the services:
    this measures search, and the services' per-product checks would take hours)."""
    from django.db import transaction
    from django.utils import timezone

    from nongsan.accounts.models import Role, User
    from nongsan.catalog.models import Category, Product, Shop
    from nongsan.core.text import fold
    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune
    from nongsan.households.models import Household
    from nongsan.orgs.models import Marketplace

    units_load()
    rng = random.Random(1034)
    now = timezone.now()
    marketplaces = [
        Marketplace.objects.get_or_create(
            code=code, defaults={"name": name, "operator_name": name}
        )[0]
        for code, name in (("postmart", "Postmart"), ("voso", "Vỏ Sò"))
    ]
    registrar = User.objects.create(
        phone="+84912999999", full_name="Bench", role=Role.MINISTRY_OFFICIAL
    )
    communes_by_province: dict[int, list[Commune]] = {}
    for commune in Commune.objects.select_related("province").order_by("code"):
        communes_by_province.setdefault(commune.province_id, []).append(commune)
    households, shops_spec = [], []
    serial = 0
    for communes in communes_by_province.values():
        for _ in range(SHOPS_PER_PROVINCE):
            serial += 1
            commune = rng.choice(communes)
            head = f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}"
            households.append(
                Household(
                    head_name=head,
                    head_name_key=fold(head),
                    head_cccd=f"0010{serial:08d}",
                    head_gender="male",
                    commune=commune,
                    registered_by=registrar,
                    created_at=now,
                    updated_at=now,
                )
            )
            shops_spec.append((commune, head))
    with transaction.atomic():
        Household.objects.bulk_create(households, batch_size=5000)
    households = list(Household.objects.order_by("pk"))
    shops = []
    for index, (household, (commune, head)) in enumerate(zip(households, shops_spec, strict=True)):
        name = f"{rng.choice(SHOP_PREFIXES)} {head}"
        shops.append(
            Shop(
                marketplace=marketplaces[index % 2],
                owner_kind=Shop.OwnerKind.HOUSEHOLD,
                household=household,
                name=name,
                slug=f"gian-hang-{index}",
                commune=commune,
                created_at=now,
                updated_at=now,
            )
        )
    with transaction.atomic():
        Shop.objects.bulk_create(shops, batch_size=5000)
    shops = list(Shop.objects.select_related("commune__province").order_by("pk"))
    categories = {
        slug: (pk, parent, kind)
        for slug, pk, parent, kind in Category.objects.values_list(
            "slug", "pk", "parent_id", "kind"
        )
    }
    started = time.perf_counter()
    products, postings = _rows(total=total, rng=rng, shops=shops, categories=categories, now=now)
    if engine == "postgresql":
        _copy_postgresql(products=products, postings=postings)
    else:
        _insert_sqlite(products=products, postings=postings)
    load_seconds = time.perf_counter() - started
    from nongsan.catalog.models import ProductWord

    return {
        "load_seconds": load_seconds,
        "listed": Product.objects.filter(is_listed=True).count(),
        "total": Product.objects.count(),
        "postings": ProductWord.objects.count(),
        "shops": len(shops),
    }


PRODUCT_COLUMNS = [
    "id", "shop_id", "marketplace_id", "household_id", "category_id", "name", "description",
    "unit", "unit_weight_kg", "price", "stock", "min_order", "order_step", "available_from",
    "available_to", "season_start", "season_end", "preorder_enabled", "expected_yield",
    "preordered", "shelf_life_hours", "ocop_stars", "registration_number", "origin_commune_id",
    "origin_province_id", "status", "status_reason", "is_listed", "published_at", "order_count",
    "rating_count", "rating_sum", "created_by_id", "created_at", "updated_at",
]  # fmt: skip
POSTING_COLUMNS = ["word", "field", "product_id"]


def _rows(
    *,
    total: int,
    rng: random.Random,
    shops: Sequence[Any],
    categories: dict[str, tuple[int, int | None, str]],
    now: dt.datetime,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Product rows and their postings, as the services would write them (same tokens)."""
    from nongsan.catalog import search

    names = {
        (b, g): f"{BASES[b][0]} {GRADES[g]}".strip()
        for b in range(len(BASES))
        for g in range(len(GRADES))
    }
    tokens_cache: dict[tuple[Any, ...], dict[str, int]] = {}
    year = now.year
    products, postings = [], []
    for pk in range(1, total + 1):
        b, g = rng.randrange(len(BASES)), rng.randrange(len(GRADES))
        _name, slug, unit, (low, high), season = BASES[b]
        d = rng.randrange(len(DESCRIPTIONS))
        shop = shops[rng.randrange(len(shops))]
        roll = rng.random()
        status = "published" if roll < 0.95 else ("hidden" if roll < 0.97 else "pending")
        listed = status == "published"
        ocop = 4 if rng.random() < 0.03 else None
        category_id, parent_id, kind = categories[slug]
        start, end = season if season else (None, None)
        available_from = available_to = None
        if start and end:
            available_from = dt.date(year, start // 100, start % 100)
            available_to = dt.date(year if end >= start else year + 1, end // 100, end % 100)
        price = rng.randrange(low // 1000, high // 1000 + 1) * 1000
        weight, step = (None, 0.5) if unit == "kg" else (1, 1)
        origin = (shop.commune_id, shop.commune.province_id)
        identity = (pk, shop.pk, shop.marketplace_id, shop.household_id, category_id)
        offer = (names[(b, g)], DESCRIPTIONS[d], unit, weight, price, rng.randint(0, 500), 1, step)
        season_etc = (available_from, available_to, start, end, False, None, 0, 72, ocop, "")
        state = (status, "", listed, now if listed else None, 0, 0, 0, None, now, now)
        products.append((*identity, *offer, *season_etc, *origin, *state))
        if not listed:
            continue
        signature = (b, g, shop.pk, d, ocop)
        tokens = tokens_cache.get(signature)
        if tokens is None:
            tokens = search.posting_tokens(
                name=names[(b, g)],
                origin=(shop.commune.short_name, shop.commune.province.short_name),
                other=(shop.name, DESCRIPTIONS[d]),
                category_ids=[category_id] + ([parent_id] if parent_id else []),
                province_id=shop.commune.province_id,
                season=season,
                ocop_stars=ocop,
                marketplace_id=shop.marketplace_id,
                kind=kind,
                shop_id=shop.pk,
            )
            tokens_cache[signature] = tokens
        postings += [(word, field, pk) for word, field in tokens.items()]
    return products, postings


def _copy_postgresql(*, products: Sequence[tuple[Any, ...]], postings: Sequence[tuple]) -> None:
    """COPY both tables, building their indexes afterwards (as a bulk load does)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'catalog_productword'::regclass"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalog_productword' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE catalog_productword DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        raw = cursor.cursor
        with raw.copy(f"COPY catalog_product ({', '.join(PRODUCT_COLUMNS)}) FROM STDIN") as copy:
            for row in products:
                copy.write_row(row)
        with raw.copy(
            f"COPY catalog_productword ({', '.join(POSTING_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in postings:
                copy.write_row(row)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('catalog_product', 'id'), "
            "(SELECT max(id) FROM catalog_product))"
        )
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE catalog_productword ADD CONSTRAINT {name} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE catalog_product")
        cursor.execute("VACUUM ANALYZE catalog_productword")


def _insert_sqlite(*, products: Sequence[tuple[Any, ...]], postings: Sequence[tuple]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in (
            ("catalog_product", PRODUCT_COLUMNS, products),
            ("catalog_productword", POSTING_COLUMNS, postings),
        ):
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            for first in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[first : first + 5000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _filters(query: str, options: dict[str, Any]) -> Any:
    from nongsan.catalog import selectors
    from nongsan.catalog.models import Category
    from nongsan.geo.models import Province

    values = dict(options)
    if "category" in values:
        values["category"] = Category.objects.get(slug=values["category"])
    if "province" in values:
        values["province"] = Province.objects.get(code=values["province"])
    return selectors.ProductFilters(query=query, **values)


def _ilike_scan(filters: Any) -> Callable[[], Any]:
    """The naive search: each word by ILIKE on the name or the description, with the same
    filters, paged the way Django's Paginator pages a list (count the matches, then read the
    newest 24). It does not rank, and it misses every name written with diacritics when the
    buyer types without them; it is here for its cost."""
    from django.db.models import Q

    from nongsan.catalog import selectors
    from nongsan.catalog.models import Product

    def run() -> Any:
        products = Product.objects.filter(is_listed=True)
        for word in filters.query.split():
            products = products.filter(Q(name__icontains=word) | Q(description__icontains=word))
        if filters.category is not None:
            node = selectors.category_tree().by_id[filters.category.pk]
            products = products.filter(category_id__in=node.subtree_ids)
        if filters.province is not None:
            products = products.filter(origin_province=filters.province)
        if filters.price_min is not None:
            products = products.filter(price__gte=filters.price_min)
        if filters.price_max is not None:
            products = products.filter(price__lte=filters.price_max)
        if filters.in_season:
            products = products.filter(selectors.in_season_condition(dt.date.today()))
        count = products.count()
        return count, list(products.order_by("-pk").values_list("pk", flat=True)[:24])

    return run


def _time(call: Callable[[], Any], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(*, engine: str) -> list[tuple[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nongsan.catalog import selectors

    total = PG_PRODUCTS if engine == "postgresql" else SQLITE_PRODUCTS
    made = _setup(engine, total)
    prepared = [(query, _filters(query, options)) for query, options in QUERIES]
    for _query, filters in prepared:  # warm caches (categories, synonyms, pages)
        selectors.search_page(filters=filters)
    ours: list[float] = []
    scans: list[float] = []
    per_query: list[tuple[float, str]] = []
    statements = 0
    for query, filters in prepared:
        with CaptureQueriesContext(connection) as captured:
            selectors.search_page(filters=filters)
        statements = max(statements, len(captured))
        samples = _time(lambda f=filters: selectors.search_page(filters=f), ROUNDS)
        ours += samples
        per_query.append((_percentile(samples, 0.95), query or "(no words)"))
        scans += _time(_ilike_scan(filters), max(3, ROUNDS // 5))
    per_query.sort(reverse=True)
    slowest = ", ".join(f"“{q}” {ms:.1f} ms" for ms, q in per_query[:3])
    size = f"{made['total']:,} products, {made['postings']:,} postings" + (
        "" if engine == "postgresql" else " (SQLite runs a tenth of the PostgreSQL size)"
    )
    rows = [
        ("data", f"{size}, {made['listed']:,} listed, {made['shops']:,} shops"),
        ("products written in", f"{made['load_seconds']:.0f} s"),
        (
            "queries",
            f"{len(QUERIES)} (typed without diacritics; synonyms, filters, sorting) "
            f"x {ROUNDS} rounds",
        ),
        ("SQL statements per search page (max)", str(statements)),
        ("search p50", f"{statistics.median(ours):.1f} ms"),
        ("search p95 (target < 50 ms on PostgreSQL)", f"{_percentile(ours, 0.95):.1f} ms"),
        ("slowest queries (p95)", slowest),
        ("plain ILIKE search, counted and paged: p50", f"{statistics.median(scans):.1f} ms"),
        ("plain ILIKE search, counted and paged: p95", f"{_percentile(scans, 0.95):.1f} ms"),
    ]
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('catalog_productword')), "
                "pg_size_pretty(pg_total_relation_size('catalog_product'))"
            )
            postings_size, products_size = cursor.fetchone()
        rows.append(
            ("size: postings (table and indexes) / products", f"{postings_size} / {products_size}")
        )
    return rows
