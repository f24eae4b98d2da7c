"""The web chat over HTTP, from the first message to a stored Call."""

from __future__ import annotations

import io
import re
import uuid

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.models import Call, CallEvent, ConversationRecord, Message
from conversations import Conversation
from tests.factories import typed_pro_forma


def send(client: TestClient, text: str, message_id: str | None = None) -> list[dict[str, object]]:
    response = client.post(
        "/chat/messages", json={"text": text, "message_id": message_id or uuid.uuid4().hex}
    )
    assert response.status_code == 200, response.text
    replies: list[dict[str, object]] = response.json()["replies"]
    return replies


def test_a_tenant_completes_the_pro_forma_and_gets_a_reference(
    client: TestClient, session: Session
) -> None:
    replies: list[dict[str, object]] = []
    for text in typed_pro_forma():
        replies = send(client, text)
    final = " ".join(str(r["text"]) for r in replies)
    match = re.search(r"CCS-\d{4}-\d{4,}", final)
    assert match, final
    assert "tell you what happens next" in final
    call = session.exec(select(Call)).one()
    assert call.reference == match.group()
    assert call.tenant_name == "Sam Jones"
    assert call.postcode == "L30 4TH"
    assert call.contact_phone == "+447911123456"
    assert call.service_area == "other" and call.service_area_other == "Parking"
    assert call.complaint_stage == "stage_1" and call.complaint_reference == "C-1234"
    assert call.failures_frequency == "weekly"
    assert call.affected_households == 24
    assert call.route == "petition"
    assert call.evidence_notes == "Letters from the council."
    assert session.exec(select(CallEvent)).one().to_status == "submitted"


def test_choices_come_with_buttons_that_send_the_number(client: TestClient) -> None:
    (welcome,) = send(client, "")
    assert welcome["buttons"] == [
        {"label": "Yes, start", "reply": "1", "url": ""},
        {"label": "Not now", "reply": "2", "url": ""},
    ]


def test_a_replayed_message_is_processed_once_and_answered_the_same(
    client: TestClient, session: Session
) -> None:
    send(client, "", "first")
    first = send(client, "1", "same-id")
    assert "Question 1 of 11" in str(first[0]["text"])
    assert send(client, "1", "same-id") == first  # a retry after a lost response
    inbound = session.exec(select(Message).where(Message.direction == "in")).all()
    assert len(inbound) == 2
    outbound = session.exec(select(Message).where(Message.direction == "out")).all()
    assert len(outbound) == 2  # the welcome and question 1, each once


def test_the_no_javascript_form_posts_and_shows_the_transcript(client: TestClient) -> None:
    page = client.get("/chat")
    assert "Start" in page.text
    message_id = re.search(r'name="message_id" value="(\w+)"', page.text)
    assert message_id
    response = client.post(
        "/chat", data={"text": "", "message_id": message_id.group(1)}, follow_redirects=False
    )
    assert response.status_code == 303
    page = client.get("/chat")
    assert "Community Call for Scrutiny" in page.text
    assert 'name="choice" value="1"' in page.text
    client.post("/chat", data={"choice": "1", "text": "", "message_id": "m2"})
    assert "Question 1 of 11" in client.get("/chat").text


def test_what_a_tenant_types_is_escaped_on_the_page(client: TestClient) -> None:
    for text in ("", "1", "<script>alert('x')</script><img src=x onerror=alert(1)>"):
        send(client, text)
    page = client.get("/chat").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page


def test_a_ten_thousand_character_message_gets_a_friendly_answer(client: TestClient) -> None:
    for text in ("", "1"):
        send(client, text)
    (reply,) = send(client, "x" * 10_000)
    assert "too long" in str(reply["text"])


def test_an_oversized_or_malformed_message_is_refused_with_4xx(client: TestClient) -> None:
    assert client.post("/chat/messages", json={"text": "x" * 20_001}).status_code == 422
    assert client.post("/chat/messages", content=b"{not json").status_code == 422
    assert client.post("/chat/messages", json={"text": 5}).status_code == 422


def test_two_visitors_have_separate_conversations(
    settings: object, client: TestClient, session: Session
) -> None:
    send(client, "")
    send(client, "1")
    other = TestClient(client.app)
    (welcome,) = send(other, "")
    assert "Community Call for Scrutiny" in str(welcome["text"])
    contacts = session.exec(select(col(Message.contact_id)).distinct()).all()
    assert len(contacts) == 2


def test_the_visitor_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    response = client.get("/chat")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_an_over_long_message_id_is_refused_with_4xx_not_500(client: TestClient) -> None:
    response = client.post("/chat/messages", json={"text": "hi", "message_id": "m" * 64})
    assert response.status_code == 422


def test_a_photo_sent_after_submitting_joins_the_newest_call(
    client: TestClient, session: Session
) -> None:
    from backend.models import Evidence
    from bot.shell import receive
    from conversations import Attachment, Channel, Inbound

    for text in typed_pro_forma():
        send(client, text)
    services = client.app.state.services  # type: ignore[attr-defined]
    visitor = session.exec(select(Message)).first()
    assert visitor is not None
    from backend.models import Contact

    contact = session.get(Contact, visitor.contact_id)
    assert contact is not None
    receive(
        services.store,
        services.renderer,
        Inbound(
            Channel.WEB,
            contact.address,
            "",
            "late-photo",
            (Attachment("telegram:late", "image/jpeg"),),
        ),
    )
    session.rollback()
    call = session.exec(select(Call)).one()
    late = session.exec(select(Evidence).where(Evidence.channel_ref == "telegram:late")).one()
    assert late.call_id == call.id
    assert "evidence_added" in [e.action for e in session.exec(select(CallEvent))]


def test_the_chat_has_an_attach_link_and_the_upload_page_leads_back_and_is_counted(
    client: TestClient, engine: Engine
) -> None:
    send(client, "")  # the welcome: the visitor is now known
    page = client.get("/chat").text
    link = re.search(r'<a href="http://testserver(/u/[^"]+)">Add a photo or document</a>', page)
    assert link, page[-2000:]
    form = client.get(link.group(1)).text
    assert 'href="/chat#latest"' in form  # back to the chat
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(photo, "JPEG")
    kept = client.post(
        link.group(1), files=[("files", ("lift.jpg", photo.getvalue(), "image/jpeg"))]
    )
    assert kept.status_code == 200 and "Back to the chat" in kept.text
    # The chat says what arrived, and the draft counts it for the review.
    assert "1 photo or document arrived through the link" in client.get("/chat").text
    with Session(engine) as session:
        record = session.exec(select(ConversationRecord)).one()
        assert Conversation.from_json(record.state).evidence_count == 1
