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
        columns = {
            "pgh_slug": _("event"),
            "pgh_model": _("event table"),
            "pgh_id": _("event number"),
            "pgh_created_at": _("changed at"),
            "pgh_label": _("kind of change"),
            "pgh_context_id": _("context"),
            "pgh_context": _("context"),
            "pgh_obj_model": _("record type"),
            "pgh_obj_id": _("record number"),
        }
        for name, label in columns.items():
            Events._meta.get_field(name).verbose_name = label  # type: ignore[union-attr]  # concrete fields
