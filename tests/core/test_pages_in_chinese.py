"""Every page a demo role reaches from its menu reads in Chinese: no English left, no debug page; so does
the history page (/audit/...) of every kind of record the role can see."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.core.pagewalk import english_words, history_walk, walk

pytestmark = pytest.mark.django_db

ROLES = ["admin", "county", "zheqiao", "secretary", "cadre", "prefecture"]


@pytest.fixture
def demo(db: Any) -> None:
    call_command("seed_demo", "--households", "150", "--seed", "11", verbosity=0)


def test_every_page_from_each_roles_menu_is_in_chinese(demo: None, settings: Any) -> None:
    # given: the demo county, its users, the site as deployed (no debug pages) in its default language
    settings.DEBUG = False
    problems: dict[str, list[str]] = {}
    walked = {}
    histories = {}

    for username in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        # when: the role opens its start page, every menu entry and one page of each view linked there
        result = walk(client)
        walked[username] = len(result.visits)
        # and the history page of one record of each kind it can see (field labels, choice labels)
        history = history_walk(client, User.objects.get(username=username))
        histories[username] = len(history.visits)
        result.visits.extend(history.visits)
        # then
        if result.problems():
            problems[username] = result.problems()

    assert problems == {}
    assert all(count >= 20 for count in walked.values()), walked
    assert histories["county"] >= 40, histories
    assert all(count >= 10 for count in histories.values()), histories


def test_the_walk_sees_english_and_debug_pages() -> None:
    # the checks themselves: English words are found, proper nouns and codes are allowed
    assert english_words("户主 Household head ID 622901 xlsx") == {"Household", "head"}
    assert english_words("导出 Excel（xlsx）English") == set()
