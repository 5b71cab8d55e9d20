"""The one place where a queryset is narrowed to what an actor may see.

A selector names the paths from its model to the things scopes are made of (province, commune,
marketplace, carrier, owning user); this module decides, per role, which of them apply. A path the
model does not have means the role sees nothing of that model beyond the rows the actor owns.
"""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nongsan.accounts.models import Role, User
from nongsan.geo.models import Commune

M = TypeVar("M", bound=Model)

NATIONAL_ROLES = frozenset({Role.MINISTRY_OFFICIAL})


def is_national(actor: Any) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser or actor.role in NATIONAL_ROLES:
        return True
    return actor.role == Role.INFO_EDITOR and actor.province_id is None


def agent_commune_ids(actor: User) -> frozenset[int]:
    """The communes a field agent serves, read once per request (cached on the user object)."""
    cached = getattr(actor, "_scope_commune_ids", None)
    if cached is None:
        cached = frozenset(actor.communes.values_list("pk", flat=True))
        actor._scope_commune_ids = cached  # type: ignore[attr-defined]
    return cached


def _area_condition(actor: User, *, province: str | None, commune: str | None) -> Q | None:
    """Rows inside the actor's territory, or None when the role has no territory."""
    if actor.role == Role.PROVINCE_OFFICIAL or (
        actor.role == Role.INFO_EDITOR and actor.province_id is not None
    ):
        return Q(**{province: actor.province_id}) if province else None
    if actor.role == Role.FIELD_AGENT:
        commune_ids = agent_commune_ids(actor)
        if commune_ids:
            return Q(**{f"{commune}__in": sorted(commune_ids)}) if commune else None
        if actor.province_id is not None:
            return Q(**{province: actor.province_id}) if province else None
    return None


def _organisation_condition(
    actor: User, *, marketplace: str | None, carrier: str | None
) -> Q | None:
    if actor.role == Role.MARKETPLACE_OPERATOR and marketplace:
        return Q(**{marketplace: actor.marketplace_id})
    if actor.role == Role.CARRIER_STAFF and carrier:
        return Q(**{carrier: actor.carrier_id})
    return None


def scope_filter(
    queryset: QuerySet[M],
    *,
    actor: Any,
    province: str | None = None,
    commune: str | None = None,
    marketplace: str | None = None,
    carrier: str | None = None,
    owner: str | None = None,
) -> QuerySet[M]:
    """Narrow `queryset` to the rows `actor` may see.

    Paths are ORM lookups from the model: `province="commune__province"`, `owner="buyer"`.
    Everyone also sees the rows they own.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return queryset.none()
    if is_national(actor):
        return queryset
    conditions = [
        condition
        for condition in (
            _area_condition(actor, province=province, commune=commune),
            _organisation_condition(actor, marketplace=marketplace, carrier=carrier),
            Q(**{owner: actor.pk}) if owner else None,
        )
        if condition is not None
    ]
    if not conditions:
        return queryset.none()
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return queryset.filter(combined)


def scoped_get(queryset: QuerySet[M], *, actor: Any, paths: dict[str, str], **lookup: Any) -> M:
    """Fetch one row within the actor's scope; out of scope is a 404, never a hint it exists.

    The scope is applied as a subquery of keys: a path through a to-many relation (a
    household's milestones on a marketplace) would otherwise give the row once per match."""
    visible = scope_filter(queryset.model._default_manager.all(), actor=actor, **paths)
    try:
        return queryset.filter(pk__in=visible.values("pk")).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem.")) from exc


def scope_label(actor: Any) -> str:
    """How the actor's scope reads in a page header: "Toàn quốc", "Tỉnh Lạng Sơn", ..."""
    if not getattr(actor, "is_authenticated", False):
        return ""
    if is_national(actor):
        return _("Toàn quốc")
    if actor.role == Role.FIELD_AGENT and agent_commune_ids(actor):
        ids = agent_commune_ids(actor)
        names = ", ".join(c.name for c in Commune.objects.filter(pk__in=ids).order_by("code")[:3])
        more = len(ids) - 3
        return names + (_(" và %(n)s xã khác") % {"n": more} if more > 0 else "")
    if actor.province_id is not None:
        return actor.province.name
    if actor.role == Role.MARKETPLACE_OPERATOR and actor.marketplace_id:
        return actor.marketplace.name
    if actor.role == Role.CARRIER_STAFF and actor.carrier_id:
        return actor.carrier.name
    return _("Cá nhân")
