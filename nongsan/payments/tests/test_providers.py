import hashlib
import hmac
import json
from collections.abc import Mapping

import pytest

from nongsan.payments import providers

SECRET = "sandbox-test-secret-0123456789"
BASE_URL = "http://localhost:8000/"


@pytest.fixture
def sandbox() -> providers.SandboxProvider:
    return providers.SandboxProvider(secret=SECRET, base_url=BASE_URL)


def _create(sandbox: providers.SandboxProvider, **overrides: object) -> providers.CreatedPayment:
    kwargs: dict[str, object] = {
        "reference": "PAY-000123",
        "amount": 250_000,
        "description": "Thanh toán đơn hàng NS-000123",
        "return_url": "http://localhost:8000/thanh-toan/ket-qua/",
        "notify_url": "http://localhost:8000/thanh-toan/ipn/sandbox/",
    }
    kwargs.update(overrides)
    return sandbox.create(**kwargs)  # type: ignore[arg-type]


def _signed_body(sandbox: providers.SandboxProvider, **overrides: object) -> dict[str, str]:
    kwargs: dict[str, object] = {
        "provider_ref": "SBXABC",
        "reference": "PAY-000123",
        "amount": 250_000,
        "status": "succeeded",
        "event_id": "EVT1",
    }
    kwargs.update(overrides)
    return json.loads(sandbox.sign_webhook(**kwargs))  # type: ignore[arg-type]


def _body(data: Mapping[str, object]) -> bytes:
    return json.dumps(data).encode()


def test_create_returns_unique_refs_and_local_redirect(sandbox):
    first, second = _create(sandbox), _create(sandbox)
    assert first.provider_ref != second.provider_ref
    assert first.provider_ref.startswith("SBX")
    assert first.redirect_url == (
        f"http://localhost:8000/thanh-toan/vi-sandbox/{first.provider_ref}/"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reference": ""}, "reference"),
        ({"reference": "PAY 1&x=2"}, "reference"),
        ({"amount": 0}, "amount"),
        ({"amount": "250000"}, "amount"),
        ({"amount": 2500.0}, "amount"),
        ({"amount": True}, "amount"),
        ({"description": None}, "description"),
        ({"return_url": ""}, "return_url"),
        ({"notify_url": None}, "notify_url"),
    ],
)
def test_create_validates_field_types(sandbox, overrides, field):
    with pytest.raises(ValueError, match=rf"^{field} "):
        _create(sandbox, **overrides)


def test_correctly_signed_webhook_parses(sandbox):
    created = _create(sandbox)
    body = sandbox.sign_webhook(
        provider_ref=created.provider_ref,
        reference="PAY-000123",
        amount=250_000,
        status="succeeded",
        event_id="EVT-1",
    )
    result = sandbox.parse_webhook(body, {"Content-Type": "application/json"})
    assert result == providers.ProviderResult(
        provider_ref=created.provider_ref,
        reference="PAY-000123",
        amount=250_000,
        status="succeeded",
        event_id="EVT-1",
        raw=json.loads(body),
    )
    assert isinstance(result.amount, int)


def test_signature_is_hmac_sha256_over_sorted_canonical_string(sandbox):
    data = _signed_body(sandbox)
    canonical = (
        "amount=250000&event_id=EVT1&provider_ref=SBXABC&reference=PAY-000123&status=succeeded"
    )
    assert providers.canonical_string(data) == canonical
    expected = hmac.new(SECRET.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    assert data["signature"] == expected


def test_failed_status_and_generated_event_ids(sandbox):
    first = sandbox.parse_webhook(_body(_signed_body(sandbox, status="failed", event_id=None)), {})
    second = sandbox.parse_webhook(_body(_signed_body(sandbox, event_id=None)), {})
    assert first.status == "failed"
    assert second.status == "succeeded"
    assert first.event_id != second.event_id


def test_tampered_amount_raises_signature_error(sandbox):
    data = _signed_body(sandbox)
    data["amount"] = "2500"
    with pytest.raises(providers.SignatureError):
        sandbox.parse_webhook(_body(data), {})


def test_added_field_raises_signature_error(sandbox):
    data = _signed_body(sandbox)
    data["note"] = "x"
    with pytest.raises(providers.SignatureError):
        sandbox.parse_webhook(_body(data), {})


def test_wrong_secret_raises_signature_error(sandbox):
    other = providers.SandboxProvider(secret="another-secret-0000000000", base_url=BASE_URL)
    with pytest.raises(providers.SignatureError, match="invalid signature"):
        sandbox.parse_webhook(_body(_signed_body(other)), {})


@pytest.mark.parametrize("signature", [None, ""])
def test_missing_signature_raises_signature_error(sandbox, signature):
    data = _signed_body(sandbox)
    if signature is None:
        del data["signature"]
    else:
        data["signature"] = signature
    with pytest.raises(providers.SignatureError, match="no signature"):
        sandbox.parse_webhook(_body(data), {})


def test_signature_error_is_a_value_error():
    assert issubclass(providers.SignatureError, ValueError)


def test_non_ascii_signature_is_rejected_not_crashed(sandbox):
    data = _signed_body(sandbox)
    data["signature"] = "chữ ký giả"
    with pytest.raises(providers.SignatureError):
        sandbox.parse_webhook(_body(data), {})


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b'{"amount": 250000}']
)
def test_malformed_webhook_bodies_raise_value_error(sandbox, body):
    with pytest.raises(ValueError):
        sandbox.parse_webhook(body, {})


