"""The role table lives in core.roles (the lowest layer checks it); re-exported for the apps above."""

from core.roles import ROLE_CAPABILITIES, Capability, RoleChoices

__all__ = ["ROLE_CAPABILITIES", "Capability", "RoleChoices"]
