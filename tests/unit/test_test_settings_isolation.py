"""The suite ignores the shell: production settings or real credentials exported by an operator,
or left in a `.env`, never reach a test, in this process or in one a test starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import AliasChoices, AliasPath, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.settings import Settings
from tests.conftest import ignore_the_shell, is_settings_variable, settings_variables

ROOT = Path(__file__).resolve().parents[2]

# What an operator's shell might hold: valid values, so Settings would happily take every one.
HOSTILE = {
    "SECRET_KEY": "operator-real-production-secret-0123456789",
    "PUBLIC_BASE_URL": "https://example.org",
    "DATABASE_URL": "sqlite:////nonexistent/x.db",
    "ENVIRONMENT": "production",
    # (Not DEMO_DATA=true: production refuses it, so Settings would not take it.)
    "OUTBOX_WORKER": "false",
    "TWILIO_ACCOUNT_SID": "ACoperator",
    "TWILIO_AUTH_TOKEN": "operator-twilio-token",
    "TWILIO_FROM_NUMBER": "+447700900123",
    "TWILIO_API_BASE_URL": "https://api.twilio.example",
    "TELEGRAM_BOT_TOKEN": "1:operator",
    "TELEGRAM_WEBHOOK_SECRET": "operator-webhook-secret",
    "SCORE_WEIGHTS": '{"performance": 99.0}',
    # pydantic-settings reads names case-insensitively: lower case must be dropped as well.
    "retention_days": "1",
}
# And an operator's `.env`, which the processes would read from their working directory.
DOTENV = "LANDLORD_NAME=From the operator's .env\nTELEGRAM_API_BASE_URL=https://operator.example\n"

# Every setting at its default, secrets shown, as plain JSON values: what a test must see.
DEFAULTS = {
    name: field.get_default(call_default_factory=True)
    for name, field in Settings.model_fields.items()
}


def plain(values: dict[str, object]) -> dict[str, object]:
    """`values` with secrets revealed, so a credential that leaked in is seen, not masked."""
    return {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in values.items()}


def settings_here() -> dict[str, object]:
    """Settings() as this process reads it."""
    return plain(Settings().model_dump())


# The same, printed by a fresh interpreter started the way the suite starts `frontdoor serve`:
# inheriting this process's environment and working directory.
CHILD = (
    "import json\n"
    "from pydantic import SecretStr\n"
    "from backend.settings import Settings\n"
    "values = Settings().model_dump()\n"
    "print(json.dumps({k: v.get_secret_value() if isinstance(v, SecretStr) else v"
    " for k, v in values.items()}))\n"
)


def settings_in_a_subprocess() -> dict[str, object]:
    """Settings() as a child process reads it."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60, check=True
    )
    values: dict[str, object] = json.loads(done.stdout)
    return values


def test_the_cleaning_leaves_settings_their_defaults_here_and_in_a_subprocess(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    operator = tmp_path / "operator"
    operator.mkdir()
    (operator / ".env").write_text(DOTENV)
    monkeypatch.chdir(operator)
    # Undo, for this test, what the session fixture did: Settings reads `.env` as it does in
    # production, and the shell exports the hostile values.
    monkeypatch.setitem(Settings.model_config, "env_file", ".env")
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    # Without the cleaning, both this process and a child take the operator's values...
    for before in (settings_here(), settings_in_a_subprocess()):
        assert before["secret_key"] == HOSTILE["SECRET_KEY"]
        assert before["environment"] == "production"
        assert before["retention_days"] == 1
        assert before["landlord_name"] == "From the operator's .env"

    clean = tmp_path / "clean"
    clean.mkdir()
    ignore_the_shell(monkeypatch, clean)

    # ...with it, neither takes a single one.
    assert settings_here() == plain(DEFAULTS)
    assert settings_in_a_subprocess() == json.loads(json.dumps(plain(DEFAULTS)))
    assert not [key for key in os.environ if is_settings_variable(key)]


def test_a_run_started_from_a_hostile_shell_sees_none_of_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session fixture itself, as `make test` meets it: a fresh pytest process with the
    hostile values exported and a `.env` where it starts, using only the suite's conftest."""
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # so the inner run can import tests.conftest
    (pytester.path / ".env").write_text(DOTENV)
    pytester.makeconftest(
        """
        import os

        import pytest

        from tests.conftest import shell_settings_ignored

        AT_START = dict(os.environ)  # read at import, before any fixture ran


        @pytest.fixture
        def environ_at_start():
            return AT_START
        """
    )
    pytester.makepyfile(
        """
        import json

        from tests.unit.test_test_settings_isolation import (
            DEFAULTS, HOSTILE, plain, settings_here, settings_in_a_subprocess
        )


        def test_the_run_began_in_a_hostile_shell(environ_at_start, pytestconfig):
            assert {k: environ_at_start.get(k) for k in HOSTILE} == HOSTILE
            assert (pytestconfig.invocation_params.dir / ".env").is_file()


        def test_no_setting_came_from_the_shell_or_the_dotenv():
            assert settings_here() == plain(DEFAULTS)
            assert settings_in_a_subprocess() == json.loads(json.dumps(plain(DEFAULTS)))
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=180)
    result.assert_outcomes(passed=2)


class _Toy(BaseSettings):
    """Settings spelled every way pydantic-settings allows: a prefix, aliases, nested names."""

    model_config = SettingsConfigDict(env_prefix="TOY_", env_nested_delimiter="__")

    plain: str = "default"
    aliased: str = Field("default", validation_alias=AliasChoices("TOY_OTHER", "ALSO"))
    deep: str = Field("default", validation_alias=AliasPath("TOY_DEEP", "x"))
    nested: dict[str, str] = {}


def test_the_variables_come_from_the_fields_however_they_are_spelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert {name.upper() for name in Settings.model_fields} <= settings_variables()
    hostile = {
        "TOY_PLAIN": "shell",
        "ALSO": "shell",
        "TOY_DEEP": '{"x": "shell"}',
        "toy_nested__part": "shell",
    }
    for name, value in hostile.items():
        monkeypatch.setenv(name, value)
    # These really are read (so the check below means something)...
    toy = _Toy(_env_file=None)
    assert (toy.plain, toy.aliased, toy.deep, toy.nested) == (
        "shell",
        "shell",
        "shell",
        {"part": "shell"},
    )
    # ...and every one of them is recognised from the fields alone.
    for name in list(os.environ):
        if is_settings_variable(name, _Toy):
            monkeypatch.delenv(name)
    assert _Toy(_env_file=None) == _Toy.model_construct()
    assert not is_settings_variable("PATH", _Toy)
    assert not is_settings_variable("TEST_DATABASE_URL")
