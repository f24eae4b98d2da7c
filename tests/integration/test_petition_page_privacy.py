"""The public petition page shows what the privacy notice promises, and no more: the tenant's
first name, the service, an officer's description of the problem and the number of signatures."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend import petitions
from backend.models import CallStatus
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact


def test_the_petition_page_shows_no_more_than_the_privacy_notice_promises(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911999999"))
        call.tenant_name, call.postcode = "Jane Quinlan", "M14 5RX"
        call.address = "12 Moss Lane, Manchester M14 5RX"
        call.status = CallStatus.COLLECTING_SIGNATURES
        code = petitions.open_petition(writing, call, settings, NOW).code
    promise = (
        "the public page shows only your first name, the service, a short description of the "
        "problem that an officer writes (never your own words) and the number of signatures"
    )
    assert promise in client.get("/privacy").text
    page = client.get(f"/s/{code}").text
    assert "Jane" in page and "signatures" in page
    for more in ("Quinlan", "M14", "Moss Lane", "Manchester", call.concerns):
        assert more not in page, more  # nor the tenant's own words
