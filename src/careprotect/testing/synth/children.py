"""The child files of a synthetic registry, village by village."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from careprotect.citizen_id import check_character
from careprotect.testing.synth.facts import (
    BIRTH_FIRST,
    BIRTH_SPAN,
    DAYS,
    FIRST_DAY,
    MONTHS,
    WEEKS,
    YEAR_END,
    YEAR_START,
    between,
    county_facts,
    iso_day,
    person_name,
    township_facts,
    village_facts,
    welfare_institution,
)
from careprotect.testing.synth.shape import CHILD_GAP_RATES, Plan, division_rng, walk
from careprotect.testing.synth.vocabulary import (
    CHIBI,
    ONE_PLUS_N,
    ONE_PLUS_ONE,
    SURNAMES,
    TOPICS,
    XIANNING,
)

__all__ = ["child_records"]

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
    full = list(TOPICS)
    lacking = [[t for t in TOPICS if t != gone] for gone in TOPICS]
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
            told = min(start + 2 + dice.randrange(20), YEAR_END)
            notices = [{"date": iso_day(told + dice.randrange(5)), "recipient": "committee"}]
            if dice.random() >= CHILD_GAP_RATES["missing_entrustment_notice"]:
                notices.insert(0, {"date": iso_day(told), "recipient": "school"})
            record["entrustment_notices"] = notices
            if dice.random() < CHILD_GAP_RATES["parent_contacts_unrecorded"]:
                continue
            parent = "father" if dice.random() < 0.5 else "mother"
            monday = start - dt.date.fromordinal(start).weekday()
            week = max(monday, YEAR_START - dt.date.fromordinal(YEAR_START).weekday())
            calls = []
            missed = CHILD_GAP_RATES["parent_contact_missed_week"]
            while week <= YEAR_END:
                on = max(week + dice.randrange(7), start, YEAR_START)
                if on <= YEAR_END and dice.random() >= missed:
                    calls.append({"date": iso_day(on), "parent": parent})
                week += 7
            record["parent_contacts"] = calls

    def situation(
        self, parent: str, kind: str, start: int, end: int | None = None
    ) -> dict[str, Any]:
        item = {"parent": parent, "kind": kind, "start": iso_day(start)}
        if end is not None:
            item["end"] = iso_day(end)
        return item

    def child(self, code: str, index: int) -> dict[str, Any]:
        rnd = self.random
        ctx = self.context
        male = rnd() < 0.52
        born = BIRTH_FIRST + int(rnd() * BIRTH_SPAN)
        birth = iso_day(born)
        first17 = f"{ctx.county}{birth[:4]}{birth[5:7]}{birth[8:]}{2 * int(rnd() * 500) + male:03d}"
        surname = SURNAMES[int(rnd() * len(SURNAMES))]
        record: dict[str, Any] = {
            "record": "child",
            "id": f"C{code}-{index:03d}",  # no 15-digit run, which is masked as an ID number
            "name": person_name(self.rng, surname),
            "citizen_id": first17 + check_character(first17),
            "birth_date": birth,
            "sex": "male" if male else "female",
            "division": code,
            "household": "rural" if rnd() < 0.93 else "urban",
        }
        u = rnd()
        profile = next(p for share, p in _PROFILES if u < share)
        if profile == _RETURNED and born > YEAR_START - 730:
            profile = _AWAY_BOTH  # too young for parents who went away and came back
        situations: list[dict[str, Any]] = []
        guardianships: list[dict[str, Any]] = []
        residences: list[dict[str, Any]] = [{"kind": "family", "start": birth}]
        hardships: list[dict[str, Any]] = []
        agreements: list[dict[str, Any]] = []
        latest = YEAR_END - 30
        if profile in (_AWAY_BOTH, _AWAY_ONE, _RETURNED):
            away = between(self.rng, born, YEAR_START - 180)
            if profile == _AWAY_ONE:
                other = "seriously_ill" if rnd() < 0.6 else "severely_disabled"
                situations.append(self.situation("father", "working_away", away))
                situations.append(self.situation("mother", other, between(self.rng, born, away)))
                since = away
            else:
                mother = away if rnd() < 0.6 else between(self.rng, away, YEAR_START - 90)
                back = None
                if profile == _RETURNED:
                    back = between(self.rng, max(mother, YEAR_START - 365) + 1, YEAR_START - 1)
                situations.append(self.situation("father", "working_away", away, back))
                situations.append(self.situation("mother", "working_away", mother, back))
                since = mother
                if back is not None:
                    guardianships.append(self.guardian(surname, since, back, agreements))
                    guardianships.append(
                        {
                            "guardian": person_name(self.rng),
                            "relation": "mother",
                            "start": iso_day(back),
                        }
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
            first = between(self.rng, born, latest - 400)
            second = between(self.rng, born, latest - 400)
            situations.append(self.situation("father", kinds[0], first))
            end = None
            if kinds[1] == "imprisoned" and rnd() < 0.5:
                end = YEAR_END + 200 + self.rng.randrange(1500)
            situations.append(self.situation("mother", kinds[1], second, end))
            since = max(first, second)
            if profile == _ORPHAN and since < latest - 300 and rnd() < 0.35:
                moved = since + 30 + self.rng.randrange(300)
                institution, name = ctx.institution
                residences[0]["end"] = iso_day(moved)
                residences.append(
                    {"kind": "institution", "start": iso_day(moved), "institution": institution}
                )
                guardian = {"guardian": name, "relation": "institution", "start": iso_day(moved)}
            else:
                relation = "grandparent" if rnd() < 0.7 else "other_relative"
                guardian = {
                    "guardian": person_name(self.rng),
                    "relation": relation,
                    "start": iso_day(since),
                }
            guardianships.append(guardian)
            if rnd() < 0.3:
                hardships.append(self.hardship(since, latest))
        else:
            guardianships.append(
                {"guardian": person_name(self.rng, surname), "relation": "father", "start": birth}
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
            scheme = ONE_PLUS_ONE if ctx.xianning else "一对一结对帮扶"
            record["pairings"] = [{"worker": member, "scheme": scheme, "start": iso_day(start)}]
            contacts.extend(self.paired_contacts(member, born))
            mixed = True
        old_enough = born < YEAR_START - 3 * 365
        if ctx.xianning and ctx.counsellor is not None and special and old_enough and rnd() < 0.1:
            record["enrolments"] = [{"programme": ONE_PLUS_N, "start": iso_day(YEAR_START)}]
            contacts.extend(self.counselling(ctx.counsellor, born))
            mixed = True
        elif ctx.home is not None and born < YEAR_START - 6 * 365 and rnd() < 0.05:
            start = max(ctx.home_opened, YEAR_START - 120)
            record["enrolments"] = [{"programme": "儿童之家课后托管", "start": iso_day(start)}]
        if contacts:
            if mixed:
                contacts.sort(key=_by_date)
            record["contacts"] = contacts
        if ctx.home is not None and rnd() >= CHILD_GAP_RATES["missing_service_agreement"]:
            signed = min(max(ctx.home_opened, born) + 1 + self.rng.randrange(90), YEAR_END)
            agreements.append(
                {
                    "kind": "service_agreement",
                    "signed_on": iso_day(signed),
                    "service_point": ctx.home,
                }
            )
        if agreements:
            record["agreements"] = agreements
        self.entrusted_care(record)
        if ctx.director is not None and rnd() < 0.005:
            day = between(self.rng, max(born, YEAR_START), YEAR_END)
            record["referrals"] = [
                {
                    "date": iso_day(day),
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
        guardian = person_name(self.rng, surname if relation == "grandparent" else None)
        item: dict[str, Any] = {
            "guardian": guardian,
            "relation": relation,
            "start": iso_day(start),
        }
        if end is not None:
            item["end"] = iso_day(end)
        item["entrusted"] = True
        if rnd() >= CHILD_GAP_RATES["unsigned_confirmation"]:
            last = YEAR_END if end is None else end - 1
            signed = iso_day(min(start + 3 + self.rng.randrange(40), last))
            item["confirmation_signed_on"] = signed
            if end is None and rnd() < 0.4:
                agreements.append(
                    {"kind": "entrusted_guardianship_confirmation", "signed_on": signed}
                )
        return item

    def hardship(self, first: int, last: int) -> dict[str, Any]:
        kind = _HARDSHIPS[int(self.random() * 3)]
        return {"kind": kind, "start": iso_day(between(self.rng, first, last))}

    def disability(self, born: int) -> dict[str, Any]:
        return {
            "kind": self.rng.choice(_DISABILITIES),
            "grade": 1 + self.rng.randrange(4),
            "certified_on": iso_day(between(self.rng, min(born + 180, YEAR_END), YEAR_END - 30)),
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
            for n, monday in enumerate(WEEKS):
                if rare and n % 2:
                    continue
                day = monday + int(rnd() * 7)
                if day < YEAR_START or day > YEAR_END or day < born:
                    continue
                this_month = dt.date.fromordinal(day).month
                days.append((day, "home_visit" if this_month != month else "phone"))
                month = this_month
        else:
            for first, end in MONTHS:
                middle = first + 14
                if rare:
                    if rnd() < 0.6:
                        days.append((first + int(rnd() * (end - first)), "phone"))
                    continue
                days.append((first + int(rnd() * 14), "home_visit" if rnd() < 0.3 else "phone"))
                days.append(
                    (middle + int(rnd() * (end - middle)), "home_visit" if rnd() < 0.3 else "phone")
                )
        days_text, first_day = DAYS, FIRST_DAY
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
            day = between(self.rng, max(born, YEAR_START), YEAR_END)
            contacts.append(
                {
                    "date": iso_day(day),
                    "worker": ctx.director,
                    "mode": "activity",
                    "topics": _SAFETY,
                }
            )
            contacts.sort(key=_by_date)
        return contacts

    def paired_contacts(self, member: str, born: int) -> list[dict[str, Any]]:
        """A paired party member's contact a month, one of them a memorable activity."""
        rnd = self.random
        activity = int(rnd() * 12)
        contacts = []
        for m, (first, end) in enumerate(MONTHS):
            day = first + int(rnd() * (end - first))
            if day >= born:
                mode = "activity" if m == activity else "phone"
                contacts.append(
                    {"date": iso_day(day), "worker": member, "mode": mode, "topics": _COUNSELLING}
                )
        return contacts

    def counselling(self, counsellor: str, born: int) -> list[dict[str, Any]]:
        """A weekly home counselling session of the "1+N" mechanism."""
        rnd = self.random
        contacts = []
        for monday in WEEKS:
            day = monday + int(rnd() * 5)
            if YEAR_START <= day <= YEAR_END and day >= born:
                contacts.append(
                    {
                        "date": iso_day(day),
                        "worker": counsellor,
                        "mode": "counselling",
                        "topics": _COUNSELLING,
                    }
                )
        return contacts


def child_records(plan: Plan) -> Iterator[dict[str, Any]]:
    for county in walk(plan):
        cf = county_facts(plan, county)
        institution = welfare_institution(county, cf)
        xianning = county.code.startswith(XIANNING)
        for township in county.townships:
            tf = township_facts(plan, township)
            for village in township.villages:
                if not village.children:
                    continue
                vf = village_facts(plan, village)
                context = _Context(
                    county=county.code,
                    chibi=county.code == CHIBI,
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
                    division_rng(plan, village.code, "children"),
                    context,
                    division_rng(plan, village.code, "entrustment"),
                )
                for i in range(village.children):
                    yield maker.child(village.code, i)
