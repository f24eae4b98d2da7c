"""One database fixture for SQLite and PostgreSQL (TEST_DATABASE_URL), and the app around it.

The suite never takes a setting from the shell or a `.env` file: `shell_settings_ignored` below
drops them for the whole run, so an operator's exported production settings (or real provider
credentials) can neither break a test nor reach one. The suite's own variables still get through:
TEST_DATABASE_URL, REQUIRE_BROWSER and REQUIRE_POSTGRES (and CHROMIUM_PATH for the browser)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import AliasChoices, AliasPath
from pydantic_settings import BaseSettings
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from backend.app import create_app
from backend.settings import Settings, get_settings
from backend.store.db import make_engine
from backend.store.migrate import upgrade

# pytester runs a small suite in a fresh process: how tests/unit/test_test_settings_isolation.py
# checks that this conftest really keeps a hostile shell away from the tests.
pytest_plugins = ("pytester",)

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _alias_heads(alias: str | AliasPath | AliasChoices | None) -> list[str]:
    """The environment variable names an alias makes pydantic-settings read: an AliasPath is
    read from the variable named by its first element, an AliasChoices from each choice's."""
    if alias is None:
        return []
    if isinstance(alias, str):
        return [alias]
    if isinstance(alias, AliasPath):
        return [str(alias.path[0])]
    return [head for choice in alias.choices for head in _alias_heads(choice)]


def settings_variables(model: type[BaseSettings] = Settings) -> frozenset[str]:
    """Every environment variable `model` reads, upper-cased, derived from its fields so that a
    setting added tomorrow is covered without anyone remembering this list. Deliberately generous:
    each field name and alias both with and without the env prefix, since which of them
    pydantic-settings uses depends on config (env_prefix_target, validate_by_name) that may
    change; dropping one variable too many from a test process costs nothing."""
    prefix = model.model_config.get("env_prefix") or ""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        for head in [name, *_alias_heads(field.alias), *_alias_heads(field.validation_alias)]:
            names.update({head, prefix + head})
    return frozenset(name.upper() for name in names)


def is_settings_variable(key: str, model: type[BaseSettings] = Settings) -> bool:
    """Whether `model` would read the variable `key`. Case-insensitively, as pydantic-settings
    reads them unless case_sensitive is set; with env_nested_delimiter, `NAME__PART` counts too."""
    key = key.upper()
    names = settings_variables(model)
    if key in names:
        return True
    delimiter = model.model_config.get("env_nested_delimiter")
    return bool(delimiter) and any(key.startswith(f"{name}{delimiter}".upper()) for name in names)


def ignore_the_shell(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> None:
    """Leaves Settings nothing but its defaults and what a test passes it, in this process and in
    every process a test starts (`frontdoor serve`, `python -m backend.cli`, ...)."""
    # Subprocesses are given {**os.environ, ...}: removing the variables here cleans theirs too.
    for key in list(os.environ):
        if is_settings_variable(key):
            monkeypatch.delenv(key)
    # `.env` is read relative to the working directory, by this process and by children that
    # inherit it. An empty directory of the run's own keeps every process away from an
    # operator's `.env` (and keeps stray relative paths such as var/evidence out of the tree).
    monkeypatch.chdir(workdir)
    # And in this process, not at all, even if a test changes directory into one with a `.env`.
    monkeypatch.setitem(Settings.model_config, "env_file", None)
    # A Settings read before the cleaning must not be served from the cache afterwards.
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def shell_settings_ignored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The whole run, every test and every session fixture, sees no setting from the shell or
    a `.env` file (see ignore_the_shell); the shell's environment comes back at the end."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        ignore_the_shell(monkeypatch, tmp_path_factory.mktemp("cwd"))
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this run: a SQLite file, or a PostgreSQL schema of its own."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """The test database, migrated once for the run."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated database, emptied after each test."""
    yield migrated_engine
    with migrated_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for tests: no provider credentials, a fixed public URL."""
    return Settings(
        environment="test",
        database_url=database_url,
        public_base_url="http://testserver",
        outbox_worker=False,  # tests deliver the outbox themselves, one round at a time
        evidence_dir=str(tmp_path / "evidence"),
        _env_file=None,
    )


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The whole app over HTTP, on the test database."""
    with TestClient(create_app(settings, engine)) as test_client:
        yield test_client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the database carry the `database` mark (make test-postgres runs them)."""
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)
