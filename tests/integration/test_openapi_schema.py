"""Schemathesis against the published OpenAPI schema: no 500s, and answers as documented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python import asgi
from sqlalchemy import Engine

from backend import petitions
from backend.app import create_app
from backend.messaging.notify import Notifier
from backend.messaging.uploads import upload_token
from backend.petitions import signing
from backend.settings import Settings
from backend.store.db import write_session
from backend.web.routes.telegram import SECRET_HEADER
from backend.web.routes.twilio import SIGNATURE_HEADER
from tests.factories import make_call, make_contact
from tests.integration.conftest import PUBLIC, TELEGRAM_SECRET, twilio_signature

# The schema the app serves at /openapi.json (building the app opens nothing).
PUBLISHED = create_app(
    Settings(environment="test", database_url="sqlite://", public_base_url=PUBLIC, _env_file=None)
).openapi()
# The back office is left out: every /officer/ route sits behind sign-in, so a request without
# a session stops at the access check before any input is read (test_back_office_access checks
# that route by route), and fuzzing signed in would need a CSRF token for every form.
PUBLIC_ROUTES = schemathesis.openapi.from_dict(PUBLISHED).exclude(path_regex="^/officer/")
PROGRAM_PATHS = [
    "/healthz",
    "/readyz",
    "/chat/messages",
    "/webhooks/telegram",
    "/webhooks/twilio/sms",
    "/webhooks/twilio/status",
    "/webhooks/twilio/voice",
    "/webhooks/twilio/voice/answer",
    "/webhooks/twilio/voice/officer",
]
# What programs read (the chat's JSON, probes, providers' webhooks): held to the whole schema.
FOR_PROGRAMS = PUBLIC_ROUTES.include(path=PROGRAM_PATHS)
# What people read (HTML pages and their forms): 404 pages are not documented, so these are
# held to no 500s and to the schema of each documented answer.
FOR_PEOPLE = PUBLIC_ROUTES.exclude(path=PROGRAM_PATHS)

CI = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    # One app and database per route, shared by its examples: state carries over on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def app(channel_settings: Settings, engine: Engine) -> Iterator[FastAPI]:
    """The app with every channel on; schemathesis starts its lifespan at the first request."""
    yield create_app(channel_settings, engine)
    # Schemathesis keeps a started lifespan until the process exits; stop it with the test.
    asgi.shutdown_lifespans()


@pytest.fixture
def live_links(channel_settings: Settings, engine: Engine) -> dict[str, str]:
    """Path values that lead somewhere: an open petition, a signer's code link, an upload link."""
    now = datetime.now(UTC)
    with write_session(engine) as writing:
        contact = make_contact(writing, "sms", "+447911999999")
        petition = petitions.open_petition(
            writing, make_call(writing, contact), channel_settings, now
        )
        form = signing.SigningForm(
            "Sam Signer", "1 Pine Court, L30 4TH", "+447911000001", True, False, ""
        )
        pending, _ = signing.request_code(
            writing,
            petition,
            form,
            channel_settings,
            Notifier.of(writing, channel_settings, now),
            "",
        )
        assert pending is not None, form.errors
        secret = channel_settings.secret_key.get_secret_value()
        return {
            "code": petition.code,
            "confirm": pending.token,
            "upload": upload_token(secret, contact.id or 0, now, days=7),
        }


def as_the_provider_sends_it(case: Case[Any], auth_token: str) -> None:
    """Gives a webhook call the secret or signature its provider would, so it reaches the flow."""
    if case.path == "/webhooks/telegram":
        case.headers[SECRET_HEADER] = TELEGRAM_SECRET
    elif case.path.startswith("/webhooks/twilio/"):
        form = case.body if isinstance(case.body, dict) else {}
        texts = {key: value for key, value in form.items() if isinstance(value, str)}
        # Twilio signs text fields only; anything else goes unsigned and is refused (403).
        if isinstance(case.body, dict) and len(texts) == len(form):
            # The query (a call's turn) is part of the URL Twilio signs.
            query = urlencode(case.query) if isinstance(case.query, dict) else ""
            path = f"{case.path}?{query}" if query else case.path
            case.headers[SIGNATURE_HEADER] = twilio_signature(path, texts, auth_token)


@FOR_PROGRAMS.parametrize()
@CI
def test_json_routes_and_webhooks_answer_as_the_schema_says(
    case: Case[Any], app: FastAPI, channel_settings: Settings
) -> None:
    token = channel_settings.twilio_auth_token
    assert token is not None
    as_the_provider_sends_it(case, token.get_secret_value())
    case.call_and_validate(
        app=app,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


@FOR_PEOPLE.parametrize()
@CI
def test_public_pages_never_fail(case: Case[Any], app: FastAPI, live_links: dict[str, str]) -> None:
    # Random codes and tokens only ever find the 404 page; real ones reach the forms.
    params = case.path_parameters
    if "code" in params:
        params["code"] = live_links["code"]
    if "token" in params:
        params["token"] = live_links["upload" if case.path.startswith("/u/") else "confirm"]
    case.call_and_validate(
        app=app,
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )


_MESSAGE = {"message_id": 1, "date": 1_700_000_000, "chat": {"id": 5, "type": "private"}}
_PHOTO = {"file_id": "a", "file_unique_id": "b", "width": "wide", "height": "tall"}
_PRESS = {"id": "q1", "from": {"id": 5, "is_bot": False, "first_name": "Sam"}, "chat_instance": "c"}


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "callback_query": {**_PRESS, "data": [None, None]}},  # found by the fuzzer
        {"update_id": 2, "message": {**_MESSAGE, "text": 5}},
        {"update_id": 3, "message": {**_MESSAGE, "photo": [_PHOTO]}},
        {"update_id": 4, "edited_message": {**_MESSAGE, "date": 10**20}},  # past any datetime
    ],
)
def test_an_update_with_the_wrong_types_is_400_not_500(
    app_client: TestClient, update: dict[str, object]
) -> None:
    response = app_client.post(
        "/webhooks/telegram", json=update, headers={SECRET_HEADER: TELEGRAM_SECRET}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
