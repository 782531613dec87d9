"""Sessions end after 30 minutes idle and 12 hours in all; passwords are changed on a page of the site
and reset by an administrator to a temporary one that must be changed; API tokens are hashed,
expiring, shown once in the page body, revocable, and revoked on logout, password change and
"sign out everywhere"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_create

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456-test"
NEW_PASSWORD = "Huang-he-2026-qiao"


def _token_works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/accounts/me/").status_code == 200


def _signed_in(client: Client) -> bool:
    return client.get("/accounts/me/").status_code == 200


# -- session lifetime ------------------------------------------------------------------------------


def test_a_session_ends_after_thirty_idle_minutes_but_not_while_used(county: Any, days_pass: Any) -> None:
    used, idle = Client(), Client()
    used.force_login(county.staff_a)
    idle.force_login(county.staff_b)
    for _ in range(3):  # used every twenty minutes: an hour in all
        days_pass(minutes=20)
        assert _signed_in(used)
    # the other one, unused for an hour, has ended: back to the sign-in page with a message
    response = idle.get("/accounts/me/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "Your session has ended" in response.content.decode() or "会话已结束" in response.content.decode()


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(county: Any, days_pass: Any) -> None:
    client = Client()
    client.force_login(county.staff_a)
    alive = []
    for _ in range(38):  # a request every twenty minutes for 12 h 40
        days_pass(minutes=20)
        alive.append(_signed_in(client))
    assert alive[:35] == [True] * 35  # 11 h 40
    assert alive[-1] is False


# -- password change -------------------------------------------------------------------------------


def test_the_password_change_page_is_in_chinese_in_the_menu_and_ends_other_sessions_and_tokens(
    county: Any,
) -> None:
    user = county.staff_a
    here, elsewhere = Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    _instance, token = token_create(user=user)
    home = here.get("/").content.decode()
    assert 'href="/accounts/password/"' in home
    page = here.get("/accounts/password/").content.decode()
    assert "修改密码" in page
    assert "app-user" in page  # the site's layout
    # a wrong old password is refused, nothing changed
    wrong = here.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "旧密码" in wrong.content.decode()
    assert _token_works(token)
    # the right one changes it: this session stays, the other one and the token end
    done = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert not _token_works(token)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# -- reset by an administrator ---------------------------------------------------------------------


def test_an_administrator_sets_a_temporary_password_that_must_be_changed(county: Any, web: Any) -> None:
    user = county.staff_a
    old_session = Client()
    old_session.force_login(user)
    _instance, token = token_create(user=user)
    # when: the county's administrator runs the action
    page = web(county.county_admin).post(
        "/admin/accounts/user/", {"action": "temporary_password", "_selected_action": [user.pk]}
    )
    # then: the password is in the page body (not a message cookie), the old session and token ended
    assert page.status_code == 200
    assert "messages" not in page.cookies
    body = page.content.decode()
    temporary = body.split('<code class="temporary-password">')[1].split("</code>")[0]
    assert len(temporary) == 12
    assert "no-store" in page["Cache-Control"]
    assert not _signed_in(old_session)
    assert not _token_works(token)
    # the user signs in with it and is sent to change it, from any page; the API refuses them meanwhile
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": temporary}).status_code == 302
    assert client.get("/households/").url == "/accounts/password/"
    assert client.get("/api/accounts/me/").status_code == 403
    client.post(
        "/accounts/password/",
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert client.get("/households/").status_code == 200
    user.refresh_from_db()
    assert user.must_change_password is False


def test_an_administrator_of_another_area_cannot_reset_or_sign_out(county: Any, web: Any) -> None:
    from accounts.services import user_sign_out_everywhere

    client = Client()
    client.force_login(county.staff_a)
    assert user_sign_out_everywhere(actor=county.county_official, users=[county.staff_a]) == 0
    assert _signed_in(client)


def test_sign_out_everywhere_ends_every_session_and_token_of_the_user(county: Any, web: Any) -> None:
    user = county.secretary_a1
    phone, desk = Client(), Client()
    phone.force_login(user)
    desk.force_login(user)
    _instance, token = token_create(user=user)
    other = Client()
    other.force_login(county.staff_a)
    web(county.county_admin).post(
        "/admin/accounts/user/", {"action": "sign_out_everywhere", "_selected_action": [user.pk]}
    )
    assert not _signed_in(phone)
    assert not _signed_in(desk)
    assert not _token_works(token)
    assert _signed_in(other)
    # they sign in again as usual
    assert Client().post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


# -- API tokens ------------------------------------------------------------------------------------


def test_a_token_is_shown_once_in_the_page_stored_hashed_and_expires(
    county: Any, web: Any, days_pass: Any
) -> None:
    client = web(county.staff_a)
    response = client.post("/accounts/me/", {"action": "token"})
    assert response.status_code == 200
    assert "messages" not in response.cookies
    token = response.content.decode().split('user-select-all mt-2 text-break">')[1].split("</div>")[0]
    assert _token_works(token)
    # stored as a hash: the token itself is nowhere in the table, and the page does not show it again
    stored = AuthToken.objects.get(user=county.staff_a)
    assert token not in {stored.digest, stored.token_key}
    assert token.startswith(stored.token_key)
    assert token not in client.get("/accounts/me/").content.decode()
    # it expires (30 days)
    days_pass(31)
    assert not _token_works(token)


def test_my_tokens_are_listed_and_revocable_and_logout_revokes_them(county: Any, web: Any) -> None:
    user = county.staff_a
    client = web(user)
    first, token_a = token_create(user=user)
    _second, token_b = token_create(user=user)
    page = client.get("/accounts/me/").content.decode()
    assert first.token_key in page
    client.post("/accounts/me/", {"action": "revoke", "token_key": first.token_key})
    assert not _token_works(token_a)
    assert _token_works(token_b)
    client.post("/logout/")
    assert not _token_works(token_b)


def test_tokens_are_not_readable_in_the_admin(county: Any, web: Any) -> None:
    user = User.objects.get(pk=county.staff_a.pk)
    _instance, token = token_create(user=user)
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    for path in ("/admin/knox/authtoken/", f"/admin/accounts/user/{user.pk}/change/"):
        response = web(superuser).get(path)
        assert token not in response.content.decode()


def test_a_token_client_logs_out_through_the_api(county: Any) -> None:
    _instance, token = token_create(user=county.staff_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/accounts/logout/").status_code == 204
    assert not _token_works(token)
