"""Spreadsheet import and export of the registry (建档立卡 spreadsheets the villages keep).

One row per person; the household columns repeat on each of its members' rows. An import is
validated completely before anything is written: a file with any invalid row changes nothing, and
every error names its row and column. Writing then goes village by village in chunks, each chunk in
one transaction together with its ledger rows (file hash + row key, unique), so a worker killed
mid-import and redelivered continues where it stopped without writing anything twice, and
re-importing a corrected file updates the same households and people (matched by household number
and ID number) instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.masking import mask_id_number
from core.scoping import ensure_can
from core.spreadsheets import Sheet, xlsx_bytes

from .choices import (
    EducationChoices,
    HealthChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    HouseholdTypologyChoices,
    LabourCapacityChoices,
    MembershipChangeReasonChoices,
    PovertyCauseChoices,
    RelationChoices,
    SchoolingChoices,
    SexChoices,
    WorkStatusChoices,
)
from .id_numbers import id_number_birth_date, id_number_check_person, id_number_sex, id_number_validate
from .models import Household, HouseholdStatusChange, ImportLedger, Member, MembershipPeriod
from .search import member_search_keys_refresh
from .services import phone_key


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy translation: the header users see
    required: bool = False
    choices: type | None = None
    many: bool = False  # several choices separated by 、 or commas
    kind: str = "text"  # text | date | bool | int | id
    household: bool = False  # a household column (repeats on each member row)


COLUMNS: tuple[Column, ...] = (
    Column("number", pgettext_lazy("spreadsheet column", "Household number"), required=True, household=True),
    Column(
        "village_code", pgettext_lazy("spreadsheet column", "Village code"), required=True, household=True
    ),
    Column("address", pgettext_lazy("spreadsheet column", "Address"), household=True),
    Column("phone", pgettext_lazy("spreadsheet column", "Phone"), household=True),
    Column(
        "attribute",
        pgettext_lazy("spreadsheet column", "Household attribute"),
        choices=HouseholdAttributeChoices,
        household=True,
    ),
    Column(
        "main_cause",
        pgettext_lazy("spreadsheet column", "Main poverty cause"),
        required=True,
        choices=PovertyCauseChoices,
        household=True,
    ),
    Column(
        "secondary_causes",
        pgettext_lazy("spreadsheet column", "Secondary causes"),
        choices=PovertyCauseChoices,
        many=True,
        household=True,
    ),
    Column(
        "typology",
        pgettext_lazy("spreadsheet column", "Typology"),
        choices=HouseholdTypologyChoices,
        household=True,
    ),
    Column(
        "year_identified", pgettext_lazy("spreadsheet column", "Year identified"), kind="int", household=True
    ),
    Column(
        "status",
        pgettext_lazy("spreadsheet column", "Status"),
        choices=HouseholdStatusChoices,
        household=True,
    ),
    Column("name", pgettext_lazy("spreadsheet column", "Name"), required=True),
    Column("id_number", pgettext_lazy("spreadsheet column", "Resident ID number"), required=True, kind="id"),
    Column(
        "relation",
        pgettext_lazy("spreadsheet column", "Relation to head"),
        required=True,
        choices=RelationChoices,
    ),
    Column("sex", pgettext_lazy("spreadsheet column", "Sex"), choices=SexChoices),
    Column("birth_date", pgettext_lazy("spreadsheet column", "Birth date"), kind="date"),
    Column("ethnicity", pgettext_lazy("spreadsheet column", "Ethnicity")),
    Column("education", pgettext_lazy("spreadsheet column", "Education"), choices=EducationChoices),
    Column("schooling", pgettext_lazy("spreadsheet column", "Current schooling"), choices=SchoolingChoices),
    Column("health", pgettext_lazy("spreadsheet column", "Health"), choices=HealthChoices),
    Column(
        "labour_capacity",
        pgettext_lazy("spreadsheet column", "Labour capacity"),
        choices=LabourCapacityChoices,
    ),
    Column("work_status", pgettext_lazy("spreadsheet column", "Work status"), choices=WorkStatusChoices),
    Column("medical_insurance", pgettext_lazy("spreadsheet column", "Medical insurance"), kind="bool"),
    Column("pension_insurance", pgettext_lazy("spreadsheet column", "Pension insurance"), kind="bool"),
)
HOUSEHOLD_KEYS = [c.key for c in COLUMNS if c.household and c.key not in ("number", "village_code", "status")]
MEMBER_KEYS = [c.key for c in COLUMNS if not c.household]
LANGS = ("zh-hans", "en")
TRUE_WORDS = {"是", "有", "已参保", "参加", "yes", "y", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "未参保", "未参加", "no", "n", "false", "0", "×", ""}


def _in_languages(text: Any) -> set[str]:
    found = set()
    for lang in LANGS:
        with translation.override(lang):
            found.add(str(text).strip().lower())
    return found


def _choice_lookup(choices: type) -> dict[str, str]:
    """Value for each accepted spelling: the stored code, and the label in Chinese and English."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:  # type: ignore[attr-defined]
        lookup[str(value).lower()] = value
        for spelling in _in_languages(label):
            lookup[spelling] = value
    # Common short spellings in the national registry's spreadsheets: 因病、因残、缺劳力...
    if choices is PovertyCauseChoices:
        with translation.override("zh-hans"):
            for value, label in choices.choices:  # type: ignore[attr-defined]
                lookup["因" + str(label)] = value
    return lookup


