"""Folding household milestones into daily facts and running totals (ARCHITECTURE.md section 5).

Called through `services.facts_fold` / `services.facts_rebuild`; kept apart because it is the one
piece of monitoring with an algorithm worth reading on its own.

Two figures come from each household milestone kind:
- per marketplace: a milestone on marketplace M adds 1 on (commune, M, local day); milestones are
  unique per (household, kind, marketplace), so nothing more is needed;
- all marketplaces (marketplace NULL): a household counts once, on the day and in the commune of
  its earliest milestone of the kind, whichever marketplace (or none) it was on. A milestone folded
  late may be earlier than the one counted so far; the count then moves to it.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import TruncDate

from nongsan.catalog.models import (
    BrandMark,
    Category,
    HouseholdPrice,
    Product,
    ProductStatusChange,
)
from nongsan.core.timeutils import VN_TZ, to_local
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Milestone
from nongsan.info.models import Bulletin, BulletinUpdate
from nongsan.monitoring.indicators import BY_MILESTONE_KIND
from nongsan.monitoring.models import (
    BulletinReach,
    DailyFact,
    FoldState,
    MarketFirstReached,
    MarketReached,
    RunningTotal,
)
from nongsan.orders.models import SubOrder, SubOrderEvent

MILESTONE_SOURCE = "households.milestone"
# Delivered sub-orders, read from their history rows (inserted once, like milestones).
DELIVERY_SOURCE = "orders.delivery"
TONNES = "II.2"  # facts hold grams: sums stay whole numbers
GRAMS_PER_TONNE = 1_000_000
DELIVERY_INDICATORS = (TONNES,)
# Products first published: farm produce (II.1) and production inputs (III.3).
PUBLICATION_SOURCE = "catalog.publication"
PRODUCTS_LISTED = "II.1"
INPUTS_LISTED = "III.3"
PUBLICATION_INDICATORS = (PRODUCTS_LISTED, INPUTS_LISTED)
INFO_SOURCE = "info.update"
INFO_ITEMS = "III.1"  # bulletins published (distinct over BulletinReach rows)
INFO_UPDATES = "III.2"  # publications and corrections
INFO_CODES = (INFO_ITEMS, INFO_UPDATES)

HOUSEHOLD_PRICE_SOURCE = "catalog.household_price"
DISCOUNTED_INPUTS = "III.5"
HOUSEHOLD_PRICE_INDICATORS = (DISCOUNTED_INPUTS,)

# Products with a brand mark (II.3): a product counts once, from the first day a mark granted
# to it is in force, in its commune of origin and on its marketplace.
BRAND_MARK_SOURCE = "catalog.brand_mark"
PRODUCTS_MARKED = "II.3"
BRAND_MARK_INDICATORS = (PRODUCTS_MARKED,)
KINDS: tuple[str, ...] = tuple(str(kind) for kind in BY_MILESTONE_KIND)
INDICATOR_OF_KIND: dict[str, str] = {str(k): ind.code for k, ind in BY_MILESTONE_KIND.items()}
# Keys a rebuild looks back over for transactions still open when it read the milestones.
REBUILD_GAP_LOOKBACK = 1000
# A jump in primary keys wider than this is not tracked key by key (a mass deletion, a
# sequence reset): it would make the next look-up too long a list of keys.
MAX_GAP_SPAN = 10_000
DELIVERED = SubOrder.Status.DELIVERED
PUBLISHED = Product.Status.PUBLISHED
INPUT = Category.Kind.INPUT

FactKey = tuple[str, int, int | None, dt.date]  # indicator, commune, marketplace, day
TotalKey = tuple[str, int, int | None]  # indicator, province, marketplace


@dataclass(frozen=True)
class _Row:
    pk: int
    household_id: int
    kind: str
    marketplace_id: int | None
    commune_id: int
    achieved_at: dt.datetime

    @property
    def day(self) -> dt.date:
        return to_local(self.achieved_at).date()

    @property
    def order(self) -> tuple[dt.datetime, int]:
        return (self.achieved_at, self.pk)


ROW_FIELDS = ("pk", "household_id", "kind", "marketplace_id", "commune_id", "achieved_at")


@dataclass(frozen=True)
class FoldResult:
    milestones: int  # milestones read in this fold
    facts_changed: int  # daily fact rows created, updated or deleted
    watermark: int
    deliveries: int = 0  # sub-order history rows read in this fold


def marketplace_q(marketplace_id: int | None) -> Q:
    """Rows of one marketplace, or the all-marketplaces rows (no marketplace) for None."""
    if marketplace_id is None:
        return Q(marketplace__isnull=True)
    return Q(marketplace_id=marketplace_id)


def settle_seconds() -> int:
    return int(getattr(settings, "MONITORING_FOLD_SETTLE_SECONDS", 3600))


def batch_size_default() -> int:
    return int(getattr(settings, "MONITORING_FOLD_BATCH", 5000))


def locked_state(source: str) -> FoldState:
    """The fold state row of a source, locked for this transaction (one fold at a time)."""
    FoldState.objects.get_or_create(source=source)
    return FoldState.objects.select_for_update().get(source=source)


# Incremental fold -----------------------------------------------------------------------------


def fold_batch(
    *, state: FoldState, batch_size: int, now: dt.datetime, stale: dict[TotalKey, dt.date]
) -> tuple[int, int]:
    """Fold the next batch of milestones into daily facts; returns (milestones read, fact rows
    changed). The running totals it makes stale are added to `stale` for `totals_refresh`."""
    gaps, old_watermark, old_gaps = _pending(state, now)
    rows = [
        _Row(*values)
        for values in Milestone.objects.filter(Q(pk__gt=old_watermark) | Q(pk__in=sorted(gaps)))
        .order_by("pk")
        .values_list(*ROW_FIELDS)[:batch_size]
    ]
    if not rows:
        state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]
        return 0, 0

    read = {row.pk for row in rows}
    _advance(state, read=read, gaps=gaps, now=now)

    def folded_before(pk: int) -> bool:
        return pk <= old_watermark and pk not in old_gaps

    deltas: Counter[FactKey] = Counter()
    relevant = [row for row in rows if row.kind in INDICATOR_OF_KIND]
    for row in relevant:
        if row.marketplace_id is not None:
            indicator = INDICATOR_OF_KIND[row.kind]
            deltas[(indicator, row.commune_id, row.marketplace_id, row.day)] += 1

    pairs = {(row.household_id, row.kind) for row in relevant}
    for (_household, kind), milestones in _milestones_of(pairs).items():
        indicator = INDICATOR_OF_KIND[kind]
        before = [m for m in milestones if folded_before(m.pk)]
        after = before + [m for m in milestones if m.pk in read]
        first_before = min(before, key=lambda m: m.order, default=None)
        first_after = min(after, key=lambda m: m.order)
        if first_before is not None and first_before.pk == first_after.pk:
            continue
        if first_before is not None:
            deltas[(indicator, first_before.commune_id, None, first_before.day)] -= 1
        deltas[(indicator, first_after.commune_id, None, first_after.day)] += 1

    changed = apply_deltas(deltas, stale=stale)
    return len(rows), changed


def _pending(state: FoldState, now: dt.datetime) -> tuple[dict[int, str], int, frozenset[int]]:
    """The gaps still worth looking for (younger than the settling time), the watermark, and
    the gaps as they were before this batch."""
    cutoff = now - dt.timedelta(seconds=settle_seconds())
    gaps: dict[int, str] = {
        int(pk): seen for pk, seen in state.gaps if dt.datetime.fromisoformat(seen) > cutoff
    }
    return gaps, state.watermark, frozenset(gaps)


def _advance(state: FoldState, *, read: set[int], gaps: dict[int, str], now: dt.datetime) -> None:
    """Move the watermark past the keys read, noting the keys skipped below it as gaps."""
    old_watermark = state.watermark
    new_watermark = max(old_watermark, max(read))
    for pk in read:
        gaps.pop(pk, None)
    # Keys below the first one ever read were never anyone's to commit later (a fresh
    # sequence may start high); after that, every missing key is a possible late commit.
    first_key = old_watermark + 1 if old_watermark else min(read)
    if new_watermark - first_key < MAX_GAP_SPAN:
        seen_at = now.isoformat()
        for pk in range(first_key, new_watermark + 1):
            if pk not in read:
                gaps[pk] = seen_at
    state.watermark = new_watermark
    state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]


def fold_deliveries_batch(
    *, state: FoldState, batch_size: int, now: dt.datetime, stale: dict[TotalKey, dt.date]
) -> tuple[int, int]:
    """Fold the next batch of sub-order history rows: each delivery adds its weight to II.2
    (per marketplace and in all) and its buyer's province or country to the markets reached.
    Returns (history rows read, fact rows changed)."""
    gaps, old_watermark, _old_gaps = _pending(state, now)
    rows = list(
        SubOrderEvent.objects.filter(Q(pk__gt=old_watermark) | Q(pk__in=sorted(gaps)))
        .order_by("pk")
        .values_list("pk", "to_status", "sub_order_id", "at")[:batch_size]
    )
    if not rows:
        state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]
        return 0, 0
    _advance(state, read={row[0] for row in rows}, gaps=gaps, now=now)
    delivered = {sub_id: at for _pk, status, sub_id, at in rows if status == DELIVERED}
    deltas: Counter[FactKey] = Counter()
    reached: list[MarketReached] = []
    for (
        sub_id,
        weight,
        marketplace_id,
        commune_id,
        seller_province_id,
        province_id,
        country_id,
    ) in SubOrder.objects.filter(pk__in=delivered).values_list(
        "pk",
        "weight_kg",
        "marketplace_id",
        "shop__commune_id",
        "shop__commune__province_id",
        "order__province_id",
        "order__country_id",
    ):
        day = to_local(delivered[sub_id]).date()
        grams = int((weight * 1000).to_integral_value())
        deltas[(TONNES, commune_id, marketplace_id, day)] += grams
        deltas[(TONNES, commune_id, None, day)] += grams
        reached.append(
            MarketReached(
                day=day,
                commune_id=commune_id,
                province_id=seller_province_id,
                marketplace_id=marketplace_id,
                buyer_province_id=province_id,
                buyer_country_id=country_id,
            )
        )
    MarketReached.objects.bulk_create(reached, ignore_conflicts=True)
    _first_reached_record(reached)
    return len(rows), apply_deltas(deltas, stale=stale)


def _market_key(row: Any) -> tuple[int, int, int | None, str | None]:
    # a MarketReached always carries its seller's province (nullable only for the migration)
    """Whom a market row is about: seller province, marketplace, buyer province or country."""
    return (
        row.province_id,
        row.marketplace_id,
        row.buyer_province_id,
        None if row.buyer_province_id else row.buyer_country_id,
    )


def _first_reached_record(reached: Iterable[MarketReached]) -> None:
    """Keep, per market, the earliest day it was reached."""
    earliest: dict[tuple[int, int, int | None, str | None], MarketReached] = {}
    for row in reached:
        key = _market_key(row)
        if key not in earliest or row.day < earliest[key].day:
            earliest[key] = row
    if not earliest:
        return
    held = {
        _market_key(first): first
        for first in MarketFirstReached.objects.select_for_update().filter(
            province_id__in={key[0] for key in earliest},
            marketplace_id__in={key[1] for key in earliest},
        )
    }
    new = []
    for key, row in earliest.items():
        first = held.get(key)
        if first is None:
            new.append(
                MarketFirstReached(
                    province_id=key[0],
                    marketplace_id=row.marketplace_id,
                    buyer_province_id=row.buyer_province_id,
                    buyer_country_id=row.buyer_country_id,
                    day=row.day,
                )
            )
        elif row.day < first.day:
            first.day = row.day
            first.save(update_fields=["day"])
    MarketFirstReached.objects.bulk_create(new)


def rebuild_deliveries(*, state: FoldState, now: dt.datetime) -> int:
    """Replace the delivery facts and markets reached by a recomputation from every delivery."""
    DailyFact.objects.filter(indicator__in=DELIVERY_INDICATORS).delete()
    RunningTotal.objects.filter(indicator__in=DELIVERY_INDICATORS).delete()
    MarketReached.objects.all().delete()
    MarketFirstReached.objects.all().delete()
    top = SubOrderEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    events = SubOrderEvent.objects.filter(pk__lte=top, to_status=DELIVERED).annotate(
        local_day=TruncDate("at", tzinfo=VN_TZ)
    )
    grams: Counter[FactKey] = Counter()
    seen: set[tuple[Any, ...]] = set()
    reached: list[MarketReached] = []
    rows = events.values_list(
        "local_day",
        "sub_order__weight_kg",
        "sub_order__marketplace_id",
        "sub_order__shop__commune_id",
        "sub_order__shop__commune__province_id",
        "sub_order__order__province_id",
        "sub_order__order__country_id",
    )
    for (
        day,
        weight,
        marketplace_id,
        commune_id,
        seller_province_id,
        province_id,
        country_id,
    ) in rows.iterator():
        amount = int((weight * 1000).to_integral_value())
        grams[(TONNES, commune_id, marketplace_id, day)] += amount
        grams[(TONNES, commune_id, None, day)] += amount
        key = (day, commune_id, marketplace_id, province_id, None if province_id else country_id)
        if key not in seen:
            seen.add(key)
            reached.append(
                MarketReached(
                    day=day,
                    commune_id=commune_id,
                    province_id=seller_province_id,
                    marketplace_id=marketplace_id,
                    buyer_province_id=province_id,
                    buyer_country_id=country_id,
                )
            )
    made = _facts_create(grams)
    MarketReached.objects.bulk_create(reached, batch_size=5000)
    _first_reached_record(reached)
    _totals_rebuild(indicators=DELIVERY_INDICATORS)
    _set_watermark(state, model=SubOrderEvent, top=top, now=now)
    return made


def fold_publications_batch(
    *, state: FoldState, batch_size: int, now: dt.datetime, stale: dict[TotalKey, dt.date]
) -> tuple[int, int]:
    """Fold the next batch of moderation rows: a product counts once, on the day of its first
    publication, in its commune of origin and on its marketplace (II.1 produce, III.3 inputs).
    A first publication folded late moves the count to it, as for milestones."""
    gaps, old_watermark, old_gaps = _pending(state, now)
    rows = list(
        ProductStatusChange.objects.filter(Q(pk__gt=old_watermark) | Q(pk__in=sorted(gaps)))
        .order_by("pk")
        .values_list("pk", "to_status", "product_id")[:batch_size]
    )
    if not rows:
        state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]
        return 0, 0
    read = {row[0] for row in rows}
    _advance(state, read=read, gaps=gaps, now=now)
    products = {pid for _pk, to, pid in rows if to == PUBLISHED}
    if not products:
        return len(rows), 0

    def folded_before(pk: int) -> bool:
        return pk <= old_watermark and pk not in old_gaps

    info = {
        pid: (commune_id, marketplace_id, INPUTS_LISTED if kind == INPUT else PRODUCTS_LISTED)
        for pid, commune_id, marketplace_id, kind in Product.objects.filter(
            pk__in=products
        ).values_list("pk", "origin_commune_id", "marketplace_id", "category__kind")
    }
    changes: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for pk, pid, at in ProductStatusChange.objects.filter(
        product_id__in=products, to_status=PUBLISHED
    ).values_list("pk", "product_id", "at"):
        changes[pid].append((at, pk))
    deltas: Counter[FactKey] = Counter()
    for pid, found in changes.items():
        if pid not in info:
            continue
        commune_id, marketplace_id, indicator = info[pid]
        before = [c for c in found if folded_before(c[1])]
        after = before + [c for c in found if c[1] in read]
        if not after:
            continue
        first_before, first_after = min(before, default=None), min(after)
        if first_before == first_after:
            continue
        for sign, first in ((-1, first_before), (1, first_after)):
            if first is None:
                continue
            day = to_local(first[0]).date()
            deltas[(indicator, commune_id, marketplace_id, day)] += sign
            deltas[(indicator, commune_id, None, day)] += sign
    return len(rows), apply_deltas(deltas, stale=stale)


def _mark_start(granted_at: dt.datetime, valid_from: dt.date) -> dt.date:
    """The first local day a mark is in force."""
    return max(to_local(granted_at).date(), valid_from)


def fold_brand_marks_batch(
    *, state: FoldState, batch_size: int, now: dt.datetime, stale: dict[TotalKey, dt.date]
) -> tuple[int, int]:
    """Fold the next batch of brand marks into II.3: a product counts once, from the first day
    one of its marks is in force (a revocation does not uncount it: it was marked then)."""
    gaps, old_watermark, old_gaps = _pending(state, now)
    rows = list(
        BrandMark.objects.filter(Q(pk__gt=old_watermark) | Q(pk__in=sorted(gaps)))
        .order_by("pk")
        .values_list("pk", "product_id")[:batch_size]
    )
    if not rows:
        state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]
        return 0, 0
    read = {row[0] for row in rows}
    _advance(state, read=read, gaps=gaps, now=now)
    products = {pid for _pk, pid in rows if pid is not None}

    def folded_before(pk: int) -> bool:
        return pk <= old_watermark and pk not in old_gaps

    info = dict(
        (pid, (commune_id, marketplace_id))
        for pid, commune_id, marketplace_id in Product.objects.filter(pk__in=products).values_list(
            "pk", "origin_commune_id", "marketplace_id"
        )
    )
    marks: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for pk, pid, granted_at, valid_from in BrandMark.objects.filter(
        product_id__in=products
    ).values_list("pk", "product_id", "granted_at", "valid_from"):
        marks[pid].append((_mark_start(granted_at, valid_from), pk))
    deltas: Counter[FactKey] = Counter()
    for pid, found in marks.items():
        if pid not in info:
            continue
        commune_id, marketplace_id = info[pid]
        before = [m for m in found if folded_before(m[1])]
        after = before + [m for m in found if m[1] in read]
        if not after:
            continue
        first_before, first_after = min(before, default=None), min(after)
        if first_before == first_after:
            continue
        for sign, first in ((-1, first_before), (1, first_after)):
            if first is None:
                continue
            deltas[(PRODUCTS_MARKED, commune_id, marketplace_id, first[0])] += sign
            deltas[(PRODUCTS_MARKED, commune_id, None, first[0])] += sign
    return len(rows), apply_deltas(deltas, stale=stale)


def rebuild_brand_marks(*, state: FoldState, now: dt.datetime) -> int:
    """Replace the II.3 facts by a recomputation from every product's first mark."""
    DailyFact.objects.filter(indicator__in=BRAND_MARK_INDICATORS).delete()
    RunningTotal.objects.filter(indicator__in=BRAND_MARK_INDICATORS).delete()
    top = BrandMark.objects.aggregate(top=Max("pk"))["top"] or 0
    firsts: dict[int, dt.date] = {}
    for pid, granted_at, valid_from in BrandMark.objects.filter(
        pk__lte=top, product__isnull=False
    ).values_list("product_id", "granted_at", "valid_from"):
        start = _mark_start(granted_at, valid_from)
        if pid not in firsts or start < firsts[pid]:
            firsts[pid] = start
    counts: Counter[FactKey] = Counter()
    for pid, commune_id, marketplace_id in Product.objects.filter(pk__in=list(firsts)).values_list(
        "pk", "origin_commune_id", "marketplace_id"
    ):
        counts[(PRODUCTS_MARKED, commune_id, marketplace_id, firsts[pid])] += 1
        counts[(PRODUCTS_MARKED, commune_id, None, firsts[pid])] += 1
    made = _facts_create(counts)
    _totals_rebuild(indicators=BRAND_MARK_INDICATORS)
    _set_watermark(state, model=BrandMark, top=top, now=now)
    return made


