from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import lockout, sessions  # noqa: F401  (signal receivers: failed sign-ins, session stamps)
        from .worklist import register_sources

        register_sources()
