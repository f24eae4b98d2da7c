"""Personal upload links: a signed, expiring token naming the contact whose draft gets the files."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.settings import Settings

_PURPOSE = b"evidence-upload:"


def _mac(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), _PURPOSE + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:15]).decode().rstrip("=")


def upload_token(secret: str, contact_id: int, now: datetime, days: int) -> str:
    """A token good for `days` days: short enough for an SMS, impossible to guess or alter."""
    expires = int((now + timedelta(days=days)).timestamp())
    payload = f"{contact_id:x}.{expires:x}"
    return f"{payload}.{_mac(secret, payload)}"


def read_upload_token(secret: str, token: str, now: datetime) -> int | None:
    """The contact id in a valid, unexpired token; None for anything else."""
    try:
        contact_hex, expires_hex, mac = token.split(".")
        contact_id, expires = int(contact_hex, 16), int(expires_hex, 16)
    except ValueError:
        return None
    if not hmac.compare_digest(mac, _mac(secret, f"{contact_hex}.{expires_hex}")):
        return None
    if expires < now.timestamp():
        return None
    return contact_id


@dataclass(frozen=True)
class UploadLinks:
    """Makes the personal upload links the bot sends."""

    secret: str
    base_url: str
    days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLinks:
        """Links signed with this installation's secret."""
        return cls(
            settings.secret_key.get_secret_value(), settings.base_url, settings.upload_link_days
        )

    def for_contact(self, contact_id: int, now: datetime) -> str:
        """The link for this contact, good for `days` days from `now`."""
        return f"{self.base_url}/u/{upload_token(self.secret, contact_id, now, self.days)}"
