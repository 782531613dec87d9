"""The compose stack: gunicorn reachable only through the proxy, no default database password, web
statements time-limited; the image carries every app."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from povertycase.urls import DOMAIN_APPS

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_gunicorn_is_published_on_loopback_only() -> None:
    web = _compose()["services"]["web"]
    for port in web.get("ports", []):
        assert str(port).startswith("127.0.0.1:"), port


def test_the_database_password_has_no_default() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert "POSTGRES_PASSWORD" in text
    assert not re.search(r"\$\{POSTGRES_PASSWORD:-", text)
    assert re.search(r"\$\{POSTGRES_PASSWORD:\?", text)


def test_web_requests_have_a_statement_timeout() -> None:
    env = _compose()["services"]["web"]["environment"]
    assert "DATABASE_STATEMENT_TIMEOUT_MS" in env
    assert env["DJANGO_SETTINGS_MODULE"] == "povertycase.settings.production"


def test_the_image_copies_every_app() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for app in ["core", *DOMAIN_APPS]:
        assert f"COPY {app} ./{app}" in dockerfile, app
