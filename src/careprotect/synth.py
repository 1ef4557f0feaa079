"""Synthetic registries: a fictional province of children, staff and service points.

:func:`synthesize` yields the records of a JSON Lines registry (``docs/input-format.md``) for
one province: division records down to villages, child directors and supervisors with their
trainings, children's homes and other service points, then the child files village by
village, each with a year of dated facts (:data:`YEAR`). :func:`write_synthetic` writes them
to a text stream. Every record is valid; on purpose, a few percent of the subjects have each
kind of gap the rules look for (a child contacted too rarely, an unsigned entrusted-
guardianship confirmation, a village without a child director, a home below the floor area,
a county short of social organisations...). ``docs/synth.md`` lists the shape and the rates.

**Fictional.** Names are drawn from a fixed list of characters; citizen ID numbers are built
from the child's county code and birth date with a correct check character but belong to no
one. Apart from Luxi (433122, in Xiangxi 4331) in Hunan and Chibi (421281) and Xian'an
(421202, in Xianning 4212) in Hubei, which carry the rules of the bundled plugins, division
codes are invented (``示例市1``, ``示例县3``, ``青山镇``, ``石门村``).

**Deterministic.** The same arguments give the same records, byte for byte: every random
choice comes from :class:`random.Random` instances seeded from ``seed`` and a division code
(string seeds, hashed with SHA-512 by :mod:`random`, never by :func:`hash`).

**Streamed.** Nothing is built per child in advance. The shape of the province (how many
villages each township has, how many children each township has) is a few lists the size of
the number of townships; the facts of a division are drawn again from its own seed whenever a
pass over the province needs them. Reference records (divisions, then workers, then service
points, for the whole province) come first, then the children village by village, so memory
stays flat however many children are asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple, TextIO

from careprotect.citizen_id import check_character
from careprotect.divisions import PROVINCE_CODES
from careprotect.errors import InvalidValueError

__all__ = [
    "AS_OF",
    "CHILD_GAP_RATES",
    "MAX_CHILDREN",
    "UNIT_GAP_RATES",
    "YEAR",
    "synthesize",
    "write_synthetic",
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

# -- vocabulary of names (fictional) ----------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾田向符覃龙"
_GIVEN = (
    "小雨军梅宇乐花明华芳静丽强伟杰婷欣怡涛浩然轩萱晨阳思佳俊博雪月星琪瑶峰磊鹏波兰秀英春秋冬"
    "夏梓子一诗雅嘉天宁安文武志红艳玲燕平辉建国庆云霞"
)
_PLACE_FIRST = "青石桃柳白龙新大东西南北金银高长马黄花竹松梅云双三五凤鹤石兴福"
_PLACE_SECOND = "山门园溪湖塘坪岭冲湾桥坝田林口源铺洲垭坡港河"
_ORG_WORDS = ("阳光", "春苗", "童心", "希望", "彩虹", "护苗", "启航", "暖心")

_TOPICS = ("study", "schooling", "daily_life", "mental_health")
_FACILITIES = ("video_calls", "study_and_reading", "recreation")

# Province-specific divisions: the bundled plugins' places (POLICY.md §1).
_REAL_PREFECTURES: dict[str, tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]] = {
    "43": (("31", "湘西土家族苗族自治州", (("22", "泸溪县"),)),),
    "42": (("12", "咸宁市", (("81", "赤壁市"), ("02", "咸安区"))),),
}
_CHIBI = "421281"
_XIANNING = "4212"
_ONE_PLUS_ONE = "xianning-1+1"
_ONE_PLUS_N = "xianning-1+N"

_MAX_PREFECTURES = 90
_MAX_COUNTIES_PER_PREFECTURE = 99
_MAX_COUNTIES = _MAX_PREFECTURES * 60
_MAX_TOWNSHIPS_PER_COUNTY = 899  # codes 101-999
_MAX_VILLAGES_PER_TOWNSHIP = 799  # codes 201-999


# -- checking the arguments -------------------------------------------------------------------


def _check_arguments(province: object, children: object, seed: object) -> str:
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


class _Prefecture(NamedTuple):
    code: str
    name: str
    counties: tuple[tuple[str, str], ...]  # (code, name) of each county


class _Plan(NamedTuple):
    """The shape of the province and which units have which gap (small: no list is longer
    than the number of townships, no set larger than a few percent of the villages)."""

    seed: int
    province: str
    children: int
    prefectures: tuple[_Prefecture, ...]
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


def _prefectures(province: str, sizes: Sequence[int]) -> tuple[_Prefecture, ...]:
    """The prefectures with their counties' codes and names: the real places first."""
    real = _REAL_PREFECTURES.get(province, ())
    pool = _code_pool([code for code, _, _ in real], 1)
    result: list[_Prefecture] = []
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
        result.append(_Prefecture(f"{province}{code}", name, tuple(sorted(counties))))
    return tuple(sorted(result))


