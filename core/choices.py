from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatusChoices(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AttachmentKindChoices(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form (scan)")
    PHOTO = "photo", _("Photo")
    EVIDENCE = "evidence", _("Evidence")
    DOCUMENT = "document", _("Document")
