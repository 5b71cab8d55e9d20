"""The HTTP SMS gateway adapter, spoken to a real HTTP server on the loopback interface."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nongsan.core.sms import HttpGatewaySmsProvider, SandboxSmsProvider, SmsError, send_sms


class _Gateway(BaseHTTPRequestHandler):
    received: list[tuple[dict, str]] = []
    answer: dict = {"status": "success", "message_id": "m-1"}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Gateway.received.append((body, self.headers["Authorization"]))
        payload = json.dumps(_Gateway.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    settings.OUTGOING_ALLOWED_HOSTS = ["127.0.0.1"]  # a local sandbox of the gateway
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received.clear()
    _Gateway.answer = {"status": "success", "message_id": "m-1"}
    yield f"http://127.0.0.1:{server.server_port}/sms/send"
    server.shutdown()


def test_gateway_sends_json_with_the_token(gateway):
    provider = HttpGatewaySmsProvider(url=gateway, token="secret", sender="NONGSAN")
    message = provider.send(to="+84912345678", body="Ma dang nhap 123456")
    assert message.provider_id == "m-1"
    body, auth = _Gateway.received[0]
    assert body == {"to": ["+84912345678"], "content": "Ma dang nhap 123456", "sender": "NONGSAN"}
    assert auth == "Bearer secret"


def test_gateway_refusal_is_an_error(gateway):
    _Gateway.answer = {"status": "error", "message": "balance"}
    with pytest.raises(SmsError, match="refused"):
        HttpGatewaySmsProvider(url=gateway, token="t").send(to="+84912345678", body="x")


def test_a_gateway_on_the_platforms_own_network_is_not_called(gateway, settings):
    settings.OUTGOING_ALLOWED_HOSTS = []
    with pytest.raises(SmsError, match="not a public address"):
        HttpGatewaySmsProvider(url=gateway, token="t").send(to="+84912345678", body="x")
    assert _Gateway.received == []


def test_unreachable_gateway_is_an_error(settings):
    settings.OUTGOING_ALLOWED_HOSTS = ["127.0.0.1"]
    provider = HttpGatewaySmsProvider(url="http://127.0.0.1:9/none", token="t", timeout=1)
    with pytest.raises(SmsError, match="unreachable"):
        provider.send(to="+84912345678", body="x")


def test_default_provider_is_the_sandbox(_sms_outbox):
    send_sms(to="+84912345678", body="xin chao")
    assert SandboxSmsProvider.outbox[-1].body == "xin chao"
