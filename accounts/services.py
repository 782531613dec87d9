from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from areas.models import Area
from core import clock

from .models import User, UserArea
from .roles import ROLE_CAPABILITIES, Capability, RoleChoices

logger = logging.getLogger("povertycase.security")

if TYPE_CHECKING:
    from knox.models import AuthToken


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


# -- API tokens (django-rest-knox: stored as a hash, expiring after settings.API_TOKEN_DAYS) -----------


def token_create(*, user: User, label: str = "") -> tuple[AuthToken, str]:
    """A new API token for the user: the row (hash, first characters, expiry) and the token itself,
    which exists only in this answer (show it once, in the page body)."""
    from knox.models import AuthToken

    instance, token = AuthToken.objects.create(user=user)
    logger.info("API token created: username=%r key=%s", user.get_username(), instance.token_key)
    return instance, token


def tokens_of(*, user: User) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    from knox.models import AuthToken

    tokens: QuerySet[AuthToken] = AuthToken.objects.filter(user=user).exclude(expiry__lt=clock.now())
    return tokens.order_by("-created")


def token_revoke(*, user: User, token_key: str) -> int:
    """Revoke one of the user's own tokens by its first characters."""
    from knox.models import AuthToken

    deleted: tuple[int, dict[str, int]] = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted[0]


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every API token of the user (logout, password change, signing out everywhere)."""
    from knox.models import AuthToken

    deleted: tuple[int, dict[str, int]] = AuthToken.objects.filter(user=user).delete()
    count = deleted[0]
    if count:
        logger.info("API tokens revoked: username=%r count=%d", user.get_username(), count)
    return count


# -- passwords and sessions --------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """The user sets a new password (checked by the form against AUTH_PASSWORD_VALIDATORS): their other
    sessions end (Django's session hash follows the password), and so do their API tokens."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    tokens_revoke_all(user=user)
    logger.info("password changed: username=%r", user.get_username())
    return user


def session_end(*, session_key: str) -> None:
    """End one session now, whatever the session engine (a lost phone's: fieldwork.services)."""
    if session_key:
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key).delete()


@transaction.atomic
def user_sign_out_everywhere(*, actor: User, users: Iterable[User]) -> int:
    """End every session and revoke every API token of each user `actor` manages (a lost phone, a
    borrowed account): sessions by bumping `User.session_epoch` (accounts.sessions refuses the
    older ones on their next request, whatever the engine). Returns how many users."""
    count = 0
    for user in users:
        if user_manage_problems(actor=actor, user=user):
            continue
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        tokens_revoke_all(user=user)
        logger.info("signed out everywhere: username=%r by=%r", user.get_username(), actor.get_username())
        count += 1
    return count


_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing to misread


@transaction.atomic
def user_set_temporary_password(*, actor: User, user: User) -> str:
    """An administrator resets a password (county intranets have no mail): a random temporary one the
    user must change at their next sign-in; their sessions and tokens end. Returns the password, to
    be shown once to the administrator."""
    problems = user_manage_problems(actor=actor, user=user)
    if problems:
        raise PermissionDenied(problems[0])
    password = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(12))
    user.set_password(password)
    user.must_change_password = True
    user.session_epoch += 1
    user.save(update_fields=["password", "must_change_password", "session_epoch"])
    tokens_revoke_all(user=user)
    logger.info("temporary password set: username=%r by=%r", user.get_username(), actor.get_username())
    return password


# -- administration: who may grant what ----------------------------------------------------------


