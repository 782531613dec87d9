"""Spreadsheet import of the registry (the 建档立卡 rosters the villages keep), pages and API alike.

One row per person; the household columns repeat on each member's row (or, without a household
number, a household's rows follow its head's row and it is numbered like the form numbers it). The
file is streamed (core.spreadsheets.xlsx_rows) and each cell cleaned by the same cleaners as the
services (households.cleaners); rows go by COPY into a staging table where the checks that compare
rows run as SQL (households.imports.staging). Any error and nothing is written: the job keeps the first
IMPORT_MAX_ERRORS errors by row and column, their count, and an xlsx report of all of them. Otherwise
households are written a chunk per transaction with their ledger rows, so a re-imported file skips
what it wrote and a corrected file updates the same households and people.

Two kinds, chosen explicitly: registering new applicants (`households.import`: every new household
enters as a candidate for the identification procedure; a status column is refused), and a registry
migration (`households.migration`: existing 建档立卡 records from the previous system keep their
status, with a status history saying they were migrated; system administrators only).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core.models import Job
from core.scoping import ensure_can
from core.spreadsheets import ReadLimits, SpreadsheetError, xlsx_check, xlsx_rows

from ..choices import HouseholdStatusChoices, RelationChoices
from ..cleaners import clean_person, clean_secondary_causes, phone_key
from ..id_numbers import id_number_birth_date, id_number_sex
from ..search import member_key_fields
from . import staging
from .columns import (
    BY_KEY,
    COLUMNS,
    MIGRATION_ONLY,
    Column,
    cell_value,
    choice_lookup,
    header_lookup,
    normalize_header,
)
from .workbooks import error_report, export_workbook, template_workbook

if TYPE_CHECKING:
    from accounts.models import User

__all__ = ["COLUMNS", "error_report", "export_workbook", "import_run", "import_start", "template_workbook"]

IMPORT_KIND = "households.import"
MIGRATION_KIND = "households.migration"
HEADER_SEARCH_ROWS = 10  # a title banner (临夏市XX镇建档立卡户花名册) may sit above the header row
BATCH = 5000  # rows per COPY batch: what the worker holds at once


class ImportRefused(ValidationError):
    """The file cannot be imported; `result` is what the job keeps (first errors, count, report)."""

    def __init__(self, errors: dict[str, list[str]], result: dict[str, Any]) -> None:
        super().__init__(errors)
        self.result = result


def import_start(*, user: User, upload: Any, migration: bool = False) -> Job:
    """Check and store an uploaded workbook and queue its job. Size and zip checks happen here, before
    the file is kept; the job deletes the file when it ends (its hash stays on the job)."""
    from core.services import job_create, job_enqueue

    from ..tasks import households_import_task

    ensure_can(user, Capability.IMPORT_REGISTRY)
    if migration:
        ensure_can(user, Capability.ADMINISTER)
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None) or 0
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size).1f MB; the limit is %(limit).1f MB. Split it by township.")
                % {"size": size / 1048576, "limit": settings.IMPORT_MAX_UPLOAD_BYTES / 1048576}
            }
        )
    upload.seek(0)
    if not name.endswith(".xlsx") or not upload.read(4).startswith(b"PK\x03\x04"):
        raise ValidationError({"file": _("Upload the .xlsx file made from the template.")})
    upload.seek(0)
    try:
        xlsx_check(upload, ReadLimits.from_settings())
    except SpreadsheetError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    stored = default_storage.save(
        f"imports/households/{uuid.uuid4().hex}.xlsx",
        upload if hasattr(upload, "chunks") else ContentFile(upload.read()),
    )
    with transaction.atomic():
        job = job_create(
            kind=MIGRATION_KIND if migration else IMPORT_KIND,
            user=user,
            area=user.areas.order_by("code").first(),
            params={
                "file": stored,
                "file_name": (getattr(upload, "name", "") or "")[:200],
                "file_sha256": digest.hexdigest(),
                "migration": migration,
            },
        )
        job_enqueue(job, households_import_task)
    return job


# -- the job ----------------------------------------------------------------------------------------


def import_run(job: Job, *, progress: Callable[..., None] | None = None) -> dict[str, Any]:
    """The job's body: stage and check every row, then write in chunks (or refuse the file whole)."""
    params = job.params
    migration = bool(params.get("migration"))
    user = job.created_by
    report = (lambda **kw: None) if progress is None else progress
    file_sha256 = params.get("file_sha256") or ""
    try:
        with default_storage.open(params["file"], "rb") as source:
            if not file_sha256:
                file_sha256 = _sha256(source)
            staging.staging_create()
            try:
                labels = _stage(source, user=user, migration=migration, report=report)
                _refuse_if_errors(job, labels)
                total, skipped = staging.plan_households(
                    file_sha256=file_sha256, chunk_size=int(params.get("chunk_size") or 250)
                )
                return _write(job, file_sha256, total, skipped, migration=migration, report=report)
            finally:
                staging.staging_drop()
    finally:
        if params.get("file") and not params.get("keep_file"):
            default_storage.delete(params["file"])


