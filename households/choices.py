from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.procedures.choices import ObjectionStatusChoices, StepDecisionChoices  # noqa: F401 (shared)


class HouseholdStatusChoices(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate (being identified)")
    REJECTED = "rejected", _("Not identified")
    REGISTERED = "registered", _("Registered poor")
    EXITED = "exited", _("Exited poverty")
    RETURNED = "returned", _("Returned to poverty")
    MONITORING = "monitoring", _("Monitoring object")
    CANCELLED = "cancelled", pgettext_lazy("household status", "Cancelled")


# Statuses whose people count as "registered poor still in poverty" for incidence (贫困发生率).
POOR_STATUSES = (HouseholdStatusChoices.REGISTERED, HouseholdStatusChoices.RETURNED)
# Statuses that need an active responsible cadre (一户一干部; exited households keep theirs: 脱贫不脱帮扶).
ASSISTED_STATUSES = (
    HouseholdStatusChoices.REGISTERED,
    HouseholdStatusChoices.RETURNED,
    HouseholdStatusChoices.MONITORING,
    HouseholdStatusChoices.EXITED,
)


class HouseholdAttributeChoices(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary poor household")
    MINIMUM_ALLOWANCE = "minimum_allowance", _("Minimum living allowance household")
    DESTITUTE = "destitute", _("Destitute support household")


class PovertyCauseChoices(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", pgettext_lazy("poverty cause", "Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", pgettext_lazy("poverty cause", "Disaster")
    LAND = "land", _("Lack of land")
    WATER = "water", _("Lack of water")
    SKILLS = "skills", _("Lack of skills")
    LABOUR = "labour", _("Lack of labour")
    CAPITAL = "capital", _("Lack of capital")
    TRANSPORT = "transport", _("Poor transport")
    DRIVE = "drive", _("Lack of drive")


class HouseholdTypologyChoices(models.TextChoices):
    # Yinjiang county's typology for tailoring measures (seed 004).
    FARM_OWNER = "farm_owner", _("Farm owner")
    INDUSTRY_WORKER = "industry_worker", _("Industry and wage work")
    TRADE = "trade", _("Commerce and trade")
    COOPERATIVE = "cooperative", _("Cooperative development")
    SKILLED = "skilled", _("Professional skills")
    POLICY_SUPPORT = "policy_support", _("Policy safety net")


class RelationChoices(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class SexChoices(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class EducationChoices(models.TextChoices):
    NONE = "none", _("Illiterate or semi-literate")
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    TERTIARY = "tertiary", _("College and above")


class SchoolingChoices(models.TextChoices):
    NOT_IN_SCHOOL = "not_in_school", _("Not in school")
    PRESCHOOL = "preschool", _("In preschool")
    PRIMARY = "primary", _("In primary school")
    JUNIOR = "junior", _("In junior secondary")
    SENIOR = "senior", _("In senior secondary")
    VOCATIONAL = "vocational", _("In vocational school")
    TERTIARY = "tertiary", _("In college")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class HealthChoices(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Long-term chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", pgettext_lazy("health", "Disabled")


class LabourCapacityChoices(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary labour")
    SKILLED = "skilled", _("Skilled labour")
    LOST = "lost", _("Lost labour capacity")
    NONE = "none", _("No labour capacity")


class WorkStatusChoices(models.TextChoices):
    NONE = "none", _("Not working")
    LOCAL = "local", _("Working locally")
    MIGRANT = "migrant", _("Migrant work")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post")


class MembershipChangeReasonChoices(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    BIRTH = "birth", _("Birth")
    MARRIAGE = "marriage", _("Marriage")
    DEATH = "death", _("Death")
    MOVED_OUT = "moved_out", _("Moved out")
    MOVED_IN = "moved_in", _("Moved in")
    SPLIT = "split", _("Household split")
    CORRECTION = "correction", _("Data correction")


class HousingSafetyChoices(models.TextChoices):
    A = "A", _("Grade A (safe)")
    B = "B", _("Grade B (basically safe)")
    C = "C", _("Grade C (unsafe)")
    D = "D", _("Grade D (dangerous)")


class IdentificationStageChoices(models.TextChoices):
    """The seven signed stages of the identification procedure (精准识别), in order."""

    APPLICATION = "application", _("Application or discovery")
    SURVEY = "survey", _("Household survey and on-site check")
    CROSS_CHECK = "cross_check", _("Cross-department data check")
    DEMOCRATIC_REVIEW = "democratic_review", _("Democratic review")
    PUBLIC_NOTICE = "public_notice", _("Village public notice")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    COUNTY_APPROVAL = "county_approval", _("County approval and announcement")


IDENTIFICATION_STAGES: tuple[str, ...] = tuple(IdentificationStageChoices.values)


class ProcedureStatusChoices(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReviewStatusChoices(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    CLEARED = "cleared", _("Cleared (not a problem)")


class DuplicateKindChoices(models.TextChoices):
    NAME_BIRTH = "name_birth", _("Same name and birth date")
    PHONE = "phone", _("Same phone number")


class CrossCheckSourceChoices(models.TextChoices):
    VEHICLES = "vehicles", _("Vehicle registrations")
    BUSINESS = "business", _("Business registrations")
    PUBLIC_EMPLOYEES = "public_employees", _("Public employees")
    PROPERTY = "property", _("Property registrations")
    OTHER = "other", _("Other department")