def _plan(province: str, children: int, seed: int) -> _Plan:
    rng = random.Random(f"careprotect.synth:{seed}:{province}:{children}")
    villages, townships, counties, prefectures = _sizes(children)
    per_prefecture = _split(
        counties,
        _noise(rng, prefectures, 0.25),
        minimum=1,
        maximum=_MAX_COUNTIES_PER_PREFECTURE,
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
    return _Plan(
        seed=seed,
        province=province,
        children=children,
        prefectures=_prefectures(province, per_prefecture),
        townships_per_county=tuple(per_county),
        villages_per_township=tuple(per_township),
        children_per_township=tuple(children_per_township),
        gaps=gaps,
    )


def _rng(plan: _Plan, code: str, purpose: str) -> random.Random:
    """The random numbers of one division for one purpose: the same in every pass."""
    return random.Random(f"careprotect.synth:{plan.seed}:{code}:{purpose}")


# -- walking the province ---------------------------------------------------------------------


class _Village(NamedTuple):
    seq: int
    code: str
    name: str
    children: int


class _Township(NamedTuple):
    seq: int
    code: str
    name: str
    villages: tuple[_Village, ...]


class _County(NamedTuple):
    seq: int
    code: str
    name: str
    prefecture: _Prefecture
    townships: tuple[_Township, ...]


def _place_name(rng: random.Random, suffix: str) -> str:
    return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND) + suffix


def _walk(plan: _Plan) -> Iterator[_County]:
    """Every county in order, with its townships and villages (one county at a time)."""
    county_index = township_index = village_index = 0
    for prefecture in plan.prefectures:
        for county_code, county_name in prefecture.counties:
            names = _rng(plan, county_code, "names")
            townships = []
            for t in range(plan.townships_per_county[county_index]):
                township_code = f"{county_code}{101 + t:03d}"
                n_villages = plan.villages_per_township[township_index]
                split = _rng(plan, township_code, "split")
                counts = _split(
                    plan.children_per_township[township_index],
                    [0.4 + 1.2 * split.random() for _ in range(n_villages)],
                )
                township_name = _place_name(names, "镇" if names.random() < 0.6 else "乡")
                villages = []
                for v in range(n_villages):
                    villages.append(
                        _Village(
                            village_index,
                            f"{township_code}{201 + v:03d}",
                            _place_name(names, "村"),
                            counts[v],
                        )
                    )
                    village_index += 1
                townships.append(
                    _Township(township_index, township_code, township_name, tuple(villages))
                )
                township_index += 1
            yield _County(county_index, county_code, county_name, prefecture, tuple(townships))
            county_index += 1


# -- facts of a division, drawn again in every pass that needs them ---------------------------


class _VillageFacts(NamedTuple):
    director: str | None
    home: str | None
    home_opened: int  # ordinal
    in_school: bool


class _TownshipFacts(NamedTuple):
    supervisor: str | None
    counsellor: str | None
    social_worker: str | None


class _CountyFacts(NamedTuple):
    welfare_institution: bool
    protection_centre: bool
    organisations: int
    party_members: tuple[str, ...]


def _village_facts(plan: _Plan, village: _Village) -> _VillageFacts:
    rng = _rng(plan, village.code, "facts")
    opened = dt.date(2016, 1, 1).toordinal() + rng.randrange(8 * 365)
    in_school = rng.random() < 0.08
    has_home = village.seq not in plan.gaps["village_without_home"]
    has_director = village.seq not in plan.gaps["village_without_director"]
    return _VillageFacts(
        director=f"D{village.code}" if has_director else None,
        home=f"H{village.code}" if has_home else None,
        home_opened=opened,
        in_school=in_school and has_home,
    )


def _township_facts(plan: _Plan, township: _Township) -> _TownshipFacts:
    rng = _rng(plan, township.code, "facts")
    station = rng.random() < 0.86
    code = township.code
    return _TownshipFacts(
        supervisor=None if township.seq in plan.gaps["township_without_supervisor"] else f"S{code}",
        counsellor=None if township.seq in plan.gaps["township_without_counsellor"] else f"Q{code}",
        social_worker=f"W{code}" if station else None,
    )


def _county_facts(plan: _Plan, county: _County) -> _CountyFacts:
    rng = _rng(plan, county.code, "facts")
    welfare = rng.random() < 0.3
    protection = rng.random() < 0.8
    if county.seq in plan.gaps["county_short_of_organisations"]:
        organisations = rng.randrange(3)
    else:
        organisations = 3 + rng.randrange(4)
    members = tuple(f"P{county.code}{k}" for k in (1, 2))
    return _CountyFacts(welfare, protection, organisations, members)


def _welfare_institution(county: _County, facts: _CountyFacts) -> tuple[str, str]:
    """The id and name of the welfare institution orphans of the county live in."""
    if facts.welfare_institution:
        return f"WI{county.code}", f"{county.name}儿童福利院"
    return f"WI{county.prefecture.code}", f"{county.prefecture.name}儿童福利院"


