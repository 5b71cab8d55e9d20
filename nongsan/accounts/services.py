"""Every write about accounts: creating users, login throttling, one-time codes, API keys,
notifications."""

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nongsan.accounts import tasks
from nongsan.accounts.models import ApiKey, Notification, OneTimeCode, Role, User
from nongsan.core import sql
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold
from nongsan.core.validators import parse_mobile
from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Carrier, Marketplace

logger = logging.getLogger(__name__)

# Roles a person may choose when signing up; the others are granted by staff.
SELF_SERVICE_ROLES = frozenset({Role.BUYER, Role.HOUSEHOLD})


def _check_role_scope(
    *,
    role: str,
    province: Province | None,
    communes: Sequence[Commune],
    marketplace: Marketplace | None,
    carrier: Carrier | None,
) -> None:
    if role == Role.PROVINCE_OFFICIAL and province is None:
        raise ApplicationError("Cán bộ Sở TTTT phải thuộc một tỉnh/thành phố.", field="province")
    if role == Role.FIELD_AGENT and province is None and not communes:
        raise ApplicationError(
            "Cán bộ hỗ trợ cơ sở phải được giao ít nhất một xã/phường hoặc một tỉnh.",
            field="communes",
        )
    if role == Role.FIELD_AGENT and province is not None:
        outside = [c for c in communes if c.province_id != province.pk]
        if outside:
            raise ApplicationError(
                f"Xã/phường {outside[0].name} không thuộc {province.name}.", field="communes"
            )
    if role == Role.MARKETPLACE_OPERATOR and marketplace is None:
        raise ApplicationError("Người vận hành sàn phải thuộc một sàn TMĐT.", field="marketplace")
    if role == Role.CARRIER_STAFF and carrier is None:
        raise ApplicationError(
            "Nhân viên vận chuyển phải thuộc một đơn vị vận chuyển.", field="carrier"
        )


