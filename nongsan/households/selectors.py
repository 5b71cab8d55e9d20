"""Every read about households, narrowed to the actor's scope."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.scope import agent_commune_ids, scope_filter, scoped_get
from nongsan.core.text import fold
from nongsan.geo.models import Commune
from nongsan.households.models import Certification, Household, Milestone
from nongsan.orgs.models import Marketplace

SCOPE_PATHS = {
    "province": "commune__province",
    "commune": "commune",
    "marketplace": "milestones__marketplace",
    "owner": "user",
}

# The onboarding funnel, in the order a household usually goes through it.
FUNNEL = (
    Milestone.Kind.REGISTERED,
    Milestone.Kind.TRAINED_DIGITAL,
    Milestone.Kind.TRAINED_PACKAGING,
    Milestone.Kind.SHOP_OPENED,
    Milestone.Kind.PAYMENT_ACCOUNT,
    Milestone.Kind.FIRST_PRODUCT,
    Milestone.Kind.FIRST_SALE,
)

NEXT_STEP_HINTS: dict[str, str] = {
    Milestone.Kind.TRAINED_DIGITAL: "Mời hộ dự buổi tập huấn kỹ năng số gần nhất.",
    Milestone.Kind.TRAINED_PACKAGING: "Mời hộ dự buổi tập huấn đóng gói – kết nối – giao nhận.",
    Milestone.Kind.SHOP_OPENED: "Giúp hộ mở gian hàng trên Postmart hoặc Vỏ Sò.",
    Milestone.Kind.PAYMENT_ACCOUNT: "Giúp hộ mở tài khoản thanh toán điện tử (ngân hàng, ví).",
    Milestone.Kind.FIRST_PRODUCT: "Giúp hộ chụp ảnh và đăng sản phẩm đầu tiên.",
    Milestone.Kind.FIRST_SALE: "Quảng bá gian hàng để hộ có đơn hàng đầu tiên.",
}


def household_list(
    *,
    actor: Any,
    query: str = "",
    commune: Commune | None = None,
    province_id: int | None = None,
) -> QuerySet[Household]:
    """Households the actor may see.

    `query` matches the head's name typed with or without diacritics, a phone number or a CCCD.
    """
    households = scope_filter(
        Household.objects.select_related("commune__province"), actor=actor, **SCOPE_PATHS
    )
    if actor.is_authenticated and actor.role == Role.MARKETPLACE_OPERATOR:
        households = households.distinct()
    if commune is not None:
        households = households.filter(commune=commune)
    if province_id is not None:
        households = households.filter(commune__province_id=province_id)
    query = query.strip()
    if query:
        digits = re.sub(r"\D", "", query)
        if len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) - 3:
            # A phone (any spelling) or a CCCD: match on the significant digits.
            tail = digits[-9:] if len(digits) <= 11 else digits
            households = households.filter(Q(head_phone__endswith=tail) | Q(head_cccd=digits))
        else:
            for word in fold(query).split():
                households = households.filter(head_name_key__contains=word)
    return households


def household_get_for(*, actor: Any, household_id: int) -> Household:
    return scoped_get(
        Household.objects.select_related("commune__province", "cooperative", "registered_by"),
        actor=actor,
        paths=SCOPE_PATHS,
        pk=household_id,
    )


def can_see_identity(*, actor: Any, household: Household) -> bool:
    """Full CCCD and phone only for the household itself and the agents who serve its area."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser or (household.user_id is not None and household.user_id == actor.pk):
        return True
    if actor.role != Role.FIELD_AGENT:
        return False
    commune_ids = agent_commune_ids(actor)
    if commune_ids:
        return household.commune_id in commune_ids
    return actor.province_id is not None and household.commune.province_id == actor.province_id


def likely_duplicates(
    *, head_name: str, commune: Commune | None, phone: str = "", exclude_id: int | None = None
) -> QuerySet[Household]:
    """Households that may be this one registered again: same phone, or same name and commune."""
    condition = Q()
    if phone:
        condition |= Q(head_phone=phone)
    if commune is not None and head_name.strip():
        condition |= Q(commune=commune, head_name_key=fold(head_name))
    if not condition:
        return Household.objects.none()
    found = Household.objects.filter(condition).select_related("commune")
    return found.exclude(pk=exclude_id) if exclude_id else found


@dataclass(frozen=True)
class Step:
    kind: str
    label: str
    done_at: Any  # aware datetime of the first achievement, or None
    marketplaces: tuple[str, ...]


def household_progress(*, household: Household) -> tuple[list[Step], Step | None, str]:
    """Each funnel step with when it was first reached, the next step and a hint for it."""
    reached: dict[str, list[Milestone]] = {}
    for milestone in household.milestones.select_related("marketplace"):
        reached.setdefault(milestone.kind, []).append(milestone)
    steps = []
    for kind in FUNNEL:
        rows = reached.get(kind, [])
        steps.append(
            Step(
                kind=kind,
                label=str(Milestone.Kind(kind).label),
                done_at=min((m.achieved_at for m in rows), default=None),
                marketplaces=tuple(sorted({m.marketplace.name for m in rows if m.marketplace})),
            )
        )
    next_step = next((step for step in steps if step.done_at is None), None)
    hint = NEXT_STEP_HINTS.get(next_step.kind, "") if next_step else ""
    return steps, next_step, hint


