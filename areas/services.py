"""Loading and maintaining the area tree."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import validate_year
from core.exceptions import ConflictError
from core.models import Job
from core.roles import Capability
from core.scoping import ensure_can, user_covers_area
from core.services import job_create, job_enqueue, model_update

from .choices import LEVEL_ORDER, LEVEL_PREFIX_LENGTH, AreaLevelChoices, code_fits_level
from .models import Area, AreaPopulation, PolicyValue
from .policy import PolicyKey, policy_checks, policy_key

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from core.users import User

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")


@dataclass
class AreaImportResult:
    created: int = 0
    updated: int = 0
    populations: int = 0
    errors: list[str] = field(default_factory=list)


def read_area_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or xlsx file, keyed by header. Bounded like the
    registry import (settings IMPORT_MAX_*: the workbook's unpacked size read from the zip's directory
    first, rows, a cell's length): a file over a limit is a ValidationError naming it."""
    from core.spreadsheets import CellTooLong, ReadLimits, SpreadsheetError, xlsx_rows

    limits = ReadLimits.from_settings()
    table: list[list[Any]] = []
    try:
        if path.suffix.lower() == ".xlsx":
            with path.open("rb") as handle:
                table = [cells for _number, cells in xlsx_rows(handle, limits=limits)]
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.reader(handle):
                    if not any(cell.strip() for cell in row):
                        continue  # a blank line, as the xlsx reader skips empty rows
                    table.append(row)
                    if len(table) > limits.rows + 1:  # the header row is not a data row
                        raise SpreadsheetError(_("The file has more than %(n)d rows.") % {"n": limits.rows})
    except SpreadsheetError as exc:
        raise ValidationError(str(exc)) from exc
    except csv.Error as exc:  # a field past csv's own limit (131,072 characters), a stray quote
        raise ValidationError(
            _("The file is not a readable CSV (%(problem)s); a cell holds at most %(limit)d characters.")
            % {"problem": exc, "limit": limits.cell_chars}
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The CSV file is not UTF-8 text: save it as “CSV UTF-8”.")) from exc
    errors = []
    for number, cells in enumerate(table, start=1):
        for value in cells:
            length = value.length if isinstance(value, CellTooLong) else len(str(value or ""))
            if length > limits.cell_chars:
                errors.append(
                    _("Row %(row)d: a cell holds %(n)d characters; the limit is %(limit)d.")
                    % {"row": number, "n": length, "limit": limits.cell_chars}
                )
    if errors:
        raise ValidationError(errors)
    header = [str(h or "").strip() for h in table[0]] if table else []
    return [
        {h: "" if i >= len(row) or row[i] is None else str(row[i]).strip() for i, h in enumerate(header) if h}
        for row in table[1:]
    ]


def _scope_errors(rows: list[dict[str, str]], user: User, population_year: int | None) -> list[str]:
    """Rows that would create or change an area (or its population) outside the user's scope
    (core.scoping, by the code, which holds the area's place in the tree): a scoped administrator's
    file writes only inside their areas; a row that changes nothing (the province and prefecture rows
    of a shipped file) is no write."""
    existing = {
        a.code: a for a in Area.objects.filter(code__in=[r["code"] for r in rows]).select_related("parent")
    }
    errors = []
    for number, row in enumerate(rows, start=2):
        area = existing.get(row["code"])
        changes = (
            area is None
            or (area.name, area.level, area.parent.code if area.parent else "")
            != (row["name"], row["level"], row["parent_code"])
            or bool(population_year and str(row.get("rural_population") or "").strip())
        )
        if changes and not user_covers_area(user, area or Area(code=row["code"])):
            errors.append(
                _("Row %(row)d: area %(code)s is outside your area.") % {"row": number, "code": row["code"]}
            )
    return errors


def _population(value: Any) -> int | None:
    text = str(value or "").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number >= 0 and number.is_integer() else None


def _validate_rows(rows: list[dict[str, str]]) -> list[str]:
    errors: list[str] = []
    if rows and any(col not in rows[0] for col in REQUIRED_COLUMNS):
        return [_("The file needs the columns: %(cols)s.") % {"cols": ", ".join(REQUIRED_COLUMNS)}]
    in_file = {row["code"]: row for row in rows}
    existing = dict(
        Area.objects.filter(code__in=[r["parent_code"] for r in rows if r.get("parent_code")]).values_list(
            "code", "level"
        )
    )
    for number, row in enumerate(rows, start=2):
        code, level, parent_code = row.get("code", ""), row.get("level", ""), row.get("parent_code", "")
        if not (len(code) == 12 and code.isdigit()):
            errors.append(
                _("Row %(row)d: code “%(code)s” must have 12 digits.") % {"row": number, "code": code}
            )
            continue
        if level not in AreaLevelChoices.values:
            errors.append(_("Row %(row)d: unknown level “%(level)s”.") % {"row": number, "level": level})
            continue
        if not row.get("name"):
            errors.append(_("Row %(row)d: the name is empty.") % {"row": number})
        population = str(row.get("rural_population") or "").strip()
        if population and _population(population) is None:
            errors.append(
                _("Row %(row)d: the rural population “%(value)s” is not a whole number.")
                % {"row": number, "value": population}
            )
        if not code_fits_level(code, level):
            errors.append(
                _("Row %(row)d: code %(code)s is not the code of a %(level)s.")
                % {"row": number, "code": code, "level": AreaLevelChoices(level).label}
            )
            continue
        index = LEVEL_ORDER.index(AreaLevelChoices(level))
        if index == 0:
            if parent_code:
                errors.append(_("Row %(row)d: a province has no parent.") % {"row": number})
            continue
        parent_level = in_file.get(parent_code, {}).get("level") or existing.get(parent_code)
        if parent_level is None:
            errors.append(
                _("Row %(row)d: parent %(parent)s is neither in the file nor in the system.")
                % {"row": number, "parent": parent_code}
            )
        elif parent_level != LEVEL_ORDER[index - 1]:
            errors.append(
                _("Row %(row)d: a %(level)s must sit under a %(expected)s.")
                % {"row": number, "level": level, "expected": LEVEL_ORDER[index - 1]}
            )
        elif not code.startswith(parent_code[: LEVEL_PREFIX_LENGTH[AreaLevelChoices(parent_level)]]):
            errors.append(
                _("Row %(row)d: code %(code)s does not start with its parent's code %(parent)s.")
                % {"row": number, "code": code, "parent": parent_code}
            )
    return errors


@transaction.atomic
def areas_import(
    *, rows: list[dict[str, Any]], user: User | None, population_year: int | None = None
) -> AreaImportResult:
    """Create or update areas by code, parents first; all or nothing.

    A `rural_population` column, with `population_year`, records each village's population. `user`
    is who uploaded the file (its rows must lie in their areas); None for the installation's command
    line (load_areas, the demo).
    """
    errors = _validate_rows(rows)
    if not errors and user is not None:
        errors = _scope_errors(rows, user, population_year)
    if errors:
        raise ValidationError(errors)
    result = AreaImportResult()
    by_code = {
        a.code: a
        for a in Area.objects.filter(code__in=[r["code"] for r in rows] + [r["parent_code"] for r in rows])
    }
    for row in sorted(rows, key=lambda r: LEVEL_ORDER.index(AreaLevelChoices(r["level"]))):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        area = by_code.get(row["code"])
        if area is None:
            area = Area.objects.create(code=row["code"], name=row["name"], level=row["level"], parent=parent)
            result.created += 1
        elif (area.name, area.level, area.parent_id) != (
            row["name"],
            row["level"],
            parent.pk if parent else None,
        ):
            area.name, area.level, area.parent = row["name"], row["level"], parent
            area.save(update_fields=["name", "level", "parent"])
            result.updated += 1
        by_code[area.code] = area
        population = str(row.get("rural_population") or "").strip()
        if population_year and population:
            AreaPopulation.objects.update_or_create(
                area=area, year=population_year, defaults={"rural_population": _population(population) or 0}
            )
            result.populations += 1
    return result


def area_population_set(*, area: Area, year: int, rural_population: int, source: str = "") -> AreaPopulation:
    if area.level != AreaLevelChoices.VILLAGE:
        raise ValidationError(_("Population is recorded per village; higher levels add up their villages."))
    population, _created = AreaPopulation.objects.update_or_create(
        area=area, year=year, defaults={"rural_population": rural_population, "source": source}
    )
    return population


@transaction.atomic
def area_time_zone_set(*, area: Area, time_zone: str) -> Area:
    """Set (or clear, with "") the county clock of an area; every later date rule in it uses the zone."""
    from core import clock
    from core.services import model_update

    area.time_zone = time_zone.strip()
    area.full_clean(validate_unique=False, validate_constraints=False)
    model_update(area, fields={"time_zone": area.time_zone})
    transaction.on_commit(clock.forget_zones)
    return area


@transaction.atomic
def area_import_start(*, user: User, upload: UploadedFile[bytes], population_year: int | None = None) -> Job:
    """Keep the uploaded area tree (CSV or .xlsx) and queue the job that imports it."""
    from .tasks import areas_import_task

    ensure_can(user, Capability.ADMINISTER)
    size = upload.size or 0
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
                % {"size": size / 1048576, "limit": settings.IMPORT_MAX_UPLOAD_BYTES / 1048576}
            }
        )
    suffix = ".xlsx" if (upload.name or "").lower().endswith(".xlsx") else ".csv"
    stored = default_storage.save(f"imports/areas/{uuid.uuid4().hex}{suffix}", upload)
    job = job_create(
        kind="areas.import",
        user=user,
        area=user.areas.all().order_by("code").first(),
        params={"file": stored, "population_year": population_year},
    )
    job_enqueue(job, areas_import_task)
    return job


