"""Evidence files: fetched from Telegram or Twilio after the reply, or uploaded from a link."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, func, or_, select, update
from sqlmodel import Session, col

from backend.messaging.evidence_files import MAX_PIXELS, EvidenceRefused, keep
from backend.models import Evidence
from backend.models.types import saved_id
from backend.settings import Settings
from backend.store.db import write_session

log = logging.getLogger(__name__)

MAX_FETCH_ATTEMPTS = 5
LEASE = timedelta(minutes=2)
UPLOAD_PREFIX = "upload:"

# Fetches the bytes behind a channel reference such as "telegram:<file_id>".
Download = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True)
class Room:
    """How many more bytes of evidence a draft may take, and the whole service."""

    draft: int
    service: int
    draft_max: int

    @classmethod
    def of(cls, session: Session, contact_id: int, settings: Settings) -> Room:
        """The room left now for this contact's draft (a free web chat gives anyone one)."""
        draft = stored_bytes(session, contact_id)
        service = stored_bytes(session)
        return cls(
            settings.evidence_draft_max_bytes - draft,
            settings.evidence_total_max_bytes - service,
            settings.evidence_draft_max_bytes,
        )

    def take(self, size: int) -> Room:
        """The room after keeping `size` bytes; refused if they do not fit."""
        if size > self.draft:
            raise EvidenceRefused(
                f"That would be more than one Call can hold ({self.draft_max // 1_000_000} MB). "
                "Choose the files that show the problem best."
            )
        if size > self.service:
            raise EvidenceRefused(
                "We cannot take more files just now. Please try again later, or describe "
                "what they show in your own words."
            )
        return Room(self.draft - size, self.service - size, self.draft_max)


def stored_bytes(session: Session, contact_id: int | None = None) -> int:
    """Bytes of evidence kept: one contact's draft (not yet part of a Call), or everyone's."""
    query = select(func.coalesce(func.sum(col(Evidence.size_bytes)), 0))
    if contact_id is not None:
        query = query.where(col(Evidence.contact_id) == contact_id, col(Evidence.call_id).is_(None))
    return int(session.execute(query).scalar_one())


def storage_nearly_full(session: Session, settings: Settings) -> bool:
    """Whether the service's evidence takes 90% or more of EVIDENCE_TOTAL_MAX_BYTES."""
    return stored_bytes(session) * 10 >= settings.evidence_total_max_bytes * 9


def record_upload(
    session: Session,
    contact_id: int,
    name: str,
    kept: tuple[str, str, int],
    now: datetime,
) -> Evidence:
    """Records a file already kept (see evidence_files.keep) with the contact's draft Call."""
    path, content_type, size = kept
    evidence = Evidence(
        contact_id=contact_id,
        channel_ref=(UPLOAD_PREFIX + name)[:500],
        content_type=content_type,
        stored_path=path,
        size_bytes=size,
        created_at=now,
        fetched_at=now,
    )
    session.add(evidence)
    session.flush()
    return evidence


class EvidenceFetcher:
    """Downloads files that tenants sent through a provider, and keeps them."""

    def __init__(
        self,
        engine: Engine,
        folder: Path,
        max_bytes: int,
        downloads: Mapping[str, Download],
        max_pixels: int = MAX_PIXELS,
        settings: Settings | None = None,
    ) -> None:
        self.engine = engine
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.settings = settings  # for the room left (None: no storage caps)
        self.downloads = downloads  # by reference prefix: "telegram:", "twilio:"

    def _claim(self, now: datetime, limit: int) -> list[tuple[int, int, str, int]]:
        prefixes = [col(Evidence.channel_ref).startswith(p) for p in self.downloads]
        if not prefixes:
            return []
        query = (
            select(Evidence)
            .where(
                col(Evidence.stored_path).is_(None),
                col(Evidence.fetch_attempts) < MAX_FETCH_ATTEMPTS,
                or_(col(Evidence.fetch_after).is_(None), col(Evidence.fetch_after) <= now),
                or_(*prefixes),
            )
            .order_by(col(Evidence.id))
            .limit(limit)
        )
        with write_session(self.engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(session.execute(query).scalars())
            for row in rows:
                row.fetch_attempts += 1
                row.fetch_after = now + LEASE
            return [(saved_id(r), r.contact_id, r.channel_ref, r.fetch_attempts) for r in rows]

    def _check_room(self, contact_id: int, size: int) -> None:
        if self.settings is not None:
            with Session(self.engine) as session:
                Room.of(session, contact_id, self.settings).take(size)

    def _done(self, evidence_id: int, **values: object) -> None:
        with write_session(self.engine) as session:
            session.execute(
                update(Evidence).where(col(Evidence.id) == evidence_id).values(**values)
            )

    async def fetch_due(self, now: datetime, limit: int = 5) -> int:
        """Fetches up to `limit` waiting files; returns how many were tried."""
        claimed = await asyncio.to_thread(self._claim, now, limit)
        for evidence_id, contact_id, ref, attempts in claimed:
            download = next(d for p, d in self.downloads.items() if ref.startswith(p))
            try:
                data = await download(ref)
                await asyncio.to_thread(self._check_room, contact_id, len(data))
                path, content_type, size = await asyncio.to_thread(
                    partial(keep, max_pixels=self.max_pixels),
                    self.folder,
                    contact_id,
                    data,
                    self.max_bytes,
                )
            except EvidenceRefused as refused:
                await asyncio.to_thread(
                    self._done,
                    evidence_id,
                    fetch_error=str(refused)[:200],
                    fetch_attempts=MAX_FETCH_ATTEMPTS,
                )
            except Exception as error:  # any provider failure: try again later
                log.warning("evidence %d not fetched: %s", evidence_id, type(error).__name__)
                retry_in = timedelta(seconds=30 * 2**attempts)  # 1, 2, 4, 8 minutes
                await asyncio.to_thread(
                    self._done,
                    evidence_id,
                    fetch_error=type(error).__name__[:200],
                    fetch_after=now + retry_in,
                )
            else:
                await asyncio.to_thread(
                    self._done,
                    evidence_id,
                    stored_path=path,
                    content_type=content_type,
                    size_bytes=size,
                    fetched_at=now,
                    fetch_error=None,
                )
        return len(claimed)
