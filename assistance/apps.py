from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        from accounts.roles import Capability
        from core import panels
        from core.navigation import NavGroup, NavItem, register, register_group

        # One menu entry with two pages (the menu is shared by every app); the app's tabs lead on.
        register_group(NavGroup("assistance", _("Assistance"), order=30))
        register(
            NavItem(_("Coverage"), "assistance:coverage", order=30, group="assistance"),
            NavItem(
                _("Visits"),
                "assistance:households",
                capability=Capability.LOG_VISIT,
                order=31,
                group="assistance",
                paths=("/assistance/visits/", "/assistance/follow-ups/"),
            ),
        )
        from .jobs import register_job_kinds
        from .worklist import register_sources

        register_sources()

        from . import policy  # noqa: F401  (declares assistance's policy values)

        register_job_kinds()
        # The household page shows who helps and how (cadre, visits, follow-ups, plan, measures).
        panels.register("households.Household", "assistance/_household_panel.html", order=20)
        panels.register("households.Household", "assistance/_household_card.html", order=20, slot="card")

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
