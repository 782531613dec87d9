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
