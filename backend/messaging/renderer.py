"""The renderer for every message this installation sends, with the landlord's details."""

from __future__ import annotations

from functools import cache

from backend.settings import Settings
from bot.render import Renderer


@cache
def _renderer(
    landlord: str,
    phone: str,
    privacy_url: str,
    appeal_address: str,
    support_days: int,
    offered: tuple[str, ...],
) -> Renderer:
    return Renderer(
        landlord=landlord,
        phone=phone,
        privacy_url=privacy_url,
        appeal_address=appeal_address,
        support_days=support_days,
        offered=offered,
    )


def message_renderer(settings: Settings) -> Renderer:
    """A renderer that fills the landlord's details into every message (one per settings)."""
    return _renderer(
        settings.landlord_name,
        settings.landlord_phone,
        f"{settings.base_url}/privacy",
        settings.appeal_address,
        settings.support_reply_days,
        settings.offered_languages,
    )
