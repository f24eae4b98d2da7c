"""The scoring matrix: performance, satisfaction, complaints, business-critical, and the bonus
a community call earns; the totals order the annual programme."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.casework.lifecycle import IllegalTransition, words
from backend.models import Call, Score
from backend.models.scrutiny import ScoreParts

SCORE_PARTS = ("performance", "satisfaction", "complaints", "business_critical")


def score_of(session: Session, call: Call) -> Score | None:
    """The Call's score, once the panel has given one."""
    return session.exec(select(Score).where(Score.call_id == call.id)).first()


def check_parts(parts: dict[str, int]) -> None:
    for name in SCORE_PARTS:
        if not 0 <= parts.get(name, -1) <= 5:
            raise IllegalTransition(f"Give {words(name)} a score from 0 to 5.")


def area_total(score: ScoreParts, weights: dict[str, float]) -> float:
    """The weighted total of the matrix alone (a business area's whole score)."""
    return round(sum(float(getattr(score, name)) * weights[name] for name in SCORE_PARTS), 2)


def total_score(score: Score, weights: dict[str, float]) -> float:
    """The weighted total that orders the annual programme: the matrix plus the bonus."""
    return round(area_total(score, weights) + score.community_bonus, 2)
