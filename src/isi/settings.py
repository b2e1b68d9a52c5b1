"""The one settings module. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP

from isi.core.cache import database_key_prefix
from isi.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_email,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_url,
)

# Lets type hints like ModelForm[Feedback] or Field[Any, Any] work at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("ISI_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("ISI_DEBUG", False)
# Production refuses to start without its own secret key; elsewhere a fixed development key is used.
PRODUCTION = env_bool("ISI_PRODUCTION", False)
# Demo mode enables the demo users and their well-known password; never on in production.
DEMO_MODE = env_bool("ISI_DEMO_MODE", False)

_INSECURE_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("ISI_SECRET_KEY", _INSECURE_KEY)
if PRODUCTION and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50):
    raise ConfigurationError("ISI_PRODUCTION=true needs ISI_SECRET_KEY (at least 50 random characters).")
if PRODUCTION and (DEBUG or DEMO_MODE):
    raise ConfigurationError("ISI_PRODUCTION=true cannot be combined with ISI_DEBUG or ISI_DEMO_MODE.")
# Set by the test run (tests/testenv.py): tasks run at once, fast password hashing.
TESTING = env_bool("ISI_TESTING", False)
if PRODUCTION and TESTING:
    raise ConfigurationError("ISI_PRODUCTION=true cannot be combined with ISI_TESTING.")

ALLOWED_HOSTS = env_list("ISI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("ISI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "isi.core",
    "isi.accounts",
    "isi.organisations",
    "isi.catalog",
    "isi.measures",
    "isi.imports",
    "isi.search",
    "isi.finder",
    "isi.opendata",
    "isi.api",
    "isi.workspace",
    "isi.rounds",
    "isi.consultations",
    "isi.coordination",
    "isi.reports",
    "isi.monitoring",
    "isi.portal",
    "isi.operations",
    "django_tasks_db",
]

# Background work (reminders, large imports, index rebuilds): Django's tasks framework with the
# database backend; `isi db_worker` runs the queue. Tests run tasks immediately.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

MIDDLEWARE = [
    # Outermost: a version-free Server header on every response, whatever answers it.
    "isi.core.middleware.ServerHeaderMiddleware",
    # Request id, JSON request log, metrics, /healthz and /readyz, 503 when the database is gone.
    "isi.operations.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (after `isi collectstatic`), before anything that would touch the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "isi.core.middleware.RefuseMethodsMiddleware",  # TRACE, TRACK, CONNECT: 405
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outside sessions and CSRF so that it sees the cookies they set: private, no-store.
    "isi.core.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, but the address decides only on the public pages (/en/…).
    "isi.core.locale.LocaleMiddleware",
    # Before CommonMiddleware, so that "/admin" is not even redirected from outside the allow-list.
    "isi.core.middleware.AdminAccessMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "isi.urls"
WSGI_APPLICATION = "isi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "isi.portal.context.site",
            ],
        },
    },
]

# DATABASE_URL picks the database: sqlite:///path (default: var/isi.sqlite3) or postgres://…
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'isi.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("ISI_DB_CONN_MAX_AGE", 0, minimum=0, maximum=3600)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Staff land on their start page in the work tool; anyone else is sent on to the public home page.
LOGIN_REDIRECT_URL = "workspace:start"
LOGOUT_REDIRECT_URL = "portal:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; Argon2 by design is slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("ISI_SESSION_SECONDS", 8 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ISI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ISI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ISI_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("ISI_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("ISI_SECURE_COOKIES", True)

LANGUAGE_CODE = "de"
# Each language named in itself (the language switch shows these names). Beyond German and
# English, the offer finder and the public page chrome are translated (the finder's people).
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("ar", "العربية"),
    ("fa", "فارسی / دری"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages show "7 December 2026", not the US month-first dates (src/isi/formats/en).
FORMAT_MODULE_PATH = ["isi.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (`make install` runs `npm ci`), never copied into the repo.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
for _prefix, _path in (("vendor/kern", "@kern-ux/native/dist"), ("vendor/htmx", "htmx.org/dist")):
    if (NODE_MODULES / _path).is_dir():
        STATICFILES_DIRS.append((_prefix, NODE_MODULES / _path))
# Served by WhiteNoise from STATIC_ROOT: hashed names, gzip copies, `Cache-Control: max-age=…,
# immutable` for hashed files. The manifest needs `isi collectstatic` (make install, isi demo,
# deploy/upgrade.sh); with ISI_DEBUG the unhashed files come straight from the source folders, and
# the test run uses plain storage and the finders, so that neither needs collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "isi.operations.staticfiles.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING  # looks files up per request: no scan per test client

# Content Security Policy (Django's own): no inline script without a nonce, no plugins, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # KERN's icons are CSS masks with data: SVGs.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Public portal and open data
# Searches count and filter over a per-process snapshot of the public measures, patched when
# measures change through the services (isi.search.snapshot); writes that bypass the services
# are seen after this many seconds. 0: rebuilt for every search (tests).
ISI_SEARCH_SNAPSHOT_SECONDS = 0 if TESTING else env_int("ISI_SEARCH_SNAPSHOT_SECONDS", 60, minimum=0)
# The text part of recent queries is kept per process and updated by measure id after each
# change (isi.search.textcache); matched anew after this many seconds, which also bounds how long
# a write that bypasses the services stays unseen by the text match. 0: no cache (tests).
ISI_SEARCH_TEXT_CACHE_SECONDS = 0 if TESTING else env_int("ISI_SEARCH_TEXT_CACHE_SECONDS", 300, minimum=0)
# At most this many hit ids over all kept matches (16 bytes each: 2,000,000 ≈ 32 MiB per process).
ISI_SEARCH_TEXT_CACHE_IDS = env_int("ISI_SEARCH_TEXT_CACHE_IDS", 2_000_000, minimum=0)
# The public part of a measure page is kept in CACHES, keyed by the measure's version and the
# newest change record that is not a measure's (isi.portal.views.measures); writes that bypass the
# services are seen after this many seconds. 0: rendered for every request (tests, except those of
# the cache).
ISI_PAGE_CACHE_SECONDS = 0 if TESTING else env_int("ISI_PAGE_CACHE_SECONDS", 300, minimum=0)
# Rendered parts of public pages (measure pages, search fragments and result lines, API items)
# and the API's rate counts are kept in a disk cache (diskcache: SQLite and files) that every
# worker of a host shares, so a part one worker rendered serves the others, and a rate limit holds
# across them. The keys name what the database says (versions, change records), so a part is right
# whichever process or host kept it; the prefix names the database, so two databases (the demo, a
# test run) never share one. At most ISI_CACHE_MB on disk (the least recently stored go first);
# `isi serve` empties it when it starts or reloads (new code, new templates). Tests: per process
# in memory.
ISI_CACHE_DIR = Path(env_str("ISI_CACHE_DIR", str(VAR_DIR / "cache")))
ISI_CACHE_MB = env_int("ISI_CACHE_MB", 512, minimum=1)
CACHES = {
    "default": {
        "BACKEND": "isi.core.cache.SharedDiskCache",
        "LOCATION": str(ISI_CACHE_DIR),
        "SHARDS": 4,  # four SQLite files: writers of different keys rarely wait for each other
        # A read or write that waits longer for a lock counts as a miss (a render), not a wait.
        "DATABASE_TIMEOUT": 0.25,
        "KEY_PREFIX": database_key_prefix(DATABASES["default"]),
        "OPTIONS": {"size_limit": ISI_CACHE_MB * 1024 * 1024},
    }
}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
ISI_PUBLIC_BASE_URL = env_url("ISI_PUBLIC_BASE_URL", "")  # e.g. https://isi.bund.de; empty: from request
ISI_OPEN_DATA_LICENSE = env_url("ISI_OPEN_DATA_LICENSE", "http://dcat-ap.de/def/licenses/dl-by-de/2.0")
# The DCAT-AP.de catalogue: publisher name (default: ISI_OPERATOR) and IRI (default: a #fragment of
# /daten/), contact address, and the dcatde:contributorID GovData assigns to a delivering office.
ISI_OPEN_DATA_PUBLISHER = env_str("ISI_OPEN_DATA_PUBLISHER", "")
ISI_OPEN_DATA_PUBLISHER_URI = env_url("ISI_OPEN_DATA_PUBLISHER_URI", "")
ISI_OPEN_DATA_CONTACT_EMAIL = env_email("ISI_OPEN_DATA_CONTACT_EMAIL", "")
ISI_OPEN_DATA_CONTRIBUTOR_ID = env_url("ISI_OPEN_DATA_CONTRIBUTOR_ID", "")
# API rate limit per caller, in the format of isi.api.throttling.parse_rate ("120/min", "off").
ISI_API_RATE = env_str("ISI_API_RATE", "120/min")
if not re.fullmatch(
    r"\s*(|off|none|0|[0-9]+/[0-9]*(s|sec|second|m|min|minute|h|hour|d|day))\s*", ISI_API_RATE.lower()
):
    raise ConfigurationError(f"ISI_API_RATE must look like 120/min or be off, not {ISI_API_RATE!r}")
# Largest request body the API accepts (isi.api.errors); larger ones get 413.
ISI_API_MAX_BODY_BYTES = env_int("ISI_API_MAX_BODY_BYTES", 1024 * 1024, minimum=1)
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed: for the client address
# of the API rate limits and of the admin allow-list (isi.core.network). Empty: REMOTE_ADDR only.
ISI_API_TRUSTED_PROXIES = env_networks("ISI_API_TRUSTED_PROXIES", [])
# The production server (`isi serve`, deploy/gunicorn.conf.py; gunicorn also believes
# X-Forwarded-Proto only from ISI_API_TRUSTED_PROXIES): processes, threads each, request time-out.
ISI_WEB_WORKERS = env_int("ISI_WEB_WORKERS", 2 * (os.cpu_count() or 1), minimum=1, maximum=256)
ISI_WEB_THREADS = env_int("ISI_WEB_THREADS", 2, minimum=1, maximum=64)
ISI_WEB_TIMEOUT = env_int("ISI_WEB_TIMEOUT", 60, minimum=5, maximum=3600)
# A worker whose resident memory exceeds this many MiB is replaced after the request it served
# (docs/operations.md, "Memory"); 0: never.
ISI_WEB_MAX_MEMORY_MB = env_int("ISI_WEB_MAX_MEMORY_MB", 2048, minimum=0, maximum=1024 * 1024)
# Requests a worker serves before it is replaced (with 10 % jitter); 0: never.
ISI_WEB_MAX_REQUESTS = env_int("ISI_WEB_MAX_REQUESTS", 100_000, minimum=0, maximum=10**9)
# The Django admin (/admin/): off entirely, or reachable only from these networks (else 404).
ISI_ADMIN_ENABLED = env_bool("ISI_ADMIN_ENABLED", True)
ISI_ADMIN_ALLOWED_NETWORKS = env_networks("ISI_ADMIN_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
# Operator-supplied video explaining the site in German Sign Language (BITV 2.0 § 4), a file
# under STATIC_ROOT/MEDIA; empty until one is configured (the accessibility statement says so).
ISI_DGS_VIDEO = env_str("ISI_DGS_VIDEO", "")
ISI_DGS_VIDEO_SECONDS = env_int("ISI_DGS_VIDEO_SECONDS", 0, minimum=0)
ISI_FEEDBACK_EMAIL = env_email("ISI_FEEDBACK_EMAIL", "barrierefreiheit@isi.invalid")
ISI_OPERATOR = env_str(
    "ISI_OPERATOR", "Bundesministerium des Innern (Betreiber des Informationssystems Integration)"
)

# Development and demo print e-mails to the console; production sends them through SMTP.
_MAIL_BACKEND = "smtp.EmailBackend" if PRODUCTION else "console.EmailBackend"
MAILERS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": env_str("ISI_EMAIL_BACKEND", f"django.core.mail.backends.{_MAIL_BACKEND}")}
}
if PRODUCTION:
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("ISI_SMTP_HOST", "localhost"),
        "port": env_int("ISI_SMTP_PORT", 25, minimum=1, maximum=65535),
        "use_tls": env_bool("ISI_SMTP_TLS", False),
    }
DEFAULT_FROM_EMAIL = env_email("ISI_FROM_EMAIL", "isi@localhost", display_name=True)

# Where `isi demo` looks for the NAP-I text before falling back to the committed facts file.
NAP_I_SEED_PATH = Path(
    env_str("ISI_NAP_I_SEED", str(PROJECT_DIR.parent / "shared" / "seeds" / "000_62a3dcb9e0a31828.txt"))
)
DEMO_PASSWORD = env_str("ISI_DEMO_PASSWORD", "demo")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # isi.requests writes one JSON object per request (isi.operations.middleware).
        "message": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "json_lines": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "loggers": {
        "isi": {"handlers": ["console"], "level": env_choice("ISI_LOG_LEVEL", "INFO", LOG_LEVELS)},
        "isi.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "isi.requests": {"handlers": ["json_lines"], "level": "INFO", "propagate": False},
        # Django sends a failed request's traceback to "django.request"; its default configuration
        # writes it to the console only with DEBUG on (and mails ADMINS, which ISI has none of),
        # so in production a 500 would leave no trace but the request line.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- Accounts security (issue #3.1) ---
# Lock-out after repeated failed sign-ins (django-axes), server-side idle and absolute session
# time-outs (isi.accounts.middleware), sessions ended on sign-out and on deactivation.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    # Must come first: refuses sign-ins of a locked-out username + address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The time-out check needs the signed-in user and the message store, so it runs right after them.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "isi.accounts.middleware.SessionTimeoutMiddleware",
)
# A form POST that arrives after the time-out is kept as a draft (after the CSRF check).
MIDDLEWARE.insert(
    MIDDLEWARE.index("isi.accounts.middleware.SessionTimeoutMiddleware") + 1,
    "isi.core.drafts.DraftMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # axes wants to be last

AXES_FAILURE_LIMIT = env_int("ISI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
ISI_LOGIN_LOCKOUT_MINUTES = env_int("ISI_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = ISI_LOGIN_LOCKOUT_MINUTES / 60  # a float is read as hours
# Lock the combination of username and client address, not the username alone: otherwise anyone
# on the internet could lock every desk officer of a ministry out by typing their (guessable)
# usernames wrongly five times. Guessing one account's password from one address is still capped
# at AXES_FAILURE_LIMIT tries per cool-off; distributed guessing is left to the reverse proxy's
# rate limits and to the password rules (12+ characters, Argon2).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The lock lasts the stated time from the lock-out; tries during it do not extend it, so the
# page's promise ("in 15 Minuten") holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "isi.accounts.views.locked_out"
# Client address: REMOTE_ADDR, as in the audit log (django-ipware is not installed). Behind a
# reverse proxy the application server must put the real client address there.

# Server-side session limits: signed out after 30 minutes without a request, and 10 hours after
# signing in whatever happens. Sessions end on the server (the session row is deleted).
ISI_SESSION_IDLE_SECONDS = env_int("ISI_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
ISI_SESSION_ABSOLUTE_SECONDS = env_int("ISI_SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60, minimum=60)

# --- Excel/CSV round-trip (isi.imports.roundtrip) ---
# Limits an upload is checked against before anything is read (uploads.py), in the request.
ISI_UPLOAD_MAX_BYTES = env_int("ISI_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
ISI_UPLOAD_MAX_ZIP_ENTRIES = env_int("ISI_UPLOAD_MAX_ZIP_ENTRIES", 500, minimum=1)
ISI_UPLOAD_MAX_UNPACKED_BYTES = env_int("ISI_UPLOAD_MAX_UNPACKED_BYTES", 50 * 1024 * 1024, minimum=1)
ISI_UPLOAD_MAX_COMPRESSION_RATIO = env_int("ISI_UPLOAD_MAX_COMPRESSION_RATIO", 100, minimum=1)
ISI_UPLOAD_MAX_ROWS = env_int("ISI_UPLOAD_MAX_ROWS", 20_000, minimum=1)
ISI_UPLOAD_MAX_COLUMNS = env_int("ISI_UPLOAD_MAX_COLUMNS", 100, minimum=1)
ISI_UPLOAD_MAX_SHARED_STRINGS = env_int("ISI_UPLOAD_MAX_SHARED_STRINGS", 500_000, minimum=1)
ISI_UPLOAD_CHECK_SECONDS = env_float("ISI_UPLOAD_CHECK_SECONDS", 10.0, minimum=0.1)
# Stored uploads are deleted after this many days.
ISI_UPLOAD_RETENTION_DAYS = env_int("ISI_UPLOAD_RETENTION_DAYS", 14, minimum=1)
# Uploads with more rows are read and checked in the background; its time budget; errors listed.
ISI_ROUNDTRIP_BACKGROUND_ROWS = env_int("ISI_ROUNDTRIP_BACKGROUND_ROWS", 500, minimum=0)
ISI_ROUNDTRIP_SECONDS = env_float("ISI_ROUNDTRIP_SECONDS", 300.0, minimum=1.0)
ISI_ROUNDTRIP_MAX_ERRORS = env_int("ISI_ROUNDTRIP_MAX_ERRORS", 500, minimum=1)
ISI_ROUNDTRIP_PAGE_SIZE = env_int("ISI_ROUNDTRIP_PAGE_SIZE", 50, minimum=1)

# --- Operations: health, metrics, logs, error pages (issue #13; isi.operations) ---
# A kept connection is checked before each request reuses it, so that processes recover by
# themselves when the database comes back; PostgreSQL gives up connecting after a few seconds.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Keeps a form's input as a draft, else the friendly 403 of isi.operations.views.csrf_failure.
CSRF_FAILURE_VIEW = "isi.workspace.errors.csrf_failure"
# /metrics answers these networks, or anyone sending `Authorization: Bearer <ISI_METRICS_TOKEN>`.
ISI_METRICS_ALLOWED_NETWORKS = env_networks("ISI_METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
ISI_METRICS_TOKEN = env_str("ISI_METRICS_TOKEN", "")
# `isi worker` writes its heartbeat this often; /readyz wants one younger than 3 intervals.
ISI_WORKER_HEARTBEAT_SECONDS = env_int("ISI_WORKER_HEARTBEAT_SECONDS", 10, minimum=1, maximum=300)
# /readyz fails when the var directory has less free space than this.
ISI_READY_MIN_FREE_MB = env_int("ISI_READY_MIN_FREE_MB", 100, minimum=0)
