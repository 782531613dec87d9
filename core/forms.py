from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StyledFormMixin:
    """Gives every widget Bootstrap's classes so forms look the same across apps."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class VersionedFormMixin(StyledFormMixin):
    """Carries the version the user read, so a save on top of someone else's change is refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        instance = getattr(self, "instance", None)
        if instance is not None and getattr(instance, "pk", None) and not self.is_bound:
            self.initial["version"] = instance.version


def form_add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or at the top."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def yes_no_select() -> forms.Select:
    """The widget of a yes/no list filter: "Any", "Yes", "No" (django-filter's default says "Unknown")."""
    return forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])
