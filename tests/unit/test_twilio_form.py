"""Twilio's forms are read as Starlette reads a URL-encoded form, by a cheaper parser."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from backend.web.routes.twilio import URL_ENCODED, form_fields

# Whatever a sender may put in a body: text, percent escapes (valid or not), separators, plus.
PIECES = st.sampled_from([*"aZ09=&+%;._-~ é", "%41", "%c3%a9", "%zz", "%e2%82"])
BODY_TEXT = st.lists(PIECES, max_size=40).map("".join)
FIELDS = st.dictionaries(st.text(min_size=1), st.text(), max_size=8)


def _request(body: bytes, content_type: str = URL_ENCODED) -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/webhooks/twilio/sms",
        "headers": [(b"content-type", content_type.encode())],
    }
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def _ours(body: bytes, content_type: str = URL_ENCODED) -> dict[str, str] | None:
    return asyncio.run(form_fields(_request(body, content_type)))


def _starlettes(body: bytes) -> dict[str, str]:
    async def read() -> dict[str, str]:
        form = await _request(body).form()
        return {key: str(value) for key, value in form.multi_items()}

    return asyncio.run(read())


@given(FIELDS)
def test_a_form_as_twilio_encodes_it_reads_back_whole(fields: dict[str, str]) -> None:
    body = urlencode(fields).encode()
    assert _ours(body) == fields == _starlettes(body)


@given(BODY_TEXT)
def test_any_body_reads_as_starlette_reads_it(text: str) -> None:
    body = text.encode("utf-8")
    assert _ours(body) == _starlettes(body)


def test_a_body_that_is_not_a_url_encoded_form_is_not_read() -> None:
    assert _ours(b'{"From": "+447911123456"}', "application/json") is None
    assert _ours(b"From=%2B447911123456", "multipart/form-data; boundary=x") is None
    assert _ours(b"From=%2B447911123456", f"{URL_ENCODED}; charset=utf-8") == {
        "From": "+447911123456"
    }


def test_more_fields_than_any_form_of_twilios_is_not_read() -> None:
    assert _ours("&".join(f"f{n}=1" for n in range(1001)).encode()) is None
    assert len(_ours("&".join(f"f{n}=1" for n in range(1000)).encode()) or {}) == 1000
