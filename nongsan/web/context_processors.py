from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from nongsan.accounts import selectors as accounts_selectors
from nongsan.accounts.scope import scope_label
from nongsan.web.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "nav_items": items_for(user),
        "scope_label": scope_label(user) if user else "",
        # Counted only when a page shows it (one query, signed-in users only).
        "unread_notifications": SimpleLazyObject(
            lambda: accounts_selectors.unread_count(actor=user)
        ),
    }
