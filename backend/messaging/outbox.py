"""The outbox over the database: queue, claim (safe with several workers), record outcomes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, and_, bindparam, func, insert, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from backend.models import Contact, Direction, Message, MessageStatus
from backend.models.message import waiting_to_go
from backend.models.types import saved_id
from backend.store.db import table_of, write_connection, write_session
from backend.store.prepared import Prepared
from bot.delivery import LEASE, Parcel, buttons_of
from bot.render import Rendered
from conversations import Channel

# Core, not ORM objects, and built once: this runs on every turn, and the ORM's unit of work
# and building the statement each time cost more than the insert itself. One statement for all
# the rows; the ids come back in row order.
_QUEUE = insert(table_of(Message)).returning(table_of(Message).c.id, sort_by_parameter_order=True)
_QUEUE_PREPARED = Prepared(_QUEUE)  # a turn's replies, on the turn's connection
# A try's outcome, recorded for every message delivered: prebuilt, as _QUEUE, and run on a plain
# connection (a Session and an ORM update were most of the cost of recording one).
_FINISH = Prepared(
    update(table_of(Message)).where(
        table_of(Message).c.id == bindparam("the_message"),
        table_of(Message).c.status == MessageStatus.SENDING.value,
    )
)


class Recipient(Protocol):
    """Who outbound messages are for: a Contact, or the turn's own reading of one."""

    @property
    def id(self) -> int | None: ...
    @property
    def channel(self) -> str: ...
    @property
    def opted_out_at(self) -> datetime | None: ...


def queue(
    session: Session | Connection,
    contact: Recipient,
    replies: Sequence[Rendered],
    now: datetime,
    *,
    status: MessageStatus = MessageStatus.QUEUED,
    in_reply_to: int | None = None,
) -> list[int]:
    """Writes outbound messages in the caller's transaction (the worker delivers QUEUED ones);
    returns their ids, in order."""
    if not replies:
        return []
    if contact.opted_out_at:
        status = MessageStatus.SUPPRESSED
    rows = [
        {
            "contact_id": saved_id(contact),
            "channel": contact.channel,
            "direction": Direction.OUT.value,
            "body": reply.text,
            "buttons": json.dumps([[b.label, b.reply, b.url] for b in reply.buttons]),
            "status": status.value,
            "created_at": now,
            "in_reply_to": in_reply_to,
            "next_attempt_at": now if status == MessageStatus.QUEUED else None,
            "sent_at": now if status in (MessageStatus.SENT, MessageStatus.DELIVERED) else None,
        }
        for reply in replies
    ]
    if isinstance(session, Connection):
        return _QUEUE_PREPARED.scalars(session, rows)
    return list(session.execute(_QUEUE, rows).scalars())


def _due(now: datetime):  # type: ignore[no-untyped-def]
    """Outbound messages ready to try: queued and due, or leased by a worker that vanished."""
    return and_(
        # What ix_message_unsent holds, and no more. (Only outbound messages are ever queued:
        # asking for the direction too led PostgreSQL to read every outbound message's entry.)
        waiting_to_go(col(Message.status)),
        or_(
            and_(
                col(Message.status) == MessageStatus.QUEUED.value,
                col(Message.next_attempt_at) <= now,
            ),
            and_(
                col(Message.status) == MessageStatus.SENDING.value,
                col(Message.locked_until) < now,
            ),
        ),
    )


def claimable(now: datetime, limit: int) -> SelectOfScalar[int | None]:
    """The ids of up to `limit` messages due, oldest first, each the oldest still waiting to
    its person (order per person: nothing is sent while an older message is still unsent).
    Both halves read ix_message_unsent alone, never a person's whole history."""
    waiting = aliased(Message)
    first_to_each = (
        select(func.min(col(waiting.id)))
        .where(waiting_to_go(col(waiting.status)))  # statuses of outbound messages alone
        .group_by(col(waiting.contact_id))
    )
    return (
        select(col(Message.id))
        .where(_due(now), col(Message.id).in_(first_to_each))
        .order_by(col(Message.id))
        .limit(limit)
    )


