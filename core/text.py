"""Text hygiene for the fields that name a person (members, payees, complainants, cadres, teams'
people): one cleaner, used by the services (so forms, serializers and the import, which call them,
refuse the same values) and by the import's own column cleaners.

Refused: control characters (a NUL, a newline, an escape), bidirectional controls (U+202E RIGHT-TO-LEFT
OVERRIDE and its kin, which make a name read differently from what it is), and a name with nothing
visible in it (only spaces, zero-width or filler characters such as U+3164).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Embeddings, overrides, isolates and marks: U+202A-202E, U+2066-2069, U+200E/200F, U+061C; and the
# line and paragraph separators, which break a printed list like a newline.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029"
)
# Characters that take space or none without showing anything (besides whitespace and format marks).
BLANK_LOOKING = frozenset("\u3164\u115f\u1160\uffa0\u2800\u180e\u034f")


def person_text_problem(value: str | None) -> str | None:
    """Why `value` cannot name a person, or None when it can (an empty value is the caller's rule)."""
    text = value or ""
    for char in text:
        if char in BIDI_CONTROLS:
            return _(
                "Remove the direction-control character (U+%(code)04X): it makes the text read "
                "differently from what it is."
            ) % {"code": ord(char)}
        if unicodedata.category(char) == "Cc":
            return _("Remove the control character (U+%(code)04X): a name or payee is one line of text.") % {
                "code": ord(char)
            }
    if text.strip() and not any(_visible(char) for char in text):
        return _("This contains only invisible characters. Enter the name as it is written.")
    return None


def _visible(char: str) -> bool:
    return not (char.isspace() or char in BLANK_LOOKING or unicodedata.category(char) in ("Cf", "Mn", "Zs"))


def clean_person_text(value: str | None) -> str:
    """`value` stripped, or ValidationError (code "text") with the reason it cannot name a person."""
    problem = person_text_problem(value)
    if problem:
        raise ValidationError(problem, code="text")
    return (value or "").strip()


def person_text_errors(errors: dict[str, Any], **fields: str | None) -> None:
    """Add to a service's `errors` the reason any of `fields` (name=value) cannot name a person."""
    for name, value in fields.items():
        problem = person_text_problem(value)
        if problem and name not in errors:
            errors[name] = problem
