"""Every read about information: who a bulletin reaches, a household's feed, the editors' lists,
the market price board with its history, and a household's own prices beside the board."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nongsan.accounts.models import Role
from nongsan.accounts.scope import scope_filter, scoped_get
from nongsan.catalog.models import Category, Product
from nongsan.core.text import fold
from nongsan.core.timeutils import local_day_bounds
from nongsan.geo.models import Province
from nongsan.households.models import Household, ProduceKind
from nongsan.info.models import Bulletin, BulletinUpdate, Delivery, MarketPrice

EDITOR_SCOPE = {"province": "province", "marketplace": "marketplace", "owner": "author"}
EDITOR_ROLES = frozenset({Role.INFO_EDITOR, Role.MARKETPLACE_OPERATOR})


def is_current(bulletin: Bulletin, *, now: dt.datetime) -> bool:
    return bulletin.valid_from <= now and (
        bulletin.valid_until is None or bulletin.valid_until > now
    )


def _current(now: dt.datetime) -> Q:
    return Q(status=Bulletin.Status.PUBLISHED, valid_from__lte=now) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def households_targeted(*, bulletin: Bulletin) -> QuerySet[Household]:
    """The households a bulletin reaches: in its area (nationwide, its provinces, its communes)
    and, when it names produce kinds, growing or raising one of them."""
    households = Household.objects.all()
    if not bulletin.is_nationwide:
        province_ids = list(bulletin.provinces.values_list("pk", flat=True))
        commune_ids = list(bulletin.communes.values_list("pk", flat=True))
        households = households.filter(
            Q(commune__province_id__in=province_ids) | Q(commune_id__in=commune_ids)
        )
    produce_ids = list(bulletin.produce.values_list("pk", flat=True))
    if produce_ids:
        households = households.filter(
            Exists(
                Household.produce.through.objects.filter(
                    household_id=OuterRef("pk"), producekind_id__in=produce_ids
                )
            )
        )
    return households


def feed_for(*, household: Household, now: dt.datetime | None = None) -> QuerySet[Bulletin]:
    """The bulletins a household sees now, warnings first, with `read_at` of its delivery."""
    now = now or timezone.now()
    through = Bulletin
    in_area = (
        Q(is_nationwide=True)
        | Exists(
            through.provinces.through.objects.filter(
                bulletin_id=OuterRef("pk"), province_id=household.commune.province_id
            )
        )
        | Exists(
            through.communes.through.objects.filter(
                bulletin_id=OuterRef("pk"), commune_id=household.commune_id
            )
        )
    )
    targets_produce = through.produce.through.objects.filter(bulletin_id=OuterRef("pk"))
    grown = Household.produce.through.objects.filter(household_id=household.pk).values(
        "producekind_id"
    )
    for_crops = ~Exists(targets_produce) | Exists(targets_produce.filter(producekind_id__in=grown))
    delivery = Delivery.objects.filter(bulletin_id=OuterRef("pk"), household_id=household.pk)
    return (
        Bulletin.objects.filter(_current(now))
        .filter(in_area)
        .filter(for_crops)
        .annotate(read_at=Subquery(delivery.values("read_at")[:1]))
        .order_by("-is_urgent", "-published_at", "-pk")
    )


def household_of(user: Any) -> Household | None:
    """The household a signed-in household user acts for, or None."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.HOUSEHOLD:
        return None
    return Household.objects.select_related("commune__province").filter(user=user).first()


def feed_item_get(*, household: Household, bulletin_id: int) -> Bulletin:
    """One bulletin of the household's feed; anything else is a 404."""
    found = feed_for(household=household).filter(pk=bulletin_id).first()
    if found is None:
        raise Http404(_("Không tìm thấy bản tin."))
    return found


def may_edit(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and (actor.is_superuser or actor.role in EDITOR_ROLES)
    )


def bulletin_list(*, actor: Any, kind: str = "", status: str = "") -> QuerySet[Bulletin]:
    """The bulletins an editor works on: all for a ministry editor, the province's for a
    province's editor, the marketplace's guides for its staff."""
    if not may_edit(actor):
        return Bulletin.objects.none()
    bulletins = scope_filter(
        Bulletin.objects.select_related("author", "province"), actor=actor, **EDITOR_SCOPE
    )
    if kind:
        bulletins = bulletins.filter(kind=kind)
    if status:
        bulletins = bulletins.filter(status=status)
    return bulletins.annotate(
        read_count=Count("deliveries", filter=Q(deliveries__read_at__isnull=False))
    ).order_by("-created_at", "-pk")


