"""Settings for nongsan, read from the environment with safe, embedded defaults.

With no variable set everything runs in-process: SQLite, local-memory cache, eager Celery tasks.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "nongsan.core",
    "nongsan.geo",
    "nongsan.orgs",
    "nongsan.accounts",
    "nongsan.households",
    "nongsan.training",
    "nongsan.catalog",
    "nongsan.payments",
    "nongsan.orders",
    "nongsan.shipping",
    "nongsan.info",
    "nongsan.lending",
    "nongsan.traceability",
    "nongsan.places",
    "nongsan.finance",
    "nongsan.monitoring",
    "nongsan.support",
    "nongsan.partners",
    "nongsan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "nongsan.urls"
WSGI_APPLICATION = "nongsan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nongsan.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded database serve a few concurrent requests.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # Parameters bound on the server let psycopg prepare what a connection runs again and again
    # (after 5 runs, its default): PostgreSQL then plans a statement once, not on every call.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "orders-complete-due": {"task": "orders.complete_due", "schedule": 3600.0},
    "shipping-freshness-check": {"task": "shipping.freshness_check", "schedule": 300.0},
    "lending-sync": {"task": "lending.sync", "schedule": 900.0},
    "info-deliver-due": {"task": "info.deliver_due", "schedule": 600.0},
    "places-digital-addresses-assign": {
        "task": "places.digital_addresses_assign",
        "schedule": crontab(hour=1, minute=15),
    },
    "places-sales-points-sync": {"task": "places.sales_points_sync", "schedule": 3600.0},
    # OCOP stars and standards lapse with their certificates (a few minutes after midnight).
    "monitoring-facts-fold": {"task": "monitoring.facts_fold", "schedule": 600.0},
    "monitoring-filing-reminders": {
        "task": "monitoring.filing_reminders_send",
        "schedule": crontab(minute=0),
    },
    "catalog-certifications-expire": {
        "task": "catalog.certifications_expire",
        "schedule": crontab(hour=0, minute=5),
    },
    "support-overdue-remind": {
        "task": "support.overdue_remind",
        "schedule": crontab(hour=7, minute=0),
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["nongsan.accounts.backends.PhoneOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Login throttling: failures per identifier and per client address within a window.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
OTP_TTL_SECONDS = 300
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_SECONDS = 60

# Outside services sit behind adapters; the sandbox providers keep everything on this machine.
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "nongsan.core.sms.SandboxSmsProvider")
# Hosts the platform may call although they are not public addresses (core.http): a local
# sandbox in development. Empty in production unless a provider lives on a private network.
OUTGOING_ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("OUTGOING_ALLOWED_HOSTS", "").split(",") if h.strip()
]
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "NONGSAN")

# Micro-loans: the partner lender new applications go to, and how it is reached.
LENDING_LENDER_CODE = os.environ.get("LENDING_LENDER_CODE", "sandbox")
LENDING_PROVIDER = os.environ.get("LENDING_PROVIDER", "nongsan.lending.lenders.SandboxLender")
LENDING_API_URL = os.environ.get("LENDING_API_URL", "")
LENDING_API_TOKEN = os.environ.get("LENDING_API_TOKEN", "")

LANGUAGE_CODE = "vi"
# Each language is named in itself, so a reader finds their own whatever the page shows.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "nongsan" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "VN"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: strict when DEBUG is off, so `manage.py check --deploy` is clean in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Payments. Buyers pay into the platform's collection account (VietQR) or an e-wallet; the bank's
# notification service and the wallet sign what they send with these secrets. The sandbox wallet
# is the default everywhere but production.
PAYMENTS = {
    "BANK_BIN": os.environ.get("PAYMENTS_BANK_BIN", "970449"),
    "BANK_ACCOUNT": os.environ.get("PAYMENTS_BANK_ACCOUNT", "1034202600001"),
    "BANK_ACCOUNT_NAME": os.environ.get("PAYMENTS_BANK_ACCOUNT_NAME", "NEN TANG NONG SAN"),
    "BANK_WEBHOOK_SECRET": os.environ.get("PAYMENTS_BANK_WEBHOOK_SECRET", "sandbox-bank-secret"),
    "EWALLET_PROVIDER": os.environ.get("PAYMENTS_EWALLET_PROVIDER", "sandbox"),
    "EWALLET_SECRET": os.environ.get("PAYMENTS_EWALLET_SECRET", "sandbox-wallet-secret"),
    "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
}

# Delivery: carriers sign their tracking webhooks with a key derived from this secret and their
# code (shipping.services.carrier_secret).
SHIPPING = {
    "WEBHOOK_SECRET": os.environ.get("SHIPPING_WEBHOOK_SECRET", "sandbox-carrier-secret"),
}

# API lists page with bounds: an absurd limit or offset answers 422 instead of overflowing.
NINJA_PAGINATION_CLASS = "nongsan.core.api.BoundedPagination"

# Monitoring: filing reminders go this many hours before a report's deadline, once each.
MONITORING = {
    "REMINDER_HOURS": tuple(
        int(hours) for hours in os.environ.get("MONITORING_REMINDER_HOURS", "24,3").split(",")
    ),
}

# The difficulties channel: days the Ministry has to answer a difficulty (a default it may change
# per item when it assigns one).
SUPPORT = {"DUE_DAYS": int(os.environ.get("SUPPORT_DUE_DAYS", "7"))}

# Partner marketplaces' API: requests per key per minute, and how webhooks leave (the sandbox keeps
# them on this machine; production sets nongsan.partners.transport.HttpSender).
# A partner's batch of 10,000 records is a few megabytes of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
PARTNERS = {
    "RATE_LIMIT_PER_MINUTE": int(os.environ.get("PARTNERS_RATE_LIMIT_PER_MINUTE", "60")),
    "WEBHOOK_SENDER": os.environ.get(
        "PARTNERS_WEBHOOK_SENDER", "nongsan.partners.transport.SandboxSender"
    ),
}

# Traceability: lots' GS1 Digital Link URLs resolve on this site; products without their own
# barcode get GTINs from the operator's GS1 Vietnam company prefix (893..., set in production).
TRACEABILITY = {
    "RESOLVER_URL": os.environ.get(
        "TRACEABILITY_RESOLVER_URL", os.environ.get("SITE_URL", "http://127.0.0.1:8000")
    ),
    "GS1_COMPANY_PREFIX": os.environ.get("TRACEABILITY_GS1_COMPANY_PREFIX", "8938"),
}
