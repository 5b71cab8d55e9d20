"""Plan 1034 reports at national scale, from facts and by direct recomputation.

On PostgreSQL: 5,000,000 farm households spread over the 3,321 communes, with their milestones
through 2026 (trained, shops on two marketplaces, payment accounts: about 11.5 million rows), and
1,000,000 delivered orders (one sub-order each, from 20,000 shops, to buyers in every province
and a few countries). The facts are built by the real rebuild command's service; then the
national weekly report and a province's monthly report are timed from facts (the way the pages
and the API build them) and by direct recomputation from households' milestones and deliveries.
SQLite runs a fiftieth of the size.

Rows are written in bulk, not through the services: this measures reporting, and the services'
per-household checks would take hours. Order lines are not written: the reports read the
sub-orders' weights.
"""

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

NAME = "monitoring_report"
TITLE = "Plan 1034 reports at national scale: from facts and by direct recomputation"
PG_HOUSEHOLDS, PG_DELIVERIES = 5_000_000, 1_000_000
SQLITE_SHARE = 50
SHOPS = 20_000
ROUNDS = 20
YEAR_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
YEAR_SECONDS = int((dt.datetime(2026, 11, 25, 16, tzinfo=dt.UTC) - YEAR_START).total_seconds())
# (kind, marketplace code or None, share of households that reached it)
MILESTONES = (
    ("trained_digital", None, 0.70),
    ("trained_packaging", None, 0.55),
    ("shop_opened", "postmart", 0.45),
    ("shop_opened", "voso", 0.20),
    ("payment_account", None, 0.40),
)
FOREIGN = ("DE", "JP", "KR", "US", "AU", "FR")


