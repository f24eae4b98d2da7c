"""Before the panel decides: an officer to help, the area, the signatories, ready for the
panel, and the meeting's agenda."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from backend import petitions
from backend.casework.areas import BUSINESS_AREAS, NOT_AN_AREA
from backend.casework.lifecycle import (
    MOVES,
    IllegalTransition,
    S,
)
from backend.casework.meetings import next_meeting
from backend.casework.moves import Moves
from backend.models import (
    Call,
    Officer,
    OfficerRole,
    PanelMeeting,
    SupportRequest,
    SupportStatus,
)
from bot.render import label


class Advising(Moves):
    """Moves while CEP advises the tenant and the Call waits for the panel."""

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

    def set_signatories(self, call: Call, needed: int, summary: str = "") -> None:
        """CEP sets how many signatures the petition needs, and an officer's `summary` of the
        problem (written or approved) becomes what neighbours read and the tenant forwards."""
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
            if summary.strip():
                try:
                    petitions.describe(petition, summary)
                except ValueError as wrong:
                    raise IllegalTransition(str(wrong)) from wrong
        self.tell(call, "outcomes/signatories_set", needed=needed, share_url=share)
        if petition is not None and self.settings is not None and summary.strip():
            link = petitions.link_message(self.settings, petition, call, petition.summary)
            self.tell(call, link.template, **link.context)
        # Signatures gathered before the target was set may already be enough.
        if (
            petition is not None
            and self.settings is not None
            and petitions.check_milestones(
                self.session, petition, self.settings, self.notifier, needed
            )
        ):
            self.target_met(call)

    def target_met(self, call: Call) -> None:
        """The petition reached its target: the Call is ready, and joins the next agenda."""
        if call.status in MOVES["mark_ready"].sources:
            self.mark_ready(call, "Signatures reached the target")

    def record_area(self, call: Call, households: int | None, business_area: str = "") -> None:
        """An officer records the size of the area or block the Call is about, for the
        petition's target, and for a Call about "something else" the business area it concerns
        (the appeal panel's conflict rule applies to that area)."""
        if households is not None and not 1 <= households <= 100_000:
            raise IllegalTransition("Give the number of households from 1 to 100,000.")
        if business_area and business_area not in BUSINESS_AREAS:
            raise IllegalTransition("Choose one of the business areas.")
        if business_area and call.service_area not in NOT_AN_AREA:
            raise IllegalTransition(
                "Only a Call about something else, or not sure which, needs its business area."
            )
        parts = [f"{households} households in the area" if households else ""]
        if business_area:
            parts.append(f"business area: {label('service_area', business_area)}")
        self._record(call, "record_area", None, "; ".join(p for p in parts if p))
        call.area_households = households
        call.business_area = business_area or call.business_area

    def accept_pro_forma(self, call: Call, reason: str) -> None:
        """The failure is so significant that the pro-forma itself is the Call."""
        self._record(call, "accept_pro_forma", S.READY, reason)
        call.accepted_without_evidence = True
        self._onto_next_agenda(call)

    def mark_ready(self, call: Call, note: str = "") -> None:
        """The evidence or the signatures are in: ready for the panel."""
        petition = petitions.petition_of(self.session, call)
        needed = call.signatories_needed
        if call.status == S.COLLECTING_SIGNATURES and petition and needed:
            count = petitions.count_of(self.session, petition)
            if count < needed:
                # The seed: the panel "may consider that the service failure is so significant
                # that no further evidence is required and will accept the pro-forma".
                raise IllegalTransition(
                    f"The petition has {count} of the {needed} signatures the panel asked for. "
                    "The panel can accept the pro-forma on its own instead, with a reason."
                )
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
        self.tell(call, "outcomes/on_agenda", meeting_date=meeting.held_on)
