"""Personal data (core.masking): declared once, masked on every output path for roles that may not
see it, and every view in full logged."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from core.audit import audit_context
from core.models import SensitiveAccess
from households.models import Household, Member
from supervision.choices import ComplaintKindChoices
from supervision.services import complaint_receive
from tests.factories import make_household
from tests.helpers import pages_hiding

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
COMPLAINANT = "欧阳举报"
CONTACT = "13800001111"


@pytest.fixture
def records(county: Any) -> dict[str, Any]:
    from core import clock

    household = make_household(county.village_a1, members=2)
    with audit_context(county.staff_a):
        Household.objects.filter(pk=household.pk).update(phone=PHONE)
        Member.objects.filter(household=household).update(phone="13700007777")
    household.refresh_from_db()
    member = household.head
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=ComplaintKindChoices.LEFT_OUT,
        content="反映本村某户漏评",
        received_on=clock.today(),
        channel="hotline",
        complainant=COMPLAINANT,
        contact=CONTACT,
        household=household,
    )
    return {"household": household, "member": member, "complaint": complaint}


def _text(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    return response.content.decode()


def _output_paths(records: dict[str, Any]) -> list[str]:
    h, m, c = records["household"], records["member"], records["complaint"]
    return [
        "/households/",
        f"/households/{h.pk}/",
        f"/households/{h.pk}/card/",
        "/households/export/",
        f"/audit/households/household/{h.pk}/",
        f"/audit/households/member/{m.pk}/",
        f"/audit/supervision/complaint/{c.pk}/",
        "/supervision/complaints/",
        f"/supervision/complaints/{c.pk}/",
        "/api/households/households/",
        f"/api/households/households/{h.pk}/",
        f"/api/households/members/?household={h.pk}",
        f"/api/households/members/{m.pk}/",
        "/api/supervision/complaints/",
        f"/api/supervision/complaints/{c.pk}/",
        f"/admin/households/household/{h.pk}/change/",
        f"/admin/supervision/complaint/{c.pk}/change/",
    ]


@pytest.mark.parametrize("role", ["cadre_a", "viewer"])
def test_no_output_path_shows_a_low_privilege_role_any_personal_value_in_full(
    county: Any, records: dict[str, Any], client: Any, role: str
) -> None:
    # given: a cadre of the township and a prefecture viewer, neither of whom may see them in full
    user = getattr(county, role)
    client.force_login(user)
    member = records["member"]
    # the birth date is the ID number's hidden digits (622901********1234 + 1980-05-17 is the number)
    birth = member.birth_date
    full_values = [member.id_number, PHONE, "13700007777", COMPLAINANT, CONTACT, birth.isoformat()]
    full_values += [f"{birth:%Y%m%d}", f"{birth:%Y}年{birth.month}月{birth.day}日"]

    # when / then
    seen = pages_hiding(client, _output_paths(records), full_values, read=_text)
    assert seen >= 12
    assert not SensitiveAccess.objects.filter(user=user).exists()


def test_the_history_page_reads_like_the_record_page(county: Any, records: dict[str, Any], web: Any) -> None:
    member = records["member"]
    page = web(county.cadre_a).get(f"/audit/households/member/{member.pk}/").content.decode()
    assert "新增" in page
    assert "居民身份证号" in page or "身份证" in page
    assert "id_number" not in page
    assert "户主" in page  # the relation's label, not "head"
    household_page = web(county.cadre_a).get(f"/audit/households/household/{records['household'].pk}/")
    text = household_page.content.decode()
    assert "修改" in text
    assert "phone_key" not in text
    assert "head_id" not in text
    assert "illness" not in text  # the cause's label
    assert "insert" not in text
    assert "update" not in text


def test_the_history_page_shows_local_times(county: Any, records: dict[str, Any], web: Any) -> None:
    from core import clock
    from core.history import history_for

    rows = history_for(records["household"], county.cadre_a)
    assert rows
    assert rows[0]["at"].utcoffset() == clock.localtime(rows[0]["at"]).utcoffset()
    assert str(rows[0]["at"].tzinfo) != "UTC"


def test_a_supervisor_sees_the_complainant_in_full_and_it_is_logged(
    county: Any, records: dict[str, Any], web: Any
) -> None:
    complaint = records["complaint"]
    client = web(county.county_official)
    for path in (f"/supervision/complaints/{complaint.pk}/", f"/audit/supervision/complaint/{complaint.pk}/"):
        before = SensitiveAccess.objects.filter(user=county.county_official).count()
        assert COMPLAINANT in client.get(path).content.decode()
        logged = SensitiveAccess.objects.filter(user=county.county_official).order_by("-id")
        assert logged.count() == before + 1, path
        assert logged[0].what == "complainant"
        assert logged[0].username == county.county_official.username


def test_the_export_shows_phones_in_full_only_to_roles_that_see_full_ids_and_logs_it(
    county: Any, records: dict[str, Any], web: Any
) -> None:
    text = _text(web(county.staff_a).get("/households/export/"))
    assert PHONE in text
    assert records["member"].id_number in text
    assert SensitiveAccess.objects.filter(user=county.staff_a, what="export_full_id_numbers").exists()


def test_every_mask_comes_from_the_one_declaration() -> None:
    from core.masking import PERSONAL_FIELDS, mask_household_number, mask_id_number, mask_name, mask_phone

    assert mask_id_number("622901198001011234") == "622901********1234"
    assert mask_phone(PHONE) == "139****5678"
    assert mask_name("马建国") == "马*国"
    assert mask_household_number("622901103201001") == "622901******001"
    assert PERSONAL_FIELDS[("supervision.complaint", "complainant")].mask(COMPLAINANT) == "欧**"
    birth_date = PERSONAL_FIELDS[("households.member", "birth_date")]
    assert birth_date.mask(dt.date(1980, 5, 17)) == "1980-**-**"
    assert birth_date.mask("1980-05-17") == "1980-**-**"  # as an event's data holds it


def test_code_and_templates_reach_personal_fields_only_through_the_declaration() -> None:
    """A mask is applied through PERSONAL_FIELDS (masked, shown, on_page, the template filters and tags),
    never by calling a field's masking function by hand, and no template prints a phone or an ID
    number as stored."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skipped = {".venv", "tests", "migrations", "node_modules", "bench"}
    by_hand = re.compile(r"\bmask_(id_number|phone|initial|all)\(")
    printed_raw = re.compile(r"\.(phone|id_number)\s*(\}\}|\|default)")
    offenders = []
    for path in root.rglob("*"):
        parts = set(path.relative_to(root).parts)
        if parts & skipped or not path.is_file():
            continue
        if path.suffix == ".py" and path != root / "core" / "masking.py":
            if by_hand.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(root)))
        elif path.suffix == ".html" and printed_raw.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


@pytest.mark.parametrize("role", ["cadre_a", "viewer"])
def test_a_masked_id_number_cannot_be_read_back_through_the_search(
    county: Any, records: dict[str, Any], api: Any, role: str
) -> None:
    # A role that sees 622901********1234 finds the household by the digits the mask shows, not by one
    # more: else typing ?1234 for ? in 0-9 reads the hidden digits back one by one, and a whole number
    # (a guessed birth date) is confirmed or not. Roles that see ID numbers in full search by them all.
    number = records["member"].id_number
    household = records["household"].pk

    def found(user: Any, term: str) -> list[int]:
        response = api(user).get("/api/households/households/", {"q": term})
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    user = getattr(county, role)
    assert found(user, number[-4:]) == [household]
    assert found(user, number[-5:]) == []
    assert found(user, number[-6:]) == []
    assert found(user, number) == []
    assert found(county.staff_a, number[-6:]) == [household]
    assert found(county.staff_a, number) == [household]
