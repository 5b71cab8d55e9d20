"""Shapes of the partner API, with the examples the OpenAPI document shows."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

HOUSEHOLD_EXAMPLE = {
    "external_id": "vs-000123",
    "version": 3,
    "cccd": "020180000123",
    "head_name": "Nông Văn Dũng",
    "head_birth_date": "1980-04-12",
    "head_gender": "male",
    "head_phone": "0912345678",
    "commune_code": "06187",
    "village": "Thôn Nà Lẹng",
    "shop_name": "Hồi Văn Quan",
    "shop_url": "https://voso.vn/shop/hoi-van-quan",
    "status": "active",
    "consent": True,
}
MILESTONE_EXAMPLE = {
    "external_id": "vs-ms-98765",
    "version": 1,
    "cccd": "020180000123",
    "kind": "shop_opened",
    "achieved_at": "2026-03-02T09:30:00+07:00",
}


class HouseholdBatchIn(Schema):
    records: list[Any] = Field(
        description=(
            "Up to 10,000 household accounts. Each record: `external_id` (your account id, "
            "≤64 chars), `version` (integer; a higher one updates, the same one is ignored, a "
            "lower one is rejected as stale), `cccd` (12 digits), and for a household new to the "
            "national registry `head_name`, `commune_code` (current 5-digit commune code) and "
            "`consent: true`; optional `head_birth_date`, `head_gender` (male/female), "
            "`head_phone`, `village`, `shop_name`, `shop_url`, `status` "
            "(active/suspended/closed)."
        ),
        json_schema_extra={"examples": [[HOUSEHOLD_EXAMPLE]]},
    )


class MilestoneBatchIn(Schema):
    records: list[Any] = Field(
        description=(
            "Up to 10,000 milestones. Each record: `external_id`, `version`, `cccd` of a "
            "household already known, `kind` (shop_opened, payment_account, first_product, "
            "first_sale, brand_marked, traced) and `achieved_at` (ISO 8601 with a time zone)."
        ),
        json_schema_extra={"examples": [[MILESTONE_EXAMPLE]]},
    )


class RejectedOut(Schema):
    index: int = Field(description="Position of the record in the batch, from 0")
    external_id: str
    field: str
    reason: str


class IngestOut(Schema):
    batch_id: int
    request_id: str
    received_at: dt.datetime
    total: int
    created: int
    updated: int
    unchanged: int = Field(description="Same version as already received: nothing changed")
    rejected: list[RejectedOut]


class BatchOut(Schema):
    id: int
    kind: str
    request_id: str
    key_prefix: str
    received_at: dt.datetime
    total: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedOut]

    @staticmethod
    def resolve_rejected(obj: Any) -> list[Any]:
        return list(obj.rejections.all())


class AccountOut(Schema):
    external_id: str
    version: int
    household_id: int
    commune_code: str = Field(alias="household.commune.code")
    shop_name: str
    shop_url: str
    status: str
    batch_id: int = Field(description="The batch that last wrote this account")
    updated_at: dt.datetime


class RotateIn(Schema):
    grace_seconds: int = Field(
        0, ge=0, le=7 * 24 * 3600, description="How long the old key keeps working"
    )


class KeyOut(Schema):
    key: str = Field(description="The new key, shown only this once")
    prefix: str
    old_key_expires_at: dt.datetime | None


class WebhookIn(Schema):
    url: str = Field(max_length=500, examples=["https://partner.example/nongsan/webhooks"])
    events: list[str] = Field(
        examples=[["household.milestone_recorded", "order.delivered", "difficulty.answered"]]
    )


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    created_at: dt.datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Signs every delivery; shown only at creation")


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event: str
    event_id: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str = Field(
        description="'' once delivered; 'not_accepted' (your server answered last_status_code) "
        "or 'unreachable' (it could not be called). Nothing of the platform's own network."
    )
    created_at: dt.datetime
    delivered_at: dt.datetime | None

    @staticmethod
    def resolve_last_error(obj: Any) -> str:
        if not obj.last_error:
            return ""
        return "not_accepted" if obj.last_status_code else "unreachable"


class CrossCountsOut(Schema):
    households: int
    one_only: int
    several: int
    listings: int
    per_marketplace: dict[str, int]
