"""Offering a neighbour's petition: once the service, the address and the concern are known, a
tenant whose problem is already raised nearby may sign that petition instead, or carry on.

The shell looks the petition up (facts.needs asks for it only as the concern is finished) and
hands its public words over as facts: the summary an officer approved (or none), the service,
the neighbourhood and the count, never anything about the other tenant. On a text-message
channel the tenant signs by reply with the name and address already given (the phone is the
proof, as with SIGN by text); elsewhere they get the signing page. Either way their own answers
are kept, set aside, and "carry on" brings them back to the question they were at.
"""

from __future__ import annotations

from typing import NamedTuple

from conversations.effects import Effect, OfferUpload, SendPetitionLink, SignPetition
from conversations.messages import Choice, Inbound, Outbound
from conversations.proforma import Step, first_unanswered
from conversations.state import Conversation, Offer

# The facts the shell hands over when a similar open petition is found.
CODE_FACT = "similar_code"
REFERENCE_FACT = "similar_reference"
SUMMARY_FACT = "similar_summary"  # the officer's public summary; "" if none is approved yet
AREA_FACT = "similar_area"  # the service, as the petition names it
PLACE_FACT = "similar_place"  # the postcode sector or district ("M14 5")
COUNT_FACT = "similar_count"
URL_FACT = "similar_url"

SUMMARY_SHOWN = 160  # characters of the public summary in the offer (three texts at most)
OFFER_MENU = (Choice(1, "sign", "similar"), Choice(2, "carry_on", "similar"))
CARRY_ON_MENU = (Choice(1, "carry_on", "similar"),)


class Side(NamedTuple):
    """A turn of the offer."""

    state: Conversation
    replies: tuple[Outbound, ...]
    effects: tuple[Effect, ...] = ()


def wanted(state: Conversation) -> bool:
    """Whether this message may finish the concern, so a similar petition is worth looking up:
    at the concern question with something written, and nothing offered for this draft yet."""
    return (
        state.step == Step.CONCERNS
        and bool(state.answers.get(Step.CONCERNS.value))
        and bool(state.answers.get(Step.SERVICE_AREA.value))
        and bool(state.answers.get(Step.ADDRESS.value))
        and not state.similar_offered
    )


def offer(before: Conversation, after: Conversation, inbound: Inbound) -> Side | None:
    """The offer, if the concern was just finished and the shell found a similar petition;
    the question that would have come next waits until the tenant answers it."""
    code = inbound.facts.get(CODE_FACT)
    finished = before.step == Step.CONCERNS and after.step != Step.CONCERNS
    if not code or not finished or not wanted(before):
        return None
    facts = inbound.facts
    pending = Offer(code=code, reference=facts.get(REFERENCE_FACT, ""), url=facts.get(URL_FACT, ""))
    context = {
        "reference": pending.reference,
        "summary": facts.get(SUMMARY_FACT, ""),
        "area": facts.get(AREA_FACT, ""),
        "place": facts.get(PLACE_FACT, ""),
        "count": int(facts.get(COUNT_FACT, "0") or 0),
    }
    offered = after.but(offer=pending, similar_offered=True)
    return Side(offered, (Outbound("similar/offer", context, OFFER_MENU),))


def sign(state: Conversation, inbound: Inbound) -> Side:
    """They chose to sign: by reply on a text-message channel, else through the signing page.
    Their answers are set aside, not lost."""
    assert state.offer is not None  # noqa: S101 - only called with an offer pending
    pending = state.offer
    aside = state.but(
        offer=None,
        step=Step.SET_ASIDE,
        collecting=False,
        misfits=0,
        set_aside_for=pending.reference,
    )
    channel = inbound.channel.can
    if channel.phone_number and not channel.spoken:
        name = state.answers.get(Step.NAME.value, "")
        address = state.answers.get(Step.ADDRESS.value, "")
        # The shell says it is signed (or was already), then that their answers are kept; on a
        # channel without pictures, a link to add their own photos to that Call (issue 15,
        # point 3: "a tenant who joins becomes a signer and can still add their own evidence").
        signing = SignPetition(pending.code, name, address, pending.reference)
        upload = () if channel.pictures else (OfferUpload(pending.reference),)
        return Side(aside, (), (signing, *upload))
    set_aside = Outbound("similar/set_aside", {"reference": pending.reference}, CARRY_ON_MENU)
    if channel.spoken:
        # A caller's number can be faked, so a call takes no signature: the page is texted.
        link = Outbound("similar/use_link", {"url": "", "texts": state.texts})
        effects: tuple[Effect, ...] = (SendPetitionLink(pending.code),) if state.texts else ()
        return Side(aside, (link, set_aside), effects)
    link = Outbound("similar/use_link", {"url": pending.url, "texts": False})
    return Side(aside, (link, set_aside))


def carry_on(state: Conversation) -> Conversation:
    """Back to their own Call, at the first question still to answer (or the review)."""
    return state.but(offer=None, set_aside_for=None, step=first_unanswered(state.answers))
