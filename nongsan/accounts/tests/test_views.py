import pytest
from django.test import override_settings
from django.urls import reverse

from nongsan.accounts.models import ApiKey, Role
from nongsan.accounts.tests import factories

pytestmark = pytest.mark.django_db


def test_login_with_phone_in_any_spelling(client):
    factories.user(phone="0912345678", full_name="Nông Thị Mai")
    response = client.post(
        reverse("accounts:login"), {"identifier": "+84 912 345 678", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert "Nông Thị Mai" in client.get(reverse("web:home")).content.decode()


def test_official_logs_in_with_email(client):
    factories.user(Role.MINISTRY_OFFICIAL, email="bo@nongsan.test")
    response = client.post(
        reverse("accounts:login"), {"identifier": "BO@nongsan.test", "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_says_so_in_vietnamese(client):
    factories.user(phone="0912345678")
    response = client.post(reverse("accounts:login"), {"identifier": "0912345678", "password": "x"})
    assert response.status_code == 200
    assert "mật khẩu không đúng" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_login_is_throttled_after_repeated_failures(client):
    factories.user(phone="0912345678")
    for _ in range(3):
        client.post(reverse("accounts:login"), {"identifier": "0912345678", "password": "sai"})
    response = client.post(
        reverse("accounts:login"), {"identifier": "0912345678", "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_by_sms_code(client, _sms_outbox, django_capture_on_commit_callbacks):
    user = factories.user(phone="0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:otp_request"), {"phone": "0912345678"})
    assert response.status_code == 200
    code = _sms_outbox[-1].body.split("la ")[1][:6]
    response = client.post(reverse("accounts:otp_verify"), {"phone": "0912345678", "code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_sms_code_keeps_the_user_out(client, _sms_outbox, django_capture_on_commit_callbacks):
    factories.user(phone="0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:otp_request"), {"phone": "0912345678"})
    code = _sms_outbox[-1].body.split("la ")[1][:6]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(reverse("accounts:otp_verify"), {"phone": "0912345678", "code": wrong})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_up_as_household(client):
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "full_name": "Hà Thị Hoa",
            "phone": "0987654321",
            "password": factories.PASSWORD,
            "role": Role.HOUSEHOLD,
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).context["user"].role == Role.HOUSEHOLD


def test_sign_up_names_the_bad_field(client):
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "full_name": "Hà Thị Hoa",
            "phone": "12345",
            "password": factories.PASSWORD,
            "role": "buyer",
        },
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors


def test_next_parameter_is_followed_only_on_this_site(client):
    factories.user(phone="0912345678")
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {
            "identifier": "0912345678",
            "password": factories.PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response.url == reverse("web:home")


def test_account_page_creates_shows_once_and_revokes_keys(client):
    user = factories.user()
    client.force_login(user)
    response = client.post(reverse("accounts:account"), {"name": "Máy chủ HTX"})
    raw = response.context["new_key"]
    assert raw.startswith("ns_")
    assert raw not in client.get(reverse("accounts:account")).content.decode()
    key = ApiKey.objects.get(user=user)
    client.post(reverse("accounts:api_key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_nobody_revokes_another_users_key(client):
    owner, intruder = factories.user(), factories.user(Role.MINISTRY_OFFICIAL)
    from nongsan.accounts import services

    key, _raw = services.api_key_create(user=owner, name="k")
    client.force_login(intruder)
    assert client.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 404


def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
