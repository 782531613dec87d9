from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from core.navigation import NavItem, register

        register(NavItem(_("Dashboards"), "dashboards:index", order=10))

        from .jobs import register_job_kinds
        from .worklist import register_sources

        register_sources()
        register_job_kinds()

        # Name this app's enums in the API schema so they never collide with other apps' fields.
        from django.conf import settings

        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        overrides.setdefault("SnapshotStatusEnum", "dashboards.choices.SnapshotStatusChoices")
