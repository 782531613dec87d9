from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            audit,  # noqa: F401  (connects the audit session defaults)
            log_filters,
        )
        from .navigation import NavItem, register

        # Constraint errors' values (an ID number in a DETAIL line) are never logged.
        log_filters.install()

        # Every role starts on its own work (core.worklist); the brand links there too.
        register(NavItem(_("My work"), "home", order=0, exact=True))