def _sha256(source: Any) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(1 << 20):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _labels() -> dict[str, str]:
    return {c.key: str(c.label) for c in COLUMNS}


def _header(rows: Iterator[tuple[int, list[Any]]], migration: bool) -> tuple[int, dict[int, Column]]:
    """The header row (the first of the first rows naming two known columns) and the column of each
    position. Unknown or repeated headers refuse the file, naming them."""
    lookup = header_lookup()
    label = _("file")
    for number, cells in rows:
        names = [(i, str(c).strip()) for i, c in enumerate(cells) if c not in (None, "")]
        known = [(i, lookup.get(normalize_header(text))) for i, text in names]
        if sum(1 for _i, column in known if column is not None) < 2:
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        positions: dict[int, Column] = {}
        errors: dict[str, list[str]] = {}
        for (index, text), (_i, column) in zip(names, known, strict=True):
            if column is None:
                errors.setdefault(f"{number}:{text}", []).append(
                    _(
                        "The column “%(c)s” is not one the import knows: rename it as in the template or remove it."
                    )
                    % {"c": text}
                )
            elif column in positions.values():
                errors.setdefault(f"{number}:{text}", []).append(
                    _("The column “%(c)s” repeats the column “%(d)s”.") % {"c": text, "d": column.label}
                )
            elif column.key in MIGRATION_ONLY and not migration:
                errors.setdefault(f"{number}:{text}", []).append(
                    _(
                        "New households enter as candidates for the identification procedure: remove the "
                        "column “%(c)s”. Existing registry records are loaded with a registry migration."
                    )
                    % {"c": text}
                )
            else:
                positions[index] = column
        for column in COLUMNS:
            if column.required and column not in positions.values():
                errors.setdefault(f"{number}:{column.label}", []).append(
                    _("The column “%(c)s” is missing from the header row.") % {"c": column.label}
                )
        if errors:
            raise ImportRefused(errors, {})
        return number, positions
    errors = {f"1:{label}": [_("No header row found in the first %(n)d rows.") % {"n": HEADER_SEARCH_ROWS}]}
    for column in COLUMNS:
        if column.required:
            errors[f"1:{column.label}"] = [
                _("The column “%(c)s” is missing from the header row.") % {"c": column.label}
            ]
    raise ImportRefused(errors, {})


def _stage(source: Any, *, user: Any, migration: bool, report: Callable[..., None]) -> dict[str, str]:
    """Read, clean and COPY every row into the staging table; cell errors go to the errors table."""
    labels = _labels()
    try:
        rows = xlsx_rows(source, limits=ReadLimits.from_settings())
        header_row, positions = _header(rows, migration)
        lookups = {c.key: choice_lookup(c.choices) for c in COLUMNS if c.choices is not None}
        batch: list[dict[str, Any]] = []
        errors: list[tuple[int, str, str]] = []
        numberless: dict[str, str] = {}  # village code -> key of the household whose rows follow its head
        codes: set[str] = set()
        count = 0
        for number, cells in rows:
            row = _clean_row(number, cells, positions, lookups, labels, errors, migration)
            _household_key(row, numberless, labels, errors)
            if row.get("village_code"):
                codes.add(row["village_code"])
            batch.append(row)
            count += 1
            if len(batch) >= BATCH:
                staging.copy_rows(batch)
                staging.copy_errors(errors)
                batch, errors = [], []
                report(done=0, total=0, message=_("Checking rows: %(n)d read") % {"n": count})
        staging.copy_rows(batch)
        staging.copy_errors(errors)
    except SpreadsheetError as exc:
        raise ImportRefused({f"1:{_('file')}": [str(exc)]}, {}) from exc
    if not count:
        raise ImportRefused({f"{header_row + 1}:{_('file')}": [_("The file has no data rows.")]}, {})
    staging.checks_run(labels=labels, villages_refused=_villages_refused(codes, user), migration=migration)
    return labels


