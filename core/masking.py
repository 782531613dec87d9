"""Personal data: which fields are personal, who may see them in full, how they are masked otherwise.

`PERSONAL_FIELDS` is the one declaration (model, field → capability, masking function). Every output
path reads it: pages (the `masked_id` and `masked_phone` template filters), API serializers,
spreadsheet exports, the history page and its diff, the admin, notices and the offline copy. A value
shown in full is logged (`core.services.sensitive_access_log`, one SensitiveAccess row), wherever it
is shown. docs/security.md ("Personal data") lists the fields and the paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from core.users import AnyUser, User

# -- the masking functions ------------------------------------------------------------------------


def mask_middle(value: str | None, head: int, tail: int) -> str:
    """The first `head` and last `tail` characters, the rest starred (all starred when too short)."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id_number(value: str | None) -> str:
    """622901********1234 (settings.POVERTYCASE["ID_NUMBER_VISIBLE_DIGITS"])."""
    head, tail = settings.POVERTYCASE["ID_NUMBER_VISIBLE_DIGITS"]
    return mask_middle(value, head, tail)


def mask_id_region(value: str | None) -> str:
    """622901************: the county of issue only, for a record of who was looked up (a log line that
    must not let the number be rebuilt with the birth date and the last digits)."""
    head, _tail = settings.POVERTYCASE["ID_NUMBER_VISIBLE_DIGITS"]
    return mask_middle(value, head, 0)


def mask_phone(value: str | None) -> str:
    """139****5678."""
    return mask_middle(value, 3, 4)


