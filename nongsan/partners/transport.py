"""How webhooks leave the platform: an adapter with an HTTP sender for production and a sandbox
that keeps everything on this machine (the default, and what tests read)."""

import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The receiver could not be reached or did not accept the event."""


class WebhookSender(Protocol):
    def post(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST the body; the receiver's HTTP status, or DeliveryError if unreachable."""
        ...


class HttpSender:
    timeout = 10

    def post(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
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
