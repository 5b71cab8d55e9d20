"""API authentication: a browser session, or an `X-API-Key` header for machine clients."""

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, SessionAuth

from nongsan.accounts import services


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = services.api_key_authenticate(raw_key=key)
        if user is not None:
            request.user = user
            # which key acted, for the provenance of what the client sends (never the secret)
            request.api_key_prefix = key.strip().split("_", 2)[1]  # type: ignore[attr-defined]
        return user


# Tried in order: a machine client's key first, then the signed-in browser session.
api_auth = [ApiKeyAuth(), SessionAuth()]