def _percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _columns(model: Any, given: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Every concrete column of `model` but its key, with the given value or the default."""
    from django.db import connection

    names, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        if field.column in given:
            defaults.append(None)
        else:
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
    return names, defaults


def _load(engine: str, model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows giving `fields`; the other columns take their defaults. Returns rows written.

    PostgreSQL: COPY with the table's secondary indexes and constraints dropped and rebuilt
    afterwards, as a bulk load does. SQLite: executemany in one transaction.
    """
    from django.db import connection, transaction

    table = model._meta.db_table
    columns, defaults = _columns(model, dict.fromkeys(fields))
    position = {name: index for index, name in enumerate(fields)}
    plan = [(position.get(name), default) for name, default in zip(columns, defaults, strict=True)]

    def full(row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(row[i] if i is not None else default for i, default in plan)

    written = 0
    if engine != "postgresql":
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch: list[tuple[Any, ...]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            for row in rows:
                batch.append(full(row))
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
        return written + len(batch)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype <> 'p'",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(full(row))
                written += 1
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"VACUUM ANALYZE {table}")
    return written


def _moment(rng: random.Random) -> dt.datetime:
    return YEAR_START + dt.timedelta(seconds=rng.randrange(YEAR_SECONDS))


def _setup(engine: str, households: int, deliveries: int) -> dict[str, Any]:
    from django.db.models import Max

    from nongsan.accounts.models import Role, User
    from nongsan.catalog.models import Shop
    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune, Province
    from nongsan.households.models import Household, Milestone
    from nongsan.orders.models import Order, SubOrder, SubOrderEvent
    from nongsan.orgs.models import Marketplace

    started = time.perf_counter()
    units_load()
    rng = random.Random(1034)
    marketplaces = {
        code: Marketplace.objects.get_or_create(
            code=code, defaults={"name": name, "operator_name": name}
        )[0].pk
        for code, name in (("postmart", "Postmart"), ("voso", "Vỏ Sò"))
    }
    communes = list(Commune.objects.values_list("pk", "province_id"))
    provinces = list(Province.objects.values_list("pk", flat=True))
    buyer = User.objects.create(phone="+84912999998", full_name="Bench", role=Role.BUYER)

    first_household = (Household.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    places = [rng.choice(communes)[0] for _ in range(households)]

    def household_rows() -> Iterable[tuple[Any, ...]]:
        for n in range(households):
            yield ("Hộ sản xuất", "ho san xuat", str(100_000_000_000 + n), "male", places[n])

    _load(
        engine,
        Household,
        ("head_name", "head_name_key", "head_cccd", "head_gender", "commune_id"),
        household_rows(),
    )
    mrng = random.Random(47)

    def milestone_rows() -> Iterable[tuple[Any, ...]]:
        for n in range(households):
            for kind, marketplace, share in MILESTONES:
                if mrng.random() < share:
                    yield (
                        first_household + n,
                        kind,
                        marketplaces[marketplace] if marketplace else None,
                        _moment(mrng),
                        places[n],
                    )

    milestones = _load(
        engine,
        Milestone,
        ("household_id", "kind", "marketplace_id", "achieved_at", "commune_id"),
        milestone_rows(),
    )

    commune_of = dict(communes)
    shop_rows = []
    for index in range(SHOPS):
        household_id = first_household + index * (households // SHOPS)
        commune_id = places[household_id - first_household]
        code = "postmart" if index % 3 else "voso"
        shop_rows.append(
            (marketplaces[code], "household", household_id, f"Gian hàng {index}", f"gh-{index}",
             commune_id)
        )  # fmt: skip
    _load(
        engine,
        Shop,
        ("marketplace_id", "owner_kind", "household_id", "name", "slug", "commune_id"),
        shop_rows,
    )
    shops = list(Shop.objects.values_list("pk", "marketplace_id"))
    del commune_of

    orng = random.Random(26)
    first_order = (Order.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    first_sub = (SubOrder.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    delivered_at = [_moment(orng) for _ in range(deliveries)]

    def order_rows() -> Iterable[tuple[Any, ...]]:
        for n in range(deliveries):
            abroad = orng.random() < 0.02
            yield (
                f"B{n:09d}", buyer.pk, "Người mua", "+84912999998",
                None if abroad else orng.choice(provinces),
                orng.choice(FOREIGN) if abroad else "VN",
                "standard", "cod", 100_000, 30_000, 130_000, delivered_at[n],
            )  # fmt: skip

    _load(
        engine,
        Order,
        ("number", "buyer_id", "recipient_name", "recipient_phone", "province_id", "country_id",
         "delivery_option", "payment_method", "goods_total", "shipping_total", "total",
         "created_at"),
        order_rows(),
    )  # fmt: skip

    def sub_order_rows() -> Iterable[tuple[Any, ...]]:
        for n in range(deliveries):
            shop_id, marketplace_id = orng.choice(shops)
            weight = round(orng.uniform(0.5, 20), 3)
            yield (
                first_order + n, f"B{n:09d}-1", shop_id, marketplace_id, "delivered",
                100_000, 30_000, weight, delivered_at[n] - dt.timedelta(days=2), delivered_at[n],
            )  # fmt: skip

    _load(
        engine,
        SubOrder,
        ("order_id", "number", "shop_id", "marketplace_id", "status", "goods_total",
         "shipping_fee", "weight_kg", "placed_at", "delivered_at"),
        sub_order_rows(),
    )  # fmt: skip
    _load(
        engine,
        SubOrderEvent,
        ("sub_order_id", "from_status", "to_status", "at"),
        (
            (first_sub + n, "handed_to_carrier", "delivered", delivered_at[n])
            for n in range(deliveries)
        ),
    )
    return {
        "households": households,
        "milestones": milestones,
        "deliveries": deliveries,
        "load_seconds": time.perf_counter() - started,
    }


def _time(call: Callable[[], Any], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _recompute(*, province_ids: Sequence[int] | None, period: Any) -> dict[str, Any]:
    """The report's figures straight from milestones and deliveries, without facts."""
    from django.db.models import Count, Min, Sum

    from nongsan.households.models import Milestone
    from nongsan.monitoring.indicators import INDICATORS
    from nongsan.monitoring.periods import period_previous
    from nongsan.orders.models import SubOrder

    previous = period_previous(period)
    bounds = {
        "period": (period.starts_at, period.ends_before),
        "previous": (previous.starts_at, previous.ends_before),
    }
    figures: dict[str, Any] = {}
    for indicator in INDICATORS:
        if indicator.milestone_kind is None:
            continue
        rows = Milestone.objects.filter(kind=indicator.milestone_kind)
        if province_ids is not None:
            rows = rows.filter(commune__province_id__in=province_ids)
        firsts = rows.values("household_id").annotate(first=Min("achieved_at"))
        figures[indicator.code] = {
            name: firsts.filter(first__gte=start, first__lt=end).count()
            for name, (start, end) in bounds.items()
        } | {"cumulative": firsts.filter(first__lt=period.ends_before).count()}
    delivered = SubOrder.objects.filter(status="delivered")
    if province_ids is not None:
        delivered = delivered.filter(shop__commune__province_id__in=province_ids)
    figures["II.2"] = {
        name: delivered.filter(delivered_at__gte=start, delivered_at__lt=end).aggregate(
            kg=Sum("weight_kg")
        )["kg"]
        for name, (start, end) in bounds.items()
    }
    reached = delivered.filter(delivered_at__lt=period.ends_before)
    figures["II.6"] = reached.aggregate(n=Count("order__province_id", distinct=True))["n"]
    figures["II.7"] = reached.filter(order__province__isnull=True).aggregate(
        n=Count("order__country_id", distinct=True)
    )["n"]
    return figures


def run(*, engine: str) -> list[tuple[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nongsan.geo.models import Province
    from nongsan.monitoring import selectors, services
    from nongsan.monitoring.models import DailyFact, RunningTotal
    from nongsan.monitoring.periods import period_from_id

    households, deliveries = PG_HOUSEHOLDS, PG_DELIVERIES
    if engine != "postgresql":
        households, deliveries = households // SQLITE_SHARE, deliveries // SQLITE_SHARE
    made = _setup(engine, households, deliveries)
    started = time.perf_counter()
    services.facts_rebuild()
    rebuild_seconds = time.perf_counter() - started

    week, month = period_from_id("2026-W47"), period_from_id("2026-11")
    nation = selectors.Unit(selectors.UnitKind.NATION, "Toàn quốc")
    hanoi = Province.objects.get(code="01")
    province = selectors.Unit(selectors.UnitKind.PROVINCE, hanoi.name, province=hanoi)

    def national() -> Any:
        return selectors.report_build(unit=nation, period=week)

    def provincial() -> Any:
        return selectors.report_build(unit=province, period=month)

    national(), provincial()  # warm caches
    with CaptureQueriesContext(connection) as captured:
        report = national()
    statements = len(captured)
    weekly = _time(national, ROUNDS)
    monthly = _time(provincial, ROUNDS)
    direct_rounds = 2 if engine == "postgresql" else 3
    direct_weekly = _time(lambda: _recompute(province_ids=None, period=week), direct_rounds)
    direct_monthly = _time(lambda: _recompute(province_ids=[hanoi.pk], period=month), direct_rounds)
    check = _recompute(province_ids=None, period=week)
    agree = all(
        report.row(code).value == figures["period"]
        and report.row(code).cumulative == figures["cumulative"]
        for code, figures in check.items()
        if isinstance(figures, dict) and "cumulative" in figures
    )
    size = (
        f"{made['households']:,} households, {made['milestones']:,} milestones, "
        f"{made['deliveries']:,} delivered sub-orders"
        + ("" if engine == "postgresql" else f" (SQLite runs 1/{SQLITE_SHARE} of the size)")
    )
    return [
        ("data", size),
        ("rows written in", f"{made['load_seconds']:.0f} s"),
        (
            "facts rebuilt (monitoring_rebuild) in",
            f"{rebuild_seconds:.0f} s: {DailyFact.objects.count():,} daily facts, "
            f"{RunningTotal.objects.count():,} running totals",
        ),
        ("SQL statements per national weekly report", str(statements)),
        (
            "national weekly report from facts: p50 / p95 (target < 300 ms)",
            f"{statistics.median(weekly):.0f} / {_percentile(weekly, 0.95):.0f} ms",
        ),
        (
            "Hà Nội monthly report from facts: p50 / p95",
            f"{statistics.median(monthly):.0f} / {_percentile(monthly, 0.95):.0f} ms",
        ),
        (
            "national weekly report by direct recomputation (median)",
            f"{statistics.median(direct_weekly) / 1000:.1f} s",
        ),
        (
            "Hà Nội monthly report by direct recomputation (median)",
            f"{statistics.median(direct_monthly) / 1000:.1f} s",
        ),
        (
            "household figures from facts equal the recomputation (I.1-I.4)",
            "yes" if agree else "NO",
        ),
    ]
