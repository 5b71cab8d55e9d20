import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from nongsan.accounts import services
from nongsan.accounts.models import OneTimeCode, Role
from nongsan.accounts.tests import factories
from nongsan.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


class TestUserCreate:
    def test_phone_is_stored_in_e164(self):
        user = factories.user(phone="0912 345 678")
        assert user.phone == "+84912345678"
        assert user.check_password(factories.PASSWORD)

    def test_same_phone_in_another_spelling_is_a_duplicate(self):
        factories.user(phone="0912345678")
        with pytest.raises(ApplicationError) as exc:
            factories.user(phone="+84 912 345 678")
        assert (exc.value.field, exc.value.code) == ("phone", "duplicate")

    def test_weak_password_is_refused_with_the_reason(self):
        with pytest.raises(ApplicationError) as exc:
            factories.user(password="123")
        assert exc.value.field == "password"

    def test_without_password_the_user_logs_in_by_code_only(self):
        user = factories.user(password=None)
        assert not user.has_usable_password()

    @pytest.mark.parametrize(
        ("role", "field"),
        [
            (Role.PROVINCE_OFFICIAL, "province"),
            (Role.FIELD_AGENT, "communes"),
            (Role.MARKETPLACE_OPERATOR, "marketplace"),
            (Role.CARRIER_STAFF, "carrier"),
        ],
    )
    def test_staff_roles_need_their_scope(self, role, field):
        with pytest.raises(ApplicationError) as exc:
            services.user_create(
                phone=factories.next_phone(),
                full_name="Lê Văn Bảo",
                role=role,
                province=None,
                communes=[],
                marketplace=None,
                carrier=None,
            )
        assert exc.value.field == field

    def test_field_agent_communes_must_lie_in_their_province(self):
        with pytest.raises(ApplicationError) as exc:
            factories.user(
                Role.FIELD_AGENT,
                province=factories.province("Lạng Sơn"),
                communes=[factories.commune("Hà Nội")],
            )
        assert "không thuộc" in exc.value.message

    def test_sign_up_is_only_for_buyers_and_households(self):
        with pytest.raises(ApplicationError):
            services.user_sign_up(
                phone=factories.next_phone(),
                full_name="Kẻ Gian",
                password=factories.PASSWORD,
                role=Role.MINISTRY_OFFICIAL,
            )
        user = services.user_sign_up(
            phone=factories.next_phone(),
            full_name="Hà Thị Hoa",
            password=factories.PASSWORD,
            role=Role.HOUSEHOLD,
        )
        assert user.role == Role.HOUSEHOLD


class TestOneTimeCode:
    def _code_from(self, outbox):
        return outbox[-1].body.split("la ")[1][:6]

    def test_code_is_sent_by_sms_and_logs_in_once(
        self, _sms_outbox, django_capture_on_commit_callbacks
    ):
        user = factories.user(phone="0912111222")
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_request(phone="0912 111 222")
        assert _sms_outbox[-1].to == "+84912111222"
        code = self._code_from(_sms_outbox)
        assert services.otp_verify(phone="0912111222", code=code) == user
        with pytest.raises(ApplicationError):
            services.otp_verify(phone="0912111222", code=code)

    def test_only_the_hash_is_stored(self, _sms_outbox, django_capture_on_commit_callbacks):
        factories.user(phone="0912111223")
        with django_capture_on_commit_callbacks(execute=True):
            otp = services.otp_request(phone="0912111223")
        assert self._code_from(_sms_outbox) not in otp.code_hash

    def test_expired_code_is_refused(self, _sms_outbox, django_capture_on_commit_callbacks):
        factories.user(phone="0912111224")
        past = timezone.now() - dt.timedelta(minutes=10)
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_request(phone="0912111224", now=past)
        with pytest.raises(ApplicationError, match="hết hạn"):
            services.otp_verify(phone="0912111224", code=self._code_from(_sms_outbox))

    @override_settings(OTP_MAX_ATTEMPTS=3)
    def test_code_dies_after_too_many_wrong_attempts(
        self, _sms_outbox, django_capture_on_commit_callbacks
    ):
        factories.user(phone="0912111225")
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_request(phone="0912111225")
        good = self._code_from(_sms_outbox)
        wrong = f"{(int(good) + 1) % 10**6:06d}"
        for _ in range(3):
            with pytest.raises(ApplicationError):
                services.otp_verify(phone="0912111225", code=wrong)
        with pytest.raises(ApplicationError):
            services.otp_verify(phone="0912111225", code=good)
        assert OneTimeCode.objects.get().attempts == 3

    def test_resend_waits(self):
        factories.user(phone="0912111226")
        services.otp_request(phone="0912111226")
        with pytest.raises(ApplicationError, match="chờ"):
            services.otp_request(phone="0912111226")

    def test_unknown_phone_is_told_to_register(self):
        with pytest.raises(ApplicationError, match="chưa có tài khoản"):
            services.otp_request(phone="0912999999")


class TestThrottling:
    @override_settings(LOGIN_MAX_FAILURES=3)
    def test_identifier_is_blocked_after_the_limit_and_cleared_on_success(self):
        for _ in range(2):
            services.login_record_failure(identifier="0912000111", client_ip="10.0.0.1")
        services.login_check_allowed(identifier="0912000111", client_ip="10.0.0.1")
        services.login_record_failure(identifier="0912000111", client_ip="10.0.0.1")
        with pytest.raises(ApplicationError) as exc:
            services.login_check_allowed(identifier="0912000111", client_ip="10.0.0.2")
        assert exc.value.code == "throttled"
        services.login_clear_failures(identifier="0912000111")
        services.login_check_allowed(identifier="0912000111", client_ip="10.0.0.2")

    @override_settings(LOGIN_MAX_FAILURES=2)
    def test_an_address_trying_many_identifiers_is_blocked(self):
        for index in range(8):
            services.login_record_failure(identifier=f"09120001{index:02d}", client_ip="10.9.9.9")
        with pytest.raises(ApplicationError):
            services.login_check_allowed(identifier="0912000199", client_ip="10.9.9.9")
        services.login_check_allowed(identifier="0912000199", client_ip="10.9.9.8")


class TestApiKeys:
    def test_key_authenticates_its_user_until_revoked(self):
        user = factories.user()
        key, raw = services.api_key_create(user=user, name="Phần mềm kế toán")
        assert raw.startswith(f"ns_{key.prefix}_")
        assert raw not in key.key_hash
        assert services.api_key_authenticate(raw_key=raw) == user
        key.refresh_from_db()
        assert key.last_used_at is not None
        services.api_key_revoke(key=key)
        assert services.api_key_authenticate(raw_key=raw) is None

    @pytest.mark.parametrize("raw", ["", "garbage", "ns_deadbeef_wrong", "xx_a_b"])
    def test_bad_keys_authenticate_nobody(self, raw):
        factories.user()
        assert services.api_key_authenticate(raw_key=raw) is None

    def test_key_of_a_deactivated_user_is_refused(self):
        user = factories.user()
        _key, raw = services.api_key_create(user=user, name="k")
        user.is_active = False
        user.save()
        assert services.api_key_authenticate(raw_key=raw) is None
