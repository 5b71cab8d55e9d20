"""The partner API under /api/partners/: external marketplaces register households' accounts and
report milestones in batches, rotate their key, subscribe to signed webhooks. Every call acts for
the caller's own marketplace only and counts against its per-minute allowance."""

import functools
import re
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.partners import selectors, services
from nongsan.partners.models import PartnerAccount, WebhookEndpoint
from nongsan.partners.schemas import (
    AccountOut,
    BatchOut,
    CrossCountsOut,
    DeliveryOut,
    HouseholdBatchIn,
    IngestOut,
    KeyOut,
    MilestoneBatchIn,
    RotateIn,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
)

router = Router(tags=["partners"], auth=api_auth)
F = TypeVar("F", bound=Callable[..., Any])
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def limited(func: F) -> F:
    """Count the call against the key's (or the session user's) allowance; over it, a 429."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        api_key = getattr(request, "api_key", None)
        who = f"key:{api_key.prefix}" if api_key is not None else f"user:{request.user.pk}"
        try:
            services.rate_limit_hit(key=who)
        except services.RateLimited as exc:
            response = JsonResponse(
                {
                    "code": "rate_limited",
                    "message": _("Gửi quá nhiều yêu cầu; thử lại sau %(s)s giây.")
                    % {"s": exc.retry_after},
                },
                status=429,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        return func(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _request_id(request: HttpRequest) -> str:
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def _ingest_out(result: services.BatchResult) -> dict[str, Any]:
    batch = result.batch
    return {
        "batch_id": batch.pk,
        "request_id": batch.request_id,
        "received_at": batch.received_at,
        "total": batch.total,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": [
            {"index": r.index, "external_id": r.external_id, "field": r.field, "reason": r.reason}
            for r in result.rejected
        ],
    }


@router.post(
    "/households",
    response=IngestOut,
    summary="Register or update households' accounts (batch, idempotent)",
    openapi_extra={"responses": {429: {"description": "Too many requests; see Retry-After"}}},
)
@limited
@refused_is_403
def households_ingest(request: HttpRequest, payload: HouseholdBatchIn) -> Any:
    """Each record is matched to the national household record by CCCD (created if new) and
    validated on its own; the answer lists every rejected record with its reason."""
    result = services.households_ingest(
        actor=request.user,  # type: ignore[arg-type]
        records=payload.records,
        api_key=getattr(request, "api_key", None),
        request_id=_request_id(request),
    )
    return _ingest_out(result)


@router.post(
    "/milestones",
    response=IngestOut,
    summary="Report households' milestones on your marketplace (batch, idempotent)",
)
@limited
@refused_is_403
def milestones_ingest(request: HttpRequest, payload: MilestoneBatchIn) -> Any:
    result = services.milestones_ingest(
        actor=request.user,  # type: ignore[arg-type]
        records=payload.records,
        api_key=getattr(request, "api_key", None),
        request_id=_request_id(request),
    )
    return _ingest_out(result)


@router.get("/households", response=list[AccountOut], summary="Your marketplace's accounts")
@limited
@paginate(BoundedPagination)
def account_list(request: HttpRequest, status: str = "") -> Any:
    if status and status not in PartnerAccount.Status.values:
        raise HttpError(400, _("Trạng thái không hợp lệ."))
    return selectors.account_list(actor=request.user, status=status)


@router.get("/households/{external_id}", response=AccountOut)
@limited
def account_detail(request: HttpRequest, external_id: str) -> Any:
    return selectors.account_get_for(actor=request.user, external_id=external_id)


@router.get("/batches/{batch_id}", response=BatchOut, summary="A batch you sent, as received")
@limited
def batch_detail(request: HttpRequest, batch_id: int) -> Any:
    if batch_id > 2**62:
        raise HttpError(404, _("Không tìm thấy."))
    return selectors.batch_get_for(actor=request.user, batch_id=batch_id)


@router.post("/keys/rotate", response=KeyOut, summary="Rotate the API key you call with")
@limited
@refused_is_403
def key_rotate(request: HttpRequest, payload: RotateIn) -> Any:
    old = getattr(request, "api_key", None)
    new_key, raw = services.partner_key_rotate(
        actor=request.user,  # type: ignore[arg-type]
        api_key=old,
        grace_seconds=payload.grace_seconds,
    )
    assert old is not None
    old.refresh_from_db()
    return {"key": raw, "prefix": new_key.prefix, "old_key_expires_at": old.revoked_at}


@router.get("/webhooks", response=list[WebhookOut])
@limited
def webhook_list(request: HttpRequest) -> Any:
    return list(selectors.webhook_list(actor=request.user))


@router.post("/webhooks", response={201: WebhookCreatedOut}, summary="Subscribe to events")
@limited
@refused_is_403
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Any:
    endpoint: WebhookEndpoint = services.webhook_subscribe(
        actor=request.user,  # type: ignore[arg-type]
        url=payload.url,
        events=payload.events,
    )
    return Status(201, endpoint)


@router.delete("/webhooks/{endpoint_id}", response={204: None})
@limited
@refused_is_403
def webhook_delete(request: HttpRequest, endpoint_id: int) -> Any:
    if endpoint_id > 2**62:
        raise HttpError(404, _("Không tìm thấy."))
    endpoint = selectors.webhook_get_for(actor=request.user, endpoint_id=endpoint_id)
    services.webhook_unsubscribe(actor=request.user, endpoint=endpoint)  # type: ignore[arg-type]
    return Status(204, None)


@router.get("/webhook-deliveries", response=list[DeliveryOut], summary="Delivery log")
@limited
@paginate(BoundedPagination)
def delivery_list(request: HttpRequest) -> Any:
    rows: Any = selectors.delivery_list(actor=request.user)
    return rows


@router.get(
    "/cross-marketplace",
    response=CrossCountsOut,
    summary="Households on one marketplace only and on several (Ministry, provinces)",
)
def cross_marketplace(request: HttpRequest) -> Any:
    if not selectors.may_see_cross_view(request.user):
        raise HttpError(403, _("Chỉ Bộ và Sở TTTT xem được số liệu này."))
    counts = selectors.cross_marketplace_counts(actor=request.user)
    return {
        "households": counts.households,
        "one_only": counts.one_only,
        "several": counts.several,
        "listings": counts.listings,
        "per_marketplace": {m.code: n for m, n in counts.per_marketplace},
    }