# -- policy values (areas.policy) -------------------------------------------------------------------


@transaction.atomic
def policy_set(
    *,
    area: Area,
    user: Any,
    values: Mapping[str, object] | None = None,
    inherit: Iterable[str] = (),
    versions: Mapping[str, int | None] | None = None,
    year: int | None = None,
    basis: str | None = None,
) -> dict[str, PolicyValue]:
    """Set policy values on `area` (`values`, by key name) and let others go back to what the areas
    above set (`inherit`: the area's own row is removed). Each key's capability is checked in the
    area's scope (404 outside it), its level, type and bounds, then the combinations its app declared
    (on the values that will be in force here). `versions` names the version of each row the editor
    read; a row changed since is a ConflictError. Yearly keys are set for `year` (and only they: one
    change is either the year's values or the others); `basis` (the document or standard followed)
    is written on the rows set, None keeps theirs. Audited: the rows are tracked by pghistory."""
    from .selectors import policy_in_force

    values = dict(values or {})
    inherit = set(inherit) - set(values)
    keys = {name: policy_key(name) for name in [*values, *inherit]}
    for key in keys.values():
        ensure_can(user, key.capability, area=area)
    errors: dict[str, list[str]] = _year_errors(keys.values(), year)
    if errors:
        raise ValidationError(errors)
    year = None if year is None else int(year)
    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        key = keys[name]
        if not key.settable_at(area.level):
            level = AreaLevelChoices(key.lowest_level).label
            errors[name] = [_("This value is set by a %(level)s or above.") % {"level": level}]
            continue
        try:
            parsed[name] = key.parse(raw)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    above = policy_in_force(area.parent, keys.values(), year=year) if area.parent_id else {}
    for names, check in policy_checks(set(keys)):
        in_force = {
            n: f.value for n, f in policy_in_force(area, [policy_key(n) for n in names], year=year).items()
        }
        in_force.update({n: above[n].value if n in above else policy_key(n).default for n in inherit & names})
        in_force.update({n: v for n, v in parsed.items() if n in names})
        errors.update({n: [m] for n, m in check(in_force).items()})
    if errors:
        raise ValidationError(errors)
    versions = versions or {}
    # One change of an area's values at a time: a second editor of a value nobody has set yet waits
    # here and then finds the first one's row (no duplicate insert failing on the unique constraint).
    # No-key lock: rows that merely point at the area (jobs, allocations) are not held up.
    Area.objects.select_for_update(no_key=True).filter(pk=area.pk).first()
    rows = {
        r.key: r
        for r in PolicyValue.objects.select_for_update().filter(area=area, key__in=list(keys), year=year)
    }
    for name in inherit:
        if name in rows:
            _check_version(rows[name], versions.get(name))
            rows.pop(name).delete()
    basis = None if basis is None else basis.strip()[:200]
    for name, value in parsed.items():
        fields = {"value": keys[name].dump(value)}
        if basis is not None:
            fields["basis"] = basis
        row = rows.get(name)
        if row is None:
            rows[name] = PolicyValue.objects.create(area=area, key=name, year=year, **fields)
        elif any(getattr(row, f) != v for f, v in fields.items()):
            rows[name] = model_update(row, expected_version=versions.get(name), fields=fields)
    return rows


def _year_errors(keys: Iterable[PolicyKey[Any]], year: int | None) -> dict[str, list[str]]:
    """A yearly key needs a year in bounds; the others are not set per year."""
    errors: dict[str, list[str]] = {}
    for key in keys:
        if key.yearly and year is None:
            errors[key.name] = [_("This value is set per year: give the year.")]
        elif not key.yearly and year is not None:
            errors[key.name] = [_("This value is not set per year.")]
    if year is not None:
        try:
            validate_year(year)
        except ValidationError as exc:
            errors["year"] = exc.messages
    return errors


def _check_version(row: PolicyValue, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise ConflictError()
