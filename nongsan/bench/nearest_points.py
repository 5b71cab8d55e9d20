"""The 10 nearest open sales points among 100,000 (the map's "near me"; target p95 < 10 ms)."""

import os
import random
import statistics
import time

TITLE = "Nearest sales points (geo.nearest_sales_points)"
POINTS = 100_000
QUERIES = 2_000


def run(*, engine: str) -> list[tuple[str, str]]:
    from nongsan.geo import selectors
    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune, SalesPoint

    units_load()
    rng = random.Random(1034)
    communes = list(Commune.objects.select_related("province").order_by("code"))
    kinds, statuses = SalesPoint.Kind.values, SalesPoint.Status.values
    started = time.perf_counter()
    batch = []
    for i in range(POINTS):
        commune = rng.choice(communes)
        # Points cluster around communes (within ~10 km), as shops and markets do.
        batch.append(
            SalesPoint(
                kind=rng.choice(kinds),
                name=f"Điểm bán {i}",
                status=rng.choices(statuses, weights=(8, 1, 1))[0],
                commune=commune,
                province=commune.province,
                latitude=commune.latitude + rng.uniform(-0.09, 0.09),
                longitude=commune.longitude + rng.uniform(-0.09, 0.09),
            )
        )
        if len(batch) == 5000:
            SalesPoint.objects.bulk_create(batch)
            batch = []
    SalesPoint.objects.bulk_create(batch)
    load_seconds = time.perf_counter() - started
    if engine == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:  # what autovacuum does to a table after a load
            cursor.execute("VACUUM ANALYZE geo_salespoint")
    open_points = selectors.sales_points(status=SalesPoint.Status.OPEN)
    # Where people ask from: near a commune (most), or anywhere in the country's bounding box.
    origins = [
        (c.latitude + rng.uniform(-0.05, 0.05), c.longitude + rng.uniform(-0.05, 0.05))
        for c in rng.sample(communes, QUERIES * 9 // 10)
    ] + [(rng.uniform(8.6, 23.3), rng.uniform(102.2, 109.4)) for _ in range(QUERIES // 10)]
    timings, cpu = [], []
    load_before = os.getloadavg()[0]
    for lat, lng in origins:
        t0, c0 = time.perf_counter(), time.process_time()
        found = selectors.nearest_sales_points(
            latitude=lat, longitude=lng, limit=10, points=open_points
        )
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert len(found) == 10
    timings.sort()
    cpu.sort()
    return [
        ("sales points (80% open), clustered around the 3,321 communes", f"{POINTS:,}"),
        ("points loaded in", f"{load_seconds:.1f} s"),
        ("queries (90% near a commune, 10% anywhere in the country)", f"{len(origins):,}"),
        ("p50 latency", f"{statistics.median(timings):.2f} ms"),
        ("p95 latency (target < 10 ms)", f"{timings[int(len(timings) * 0.95)]:.2f} ms"),
        ("max latency", f"{timings[-1]:.2f} ms"),
        ("p95 CPU time of this process per query", f"{cpu[int(len(cpu) * 0.95)]:.2f} ms"),
        ("machine load average (1 min) when the queries started", f"{load_before:.1f}"),
    ]
