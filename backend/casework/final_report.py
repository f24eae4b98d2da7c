"""The printable final report on one Call: what the Executive Management Team and Board read,
and after they have considered it, the response to each recommendation and the action plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from backend.casework.calls import find_call
from backend.casework.lifecycle import SCRUTINY_STEPS
from backend.casework.plan_check import PlanCheck, plan_check
from backend.casework.scoring import score_of
from backend.models import (
    Action,
    Call,
    Officer,
    Recommendation,
    Score,
    ScrutinyStep,
)


@dataclass(frozen=True)
class ReportStep:
    """One of the 10 scrutiny steps as the report shows it: when, and who recorded it."""

    number: int
    step: ScrutinyStep | None
    officer: str

    @property
    def done_on(self) -> date | None:
        """When the step was done (None: not yet)."""
        return self.step.done_on if self.step else None


@dataclass(frozen=True)
class FinalReport:
    """What the Executive Management Team and Board read about one Call."""

    call: Call
    score: Score | None
    steps: list[ReportStep]
    plan: PlanCheck  # the recommendations, the responses, and the actions that answer them

    @property
    def recommendations(self) -> list[Recommendation]:
        """The report's recommendations, in order."""
        return self.plan.recommendations

    @property
    def actions(self) -> list[Action]:
        """The action plan, by due date."""
        return self.plan.actions

    @property
    def reported(self) -> bool:
        """Whether the final report has been presented."""
        return self.call.reported_on is not None


def final_report(session: Session, reference: str) -> FinalReport | None:
    """The Call with this reference and what its final report needs (None: no such Call)."""
    call = find_call(session, reference)
    if call is None:
        return None
    steps = {
        s.number: s
        for s in session.exec(select(ScrutinyStep).where(ScrutinyStep.call_id == call.id))
    }
    ids = {s.officer_id for s in steps.values() if s.officer_id is not None}
    names = {o.id: o.name for o in session.exec(select(Officer).where(col(Officer.id).in_(ids)))}
    return FinalReport(
        call=call,
        score=score_of(session, call),
        steps=[
            ReportStep(n, steps.get(n), names.get(steps[n].officer_id, "") if n in steps else "")
            for n in range(1, SCRUTINY_STEPS + 1)
        ],
        plan=plan_check(session, call),
    )
