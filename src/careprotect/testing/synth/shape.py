"""The shape of a synthetic province: its divisions, their sizes and which units have a gap.

:func:`make_plan` draws the shape once (a few lists the size of the number of townships);
:func:`walk` goes over the counties, townships and villages again whenever a pass needs them.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from careprotect.divisions import PROVINCE_CODES
from careprotect.errors import InvalidValueError
from careprotect.testing.synth.vocabulary import PLACE_FIRST, PLACE_SECOND, REAL_PREFECTURES

__all__ = [
    "AS_OF",
    "CHILD_GAP_RATES",
    "MAX_CHILDREN",
    "UNIT_GAP_RATES",
    "YEAR",
    "County",
    "Plan",
    "Prefecture",
    "Township",
    "Village",
    "check_arguments",
    "division_rng",
    "make_plan",
    "walk",
]

YEAR = 2024
"""The synthetic year: contacts, trainings and the other dated facts of the year fall in it."""
AS_OF = dt.date(YEAR, 12, 31)
"""The day to audit a synthetic registry on: the last day of :data:`YEAR`. Children are 0 to
17 years old on it."""
MAX_CHILDREN = 100_000_000
"""The most children :func:`synthesize` makes (the division codes run out beyond)."""

CHILDREN_PER_VILLAGE = 40
VILLAGES_PER_TOWNSHIP = 12
TOWNSHIPS_PER_COUNTY = 16
COUNTIES_PER_PREFECTURE = 9

UNIT_GAP_RATES: Mapping[str, float] = MappingProxyType(
    {
        "village_without_director": 0.03,
        "village_without_home": 0.04,
        "home_below_floor_area": 0.05,
        "home_missing_facility": 0.05,
        "director_untrained": 0.02,
        "director_trained_briefly": 0.03,
        "township_without_supervisor": 0.04,
        "supervisor_untrained": 0.03,
        "supervisor_trained_briefly": 0.03,
        "township_without_counsellor": 0.05,
        "county_short_of_organisations": 0.10,
    }
)
"""Gaps of divisions, workers and service points: the share of the units of their kind that
have the gap (villages; homes; directors; townships; supervisors; counties). Exactly
``round(rate * units)`` units have it, and at least one whenever there are two units or more."""

CHILD_GAP_RATES: Mapping[str, float] = MappingProxyType(
    {
        "contacted_too_rarely": 0.04,
        "missing_topic": 0.03,
        "unsigned_confirmation": 0.05,
        "missing_service_agreement": 0.05,
        "missing_entrustment_notice": 0.05,
        "parent_contacts_unrecorded": 0.5,
        "parent_contact_missed_week": 0.03,
    }
)
"""Gaps of child files: the chance that a child has the gap (among children with an entrusted
guardian for an unsigned confirmation, a missing written notice of the entrustment to the
school and a file that does not record the parents' contacts; among such files, for each week
without a parent's contact; among children of a village with a home for a missing service
agreement)."""


_MAX_PREFECTURES = 90
MAX_COUNTIES_PER_PREFECTURE = 99
_MAX_COUNTIES = _MAX_PREFECTURES * 60
_MAX_TOWNSHIPS_PER_COUNTY = 899  # codes 101-999
_MAX_VILLAGES_PER_TOWNSHIP = 799  # codes 201-999


# -- checking the arguments -------------------------------------------------------------------


def check_arguments(province: object, children: object, seed: object) -> str:
    if not isinstance(province, str) or province not in PROVINCE_CODES:
        examples = "'43' (湖南省) or '42' (湖北省)"
        raise InvalidValueError(
            f"must be a two-digit province code of GB/T 2260 such as {examples} (got {province!r})",
            field="province",
        )
    if isinstance(children, bool) or not isinstance(children, int):
        raise InvalidValueError(
            f"must be a whole number (got {type(children).__name__})", field="children"
        )
    if not 0 <= children <= MAX_CHILDREN:
        raise InvalidValueError(
            f"must be from 0 to {MAX_CHILDREN} (got {children})", field="children"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidValueError(f"must be a whole number (got {type(seed).__name__})", field="seed")
    return province


# -- the shape of the province ----------------------------------------------------------------


def _split(
    total: int,
    weights: Sequence[float],
    *,
    minimum: int = 0,
    maximum: int | None = None,
) -> list[int]:
    """``total`` split into ``len(weights)`` whole parts, each at least ``minimum`` (and at
    most ``maximum``), the rest shared in proportion to the weights (largest remainder)."""
    n = len(weights)
    extra = total - minimum * n
    scale = extra / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(x) for x in raw]
    left = extra - sum(parts)
    for i in sorted(range(n), key=lambda i: parts[i] - raw[i])[:left]:
        parts[i] += 1
    parts = [minimum + p for p in parts]
    if maximum is not None:
        excess = sum(p - maximum for p in parts if p > maximum)
        parts = [min(p, maximum) for p in parts]
        i = 0
        while excess:
            room = min(maximum - parts[i], excess)
            parts[i] += room
            excess -= room
            i += 1
    return parts


def _noise(rng: random.Random, n: int, spread: float) -> list[float]:
    return [1.0 + spread * (2.0 * rng.random() - 1.0) for _ in range(n)]


def _quota(rate: float, units: int) -> int:
    """How many of ``units`` get a gap of ``rate``: at least one when there are two or more."""
    k = round(rate * units)
    return 1 if k == 0 and units >= 2 else k


def _pick(rng: random.Random, units: int, count: int, exclude: frozenset[int]) -> frozenset[int]:
    """``count`` unit indices below ``units`` chosen at random, none in ``exclude``."""
    k = min(count, units - len(exclude))
    chosen: set[int] = set()
    while len(chosen) < k:
        i = rng.randrange(units)
        if i not in exclude:
            chosen.add(i)
    return frozenset(chosen)


class Prefecture(NamedTuple):
    code: str
    name: str
    counties: tuple[tuple[str, str], ...]  # (code, name) of each county


class Plan(NamedTuple):
    """The shape of the province and which units have which gap (small: no list is longer
    than the number of townships, no set larger than a few percent of the villages)."""

    seed: int
    province: str
    children: int
    prefectures: tuple[Prefecture, ...]
    townships_per_county: tuple[int, ...]
    villages_per_township: tuple[int, ...]
    children_per_township: tuple[int, ...]
    gaps: dict[str, frozenset[int]]


def _sizes(children: int) -> tuple[int, int, int, int]:
    """Villages, townships, counties and prefectures for ``children`` children.

    About 40 children a village, 12 villages a township, 16 townships a county and 9 counties
    a prefecture (a province of a million children has about 25 000 villages, 2 100
    townships, 130 counties and 15 prefectures, close to Hunan). A small registry is a sample
    of a province: at least 4 townships, 4 counties and 2 prefectures when there are enough
    villages."""
    villages = max(1, (children + CHILDREN_PER_VILLAGE // 2) // CHILDREN_PER_VILLAGE)
    townships = max(math.ceil(villages / VILLAGES_PER_TOWNSHIP), min(villages, 4))
    counties = max(math.ceil(townships / TOWNSHIPS_PER_COUNTY), min(townships, 4))
    counties = min(counties, _MAX_COUNTIES)
    prefectures = max(math.ceil(counties / COUNTIES_PER_PREFECTURE), min(counties, 2))
    return villages, townships, counties, min(prefectures, _MAX_PREFECTURES)


def _code_pool(taken: Sequence[str], first: int) -> list[str]:
    """Two-digit codes for invented divisions, from ``first`` to 99 then from 01, in the
    order :meth:`list.pop` gives them."""
    order = [f"{i:02d}" for i in (*range(first, 100), *range(1, first))]
    return [c for c in order if c not in taken][::-1]


def _prefectures(province: str, sizes: Sequence[int]) -> tuple[Prefecture, ...]:
    """The prefectures with their counties' codes and names: the real places first."""
    real = REAL_PREFECTURES.get(province, ())
    pool = _code_pool([code for code, _, _ in real], 1)
    result: list[Prefecture] = []
    invented_prefecture = invented_county = 0
    for index, size in enumerate(sizes):
        if index < len(real):
            code, name, known = real[index]
        else:
            invented_prefecture += 1
            code, name, known = pool.pop(), f"示例市{invented_prefecture}", ()
        known = known[:size]
        county_pool = _code_pool([c for c, _ in known], 21)
        counties = [(f"{province}{code}{c}", n) for c, n in known]
        while len(counties) < size:
            invented_county += 1
            counties.append((f"{province}{code}{county_pool.pop()}", f"示例县{invented_county}"))
        result.append(Prefecture(f"{province}{code}", name, tuple(sorted(counties))))
    return tuple(sorted(result))