# -- dates ------------------------------------------------------------------------------------

_FIRST_DAY = dt.date(2000, 1, 1).toordinal()
_DAYS = [
    dt.date.fromordinal(o).isoformat()
    for o in range(_FIRST_DAY, dt.date(YEAR + 7, 1, 1).toordinal())
]
_YEAR_START = dt.date(YEAR, 1, 1).toordinal()
_YEAR_END = AS_OF.toordinal()  # the last day of the year
_MONTHS = tuple(
    (dt.date(YEAR, m, 1).toordinal(), dt.date(YEAR + (m == 12), m % 12 + 1, 1).toordinal())
    for m in range(1, 13)
)
# Mondays of the ISO weeks that start in the year or before it and end in it.
_WEEKS = tuple(
    range(_YEAR_START - dt.date(YEAR, 1, 1).weekday(), _YEAR_END + 1, 7),
)
_BIRTH_FIRST = dt.date(YEAR - 17, 1, 1).toordinal()
_BIRTH_SPAN = _YEAR_END - _BIRTH_FIRST + 1


def _day(ordinal: int) -> str:
    return _DAYS[ordinal - _FIRST_DAY]


def _between(rng: random.Random, first: int, last: int) -> int:
    """A day from ``first`` to ``last`` inclusive (``first`` when the range is empty)."""
    return first if last <= first else first + int(rng.random() * (last - first + 1))


def _name(rng: random.Random, surname: str | None = None) -> str:
    given = rng.choice(_GIVEN)
    if rng.random() < 0.7:
        given += rng.choice(_GIVEN)
    return (surname or rng.choice(_SURNAMES)) + given


# -- reference records ------------------------------------------------------------------------


def _division_records(plan: _Plan) -> Iterator[dict[str, Any]]:
    yield {"record": "division", "code": plan.province, "name": PROVINCE_CODES[plan.province]}
    prefecture: _Prefecture | None = None
    for county in _walk(plan):
        if county.prefecture is not prefecture:
            prefecture = county.prefecture
            yield {"record": "division", "code": prefecture.code, "name": prefecture.name}
        yield {"record": "division", "code": county.code, "name": county.name}
        for township in county.townships:
            yield {"record": "division", "code": township.code, "name": township.name}
            for village in township.villages:
                yield {"record": "division", "code": village.code, "name": village.name}


def _trainings(
    rng: random.Random, appointed: int, level: str, *, untrained: bool, brief: bool
) -> list[dict[str, Any]]:
    """A training passed before starting, then one a year up to :data:`YEAR`; the one of the
    year lasts a single day when ``brief``."""
    if untrained:
        return []
    first = appointed - 5 - rng.randrange(60)
    days = 3 if rng.random() < 0.4 else 2
    trainings = [{"date": _day(first), "organiser_level": level, "days": days, "passed": True}]
    start_year = dt.date.fromordinal(appointed).year + 1
    for year in range(start_year, YEAR + 1):
        day = dt.date(year, 3, 1).toordinal() + rng.randrange(270)
        days = 3 if rng.random() < 0.4 else 2
        if brief and year == YEAR:
            days = 1
        trainings.append(
            {"date": _day(day), "organiser_level": level, "days": days, "passed": True}
        )
    return trainings


def _appointed(rng: random.Random, first: dt.date, last: dt.date) -> int:
    return _between(rng, first.toordinal(), last.toordinal())


def _worker_records(plan: _Plan) -> Iterator[dict[str, Any]]:
    gaps = plan.gaps
    for county in _walk(plan):
        facts = _county_facts(plan, county)
        rng = _rng(plan, county.code, "workers")
        for member in facts.party_members:
            yield {
                "record": "worker",
                "id": member,
                "name": _name(rng),
                "role": "party_member",
                "division": county.code,
                "sex": "male" if rng.random() < 0.6 else "female",
            }
        for township in county.townships:
            tf = _township_facts(plan, township)
            rng = _rng(plan, township.code, "workers")
            if tf.supervisor is not None:
                appointed = _appointed(rng, dt.date(2016, 1, 1), dt.date(2023, 6, 30))
                posts = ["township_leadership"] if rng.random() < 0.8 else []
                if not posts or rng.random() < 0.2:
                    posts.append("womens_federation_chair")
                yield {
                    "record": "worker",
                    "id": tf.supervisor,
                    "name": _name(rng),
                    "role": "child_supervisor",
                    "division": township.code,
                    "sex": "female",
                    "posts": posts,
                    "appointed_on": _day(appointed),
                    "trainings": _trainings(
                        rng,
                        appointed,
                        "prefecture",
                        untrained=township.seq in gaps["supervisor_untrained"],
                        brief=township.seq in gaps["supervisor_trained_briefly"],
                    ),
                }
            if tf.counsellor is not None:
                yield {
                    "record": "worker",
                    "id": tf.counsellor,
                    "name": _name(rng),
                    "role": "counsellor",
                    "division": township.code,
                    "sex": "female" if rng.random() < 0.7 else "male",
                    "posts": ["qualified_counsellor"],
                    "appointed_on": _day(
                        _appointed(rng, dt.date(2019, 1, 1), dt.date(2023, 12, 31))
                    ),
                }
            if tf.social_worker is not None:
                yield {
                    "record": "worker",
                    "id": tf.social_worker,
                    "name": _name(rng),
                    "role": "social_worker",
                    "division": township.code,
                    "sex": "female" if rng.random() < 0.7 else "male",
                    "appointed_on": _day(
                        _appointed(rng, dt.date(2019, 1, 1), dt.date(2023, 12, 31))
                    ),
                }
            for village in township.villages:
                vf = _village_facts(plan, village)
                if vf.director is None:
                    continue
                rng = _rng(plan, village.code, "workers")
                yield _director(rng, village, vf, gaps)