def rebuild_publications(*, state: FoldState, now: dt.datetime) -> int:
    """Replace the product facts by a recomputation from every first publication."""
    DailyFact.objects.filter(indicator__in=PUBLICATION_INDICATORS).delete()
    RunningTotal.objects.filter(indicator__in=PUBLICATION_INDICATORS).delete()
    top = ProductStatusChange.objects.aggregate(top=Max("pk"))["top"] or 0
    firsts: dict[int, tuple[dt.datetime, int]] = {}
    for pk, pid, at in ProductStatusChange.objects.filter(
        pk__lte=top, to_status=PUBLISHED
    ).values_list("pk", "product_id", "at"):
        if pid not in firsts or (at, pk) < firsts[pid]:
            firsts[pid] = (at, pk)
    counts: Counter[FactKey] = Counter()
    for pid, commune_id, marketplace_id, kind in Product.objects.filter(
        pk__in=list(firsts)
    ).values_list("pk", "origin_commune_id", "marketplace_id", "category__kind"):
        indicator = INPUTS_LISTED if kind == INPUT else PRODUCTS_LISTED
        day = to_local(firsts[pid][0]).date()
        counts[(indicator, commune_id, marketplace_id, day)] += 1
        counts[(indicator, commune_id, None, day)] += 1
    made = _facts_create(counts)
    _totals_rebuild(indicators=PUBLICATION_INDICATORS)
    _set_watermark(state, model=ProductStatusChange, top=top, now=now)
    return made


