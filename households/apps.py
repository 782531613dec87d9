from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Household registry")

    def ready(self) -> None:
        from core.navigation import NavItem, register

        # One entry: import, duplicates and cross-checks are reached from the list's toolbar.
        register(NavItem(_("Households"), "households:list", order=10))