def template_workbook() -> bytes:
    """The import template: Chinese headers (in the user's language), and a sheet of allowed values."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Households")
    sheet.append([str(c.label) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = (
            14 if column.key != "id_number" else 22
        )
    help_sheet = wb.create_sheet(_("Allowed values"))
    help_sheet.append([_("Column"), _("Required"), _("Allowed values")])
    for column in COLUMNS:
        if column.choices is not None:
            allowed = "、".join(str(label) for _v, label in column.choices.choices)  # type: ignore[attr-defined]
        elif column.kind == "date":
            allowed = _("a date, e.g. 1980-05-17 (may be left empty: it is read from the ID number)")
        elif column.kind == "bool":
            allowed = _("是 or 否")
        elif column.key == "village_code":
            allowed = _("the village's 12-digit statistical code")
        elif column.key == "number":
            allowed = _("the household number; rows with the same number are one household")
        else:
            allowed = ""
        help_sheet.append([str(column.label), _("yes") if column.required else "", allowed])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class ImportPlan:
    """Validated rows grouped by household, ready to write."""

    file_sha256: str
    households: dict[str, dict[str, Any]] = field(default_factory=dict)  # number -> fields
    members: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def error(self, row: int, column: Column | str, message: str) -> None:
        label = str(column.label) if isinstance(column, Column) else column
        self.errors[f"{row}:{label}"].append(message)


def read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number as Excel shows it, {column key: value}) for every non-empty row."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError({"1:file": [_("The file is not a readable xlsx workbook.")]}) from exc
    sheet = wb.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_label: dict[str, Column] = {}
    for column in COLUMNS:
        for spelling in _in_languages(column.label):
            by_label[spelling] = column
        by_label[column.key] = column
    positions: dict[int, Column] = {}
    for index, cell in enumerate(header):
        column = by_label.get(str(cell or "").strip().lower())
        if column is not None:
            positions[index] = column
    missing = [c for c in COLUMNS if c.required and c not in positions.values()]
    if missing:
        raise ValidationError(
            {
                f"1:{c.label}": [_("The column “%(c)s” is missing from the header row.") % {"c": c.label}]
                for c in missing
            }
        )
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        out.append((number, {positions[i].key: v for i, v in enumerate(values) if i in positions}))
    wb.close()
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def validate(content: bytes, *, user: Any, progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Check every row and column; the plan carries the errors (nothing is written here)."""
    plan = ImportPlan(file_sha256=hashlib.sha256(content).hexdigest())
    rows = read_rows(content)
    if not rows:
        plan.error(2, _("file"), _("The file has no data rows."))
        return plan
    lookups = {c.key: _choice_lookup(c.choices) for c in COLUMNS if c.choices is not None}
    columns = {c.key: c for c in COLUMNS}
    villages = {
        a.code: a
        for a in Area.objects.filter(
            code__in={_text(v.get("village_code")) for _n, v in rows}, level=AreaLevelChoices.VILLAGE
        )
    }
    id_rows: dict[str, int] = {}
    household_rows: dict[str, int] = {}
    for row, values in rows:
        clean: dict[str, Any] = {}
        for column in COLUMNS:
            raw = values.get(column.key)
            text = _text(raw)
            if not text:
                if column.required:
                    plan.error(row, column, _("This column is required."))
                continue
            if column.choices is not None:
                parts = [
                    p.strip() for p in text.replace(",", "、").replace("，", "、").split("、") if p.strip()
                ]
                found = (
                    [lookups[column.key].get(p.lower()) for p in parts]
                    if column.many
                    else [lookups[column.key].get(text.lower())]
                )
                if None in found:
                    plan.error(
                        row,
                        column,
                        _("“%(v)s” is not one of: %(allowed)s.")
                        % {
                            "v": text,
                            "allowed": "、".join(str(label) for _v, label in column.choices.choices),  # type: ignore[attr-defined]
                        },
                    )
                    continue
                clean[column.key] = found if column.many else found[0]
            elif column.kind == "id":
                try:
                    clean[column.key] = id_number_validate(text)
                except ValidationError as exc:
                    plan.error(row, column, " ".join(exc.messages))
            elif column.kind == "date":
                if isinstance(raw, dt.datetime):
                    clean[column.key] = raw.date()
                elif isinstance(raw, dt.date):
                    clean[column.key] = raw
                else:
                    try:
                        clean[column.key] = dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
                    except ValueError:
                        plan.error(row, column, _("Write the date as 1980-05-17."))
            elif column.kind == "bool":
                if text.lower() in TRUE_WORDS:
                    clean[column.key] = True
                elif text.lower() in FALSE_WORDS:
                    clean[column.key] = False
                else:
                    plan.error(row, column, _("Write 是 or 否."))
            elif column.kind == "int":
                try:
                    clean[column.key] = int(text)
                except ValueError:
                    plan.error(row, column, _("Write a whole number."))
            else:
                clean[column.key] = text
        number = clean.get("id_number")
        if number:
            person_errors = id_number_check_person(
                number, birth_date=clean.get("birth_date"), sex=clean.get("sex")
            )
            for key, message in person_errors.items():
                plan.error(row, columns[key], message)
            clean.setdefault("birth_date", id_number_birth_date(number))
            clean.setdefault("sex", id_number_sex(number))
            if number in id_rows:
                plan.error(
                    row,
                    columns["id_number"],
                    _("The same ID number is also on row %(r)d.") % {"r": id_rows[number]},
                )
            id_rows.setdefault(number, row)
        code = clean.get("village_code")
        if code:
            village = villages.get(code)
            if village is None:
                plan.error(row, columns["village_code"], _("No village has the code %(c)s.") % {"c": code})
            else:
                try:
                    ensure_can(user, Capability.IMPORT_REGISTRY, area=village)
                except (Http404, PermissionDenied):
                    plan.error(row, columns["village_code"], _("This village is outside your area."))
        year = clean.get("year_identified")
        if year is not None and not 2013 <= year <= clock.today().year:
            plan.error(
                row, columns["year_identified"], _("The year identified must be between 2013 and this year.")
            )
        key = clean.get("number")
        if not key:
            continue
        household_fields = {k: clean.get(k) for k in ("village_code", "status", *HOUSEHOLD_KEYS)}
        if key not in plan.households:
            plan.households[key] = household_fields
            household_rows[key] = row
        elif clean.get("village_code") and plan.households[key]["village_code"] != clean.get("village_code"):
            plan.error(
                row,
                columns["village_code"],
                _("Row %(r)d puts household %(n)s in another village.")
                % {"r": household_rows[key], "n": key},
            )
        plan.members[key].append({"row": row, **{k: clean.get(k) for k in MEMBER_KEYS if k in clean}})
        if progress is not None and row % 500 == 0:
            progress(row, len(rows))
    _validate_households(plan, columns, household_rows, user)
    return plan


