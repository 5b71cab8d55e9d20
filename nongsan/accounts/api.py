"""The signed-in user, as API clients see themselves."""

from django.http import HttpRequest
from ninja import Router

from nongsan.accounts.api_auth import api_auth
from nongsan.accounts.schemas import MeOut
from nongsan.accounts.scope import scope_label

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, auth=api_auth, summary="The user the request acts as")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=user.pk,
        full_name=user.full_name,
        phone=user.phone,
        role=user.role,
        role_label=str(user.get_role_display()),
        scope=scope_label(user),
    )
