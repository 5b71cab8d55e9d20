"""Resolving the addresses of imported lists to current communes (what every import row does)."""

import random
import statistics
import time

TITLE = "Address resolution (geo.commune_resolve)"


def run(*, engine: str) -> list[tuple[str, str]]:
    from nongsan.geo import selectors
    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune, LegacyWard

    started = time.perf_counter()
    units_load()
    load_seconds = time.perf_counter() - started
    rng = random.Random(1034)
    current = list(Commune.objects.select_related("province").order_by("code"))
    legacy = list(
        LegacyWard.objects.select_related("district__province")
        .filter(successors__isnull=False)
        .distinct()
        .order_by("code")
    )
    addresses = [(c.province.name, c.name, "") for c in rng.sample(current, 2000)] + [
        (w.district.province.name, w.name, w.district.name) for w in rng.sample(legacy, 2000)
    ]
    rng.shuffle(addresses)
    timings = []
    started = time.perf_counter()
    for province, commune, district in addresses:
        t0 = time.perf_counter()
        selectors.commune_resolve(province=province, commune=commune, district=district)
        timings.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    timings.sort()
    return [
        (
            "units loaded (34 provinces, 3,321 communes, 10,035 legacy wards)",
            f"{load_seconds:.1f} s",
        ),
        ("addresses resolved (half current, half legacy with district)", f"{len(addresses):,}"),
        ("throughput", f"{len(addresses) / total:,.0f} addresses/s"),
        ("p50 latency", f"{statistics.median(timings):.2f} ms"),
        ("p95 latency", f"{timings[int(len(timings) * 0.95)]:.2f} ms"),
    ]
