"""Every write about information: editing and publishing bulletins, delivering them to the
households they target (SMS for urgent ones), recording reads, and the market price board."""

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.core import images
from nongsan.core.errors import ApplicationError
from nongsan.core.money import parse_vnd
from nongsan.core.text import fold, normalize
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Household, ProduceKind
from nongsan.info import selectors
from nongsan.info.models import Bulletin, BulletinUpdate, Delivery, MarketPrice

DELIVERY_BATCH = 2000
SMS_LENGTH = 160  # one unaccented SMS part


# --- Who may write what -------------------------------------------------------------------------


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(message, code="forbidden")


def _check_editor(
    *,
    actor: User,
    kind: str,
    is_nationwide: bool,
    provinces: Sequence[Province],
    communes: Sequence[Commune],
) -> None:
    """Ministry editors target anything; a province's editors their province; marketplace staff
    publish platform guides only."""
    if actor.is_superuser:
        return
    if actor.role == Role.MARKETPLACE_OPERATOR:
        if kind != Bulletin.Kind.PLATFORM_GUIDE:
            raise _forbidden("Người vận hành sàn chỉ đăng tin hướng dẫn dùng sàn.")
        return
    if actor.role != Role.INFO_EDITOR:
        raise _forbidden("Bạn không có quyền đăng bản tin.")
    if actor.province_id is None:
        return
    if is_nationwide:
        raise ApplicationError(
            "Biên tập viên của tỉnh không gửi tin toàn quốc; hãy chọn tỉnh hoặc xã nhận tin.",
            field="is_nationwide",
            code="forbidden",
        )
    outside = [p for p in provinces if p.pk != actor.province_id]
    if outside:
        raise ApplicationError(
            f"{outside[0].name} không thuộc địa bàn bạn phụ trách.",
            field="provinces",
            code="forbidden",
        )
    outside_communes = [c for c in communes if c.province_id != actor.province_id]
    if outside_communes:
        raise ApplicationError(
            f"{outside_communes[0].name} không thuộc tỉnh bạn phụ trách.",
            field="communes",
            code="forbidden",
        )


def _check_may_edit(*, actor: User, bulletin: Bulletin) -> None:
    if actor.is_superuser:
        return
    if actor.role == Role.INFO_EDITOR and (
        actor.province_id is None or actor.province_id == bulletin.province_id
    ):
        return
    if actor.role == Role.MARKETPLACE_OPERATOR and bulletin.marketplace_id == actor.marketplace_id:
        return
    raise _forbidden("Bạn không được sửa bản tin này.")


# --- Bulletins ----------------------------------------------------------------------------------


def _clean_fields(
    *,
    kind: str,
    title: str,
    body: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
    is_nationwide: bool,
    provinces: Sequence[Province],
    communes: Sequence[Commune],
) -> tuple[str, str]:
    if kind not in Bulletin.Kind.values:
        raise ApplicationError("Loại tin không hợp lệ.", field="kind")
    title = normalize(title)
    if not title:
        raise ApplicationError("Tiêu đề đang để trống.", field="title")
    if len(title) > 200:
        raise ApplicationError("Tiêu đề dài quá 200 ký tự.", field="title")
    body = unicodedata.normalize("NFC", body or "").strip()
    if not body:
        raise ApplicationError("Nội dung đang để trống.", field="body")
    if len(body) > 10_000:
        raise ApplicationError("Nội dung dài quá 10.000 ký tự.", field="body")
    if valid_until is not None and valid_until <= valid_from:
        raise ApplicationError(
            "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.", field="valid_until"
        )
    if not is_nationwide and not provinces and not communes:
        raise ApplicationError(
            "Hãy chọn nơi nhận tin: toàn quốc, hoặc ít nhất một tỉnh hay một xã.",
            field="provinces",
        )
    return title, body


