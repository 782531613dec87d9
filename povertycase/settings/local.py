"""Developer machine: debug on, embedded database and local broker come from dev.py."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True  # serve from the app folders; no collectstatic needed here
WHITENOISE_AUTOREFRESH = True
