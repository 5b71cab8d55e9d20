"""Monitoring's figures recomputed the slow, obvious way from milestones, to check facts against."""

import datetime as dt
from collections import Counter, defaultdict

from nongsan.core.timeutils import to_local
from nongsan.households.models import Milestone
from nongsan.monitoring.indicators import BY_MILESTONE_KIND
from nongsan.monitoring.models import DailyFact, RunningTotal

Fact = tuple[str, int, int | None, dt.date]


def expected_facts() -> dict[Fact, int]:
    counts: Counter[Fact] = Counter()
    firsts: dict[tuple[int, str], Milestone] = {}
    for milestone in Milestone.objects.order_by("pk"):
        indicator = BY_MILESTONE_KIND.get(milestone.kind)
        if indicator is None:
            continue
        day = to_local(milestone.achieved_at).date()
        if milestone.marketplace_id is not None:
            counts[(indicator.code, milestone.commune_id, milestone.marketplace_id, day)] += 1
        key = (milestone.household_id, milestone.kind)
        first = firsts.get(key)
        if first is None or (milestone.achieved_at, milestone.pk) < (first.achieved_at, first.pk):
            firsts[key] = milestone
    for milestone in firsts.values():
        code = BY_MILESTONE_KIND[milestone.kind].code
        counts[(code, milestone.commune_id, None, to_local(milestone.achieved_at).date())] += 1
    return dict(counts)


def expected_totals() -> dict[tuple[str, int, int | None, dt.date], int]:
    per_day: Counter[tuple[str, int, int | None, dt.date]] = Counter()
    from nongsan.geo.models import Commune

    facts = expected_facts()
    province_of = dict(
        Commune.objects.filter(pk__in={key[1] for key in facts}).values_list("pk", "province_id")
    )
    for (code, commune_id, marketplace_id, day), value in facts.items():
        per_day[(code, province_of[commune_id], marketplace_id, day)] += value
    series: dict[tuple[str, int, int | None], list[tuple[dt.date, int]]] = defaultdict(list)
    for (code, province_id, marketplace_id, day), value in per_day.items():
        series[(code, province_id, marketplace_id)].append((day, value))
    totals = {}
    for (code, province_id, marketplace_id), days in series.items():
        cumulative = 0
        for day, value in sorted(days):
            cumulative += value
            totals[(code, province_id, marketplace_id, day)] = cumulative
    return totals


def stored_facts() -> dict[Fact, int]:
    return {
        (fact.indicator, fact.commune_id, fact.marketplace_id, fact.day): fact.value
        for fact in DailyFact.objects.all()
    }


def stored_totals() -> dict[tuple[str, int, int | None, dt.date], int]:
    return {
        (total.indicator, total.province_id, total.marketplace_id, total.day): total.value
        for total in RunningTotal.objects.all()
    }
