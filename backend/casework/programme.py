"""The annual programme of scrutiny: Calls and the panel's own reviews in one order of score,
the reviews each year against the framework's minimum, the date by which the next must start,
and the business areas with nothing in the programme.

The seed: "All business areas are scored prior to being scheduled for scrutiny"; the framework:
"The assessments are programmed and a minimum of two reviews will be carried out each year".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from backend.casework.areas import BUSINESS_AREAS
from backend.casework.lifecycle import PANEL_ROUTE
from backend.casework.reports import IN_PROGRAMME, calls_by_area_and_month
from backend.models import AreaScore, Call, CallStatus, Score

S = CallStatus
# A review counts for the year its scrutiny starts, whether it is still ahead or finished.
REVIEWED = (S.PROGRAMMED, S.IN_SCRUTINY, S.REPORTED, S.ACTION_PLAN, S.COMPLETED, S.CLOSED)
REVIEWS_A_YEAR = 2  # the framework: "a minimum of two reviews will be carried out each year"


@dataclass(frozen=True)
class ProgrammeEntry:
    """A Call, or a review the panel started, with its score (None: still to be scored)."""

    call: Call
    score: Score | None

    @property
    def needs_score(self) -> bool:
        """Accepted but not scored: it cannot be put in order yet."""
        return self.score is None

    @property
    def panel_review(self) -> bool:
        """The panel's own review of a business area, not a tenant's Call."""
        return self.call.route == PANEL_ROUTE


@dataclass(frozen=True)
class YearReviews:
    """How many scrutiny reviews start in one year: still ahead and finished, and how many of
    them the panel started itself (the rest came from Calls)."""

    year: int
    scheduled: int
    done: int
    panel: int = 0

    @property
    def total(self) -> int:
        """Reviews scheduled or done in the year."""
        return self.scheduled + self.done

    @property
    def from_calls(self) -> int:
        """Reviews that came from tenants' Calls."""
        return self.total - self.panel

    @property
    def too_few(self) -> bool:
        """Fewer reviews than the framework promises."""
        return self.total < REVIEWS_A_YEAR


@dataclass(frozen=True)
class NextReview:
    """By when the next review must start to keep to two a year, one in each half."""

    by: date
    needed: int  # reviews still to start in by's year
    late: bool  # the date has passed with the review not started


def next_review(years: list[YearReviews], today: date) -> NextReview:
    """The first year short of two reviews decides: with none yet, the first must start by 30
    June (spreading the two over the year) unless that has passed; the second by 31 December."""
    for year in years:
        if year.total >= REVIEWS_A_YEAR:
            continue
        needed = REVIEWS_A_YEAR - year.total
        half = date(year.year, 6, 30)
        by = half if year.total == 0 and today <= half else date(year.year, 12, 31)
        if year.total == 0 and today > half and year.year == today.year:
            # Half the year has gone with no review: the first was due by 30 June.
            return NextReview(half, needed, late=True)
        return NextReview(by, needed, late=by < today)
    after = years[-1].year + 1 if years else today.year
    return NextReview(date(after, 6, 30), REVIEWS_A_YEAR, late=False)


@dataclass(frozen=True)
class OtherArea:
    """A business area with nothing in the programme, as the panel plans the year."""

    area: str
    received: int  # Calls in the last 12 months
    score: AreaScore | None
    place: int | None  # where its score would come in the programme


@dataclass(frozen=True)
class Programme:
    """The annual programme: Calls and the panel's reviews by score, reviews per year, by when
    the next must start, and the business areas with nothing in the programme."""

    entries: list[ProgrammeEntry]
    years: list[YearReviews]
    other_areas: list[OtherArea]
    next: NextReview

    @property
    def scored(self) -> list[ProgrammeEntry]:
        """Scored entries, highest total first."""
        return [e for e in self.entries if not e.needs_score]

    @property
    def unscored(self) -> list[ProgrammeEntry]:
        """Accepted Calls still waiting for a score."""
        return [e for e in self.entries if e.needs_score]


def programme(session: Session, today: date | None = None) -> Programme:
    """Accepted, programmed and in-scrutiny Calls and reviews by score, reviews this year and
    next, and the other business areas."""
    today = today or datetime.now(UTC).date()
    rows = session.exec(
        select(Call, Score)
        .join(Score, col(Score.call_id) == col(Call.id), isouter=True)
        .where(col(Call.status).in_([s.value for s in IN_PROGRAMME]))
    ).all()
    entries = sorted(
        (ProgrammeEntry(call, score) for call, score in rows),
        # Highest score first; ties go to the earlier start, then the earlier Call.
        key=lambda e: (
            e.score is None,
            -(e.score.total if e.score else 0.0),
            e.call.programme_start or date.max,
            e.call.submitted_at,
        ),
    )
    busy = {e.call.business_area or e.call.service_area for e in entries}
    received = calls_by_area_and_month(session, 12, today).by_area
    scores = {s.service_area: s for s in session.exec(select(AreaScore))}
    totals = [e.score.total for e in entries if e.score]

    def other(area: str) -> OtherArea:
        score = scores.get(area)
        place = 1 + sum(t > score.total for t in totals) if score else None
        return OtherArea(area, received.get(area, 0), score, place)

    others = sorted(
        (other(area) for area in BUSINESS_AREAS if area not in busy),
        key=lambda o: (
            o.score is None,
            -(o.score.total if o.score else 0.0),
            -o.received,
            BUSINESS_AREAS.index(o.area),
        ),
    )
    years = reviews_by_year(session, today.year)
    return Programme(entries, years, others, next_review(years, today))


def reviews_by_year(session: Session, year: int, years: int = 2) -> list[YearReviews]:
    """Reviews starting in `year` and the years after it, scheduled (still ahead) or done:
    tenants' Calls and the panel's own reviews alike."""
    rows = session.exec(
        select(col(Call.programme_start), col(Call.reported_on), col(Call.route)).where(
            col(Call.status).in_([s.value for s in REVIEWED]),
            col(Call.programme_start) >= date(year, 1, 1),
            col(Call.programme_start) < date(year + years, 1, 1),
        )
    ).all()
    found = []
    for y in range(year, year + years):
        starts = [(reported, route) for start, reported, route in rows if start and start.year == y]
        done = sum(1 for reported, _ in starts if reported is not None)
        panel = sum(1 for _, route in starts if route == PANEL_ROUTE)
        found.append(YearReviews(y, len(starts) - done, done, panel))
    return found


def final_reports(session: Session, limit: int = 50) -> list[Call]:
    """Calls and reviews whose final report has been presented, newest report first."""
    return list(
        session.exec(
            select(Call)
            .where(col(Call.reported_on).is_not(None))
            .order_by(col(Call.reported_on).desc(), col(Call.id).desc())
            .limit(limit)
        )
    )
