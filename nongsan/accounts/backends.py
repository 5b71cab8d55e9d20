"""Authentication by mobile number (any common spelling) or, for officials, email."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from nongsan.accounts.models import User
from nongsan.core.errors import ApplicationError
from nongsan.core.validators import parse_mobile


def user_for_identifier(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    try:
        return User.objects.filter(phone=parse_mobile(identifier)).first()
    except ApplicationError:
        return None


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = username or kwargs.get("phone") or kwargs.get("identifier") or ""
        user = user_for_identifier(identifier)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing reveals nothing
            return None
        if password and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