@transaction.atomic
def bulletin_create(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str,
    is_urgent: bool = False,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    is_nationwide: bool = False,
    provinces: Sequence[Province] = (),
    communes: Sequence[Commune] = (),
    produce: Sequence[ProduceKind] = (),
    image: Any = None,
    attachment: Any = None,
    publish: bool = False,
    now: dt.datetime | None = None,
) -> Bulletin:
    """Write a bulletin (a draft, or published at once)."""
    now = now or timezone.now()
    valid_from = valid_from or now
    _check_editor(
        actor=actor,
        kind=kind,
        is_nationwide=is_nationwide,
        provinces=provinces,
        communes=communes,
    )
    title, body = _clean_fields(
        kind=kind,
        title=title,
        body=body,
        valid_from=valid_from,
        valid_until=valid_until,
        is_nationwide=is_nationwide,
        provinces=provinces,
        communes=communes,
    )
    bulletin = Bulletin(
        kind=kind,
        title=title,
        body=body,
        is_urgent=is_urgent,
        valid_from=valid_from,
        valid_until=valid_until,
        is_nationwide=is_nationwide,
        province_id=actor.province_id if actor.role == Role.INFO_EDITOR else None,
        marketplace_id=(actor.marketplace_id if actor.role == Role.MARKETPLACE_OPERATOR else None),
        author=actor,
        created_at=now,
        updated_at=now,
    )
    if image:
        bulletin.image = images.clean_photo(image, field="image")
    if attachment:
        bulletin.attachment = attachment
    bulletin.full_clean(exclude=["image", "attachment"])
    bulletin.save()
    bulletin.provinces.set(provinces)
    bulletin.communes.set(communes)
    bulletin.produce.set(produce)
    if publish:
        bulletin_publish(actor=actor, bulletin=bulletin, now=now)
    return bulletin


@transaction.atomic
def bulletin_update(
    *,
    actor: User,
    bulletin: Bulletin,
    title: str,
    body: str,
    is_urgent: bool,
    valid_until: dt.datetime | None,
    is_nationwide: bool,
    provinces: Sequence[Province],
    communes: Sequence[Commune],
    produce: Sequence[ProduceKind],
    now: dt.datetime | None = None,
) -> Bulletin:
    """Correct a bulletin; once published, a correction counts as an update (III.2) and reaches
    households newly targeted (no second SMS to those who had it)."""
    now = now or timezone.now()
    _check_may_edit(actor=actor, bulletin=bulletin)
    _check_editor(
        actor=actor,
        kind=bulletin.kind,
        is_nationwide=is_nationwide,
        provinces=provinces,
        communes=communes,
    )
    if bulletin.status == Bulletin.Status.WITHDRAWN:
        raise ApplicationError("Bản tin đã gỡ, không sửa được.", field="status")
    bulletin.title, bulletin.body = _clean_fields(
        kind=bulletin.kind,
        title=title,
        body=body,
        valid_from=bulletin.valid_from,
        valid_until=valid_until,
        is_nationwide=is_nationwide,
        provinces=provinces,
        communes=communes,
    )
    bulletin.is_urgent = is_urgent
    bulletin.valid_until = valid_until
    bulletin.is_nationwide = is_nationwide
    bulletin.updated_at = now
    bulletin.save()
    bulletin.provinces.set(provinces)
    bulletin.communes.set(communes)
    bulletin.produce.set(produce)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        BulletinUpdate.objects.create(
            bulletin=bulletin, kind=BulletinUpdate.Kind.REVISED, at=now, actor=actor
        )
        _deliver_after_commit(bulletin)
    return bulletin


@transaction.atomic
def bulletin_publish(
    *, actor: User, bulletin: Bulletin, now: dt.datetime | None = None
) -> Bulletin:
    """Publish a draft: it enters the feeds of the households it targets, by SMS if urgent."""
    now = now or timezone.now()
    _check_may_edit(actor=actor, bulletin=bulletin)
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.status != Bulletin.Status.DRAFT:
        raise ApplicationError("Chỉ đăng được bản tin đang là bản nháp.", field="status")
    if locked.valid_until is not None and locked.valid_until <= now:
        raise ApplicationError("Bản tin đã hết hiệu lực, không đăng được.", field="valid_until")
    Bulletin.objects.filter(pk=bulletin.pk).update(
        status=Bulletin.Status.PUBLISHED, published_at=now, updated_at=now
    )
    bulletin.status, bulletin.published_at, bulletin.updated_at = (
        Bulletin.Status.PUBLISHED,
        now,
        now,
    )
    BulletinUpdate.objects.create(
        bulletin=bulletin, kind=BulletinUpdate.Kind.PUBLISHED, at=now, actor=actor
    )
    _deliver_after_commit(bulletin)
    return bulletin


@transaction.atomic
def bulletin_withdraw(*, actor: User, bulletin: Bulletin) -> Bulletin:
    """Take a bulletin out of every feed (it stays counted as published when it was)."""
    _check_may_edit(actor=actor, bulletin=bulletin)
    if bulletin.status == Bulletin.Status.WITHDRAWN:
        return bulletin
    bulletin.status = Bulletin.Status.WITHDRAWN
    bulletin.updated_at = timezone.now()
    bulletin.save(update_fields=["status", "updated_at"])
    return bulletin


