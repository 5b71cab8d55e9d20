"""Every write of the partner API: households' accounts and milestones ingested in batches, key
rotation, rate limits, webhook subscriptions and deliveries.

An ingest is one transaction and a handful of bulk queries whatever the batch size. Each record
is validated on its own: the rejected ones come back with their reasons, the rest are kept.
Re-delivery is idempotent by (marketplace, external id, version): the same version changes
nothing, a lower one is stale. Every batch keeps who sent it, with which key, under which request
id and when; every account, milestone and household it wrote points back to it.
"""

import datetime as dt
import functools
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import ApiKey, Role, User
from nongsan.core import http
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold
from nongsan.core.validators import parse_cccd
from nongsan.geo.models import Commune
from nongsan.households import importing as households_importing
from nongsan.households import services as households_services
from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Marketplace
from nongsan.partners.models import (
    Event,
    IngestBatch,
    PartnerAccount,
    PartnerMilestone,
    Rejection,
    WebhookDelivery,
    WebhookEndpoint,
)
from nongsan.partners.records import RecordReader

MAX_BATCH = 10_000
IN_BATCH = 500  # ids per IN (...) lookup
T = TypeVar("T")

# Milestones a marketplace can witness; training and registration are the localities' to record.
PARTNER_MILESTONES = (
    Milestone.Kind.SHOP_OPENED,
    Milestone.Kind.PAYMENT_ACCOUNT,
    Milestone.Kind.FIRST_PRODUCT,
    Milestone.Kind.FIRST_SALE,
    Milestone.Kind.BRAND_MARKED,
    Milestone.Kind.TRACED,
)
PARTNER_MILESTONE_VALUES = tuple(str(kind) for kind in PARTNER_MILESTONES)
GENDERS = tuple(Household.Gender.values)
ACCOUNT_STATUSES = tuple(PartnerAccount.Status.values)
EARLIEST = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rejected:
    index: int
    external_id: str
    reason: str
    field: str = ""


@dataclass
class BatchResult:
    batch: IngestBatch
    rejected: list[Rejected] = field(default_factory=list)


def _chunks(items: Sequence[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """The registry import's bulk insert (COPY on PostgreSQL); a row written by a concurrent
    batch of the same partner makes this one fail whole, to be sent again."""
    try:
        with transaction.atomic():
            households_importing.bulk_insert(model, rows)
    except IntegrityError as exc:
        raise ApplicationError(
            _("Một lô khác của sàn đang ghi cùng bản ghi; hãy gửi lại lô này."), code="conflict"
        ) from exc


# --- Who is the partner -----------------------------------------------------------------------


def partner_marketplace(*, actor: Any) -> Marketplace:
    """The marketplace an API caller acts for; only an external marketplace's operator feeds it."""
    if (
        not getattr(actor, "is_authenticated", False)
        or actor.role != Role.MARKETPLACE_OPERATOR
        or actor.marketplace_id is None
    ):
        raise ApplicationError(
            _("Chỉ tài khoản của sàn TMĐT đối tác dùng được API này."), code="forbidden"
        )
    marketplace: Marketplace = actor.marketplace
    if not marketplace.is_active:
        raise ApplicationError(_("Sàn này đang tạm ngừng."), code="forbidden")
    return marketplace


def _external_marketplace(*, actor: Any) -> Marketplace:
    marketplace = partner_marketplace(actor=actor)
    if marketplace.is_hosted:
        raise ApplicationError(
            _("Sàn vận hành trên nền tảng này được tính số liệu trực tiếp, không gửi qua API."),
            code="forbidden",
        )
    return marketplace


def rate_limit_hit(*, key: str, now: float | None = None) -> None:
    """Count one request against the caller's per-minute allowance; over it, RateLimited."""
    limit = int(str(settings.PARTNERS["RATE_LIMIT_PER_MINUTE"]))
    now = time.time() if now is None else now
    window = int(now // 60)
    cache_key = f"partners-rate:{key}:{window}"
    if cache.add(cache_key, 1, timeout=70):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=70)
            count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, 60 * (window + 1) - int(now)))


def _batch_open(
    *, actor: User, marketplace: Marketplace, kind: str, api_key: ApiKey | None, request_id: str
) -> IngestBatch:
    return IngestBatch.objects.create(
        marketplace=marketplace,
        kind=kind,
        sent_by=actor,
        key_prefix=api_key.prefix if api_key is not None else "",
        request_id=request_id[:64] or uuid.uuid4().hex,
        received_at=timezone.now(),
    )


