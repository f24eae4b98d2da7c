"""Fake Telegram and Twilio in a process of their own, for benchmark servers to talk to.

Prints one JSON line (the settings that reach them), then serves until stdin closes.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio


def main() -> None:
    """Serves both fakes until the parent goes away."""
    telegram, twilio = FakeTelegram(), FakeTwilio()
    with ExitStack() as stack:
        stack.enter_context(telegram.running())
        stack.enter_context(twilio.running())
        found = {
            "telegram_api_base_url": telegram.api_base,
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token,
            "twilio_api_base_url": twilio.base_url,
        }
        print(json.dumps(found), flush=True)
        sys.stdin.read()  # returns when the parent closes the pipe (or dies)


if __name__ == "__main__":
    main()
