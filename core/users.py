"""The user types core annotates with. The user is the project's user model (settings.AUTH_USER_MODEL,
accounts.User), which core may not import: accounts sits above it and the layer contracts count
imports under TYPE_CHECKING too. django-stubs' `_User` alias is that configured model for the type
checker, so core names it through this module; at run time the two type names do not exist
(annotations are not evaluated: importers have `from __future__ import annotations` and import them
under TYPE_CHECKING)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AnonymousUser, _User

    User: TypeAlias = _User
    # what `request.user` is: scoping and masking answer an anonymous user too (nothing visible)
    AnyUser: TypeAlias = _User | AnonymousUser


class _Request(Protocol):
    """A Django request or a DRF one."""

    @property
    def user(self) -> AnyUser: ...


def request_user(request: _Request) -> User:
    """`request.user` as the User it is behind a login (pages require one, the API's permission class
    refuses anonymous requests before any view runs): an anonymous user here is refused, not passed on."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return user