def make_plan(province: str, children: int, seed: int) -> Plan:
    # The seeds keep the module's first name, careprotect.synth: the same registries as before.
    rng = random.Random(f"careprotect.synth:{seed}:{province}:{children}")
    villages, townships, counties, prefectures = _sizes(children)
    per_prefecture = _split(
        counties,
        _noise(rng, prefectures, 0.25),
        minimum=1,
        maximum=MAX_COUNTIES_PER_PREFECTURE,
    )
    per_county = _split(
        townships,
        _noise(rng, counties, 0.3),
        minimum=1,
        maximum=_MAX_TOWNSHIPS_PER_COUNTY,
    )
    per_township = _split(
        villages,
        _noise(rng, townships, 0.35),
        minimum=1,
        maximum=_MAX_VILLAGES_PER_TOWNSHIP,
    )
    weights = [v * w for v, w in zip(per_township, _noise(rng, townships, 0.2), strict=True)]
    children_per_township = _split(children, weights)

    none: frozenset[int] = frozenset()
    rates = UNIT_GAP_RATES
    gaps: dict[str, frozenset[int]] = {}
    for name, units in (
        ("village_without_director", villages),
        ("village_without_home", villages),
        ("township_without_supervisor", townships),
        ("township_without_counsellor", townships),
        ("county_short_of_organisations", counties),
    ):
        gaps[name] = _pick(rng, units, _quota(rates[name], units), none)
    # Gaps of homes and of staff: a share of the homes and staff there are.
    no_home = gaps["village_without_home"]
    homes = villages - len(no_home)
    for name in ("home_below_floor_area", "home_missing_facility"):
        gaps[name] = _pick(rng, villages, _quota(rates[name], homes), no_home)
    for role, unit, units in (
        ("director", "village_without_director", villages),
        ("supervisor", "township_without_supervisor", townships),
    ):
        absent = gaps[unit]
        staff = units - len(absent)
        untrained = _pick(rng, units, _quota(rates[f"{role}_untrained"], staff), absent)
        gaps[f"{role}_untrained"] = untrained
        brief = _quota(rates[f"{role}_trained_briefly"], staff)
        gaps[f"{role}_trained_briefly"] = _pick(rng, units, brief, absent | untrained)
    return Plan(
        seed=seed,
        province=province,
        children=children,
        prefectures=_prefectures(province, per_prefecture),
        townships_per_county=tuple(per_county),
        villages_per_township=tuple(per_township),
        children_per_township=tuple(children_per_township),
        gaps=gaps,
    )


