"""Signing a petition from its page: check the form, text a 6-digit code, confirm it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from backend.messaging.notify import Notifier
from backend.models import Contact, PendingSignature, Petition, RateEvent, Signature
from backend.models.types import saved_id
from backend.petitions.petition import can_sign
from backend.petitions.signatures import SignOutcome, sign, withdraw
from backend.settings import Settings
from backend.store import rate_limits
from backend.store.db import insert_or_skip
from conversations import Channel, Outbound
from conversations.validation import clean, find_postcode, has_letter, uk_phone

CODE_MINUTES = 10
MAX_TRIES = 5
# A signature waiting for its code is deleted this long after the code expires: long enough
# for a signer typing it as it ran out to be told "expired", not "not valid".
WITHDRAW = "withdraw"  # a pending code that takes a signature back rather than giving one
GRACE = timedelta(hours=1)
LIMIT_WINDOW = timedelta(hours=1)
DAY = timedelta(days=1)
# The service-wide counters: one event per code texted, whoever asked for it.
SERVICE_LIMITS = {"hour": ("code_all_hour", LIMIT_WINDOW), "day": ("code_all_day", DAY)}


@dataclass
class SigningForm:
    """What a signer typed on the petition page, and what is wrong with it.

    `errors` maps a field to the name of its problem; templates/public/_problems.html words it.
    """

    name: str = ""
    address: str = ""
    phone: str = ""
    affected: bool = False
    hear_outcome: bool = False
    trap: str = ""  # the honeypot: people never see it, so never fill it
    errors: dict[str, str] = field(default_factory=dict)
    e164: str = ""
    # "Have you reported it yourself?": optional, "yes" or "no"; the panel sees how many did
    # as it looks "to see if the petitioners have attempted to resolve the situation".
    reported: str = ""
    language: str = ""  # the page's: the code, and what they asked to hear, are texted in it

    @property
    def reported_problem(self) -> bool | None:
        """The answer, if one was given."""
        return {"yes": True, "no": False}.get(self.reported)

    def check(self, regions: Sequence[str]) -> bool:
        """Fills `errors` (field -> problem) and says whether the form is good; the phone
        must be a mobile of one of `regions`."""
        self.name, self.address, self.phone = (
            clean(self.name)[:80],
            clean(self.address)[:200],
            clean(self.phone)[:30],
        )
        if not self.name or not has_letter(self.name):
            self.errors["name"] = "name"
        if not find_postcode(self.address):
            self.errors["address"] = "address"
        if not self.affected:
            self.errors["affected"] = "affected"
        self.e164 = uk_phone(self.phone) or ""
        if not self.e164 or not is_mobile_in(self.e164, regions):
            self.errors["phone"] = "phone"
        if self.trap:
            self.errors["form"] = "form"
        return not self.errors


def is_mobile_in(e164: str, regions: Sequence[str]) -> bool:
    """Whether a code may be texted to `e164`: a mobile number of one of `regions`.

    Anything else is how SMS pumping pays: premium-rate, personal-number and foreign or
    satellite ranges earn whoever runs them a share of what the landlord pays per text.
    """
    number = phonenumbers.parse(e164)
    return (
        phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        and phonenumbers.region_code_for_number(number) in regions
    )


def sign_by_text(settings: Settings) -> str:
    """Our SMS number as a UK reader writes it, for "text SIGN <code> to …" (or "" if none)."""
    sender = settings.twilio_from_number or ""
    if not settings.twilio_enabled or not sender.startswith("+"):
        return ""  # no SMS channel (or a WhatsApp-only sender): nothing to text
    try:
        number = phonenumbers.parse(sender)
    except phonenumbers.NumberParseException:
        return sender
    national = phonenumbers.region_code_for_country_code(number.country_code or 0) == "GB"
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


def codes_capped(session: Session, settings: Settings, now: datetime) -> str:
    """Which service-wide cap on texted codes is reached now ("day", "hour"), or ""."""
    for period in ("day", "hour"):
        kind, window = SERVICE_LIMITS[period]
        most = settings.signing_codes_service[period]
        sent = session.exec(
            select(func.count())
            .select_from(RateEvent)
            .where(RateEvent.kind == kind, RateEvent.key == "all", RateEvent.at >= now - window)
        ).one()
        if sent >= most:
            return period
    return ""


def _code_hash(secret: str, token: str, code: str) -> str:
    return hashlib.sha256(f"{secret}|{token}|{code}".encode()).hexdigest()


def request_code(
    session: Session,
    petition: Petition,
    form: SigningForm,
    settings: Settings,
    tell: Notifier,
    ip_hash: str,
) -> tuple[PendingSignature | None, str]:
    """Texts a code to the signer's phone; returns the pending signature and the code."""
    now = tell.now
    if not form.check(settings.signing_phone_regions):
        return None, ""
    if not can_sign(petition, settings):
        form.errors["form"] = "closed"
        return None, ""
    if not _within_limits(session, petition, form.e164, settings, ip_hash, now):
        form.errors["form"] = "too_many"
        return None, ""
    # Only now, and never in the answer: whether this number signed already or asked not to
    # be texted is its owner's business. Such a number gets the same page and no text.
    contact = _sms_contact(session, form.e164, now, form.language)
    texted = contact.opted_out_at is None and not _signed(session, petition, form.e164)
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
        reported_problem=form.reported_problem,
        ip_hash=ip_hash,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        created_at=now,
    )
    session.add(pending)
    if not texted:
        return pending, ""  # a code nobody was sent: entering one only uses up the tries
    tell.notify(contact, Outbound("petition/code", {"code": code}))
    return pending, code


