"""The guard on every outgoing call: only public destinations, the address that was checked,
no redirect followed, answers bounded. Refused destinations are refused before any packet
leaves (name resolution is replaced in these tests); the calls that are made go to a server on
the loopback interface, allowed by the setting as a local sandbox would be."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nongsan.core import http


def _resolving_to(monkeypatch, *addresses):
    def fake(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # private
        "172.16.0.5",
        "192.168.1.10",
        "100.64.0.1",  # shared (carrier-grade NAT)
        "169.254.169.254",  # link-local: the cloud metadata service
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "::1",
        "fe80::1",
        "fd00:ec2::254",  # unique local: a cloud's IPv6 metadata service
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
    ],
)
def test_a_destination_on_a_private_network_is_refused_before_any_call(monkeypatch, address):
    _resolving_to(monkeypatch, address)
    connects = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connects.append(a))
    with pytest.raises(http.OutgoingError, match="not a public address"):
        http.request("POST", "https://partner.example/hook", body=b"{}")
    assert connects == []


def test_a_name_that_also_resolves_inward_is_refused(monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34", "10.0.0.7")
    with pytest.raises(http.OutgoingError):
        http.destination("https://partner.example/hook")


def test_a_public_destination_is_called_at_the_address_checked(monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34")
    assert http.destination("https://partner.example:8443/hook") == (
        "https",
        "partner.example",
        8443,
        "93.184.216.34",
    )


@pytest.mark.parametrize(
    "url", ["ftp://partner.example/x", "file:///etc/passwd", "https://user:pw@partner.example/"]
)
def test_only_plain_http_urls_are_called(url):
    with pytest.raises(http.OutgoingError):
        http.destination(url)


class _Server(BaseHTTPRequestHandler):
    hits: list[str] = []
    port = 0

    def do_POST(self):
        _Server.hits.append(self.path)
        if self.path == "/redirect":
            self.send_response(302)
            port = _Server.port
            self.send_header("Location", f"http://127.0.0.1:{port}/internal")
            self.end_headers()
            return
        body = b"x" * (2_000_000 if self.path == "/big" else 2)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server(settings):
    settings.OUTGOING_ALLOWED_HOSTS = ["127.0.0.1"]
    server = HTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Server.hits.clear()
    _Server.port = server.server_port
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_redirect_is_answered_not_followed(local_server):
    answer = http.request("POST", f"{local_server}/redirect", body=b"{}")
    assert answer.status == 302
    assert _Server.hits == ["/redirect"]  # /internal never called


def test_an_answer_beyond_the_limit_is_refused(local_server):
    assert http.request("POST", f"{local_server}/ok", body=b"{}").body == b"xx"
    with pytest.raises(http.OutgoingError, match="larger than"):
        http.request("POST", f"{local_server}/big", body=b"{}", max_bytes=1_000)
