"""The reference records of a synthetic registry: divisions, workers and service points."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from careprotect.divisions import PROVINCE_CODES
from careprotect.testing.synth.facts import (
    VillageFacts,
    between,
    county_facts,
    iso_day,
    person_name,
    township_facts,
    village_facts,
)
from careprotect.testing.synth.shape import YEAR, Plan, Prefecture, Village, division_rng, walk
from careprotect.testing.synth.vocabulary import FACILITIES, ORG_WORDS

__all__ = ["division_records", "point_records", "worker_records"]

# -- reference records ------------------------------------------------------------------------


def division_records(plan: Plan) -> Iterator[dict[str, Any]]:
    yield {"record": "division", "code": plan.province, "name": PROVINCE_CODES[plan.province]}
    prefecture: Prefecture | None = None
    for county in walk(plan):
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
    trainings = [{"date": iso_day(first), "organiser_level": level, "days": days, "passed": True}]
    start_year = dt.date.fromordinal(appointed).year + 1
    for year in range(start_year, YEAR + 1):
        day = dt.date(year, 3, 1).toordinal() + rng.randrange(270)
        days = 3 if rng.random() < 0.4 else 2
        if brief and year == YEAR:
            days = 1
        trainings.append(
            {"date": iso_day(day), "organiser_level": level, "days": days, "passed": True}
        )
    return trainings


def _appointed(rng: random.Random, first: dt.date, last: dt.date) -> int:
    return between(rng, first.toordinal(), last.toordinal())


def worker_records(plan: Plan) -> Iterator[dict[str, Any]]:
    gaps = plan.gaps
    for county in walk(plan):
        facts = county_facts(plan, county)
        rng = division_rng(plan, county.code, "workers")
        for member in facts.party_members:
            yield {
                "record": "worker",
                "id": member,
                "name": person_name(rng),
                "role": "party_member",
                "division": county.code,
                "sex": "male" if rng.random() < 0.6 else "female",
            }
        for township in county.townships:
            tf = township_facts(plan, township)
            rng = division_rng(plan, township.code, "workers")
            if tf.supervisor is not None:
                appointed = _appointed(rng, dt.date(2016, 1, 1), dt.date(2023, 6, 30))
                posts = ["township_leadership"] if rng.random() < 0.8 else []
                if not posts or rng.random() < 0.2:
                    posts.append("womens_federation_chair")
                yield _trained_worker(
                    rng,
                    (tf.supervisor, "child_supervisor", township.code, "female"),
                    posts,
                    appointed,
                    "prefecture",
                    untrained=township.seq in gaps["supervisor_untrained"],
                    brief=township.seq in gaps["supervisor_trained_briefly"],
                )
            if tf.counsellor is not None:
                yield _specialist(
                    rng, tf.counsellor, "counsellor", township.code, ["qualified_counsellor"]
                )
            if tf.social_worker is not None:
                yield _specialist(rng, tf.social_worker, "social_worker", township.code, None)
            for village in township.villages:
                vf = village_facts(plan, village)
                if vf.director is None:
                    continue
                rng = division_rng(plan, village.code, "workers")
                yield _director(rng, village, vf, gaps)


def _specialist(
    rng: random.Random, worker_id: str, role: str, division: str, posts: list[str] | None
) -> dict[str, Any]:
    """The record of a township's counsellor or social worker, appointed in 2019 to 2023."""
    record: dict[str, Any] = {
        "record": "worker",
        "id": worker_id,
        "name": person_name(rng),
        "role": role,
        "division": division,
        "sex": "female" if rng.random() < 0.7 else "male",
    }
    if posts is not None:
        record["posts"] = posts
    record["appointed_on"] = iso_day(_appointed(rng, dt.date(2019, 1, 1), dt.date(2023, 12, 31)))
    return record