def _facts_create(values: Mapping[FactKey, int]) -> int:
    """Write recomputed daily facts (zero values are not rows); returns how many."""
    return _write_in_batches(
        DailyFact(
            indicator=indicator, commune_id=commune_id, marketplace_id=marketplace_id, day=day,
            value=value,
        )
        for (indicator, commune_id, marketplace_id, day), value in values.items()
        if value
    )  # fmt: skip


def _set_watermark(state: FoldState, *, model: Any, top: int, now: dt.datetime) -> None:
    """After a rebuild up to `top`: keys missing just below it may still commit."""
    present = set(
        model.objects.filter(pk__gt=top - REBUILD_GAP_LOOKBACK, pk__lte=top).values_list(
            "pk", flat=True
        )
    )
    seen_at = now.isoformat()
    state.watermark = top
    state.gaps = [
        [pk, seen_at]
        for pk in range(max(1, top - REBUILD_GAP_LOOKBACK + 1), top + 1)
        if pk not in present
    ]


def _milestones_of(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], list[_Row]]:
    wanted = set(pairs)
    households = sorted({household for household, _kind in wanted})
    kinds = sorted({kind for _household, kind in wanted})
    found: dict[tuple[int, str], list[_Row]] = defaultdict(list)
    for start in range(0, len(households), 500):
        chunk = households[start : start + 500]
        for values in Milestone.objects.filter(household_id__in=chunk, kind__in=kinds).values_list(
            *ROW_FIELDS
        ):
            row = _Row(*values)
            if (row.household_id, row.kind) in wanted:
                found[(row.household_id, row.kind)].append(row)
    return found