def _check_size(records: Sequence[Any]) -> None:
    if not records:
        raise ApplicationError(_("Lô dữ liệu đang trống."), field="records")
    if len(records) > MAX_BATCH:
        raise ApplicationError(
            _("Mỗi lô tối đa %(n)s bản ghi; lô này có %(m)s.")
            % {"n": f"{MAX_BATCH:,}".replace(",", "."), "m": f"{len(records):,}".replace(",", ".")},
            field="records",
        )


def _close(batch: IngestBatch, result: BatchResult, counts: Mapping[str, int]) -> BatchResult:
    Rejection.objects.bulk_create(
        [
            Rejection(
                batch=batch,
                index=r.index,
                external_id=r.external_id[:64],
                field=r.field[:40],
                reason=r.reason[:500],
            )
            for r in result.rejected
        ],
        batch_size=1000,
    )
    batch.created = counts.get("created", 0)
    batch.updated = counts.get("updated", 0)
    batch.unchanged = counts.get("unchanged", 0)
    batch.rejected = len(result.rejected)
    batch.save(update_fields=["total", "created", "updated", "unchanged", "rejected"])
    return result


@dataclass
class _Versioned:
    index: int
    external_id: str
    version: int
    reader: RecordReader


def _versions_held(
    model: Any, marketplace: Marketplace
) -> Callable[[Sequence[str]], dict[str, int]]:
    """The version held for each external id the partner already sent (accounts or milestones)."""

    def held(ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(ids):
            found.update(
                model.objects.filter(marketplace=marketplace, external_id__in=chunk).values_list(
                    "external_id", "version"
                )
            )
        return found

    return held


def _screen_versions(
    *,
    records: Sequence[Any],
    existing_versions: Any,
    result: BatchResult,
    counts: dict[str, int],
    read: Any,
) -> list[_Versioned]:
    """Records worth writing: valid in shape, first of their id in the batch, newer than stored."""
    readers: list[_Versioned] = []
    first_at: dict[str, int] = {}
    for index, record in enumerate(records):
        reader = RecordReader(record)
        external_id = reader.text("external_id", required=True, max_length=64)
        version = reader.integer("version")
        read(reader)
        if external_id and external_id in first_at:
            reader.fail(
                "external_id",
                _("Trùng external_id với bản ghi số %(i)s của lô.") % {"i": first_at[external_id]},
            )
        elif external_id:
            first_at[external_id] = index
        if not reader.ok:
            result.rejected.append(
                Rejected(index, external_id, reader.reason(), reader.first_field())
            )
            continue
        assert version is not None
        readers.append(_Versioned(index, external_id, version, reader))
    stored = existing_versions([item.external_id for item in readers])
    fresh: list[_Versioned] = []
    for item in readers:
        current = stored.get(item.external_id)
        if current is not None and item.version == current:
            counts["unchanged"] += 1
        elif current is not None and item.version < current:
            result.rejected.append(
                Rejected(
                    item.index,
                    item.external_id,
                    _("Phiên bản %(v)s cũ hơn phiên bản đã nhận (%(c)s).")
                    % {"v": item.version, "c": current},
                    "version",
                )
            )
        else:
            fresh.append(item)
    return fresh


# --- Households' accounts ---------------------------------------------------------------------


def _read_household(reader: RecordReader) -> None:
    reader.text("cccd", required=True, max_length=20)
    reader.text("head_name", max_length=150)
    reader.date("head_birth_date")
    reader.choice("head_gender", GENDERS, default="-")
    reader.text("head_phone", max_length=20)
    reader.text("commune_code", max_length=5)
    reader.text("village", max_length=100)
    reader.text("shop_name", max_length=200)
    shop_url = reader.text("shop_url", max_length=200)
    if shop_url and not shop_url.startswith(("https://", "http://")):
        reader.fail("shop_url", _("Trường shop_url phải là địa chỉ http(s)."))
    reader.choice("status", ACCOUNT_STATUSES, default=PartnerAccount.Status.ACTIVE)
    reader.boolean("consent")


@transaction.atomic
def households_ingest(
    *,
    actor: User,
    records: Sequence[Any],
    api_key: ApiKey | None = None,
    request_id: str = "",
) -> BatchResult:
    """Register or update households' accounts on the caller's marketplace, matched to the
    national household record by CCCD; a household not yet in the registry is created."""
    marketplace = _external_marketplace(actor=actor)
    _check_size(records)
    batch = _batch_open(
        actor=actor,
        marketplace=marketplace,
        kind=IngestBatch.Kind.HOUSEHOLDS,
        api_key=api_key,
        request_id=request_id,
    )
    batch.total = len(records)
    result = BatchResult(batch)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = batch.received_at

    fresh = _screen_versions(
        records=records,
        existing_versions=_versions_held(PartnerAccount, marketplace),
        result=result,
        counts=counts,
        read=_read_household,
    )

    # The registry's identity check (CCCD against birth year and gender, the phone number).
    checked: list[tuple[_Versioned, str, str]] = []
    first_cccd: dict[str, int] = {}
    for item in fresh:
        reader = item.reader
        gender = reader.text("head_gender")
        gender = "" if gender == "-" else gender
        try:
            cccd, phone = households_services.identity_clean(
                cccd=reader.raw("cccd"),
                birth_date=reader.date("head_birth_date"),
                gender=gender,
                phone=reader.raw("head_phone") or "",
            )
        except ApplicationError as exc:
            field_name = {"head_cccd": "cccd"}.get(exc.field or "", exc.field or "")
            result.rejected.append(Rejected(item.index, item.external_id, exc.message, field_name))
            continue
        if cccd in first_cccd:
            result.rejected.append(
                Rejected(
                    item.index,
                    item.external_id,
                    _("Số CCCD trùng với bản ghi số %(i)s của lô.") % {"i": first_cccd[cccd]},
                    "cccd",
                )
            )
            continue
        first_cccd[cccd] = item.index
        checked.append((item, cccd, phone))

    households: dict[str, dict[str, Any]] = {}
    cccds = [cccd for _item, cccd, _phone in checked]
    for chunk in _chunks(cccds):
        for row in Household.objects.filter(head_cccd__in=chunk).values(
            "pk", "head_cccd", "commune_id"
        ):
            households[row["head_cccd"]] = dict(row)
    accounts: dict[str, PartnerAccount] = {}
    by_household: dict[int, str] = {}
    ids = [item.external_id for item, _c, _p in checked]
    for chunk in _chunks(ids):
        for stored in PartnerAccount.objects.filter(marketplace=marketplace, external_id__in=chunk):
            accounts[stored.external_id] = stored
    household_ids = [row["pk"] for row in households.values()]
    for id_chunk in _chunks(household_ids):
        by_household.update(
            PartnerAccount.objects.filter(
                marketplace=marketplace, household_id__in=id_chunk
            ).values_list("household_id", "external_id")
        )
    codes = sorted({item.reader.text("commune_code") for item, _c, _p in checked} - {""})
    communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "pk"))

    new_households: list[tuple[_Versioned, str, str]] = []
    ready: list[tuple[_Versioned, str]] = []
    for item, cccd, phone in checked:
        reader = item.reader
        known = households.get(cccd)
        account = accounts.get(item.external_id)
        if account is not None and (known is None or account.household_id != known["pk"]):
            result.rejected.append(
                Rejected(
                    item.index,
                    item.external_id,
                    _("Tài khoản này đã gắn với một hộ có số CCCD khác; không đổi CCCD được."),
                    "cccd",
                )
            )
            continue
        if known is not None:
            holder = by_household.get(known["pk"])
            if holder is not None and holder != item.external_id:
                result.rejected.append(
                    Rejected(
                        item.index,
                        item.external_id,
                        _("Hộ có số CCCD này đã có tài khoản %(other)s trên sàn.")
                        % {"other": holder},
                        "cccd",
                    )
                )
                continue
            ready.append((item, cccd))
            continue
        problems = []
        if not reader.text("head_name"):
            problems.append(("head_name", _("Hộ mới cần họ tên chủ hộ (head_name).")))
        code = reader.text("commune_code")
        if not code:
            problems.append(("commune_code", _("Hộ mới cần mã xã/phường (commune_code).")))
        elif code not in communes:
            problems.append(("commune_code", _("Không có xã/phường mã %(code)s.") % {"code": code}))
        if reader.boolean("consent") is not True:
            problems.append(
                (
                    "consent",
                    _("Hộ mới cần consent: true (chủ hộ đồng ý xử lý dữ liệu cá nhân)."),
                )
            )
        if problems:
            result.rejected.append(
                Rejected(
                    item.index,
                    item.external_id,
                    "; ".join(message.rstrip(".") for _f, message in problems) + ".",
                    problems[0][0],
                )
            )
            continue
        new_households.append((item, cccd, phone))

    # New households in bulk, with their REGISTERED milestone, as the registry's import does.
    if new_households:
        rows = []
        for item, cccd, phone in new_households:
            reader = item.reader
            name = reader.text("head_name")
            gender = reader.text("head_gender")
            citizen_female = int(cccd[3]) % 2 == 1
            rows.append(
                {
                    "head_name": name,
                    "head_name_key": fold(name),
                    "head_cccd": cccd,
                    "head_birth_date": reader.date("head_birth_date"),
                    "head_gender": gender
                    if gender in GENDERS
                    else (Household.Gender.FEMALE if citizen_female else Household.Gender.MALE),
                    "head_phone": phone,
                    "members_count": 1,
                    "commune_id": communes[reader.text("commune_code")],
                    "village": reader.text("village"),
                    "street": "",
                    "farming_area": None,
                    "farming_area_unit": Household.AreaUnit.SQUARE_METRE,
                    "user_id": None,
                    "registered_by_id": actor.pk,
                    "consent_at": now,
                    "consent_recorded_by_id": actor.pk,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        try:
            with transaction.atomic():
                new_ids = households_importing.bulk_insert(Household, rows)
        except IntegrityError as exc:  # the same CCCD registered a moment ago by someone else
            raise ApplicationError(
                _("Một số hộ vừa được đăng ký đồng thời; hãy gửi lại lô này."), code="conflict"
            ) from exc
        households_importing.bulk_insert(
            Milestone,
            [
                {
                    "household_id": household_id,
                    "kind": Milestone.Kind.REGISTERED,
                    "achieved_at": now,
                    "commune_id": row["commune_id"],
                    "recorded_at": now,
                    "source": f"partner:{batch.pk}",
                }
                for household_id, row in zip(new_ids, rows, strict=True)
            ],
            ignore_conflicts=True,
        )
        for household_id, (item, cccd, _phone) in zip(new_ids, new_households, strict=True):
            households[cccd] = {"pk": household_id}
            ready.append((item, cccd))

    creates: list[dict[str, Any]] = []
    updates: list[PartnerAccount] = []
    for item, cccd in ready:
        reader = item.reader
        values = {
            "version": item.version,
            "shop_name": reader.text("shop_name"),
            "shop_url": reader.text("shop_url"),
            "status": reader.text("status") or PartnerAccount.Status.ACTIVE,
            "batch_id": batch.pk,
            "updated_at": now,
        }
        account = accounts.get(item.external_id)
        if account is None:
            creates.append(
                {
                    "marketplace_id": marketplace.pk,
                    "external_id": item.external_id,
                    "household_id": households[cccd]["pk"],
                    "created_at": now,
                    **values,
                }
            )
        else:
            for name, value in values.items():
                setattr(account, name, value)
            updates.append(account)
    _insert(PartnerAccount, creates)
    PartnerAccount.objects.bulk_update(
        updates, ["version", "shop_name", "shop_url", "status", "batch", "updated_at"], 1000
    )
    counts["created"] += len(creates)
    counts["updated"] += len(updates)
    result.rejected.sort(key=lambda r: r.index)
    return _close(batch, result, counts)


# --- Milestones -------------------------------------------------------------------------------


def _read_milestone(reader: RecordReader) -> None:
    reader.text("cccd", required=True, max_length=20)
    reader.choice("kind", PARTNER_MILESTONE_VALUES)
    achieved = reader.moment("achieved_at", required=True)
    if achieved is not None and achieved < EARLIEST:
        reader.fail("achieved_at", _("Trường achieved_at trước năm 2020."))


@transaction.atomic
def milestones_ingest(
    *,
    actor: User,
    records: Sequence[Any],
    api_key: ApiKey | None = None,
    request_id: str = "",
) -> BatchResult:
    """Households' first achievements on the caller's marketplace (shop opened, e-payment
    account, ...). A household's milestone is recorded once, the first report standing."""
    marketplace = _external_marketplace(actor=actor)
    _check_size(records)
    batch = _batch_open(
        actor=actor,
        marketplace=marketplace,
        kind=IngestBatch.Kind.MILESTONES,
        api_key=api_key,
        request_id=request_id,
    )
    batch.total = len(records)
    result = BatchResult(batch)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = batch.received_at

    fresh = _screen_versions(
        records=records,
        existing_versions=_versions_held(PartnerMilestone, marketplace),
        result=result,
        counts=counts,
        read=_read_milestone,
    )

    cccd_of: dict[int, str] = {}
    for item in fresh:
        try:
            cccd_of[item.index] = parse_cccd(
                item.reader.raw("cccd"), field="cccd", from_spreadsheet=True
            ).number
        except ApplicationError as exc:
            result.rejected.append(Rejected(item.index, item.external_id, exc.message, "cccd"))
    households: dict[str, tuple[int, int]] = {}
    cccds = sorted(set(cccd_of.values()))
    for chunk in _chunks(cccds):
        for pk, cccd, commune_id in Household.objects.filter(head_cccd__in=chunk).values_list(
            "pk", "head_cccd", "commune_id"
        ):
            households[cccd] = (pk, commune_id)
    existing: dict[str, PartnerMilestone] = {}
    ids = [item.external_id for item in fresh if item.index in cccd_of]
    for chunk in _chunks(ids):
        for stored_milestone in PartnerMilestone.objects.filter(
            marketplace=marketplace, external_id__in=chunk
        ):
            existing[stored_milestone.external_id] = stored_milestone

    creates: list[dict[str, Any]] = []
    updates: list[PartnerMilestone] = []
    earliest: dict[tuple[int, str], tuple[dt.datetime, int]] = {}
    for item in fresh:
        if item.index not in cccd_of:
            continue
        found = households.get(cccd_of[item.index])
        if found is None:
            result.rejected.append(
                Rejected(
                    item.index,
                    item.external_id,
                    _("Chưa có hộ với số CCCD này; hãy gửi tài khoản hộ trước."),
                    "cccd",
                )
            )
            continue
        household_id, commune_id = found
        kind = item.reader.text("kind")
        achieved = item.reader.moment("achieved_at")
        assert achieved is not None
        values = {
            "version": item.version,
            "household_id": household_id,
            "kind": kind,
            "achieved_at": achieved,
            "batch_id": batch.pk,
        }
        row = existing.get(item.external_id)
        if row is None:
            creates.append(
                {"marketplace_id": marketplace.pk, "external_id": item.external_id, **values}
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            updates.append(row)
        key = (household_id, kind)
        if key not in earliest or achieved < earliest[key][0]:
            earliest[key] = (achieved, commune_id)
    _insert(PartnerMilestone, creates)
    PartnerMilestone.objects.bulk_update(
        updates, ["version", "household_id", "kind", "achieved_at", "batch"], 1000
    )
    # The households' milestones: recorded once per (household, kind, marketplace), as
    # households.services.milestone_record does one at a time; the first one recorded stands.
    recorded: set[tuple[int, str]] = set()
    household_ids = sorted({household_id for household_id, _kind in earliest})
    for id_chunk in _chunks(household_ids):
        recorded.update(
            Milestone.objects.filter(
                household_id__in=id_chunk, marketplace=marketplace
            ).values_list("household_id", "kind")
        )
    # Only this partner records milestones on its own marketplace, so a conflict can only come
    # from two of its batches at once: the later one is asked to send again.
    _insert(
        Milestone,
        [
            {
                "household_id": household_id,
                "kind": kind,
                "marketplace_id": marketplace.pk,
                "achieved_at": achieved,
                "commune_id": commune_id,
                "recorded_at": now,
                "source": f"partner:{batch.pk}",
            }
            for (household_id, kind), (achieved, commune_id) in earliest.items()
            if (household_id, kind) not in recorded
        ],
    )
    counts["created"] += len(creates)
    counts["updated"] += len(updates)
    result.rejected.sort(key=lambda r: r.index)
    return _close(batch, result, counts)


# --- Keys -------------------------------------------------------------------------------------


def partner_key_rotate(
    *, actor: User, api_key: ApiKey | None, grace_seconds: int = 0
) -> tuple[ApiKey, str]:
    """Rotate the key the caller is using: a new key now, the old one lapsing after the grace."""
    partner_marketplace(actor=actor)
    if api_key is None or api_key.user_id != actor.pk:
        raise ApplicationError(
            _("Hãy gọi bằng chính khóa API cần đổi (tiêu đề X-API-Key)."), field="X-API-Key"
        )
    return accounts_services.api_key_rotate(key=api_key, grace=dt.timedelta(seconds=grace_seconds))


# --- Webhooks ---------------------------------------------------------------------------------


SUBSCRIBERS_CACHE_KEY = "partners:webhook-subscribers"


def subscribed_marketplaces() -> frozenset[int]:
    """Marketplaces with an active webhook endpoint, cached: events of lower apps check it on
    every save, so a platform without subscribers pays no query for them."""
    found = cache.get(SUBSCRIBERS_CACHE_KEY)
    if found is None:
        found = frozenset(
            WebhookEndpoint.objects.filter(is_active=True).values_list("marketplace_id", flat=True)
        )
        cache.set(SUBSCRIBERS_CACHE_KEY, found, timeout=300)
    return frozenset(found)


def webhook_subscribe(*, actor: User, url: str, events: Sequence[str]) -> WebhookEndpoint:
    marketplace = partner_marketplace(actor=actor)
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise ApplicationError(
            _("Địa chỉ nhận phải là URL http(s), tối đa 500 ký tự."), field="url"
        )
    if http.plainly_internal(url):
        raise ApplicationError(
            _("Địa chỉ nhận phải là máy chủ công khai trên Internet của sàn."), field="url"
        )
    unknown = sorted(set(events) - set(Event.values))
    if unknown or not events:
        raise ApplicationError(
            _("Sự kiện phải là một hoặc nhiều trong: %(c)s.") % {"c": ", ".join(Event.values)},
            field="events",
        )
    if WebhookEndpoint.objects.filter(marketplace=marketplace, is_active=True).count() >= 10:
        raise ApplicationError(_("Mỗi sàn tối đa 10 địa chỉ webhook."), field="url")
    endpoint = WebhookEndpoint(marketplace=marketplace, url=url, events=sorted(set(events)))
    endpoint.full_clean()
    endpoint.save()
    transaction.on_commit(lambda: cache.delete(SUBSCRIBERS_CACHE_KEY))
    return endpoint


def webhook_unsubscribe(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    marketplace = partner_marketplace(actor=actor)
    if endpoint.marketplace_id != marketplace.pk:
        raise ApplicationError(_("Không tìm thấy."), code="forbidden")
    endpoint.is_active = False
    endpoint.save(update_fields=["is_active"])
    transaction.on_commit(lambda: cache.delete(SUBSCRIBERS_CACHE_KEY))
    return endpoint


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: `t=<unix time>,v1=<HMAC-SHA256 of "t.body">`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(*, secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: check the signature and refuse replays older than `tolerance`."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def event_emit(*, marketplace_id: int, event: str, event_id: str, data: Mapping[str, Any]) -> int:
    """Queue an event for every endpoint of the marketplace subscribed to it (once per event id);
    the deliveries start after the commit."""
    if marketplace_id not in subscribed_marketplaces():
        return 0
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            marketplace_id=marketplace_id, is_active=True
        )
        if event in endpoint.events
    ]
    if not endpoints:
        return 0
    payload = {
        "id": event_id,
        "type": event,
        "created_at": timezone.now().isoformat(),
        "data": dict(data),
    }
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, event=event, event_id=event_id, payload=payload)
            for endpoint in endpoints
        ],
        ignore_conflicts=True,
    )
    ids = list(
        WebhookDelivery.objects.filter(
            endpoint__in=endpoints, event_id=event_id, status=WebhookDelivery.Status.PENDING
        ).values_list("pk", flat=True)
    )
    from nongsan.partners import tasks

    for delivery_id in ids:
        transaction.on_commit(
            functools.partial(tasks.deliver_webhook.delay, delivery_id=delivery_id)
        )
    return len(ids)


def webhook_attempt(*, delivery_id: int) -> WebhookDelivery:
    """Send one delivery once; a failure is recorded and raised for the task to retry."""
    from nongsan.partners import transport

    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        return delivery
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Nongsan-Event": delivery.event,
        "X-Nongsan-Delivery": str(delivery.pk),
        "X-Nongsan-Signature": sign(
            secret=delivery.endpoint.secret, timestamp=timestamp, body=body
        ),
    }
    delivery.attempts += 1
    try:
        status = transport.sender().post(url=delivery.endpoint.url, body=body, headers=headers)
    except transport.DeliveryError as exc:
        delivery.last_status_code = None
        delivery.last_error = str(exc)[:300]
        delivery.save(update_fields=["attempts", "last_status_code", "last_error"])
        raise
    delivery.last_status_code = status
    if 200 <= status < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save()
        return delivery
    delivery.last_error = f"HTTP {status}"
    delivery.save(update_fields=["attempts", "last_status_code", "last_error"])
    raise transport.DeliveryError(f"HTTP {status}")


def webhook_give_up(*, delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).exclude(
        status=WebhookDelivery.Status.DELIVERED
    ).update(status=WebhookDelivery.Status.FAILED)
