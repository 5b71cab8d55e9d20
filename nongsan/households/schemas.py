import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from nongsan.households import selectors
from nongsan.households.models import Household


def _actor(context: Any) -> Any:
    return context["request"].user


class MilestoneOut(Schema):
    kind: str
    marketplace: str | None = None
    achieved_at: dt.datetime

    @staticmethod
    def resolve_marketplace(obj: Any) -> str | None:
        return obj.marketplace.code if obj.marketplace_id else None


class HouseholdOut(Schema):
    id: int
    head_name: str
    head_cccd: str = Field(description="Masked unless the caller serves the household's area")
    head_phone: str = Field(description="Masked unless the caller serves the household's area")
    head_gender: str
    head_birth_date: dt.date | None
    members_count: int
    commune_code: str
    commune: str
    province: str
    village: str
    produce: list[str]
    farming_area: Decimal | None
    farming_area_unit: str
    created_at: dt.datetime

    @staticmethod
    def resolve_head_cccd(obj: Household, context: Any) -> str:
        shown = selectors.can_see_identity(actor=_actor(context), household=obj)
        return obj.head_cccd if shown else obj.masked_cccd

    @staticmethod
    def resolve_head_phone(obj: Household, context: Any) -> str:
        shown = selectors.can_see_identity(actor=_actor(context), household=obj)
        return obj.head_phone if shown else obj.masked_phone

    @staticmethod
    def resolve_commune_code(obj: Household) -> str:
        return obj.commune.code

    @staticmethod
    def resolve_commune(obj: Household) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_province(obj: Household) -> str:
        return obj.commune.province.name

    @staticmethod
    def resolve_produce(obj: Household) -> list[str]:
        return [p.code for p in obj.produce.all()]


class HouseholdDetailOut(HouseholdOut):
    milestones: list[MilestoneOut]
    next_step: str | None

    @staticmethod
    def resolve_milestones(obj: Household) -> list[Any]:
        return list(obj.milestones.select_related("marketplace"))

    @staticmethod
    def resolve_next_step(obj: Household) -> str | None:
        _steps, next_step, _hint = selectors.household_progress(household=obj)
        return next_step.kind if next_step else None


class HouseholdIn(Schema):
    head_name: str
    head_cccd: str
    head_gender: str = Field(description="male | female")
    commune_code: str = Field(description="Current commune code (5 digits)")
    consent: bool = Field(description="The head consented to data processing (Decree 13/2023)")
    head_birth_date: dt.date | None = None
    head_phone: str = ""
    members_count: int = 1
    village: str = ""
    produce: list[str] = Field(default_factory=list, description="Produce kind codes")
    farming_area: Decimal | None = None
    farming_area_unit: str = "m2"