def apply_deltas(deltas: Mapping[FactKey, int], *, stale: dict[TotalKey, dt.date]) -> int:
    """Add the deltas to the daily facts, dropping rows that reach zero; note in `stale` the
    earliest day from which each province's running totals must be recomputed."""
    deltas = {key: delta for key, delta in deltas.items() if delta}
    if not deltas:
        return 0
    # Tuples, not model instances: the filter is a cross product and reads more rows than match.
    existing: dict[FactKey, tuple[int, int]] = {}
    for row in DailyFact.objects.filter(
        indicator__in={key[0] for key in deltas},
        commune_id__in={key[1] for key in deltas},
        day__in={key[3] for key in deltas},
    ).values_list("pk", "indicator", "commune_id", "marketplace_id", "day", "value"):
        fact_key: FactKey = (row[1], row[2], row[3], row[4])
        if fact_key in deltas:
            existing[fact_key] = (row[0], row[5])
    to_create: list[DailyFact] = []
    to_update: list[DailyFact] = []
    to_delete: list[int] = []
    for key, delta in deltas.items():
        found = existing.get(key)
        if found is None:
            indicator, commune_id, marketplace_id, day = key
            to_create.append(
                DailyFact(
                    indicator=indicator,
                    commune_id=commune_id,
                    marketplace_id=marketplace_id,
                    day=day,
                    value=delta,
                )
            )
        elif found[1] + delta == 0:
            to_delete.append(found[0])
        else:
            to_update.append(DailyFact(pk=found[0], value=found[1] + delta))
    DailyFact.objects.filter(pk__in=to_delete).delete()
    DailyFact.objects.bulk_update(to_update, ["value"], batch_size=1000)
    DailyFact.objects.bulk_create(to_create, batch_size=1000)

    province_of = dict(
        Commune.objects.filter(pk__in={key[1] for key in deltas}).values_list("pk", "province_id")
    )
    for indicator, commune_id, marketplace_id, day in deltas:
        total_key = (indicator, province_of[commune_id], marketplace_id)
        stale[total_key] = min(day, stale.get(total_key, day))
    return len(to_create) + len(to_update) + len(to_delete)


