"""The one area picker: a chain of menus (county → township → village) that starts below the user's
own areas and loads the children of the chosen area on demand, so no page lists every village in a
province (5,227 options for a province user). The chain's value is the code of the deepest area
chosen; lists and the API filter on it with `AreaWithinFilter` (`?within=<code>`, as before).

Without JavaScript the page still works: choose a township, apply, and the village menu appears with
that township's villages. A user never receives an area outside their scope: the menus and the
`areas:children` endpoint read `Area.objects.visible_to(user)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .choices import LEVEL_ORDER, AreaLevelChoices
from .models import Area

# A menu never holds more than this many areas (a township has tens of villages, a county tens of
# townships); more would mean the chain skipped a level.
MENU_LIMIT = 400


@dataclass
class PickerLevel:
    level: str
    options: list[Area]
    selected: str = ""
    label: str = ""


@dataclass
class PickerChain:
    levels: list[PickerLevel] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.levels


def _level_label(level: str) -> str:
    return str(AreaLevelChoices(level).label)


def picker_tops(user: Any, *, own_first: bool = False) -> list[Area]:
    """The first menu: the user's areas when there are several, else the children of their one area.
    `own_first`: always the user's own areas (choosing a whole area, e.g. granting a scope)."""
    if user.is_superuser:
        return list(Area.objects.filter(parent__isnull=True).order_by("code")[:MENU_LIMIT])
    own = list(user.areas.all().order_by("code"))
    if len(own) == 1 and not own_first:
        return list(children_for(user, own[0]))
    return own


def children_for(user: Any, parent: Area) -> QuerySet[Area]:
    return Area.objects.visible_to(user).filter(parent=parent).order_by("code")[:MENU_LIMIT]


def picker_chain(user: Any, code: str | None, *, own_first: bool = False) -> PickerChain:
    """The menus to show for a chosen code: the first menu, then each chosen area's children."""
    tops = picker_tops(user, own_first=own_first)
    if not tops:
        return PickerChain()
    chain = PickerChain([PickerLevel(tops[0].level, tops, label=_level_label(tops[0].level))])
    chosen = Area.objects.visible_to(user).filter(code=code).first() if code else None
    if chosen is None:
        return chain
    path = [
        a
        for a in chosen.ancestors()
        if a.level in LEVEL_ORDER[LEVEL_ORDER.index(AreaLevelChoices(tops[0].level)) :]
    ]
    for index, area in enumerate(path):
        if index >= len(chain.levels) or area.code not in {a.code for a in chain.levels[index].options}:
            break
        chain.levels[index].selected = area.code
        children = list(children_for(user, area))
        if not children:
            break
        chain.levels.append(PickerLevel(children[0].level, children, label=_level_label(children[0].level)))
    return chain


def deepest_consistent(codes: list[str]) -> str:
    """The submitted menus' value: the deepest chosen area that lies inside the ones above it (a
    village left over from another township, when the page was sent without JavaScript, is ignored)."""
    codes = [c for c in codes if c]
    if len(codes) <= 1:
        return codes[0] if codes else ""  # one code (the API's ?within=): clean() checks it
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    chosen = areas.get(codes[0])
    if chosen is None:
        return ""
    for code in codes[1:]:
        area = areas.get(code)
        if area is None or not area.code.startswith(chosen.prefix) or area.code == chosen.code:
            break
        chosen = area
    return chosen.code


class AreaPickerWidget(forms.Widget):
    """Renders the chain of menus for the signed-in user (see `render_for_user`)."""

    needs_user = True
    own_first = False  # the first menu lists the user's own areas even when there is one

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
        return deepest_consistent([str(v) for v in values])

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        # Without a user there is nothing to offer; the filter still reads ?within=<code>.
        return SafeString(f'<input type="hidden" name="{name}" value="{value or ""}">')

    def render_for_user(self, name: str, value: Any, user: Any, attrs: dict | None = None) -> SafeString:
        chain = picker_chain(user, str(value or ""), own_first=self.own_first)
        return SafeString(
            render_to_string(
                "areas/_area_picker.html",
                {
                    "name": name,
                    "chain": chain,
                    "id": (attrs or {}).get("id", f"id_{name}"),
                    "children_url": reverse("areas:children"),
                },
            )
        )


