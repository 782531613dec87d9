from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemCategoryChoices(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification accuracy")
    ASSISTANCE = "assistance", _("Assistance and visits")
    FUNDS = "funds", _("Fund use")
    PROJECTS = "projects", _("Project management")
    EXIT = "exit", _("Exit accuracy")
    DATA_QUALITY = "data_quality", _("Data quality")
    WORK_STYLE = "work_style", _("Work style and discipline")
    OTHER = "other", _("Other")


class ProblemStatusChoices(models.TextChoices):
    OPEN = "open", _("Not yet rectified")
    RECTIFYING = "rectifying", _("Being rectified")
    CLOSED = "closed", _("Closed on evidence")


class ComplaintKindChoices(models.TextChoices):
    LEFT_OUT = "left_out", _("Wrongly left out (漏评)")
    WRONG_INCLUSION = "wrong_inclusion", _("Wrongly included (错评)")
    WRONG_EXIT = "wrong_exit", _("Wrongly exited (错退)")
    UNFAIR = "unfair", _("Unfair treatment")


class ComplaintChannelChoices(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("In person")
    ONLINE = "online", _("Online")
    INSPECTION = "inspection", _("Found during inspection")


class ComplaintStatusChoices(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")


class ComplaintFindingChoices(models.TextChoices):
    UPHELD = "upheld", _("Complaint upheld")
    PARTLY = "partly", _("Complaint partly upheld")
    NOT_UPHELD = "not_upheld", _("Complaint not upheld")
