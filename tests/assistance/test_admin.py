"""The assistance admin only reads: pairings, visits and the rest change through the services."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from assistance.models import CadrePairing, Visit

pytestmark = pytest.mark.django_db


def test_the_admin_cannot_delete_a_visit_or_end_a_pairing(county: Any, known: Any, client: Any) -> None:
    # given
    visit = known.h1.visits.get()
    pairing = CadrePairing.objects.get(household=known.h1)
    client.force_login(User.objects.create_superuser("root-admin", password="pw-123456-test"))

    # when
    deleted = client.post(f"/admin/assistance/visit/{visit.pk}/delete/", {"post": "yes"})
    changed = client.post(
        f"/admin/assistance/cadrepairing/{pairing.pk}/change/",
        {"household": known.h1.pk, "cadre": known.ma.pk, "start": "2020-01-01", "end": "2020-02-01"},
    )

    # then
    assert (deleted.status_code, changed.status_code) == (403, 403)
    assert Visit.objects.filter(pk=visit.pk).exists()
    pairing.refresh_from_db()
    assert pairing.end is None
