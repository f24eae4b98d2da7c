"""Every view of a page that shows a tenant's details is audited, whoever looks (the Board and
EMT's viewer accounts included)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.models import AuditEntry, Officer
from tests.factories import make_call, make_contact, sign_in


@pytest.mark.parametrize("role", ["officer", "panel", "manager", "viewer"])
def test_a_view_of_a_calls_page_is_audited_with_who_looked(
    client: TestClient, engine: Engine, session: Session, role: str
) -> None:
    call = make_call(session)
    session.commit()
    sign_in(client, engine, role)
    for path in (f"/officer/calls/{call.reference}", f"/officer/calls/{call.reference}/appeal"):
        assert client.get(path).status_code == 200, path
    session.rollback()
    officer = session.exec(select(Officer).where(Officer.role == role)).one()
    seen = [
        (e.action, e.subject, e.officer_id)
        for e in session.exec(select(AuditEntry).where(AuditEntry.action.startswith("view_")))
    ]
    assert seen == [
        ("view_call", f"Call {call.reference}", officer.id),
        ("view_appeal", f"Call {call.reference}", officer.id),
    ]


def test_pages_without_personal_details_are_not_audited(
    client: TestClient, engine: Engine, session: Session
) -> None:
    sign_in(client, engine, "viewer")
    for path in ("/officer/reports", "/officer/programme", "/officer/appeals"):
        assert client.get(path).status_code == 200, path
    session.rollback()
    assert session.exec(select(AuditEntry)).all() == []


def test_viewers_see_the_dashboard_without_tenants_names_and_cannot_search_by_them(
    client: TestClient, engine: Engine, session: Session
) -> None:
    call = make_call(session, name="Imogen Tarrant")
    other = make_call(session, make_contact(session, "web", "visitor-2"), name="Bo Field")
    session.commit()
    assert call.tenant_name == "Imogen Tarrant"

    def listed(query: str) -> set[str]:
        found = client.get("/officer/", params={"q": query}).text.split("Calls</h2>", 1)[-1]
        return {c.reference for c in (call, other) if c.reference in found}

    sign_in(client, engine, "officer")
    assert "Imogen Tarrant" in client.get("/officer/").text
    assert listed("Tarrant") == {call.reference}
    client.cookies.clear()
    sign_in(client, engine, "viewer")
    page = client.get("/officer/").text
    assert "Imogen Tarrant" not in page and "Bo Field" not in page
    assert listed("Tarrant") == {call.reference, other.reference}  # a name narrows nothing
    assert listed(call.reference) == {call.reference}
