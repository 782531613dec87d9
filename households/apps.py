from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Household registry")

    def ready(self) -> None:
        from core.navigation import NavItem, register

        # One entry: import, duplicates and cross-checks are reached from the list's toolbar.
        register(NavItem(_("Households"), "households:list", order=20))

        from .jobs import register_job_kinds
        from .worklist import register_sources

        register_sources()
        register_job_kinds()

        # Name this app's enums in the API schema so they never collide with other apps' "status",
        # "reason" or "kind" fields (added to the shared dict; the settings file stays untouched).
        from django.conf import settings

        from . import policy  # noqa: F401  (declares the registry's policy values)

        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        for name, choices in {
            "HouseholdStatusEnum": "HouseholdStatusChoices",
            "HouseholdAttributeEnum": "HouseholdAttributeChoices",
            "PovertyCauseEnum": "PovertyCauseChoices",
            "HouseholdTypologyEnum": "HouseholdTypologyChoices",
            "MemberRelationEnum": "RelationChoices",
            "MemberEducationEnum": "EducationChoices",
            "MemberSchoolingEnum": "SchoolingChoices",
            "MemberHealthEnum": "HealthChoices",
            "LabourCapacityEnum": "LabourCapacityChoices",
            "MemberWorkStatusEnum": "WorkStatusChoices",
            "MembershipChangeReasonEnum": "MembershipChangeReasonChoices",
            "HousingSafetyGradeEnum": "HousingSafetyChoices",
            "IdentificationStageEnum": "IdentificationStageChoices",
            "IdentificationStatusEnum": "ProcedureStatusChoices",
            "StepDecisionEnum": "StepDecisionChoices",
            "ObjectionStatusEnum": "ObjectionStatusChoices",
            "RegistryReviewStatusEnum": "ReviewStatusChoices",
            "DuplicateKindEnum": "DuplicateKindChoices",
            "CrossCheckSourceEnum": "CrossCheckSourceChoices",
        }.items():
            overrides.setdefault(name, f"households.choices.{choices}")