def _director(
    rng: random.Random, village: _Village, facts: _VillageFacts, gaps: dict[str, frozenset[int]]
) -> dict[str, Any]:
    female = rng.random() < 0.78
    if facts.in_school:
        posts = ["school_leadership"]
    elif female:
        posts = (
            ["womens_federation_chair", "village_committee_member"]
            if rng.random() < 0.75
            else ["village_committee_member"]
        )
    else:
        posts = ["livelihood_assistant"] if rng.random() < 0.5 else ["village_committee_member"]
    if rng.random() < 0.05:
        posts.append("college_graduate_village_official")
    appointed = _appointed(rng, dt.date(2016, 1, 1), dt.date(2023, 6, 30))
    return {
        "record": "worker",
        "id": facts.director,
        "name": _name(rng),
        "role": "child_director",
        "division": village.code,
        "sex": "female" if female else "male",
        "posts": posts,
        "appointed_on": _day(appointed),
        "trainings": _trainings(
            rng,
            appointed,
            "county",
            untrained=village.seq in gaps["director_untrained"],
            brief=village.seq in gaps["director_trained_briefly"],
        ),
    }


def _point_records(plan: _Plan) -> Iterator[dict[str, Any]]:
    gaps = plan.gaps
    prefecture: _Prefecture | None = None
    for county in _walk(plan):
        if county.prefecture is not prefecture:
            prefecture = county.prefecture
            rng = _rng(plan, prefecture.code, "points")
            yield {
                "record": "service_point",
                "id": f"WI{prefecture.code}",
                "kind": "welfare_institution",
                "name": f"{prefecture.name}儿童福利院",
                "division": prefecture.code,
                "opened_on": _day(_appointed(rng, dt.date(2000, 1, 1), dt.date(2012, 12, 31))),
            }
        facts = _county_facts(plan, county)
        rng = _rng(plan, county.code, "points")
        if facts.welfare_institution:
            yield {
                "record": "service_point",
                "id": f"WI{county.code}",
                "kind": "welfare_institution",
                "name": f"{county.name}儿童福利院",
                "division": county.code,
                "opened_on": _day(_appointed(rng, dt.date(2005, 1, 1), dt.date(2018, 12, 31))),
            }
        if facts.protection_centre:
            yield {
                "record": "service_point",
                "id": f"MP{county.code}",
                "kind": "minor_protection_centre",
                "name": f"{county.name}未成年人救助保护中心",
                "division": county.code,
                "opened_on": _day(_appointed(rng, dt.date(2010, 1, 1), dt.date(2020, 12, 31))),
            }
        for k in range(1, facts.organisations + 1):
            yield {
                "record": "service_point",
                "id": f"SO{county.code}{k}",
                "kind": "social_organisation",
                "name": f"{county.name}{rng.choice(_ORG_WORDS)}儿童服务中心",
                "division": county.code,
                "opened_on": _day(_appointed(rng, dt.date(2015, 1, 1), dt.date(2022, 6, 1))),
            }
        for township in county.townships:
            tf = _township_facts(plan, township)
            if tf.social_worker is not None:
                rng = _rng(plan, township.code, "points")
                yield {
                    "record": "service_point",
                    "id": f"SWS{township.code}",
                    "kind": "social_work_station",
                    "name": f"{township.name}社会工作服务站",
                    "division": township.code,
                    "opened_on": _day(_appointed(rng, dt.date(2018, 1, 1), dt.date(2022, 12, 31))),
                }
            for village in township.villages:
                vf = _village_facts(plan, village)
                if vf.home is not None:
                    yield _home(_rng(plan, village.code, "points"), village, vf, gaps)


