"""After the final report: the Board and EMT consider it and delegate the response, the
Customer Empowerment Manager and the Head of Operations respond to each recommendation, and the
Head of Operations agrees the action plan with the panel, which monitors it to the end."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from backend import petitions
from backend.casework import follow_ups
from backend.casework.areas import area_of
from backend.casework.heads import head_for
from backend.casework.lifecycle import IllegalTransition, S
from backend.casework.meetings import long_date
from backend.casework.moves import Moves
from backend.casework.plan_check import plan_check
from backend.models import (
    Action,
    Call,
    Officer,
    OfficerRole,
    Recommendation,
    RecommendationResponse,
)
from backend.models.types import saved_id
from bot.render import label

# Who considers the final report: "presented to PCHA Executive Management Team and PCHA Board".
BODIES = {"board": "The Board", "emt": "The Executive Management Team"}


class Planning(Moves):
    """Moves from the final report to the completed action plan."""

    # -- the Board and EMT ---------------------------------------------------------------

    def record_consideration(self, call: Call, body: str, on: date) -> None:
        """Records the day the Board, or the Executive Management Team, considered the report."""
        if body not in BODIES:
            raise IllegalTransition("Say whether the Board or the EMT considered the report.")
        if call.reported_on is not None and on < call.reported_on:
            raise IllegalTransition(
                f"The report was presented on {long_date(call.reported_on)}: it cannot have "
                "been considered before that."
            )
        if on > self.now.date():
            raise IllegalTransition("Record the day it was considered, once it has been.")
        self._record(
            call, "record_consideration", None, f"{BODIES[body]} considered it on {on:%d %B %Y}"
        )
        if body == "board":
            call.board_considered_on = on
        else:
            call.emt_considered_on = on

    def delegate(self, call: Call, manager: Officer, on: date) -> None:
        """The Board and EMT delegate the response to the recommendations "to the Customer
        Empowerment Manager and Head of Operations for that particular area of the business"."""
        if call.board_considered_on is None or call.emt_considered_on is None:
            raise IllegalTransition(
                "Both the Board and the Executive Management Team consider the report first."
            )
        if on < max(call.board_considered_on, call.emt_considered_on) or on > self.now.date():
            raise IllegalTransition(
                "The delegation is dated on or after both considered the report, and not "
                "in the future."
            )
        if manager.role != OfficerRole.MANAGER or not manager.active:
            raise IllegalTransition(f"{manager.name} is not a Customer Empowerment Manager.")
        area = area_of(call)
        head = head_for(self.session, area)
        if head is None:
            raise IllegalTransition(
                f"Name the Head of Operations for {label('service_area', area)} first."
                if area
                else "Record the business area this concerns first."
            )
        self._record(
            call,
            "delegate",
            None,
            f"Delegated on {on:%d %B %Y} to {manager.name} (Customer Empowerment Manager) and "
            f"{head.name} (Head of Operations for {label('service_area', area or '')})",
        )
        call.delegated_on, call.delegated_manager_id, call.head_of_operations_id = (
            on,
            manager.id,
            head.id,
        )

    # -- responses and actions -----------------------------------------------------------

    def respond(
        self, call: Call, recommendation: Recommendation, response: str, reason: str
    ) -> None:
        """The response to one recommendation: accepted, partly accepted or not, and why."""
        if recommendation.call_id != call.id:
            raise IllegalTransition("That recommendation belongs to another Call.")
        try:
            answer = RecommendationResponse(response)
        except ValueError as error:
            raise IllegalTransition(
                "Say whether it is accepted, partly accepted or not accepted."
            ) from error
        if not reason.strip():
            raise IllegalTransition("Give the reason for the response: the panel reads it.")
        if call.reported_on is not None and call.delegated_on is None:
            raise IllegalTransition(
                "The Board and EMT delegate the response first: record when they considered "
                "the report, and the delegation."
            )
        check = plan_check(self.session, call)
        if answer == RecommendationResponse.NOT_ACCEPTED and check.actions_for(recommendation):
            raise IllegalTransition(
                "Actions in the plan answer this recommendation, so it cannot be not accepted."
            )
        number = check.number(recommendation)
        self._record(call, "respond", None, f"Recommendation {number}: {label('response', answer)}")
        recommendation.response = answer
        recommendation.response_reason = reason.strip()
        recommendation.responded_at = self.now
        recommendation.responded_by = saved_id(self.person())
        self.session.add(recommendation)

    def add_action(
        self,
        call: Call,
        description: str,
        owner: str,
        due_on: date,
        recommendation: Recommendation | None = None,
    ) -> Action:
        """An action for the plan agreed with the Head of Operations: what, who owns it, by when,
        and the recommendation it answers (none: a serious failure's immediate ones)."""
        if not description.strip() or not owner.strip():
            raise IllegalTransition("Say what the action is and who owns it.")
        if due_on < self.now.date():
            raise IllegalTransition("The due date cannot be in the past.")
        if recommendation is not None:
            if recommendation.call_id != call.id:
                raise IllegalTransition("That recommendation belongs to another Call.")
            if recommendation.response == RecommendationResponse.NOT_ACCEPTED:
                raise IllegalTransition(
                    "That recommendation was not accepted: no action answers it."
                )
        self._record(call, "add_action", None, f"{description.strip()[:150]} ({owner.strip()})")
        action = Action(
            call_id=saved_id(call),
            recommendation_id=recommendation.id if recommendation else None,
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
        if action.done_on is not None:
            raise IllegalTransition("That action is done already.")
        self._record(call, "action_done", None, action.description[:200])
        action.done_on = self.now.date()
        self.session.add(action)
        plan = plan_check(self.session, call).actions
        done = sum(1 for a in plan if a.done_on is not None or a.id == action.id)
        self.tell(call, "outcomes/action_done", what=action.description, done=done, total=len(plan))

    # -- the plan ------------------------------------------------------------------------

    def agree_action_plan(self, call: Call) -> None:
        """The Head of Operations agrees the plan with the panel, by name; the panel monitors it."""
        check = plan_check(self.session, call)
        missing = check.missing()
        if missing or check.head is None:
            raise IllegalTransition("Not yet: " + " ".join(missing))
        self._record(call, "agree_action_plan", S.ACTION_PLAN, f"Agreed with {check.head.name}")
        call.plan_agreed_with, call.plan_agreed_on = check.head.name[:80], self.now.date()
        # The tenant, and signers who asked to hear, are told in plain words what the review
        # found (the report's summary: a serious failure's plan has none) and what will change.
        actions = [{"what": a.description, "by": a.due_on} for a in check.actions]
        area = petitions.petition_area(call)
        if call.report_summary:
            self.tell(call, "outcomes/review_found", summary=call.report_summary, signer=False)
            self._tell_signers_that(
                call, "outcomes/review_found", summary=call.report_summary, area=area
            )
        self.tell(call, "outcomes/action_plan", actions=actions, signer=False)
        self._tell_signers_that(call, "outcomes/action_plan", actions=actions, area=area)

    def complete(self, call: Call) -> None:
        """Every action is done: the tenant hears, and is asked later whether it helped."""
        actions = self.session.exec(select(Action).where(Action.call_id == call.id)).all()
        if any(a.done_on is None for a in actions):
            raise IllegalTransition("Some actions are still open.")
        self._record(call, "complete", S.COMPLETED)
        self.tell(call, "outcomes/completed")
        self._tell_signers(call, "completed")
        follow_ups.schedule(self.session, call, self.now)
