"""The twice-yearly report to the Group Business Assurance Committee: every recommendation the
panel made in the half year, the response to it, the actions that answer it and how they stand;
and earlier recommendations whose actions were still open when the half year began.

The framework: "Recommendations made by the CEP will also be included in a report to the Group
Business Assurance Committee (BAC) that supports the work of the PCHA Board, twice yearly. The
BAC will ensure any recommendations that are to be enacted, are assigned to individual PCHA
Officers as actions in Service Delivery Plans".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, or_, select

from backend.casework.areas import area_of
from backend.casework.heads import area_heads
from backend.casework.lifecycle import PANEL_ROUTE
from backend.casework.reports import safe_cell
from backend.models import (
    Action,
    Call,
    CallStatus,
    Decision,
    HeadOfOperations,
    Recommendation,
)
from bot.render import label

PERIOD = re.compile(r"(\d{4})-H([12])")
CSV_HEADER = (
    "Period",
    "Reference",
    "Business area",
    "Raised by",
    "Recommendation",
    "Made on",
    "Carried forward",
    "Response",
    "Reason",
    "Responded on",
    "Head of Operations",
    "Action",
    "Owner",
    "Due",
    "Status",
)


@dataclass(frozen=True)
class Half:
    """A half year: January to June (1) or July to December (2)."""

    year: int
    half: int

    @property
    def first(self) -> date:
        """Its first day."""
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last(self) -> date:
        """Its last day."""
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def code(self) -> str:
        """How a link names it: 2026-H2."""
        return f"{self.year}-H{self.half}"

    @property
    def name(self) -> str:
        """How people say it: July to December 2026."""
        return f"{'January to June' if self.half == 1 else 'July to December'} {self.year}"

    def before(self) -> Half:
        """The half year before this one."""
        return Half(self.year, 1) if self.half == 2 else Half(self.year - 1, 2)

    @classmethod
    def of(cls, day: date) -> Half:
        """The half year a day falls in."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, code: str) -> Half | None:
        """2026-H2 as a half year (None: not one)."""
        found = PERIOD.fullmatch(code.strip().upper())
        return cls(int(found[1]), int(found[2])) if found else None


def recent_halves(today: date, count: int = 4) -> list[Half]:
    """The half year `today` is in and the ones before it, newest first."""
    found = [Half.of(today)]
    while len(found) < count:
        found.append(found[-1].before())
    return found


@dataclass(frozen=True)
class ActionLine:
    """An action answering a recommendation, and how it stands today."""

    action: Action
    today: date

    @property
    def status(self) -> str:
        """Done (with when), overdue, or open."""
        if self.action.done_on is not None:
            return f"Done {self.action.done_on:%d %b %Y}"
        return "Overdue" if self.action.due_on < self.today else "Open"

    @property
    def overdue(self) -> bool:
        """Past its due date and not done."""
        return self.action.done_on is None and self.action.due_on < self.today


@dataclass(frozen=True)
class Item:
    """One recommendation of the panel, as the committee reads it."""

    call: Call
    number: int  # its number in the Call's report (0: a serious failure's immediate ones)
    text: str
    made_on: date
    carried: bool  # made before the half year, with actions still open when it began
    recommendation: Recommendation | None  # None: immediate recommendations (no response)
    head: HeadOfOperations | None
    actions: list[ActionLine]

    @property
    def response(self) -> str:
        """The response in words ("" when none is due or none given)."""
        found = self.recommendation.response if self.recommendation else ""
        return label("response", found) if found else ""

    @property
    def raised_by(self) -> str:
        """A tenant's Call, or the panel's own review."""
        return "The panel's own review" if self.call.route == PANEL_ROUTE else "A tenant's Call"


