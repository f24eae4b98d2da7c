"""What stands between a Call's report and an agreed action plan, and what the panel checks at a
glance once it is agreed: recommendations with no response or no action, actions overdue.

The seed: "The PCHA Board and EMT will consider the report and delegate the task of responding
to the recommendations to the Customer Empowerment Manager and Head of Operations for that
particular area of the business. The Head of Operations will agree an action plan with the
Customer Empowerment Panel to improve service delivery. The action plans are monitored by the
Customer Empowerment Panel."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from backend.casework.areas import area_of
from backend.casework.heads import head_for
from backend.models import (
    Action,
    Call,
    CallStatus,
    HeadOfOperations,
    Officer,
    Recommendation,
)
from bot.render import label

S = CallStatus
# Where recommendations wait for a response or an action: the report is in, the plan is not
# finished.
RESPONDING = (S.REPORTED, S.SERIOUS_FAILURE, S.ACTION_PLAN)


@dataclass(frozen=True)
class PlanCheck:
    """A Call's recommendations, the actions answering them, and who answers for the plan."""

    call: Call
    recommendations: list[Recommendation]
    actions: list[Action]
    head: HeadOfOperations | None  # the delegated Head, or the area's Head now
    manager: Officer | None  # the Customer Empowerment Manager it was delegated to

    @property
    def after_report(self) -> bool:
        """The final report is in: the Board and EMT consider it before anyone responds."""
        return self.call.reported_on is not None

    @property
    def delegated(self) -> bool:
        """The response may be made: delegated, or a serious failure's plan (no report)."""
        return not self.after_report or self.call.delegated_on is not None

    def actions_for(self, recommendation: Recommendation) -> list[Action]:
        """The actions that answer a recommendation."""
        return [a for a in self.actions if a.recommendation_id == recommendation.id]

    @property
    def unanswered(self) -> list[Recommendation]:
        """Recommendations with no response yet."""
        return [r for r in self.recommendations if not r.response]

    @property
    def without_action(self) -> list[Recommendation]:
        """Recommendations accepted in whole or part that no action answers yet."""
        return [r for r in self.recommendations if r.needs_action and not self.actions_for(r)]

    def overdue(self, today: date) -> list[Action]:
        """Actions past their due date and not done."""
        return [a for a in self.actions if a.done_on is None and a.due_on < today]

    def number(self, recommendation: Recommendation) -> int:
        """The recommendation's number in the report (1, 2, ...)."""
        return 1 + self.recommendations.index(recommendation)

    def missing(self) -> list[str]:
        """What must happen before the action plan can be agreed, in order (empty: ready)."""
        call, found = self.call, []
        if self.after_report:
            if call.board_considered_on is None:
                found.append("The Board has not considered the report yet.")
            if call.emt_considered_on is None:
                found.append("The Executive Management Team has not considered the report yet.")
            if call.delegated_on is None:
                found.append(
                    "The Board and EMT have not yet delegated the response to the Customer "
                    "Empowerment Manager and the Head of Operations."
                )
        if self.head is None:
            area = area_of(call)
            found.append(
                f"Nobody is named as Head of Operations for {label('service_area', area)}: "
                "the manager names one on the Heads of Operations page."
                if area
                else "Record the business area this concerns, then name its Head of Operations."
            )
        if self.unanswered:
            found.append(
                _count(self.unanswered, "recommendation has", "recommendations have")
                + " no response yet."
            )
        if self.without_action:
            found.append(
                _count(
                    self.without_action,
                    "accepted recommendation has",
                    "accepted recommendations have",
                )
                + " no action answering it yet."
            )
        if not self.actions:
            found.append("The plan has no actions yet.")
        return found


def _count(items: list[Recommendation], one: str, many: str) -> str:
    return f"1 {one}" if len(items) == 1 else f"{len(items)} {many}"


def plan_check(session: Session, call: Call) -> PlanCheck:
    """The Call's recommendations and actions, and the people who answer for its plan."""
    head = (
        session.get(HeadOfOperations, call.head_of_operations_id)
        if call.head_of_operations_id
        else head_for(session, area_of(call))
    )
    return PlanCheck(
        call=call,
        recommendations=list(
            session.exec(
                select(Recommendation)
                .where(Recommendation.call_id == call.id)
                .order_by(col(Recommendation.id))
            )
        ),
        actions=list(
            session.exec(
                select(Action)
                .where(Action.call_id == call.id)
                .order_by(col(Action.due_on), col(Action.id))
            )
        ),
        head=head,
        manager=session.get(Officer, call.delegated_manager_id)
        if call.delegated_manager_id
        else None,
    )


@dataclass(frozen=True)
class Waiting:
    """A recommendation the panel should chase: no response, or accepted with no action."""

    recommendation: Recommendation
    call: Call
    number: int  # its number in the Call's report

    @property
    def with_the_board(self) -> bool:
        """The report waits for the Board and EMT: nobody may respond yet."""
        return self.call.reported_on is not None and self.call.delegated_on is None


def recommendations_waiting(
    session: Session, limit: int = 10
) -> tuple[list[Waiting], list[Waiting]]:
    """Recommendations with no response, and accepted ones no action answers, on Calls whose
    response is under way (reported, a serious failure, or the plan agreed), oldest first."""
    rows = session.exec(
        select(Recommendation, Call)
        .join(Call, col(Call.id) == col(Recommendation.call_id))
        .where(col(Call.status).in_([s.value for s in RESPONDING]))
        .order_by(col(Call.id), col(Recommendation.id))
    ).all()
    answered = set(
        session.exec(
            select(Action.recommendation_id).where(col(Action.recommendation_id).is_not(None))
        ).all()
    )
    numbers: dict[int | None, int] = {}
    no_response: list[Waiting] = []
    no_action: list[Waiting] = []
    for recommendation, call in rows:
        numbers[call.id] = numbers.get(call.id, 0) + 1
        waiting = Waiting(recommendation, call, numbers[call.id])
        if not recommendation.response:
            no_response.append(waiting)
        elif recommendation.needs_action and recommendation.id not in answered:
            no_action.append(waiting)
    return no_response[:limit], no_action[:limit]
