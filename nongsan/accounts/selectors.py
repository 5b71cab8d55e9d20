"""Every read about accounts, narrowed to the actor's scope."""

from typing import Any

from django.db.models import QuerySet

from nongsan.accounts.models import ApiKey, Notification, Role, User
from nongsan.accounts.scope import scope_filter, scoped_get


def user_list(*, actor: Any) -> QuerySet[User]:
    """People an official may see: those of their territory or organisation, and themselves."""
    return scope_filter(
        User.objects.select_related("province", "marketplace", "carrier"),
        actor=actor,
        province="province",
        commune="communes",
        marketplace="marketplace",
        carrier="carrier",
        owner="pk",
    ).distinct()


def api_key_list(*, actor: Any) -> QuerySet[ApiKey]:
    return scope_filter(ApiKey.objects.all(), actor=actor, owner="user")


def api_key_get_for(*, actor: Any, key_id: int) -> ApiKey:
    """A user manages only their own keys, whatever their role."""
    return scoped_get(
        ApiKey.objects.filter(user=actor) if actor.is_authenticated else ApiKey.objects.none(),
        actor=actor,
        paths={"owner": "user"},
        pk=key_id,
    )


def notification_list(*, actor: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=actor).order_by("-created_at", "-pk")


def unread_count(*, actor: Any) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()


def marketplace_operators(*, marketplace_id: int) -> QuerySet[User]:
    """The active operators of a marketplace (who hear of disputes on its orders)."""
    return User.objects.filter(
        role=Role.MARKETPLACE_OPERATOR, marketplace_id=marketplace_id, is_active=True
    ).order_by("pk")
