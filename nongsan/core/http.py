"""Every call the platform makes to another server (partners' webhooks, the lender, the SMS
gateway) goes through `request`: the destination is resolved and refused when it is not a
public address (loopback, private, shared, link-local — the cloud metadata service —,
multicast, reserved, unspecified; IPv4 and IPv6, IPv4-mapped included), the connection goes
to the very address that was checked (a name cannot resolve to another one in between),
redirects are never followed (a public server cannot send the call on to an internal one),
and the call is bounded in time and in the size of the answer.

`settings.OUTGOING_ALLOWED_HOSTS` names hosts allowed anyway: local sandboxes in development,
never set in production unless a provider really lives on a private network.
"""

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_ANSWER_BYTES = 1_000_000


class OutgoingError(Exception):
    """The call was refused before leaving, or its destination did not answer as it should."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


_INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def plainly_internal(url: str) -> bool:
    """Whether a URL names the platform's own network on its face (an IP literal that is not
    public, localhost, an internal suffix): refused when it is given, before any call. A name
    is resolved, and checked again, at every call (`destination`)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(_INTERNAL_SUFFIXES):
        return True
    try:
        return not _public(host)
    except ValueError:
        return False  # a name, not an address


def destination(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, the checked address to connect to) for a URL the platform may
    call, or OutgoingError saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutgoingError("only http(s) URLs with a host can be called")
    if parts.username or parts.password:
        raise OutgoingError("URLs with credentials are not called")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutgoingError(f"cannot resolve {host}") from exc
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise OutgoingError(f"cannot resolve {host}")
    allowed = host in set(getattr(settings, "OUTGOING_ALLOWED_HOSTS", ()))
    if not allowed and not all(_public(address) for address in addresses):
        # Every address must be public: a name that also resolves inward is refused whole.
        raise OutgoingError(f"{host} is not a public address")
    return parts.scheme, host, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, on the address that was checked.
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]  # set by HTTPSConnection


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10,
    max_bytes: int = MAX_ANSWER_BYTES,
) -> Answer:
    """Call `url` once; the answer's status and body (at most `max_bytes`). A redirect is
    returned as it is (3xx), never followed."""
    scheme, host, port, address = destination(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout)
    try:
        connection.request(method, target, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OutgoingError(f"the answer is larger than {max_bytes} bytes")
        return Answer(status=int(response.status), body=data)
    except (OSError, http.client.HTTPException) as exc:
        raise OutgoingError(f"{host} did not answer: {exc.__class__.__name__}") from exc
    finally:
        connection.close()
