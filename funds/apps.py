from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from core import panels
        from core.navigation import NavItem, register

        from . import policy  # noqa: F401  (declares the funds' policy values)

        register(NavItem(_("Funds and projects"), "funds:index", order=40))
        panels.register("households.Household", "funds/_household_panel.html", order=30)

        from .jobs import register_job_kinds
        from .worklist import register_sources

        register_sources()
        register_job_kinds()

        # Name this app's enums in the API schema so they never collide with other apps' "status" and
        # "kind" fields (added to the shared dict here, so the settings file stays untouched).
        from django.conf import settings

        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        overrides.setdefault("ProjectStatusEnum", "funds.choices.ProjectStatusChoices")
        overrides.setdefault("NoticeKindEnum", "funds.choices.NoticeKindChoices")
        overrides.setdefault("FundLevelEnum", "funds.choices.FundLevelChoices")
        overrides.setdefault("FundKindEnum", "funds.choices.FundKindChoices")
        overrides.setdefault("DisbursementKindEnum", "funds.choices.DisbursementKindChoices")
        overrides.setdefault("UseListEnum", "funds.choices.UseListChoices")
        # A fund source's "level" shares its field name with an area's: name the area one as well.
        overrides.setdefault("AreaLevelEnum", "areas.choices.AreaLevelChoices")