class SqlOutbox:
    """bot.delivery.Outbox kept in the message table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, now: datetime, limit: int) -> list[Parcel]:
        query = claimable(now, limit)
        with write_session(self.engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=Message)
            ids = list(session.execute(query).scalars())
            if not ids:
                return []
            session.execute(
                update(Message)
                .where(col(Message.id).in_(ids))
                .values(
                    status=MessageStatus.SENDING.value,
                    locked_until=now + LEASE,
                    attempts=col(Message.attempts) + 1,
                )
            )
            rows = session.execute(
                select(Message, Contact)
                .join(Contact, col(Contact.id) == col(Message.contact_id))
                .where(col(Message.id).in_(ids))
                .order_by(col(Message.id))
            ).all()
            return [
                Parcel(
                    id=saved_id(message),
                    channel=Channel(message.channel),
                    address=contact.address,
                    text=message.body,
                    buttons=buttons_of(json.loads(message.buttons)),
                    attempt=message.attempts,
                    opted_out=contact.opted_out_at is not None,
                )
                for message, contact in rows
            ]

    def _finish(self, parcel: Parcel, **values: object) -> None:
        with write_connection(self.engine) as connection:
            _FINISH.rowcount(connection, {"the_message": parcel.id, "locked_until": None, **values})

    def sent(self, parcel: Parcel, provider_id: str | None, now: datetime) -> None:
        # A web chat message is delivered when it is in the transcript; others when the
        # provider's status callback says so.
        status = (
            MessageStatus.DELIVERED if parcel.channel.can.delivered_by_us else MessageStatus.SENT
        )
        self._finish(
            parcel,
            status=status.value,
            provider_message_id=provider_id,
            sent_at=now,
            last_error=None,
        )

    def retry(self, parcel: Parcel, at: datetime, error: str) -> None:
        self._finish(
            parcel, status=MessageStatus.QUEUED.value, next_attempt_at=at, last_error=error
        )

    def failed(self, parcel: Parcel, error: str, now: datetime) -> None:
        self._finish(parcel, status=MessageStatus.FAILED.value, last_error=error)

    def recipient_gone(self, parcel: Parcel, error: str, now: datetime) -> None:
        with write_session(self.engine) as session:
            contact_id = session.execute(
                select(col(Message.contact_id)).where(col(Message.id) == parcel.id)
            ).scalar_one()
            session.execute(
                update(Contact)
                .where(col(Contact.id) == contact_id, col(Contact.opted_out_at).is_(None))
                .values(opted_out_at=now)
            )
            session.execute(
                update(Message)
                .where(
                    col(Message.contact_id) == contact_id,
                    col(Message.direction) == Direction.OUT.value,
                    col(Message.status).in_(
                        [MessageStatus.QUEUED.value, MessageStatus.SENDING.value]
                    ),
                )
                .values(status=MessageStatus.SUPPRESSED.value, locked_until=None, last_error=error)
            )

    def resume(self, ids: Sequence[int], now: datetime) -> None:
        for start in range(0, len(ids), 500):  # within every database's parameter limit
            with write_session(self.engine) as session:
                session.execute(
                    update(Message)
                    .where(
                        col(Message.id).in_(ids[start : start + 500]),
                        col(Message.status) == MessageStatus.QUEUED.value,
                        col(Message.next_attempt_at) > now,
                    )
                    .values(next_attempt_at=now)
                )


def record_status(
    session: Session, channel: Channel, provider_id: str, status: MessageStatus, error: str | None
) -> bool:
    """Applies a provider's delivery report; False if no such message."""
    result = session.execute(
        update(Message)
        .where(
            col(Message.channel) == channel.value,
            col(Message.direction) == Direction.OUT.value,
            col(Message.provider_message_id) == provider_id,
        )
        .values(status=status.value, last_error=error)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
