"""Our check of Twilio's signature agrees with twilio's own RequestValidator on every form."""

from __future__ import annotations

from urllib.parse import urlparse

from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator, add_port, remove_port

from bot import twilio_sms

TOKEN = "12345678901234567890123456789012"
URLS = st.sampled_from(
    [
        "https://front-door.example.org/webhooks/twilio/sms",
        "https://front-door.example.org:443/webhooks/twilio/sms",
        "https://front-door.example.org:8443/webhooks/twilio/sms?x=1",
        "http://127.0.0.1:8000/webhooks/twilio/voice/answer?turn=2",
    ]
)
FORMS = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=40), max_size=6)


@st.composite
def signatures(draw: st.DrawFn, url: str, form: dict[str, str]) -> str:
    """What Twilio might send: a signature of the URL with or without its port, of another
    URL, or anything at all."""
    validator, parsed = RequestValidator(TOKEN), urlparse(url)
    return draw(
        st.sampled_from(
            [
                validator.compute_signature(remove_port(parsed), form),
                validator.compute_signature(add_port(parsed), form),
                validator.compute_signature(url + "/other", form),
                "",
            ]
        )
        | st.text(max_size=30)
    )


@given(st.data(), URLS, FORMS)
def test_the_same_answer_as_twilios_validator(
    data: st.DataObject, url: str, form: dict[str, str]
) -> None:
    signature = data.draw(signatures(url, form))
    expected = bool(signature) and RequestValidator(TOKEN).validate(url, form, signature)
    assert twilio_sms.signature_ok(TOKEN, url, form, signature) == expected


def test_a_signature_of_the_url_without_its_port_or_with_it_is_taken() -> None:
    form = {"From": "+447911123456", "Body": "Hi"}
    url = "https://front-door.example.org/webhooks/twilio/sms"
    with_port = RequestValidator(TOKEN).compute_signature(add_port(urlparse(url)), form)
    assert twilio_sms.signature_ok(TOKEN, url, form, with_port)
    assert not twilio_sms.signature_ok(TOKEN, url, {**form, "Body": "Changed"}, with_port)
