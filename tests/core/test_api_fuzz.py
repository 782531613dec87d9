"""The API fuzzed from its own schema (schemathesis, property-based over /api/schema/): every operation
gets a bounded number of generated requests as a county official and as a township's staff, each with
an API token got as a user gets one (the login page, then "my account"), against the demo county. No answer may be a server error,
and every documented answer must match the schema (fields, types, nullability, content type).

Each generated request runs in a savepoint rolled back after it, so every example sees the same demo
data and one request's writes never steer the next. `API_FUZZ_EXAMPLES` sets the examples per
operation and user (default 2: under a minute on an idle 2-core machine)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz, pytest.mark.timeout(600)]

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
USERS = ["county", "zheqiao"]  # a county official and a township's staff (折桥镇)
AREAS = {"county": "622901000000", "zheqiao": "622901103000"}


class Credentials:
    """What a client sends: the API token it was given, in the `Authorization` header."""

    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Token {token}", "Accept-Language": "zh-hans"}

    def call(self, case: Any) -> Any:
        return case.call(headers=self.headers)

    def send(self, case: Any) -> Any:
        return case.call_and_validate(headers=self.headers, checks=CHECKS)


def signed_in(username: str) -> Credentials:
    """A token got as a user gets one: sign in on the login page, make a token on "my account", read
    it from the page (it is shown once, in the body)."""
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    response = client.post(
        "/login/",
        {
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, f"{username} could not sign in"
    client.get(reverse("accounts:profile"))
    page = client.post(
        reverse("accounts:profile"),
        {"action": "token", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    ).content.decode()
    found = re.search(r'data-testid="new-token".*?<div class="font-monospace[^"]*">([^<]+)</div>', page, re.S)
    assert found, f"{username}: no token on the account page"
    return Credentials(found.group(1).strip())


def _fuzz(operation: Any, user: Credentials) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure here is a failure in CI
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report shows the request as sent
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        with transaction.atomic():
            try:
                user.send(case)
            finally:
                transaction.set_rollback(True)

    run()


@contextmanager
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, called in this thread and on this test's database connection:
    as in Django's test client, requests must not close the connection (it holds the test's
    transaction). Django's client reconnects the signal after each request, so sign in first."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from povertycase.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _reads(operations: list[Any], user: Credentials, area_code: str) -> list[str]:
    """Every GET once as a client browses: lists without filters (random filter values mostly earn a
    400, which the schema does not describe), then each record by the id of the first row its list
    showed, and area views by the user's own code, so the conformance check sees real rows."""
    first_ids: dict[str, Any] = {}
    empty: list[str] = []
    failures = []
    reads = sorted((op for op in operations if op.method.upper() == "GET"), key=lambda op: op.path.count("{"))
    for operation in reads:
        params: dict[str, Any] = {}
        for parameter in operation.path_parameters:
            if parameter.name == "code":
                params["code"] = area_code
            elif operation.path.split("{")[0] in first_ids:
                params[parameter.name] = first_ids[operation.path.split("{")[0]]
        if len(params) < len(list(operation.path_parameters)):
            continue  # a parameter no list gives (a table name, a job): the generated requests cover it
        case = operation.Case(path_parameters=params, query={})
        response = user.call(case)
        body = _json(response)
        rows = body.get("results") if isinstance(body, dict) else None
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            first_ids[operation.path] = rows[0]["id"]
        elif not params:
            empty.append(f"{operation.path} ({response.status_code})")
        try:
            case.validate_response(response, checks=CHECKS, headers=user.headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports a group of failures
            failures.append(f"--- {operation.label} {params}\n{str(exc)[:3000]}")
    # signed in, and the demo's rows were read (not a run of 403s or empty lists)
    assert len(first_ids) >= 25, (
        f"the user of {area_code} read rows of {len(first_ids)} lists; none from: " + " ".join(empty)
    )
    return failures


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def test_every_api_operation_answers_without_server_errors_and_as_its_schema_says(db: Any) -> None:
    # given: the demo county, and a county and a township user signed in as a client would
    # (120 households: the demo's procedures are signed by users of their own township, so a smaller
    # demo can leave the township user's identification and exit lists empty, and those go unchecked)
    call_command("seed_demo", "--households", "120", "--seed", "7", verbosity=0)
    users = {username: signed_in(username) for username in USERS}
    failures: list[str] = []
    with wsgi_app() as app:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)

        operations = [result.ok() for result in schema.get_all_operations()]

        # when: each user reads every record the way a client browses, then each operation gets
        # EXAMPLES generated requests from each user
        for username in USERS:
            failures += [f"{username} {f}" for f in _reads(operations, users[username], AREAS[username])]
        for operation in operations:
            for username in USERS:
                try:
                    _fuzz(operation, users[username])
                except (Exception, BaseExceptionGroup) as exc:  # every operation, not only the first failing
                    failures.append(f"--- {username} {operation.label}\n{str(exc)[:3000]}")

    # then
    assert len(operations) >= 150, len(operations)  # the whole API was walked, not an empty schema
    assert not failures, f"{len(failures)} failing operation(s):\n" + "\n".join(failures)
