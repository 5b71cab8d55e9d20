"""How webhooks leave the platform: an adapter with an HTTP sender for production and a sandbox
that keeps everything on this machine (the default, and what tests read)."""

from collections.abc import Mapping
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from nongsan.core import http


class DeliveryError(Exception):
    """The receiver could not be reached or did not accept the event."""


class WebhookSender(Protocol):
    def post(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST the body; the receiver's HTTP status, or DeliveryError if unreachable."""
        ...


class HttpSender:
    """POSTs through core.http: never to the platform's own network, never following a
    redirect, bounded in time and answer size."""

    timeout = 10

    def post(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            return http.request(
                "POST", url, body=body, headers=headers, timeout=self.timeout, max_bytes=65_536
            ).status
        except http.OutgoingError as exc:
            raise DeliveryError(str(exc)) from exc


class SandboxSender:
    """Records what would be sent; a URL can be told to answer a status or be unreachable."""

    outbox: ClassVar[list[tuple[str, bytes, dict[str, str]]]] = []
    answers: ClassVar[dict[str, int | None]] = {}  # url -> status, None: unreachable

    def post(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        self.outbox.append((url, body, dict(headers)))
        status = self.answers.get(url, 200)
        if status is None:
            raise DeliveryError("sandbox: connection refused")
        return status


def sender() -> WebhookSender:
    sender_class: type[WebhookSender] = import_string(str(settings.PARTNERS["WEBHOOK_SENDER"]))
    return sender_class()
