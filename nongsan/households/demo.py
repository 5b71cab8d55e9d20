"""Demo households in provinces known for their produce, at every step of the funnel."""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from nongsan.accounts.models import User
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune, Province
from nongsan.households import services
from nongsan.households.models import Household, Milestone, ProduceKind
from nongsan.orgs.models import Marketplace


@dataclass(frozen=True)
class ProduceRegion:
    province: str  # current province short name
    birth_code: str  # a CCCD place-of-birth code of the old province
    produce: tuple[str, ...]
    villages: tuple[str, ...]


REGIONS = (
    ProduceRegion(
        "Lạng Sơn", "020", ("na", "hoi", "que"), ("Thôn Quán Thanh", "Bản Hố", "Thôn Đồng Bành")
    ),
    ProduceRegion("Bắc Ninh", "024", ("vai-thieu", "ga"), ("Thôn Kép", "Thôn Phì Điền", "Xóm Chợ")),
    ProduceRegion(
        "Đắk Lắk",
        "066",
        ("bo", "sau-rieng", "ca-phe", "ho-tieu"),
        ("Buôn Kô Siêr", "Thôn 3", "Buôn Ea Kmar"),
    ),
    ProduceRegion(
        "Cần Thơ", "094", ("lua-gao", "tom"), ("Ấp Phước Hòa", "Ấp Mỹ Thanh", "Ấp Tân Lộc")
    ),
    ProduceRegion("Sơn La", "014", ("xoai", "ca-phe", "mac-ca"), ("Bản Phiêng Ban", "Bản Nà Ngần")),
    ProduceRegion(
        "Lâm Đồng", "068", ("ca-phe", "rau-an-la", "hoa-cay-canh"), ("Thôn Lạc Xuân", "Thôn R'Chai")
    ),
    ProduceRegion("Hưng Yên", "033", ("nhan", "lua-gao"), ("Thôn An Vũ", "Thôn Đông Tảo")),
)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Nông",
    "Lương",
    "Vi",
    "Hà",
    "Lò",
    "Y",
    "H'",
    "Thạch",
    "Triệu",
    "Đinh",
    "Lý",
]
MALE = [
    ("Văn", "Hùng"),
    ("Văn", "Páo"),
    ("Đức", "Thắng"),
    ("Văn", "Sơn"),
    ("Minh", "Tuấn"),
    ("Văn", "Khánh"),
    ("Hữu", "Lộc"),
    ("Quang", "Vinh"),
]
FEMALE = [
    ("Thị", "Mai"),
    ("Thị", "Lan"),
    ("Thị", "Hoa"),
    ("Thị", "Nga"),
    ("Ngọc", "Hân"),
    ("Thị", "Thu"),
    ("Kim", "Liên"),
    ("Thị", "Yến"),
]

# Share of households that have reached each step (of all registered), as in a province mid-plan.
FUNNEL_SHARES = (
    (Milestone.Kind.SHOP_OPENED, 0.48),
    (Milestone.Kind.PAYMENT_ACCOUNT, 0.42),
    (Milestone.Kind.FIRST_PRODUCT, 0.36),
    (Milestone.Kind.FIRST_SALE, 0.22),
)


def _name(rng: random.Random, female: bool) -> str:
    middle, given = rng.choice(FEMALE if female else MALE)
    return f"{rng.choice(FAMILY)} {middle} {given}"


def households_demo_seed(
    *,
    rng: random.Random,
    count: int,
    actor: User,
    marketplaces: Sequence[Marketplace],
    regions: Sequence[ProduceRegion] = REGIONS,
    communes: Sequence[Commune] = (),
    weeks: int = 20,
) -> list[Household]:
    """Register `count` households over the last `weeks` weeks; later steps for a share of them.

    Idempotent per registering actor: an actor who already registered `count` adds nothing.
    """
    if Household.objects.filter(registered_by=actor).count() >= count:
        return []
    produce = {p.code: p for p in ProduceKind.objects.all()}
    communes_by_region = {}
    for region in regions:
        province = Province.objects.get(short_name=region.province)
        first_communes = Commune.objects.filter(province=province, kind=Commune.Kind.COMMUNE)
        communes_by_region[region] = list(communes) or list(first_communes.order_by("code")[:6])
    serial = Household.objects.count()
    now = timezone.now()
    start = now - dt.timedelta(weeks=weeks)
    made = []
    for index in range(count):
        region = regions[index % len(regions)]
        female = rng.random() < 0.45
        year = rng.randint(1960, 1999)
        century = 1 if female else 0
        cccd = f"{region.birth_code}{century}{year % 100:02d}{500000 + serial + index:06d}"
        registered_at = start + dt.timedelta(
            seconds=rng.randint(0, int((now - start).total_seconds() * 0.8))
        )
        phone = (
            f"09{rng.choice('1468')}{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.85 else ""
        )
        try:
            household = services.household_register(
                actor=actor,
                head_name=_name(rng, female),
                head_cccd=cccd,
                head_gender="female" if female else "male",
                head_birth_date=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                head_phone=phone,
                commune=rng.choice(communes_by_region[region]),
                village=rng.choice(region.villages),
                members_count=rng.randint(2, 7),
                produce=[
                    produce[code]
                    for code in rng.sample(region.produce, k=min(2, len(region.produce)))
                ],
                farming_area=rng.choice([3, 5, 8, 12, 20, 1.5]),
                farming_area_unit=rng.choice(["sao_north", "ha", "cong"]),
                consent=True,
                registered_at=registered_at,
                source="demo",
            )
        except ApplicationError:  # a random phone outside the mobile ranges: try the next one
            continue
        made.append(household)
        when, reached = registered_at, 1.0
        for kind, share in FUNNEL_SHARES:
            if rng.random() > share / reached:  # the chance of this step given the one before
                break
            reached = share
            when = min(now, when + dt.timedelta(days=rng.randint(3, 21)))
            services.milestone_record(
                household=household,
                kind=kind,
                marketplace=None
                if kind == Milestone.Kind.PAYMENT_ACCOUNT
                else rng.choice(marketplaces),
                achieved_at=when,
                source="demo",
            )
    return made