@transaction.atomic
def user_create(
    *,
    phone: str,
    full_name: str,
    password: str | None = None,
    role: str = Role.BUYER,
    email: str | None = None,
    province: Province | None = None,
    communes: Sequence[Commune] = (),
    marketplace: Marketplace | None = None,
    carrier: Carrier | None = None,
    is_staff: bool = False,
) -> User:
    phone_e164 = parse_mobile(phone)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ApplicationError("Họ và tên đang để trống.", field="full_name")
    if User.objects.filter(phone=phone_e164).exists():
        raise ApplicationError(
            "Số điện thoại này đã có tài khoản.", field="phone", code="duplicate"
        )
    email = (email or "").strip().lower() or None
    if email and User.objects.filter(email=email).exists():
        raise ApplicationError("Email này đã có tài khoản.", field="email", code="duplicate")
    _check_role_scope(
        role=role, province=province, communes=communes, marketplace=marketplace, carrier=carrier
    )
    user = User(
        phone=phone_e164,
        full_name=full_name,
        email=email,
        role=role,
        province=province,
        marketplace=marketplace,
        carrier=carrier,
        is_staff=is_staff,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()  # logs in with a one-time code until a password is set
    user.full_clean(exclude=["password", "phone"])
    user.save()
    if communes:
        user.communes.set(communes)
    return user


def user_sign_up(*, phone: str, full_name: str, password: str, role: str = Role.BUYER) -> User:
    """Self-service registration: buyers and households only."""
    if role not in SELF_SERVICE_ROLES:
        raise ApplicationError("Vai trò này do cơ quan quản lý cấp.", field="role")
    return user_create(phone=phone, full_name=full_name, password=password, role=role)


# --- Login throttling -------------------------------------------------------------------------


def _failure_keys(*, identifier: str, client_ip: str) -> list[str]:
    keys = [f"login-fail:id:{hashlib.sha256(fold(identifier).encode()).hexdigest()[:32]}"]
    if client_ip:
        keys.append(f"login-fail:ip:{client_ip}")
    return keys


def login_check_allowed(*, identifier: str, client_ip: str) -> None:
    """Refuse further attempts once an identifier or an address has failed too often."""
    limit = settings.LOGIN_MAX_FAILURES
    # An address is allowed more failures than one identifier: many people share a post office.
    limits = [limit, limit * 4]
    for key, allowed in zip(
        _failure_keys(identifier=identifier, client_ip=client_ip), limits, strict=False
    ):
        if (cache.get(key) or 0) >= allowed:
            minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
            raise ApplicationError(
                f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
                field="identifier",
                code="throttled",
            )


def login_record_failure(*, identifier: str, client_ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _failure_keys(identifier=identifier, client_ip=client_ip):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window)


def login_clear_failures(*, identifier: str) -> None:
    cache.delete(_failure_keys(identifier=identifier, client_ip="")[0])


# --- One-time codes by SMS --------------------------------------------------------------------


def _hash_code(*, user_id: int, code: str) -> str:
    message = f"{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def otp_request(*, phone: str, now: datetime | None = None) -> OneTimeCode:
    """Send a 6-digit login code to a registered mobile number."""
    now = now or timezone.now()
    phone_e164 = parse_mobile(phone)
    user = User.objects.filter(phone=phone_e164, is_active=True).first()
    if user is None:
        raise ApplicationError(
            "Số điện thoại này chưa có tài khoản. Hãy đăng ký hoặc nhờ cán bộ hỗ trợ.",
            field="phone",
        )
    last = user.one_time_codes.first()
    if last and (now - last.created_at).total_seconds() < settings.OTP_RESEND_SECONDS:
        wait = settings.OTP_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise ApplicationError(
            f"Mã vừa được gửi. Vui lòng chờ {wait} giây trước khi gửi lại.",
            field="phone",
            code="throttled",
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        otp = OneTimeCode.objects.create(
            user=user,
            code_hash=_hash_code(user_id=user.pk, code=code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        minutes = settings.OTP_TTL_SECONDS // 60
        # Unaccented text: a Vietnamese-with-diacritics SMS is billed as Unicode (70 chars a part).
        body = f"Ma dang nhap nongsan cua ban la {code}. Ma co hieu luc {minutes} phut."
        transaction.on_commit(
            lambda: tasks.sms_send.delay(to=phone_e164, body=body, retry=False), robust=True
        )
    return otp


def otp_verify(*, phone: str, code: str, now: datetime | None = None) -> User:
    """Check a code; each code allows a few attempts and works once."""
    now = now or timezone.now()
    invalid = ApplicationError("Mã xác thực không đúng hoặc đã hết hạn.", field="code")
    try:
        phone_e164 = parse_mobile(phone)
    except ApplicationError:
        raise invalid from None
    otp = (
        OneTimeCode.objects.filter(
            user__phone=phone_e164, user__is_active=True, used_at__isnull=True, expires_at__gt=now
        )
        .select_related("user")
        .first()
    )
    if otp is None or otp.attempts >= settings.OTP_MAX_ATTEMPTS:
        raise invalid
    OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
    expected = _hash_code(user_id=otp.user_id, code="".join(code.split()))
    if not hmac.compare_digest(expected, otp.code_hash):
        raise invalid
    # Only one request can mark the code used: the update is conditional on it still being unused.
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now):
        raise invalid
    return otp.user


# --- API keys ---------------------------------------------------------------------------------

API_KEY_PREFIX = "ns"


def _hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, user: User, name: str) -> tuple[ApiKey, str]:
    """Create a key and return it with its full text, which is shown only this once."""
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Hãy đặt tên cho khóa API.", field="name")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    raw = f"{API_KEY_PREFIX}_{prefix}_{secret}"
    key = ApiKey.objects.create(user=user, name=name, prefix=prefix, key_hash=_hash_key(raw))
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    now = timezone.now()
    if key.revoked_at is None or key.revoked_at > now:
        key.revoked_at = now
        key.save(update_fields=["revoked_at"])
    return key


MAX_ROTATION_GRACE = timedelta(days=7)


@transaction.atomic
def api_key_rotate(*, key: ApiKey, grace: timedelta = timedelta(0)) -> tuple[ApiKey, str]:
    """A new key for the same user and name; the old one stops working now or after `grace`,
    so a client can deploy the new key before the old one lapses."""
    if grace < timedelta(0) or grace > MAX_ROTATION_GRACE:
        raise ApplicationError("Thời gian chuyển tiếp phải từ 0 đến 7 ngày.", field="grace_seconds")
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    now = timezone.now()
    if key.revoked_at is not None and key.revoked_at <= now:
        raise ApplicationError("Khóa này đã bị thu hồi.", field="key", code="revoked")
    new_key, raw = api_key_create(user=key.user, name=key.name)
    key.revoked_at = now + grace
    key.save(update_fields=["revoked_at"])
    return new_key, raw


def api_key_resolve(*, raw_key: str) -> ApiKey | None:
    """The live key a client presented (with its user), or None; records when it was last used.

    A rotated key keeps working until the end of its grace period (`revoked_at` in the future).
    """
    parts = raw_key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    now = timezone.now()
    # Every API call of a machine client starts here: one hand-written read (see core.sql).
    row = sql.rows(_API_KEY_SQL, [parts[1], now])
    if not row:
        return None
    key = sql.build(ApiKey, row[0])
    if not hmac.compare_digest(key.key_hash, _hash_key(raw_key.strip())):
        return None
    key.user = sql.build(User, row[0], sql.width(ApiKey))
    if not key.user.is_active:
        return None
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


_API_KEY_SQL = (
    f"SELECT {sql.columns(ApiKey, 'k')}, {sql.columns(User, 'u')} FROM accounts_apikey k "
    "JOIN accounts_user u ON u.id = k.user_id "
    "WHERE k.prefix = %s AND (k.revoked_at IS NULL OR k.revoked_at > %s)"
)


def api_key_authenticate(*, raw_key: str) -> User | None:
    """The user a presented key acts as, or None."""
    key = api_key_resolve(raw_key=raw_key)
    return key.user if key is not None else None


@dataclass(frozen=True)
class Notice:
    """One notification to write: to whom, what, where it links, and whether it also goes by SMS."""

    user: User
    message: str
    url: str = ""
    sms: bool = False


def notify(*, notices: Sequence[Notice]) -> list[Notification]:
    """Put notices in the users' inboxes (one INSERT) and send the SMS ones after the commit.

    An SMS gateway failure is logged, never raised: the in-app notice is already there.
    """
    rows = sql.insert(
        [
            Notification(user=n.user, message=n.message[:500], url=n.url[:300], sent_by_sms=n.sms)
            for n in notices
        ]
    )
    texts = [(n.user.phone, n.message) for n in notices if n.sms and n.user.phone]
    if texts:
        # Queued once the rows are committed, so a slow gateway never holds up the request; a
        # queue that cannot be reached is logged, the in-app notices stand.
        transaction.on_commit(lambda: _sms_queue(texts), robust=True)
    return rows


SMS_PER_JOB = 100


def _sms_queue(texts: Sequence[tuple[str, str]]) -> None:
    """One job per hundred messages (a bulletin may reach thousands of households)."""
    for start in range(0, len(texts), SMS_PER_JOB):
        tasks.sms_send_all.delay(messages=texts[start : start + SMS_PER_JOB])


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
