"""Logging as production runs it: our own lines at INFO; chatty libraries kept quiet.

httpx logs every request URL at INFO, and a Telegram Bot API URL carries the bot token;
python-telegram-bot logs whole payloads at DEBUG; twilio's client logs request bodies (numbers
and message text) at INFO. None of that may reach a log file.
"""

from __future__ import annotations

import logging

QUIET = ("httpx", "httpx2", "httpcore", "twilio", "telegram", "aiohttp", "hpack", "urllib3")
# Logs a whole traceback at ERROR for each error page a provider answers with during an outage;
# the outbox already logs one line per failed try, and retries.
HANDLED = ("telegram.request",)


def configure(level: int = logging.INFO) -> None:
    """Sets up logging for `frontdoor` commands."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    quiet()


def quiet() -> None:
    """Raises the libraries that log secrets or personal data to WARNING (and the ones that
    shout about errors we handle, higher)."""
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in HANDLED:
        logging.getLogger(name).setLevel(logging.CRITICAL)
