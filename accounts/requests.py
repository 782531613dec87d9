"""The signed-in user of a request, typed as this project's User for the services it is passed to: the
one rule is core.users.request_user (core's own pages use it too); the apps import it from here."""

from core.users import request_user

__all__ = ["request_user"]
