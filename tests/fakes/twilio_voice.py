"""A fake of Twilio's voice engine: one phone call to our number, played the way Twilio plays
it. It posts each webhook signed with twilio's own RequestValidator, reads the TwiML answer
(Say, Gather, Dial, Hangup) and posts the caller's keys or words to the Gather's action."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from httpx2 import Response
from twilio.request_validator import RequestValidator

VOICE_PATH = "/webhooks/twilio/voice"
SIGNATURE_HEADER = "X-Twilio-Signature"


@dataclass
class Gathering:
    """A <Gather> Twilio is waiting on: where the answer goes, and how it listens."""

    action: str
    attributes: dict[str, str]


@dataclass
class Heard:
    """What one answer of ours made the caller hear, and what Twilio does next."""

    said: list[str]  # each <Say> until the line waits for the caller, in order
    gathering: Gathering | None = None
    dial: str | None = None  # the number a <Dial> puts them through to
    dial_action: str | None = None
    hung_up: bool = False
    voices: set[tuple[str, str]] = field(default_factory=set)  # (voice, language) of each Say

    @property
    def text(self) -> str:
        """Everything said, as one string to look for words in."""
        return " ".join(self.said)


class FakeCall:
    """A tenant calling our number from `caller`: each method is one thing they do on the line,
    and returns what they then hear. The answers must be 200 TwiML."""

    def __init__(
        self,
        client: TestClient,
        auth_token: str,
        *,
        account_sid: str,
        caller: str,
        to: str,
        public: str,
    ) -> None:
        self.client, self.auth_token, self.public = client, auth_token, public
        self.sid = "CA" + secrets.token_hex(16)
        self.base = {
            "CallSid": self.sid,
            "AccountSid": account_sid,
            "From": caller,
            "To": to,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        self.heard: Heard | None = None
        self.transcript: list[str] = []  # all the caller heard, the whole call
        self._last: tuple[str, dict[str, str]] | None = None
        self._verbs: list[ET.Element] = []
        self._at = 0  # the Gather the line waits on

    # -- what the caller does ----------------------------------------------------------------

    def dial_in(self) -> Heard:
        """The call is answered: Twilio asks the number's Voice URL what to do."""
        return self._post(self.public + VOICE_PATH, {"CallStatus": "ringing"})

    def press(self, keys: str) -> Heard:
        """Keys on the keypad, as Twilio posts them to the Gather's action (Digits)."""
        return self._post(self._gathering().action, {"CallStatus": "in-progress", "Digits": keys})

    def say(self, words: str, confidence: str = "0.91") -> Heard:
        """Speech, as Twilio's recognition posts it (SpeechResult, ending in a full stop)."""
        spoken = {"SpeechResult": words, "Confidence": confidence, "CallStatus": "in-progress"}
        return self._post(self._gathering().action, spoken)

    def stay_silent(self) -> Heard:
        """Nothing said: Twilio goes on to the verbs after the Gather, as it does."""
        self._gathering()
        return self._play(self._at + 1)

    def officer_line(self, status: str) -> Heard:
        """The officers' line was tried (<Dial>): Twilio posts how it went to its action."""
        assert self.heard is not None and self.heard.dial_action, "no one was put through"
        dialled = {"CallStatus": "in-progress", "DialCallStatus": status}
        return self._post(self.heard.dial_action, dialled)

    def replay(self) -> Response:
        """Twilio asks the same thing again (a retry): the raw answer, for comparing."""
        assert self._last is not None
        url, params = self._last
        return self.client.post(
            urlsplit(url)._replace(scheme="", netloc="").geturl(),
            data=params,
            headers={SIGNATURE_HEADER: self._signature(url, params)},
        )

    def hang_up(self) -> None:
        """The caller puts the phone down (or the line drops): no more webhooks."""
        self.heard = None

    # -- the engine ----------------------------------------------------------------------------

    def _gathering(self) -> Gathering:
        assert self.heard is not None and self.heard.gathering is not None, "nothing is asked"
        return self.heard.gathering

    def _signature(self, url: str, params: dict[str, str]) -> str:
        signature: str = RequestValidator(self.auth_token).compute_signature(url, params)
        return signature

    def _post(self, url: str, extra: dict[str, str]) -> Heard:
        assert url.startswith(self.public), f"Twilio was sent to {url}"
        params = {**self.base, **extra}
        self._last = (url, params)
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        response = self.client.post(
            path, data=params, headers={SIGNATURE_HEADER: self._signature(url, params)}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        twiml = ET.fromstring(response.text)  # noqa: S314 - our own app's TwiML
        assert twiml.tag == "Response"
        self._verbs = list(twiml)
        return self._play(0)

    def _play(self, start: int) -> Heard:
        """Plays the verbs from `start` until the line waits (Gather), moves on (Dial) or
        ends (Hangup, or nothing left)."""
        heard = Heard([])
        for index in range(start, len(self._verbs)):
            verb = self._verbs[index]
            if verb.tag == "Say":
                self._say(heard, verb)
            elif verb.tag == "Gather":
                for inner in verb:
                    assert inner.tag == "Say", f"only Say is nested in our Gather, not {inner.tag}"
                    self._say(heard, inner)
                heard.gathering = Gathering(verb.attrib["action"], dict(verb.attrib))
                self._at = index
                break
            elif verb.tag == "Dial":
                heard.dial = (verb.text or "").strip()
                heard.dial_action = verb.attrib.get("action")
                break
            elif verb.tag == "Hangup":
                heard.hung_up = True
                break
            else:
                raise AssertionError(f"a verb our TwiML should not use: {verb.tag}")
        self.heard = heard
        self.transcript += heard.said
        return heard

    def _say(self, heard: Heard, say: ET.Element) -> None:
        heard.said.append(say.text or "")
        heard.voices.add((say.attrib.get("voice", ""), say.attrib.get("language", "")))
