"""django-pghistory's app under a name the admin shows in the user's language (not "PGHISTORY"). Its
own module: core/apps.py must hold one AppConfig only, or Django would not pick CoreConfig."""

from django.utils.translation import gettext_lazy as _
from pghistory.apps import PGHistoryConfig


class ChangeHistoryConfig(PGHistoryConfig):
    """django-pghistory under a name the admin shows in the user's language (not "PGHISTORY")."""

    verbose_name = _("Change history")

    def ready(self) -> None:
        super().ready()  # type: ignore[no-untyped-call]  # pghistory is untyped
        from pghistory.models import Events, MiddlewareEvents

        Events._meta.verbose_name = _("change event")
        Events._meta.verbose_name_plural = _("change events")
        MiddlewareEvents._meta.verbose_name = _("change event with its request")
        MiddlewareEvents._meta.verbose_name_plural = _("change events with their requests")