def _deliver_after_commit(bulletin: Bulletin) -> None:
    from nongsan.info import tasks  # tasks import services: resolved at call time

    bulletin_id = bulletin.pk
    transaction.on_commit(lambda: tasks.bulletin_deliver.delay(bulletin_id=bulletin_id))


def sms_text(bulletin: Bulletin) -> str:
    """The unaccented SMS (one 160-character part) for an urgent bulletin.

    Unaccented: a Vietnamese-with-diacritics SMS is billed as Unicode, 70 characters a part.
    """
    decomposed = unicodedata.normalize("NFD", f"{bulletin.get_kind_display()}: {bulletin.title}")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("đ", "d").replace("Đ", "D")
    suffix = f" Xem tai muc Tin cua ho, ma tin {bulletin.pk}."
    room = SMS_LENGTH - len(suffix)
    if len(plain) > room:
        plain = plain[: room - 1].rstrip() + "…"
    return plain + suffix


def bulletin_deliver(*, bulletin_id: int, now: dt.datetime | None = None) -> int:
    """Put a published bulletin in the feed of every household it targets that does not have it
    yet, in batches; urgent ones also go by SMS to the households' phones (through the adapter).

    Repeating it delivers nothing twice and sends no second SMS. Returns the new deliveries.
    """
    now = now or timezone.now()
    bulletin = Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.PUBLISHED).first()
    if bulletin is None or not selectors.is_current(bulletin, now=now):
        return 0
    targeted = selectors.households_targeted(bulletin=bulletin).order_by("pk")
    url = reverse("info:read", args=[bulletin.pk])
    made = 0
    last_pk = 0
    while True:
        batch = list(
            targeted.filter(pk__gt=last_pk)
            .exclude(bulletin_deliveries__bulletin=bulletin)
            .select_related("user")[:DELIVERY_BATCH]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        with transaction.atomic():
            rows = Delivery.objects.bulk_create(
                [
                    Delivery(
                        bulletin=bulletin,
                        household=household,
                        delivered_at=now,
                        sms_sent=bulletin.is_urgent and bool(household.user_id),
                    )
                    for household in batch
                ],
                ignore_conflicts=True,
            )
            accounts_services.notify(
                notices=[
                    accounts_services.Notice(
                        user=household.user,
                        message=sms_text(bulletin) if bulletin.is_urgent else bulletin.title,
                        url=url,
                        sms=bulletin.is_urgent,
                    )
                    for household in batch
                    if household.user is not None
                ]
            )
        made += len(rows)
    if made:
        Bulletin.objects.filter(pk=bulletin.pk).update(
            delivered_count=Delivery.objects.filter(bulletin=bulletin).count()
        )
    return made


def bulletins_deliver_due(*, now: dt.datetime | None = None) -> int:
    """Every ten minutes: deliver bulletins published ahead of their validity once it starts
    (their SMS goes out then, not at publication)."""
    now = now or timezone.now()
    due = Bulletin.objects.filter(
        status=Bulletin.Status.PUBLISHED,
        delivered_count=0,
        valid_from__lte=now,
        valid_from__gt=now - dt.timedelta(days=2),
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    return sum(bulletin_deliver(bulletin_id=pk, now=now) for pk in due.values_list("pk", flat=True))


def feed_record_delivery(*, household: Household, now: dt.datetime | None = None) -> int:
    """Record as delivered what a household's feed shows that was never delivered to it (it
    registered, moved or took up a crop after the bulletin was published)."""
    now = now or timezone.now()
    missing = selectors.feed_for(household=household, now=now).exclude(
        deliveries__household=household
    )
    rows = Delivery.objects.bulk_create(
        [Delivery(bulletin=b, household=household, delivered_at=now) for b in missing],
        ignore_conflicts=True,
    )
    return len(rows)


def bulletin_read(
    *, household: Household, bulletin: Bulletin, now: dt.datetime | None = None
) -> Delivery:
    """Record that the household opened a bulletin (the first time only)."""
    now = now or timezone.now()
    delivery, created = Delivery.objects.get_or_create(
        bulletin=bulletin, household=household, defaults={"delivered_at": now, "read_at": now}
    )
    if not created and delivery.read_at is None:
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=now)
        delivery.read_at = now
    return delivery


# --- Market prices ------------------------------------------------------------------------------

PRICE_EDITOR_ROLES = frozenset({Role.INFO_EDITOR})


def _check_price_editor(*, actor: User, province: Province) -> None:
    if actor.is_superuser:
        return
    if actor.role not in PRICE_EDITOR_ROLES:
        raise _forbidden("Bạn không có quyền nhập giá tham khảo.")
    if actor.province_id is not None and actor.province_id != province.pk:
        raise ApplicationError(
            f"{province.name} không thuộc địa bàn bạn phụ trách.",
            field="province",
            code="forbidden",
        )


def _check_price(price: Any, *, field: str = "price") -> int:
    if str(price).strip() == "":
        raise ApplicationError("Giá đang để trống.", field=field)
    value = parse_vnd(price if isinstance(price, int) else str(price), field=field)
    if value <= 0:
        raise ApplicationError("Giá phải lớn hơn 0 đồng.", field=field)
    if value > 100_000_000:
        raise ApplicationError("Giá vượt quá 100.000.000 đồng/kg; hãy kiểm tra lại.", field=field)
    return value


def market_price_set(
    *,
    actor: User,
    produce: ProduceKind,
    province: Province,
    day: dt.date,
    price: Any,
    source: str = "",
) -> tuple[MarketPrice, str]:
    """Enter a reference price (one per product, province and day: entering again corrects it).
    Returns the row and what happened: "created", "updated" or "unchanged"."""
    _check_price_editor(actor=actor, province=province)
    value = _check_price(price)
    if day > timezone.localdate():
        raise ApplicationError("Ngày của giá nằm trong tương lai.", field="day")
    source = normalize(source)[:200]
    existing = MarketPrice.objects.filter(produce=produce, province=province, day=day).first()
    if existing is not None:
        if existing.price == value and existing.source == source:
            return existing, "unchanged"
        existing.price, existing.source = value, source
        existing.entered_by, existing.updated_at = actor, timezone.now()
        existing.save(update_fields=["price", "source", "entered_by", "updated_at"])
        return existing, "updated"
    row = MarketPrice.objects.create(
        produce=produce, province=province, day=day, price=value, source=source, entered_by=actor
    )
    return row, "created"


@dataclass
class PriceImportResult:
    """What an import did: rows added, corrected, unchanged, and every rejected row with why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


HEADERS = {
    "day": ("ngay", "date", "day"),
    "province": ("tinh", "tinh/thanh pho", "tinh thanh", "province"),
    "produce": ("san pham", "mat hang", "nong san", "produce", "product"),
    "price": ("gia", "gia (dong/kg)", "gia dong/kg", "price"),
    "source": ("nguon", "source"),
}


def _parse_day(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ApplicationError(f"Ngày “{text}” không đúng dạng ngày/tháng/năm.", field="day")


def market_prices_import(*, actor: User, content: bytes | str) -> PriceImportResult:
    """Import reference prices from a CSV (Ngày, Tỉnh, Sản phẩm, Giá, Nguồn): good rows are
    kept, every rejected row is reported with its row number and reason; re-importing the same
    file changes nothing."""
    if actor.role not in PRICE_EDITOR_ROLES and not actor.is_superuser:
        raise _forbidden("Bạn không có quyền nhập giá tham khảo.")
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApplicationError(
                "Tệp không phải CSV mã UTF-8; hãy lưu lại từ Excel dạng “CSV UTF-8”.",
                field="file",
            ) from None
    sample = content[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ApplicationError("Tệp trống.", field="file")
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = fold(name)
        for wanted, spellings in HEADERS.items():
            if key in spellings and wanted not in columns:
                columns[wanted] = index
    missing = [name for name in ("day", "province", "produce", "price") if name not in columns]
    if missing:
        labels = {"day": "Ngày", "province": "Tỉnh", "produce": "Sản phẩm", "price": "Giá"}
        raise ApplicationError(
            "Thiếu cột: " + ", ".join(labels[m] for m in missing) + ".", field="file"
        )
    provinces: dict[str, Province | None] = {}
    produce_kinds = selectors.produce_lookup()
    result = PriceImportResult()
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            name = cell("province")
            if name not in provinces:
                provinces[name] = geo_selectors.province_resolve(name=name) if name else None
            province = provinces[name]
            if province is None:
                raise ApplicationError(f"Không có tỉnh/thành phố “{cell('province')}”.")
            produce = produce_kinds.get(fold(cell("produce")))
            if produce is None:
                raise ApplicationError(f"Không có sản phẩm “{cell('produce')}” trong danh mục.")
            with transaction.atomic():
                _, outcome = market_price_set(
                    actor=actor,
                    produce=produce,
                    province=province,
                    day=_parse_day(cell("day")),
                    price=cell("price"),
                    source=cell("source"),
                )
        except ApplicationError as error:
            result.errors.append((number, error.message))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result
