from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WorkTeamStatusChoices(models.TextChoices):
    ACTIVE = "active", _("In post")
    ROTATED = "rotated", _("Rotated out")
    ENDED = "ended", _("Ended")


class TeamMemberRoleChoices(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary (team leader)")
    MEMBER = "member", _("Team member")


class PairingEndReasonChoices(models.TextChoices):
    REASSIGNED = "reassigned", _("Reassigned to another cadre")
    CADRE_LEFT = "cadre_left", _("Cadre left the post")
    HOUSEHOLD_CANCELLED = "household_cancelled", _("Household cancelled")
    CORRECTION = "correction", _("Data correction")


class FollowUpStatusChoices(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    COMPLETED = "completed", _("Completed")


class MeasureCategoryChoices(models.TextChoices):
    """The five batches (五个一批)."""

    PRODUCTION = "production", _("Production and employment")
    RELOCATION = "relocation", _("Relocation")
    ECOLOGICAL = "ecological", _("Ecological compensation")
    EDUCATION = "education", _("Education")
    SOCIAL_SECURITY = "social_security", _("Social-security safety net")


class MeasureKindChoices(models.TextChoices):
    INDUSTRY = "industry", _("Industry project")
    EMPLOYMENT = "employment", _("Employment")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post")
    SKILLS_TRAINING = "skills_training", _("Skills training")
    MICRO_CREDIT = "micro_credit", _("Poverty-alleviation micro-credit")
    ASSET_INCOME = "asset_income", _("Asset income (e.g. solar)")
    RELOCATION = "relocation", _("Relocation with follow-up support")
    ECOLOGICAL_POST = "ecological_post", _("Ecological ranger post")
    EDUCATION_AID = "education_aid", _("Education aid")
    HEALTH_AID = "health_aid", _("Health aid and serious-illness relief")
    HOUSING_RENOVATION = "housing_renovation", _("Dilapidated-house renovation")
    MINIMUM_ALLOWANCE = "minimum_allowance", _("Minimum living allowance")


K = MeasureKindChoices
C = MeasureCategoryChoices

# Which of the five batches each kind of measure belongs to.
KIND_CATEGORY: dict[str, str] = {
    K.INDUSTRY: C.PRODUCTION,
    K.EMPLOYMENT: C.PRODUCTION,
    K.PUBLIC_WELFARE_POST: C.PRODUCTION,
    K.MICRO_CREDIT: C.PRODUCTION,
    K.ASSET_INCOME: C.PRODUCTION,
    K.RELOCATION: C.RELOCATION,
    K.ECOLOGICAL_POST: C.ECOLOGICAL,
    K.SKILLS_TRAINING: C.EDUCATION,
    K.EDUCATION_AID: C.EDUCATION,
    K.HEALTH_AID: C.SOCIAL_SECURITY,
    K.HOUSING_RENOVATION: C.SOCIAL_SECURITY,
    K.MINIMUM_ALLOWANCE: C.SOCIAL_SECURITY,
}


class MeasureStatusChoices(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("measure", "In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Measures that still count as help the household is getting.
LIVE_MEASURE_STATUSES = (MeasureStatusChoices.PLANNED, MeasureStatusChoices.IN_PROGRESS)