def division_rng(plan: Plan, code: str, purpose: str) -> random.Random:
    """The random numbers of one division for one purpose: the same in every pass."""
    return random.Random(f"careprotect.synth:{plan.seed}:{code}:{purpose}")


# -- walking the province ---------------------------------------------------------------------


class Village(NamedTuple):
    seq: int
    code: str
    name: str
    children: int


class Township(NamedTuple):
    seq: int
    code: str
    name: str
    villages: tuple[Village, ...]


class County(NamedTuple):
    seq: int
    code: str
    name: str
    prefecture: Prefecture
    townships: tuple[Township, ...]


def _place_name(rng: random.Random, suffix: str) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + suffix


def walk(plan: Plan) -> Iterator[County]:
    """Every county in order, with its townships and villages (one county at a time)."""
    county_index = township_index = village_index = 0
    for prefecture in plan.prefectures:
        for county_code, county_name in prefecture.counties:
            names = division_rng(plan, county_code, "names")
            townships = []
            for t in range(plan.townships_per_county[county_index]):
                township_code = f"{county_code}{101 + t:03d}"
                n_villages = plan.villages_per_township[township_index]
                split = division_rng(plan, township_code, "split")
                counts = _split(
                    plan.children_per_township[township_index],
                    [0.4 + 1.2 * split.random() for _ in range(n_villages)],
                )
                township_name = _place_name(names, "镇" if names.random() < 0.6 else "乡")
                villages = []
                for v in range(n_villages):
                    villages.append(
                        Village(
                            village_index,
                            f"{township_code}{201 + v:03d}",
                            _place_name(names, "村"),
                            counts[v],
                        )
                    )
                    village_index += 1
                townships.append(
                    Township(township_index, township_code, township_name, tuple(villages))
                )
                township_index += 1
            yield County(county_index, county_code, county_name, prefecture, tuple(townships))
            county_index += 1