def totals_refresh(stale: Mapping[TotalKey, dt.date]) -> None:
    """Recompute the running totals made stale, each from its earliest changed day on.

    Done once per fold rather than per batch: a history folded in many batches would otherwise
    recompute the same year of totals again for each one.
    """
    for total_key, day in stale.items():
        _totals_refresh(key=total_key, since=day)


def _totals_refresh(*, key: TotalKey, since: dt.date) -> None:
    """Recompute one province's running totals from a day on, out of its daily facts."""
    indicator, province_id, marketplace_id = key
    totals = RunningTotal.objects.filter(
        marketplace_q(marketplace_id), indicator=indicator, province_id=province_id
    )
    facts = DailyFact.objects.filter(
        marketplace_q(marketplace_id), indicator=indicator, commune__province_id=province_id
    )
    base = totals.filter(day__lt=since).order_by("-day").values_list("value", flat=True).first()
    cumulative = base or 0
    totals.filter(day__gte=since).delete()
    rows = []
    for day, value in (
        facts.filter(day__gte=since).values("day").annotate(sum=Sum("value")).order_by("day")
    ).values_list("day", "sum"):
        cumulative += value
        rows.append(
            RunningTotal(
                indicator=indicator,
                province_id=province_id,
                marketplace_id=marketplace_id,
                day=day,
                value=cumulative,
            )
        )
    RunningTotal.objects.bulk_create(rows, batch_size=1000)