def _home(
    rng: random.Random, village: _Village, facts: _VillageFacts, gaps: dict[str, frozenset[int]]
) -> dict[str, Any]:
    if village.seq in gaps["home_below_floor_area"]:
        floor: float = 25 + rng.randrange(25)
    else:
        floor = 50 + rng.randrange(100)
    if rng.random() < 0.2:
        floor += 0.5
    facilities = list(_FACILITIES)
    if village.seq in gaps["home_missing_facility"]:
        del facilities[rng.randrange(len(facilities))]
    if rng.random() < 0.3:
        facilities.append("counselling_room")
    record: dict[str, Any] = {
        "record": "service_point",
        "id": facts.home,
        "kind": "childrens_home",
        "name": f"{village.name}儿童之家",
        "division": village.code,
    }
    if facts.in_school:
        record["in_school"] = True
    record["floor_area_m2"] = floor
    record["outdoor_area_m2"] = 40 + rng.randrange(560)
    record["facilities"] = facilities
    if rng.random() < 0.14:
        level = rng.choice(("county", "county", "county", "prefecture", "province"))
        record["model_designations"] = [{"level": level, "year": 2019 + rng.randrange(5)}]
    record["opened_on"] = _day(facts.home_opened)
    if facts.director is not None:
        record["director"] = facts.director
    return record


# -- child files ------------------------------------------------------------------------------

_AWAY_BOTH, _AWAY_ONE, _ORPHAN, _UNSUPPORTED, _POOR, _DISABLED, _RETURNED = range(7)
# Cumulative shares of the profiles: left-behind with both parents away 68%, with one away
# and the other incapable 4%, orphans 3%, de facto unsupported 4%, family poverty 10%,
# disability 6%, parents back home 5%.
_PROFILES: tuple[tuple[float, int], ...] = (
    (0.68, _AWAY_BOTH),
    (0.72, _AWAY_ONE),
    (0.75, _ORPHAN),
    (0.79, _UNSUPPORTED),
    (0.89, _POOR),
    (0.95, _DISABLED),
    (1.0, _RETURNED),
)
_UNSUPPORTED_PAIRS = (
    ("dead", "imprisoned"),
    ("imprisoned", "severely_disabled"),
    ("seriously_ill", "declared_missing"),
    ("compulsory_rehabilitation", "dead"),
    ("imprisoned", "imprisoned"),
    ("deprived_of_liberty", "seriously_ill"),
)
_GONE = ("dead", "dead", "declared_dead", "declared_missing")
_DISABILITIES = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
_HARDSHIPS = ("living", "medical", "schooling")


class _Context(NamedTuple):
    """What the child files of one village refer to."""

    county: str
    chibi: bool
    xianning: bool
    director: str | None
    contact_worker: str | None
    home: str | None
    home_opened: int
    counsellor: str | None
    party_members: tuple[str, ...]
    institution: tuple[str, str]


def _topic_lists() -> tuple[list[str], list[str], list[list[str]], list[list[str]]]:
    full = list(_TOPICS)
    lacking = [[t for t in _TOPICS if t != gone] for gone in _TOPICS]
    return full, [*full, "safety"], lacking, [[*t, "safety"] for t in lacking]


_FULL, _FULL_SAFETY, _LACKING, _LACKING_SAFETY = _topic_lists()
_SAFETY = ["safety"]
_COUNSELLING = ["mental_health"]


def _by_date(contact: dict[str, Any]) -> str:
    return str(contact["date"])


