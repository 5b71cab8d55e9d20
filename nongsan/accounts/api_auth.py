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
        api_key = services.api_key_resolve(raw_key=key)
        if api_key is None:
            return None
        request.user = api_key.user
        request.api_key = api_key  # type: ignore[attr-defined]  # read by partners' provenance
        return api_key.user


# Tried in order: a machine client's key first, then the signed-in browser session.
api_auth = [ApiKeyAuth(), SessionAuth()]