def mask_name(value: str | None) -> str:
    """马建国 → 马*国, 马军 → 马*: how a person appears in a notice or to a role that may not know them."""
    name = (value or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_initial(value: str | None) -> str:
    """张三丰 → 张**: only the first character, whatever the length (a complainant, protected from
    retaliation, is not to be guessed from the rest)."""
    name = (value or "").strip()
    return name[:1] + "**" if name else ""


def mask_birth_date(value: Any) -> str:
    """1980-**-**: the year only (age matters for labour and schooling). The full date is digits 7 to
    14 of the ID number, the part its mask hides: with 622901********1234 it rebuilds the number."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return f"{text[:4]}-**-**" if text else ""


def mask_household_number(value: str | None) -> str:
    """The first six and last three characters of a household number (the public lookup)."""
    return mask_middle(value, 6, 3)


def mask_all(value: str | None) -> str:
    """A derived key (the normalised phone a search uses): never shown, only that it is set."""
    return "******" if value else ""


# -- the declaration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalField:
    """A personal field: who sees it in full (`capability`, or `also(user, record)` such as the person
    a complaint is assigned to), how everyone else sees it (`mask`), and what a full view is logged as
    (`what`). `pages_show_full`: record pages show the value in full to those who may see it (logged);
    otherwise pages mask it for everyone and a role that may see it asks for it (a logged reveal)."""

    capability: str
    mask: Callable[[str | None], str]
    what: str
    pages_show_full: bool = False
    also: Callable[[Any, Any], bool] | None = None
    # Printed documents that carry the value in full by design, for whoever may print them (logged):
    # the household card (明白卡) gives the household its own responsible cadre's phone.
    printed_on: frozenset[str] = frozenset()


def _complaint_assignee(user: User, complaint: Any) -> bool:
    return complaint is not None and getattr(complaint, "assigned_to_id", None) == getattr(user, "pk", None)


def _own_cadre_record(user: User, cadre: Any) -> bool:
    return cadre is not None and cadre.user_id is not None and cadre.user_id == getattr(user, "pk", None)


def _own_account(user: User, account: Any) -> bool:
    return account is not None and account.pk == getattr(user, "pk", None)


VIEW_FULL_ID = "view_full_id"  # accounts.roles.Capability.VIEW_FULL_ID
SUPERVISE = "supervise"  # accounts.roles.Capability.SUPERVISE
MANAGE_ASSISTANCE = "manage_assistance"  # accounts.roles.Capability.MANAGE_ASSISTANCE
ADMINISTER = "administer"  # accounts.roles.Capability.ADMINISTER
HOUSEHOLD_CARD = "household_card"  # the printed 明白卡 (assistance/_household_card.html)

PERSONAL_FIELDS: dict[tuple[str, str], PersonalField] = {
    ("households.member", "id_number"): PersonalField(VIEW_FULL_ID, mask_id_number, "full_id_number"),
    ("households.member", "phone"): PersonalField(VIEW_FULL_ID, mask_phone, "full_phone"),
    # The ID number's hidden digits: as the ID number (pages mask it for everyone, logged in full).
    ("households.member", "birth_date"): PersonalField(VIEW_FULL_ID, mask_birth_date, "full_id_number"),
    ("households.household", "phone"): PersonalField(VIEW_FULL_ID, mask_phone, "full_phone"),
    ("households.household", "phone_key"): PersonalField(VIEW_FULL_ID, mask_all, "full_phone"),
    # Complainants are protected from retaliation: in full only for supervisors and the assignee.
    ("supervision.complaint", "complainant"): PersonalField(
        SUPERVISE, mask_initial, "complainant", pages_show_full=True, also=_complaint_assignee
    ),
    ("supervision.complaint", "contact"): PersonalField(
        SUPERVISE, mask_phone, "complainant", pages_show_full=True, also=_complaint_assignee
    ),
    # Cadres' and users' phones are work contacts: in full for those who organise the work (teams,
    # cadres, pairings; user accounts) and for the person themselves; masked for a cadre looking at
    # a colleague and for the oversight roles. The household's card prints its own cadre's phone.
    ("assistance.cadre", "phone"): PersonalField(
        MANAGE_ASSISTANCE,
        mask_phone,
        "full_phone",
        pages_show_full=True,
        also=_own_cadre_record,
        printed_on=frozenset({HOUSEHOLD_CARD}),
    ),
    ("accounts.user", "phone"): PersonalField(
        ADMINISTER, mask_phone, "full_phone", pages_show_full=True, also=_own_account
    ),
}


def _label(model: Any) -> str:
    meta = model._meta
    return f"{meta.app_label}.{meta.model_name}"


def personal_field(model: Any, field: str) -> PersonalField | None:
    """The declaration of `field` of `model` (a class or an instance), None if it is not personal."""
    return PERSONAL_FIELDS.get((_label(model), field))


def personal_fields_of(model: Any) -> dict[str, PersonalField]:
    label = _label(model)
    return {name: spec for (model_label, name), spec in PERSONAL_FIELDS.items() if model_label == label}


def may_see_full(user: AnyUser | None, model: Any, field: str, record: Any = None) -> bool:
    """True if `user` may see this personal field in full (of `record`, when the rule depends on it)."""
    spec = personal_field(model, field)
    if spec is None:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_capability(spec.capability):
        return True
    return bool(spec.also and spec.also(user, record))


def masked(model: Any, field: str, value: str | None) -> str:
    """The value as everyone who may not see it sees it (declared fields only; others unchanged)."""
    spec = personal_field(model, field)
    if spec is None:
        return "" if value is None else str(value)
    return spec.mask(value)


def shown(
    user: AnyUser | None,
    record: Any,
    field: str,
    value: str | None = None,
    *,
    request: Any = None,
    full: bool = True,
    detail: str = "",
    log: bool = True,
) -> str:
    """`record.field` (or `value`) as `user` may see it. In full only when `full` is asked for and the
    user may see it, and then logged (`log=False`: the caller logs the record once for several
    fields); masked otherwise."""
    if value is None:
        value = getattr(record, field, "")
    if not value:
        return ""
    spec = personal_field(record, field)
    if spec is None:
        return str(value)
    if full and may_see_full(user, record, field, record):
        if log:
            from .services import sensitive_access_log

            sensitive_access_log(
                user=user, what=spec.what, obj=record, detail=detail or field, request=request
            )
        return str(value)
    return spec.mask(value)


def on_page(user: AnyUser | None, record: Any, field: str, *, request: Any = None, full: bool = True) -> str:
    """`record.field` as a page shows it: in full (logged) only where the declaration shows it in
    full on pages (`pages_show_full`) and the user may see it; `full=False` for lists, which mask."""
    spec = personal_field(record, field)
    detail = f"page {request.path}" if request is not None else "page"
    wanted = full and (spec is None or spec.pages_show_full)
    return shown(user, record, field, request=request, full=wanted, detail=detail)


def printed(user: AnyUser | None, record: Any, field: str, document: str, *, request: Any = None) -> str:
    """`record.field` on a printed document: in full, logged, where the declaration says the
    document carries it (`printed_on`); otherwise as a page shows it."""
    spec = personal_field(record, field)
    if spec is None or document not in spec.printed_on:
        return on_page(user, record, field, request=request)
    value = getattr(record, field, "") or ""
    if value:
        from .services import sensitive_access_log

        sensitive_access_log(user=user, what=spec.what, obj=record, detail=document, request=request)
    return str(value)
