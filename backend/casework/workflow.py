"""The moves of the panel's process on a Call (the table of who may make them, from where, is
in lifecycle.py).

Every move checks the table, refuses an illegal one with IllegalTransition (naming the
state the Call is in), records a CallEvent (the timeline), and tells the tenant on the channel
they used. The time comes in as `now`; nothing here reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from backend import petitions
from backend.casework import follow_ups
from backend.casework.lifecycle import (
    MOVES,
    PANEL,
    SCRUTINY_STEPS,
    IllegalTransition,
    S,
    appeal_deadline,
    check,
    words,
)
from backend.casework.meetings import long_date, next_meeting
from backend.casework.scoring import SCORE_PARTS, area_total, check_parts, score_of, total_score
from backend.messaging.notify import tell_tenant
from backend.models import (
    Action,
    AreaScore,
    Call,
    CallNote,
    CallStatus,
    Decision,
    Officer,
    OfficerRole,
    PanelMeeting,
    Petition,
    Recommendation,
    Score,
    ScrutinyStep,
    SupportRequest,
    SupportStatus,
)
from backend.models.types import saved_id
from backend.settings import DEFAULT_SCORE_WEIGHTS, Settings
from backend.store.timeline import add_event
from bot.render import Renderer
from conversations import Outbound
from conversations.proforma import SERVICE_AREAS


class Workflow:
    """The moves, bound to a session, the time, the officer making them, and a way to tell."""

    def __init__(
        self,
        session: Session,
        renderer: Renderer,
        officer: Officer | None,
        now: datetime,
        *,
        settings: Settings | None = None,
    ) -> None:
        self.session = session
        self.renderer = renderer
        self.officer = officer  # None: the service itself (a petition reaching its target)
        self.now = now
        self.settings = settings
        self.weights = settings.score_weights if settings else DEFAULT_SCORE_WEIGHTS

    # -- plumbing ------------------------------------------------------------------------

    def _record(self, call: Call, move: str, to: CallStatus | None, note: str = "") -> None:
        if self.officer is not None:
            check(move, call, self.officer)
        elif CallStatus(call.status) not in MOVES[move].sources:
            raise IllegalTransition(
                f"Cannot {words(move)}: {call.reference} is {words(call.status)}."
            )
        before = call.status
        if to is not None:
            call.status = to
        call.updated_at = self.now
        self.session.add(call)
        officer_id = self.officer.id if self.officer else None
        add_event(
            self.session, call, move, self.now, note=note, officer_id=officer_id, from_status=before
        )

    def person(self) -> Officer:
        """The officer making this move: notes, scores and steps are always someone's."""
        if self.officer is None:
            raise IllegalTransition("Only an officer can do that.")
        return self.officer

    def tell(self, call: Call, template: str, **context: Any) -> None:
        """Tells the tenant, on the channel they used (`template` under templates/messages)."""
        tell_tenant(self.session, self.renderer, call, Outbound(template, context), self.now)

    def _tell_signers(self, call: Call, stage: str) -> None:
        """Signers who opted in hear the outcome too."""
        context = {
            "area": petitions.petition_area(call),  # as the petition they signed named it
            "stage": stage,
            "decision": call.decision or "",
        }
        petitions.tell_signers(
            self.session, self.renderer, call, Outbound("petition/outcome", context), self.now
        )

    # -- on any open Call ----------------------------------------------------------------

    def note(self, call: Call, body: str) -> None:
        """An internal note: officers and the panel see it, the tenant does not."""
        if not body.strip():
            raise IllegalTransition("The note is empty.")
        self._record(call, "note", None, "Internal note")
        self.session.add(
            CallNote(
                call_id=saved_id(call),
                officer_id=saved_id(self.person()),
                body=body.strip(),
                created_at=self.now,
            )
        )

    def reply(self, call: Call, text: str) -> None:
        """An officer's own words to the tenant, on the channel they used."""
        if not text.strip():
            raise IllegalTransition("The message is empty.")
        self._record(call, "reply", None, text.strip())
        self.tell(call, "officer_message", text=text.strip())

    # -- advice and evidence -------------------------------------------------------------

    def assign_officer(self, call: Call, officer: Officer) -> None:
        """An officer will help the tenant; the tenant hears their first name."""
        if not officer.active or officer.role not in (OfficerRole.OFFICER, OfficerRole.MANAGER):
            raise IllegalTransition(f"{officer.name} cannot be assigned to support a tenant.")
        to = S.GATHERING_EVIDENCE if call.status == S.SUBMITTED else None
        self._record(call, "assign_officer", to, f"Assigned {officer.name}")
        call.assigned_officer_id = officer.id
        for request in self.session.exec(
            select(SupportRequest).where(
                SupportRequest.call_id == call.id, SupportRequest.status == SupportStatus.OPEN
            )
        ):
            request.status = SupportStatus.ASSIGNED
            request.officer_id = officer.id
            self.session.add(request)
        self.tell(call, "outcomes/officer_assigned", officer=officer.first_name, route=call.route)

    def set_signatories(self, call: Call, needed: int) -> None:
        """CEP sets how many signatures the petition needs."""
        if not 1 <= needed <= 100_000:
            raise IllegalTransition("The number of signatures must be between 1 and 100,000.")
        self._record(call, "set_signatories", S.COLLECTING_SIGNATURES, f"{needed} signatures")
        call.signatories_needed = needed
        petition = petitions.petition_of(self.session, call)
        if petition is None and self.settings is not None:
            # A Call the tenant meant to pursue alone: the panel asks for signatures after all.
            petition = petitions.open_petition(self.session, call, self.settings, self.now)
        share = None
        if petition is not None and self.settings is not None:
            petitions.set_target(self.session, petition)
            share = petitions.share_url(self.settings, petition)
        self.tell(call, "outcomes/signatories_set", needed=needed, share_url=share)
        # Signatures gathered before the target was set may already be enough.
        if (
            petition is not None
            and self.settings is not None
            and petitions.check_milestones(
                self.session, petition, self.settings, self.renderer, needed, self.now
            )
        ):
            self.target_met(call)

    def target_met(self, call: Call) -> None:
        """The petition reached its target: the Call is ready, and joins the next agenda."""
        if call.status in MOVES["mark_ready"].sources:
            self.mark_ready(call, "Signatures reached the target")

    def accept_pro_forma(self, call: Call, reason: str) -> None:
        """The failure is so significant that the pro-forma itself is the Call."""
        self._record(call, "accept_pro_forma", S.READY, reason)
        call.accepted_without_evidence = True
        self._onto_next_agenda(call)

    def mark_ready(self, call: Call, note: str = "") -> None:
        """The evidence or the signatures are in: ready for the panel."""
        self._record(call, "mark_ready", S.READY, note)
        self._onto_next_agenda(call)

    # -- the panel meeting ---------------------------------------------------------------

    def _onto_next_agenda(self, call: Call) -> None:
        meeting = next_meeting(self.session, self.now.date())
        if meeting is not None:
            self.schedule(call, meeting)

    def add_meeting(self, held_on: date, location: str) -> PanelMeeting:
        """Schedules a panel meeting; every Call ready for the panel joins the next agenda."""
        if held_on < self.now.date():
            raise IllegalTransition("Give the meeting a date from today on.")
        meeting = PanelMeeting(held_on=held_on, location=location[:200], created_at=self.now)
        self.session.add(meeting)
        self.session.flush()
        upcoming = next_meeting(self.session, self.now.date())
        if upcoming is not None:
            for call in self.session.exec(select(Call).where(Call.status == S.READY)):
                self.schedule(call, upcoming)
        return meeting

    def schedule(self, call: Call, meeting: PanelMeeting) -> None:
        """Puts the Call on a meeting's agenda and tells the tenant the date."""
        if meeting.held_on < self.now.date():
            raise IllegalTransition("That meeting has already taken place.")
        self._record(call, "schedule", S.ON_AGENDA, f"Agenda of {meeting.held_on:%d %B %Y}")
        call.meeting_id = meeting.id
        self.tell(call, "outcomes/on_agenda", meeting_date=long_date(meeting.held_on))

    def decide(
        self,
        call: Call,
        decision: Decision,
        reasons: str,
        *,
        advice: str = "",
        recommendations: str = "",
    ) -> None:
        """Records the panel's decision and tells the tenant, with their right of appeal."""
        if not reasons.strip():
            raise IllegalTransition("Give the reasons for the decision: the tenant is told them.")
        if decision == Decision.NOT_EXHAUSTED and not advice.strip():
            raise IllegalTransition("Say which avenue the tenant should use first.")
        if decision == Decision.SERIOUS_FAILURE and not recommendations.strip():
            raise IllegalTransition("Give the immediate recommendations.")
        self._record(call, "decide", CallStatus(decision.value), reasons)
        call.decision = decision
        call.decision_reasons = reasons.strip()
        call.advice = advice.strip()
        call.immediate_recommendations = recommendations.strip()
        call.decided_at = self.now
        deadline = appeal_deadline(call)
        assert deadline is not None  # noqa: S101 - decided_at was just set
        petitions.close_for_decision(self.session, call, self.now)
        self._tell_signers(call, "decided")
        self.tell(
            call,
            f"outcomes/decision_{decision.value}",
            reasons=call.decision_reasons,
            advice=call.advice,
            appeal_by=long_date(deadline),
        )

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
        score.community_bonus = int(weights["community_bonus"])
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
        if area not in SERVICE_AREAS or area == "other":
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
        self.tell(call, "outcomes/programmed", start=f"{start:%B %Y}")

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
        self._record(call, "report", S.REPORTED, summary[:200])
        call.report_summary = summary.strip()
        call.reported_on = presented_on
        self.tell(call, "outcomes/reported", presented_on=long_date(presented_on))

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

    def add_action(self, call: Call, description: str, owner: str, due_on: date) -> Action:
        """An action for the plan agreed with the Head of Operations."""
        if not description.strip() or not owner.strip():
            raise IllegalTransition("Say what the action is and who owns it.")
        self._record(call, "add_action", None, f"{description.strip()[:150]} ({owner.strip()})")
        action = Action(
            call_id=saved_id(call),
            description=description.strip(),
            owner=owner.strip(),
            due_on=due_on,
            created_at=self.now,
        )
        self.session.add(action)
        return action

    def action_done(self, call: Call, action: Action) -> None:
        """Marks an action of the plan done today."""
        if action.call_id != call.id:
            raise IllegalTransition("That action belongs to another Call.")
        self._record(call, "action_done", None, action.description[:200])
        action.done_on = self.now.date()
        self.session.add(action)

    def agree_action_plan(self, call: Call) -> None:
        """The Head of Operations and the panel agree the actions; the panel monitors them."""
        if not self.session.exec(select(Action).where(Action.call_id == call.id)).first():
            raise IllegalTransition("Add at least one action before agreeing the plan.")
        self._record(call, "agree_action_plan", S.ACTION_PLAN)
        self.tell(call, "outcomes/action_plan")

    def complete(self, call: Call) -> None:
        """Every action is done: the tenant hears, and is asked later whether it helped."""
        actions = self.session.exec(select(Action).where(Action.call_id == call.id)).all()
        if any(a.done_on is None for a in actions):
            raise IllegalTransition("Some actions are still open.")
        self._record(call, "complete", S.COMPLETED)
        self.tell(call, "outcomes/completed")
        self._tell_signers(call, "completed")
        follow_ups.schedule(self.session, call, self.now)

    def close(self, call: Call, note: str = "") -> None:
        """Closes a Call that needs nothing more."""
        self._record(call, "close", S.CLOSED, note)
        call.closed_at = self.now

    def record(self, call: Call, move: str, note: str = "") -> None:
        """Records a move that changes no status (an appeal lodged, say) on the timeline."""
        self._record(call, move, None, note)

    def change_decision(self, call: Call, decision: Decision, note: str) -> None:
        """An appeal panel overturned the decision: its decision is final."""
        self._record(call, "appeal_outcome", CallStatus(decision.value), note)
        call.decision = decision


def after_signature(
    session: Session,
    petition: Petition,
    outcome: petitions.SignOutcome,
    renderer: Renderer,
    settings: Settings,
    now: datetime,
) -> None:
    """A signature that reached the petition's target moves its Call on (the service's move)."""
    if outcome.target_met:
        call = session.get(Call, petition.call_id)
        if call is not None:
            Workflow(session, renderer, None, now, settings=settings).target_met(call)