def _director(
    rng: random.Random, village: Village, facts: VillageFacts, gaps: dict[str, frozenset[int]]
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
    return _trained_worker(
        rng,
        (facts.director, "child_director", village.code, "female" if female else "male"),
        posts,
        appointed,
        "county",
        untrained=village.seq in gaps["director_untrained"],
        brief=village.seq in gaps["director_trained_briefly"],
    )


def _trained_worker(
    rng: random.Random,
    who: tuple[str | None, str, str, str],
    posts: list[str],
    appointed: int,
    organiser: str,
    *,
    untrained: bool,
    brief: bool,
) -> dict[str, Any]:
    """The record of a child supervisor or director: ``who`` is the id, role, division code
    and sex; trained by ``organiser`` (see :func:`_trainings`)."""
    worker_id, role, division, sex = who
    return {
        "record": "worker",
        "id": worker_id,
        "name": person_name(rng),
        "role": role,
        "division": division,
        "sex": sex,
        "posts": posts,
        "appointed_on": iso_day(appointed),
        "trainings": _trainings(rng, appointed, organiser, untrained=untrained, brief=brief),
    }


def _point(
    rng: random.Random,
    key: str,
    kind: str,
    name: str,
    division: str,
    opened: tuple[dt.date, dt.date],
) -> dict[str, Any]:
    """A service point record with the id ``key``, opened on a day drawn within ``opened``
    (first and last day)."""
    return {
        "record": "service_point",
        "id": key,
        "kind": kind,
        "name": name,
        "division": division,
        "opened_on": iso_day(_appointed(rng, *opened)),
    }


def point_records(plan: Plan) -> Iterator[dict[str, Any]]:
    gaps = plan.gaps
    prefecture: Prefecture | None = None
    for county in walk(plan):
        if county.prefecture is not prefecture:
            prefecture = county.prefecture
            rng = division_rng(plan, prefecture.code, "points")
            code, name = prefecture.code, prefecture.name
            opened = (dt.date(2000, 1, 1), dt.date(2012, 12, 31))
            yield _point(rng, f"WI{code}", "welfare_institution", f"{name}儿童福利院", code, opened)
        facts = county_facts(plan, county)
        rng = division_rng(plan, county.code, "points")
        code, name = county.code, county.name
        if facts.welfare_institution:
            opened = (dt.date(2005, 1, 1), dt.date(2018, 12, 31))
            yield _point(rng, f"WI{code}", "welfare_institution", f"{name}儿童福利院", code, opened)
        if facts.protection_centre:
            kind, name_mp = "minor_protection_centre", f"{name}未成年人救助保护中心"
            opened = (dt.date(2010, 1, 1), dt.date(2020, 12, 31))
            yield _point(rng, f"MP{code}", kind, name_mp, code, opened)
        for k in range(1, facts.organisations + 1):
            name_so = f"{name}{rng.choice(ORG_WORDS)}儿童服务中心"
            opened = (dt.date(2015, 1, 1), dt.date(2022, 6, 1))
            yield _point(rng, f"SO{code}{k}", "social_organisation", name_so, code, opened)
        for township in county.townships:
            tf = township_facts(plan, township)
            if tf.social_worker is not None:
                rng = division_rng(plan, township.code, "points")
                key, name_sw = f"SWS{township.code}", f"{township.name}社会工作服务站"
                opened = (dt.date(2018, 1, 1), dt.date(2022, 12, 31))
                yield _point(rng, key, "social_work_station", name_sw, township.code, opened)
            for village in township.villages:
                vf = village_facts(plan, village)
                if vf.home is not None:
                    yield _home(division_rng(plan, village.code, "points"), village, vf, gaps)


def _home(
    rng: random.Random, village: Village, facts: VillageFacts, gaps: dict[str, frozenset[int]]
) -> dict[str, Any]:
    if village.seq in gaps["home_below_floor_area"]:
        floor: float = 25 + rng.randrange(25)
    else:
        floor = 50 + rng.randrange(100)
    if rng.random() < 0.2:
        floor += 0.5
    facilities = list(FACILITIES)
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
    record["opened_on"] = iso_day(facts.home_opened)
    if facts.director is not None:
        record["director"] = facts.director
    return record