class AreaWithinField(forms.CharField):
    """An area code; with a user bound (`user`), only an area in their scope is accepted, so an
    unknown or foreign code is a clear error (400 in the API) rather than a silently empty list."""

    widget = AreaPickerWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.user: Any = None

    def clean(self, value: Any) -> Area | None:
        code = super().clean(value)
        if not code:
            return None
        areas = Area.objects.filter(code=code)
        if self.user is not None:
            areas = areas.visible_to(self.user)
        area = areas.first()
        if area is None:
            raise forms.ValidationError(_("Choose an area within yours."), code="invalid_choice")
        return area


class AreaFormPickerWidget(AreaPickerWidget):
    """The chain of menus in a form that names one area: it starts at the user's own areas (the county
    itself may be the answer) and, for a user of one area, opens with it chosen and its children offered."""

    own_first = True

    def render_for_user(self, name: str, value: Any, user: Any, attrs: dict | None = None) -> SafeString:
        if isinstance(value, Area):
            value = value.code
        elif isinstance(value, int) or (str(value or "").isdigit() and len(str(value)) != 12):
            value = Area.objects.filter(pk=int(value)).values_list("code", flat=True).first()  # an initial id
        if not value:
            tops = picker_tops(user, own_first=True)
            value = tops[0].code if len(tops) == 1 else ""
        return super().render_for_user(name, value, user, attrs)


