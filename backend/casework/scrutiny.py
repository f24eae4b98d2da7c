"""After acceptance: the score, the annual programme, the 10 steps of scrutiny, the final
report and its recommendations (what follows the report is in action_plans.py)."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from backend.casework.areas import BUSINESS_AREAS
from backend.casework.joins import close_joined
from backend.casework.lifecycle import (
    PANEL,
    SCRUTINY_STEPS,
    IllegalTransition,
    S,
    raised_by_panel,
)
from backend.casework.moves import Moves
from backend.casework.scoring import SCORE_PARTS, area_total, check_parts, score_of, total_score
from backend.models import (
    AreaScore,
    Call,
    MonitoringOutcome,
    OfficerRole,
    Recommendation,
    Score,
    ScrutinyStep,
)
from backend.models.types import saved_id


class Scrutinising(Moves):
    """Moves from acceptance to the final report, and closing a Call."""

    # -- after acceptance ----------------------------------------------------------------

    def score(
        self, call: Call, parts: dict[str, int], weights: dict[str, float] | None = None
    ) -> Score:
        """Scores the Call with the matrix; the community-call bonus is added by the weights."""
        weights = weights or self.weights
        check_parts(parts)
        self._record(call, "score", None)
        existing = score_of(self.session, call)
        score = existing or Score(
            call_id=saved_id(call),
            officer_id=saved_id(self.person()),
            performance=0,
            satisfaction=0,
            complaints=0,
            business_critical=0,
            community_bonus=0,
            total=0,
        )
        for name, value in parts.items():
            setattr(score, name, value)
        # "Additional points will be awarded for a Community Call for Scrutiny": not for a
        # review the panel started itself.
        score.community_bonus = 0 if raised_by_panel(call) else int(weights["community_bonus"])
        score.total = total_score(score, weights)
        score.officer_id = saved_id(self.person())
        score.scored_at = self.now
        self.session.add(score)
        return score

    def score_area(self, area: str, parts: dict[str, int]) -> AreaScore:
        """Scores a business area with no Call, from performance and management information
        (the panel's job; no community-call bonus, which only a Call earns)."""
        person = self.person()
        if OfficerRole(person.role) not in PANEL:
            raise IllegalTransition("Only the panel scores business areas.")
        if area not in BUSINESS_AREAS:
            raise IllegalTransition("Choose one of the business areas.")
        check_parts(parts)
        found = self.session.exec(select(AreaScore).where(AreaScore.service_area == area)).first()
        score = found or AreaScore(
            service_area=area,
            officer_id=saved_id(person),
            performance=0,
            satisfaction=0,
            complaints=0,
            business_critical=0,
            total=0,
        )
        for name in SCORE_PARTS:
            setattr(score, name, parts[name])
        score.total = area_total(score, self.weights)
        score.officer_id, score.scored_at = saved_id(person), self.now
        self.session.add(score)
        return score

    def programme(self, call: Call, start: date) -> None:
        """Schedules the scrutiny in the annual programme (a score comes first)."""
        if score_of(self.session, call) is None:
            raise IllegalTransition("Score the Call before putting it in the programme.")
        self._record(call, "programme", S.PROGRAMMED, f"Starts {start:%d %B %Y}")
        call.programme_start = start
        self.tell(call, "outcomes/programmed", start=start)

    def start_scrutiny(self, call: Call) -> None:
        """Begins the 10 steps of the scrutiny activity."""
        self._record(call, "start_scrutiny", S.IN_SCRUTINY)

    def record_step(self, call: Call, number: int, done_on: date, notes: str) -> None:
        """Marks one of the 10 steps done, with its date, notes and who did it."""
        if not 1 <= number <= SCRUTINY_STEPS:
            raise IllegalTransition(f"Steps are numbered 1 to {SCRUTINY_STEPS}.")
        self._record(call, "record_step", None, f"Step {number} done")
        step = self.session.exec(
            select(ScrutinyStep).where(
                ScrutinyStep.call_id == call.id, ScrutinyStep.number == number
            )
        ).first() or ScrutinyStep(call_id=saved_id(call), number=number)
        step.done_on, step.notes, step.officer_id = done_on, notes.strip(), self.person().id
        self.session.add(step)

    def report(self, call: Call, summary: str, presented_on: date) -> None:
        """The final report goes to the Executive Management Team and Board."""
        done = self.session.exec(
            select(ScrutinyStep).where(
                ScrutinyStep.call_id == call.id, col(ScrutinyStep.done_on).is_not(None)
            )
        ).all()
        if len(done) < SCRUTINY_STEPS:
            raise IllegalTransition(
                f"{SCRUTINY_STEPS - len(done)} of the 10 steps are not done yet."
            )
        # "A final report of the findings together with recommendations".
        if not self.session.exec(
            select(Recommendation).where(Recommendation.call_id == call.id)
        ).first():
            raise IllegalTransition("Add at least one recommendation before the final report.")
        self._record(call, "report", S.REPORTED, summary[:200])
        call.report_summary = summary.strip()
        call.reported_on = presented_on
        self.tell(call, "outcomes/reported", presented_on=presented_on)

    def add_recommendation(self, call: Call, text: str) -> Recommendation:
        """A recommendation of the final report to the Executive Management Team and Board."""
        if not text.strip():
            raise IllegalTransition("The recommendation is empty.")
        self._record(call, "add_recommendation", None, text.strip()[:200])
        recommendation = Recommendation(
            call_id=saved_id(call), text=text.strip(), created_at=self.now
        )
        self.session.add(recommendation)
        return recommendation

    def close(self, call: Call, note: str = "") -> None:
        """Closes a Call that needs nothing more (a monitored one once the panel has found the
        service improved)."""
        if call.status == S.MONITORING and call.monitoring_outcome != MonitoringOutcome.IMPROVED:
            raise IllegalTransition(
                "The panel is still monitoring this service: record its review first."
            )
        self._record(call, "close", S.CLOSED, note)
        call.closed_at = self.now
        # Calls joined into it close with it, so retention reaches their tenants' data too.
        close_joined(self.session, call, self.now)