def _validate_households(
    plan: ImportPlan, columns: dict[str, Column], household_rows: dict[str, int], user: Any
) -> None:
    for key, members in plan.members.items():
        heads = [m for m in members if m.get("relation") == RelationChoices.HEAD]
        if len(heads) != 1:
            plan.error(
                household_rows[key],
                columns["relation"],
                _("Household %(n)s must have exactly one head (it has %(k)d).") % {"n": key, "k": len(heads)},
            )
    # Against the registry: household numbers in another area, people registered in another household.
    existing = {
        h.number: h
        for h in Household.objects.filter(number__in=list(plan.households)).select_related("village")
    }
    for key, household in existing.items():
        wanted = plan.households[key].get("village_code")
        if household.village.code != wanted:
            plan.error(
                household_rows[key],
                columns["number"],
                _("Household number %(n)s is already used by a household in another village.") % {"n": key},
            )
    by_id = {
        m["id_number"]: (key, m["row"]) for key, ms in plan.members.items() for m in ms if m.get("id_number")
    }
    numbers = list(by_id)
    for start in range(0, len(numbers), 5000):
        for member in Member.objects.filter(id_number__in=numbers[start : start + 5000]).select_related(
            "household"
        ):
            key, row = by_id[member.id_number]
            if member.household is None or member.household.number != key:
                plan.error(
                    row,
                    columns["id_number"],
                    _(
                        "A person with ID number %(id)s is already registered in another household. "
                        "Ask the township office to move them instead of registering them twice."
                    )
                    % {"id": mask_id_number(member.id_number)},
                )


