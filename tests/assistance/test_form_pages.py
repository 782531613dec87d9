"""The follow-up and measure edit pages: a stale version is refused on the form, nothing written;
done, the household's assistance page opens."""

from __future__ import annotations

from typing import Any

import pytest

from assistance.models import FollowUp

pytestmark = pytest.mark.django_db


def test_follow_up_close_page(county: Any, known: Any, web: Any) -> None:
    follow_up = known.h1.follow_ups.filter(status="open").first()
    client = web(county.secretary_a1)
    url = f"/assistance/follow-ups/{follow_up.pk}/close/"
    assert client.get(url).context["follow_up"] == follow_up
    form = {
        "status": "done",
        "done_on": known.today.isoformat(),
        "outcome": "已办",
        "version": follow_up.version,
    }

    stale = client.post(url, {**form, "version": follow_up.version + 1})
    done = client.post(url, form)

    assert stale.status_code == 200
    assert 'data-testid="form-errors"' in stale.content.decode()
    assert done.status_code == 302
    assert done["Location"] == f"/assistance/households/{known.h1.pk}/"
    assert FollowUp.objects.get(pk=follow_up.pk).status == "done"


def test_measure_edit_page(county: Any, known: Any, web: Any) -> None:
    client = web(county.secretary_a1)
    member = known.h3.members.first()
    fields = {"kind": "education_aid", "member": member.pk, "start_date": "2025-09-01", "status": "planned"}
    client.post(f"/assistance/households/{known.h3.pk}/measures/new/", {**fields, "amount": "2500"})
    measure = known.h3.measures.get()
    url = f"/assistance/measures/{measure.pk}/edit/"
    assert client.get(url).context["household"] == known.h3

    stale = client.post(url, {**fields, "amount": "3000", "version": measure.version + 1})
    saved = client.post(url, {**fields, "amount": "3000", "version": measure.version})

    assert stale.status_code == 200
    assert saved.status_code == 302
    assert saved["Location"] == f"/assistance/households/{known.h3.pk}/"
    measure.refresh_from_db()
    assert str(measure.amount) == "3000.00"
