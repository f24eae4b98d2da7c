"""The database side of a turn: contacts, saved conversations and the message log."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, bindparam, update
from sqlmodel import Session, col, select

from backend import petitions
from backend.casework import follow_ups
from backend.casework.similar import similar_facts
from backend.messaging import contacts, outbox
from backend.models import Call, Contact, ConversationRecord, Direction, Message, MessageStatus
from backend.settings import Settings
from backend.store.db import (
    session_in,
    skipping_duplicates,
    table_of,
    write_connection,
    write_session,
)
from backend.store.prepared import Prepared
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
    """Every turn's statements, built and compiled once per kind of database and run with
    parameters (backend/store/prepared.py: on SQLite, straight on the driver).

    SQLAlchemy caches compiled SQL, but building a statement and working out its cache key
    cost more than running it: a third of a turn's time went there.
    """

    find_contact: Prepared  # the contact, and its saved conversation's version and state
    add_contact: Prepared
    opt_in: Prepared
    speak: Prepared  # the language to write to the contact in
    log_inbound: Prepared
    create: Prepared
    save: Prepared


def _contact_and_state(contact: Table, record: Table) -> list[ColumnElement[Any]]:
    """The contact and its saved conversation: five columns, past select()'s typed overloads."""
    return [
        contact.c.id,
        contact.c.opted_out_at,
        contact.c.language,
        record.c.version,
        record.c.state,
    ]


@cache
def _statements(dialect: str) -> _Statements:
    contact, message, record = table_of(Contact), table_of(Message), table_of(ConversationRecord)
    return _Statements(
        # The contact and their saved conversation in one statement (none yet: NULLs).
        find_contact=Prepared(
            select(*_contact_and_state(contact, record))
            .outerjoin(record, record.c.contact_id == contact.c.id)
            .where(contact.c.channel == bindparam("channel"))
            .where(contact.c.address == bindparam("address"))
        ),
        add_contact=Prepared(skipping_duplicates(dialect, Contact).returning(contact.c.id)),
        opt_in=Prepared(
            update(contact)
            .where(contact.c.id == bindparam("the_contact"))
            .values(opted_out_at=None)
        ),
        speak=Prepared(
            update(contact)
            .where(contact.c.id == bindparam("the_contact"))
            .values(language=bindparam("language"))
        ),
        log_inbound=Prepared(skipping_duplicates(dialect, Message).returning(message.c.id)),
        create=Prepared(skipping_duplicates(dialect, ConversationRecord).returning(record.c.id)),
        save=Prepared(
            update(record).where(
                record.c.contact_id == bindparam("the_contact"),
                record.c.version == bindparam("seen_version"),
            )
        ),
    )


@dataclass
class _Sender:
    """The contact a turn is for, as the turn's own statements read it."""

    id: int
    channel: str
    opted_out_at: datetime | None
    language: str = ""


