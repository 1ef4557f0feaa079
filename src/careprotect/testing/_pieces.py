"""The pieces the model strategies share: vocabularies, default dates and standards, the
checks of their arguments and small strategies (names, identifiers, dates, spans)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.divisions import Division, Level
from careprotect.enums import (
    Facility,
    ServicePointKind,
    WorkerRole,
)

#: Common surnames, single and compound.
SURNAMES: tuple[str, ...] = (
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕",
    *"丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴莫孔向汤",
    "欧阳",
    "司马",
    "诸葛",
)

#: Characters of given names; a given name has one or two of them.
GIVEN_NAME_CHARACTERS: str = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂子涵梓轩浩"
    "宇欣怡雨萱博文佳琪俊思晨一诺嘉悦宁乐婷鑫"
)

#: Free-text referral reasons. None of their characters occurs in :data:`SURNAMES` or
#: :data:`GIVEN_NAME_CHARACTERS`, so a name never shows up inside a reason by chance.
REASONS: tuple[str, ...] = ("严重心理问题", "需要医疗救助", "监护缺失", "辍学风险", "遭受欺凌")

PROGRAMMES = ("1+N", "weekly-counselling", "study-support")
SCHEMES = ("1+1", "party-member-pairing")
PLACE_WORDS = "青山石桥新河东西南北白沙枫林杨柳"
LEVEL_SUFFIX = {
    Level.PROVINCE: "省",
    Level.PREFECTURE: "市",
    Level.COUNTY: "县",
    Level.TOWNSHIP: "镇",
    Level.VILLAGE: "村",
}
POINT_SUFFIX = {
    ServicePointKind.CHILDRENS_HOME: "儿童之家",
    ServicePointKind.WELFARE_INSTITUTION: "儿童福利院",
    ServicePointKind.MINOR_PROTECTION_CENTRE: "未成年人救助保护中心",
    ServicePointKind.SOCIAL_WORK_STATION: "社工站",
    ServicePointKind.SOCIAL_ORGANISATION: "儿童服务中心",
}
# The level a worker of each role usually serves at (民发〔2019〕34号; seed 002 §4.1).
ROLE_LEVEL = {
    WorkerRole.CHILD_DIRECTOR: Level.VILLAGE,
    WorkerRole.CHILD_SUPERVISOR: Level.TOWNSHIP,
}

#: Earliest date of a fact drawn by the fact strategies by default.
DEFAULT_MIN_DATE = dt.date(2000, 1, 1)
#: Latest date of a fact drawn by the fact strategies by default.
DEFAULT_MAX_DATE = dt.date(2035, 12, 31)
#: The default floor-area standard of :func:`childrens_homes`: "generally at least 50 m²"
#: (Hunan, seed 002 §3). The real value comes from a plugin's parameters.
DEFAULT_MIN_FLOOR_AREA = Decimal(50)
#: The default facilities standard of :func:`childrens_homes` (Hunan, seed 002 §3: video calls,
#: study and reading, recreation). The real value comes from a plugin's parameters.
DEFAULT_FACILITIES: frozenset[Facility] = frozenset(
    {Facility.VIDEO_CALLS, Facility.STUDY_AND_READING, Facility.RECREATION}
)

ONE_DAY = dt.timedelta(days=1)
LATEST_ALLOWED = dt.date(9000, 12, 31)
EARLIEST_ID_BIRTH = dt.date(1900, 1, 1)
DEFAULT_EARLIEST_BIRTH = dt.date(2000, 1, 1)
DEFAULT_LATEST_BIRTH = dt.date(2025, 12, 31)


# -- argument checks -------------------------------------------------------------------------


def check_dates(min_date: dt.date, max_date: dt.date) -> None:
    for name, value in (("min_date", min_date), ("max_date", max_date)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidArgument(f"{name} must be a datetime.date (got {value!r})")
        if value > LATEST_ALLOWED:
            raise InvalidArgument(f"{name} must not be after {LATEST_ALLOWED} (got {value})")
    if min_date > max_date:
        raise InvalidArgument(f"min_date {min_date} must not be after max_date {max_date}")


def check_ids(name: str, ids: Sequence[str] | None) -> tuple[str, ...] | None:
    if ids is None:
        return None
    if isinstance(ids, str) or not all(isinstance(i, str) and i.strip() for i in ids):
        raise InvalidArgument(f"{name} must be a sequence of non-empty strings (got {ids!r})")
    return tuple(ids)


def check_division(division: Division | None) -> None:
    if division is not None and not isinstance(division, Division):
        raise InvalidArgument(f"division must be a Division or None (got {division!r})")


# -- small pieces ----------------------------------------------------------------------------


def names() -> st.SearchStrategy[str]:
    """Chinese-looking personal names: a surname and one or two given-name characters.

    Every name has at least two characters, so its masked form (``张*``) never equals it.
    """
    given = st.text(alphabet=GIVEN_NAME_CHARACTERS, min_size=1, max_size=2)
    return st.builds(str.__add__, st.sampled_from(SURNAMES), given)


def made_up_ids(prefix: str, digits: int = 4) -> st.SearchStrategy[str]:
    return st.integers(1, 10**digits - 1).map(lambda n: f"{prefix}{n:0{digits}d}")


def ref_strategy(ids: tuple[str, ...] | None, prefix: str) -> st.SearchStrategy[str] | None:
    """Identifiers to refer to: from ``ids``, made up when None, nothing when empty."""
    if ids is None:
        return made_up_ids(prefix)
    if not ids:
        return None
    return st.sampled_from(ids)


def optional_ref_strategy(refs: st.SearchStrategy[str] | None) -> st.SearchStrategy[str | None]:
    return st.none() if refs is None else st.none() | refs


def dates_between(min_date: dt.date, max_date: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_date, max_date)


@st.composite
def draw_span(
    draw: st.DrawFn, min_date: dt.date, max_date: dt.date
) -> tuple[dt.date, dt.date | None]:
    """A start in ``[min_date, max_date]`` and an end after it (open now and then)."""
    start = draw(dates_between(min_date, max_date))
    if draw(st.booleans()):
        return start, None
    end = draw(dates_between(start + ONE_DAY, max(max_date, start + ONE_DAY)))
    return start, end


@st.composite
def draw_end_after(draw: st.DrawFn, start: dt.date, max_date: dt.date) -> dt.date | None:
    if draw(st.booleans()):
        return None
    return draw(dates_between(start + ONE_DAY, max(max_date, start + ONE_DAY)))