class _ChildMaker:
    """Makes the child files of one village with the village's random numbers."""

    def __init__(
        self, rng: random.Random, context: _Context, entrustment: random.Random | None = None
    ) -> None:
        self.rng = rng
        self.random: Callable[[], float] = rng.random
        self.context = context
        self.entrustment = entrustment or random.Random(0)
        """Dice of their own for the facts of the Minors Protection Law (notices, parents'
        contacts), so that adding them left every other fact of a registry as it was."""

    def entrusted_care(self, record: dict[str, Any]) -> None:
        """The written notices of an entrusted care in force in the year (to the school and
        the village committee, a few days after the care began; the school's missing with
        the gap's chance) and, unless the file does not record them, a parent's contact in
        every week of the year the care lasts (a week missed with the gap's chance)."""
        dice = self.entrustment
        for g in record["guardianships"]:
            if not g.get("entrusted") or "end" in g:
                continue
            start = dt.date.fromisoformat(g["start"]).toordinal()
            told = min(start + 2 + dice.randrange(20), _YEAR_END)
            notices = [{"date": _day(told + dice.randrange(5)), "recipient": "committee"}]
            if dice.random() >= CHILD_GAP_RATES["missing_entrustment_notice"]:
                notices.insert(0, {"date": _day(told), "recipient": "school"})
            record["entrustment_notices"] = notices
            if dice.random() < CHILD_GAP_RATES["parent_contacts_unrecorded"]:
                continue
            parent = "father" if dice.random() < 0.5 else "mother"
            monday = start - dt.date.fromordinal(start).weekday()
            week = max(monday, _YEAR_START - dt.date.fromordinal(_YEAR_START).weekday())
            calls = []
            missed = CHILD_GAP_RATES["parent_contact_missed_week"]
            while week <= _YEAR_END:
                on = max(week + dice.randrange(7), start, _YEAR_START)
                if on <= _YEAR_END and dice.random() >= missed:
                    calls.append({"date": _day(on), "parent": parent})
                week += 7
            record["parent_contacts"] = calls

    def situation(
        self, parent: str, kind: str, start: int, end: int | None = None
    ) -> dict[str, Any]:
        item = {"parent": parent, "kind": kind, "start": _day(start)}
        if end is not None:
            item["end"] = _day(end)
        return item

    def child(self, code: str, index: int) -> dict[str, Any]:
        rnd = self.random
        ctx = self.context
        male = rnd() < 0.52
        born = _BIRTH_FIRST + int(rnd() * _BIRTH_SPAN)
        birth = _day(born)
        first17 = f"{ctx.county}{birth[:4]}{birth[5:7]}{birth[8:]}{2 * int(rnd() * 500) + male:03d}"
        surname = _SURNAMES[int(rnd() * len(_SURNAMES))]
        record: dict[str, Any] = {
            "record": "child",
            "id": f"C{code}-{index:03d}",  # no 15-digit run, which is masked as an ID number
            "name": _name(self.rng, surname),
            "citizen_id": first17 + check_character(first17),
            "birth_date": birth,
            "sex": "male" if male else "female",
            "division": code,
            "household": "rural" if rnd() < 0.93 else "urban",
        }
        u = rnd()
        profile = next(p for share, p in _PROFILES if u < share)
        if profile == _RETURNED and born > _YEAR_START - 730:
            profile = _AWAY_BOTH  # too young for parents who went away and came back
        situations: list[dict[str, Any]] = []
        guardianships: list[dict[str, Any]] = []
        residences: list[dict[str, Any]] = [{"kind": "family", "start": birth}]
        hardships: list[dict[str, Any]] = []
        agreements: list[dict[str, Any]] = []
        latest = _YEAR_END - 30
        if profile in (_AWAY_BOTH, _AWAY_ONE, _RETURNED):
            away = _between(self.rng, born, _YEAR_START - 180)
            if profile == _AWAY_ONE:
                other = "seriously_ill" if rnd() < 0.6 else "severely_disabled"
                situations.append(self.situation("father", "working_away", away))
                situations.append(self.situation("mother", other, _between(self.rng, born, away)))
                since = away
            else:
                mother = away if rnd() < 0.6 else _between(self.rng, away, _YEAR_START - 90)
                back = None
                if profile == _RETURNED:
                    back = _between(self.rng, max(mother, _YEAR_START - 365) + 1, _YEAR_START - 1)
                situations.append(self.situation("father", "working_away", away, back))
                situations.append(self.situation("mother", "working_away", mother, back))
                since = mother
                if back is not None:
                    guardianships.append(self.guardian(surname, since, back, agreements))
                    guardianships.append(
                        {"guardian": _name(self.rng), "relation": "mother", "start": _day(back)}
                    )
            if profile != _RETURNED:
                guardianships.append(self.guardian(surname, since, None, agreements))
            if rnd() < 0.12:
                hardships.append(self.hardship(born, latest))
            if rnd() < 0.03:
                record["disability"] = self.disability(born)
        elif profile in (_ORPHAN, _UNSUPPORTED):
            if profile == _ORPHAN:
                kinds = ("dead", self.rng.choice(_GONE))
            else:
                kinds = self.rng.choice(_UNSUPPORTED_PAIRS)
            first = _between(self.rng, born, latest - 400)
            second = _between(self.rng, born, latest - 400)
            situations.append(self.situation("father", kinds[0], first))
            end = None
            if kinds[1] == "imprisoned" and rnd() < 0.5:
                end = _YEAR_END + 200 + self.rng.randrange(1500)
            situations.append(self.situation("mother", kinds[1], second, end))
            since = max(first, second)
            if profile == _ORPHAN and since < latest - 300 and rnd() < 0.35:
                moved = since + 30 + self.rng.randrange(300)
                institution, name = ctx.institution
                residences[0]["end"] = _day(moved)
                residences.append(
                    {"kind": "institution", "start": _day(moved), "institution": institution}
                )
                guardian = {"guardian": name, "relation": "institution", "start": _day(moved)}
            else:
                relation = "grandparent" if rnd() < 0.7 else "other_relative"
                guardian = {"guardian": _name(self.rng), "relation": relation, "start": _day(since)}
            guardianships.append(guardian)
            if rnd() < 0.3:
                hardships.append(self.hardship(since, latest))
        else:
            guardianships.append(
                {"guardian": _name(self.rng, surname), "relation": "father", "start": birth}
            )
            if profile == _DISABLED:
                record["disability"] = self.disability(born)
                if rnd() < 0.4:
                    hardships.append(
                        {"kind": "medical", "start": record["disability"]["certified_on"]}
                    )
            else:
                hardships.append(self.hardship(born, latest))
                if rnd() < 0.3:
                    hardships.append(self.hardship(born, latest))
        if situations:
            record["parent_situations"] = situations
        record["guardianships"] = guardianships
        record["residences"] = residences
        if hardships:
            record["hardships"] = hardships

        contacts = self.contacts(born)
        mixed = False  # contacts of other workers added: sort by date
        special = profile in (_ORPHAN, _UNSUPPORTED, _DISABLED) or "disability" in record
        if special and ctx.party_members and rnd() < 0.3:
            member = ctx.party_members[int(rnd() * len(ctx.party_members))]
            start = max(born, dt.date(2023, 12, 29).toordinal())
            scheme = _ONE_PLUS_ONE if ctx.xianning else "一对一结对帮扶"
            record["pairings"] = [{"worker": member, "scheme": scheme, "start": _day(start)}]
            contacts.extend(self.paired_contacts(member, born))
            mixed = True
        old_enough = born < _YEAR_START - 3 * 365
        if ctx.xianning and ctx.counsellor is not None and special and old_enough and rnd() < 0.1:
            record["enrolments"] = [{"programme": _ONE_PLUS_N, "start": _day(_YEAR_START)}]
            contacts.extend(self.counselling(ctx.counsellor, born))
            mixed = True
        elif ctx.home is not None and born < _YEAR_START - 6 * 365 and rnd() < 0.05:
            start = max(ctx.home_opened, _YEAR_START - 120)
            record["enrolments"] = [{"programme": "儿童之家课后托管", "start": _day(start)}]
        if contacts:
            if mixed:
                contacts.sort(key=_by_date)
            record["contacts"] = contacts
        if ctx.home is not None and rnd() >= CHILD_GAP_RATES["missing_service_agreement"]:
            signed = min(max(ctx.home_opened, born) + 1 + self.rng.randrange(90), _YEAR_END)
            agreements.append(
                {"kind": "service_agreement", "signed_on": _day(signed), "service_point": ctx.home}
            )
        if agreements:
            record["agreements"] = agreements
        self.entrusted_care(record)
        if ctx.director is not None and rnd() < 0.005:
            day = _between(self.rng, max(born, _YEAR_START), _YEAR_END)
            record["referrals"] = [
                {
                    "date": _day(day),
                    "target": "social_work_station",
                    "worker": ctx.director,
                    "reason": "心理辅导",
                }
            ]
        return record

    def guardian(
        self, surname: str, start: int, end: int | None, agreements: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """An entrusted guardian since ``start``, who signed the confirmation unless the child
        has the unsigned-confirmation gap (then neither the guardianship nor an agreement
        records it)."""
        rnd = self.random
        relation = "grandparent" if rnd() < 0.8 else "other_relative"
        guardian = _name(self.rng, surname if relation == "grandparent" else None)
        item: dict[str, Any] = {
            "guardian": guardian,
            "relation": relation,
            "start": _day(start),
        }
        if end is not None:
            item["end"] = _day(end)
        item["entrusted"] = True
        if rnd() >= CHILD_GAP_RATES["unsigned_confirmation"]:
            last = _YEAR_END if end is None else end - 1
            signed = _day(min(start + 3 + self.rng.randrange(40), last))
            item["confirmation_signed_on"] = signed
            if end is None and rnd() < 0.4:
                agreements.append(
                    {"kind": "entrusted_guardianship_confirmation", "signed_on": signed}
                )
        return item

    def hardship(self, first: int, last: int) -> dict[str, Any]:
        kind = _HARDSHIPS[int(self.random() * 3)]
        return {"kind": kind, "start": _day(_between(self.rng, first, last))}

    def disability(self, born: int) -> dict[str, Any]:
        return {
            "kind": self.rng.choice(_DISABILITIES),
            "grade": 1 + self.rng.randrange(4),
            "certified_on": _day(_between(self.rng, min(born + 180, _YEAR_END), _YEAR_END - 30)),
        }

    def contacts(self, born: int) -> list[dict[str, Any]]:
        """A year of contacts by the village's child director (or the township's supervisor
        where the village has none): twice a month (weekly, with a home visit a month, in
        Chibi), each recording the four topics of the visit record form."""
        ctx = self.context
        worker = ctx.contact_worker
        if worker is None:
            return []
        rnd = self.random
        rare = rnd() < CHILD_GAP_RATES["contacted_too_rarely"]
        if rnd() < CHILD_GAP_RATES["missing_topic"]:
            gone = int(rnd() * 4)
            topics, with_safety = _LACKING[gone], _LACKING_SAFETY[gone]
        else:
            topics, with_safety = _FULL, _FULL_SAFETY
        days: list[tuple[int, str]] = []
        if ctx.chibi:
            month = 0
            for n, monday in enumerate(_WEEKS):
                if rare and n % 2:
                    continue
                day = monday + int(rnd() * 7)
                if day < _YEAR_START or day > _YEAR_END or day < born:
                    continue
                this_month = dt.date.fromordinal(day).month
                days.append((day, "home_visit" if this_month != month else "phone"))
                month = this_month
        else:
            for first, end in _MONTHS:
                middle = first + 14
                if rare:
                    if rnd() < 0.6:
                        days.append((first + int(rnd() * (end - first)), "phone"))
                    continue
                days.append((first + int(rnd() * 14), "home_visit" if rnd() < 0.3 else "phone"))
                days.append(
                    (middle + int(rnd() * (end - middle)), "home_visit" if rnd() < 0.3 else "phone")
                )
        days_text, first_day = _DAYS, _FIRST_DAY
        contacts = [
            {
                "date": days_text[day - first_day],
                "worker": worker,
                "mode": mode,
                "topics": with_safety if rnd() < 0.15 else topics,
            }
            for day, mode in days
            if day >= born
        ]
        if ctx.director is not None and rnd() < 0.15:
            day = _between(self.rng, max(born, _YEAR_START), _YEAR_END)
            contacts.append(
                {"date": _day(day), "worker": ctx.director, "mode": "activity", "topics": _SAFETY}
            )
            contacts.sort(key=_by_date)
        return contacts

    def paired_contacts(self, member: str, born: int) -> list[dict[str, Any]]:
        """A paired party member's contact a month, one of them a memorable activity."""
        rnd = self.random
        activity = int(rnd() * 12)
        contacts = []
        for m, (first, end) in enumerate(_MONTHS):
            day = first + int(rnd() * (end - first))
            if day >= born:
                mode = "activity" if m == activity else "phone"
                contacts.append(
                    {"date": _day(day), "worker": member, "mode": mode, "topics": _COUNSELLING}
                )
        return contacts

    def counselling(self, counsellor: str, born: int) -> list[dict[str, Any]]:
        """A weekly home counselling session of the "1+N" mechanism."""
        rnd = self.random
        contacts = []
        for monday in _WEEKS:
            day = monday + int(rnd() * 5)
            if _YEAR_START <= day <= _YEAR_END and day >= born:
                contacts.append(
                    {
                        "date": _day(day),
                        "worker": counsellor,
                        "mode": "counselling",
                        "topics": _COUNSELLING,
                    }
                )
        return contacts


def _child_records(plan: _Plan) -> Iterator[dict[str, Any]]:
    for county in _walk(plan):
        cf = _county_facts(plan, county)
        institution = _welfare_institution(county, cf)
        xianning = county.code.startswith(_XIANNING)
        for township in county.townships:
            tf = _township_facts(plan, township)
            for village in township.villages:
                if not village.children:
                    continue
                vf = _village_facts(plan, village)
                context = _Context(
                    county=county.code,
                    chibi=county.code == _CHIBI,
                    xianning=xianning,
                    director=vf.director,
                    contact_worker=vf.director or tf.supervisor,
                    home=vf.home,
                    home_opened=vf.home_opened,
                    counsellor=tf.counsellor,
                    party_members=cf.party_members,
                    institution=institution,
                )
                maker = _ChildMaker(
                    _rng(plan, village.code, "children"),
                    context,
                    _rng(plan, village.code, "entrustment"),
                )
                for i in range(village.children):
                    yield maker.child(village.code, i)


# -- the public functions ---------------------------------------------------------------------


def _records(plan: _Plan) -> Iterator[dict[str, Any]]:
    yield from _division_records(plan)
    yield from _worker_records(plan)
    yield from _point_records(plan)
    yield from _child_records(plan)


def _generate(province: str, children: int, seed: int) -> Iterator[dict[str, Any]]:
    yield from _records(_plan(province, children, seed))


def synthesize(*, province: str, children: int, seed: int) -> Iterator[dict[str, Any]]:
    """The records of a synthetic registry of ``children`` child files in ``province``, in
    JSON Lines order: divisions, workers, service points, then the child files.

    Each record is a JSON-ready dict whose ``"record"`` key names its kind. The arguments are
    checked at once; the records are made as the generator is consumed, so asking for ten
    million children costs nothing until they are read. The same arguments always give the
    same records.

    :param province: a two-digit GB/T 2260 province code (``"43"`` Hunan, ``"42"`` Hubei).
    :param children: how many child files, 0 to :data:`MAX_CHILDREN`.
    :param seed: any integer; different seeds give different registries.
    :raises InvalidValueError: for a province that is not a GB/T 2260 province code, or a
        number of children or a seed that is not a whole number in range.
    """
    checked = _check_arguments(province, children, seed)
    return _generate(checked, children, seed)


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_BATCH = 512


def write_synthetic(out: TextIO, *, province: str, children: int, seed: int) -> int:
    """Write the records of :func:`synthesize` to ``out`` as JSON Lines (UTF-8 text, one
    record a line) and return the number of records written (of every kind)."""
    count = 0
    lines: list[str] = []
    for record in synthesize(province=province, children=children, seed=seed):
        lines.append(_ENCODE(record))
        if len(lines) == _BATCH:
            out.write("\n".join(lines))
            out.write("\n")
            count += len(lines)
            lines.clear()
    if lines:
        out.write("\n".join(lines))
        out.write("\n")
        count += len(lines)
    return count
