"""Open Calls about the same problem nearby: the petition a tenant is offered while answering,
and the clusters officers see (the matcher itself is conversations/similarity.py).

A look-up reads only the open Calls on one service in one neighbourhood (the postcode sector,
or the district: the NEARBY_AREA setting), through the index on (service_area,
postcode_sector, status), and scores those few; at 100,000 Calls it stays a few milliseconds
(`python -m bench.joining`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from backend import petitions
from backend.casework.lifecycle import BEFORE_DECISION
from backend.models import SIGNABLE, Call, Petition
from backend.settings import Settings
from conversations import joining
from conversations.proforma import Step
from conversations.similarity import THRESHOLD, Area, Concern, area_of, read, score
from conversations.state import Conversation

NEAREST = 200  # the newest Calls of one service in one neighbourhood that are compared
CLUSTERED = 500  # the newest open Calls the dashboard groups, so it costs the same at any size


@dataclass(frozen=True)
class Similar:
    """An open Call like the one in hand, its petition if it has one, and how alike they are."""

    call: Call
    petition: Petition | None
    score: float


def neighbourhood(call: Call, area: Area) -> str:
    """The Call's postcode sector or district, as stored beside its postcode."""
    return call.postcode_district if area == Area.DISTRICT else call.postcode_sector


def set_neighbourhood(call: Call) -> None:
    """Keeps the postcode's sector and district beside it, for the look-up's index."""
    call.postcode_sector = area_of(call.postcode, Area.SECTOR)
    call.postcode_district = area_of(call.postcode, Area.DISTRICT)


class _Nearby(NamedTuple):
    """What the look-up reads of one nearby Call and its petition (not whole rows)."""

    call_id: int
    contact_id: int | None
    concerns: str
    petition_id: int | None
    summary: str | None


def _nearby(
    session: Session, service: str, place: str, area: Area, *, with_petition: bool
) -> list[_Nearby]:
    """Open Calls on `service` in the neighbourhood `place`, newest first, with petitions.

    No ORDER BY in SQL: ordering by id would let the planner walk the service's index in id
    order instead of the (service, neighbourhood, status) index, reading every Call of the
    service; the few found are ordered here."""
    column = Call.postcode_district if area == Area.DISTRICT else Call.postcode_sector
    query = columns(
        col(Call.id),
        col(Call.contact_id),
        col(Call.concerns),
        col(Petition.id),
        col(Petition.summary),
    ).where(
        col(Call.service_area) == service,
        col(column) == place,
        col(Call.status).in_([s.value for s in BEFORE_DECISION]),
    )
    if with_petition:
        query = query.join(Petition, col(Petition.call_id) == col(Call.id)).where(
            col(Petition.status).in_([s.value for s in SIGNABLE])
        )
    else:
        query = query.outerjoin(Petition, col(Petition.call_id) == col(Call.id))
    rows = [_Nearby(*row) for row in session.execute(query.limit(NEAREST)).all()]
    return sorted(rows, key=lambda row: -row.call_id)


def _alike(concern: Concern, row: _Nearby) -> float:
    """The better of the Call's own words and its petition's public summary."""
    best = score(concern, read(row.concerns))
    if row.summary:
        best = max(best, score(concern, read(row.summary)))
    return best


def petition_to_offer(
    session: Session,
    settings: Settings,
    *,
    service: str,
    address: str,
    concerns: str,
    contact_id: int | None,
) -> Similar | None:
    """The open petition nearby on the same service most like this concern, if one is alike
    enough to offer; never the tenant's own."""
    place = area_of(address, settings.nearby_area)
    if not place or service in ("other", "not_sure"):
        return None  # "something else" names no service to match on
    concern = read(concerns)
    if not concern.problems:
        return None
    best: tuple[float, _Nearby] | None = None
    for row in _nearby(session, service, place, settings.nearby_area, with_petition=True):
        if contact_id is not None and row.contact_id == contact_id:
            continue
        alike = _alike(concern, row)
        if alike >= THRESHOLD and (best is None or alike > best[0]):
            best = (alike, row)
    if best is None:
        return None
    alike, row = best
    petition = session.get(Petition, row.petition_id)
    if petition is None or not petitions.can_sign(petition, settings):
        return None
    return Similar(session.get_one(Call, row.call_id), petition, alike)


