"""What the panel records with a decision, and the checks that it is complete.

The seed: the panel "will look to identify systematic failures or persistent service delivery
failure. They will also look to see if the petitioners have attempted to resolve the situation
through the channels that are available, for example, the complaints procedure."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend import petitions
from backend.casework.lifecycle import (
    IllegalTransition,
    S,
    appeal_deadline,
)
from backend.casework.meetings import long_date
from backend.casework.moves import Moves
from backend.models import (
    Call,
    CallStatus,
    ComplaintsUsed,
    Decision,
    FailureFound,
    MonitoringOutcome,
    OfficerRole,
    PanelMeeting,
)
from bot.render import label


@dataclass(frozen=True)
class Grounds:
    """The panel's reasons and checks for a decision (an appeal panel's changed one too)."""

    reasons: str
    failure_found: str = ""  # FailureFound
    complaints_used: str = ""  # ComplaintsUsed
    advice: str = ""  # other avenues first: which one
    recommendations: str = ""  # a serious failure: the immediate recommendations
    monitoring_what: str = ""  # referred to monitor: what the panel will watch
    review_on: date | None = None  # referred to monitor: when it looks again

    def check(self, decision: Decision, today: date) -> None:
        """Refuses a decision that lacks what the tenant must be told or the panel must record."""
        if not self.reasons.strip():
            raise IllegalTransition("Give the reasons for the decision: the tenant is told them.")
        if self.failure_found not in set(FailureFound):
            raise IllegalTransition(
                "Record whether the panel found a systematic or persistent failure."
            )
        if self.complaints_used not in set(ComplaintsUsed):
            raise IllegalTransition("Record how far the complaints procedure was used.")
        if decision == Decision.NOT_EXHAUSTED and not self.advice.strip():
            raise IllegalTransition("Say which avenue the tenant should use first.")
        if decision == Decision.SERIOUS_FAILURE and not self.recommendations.strip():
            raise IllegalTransition("Give the immediate recommendations.")
        if decision == Decision.MONITORING:
            if not self.monitoring_what.strip():
                raise IllegalTransition("Say what the panel will monitor.")
            if self.review_on is None or self.review_on <= today:
                raise IllegalTransition("Give the date, after today, when the panel looks again.")


class Deciding(Moves):
    """The panel's decision, monitoring reviews, and a decision changed on appeal."""

    def decide(
        self, call: Call, decision: Decision, grounds: Grounds, *, override: str = ""
    ) -> None:
        """Records the panel's decision, its checks and reasons, and tells the tenant, with
        their right of appeal.

        "Any Community Call for Scrutiny will be considered at the next scheduled meeting":
        the decision is recorded at or after the meeting whose agenda holds the Call. A manager
        may record it earlier, with a reason that goes on the timeline.
        """
        self._allowed(call, "decide")
        grounds.check(decision, self.now.date())
        meeting = self.session.get(PanelMeeting, call.meeting_id) if call.meeting_id else None
        early = meeting is not None and meeting.held_on > self.now.date()
        if early and meeting is not None:
            if not override.strip():
                raise IllegalTransition(
                    f"The panel meets on {long_date(meeting.held_on)}: record its decision at or "
                    "after that meeting (a manager can record it earlier, with a reason)."
                )
            if self.officer is None or self.officer.role != OfficerRole.MANAGER:
                raise IllegalTransition("Only a manager can record a decision before the meeting.")
        note = grounds.reasons.strip()
        if early and meeting is not None:
            before = f"Recorded before the meeting of {meeting.held_on:%d %B %Y}"
            note = f"{before}: {override.strip()}. {note}"
        self._record(call, "decide", CallStatus(decision.value), note)
        self._apply(call, decision, grounds)
        call.decided_at = self.now
        petitions.close_for_decision(self.session, call, self.now)
        self._tell_signers(call, "decided")
        self._tell_decision(call)

    def _apply(self, call: Call, decision: Decision, grounds: Grounds) -> None:
        call.decision = decision
        call.decision_reasons = grounds.reasons.strip()
        call.failure_found = grounds.failure_found
        call.complaints_used = grounds.complaints_used
        call.advice = grounds.advice.strip()
        call.immediate_recommendations = grounds.recommendations.strip()
        call.monitoring_what = grounds.monitoring_what.strip()
        call.monitoring_review_on = grounds.review_on
        call.monitoring_outcome = ""

    def _tell_decision(self, call: Call) -> None:
        """The decision, in plain words, with how to appeal (by message or in writing)."""
        deadline = appeal_deadline(call)
        assert deadline is not None  # noqa: S101 - a decided Call has its date
        review_on = call.monitoring_review_on
        self.tell(
            call,
            f"outcomes/decision_{call.decision}",
            reasons=call.decision_reasons,
            advice=call.advice,
            recommendations=call.immediate_recommendations,
            failure_found=call.failure_found,
            complaints_used=call.complaints_used,
            monitoring_what=call.monitoring_what,
            review_on=review_on or "",
        )
        if call.decision != Decision.ACCEPTED:  # nothing to appeal in an acceptance
            self.tell(call, "outcomes/appeal_rights", appeal_by=deadline)

    def review_monitoring(
        self,
        call: Call,
        outcome: MonitoringOutcome,
        note: str,
        *,
        next_review_on: date | None = None,
        accept: bool = False,
    ) -> None:
        """The panel looks again at a service it monitored: improved (the Call can close), or
        not improved, when it keeps watching until a new date or accepts the Call for scrutiny.
        """
        self._allowed(call, "review_monitoring")
        if not note.strip():
            raise IllegalTransition("Say what the panel found: the tenant is told.")
        if outcome == MonitoringOutcome.IMPROVED and (accept or next_review_on):
            raise IllegalTransition("An improved service needs no new review and no scrutiny.")
        later = next_review_on is not None and next_review_on > self.now.date()
        if outcome == MonitoringOutcome.NOT_IMPROVED and not accept and not later:
            raise IllegalTransition(
                "Give the date the panel looks again, or accept the Call for scrutiny."
            )
        to = S.ACCEPTED if accept else None
        self._record(call, "review_monitoring", to, f"{label('monitoring', outcome)}: {note}")
        call.monitoring_outcome = outcome
        if next_review_on is not None:
            call.monitoring_review_on = next_review_on
        if accept:
            call.decision = Decision.ACCEPTED
        self.tell(
            call,
            "outcomes/monitoring_review",
            outcome=outcome,
            accepted=accept,
            note=note.strip(),
            review_on=next_review_on or "",
        )

    def change_decision(self, call: Call, decision: Decision, grounds: Grounds, note: str) -> None:
        """An appeal panel overturned the decision: its decision is final, and it needs the
        same reasons, advice or recommendations as a first decision."""
        self._allowed(call, "appeal_outcome")
        grounds.check(decision, self.now.date())
        self._record(call, "appeal_outcome", CallStatus(decision.value), note)
        self._apply(call, decision, grounds)
