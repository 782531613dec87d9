from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ScopedRolePermission(BasePermission):
    """Signed-in users only; unsafe methods need the view's `write_capability` (or, per action,
    `action_capabilities[action]`). Which rows are reachable is decided by get_queryset (scoping)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        action = getattr(view, "action", None)
        per_action = getattr(view, "action_capabilities", {}) or {}
        if action in per_action:
            return bool(user.has_capability(per_action[action]))
        if request.method in SAFE_METHODS:
            return True
        capability = getattr(view, "write_capability", None)
        return bool(capability) and user.has_capability(capability)