def row_key(number: str, id_number: str) -> str:
    return f"{number}/{id_number}"


def apply(
    plan: ImportPlan,
    *,
    user: Any,
    job_id: Any = None,
    chunk_size: int = 250,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a validated plan, village by village in chunks; each chunk is one transaction with its
    ledger rows, and chunks already in the ledger for this file are skipped."""
    if plan.errors:
        raise ValidationError(dict(plan.errors))
    done_keys = set(
        ImportLedger.objects.filter(file_sha256=plan.file_sha256).values_list("row_key", flat=True)
    )
    # Village by village (sorted by village code, then number), in chunks of `chunk_size` households.
    keys = sorted(plan.households, key=lambda k: (plan.households[k]["village_code"], k))
    villages = {
        a.code: a for a in Area.objects.filter(code__in={f["village_code"] for f in plan.households.values()})
    }
    totals = {
        "households_created": 0,
        "households_updated": 0,
        "members_created": 0,
        "members_updated": 0,
        "skipped": 0,
    }
    processed = 0
    for start in range(0, len(keys), chunk_size):
        chunk = keys[start : start + chunk_size]
        todo = [k for k in chunk if not all(row_key(k, m["id_number"]) in done_keys for m in plan.members[k])]
        totals["skipped"] += len(chunk) - len(todo)
        if todo:
            counts = _apply_chunk(plan, villages, todo, user=user, job_id=job_id)
            for name, value in counts.items():
                totals[name] += value
        processed += len(chunk)
        if progress is not None:
            progress(processed)
    return totals


@transaction.atomic
def _apply_chunk(
    plan: ImportPlan, villages: dict[str, Area], keys: list[str], *, user: Any, job_id: Any
) -> dict[str, int]:
    now = clock.now()
    today = clock.today()
    existing = {
        h.number: h for h in Household.objects.select_for_update().filter(number__in=keys).order_by("pk")
    }
    new_households = []
    for key in keys:
        fields = plan.households[key]
        values = {k: fields[k] for k in HOUSEHOLD_KEYS if fields.get(k) is not None}
        values["phone_key"] = phone_key(values.get("phone"))
        if key in existing:
            household = existing[key]
            for name, value in values.items():
                setattr(household, name, value)
            household.version += 1
            household.updated_at = now
        else:
            new_households.append(
                Household(
                    village=villages[fields["village_code"]],
                    number=key,
                    status=fields.get("status") or HouseholdStatusChoices.CANDIDATE,
                    status_changed_at=now,
                    **values,
                )
            )
    if existing:
        Household.objects.bulk_update(
            list(existing.values()), [*HOUSEHOLD_KEYS, "phone_key", "version", "updated_at"]
        )
    Household.objects.bulk_create(new_households)
    households = {**existing, **{h.number: h for h in new_households}}
    HouseholdStatusChange.objects.bulk_create(
        [
            HouseholdStatusChange(
                household=h,
                from_status=HouseholdStatusChoices.CANDIDATE,
                to_status=h.status,
                changed_at=now,
                effective_date=dt.date(h.year_identified, 12, 1) if h.year_identified else today,
                changed_by=user,
                reason=_("Imported from the registry spreadsheet"),
                source=f"import:{job_id or ''}"[:60],
            )
            for h in new_households
            if h.status != HouseholdStatusChoices.CANDIDATE
        ]
    )
    rows = [(key, m) for key in keys for m in plan.members[key]]
    known = {
        m.id_number: m
        for m in Member.objects.select_for_update()
        .filter(id_number__in=[m["id_number"] for _k, m in rows])
        .order_by("pk")
    }
    new_members, changed = [], []
    for key, data in rows:
        values = {k: v for k, v in data.items() if k != "row"}
        member = known.get(data["id_number"])
        if member is not None:
            for name, value in values.items():
                setattr(member, name, value)
            member.version += 1
            member.updated_at = now
            changed.append(member)
        else:
            new_members.append(Member(household=households[key], **values))
    if changed:
        Member.objects.bulk_update(changed, [*MEMBER_KEYS, "version", "updated_at"])
    Member.objects.bulk_create(new_members)
    # Pinyin search keys for every name written above, in one set-based pass (households.search).
    member_search_keys_refresh([m.pk for m in [*changed, *new_members]])
    MembershipPeriod.objects.bulk_create(
        [
            MembershipPeriod(
                member=m,
                household_id=m.household_id,
                relation=m.relation,
                joined_on=today,
                join_reason=MembershipChangeReasonChoices.REGISTRATION,
            )
            for m in new_members
        ]
    )
    heads = {m.household_id: m.pk for m in [*changed, *new_members] if m.relation == RelationChoices.HEAD}
    for household in households.values():
        if household.pk in heads and household.head_id != heads[household.pk]:
            household.head_id = heads[household.pk]
    Household.objects.bulk_update([h for h in households.values() if h.pk in heads], ["head"])
    ImportLedger.objects.bulk_create(
        [
            ImportLedger(
                file_sha256=plan.file_sha256,
                row_key=row_key(key, data["id_number"]),
                household=households[key],
                job_id=job_id,
            )
            for key, data in rows
        ],
        ignore_conflicts=True,
    )
    return {
        "households_created": len(new_households),
        "households_updated": len(existing),
        "members_created": len(new_members),
        "members_updated": len(changed),
    }


def error_report(errors: dict[str, Iterable[str]]) -> bytes:
    """An xlsx listing each error with its row and column, sorted by row."""

    def order(item: tuple[str, Any]) -> tuple[int, str]:
        row, _sep, column = item[0].partition(":")
        return (int(row) if row.isdigit() else 0, column)

    rows = [
        [int(row) if row.isdigit() else row, column, message]
        for key, messages in sorted(errors.items(), key=order)
        for row, _sep, column in [key.partition(":")]
        for message in messages
    ]
    header = [
        pgettext("import error", "Row"),
        pgettext("import error", "Column"),
        pgettext("import error", "Problem"),
    ]
    return xlsx_bytes([Sheet(title=_("Errors"), header=header, rows=rows, widths={"B": 18, "C": 100})])


EXPORT_HEADERS = (
    pgettext_lazy("spreadsheet column", "Household number"),
    pgettext_lazy("spreadsheet column", "Township"),
    pgettext_lazy("spreadsheet column", "Village"),
    pgettext_lazy("spreadsheet column", "Head of household"),
    pgettext_lazy("spreadsheet column", "Resident ID number"),
    pgettext_lazy("spreadsheet column", "Phone"),
    pgettext_lazy("spreadsheet column", "Household attribute"),
    pgettext_lazy("spreadsheet column", "Main poverty cause"),
    pgettext_lazy("spreadsheet column", "Status"),
    pgettext_lazy("spreadsheet column", "Year identified"),
    pgettext_lazy("spreadsheet column", "Members"),
)


def export_workbook(households: Iterable[Household], *, full_ids: bool) -> bytes:
    """The filtered list as xlsx (write-only, streamed from the queryset in chunks)."""
    rows = (
        [
            h.number,
            h.village.parent.name if h.village.parent else "",
            h.village.name,
            h.head.name if h.head else "",
            (h.head.id_number if full_ids else mask_id_number(h.head.id_number)) if h.head else "",
            h.phone,
            h.get_attribute_display(),
            h.get_main_cause_display(),
            h.get_status_display(),
            h.year_identified,
            getattr(h, "member_count", None),
        ]
        for h in households
    )
    return xlsx_bytes([Sheet(title=_("Households"), header=[str(h) for h in EXPORT_HEADERS], rows=rows)])


def import_start(*, user: Any, upload: Any) -> Any:
    """Store an uploaded workbook and queue its import job (pages and API alike)."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.services import job_create, job_enqueue

    from .tasks import IMPORT_KIND, households_import_task

    ensure_can(user, Capability.IMPORT_REGISTRY)
    name = (getattr(upload, "name", "") or "").lower()
    content = upload.read()
    if not name.endswith(".xlsx") or not content.startswith(b"PK\x03\x04"):
        raise ValidationError({"file": _("Upload the .xlsx file made from the template.")})
    stored = default_storage.save(f"imports/households/{uuid.uuid4().hex}.xlsx", ContentFile(content))
    with transaction.atomic():
        job = job_create(
            kind=IMPORT_KIND,
            user=user,
            area=user.areas.order_by("code").first(),
            params={"file": stored, "file_name": (upload.name or "")[:200]},
        )
        job_enqueue(job, households_import_task)
    return job
