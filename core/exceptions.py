from typing import Any

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else changed the record since it was read. Views show it; the API answers 409."""

    default_message = _(
        "This record was changed by someone else after you opened it. Reload it, check their change "
        "and apply yours again."
    )

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class BadParameter(BadRequest):
    """A query or form value the request cannot mean (a NUL byte, letters for an id): a 400 with the
    parameter's name and a message for it, never a server error. Pages show 400.html, the API the
    usual error shape keyed by the parameter."""

    def __init__(self, field: str, message: Any) -> None:
        self.field = field
        self.message = str(message)
        super().__init__(self.message)
