"""Full ID numbers stay out of addresses and access logs: the list's search posts and a personal term
travels as an opaque token (core.search_terms); the API takes the same filters in a POST body; the
production access log writes paths without their query; and a constraint error's DETAIL values (an ID
number) never reach the application's logs (core.log_filters)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import IntegrityError, transaction

from households.models import Member
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _member(county: Any) -> Member:
    household = make_household(county.village_a1)
    return make_member(household, name="马海军")


def test_searching_an_id_number_posts_and_the_address_carries_a_token(county: Any, web: Any) -> None:
    member = _member(county)
    client = web(county.staff_a)

    posted = client.post("/households/", {"_filter": "1", "q": member.id_number, "status": ""})
    shown = client.get(posted["Location"])

    assert posted.status_code == 303
    location = unquote(posted["Location"])
    assert member.id_number not in location
    assert "qt=" in location
    assert shown.status_code == 200
    body = shown.content.decode()
    assert member.household.number in body  # the search found it
    hrefs = [part.split('"', 1)[0] for part in body.split('href="')[1:]]
    assert not [href for href in hrefs if member.id_number in unquote(href)]  # no link writes it


def test_an_old_link_with_the_number_is_served_and_its_links_carry_the_token(county: Any, web: Any) -> None:
    member = _member(county)
    for _n in range(60):  # two pages, so there are page links
        make_household(county.village_a1, members=1)

    body = web(county.staff_a).get("/households/", {"q": member.id_number[-8:]}).content.decode()

    hrefs = [unquote(part.split('"', 1)[0]) for part in body.split('href="')[1:]]
    assert not [href for href in hrefs if member.id_number[-8:] in href]


def test_a_name_search_stays_readable_in_the_address(county: Any, web: Any) -> None:
    _member(county)

    posted = web(county.staff_a).post("/households/", {"_filter": "1", "q": "马海"})

    assert posted.status_code == 303
    assert "q=马海" in unquote(posted["Location"])


def test_a_token_from_another_session_finds_nothing(county: Any, web: Any, client: Any) -> None:
    member = _member(county)
    location = web(county.staff_a).post("/households/", {"_filter": "1", "q": member.id_number})["Location"]
    client.logout()
    client.force_login(county.staff_b)

    body = client.get(location).content.decode()

    assert member.id_number not in body


def test_the_api_searches_by_id_number_in_a_post_body(county: Any, api: Any) -> None:
    member = _member(county)
    make_household(county.village_a1)

    response = api(county.staff_a).post(
        "/api/households/households/search/", {"q": member.id_number}, format="json"
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [member.household_id]
    assert api(county.viewer).post("/api/households/households/search/", {}, format="json").status_code == 200


def test_the_production_access_log_writes_paths_without_the_query() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--access-logformat" in dockerfile
    log_format = dockerfile.split("--access-logformat", 1)[1]
    assert "%(U)s" in log_format  # the path without its query string
    assert "%(r)s" not in log_format
    assert "%(q)s" not in log_format


def test_a_constraint_errors_values_are_not_logged(county: Any, caplog: Any) -> None:
    member = _member(county)
    other = make_household(county.village_a2)

    with caplog.at_level(logging.INFO):
        try:
            with transaction.atomic():
                Member.objects.create(
                    household=other,
                    name="重复",
                    relation="child",
                    birth_date=member.birth_date,
                    sex=member.sex,
                    id_number=member.id_number,
                )
        except IntegrityError as exc:
            logging.getLogger("povertycase.test").exception("refused write")
            logging.getLogger("celery.task").error("task failed: %s", exc)

    assert "refused write" in caplog.text
    assert "Key (" in caplog.text  # which constraint refused, still said
    assert member.id_number not in caplog.text
