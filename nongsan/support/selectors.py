"""Every read of the portal: difficulties narrowed to the actor's scope, the public FAQ, news and
the public national statistics."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nongsan.accounts.scope import scope_filter
from nongsan.monitoring import selectors as monitoring_selectors
from nongsan.orgs.models import Marketplace
from nongsan.support.models import Difficulty, Message, NewsItem

PENDING = (Difficulty.Status.OPEN, Difficulty.Status.IN_PROGRESS)


def _base() -> QuerySet[Difficulty]:
    return Difficulty.objects.select_related(
        "province", "commune", "marketplace", "carrier", "assigned_marketplace", "raised_by"
    )


def _scoped(queryset: QuerySet[Difficulty], *, actor: Any) -> QuerySet[Difficulty]:
    """A province sees what it and its communes raised, a commune agent its communes', a
    marketplace or a carrier its own (and what is assigned to the marketplace), the Ministry all."""
    local = queryset.filter(
        raised_as__in=(Difficulty.RaisedAs.PROVINCE, Difficulty.RaisedAs.COMMUNE)
    )
    return (
        scope_filter(local, actor=actor, province="province", commune="commune", owner="raised_by")
        | scope_filter(
            queryset, actor=actor, marketplace="marketplace", carrier="carrier", owner="raised_by"
        )
        | scope_filter(queryset, actor=actor, marketplace="assigned_marketplace")
    )


def difficulty_list(
    *,
    actor: Any,
    status: str = "",
    topic: str = "",
    province_id: int | None = None,
    overdue: bool = False,
) -> QuerySet[Difficulty]:
    rows = _scoped(_base(), actor=actor)
    if status:
        rows = rows.filter(status=status)
    if topic:
        rows = rows.filter(topic=topic)
    if province_id:
        rows = rows.filter(province_id=province_id)
    if overdue:
        rows = rows.filter(status__in=PENDING, due_on__lt=timezone.localdate())
    return rows.annotate(message_count=Count("messages")).order_by("-created_at", "-pk")


def difficulty_get_for(*, actor: Any, number: str) -> Difficulty:
    """One difficulty within the actor's scope; out of scope is a 404, never a hint it exists."""
    found = _scoped(_base(), actor=actor).filter(number=number).first()
    if found is None:
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
    return found


def message_list(*, difficulty: Difficulty) -> QuerySet[Message]:
    """The thread of a difficulty the caller already fetched within scope."""
    return (
        Message.objects.filter(difficulty=difficulty)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Counts:
    open: int
    in_progress: int
    answered: int
    closed: int
    overdue: int


def difficulty_counts(*, actor: Any) -> Counts:
    today = timezone.localdate()
    found = _scoped(Difficulty.objects.all(), actor=actor).aggregate(
        open=Count("pk", filter=Q(status=Difficulty.Status.OPEN)),
        in_progress=Count("pk", filter=Q(status=Difficulty.Status.IN_PROGRESS)),
        answered=Count("pk", filter=Q(status=Difficulty.Status.ANSWERED)),
        closed=Count("pk", filter=Q(status=Difficulty.Status.CLOSED)),
        overdue=Count("pk", filter=Q(status__in=PENDING, due_on__lt=today)),
    )
    return Counts(**{key: int(value or 0) for key, value in found.items()})


# --- Public -----------------------------------------------------------------------------------


def faq_list(*, topic: str = "") -> QuerySet[Difficulty]:
    rows = Difficulty.objects.filter(faq_published_at__isnull=False)
    if topic:
        rows = rows.filter(topic=topic)
    return rows.only("number", "topic", "faq_question", "faq_answer", "faq_published_at").order_by(
        "-faq_published_at", "-pk"
    )


def news_list() -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-pk"
    )


def news_get(*, slug: str) -> NewsItem:
    found = news_list().filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class MarketplaceStats:
    marketplace: Marketplace | None  # None: all marketplaces, households counted once
    households_on_platforms: int
    tonnes_sold: float
    provinces_reached: int
    countries_reached: int


@dataclass(frozen=True)
class PublicStats:
    day: dt.date
    total: MarketplaceStats
    by_marketplace: tuple[MarketplaceStats, ...]


HOUSEHOLDS_ON_PLATFORMS = "I.3"  # households with a shop on a marketplace
TONNES_SOLD = "II.2"


def _stats(option: Marketplace | None, day: dt.date) -> MarketplaceStats:
    figures = monitoring_selectors.cumulative_at(
        day=day,
        province_ids=None,
        marketplace=option,
        indicators=[i for i in monitoring_selectors.COMPUTED if i.code in ("I.3", "II.2")],
    )
    reached = {
        abroad: len(
            monitoring_selectors.markets_reached(
                province_ids=None, marketplace=option, until=day, abroad=abroad
            )
        )
        for abroad in (False, True)
    }
    grams = figures.get(TONNES_SOLD, 0)
    return MarketplaceStats(
        marketplace=option,
        households_on_platforms=figures.get(HOUSEHOLDS_ON_PLATFORMS, 0),
        tonnes_sold=round(grams / 1_000_000, 3),
        provinces_reached=reached[False],
        countries_reached=reached[True],
    )


def public_stats(*, day: dt.date | None = None) -> PublicStats:
    """National figures for anyone, from monitoring's running totals (a few small queries)."""
    day = day or timezone.localdate()
    marketplaces = list(Marketplace.objects.filter(is_active=True).order_by("name"))
    return PublicStats(
        day=day,
        total=_stats(None, day),
        by_marketplace=tuple(_stats(option, day) for option in marketplaces),
    )
