"""Roles and what each may do: the single table every permission check reads.

It lives in core, the lowest layer, because core.scoping.ensure_can and the admin check it and areas
may not import accounts; accounts.roles re-exports it for the apps above.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleChoices(models.TextChoices):
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    WORK_TEAM = "work_team", _("First secretary / work team")
    CADRE = "cadre", _("Responsible cadre")
    COUNTY_OFFICIAL = "county_official", _("County official")
    OVERSIGHT = "oversight", _("Prefecture / province viewer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Capability(models.TextChoices):
    VIEW = "view", _("View records in scope")
    VIEW_FULL_ID = "view_full_id", _("See full ID numbers")
    EDIT_REGISTRY = "edit_registry", _("Register and edit households")
    IMPORT_REGISTRY = "import_registry", _("Import spreadsheets")
    LOG_VISIT = "log_visit", _("Log visits")
    MANAGE_ASSISTANCE = "manage_assistance", _("Manage teams, cadres, plans and measures")
    PROPOSE = "propose", _("Propose identifications, exits and projects")
    SIGN_VILLAGE_STEP = "sign_village_step", _("Sign village-level procedure steps")
    SIGN_TOWNSHIP_STEP = "sign_township_step", _("Sign township-level procedure steps")
    APPROVE = "approve", _("Approve at county level")
    MANAGE_FUNDS = "manage_funds", _("Record allocations and payments")
    SUPERVISE = "supervise", _("Supervise and track rectifications")
    RUN_JOBS = "run_jobs", _("Start county-wide jobs")
    ADMINISTER = "administer", _("Administer users and reference data")
    FIELD_APP = "field_app", _("Use the offline field app")


_ALL = set(Capability)

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    RoleChoices.TOWNSHIP_STAFF: frozenset(
        {
            Capability.VIEW,
            Capability.VIEW_FULL_ID,
            Capability.EDIT_REGISTRY,
            Capability.IMPORT_REGISTRY,
            Capability.LOG_VISIT,
            Capability.MANAGE_ASSISTANCE,
            Capability.PROPOSE,
            Capability.SIGN_VILLAGE_STEP,
            Capability.SIGN_TOWNSHIP_STEP,
            Capability.RUN_JOBS,
        }
    ),
    RoleChoices.WORK_TEAM: frozenset(
        {
            Capability.VIEW,
            Capability.VIEW_FULL_ID,
            Capability.LOG_VISIT,
            Capability.MANAGE_ASSISTANCE,
            Capability.PROPOSE,
            Capability.SIGN_VILLAGE_STEP,
            Capability.FIELD_APP,
        }
    ),
    RoleChoices.CADRE: frozenset({Capability.VIEW, Capability.LOG_VISIT, Capability.FIELD_APP}),
    RoleChoices.COUNTY_OFFICIAL: frozenset(
        {
            Capability.VIEW,
            Capability.VIEW_FULL_ID,
            Capability.APPROVE,
            Capability.MANAGE_FUNDS,
            Capability.MANAGE_ASSISTANCE,
            Capability.PROPOSE,
            Capability.SUPERVISE,
            Capability.RUN_JOBS,
        }
    ),
    # Higher levels read, they do not write (the 扶贫云 idea: oversight sees the base in real time).
    RoleChoices.OVERSIGHT: frozenset({Capability.VIEW}),
    RoleChoices.SYSTEM_ADMIN: frozenset(_ALL),
}
