from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Field work offline")

    def ready(self) -> None:
        from accounts.roles import Capability
        from core.navigation import NavItem, register

        # The offline app for the field roles; the county administrator's list of field devices.
        register(
            NavItem(_("Offline app"), "fieldwork:app", capability=Capability.FIELD_APP, order=32),
            NavItem(_("Field devices"), "fieldwork:devices", capability=Capability.ADMINISTER, order=95),
        )
