"""The database side of a turn: contacts, saved conversations and the message log."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Engine, Insert, Select, Update, bindparam, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from backend import petitions
from backend.casework import follow_ups
from backend.messaging import contacts, outbox
from backend.models import Call, Contact, ConversationRecord, Direction, Message, MessageStatus
from backend.settings import Settings
from backend.store.db import skipping_duplicates, table_of, write_session
from backend.turns import intake
from bot.delivery import buttons_of
from bot.render import Rendered
from bot.shell import ConcurrentTurn
from conversations import Channel, Conversation, Effect, Inbound, Outbound, signing
from conversations.facts import FOLLOW_UP_FACT, needs
from conversations.validation import clean

INBOUND_LOG_LIMIT = 20_000


@dataclass(frozen=True)
class _Statements:
    """Every turn's statements, built once per kind of database and run with parameters.

    SQLAlchemy caches compiled SQL, but building a statement and working out its cache key
    cost more than running it: a third of a turn's time went there.
    """

    find_contact: SelectOfScalar[Contact]
    add_contact: Insert
    log_inbound: Insert
    load: Select[tuple[int, str]]
    create: Insert
    save: Update


@cache
def _statements(dialect: str) -> _Statements:
    message, record = table_of(Message), table_of(ConversationRecord)
    return _Statements(
        find_contact=select(Contact).where(
            col(Contact.channel) == bindparam("channel"),
            col(Contact.address) == bindparam("address"),
        ),
        add_contact=skipping_duplicates(dialect, Contact),
        log_inbound=skipping_duplicates(dialect, Message).returning(message.c.id),
        load=select(record.c.version, record.c.state).where(
            record.c.contact_id == bindparam("the_contact")
        ),
        create=skipping_duplicates(dialect, ConversationRecord).returning(record.c.id),
        save=update(record).where(
            record.c.contact_id == bindparam("the_contact"),
            record.c.version == bindparam("seen_version"),
        ),
    )


class SqlTurn:
    """One turn's reads and writes, all in one transaction."""

    def __init__(self, session: Session, now: datetime, settings: Settings) -> None:
        self.session = session
        self.sql = _statements(session.get_bind().dialect.name)
        self.now = now
        self.settings = settings
        self.contact: Contact | None = None
        self.version: int | None = None
        self.inbound_id: int | None = None

    def contact_of(self, inbound: Inbound) -> Contact:
        if self.contact is None:
            who = {"channel": inbound.channel.value, "address": inbound.address}
            self.contact = self.session.execute(self.sql.find_contact, who).scalars().first()
            if self.contact is None:
                self.session.execute(self.sql.add_contact, {**who, "created_at": self.now})
                self.contact = self.session.execute(self.sql.find_contact, who).scalars().one()
        return self.contact

    def record_inbound(self, inbound: Inbound) -> bool:
        contact = self.contact_of(inbound)
        if contact.opted_out_at is not None and inbound.channel.can.writing_is_consent:
            # They blocked the bot once (Telegram 403) and have come back: writing is consent.
            contact.opted_out_at = None
            self.session.add(contact)
        logged = {
            "contact_id": contact.id,
            "channel": inbound.channel.value,
            "direction": Direction.IN.value,
            "provider_message_id": inbound.message_id,
            "body": clean(inbound.text)[:INBOUND_LOG_LIMIT],
            "buttons": "[]",
            "status": MessageStatus.RECEIVED.value,
            "created_at": self.now,
        }
        self.inbound_id = self.session.execute(self.sql.log_inbound, logged).scalar()
        return self.inbound_id is not None

    def earlier_replies(self, inbound: Inbound) -> list[Rendered]:
        first = self.session.exec(
            select(Message).where(
                Message.channel == inbound.channel.value,
                Message.direction == Direction.IN.value,
                Message.provider_message_id == inbound.message_id,
            )
        ).one()
        replies = self.session.exec(
            select(Message)
            .where(
                Message.in_reply_to == first.id,
                Message.status != MessageStatus.SUPPRESSED.value,
            )
            .order_by(col(Message.id))
        ).all()
        return [Rendered(r.body, buttons_of(json.loads(r.buttons))) for r in replies]

    def facts(self, inbound: Inbound) -> dict[str, str]:
        need = needs(inbound.text)
        if need.follow_up:
            waiting = follow_ups.waiting(self.session, self.contact_of(inbound), self.now)
            call = self.session.get(Call, waiting.call_id) if waiting else None
            return {FOLLOW_UP_FACT: call.reference} if call else {}
        if need.petition_code is None:
            return {}
        petition = petitions.by_code(self.session, need.petition_code)
        if petition is None:
            return {}
        facts = {signing.PETITION_URL_FACT: petitions.share_url(self.settings, petition)}
        if petitions.can_sign(petition, self.settings):
            facts[signing.PETITION_FACT] = petition.title
        return facts

    def load(self, inbound: Inbound) -> Conversation | None:
        mine = {"the_contact": self.contact_of(inbound).id}
        record = self.session.execute(self.sql.load, mine).first()
        if record is None:
            return None
        self.version = record.version
        return Conversation.from_json(record.state)

    def carry_out(self, inbound: Inbound, effects: Sequence[Effect]) -> list[Outbound]:
        return intake.carry_out(
            self.session, self.contact_of(inbound), effects, self.now, self.settings
        )

    def save(self, inbound: Inbound, state: Conversation) -> None:
        contact = self.contact_of(inbound)
        saved = {"step": state.step.value, "state": state.to_json(), "updated_at": self.now}
        if self.version is None:
            first = {**saved, "contact_id": contact.id, "version": 1, "created_at": self.now}
            if self.session.execute(self.sql.create, first).first() is None:
                raise ConcurrentTurn("conversation created by another worker")
            return
        later = {**saved, "version": self.version + 1}
        seen = {"the_contact": contact.id, "seen_version": self.version}
        result = self.session.execute(self.sql.save, {**later, **seen})
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentTurn("conversation saved by another worker")

    def record_replies(
        self, inbound: Inbound, replies: Sequence[Rendered], in_response: bool
    ) -> bool:
        contact = self.contact_of(inbound)
        if not in_response:
            status = MessageStatus.QUEUED
        elif inbound.channel.can.delivered_by_us:
            status = MessageStatus.DELIVERED
        else:
            status = MessageStatus.SENT  # handed to the provider in the webhook's response
        outbox.queue(
            self.session, contact, replies, self.now, status=status, in_reply_to=self.inbound_id
        )
        return contact.opted_out_at is None


class SqlStore:
    """Turns kept in the database behind `engine`."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    @contextmanager
    def turn(self, now: datetime) -> Iterator[SqlTurn]:
        with write_session(self.engine) as session:
            yield SqlTurn(session, now, self.settings)

    def opt_out(self, inbound: Inbound, now: datetime) -> None:
        with self.turn(now) as scope:
            scope.record_inbound(inbound)
            contacts.opt_out(scope.session, inbound.channel, inbound.address, now)

    def opt_in(self, channel: Channel, address: str, now: datetime) -> bool:
        with write_session(self.engine) as session:
            return contacts.opt_in(session, channel, address)
