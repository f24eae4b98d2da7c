"""The workflow's table: every move from every state by every role, allowed or refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from backend.models import Call, CallStatus, Officer, OfficerRole
from backend.workflow import MOVES, IllegalTransition, appeal_deadline, can, check

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
