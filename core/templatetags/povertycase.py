from decimal import Decimal
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.masking import PERSONAL_FIELDS, on_page, printed
from core.money import to_wan, yuan_text

register = template.Library()


@register.filter
def masked_id(value: str | None) -> str:
    """A resident ID number as pages show it (core.masking: households.member.id_number)."""
    return PERSONAL_FIELDS[("households.member", "id_number")].mask(value)


@register.filter
def masked_phone(value: str | None) -> str:
    """A phone number as pages show it (core.masking: households.household.phone)."""
    return PERSONAL_FIELDS[("households.household", "phone")].mask(value)


@register.simple_tag(takes_context=True)
def personal(context: Any, record: Any, field: str, full: bool = True) -> str:
    """A declared personal field of a record as this page's user may see it (core.masking.on_page:
    in full and logged where the declaration allows; masked otherwise). Use it once per value, with
    `as`, so a full view is logged once."""
    request = context.get("request")
    return on_page(getattr(request, "user", None), record, field, request=request, full=full)


@register.simple_tag(takes_context=True)
def personal_printed(context: Any, record: Any, field: str, document: str) -> str:
    """A declared personal field on a printed document that carries it by design (core.masking.printed)."""
    request = context.get("request")
    return printed(getattr(request, "user", None), record, field, document, request=request)


@register.filter
def yuan(value: Decimal | None) -> str:
    """Yuan with two decimals and thousands separators; exact (no float)."""
    if value is None:
        return "—"
    # Grouped by thousands as financial reports print them, whatever the locale's own grouping.
    return yuan_text(value)


@register.filter
def wan_yuan(value: Decimal | None) -> str:
    """Yuan shown in 万元 (10,000 yuan) with two decimals, as reports print them."""
    if value is None:
        return "—"
    return format(to_wan(value), ",.2f")


@register.simple_tag
def audit_url(obj: Any) -> str:
    ct = ContentType.objects.get_for_model(obj)
    return reverse("core:audit", args=[ct.app_label, ct.model, obj.pk])


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments_panel(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    from core.models import Attachment
    from core.services import attachment_capability

    ct = ContentType.objects.get_for_model(obj)
    items = Attachment.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("uploaded_by")
    user = context["request"].user
    return {
        "attachments": items,
        "upload_url": reverse("core:attachment-upload", args=[ct.app_label, ct.model, obj.pk]),
        "can_upload": user.has_capability(attachment_capability(obj)),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def record_panels(context: template.Context, record: Any, slot: str = "detail") -> str:
    """Render the panels other apps registered for this record's model (see core.panels)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from core.panels import panels_for

    request = context.get("request")
    html = [
        render_to_string(
            panel.template_name,
            {"record": record, "request": request, "user": getattr(request, "user", None)},
            request=request,
        )
        for panel in panels_for(record._meta.label, slot)
    ]
    return mark_safe("".join(html))  # noqa: S308 - each part is a rendered, autoescaped template


@register.inclusion_tag("core/_breadcrumbs.html", takes_context=True)
def area_breadcrumbs(context: dict[str, Any], area: Any, url_name: str) -> dict[str, Any]:
    """The trail from the province down to `area`; areas above the user's scope are named, not linked
    (their pages would be a 404 for this user), and the current area is the last, unlinked, crumb."""
    user = context["request"].user
    prefixes = tuple(getattr(user, "scope_prefixes", ()) or ())
    crumbs = []
    for ancestor in area.ancestors():
        within = user.is_superuser or ancestor.code.startswith(prefixes) if prefixes else user.is_superuser
        current = ancestor.pk == area.pk
        crumbs.append(
            {
                "name": ancestor.name,
                "url": reverse(url_name, args=[ancestor.code]) if within and not current else "",
                "current": current,
            }
        )
    return {"crumbs": crumbs}


@register.simple_tag(takes_context=True)
def render_field(context: dict[str, Any], bound_field: Any) -> str:
    """A form field's widget; widgets that depend on who is looking (the area picker offers the
    user's own areas) are rendered for the signed-in user."""
    widget = bound_field.field.widget
    request = context.get("request")
    html: str
    if getattr(widget, "needs_user", False) and request is not None:
        html = widget.render_for_user(
            bound_field.html_name,
            bound_field.value(),
            request.user,
            # a picker in error outlines itself (its template reads aria-invalid)
            attrs={"id": bound_field.auto_id, **({"aria-invalid": "true"} if bound_field.errors else {})},
        )
    elif bound_field.errors:
        # outlined, and read out with its message by screen readers
        classes = f"{widget.attrs.get('class', '')} is-invalid".strip()
        html = bound_field.as_widget(
            attrs={
                "class": classes,
                "aria-invalid": "true",
                "aria-describedby": f"{bound_field.auto_id}-errors",
            }
        )
    else:
        html = bound_field.as_widget()
    return html
