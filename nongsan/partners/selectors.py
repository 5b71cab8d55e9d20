"""Every read of the partners app: a partner's own accounts, batches and webhooks (never another
marketplace's), and the cross-marketplace household view for the Ministry and provinces."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nongsan.accounts.models import Role
from nongsan.accounts.scope import scope_filter
from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Marketplace
from nongsan.partners.models import (
    IngestBatch,
    PartnerAccount,
    WebhookDelivery,
    WebhookEndpoint,
)


def _own(actor: Any) -> int:
    """The marketplace id a partner reads within; anyone else reads nothing."""
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.MARKETPLACE_OPERATOR:
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
    return int(actor.marketplace_id)


def account_list(*, actor: Any, status: str = "") -> QuerySet[PartnerAccount]:
    rows = PartnerAccount.objects.filter(marketplace_id=_own(actor)).select_related(
        "household__commune", "batch"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("external_id")


def account_get_for(*, actor: Any, external_id: str) -> PartnerAccount:
    found = account_list(actor=actor).filter(external_id=external_id).first()
    if found is None:
        raise Http404(_("Không tìm thấy tài khoản %(id)s trên sàn của bạn.") % {"id": external_id})
    return found


def batch_get_for(*, actor: Any, batch_id: int) -> IngestBatch:
    found = (
        IngestBatch.objects.filter(marketplace_id=_own(actor), pk=batch_id)
        .prefetch_related("rejections")
        .first()
    )
    if found is None:
        raise Http404(_("Không tìm thấy lô dữ liệu này trên sàn của bạn."))
    return found


def webhook_list(*, actor: Any) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(marketplace_id=_own(actor), is_active=True)


def webhook_get_for(*, actor: Any, endpoint_id: int) -> WebhookEndpoint:
    found = webhook_list(actor=actor).filter(pk=endpoint_id).first()
    if found is None:
        raise Http404(_("Không tìm thấy địa chỉ webhook này."))
    return found


def delivery_list(*, actor: Any) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint__marketplace_id=_own(actor)).order_by(
        "-created_at", "-pk"
    )


# --- Cross-marketplace view -------------------------------------------------------------------

VIEW_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL})


def may_see_cross_view(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_superuser or actor.role in VIEW_ROLES)
    )


@dataclass(frozen=True)
class CrossCounts:
    households: int  # on at least one marketplace, counted once
    one_only: int
    several: int
    per_marketplace: tuple[tuple[Marketplace, int], ...]  # each marketplace's own count

    @property
    def listings(self) -> int:
        """What adding the marketplaces' own counts would give: the double counting shown."""
        return sum(count for _marketplace, count in self.per_marketplace)


def _on_marketplaces(actor: Any, province_id: int | None) -> QuerySet[Milestone]:
    """Households' shops: a first shop opened on a marketplace, hosted here or reported by one."""
    rows = Milestone.objects.filter(kind=Milestone.Kind.SHOP_OPENED, marketplace__isnull=False)
    rows = scope_filter(rows, actor=actor, province="commune__province", commune="commune")
    if province_id:
        rows = rows.filter(commune__province_id=province_id)
    return rows


def cross_marketplace_counts(*, actor: Any, province_id: int | None = None) -> CrossCounts:
    rows = _on_marketplaces(actor, province_id)
    total = rows.values("household_id").distinct().count()
    several = (
        rows.values("household_id")
        .annotate(n=Count("marketplace_id", distinct=True))
        .filter(n__gt=1)
        .count()
    )
    marketplaces = {m.pk: m for m in Marketplace.objects.all()}
    per_marketplace = tuple(
        (marketplaces[row["marketplace_id"]], row["h"])
        for row in rows.values("marketplace_id")
        .annotate(h=Count("household_id", distinct=True))
        .order_by("marketplace_id")
    )
    return CrossCounts(
        households=total, one_only=total - several, several=several, per_marketplace=per_marketplace
    )


def households_on_several(*, actor: Any, province_id: int | None = None) -> QuerySet[Household]:
    """Households with shops on more than one marketplace, in the actor's area."""
    several = (
        _on_marketplaces(actor, province_id)
        .values("household_id")
        .annotate(n=Count("marketplace_id", distinct=True))
        .filter(n__gt=1)
        .values("household_id")
    )
    return (
        Household.objects.filter(pk__in=several)
        .select_related("commune__province")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(
                    kind=Milestone.Kind.SHOP_OPENED, marketplace__isnull=False
                ).select_related("marketplace"),
                to_attr="shops_opened",
            )
        )
        .order_by("commune__province__name", "commune__name", "head_name_key", "pk")
    )
