"""Every page carries the browser's security headers; production has no API docs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.app import create_app
from backend.settings import Settings

PAGES = ["/", "/chat", "/privacy", "/officer/login", "/s/NOSUCH", "/healthz", "/static/site.css"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path, headers={"Accept": "text/html"}).headers
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("same-origin", "no-referrer")
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers  # plain http: it would mean nothing


def test_hsts_is_sent_when_the_service_is_reached_over_https(app_client: TestClient) -> None:
    hsts = app_client.get("/chat").headers["strict-transport-security"]
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31_536_000


def test_production_serves_no_api_docs(engine: Engine, settings: Settings) -> None:
    production = Settings(
        **{
            **settings.model_dump(),
            "environment": "production",
            "secret_key": "k" * 48,
            "public_base_url": "https://frontdoor.example.org",
        },
        _env_file=None,
    )
    with TestClient(create_app(production, engine)) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 404, path
        assert client.get("/healthz").status_code == 200
