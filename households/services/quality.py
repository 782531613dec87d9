"""Registry quality: probable duplicates and cross-department checks (比对排除)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.models import Area
from core import clock
from core.exceptions import ConflictError
from core.models import Job
from core.scoping import ensure_can
from core.services import job_create, job_enqueue, model_update

from ..choices import (
    DuplicateKindChoices,
    ReviewStatusChoices,
)
from ..id_numbers import id_number_normalize
from ..models import (
    CrossCheckBatch,
    CrossCheckMatch,
    DuplicateCandidate,
    Member,
)
from .status import S

if TYPE_CHECKING:
    from accounts.models import User

# -- probable duplicates ---------------------------------------------------------------------------


def duplicates_scan(*, area: Area | None = None) -> int:
    """Find probable duplicates across the WHOLE registry for members of `area` (all areas if None):
    same name and birth date, or households sharing a normalised phone (their heads are paired).
    Pairs are stored once (ordered, unique), so a rescan adds only new pairs. Returns pairs added."""
    prefix = f"{area.prefix}%" if area is not None else "%"
    sql = """
        WITH scoped AS (
            SELECT m.id FROM households_member m
            JOIN households_household h ON h.id = m.household_id
            JOIN areas_area v ON v.id = h.village_id
            WHERE v.code LIKE %(prefix)s
        ), pairs AS (
            SELECT LEAST(a.id, b.id) AS a_id, GREATEST(a.id, b.id) AS b_id, %(name_birth)s AS kind
            FROM households_member a
            JOIN households_member b ON b.name = a.name AND b.birth_date = a.birth_date AND b.id <> a.id
            WHERE a.id IN (SELECT id FROM scoped) AND a.household_id IS NOT NULL
              AND b.household_id IS NOT NULL
            UNION
            SELECT LEAST(ha.head_id, hb.head_id), GREATEST(ha.head_id, hb.head_id), %(phone)s
            FROM households_household ha
            JOIN households_household hb ON hb.phone_key = ha.phone_key AND hb.id <> ha.id
            WHERE ha.phone_key <> '' AND ha.head_id IS NOT NULL AND hb.head_id IS NOT NULL
              AND ha.head_id IN (SELECT id FROM scoped)
              AND ha.status <> %(cancelled)s AND hb.status <> %(cancelled)s
        )
        INSERT INTO households_duplicatecandidate
            (member_a_id, member_b_id, kind, status, review_note, created_at, updated_at)
        SELECT a_id, b_id, kind, %(pending)s, '', %(now)s, %(now)s FROM pairs
        ON CONFLICT (member_a_id, member_b_id, kind) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "prefix": prefix,
                "name_birth": DuplicateKindChoices.NAME_BIRTH.value,
                "phone": DuplicateKindChoices.PHONE.value,
                "cancelled": S.CANCELLED.value,
                "pending": ReviewStatusChoices.PENDING.value,
                "now": clock.now(),  # the app's clock, not the database's
            },
        )
        return int(cursor.rowcount)


@transaction.atomic
def duplicate_review(
    *, candidate: DuplicateCandidate, user: User, status: str, note: str = ""
) -> DuplicateCandidate:
    """Record the result of checking a probable duplicate. Confirming does not delete anyone: the
    township then moves or corrects the records through the usual services."""
    ensure_can(user, Capability.EDIT_REGISTRY, candidate)
    return _review(
        candidate, user=user, status=status, note=note, done=_("This pair has already been reviewed.")
    )


