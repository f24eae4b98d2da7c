"""The database side of a turn: contacts, saved conversations and the message log."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from backend import intake
from backend.db import insert_or_skip
from backend.models import Contact, ConversationRecord, Direction, Message, MessageStatus
from backend.models.types import saved_id
from bot.front_door import ConcurrentTurn
from bot.render import Rendered
from conversations import Channel, Conversation, Effect, Inbound, Outbound
from conversations.validation import clean

# Replies on these channels go back in the HTTP response (or terminal) itself.
ANSWERED_IN_PLACE = frozenset({Channel.WEB, Channel.TERMINAL})
INBOUND_LOG_LIMIT = 20_000


class SqlTurn:
    """One turn's reads and writes, all in one transaction."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.contact: Contact | None = None
        self.version: int | None = None

    def _contact(self, inbound: Inbound) -> Contact:
        if self.contact is None:
            find = select(Contact).where(
                Contact.channel == inbound.channel.value, Contact.address == inbound.address
            )
            self.contact = self.session.exec(find).first()
            if self.contact is None:
                self.session.execute(
                    insert_or_skip(self.session, Contact).values(
                        channel=inbound.channel.value, address=inbound.address, created_at=self.now
                    )
                )
                self.contact = self.session.exec(find).one()
        return self.contact

    def record_inbound(self, inbound: Inbound) -> bool:
        contact = self._contact(inbound)
        inserted = self.session.execute(
            insert_or_skip(self.session, Message)
            .values(
                contact_id=contact.id,
                channel=inbound.channel.value,
                direction=Direction.IN.value,
                provider_message_id=inbound.message_id,
                body=clean(inbound.text)[:INBOUND_LOG_LIMIT],
                buttons="[]",
                status=MessageStatus.RECEIVED.value,
                created_at=self.now,
            )
            .returning(Message.id)
        ).first()
        return inserted is not None

    def load(self, inbound: Inbound) -> Conversation | None:
        record = self.session.exec(
            select(ConversationRecord).where(
                ConversationRecord.contact_id == self._contact(inbound).id
            )
        ).first()
        if record is None:
            return None
        self.version = record.version
        return Conversation.from_json(record.state)

    def carry_out(self, inbound: Inbound, effects: Sequence[Effect]) -> list[Outbound]:
        return intake.carry_out(self.session, self._contact(inbound), effects, self.now)

    def save(self, inbound: Inbound, state: Conversation) -> None:
        contact = self._contact(inbound)
        if self.version is None:
            inserted = self.session.execute(
                insert_or_skip(self.session, ConversationRecord)
                .values(
                    contact_id=contact.id,
                    step=state.step.value,
                    state=state.to_json(),
                    version=1,
                    created_at=self.now,
                    updated_at=self.now,
                )
                .returning(ConversationRecord.id)
            ).first()
            if inserted is None:
                raise ConcurrentTurn("conversation created by another worker")
            return
        result = self.session.execute(
            update(ConversationRecord)
            .where(
                col(ConversationRecord.contact_id) == contact.id,
                col(ConversationRecord.version) == self.version,
            )
            .values(
                step=state.step.value,
                state=state.to_json(),
                version=self.version + 1,
                updated_at=self.now,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentTurn("conversation saved by another worker")

    def record_replies(self, inbound: Inbound, replies: Sequence[Rendered]) -> None:
        contact_id = saved_id(self._contact(inbound))
        status = (
            MessageStatus.DELIVERED
            if inbound.channel in ANSWERED_IN_PLACE
            else MessageStatus.QUEUED
        )
        for reply in replies:
            self.session.add(
                Message(
                    contact_id=contact_id,
                    channel=inbound.channel.value,
                    direction=Direction.OUT.value,
                    body=reply.text,
                    buttons=json.dumps([[b.label, b.reply] for b in reply.buttons]),
                    status=status.value,
                    created_at=self.now,
                )
            )


class SqlStore:
    """Turns kept in the database behind `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def turn(self, now: datetime) -> Iterator[SqlTurn]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield SqlTurn(session, now)
