from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from areas.models import Area

from .models import User, UserArea
from .roles import RoleChoices

if TYPE_CHECKING:
    from rest_framework.authtoken.models import Token


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    areas: Iterable[Area] = (),
    full_name: str = "",
    phone: str = "",
    unit: str = "",
    **extra: Any,
) -> User:
    """Create a user with a role and area scope. System administrators get admin-site access."""
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        phone=phone,
        unit=unit,
        is_staff=role == RoleChoices.SYSTEM_ADMIN,
        **extra,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user_set_areas(user=user, areas=areas)
    return user


@transaction.atomic
def user_set_areas(*, user: User, areas: Iterable[Area]) -> None:
    """Replace the user's scope. Each grant and revocation is its own audited row."""
    wanted = {a.pk for a in areas}
    current = set(UserArea.objects.filter(user=user).values_list("area_id", flat=True))
    UserArea.objects.filter(user=user, area_id__in=current - wanted).delete()
    UserArea.objects.bulk_create([UserArea(user=user, area_id=pk) for pk in wanted - current])
    user.__dict__.pop("scope_prefixes", None)


@transaction.atomic
def token_reissue(*, user: User) -> Token:
    """A new API token for the user; the old one stops working at once."""
    from rest_framework.authtoken.models import Token  # the token app is a setting; only this uses it

    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
