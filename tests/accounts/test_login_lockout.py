"""Login lockout (django-axes, accounts.lockout): five wrong passwords for one account from one
address lock that pair on every login page, with a message saying until when; other accounts and
addresses sign in; failures are logged; an administrator unlocks through accounts.services."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from axes.models import AccessFailureLog
from django.test import Client

from accounts.selectors import locked_sign_ins
from accounts.services import user_unlock
from areas.choices import AreaLevelChoices
from tests.factories import make_area, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456-test"


def _sign_in(client: Client, path: str, username: str, password: str, **extra: Any) -> Any:
    return client.post(path, {"username": username, "password": password, "next": "/"}, **extra)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/api/auth/login/"])
def test_wrong_passwords_then_the_right_one_is_refused_with_when_to_retry(
    county: Any, path: str, caplog: Any
) -> None:
    # given: the county's administrator (staff, so the admin login would let them in)
    user = county.county_admin
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # when: five wrong passwords, then the right one
    with caplog.at_level(logging.INFO):
        wrong = [_sign_in(client, path, user.username, "wrong").status_code for _ in range(5)]
        right = _sign_in(client, path, user.username, PASSWORD)
    # then: the fifth failure already says the account is locked; the right password is refused with a
    # Chinese message saying until when, and nobody is signed in
    assert wrong == [200] * 4 + [429]
    assert right.status_code == 429
    page = right.content.decode()
    assert "密码错误次数过多" in page
    assert "分钟" in page
    assert "系统管理员解锁" in page
    assert int(right["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in client.session
    # and every failure is logged, with the account and the address
    assert AccessFailureLog.objects.filter(username=user.username, ip_address="203.0.113.7").count() == 5
    failed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sign-in failed")]
    assert len(failed) >= 5
    assert all(user.username in line and "203.0.113.7" in line and "wrong" not in line for line in failed)


def test_the_lock_holds_one_account_from_one_address_only(county: Any) -> None:
    user = county.staff_a
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _sign_in(attacker, "/login/", user.username, "wrong")
    # the same account from another address, another account from the same address: both sign in
    elsewhere = _sign_in(Client(REMOTE_ADDR="198.51.100.20"), "/login/", user.username, PASSWORD)
    other_account = _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", county.staff_b.username, PASSWORD)
    locked = _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", user.username, PASSWORD)
    assert elsewhere.status_code == 302
    assert other_account.status_code == 302
    assert locked.status_code == 429


def test_behind_the_proxy_the_lock_is_the_clients_not_the_proxys(county: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    user = county.staff_a
    for _ in range(5):
        _sign_in(Client(), "/login/", user.username, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # another citizen behind the same proxy signs in; the attacker's address stays locked
    other = _sign_in(Client(), "/login/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")
    same = _sign_in(Client(), "/login/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert other.status_code == 302
    assert same.status_code == 429


def test_the_lock_ends_after_the_cool_off(county: Any, days_pass: Any) -> None:
    user = county.staff_a
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _sign_in(client, "/login/", user.username, "wrong")
    days_pass(minutes=16)
    assert _sign_in(client, "/login/", user.username, PASSWORD).status_code == 302


def test_the_county_administrator_unlocks_from_the_user_list(county: Any, web: Any) -> None:
    # given: a locked-out township staff member of the county
    user = county.staff_a
    for _ in range(5):
        _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", user.username, "wrong")
    # when: the county's administrator runs "unlock" on them
    response = web(county.county_admin).post(
        "/admin/accounts/user/", {"action": "unlock", "_selected_action": [user.pk]}
    )
    # then: they sign in again from that address
    assert response.status_code == 302
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", user.username, PASSWORD).status_code == 302


def test_an_administrator_of_another_county_cannot_unlock(county: Any) -> None:
    other_county = make_area("622902000000", "东乡县", AreaLevelChoices.COUNTY, county.prefecture)
    other_admin = make_user("system_admin", other_county)
    user = county.staff_a
    for _ in range(5):
        _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", user.username, "wrong")
    assert user_unlock(actor=other_admin, users=[user]) == 0
    assert user_unlock(actor=county.staff_b, users=[user]) == 0
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", user.username, PASSWORD).status_code == 429


def test_a_lock_is_on_the_start_page_of_the_administrators_who_manage_the_user_only(
    county: Any, web: Any, days_pass: Any
) -> None:
    # given: staff_a locked out; staff_b one wrong password short of it
    other_county = make_area("622902000000", "东乡县", AreaLevelChoices.COUNTY, county.prefecture)
    other_admin = make_user("system_admin", other_county, username="dongxiang_admin")
    for _ in range(5):
        _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", county.staff_a.username, "wrong")
    for _ in range(4):
        _sign_in(Client(REMOTE_ADDR="203.0.113.7"), "/login/", county.staff_b.username, "wrong")

    # then: the county's administrator sees the one lock; the other county's does not
    assert [lock.user for lock in locked_sign_ins(county.county_admin)] == [county.staff_a]
    assert locked_sign_ins(other_admin) == []
    page = web(county.county_admin).get("/").content.decode()
    assert f"（{county.staff_a.username}）" in page
    assert f"（{county.staff_b.username}）" not in page
    assert "（staff_a）" not in web(other_admin).get("/").content.decode()

    # and once the cool-off has passed it is gone
    days_pass(1)
    assert locked_sign_ins(county.county_admin) == []