@dataclass(frozen=True)
class AssuranceReport:
    """The report for one half year."""

    half: Half
    items: list[Item]
    today: date

    @property
    def made(self) -> list[Item]:
        """Recommendations made in the half year."""
        return [i for i in self.items if not i.carried]

    @property
    def carried(self) -> list[Item]:
        """Earlier recommendations whose actions were still open when it began."""
        return [i for i in self.items if i.carried]

    def count(self, response: str) -> int:
        """Recommendations made in the half year with this response ("" for none yet)."""
        return sum(
            1
            for i in self.made
            if i.recommendation is not None and i.recommendation.response == response
        )

    @property
    def actions(self) -> list[ActionLine]:
        """Every action listed, once."""
        return [line for item in self.items for line in item.actions]


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def assurance_report(session: Session, half: Half, today: date) -> AssuranceReport:
    """Every recommendation made in `half` (and the immediate recommendations of serious
    failures decided in it), and earlier ones with actions open when it began."""
    start = datetime.combine(half.first, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(half.last, datetime.max.time(), tzinfo=UTC)
    actions: dict[int | None, list[Action]] = {}
    loose: dict[int | None, list[Action]] = {}  # actions answering no recommendation, by Call
    for action in session.exec(select(Action).order_by(col(Action.due_on), col(Action.id))):
        if action.recommendation_id is None:
            loose.setdefault(action.call_id, []).append(action)
        else:
            actions.setdefault(action.recommendation_id, []).append(action)
    heads = area_heads(session)
    delegated = {h.id: h for h in session.exec(select(HeadOfOperations))}

    def head_of(call: Call) -> HeadOfOperations | None:
        if call.head_of_operations_id in delegated:
            return delegated[call.head_of_operations_id]
        area = area_of(call)
        return heads.get(area) if area else None

    def still_open(found: list[Action]) -> bool:
        return any(a.done_on is None or a.done_on >= half.first for a in found)

    def unresolved(recommendation: Recommendation, found: list[Action]) -> bool:
        """Left over when the half year began: no response, accepted with no action yet, or an
        action not done by then."""
        if not recommendation.response or (recommendation.needs_action and not found):
            return True
        return still_open(found)

    items: list[Item] = []
    numbers: dict[int | None, int] = {}
    for recommendation, call in session.exec(
        select(Recommendation, Call)
        .join(Call, col(Call.id) == col(Recommendation.call_id))
        .where(col(Recommendation.created_at) <= end)
        .order_by(col(Call.id), col(Recommendation.id))
    ):
        numbers[call.id] = numbers.get(call.id, 0) + 1
        answering = actions.get(recommendation.id, [])
        carried = recommendation.created_at < start
        if carried and not unresolved(recommendation, answering):
            continue
        items.append(
            Item(
                call=call,
                number=numbers[call.id],
                text=recommendation.text,
                made_on=_day(recommendation.created_at),
                carried=carried,
                recommendation=recommendation,
                head=head_of(call),
                actions=[ActionLine(a, today) for a in answering],
            )
        )
    for call in session.exec(
        select(Call).where(
            Call.decision == Decision.SERIOUS_FAILURE,
            col(Call.decided_at) <= end,
            or_(
                col(Call.decided_at) >= start,
                col(Call.id).in_(list(loose)),
                Call.status == CallStatus.SERIOUS_FAILURE,
            ),
        )
    ):
        answering = loose.get(call.id, [])
        decided = call.decided_at or start
        carried = decided < start
        waiting = not answering and call.status == CallStatus.SERIOUS_FAILURE
        if carried and not (waiting or still_open(answering)):
            continue
        items.append(
            Item(
                call=call,
                number=0,
                text=call.immediate_recommendations,
                made_on=_day(decided),
                carried=carried,
                recommendation=None,
                head=head_of(call),
                actions=[ActionLine(a, today) for a in answering],
            )
        )
    items.sort(key=lambda i: (i.carried is False, i.made_on, i.call.id or 0, i.number))
    return AssuranceReport(half, items, today)


def csv_rows(report: AssuranceReport) -> Iterator[list[str]]:
    """The header, then one row per action (a recommendation with none has one row of its own);
    every cell made safe for a spreadsheet."""
    yield list(CSV_HEADER)
    for item in report.items:
        area = area_of(item.call)
        recommendation = item.recommendation
        common = [
            report.half.name,
            item.call.reference,
            label("service_area", area) if area else "",
            item.raised_by,
            item.text if item.number else f"Immediate recommendations: {item.text}",
            f"{item.made_on:%Y-%m-%d}",
            "Yes" if item.carried else "No",
            item.response or ("No response yet" if recommendation else ""),
            recommendation.response_reason if recommendation else "",
            f"{_day(recommendation.responded_at):%Y-%m-%d}"
            if recommendation and recommendation.responded_at
            else "",
            item.head.name if item.head else "",
        ]
        lines: list[ActionLine | None] = list(item.actions) or [None]
        for line in lines:
            rest = (
                [
                    line.action.description,
                    line.action.owner,
                    f"{line.action.due_on:%Y-%m-%d}",
                    line.status,
                ]
                if line
                else ["", "", "", "No action"]
            )
            yield [safe_cell(cell) for cell in (*common, *rest)]
