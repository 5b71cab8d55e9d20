import datetime as dt
from decimal import Decimal

import pytest

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households import services
from nongsan.households.models import Certification, Household, Milestone, ProduceKind
from nongsan.households.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


@pytest.fixture
def agent(commune):
    return factories.agent_for(commune)


def register(agent, commune, **fields):
    fields.setdefault("head_name", "Nông Thị Mai")
    fields.setdefault("head_cccd", "020185001234")
    fields.setdefault("head_gender", "female")
    fields.setdefault("consent", True)
    return services.household_register(actor=agent, commune=commune, **fields)


class TestRegister:
    def test_full_record_with_account_and_first_milestone(self, agent, commune):
        lychee = ProduceKind.objects.get(code="na")
        household = register(
            agent,
            commune,
            head_cccd="0201 8500 1234",
            head_birth_date=dt.date(1985, 3, 2),
            head_phone="0912 345 678",
            village="Thôn Quán Thanh",
            members_count=5,
            produce=[lychee],
            farming_area=Decimal("6.5"),
            farming_area_unit="sao_north",
        )
        assert household.head_cccd == "020185001234"
        assert household.head_phone == "+84912345678"
        assert household.registered_by == agent
        assert household.consent_at is not None and household.consent_recorded_by == agent
        assert list(household.produce.all()) == [lychee]
        assert household.farming_area_m2 == Decimal("2340.0")
        assert household.user.role == Role.HOUSEHOLD and household.user.phone == "+84912345678"
        assert not household.user.has_usable_password()  # logs in with an SMS code
        assert list(household.milestones.values_list("kind", flat=True)) == ["registered"]

    def test_nfd_name_is_stored_nfc_and_searchable(self, agent, commune):
        import unicodedata

        household = register(
            agent, commune, head_name=unicodedata.normalize("NFD", "Nông  Thị Mai")
        )
        assert household.head_name == "Nông Thị Mai"
        assert household.head_name_key == "nong thi mai"

    @pytest.mark.parametrize(
        ("fields", "field", "reason"),
        [
            ({"head_name": "  "}, "head_name", "để trống"),
            ({"consent": False}, "consent", "Nghị định 13/2023"),
            ({"head_cccd": "12345"}, "head_cccd", "12 chữ số"),
            ({"head_cccd": "003185001234"}, "head_cccd", "Mã nơi đăng ký khai sinh"),
            ({"head_birth_date": dt.date(1990, 1, 1)}, "head_birth_date", "không khớp"),
            ({"head_gender": "male"}, "head_gender", "chủ hộ là nữ"),
            ({"head_phone": "0243 825 1234"}, "head_phone", "máy bàn"),
            ({"head_phone": "12345"}, "head_phone", "10 chữ số"),
        ],
    )
    def test_each_bad_case_names_the_field_and_reason(self, agent, commune, fields, field, reason):
        with pytest.raises(ApplicationError) as exc:
            register(agent, commune, **fields)
        assert exc.value.field == field
        assert reason in exc.value.message
        assert not Household.objects.exists()

    def test_unique_by_cccd_whatever_its_spelling(self, agent, commune):
        register(agent, commune)
        with pytest.raises(ApplicationError) as exc:
            register(agent, commune, head_cccd="0201 8500 1234", head_name="Người Khác")
        assert exc.value.code == "duplicate"
        assert "Nông Thị Mai" in exc.value.message

    def test_a_typed_cccd_missing_a_digit_is_refused_not_padded(self, agent, commune):
        with pytest.raises(ApplicationError) as exc:
            register(agent, commune, head_cccd="20185001234")
        assert exc.value.field == "head_cccd" and "12 chữ số" in exc.value.message
        assert not Household.objects.exists()

    def test_agent_cannot_register_outside_their_communes(self, agent):
        elsewhere = account_factories.commune("Hà Nội", 0)
        with pytest.raises(ApplicationError) as exc:
            register(agent, elsewhere)
        assert (exc.value.field, exc.value.code) == ("commune", "forbidden")

    @pytest.mark.parametrize("role", [Role.BUYER, Role.HOUSEHOLD, Role.MARKETPLACE_OPERATOR])
    def test_other_roles_cannot_register(self, commune, role):
        with pytest.raises(ApplicationError):
            register(account_factories.user(role), commune)

    def test_existing_buyer_account_becomes_the_household_account(self, agent, commune):
        buyer = account_factories.user(Role.BUYER, phone="0912345678")
        household = register(agent, commune, head_phone="+84912345678")
        buyer.refresh_from_db()
        assert household.user == buyer and buyer.role == Role.HOUSEHOLD

    def test_phone_shared_by_two_households_links_only_the_first(self, agent, commune):
        first = register(agent, commune, head_phone="0912345678")
        second = register(
            agent,
            commune,
            head_phone="0912345678",
            head_cccd="020085001111",
            head_gender="male",
            head_name="Nông Văn Ba",
        )
        assert first.user is not None and second.user is None
        assert User.objects.filter(phone="+84912345678").count() == 1


