"""Settings: every one documented in .env.example; production refuses placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from backend.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_listed_with_a_comment_in_env_example() -> None:
    text = EXAMPLE.read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", text, flags=re.M))
    assert listed == {name.upper() for name in Settings.model_fields}
    for name in listed:
        before = text.split(f"\n{name}=")[0].rstrip().splitlines()[-1]
        assert before.startswith("#") or re.match(r"^[A-Z_]+=", before), f"{name} has no comment"


def test_production_refuses_the_placeholder_secret_and_plain_http() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", public_base_url="https://x.example", _env_file=None)
    with pytest.raises(ValidationError, match="https"):
        Settings(environment="production", secret_key="k" * 40, _env_file=None)
    ok = Settings(
        environment="production",
        secret_key="k" * 40,
        public_base_url="https://x.example",
        _env_file=None,
    )
    assert ok.secure_cookies


def test_a_channel_without_credentials_is_off() -> None:
    settings = Settings(_env_file=None, telegram_bot_token="123:abc")
    assert not settings.telegram_enabled  # no webhook secret yet
    assert not settings.twilio_enabled


def test_production_refuses_demo_data() -> None:
    with pytest.raises(ValidationError, match="DEMO_DATA"):
        Settings(
            environment="production",
            secret_key="k" * 40,
            public_base_url="https://x.example",
            demo_data=True,
            _env_file=None,
        )
