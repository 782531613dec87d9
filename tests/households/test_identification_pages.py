"""The identification buttons and small forms on the household's page: the outcome (done, or each
refusal) shown there as messages, nothing written on a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from core import clock
from households.choices import IdentificationStageChoices, ObjectionStatusChoices
from households.models import IdentificationProcedure
from households.services import procedure_sign

pytestmark = pytest.mark.django_db


def _said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_start_objection_and_resolution_from_the_household_page(county: Any, register: Any, web: Any) -> None:
    household = register()
    client = web(county.staff_a)
    detail = f"/households/{household.pk}/"

    started = client.post(f"/households/{household.pk}/identification/start/")
    again = client.post(f"/households/{household.pk}/identification/start/")
    assert (started.status_code, started["Location"]) == (302, detail)
    assert again["Location"] == detail
    assert IdentificationProcedure.objects.filter(household=household).count() == 1
    procedure = IdentificationProcedure.objects.get(household=household)

    url = f"/households/identification/{procedure.pk}/objections/"
    objection = {"raised_on": clock.today().isoformat(), "raised_by": "村民", "content": "家里有车"}
    too_early = client.post(url, objection)
    assert too_early["Location"] == detail
    assert not procedure.objections.exists()
    for stage in IdentificationStageChoices.values[
        : IdentificationStageChoices.values.index("public_notice")
    ]:
        signer = county.secretary_a1 if stage in ("survey", "democratic_review") else county.staff_a
        procedure_sign(procedure=procedure, stage=stage, user=signer, comment="ok")
    empty = client.post(url, {**objection, "content": ""})
    recorded = client.post(url, objection)
    assert empty["Location"] == detail
    assert (recorded["Location"], procedure.objections.count()) == (detail, 1)

    resolve = f"/households/objections/{procedure.objections.get().pk}/resolve/"
    blank = client.post(resolve, {"upheld": "0", "resolution": "  "})
    resolved = client.post(resolve, {"upheld": "0", "resolution": "车辆登记在已分户的儿子名下"})
    assert blank["Location"] == resolved["Location"] == detail
    # the page was not drawn in between, so each answer's messages are still queued, in order
    assert _said(resolved) == [
        "已启动精准识别程序。",
        "该户已有正在进行的精准识别程序。",  # a second start refused
        "只能在公示期间登记异议。",  # an objection before the notice refused
        "该字段是必填项。",  # an objection with no content
        "异议已登记。",
        "该字段是必填项。",  # a resolution with no text
        "异议已处理。",
    ]
    assert procedure.objections.get().status == ObjectionStatusChoices.DISMISSED
    assert client.get(url).status_code == 405
