"""The workflow's table: every move from every state by every role, allowed or refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from backend.casework.lifecycle import MOVES, IllegalTransition, appeal_deadline, can, check
from backend.models import Call, CallStatus, Officer, OfficerRole

S = CallStatus
R = OfficerRole
ROLES = list(OfficerRole)

# The landlord's process, written out by hand from the procedure (not computed from MOVES):
# each move, the states a Call may be in for it, and the roles that may make it. The tests
# below hold MOVES to this, both ways: a move missing, an extra one, or one state or role out
# of place fails here.
TABLE: dict[str, tuple[set[CallStatus], set[OfficerRole]]] = {
    # "The Customer Empowerment Panel will identify an officer to help you."
    "assign_officer": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES, S.READY},
        {R.PANEL, R.MANAGER},
    ),
    "record_area": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES, S.READY, S.ON_AGENDA},
        {R.OFFICER, R.PANEL, R.MANAGER},
    ),
    # "You will be advised how many signatories you need": CEP sets it.
    "set_signatories": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES},
        {R.PANEL, R.MANAGER},
    ),
    "accept_pro_forma": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES},
        {R.PANEL, R.MANAGER},
    ),
    "mark_ready": (
        {S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES},
        {R.OFFICER, R.PANEL, R.MANAGER},
    ),
    "schedule": ({S.READY, S.ON_AGENDA}, {R.OFFICER, R.PANEL, R.MANAGER}),
    "decide": ({S.ON_AGENDA}, {R.PANEL, R.MANAGER}),
    "review_monitoring": ({S.MONITORING}, {R.PANEL, R.MANAGER}),
    # A serious failure gets "immediate recommendations ... prior to any scrutiny taking
    # place": it is scored and programmed for scrutiny as an accepted Call is.
    "score": ({S.ACCEPTED, S.SERIOUS_FAILURE, S.PROGRAMMED}, {R.PANEL, R.MANAGER}),
    "programme": ({S.ACCEPTED, S.SERIOUS_FAILURE}, {R.PANEL, R.MANAGER}),
    "start_scrutiny": ({S.PROGRAMMED}, {R.PANEL, R.MANAGER}),
    "record_step": ({S.IN_SCRUTINY}, {R.PANEL, R.MANAGER}),
    "report": ({S.IN_SCRUTINY}, {R.PANEL, R.MANAGER}),
    "add_recommendation": ({S.IN_SCRUTINY, S.REPORTED, S.SERIOUS_FAILURE}, {R.PANEL, R.MANAGER}),
    # "The PCHA Board and EMT will consider the report and delegate the task of responding to
    # the recommendations to the Customer Empowerment Manager and Head of Operations": the
    # manager records when each considered it, the delegation, and each response.
    "record_consideration": ({S.REPORTED}, {R.MANAGER}),
    "delegate": ({S.REPORTED}, {R.MANAGER}),
    "respond": ({S.REPORTED, S.SERIOUS_FAILURE, S.ACTION_PLAN}, {R.MANAGER}),
    # "The Head of Operations will agree an action plan with the Customer Empowerment Panel".
    "add_action": ({S.REPORTED, S.SERIOUS_FAILURE, S.ACTION_PLAN}, {R.PANEL, R.MANAGER}),
    "action_done": ({S.ACTION_PLAN}, {R.PANEL, R.MANAGER}),
    "agree_action_plan": ({S.REPORTED, S.SERIOUS_FAILURE}, {R.PANEL, R.MANAGER}),
    "complete": ({S.ACTION_PLAN}, {R.PANEL, R.MANAGER}),
    "close": ({S.NOT_EXHAUSTED, S.MONITORING, S.COMPLETED}, {R.PANEL, R.MANAGER}),
    # "Submit your appeal in writing within 28 days": the date decides, not how far the Call
    # has gone since the decision.
    "lodge_appeal": (
        {
            S.NOT_EXHAUSTED,
            S.MONITORING,
            S.ACCEPTED,
            S.SERIOUS_FAILURE,
            S.PROGRAMMED,
            S.IN_SCRUTINY,
            S.REPORTED,
            S.ACTION_PLAN,
            S.COMPLETED,
            S.CLOSED,
        },
        {R.OFFICER, R.PANEL, R.MANAGER},
    ),
    "appeal_outcome": (
        {
            S.NOT_EXHAUSTED,
            S.MONITORING,
            S.ACCEPTED,
            S.SERIOUS_FAILURE,
            S.PROGRAMMED,
            S.IN_SCRUTINY,
            S.REPORTED,
            S.ACTION_PLAN,
            S.COMPLETED,
            S.CLOSED,
        },
        {R.PANEL, R.MANAGER},
    ),
    # "One problem, one petition" (issue 15): before the panel decides, a Call about the same
    # problem as another is joined into it, and the join can be undone.
    "join": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES, S.READY, S.ON_AGENDA},
        {R.OFFICER, R.PANEL, R.MANAGER},
    ),
    "undo_join": ({S.JOINED}, {R.OFFICER, R.PANEL, R.MANAGER}),
    "note": (
        {
            S.SUBMITTED,
            S.GATHERING_EVIDENCE,
            S.COLLECTING_SIGNATURES,
            S.READY,
            S.ON_AGENDA,
            S.NOT_EXHAUSTED,
            S.MONITORING,
            S.ACCEPTED,
            S.SERIOUS_FAILURE,
            S.PROGRAMMED,
            S.IN_SCRUTINY,
            S.REPORTED,
            S.ACTION_PLAN,
            S.COMPLETED,
            S.CLOSED,
            S.JOINED,
        },
        {R.OFFICER, R.PANEL, R.MANAGER},
    ),
    "reply": (
        {
            S.SUBMITTED,
            S.GATHERING_EVIDENCE,
            S.COLLECTING_SIGNATURES,
            S.READY,
            S.ON_AGENDA,
            S.NOT_EXHAUSTED,
            S.MONITORING,
            S.ACCEPTED,
            S.SERIOUS_FAILURE,
            S.PROGRAMMED,
            S.IN_SCRUTINY,
            S.REPORTED,
            S.ACTION_PLAN,
            S.COMPLETED,
            S.JOINED,
        },
        {R.OFFICER, R.PANEL, R.MANAGER},
    ),
}
CASES = list(itertools.product(sorted(TABLE), list(CallStatus), ROLES))


def _call(status: CallStatus) -> Call:
    return Call(
        reference="CCS-2026-0001",
        status=status,
        year=2026,
        sequence=1,
        contact_id=1,
        tenant_name="Sam",
        address="L30 4TH",
        postcode="L30 4TH",
        contact_preference="here",
        service_area="repairs",
        concerns="c",
        actions_taken="a",
        complaint_stage="none",
        failures="f",
        failures_since="2026",
        failures_frequency="weekly",
        others_affected="yes",
        route="petition",
    )


def _officer(role: OfficerRole) -> Officer:
    return Officer(email="o@example.org", name="Ola Officer", role=role, password_hash="x")


@pytest.mark.parametrize(("move", "status", "role"), CASES, ids=lambda v: str(v))
def test_each_move_is_allowed_exactly_where_the_table_says(
    move: str, status: CallStatus, role: OfficerRole
) -> None:
    sources, roles = TABLE[move]
    allowed = status in sources and role in roles
    call, officer = _call(status), _officer(role)
    assert can(move, call, officer) == allowed
    if allowed:
        check(move, call, officer)
    else:
        with pytest.raises(IllegalTransition) as refused:
            check(move, call, officer)
        message = str(refused.value)
        # The refusal names the state, or the role, in plain words.
        assert status.value.replace("_", " ") in message or role.value in message


def test_viewers_can_make_no_move_at_all() -> None:
    assert all(OfficerRole.VIEWER not in rule.roles for rule in MOVES.values())


def test_only_the_panel_or_a_manager_decides() -> None:
    assert MOVES["decide"].roles == {OfficerRole.PANEL, OfficerRole.MANAGER}


def test_a_closed_call_takes_notes_but_nothing_else_that_changes_it() -> None:
    open_moves = {m for m, rule in MOVES.items() if CallStatus.CLOSED in rule.sources}
    assert open_moves == {"note", "lodge_appeal", "appeal_outcome"}


def test_the_appeal_deadline_is_28_days_after_the_decision() -> None:
    call = _call(CallStatus.ACCEPTED)
    assert appeal_deadline(call) is None
    call.decided_at = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert appeal_deadline(call) == (call.decided_at + timedelta(days=28)).date()


def test_the_code_has_every_move_of_the_table_and_no_other() -> None:
    assert set(MOVES) == set(TABLE)  # no move missing, none extra
    in_the_code = {move: (set(rule.sources), set(rule.roles)) for move, rule in MOVES.items()}
    assert in_the_code == TABLE


@pytest.mark.parametrize("move", sorted(TABLE))
def test_each_move_starts_from_the_states_and_is_made_by_the_roles_the_table_says(
    move: str,
) -> None:
    sources, roles = TABLE[move]
    assert set(MOVES[move].sources) == sources
    assert set(MOVES[move].roles) == roles