def test_integer_amount_in_json_is_rejected(sandbox):
    data: dict[str, object] = dict(_signed_body(sandbox))
    data["amount"] = 250_000
    with pytest.raises(ValueError, match="must be a string"):
        sandbox.parse_webhook(_body(data), {})


def test_signed_but_invalid_fields_raise_value_error(sandbox):
    # Correctly signed by the provider, yet unusable: the amount is not an integer string.
    fields = {
        "provider_ref": "SBXABC",
        "reference": "PAY-1",
        "amount": "250000.00",
        "status": "succeeded",
        "event_id": "E1",
    }
    fields["signature"] = sandbox.sign(fields)
    with pytest.raises(ValueError, match="amount") as excinfo:
        sandbox.parse_webhook(_body(fields), {})
    assert not isinstance(excinfo.value, providers.SignatureError)

    missing = {"provider_ref": "SBXABC", "reference": "PAY-1", "amount": "1"}
    missing["signature"] = sandbox.sign(missing)
    with pytest.raises(ValueError, match="lack required fields: status, event_id"):
        sandbox.parse_webhook(_body(missing), {})

    unknown = dict(fields, amount="1", status="pending")
    unknown["signature"] = sandbox.sign({k: v for k, v in unknown.items() if k != "signature"})
    with pytest.raises(ValueError, match="status"):
        sandbox.parse_webhook(_body(unknown), {})


def test_canonical_separators_are_refused(sandbox):
    # "a=1&b=2" as one value would sign the same text as two fields a=1 and b=2.
    with pytest.raises(ValueError, match="may not contain"):
        sandbox.sign({"a": "1&b=2"})
    data = _signed_body(sandbox)
    data["reference"] = "PAY&x=1"
    with pytest.raises(ValueError, match="may not contain"):
        sandbox.parse_webhook(_body(data), {})


def test_return_params_verify(sandbox):
    params = sandbox.sign_return(
        provider_ref="SBXABC", reference="PAY-000123", amount=99_000, status="failed"
    )
    assert all(isinstance(value, str) for value in params.values())
    result = sandbox.verify_return(params)
    assert (result.reference, result.amount, result.status) == ("PAY-000123", 99_000, "failed")

    tampered = dict(params, status="succeeded")
    with pytest.raises(providers.SignatureError):
        sandbox.verify_return(tampered)


def test_sign_helpers_validate_their_input(sandbox):
    with pytest.raises(ValueError, match=r"^status "):
        sandbox.sign_return(provider_ref="SBX", reference="PAY-1", amount=1, status="ok")
    with pytest.raises(ValueError, match=r"^amount "):
        sandbox.sign_webhook(provider_ref="SBX", reference="PAY-1", amount=-1, status="failed")


def test_get_provider_registry():
    provider = providers.get_provider("sandbox", secret=SECRET, base_url=BASE_URL)
    assert provider.code == "sandbox"
    assert isinstance(provider, providers.SandboxProvider)
    with pytest.raises(KeyError, match="momo"):
        providers.get_provider("momo", secret=SECRET, base_url=BASE_URL)


def test_sandbox_needs_a_secret():
    with pytest.raises(ValueError, match="secret"):
        providers.SandboxProvider(secret="", base_url=BASE_URL)
