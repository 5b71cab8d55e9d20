"""Demo places: commune post offices, shops with a stall on the map, markets, digital addresses
for everyone, the sales points synced, and the Ministry's first handovers."""

import random

from django.db.models import Count

from nongsan.accounts.models import Role, User
from nongsan.catalog.models import Shop
from nongsan.geo.models import AddressHandover, Commune, DigitalAddress, Province, SalesPoint
from nongsan.orders import services as orders_services
from nongsan.orgs.models import Carrier, PostOffice
from nongsan.places import services

MARKETS = (
    ("Lạng Sơn", "Chợ Đông Kinh", "Phường Đông Kinh"),
    ("Lạng Sơn", "Chợ Kỳ Lừa", "Phường Kỳ Lừa"),
    ("Lạng Sơn", "Chợ Đồng Mỏ", "Xã Chi Lăng"),
    ("Hà Nội", "Chợ Long Biên", "Phường Hồng Hà"),
    ("Hồ Chí Minh", "Chợ Bình Điền", "Phường Bình Đông"),
)


def _commune(province: str, name: str) -> Commune | None:
    return Commune.objects.filter(province__short_name=province, name=name).first()


def places_demo_seed(*, rng: random.Random) -> dict[str, int]:
    """Once (the markets mark it): post offices, stalls, markets, addresses, points, handovers."""
    if SalesPoint.objects.filter(kind=SalesPoint.Kind.MARKET).exists():
        return {}
    vnpost = Carrier.objects.filter(code="vnpost").first()
    offices = 0
    if vnpost is not None:
        communes = Commune.objects.filter(province__short_name="Lạng Sơn").order_by("code")[:12]
        for commune in communes:
            _office, made = PostOffice.objects.get_or_create(
                code=f"BĐVHX-{commune.code}",
                defaults={
                    "name": f"Bưu điện văn hóa {commune.name}",
                    "carrier": vnpost,
                    "commune": commune,
                    "address": f"Trung tâm {commune.name}",
                    "opening_hours": "T2–T7 7:00–17:00",
                    "latitude": commune.latitude + rng.uniform(-0.004, 0.004),
                    "longitude": commune.longitude + rng.uniform(-0.004, 0.004),
                },
            )
            offices += made
    stalls = 0
    for shop in Shop.objects.filter(household__isnull=False).order_by("pk")[:25]:
        seller = orders_services.seller_user(shop)
        if seller is None:
            continue
        services.shop_place_set(
            actor=seller,  # type: ignore[arg-type]
            shop=shop,
            street=f"Quầy {rng.randint(1, 40)}, trung tâm {shop.commune.name}",
            latitude=shop.commune.latitude + rng.uniform(-0.01, 0.01),
            longitude=shop.commune.longitude + rng.uniform(-0.01, 0.01),
            opening_hours=rng.choice(("6:00–18:00", "7:00–20:00", "5:30–11:00, 14:00–18:00")),
        )
        stalls += 1
    official = User.objects.filter(role=Role.MINISTRY_OFFICIAL, is_active=True).first()
    markets = 0
    for province, name, commune_name in MARKETS:
        commune = (
            _commune(province, commune_name)
            or Commune.objects.filter(province__short_name=province).order_by("code").first()
        )
        if commune is None or official is None:
            continue
        services.market_create(
            actor=official,
            name=name,
            commune=commune,
            address=commune.name,
            opening_hours="5:00–19:00",
            latitude=commune.latitude + rng.uniform(-0.005, 0.005),
            longitude=commune.longitude + rng.uniform(-0.005, 0.005),
        )
        markets += 1
    assigned = services.digital_addresses_assign(limit=20_000)
    synced = services.sales_points_sync()
    handed = 0
    if official is not None and not AddressHandover.objects.exists():
        # The two provinces with the most addresses get their first batch.
        busiest = (
            DigitalAddress.objects.filter(handover__isnull=True)
            .values("commune__province")
            .annotate(n=Count("pk"))
            .order_by("-n", "commune__province")[:2]
        )
        for row in busiest:
            services.handover_record(
                actor=official,
                province=Province.objects.get(pk=row["commune__province"]),
                note="Đợt bàn giao đầu tiên",
            )
            handed += 1
    return {
        "post_offices": offices,
        "shop_stalls": stalls,
        "markets": markets,
        **{f"digital_addresses_{k}": v for k, v in assigned.items()},
        "sales_points": sum(v for k, v in synced.items() if k != "closed") + markets,
        "handovers": handed,
    }
