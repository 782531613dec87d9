from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        from accounts.roles import Capability
        from core import panels
        from core.navigation import NavItem, register

        # Two entries only (the menu is shared by every app); the app's own tabs lead to the rest.
        register(
            NavItem(_("Assistance"), "assistance:coverage", order=30),
            NavItem(_("Visits"), "assistance:households", capability=Capability.LOG_VISIT, order=31),
        )
        # The household page shows who helps and how (cadre, visits, follow-ups, plan, measures).
        panels.register("households.Household", "assistance/_household_panel.html", order=20)

        # Name this app's enums in the API schema so they never collide with other apps' "status",
        # "kind" and "category" fields (added to the shared dict, the settings file stays untouched).
        from django.conf import settings

        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        for name, choices in {
            "WorkTeamStatusEnum": "WorkTeamStatusChoices",
            "TeamMemberRoleEnum": "TeamMemberRoleChoices",
            "PairingEndReasonEnum": "PairingEndReasonChoices",
            "FollowUpStatusEnum": "FollowUpStatusChoices",
            "AssistancePlanStatusEnum": "PlanStatusChoices",
            "MeasureCategoryEnum": "MeasureCategoryChoices",
            "MeasureKindEnum": "MeasureKindChoices",
            "MeasureStatusEnum": "MeasureStatusChoices",
        }.items():
            overrides.setdefault(name, f"assistance.choices.{choices}")
