"""The matcher's labelled pairs and how it scores on them: read by
tests/unit/test_similarity.py and printed by bench/joining.py.

tests/data/similar_concerns.csv is the set the vocabulary and the threshold were chosen on;
similar_concerns_held_out.csv was written afterwards and never tuned on, to say how the
matcher does on pairs it has not seen."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from conversations.similarity import THRESHOLD, Area, area_of, similarity

PAIRS = Path(__file__).parent / "data" / "similar_concerns.csv"
HELD_OUT = Path(__file__).parent / "data" / "similar_concerns_held_out.csv"


@dataclass(frozen=True)
class Pair:
    """Two tenants' concerns and whether a careful officer would join them."""

    kind: str  # reworded, typos, short, other_problem, other_block, other_area, other_service
    service: tuple[str, str]
    postcode: tuple[str, str]
    concern: tuple[str, str]
    same: bool

    def score(self, area: Area = Area.SECTOR) -> float:
        """The matcher's score, as the look-up applies it: 0 unless the service and the
        neighbourhood are the same."""
        near = area_of(self.postcode[0], area) == area_of(self.postcode[1], area)
        if self.service[0] != self.service[1] or not near:
            return 0.0
        return similarity(*self.concern)


@dataclass(frozen=True)
class Measured:
    """Precision and recall at one threshold."""

    threshold: float
    precision: float
    recall: float
    joined_right: int
    joined_wrong: int
    missed: int


def pairs(path: Path = PAIRS) -> list[Pair]:
    """Every labelled pair in the file (the tuning set unless another is named)."""
    with path.open(newline="", encoding="utf-8") as file:
        return [
            Pair(
                kind=row["kind"],
                service=(row["service_a"], row["service_b"]),
                postcode=(row["postcode_a"], row["postcode_b"]),
                concern=(row["concern_a"], row["concern_b"]),
                same=row["same"] == "1",
            )
            for row in csv.DictReader(file)
        ]


def measure(labelled: list[Pair], threshold: float = THRESHOLD) -> Measured:
    """How the matcher does on `labelled` at `threshold`."""
    scored = [(pair.score() >= threshold, pair.same) for pair in labelled]
    right = sum(1 for joined, same in scored if joined and same)
    wrong = sum(1 for joined, same in scored if joined and not same)
    missed = sum(1 for joined, same in scored if not joined and same)
    return Measured(
        threshold=threshold,
        precision=right / (right + wrong) if right + wrong else 1.0,
        recall=right / (right + missed) if right + missed else 1.0,
        joined_right=right,
        joined_wrong=wrong,
        missed=missed,
    )
