"""Signing a petition from its page: check the form, text a 6-digit code, confirm it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from backend.messaging.notify import notify
from backend.models import Contact, PendingSignature, Petition, Signature
from backend.models.types import saved_id
from backend.petitions.petition import can_sign
from backend.petitions.signatures import SignOutcome, sign
from backend.settings import Settings
from backend.store import rate_limits
from backend.store.db import insert_or_skip
from bot.render import Renderer
from conversations import Channel, Outbound
from conversations.validation import clean, find_postcode, has_letter, uk_phone

CODE_MINUTES = 10
MAX_TRIES = 5
LIMIT_WINDOW = timedelta(hours=1)


@dataclass
class SigningForm:
    """What a signer typed on the petition page, and what is wrong with it."""

    name: str = ""
    address: str = ""
    phone: str = ""
    affected: bool = False
    hear_outcome: bool = False
    trap: str = ""  # the honeypot: people never see it, so never fill it
    errors: dict[str, str] = field(default_factory=dict)
    e164: str = ""

    def check(self) -> bool:
        """Fills `errors` (field -> message) and says whether the form is good."""
        self.name, self.address, self.phone = (
            clean(self.name)[:80],
            clean(self.address)[:200],
            clean(self.phone)[:30],
        )
        if not self.name or not has_letter(self.name):
            self.errors["name"] = "Enter your full name."
        if not find_postcode(self.address):
            self.errors["address"] = "Enter your address with its postcode, for example L30 4TH."
        if not self.affected:
            self.errors["affected"] = "Tick the box if you are a customer or resident affected."
        self.e164 = uk_phone(self.phone) or ""
        if not self.e164:
            self.errors["phone"] = "Enter a mobile number we can text a code to, like 07911 123456."
        if self.trap:
            self.errors["form"] = "Sorry, something went wrong. Please try again."
        return not self.errors


def _code_hash(secret: str, token: str, code: str) -> str:
    return hashlib.sha256(f"{secret}|{token}|{code}".encode()).hexdigest()


def request_code(
    session: Session,
    petition: Petition,
    form: SigningForm,
    settings: Settings,
    renderer: Renderer,
    ip_hash: str,
    now: datetime,
) -> tuple[PendingSignature | None, str]:
    """Texts a code to the signer's phone; returns the pending signature and the code."""
    if not form.check():
        return None, ""
    if not can_sign(petition, settings):
        form.errors["form"] = "This petition is not taking signatures any more."
        return None, ""
    signed = session.exec(
        select(Signature).where(
            Signature.petition_id == petition.id,
            Signature.phone == form.e164,
            col(Signature.withdrawn_at).is_(None),
        )
    ).first()
    if signed is not None:
        form.errors["phone"] = "This phone number has already signed this petition. Thank you!"
        return None, ""
    contact = _sms_contact(session, form.e164, now)
    if contact.opted_out_at is not None:
        form.errors["phone"] = (
            "This number has asked us not to text it. Text START to us to allow texts again, "
            f"or call {settings.landlord_phone} to sign."
        )
        return None, ""
    limits = settings.signing_codes_per_hour
    keys = {"phone": form.e164, "ip": ip_hash, "petition": petition.code}
    wanted = [rate_limits.Limit(f"code_{kind}", key, limits[kind]) for kind, key in keys.items()]
    if not rate_limits.allow(session, wanted, LIMIT_WINDOW, now):
        form.errors["form"] = "Too many codes have been asked for. Please try again in an hour."
        return None, ""
    token, code = secrets.token_urlsafe(24), f"{secrets.randbelow(1_000_000):06d}"
    secret = settings.secret_key.get_secret_value()
    pending = PendingSignature(
        petition_id=saved_id(petition),
        token=token,
        code_hash=_code_hash(secret, token, code),
        name=form.name,
        address=form.address,
        phone=form.e164,
        hear_outcome=form.hear_outcome,
        ip_hash=ip_hash,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        created_at=now,
    )
    session.add(pending)
    notify(session, renderer, contact, Outbound("petition/code", {"code": code}), now)
    return pending, code


def _sms_contact(session: Session, phone: str, now: datetime) -> Contact:
    session.execute(
        insert_or_skip(session, Contact).values(
            channel=Channel.SMS.value, address=phone, created_at=now
        )
    )
    return session.exec(
        select(Contact).where(Contact.channel == Channel.SMS.value, Contact.address == phone)
    ).one()


def pending_of(session: Session, petition: Petition, token: str) -> PendingSignature | None:
    """The signature waiting for its code, by the token in the confirm page's address."""
    return session.exec(
        select(PendingSignature).where(
            PendingSignature.token == token, PendingSignature.petition_id == petition.id
        )
    ).first()


def confirm(
    session: Session,
    petition: Petition,
    pending: PendingSignature,
    code: str,
    settings: Settings,
    renderer: Renderer,
    now: datetime,
) -> SignOutcome | str:
    """Checks the code (5 tries, 10 minutes); signs, or says what went wrong."""
    if pending.used_at is not None:
        return "This code has already been used."
    if pending.expires_at <= now:
        return "This code has expired. Please ask for a new one."
    if pending.attempts >= MAX_TRIES:
        return "Too many wrong codes. Please ask for a new one."
    secret = settings.secret_key.get_secret_value()
    given = "".join(ch for ch in code if ch.isdigit())[:6]
    if not hmac.compare_digest(_code_hash(secret, pending.token, given), pending.code_hash):
        pending.attempts += 1
        session.add(pending)
        left = MAX_TRIES - pending.attempts
        if not left:
            return "Too many wrong codes. Please ask for a new one."
        return f"That code is not right. You have {left} {'try' if left == 1 else 'tries'} left."
    pending.used_at = now
    session.add(pending)
    return sign(
        session,
        petition,
        settings,
        renderer,
        name=pending.name,
        address=pending.address,
        phone=pending.phone,
        hear_outcome=pending.hear_outcome,
        verified_by="sms_code",
        ip_hash=pending.ip_hash,
        now=now,
    )
