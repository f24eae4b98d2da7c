"""Whether two tenants describe the same problem: the matcher that joins neighbours up.

Pure: two texts in, a score out. Each text becomes the problems it names, in a small
vocabulary of what tenants report ("lift", "mould", "bins"…), reached through the words people
use for each ("elevator", "mold", "rubbish"), text-speak ("brkn", "4 wks") and, for a word of
four letters or more, small typos read by rapidfuzz's Damerau-Levenshtein score ("lfit" is
lift). What is wrong ("broken", "not cleaned") counts a little; words that say nothing about
the problem ("again", "weeks", "residents") count not at all; every other word counts a little.
The score is the weighted Dice overlap of the two; a building each names ("Maple House" and
"Oak Court") must be the same one, for the same lift in two blocks is two problems.

The threshold was chosen from the labelled pairs in tests/data/similar_concerns.csv (see
tests/unit/test_similarity.py and `python -m bench.joining`): a false "join" is worse than a
missed one, so precision comes first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from conversations.validation import find_postcode

# Chosen from the labelled pairs: the lowest score whose precision stays at least 0.9
# (issue 15: "a false join is worse than a missed one").
THRESHOLD = 0.6

# What tenants report, each with the words (and text-speak) that name it. Order matters only
# for phrases, which are read before single words.
PROBLEMS: dict[str, tuple[str, ...]] = {
    "lift": ("lift", "lifts", "elevator", "elevators"),
    "mould": ("mould", "mold", "moulds", "mouldy", "mildew", "fungus"),
    "damp": ("damp", "condensation", "wet walls"),
    "heating": ("heating", "heater", "heaters", "radiator", "radiators", "heat", "cold"),
    "boiler": ("boiler", "boilers"),
    "hotwater": ("hot water", "no water"),
    "leak": ("leak", "leaks", "leaking", "leaked", "dripping", "drips", "water coming"),
    "roof": ("roof", "roofs", "roofing", "gutter", "gutters"),
    "bins": ("bin", "bins", "bin store", "bin room", "refuse", "wheelie"),
    "rubbish": ("rubbish", "litter", "waste", "trash", "junk"),
    "rats": ("rat", "rats", "mice", "mouse", "rodent", "rodents", "vermin", "cockroaches"),
    "stairs": ("stair", "stairs", "stairwell", "stairwells", "stairway", "staircase", "landing"),
    "urine": ("urine", "wee", "piss", "pee"),
    "drugs": ("drug", "drugs", "dealing", "dealer", "dealers", "cannabis", "weed"),
    "entry": ("door entry", "intercom", "buzzer", "entry system", "entryphone"),
    "firedoor": ("fire door", "fire doors"),
    "door": ("door", "doors"),
    "lights": ("light", "lights", "lighting", "bulb", "bulbs", "dark", "lites"),
    "grass": ("grass", "lawn", "lawns", "mowing", "mown", "green"),
    "hedges": ("hedge", "hedges", "tree", "trees", "bushes", "shrubs", "overgrown"),
    "windows": ("window", "windows", "frames", "glazing"),
    "appointments": ("appointment", "appointments", "no show", "turn up", "turns up"),
    "phone": ("phone", "phones", "hold", "engaged", "call centre", "helpline"),
    "letters": ("letter", "letters", "email", "emails", "answered", "reply"),
    "flytipping": ("fly tipping", "flytipping", "dumped", "dumping", "dump", "mattresses"),
    "paving": ("paving", "pavement", "slabs", "slab", "path", "paths", "footpath", "trip"),
    "playground": ("play area", "playground", "swings"),
    "glass": ("glass",),
    "needles": ("needle", "needles", "syringes"),
    "pigeons": ("pigeon", "pigeons", "birds", "bird"),
    "motorbikes": ("motorbike", "motorbikes", "scooters", "quad bikes", "bikes"),
    "asb": ("anti social", "antisocial", "asb", "youths", "gangs", "noise", "shouting"),
    "gassafety": ("gas safety", "gas check", "gas inspection", "gas"),
    "drains": ("drain", "drains", "sewage", "sewer", "blocked"),
    "cctv": ("cctv", "camera", "cameras"),
    "fan": ("extractor", "fan", "fans", "ventilation"),
    "parking": ("car park", "parking", "potholes", "pothole"),
    "streetlights": ("street light", "street lights", "streetlights", "lamp post", "lamps"),
}
# What is wrong, rather than with what: it counts, but less than the thing itself.
DETAILS: dict[str, tuple[str, ...]] = {
    "broken": (
        *("broken", "broke", "brkn", "bust", "busted", "kaput", "faulty", "failing", "failed"),
        *("not working", "doesnt work", "dont work", "wont work", "out of order"),
        *("out of service", "out of action", "breaking", "breaks", "stuck", "gone", "down"),
    ),
    "missed": ("missed", "miss", "missing", "nobody came", "never came", "never turn"),
    "collected": ("collected", "emptied", "collection", "collections"),
    "ceiling": ("ceiling", "ceilings"),
    "smell": ("smell", "smells", "smelly", "stink", "stinks", "stinking", "odour"),
    "cleaning": ("clean", "cleaned", "cleaning", "cleaner", "cleaners", "dirty", "filthy"),
    "lock": ("lock", "locks", "shut", "close", "closing", "latch"),
    "cutting": ("cut", "cutting", "cuts", "trimmed", "trimming"),
    "rotten": ("rotten", "rot", "rotting"),
    "bathroom": ("bathroom", "bathrooms", "toilet", "shower", "bath", "sink"),
    "kitchen": ("kitchen", "kitchens", "cooker"),
}
# Words that say nothing about which problem it is.
_NOTHING_WORDS = (
    "a an the and or but of to in on at by for from with into onto up over under about "
    "is are was were be been being am has have had do does did it its this that these "
    "those there here my our your their his her we i me us you they them he she mine "
    "again agen still always never every all any some no not nothing none more most "
    "very really so too just also even now then when wen since ago yet already ever "
    "day days week weeks wk wks month months year years fortnight today yesterday "
    "monday tuesday wednesday thursday friday saturday sunday night nights morning "
    "april may june july august march january february september october november december "
    "block blocks flat flats building buildings estate estates house houses home homes "
    "floor floors upper top ground residents resident tenant tenants people neighbour "
    "neighbours everyone everybody anyone anybody nobody someone family kids children mum "
    "elderly disabled wheelchair older "
    "keep keeps kept get gets getting got go goes going went come comes coming came "
    "take takes taking took make makes made let lets use used using can cant could "
    "wont would will should must need needs needed want told tell said say says "
    "fix fixed fixing fixes repair repairs repaired reported report reporting times "
    "time many much lot lots loads one two three four five six seven eight nine ten "
    "same as like just anything everything thing things problem problems issue issues "
    "again area areas communal outside inside round around behind next near by "
    "weekly monthly hour hours hardly barely properly only nobody cares care "
    "who what where why how which if because cos coz as than whole else else "
    "x xx please thanks thank sorry hi hello ok okay yes yeah "
    "bin been n 4 2 u ur im ive dont doesnt isnt"
)
NOTHING = frozenset(_NOTHING_WORDS.split()) - {
    word for words in (*PROBLEMS.values(), *DETAILS.values()) for word in words
}
# Text-speak and shortenings seen in texts, read as the word meant.
SHORT_FORMS = {
    "thru": "through",
    "wiv": "with",
    "rd": "road",
    "st": "street",
    "hse": "house",
    "ct": "court",
    "twr": "tower",
    "ave": "avenue",
    "bedrm": "bedroom",
    "bedrms": "bedrooms",
    "lft": "lift",
    "htg": "heating",
    "probs": "problems",
}
# A named building or street: "Maple House", "birch rd". The first word is its name.
PLACE_KINDS = (
    "house|court|tower|towers|road|street|close|lane|avenue|estate|gardens|place|way"
    "|drive|crescent|terrace|walk|heights|view|mews|row|grove|square|park"
)
_PLACE = re.compile(rf"\b([a-z][a-z']+)\s+({PLACE_KINDS})\b")
_NOT_NAMES = frozenset({"the", "our", "my", "this", "that", "whole", "every", "each", "same"})
# Weights: the problem itself, then what is wrong with it, then any other word.
PROBLEM_WEIGHT, DETAIL_WEIGHT, OTHER_WEIGHT = 3.0, 1.5, 0.5
TYPO_SCORE = 0.75  # rapidfuzz's normalised Damerau-Levenshtein: "lfit" is lift, "heatin" heating
TYPO_LENGTH = 4  # shorter words are too alike to correct ("rat" and "cat")


class Area(StrEnum):
    """How near two homes must be to count as one neighbourhood (the NEARBY_AREA setting)."""

    SECTOR = "sector"  # "M14 5": a few thousand homes
    DISTRICT = "district"  # "M14": a whole district


def area_of(postcode: str, size: Area = Area.SECTOR) -> str:
    """The postcode sector ("M14 5") or district ("M14") of a UK postcode; "" if none."""
    found = find_postcode(postcode)
    if found is None:
        return ""
    outward, inward = found.split(" ")
    return outward if size == Area.DISTRICT else f"{outward} {inward[0]}"


@dataclass(frozen=True)
class Concern:
    """What a text says is wrong, as the matcher reads it."""

    problems: frozenset[str]
    details: frozenset[str]
    others: frozenset[str]
    places: frozenset[str]

    def weights(self) -> dict[str, float]:
        """Each term and how much it counts."""
        weighted = dict.fromkeys(self.others, OTHER_WEIGHT)
        weighted.update(dict.fromkeys(self.details, DETAIL_WEIGHT))
        weighted.update(dict.fromkeys(self.problems, PROBLEM_WEIGHT))
        return weighted


@cache
def _phrases() -> dict[str, tuple[tuple[tuple[str, ...], str, bool], ...]]:
    """Every phrase of the vocabulary by its first word: its words, the term it means, and
    whether it is a problem (rather than a detail); longest first, so "fire doors" is read
    before "fire"."""
    found: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
    for table in (PROBLEMS, DETAILS):
        for term, phrases in table.items():
            for phrase in phrases:
                words = tuple(phrase.split())
                found.setdefault(words[0], []).append((words, term, table is PROBLEMS))
    return {
        first: tuple(sorted(options, key=lambda option: -len(option[0])))
        for first, options in found.items()
    }


@cache
def _single_words() -> dict[str, tuple[str, bool]]:
    return {
        words[0]: (term, problem)
        for options in _phrases().values()
        for words, term, problem in options
        if len(words) == 1
    }


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).replace("'", "")
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    return [SHORT_FORMS.get(w, w) for w in words]


@cache
def _corrected(word: str) -> tuple[str, bool] | None:
    """The vocabulary word a longer word is a small typo of ("brokn"), or None."""
    if len(word) < TYPO_LENGTH or word in NOTHING:
        return None
    vocabulary = _single_words()
    found = process.extractOne(
        word,
        vocabulary.keys(),
        scorer=DamerauLevenshtein.normalized_similarity,
        score_cutoff=TYPO_SCORE,
    )
    return vocabulary[found[0]] if found else None


def _places(words: list[str]) -> frozenset[str]:
    text = " ".join(words)
    return frozenset(
        f"{name} {kind}" for name, kind in _PLACE.findall(text) if name not in _NOT_NAMES
    )


def read(text: str) -> Concern:
    """The problems, details, other words and named places in a tenant's text."""
    words = _words(text)
    places = _places(words)
    place_words = {w for place in places for w in place.split()}
    problems: set[str] = set()
    details: set[str] = set()
    others: set[str] = set()
    phrases = _phrases()
    i = 0
    while i < len(words):
        for phrase, term, problem in phrases.get(words[i], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                (problems if problem else details).add(term)
                i += len(phrase)
                break
        else:
            word = words[i]
            i += 1
            if word in place_words or word in NOTHING or word.isdigit():
                continue
            corrected = _corrected(word)
            if corrected is not None:
                (problems if corrected[1] else details).add(corrected[0])
            elif len(word) > 2:
                others.add(_stem(word))
    return Concern(frozenset(problems), frozenset(details), frozenset(others), places)


def _stem(word: str) -> str:
    """A crude stem, so "bedrooms" and "bedroom" meet."""
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _same_places(a: Iterable[str], b: Iterable[str]) -> bool:
    """No building named by both, or one named by both ("maple hse" is Maple House)."""
    first, second = set(a), set(b)
    if not first or not second:
        return True
    return any(
        DamerauLevenshtein.normalized_similarity(x, y) >= TYPO_SCORE for x in first for y in second
    )


def score(a: Concern, b: Concern) -> float:
    """How alike two concerns are, from 0 (nothing shared) to 1 (the same words)."""
    if not a.problems or not b.problems or not (a.problems & b.problems):
        return 0.0  # a join needs a problem both name: "broken" alone is not one
    if not _same_places(a.places, b.places):
        return 0.0
    first, second = a.weights(), b.weights()
    shared = sum(min(first[t], second[t]) for t in first.keys() & second.keys())
    return 2 * shared / (sum(first.values()) + sum(second.values()))


def similarity(a: str, b: str) -> float:
    """How alike two tenants' descriptions of a problem are (0 to 1)."""
    return score(read(a), read(b))


def same_problem(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """Whether two descriptions are the same problem, at the chosen threshold."""
    return similarity(a, b) >= threshold