def bulletin_get_for(*, actor: Any, bulletin_id: int) -> Bulletin:
    if not may_edit(actor):
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
    return scoped_get(
        Bulletin.objects.select_related("author", "province"),
        actor=actor,
        paths=EDITOR_SCOPE,
        pk=bulletin_id,
    )


@dataclass(frozen=True)
class DeliveryStats:
    delivered: int
    by_sms: int
    read: int


def delivery_stats(*, bulletin: Bulletin) -> DeliveryStats:
    counts = Delivery.objects.filter(bulletin=bulletin).aggregate(
        delivered=Count("pk"),
        by_sms=Count("pk", filter=Q(sms_sent=True)),
        read=Count("pk", filter=Q(read_at__isnull=False)),
    )
    return DeliveryStats(**counts)


# --- Market prices ------------------------------------------------------------------------------


def produce_lookup() -> dict[str, ProduceKind]:
    """Produce kinds by every folded spelling: code, name, and each alias in brackets
    ("Na (mãng cầu)" answers to "na" and "mang cau")."""
    table: dict[str, ProduceKind] = {}
    for kind in ProduceKind.objects.all():
        names = [kind.code.replace("-", " "), kind.name]
        head, _sep, rest = kind.name.partition("(")
        names.append(head)
        names.extend(rest.rstrip(")").split(","))
        for name in names:
            key = fold(name)
            if key:
                table.setdefault(key, kind)
    return table


@dataclass(frozen=True)
class BoardRow:
    produce: ProduceKind
    province: Province
    day: dt.date
    price: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.price - self.previous

    @property
    def change_pct(self) -> float | None:
        if not self.previous:
            return None
        return round((self.price - self.previous) * 100 / self.previous, 1)


def price_board(
    *,
    province: Province | None = None,
    produce: ProduceKind | None = None,
    produce_ids: list[int] | None = None,
    limit: int = 200,
) -> list[BoardRow]:
    """The latest reference price of each product in each province, with the one before it.

    Two queries whatever the number of rows: the latest day per pair, then those rows with
    the previous price found by a correlated subquery.
    """
    prices = MarketPrice.objects.all()
    if province is not None:
        prices = prices.filter(province=province)
    if produce is not None:
        prices = prices.filter(produce=produce)
    if produce_ids is not None:
        prices = prices.filter(produce_id__in=produce_ids)
    newer = MarketPrice.objects.filter(
        produce_id=OuterRef("produce_id"),
        province_id=OuterRef("province_id"),
        day__gt=OuterRef("day"),
    )
    previous = MarketPrice.objects.filter(
        produce_id=OuterRef("produce_id"),
        province_id=OuterRef("province_id"),
        day__lt=OuterRef("day"),
    ).order_by("-day")
    latest = (
        prices.filter(~Exists(newer))
        .annotate(previous_price=Subquery(previous.values("price")[:1]))
        .select_related("produce", "province")
        .order_by("produce__name", "province__name")[:limit]
    )
    return [
        BoardRow(
            produce=row.produce,
            province=row.province,
            day=row.day,
            price=row.price,
            previous=row.previous_price,
        )
        for row in latest
    ]


def price_history(
    *, produce: ProduceKind, province: Province, days: int = 90, today: dt.date | None = None
) -> list[MarketPrice]:
    today = today or timezone.localdate()
    return list(
        MarketPrice.objects.filter(
            produce=produce, province=province, day__gt=today - dt.timedelta(days=days)
        ).order_by("day")
    )


@dataclass(frozen=True)
class OwnPrice:
    """One of the household's products beside the reference price of what it is."""

    product: Product
    produce: ProduceKind | None
    reference: BoardRow | None

    @property
    def price_per_kg(self) -> int | None:
        if self.product.unit == Product.Unit.KG:
            return self.product.price
        if self.product.unit_weight_kg:
            return int(self.product.price / self.product.unit_weight_kg)
        return None

    @property
    def gap_pct(self) -> float | None:
        """How far the household's price is above (+) or below (-) the reference."""
        own = self.price_per_kg
        if own is None or self.reference is None or not self.reference.price:
            return None
        return round((own - self.reference.price) * 100 / self.reference.price, 1)


