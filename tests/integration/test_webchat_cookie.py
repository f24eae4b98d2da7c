"""The web-chat visitor cookie is signed with SECRET_KEY: a visitor id the service did not give
out (chosen, guessed or copied into a cookie by hand) is never taken."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from backend.models import Contact
from bot.webchat import VISITOR_COOKIE


def test_a_visitor_id_the_service_did_not_sign_is_not_taken(
    client: TestClient, session: Session
) -> None:
    client.cookies.set(VISITOR_COOKIE, "chosen-by-someone")
    response = client.post("/chat/messages", json={"text": "", "message_id": "a1"})
    assert response.status_code == 200
    addresses = [c.address for c in session.exec(select(Contact))]
    assert addresses and "chosen-by-someone" not in addresses
    assert "chosen-by-someone" not in response.headers["set-cookie"]


def test_the_cookie_carries_a_signature_and_keeps_the_conversation(
    client: TestClient, session: Session
) -> None:
    client.post("/chat/messages", json={"text": "", "message_id": "b1"})
    cookie = client.cookies[VISITOR_COOKIE]
    (contact,) = session.exec(select(Contact)).all()
    assert cookie != contact.address and cookie.startswith(contact.address + ".")
    client.post("/chat/messages", json={"text": "1", "message_id": "b2"})
    session.rollback()
    assert len(session.exec(select(Contact)).all()) == 1
    # The same id with the signature altered is someone else's, so a new visitor.
    client.cookies.clear()
    client.cookies.set(VISITOR_COOKIE, contact.address + ".forged")
    client.post("/chat/messages", json={"text": "", "message_id": "b3"})
    session.rollback()
    assert len(session.exec(select(Contact)).all()) == 2
