from collections.abc import MutableMapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from .exceptions import ConflictError


class StyledFormMixin:
    """Gives every widget Bootstrap's classes so forms look the same across apps."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _choose_instead_of_dashes(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _choose_instead_of_dashes(field: forms.Field) -> None:
    """A blank choice reads 请选择 (Choose), not Django's "---------"."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == "---------":
            field.empty_label = _("Choose")
    elif isinstance(field, forms.ChoiceField):
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]  # a form field's are a list
        if choices and choices[0][0] == "" and choices[0][1] == "---------":
            field.choices = [("", _("Choose")), *choices[1:]]


class VersionedFormMixin(StyledFormMixin):
    """Carries the version the user read, so a save on top of someone else's change is refused."""

    is_bound: bool  # from the form class it is mixed into
    initial: MutableMapping[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        instance = getattr(self, "instance", None)
        if instance is not None and getattr(instance, "pk", None) and not self.is_bound:
            self.initial["version"] = instance.version


def form_add_service_errors(form: forms.BaseForm, exc: ValidationError | ConflictError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or at the top (a
    ConflictError, someone else's change, at the top)."""
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def form_error_summary(*parts: tuple[str, forms.BaseForm]) -> list[dict[str, str]]:
    """Every error of the page's forms in one list for the top of the page: where it is (the card's
    name and the field's label) and a link to the field, so a long form is fixed from the top."""
    summary = []
    for where, form in parts:
        for message in form.non_field_errors():
            summary.append({"where": where, "label": "", "message": str(message), "anchor": ""})
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS or name not in form.fields:
                continue
            field = form[name]
            for message in errors:
                summary.append(
                    {
                        "where": where,
                        "label": str(field.label),
                        "message": str(message),
                        "anchor": field.auto_id,
                    }
                )
    return summary


def yes_no_select() -> forms.Select:
    """The widget of a yes/no list filter: "Any", "Yes", "No" (django-filter's default says "Unknown")."""
    return forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])
