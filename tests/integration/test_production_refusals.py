"""What production refuses to do, however it is asked: demo data with a published password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import demo
from backend.models import Officer
from backend.settings import Settings
from backend.store.db import make_engine
from backend.store.migrate import upgrade

PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "k" * 48,
    "PUBLIC_BASE_URL": "https://frontdoor.example.org",
}


def _frontdoor(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}", **env},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def _officers(tmp_path: Path) -> list[Officer]:
    engine = make_engine(f"sqlite:///{tmp_path / 'prod.db'}")
    upgrade(engine)
    with Session(engine) as session:
        return list(session.exec(select(Officer)))


def test_frontdoor_demo_stops_in_production_without_creating_or_printing_anything(
    tmp_path: Path,
) -> None:
    result = _frontdoor(tmp_path, "demo", **PRODUCTION)
    assert result.returncode == 2
    assert "production" in result.stderr and "demo" in result.stderr.lower()
    assert demo.DEMO_OFFICER_PASSWORD not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert _officers(tmp_path) == []


def test_serve_with_demo_data_stops_in_production_with_a_clear_error(tmp_path: Path) -> None:
    # Before this was refused, serve added the manager, printed its password and served.
    result = _frontdoor(tmp_path, "serve", "--port", "1", **PRODUCTION, DEMO_DATA="true")
    assert result.returncode == 2
    assert "DEMO_DATA" in result.stderr
    assert demo.DEMO_OFFICER_PASSWORD not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert _officers(tmp_path) == []


def test_seeding_refuses_production_settings_even_when_called_directly(
    engine: Engine, session: Session
) -> None:
    production = Settings(
        environment="production",
        secret_key=PRODUCTION["SECRET_KEY"],
        public_base_url=PRODUCTION["PUBLIC_BASE_URL"],
        _env_file=None,
    )
    with pytest.raises(demo.DemoRefusedError, match="production"):
        demo.seed(engine, production)
    assert session.exec(select(Officer)).all() == []