def funnel_counts(
    *,
    actor: Any,
    households: QuerySet[Household] | None = None,
    marketplace: Marketplace | None = None,
) -> list[tuple[str, str, int]]:
    """(kind, label, households that reached it) for each step, within scope; one query."""
    base = households if households is not None else household_list(actor=actor)
    milestones = Milestone.objects.filter(household__in=base.values("pk"))
    if marketplace is not None:
        milestones = milestones.filter(Q(marketplace=marketplace) | Q(marketplace__isnull=True))
    counted = dict(
        milestones.values("kind")
        .annotate(n=Count("household", distinct=True))
        .values_list("kind", "n")
    )
    return [(kind, str(Milestone.Kind(kind).label), counted.get(kind, 0)) for kind in FUNNEL]


def households_stuck_at(
    *, actor: Any, kind: str, households: QuerySet[Household] | None = None
) -> QuerySet[Household]:
    """Households that reached the step before `kind` but not `kind`: whom an agent should visit."""
    position = FUNNEL.index(Milestone.Kind(kind))
    base = households if households is not None else household_list(actor=actor)
    reached = Milestone.objects.filter(household=OuterRef("pk"))
    stuck = base.filter(~Exists(reached.filter(kind=kind)))
    if position > 0:
        stuck = stuck.filter(Exists(reached.filter(kind=FUNNEL[position - 1])))
    return stuck


# --- Priority list ("quality over quantity", seed 003) ----------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    points: int


# The criteria and their weights, shown on the page as they are: nothing about the score is hidden.
PRIORITY_CRITERIA: tuple[Criterion, ...] = (
    Criterion("globalgap", "Có chứng nhận GlobalGAP còn hiệu lực", 20),
    Criterion("vietgap", "Có chứng nhận VietGAP còn hiệu lực", 15),
    Criterion("organic", "Có chứng nhận hữu cơ còn hiệu lực", 15),
    Criterion("ocop", "Có sản phẩm OCOP (3–5 sao) còn hiệu lực", 15),
    Criterion("first_sale", "Đã bán được hàng trên sàn", 15),
    Criterion("first_product", "Đã đăng sản phẩm trên sàn", 10),
    Criterion("trained_digital", "Đã tập huấn kỹ năng số", 10),
    Criterion("trained_packaging", "Đã tập huấn đóng gói – kết nối – giao nhận", 10),
    Criterion("payment_account", "Có tài khoản thanh toán điện tử", 5),
    Criterion("cooperative", "Là thành viên hợp tác xã", 5),
    Criterion("large_farm", "Diện tích canh tác từ 1 ha trở lên", 5),
    Criterion("recent_activity", "Có hoạt động mới trong 30 ngày qua", 5),
)
PRIORITY_MAX = sum(c.points for c in PRIORITY_CRITERIA)


def priority_list(
    *, actor: Any, households: QuerySet[Household] | None = None, today: Any = None
) -> QuerySet[Household]:
    """Households annotated with one boolean per criterion and `priority_score`, best first."""
    today = today or timezone.localdate()
    base = households if households is not None else household_list(actor=actor)
    valid_certs = Certification.objects.filter(household=OuterRef("pk")).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    milestones = Milestone.objects.filter(household=OuterRef("pk"))
    recent = timezone.now() - dt.timedelta(days=30)
    flags = {
        "globalgap": Exists(valid_certs.filter(kind="globalgap")),
        "vietgap": Exists(valid_certs.filter(kind="vietgap")),
        "organic": Exists(valid_certs.filter(kind="organic")),
        "ocop": Exists(valid_certs.filter(kind="ocop")),
        "first_sale": Exists(milestones.filter(kind=Milestone.Kind.FIRST_SALE)),
        "first_product": Exists(milestones.filter(kind=Milestone.Kind.FIRST_PRODUCT)),
        "trained_digital": Exists(milestones.filter(kind=Milestone.Kind.TRAINED_DIGITAL)),
        "trained_packaging": Exists(milestones.filter(kind=Milestone.Kind.TRAINED_PACKAGING)),
        "payment_account": Exists(milestones.filter(kind=Milestone.Kind.PAYMENT_ACCOUNT)),
        "cooperative": ExpressionWrapper(Q(cooperative__isnull=False), output_field=BooleanField()),
        "large_farm": ExpressionWrapper(
            Q(farming_area__gte=1, farming_area_unit=Household.AreaUnit.HECTARE)
            | Q(farming_area__gte=10_000, farming_area_unit=Household.AreaUnit.SQUARE_METRE)
            | Q(farming_area__gte=28, farming_area_unit=Household.AreaUnit.SAO_NORTH)
            | Q(farming_area__gte=20, farming_area_unit=Household.AreaUnit.SAO_CENTRAL)
            | Q(farming_area__gte=10, farming_area_unit=Household.AreaUnit.CONG),
            output_field=BooleanField(),
        ),
        "recent_activity": Exists(milestones.filter(recorded_at__gte=recent)),
    }
    annotated = base.annotate(**{f"crit_{code}": flag for code, flag in flags.items()})
    score = sum(
        (
            Case(When(**{f"crit_{c.code}": True}, then=Value(c.points)), default=Value(0))
            for c in PRIORITY_CRITERIA
        ),
        Value(0),
    )
    return annotated.annotate(
        priority_score=Coalesce(score, Value(0), output_field=IntegerField())
    ).order_by("-priority_score", "head_name_key", "pk")


def priority_reasons(household: Household) -> list[Criterion]:
    """The criteria an annotated household (from `priority_list`) meets."""
    return [c for c in PRIORITY_CRITERIA if getattr(household, f"crit_{c.code}", False)]


def communes_for(*, actor: Any, province_id: int | None = None) -> QuerySet[Commune]:
    """The communes the actor works in (for forms and filters)."""
    communes = scope_filter(
        Commune.objects.select_related("province"), actor=actor, province="province", commune="pk"
    )
    if province_id is not None:
        communes = communes.filter(province_id=province_id)
    return communes.order_by("province__code", "name")
