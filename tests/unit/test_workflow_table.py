"""The workflow's table: every move from every state by every role, allowed or refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from backend.casework.lifecycle import MOVES, IllegalTransition, appeal_deadline, can, check
from backend.models import Call, CallStatus, Officer, OfficerRole

ROLES = list(OfficerRole)
CASES = list(itertools.product(sorted(MOVES), list(CallStatus), ROLES))


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
    rule = MOVES[move]
    allowed = status in rule.sources and role in rule.roles
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


S = CallStatus
R = OfficerRole
# The landlord's process, written down independently of MOVES: who may do the moves that
# matter most, and from where. A slip in the table shows here.
PINNED = {
    "decide": ({S.ON_AGENDA}, {R.PANEL, R.MANAGER}),
    "accept_pro_forma": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES},
        {R.PANEL, R.MANAGER},
    ),
    "assign_officer": (
        {S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES, S.READY},
        {R.OFFICER, R.MANAGER},
    ),
    "programme": ({S.ACCEPTED}, {R.PANEL, R.MANAGER}),
    "report": ({S.IN_SCRUTINY}, {R.PANEL, R.MANAGER}),
    "agree_action_plan": ({S.REPORTED, S.SERIOUS_FAILURE}, {R.PANEL, R.MANAGER}),
    "add_action": ({S.REPORTED, S.SERIOUS_FAILURE, S.ACTION_PLAN}, {R.PANEL, R.MANAGER}),
    "appeal_outcome": (
        {S.NOT_EXHAUSTED, S.MONITORING, S.ACCEPTED, S.SERIOUS_FAILURE, S.CLOSED},
        {R.PANEL, R.MANAGER},
    ),
}


@pytest.mark.parametrize("move", sorted(PINNED))
def test_the_moves_that_matter_most_match_the_landlords_process(move: str) -> None:
    sources, roles = PINNED[move]
    assert set(MOVES[move].sources) == sources
    assert set(MOVES[move].roles) == roles