def like_call(session: Session, settings: Settings, call: Call) -> list[Similar]:
    """Other open Calls before the panel's decision about the same problem nearby, most alike
    first (for the Call's page, and the Calls it may be joined into)."""
    if call.service_area in ("other", "not_sure"):
        return []
    place = neighbourhood(call, settings.nearby_area)
    if not place:
        return []
    concern = read(call.concerns)
    nearby = _nearby(session, call.service_area, place, settings.nearby_area, with_petition=False)
    found = [
        Similar(
            session.get_one(Call, row.call_id),
            session.get(Petition, row.petition_id) if row.petition_id else None,
            alike,
        )
        for row in nearby
        if row.call_id != call.id and (alike := _alike(concern, row)) >= THRESHOLD
    ]
    return sorted(found, key=lambda s: (-s.score, s.call.id or 0))


@dataclass(frozen=True)
class Cluster:
    """Open Calls on one service in one neighbourhood about the same problem, oldest first."""

    service: str
    place: str  # the postcode sector or district
    calls: list[Call]


def clusters(session: Session, settings: Settings) -> list[Cluster]:
    """Groups of two or more of the newest open Calls about the same problem nearby (for the
    dashboard): each group is the Calls linked to each other by a similar pair."""
    open_calls = session.exec(
        select(Call)
        .where(col(Call.status).in_([s.value for s in BEFORE_DECISION]))
        .order_by(col(Call.id).desc())
        .limit(CLUSTERED)
    ).all()
    concerns = {c.id: read(c.concerns) for c in open_calls}
    parent = {c.id: c.id for c in open_calls}

    def root(key: int | None) -> int | None:
        while parent[key] != key:
            key = parent[key]
        return key

    buckets: dict[tuple[str, str], list[Call]] = {}
    for c in open_calls:
        place = neighbourhood(c, settings.nearby_area)
        if place and c.service_area not in ("other", "not_sure"):
            buckets.setdefault((c.service_area, place), []).append(c)
    for bucket in buckets.values():
        for i, first in enumerate(bucket):
            for second in bucket[i + 1 :]:
                if score(concerns[first.id], concerns[second.id]) >= THRESHOLD:
                    parent[root(second.id)] = root(first.id)
    groups: dict[int | None, list[Call]] = {}
    for c in open_calls:
        groups.setdefault(root(c.id), []).append(c)
    found = [sorted(g, key=lambda c: c.id or 0) for g in groups.values() if len(g) > 1]
    return [
        Cluster(g[0].service_area, neighbourhood(g[0], settings.nearby_area), g)
        for g in sorted(found, key=lambda g: g[0].id or 0)
    ]


def similar_facts(
    session: Session, settings: Settings, state: Conversation, contact_id: int
) -> dict[str, str]:
    """What the flow may show of the open petition most like the tenant's draft (see
    conversations/joining.py): its public words only, never the other tenant's."""
    answers = state.answers
    found = petition_to_offer(
        session,
        settings,
        service=answers.get(Step.SERVICE_AREA.value, ""),
        address=answers.get(Step.ADDRESS.value, ""),
        concerns=answers.get(Step.CONCERNS.value, ""),
        contact_id=contact_id,
    )
    if found is None or found.petition is None:
        return {}
    call, petition = found.call, found.petition
    # The standard summary names the other tenant (their first name): it is not shown.
    approved = petition.summary != petitions.standard_summary(call, settings)
    summary = _shortened(petition.summary) if approved else ""
    return {
        joining.CODE_FACT: petition.code,
        joining.REFERENCE_FACT: call.reference,
        joining.SUMMARY_FACT: summary,
        joining.AREA_FACT: petitions.petition_area(call),
        joining.PLACE_FACT: area_of(call.postcode, settings.nearby_area),
        joining.COUNT_FACT: str(petition.signature_count),
        joining.URL_FACT: petitions.share_url(settings, petition),
    }


def _shortened(summary: str) -> str:
    """The summary cut at a word to fit the offer's texts."""
    if len(summary) <= joining.SUMMARY_SHOWN:
        return summary
    cut = summary[: joining.SUMMARY_SHOWN - 3].rsplit(" ", 1)[0]
    return cut + "..."
