"""One record's UUID sent by several connections at the same instant (a phone retrying while its first
send is still in flight): one visit, one answer that is not a duplicate, the others its duplicates
(core.idempotency.key_lock). Real threads and connections."""

from __future__ import annotations

from typing import Any

import pytest

from assistance.models import Visit
from fieldwork.models import SyncRecord
from tests.helpers import at_once

from .conftest import Phone, visit_record

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_concurrent_syncs_of_one_record_write_one_visit(field: Any) -> None:
    # given: one visit record and ten connections of the same phone
    record = visit_record(field.home, findings="并发同步")
    phones = [Phone(field.phone.user, device=field.phone.device) for _ in range(10)]

    # when: all ten send it at once
    responses = at_once(len(phones), lambda i: phones[i].sync(record))

    # then: each is answered; exactly one wrote the visit, the others were told it was a duplicate of it
    assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
    answers = [r.json()["results"][0] for r in responses]
    assert all(a["status"] == "accepted" for a in answers), answers
    assert sorted(a["duplicate"] for a in answers) == [False] + [True] * 9
    assert len({a["result"]["visit"] for a in answers}) == 1
    assert Visit.objects.filter(household=field.home, findings="并发同步").count() == 1
    assert SyncRecord.objects.filter(pk=record["uuid"]).count() == 1
