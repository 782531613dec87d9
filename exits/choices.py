from django.db import models
from django.utils.translation import gettext_lazy as _

from core.procedures.choices import ObjectionStatusChoices  # noqa: F401 (one set for every procedure)


class ExitProcedureStateChoices(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    VERIFIED = "verified", _("Verified by village and work team")
    REVIEWED = "reviewed", _("Passed democratic review")
    CONSENTED = "consented", _("Household signed its consent")
    IN_NOTICE = "in_notice", _("In village public notice")
    NOTICE_CLOSED = "notice_closed", _("Public notice closed")
    TOWNSHIP_REVIEWED = "township_reviewed", _("Reviewed by township")
    APPROVED = "approved", _("Approved by county: exited")
    SENT_BACK = "sent_back", _("Sent back")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A procedure in one of these is finished; a household has at most one procedure not in them.
EXIT_FINAL_STATES = (ExitProcedureStateChoices.APPROVED, ExitProcedureStateChoices.WITHDRAWN)


class ExitStepChoices(models.TextChoices):
    PROPOSE = "propose", _("Propose exit")
    VILLAGE_VERIFY = "village_verify", _("Village committee and work team verification")
    DEMOCRATIC_REVIEW = "democratic_review", _("Democratic review")
    HOUSEHOLD_CONSENT = "household_consent", _("Household's signed consent")
    NOTICE_START = "notice_start", _("Start village public notice")
    NOTICE_CLOSE = "notice_close", _("Close public notice")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    COUNTY_APPROVE = "county_approve", _("County approval and announcement")
    COUNTY_REFUSE = "county_refuse", _("County refusal")
    SEND_BACK = "send_back", _("Send back")
    WITHDRAW = "withdraw", _("Withdraw")


class ExitConditionChoices(models.TextChoices):
    """The conditions of household exit: income above the line and 两不愁三保障 with safe water."""

    INCOME = "income", _("Per-capita net income above the poverty line")
    FOOD = "food", _("Food secure")
    CLOTHING = "clothing", _("Clothing secure")
    EDUCATION = "education", _("Compulsory education secured")
    MEDICAL = "medical", _("Basic medical care secured")
    HOUSING = "housing", _("Housing safe")
    WATER = "water", _("Safe drinking water")


class AreaExitStateChoices(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class MonitoringCategoryChoices(models.TextChoices):
    UNSTABLE_EXITED = "unstable_exited", _("Unstable exited household")
    EDGE = "edge", _("Edge household at risk of poverty")
    SUDDEN_DIFFICULTY = "sudden_difficulty", _("Household in sudden severe difficulty")


class MonitoringSourceChoices(models.TextChoices):
    RULE = "rule", _("Found by rule")
    SELF_REPORT = "self_report", _("Self-report")
    CADRE_VISIT = "cadre_visit", _("Cadre visit")
    DEPARTMENT_ALERT = "department_alert", _("Department alert")


class RiskChoices(models.TextChoices):
    LOW_INCOME = "low_income", _("Income near the poverty line")
    LARGE_SPENDING = "large_spending", _("Large essential spending")
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    DISASTER = "disaster", _("Disaster")
    LOST_WORK = "lost_work", _("Lost work")


class MonitoringStateChoices(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified with signed consent")
    REVIEWED = "reviewed", _("Reviewed by village")
    IN_NOTICE = "in_notice", _("In village notice")
    TOWNSHIP_REVIEWED = "township_reviewed", _("Reviewed by township")
    INCLUDED = "included", _("Included in monitoring")
    NOT_INCLUDED = "not_included", _("Not included")
    RISK_REMOVED = "risk_removed", _("Risk removed")


MONITORING_FINAL_STATES = (MonitoringStateChoices.NOT_INCLUDED, MonitoringStateChoices.RISK_REMOVED)


class MonitoringStepChoices(models.TextChoices):
    REPORT = "report", _("Report")
    VERIFY = "verify", _("Household verification with signed consent")
    VILLAGE_REVIEW = "village_review", _("Village review")
    NOTICE_START = "notice_start", _("Start village notice")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    COUNTY_INCLUDE = "county_include", _("County decision: include")
    COUNTY_REJECT = "county_reject", _("County decision: do not include")
    REMOVE_RISK = "remove_risk", _("Risk removal")


class CampaignStateChoices(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CheckTaskStateChoices(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed: record matches")
    PROBLEM = "problem", _("Problem found")
