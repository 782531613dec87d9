from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from core.navigation import NavItem, register

        register(NavItem(_("Supervision"), "supervision:problems", order=70))

        from .worklist import register_sources

        register_sources()

        from core import panels

        from . import policy  # noqa: F401  (declares supervision's policy values)

        panels.register("households.Household", "supervision/_household_panel.html", order=80)

        # Name this app's enums in the API schema so they never collide with other apps' fields.
        from django.conf import settings

        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        for name in (
            "ProblemCategory",
            "ProblemStatus",
            "ComplaintKind",
            "ComplaintChannel",
            "ComplaintStatus",
            "ComplaintFinding",
        ):
            overrides.setdefault(f"{name}Enum", f"supervision.choices.{name}Choices")
