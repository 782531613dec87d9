"""A fund notice stays up at least the county's notice period (the policy value
funds.notice_min_days): the standard notices, typed notices, the page's form and the API all hold to
it, and a township below the county reads the county's value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from areas.services import policy_set
from funds.choices import NoticeKindChoices
from funds.models import Notice
from funds.policy import NOTICE_MIN_DAYS
from funds.services import notice_publish, notice_publish_standard

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

START = dt.date(2024, 6, 1)


def test_a_notice_shorter_than_the_county_s_period_is_refused(county: Any, money: Any) -> None:
    # given: the default period (7 days) holds until the county sets 10
    short = notice_publish_standard(
        project=money.project, kind=NoticeKindChoices.PROJECT, starts_on=START, days=7, user=county.staff_a
    )
    assert (short.ends_on - short.starts_on).days + 1 == NOTICE_MIN_DAYS.default == 7
    with pytest.raises(ValidationError) as six:
        notice_publish_standard(
            project=money.project,
            kind=NoticeKindChoices.PROJECT,
            starts_on=START,
            days=6,
            user=county.staff_a,
        )
    policy_set(area=county.county, user=county.county_official, values={NOTICE_MIN_DAYS.name: 10})

    # when: a 7-day standard notice and a typed one of 9 days (1 June to 9 June)
    with pytest.raises(ValidationError) as standard:
        notice_publish_standard(
            project=money.project,
            kind=NoticeKindChoices.PROJECT,
            starts_on=START,
            days=7,
            user=county.staff_a,
        )
    with pytest.raises(ValidationError) as typed:
        notice_publish(
            project=money.project,
            kind=NoticeKindChoices.PAYMENT,
            title="资金公示",
            body="受益农户：马*国 3,000.00 元",
            starts_on=START,
            ends_on=dt.date(2024, 6, 9),
            user=county.staff_a,
        )

    # then: both refused, naming the period; a 10-day notice goes up
    assert "7" in six.value.message_dict["days"][0]
    assert "10" in standard.value.message_dict["days"][0]
    assert "10" in typed.value.message_dict["ends_on"][0]
    assert Notice.objects.count() == 1
    ten = notice_publish_standard(
        project=money.project, kind=NoticeKindChoices.PROJECT, starts_on=START, days=10, user=county.staff_a
    )
    assert ten.ends_on == dt.date(2024, 6, 10)


def test_the_page_offers_the_county_s_period_and_the_api_holds_to_it(
    county: Any, money: Any, web: Any, api: Any
) -> None:
    policy_set(area=county.county, user=county.county_official, values={NOTICE_MIN_DAYS.name: 10})
    url = f"/funds/projects/{money.project.pk}/notice/"
    client = web(county.staff_a)

    page = client.get(url).content.decode()
    assert 'name="days" value="10"' in page
    form = {"kind": NoticeKindChoices.PROJECT, "starts_on": START.isoformat(), "days": 7}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert 'data-testid="error-days"' in refused.content.decode()
    answer = api(county.staff_a).post(f"/api/funds/projects/{money.project.pk}/notices/", form, format="json")
    assert answer.status_code == 400
    assert "days" in answer.json()["errors"]
    assert not Notice.objects.exists()
