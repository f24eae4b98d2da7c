"""Telegram end to end: the real python-telegram-bot client against a fake Bot API."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from backend.models import Call, Contact, Evidence, Message
from backend.settings import Settings
from conversations.proforma import FORM, Kind, Step
from tests.factories import KEPT, TYPED
from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.integration.conftest import TELEGRAM_SECRET, drain, services_of

CHAT = 4242


class Chat:
    """A tenant in a private Telegram chat with the bot."""

    def __init__(self, client: TestClient, fake: FakeTelegram) -> None:
        self.client, self.fake, self.update_id = client, fake, 1000

    def send(self, **kwargs: object) -> int:
        self.update_id += 1
        response = self.client.post(
            "/webhooks/telegram",
            json=make_update(self.update_id, chat_id=CHAT, **kwargs),  # type: ignore[arg-type]
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        )
        assert response.status_code == 200, response.text
        drain(self.client)
        return self.update_id

    def last_text(self) -> str:
        return self.fake.texts(CHAT)[-1]


def _frozen(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(out, format="JPEG")
    return out.getvalue()


def test_a_whole_pro_forma_over_telegram_with_buttons_typing_and_a_photo(
    app_client: TestClient,
    fake_telegram: FakeTelegram,
    session: Session,
    channel_settings: Settings,
) -> None:
    chat = Chat(app_client, fake_telegram)
    chat.send(text="/start")
    assert "Community Call for Scrutiny" in chat.last_text()
    welcome = fake_telegram.sent()[-1].params["reply_markup"]
    assert [row[0]["callback_data"] for row in welcome["inline_keyboard"]] == ["1", "2"]
    chat.send(callback_data="1")  # the "Yes, start" button
    assert fake_telegram.sent("answerCallbackQuery")
    answered: dict[str, str] = {}
    for q in FORM:
        if not q.applies(answered):
            continue
        if q.step == Step.EVIDENCE:
            fake_telegram.add_file("photo-1", _photo())
            chat.send(photo_file_id="photo-1")
            assert "1 photo" in chat.last_text()
            chat.send(callback_data="DONE")
            answered[q.step.value] = ""
            continue
        if q.kind == Kind.CHOICE:
            chat.send(callback_data=TYPED[q.step])
        else:
            chat.send(text=TYPED[q.step])
            if q.kind == Kind.LONG_TEXT:
                chat.send(callback_data="DONE")
        answered[q.step.value] = KEPT[q.step]
    assert "check your answers" in chat.last_text()
    chat.send(callback_data="0")
    texts = fake_telegram.texts(CHAT)
    assert "Share your petition" in texts[-1]
    share = fake_telegram.sent()[-1].params["reply_markup"]["inline_keyboard"][0][0]
    assert share["url"].startswith("https://t.me/share/url?url=")  # Telegram's share sheet

    call = session.exec(select(Call)).one()
    assert call.reference in texts[-2]
    evidence = session.exec(select(Evidence)).one()
    assert evidence.call_id == call.id
    assert evidence.stored_path is not None
    assert (Path(channel_settings.evidence_dir) / evidence.stored_path).read_bytes()[
        :3
    ] == b"\xff\xd8\xff"


def test_a_wrong_or_missing_secret_is_refused_and_nothing_stored(
    app_client: TestClient, session: Session
) -> None:
    update = make_update(1, chat_id=CHAT, text="hello")
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        assert (
            app_client.post("/webhooks/telegram", json=update, headers=headers).status_code == 403
        )
    assert session.exec(select(Contact)).all() == []
    assert session.exec(select(Message)).all() == []


def test_a_replayed_update_is_processed_once(
    app_client: TestClient, fake_telegram: FakeTelegram, session: Session
) -> None:
    update = make_update(77, chat_id=CHAT, text="hello")
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for _ in range(3):
        assert (
            app_client.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
        )
        drain(app_client)
    assert len(fake_telegram.texts(CHAT)) == 1
    assert len(session.exec(select(Message).where(Message.direction == "in")).all()) == 1


def test_malformed_bodies_are_4xx_not_500(app_client: TestClient, session: Session) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for body in (b"{not json", b"[1, 2]", b'"text"', b'{"message": {"chat": 5}}', b"{}"):
        response = app_client.post("/webhooks/telegram", content=body, headers=headers)
        assert 400 <= response.status_code < 500, (body, response.status_code)
    assert session.exec(select(Message)).all() == []


def test_group_chats_and_edits_are_ignored_politely(
    app_client: TestClient, fake_telegram: FakeTelegram, session: Session
) -> None:
    update = make_update(5, chat_id=-100, text="hello")
    update["message"]["chat"]["type"] = "group"
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    assert app_client.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
    edited = {"update_id": 6, "edited_message": make_update(6, chat_id=CHAT, text="x")["message"]}
    assert app_client.post("/webhooks/telegram", json=edited, headers=headers).status_code == 200
    assert session.exec(select(Message)).all() == []


def test_rate_limits_are_honoured_and_the_reply_arrives_once(
    app_client: TestClient, fake_telegram: FakeTelegram, session: Session
) -> None:
    fake_telegram.fail_next("sendMessage", status=429, retry_after=7)
    chat = Chat(app_client, fake_telegram)
    chat.send(text="/start")
    assert fake_telegram.texts(CHAT) == []
    waiting = session.exec(select(Message).where(Message.direction == "out")).one()
    assert waiting.status == "queued" and waiting.attempts == 1
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at - waiting.created_at >= timedelta(seconds=7)
    assert "too many" in (waiting.last_error or "").lower()

    services = services_of(app_client)
    services.clock = _frozen(waiting.next_attempt_at + timedelta(seconds=1))
    drain(app_client)
    assert len(fake_telegram.texts(CHAT)) == 1
    session.rollback()  # end this test's read snapshot to see what the app wrote since
    session.refresh(waiting)
    assert waiting.status == "sent"


def test_a_provider_outage_then_recovery_delivers_everything_once_in_order(
    app_client: TestClient, fake_telegram: FakeTelegram, session: Session
) -> None:
    chat = Chat(app_client, fake_telegram)
    chat.send(text="/start")
    chat.send(callback_data="1")
    fake_telegram.down = True
    chat.send(text="Sam Jones")
    chat.send(text="L30 4TH")
    fake_telegram.down = False
    services = services_of(app_client)
    start = services.now()
    for minutes in range(1, 40):
        services.clock = _frozen(start + timedelta(minutes=minutes))
        drain(app_client)
    texts = fake_telegram.texts(CHAT)
    assert [t.split(".")[0] for t in texts[1:]] == [
        "Question 1 of 11",
        "Question 2 of 11",
        "Question 3 of 11",
    ]
    assert len(texts) == len(set(texts))


def test_a_user_who_blocked_the_bot_is_left_alone_until_they_write_again(
    app_client: TestClient, fake_telegram: FakeTelegram, session: Session
) -> None:
    fake_telegram.fail_next("sendMessage", status=403)
    chat = Chat(app_client, fake_telegram)
    chat.send(text="/start")
    contact = session.exec(select(Contact)).one()
    assert contact.opted_out_at is not None
    out = session.exec(select(Message).where(Message.direction == "out")).one()
    assert out.status == "suppressed"
    assert fake_telegram.texts(CHAT) == []
    # Writing to the bot again means they unblocked it: replies flow once more.
    chat.send(text="/status")
    session.rollback()
    assert session.exec(select(Contact)).one().opted_out_at is None
    assert "You have not sent a Call yet" in chat.last_text()


def test_status_command_lists_the_tenants_calls(
    app_client: TestClient, fake_telegram: FakeTelegram
) -> None:
    chat = Chat(app_client, fake_telegram)
    chat.send(text="/start")
    chat.send(text="/status")
    assert "You have not sent a Call yet" in chat.last_text()