class AreaChoiceField(AreaWithinField):
    """One area of the user's scope for a form (an inspection's, a problem's, a cadre's area of work),
    chosen down the chain of menus: the deepest menu chosen is the area, so a village is reached through
    its township (刘家村 of 南龙镇 and of 折桥镇 are told apart) and no menu lists every village.
    `levels`: the levels accepted (all when empty). Bind the user (`field.user = user`) in the form."""

    widget = AreaFormPickerWidget

    def __init__(self, *args: Any, levels: tuple[str, ...] = (), **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        # a lower menu left on 全部 means the whole area above it: say so where the form asks
        kwargs.setdefault(
            "help_text",
            _("The lowest menu chosen is the area; leave the next menu on All for the whole area above."),
        )
        super().__init__(*args, **kwargs)
        self.levels = tuple(levels)

    def clean(self, value: Any) -> Area | None:
        area = super().clean(value)
        if area is not None and self.levels and area.level not in self.levels:
            raise forms.ValidationError(
                _("Choose one of: %(levels)s.")
                % {"levels": "、".join(str(AreaLevelChoices(level).label) for level in self.levels)},
                code="invalid_choice",
            )
        return area


class AreaWithinFilter(django_filters.Filter):
    """Keep rows whose area is within the chosen area. `path` leads from the row to its area
    (`"village"`, `"household__village"`, `"area"`; "" for areas themselves); the value is a 12-digit
    code, and an unknown one (or one outside the user's scope) is a form error: 400 in the API."""

    field_class = AreaWithinField

    def __init__(self, *args: Any, path: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Area"))
        # the schema reads the code's type from here; filter() uses `path`
        kwargs.setdefault("field_name", f"{path}__code" if path else "code")
        super().__init__(*args, **kwargs)
        self.path = path

    @property
    def field(self) -> AreaWithinField:
        field = super().field
        parent = getattr(self, "parent", None)
        request = getattr(parent, "request", None)
        field.user = getattr(parent, "user", None) or getattr(request, "user", None)
        return field

    def filter(self, qs: QuerySet, value: Area | None) -> QuerySet:
        if value is None or value == "":
            return qs
        lookup = f"{self.path}__code__startswith" if self.path else "code__startswith"
        return qs.filter(**{lookup: value.prefix})


def _townships_with_villages(visible: QuerySet[Area]) -> list[Area]:
    """The township menu of a village picker: a street office (街道) without villages would lead nowhere."""
    return list(
        visible.filter(
            level=AreaLevelChoices.TOWNSHIP,
            children__level=AreaLevelChoices.VILLAGE,
        )
        .distinct()
        .order_by("code")[:MENU_LIMIT]
    )


def _menu(visible: QuerySet[Area], township: str) -> tuple[list[Area], str, QuerySet[Area]]:
    """What a village menu offers: the townships to choose from, the township chosen (the only one when
    the user has one) and its villages; none until a township is chosen, or a first secretary's own
    villages when the scope has no township."""
    townships = _townships_with_villages(visible)
    if len(townships) == 1:
        township = townships[0].code
    villages = visible.filter(level=AreaLevelChoices.VILLAGE)
    if township:
        villages = villages.filter(parent__code=township)
    elif townships:
        villages = villages.none()  # the township first
    return townships, township, villages


class VillagePickerWidget(forms.Select):
    """A village menu for a form, narrowed by a township menu before it: the township's villages load
    when it is chosen (static/js/area-picker.js, `areas:children`), so a county or province user is
    never sent every village in scope, and 刘家村 of 南龙镇 and of 折桥镇 are told apart by the
    township chosen. A user of one township gets its villages at once; a first secretary their own.
    Without JavaScript: choose the township, save, and the form comes back with its villages. The
    value stays the village's id (forms and the API post ids)."""

    needs_user = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.township_code = ""  # the township chosen when the form came back without a village

    def render_for_user(self, name: str, value: Any, user: Any, attrs: dict | None = None) -> SafeString:
        visible = Area.objects.visible_to(user)
        village = (
            visible.filter(pk=value, level=AreaLevelChoices.VILLAGE).first()
            if str(value or "").isdigit()
            else None
        )
        townships, chosen, villages = _menu(
            visible, self.township_code or (village.code_at(AreaLevelChoices.TOWNSHIP) if village else "")
        )
        villages = villages.order_by("code")
        return SafeString(
            render_to_string(
                "areas/_village_picker.html",
                {
                    "name": name,
                    "id": (attrs or {}).get("id", f"id_{name}"),
                    "townships": townships if len(townships) > 1 else [],
                    "township": chosen,
                    "villages": villages[:MENU_LIMIT],
                    "disabled": bool(self.attrs.get("disabled")),
                    "invalid": bool((attrs or {}).get("aria-invalid")),
                    "value": str(village.pk) if village else "",
                    "children_url": reverse("areas:children"),
                },
            )
        )


class VillagesPickerWidget(VillagePickerWidget):
    """Several villages (a work team's, a project's beneficiaries), township first like the one-village
    menu: the chosen villages stay on the page as ticked boxes that name their township (刘家村 · 折桥镇),
    and more are added from a multiple menu holding only the chosen township's villages, so a county
    user is never sent every village in scope. The values are the villages' ids."""

    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return list(dict.fromkeys(str(v) for v in values if str(v).strip()))

    def render_for_user(self, name: str, value: Any, user: Any, attrs: dict | None = None) -> SafeString:
        if value is None or isinstance(value, str | int):
            value = [value] if value else []
        ids = [int(v) for v in value if str(v).isdigit()]
        visible = Area.objects.visible_to(user)
        chosen = list(
            visible.filter(pk__in=ids, level=AreaLevelChoices.VILLAGE)
            .select_related("parent")
            .order_by("code")
        )
        townships, township, villages = _menu(visible, self.township_code)
        villages = villages.exclude(pk__in=[v.pk for v in chosen])
        return SafeString(
            render_to_string(
                "areas/_villages_picker.html",
                {
                    "name": name,
                    "id": (attrs or {}).get("id", f"id_{name}"),
                    "invalid": bool((attrs or {}).get("aria-invalid")),
                    "chosen": chosen,
                    "townships": townships if len(townships) > 1 else [],
                    "township": township,
                    "villages": villages.order_by("code")[:MENU_LIMIT],
                    "children_url": reverse("areas:children"),
                },
            )
        )


class VillagePickerField(forms.ModelChoiceField):
    """A village from the user's scope, chosen township first (VillagePickerWidget)."""

    widget = VillagePickerWidget

    def bind_township(self, data: Any, name: str) -> None:
        """The township menu's value from posted `data`, so the form comes back with its villages."""
        code = str((data or {}).get(f"{name}__township") or "")
        self.widget.township_code = code if code.isdigit() and len(code) == 12 else ""


class VillagesPickerField(forms.ModelMultipleChoiceField):
    """Villages from the user's scope, added township by township (VillagesPickerWidget)."""

    widget = VillagesPickerWidget
    bind_township = VillagePickerField.bind_township