# Rebuild from scratch -------------------------------------------------------------------------


def rebuild(*, state: FoldState, now: dt.datetime) -> int:
    """Replace every milestone fact by a set-based recomputation; returns daily fact rows made."""
    milestone_indicators = sorted(INDICATOR_OF_KIND.values())
    DailyFact.objects.filter(indicator__in=milestone_indicators).delete()
    RunningTotal.objects.filter(indicator__in=milestone_indicators).delete()
    top = Milestone.objects.aggregate(top=Max("pk"))["top"] or 0
    base = Milestone.objects.filter(pk__lte=top, kind__in=KINDS)
    local_day = TruncDate("achieved_at", tzinfo=VN_TZ)
    per_marketplace = (
        base.filter(marketplace__isnull=False)
        .annotate(local_day=local_day)
        .values_list("kind", "commune_id", "marketplace_id", "local_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    earlier = Milestone.objects.filter(
        pk__lte=top, household_id=OuterRef("household_id"), kind=OuterRef("kind")
    ).filter(
        Q(achieved_at__lt=OuterRef("achieved_at"))
        | Q(achieved_at=OuterRef("achieved_at"), pk__lt=OuterRef("pk"))
    )
    firsts = (
        base.filter(~Exists(earlier))
        .annotate(local_day=local_day)
        .values_list("kind", "commune_id", "local_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    made = _write_in_batches(
        DailyFact(
            indicator=INDICATOR_OF_KIND[kind],
            commune_id=commune_id,
            marketplace_id=marketplace_id,
            day=day,
            value=n,
        )
        for kind, commune_id, marketplace_id, day, n in per_marketplace.iterator()
    )
    made += _write_in_batches(
        DailyFact(indicator=INDICATOR_OF_KIND[kind], commune_id=commune_id, day=day, value=n)
        for kind, commune_id, day, n in firsts.iterator()
    )
    _totals_rebuild(indicators=milestone_indicators)
    _set_watermark(state, model=Milestone, top=top, now=now)
    return made


def _write_in_batches(facts: Iterable[DailyFact], size: int = 5000) -> int:
    """Write facts as they are read, a batch at a time: a national rebuild makes millions."""
    made = 0
    batch: list[DailyFact] = []
    for fact in facts:
        batch.append(fact)
        if len(batch) >= size:
            DailyFact.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    DailyFact.objects.bulk_create(batch)
    return made + len(batch)


def _totals_rebuild(*, indicators: Iterable[str]) -> None:
    rows: list[RunningTotal] = []
    key: TotalKey | None = None
    cumulative = 0
    grouped = (
        DailyFact.objects.filter(indicator__in=list(indicators))
        .values_list("indicator", "commune__province_id", "marketplace_id", "day")
        .annotate(sum=Sum("value"))
        .order_by("indicator", "commune__province_id", "marketplace_id", "day")
    )
    for indicator, province_id, marketplace_id, day, value in grouped.iterator():
        if (indicator, province_id, marketplace_id) != key:
            key, cumulative = (indicator, province_id, marketplace_id), 0
        cumulative += value
        rows.append(
            RunningTotal(
                indicator=indicator,
                province_id=province_id,
                marketplace_id=marketplace_id,
                day=day,
                value=cumulative,
            )
        )
        if len(rows) >= 5000:
            RunningTotal.objects.bulk_create(rows)
            rows = []
    RunningTotal.objects.bulk_create(rows)


# Bulletins (III.1, III.2) ----------------------------------------------------------------------


def _reach_rows(updates: Iterable[tuple[int, str, int, dt.datetime]]) -> list[BulletinReach]:
    """A row per (update, province reached): nationwide bulletins reach every province, the
    others the provinces they name and those of the communes they name."""
    updates = list(updates)
    bulletin_ids = {bulletin_id for _pk, _kind, bulletin_id, _at in updates}
    nationwide = set(
        Bulletin.objects.filter(pk__in=bulletin_ids, is_nationwide=True).values_list(
            "pk", flat=True
        )
    )
    reached: dict[int, set[int]] = defaultdict(set)
    for bulletin_id, province_id in Bulletin.provinces.through.objects.filter(
        bulletin_id__in=bulletin_ids
    ).values_list("bulletin_id", "province_id"):
        reached[bulletin_id].add(province_id)
    for bulletin_id, province_id in Bulletin.communes.through.objects.filter(
        bulletin_id__in=bulletin_ids
    ).values_list("bulletin_id", "commune__province_id"):
        reached[bulletin_id].add(province_id)
    every_province = list(Province.objects.values_list("pk", flat=True)) if nationwide else []
    rows = []
    for pk, kind, bulletin_id, at in updates:
        provinces = every_province if bulletin_id in nationwide else sorted(reached[bulletin_id])
        rows += [
            BulletinReach(
                update_pk=pk,
                bulletin_pk=bulletin_id,
                is_publication=kind == BulletinUpdate.Kind.PUBLISHED,
                province_id=province_id,
                day=to_local(at).date(),
            )
            for province_id in provinces
        ]
    return rows


def fold_bulletins_batch(
    *, state: FoldState, batch_size: int, now: dt.datetime, stale: dict[TotalKey, dt.date]
) -> tuple[int, int]:
    """Fold the next batch of bulletin publications and corrections into the rows III.1 and
    III.2 are counted from. Returns (updates read, rows written)."""
    gaps, old_watermark, _old_gaps = _pending(state, now)
    rows = list(
        BulletinUpdate.objects.filter(Q(pk__gt=old_watermark) | Q(pk__in=sorted(gaps)))
        .order_by("pk")
        .values_list("pk", "kind", "bulletin_id", "at")[:batch_size]
    )
    if not rows:
        state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]
        return 0, 0
    _advance(state, read={row[0] for row in rows}, gaps=gaps, now=now)
    made = BulletinReach.objects.bulk_create(_reach_rows(rows), ignore_conflicts=True)
    return len(rows), len(made)


def rebuild_bulletins(*, state: FoldState, now: dt.datetime) -> int:
    BulletinReach.objects.all().delete()
    top = BulletinUpdate.objects.aggregate(top=Max("pk"))["top"] or 0
    made = 0
    updates = BulletinUpdate.objects.filter(pk__lte=top).order_by("pk")
    batch: list[tuple[int, str, int, dt.datetime]] = []
    for row in updates.values_list("pk", "kind", "bulletin_id", "at").iterator():
        batch.append(row)
        if len(batch) >= 2000:
            made += len(BulletinReach.objects.bulk_create(_reach_rows(batch)))
            batch = []
    made += len(BulletinReach.objects.bulk_create(_reach_rows(batch)))
    _set_watermark(state, model=BulletinUpdate, top=top, now=now)
    return made


# Household prices of inputs (III.5) ------------------------------------------------------------


def _offer_deltas(
    offers: Iterable[tuple[int, dt.datetime, dt.date, dt.date, int, int]],
) -> Counter[FactKey]:
    """An offer counts from the day it is both set and in season; one set for a season already
    over was never on offer."""
    deltas: Counter[FactKey] = Counter()
    for _pk, created_at, season_start, season_end, commune_id, marketplace_id in offers:
        day = max(to_local(created_at).date(), season_start)
        if day > season_end:
            continue
        deltas[(DISCOUNTED_INPUTS, commune_id, marketplace_id, day)] += 1
        deltas[(DISCOUNTED_INPUTS, commune_id, None, day)] += 1
    return deltas


OFFER_FIELDS = (
    "pk",
    "created_at",
    "season_start",
    "season_end",
    "product__origin_commune_id",
    "product__marketplace_id",
)


def fold_household_prices_batch(
    *, state: FoldState, batch_size: int, now: dt.datetime, stale: dict[TotalKey, dt.date]
) -> tuple[int, int]:
    """Fold new household prices: an input counts once, on the day its supplier first offered
    farm households a price of their own, in its commune of origin and on its marketplace."""
    gaps, old_watermark, _old_gaps = _pending(state, now)
    rows = list(
        HouseholdPrice.objects.filter(Q(pk__gt=old_watermark) | Q(pk__in=sorted(gaps)))
        .order_by("pk")
        .values_list(*OFFER_FIELDS)[:batch_size]
    )
    if not rows:
        state.gaps = [[pk, seen] for pk, seen in sorted(gaps.items())]
        return 0, 0
    _advance(state, read={row[0] for row in rows}, gaps=gaps, now=now)
    return len(rows), apply_deltas(_offer_deltas(rows), stale=stale)


def rebuild_household_prices(*, state: FoldState, now: dt.datetime) -> int:
    DailyFact.objects.filter(indicator__in=HOUSEHOLD_PRICE_INDICATORS).delete()
    RunningTotal.objects.filter(indicator__in=HOUSEHOLD_PRICE_INDICATORS).delete()
    top = HouseholdPrice.objects.aggregate(top=Max("pk"))["top"] or 0
    offers = HouseholdPrice.objects.filter(pk__lte=top).values_list(*OFFER_FIELDS)
    made = _facts_create(_offer_deltas(offers.iterator()))
    _totals_rebuild(indicators=HOUSEHOLD_PRICE_INDICATORS)
    _set_watermark(state, model=HouseholdPrice, top=top, now=now)
    return made
