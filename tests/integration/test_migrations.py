"""Alembic migrations match the models exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, column, inspect, table, text

from backend.models import Call
from backend.store.db import make_engine, table_of
from backend.store.migrate import alembic_config, drift, upgrade
from tests.factories import NOW

NEW_IN_0013 = ("id", "postcode_sector", "postcode_district")


def test_migrated_database_has_no_drift_from_the_models(engine: Engine) -> None:
    assert drift(engine) == []


def test_upgrading_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    assert {"call", "contact", "conversation", "message", "evidence", "support_request"} <= set(
        inspect(engine).get_table_names()
    )


def test_the_neighbourhood_of_calls_made_before_0013_is_filled_in(tmp_path: Path) -> None:
    # Issue 15: the look-up for similar Calls reads the postcode sector and district, so
    # migration 0013 fills them in for every Call already there.
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    command.upgrade(alembic_config(engine), "0012")
    before = Call(
        reference="CCS-2026-0001",
        year=2026,
        sequence=1,
        tenant_name="Sam Jones",
        address="12 Elm Road, Bootle L30 4TH",
        postcode="L30 4TH",
        contact_preference="here",
        service_area="repairs",
        concerns="The lift is broken.",
        actions_taken="Rang.",
        complaint_stage="none",
        failures="The lift.",
        failures_since="May",
        failures_frequency="weekly",
        others_affected="no",
        route="petition",
        submitted_at=NOW,
        updated_at=NOW,
    )
    columns = [c for c in table_of(Call).columns if c.name not in NEW_IN_0013]
    old_call = table("call", *[column(c.name, c.type) for c in columns])
    with engine.begin() as connection:
        connection.execute(
            old_call.insert().values({c.name: getattr(before, c.name) for c in columns})
        )
    upgrade(engine)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT postcode_sector, postcode_district FROM call")
        ).one()
    assert tuple(found) == ("L30 4", "L30")
    assert drift(engine) == []
    engine.dispose()
