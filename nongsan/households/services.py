"""Every write about households: registration, updates, certificates, cooperatives, milestones."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import scope_filter
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold, normalize
from nongsan.core.validators import parse_cccd, parse_mobile, parse_tax_code
from nongsan.geo.models import Commune
from nongsan.households.models import (
    Certification,
    Cooperative,
    Household,
    Milestone,
    ProduceKind,
)
from nongsan.orgs.models import Marketplace

# Roles that may register and edit household records (within their scope).
REGISTRAR_ROLES = frozenset({Role.FIELD_AGENT, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL})


def _check_may_register(*, actor: User, commune: Commune) -> None:
    if actor.role not in REGISTRAR_ROLES and not actor.is_superuser:
        raise ApplicationError("Bạn không có quyền đăng ký hộ sản xuất.", code="forbidden")
    in_scope = scope_filter(
        Commune.objects.filter(pk=commune.pk), actor=actor, province="province", commune="pk"
    ).exists()
    if not in_scope:
        raise ApplicationError(
            f"{commune.name} không thuộc địa bàn bạn phụ trách.", field="commune", code="forbidden"
        )


def _clean_identity(
    *,
    cccd: object,
    birth_date: dt.date | None,
    gender: str,
    phone: object,
    from_list: bool = False,
) -> tuple[str, str]:
    """The canonical CCCD and phone, after checking that the ID agrees with the person.
    `from_list`: a record of a list (which a spreadsheet may have stripped of leading zeros),
    not a number a person typed (see core.validators.parse_cccd)."""
    citizen = parse_cccd(cccd, field="head_cccd", from_spreadsheet=from_list)
    if birth_date is not None:
        if birth_date > timezone.localdate():
            raise ApplicationError("Ngày sinh nằm trong tương lai.", field="head_birth_date")
        if birth_date.year != citizen.birth_year:
            raise ApplicationError(
                f"Năm sinh {birth_date.year} không khớp với năm sinh {citizen.birth_year} "
                "ghi trong số CCCD.",
                field="head_birth_date",
            )
    if gender and (gender == Household.Gender.FEMALE) != citizen.is_female:
        expected = "nữ" if citizen.is_female else "nam"
        raise ApplicationError(
            f"Giới tính không khớp với số CCCD (chữ số thứ 4 cho biết chủ hộ là {expected}).",
            field="head_gender",
        )
    phone_e164 = parse_mobile(phone, field="head_phone") if str(phone or "").strip() else ""
    return citizen.number, phone_e164


def identity_clean(
    *, cccd: object, birth_date: dt.date | None, gender: str, phone: object
) -> tuple[str, str]:
    """The registry's identity check for other apps' bulk paths (partner marketplaces' ingest):
    the canonical CCCD and phone, or the ApplicationError a registration would raise. Their
    records come from lists, often through a spreadsheet: a CCCD that lost its leading zeros
    is padded back."""
    return _clean_identity(
        cccd=cccd, birth_date=birth_date, gender=gender, phone=phone, from_list=True
    )


def _household_account(*, phone: str, full_name: str) -> User | None:
    """The household's own login: an existing account with that phone, or a new one (SMS login)."""
    if not phone:
        return None
    user = User.objects.filter(phone=phone).first()
    if user is None:
        return accounts_services.user_create(phone=phone, full_name=full_name, role=Role.HOUSEHOLD)
    if Household.objects.filter(user=user).exists():
        return None  # that phone already logs in for another household: leave the link empty
    if user.role == Role.BUYER:
        user.role = Role.HOUSEHOLD
        user.save(update_fields=["role"])
    return user if user.role == Role.HOUSEHOLD else None


@transaction.atomic
def household_register(
    *,
    actor: User,
    head_name: str,
    head_cccd: object,
    head_gender: str,
    commune: Commune,
    consent: bool,
    head_birth_date: dt.date | None = None,
    head_phone: object = "",
    members_count: int = 1,
    village: str = "",
    street: str = "",
    produce: Sequence[ProduceKind] = (),
    farming_area: Decimal | None = None,
    farming_area_unit: str = Household.AreaUnit.SQUARE_METRE,
    cooperative: Cooperative | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    registered_at: dt.datetime | None = None,
    source: str = "form",
) -> Household:
    """Register a household in the actor's area, with its own account and the first milestone."""
    _check_may_register(actor=actor, commune=commune)
    head_name = normalize(head_name)
    if not head_name:
        raise ApplicationError("Họ tên chủ hộ đang để trống.", field="head_name")
    if not consent:
        raise ApplicationError(
            "Cần chủ hộ đồng ý cho xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP).",
            field="consent",
        )
    cccd, phone = _clean_identity(
        cccd=head_cccd, birth_date=head_birth_date, gender=head_gender, phone=head_phone
    )
    existing = Household.objects.filter(head_cccd=cccd).select_related("commune").first()
    if existing is not None:
        raise ApplicationError(
            f"Hộ có số CCCD này đã được đăng ký ({existing.head_name}, {existing.commune.name}).",
            field="head_cccd",
            code="duplicate",
        )
    now = registered_at or timezone.now()
    household = Household(
        head_name=head_name,
        head_name_key=fold(head_name),
        head_cccd=cccd,
        head_birth_date=head_birth_date,
        head_gender=head_gender,
        head_phone=phone,
        members_count=members_count,
        commune=commune,
        village=normalize(village),
        street=normalize(street),
        latitude=latitude,
        longitude=longitude,
        farming_area=farming_area,
        farming_area_unit=farming_area_unit,
        cooperative=cooperative,
        registered_by=actor,
        consent_at=now,
        consent_recorded_by=actor,
        created_at=now,
        updated_at=now,
    )
    household.full_clean(exclude=["user"])
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as exc:  # registered by someone else a moment ago
        raise ApplicationError(
            "Hộ có số CCCD này vừa được đăng ký.", field="head_cccd", code="duplicate"
        ) from exc
    if produce:
        household.produce.set(produce)
    household.user = _household_account(phone=phone, full_name=head_name)
    if household.user is not None:
        household.save(update_fields=["user"])
    milestone_record(
        household=household, kind=Milestone.Kind.REGISTERED, achieved_at=now, source=source
    )
    return household


EDITABLE_FIELDS = frozenset(
    {
        "head_name",
        "head_birth_date",
        "head_gender",
        "head_phone",
        "members_count",
        "commune",
        "village",
        "street",
        "farming_area",
        "farming_area_unit",
        "cooperative",
        "latitude",
        "longitude",
    }
)


@transaction.atomic
def household_update(
    *,
    actor: User,
    household: Household,
    produce: Sequence[ProduceKind] | None = None,
    **changes: Any,
) -> Household:
    """Change a household's record; the CCCD, its identity, is never changed here."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(f"Không sửa được trường {', '.join(sorted(unknown))}.")
    _check_may_register(actor=actor, commune=household.commune)
    if "commune" in changes:
        _check_may_register(actor=actor, commune=changes["commune"])
    birth_date = changes.get("head_birth_date", household.head_birth_date)
    gender = changes.get("head_gender", household.head_gender)
    _cccd, phone = _clean_identity(
        cccd=household.head_cccd,
        birth_date=birth_date,
        gender=gender,
        phone=changes.get("head_phone", household.head_phone),
    )
    changes["head_phone"] = phone
    for field, value in changes.items():
        if field in {"head_name", "village", "street"}:
            value = normalize(value)
        setattr(household, field, value)
    household.head_name_key = fold(household.head_name)
    if not household.head_name:
        raise ApplicationError("Họ tên chủ hộ đang để trống.", field="head_name")
    household.updated_at = timezone.now()
    household.full_clean(exclude=["user"])
    household.save()
    if produce is not None:
        household.produce.set(produce)
    return household


def milestone_record(
    *,
    household: Household,
    kind: str,
    marketplace: Marketplace | None = None,
    achieved_at: dt.datetime | None = None,
    source: str = "",
) -> Milestone:
    """Record a first achievement once; a repeat returns the milestone recorded the first time."""
    lookup = {"household": household, "kind": kind, "marketplace": marketplace}
    found = Milestone.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Milestone.objects.create(
                **lookup,
                achieved_at=achieved_at or timezone.now(),
                commune_id=household.commune_id,
                source=source,
            )
    except IntegrityError:  # recorded concurrently: the first one stands
        return Milestone.objects.get(**lookup)


def certification_add(
    *,
    actor: User,
    household: Household,
    kind: str,
    number: str,
    issuer: str,
    valid_until: dt.date | None = None,
    ocop_stars: int | None = None,
    document: UploadedFile | None = None,
) -> Certification:
    is_own = household.user_id is not None and household.user_id == actor.pk
    if not is_own:
        _check_may_register(actor=actor, commune=household.commune)
    number = normalize(number)
    if not number:
        raise ApplicationError("Số chứng nhận đang để trống.", field="number")
    if kind == Certification.Kind.OCOP and ocop_stars is None:
        raise ApplicationError("Chứng nhận OCOP cần số sao (3 đến 5).", field="ocop_stars")
    if kind != Certification.Kind.OCOP:
        ocop_stars = None
    if Certification.objects.filter(household=household, kind=kind, number=number).exists():
        raise ApplicationError(
            "Chứng nhận này đã có trong hồ sơ.", field="number", code="duplicate"
        )
    certification = Certification(
        household=household,
        kind=kind,
        number=number,
        issuer=normalize(issuer),
        valid_until=valid_until,
        ocop_stars=ocop_stars,
    )
    if document is not None:
        certification.document = document
    certification.full_clean()
    certification.save()
    return certification


def cooperative_create(
    *,
    actor: User,
    name: str,
    commune: Commune,
    tax_code: str = "",
    representative_name: str = "",
    phone: str = "",
) -> Cooperative:
    _check_may_register(actor=actor, commune=commune)
    name = normalize(name)
    if not name:
        raise ApplicationError("Tên hợp tác xã đang để trống.", field="name")
    tax = parse_tax_code(tax_code) if tax_code.strip() else None
    if tax and Cooperative.objects.filter(tax_code=tax).exists():
        raise ApplicationError("Mã số thuế này đã có HTX khác.", field="tax_code", code="duplicate")
    cooperative = Cooperative(
        name=name,
        commune=commune,
        tax_code=tax,
        representative_name=normalize(representative_name),
        phone=parse_mobile(phone) if phone.strip() else "",
    )
    cooperative.full_clean()
    cooperative.save()
    return cooperative
