"""Test settings: a real PostgreSQL (DATABASE_URL, or the embedded one dev.py starts)."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = False
# A runaway query fails the test that ran it (with its stack trace) instead of running on in the
# database after pytest-timeout has given up, holding locks every later test waits for.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
    f"-c statement_timeout={env('TEST_STATEMENT_TIMEOUT_MS', '60000')}"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"  # noqa: F405
# Eager by default; the worker tests switch it off and start a real worker process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"public_lookup": "5/minute", "public_lookup_id_number": "8/day"},
}
WHITENOISE_USE_FINDERS = True  # serve from the app folders; no collectstatic needed here
WHITENOISE_AUTOREFRESH = True
# Each test process keeps its own cache, so rate-limit counters never leak between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
