from django.http import HttpRequest

from nongsan.accounts.scope import scope_label
from nongsan.web.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {"nav_items": items_for(user), "scope_label": scope_label(user) if user else ""}
