from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "areas"
    verbose_name = _("Administrative areas")

    def ready(self) -> None:
        from core import clock
        from core.navigation import NavItem, register

        from .selectors import time_zone_names

        register(NavItem(_("Areas"), "areas:list", order=80))

        from .jobs import register_job_kinds

        register_job_kinds()
        clock.register_zone_reader(time_zone_names)
