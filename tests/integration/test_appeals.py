"""Appeals: the 28-day rule, the independent appeal panel, the final outcome, and the pages."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend import appeals
from backend.casework.decisions import Grounds
from backend.casework.lifecycle import IllegalTransition
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import (
    Appeal,
    AppealPanelMember,
    Call,
    CallEvent,
    CallStatus,
    Contact,
    Decision,
    Message,
    Officer,
    Representative,
)
from backend.services import Services, message_renderer
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact, make_officer, sign_in

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
DEADLINE_DAY = NOW + timedelta(days=28)  # Monday 21 December 2026: the last day
DAY_29 = NOW + timedelta(days=29)
TENANTS = itertools.count(1)


# -- helpers ---------------------------------------------------------------------------------


def told(session: Session, call: Call) -> list[str]:
    """What the tenant has been sent (queued in the outbox), oldest first."""
    return [
        m.body
        for m in session.exec(
            select(Message)
            .where(Message.contact_id == call.contact_id, Message.direction == "out")
            .order_by(col(Message.id))
        )
    ]


def decided_call(
    session: Session,
    settings: Settings,
    *,
    area: str = "repairs",
    contact: Contact | None = None,
    decision: Decision = Decision.MONITORING,
) -> Call:
    """A Call the panel decided at NOW, about `area` (a new tenant's, unless `contact`)."""
    if contact is None:
        contact = make_contact(session, address=f"tenant-{next(TENANTS)}")
    call = make_call(session, contact, service_area=area)
    call.status = CallStatus.ON_AGENDA
    panel = make_officer(session, "panel", email=f"decider-{call.id}@example.org")
    grounds = Grounds(
        "The evidence shows a service to watch.",
        "persistent",
        "stage_1",
        advice="Use stage 2.",
        recommendations="Fix the lights this week.",
        monitoring_what="the communal lights",
        review_on=(NOW + timedelta(days=90)).date(),
    )
    Workflow(Notifier.of(session, settings, NOW), panel).decide(call, decision, grounds)
    session.flush()
    return call


@pytest.fixture
def people(session: Session) -> dict[str, Officer]:
    return {
        role: make_officer(session, role, email=f"{role}@example.org", name=f"{role.title()} Lee")
        for role in ("officer", "panel", "manager", "viewer")
    }


def flow_for(session: Session, settings: Settings, officer: Officer, at: datetime) -> Workflow:
    return Workflow(Notifier.of(session, settings, at), officer)


def add_people(session: Session, count: int, **kwargs: str) -> list[Representative]:
    """`count` representatives who may hear any appeal (unless `kwargs` say otherwise)."""
    existing = len(appeals.representatives(session, active_only=False))
    return [
        appeals.add_representative(
            session,
            f"Rep {existing + n}",
            kwargs.get("involvement", "residents_groups"),
            kwargs.get("serves_group"),
        )
        for n in range(count)
    ]


def ids(people: list[Representative]) -> list[int]:
    return [p.id for p in people if p.id is not None]


def lodged(session: Session, settings: Settings, people: dict[str, Officer], call: Call) -> Appeal:
    """An appeal lodged on time from a letter."""
    flow = flow_for(session, settings, people["officer"], NOW + timedelta(days=3))
    return appeals.lodge(flow, call, "The panel did not read my letters.", "letter")


def events(session: Session, call: Call) -> list[CallEvent]:
    return list(
        session.exec(
            select(CallEvent).where(CallEvent.call_id == call.id).order_by(col(CallEvent.id))
        )
    )


# -- lodging ---------------------------------------------------------------------------------


def test_the_business_groups_follow_the_framework() -> None:
    assert appeals.group_of("void_works") == "repairs_maintenance"
    assert appeals.group_of("independent_living") == "housing_support"
    assert appeals.group_of("other") is None
    assert len(appeals.INVOLVEMENT) == 13 and "cep_scrutiny" in appeals.INVOLVEMENT


def test_an_appeal_on_day_28_is_on_time_and_on_day_29_is_late(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    on_time = decided_call(session, settings, contact=make_contact(session, address="a"))
    appeal = appeals.lodge(
        flow_for(session, settings, people["officer"], DEADLINE_DAY), on_time, "Unfair", "letter"
    )
    assert appeal.id is not None and appeal.late_override == ""
    assert events(session, on_time)[-1].action == "lodge_appeal"
    assert "We have your appeal about Call " + on_time.reference in told(session, on_time)[-1]

    late = decided_call(session, settings, contact=make_contact(session, address="b"))
    with pytest.raises(IllegalTransition, match=r"late.*Monday 21 December 2026.*manager"):
        appeals.lodge(
            flow_for(session, settings, people["officer"], DAY_29), late, "Unfair", "letter"
        )
    assert appeals.appeals_of(session, late) == []


def test_a_letter_that_arrived_on_time_counts_even_if_typed_in_later(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    call = decided_call(session, settings)
    flow = flow_for(session, settings, people["officer"], NOW + timedelta(days=35))
    appeal = appeals.lodge(
        call=call, flow=flow, reasons="Unfair", via="letter", received_on=DEADLINE_DAY.date()
    )
    assert appeal.lodged_at.date() == DEADLINE_DAY.date()
    assert "received Monday 21 December 2026" in events(session, call)[-1].note


def test_only_a_manager_can_accept_a_late_appeal_and_must_say_why(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    call = decided_call(session, settings)
    as_officer = flow_for(session, settings, people["officer"], DAY_29)
    with pytest.raises(IllegalTransition, match="Only a manager"):
        appeals.lodge(as_officer, call, "Unfair", "letter", override="They were in hospital")
    as_manager = flow_for(session, settings, people["manager"], DAY_29)
    with pytest.raises(IllegalTransition, match="say why"):
        appeals.lodge(as_manager, call, "Unfair", "letter")
    assert appeals.appeals_of(session, call) == []

    appeal = appeals.lodge(as_manager, call, "Unfair", "letter", override="In hospital")
    assert appeal.late_override == "In hospital"
    note = events(session, call)[-1].note
    assert "1 day after the deadline by Manager Lee: In hospital" in note


def test_no_appeal_without_a_decision_and_only_one_at_a_time(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    flow = flow_for(session, settings, people["officer"], NOW)
    undecided = make_call(session, make_contact(session, address="undecided"))
    with pytest.raises(IllegalTransition, match="no decision"):
        appeals.lodge(flow, undecided, "Unfair", "letter")
    call = decided_call(session, settings)
    appeals.lodge(flow, call, "Unfair", "letter")
    with pytest.raises(IllegalTransition, match="already has an appeal"):
        appeals.lodge(flow, call, "Unfair again", "letter")
    with pytest.raises(IllegalTransition, match="reasons"):
        appeals.lodge(flow, decided_call(session, settings), "  ", "letter")
    viewer = flow_for(session, settings, people["viewer"], NOW)
    with pytest.raises(IllegalTransition, match="viewer account cannot"):
        appeals.lodge(viewer, decided_call(session, settings), "Unfair", "letter")


# -- the appeal panel ------------------------------------------------------------------------


def test_an_appeal_panel_has_four_to_six_members(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    call = decided_call(session, settings)
    appeal = lodged(session, settings, people, call)
    flow = flow_for(session, settings, people["panel"], NOW + timedelta(days=5))
    reps = add_people(session, 7)
    with pytest.raises(IllegalTransition, match="4 to 6 members: 3 were chosen"):
        appeals.choose_panel(flow, appeal, ids(reps[:3]))
    with pytest.raises(IllegalTransition, match="4 to 6 members: 7 were chosen"):
        appeals.choose_panel(flow, appeal, ids(reps))
    # The same person ticked twice counts once.
    with pytest.raises(IllegalTransition, match="3 were chosen"):
        appeals.choose_panel(flow, appeal, [*ids(reps[:3]), ids(reps)[0]])
    assert appeals.panel_of(session, appeal) == []

    appeals.choose_panel(flow, appeal, ids(reps[:4]))
    assert len(appeals.panel_of(session, appeal)) == 4
    # Choosing again replaces the panel, keeping anyone chosen both times.
    appeals.choose_panel(flow, appeal, ids(reps[2:]))
    assert {p.id for p in appeals.panel_of(session, appeal)} == set(ids(reps[2:]))
    assert events(session, call)[-1].action == "appeal_panel"


def test_nobody_from_the_deciding_panel_or_the_business_area_may_sit(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    call = decided_call(session, settings, area="repairs")
    appeal = lodged(session, settings, people, call)
    flow = flow_for(session, settings, people["manager"], NOW)
    others = add_people(session, 4)
    scrutiny = appeals.add_representative(session, "Pat Kay", "cep_scrutiny", None)
    with pytest.raises(IllegalTransition, match="Pat Kay sits on the Customer Empowerment Panel"):
        appeals.choose_panel(flow, appeal, [*ids(others[:3]), ids([scrutiny])[0]])
    # "A minimum of 4 and maximum of 6 representatives from other involvement methods": the
    # panel's own functions are not another method.
    ana = appeals.add_representative(session, "Ana Cole", "cep_performance", None)
    with pytest.raises(IllegalTransition, match="Ana Cole represents one of the Customer"):
        appeals.choose_panel(flow, appeal, [*ids(others[:3]), ids([ana])[0]])
    sam = appeals.add_representative(session, "Sam Lee", "tmo", "repairs_maintenance")
    with pytest.raises(IllegalTransition) as refused:
        appeals.choose_panel(flow, appeal, [*ids(others[:3]), ids([sam])[0]])
    assert (
        str(refused.value) == "Sam Lee serves Repairs and Maintenance, the area this Call is about."
    )
    # Someone serving the other business area is independent of this one.
    kim = appeals.add_representative(session, "Kim Ray", "tmo", "housing_support")
    appeals.choose_panel(flow, appeal, [*ids(others[:3]), ids([kim])[0]])
    gone = others[3]
    appeals.deactivate(session, ids([gone])[0])
    with pytest.raises(IllegalTransition, match="no longer available"):
        appeals.choose_panel(flow, appeal, ids(others))


def test_an_officer_cannot_choose_the_panel(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    appeal = lodged(session, settings, people, decided_call(session, settings))
    flow = flow_for(session, settings, people["officer"], NOW)
    with pytest.raises(IllegalTransition, match="Only the panel or a manager"):
        appeals.choose_panel(flow, appeal, ids(add_people(session, 4)))


# -- the outcome -----------------------------------------------------------------------------


def test_an_upheld_decision_stands_and_the_tenant_is_told_it_is_final(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    call = decided_call(session, settings)
    appeal = lodged(session, settings, people, call)
    flow = flow_for(session, settings, people["panel"], NOW + timedelta(days=20))
    with pytest.raises(IllegalTransition, match="Choose a valid appeal panel first"):
        appeals.decide_appeal(flow, appeal, "upheld", "The evidence was read.")
    appeals.choose_panel(flow, appeal, ids(add_people(session, 5)))
    with pytest.raises(IllegalTransition, match="reasons"):
        appeals.decide_appeal(flow, appeal, "upheld", " ")

    appeals.decide_appeal(flow, appeal, "upheld", "The panel read every letter.")
    assert (call.status, call.decision) == (CallStatus.MONITORING, "monitoring")
    assert (appeal.outcome, appeal.new_decision) == ("upheld", None)
    assert appeal.decided_at == NOW + timedelta(days=20)
    last = events(session, call)[-1]
    assert last.action == "appeal_outcome" and "decision upheld" in last.note
    text = told(session, call)[-1]
    assert "the panel's decision stands" in text and "This decision is final" in text

    with pytest.raises(IllegalTransition, match="already decided this appeal"):
        appeals.decide_appeal(flow, appeal, "overturned", "Changed our minds", Decision.ACCEPTED)
    with pytest.raises(IllegalTransition, match="already decided"):
        appeals.choose_panel(flow, appeal, ids(add_people(session, 4)))
    with pytest.raises(IllegalTransition, match="final"):
        appeals.lodge(flow, call, "Another go", "letter")


def test_an_overturned_decision_changes_the_call(
    session: Session, settings: Settings, people: dict[str, Officer]
) -> None:
    call = decided_call(session, settings)
    appeal = lodged(session, settings, people, call)
    flow = flow_for(session, settings, people["manager"], NOW + timedelta(days=20))
    appeals.choose_panel(flow, appeal, ids(add_people(session, 6)))
    with pytest.raises(IllegalTransition, match="new decision"):
        appeals.decide_appeal(flow, appeal, "overturned", "Strong evidence")
    with pytest.raises(IllegalTransition, match="must differ"):
        appeals.decide_appeal(flow, appeal, "overturned", "Strong evidence", Decision.MONITORING)

    appeals.decide_appeal(flow, appeal, "overturned", "Strong evidence.", Decision.ACCEPTED)
    assert (call.status, call.decision) == (CallStatus.ACCEPTED, "accepted")
    assert (appeal.outcome, appeal.new_decision) == ("overturned", "accepted")
    last = events(session, call)[-1]
    assert (last.action, last.from_status, last.to_status) == (
        "appeal_outcome",
        "monitoring",
        "accepted",
    )
    assert "the decision is changed: Accepted" in told(session, call)[-1]


# -- the tenant's own appeal by message ------------------------------------------------------


def test_an_appeal_by_message(session: Session, settings: Settings) -> None:
    renderer = message_renderer(settings)
    tenant = make_contact(session, "sms", "+447911123456")
    stranger = make_contact(session, "sms", "+447911000000")
    call = decided_call(session, settings, contact=tenant)

    def reply(contact: Contact, reference: str, reasons: str, at: datetime) -> str:
        out = appeals.lodge_by_message(session, contact, reference, reasons, at)
        return f"{out.template}: {renderer.render(out).text}"

    someone_elses = reply(stranger, call.reference, "Unfair", NOW)
    assert someone_elses.startswith("outcomes/appeal_unknown")
    assert "could not find a Call " + call.reference in someone_elses
    late = reply(tenant, call.reference, "Unfair", DAY_29)
    assert late.startswith("outcomes/appeal_late") and "Monday 21 December 2026" in late
    assert reply(tenant, call.reference, "", NOW).startswith("outcomes/appeal_reasons")
    assert appeals.appeals_of(session, call) == []

    on_time = reply(tenant, call.reference.lower(), "Nobody read my photos.", DEADLINE_DAY)
    assert on_time.startswith("outcomes/appeal_received")
    assert "We have your appeal about Call " + call.reference in on_time
    (appeal,) = appeals.appeals_of(session, call)
    assert (appeal.lodged_via, appeal.reasons) == ("message", "Nobody read my photos.")
    last = events(session, call)[-1]
    assert (last.action, last.officer_id) == ("lodge_appeal", None)

    again = reply(tenant, call.reference, "Unfair", DEADLINE_DAY)
    assert again.startswith("outcomes/appeal_already") and "already have your appeal" in again
    assert len(appeals.appeals_of(session, call)) == 1


def test_an_appeal_by_message_on_a_call_not_yet_decided(
    session: Session, settings: Settings
) -> None:
    call = make_call(session)
    contact = session.get(Contact, call.contact_id)
    assert contact is not None
    out = appeals.lodge_by_message(session, contact, call.reference, "Unfair", NOW)
    assert out.template == "outcomes/appeal_not_open"
    assert appeals.appeals_of(session, call) == []


# -- the pages -------------------------------------------------------------------------------


def services_of(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
def at_day_3(client: TestClient) -> TestClient:
    services_of(client).clock = lambda: NOW + timedelta(days=3)
    return client


def stored_call(engine: Engine, settings: Settings, area: str = "repairs") -> str:
    with write_session(engine) as writing:
        return decided_call(writing, settings, area=area).reference


def test_a_viewer_can_read_the_appeal_pages_but_not_post(
    at_day_3: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    client = at_day_3
    reference = stored_call(engine, settings)
    csrf = sign_in(client, engine, "viewer")
    for path in (
        "/officer/appeals",
        f"/officer/calls/{reference}/appeal",
        "/officer/representatives",
    ):
        assert client.get(path).status_code == 200, path
    page = client.get(f"/officer/calls/{reference}/appeal").text
    assert "Lodge the appeal" not in page
    for path, data in (
        (f"/officer/calls/{reference}/appeal/lodge", {"reasons": "Unfair"}),
        (f"/officer/calls/{reference}/appeal/panel", {"representative_id": "1"}),
        (f"/officer/calls/{reference}/appeal/outcome", {"outcome": "upheld"}),
        ("/officer/representatives", {"name": "Al", "involvement": "surveys"}),
        ("/officer/representatives/1/deactivate", {}),
    ):
        assert client.post(path, data={"csrf": csrf, **data}).status_code == 403, path
    assert session.exec(select(Appeal)).all() == []
    assert session.exec(select(Representative)).all() == []


def test_an_appeal_from_a_letter_through_to_its_outcome(
    at_day_3: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    client = at_day_3
    reference = stored_call(engine, settings)

    # A manager keeps the list of representatives.
    csrf = sign_in(client, engine, "manager")
    bad = client.post(
        "/officer/representatives", data={"csrf": csrf, "name": "Al", "involvement": "pies"}
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert 'value="Al"' in bad.text  # what was typed is kept
    for n, (involvement, group) in enumerate(
        [
            ("tenant_inspectors", ""),
            ("residents_groups", ""),
            ("surveys", ""),
            ("board", ""),
            ("focus_groups", ""),
            ("tmo", "repairs_maintenance"),
            ("cep_scrutiny", ""),
        ]
    ):
        added = client.post(
            "/officer/representatives",
            data={
                "csrf": csrf,
                "name": f"Person {n}",
                "involvement": involvement,
                "serves_group": group,
            },
            follow_redirects=False,
        )
        assert added.status_code == 303
    session.rollback()
    reps = {r.name: r for r in session.exec(select(Representative))}
    listing = client.get("/officer/representatives").text
    assert "Person 5" in listing and "Repairs and Maintenance" in listing

    # An officer types in the letter; the reasons are shown inert.
    csrf = sign_in(client, engine, "officer")
    empty = client.post(f"/officer/calls/{reference}/appeal/lodge", data={"csrf": csrf})
    assert empty.status_code == 422 and "reasons" in empty.text
    page = client.get(f"/officer/calls/{reference}/appeal").text
    assert 'name="override"' not in page  # only managers may accept a late appeal
    done = client.post(
        f"/officer/calls/{reference}/appeal/lodge",
        data={"csrf": csrf, "reasons": f"Unfair {SCRIPT}", "received_on": NOW.date().isoformat()},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/officer/calls/{reference}/appeal"
    for path in (f"/officer/calls/{reference}/appeal", f"/officer/calls/{reference}"):
        shown = client.get(path).text
        assert ESCAPED in shown and SCRIPT not in shown, path
    assert "Open the appeal page" in client.get(f"/officer/calls/{reference}").text
    again = client.post(
        f"/officer/calls/{reference}/appeal/lodge", data={"csrf": csrf, "reasons": "Again"}
    )
    assert again.status_code == 409 and "already has an appeal" in again.text
    not_theirs = client.post(
        f"/officer/calls/{reference}/appeal/panel",
        data={"csrf": csrf, "representative_id": [str(reps["Person 0"].id)]},
    )
    assert not_theirs.status_code == 403

    # The panel chooses its members with the checkboxes, then records the outcome.
    csrf = sign_in(client, engine, "panel")
    page = client.get(f"/officer/calls/{reference}/appeal").text
    assert "Person 5 serves Repairs and Maintenance, the area this Call is about." in page
    assert f'value="{reps["Person 6"].id}"' not in page  # the deciding panel is not offered
    assert "<fieldset" in page and "<legend>Choose 4 to 6 representatives</legend>" in page
    too_few = client.post(
        f"/officer/calls/{reference}/appeal/panel",
        data={"csrf": csrf, "representative_id": [str(reps[f"Person {n}"].id) for n in (0, 1)]},
    )
    assert too_few.status_code == 409 and "4 to 6 members: 2 were chosen" in too_few.text
    sneaked = client.post(
        f"/officer/calls/{reference}/appeal/panel",
        data={
            "csrf": csrf,
            "representative_id": [str(reps[f"Person {n}"].id) for n in range(4)]
            + [str(reps["Person 5"].id)],
        },
    )
    assert sneaked.status_code == 409 and "Person 5 serves Repairs" in sneaked.text
    nonsense = client.post(
        f"/officer/calls/{reference}/appeal/panel", data={"csrf": csrf, "representative_id": "x"}
    )
    assert nonsense.status_code == 422
    chosen = client.post(
        f"/officer/calls/{reference}/appeal/panel",
        data={"csrf": csrf, "representative_id": [str(reps[f"Person {n}"].id) for n in range(5)]},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    no_reasons = client.post(
        f"/officer/calls/{reference}/appeal/outcome",
        data={"csrf": csrf, "outcome": "overturned", "new_decision": "accepted"},
    )
    assert no_reasons.status_code == 422
    no_decision = client.post(
        f"/officer/calls/{reference}/appeal/outcome",
        data={"csrf": csrf, "outcome": "overturned", "outcome_reasons": "Good evidence"},
    )
    assert no_decision.status_code == 422 and "new decision" in no_decision.text
    decided = client.post(
        f"/officer/calls/{reference}/appeal/outcome",
        data={
            "csrf": csrf,
            "outcome": "overturned",
            "new_decision": "accepted",
            "outcome_reasons": "Good evidence",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303
    session.rollback()
    call = session.exec(select(Call).where(Call.reference == reference)).one()
    assert (call.status, call.decision) == ("accepted", "accepted")
    assert "the decision is changed: Accepted" in told(session, call)[-1]
    assert len(session.exec(select(AppealPanelMember)).all()) == 5

    twice = client.post(
        f"/officer/calls/{reference}/appeal/outcome",
        data={"csrf": csrf, "outcome": "upheld", "outcome_reasons": "Again"},
    )
    assert twice.status_code == 409 and "no appeal waiting" in twice.text
    listing = client.get("/officer/appeals").text
    assert reference in listing and "Decision overturned" in listing


def test_a_manager_accepts_a_late_letter_with_a_reason(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    services_of(client).clock = lambda: DAY_29
    reference = stored_call(engine, settings)
    csrf = sign_in(client, engine, "officer")
    page = client.get(f"/officer/calls/{reference}").text
    assert "Lodge an appeal from a letter" in page
    refused = client.post(
        f"/officer/calls/{reference}/appeal/lodge", data={"csrf": csrf, "reasons": "Unfair"}
    )
    assert refused.status_code == 409 and "Only a manager" in refused.text
    assert 'role="alert"' in refused.text

    csrf = sign_in(client, engine, "manager")
    page = client.get(f"/officer/calls/{reference}/appeal").text
    assert re.search(r'<label for="override">', page)
    accepted = client.post(
        f"/officer/calls/{reference}/appeal/lodge",
        data={"csrf": csrf, "reasons": "Unfair", "override": f"Was in hospital {SCRIPT}"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    session.rollback()
    appeal = session.exec(select(Appeal)).one()
    assert appeal.late_override.startswith("Was in hospital")
    shown = client.get(f"/officer/calls/{reference}/appeal").text
    assert "Accepted late because" in shown and ESCAPED in shown and SCRIPT not in shown


def test_a_manager_takes_a_representative_off_the_list(
    client: TestClient, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        rep_id = ids(add_people(writing, 1))[0]
    csrf = sign_in(client, engine, "manager")
    gone = client.post(
        f"/officer/representatives/{rep_id}/deactivate",
        data={"csrf": csrf},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    missing = client.post("/officer/representatives/999999/deactivate", data={"csrf": csrf})
    assert missing.status_code == 404
    session.rollback()
    assert appeals.representatives(session) == []
    assert len(appeals.representatives(session, active_only=False)) == 1