class TestUpdate:
    def test_changes_are_saved_and_identity_kept(self, agent, commune):
        household = register(agent, commune)
        services.household_update(
            actor=agent, household=household, head_name="Nông Thị Mai Anh", village="Bản Mới"
        )
        household.refresh_from_db()
        assert (household.head_name, household.head_name_key) == (
            "Nông Thị Mai Anh",
            "nong thi mai anh",
        )
        assert household.head_cccd == "020185001234"

    def test_cccd_cannot_be_changed_here(self, agent, commune):
        household = register(agent, commune)
        with pytest.raises(ApplicationError):
            services.household_update(actor=agent, household=household, head_cccd="020185009999")

    def test_agent_of_another_commune_cannot_edit(self, agent, commune):
        household = register(agent, commune)
        other = factories.agent_for(account_factories.commune("Lạng Sơn", 1))
        with pytest.raises(ApplicationError):
            services.household_update(actor=other, household=household, village="X")


class TestMilestones:
    def test_recorded_once_with_the_first_time(self, agent, commune):
        household = register(agent, commune)
        first = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
        a = services.milestone_record(
            household=household, kind=Milestone.Kind.TRAINED_DIGITAL, achieved_at=first
        )
        b = services.milestone_record(
            household=household,
            kind=Milestone.Kind.TRAINED_DIGITAL,
            achieved_at=first + dt.timedelta(days=9),
        )
        assert a.pk == b.pk and b.achieved_at == first
        assert household.milestones.filter(kind="trained_digital").count() == 1

    def test_per_marketplace_kinds_are_once_per_marketplace(self, agent, commune):
        household = register(agent, commune)
        postmart = account_factories.marketplace()
        voso = account_factories.marketplace("voso", "Vỏ Sò")
        for marketplace in (postmart, voso, postmart):
            services.milestone_record(
                household=household, kind=Milestone.Kind.SHOP_OPENED, marketplace=marketplace
            )
        assert household.milestones.filter(kind="shop_opened").count() == 2

    def test_milestone_keeps_the_commune_of_the_time(self, agent, commune):
        household = register(agent, commune)
        assert household.milestones.get().commune == commune


class TestCertifications:
    def test_ocop_needs_stars_others_have_none(self, agent, commune):
        household = register(agent, commune)
        with pytest.raises(ApplicationError) as exc:
            services.certification_add(
                actor=agent, household=household, kind="ocop", number="OCOP-1", issuer="UBND tỉnh"
            )
        assert exc.value.field == "ocop_stars"
        cert = services.certification_add(
            actor=agent,
            household=household,
            kind="vietgap",
            number="VG-01",
            issuer="Trung tâm",
            ocop_stars=4,
        )
        assert cert.ocop_stars is None

    def test_duplicate_certificate_is_refused(self, agent, commune):
        household = register(agent, commune)
        services.certification_add(
            actor=agent, household=household, kind="vietgap", number="VG-01", issuer="Trung tâm"
        )
        with pytest.raises(ApplicationError, match="đã có"):
            services.certification_add(
                actor=agent, household=household, kind="vietgap", number="VG-01", issuer="X"
            )

    def test_household_adds_its_own_certificate(self, agent, commune):
        household = register(agent, commune, head_phone="0912345678")
        cert = services.certification_add(
            actor=household.user,
            household=household,
            kind="organic",
            number="HC-9",
            issuer="Cục Trồng trọt",
            valid_until=dt.date(2027, 1, 1),
        )
        assert cert.kind == Certification.Kind.ORGANIC


def test_cooperative_tax_code_is_checked(agent, commune):
    with pytest.raises(ApplicationError) as exc:
        services.cooperative_create(
            actor=agent, name="HTX Na Chi Lăng", commune=commune, tax_code="0100233489"
        )
    assert exc.value.field == "tax_code"
    coop = services.cooperative_create(
        actor=agent, name="HTX Na Chi Lăng", commune=commune, tax_code="0100233488"
    )
    assert coop.tax_code == "0100233488"
