"""A realistic Vietnamese demo data set on the real administrative units.

Built through the same services real users go through, so the demo shows what the system does.
Idempotent: running it again finds what it made before and adds nothing twice.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.catalog import demo as catalog_demo
from nongsan.catalog import demo_marks as brand_marks_demo
from nongsan.finance import demo as finance_demo
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Commune, Province
from nongsan.households import demo as households_demo
from nongsan.households import services as households_services
from nongsan.households.models import Household, ProduceKind
from nongsan.info import demo as info_demo
from nongsan.lending import demo as lending_demo
from nongsan.orders import demo as orders_demo
from nongsan.orgs.models import Carrier, Marketplace
from nongsan.partners import demo as partners_demo
from nongsan.places import demo as places_demo
from nongsan.shipping import demo as shipping_demo
from nongsan.support import demo as support_demo
from nongsan.traceability import demo as traceability_demo
from nongsan.training import demo as training_demo

DEMO_PASSWORD = "nongsan-demo-2026"

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Nông",
    "Hà",
    "Lương",
    "Vi",
    "Triệu",
    "Đinh",
    "Lò",
    "Thạch",
]
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mỹ"]
MALE_GIVEN = ["Hùng", "Dũng", "Tuấn", "Long", "Bình", "Sơn", "Thắng", "Phúc", "Tài", "Khánh", "Lợi"]
FEMALE_GIVEN = ["Mai", "Lan", "Hương", "Hạnh", "Nga", "Thảo", "Hoa", "Liên", "Yến", "Nhung", "Dung"]


@dataclass(frozen=True)
class DemoAccount:
    phone: str
    full_name: str
    role: str
    note: str
    email: str | None = None
    province: str | None = None  # current province name
    commune: str | None = None  # current commune name within `province`
    marketplace: str | None = None
    carrier: str | None = None
    is_staff: bool = False


# One account per role, each with a scope that shows what that role sees.
ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "0912000001",
        "Trần Quốc Hưng",
        Role.MINISTRY_OFFICIAL,
        "Bộ TTTT: toàn quốc, trang quản trị",
        email="bo@nongsan.demo",
        is_staff=True,
    ),
    DemoAccount(
        "0912000002",
        "Lương Thị Hạnh",
        Role.PROVINCE_OFFICIAL,
        "Sở TTTT Lạng Sơn",
        email="so.langson@nongsan.demo",
        province="Lạng Sơn",
    ),
    DemoAccount(
        "0912000003",
        "Vi Văn Tùng",
        Role.FIELD_AGENT,
        "Bưu điện: xã Chi Lăng, Lạng Sơn",
        province="Lạng Sơn",
        commune="Chi Lăng",
    ),
    DemoAccount("0912000004", "Nông Thị Mai", Role.HOUSEHOLD, "Hộ trồng na ở Chi Lăng, Lạng Sơn"),
    DemoAccount("0912000005", "Phạm Minh Anh", Role.BUYER, "Người mua ở Hà Nội"),
    DemoAccount(
        "0912000006",
        "Đỗ Văn Bình",
        Role.CARRIER_STAFF,
        "Nhân viên Bưu điện Việt Nam",
        carrier="vnpost",
    ),
    DemoAccount(
        "0912000007",
        "Lê Thu Trang",
        Role.MARKETPLACE_OPERATOR,
        "Vận hành sàn Postmart",
        marketplace="postmart",
    ),
    DemoAccount("0912000008", "Bùi Đức Long", Role.INPUT_SUPPLIER, "Nhà cung cấp phân bón, giống"),
    DemoAccount(
        "0912000009", "Đặng Thị Hương", Role.INFO_EDITOR, "Biên tập tin nông nghiệp toàn quốc"
    ),
    DemoAccount(
        "0912000010",
        "Hồ Thanh Tâm",
        Role.MARKETPLACE_OPERATOR,
        "Sàn đối tác Nông Sản Việt (gửi số liệu qua API /doi-tac/api/)",
        marketplace="nongsanviet",
    ),
    DemoAccount(
        "0912000011",
        "Vũ Thị Thoa",
        Role.FINANCE,
        "Kế toán nền tảng: chi trả, đối soát tiền về, COD của mọi sàn",
    ),
)

MARKETPLACES = (
    ("postmart", "Postmart", "Tổng công ty Bưu điện Việt Nam", "https://postmart.vn"),
    ("voso", "Vỏ Sò", "Tổng công ty cổ phần Bưu chính Viettel", "https://voso.vn"),
    ("nongsanviet", "Nông Sản Việt", "Sàn đối tác minh họa (gửi số liệu qua API)", ""),
)
CARRIERS = (
    ("vnpost", "Bưu điện Việt Nam (VNPost)", "https://vnpost.vn"),
    ("viettelpost", "Viettel Post", "https://viettelpost.com.vn"),
)
# Provinces known for their produce, where the demo households live.
HOUSEHOLD_PROVINCES = ("Lạng Sơn", "Bắc Ninh", "Đắk Lắk", "Cần Thơ", "Sơn La", "Lâm Đồng")


def _province(name: str) -> Province:
    province = geo_selectors.province_find(name=name)
    if province is None:
        raise RuntimeError(f"Province {name!r} not found: run `manage.py geo_load` first.")
    return province


def _commune(province: Province, name: str) -> Commune:
    commune = geo_selectors.commune_find(name=name, province=province)
    if commune is None:
        raise RuntimeError(f"Commune {name!r} not found in {province}.")
    return commune


def organisations_seed() -> None:
    for code, name, operator, website in MARKETPLACES:
        Marketplace.objects.update_or_create(
            code=code, defaults={"name": name, "operator_name": operator, "website": website}
        )
    for code, name, website in CARRIERS:
        Carrier.objects.update_or_create(code=code, defaults={"name": name, "website": website})


def accounts_seed() -> list[User]:
    users = []
    for account in ACCOUNTS:
        existing = User.objects.filter(phone="+84" + account.phone[1:]).first()
        if existing:
            users.append(existing)
            continue
        province = _province(account.province) if account.province else None
        communes = [_commune(province, account.commune)] if province and account.commune else []
        users.append(
            accounts_services.user_create(
                phone=account.phone,
                full_name=account.full_name,
                password=DEMO_PASSWORD,
                role=account.role,
                email=account.email,
                province=province,
                communes=communes,
                marketplace=(
                    Marketplace.objects.get(code=account.marketplace)
                    if account.marketplace
                    else None
                ),
                carrier=Carrier.objects.get(code=account.carrier) if account.carrier else None,
                is_staff=account.is_staff,
            )
        )
    ministry = users[0]
    if not ministry.is_superuser:
        ministry.is_superuser = True
        ministry.save(update_fields=["is_superuser"])
    return users


def random_person(rng: random.Random) -> tuple[str, bool]:
    """A plausible Vietnamese full name and whether the person is a woman."""
    is_female = rng.random() < 0.5
    middle = rng.choice(FEMALE_MIDDLE if is_female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if is_female else MALE_GIVEN)
    return f"{rng.choice(FAMILY_NAMES)} {middle} {given}", is_female


def household_users_seed(*, count: int, rng: random.Random) -> int:
    """Household accounts spread over the produce provinces (their records come with households)."""
    created = 0
    for index in range(count):
        phone = f"0987{index:06d}"
        if User.objects.filter(phone="+84" + phone[1:]).exists():
            continue
        full_name, _is_female = random_person(rng)
        accounts_services.user_create(
            phone=phone, full_name=full_name, password=DEMO_PASSWORD, role=Role.HOUSEHOLD
        )
        created += 1
    return created


def region_agents_seed() -> list[User]:
    """A provincial post-office agent for each produce region of the demo."""
    agents = []
    for index, region in enumerate(households_demo.REGIONS):
        phone = f"0915{index:06d}"
        agent = User.objects.filter(phone="+84" + phone[1:]).first()
        if agent is None:
            agent = accounts_services.user_create(
                phone=phone,
                full_name=f"Bưu điện tỉnh {region.province}",
                password=DEMO_PASSWORD,
                role=Role.FIELD_AGENT,
                province=_province(region.province),
            )
        agents.append(agent)
    return agents


def demo_household_seed(*, agent: User) -> Household:
    """The demo household account (Nông Thị Mai) gets its record in Chi Lăng, Lạng Sơn."""
    existing = Household.objects.filter(user__phone="+84912000004").first()
    if existing:
        return existing
    return households_services.household_register(
        actor=agent,
        head_name="Nông Thị Mai",
        head_cccd="020178004521",
        head_gender="female",
        head_birth_date=datetime.date(1978, 6, 14),
        head_phone="0912000004",
        commune=agent.communes.get(),
        village="Thôn Quán Thanh",
        members_count=5,
        produce=list(ProduceKind.objects.filter(code__in=["na", "hoi"])),
        farming_area=Decimal("8"),
        farming_area_unit=Household.AreaUnit.SAO_NORTH,
        consent=True,
        source="demo",
    )


@transaction.atomic
def demo_seed(*, households: int = 3000, seed: int = 1034) -> dict[str, int]:
    rng = random.Random(seed)
    organisations_seed()
    users = accounts_seed()
    created = household_users_seed(count=20, rng=rng)
    marketplaces = list(Marketplace.objects.filter(code__in=["postmart", "voso"]))
    chi_lang_agent = User.objects.get(phone="+84912000003")
    demo_household_seed(agent=chi_lang_agent)
    made = 0
    for agent, region in zip(region_agents_seed(), households_demo.REGIONS, strict=True):
        made += len(
            households_demo.households_demo_seed(
                rng=rng,
                count=households // len(households_demo.REGIONS),
                actor=agent,
                marketplaces=marketplaces,
                regions=[region],
            )
        )
    made += len(
        households_demo.households_demo_seed(
            rng=rng,
            count=40,
            actor=chi_lang_agent,
            marketplaces=marketplaces,
            regions=[households_demo.REGIONS[0]],
            communes=list(chi_lang_agent.communes.all()),
        )
    )
    sessions = attendances = 0
    for agent in [*region_agents_seed(), chi_lang_agent]:
        trained = training_demo.training_demo_seed(
            rng=rng,
            households=list(
                Household.objects.filter(registered_by=agent).select_related("commune")
            ),
            actor=agent,
        )
        sessions += trained.get("sessions", 0)
        attendances += trained.get("attendances", 0)
    sellers = list(Household.objects.filter(registered_by=chi_lang_agent))
    for agent in region_agents_seed():
        sellers += list(Household.objects.filter(registered_by=agent).order_by("pk")[:25])
    shops = catalog_demo.catalog_demo_seed(rng=rng, households=sellers, marketplaces=marketplaces)
    # Lots before orders: the orders and parcels packed next add their steps to the lots.
    traced = traceability_demo.traceability_demo_seed(rng=rng)
    bought = orders_demo.orders_demo_seed(
        rng=rng,
        person=random_person,
        count=max(households // 12, 12),
        extra_buyers=list(User.objects.filter(phone="+84912000005")),
        showcase_sellers=list(User.objects.filter(phone="+84912000004")),
    )
    delivered = shipping_demo.shipping_demo_seed(rng=rng)
    informed = info_demo.info_demo_seed(rng=rng)
    lent = lending_demo.lending_demo_seed(rng=rng)
    reconciled = finance_demo.finance_demo_seed(rng=rng)
    portal = support_demo.support_demo_seed()
    partner = partners_demo.partners_demo_seed(rng=rng, password=DEMO_PASSWORD)
    labels = traceability_demo.label_sheets_demo_print()
    marked = brand_marks_demo.brand_marks_demo_seed(rng=rng)
    places = places_demo.places_demo_seed(rng=rng)
    return {
        **portal,
        **partner,
        **bought,
        **delivered,
        **informed,
        **lent,
        **reconciled,
        **traced,
        "label_sheets": len(labels),
        **marked,
        **places,
        **{f"catalog_{key}": value for key, value in shops.items()},
        "accounts": len(users),
        "buyer_and_household_accounts_created": created,
        "households": made,
        "training_sessions": sessions,
        "attendances": attendances,
    }