def _clean_row(
    number: int,
    cells: list[Any],
    positions: dict[int, Column],
    lookups: dict[str, dict[str, str]],
    labels: dict[str, str],
    errors: list[tuple[int, str, str]],
    migration: bool,
) -> dict[str, Any]:
    row: dict[str, Any] = {"row": number}
    refused: set[str] = set()
    for index, column in positions.items():
        raw = cells[index] if index < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()) or column.kind == "ignore":
            continue
        try:
            row[column.key] = cell_value(column, raw, lookups)
        except ValidationError as exc:
            refused.add(column.key)
            errors.append((number, labels[column.key], " ".join(exc.messages)))
    for column in COLUMNS:
        if column.required and column.key not in row and column.key not in refused:
            errors.append((number, labels[column.key], _("This column is required.")))
    if not migration and row.get("status") not in (None, HouseholdStatusChoices.CANDIDATE):
        errors.append((number, labels["status"], _("New households enter as candidates.")))
    if id_number := row.get("id_number"):
        for key, message in clean_person(
            id_number, birth_date=row.get("birth_date"), sex=row.get("sex")
        ).items():
            errors.append((number, labels[key], message))
        row.setdefault("birth_date", id_number_birth_date(id_number))
        row.setdefault("sex", id_number_sex(id_number))
    if "phone" in row:
        row["phone_key"] = phone_key(row["phone"])
    if row.get("name"):
        row.update(_key_fields(row["name"]))
    if row.get("secondary_causes"):
        row["secondary_causes"] = clean_secondary_causes(row["secondary_causes"], row.get("main_cause"))
    return row


@lru_cache(maxsize=65536)
def _key_fields_cached(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(member_key_fields(name).items())


def _key_fields(name: str) -> dict[str, str]:
    """The pinyin search keys of a name (households.search), once per distinct name of the file: a
    county's roster repeats its names a lot."""
    return dict(_key_fields_cached(name))


def _household_key(
    row: dict[str, Any],
    numberless: dict[str, str],
    labels: dict[str, str],
    errors: list[tuple[int, str, str]],
) -> None:
    """The household a row belongs to: its number, or (no number) the household its head's row opened in
    that village; the head's row number keys it until it is numbered."""
    if row.get("number"):
        row["hkey"] = row["number"]
        return
    code = row.get("village_code") or ""
    if row.get("relation") == RelationChoices.HEAD:
        numberless[code] = row["hkey"] = f"#{row['row']}"
    elif code in numberless:
        row["hkey"] = numberless[code]
    elif row.get("relation"):
        errors.append(
            (
                row["row"],
                labels["number"],
                _("Write the household number, or put this person's row after their head's row."),
            )
        )


def _villages_refused(codes: set[str], user: Any) -> dict[str, str]:
    villages = {a.code: a for a in Area.objects.filter(code__in=codes, level=AreaLevelChoices.VILLAGE)}
    refused = {}
    for code in sorted(codes):
        village = villages.get(code)
        if village is None:
            refused[code] = _("No village has the code %(c)s.") % {"c": code}
            continue
        try:
            ensure_can(user, Capability.IMPORT_REGISTRY, area=village)
        except (Http404, PermissionDenied):
            refused[code] = _("This village is outside your area.")
    return refused


def _refuse_if_errors(job: Job, labels: dict[str, str]) -> None:
    count = staging.errors_count()
    if not count:
        return
    errors: dict[str, list[str]] = {}
    for row, column, message in staging.errors_iter(limit=settings.IMPORT_MAX_ERRORS):
        errors.setdefault(f"{row}:{column}", []).append(message)
    name = default_storage.save(
        f"imports/reports/{job.pk}.xlsx", ContentFile(error_report(staging.errors_iter()))
    )
    raise ImportRefused(errors, {"error_count": count, "report": name, "links": _links(job, created=False)})


def _write(
    job: Job, file_sha256: str, total: int, skipped: int, *, migration: bool, report: Callable[..., None]
) -> dict[str, Any]:
    totals = {
        "households_created": 0,
        "households_updated": 0,
        "members_created": 0,
        "members_updated": 0,
        "skipped": skipped,
    }
    done = 0
    report(done=0, total=total, message=_("Writing households"))
    source = f"{'migration' if migration else 'import'}:{job.pk}"[:60]
    for chunk in staging.chunks():
        counts = staging.chunk_write(
            chunk,
            file_sha256=file_sha256,
            job_id=job.pk,
            user_id=getattr(job.created_by, "pk", None),
            migration=migration,
            source=source,
        )
        for key, value in counts.items():
            totals[key] += value
        done += counts["households_created"] + counts["households_updated"]
        report(done=done, total=total)
    return {
        **totals,
        "households": total + skipped,
        "file_sha256": file_sha256,
        "links": _links(job, created=True),
    }


def _links(job: Job, *, created: bool) -> list[dict[str, str]]:
    links = []
    if created:
        links.append(
            {
                "label": _("Households in this import"),
                "url": f"{reverse('households:list')}?import_job={job.pk}",
            }
        )
    links.append({"label": _("Past imports"), "url": reverse("households:import")})
    return links


__all__ += ["BY_KEY", "IMPORT_KIND", "MIGRATION_KIND", "ImportRefused"]
