from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_interface_is_simplified_chinese_by_default(client: Any) -> None:
    body = client.get("/login/").content.decode()
    assert "登录" in body
    assert 'lang="zh-hans"' in body


def test_english_is_selectable(client: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    body = client.get("/login/").content.decode()
    assert "Sign in" in body


def test_pages_use_only_local_assets(county: Any, web: Any) -> None:
    body = web(county.staff_a).get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body


def test_healthz(db: Any, client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
