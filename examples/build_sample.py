#!/usr/bin/env python3
"""Write ``examples/sample-registry.jsonl``, careprotect's bundled sample registry.

Run from the repository root (careprotect installed)::

    .venv/bin/python examples/build_sample.py            # rewrites examples/sample-registry.jsonl
    .venv/bin/python examples/build_sample.py -o -       # writes it to stdout

The sample is a fictional registry in the JSON Lines layout (docs/input-format.md), to be
audited as of 2024-12-31 with the national baseline and the Hunan and Hubei plugins::

    careprotect audit examples/sample-registry.jsonl --as-of 2024-12-31

It holds Luxi county (泸溪县, 433122) in Hunan with a township of its neighbour Fenghuang
(凤凰县, 433123), and Chibi (赤壁市, 421281) in Hubei with the Xianning city welfare centre (in
Xian'an, 421202): divisions down to villages, child directors and supervisors with their
trainings, counsellors, party members, children's homes and other service points, then a few
hundred child files with their facts and a year (2024) of contacts.

Most of it is ordinary: staff in post and trained, homes that meet the standard, children
contacted as often as the rules ask. On purpose, a few records break a rule each, so that the
audit has something to report and every rule of the three plugins is both met and broken
somewhere. Each such record is marked ``GAP`` below with the rule it breaks. The audit date
decides what is judged: monthly rules judge December 2024, weekly rules the ISO week 2024-W52
(23 to 29 December), yearly rules the year 2024, point-in-time rules 2024-12-31.

**Fictional.** Every person is made up: names are drawn from fixed lists of characters, and the
citizen ID numbers are built with :meth:`careprotect.citizen_id.CitizenId.build` from the
county's code, the birth date and a sequence number, so their check characters are valid but
they belong to no one. The county codes are real; township and village codes and names below
them are invented.

**Deterministic.** The same code writes the same bytes on every run: the random choices come
from :class:`random.Random` instances seeded with strings (a seed per village or unit), and only
their ``random()`` method is used, whose sequence Python keeps stable for a given seed.
``tests/examples/test_sample.py`` checks that the committed file is exactly what this script
writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from careprotect.citizen_id import CitizenId

Record = dict[str, Any]
T = TypeVar("T")

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "sample-registry.jsonl"

YEAR = 2024
AS_OF = dt.date(2024, 12, 31)
"""The day the sample is built to be audited on."""
W52 = (dt.date(2024, 12, 23), dt.date(2024, 12, 30))
"""The ISO week 2024-W52, [Monday, next Monday): the week a weekly rule judges as of AS_OF."""

FORM = ("study", "schooling", "daily_life", "mental_health")
"""The topics of Xianning's visit record form (探访关爱服务记录表)."""
BASIC = ("video_calls", "study_and_reading", "recreation")
"""The facilities every Hunan children's home must have."""
ONE_PLUS_ONE = "xianning-1+1"
ONE_PLUS_N = "xianning-1+N"

WFC = "womens_federation_chair"
VCM = "village_committee_member"
LIVELIHOOD = "livelihood_assistant"
TOWNSHIP_LEAD = "township_leadership"
SCHOOL_LEAD = "school_leadership"
GRADUATE = "college_graduate_village_official"
COUNSELLOR_POST = "qualified_counsellor"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def after(d: dt.date, days: int) -> dt.date:
    return d + dt.timedelta(days=days)


class Dice:
    """Random choices from a string seed, using only ``random()`` (stable across versions)."""

    def __init__(self, seed: str) -> None:
        self._rng = random.Random(f"careprotect sample registry/{seed}")

    def fraction(self) -> float:
        """A number in [0, 1)."""
        return self._rng.random()

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def between(self, lo: int, hi: int) -> int:
        """A whole number from ``lo`` to ``hi``, both included."""
        return lo + int(self._rng.random() * (hi - lo + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self._rng.random() * len(items))]

    def date(self, first: dt.date, last: dt.date) -> dt.date:
        """A day from ``first`` to ``last``, both included."""
        return after(first, self.between(0, (last - first).days))


# -- names (fictional) -------------------------------------------------------------------------

SURNAMES = {
    "43": "田向张杨彭龙石吴麻符滕梁李刘唐",
    "42": "刘黄陈王李周吴余熊廖张胡程徐",
}
BOY = "军宇乐浩然轩俊博峰磊鹏波涛阳志武建明辉天文杰强伟安平"
GIRL = "雨梅花芳静丽婷欣怡萱晨思佳雪月琪瑶兰秀英春秋诗雅嘉宁红艳玲燕霞云"
MIDDLE = "小子一梓思佳家明俊雨天嘉"
ADULT_WOMAN = ("秀英", "春兰", "慧", "芳", "丽华", "红梅", "艳", "玉兰", "小燕", "桂香", "翠萍")
ADULT_MAN = ("国强", "志明", "建华", "德胜", "光荣", "永红", "卫东", "大山", "长林", "海军")


def child_name(dice: Dice, surname: str, sex: str) -> str:
    given = BOY if sex == "male" else GIRL
    if dice.chance(0.6):
        return surname + dice.pick(MIDDLE) + dice.pick(given)
    return surname + dice.pick(given) + dice.pick(given)


def adult_name(dice: Dice, surname: str, sex: str) -> str:
    return surname + dice.pick(ADULT_MAN if sex == "male" else ADULT_WOMAN)


# -- places ------------------------------------------------------------------------------------


class Village(NamedTuple):
    code: str
    name: str
    children: int


class Township(NamedTuple):
    code: str
    name: str
    villages: tuple[Village, ...]


def township(code: str, name: str, *villages: tuple[str, str, int]) -> Township:
    return Township(code, name, tuple(Village(code + v, n, k) for v, n, k in villages))


LUXI = "433122"
FENGHUANG = "433123"
CHIBI = "421281"
XIANNING = "4212"
XIANAN = "421202"

LUXI_TOWNSHIPS = (
    township(
        "433122100",
        "溪口镇",
        ("201", "青山村", 10),
        ("202", "石门村", 9),
        ("203", "桃花村", 8),
        ("204", "白岩村", 7),
        ("205", "龙溪村", 9),
        ("206", "新田村", 8),
    ),
    township(
        "433122101",
        "石桥镇",
        ("201", "石桥村", 10),
        ("202", "大坪村", 9),
        ("203", "竹园村", 8),
        ("204", "黄泥村", 7),
        ("205", "长冲村", 8),
    ),
    township(
        "433122102",
        "龙潭镇",
        ("201", "龙潭村", 10),
        ("202", "高坡村", 8),
        ("203", "金竹村", 9),
        ("204", "松林村", 7),
        ("205", "马鞍村", 6),
    ),
    township(
        "433122200",
        "竹坪乡",
        ("201", "竹坪村", 9),
        ("202", "枫木村", 8),
        ("203", "梅花村", 7),
        ("204", "岩门村", 6),
    ),
)
FENGHUANG_TOWNSHIPS = (township("433123101", "岩口镇", ("201", "沙坪村", 8), ("202", "茶园村", 7)),)
CHIBI_TOWNSHIPS = (
    township(
        "421281101",
        "桃溪镇",
        ("201", "桃园村", 10),
        ("202", "柳溪村", 9),
        ("203", "荷塘村", 9),
        ("204", "杨林村", 8),
        ("205", "新港村", 8),
    ),
    township(
        "421281102",
        "石坪镇",
        ("201", "石坪村", 10),
        ("202", "茶山村", 9),
        ("203", "竹林村", 8),
        ("204", "双河村", 8),
    ),
    township(
        "421281103",
        "云湖镇",
        ("201", "云湖村", 9),
        ("202", "枫桥村", 8),
        ("203", "白石村", 8),
        ("204", "金湾村", 7),
    ),
)

