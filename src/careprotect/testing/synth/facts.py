"""What a synthetic registry draws again in every pass: the facts of a division, days and names.

The facts of a village, township or county come from the division's own random numbers
(:func:`careprotect.testing.synth.shape.division_rng`), so every pass over the province that
needs them draws the same ones. Days are ordinals, written as ISO dates from one table.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from careprotect.testing.synth.shape import (
    AS_OF,
    YEAR,
    County,
    Plan,
    Township,
    Village,
    division_rng,
)
from careprotect.testing.synth.vocabulary import GIVEN_CHARACTERS, SURNAMES

__all__ = [
    "BIRTH_FIRST",
    "BIRTH_SPAN",
    "DAYS",
    "FIRST_DAY",
    "MONTHS",
    "WEEKS",
    "YEAR_END",
    "YEAR_START",
    "CountyFacts",
    "TownshipFacts",
    "VillageFacts",
    "between",
    "county_facts",
    "iso_day",
    "person_name",
    "township_facts",
    "village_facts",
    "welfare_institution",
]

# -- facts of a division, drawn again in every pass that needs them ---------------------------


class VillageFacts(NamedTuple):
    director: str | None
    home: str | None
    home_opened: int  # ordinal
    in_school: bool


class TownshipFacts(NamedTuple):
    supervisor: str | None
    counsellor: str | None
    social_worker: str | None


class CountyFacts(NamedTuple):
    welfare_institution: bool
    protection_centre: bool
    organisations: int
    party_members: tuple[str, ...]


def village_facts(plan: Plan, village: Village) -> VillageFacts:
    rng = division_rng(plan, village.code, "facts")
    opened = dt.date(2016, 1, 1).toordinal() + rng.randrange(8 * 365)
    in_school = rng.random() < 0.08
    has_home = village.seq not in plan.gaps["village_without_home"]
    has_director = village.seq not in plan.gaps["village_without_director"]
    return VillageFacts(
        director=f"D{village.code}" if has_director else None,
        home=f"H{village.code}" if has_home else None,
        home_opened=opened,
        in_school=in_school and has_home,
    )


def township_facts(plan: Plan, township: Township) -> TownshipFacts:
    rng = division_rng(plan, township.code, "facts")
    station = rng.random() < 0.86
    code = township.code
    return TownshipFacts(
        supervisor=None if township.seq in plan.gaps["township_without_supervisor"] else f"S{code}",
        counsellor=None if township.seq in plan.gaps["township_without_counsellor"] else f"Q{code}",
        social_worker=f"W{code}" if station else None,
    )


def county_facts(plan: Plan, county: County) -> CountyFacts:
    rng = division_rng(plan, county.code, "facts")
    welfare = rng.random() < 0.3
    protection = rng.random() < 0.8
    if county.seq in plan.gaps["county_short_of_organisations"]:
        organisations = rng.randrange(3)
    else:
        organisations = 3 + rng.randrange(4)
    members = tuple(f"P{county.code}{k}" for k in (1, 2))
    return CountyFacts(welfare, protection, organisations, members)


def welfare_institution(county: County, facts: CountyFacts) -> tuple[str, str]:
    """The id and name of the welfare institution orphans of the county live in."""
    if facts.welfare_institution:
        return f"WI{county.code}", f"{county.name}儿童福利院"
    return f"WI{county.prefecture.code}", f"{county.prefecture.name}儿童福利院"


# -- dates ------------------------------------------------------------------------------------

FIRST_DAY = dt.date(2000, 1, 1).toordinal()
DAYS = [
    dt.date.fromordinal(o).isoformat()
    for o in range(FIRST_DAY, dt.date(YEAR + 7, 1, 1).toordinal())
]
YEAR_START = dt.date(YEAR, 1, 1).toordinal()
YEAR_END = AS_OF.toordinal()  # the last day of the year
MONTHS = tuple(
    (dt.date(YEAR, m, 1).toordinal(), dt.date(YEAR + (m == 12), m % 12 + 1, 1).toordinal())
    for m in range(1, 13)
)
# Mondays of the ISO weeks that start in the year or before it and end in it.
WEEKS = tuple(
    range(YEAR_START - dt.date(YEAR, 1, 1).weekday(), YEAR_END + 1, 7),
)
BIRTH_FIRST = dt.date(YEAR - 17, 1, 1).toordinal()
BIRTH_SPAN = YEAR_END - BIRTH_FIRST + 1


def iso_day(ordinal: int) -> str:
    return DAYS[ordinal - FIRST_DAY]


def between(rng: random.Random, first: int, last: int) -> int:
    """A day from ``first`` to ``last`` inclusive (``first`` when the range is empty)."""
    return first if last <= first else first + int(rng.random() * (last - first + 1))


def person_name(rng: random.Random, surname: str | None = None) -> str:
    given = rng.choice(GIVEN_CHARACTERS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARACTERS)
    return (surname or rng.choice(SURNAMES)) + given
