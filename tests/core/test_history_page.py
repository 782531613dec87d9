"""The history page (/audit/...) in Chinese reads like the record page: field labels, choice labels,
新增/修改, the county's local time, no bookkeeping columns, personal fields masked as the page masks
them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pghistory.models import Events

from core import clock
from core.audit import audit_context
from core.masking import masked
from core.services import model_update
from households.choices import HouseholdStatusChoices, PovertyCauseChoices
from households.models import Household
from tests.core.pagewalk import english_words
from tests.factories import make_household

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _table_text(html: str) -> str:
    table = html[html.index('data-testid="audit-table"') :]
    table = table[table.index("<thead>") : table.index("</table>")]
    return re.sub(r"<[^>]+>", " ", table)


def test_the_history_page_in_chinese_shows_labels_local_times_and_masks_like_the_record_page(
    county: Any,
) -> None:
    # given: a candidate household registered and changed by the township's clerk
    county.staff_a.full_name = "马秀兰"
    county.staff_a.save()
    with audit_context(county.staff_a):
        household = make_household(
            county.village_a1, status=HouseholdStatusChoices.CANDIDATE, main_cause=PovertyCauseChoices.ILLNESS
        )
        model_update(
            household,
            fields={
                "phone": PHONE,
                "status": HouseholdStatusChoices.REGISTERED,
                "status_changed_at": clock.now().replace(microsecond=0),
                "secondary_causes": [PovertyCauseChoices.CAPITAL],
            },
        )
    household.refresh_from_db()
    url = f"/audit/households/household/{household.pk}/"
    cadre = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    cadre.force_login(county.cadre_a)

    # when: the township's cadre (who sees phones masked on the record page) opens the history
    html = cadre.get(url).content.decode()
    text = _table_text(html)

    # then: actions, field labels and choice labels in Chinese, no column or code left in English
    assert "新增" in text
    assert "修改" in text
    with translation.override("zh-hans"):
        labels = [
            str(Household._meta.get_field(name).verbose_name)
            for name in ("head", "phone", "status", "main_cause", "secondary_causes", "village")
        ]
        choices = [
            str(HouseholdStatusChoices.CANDIDATE.label),
            str(HouseholdStatusChoices.REGISTERED.label),
            str(PovertyCauseChoices.ILLNESS.label),
            str(PovertyCauseChoices.CAPITAL.label),
        ]
    for shown in labels + choices:
        assert shown in text, shown
    assert county.village_a1.name in text  # the village by name, not its id
    assert "马秀兰" in text  # who
    assert english_words(text) == set(), english_words(text)
    for column in ("head_id", "phone_key", "village_id", "version", "updated_at", "search_vector"):
        assert column not in html, column
    assert "版本" not in text  # the version counter is bookkeeping, not a change the user made

    # and: times are the county's (Asia/Shanghai), not UTC
    events = list(Events.objects.tracks(household).order_by("pgh_created_at"))  # type: ignore[no-untyped-call]
    for event in events:
        local = clock.localtime(event.pgh_created_at).strftime("%Y-%m-%d %H:%M:%S")
        utc = event.pgh_created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        assert local in text
        assert utc not in text
    changed_at = clock.localtime(household.status_changed_at).strftime("%Y-%m-%d %H:%M")
    assert changed_at in text

    # and: the phone is masked as on the household's page (households' phones are masked on pages
    # for every role; a role that may see them asks for a logged reveal), for the cadre and the clerk
    clerk = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    clerk.force_login(county.staff_a)
    for client in (cadre, clerk):
        record_page = client.get(f"/households/{household.pk}/").content.decode()
        history = _table_text(client.get(url).content.decode())
        assert PHONE not in record_page
        assert masked(household, "phone", PHONE) in record_page
        assert PHONE not in history
        assert masked(household, "phone", PHONE) in history