LUXI_WELFARE_HOME = "433122100001"
"""The community of the Luxi county children's welfare home (not a listed division: the
township above it is, so the records there lie within the registry)."""
XIANNING_WELFARE_CENTRE = "421202001001"
"""The community in Xian'an of the Xianning city welfare centre."""


# -- workers -----------------------------------------------------------------------------------


def training(date: dt.date, level: str, days: int, passed: bool | None = True) -> dict[str, Any]:
    record: dict[str, Any] = {"date": date.isoformat(), "organiser_level": level, "days": days}
    if passed is not None:
        record["passed"] = passed
    return record


def yearly_trainings(
    dice: Dice,
    appointed: dt.date,
    level: str,
    lengths: Sequence[int],
    *,
    initial: bool = True,
    changes: dict[int, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """A passed training a few days before appointment (when ``initial``), then one training
    at ``level`` in each calendar year after the appointment's, to 2024. ``changes`` replaces
    the trainings of a year (an empty list: none that year)."""
    out: list[dict[str, Any]] = []
    if initial:
        out.append(training(after(appointed, -dice.between(5, 25)), level, dice.pick(lengths)))
    for year in range(appointed.year + 1, YEAR + 1):
        if changes is not None and year in changes:
            out.extend(changes[year])
            continue
        when = dt.date(year, dice.between(4, 10), dice.between(5, 25))
        out.append(training(when, level, dice.pick(lengths)))
    return out


def worker(
    wid: str,
    name: str,
    role: str,
    division: str,
    *,
    sex: str | None = None,
    posts: Sequence[str] = (),
    appointed: dt.date | None = None,
    left: dt.date | None = None,
    trainings: Sequence[dict[str, Any]] = (),
) -> Record:
    record: Record = {"record": "worker", "id": wid, "name": name, "role": role}
    record["division"] = division
    if sex is not None:
        record["sex"] = sex
    if posts:
        record["posts"] = list(posts)
    if appointed is not None:
        record["appointed_on"] = appointed.isoformat()
    if left is not None:
        record["left_on"] = left.isoformat()
    if trainings:
        record["trainings"] = list(trainings)
    return record


def in_post(w: Record, d: dt.date) -> bool:
    start = w.get("appointed_on")
    end = w.get("left_on")
    return (start is None or day(start) <= d) and (end is None or d < day(end))


class Staff:
    """The registry's workers, with who serves each village and township."""

    def __init__(self) -> None:
        self.workers: list[Record] = []
        self.directors: dict[str, list[Record]] = {}
        self.supervisors: dict[str, list[Record]] = {}

    def add(self, record: Record) -> Record:
        self.workers.append(record)
        if record["role"] == "child_director":
            self.directors.setdefault(record["division"], []).append(record)
        elif record["role"] == "child_supervisor":
            self.supervisors.setdefault(record["division"], []).append(record)
        return record

    def responsible(self, village: str, d: dt.date) -> str | None:
        """The worker who contacts the children of ``village`` on ``d``: its child director
        in post, else the township's child supervisor in post."""
        for w in self.directors.get(village, []):
            if in_post(w, d):
                return str(w["id"])
        for w in self.supervisors.get(village[:9], []):
            if in_post(w, d):
                return str(w["id"])
        return None

    def director_of(self, village: str, d: dt.date = AS_OF) -> str | None:
        for w in self.directors.get(village, []):
            if in_post(w, d):
                return str(w["id"])
        return None


def hunan_director(
    staff: Staff,
    wid: str,
    village: Village,
    *,
    name: str | None = None,
    sex: str = "female",
    posts: Sequence[str] = (WFC, VCM),
    appointed: dt.date | None = None,
    left: dt.date | None = None,
    initial: bool = True,
    changes: dict[int, list[dict[str, Any]]] | None = None,
    trainings: Sequence[dict[str, Any]] | None = None,
) -> Record:
    """A Luxi or Fenghuang child director: by default a woman on the village committee who
    chairs the women's federation, appointed before the 2019 notice, trained by the county
    every year for 2 or 3 days."""
    dice = Dice(wid)
    if appointed is None:
        appointed = dice.date(day("2016-03-01"), day("2019-05-31"))
    if name is None:
        name = adult_name(dice, dice.pick(SURNAMES["43"]), sex)
    if trainings is None:
        trainings = yearly_trainings(
            dice, appointed, "county", (2, 3), initial=initial, changes=changes
        )
    return staff.add(
        worker(
            wid,
            name,
            "child_director",
            village.code,
            sex=sex,
            posts=posts,
            appointed=appointed,
            left=left,
            trainings=trainings,
        )
    )


def chibi_director(
    staff: Staff,
    wid: str,
    village: Village,
    *,
    name: str | None = None,
    sex: str = "female",
    posts: Sequence[str] = (VCM,),
    appointed: dt.date | None = None,
    left: dt.date | None = None,
    changes: dict[int, list[dict[str, Any]]] | None = None,
) -> Record:
    """A Chibi child director: by default a woman on the village committee, trained by the
    city (county level) every year."""
    dice = Dice(wid)
    if appointed is None:
        appointed = dice.date(day("2016-06-01"), day("2020-12-31"))
    if name is None:
        name = adult_name(dice, dice.pick(SURNAMES["42"]), sex)
    return staff.add(
        worker(
            wid,
            name,
            "child_director",
            village.code,
            sex=sex,
            posts=posts,
            appointed=appointed,
            left=left,
            trainings=yearly_trainings(dice, appointed, "county", (1, 2), changes=changes),
        )
    )


def build_staff() -> Staff:
    staff = Staff()
    luxi = [v for t in LUXI_TOWNSHIPS for v in t.villages]
    by_name = {v.name: v for t in (*LUXI_TOWNSHIPS, *CHIBI_TOWNSHIPS) for v in t.villages}

    # -- Luxi: supervisors (trained by the prefecture), counsellors -----------------------
    xikou, shiqiao, longtan, zhuping = LUXI_TOWNSHIPS
    staff.add(
        worker(
            "W-LX-S1",
            "向春兰",
            "child_supervisor",
            xikou.code,
            sex="female",
            posts=[TOWNSHIP_LEAD],
            appointed=day("2019-08-01"),
            trainings=yearly_trainings(
                Dice("W-LX-S1"), day("2019-09-10"), "prefecture", (2, 3), initial=False
            ),
        )
    )
    staff.add(
        worker(
            "W-LX-S2",
            "彭玉兰",
            "child_supervisor",
            shiqiao.code,
            sex="female",
            posts=[WFC],
            appointed=day("2018-04-01"),
            trainings=yearly_trainings(
                Dice("W-LX-S2"),
                day("2018-04-01"),
                "prefecture",
                (2, 3),
                # GAP hunan.child_supervisor.training_length: a four-day training in 2024.
                changes={2024: [training(day("2024-09-09"), "prefecture", 4)]},
            ),
        )
    )
    staff.add(
        worker(
            "W-LX-S3",
            "龙德胜",
            "child_supervisor",
            longtan.code,
            # GAP hunan.child_supervisor.eligibility: a man of the township leadership (the
            # notice asks for a woman of the leadership, or the women's-federation chair).
            sex="male",
            posts=[TOWNSHIP_LEAD],
            appointed=day("2020-02-01"),
            trainings=yearly_trainings(Dice("W-LX-S3"), day("2020-02-01"), "prefecture", (2, 3)),
        )
    )
    staff.add(
        worker(
            "W-LX-S4",
            "石翠萍",
            "child_supervisor",
            zhuping.code,
            sex="female",
            posts=[TOWNSHIP_LEAD],
            appointed=day("2019-03-01"),
            trainings=yearly_trainings(
                Dice("W-LX-S4"),
                day("2019-03-01"),
                "prefecture",
                (2, 3),
                # GAP hunan.child_supervisor.training_per_year: in 2024 only a county
                # training, which does not count for a supervisor (the prefecture trains them).
                changes={2024: [training(day("2024-06-18"), "county", 2)]},
            ),
        )
    )
    # A qualified counsellor in every township but 竹坪乡.
    # GAP hunan.township.qualified_counsellor: 竹坪乡 has none.
    for n, (t, name) in enumerate(((xikou, "符静"), (shiqiao, "滕晓云"), (longtan, "梁思远")), 1):
        staff.add(
            worker(
                f"W-LX-C{n}",
                name,
                "counsellor",
                t.code,
                sex="male" if name == "梁思远" else "female",
                posts=[COUNSELLOR_POST],
                appointed=day("2021-03-01") + dt.timedelta(days=91 * n),
            )
        )

    # -- Luxi: child directors ----------------------------------------------------------------
    special: dict[str, dict[str, Any]] = {
        # Appointed after the 2019 notice, trained and assessed first: compliant throughout.
        "青山村": {
            "name": "田秀英",
            "appointed": day("2019-09-01"),
            "trainings": [
                training(day("2019-08-20"), "county", 3),
                *yearly_trainings(
                    Dice("W-LX-D1"), day("2019-09-01"), "county", (2, 3), initial=False
                ),
            ],
        },
        # GAP hunan.child_director.training_before_start: started on 2020-03-01 and went to
        # the county training a month later (and failed its assessment).
        # A man and livelihood assistant: Hunan's preference is met (the livelihood
        # assistant), the national advice is not (neither a village committee member nor a
        # woman): advisories for staffing.child_director.appointed_from and .women_preferred.
        "石门村": {
            "name": "张国强",
            "sex": "male",
            "posts": (LIVELIHOOD,),
            "appointed": day("2020-03-01"),
            "trainings": [
                training(day("2020-04-02"), "county", 2, passed=False),
                *yearly_trainings(
                    Dice("W-LX-D2"), day("2020-03-01"), "county", (2, 3), initial=False
                ),
            ],
        },
        # GAP hunan.child_director.training_per_year: no county training in 2024, only a
        # one-day township meeting, which does not count.
        "龙溪村": {"changes": {2024: [training(day("2024-05-22"), "township", 1)]}},
        # Advisory for hunan.child_director.preferred: a college-graduate village official
        # (the national advice is met, Hunan's preference is not). Appointed in 2022 after
        # passing the county's assessment.
        "竹园村": {"name": "唐思雨", "posts": (GRADUATE,), "appointed": day("2022-07-01")},
        # Advisory for hunan.child_director.preferred and .women_preferred: a man on the
        # village committee (Hunan prefers a woman on it, or the livelihood assistant).
        "黄泥村": {"name": "杨光荣", "sex": "male", "posts": (VCM,)},
        # Advisory for staffing.child_director.appointed_from: a livelihood assistant who is
        # not on the village committee (Hunan's preference is met).
        "长冲村": {"name": "李桂香", "posts": (LIVELIHOOD,)},
        # GAP hunan.child_director.training_length: the 2024 county training lasted one day.
        "龙潭村": {"changes": {2024: [training(day("2024-07-16"), "county", 1)]}},
        # The director of the home in the village school is a member of the school's
        # leadership (hunan.childrens_home.school_director is met); she holds no village post,
        # so the preference rules only advise.
        "金竹村": {"name": "麻红梅", "posts": (SCHOOL_LEAD,)},
        # GAP staffing.child_director.per_village: the director left on 2024-10-01 and no
        # one has been appointed since; the township supervisor contacts the children.
        "马鞍村": {"appointed": day("2017-04-01"), "left": day("2024-10-01")},
        # The director retired on 2024-03-01; her successor passed the county's assessment
        # on 2024-03-22 and started on 2024-04-01 (not judged for the year 2024).
        "枫木村": {"left": day("2024-03-01")},
    }
    n = 0
    for village in luxi:
        n += 1
        wid = f"W-LX-D{n}"
        hunan_director(staff, wid, village, **special.get(village.name, {}))
        if village.name == "枫木村":
            n += 1
            hunan_director(
                staff,
                f"W-LX-D{n}",
                village,
                name="滕小燕",
                appointed=day("2024-04-01"),
                trainings=[training(day("2024-03-20"), "county", 3)],
            )

    # -- Fenghuang (one township): staff in post and trained ------------------------------
    (yankou,) = FENGHUANG_TOWNSHIPS
    staff.add(
        worker(
            "W-FH-S1",
            "吴玉兰",
            "child_supervisor",
            yankou.code,
            sex="female",
            posts=[WFC],
            appointed=day("2019-07-01"),
            trainings=yearly_trainings(Dice("W-FH-S1"), day("2019-07-01"), "prefecture", (2, 3)),
        )
    )
    staff.add(
        worker(
            "W-FH-C1",
            "麻晓云",
            "counsellor",
            yankou.code,
            sex="female",
            posts=[COUNSELLOR_POST],
            appointed=day("2022-03-01"),
        )
    )
    for n, village in enumerate(yankou.villages, 1):
        hunan_director(staff, f"W-FH-D{n}", village)

    # -- Chibi: supervisors and directors (trained by the city every year) ----------------
    taoxi, shiping, yunhu = CHIBI_TOWNSHIPS
    staff.add(
        worker(
            "W-CB-S1",
            "陈慧",
            "child_supervisor",
            taoxi.code,
            sex="female",
            posts=[WFC],
            appointed=day("2018-06-01"),
            trainings=yearly_trainings(Dice("W-CB-S1"), day("2018-06-01"), "county", (1, 2)),
        )
    )
    staff.add(
        worker(
            "W-CB-S2",
            "余红梅",
            "child_supervisor",
            shiping.code,
            sex="female",
            posts=[TOWNSHIP_LEAD],
            appointed=day("2019-05-01"),
            # GAP hubei.chibi.training.child_supervisor: no training in 2024.
            trainings=yearly_trainings(
                Dice("W-CB-S2"), day("2019-05-01"), "county", (1, 2), changes={2024: []}
            ),
        )
    )
    staff.add(
        worker(
            "W-CB-S3",
            "熊桂香",
            "child_supervisor",
            yunhu.code,
            sex="female",
            posts=[TOWNSHIP_LEAD],
            appointed=day("2018-03-01"),
            # GAP staffing.child_supervisor.per_township: she retired on 2024-07-01 and
            # 云湖镇 has had no child supervisor since.
            left=day("2024-07-01"),
            trainings=yearly_trainings(Dice("W-CB-S3"), day("2018-03-01"), "county", (1, 2)),
        )
    )
    chibi_special: dict[str, dict[str, Any]] = {
        "桃园村": {"name": "刘芳", "appointed": day("2018-06-01"), "posts": (VCM, WFC)},
        # GAP hubei.chibi.training.child_director: no training in 2024. A man holding no
        # post: advisories for staffing.child_director.appointed_from and .women_preferred.
        "柳溪村": {
            "name": "黄志明",
            "sex": "male",
            "posts": (),
            "appointed": day("2019-01-01"),
            "changes": {2024: []},
        },
        "茶山村": {"name": "周卫东", "sex": "male"},
        # The director retired on 2024-03-01 and her successor started that day.
        "金湾村": {"left": day("2024-03-01")},
    }
    n = 0
    for t in CHIBI_TOWNSHIPS:
        for village in t.villages:
            n += 1
            chibi_director(staff, f"W-CB-D{n}", village, **chibi_special.get(village.name, {}))
            if village.name == "金湾村":
                n += 1
                chibi_director(staff, f"W-CB-D{n}", by_name["金湾村"], appointed=day("2024-03-01"))

    # -- Xianning: the "1+1" party members and the "1+N" counselling team ------------------
    for n, (name, sex) in enumerate(
        (("吴建华", "male"), ("程丽华", "female"), ("胡长林", "male"), ("徐艳", "female")), 1
    ):
        staff.add(worker(f"W-XN-P{n}", name, "party_member", XIANNING, sex=sex))
    staff.add(
        worker(
            "W-XN-C1",
            "廖静",
            "counsellor",
            XIANNING,
            sex="female",
            posts=[COUNSELLOR_POST],
            appointed=day("2023-09-01"),
        )
    )
    staff.add(
        worker(
            "W-XN-SW1", "程晓峰", "social_worker", XIANNING, sex="male", appointed=day("2023-09-01")
        )
    )
    return staff


# -- service points ----------------------------------------------------------------------------


def point(
    pid: str,
    kind: str,
    name: str,
    division: str,
    *,
    in_school: bool = False,
    floor: float | None = None,
    outdoor: float | None = None,
    facilities: Sequence[str] = (),
    models: Sequence[tuple[str, int]] = (),
    opened: dt.date | None = None,
    director: str | None = None,
) -> Record:
    record: Record = {"record": "service_point", "id": pid, "kind": kind, "name": name}
    record["division"] = division
    if in_school:
        record["in_school"] = True
    if floor is not None:
        record["floor_area_m2"] = floor
    if outdoor is not None:
        record["outdoor_area_m2"] = outdoor
    if facilities:
        record["facilities"] = list(facilities)
    if models:
        record["model_designations"] = [{"level": lv, "year": y} for lv, y in models]
    if opened is not None:
        record["opened_on"] = opened.isoformat()
    if director is not None:
        record["director"] = director
    return record


# Opening days of the Luxi homes. Thirteen were open by the end of 2020, two of them model
# homes designated by the county (15% of the homes then); six more opened from 2021 to 2024
# and two in Fenghuang, so by 2024-12-31 the two model homes are 2 of 21 (9.5%).
HOME_OPENED = {
    "青山村": "2019-10-01",
    "石门村": "2020-05-01",
    "桃花村": "2017-06-01",
    "白岩村": "2018-09-15",
    "龙溪村": "2021-04-20",
    "新田村": "2019-12-01",
    "石桥村": "2017-11-01",
    "大坪村": "2020-08-18",
    "竹园村": "2018-05-10",
    "黄泥村": "2022-03-15",
    "长冲村": "2020-11-02",
    "龙潭村": "2016-12-01",
    "高坡村": "2019-04-08",
    "金竹村": "2020-09-01",
    "松林村": "2021-10-11",
    "马鞍村": "2023-06-01",
    "竹坪村": "2018-03-20",
    "枫木村": "2022-11-28",
    "梅花村": "2024-05-20",
}


def build_points(staff: Staff) -> list[Record]:
    points: list[Record] = []
    dice = Dice("homes")
    n = 0
    for t in LUXI_TOWNSHIPS:
        for village in t.villages:
            if village.name == "岩门村":
                # GAP hunan.childrens_home.per_village: 岩门村 has no children's home yet.
                continue
            n += 1
            home: dict[str, Any] = {
                "floor": dice.between(55, 140),
                "outdoor": dice.between(60, 480),
                "facilities": BASIC + (("counselling_room",) if n % 3 == 1 else ()),
                "opened": day(HOME_OPENED[village.name]),
                # The director in post on the day the home is judged (马鞍村 has none).
                "director": staff.director_of(village.code),
            }
            if village.name == "青山村":
                home.update(floor=60, outdoor=120, models=[("county", 2020)])
            elif village.name == "石桥村":
                home.update(models=[("county", 2019)])
            elif village.name == "龙潭村":
                # A township designation: not "at county level or above", so not counted.
                home.update(models=[("township", 2022)])
            elif village.name == "石门村":
                # GAP hunan.childrens_home.floor_area: 42.5 m², in the village school.
                # GAP hunan.childrens_home.school_director: its director 张国强 is not a
                # member of the school's leadership.
                home.update(in_school=True, floor=42.5, outdoor=300)
            elif village.name == "金竹村":
                home.update(in_school=True)
            elif village.name == "白岩村":
                # GAP hunan.childrens_home.outdoor_area: no outdoor area (recorded as 0).
                home.update(outdoor=0)
            elif village.name == "竹园村":
                # GAP hunan.childrens_home.facilities: no equipment for video calls.
                home.update(facilities=("study_and_reading", "recreation"))
            elif village.name == "马鞍村":
                # The home's director left with the village's child director.
                home.update(director=None)
            points.append(
                point(
                    f"H-LX-{n}",
                    "childrens_home",
                    f"{village.name}儿童之家",
                    village.code,
                    in_school=bool(home.get("in_school")),
                    floor=home["floor"],
                    outdoor=home["outdoor"],
                    facilities=home["facilities"],
                    models=home.get("models", ()),
                    opened=home["opened"],
                    director=home["director"],
                )
            )
    for n, (village, opened) in enumerate(
        zip(FENGHUANG_TOWNSHIPS[0].villages, ("2021-06-01", "2022-09-01"), strict=True), 1
    ):
        points.append(
            point(
                f"H-FH-{n}",
                "childrens_home",
                f"{village.name}儿童之家",
                village.code,
                floor=dice.between(55, 140),
                outdoor=dice.between(60, 480),
                facilities=BASIC,
                opened=day(opened),
                director=staff.director_of(village.code),
            )
        )
    # Luxi: three child-service social organisations, social work stations, the county's
    # minor protection centre and children's welfare home.
    for n, (name, opened) in enumerate(
        (("阳光儿童服务中心", "2019-11-01"), ("春苗社会工作服务社", "2020-08-01")), 1
    ):
        points.append(
            point(f"O-LX-{n}", "social_organisation", f"泸溪县{name}", LUXI, opened=day(opened))
        )
    points.append(
        point(
            "O-LX-3",
            "social_organisation",
            "泸溪县童心公益服务中心",
            LUXI,
            opened=day("2021-05-01"),
        )
    )
    for n, t in enumerate(LUXI_TOWNSHIPS, 1):
        points.append(
            point(
                f"SW-LX-{n}",
                "social_work_station",
                f"{t.name}社会工作服务站",
                t.code,
                opened=day("2021-09-01"),
            )
        )
    points.append(point("MP-LX-1", "minor_protection_centre", "泸溪县未成年人救助保护中心", LUXI))
    points.append(
        point(
            "WI-LX-1",
            "welfare_institution",
            "泸溪县儿童福利院",
            LUXI_WELFARE_HOME,
            opened=day("2012-06-01"),
        )
    )
    # GAP hunan.county.child_service_organisations: Fenghuang has one (three are required).
    points.append(
        point(
            "O-FH-1",
            "social_organisation",
            "凤凰县护苗儿童服务中心",
            FENGHUANG,
            opened=day("2022-10-01"),
        )
    )
    # Chibi and Xianning.
    for n, t in enumerate(CHIBI_TOWNSHIPS, 1):
        points.append(
            point(
                f"SW-CB-{n}",
                "social_work_station",
                f"{t.name}社会工作服务站",
                t.code,
                opened=day("2022-04-01"),
            )
        )
    points.append(point("MP-CB-1", "minor_protection_centre", "赤壁市未成年人救助保护中心", CHIBI))
    points.append(
        point(
            "WI-XN-1",
            "welfare_institution",
            "咸宁市社会福利中心",
            XIANNING_WELFARE_CENTRE,
            opened=day("2008-09-01"),
        )
    )
    return points


# -- children ----------------------------------------------------------------------------------

SITUATIONS = (
    ("left_behind", 0.56),
    ("left_behind_ill", 0.05),
    ("orphan", 0.03),
    ("de_facto", 0.04),
    ("poverty", 0.12),
    ("disability", 0.07),
    ("parents_back", 0.13),
)
ON_A_LIST = {"left_behind", "left_behind_ill", "orphan", "de_facto", "poverty", "disability"}
"""The situations of the children the directors follow (every list of the rules)."""


class Spec(NamedTuple):
    """A hand-designed child: the situation and the facts that differ from the ordinary."""

    situation: str
    name: str | None = None
    sex: str | None = None
    birth: str | None = None
    confirmation: str = "signed"  # "signed", "agreement" (also on file) or "missing"
    service_agreement: str = "file"  # "file", "home" (on the home's record) or "missing"
    contacts: str = "normal"  # "normal", "no_w52", "dec_phone_only", "dec_no_mental_health"
    moved_in: str | None = None
    one_plus_n: tuple[str, str] | None = None  # (enrolled from, last session)
    report: bool = False
    # Minors Protection Law gaps: "barred" (the entrusted carer gambles), "no_parent_w52" (the
    # parents did not call in the week of 23-29 December), "no_committee_notice" (the
    # village committee was never told in writing); "report_medical" (a severe malnutrition
    # reported only to the township clinic), "report_police" (an abnormal injury reported to
    # the police and the school).
    mpl: tuple[str, ...] = ()


SPECIAL_CHILDREN: dict[str, tuple[Spec, ...]] = {
    # -- Luxi ---------------------------------------------------------------------------------
    "青山村": (
        # Both parents work away; her grandfather signed the confirmation, which is also on
        # file as an agreement. The service agreements of 青山村 are on the home's record.
        Spec(
            "left_behind",
            name="田小雨",
            sex="female",
            birth="2012-04-18",
            confirmation="agreement",
        ),
        Spec("disability", name="向小花", sex="female", birth="2014-08-09"),
    ),
    # An orphan in the care of his uncle: Hunan's scattered-orphan allowance (800 a month).
    "石门村": (Spec("orphan", name="张小军", sex="male", birth="2009-11-02"),),
    # GAP left_behind.entrusted_guardianship_confirmation: the grandmother caring for him
    # while his parents work away never signed the confirmation.
    # GAP mandatory_report.recipient: his severe malnutrition was reported in October only to
    # the township clinic, to none of the authorities.
    "桃花村": (
        Spec(
            "left_behind",
            name="彭浩然",
            sex="male",
            confirmation="missing",
            mpl=("report_medical",),
        ),
    ),
    # Her abnormal injuries were reported in May to the police and to her school.
    "龙溪村": (Spec("de_facto", mpl=("report_police",)),),
    # GAP hunan.childrens_home.service_agreement: the family moved to 大坪村 in November
    # 2024 and has not signed with the village's home yet.
    "大坪村": (Spec("left_behind", service_agreement="missing", moved_in="2024-11-10"),),
    # GAP hunan.childrens_home.service_agreement: no agreement with the 高坡村 home.
    "高坡村": (Spec("poverty", service_agreement="missing"),),
    # Left alone at home in August: the director reported it to the police and referred her
    # to the township social work station.
    "松林村": (Spec("left_behind", sex="female", report=True),),
    # -- Chibi --------------------------------------------------------------------------------
    # GAP left_behind.entrusted_guardianship_confirmation: his father works away, his
    # mother is seriously ill, and his grandmother never signed the confirmation.
    "桃园村": (
        Spec(
            "left_behind_ill",
            name="刘小宇",
            sex="male",
            birth="2011-03-15",
            confirmation="missing",
        ),
    ),
    # De facto unsupported: her mother died, her father is in prison.
    "柳溪村": (Spec("de_facto", name="黄小梅", sex="female", birth="2010-12-01"),),
    # GAP hubei.chibi.weekly_follow_up: no follow-up in the week of 23-29 December.
    # GAP entrusted_care.parent_contact: nor did his parents call that week.
    "荷塘村": (Spec("left_behind", contacts="no_w52", mpl=("no_parent_w52",)),),
    # In Xianning's "1+N" counselling since October, a session every week.
    "杨林村": (Spec("left_behind", one_plus_n=("2024-10-08", "2024-12-31")),),
    # GAP hubei.chibi.monthly_home_visit: only phone calls in December.
    # GAP entrusted_care.carer_qualified: the relative caring for him has gambled since 2023.
    "石坪村": (Spec("left_behind", contacts="dec_phone_only", mpl=("barred",)),),
    # GAP hubei.xianning.left_behind.contact: December's visit records leave out her mental
    # health, so neither contact counts.
    # GAP entrusted_care.written_notice: her parents told her school in writing, never the
    # village committee.
    "茶山村": (
        Spec(
            "left_behind",
            sex="female",
            contacts="dec_no_mental_health",
            mpl=("no_committee_notice",),
        ),
    ),
    # GAP hubei.xianning.one_plus_n.weekly_home_session: enrolled in "1+N" since September;
    # the last session was on 2024-12-20, none in the week of 23-29 December.
    "竹林村": (Spec("left_behind", one_plus_n=("2024-09-02", "2024-12-20")),),
    # A scattered orphan in Chibi: the national allowance (600 a month).
    "双河村": (Spec("orphan"),),
}


class Context:
    """What the child files are built from: staff, homes, and the ID sequence numbers."""

    def __init__(self, staff: Staff, points: list[Record]) -> None:
        self.staff = staff
        self.homes = {
            p["division"]: p for p in points if p["kind"] == "childrens_home"
        }  # one home per village at most
        self.sequences: dict[str, int] = {}
        self.counters: dict[str, int] = {}

    def child_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"C-{prefix}-{self.counters[prefix]:03d}"

    def citizen_id(self, county: str, birth: dt.date, sex: str) -> str:
        k = self.sequences.get(county, 0)
        self.sequences[county] = k + 1
        sequence = (2 * k + (1 if sex == "male" else 2)) % 1000
        return CitizenId.build(county, birth, sequence).reveal()


def _situation(dice: Dice) -> str:
    x = dice.fraction()
    for name, share in SITUATIONS:
        if x < share:
            return name
        x -= share
    return SITUATIONS[0][0]


def _birth(dice: Dice, situation: str) -> dt.date:
    """Left-behind children are under 16 on AS_OF, the others under 18; orphans and de facto
    unsupported children were born before the loss, which happened before 2024; the children
    whose parents came home were born before their parents left."""
    first = day("2009-01-01") if situation.startswith("left_behind") else day("2007-01-01")
    last = {"orphan": "2022-12-31", "de_facto": "2022-12-31", "parents_back": "2021-12-31"}
    return dice.date(first, day(last.get(situation, "2024-06-30")))


def _departure(dice: Dice, birth: dt.date) -> dt.date:
    """The day a child's parents left to work away: when the child was a few months old or
    later, before 2024 (for a child born in 2024, a few months after the birth)."""
    earliest = max(after(birth, 120), day("2014-03-01"))
    if earliest > day("2023-12-31"):
        return after(birth, dice.between(120, 150))
    return dice.date(earliest, day("2023-12-31"))


def situation_facts(
    dice: Dice, situation: str, surname: str, birth: dt.date, spec: Spec | None, province: str
) -> Record:
    """The parents' situations, guardianships, residences, hardships and disability."""
    father = adult_name(dice, surname, "male")
    mother_surname = dice.pick(SURNAMES[province])
    mother = adult_name(dice, mother_surname, "female")
    # A grandparent on the father's side (the child's surname) or on the mother's.
    gran = dice.pick((surname + "奶奶", surname + "爷爷", mother_surname + "外婆"))
    relative = surname + dice.pick(("二叔", "大伯", "姑姑", "小姨", "舅舅"))
    facts: Record = {}
    parents: list[Record] = []
    guardians: list[Record] = []
    residences: list[Record] = [{"kind": "family", "start": birth.isoformat()}]

    def away(parent: str, start: dt.date, end: dt.date | None = None) -> None:
        s: Record = {"parent": parent, "kind": "working_away", "start": start.isoformat()}
        if end is not None:
            s["end"] = end.isoformat()
        parents.append(s)

    def guardian(
        name: str, relation: str, start: dt.date, end: dt.date | None = None, **more: Any
    ) -> None:
        g: Record = {"guardian": name, "relation": relation, "start": start.isoformat()}
        if end is not None:
            g["end"] = end.isoformat()
        g.update(more)
        guardians.append(g)

    def entrusted(start: dt.date, end: dt.date | None = None) -> None:
        who, relation = (gran, "grandparent") if dice.chance(0.85) else (relative, "other_relative")
        confirmation = spec.confirmation if spec is not None else "signed"
        if spec is None and dice.chance(0.2):
            confirmation = "agreement"
        more: Record = {"entrusted": True}
        signed = min(after(start, dice.between(3, 40)), day("2024-12-20"))
        if confirmation != "missing":
            more["confirmation_signed_on"] = signed.isoformat()
        guardian(who, relation, start, end, **more)
        if confirmation == "agreement":
            facts.setdefault("agreements", []).append(
                {"kind": "entrusted_guardianship_confirmation", "signed_on": signed.isoformat()}
            )

    if situation in ("left_behind", "parents_back"):
        left = _departure(dice, birth)
        back = None
        if situation == "parents_back":
            left = min(left, day("2022-06-30"))
            back = dice.date(max(after(left, 200), day("2023-01-10")), day("2023-11-30"))
        away("father", left, back)
        away("mother", left, back)
        guardian(mother, "mother", birth, left)
        entrusted(left, back)
        if back is not None:
            guardian(mother, "mother", back)
    elif situation == "left_behind_ill":
        left = _departure(dice, birth)
        ill = dice.pick(("seriously_ill", "severely_disabled"))
        parents.append(
            {
                "parent": "mother",
                "kind": ill,
                "start": max(birth, after(left, -dice.between(30, 400))).isoformat(),
            }
        )
        away("father", left)
        guardian(father, "father", birth, left)
        entrusted(left)
    elif situation == "orphan":
        lost = dice.date(after(birth, 200), day("2023-10-31"))
        second = dice.pick(("dead", "declared_dead", "declared_missing"))
        parents.append({"parent": "father", "kind": "dead", "start": lost.isoformat()})
        later = after(lost, dice.between(0, 600))
        later = min(later, day("2024-06-30"))
        parents.append({"parent": "mother", "kind": second, "start": later.isoformat()})
        guardian(father, "father", birth, lost)
        who, relation = (relative, "other_relative") if dice.chance(0.5) else (gran, "grandparent")
        guardian(who, relation, lost)
    elif situation == "de_facto":
        start = dice.date(after(birth, 200), day("2023-10-31"))
        first, second = dice.pick(
            (
                ("imprisoned", "dead"),
                ("compulsory_rehabilitation", "dead"),
                ("dead", "severely_disabled"),
                ("imprisoned", "declared_missing"),
                ("seriously_ill", "severely_disabled"),
            )
        )
        if spec is not None and spec.name == "黄小梅":
            first, second = "imprisoned", "dead"
        then = min(after(start, dice.between(0, 500)), day("2024-06-30"))
        parents.append({"parent": "father", "kind": first, "start": start.isoformat()})
        parents.append({"parent": "mother", "kind": second, "start": then.isoformat()})
        guardian(father, "father", birth, start)
        guardian(gran, "grandparent", start)
    else:  # poverty, disability: both parents at home
        if dice.chance(0.5):
            guardian(mother, "mother", birth)
        else:
            guardian(father, "father", birth)
        if situation == "poverty":
            kinds = ["living", "medical", "schooling"]
            hardships = []
            for _ in range(dice.between(1, 2)):
                kind = dice.pick(kinds)
                kinds.remove(kind)
                start = max(birth, dice.date(day("2019-01-01"), day("2023-12-31")))
                hardships.append({"kind": kind, "start": start.isoformat()})
            facts["hardships"] = hardships
    if situation == "disability" or (
        spec is None and situation == "left_behind" and dice.chance(0.03)
    ):
        certified = min(after(birth, dice.between(300, 2000)), day("2024-06-30"))
        facts["disability"] = {
            "kind": dice.pick(
                ("visual", "hearing", "speech", "physical", "intellectual", "multiple")
            ),
            "grade": dice.between(1, 4),
            "certified_on": certified.isoformat(),
        }
        if spec is not None and spec.name == "向小花":
            facts["disability"] = {"kind": "hearing", "grade": 2, "certified_on": "2017-05-01"}
            facts["hardships"] = [{"kind": "medical", "start": "2017-05-01"}]
    if spec is not None and spec.moved_in is not None:
        residences = [{"kind": "family", "start": spec.moved_in}]
    facts["parent_situations"] = parents
    facts["guardianships"] = guardians
    facts["residences"] = residences
    return facts


def monthly_days(dice: Dice, since: dt.date) -> list[dt.date]:
    """Two days a month in 2024 (early in the month and in the middle), from ``since``."""
    days = []
    for month in range(1, 13):
        days.append(dt.date(YEAR, month, dice.between(3, 10)))
        days.append(dt.date(YEAR, month, dice.between(16, 26)))
    return [d for d in days if d >= since]


def weekly_days(dice: Dice, since: dt.date) -> list[dt.date]:
    """One day each ISO week of 2024 (a fixed weekday), from ``since``, up to AS_OF."""
    weekday = dice.between(0, 3)
    monday = dt.date(2024, 1, 1)
    days = []
    while monday <= AS_OF:
        d = after(monday, weekday)
        if since <= d <= AS_OF:
            days.append(d)
        monday = after(monday, 7)
    return days


def contact(d: dt.date, worker_id: str, mode: str, topics: Sequence[str]) -> Record:
    return {"date": d.isoformat(), "worker": worker_id, "mode": mode, "topics": list(topics)}


def director_contacts(
    ctx: Context, dice: Dice, village: str, since: dt.date, weekly: bool, pattern: str
) -> list[Record]:
    """The 2024 contacts of the village's director (or the township supervisor when the
    village has none): twice a month in Hunan, weekly in Chibi. The first contact of each
    month is a home visit and it and the third (in Hunan, the second) cover the four topics of
    the visit record form; the others are phone follow-ups about daily life."""
    days = weekly_days(dice, since) if weekly else monthly_days(dice, since)
    if pattern == "no_w52":
        days = [d for d in days if not W52[0] <= d < W52[1]]
    by_month: dict[int, list[dt.date]] = {}
    for d in days:
        by_month.setdefault(d.month, []).append(d)
    out = []
    for month, dates in sorted(by_month.items()):
        for i, d in enumerate(dates):
            who = ctx.staff.responsible(village, d)
            if who is None:
                continue
            full = i == 0 or i == (2 if weekly else 1)
            mode = "home_visit" if i == 0 else "phone"
            topics: tuple[str, ...] = FORM if full else ("daily_life",)
            if month == 12 and pattern == "dec_phone_only":
                mode = "phone"
            if month == 12 and pattern == "dec_no_mental_health" and full:
                topics = ("study", "schooling", "daily_life")
            if full and month in (1, 7, 8) and dice.chance(0.3):
                topics = (*topics, "safety")
            out.append(contact(d, who, mode, topics))
    return out


def make_child(
    ctx: Context,
    dice: Dice,
    village: Village,
    prefix: str,
    spec: Spec | None,
    situation: str | None = None,
) -> Record:
    county = village.code[:6]
    province = county[:2]
    weekly = county == CHIBI
    situation = spec.situation if spec is not None else situation or _situation(dice)
    sex = spec.sex if spec is not None and spec.sex else dice.pick(("male", "female"))
    birth = day(spec.birth) if spec is not None and spec.birth else _birth(dice, situation)
    if spec is not None and spec.name:
        name = spec.name
        surname = name[0]
    else:
        surname = dice.pick(SURNAMES[province])
        name = child_name(dice, surname, sex)
    record: Record = {"record": "child", "id": ctx.child_id(prefix), "name": name}
    # A few files have no citizen ID recorded yet (infants whose registration is pending).
    if not (birth.year == YEAR and dice.chance(0.5)):
        record["citizen_id"] = ctx.citizen_id(county, birth, sex)
    record.update(
        birth_date=birth.isoformat(),
        sex=sex,
        division=village.code,
        household="rural" if dice.chance(0.96) or situation.startswith("left") else "urban",
    )
    facts = situation_facts(dice, situation, surname, birth, spec, province)
    if "disability" in facts:
        record["disability"] = facts.pop("disability")
    if facts["parent_situations"]:
        record["parent_situations"] = facts["parent_situations"]
    record["guardianships"] = facts["guardianships"]
    record["residences"] = facts["residences"]
    if "hardships" in facts:
        record["hardships"] = facts["hardships"]
    contacts: list[Record] = []
    if spec is not None and spec.one_plus_n is not None:
        start, last = (day(x) for x in spec.one_plus_n)
        record["enrolments"] = [{"programme": ONE_PLUS_N, "start": start.isoformat()}]
        d = after(start, 2)
        while d <= last:
            contacts.append(contact(d, "W-XN-C1", "counselling", ("mental_health",)))
            d = after(d, 7)
    agreements: list[Record] = list(facts.get("agreements", []))
    home = ctx.homes.get(village.code)
    wanted = spec.service_agreement if spec is not None else "file"
    if village.name == "青山村" and wanted == "file":
        wanted = "home"
    if home is not None and wanted != "missing":
        lived = day(record["residences"][0]["start"])
        signed = max(day(home["opened_on"]), lived) + dt.timedelta(days=dice.between(10, 45))
        if wanted == "file":
            agreements.append(
                {
                    "kind": "service_agreement",
                    "signed_on": signed.isoformat(),
                    "service_point": home["id"],
                }
            )
        else:
            home.setdefault("agreements", []).append(
                {"child": record["id"], "signed_on": signed.isoformat()}
            )
    if agreements:
        agreements.sort(key=lambda a: (a["signed_on"], a["kind"]))
        record["agreements"] = agreements
    if spec is not None and spec.report:
        director = ctx.staff.director_of(village.code) or ""
        record["reports"] = [
            {"date": "2024-08-12", "concern": "living_alone", "to": "police", "worker": director}
        ]
        record["referrals"] = [
            {
                "date": "2024-08-13",
                "target": "social_work_station",
                "worker": director,
                "reason": "独自在家，转介乡镇社工站跟进",
            }
        ]
    pattern = spec.contacts if spec is not None else "normal"
    if situation in ON_A_LIST:
        since = day(record["residences"][0]["start"])  # the birth, or the day they moved in
        contacts += director_contacts(ctx, dice, village.code, since, weekly, pattern)
        # A child who joins a list during 2024 (the parents leave, a hardship or a disability
        # is recorded) gets a home visit on that day.
        starts = [s["start"] for s in record.get("parent_situations", [])]
        starts += [h["start"] for h in record.get("hardships", [])]
        starts += [record.get("disability", {}).get("certified_on") or ""]
        on = {c["date"]: c for c in contacts}
        for text in sorted({s for s in starts if s.startswith(str(YEAR))}):
            who = ctx.staff.responsible(village.code, day(text))
            if text in on:  # the follow-up planned that day becomes the visit
                on[text].update(mode="home_visit", topics=list(FORM))
            elif who is not None and day(text) >= since:
                contacts.append(contact(day(text), who, "home_visit", FORM))
    else:  # parents back home: a visit in spring and one in autumn
        for d in (dt.date(YEAR, 3, dice.between(4, 28)), dt.date(YEAR, 9, dice.between(4, 28))):
            who = ctx.staff.responsible(village.code, d)
            if who is not None and d >= birth:
                contacts.append(contact(d, who, "home_visit", FORM))
    contacts.sort(key=lambda c: (c["date"], c["worker"]))
    record["contacts"] = contacts
    minors_protection_facts(record, spec)
    return record


def minors_protection_facts(record: Record, spec: Spec | None) -> None:
    """The facts the Minors Protection Law rules read (Art. 11, 22, 23), drawn with dice of
    their own so that the rest of the sample stays as it was: for a child whose care is
    entrusted in 2024, a parent's call every week of the care in 2024 and the written notices
    to the school and the village committee a few days after the care began; the gaps and
    reports of ``spec.mpl``."""
    gaps = spec.mpl if spec is not None else ()
    dice = Dice(record["id"] + " minors protection")
    for g in record["guardianships"]:
        end = day(g["end"]) if "end" in g else None
        if not g.get("entrusted") or (end is not None and end.year < YEAR):
            continue
        start = day(g["start"])
        if "barred" in gaps:
            g["disqualifications"] = [{"kind": "gambling", "start": "2023-05-01"}]
        told = min(after(start, dice.between(2, 20)), day("2024-12-20"))
        notices = [{"date": told.isoformat(), "recipient": "school"}]
        if "no_committee_notice" not in gaps:
            committee = after(told, dice.between(0, 5))
            notices.append({"date": committee.isoformat(), "recipient": "committee"})
        record.setdefault("entrustment_notices", []).extend(notices)
        parent = dice.pick(("father", "mother"))
        calls = []
        # From the Monday of the week the care began: a call on any day of a week counts.
        monday = start - dt.timedelta(days=start.weekday())
        for d in weekly_days(dice, max(monday, dt.date(YEAR, 1, 1))):
            if end is not None and d >= end:
                break
            if "no_parent_w52" in gaps and W52[0] <= d < W52[1]:
                continue
            calls.append({"date": d.isoformat(), "parent": parent})
        record.setdefault("parent_contacts", []).extend(calls)
    if "report_medical" in gaps:
        record.setdefault("reports", []).append(
            {"date": "2024-10-14", "concern": "severe_malnutrition", "to": "medical"}
        )
    if "report_police" in gaps:
        record.setdefault("reports", []).extend(
            [
                {"date": "2024-05-20", "concern": "abnormal_injury", "to": "police"},
                {"date": "2024-05-20", "concern": "abnormal_injury", "to": "school"},
            ]
        )


def village_children(ctx: Context, village: Village, prefix: str) -> Iterator[Record]:
    """The hand-designed children of the village first, then ordinary ones."""
    dice = Dice(village.code)
    specials = SPECIAL_CHILDREN.get(village.name, ())
    for spec in specials:
        yield make_child(ctx, dice, village, prefix, spec)
    for _ in range(village.children - len(specials)):
        yield make_child(ctx, dice, village, prefix, None)


def institution_children(ctx: Context) -> Iterator[Record]:
    """Orphans living in the Luxi county welfare home and in the Xianning city welfare
    centre. The centre's children are paired under Xianning's "1+1" action."""
    for n, (name, sex, birth) in enumerate(
        (("田思琪", "female", "2015-02-11"), ("石天佑", "male", "2019-07-30")), 1
    ):
        dice = Dice(f"WI-LX-1/{n}")
        orphaned = day("2016-05-03") if n == 1 else day("2020-01-14")
        yield {
            "record": "child",
            "id": ctx.child_id("LX"),
            "name": name,
            "citizen_id": ctx.citizen_id(LUXI, day(birth), sex),
            "birth_date": birth,
            "sex": sex,
            "division": LUXI_WELFARE_HOME,
            "household": "rural",
            "parent_situations": [
                {"parent": "father", "kind": "dead", "start": orphaned.isoformat()},
                {"parent": "mother", "kind": "declared_missing", "start": orphaned.isoformat()},
            ],
            "guardianships": [
                {
                    "guardian": "泸溪县儿童福利院",
                    "relation": "institution",
                    "start": after(orphaned, dice.between(20, 60)).isoformat(),
                }
            ],
            "residences": [
                {"kind": "family", "start": birth, "end": after(orphaned, 30).isoformat()},
                {
                    "kind": "institution",
                    "start": after(orphaned, 30).isoformat(),
                    "institution": "WI-LX-1",
                },
            ],
        }

    # Xianning "1+1": each child of the welfare centre paired with a party member of the
    # city's civil-affairs bureau (from the launch on 2023-12-29, or later), who calls or
    # visits every month and takes the child to a memorable activity during the year.
    xn = (
        # (name, sex, birth, disability, pairing, start, no contact in December, activity)
        (
            "吴小乐",
            "male",
            "2013-05-20",
            ("physical", 3),
            "W-XN-P1",
            "2023-12-29",
            False,
            "2024-06-01",
        ),
        # GAP hubei.xianning.one_plus_one.monthly_contact: no contact in December 2024.
        ("程雨萱", "female", "2011-09-14", None, "W-XN-P2", "2024-01-15", True, "2024-10-01"),
        # GAP hubei.xianning.one_plus_one.yearly_activity: no activity in 2024.
        ("周浩宇", "male", "2016-03-02", ("intellectual", 2), "W-XN-P3", "2023-12-29", False, None),
        # Also in the "1+N" counselling, a session every week with the social worker.
        ("余思雨", "female", "2012-12-05", None, "W-XN-P4", "2024-03-01", False, "2024-08-17"),
        ("陈嘉乐", "male", "2021-10-26", ("multiple", 1), None, None, False, None),
    )
    for n, (name, sex, birth, disability, partner, since, quiet, activity) in enumerate(xn, 1):
        dice = Dice(f"WI-XN-1/{n}")
        born = day(birth)
        orphaned = max(after(born, 400), dice.date(day("2015-01-01"), day("2022-12-31")))
        if n == 1:
            orphaned = day("2016-01-05")
        entered = after(orphaned, 27)
        record: Record = {
            "record": "child",
            "id": ctx.child_id("XN"),
            "name": name,
            "citizen_id": ctx.citizen_id(XIANAN, born, sex),
            "birth_date": birth,
            "sex": sex,
            "division": XIANNING_WELFARE_CENTRE,
            "household": "urban",
        }
        if disability is not None:
            record["disability"] = {
                "kind": disability[0],
                "grade": disability[1],
                "certified_on": after(born, 700).isoformat(),
            }
        record["parent_situations"] = [
            {"parent": "father", "kind": "dead", "start": orphaned.isoformat()},
            {
                "parent": "mother",
                "kind": "dead" if n == 1 else "declared_missing",
                "start": orphaned.isoformat(),
            },
        ]
        record["guardianships"] = [
            {
                "guardian": "咸宁市社会福利中心",
                "relation": "institution",
                "start": entered.isoformat(),
            }
        ]
        record["residences"] = [
            {"kind": "family", "start": birth, "end": entered.isoformat()},
            {"kind": "institution", "start": entered.isoformat(), "institution": "WI-XN-1"},
        ]
        contacts: list[Record] = []
        if n == 4:
            record["enrolments"] = [{"programme": ONE_PLUS_N, "start": "2024-09-02"}]
            d = day("2024-09-04")
            while d <= AS_OF:
                contacts.append(contact(d, "W-XN-SW1", "counselling", ("mental_health",)))
                d = after(d, 7)
        if partner is not None and since is not None:
            record["pairings"] = [{"worker": partner, "scheme": ONE_PLUS_ONE, "start": since}]
            for month in range(1, 13):
                d = dt.date(YEAR, month, dice.between(8, 24))
                if d < day(since) or (quiet and month == 12):
                    continue
                mode = "home_visit" if month % 3 == 0 else "phone"
                contacts.append(contact(d, partner, mode, ("daily_life", "mental_health")))
            if activity is not None:
                contacts.append(contact(day(activity), partner, "activity", ("mental_health",)))
        if contacts:
            contacts.sort(key=lambda c: (c["date"], c["worker"]))
            record["contacts"] = contacts
        yield record


# -- the registry ------------------------------------------------------------------------------


def divisions() -> list[Record]:
    out: list[Record] = []

    def add(code: str, name: str) -> None:
        out.append({"record": "division", "code": code, "name": name})

    add("43", "湖南省")
    add("4331", "湘西土家族苗族自治州")
    add(LUXI, "泸溪县")
    for t in LUXI_TOWNSHIPS:
        add(t.code, t.name)
        for v in t.villages:
            add(v.code, v.name)
    add(FENGHUANG, "凤凰县")
    for t in FENGHUANG_TOWNSHIPS:
        add(t.code, t.name)
        for v in t.villages:
            add(v.code, v.name)
    add("42", "湖北省")
    add(XIANNING, "咸宁市")
    add(XIANAN, "咸安区")
    add(CHIBI, "赤壁市")
    for t in CHIBI_TOWNSHIPS:
        add(t.code, t.name)
        for v in t.villages:
            add(v.code, v.name)
    return out


def records() -> list[Record]:
    """Every record of the sample, in JSON Lines order: divisions, workers, service points,
    then the child files."""
    staff = build_staff()
    points = build_points(staff)
    ctx = Context(staff, points)
    children: list[Record] = []
    for t in LUXI_TOWNSHIPS:
        for v in t.villages:
            children.extend(village_children(ctx, v, "LX"))
    for t in FENGHUANG_TOWNSHIPS:
        for v in t.villages:
            children.extend(village_children(ctx, v, "FH"))
    for t in CHIBI_TOWNSHIPS:
        for v in t.villages:
            children.extend(village_children(ctx, v, "CB"))
    children.extend(institution_children(ctx))
    # The service agreements recorded on the homes were added while the children were made.
    return [*divisions(), *staff.workers, *points, *children]


def render() -> str:
    """The sample registry's text: one JSON object a line, UTF-8, not ASCII-escaped."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "-o",
        "--output",
        default=str(OUTPUT),
        help="where to write the registry ('-' for stdout; default: %(default)s)",
    )
    args = parser.parse_args(argv)
    text = render()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    kinds: dict[str, int] = {}
    for line in text.splitlines():
        kind = json.loads(line)["record"]
        kinds[kind] = kinds.get(kind, 0) + 1
    counts = ", ".join(f"{n} {k}" for k, n in kinds.items())
    print(f"build_sample: {len(text.splitlines())} records ({counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