def _within_limits(
    session: Session,
    petition: Petition,
    phone: str,
    settings: Settings,
    ip_hash: str,
    now: datetime,
) -> bool:
    """Counts one more code for this phone, connection, petition and the whole service; False
    (and nothing counted) when any is at its limit. Signing and withdrawing share them."""
    limits = settings.signing_codes_per_hour
    # The phone is counted under a hash of it: the counters hold no one's number.
    phone_key = hashlib.sha256(f"{settings.secret_key.get_secret_value()}|{phone}".encode())
    keys = {"phone": phone_key.hexdigest(), "ip": ip_hash, "petition": petition.code}
    wanted = [rate_limits.Limit(f"code_{kind}", key, limits[kind]) for kind, key in keys.items()]
    wanted += [
        rate_limits.Limit(kind, "all", settings.signing_codes_service[period], window)
        for period, (kind, window) in SERVICE_LIMITS.items()
    ]
    return rate_limits.allow(session, wanted, LIMIT_WINDOW, now)


def request_withdrawal(
    session: Session,
    petition: Petition,
    typed: str,
    settings: Settings,
    tell: Notifier,
    ip_hash: str,
    language: str = "",
) -> tuple[PendingSignature | None, str, str]:
    """Texts a code to take back the signature given from this phone: (pending, code, problem).
    The answer is the same whether or not the number signed (only a number that did is
    texted), so the page tells nobody who has signed."""
    now = tell.now
    phone = uk_phone(clean(typed)[:30]) or ""
    if not phone or not is_mobile_in(phone, settings.signing_phone_regions):
        return None, "", "phone"
    if not _within_limits(session, petition, phone, settings, ip_hash, now):
        return None, "", "too_many"
    token, code = secrets.token_urlsafe(24), f"{secrets.randbelow(1_000_000):06d}"
    pending = PendingSignature(
        petition_id=saved_id(petition),
        token=token,
        code_hash=_code_hash(settings.secret_key.get_secret_value(), token, code),
        name="",
        address="",
        phone=phone,
        purpose=WITHDRAW,
        ip_hash=ip_hash,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        created_at=now,
    )
    session.add(pending)
    contact = _sms_contact(session, phone, now, language)
    if contact.opted_out_at is not None or not _signed(session, petition, phone):
        return pending, "", ""  # nothing to take back: no text, and the same page as anyone
    tell.notify(contact, Outbound("petition/withdraw_code", {"code": code}))
    return pending, code, ""


def _signed(session: Session, petition: Petition, phone: str) -> bool:
    return (
        session.exec(
            select(Signature.id).where(
                Signature.petition_id == petition.id,
                Signature.phone == phone,
                col(Signature.withdrawn_at).is_(None),
            )
        ).first()
        is not None
    )


def _sms_contact(session: Session, phone: str, now: datetime, language: str) -> Contact:
    """The phone's SMS contact, which texts to this signer are written in `language` (the
    signing page's) from now on, if one is given."""
    session.execute(
        insert_or_skip(session, Contact).values(
            channel=Channel.SMS.value, address=phone, created_at=now
        )
    )
    contact = session.exec(
        select(Contact).where(Contact.channel == Channel.SMS.value, Contact.address == phone)
    ).one()
    if language and contact.language != language:
        contact.language = language
        session.add(contact)
    return contact


def forget_unconfirmed(session: Session, now: datetime) -> int:
    """Deletes signatures waiting for a code once their code has expired (and GRACE after):
    the name, address and phone of someone who never confirmed are not kept. A confirmed one
    is in the petition's signatures already."""
    gone = session.execute(
        delete(PendingSignature).where(col(PendingSignature.expires_at) < now - GRACE)
    )
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]


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
    tell: Notifier,
) -> SignOutcome | str:
    """Checks the code (5 tries, 10 minutes); signs, or says what went wrong."""
    problem = _check_code(session, pending, code, settings, tell.now)
    if problem:
        return problem
    return sign(
        session,
        petition,
        settings,
        tell,
        name=pending.name,
        address=pending.address,
        phone=pending.phone,
        hear_outcome=pending.hear_outcome,
        reported_problem=pending.reported_problem,
        verified_by="sms_code",
        ip_hash=pending.ip_hash,
    )


def _check_code(
    session: Session, pending: PendingSignature, code: str, settings: Settings, now: datetime
) -> str:
    """What is wrong with the code typed, as the name of the problem the page words in the
    signer's language (templates/public/_problems.html: "used", "expired", "locked", "wrong:2");
    "" when it is right: it is then used up."""
    if pending.used_at is not None:
        return "used"
    if pending.expires_at <= now:
        return "expired"
    if pending.attempts >= MAX_TRIES:
        return "locked"
    secret = settings.secret_key.get_secret_value()
    given = "".join(ch for ch in code if ch.isdigit())[:6]
    if not hmac.compare_digest(_code_hash(secret, pending.token, given), pending.code_hash):
        pending.attempts += 1
        session.add(pending)
        left = MAX_TRIES - pending.attempts
        return f"wrong:{left}" if left else "locked"
    pending.used_at = now
    session.add(pending)
    return ""


def confirm_withdrawal(
    session: Session,
    petition: Petition,
    pending: PendingSignature,
    code: str,
    settings: Settings,
    now: datetime,
) -> str:
    """Checks the code; a good one takes the signature back. Returns what went wrong ("" when
    it was taken back)."""
    problem = _check_code(session, pending, code, settings, now)
    if problem:
        return problem
    withdraw(session, petition, pending.phone, now)
    return ""