def cross_check_read(content: bytes, file_name: str) -> list[tuple[int, str, str]]:
    """Rows (row number, ID number, detail) of a CSV or xlsx list: the first column holds ID
    numbers, the second (optional) what the department records. A header row is skipped. Bounded like
    the registry import (settings IMPORT_MAX_*): the file's size, the workbook's unpacked size (read
    from the zip's directory before anything is decompressed), rows and cell length."""
    from django.conf import settings

    from core.spreadsheets import CellTooLong, ReadLimits, SpreadsheetError, xlsx_rows

    limits = ReadLimits.from_settings()
    if len(content) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size).1f MB; the limit is %(limit).1f MB. Split it by township.")
                % {"size": len(content) / 1048576, "limit": settings.IMPORT_MAX_UPLOAD_BYTES / 1048576}
            }
        )
    rows: list[tuple[int, list[Any]]] = []
    try:
        if file_name.lower().endswith(".xlsx"):
            rows = list(xlsx_rows(io.BytesIO(content), limits=limits))
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("gb18030", errors="replace")
            rows = list(enumerate(csv.reader(io.StringIO(text)), start=1))
            if len(rows) > limits.rows + 1:
                raise SpreadsheetError(
                    _("The file has more than %(n)d rows; split it by township.") % {"n": limits.rows}
                )
    except SpreadsheetError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    out = []
    for index, row in rows:
        cells = ["" if isinstance(c, CellTooLong) else c for c in row[:2]]
        if not cells or cells[0] in (None, ""):
            continue
        number = id_number_normalize(str(cells[0])[: limits.cell_chars])
        if index == 1 and not re.match(r"^\d{17}[\dX]$", number):
            continue  # header
        detail = str(cells[1]).strip() if len(cells) > 1 and cells[1] is not None else ""
        out.append((index, number, detail[:200]))
    return out


@transaction.atomic
def cross_check_upload(
    *, user: User, area: Area, source: str, source_name: str, file_name: str, content: bytes
) -> CrossCheckBatch:
    """Match another department's ID list against registered members in `area`; every match becomes
    a review task. Nothing is changed on the households themselves."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, area=area)
    errors = {}
    if not (source_name or "").strip():
        errors["source_name"] = _("Name the department the list comes from.")
    rows = cross_check_read(content, file_name) if content else []
    if not rows:
        errors["file"] = _("The file has no ID numbers in its first column.")
    if errors:
        raise ValidationError(errors)
    batch = CrossCheckBatch.objects.create(
        area=area,
        source=source,
        source_name=source_name.strip(),
        file_name=file_name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        row_count=len(rows),
    )
    details: dict[str, str] = {}
    for _row, number, detail in rows:
        details.setdefault(number, detail)
    matches = []
    numbers = list(details)
    for start in range(0, len(numbers), 5000):
        members = Member.objects.filter(
            id_number__in=numbers[start : start + 5000],
            household__isnull=False,
            household__village__code__startswith=area.prefix,
        ).only("id", "household_id", "id_number")
        matches += [
            CrossCheckMatch(batch=batch, member=m, household_id=m.household_id, detail=details[m.id_number])
            for m in members
            if m.id_number and m.household_id  # as filtered: the narrowing is for the type checker
        ]
    CrossCheckMatch.objects.bulk_create(matches, ignore_conflicts=True)
    return model_update(batch, fields={"match_count": len(matches)})


@transaction.atomic
def cross_check_review(*, match: CrossCheckMatch, user: User, status: str, note: str) -> CrossCheckMatch:
    """Record the result of checking a match (e.g. the car belongs to a son who left the household)."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, match)
    return _review(
        match, user=user, status=status, note=note, done=_("This match has already been reviewed.")
    )


_Reviewed = TypeVar("_Reviewed", DuplicateCandidate, CrossCheckMatch)


def _review(entry: _Reviewed, *, user: User, status: str, note: str, done: str) -> _Reviewed:
    """A review queue's entry checked (duplicates, cross-check matches): confirmed or cleared with a
    note, once; `done` is the message when another reviewer came first."""
    if status not in (ReviewStatusChoices.CONFIRMED, ReviewStatusChoices.CLEARED):
        raise ValidationError({"status": _("Choose confirmed or cleared.")})
    if not (note or "").strip():
        raise ValidationError({"review_note": _("Write down what the check found.")})
    try:
        return model_update(
            entry,
            fields={
                "status": status,
                "review_note": note.strip(),
                "reviewed_by": user,
                "reviewed_at": clock.now(),
            },
            only_if={"status": ReviewStatusChoices.PENDING},
        )
    except ConflictError as exc:
        raise ValidationError(done) from exc


@transaction.atomic
def duplicates_scan_start(*, user: User) -> Job:
    """Queue the scan for probable duplicates over the user's area (a job)."""
    from ..tasks import DUPLICATES_KIND, households_duplicates_task

    ensure_can(user, Capability.RUN_JOBS)
    job = job_create(kind=DUPLICATES_KIND, user=user, area=user.areas.order_by("code").first())
    job_enqueue(job, households_duplicates_task)
    return job