def user_grant_problems(*, actor: User, user: User, areas: Iterable[Area]) -> list[str]:
    """Why `actor` may not give `user` (its role, superuser flag as set on the instance) these areas;
    empty when they may. Nobody changes their own role or areas; an administrator who is not a
    superuser grants no capability they do not hold, no superuser or staff status of their own
    making, and no area outside their own scope."""
    from core.scoping import user_covers_area

    problems: list[str] = []
    areas = list(areas)
    before = User.objects.filter(pk=user.pk).first() if user.pk else None
    old_role = before.role if before else None
    old_areas = (
        set(UserArea.objects.filter(user=before).values_list("area_id", flat=True)) if before else set()
    )
    new_areas = {a.pk for a in areas}
    if before is not None and before.pk == actor.pk:
        if user.role != old_role or new_areas != old_areas or user.is_superuser != before.is_superuser:
            problems.append(_("Nobody may change their own role or areas; ask another administrator."))
        return problems
    if actor.is_superuser:
        return problems
    if not actor.has_capability(Capability.ADMINISTER):
        problems.append(_("Your role does not allow this action."))
        return problems
    if user.is_superuser or (before is not None and before.is_superuser):
        problems.append(_("Only a superuser may make or change a superuser."))
    granted = ROLE_CAPABILITIES.get(user.role, frozenset())
    held = ROLE_CAPABILITIES.get(actor.role, frozenset())
    if user.role != old_role and not granted <= held:
        problems.append(_("You may not grant a role with rights your own role does not have."))
    if any(not user_covers_area(actor, area) for area in areas):
        problems.append(_("You may only grant areas within your own."))
    if before is not None and not actor.is_superuser:
        outside = Area.objects.filter(pk__in=old_areas)
        if any(not user_covers_area(actor, area) for area in outside):
            problems.append(_("This user also covers areas outside yours; their administrator manages them."))
    return problems


@transaction.atomic
def user_admin_save(*, actor: User, user: User, areas: Iterable[Area]) -> User:
    """Save a user edited by an administrator (the admin's form): role, flags and scope checked by
    `user_grant_problems`, staff status following the role, scope set by `user_set_areas`."""
    areas = list(areas)
    problems = user_grant_problems(actor=actor, user=user, areas=areas)
    if problems:
        raise ValidationError(problems)
    if not actor.is_superuser and user.pk is None:
        user.is_superuser = False
    user.is_staff = user.is_superuser or user.role == RoleChoices.SYSTEM_ADMIN
    user.save()
    if user.pk != actor.pk:
        user_set_areas(user=user, areas=areas)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, users: Iterable[User]) -> int:
    """Users are never deleted (the audit trail and the access log name them): they are deactivated,
    which signs them out of every page and the API. Nobody deactivates themselves."""
    count = 0
    for user in users:
        if user.pk == actor.pk or not user.is_active:
            continue
        user.is_active = False
        user.save(update_fields=["is_active"])
        count += 1
    return count


# -- sign-in: lockout, temporary passwords, signing out everywhere ---------------------------------


def user_manage_problems(*, actor: User, user: User) -> list[str]:
    """Why `actor` may not manage `user`'s sign-in (unlock, temporary password, signing out
    everywhere); empty when they may: a superuser, or an administrator whose areas cover all of the
    user's (never a superuser's, never their own)."""
    from core.scoping import user_covers_area

    if user.pk == actor.pk:
        return [_("Use “Change password” for your own account.")]
    if actor.is_superuser:
        return []
    if not actor.has_capability(Capability.ADMINISTER):
        return [_("Your role does not allow this action.")]
    if user.is_superuser:
        return [_("Only a superuser may manage a superuser.")]
    areas = list(user.areas.all())
    if not areas or any(not user_covers_area(actor, area) for area in areas):
        return [_("This user also covers areas outside yours; their administrator manages them.")]
    return []


def user_unlock(*, actor: User, users: Iterable[User]) -> int:
    """Lift the login lockout (django-axes) of each user `actor` manages, from every address; returns
    how many were locked."""
    from axes.utils import reset

    unlocked = 0
    for user in users:
        if user_manage_problems(actor=actor, user=user):
            continue
        if reset(username=user.get_username()):
            unlocked += 1
            logger.info("sign-in unlocked: username=%r by=%r", user.get_username(), actor.get_username())
    return unlocked