class SqlTurn:
    """One turn's reads and writes, all in one transaction.

    The turn runs its prebuilt Core statements on the connection: a Session's set-up, unit of
    work and ORM rows cost more than a turn's statements. A Session in the same transaction is
    made only for what needs the ORM (the flow's effects, facts, replays, opting out).
    """

    def __init__(self, connection: Connection, now: datetime, settings: Settings) -> None:
        self.connection = connection
        self.sql = _statements(connection.dialect.name)
        self.now = now
        self.settings = settings
        self.sender: _Sender | None = None
        self.saved: tuple[int, str] | None = None  # the conversation's version and state
        self.version: int | None = None
        self.inbound_id: int | None = None
        self._session: Session | None = None
        self._contact: Contact | None = None

    @property
    def session(self) -> Session:
        """An ORM session in the turn's transaction (it commits or rolls back with the turn)."""
        if self._session is None:
            self._session = session_in(self.connection)
        return self._session

    def _flushed(self) -> Connection:
        """The connection, once the session (if any) has written what it holds, as a Session
        would before a statement of its own: rows are written in the same order."""
        if self._session is not None:
            self._session.flush()
        return self.connection

    def finish(self) -> None:
        """Writes what the session holds into the transaction, before it commits."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        """Lets the session go (the transaction is the connection's to end)."""
        if self._session is not None:
            self._session.close()

    def sender_of(self, inbound: Inbound) -> _Sender:
        if self.sender is None:
            who = {"channel": inbound.channel.value, "address": inbound.address}
            found = self.sql.find_contact.first(self._flushed(), who)
            if found is None:
                added = {**who, "created_at": self.now}
                new_id = self.sql.add_contact.scalar(self._flushed(), added)
                if new_id is not None:
                    self.sender = _Sender(new_id, inbound.channel.value, None)
                    return self.sender
                found = self.sql.find_contact.first(self._flushed(), who)  # added concurrently
                if found is None:
                    raise RuntimeError("the contact was neither found nor added")
            contact_id, opted_out_at, language, version, state = found
            self.sender = _Sender(contact_id, inbound.channel.value, opted_out_at, language)
            if version is not None:
                self.saved = (version, state)
        return self.sender

    def contact_of(self, inbound: Inbound) -> Contact:
        """The sender as the ORM's Contact, in the turn's session."""
        if self._contact is None:
            self._contact = self.session.get_one(Contact, self.sender_of(inbound).id)
        return self._contact

    def record_inbound(self, inbound: Inbound) -> bool:
        sender = self.sender_of(inbound)
        if sender.opted_out_at is not None and inbound.channel.can.writing_is_consent:
            # They blocked the bot once (Telegram 403) and have come back: writing is consent.
            sender.opted_out_at = None
            self.sql.opt_in.rowcount(self._flushed(), {"the_contact": sender.id})
        logged = {
            "contact_id": sender.id,
            "channel": inbound.channel.value,
            "direction": Direction.IN.value,
            "provider_message_id": inbound.message_id,
            "body": clean(inbound.text)[:INBOUND_LOG_LIMIT],
            "buttons": "[]",
            "status": MessageStatus.RECEIVED.value,
            "created_at": self.now,
        }
        self.inbound_id = self.sql.log_inbound.scalar(self._flushed(), logged)
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

    def facts(self, inbound: Inbound, state: Conversation | None) -> dict[str, str]:
        need = needs(inbound.text, state)
        if need.similar and state is not None:
            return similar_facts(self.session, self.settings, state, self.sender_of(inbound).id)
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
        self.sender_of(inbound)  # read the saved conversation with the contact
        if self.saved is None:
            return None
        self.version, state = self.saved
        return Conversation.from_json(state)

    def carry_out(self, inbound: Inbound, effects: Sequence[Effect]) -> list[Outbound]:
        if not effects:
            return []
        return intake.carry_out(
            self.session, self.contact_of(inbound), effects, self.now, self.settings
        )

    def save(self, inbound: Inbound, state: Conversation) -> None:
        sender = self.sender_of(inbound)
        if state.language != sender.language:  # chosen, or changed: every message uses it
            sender.language = state.language
            speak = {"the_contact": sender.id, "language": state.language}
            self.sql.speak.rowcount(self._flushed(), speak)
            if self._contact is not None:
                self._contact.language = state.language
        saved = {"step": state.step.value, "state": state.to_json(), "updated_at": self.now}
        if self.version is None:
            first = {**saved, "contact_id": sender.id, "version": 1, "created_at": self.now}
            if self.sql.create.first(self._flushed(), first) is None:
                raise ConcurrentTurn("conversation created by another worker")
            return
        later = {**saved, "version": self.version + 1}
        seen = {"the_contact": sender.id, "seen_version": self.version}
        if self.sql.save.rowcount(self._flushed(), {**later, **seen}) != 1:
            raise ConcurrentTurn("conversation saved by another worker")

    def record_replies(
        self, inbound: Inbound, replies: Sequence[Rendered], in_response: bool
    ) -> bool:
        # The ORM's Contact if the turn's effects loaded it (they may have changed it).
        contact = self._contact or self.sender_of(inbound)
        if not in_response:
            status = MessageStatus.QUEUED
        elif inbound.channel.can.delivered_by_us:
            status = MessageStatus.DELIVERED
        else:
            status = MessageStatus.SENT  # handed to the provider in the webhook's response
        outbox.queue(
            self._flushed(),
            contact,
            replies,
            self.now,
            status=status,
            in_reply_to=self.inbound_id,
        )
        return contact.opted_out_at is None


class SqlStore:
    """Turns kept in the database behind `engine`."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    @contextmanager
    def turn(self, now: datetime) -> Iterator[SqlTurn]:
        with write_connection(self.engine) as connection:
            scope = SqlTurn(connection, now, self.settings)
            try:
                yield scope
                scope.finish()
            finally:
                scope.close()

    def opt_out(self, inbound: Inbound, now: datetime) -> None:
        with self.turn(now) as scope:
            scope.record_inbound(inbound)
            contacts.opt_out(scope.session, inbound.channel, inbound.address, now)

    def opt_in(self, channel: Channel, address: str, now: datetime) -> bool:
        with self.turn(now) as scope:  # a write like a turn's (routes may run it on the loop)
            return contacts.opt_in(scope.session, channel, address)

    def hand_over(self, channel: Channel, address: str, now: datetime) -> list[Rendered]:
        """Messages queued for someone on a channel we deliver ourselves (the terminal: an
        officer's decision while it was closed), oldest first, marked delivered as they go."""
        with write_session(self.engine) as session:
            waiting = session.exec(
                select(Message)
                .join(Contact, col(Contact.id) == col(Message.contact_id))
                .where(
                    Contact.channel == channel.value,
                    Contact.address == address,
                    Message.direction == Direction.OUT.value,
                    Message.status == MessageStatus.QUEUED.value,
                )
                .order_by(col(Message.id))
            ).all()
            for message in waiting:
                message.status, message.sent_at = MessageStatus.DELIVERED.value, now
                session.add(message)
            return [Rendered(m.body, buttons_of(json.loads(m.buttons))) for m in waiting]


def count_uploads(session: Session, contact_id: int, count: int) -> None:
    """Files kept through the upload link count for the draft, as photos sent in the chat do
    (the review says how many arrived). The row is locked while it changes, and its version
    moves on, so a turn that loaded it before saves again from the new state: nothing lost."""
    record = session.exec(
        select(ConversationRecord)
        .where(ConversationRecord.contact_id == contact_id)
        .with_for_update()
    ).first()
    if record is None:
        return
    record.state = Conversation.from_json(record.state).with_evidence(count).to_json()
    record.version += 1
    session.add(record)