_WORD = re.compile(r"[a-z0-9]+")


def _produce_of(name: str, *, table: dict[str, ProduceKind], grown: list[ProduceKind]) -> Any:
    """The produce kind a product's name speaks of: the longest known name inside it, else
    the household's only produce."""
    words = " " + " ".join(_WORD.findall(fold(name))) + " "
    best: ProduceKind | None = None
    best_length = 0
    for key, kind in table.items():
        if len(key) > best_length and f" {key} " in words:
            best, best_length = kind, len(key)
    if best is None and len(grown) == 1:
        return grown[0]
    return best


def household_prices(*, household: Household) -> list[OwnPrice]:
    """The household's produce on sale, each beside the reference price in its province (the
    household's province first, else the most recent anywhere)."""
    products = list(
        Product.objects.filter(
            shop__household=household,
            status=Product.Status.PUBLISHED,
            category__kind=Category.Kind.PRODUCE,
        ).order_by("name")
    )
    table = produce_lookup()
    grown = list(household.produce.all())
    matched = {p.pk: _produce_of(p.name, table=table, grown=grown) for p in products}
    kinds = {kind.pk: kind for kind in matched.values() if kind is not None}
    board = price_board(province=household.commune.province) if kinds else []
    by_kind = {row.produce.pk: row for row in board if row.produce.pk in kinds}
    missing = [pk for pk in kinds if pk not in by_kind]
    if missing:
        elsewhere = price_board(produce_ids=missing)
        for row in sorted(elsewhere, key=lambda r: r.day):
            by_kind[row.produce.pk] = row
    return [
        OwnPrice(
            product=p,
            produce=matched[p.pk],
            reference=by_kind.get(matched[p.pk].pk) if matched[p.pk] is not None else None,
        )
        for p in products
    ]


# --- Indicators III.1 and III.2 (read by monitoring) --------------------------------------------


def _reaching(province_id: int | None) -> Q:
    """Bulletins that reach a province: nationwide, naming it, or naming one of its communes."""
    if province_id is None:
        return Q()
    return (
        Q(is_nationwide=True)
        | Exists(
            Bulletin.provinces.through.objects.filter(
                bulletin_id=OuterRef("pk"), province_id=province_id
            )
        )
        | Exists(
            Bulletin.communes.through.objects.filter(
                bulletin_id=OuterRef("pk"), commune__province_id=province_id
            )
        )
    )


def _bounds(start: dt.date | None, end: dt.date) -> Q:
    """Published in the local days [start, end] (from the beginning when start is None)."""
    upper = local_day_bounds(end)[1]
    if start is None:
        return Q(published_at__lt=upper)
    return Q(published_at__gte=local_day_bounds(start)[0], published_at__lt=upper)


def bulletins_published(
    *, start: dt.date | None, end: dt.date, province_id: int | None = None
) -> int:
    """III.1: information items provided to farm households, counted once each, on the local
    day of their publication (a bulletin withdrawn later still counts); for a province, those
    that reached it. `start=None` gives the cumulative figure."""
    return (
        Bulletin.objects.filter(published_at__isnull=False)
        .filter(_bounds(start, end))
        .filter(_reaching(province_id))
        .count()
    )


def bulletin_updates(*, start: dt.date | None, end: dt.date, province_id: int | None = None) -> int:
    """III.2: times information reached households in the period (a publication or a
    correction of a published bulletin), for a province those of bulletins reaching it. A
    monthly report's period is one month, so this is the "lần/tháng" figure."""
    upper = local_day_bounds(end)[1]
    updates = BulletinUpdate.objects.filter(at__lt=upper)
    if start is not None:
        updates = updates.filter(at__gte=local_day_bounds(start)[0])
    bulletins = Bulletin.objects.filter(_reaching(province_id)).values("pk")
    return updates.filter(bulletin_id__in=bulletins).count()
