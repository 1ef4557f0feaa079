"""Hypothesis strategies for every model class.

Every object they generate passes the model's own validation, and the people in it are
fictional: names are drawn from lists of common surnames and given-name characters, citizen
IDs are built by :func:`careprotect.testing.citizen_ids` to match the child's birth date and
sex. Identifiers are ASCII (``C00012`` for a child, ``W0003`` for a worker, ``P0002`` for a
service point).

Dated facts (:class:`~careprotect.model.ParentSituation`, :class:`~careprotect.model.Residence`
and the others) are drawn within ``[min_date, max_date]``; an ``end``, when there is one, is
always after ``start``. The facts in a child's file fall between the birth date and the
eighteenth birthday.

Strategies that refer to other records take the identifiers to refer to: ``worker_ids``,
``service_point_ids``, ``child_ids``. ``None`` (the default) means made-up identifiers, which
need not exist anywhere; an empty sequence means no reference at all (a contact needs a worker,
so a child drawn with ``worker_ids=()`` has no contacts). :func:`consistent_registries` uses
these to build registries that :func:`careprotect.load_registry` accepts whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import TypeVar

import attrs
from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.citizen_id import _today as _citizen_id_today
from careprotect.divisions import Division, Level
from careprotect.enums import (
    AgreementKind,
    ContactMode,
    DisabilityKind,
    DisqualificationKind,
    Facility,
    HardshipKind,
    HouseholdType,
    NoticeRecipient,
    OrganiserLevel,
    Parent,
    ParentSituationKind,
    Post,
    ReferralTarget,
    Relation,
    ReportConcern,
    ResidenceKind,
    ServicePointKind,
    Sex,
    Topic,
    WorkerRole,
)
from careprotect.model import (
    Agreement,
    Child,
    Contact,
    Disability,
    Disqualification,
    DivisionRecord,
    Enrolment,
    EntrustmentNotice,
    Guardianship,
    Hardship,
    ModelDesignation,
    Pairing,
    ParentContact,
    ParentSituation,
    ReferenceData,
    Referral,
    Registry,
    Report,
    Residence,
    ServiceAgreement,
    ServicePoint,
    Training,
    Worker,
)
from careprotect.model.child import DEPRIVATIONS
from careprotect.testing._codes import citizen_ids, divisions

__all__ = [
    "DEFAULT_FACILITIES",
    "DEFAULT_MAX_DATE",
    "DEFAULT_MIN_DATE",
    "DEFAULT_MIN_FLOOR_AREA",
    "GIVEN_NAME_CHARACTERS",
    "REASONS",
    "SURNAMES",
    "agreements",
    "children",
    "childrens_homes",
    "consistent_registries",
    "contacts",
    "disabilities",
    "disqualifications",
    "division_records",
    "enrolments",
    "entrustment_notices",
    "guardianships",
    "hardships",
    "model_designations",
    "names",
    "pairings",
    "parent_contacts",
    "parent_situations",
    "reference_data",
    "referrals",
    "registries",
    "reports",
    "residences",
    "service_agreements",
    "service_points",
    "trainings",
    "workers",
]

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

_PROGRAMMES = ("1+N", "weekly-counselling", "study-support")
_SCHEMES = ("1+1", "party-member-pairing")
_PLACE_WORDS = "青山石桥新河东西南北白沙枫林杨柳"
_LEVEL_SUFFIX = {
    Level.PROVINCE: "省",
    Level.PREFECTURE: "市",
    Level.COUNTY: "县",
    Level.TOWNSHIP: "镇",
    Level.VILLAGE: "村",
}
_POINT_SUFFIX = {
    ServicePointKind.CHILDRENS_HOME: "儿童之家",
    ServicePointKind.WELFARE_INSTITUTION: "儿童福利院",
    ServicePointKind.MINOR_PROTECTION_CENTRE: "未成年人救助保护中心",
    ServicePointKind.SOCIAL_WORK_STATION: "社工站",
    ServicePointKind.SOCIAL_ORGANISATION: "儿童服务中心",
}
# The level a worker of each role usually serves at (民发〔2019〕34号; seed 002 §4.1).
_ROLE_LEVEL = {
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

_T = TypeVar("_T")
_ONE_DAY = dt.timedelta(days=1)
_LATEST_ALLOWED = dt.date(9000, 12, 31)
_EARLIEST_ID_BIRTH = dt.date(1900, 1, 1)
_DEFAULT_EARLIEST_BIRTH = dt.date(2000, 1, 1)
_DEFAULT_LATEST_BIRTH = dt.date(2025, 12, 31)


# -- argument checks -------------------------------------------------------------------------


def _check_dates(min_date: dt.date, max_date: dt.date) -> None:
    for name, value in (("min_date", min_date), ("max_date", max_date)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidArgument(f"{name} must be a datetime.date (got {value!r})")
        if value > _LATEST_ALLOWED:
            raise InvalidArgument(f"{name} must not be after {_LATEST_ALLOWED} (got {value})")
    if min_date > max_date:
        raise InvalidArgument(f"min_date {min_date} must not be after max_date {max_date}")


def _check_ids(name: str, ids: Sequence[str] | None) -> tuple[str, ...] | None:
    if ids is None:
        return None
    if isinstance(ids, str) or not all(isinstance(i, str) and i.strip() for i in ids):
        raise InvalidArgument(f"{name} must be a sequence of non-empty strings (got {ids!r})")
    return tuple(ids)


def _check_division(division: Division | None) -> None:
    if division is not None and not isinstance(division, Division):
        raise InvalidArgument(f"division must be a Division or None (got {division!r})")


# -- small pieces ----------------------------------------------------------------------------


def names() -> st.SearchStrategy[str]:
    """Chinese-looking personal names: a surname and one or two given-name characters.

    Every name has at least two characters, so its masked form (``张*``) never equals it.
    """
    given = st.text(alphabet=GIVEN_NAME_CHARACTERS, min_size=1, max_size=2)
    return st.builds(str.__add__, st.sampled_from(SURNAMES), given)


def _ids(prefix: str, digits: int = 4) -> st.SearchStrategy[str]:
    return st.integers(1, 10**digits - 1).map(lambda n: f"{prefix}{n:0{digits}d}")


def _refs(ids: tuple[str, ...] | None, prefix: str) -> st.SearchStrategy[str] | None:
    """Identifiers to refer to: from ``ids``, made up when None, nothing when empty."""
    if ids is None:
        return _ids(prefix)
    if not ids:
        return None
    return st.sampled_from(ids)


def _optional_ref(refs: st.SearchStrategy[str] | None) -> st.SearchStrategy[str | None]:
    return st.none() if refs is None else st.none() | refs


def _dates(min_date: dt.date, max_date: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_date, max_date)


@st.composite
def _span(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> tuple[dt.date, dt.date | None]:
    """A start in ``[min_date, max_date]`` and an end after it (open now and then)."""
    start = draw(_dates(min_date, max_date))
    if draw(st.booleans()):
        return start, None
    end = draw(_dates(start + _ONE_DAY, max(max_date, start + _ONE_DAY)))
    return start, end


@st.composite
def _end_after(draw: st.DrawFn, start: dt.date, max_date: dt.date) -> dt.date | None:
    if draw(st.booleans()):
        return None
    return draw(_dates(start + _ONE_DAY, max(max_date, start + _ONE_DAY)))


# -- facts of a child's file -----------------------------------------------------------------


def disabilities(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Disability]:
    """Certified disabilities: any kind, grade 1 to 4, certified on a day in range or unknown."""
    _check_dates(min_date, max_date)
    return st.builds(
        Disability,
        kind=st.sampled_from(DisabilityKind),
        grade=st.integers(1, 4),
        certified_on=st.none() | _dates(min_date, max_date),
    )


@st.composite
def _parent_situations(
    draw: st.DrawFn,
    parent: Parent | None,
    kind: ParentSituationKind | None,
    min_date: dt.date,
    max_date: dt.date,
) -> ParentSituation:
    start, end = draw(_span(min_date, max_date))
    kind = kind if kind is not None else draw(st.sampled_from(ParentSituationKind))
    # A term only for a deprivation of liberty, a disability only when severely disabled.
    term = draw(st.none() | st.integers(1, 240)) if kind in DEPRIVATIONS else None
    disability = (
        draw(st.none() | disabilities(min_date, max_date))
        if kind is ParentSituationKind.SEVERELY_DISABLED
        else None
    )
    return ParentSituation(
        parent=parent if parent is not None else draw(st.sampled_from(Parent)),
        kind=kind,
        start=start,
        end=end,
        term_months=term,
        disability=disability,
    )


def parent_situations(
    parent: Parent | None = None,
    kind: ParentSituationKind | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[ParentSituation]:
    """A parent's situations, of ``parent`` and ``kind`` when given (else any)."""
    _check_dates(min_date, max_date)
    if parent is not None and not isinstance(parent, Parent):
        raise InvalidArgument(f"parent must be a Parent or None (got {parent!r})")
    if kind is not None and not isinstance(kind, ParentSituationKind):
        raise InvalidArgument(f"kind must be a ParentSituationKind or None (got {kind!r})")
    return _parent_situations(parent, kind, min_date, max_date)


@st.composite
def _disqualifications(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> Disqualification:
    start, end = draw(_span(min_date, max_date))
    return Disqualification(kind=draw(st.sampled_from(DisqualificationKind)), start=start, end=end)


def disqualifications(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Disqualification]:
    """An entrusted carer's disqualifying facts (Minors Protection Law Art. 22): any kind,
    dated within ``[min_date, max_date]``, open or ended."""
    _check_dates(min_date, max_date)
    return _disqualifications(min_date, max_date)


@st.composite
def _guardianships(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> Guardianship:
    start, end = draw(_span(min_date, max_date))
    entrusted = draw(st.booleans())
    signed = draw(st.none() | _dates(start, max(max_date, start))) if entrusted else None
    barred: tuple[Disqualification, ...] = ()
    if entrusted:
        barred = tuple(draw(st.lists(_disqualifications(min_date, max_date), max_size=2)))
    return Guardianship(
        guardian=draw(names()),
        relation=draw(st.sampled_from(Relation)),
        start=start,
        end=end,
        entrusted=entrusted,
        confirmation_signed_on=signed,
        disqualifications=barred,
    )


def guardianships(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Guardianship]:
    """Guardianships; an entrusted one sometimes has its confirmation signed on or after its
    start, and sometimes up to two disqualifications of its carer (dated within the range);
    a guardianship that is not entrusted has neither."""
    _check_dates(min_date, max_date)
    return _guardianships(min_date, max_date)


def parent_contacts(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[ParentContact]:
    """Contacts of a parent with the child and the entrusted carer, on a day in range."""
    _check_dates(min_date, max_date)
    return st.builds(ParentContact, date=_dates(min_date, max_date), parent=st.sampled_from(Parent))


def entrustment_notices(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[EntrustmentNotice]:
    """Written notices of entrusted care to the school or the committee, on a day in range."""
    _check_dates(min_date, max_date)
    return st.builds(
        EntrustmentNotice,
        date=_dates(min_date, max_date),
        recipient=st.sampled_from(NoticeRecipient),
    )


@st.composite
def _residences(
    draw: st.DrawFn,
    kind: ResidenceKind | None,
    institutions: st.SearchStrategy[str] | None,
    min_date: dt.date,
    max_date: dt.date,
) -> Residence:
    if kind is None:
        kind = (
            ResidenceKind.FAMILY if institutions is None else draw(st.sampled_from(ResidenceKind))
        )
    start, end = draw(_span(min_date, max_date))
    institution = None
    if kind is ResidenceKind.INSTITUTION:
        assert institutions is not None  # refused by residences(), never drawn by children()
        institution = draw(institutions)
    return Residence(kind=kind, start=start, end=end, institution=institution)


def residences(
    kind: ResidenceKind | None = None,
    service_point_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Residence]:
    """Residences of ``kind`` (any if None): an institutional residence names an institution
    from ``service_point_ids``, a family residence names none. With ``service_point_ids=()``
    every residence is with a family."""
    _check_dates(min_date, max_date)
    ids = _check_ids("service_point_ids", service_point_ids)
    if kind is not None and not isinstance(kind, ResidenceKind):
        raise InvalidArgument(f"kind must be a ResidenceKind or None (got {kind!r})")
    institutions = _refs(ids, "P")
    if kind is ResidenceKind.INSTITUTION and institutions is None:
        raise InvalidArgument("an institutional residence needs a service point id")
    return _residences(kind, institutions, min_date, max_date)


@st.composite
def _hardships(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> Hardship:
    start, end = draw(_span(min_date, max_date))
    return Hardship(kind=draw(st.sampled_from(HardshipKind)), start=start, end=end)


def hardships(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Hardship]:
    """Family-poverty hardships of any kind."""
    _check_dates(min_date, max_date)
    return _hardships(min_date, max_date)


@st.composite
def _enrolments(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> Enrolment:
    start, end = draw(_span(min_date, max_date))
    return Enrolment(programme=draw(st.sampled_from(_PROGRAMMES)), start=start, end=end)


def enrolments(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Enrolment]:
    """Enrolments in made-up programmes (``1+N``, ...)."""
    _check_dates(min_date, max_date)
    return _enrolments(min_date, max_date)


@st.composite
def _pairings(
    draw: st.DrawFn, workers: st.SearchStrategy[str], min_date: dt.date, max_date: dt.date
) -> Pairing:
    start, end = draw(_span(min_date, max_date))
    return Pairing(
        worker=draw(workers), scheme=draw(st.sampled_from(_SCHEMES)), start=start, end=end
    )


def pairings(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Pairing]:
    """Pairings with a worker from ``worker_ids`` (made-up ids if None; must not be empty)."""
    _check_dates(min_date, max_date)
    workers = _refs(_check_ids("worker_ids", worker_ids), "W")
    if workers is None:
        raise InvalidArgument("a pairing needs a worker: worker_ids must not be empty")
    return _pairings(workers, min_date, max_date)


def contacts(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Contact]:
    """Contacts by a worker from ``worker_ids`` (made-up ids if None; must not be empty), on a
    day in range, in any mode, covering any set of topics."""
    _check_dates(min_date, max_date)
    workers = _refs(_check_ids("worker_ids", worker_ids), "W")
    if workers is None:
        raise InvalidArgument("a contact needs a worker: worker_ids must not be empty")
    return st.builds(
        Contact,
        date=_dates(min_date, max_date),
        worker=workers,
        mode=st.sampled_from(ContactMode),
        topics=st.frozensets(st.sampled_from(Topic)),
    )


@st.composite
def _agreements(
    draw: st.DrawFn, points: st.SearchStrategy[str] | None, min_date: dt.date, max_date: dt.date
) -> Agreement:
    kind = draw(st.sampled_from(AgreementKind))
    signed_on = draw(_dates(min_date, max_date))
    point = None
    if kind is AgreementKind.SERVICE_AGREEMENT and points is not None:
        point = draw(points)
    return Agreement(
        kind=kind,
        signed_on=signed_on,
        service_point=point,
        end=draw(_end_after(signed_on, max_date)),
    )


def agreements(
    service_point_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Agreement]:
    """Agreements on a child's file; a service agreement names a point from
    ``service_point_ids`` (none when it is empty), a confirmation names none. An ``end``,
    when there is one, is after the signing day."""
    _check_dates(min_date, max_date)
    points = _refs(_check_ids("service_point_ids", service_point_ids), "P")
    return _agreements(points, min_date, max_date)


def reports(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Report]:
    """Reports, by a worker from ``worker_ids`` or by an unrecorded reporter."""
    _check_dates(min_date, max_date)
    workers = _refs(_check_ids("worker_ids", worker_ids), "W")
    return st.builds(
        Report,
        date=_dates(min_date, max_date),
        concern=st.sampled_from(ReportConcern),
        to=st.sampled_from(ReferralTarget),
        worker=_optional_ref(workers),
    )


def referrals(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Referral]:
    """Referrals, by a worker from ``worker_ids`` or unrecorded, with a reason from
    :data:`REASONS` or none."""
    _check_dates(min_date, max_date)
    workers = _refs(_check_ids("worker_ids", worker_ids), "W")
    return st.builds(
        Referral,
        date=_dates(min_date, max_date),
        target=st.sampled_from(ReferralTarget),
        worker=_optional_ref(workers),
        reason=st.none() | st.sampled_from(REASONS),
    )


# -- children --------------------------------------------------------------------------------


def _age(birth_date: dt.date, day: dt.date) -> int:
    return relativedelta(day, birth_date).years


def _birth_range(day: dt.date, age: int) -> tuple[dt.date, dt.date]:
    """The first and last birth dates of a child who is ``age`` on ``day``.

    Subtracting years lands on 28 February where 29 February may also qualify, so each bound
    is then moved day by day (at most a day or two) until it is exact.
    """
    latest = day - relativedelta(years=age)
    while latest < day and _age(latest + _ONE_DAY, day) == age:
        latest += _ONE_DAY
    earliest = day - relativedelta(years=age + 1) + _ONE_DAY
    while _age(earliest, day) != age:
        earliest += _ONE_DAY
    while _age(earliest - _ONE_DAY, day) == age:
        earliest -= _ONE_DAY
    return earliest, latest


def _assign_parents(
    kinds: Sequence[ParentSituationKind],
) -> list[tuple[Parent, ParentSituationKind]]:
    if len(kinds) == 1:
        return [(Parent.FATHER, kinds[0]), (Parent.MOTHER, kinds[0])]
    parents = (Parent.FATHER, Parent.MOTHER)
    return [(parents[i % 2], kind) for i, kind in enumerate(kinds)]


def _facts(
    draw: st.DrawFn, strategy: st.SearchStrategy[_T] | None, max_facts: int
) -> tuple[_T, ...]:
    if strategy is None or max_facts == 0:
        return ()
    return tuple(draw(st.lists(strategy, max_size=max_facts)))


@st.composite
def _children(
    draw: st.DrawFn,
    division: Division | None,
    age_on: tuple[dt.date, int] | None,
    kinds: tuple[ParentSituationKind, ...] | None,
    max_facts: int,
    child_id: str | None,
    worker_ids: tuple[str, ...] | None,
    service_point_ids: tuple[str, ...] | None,
    with_citizen_id: bool | None,
) -> Child:
    if age_on is None:
        birth_date = draw(_dates(_DEFAULT_EARLIEST_BIRTH, _DEFAULT_LATEST_BIRTH))
        reference = birth_date
    else:
        reference, age = age_on
        birth_date = draw(_dates(*_birth_range(reference, age)))
    sex = draw(st.sampled_from(Sex))
    village = draw(divisions(Level.VILLAGE, within=division))
    citizen_id = None
    wanted = draw(st.booleans()) if with_citizen_id is None else with_citizen_id
    # A number's birth date is never after the day it is checked on.
    if _EARLIEST_ID_BIRTH <= birth_date <= _citizen_id_today() and wanted:
        citizen_id = draw(citizen_ids(birth_date=birth_date, sex=sex, address=village))

    low = birth_date
    high = min(birth_date + relativedelta(years=18), _LATEST_ALLOWED)
    workers = _refs(worker_ids, "W")
    points = _refs(service_point_ids, "P")

    situations: tuple[ParentSituation, ...]
    if kinds is None:
        situations = _facts(draw, _parent_situations(None, None, low, high), max_facts)
    else:
        earliest = max(birth_date - relativedelta(years=1), dt.date.min + _ONE_DAY)
        situations = tuple(
            ParentSituation(
                parent=parent, kind=kind, start=draw(_dates(earliest, reference)), end=None
            )
            for parent, kind in _assign_parents(kinds)
        )
    contact_strategy = None
    if workers is not None:
        contact_strategy = st.builds(
            Contact,
            date=_dates(low, high),
            worker=workers,
            mode=st.sampled_from(ContactMode),
            topics=st.frozensets(st.sampled_from(Topic)),
        )
    return Child(
        id=child_id if child_id is not None else draw(_ids("C", 5)),
        name=draw(names()),
        birth_date=birth_date,
        sex=sex,
        division=village,
        household=draw(st.sampled_from(HouseholdType)),
        citizen_id=citizen_id,
        disability=draw(st.none() | disabilities(low, high)),
        parent_situations=situations,
        guardianships=_facts(draw, _guardianships(low, high), max_facts),
        residences=_facts(draw, _residences(None, points, low, high), max_facts),
        hardships=_facts(draw, _hardships(low, high), max_facts),
        enrolments=_facts(draw, _enrolments(low, high), max_facts),
        pairings=_facts(
            draw, None if workers is None else _pairings(workers, low, high), max_facts
        ),
        contacts=_facts(draw, contact_strategy, max_facts),
        agreements=_facts(draw, _agreements(points, low, high), max_facts),
        reports=_facts(
            draw,
            st.builds(
                Report,
                date=_dates(low, high),
                concern=st.sampled_from(ReportConcern),
                to=st.sampled_from(ReferralTarget),
                worker=_optional_ref(workers),
            ),
            max_facts,
        ),
        referrals=_facts(
            draw,
            st.builds(
                Referral,
                date=_dates(low, high),
                target=st.sampled_from(ReferralTarget),
                worker=_optional_ref(workers),
                reason=st.none() | st.sampled_from(REASONS),
            ),
            max_facts,
        ),
        parent_contacts=_facts(draw, parent_contacts(low, high), max_facts),
        entrustment_notices=_facts(draw, entrustment_notices(low, high), max_facts),
    )


def children(
    division: Division | None = None,
    age_on: tuple[dt.date, int] | None = None,
    parent_situations: Sequence[ParentSituationKind] | None = None,
    max_facts: int = 3,
    *,
    child_id: str | None = None,
    worker_ids: Sequence[str] | None = None,
    service_point_ids: Sequence[str] | None = None,
    with_citizen_id: bool | None = None,
) -> st.SearchStrategy[Child]:
    """Valid child files.

    * ``division``: the child lives in a village within it (the division itself if it is a
      village); any village if None.
    * ``age_on=(day, age)``: the birth date is such that ``child.age_on(day) == age``
      (children born on 29 February included). Without it the birth date is in 2000-2025.
    * ``parent_situations``: the child's parent situations are exactly these kinds, each open
      (no ``end``) and starting on a day from a year before the birth date up to the
      *reference day* (the ``age_on`` day, else the birth date), so each holds on the reference
      day and every day after. A single kind is given to both parents (``[WORKING_AWAY]``:
      both parents work away); two or more go to the father and mother in turn
      (``[DEAD, IMPRISONED]``: the father is dead, the mother in prison), so both parents
      always have a situation. An empty sequence means no parent situations at all.
      When None, up to ``max_facts`` random situations.
    * ``max_facts``: the most facts of each kind (parent situations, guardianships,
      residences, ...); each kind is sometimes empty and sometimes populated. Facts are dated
      from the birth date to the eighteenth birthday.
    * ``child_id``: the child's id (default: a made-up ``C01234``).
    * ``worker_ids``, ``service_point_ids``: what contacts, pairings, reports, referrals,
      institutional residences and service agreements refer to; see the module docstring.

    * ``with_citizen_id``: True for a citizen ID always, False for never, None (default) for
      about half the time. A citizen ID needs a birth date from 1900 on and not after today:
      other birth dates (only possible with ``age_on``) never have one. The ID encodes the
      birth date, the sex and the address of the child's county, as
      :class:`~careprotect.model.Child` requires.
    """
    _check_division(division)
    if age_on is not None:
        if not (isinstance(age_on, tuple) and len(age_on) == 2):
            raise InvalidArgument(f"age_on must be a (date, age) pair (got {age_on!r})")
        day, age = age_on
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise InvalidArgument(f"age_on's day must be a datetime.date (got {day!r})")
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150:
            raise InvalidArgument(f"age_on's age must be an int from 0 to 150 (got {age!r})")
        if not dt.date(1800, 1, 1) <= day <= _LATEST_ALLOWED:
            raise InvalidArgument(f"age_on's day must be from 1800 to 9000 (got {day})")
        if day.year - age < 1700:
            raise InvalidArgument(f"age_on={age_on!r} gives a birth date before 1700")
    kinds: tuple[ParentSituationKind, ...] | None = None
    if parent_situations is not None:
        kinds = tuple(parent_situations)
        if not all(isinstance(k, ParentSituationKind) for k in kinds):
            raise InvalidArgument(
                f"parent_situations must be ParentSituationKind values (got {kinds!r})"
            )
    if isinstance(max_facts, bool) or not isinstance(max_facts, int) or max_facts < 0:
        raise InvalidArgument(f"max_facts must be an int of 0 or more (got {max_facts!r})")
    if with_citizen_id is not None and not isinstance(with_citizen_id, bool):
        raise InvalidArgument(f"with_citizen_id must be a bool or None (got {with_citizen_id!r})")
    if child_id is not None and (not isinstance(child_id, str) or not child_id.strip()):
        raise InvalidArgument(f"child_id must be a non-empty string (got {child_id!r})")
    return _children(
        division,
        age_on,
        kinds,
        max_facts,
        child_id,
        _check_ids("worker_ids", worker_ids),
        _check_ids("service_point_ids", service_point_ids),
        with_citizen_id,
    )


# -- staff -----------------------------------------------------------------------------------


def trainings(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Training]:
    """Trainings of 1 to 5 days (mostly 2 or 3), organised at any level, assessment passed,
    failed or not recorded."""
    _check_dates(min_date, max_date)
    return st.builds(
        Training,
        date=_dates(min_date, max_date),
        organiser_level=st.sampled_from(OrganiserLevel),
        days=st.sampled_from([2, 3]) | st.integers(1, 5),
        passed=st.none() | st.booleans(),
    )


def _level_for(natural: Level | None, division: Division | None) -> Level | None:
    if natural is None or (division is not None and natural < division.level):
        return None
    return natural


@st.composite
def _workers(
    draw: st.DrawFn,
    division: Division | None,
    role: WorkerRole | None,
    worker_id: str | None,
    min_date: dt.date,
    max_date: dt.date,
) -> Worker:
    role = role if role is not None else draw(st.sampled_from(WorkerRole))
    appointed_on = draw(st.none() | _dates(min_date, max_date))
    if appointed_on is None:
        left_on = draw(st.none() | _dates(min_date, max_date))
    else:
        left_on = draw(_end_after(appointed_on, max_date))
    return Worker(
        id=worker_id if worker_id is not None else draw(_ids("W")),
        name=draw(names()),
        role=role,
        division=draw(divisions(_level_for(_ROLE_LEVEL.get(role), division), within=division)),
        sex=draw(st.none() | st.sampled_from(Sex)),
        posts=draw(st.frozensets(st.sampled_from(Post), max_size=3)),
        appointed_on=appointed_on,
        left_on=left_on,
        trainings=tuple(draw(st.lists(trainings(min_date, max_date), max_size=3))),
    )


def workers(
    division: Division | None = None,
    role: WorkerRole | None = None,
    *,
    worker_id: str | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Worker]:
    """Workers of ``role`` (any if None) serving a division within ``division`` (any if None).

    A child director serves a village and a child supervisor a township, when ``division``
    is not below that level; other roles serve any level. ``left_on``, when known, is after
    ``appointed_on``; either may be unknown.
    """
    _check_division(division)
    _check_dates(min_date, max_date)
    if role is not None and not isinstance(role, WorkerRole):
        raise InvalidArgument(f"role must be a WorkerRole or None (got {role!r})")
    return _workers(division, role, worker_id, min_date, max_date)


# -- service points --------------------------------------------------------------------------


def model_designations() -> st.SearchStrategy[ModelDesignation]:
    """Model-home designations by any level, in a year from 1949 to 2100 (mostly 2015-2025)."""
    return st.builds(
        ModelDesignation,
        level=st.sampled_from(OrganiserLevel),
        year=st.integers(2015, 2025) | st.integers(1949, 2100),
    )


@st.composite
def _service_agreements(
    draw: st.DrawFn, children_: st.SearchStrategy[str], min_date: dt.date, max_date: dt.date
) -> ServiceAgreement:
    signed_on = draw(_dates(min_date, max_date))
    return ServiceAgreement(
        child=draw(children_), signed_on=signed_on, end=draw(_end_after(signed_on, max_date))
    )


def service_agreements(
    child_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[ServiceAgreement]:
    """Entrusted service agreements with a child from ``child_ids`` (made up if None; must
    not be empty); an ``end``, when there is one, is after the signing day."""
    _check_dates(min_date, max_date)
    refs = _refs(_check_ids("child_ids", child_ids), "C")
    if refs is None:
        raise InvalidArgument("a service agreement needs a child: child_ids must not be empty")
    return _service_agreements(refs, min_date, max_date)


def _area(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def _service_points(
    draw: st.DrawFn,
    division: Division | None,
    kind: ServicePointKind | None,
    point_id: str | None,
    director_ids: tuple[str, ...] | None,
    child_ids: tuple[str, ...] | None,
    min_date: dt.date,
    max_date: dt.date,
) -> ServicePoint:
    kind = kind if kind is not None else draw(st.sampled_from(ServicePointKind))
    natural = Level.VILLAGE if kind is ServicePointKind.CHILDRENS_HOME else None
    place = draw(divisions(_level_for(natural, division), within=division))
    opened_on = draw(st.none() | _dates(min_date, max_date))
    if opened_on is None:
        closed_on = draw(st.none() | _dates(min_date, max_date))
    else:
        closed_on = draw(_end_after(opened_on, max_date))
    children_ = _refs(child_ids, "C")
    agreements_: tuple[ServiceAgreement, ...] = ()
    if children_ is not None:
        agreements_ = tuple(
            draw(st.lists(_service_agreements(children_, min_date, max_date), max_size=3))
        )
    name = "".join(draw(st.lists(st.sampled_from(_PLACE_WORDS), min_size=2, max_size=2)))
    return ServicePoint(
        id=point_id if point_id is not None else draw(_ids("P")),
        kind=kind,
        name=f"{name}{_POINT_SUFFIX[kind]}",
        division=place,
        in_school=draw(st.booleans()),
        floor_area_m2=draw(st.none() | _area(Decimal(0), Decimal(2000))),
        outdoor_area_m2=draw(st.none() | _area(Decimal(0), Decimal(5000))),
        facilities=draw(st.frozensets(st.sampled_from(Facility))),
        model_designations=tuple(draw(st.lists(model_designations(), max_size=2))),
        opened_on=opened_on,
        closed_on=closed_on,
        director=draw(_optional_ref(_refs(director_ids, "W"))),
        agreements=agreements_,
    )


def service_points(
    division: Division | None = None,
    kind: ServicePointKind | None = None,
    *,
    point_id: str | None = None,
    director_ids: Sequence[str] | None = None,
    child_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[ServicePoint]:
    """Service points of ``kind`` (any if None) in a division within ``division``.

    A children's home is in a village when ``division`` is not below the village level (it
    never is). Areas have two decimal places or are unrecorded; ``closed_on``, when known, is
    after ``opened_on``. The director is from ``director_ids`` or absent, the service
    agreements name children from ``child_ids``; see the module docstring.
    """
    _check_division(division)
    _check_dates(min_date, max_date)
    if kind is not None and not isinstance(kind, ServicePointKind):
        raise InvalidArgument(f"kind must be a ServicePointKind or None (got {kind!r})")
    return _service_points(
        division,
        kind,
        point_id,
        _check_ids("director_ids", director_ids),
        _check_ids("child_ids", child_ids),
        min_date,
        max_date,
    )


@st.composite
def _homes(
    draw: st.DrawFn,
    base: st.SearchStrategy[ServicePoint],
    meeting_standard: bool | None,
    min_floor_area: Decimal,
    required: frozenset[Facility],
) -> ServicePoint:
    point = draw(base)
    if meeting_standard is None:
        return point
    optional = st.frozensets(st.sampled_from(Facility))
    big_enough = _area(min_floor_area, min_floor_area + 500)
    if meeting_standard:
        area = draw(big_enough)
        facilities = required | draw(optional)
    else:
        can_fail_area = min_floor_area > 0
        can_fail_facilities = bool(required)
        fail_area = can_fail_area and (not can_fail_facilities or draw(st.booleans()))
        fail_facilities = can_fail_facilities and (not fail_area or draw(st.booleans()))
        if fail_area:
            area = draw(_area(Decimal(0), min_floor_area).filter(lambda a: a < min_floor_area))
        else:
            area = draw(big_enough)
        facilities = required | draw(optional)
        if fail_facilities:
            missing = draw(st.frozensets(st.sampled_from(sorted(required)), min_size=1))
            facilities -= missing
    return attrs.evolve(point, floor_area_m2=area, facilities=facilities)


def childrens_homes(
    meeting_standard: bool | None = None,
    min_floor_area: Decimal | int = DEFAULT_MIN_FLOOR_AREA,
    required_facilities: Collection[Facility] = DEFAULT_FACILITIES,
    *,
    division: Division | None = None,
    point_id: str | None = None,
    director_ids: Sequence[str] | None = None,
    child_ids: Sequence[str] | None = None,
) -> st.SearchStrategy[ServicePoint]:
    """Children's homes (儿童之家) in a village, meeting or missing a standard.

    The standard is an indoor floor area of at least ``min_floor_area`` m² and every facility
    of ``required_facilities``. It is a parameter because the values come from plugins (the
    defaults are Hunan's, seed 002 §3: 50 m²; video calls, study and reading, recreation).

    * ``meeting_standard=True``: the floor area is recorded and at least the minimum, and
      every required facility is present.
    * ``meeting_standard=False``: the floor area is recorded (never None: a missing area is
      a missing input, not a failure) and the home fails at least one part of the standard:
      an area below the minimum, or one or more required facilities absent. Raises
      :class:`~hypothesis.errors.InvalidArgument` when nothing can fail (a minimum of 0 and
      no required facility).
    * ``meeting_standard=None``: any home, the floor area sometimes unrecorded.
    """
    if meeting_standard is not None and not isinstance(meeting_standard, bool):
        raise InvalidArgument(f"meeting_standard must be a bool or None (got {meeting_standard!r})")
    if isinstance(min_floor_area, bool) or not isinstance(min_floor_area, Decimal | int):
        raise InvalidArgument(f"min_floor_area must be a Decimal or int (got {min_floor_area!r})")
    minimum = Decimal(min_floor_area)
    if not minimum.is_finite() or minimum < 0:
        raise InvalidArgument(f"min_floor_area must be finite and not negative (got {minimum})")
    required = frozenset(required_facilities)
    if not all(isinstance(f, Facility) for f in required):
        raise InvalidArgument(f"required_facilities must be Facility values (got {required!r})")
    if meeting_standard is False and minimum == 0 and not required:
        raise InvalidArgument("no home can miss a standard of 0 m² and no facilities")
    base = service_points(
        division,
        ServicePointKind.CHILDRENS_HOME,
        point_id=point_id,
        director_ids=director_ids,
        child_ids=child_ids,
    )
    return _homes(base, meeting_standard, minimum, required)


# -- registries ------------------------------------------------------------------------------


@st.composite
def _division_records(
    draw: st.DrawFn, within: Division | None, level: Level | None
) -> DivisionRecord:
    code = draw(divisions(level, within=within))
    place = "".join(draw(st.lists(st.sampled_from(_PLACE_WORDS), min_size=1, max_size=2)))
    return DivisionRecord(code=code, name=f"{place}{_LEVEL_SUFFIX[code.level]}")


def division_records(
    within: Division | None = None, level: Level | None = None
) -> st.SearchStrategy[DivisionRecord]:
    """Division records of ``level`` (any if None) within ``within``, with a made-up name
    ending in the level's word (省, 市, 县, 镇, 村)."""
    _check_division(within)
    if level is not None and not isinstance(level, Level):
        raise InvalidArgument(f"level must be a Level or None (got {level!r})")
    return _division_records(within, level)


@st.composite
def _reference_data(draw: st.DrawFn, max_size: int) -> ReferenceData:
    records = draw(st.lists(division_records(), max_size=max_size, unique_by=lambda r: r.code))
    n_workers = draw(st.integers(0, max_size))
    n_points = draw(st.integers(0, max_size))
    return ReferenceData(
        divisions=tuple(records),
        workers=tuple(draw(workers(worker_id=f"W{i:04d}")) for i in range(1, n_workers + 1)),
        service_points=tuple(
            draw(service_points(point_id=f"P{i:04d}")) for i in range(1, n_points + 1)
        ),
    )


def reference_data(max_size: int = 3) -> st.SearchStrategy[ReferenceData]:
    """Reference data with up to ``max_size`` each of divisions, workers and service points;
    division codes, worker ids and service point ids are unique. References between them
    (divisions, directors) are not kept consistent: see :func:`consistent_registries`."""
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0:
        raise InvalidArgument(f"max_size must be an int of 0 or more (got {max_size!r})")
    return _reference_data(max_size)


@st.composite
def _registries(draw: st.DrawFn, max_children: int) -> Registry:
    reference = draw(reference_data())
    listed = [r.code for r in reference.divisions]
    within = st.sampled_from(listed) if listed else st.none()
    n = draw(st.integers(0, max_children))
    kids = tuple(
        draw(children(draw(within), max_facts=2, child_id=f"C{i:05d}")) for i in range(1, n + 1)
    )
    return Registry(reference=reference, children=kids)


def registries(max_children: int = 5) -> st.SearchStrategy[Registry]:
    """Registries of :func:`reference_data` and up to ``max_children`` child files with
    unique ids, each in a village within a listed division when any is listed. Workers and
    service points a child refers to are made up: a :class:`~careprotect.model.Registry` does
    not check references (the reader does); for registries the reader accepts whole, use
    :func:`consistent_registries`."""
    if isinstance(max_children, bool) or not isinstance(max_children, int) or max_children < 0:
        raise InvalidArgument(f"max_children must be an int of 0 or more (got {max_children!r})")
    return _registries(max_children)


@st.composite
def _consistent(draw: st.DrawFn, max_children: int, max_workers: int, max_points: int) -> Registry:
    top_levels = st.sampled_from([Level.PROVINCE, Level.PREFECTURE, Level.COUNTY])
    records = tuple(
        draw(
            st.lists(
                top_levels.flatmap(lambda level: division_records(level=level)),
                min_size=1,
                max_size=3,
                unique_by=lambda r: r.code,
            )
        )
    )
    listed = st.sampled_from([r.code for r in records])
    n_children = draw(st.integers(0, max_children))
    child_ids = [f"C{i:05d}" for i in range(1, n_children + 1)]
    n_workers = draw(st.integers(0, max_workers))
    worker_ids = [f"W{i:04d}" for i in range(1, n_workers + 1)]
    staff = tuple(draw(workers(draw(listed), worker_id=w)) for w in worker_ids)
    n_points = draw(st.integers(0, max_points))
    point_ids = [f"P{i:04d}" for i in range(1, n_points + 1)]
    points = tuple(
        draw(service_points(draw(listed), point_id=p, director_ids=worker_ids, child_ids=child_ids))
        for p in point_ids
    )
    kids = tuple(
        draw(
            children(
                draw(listed),
                max_facts=2,
                child_id=c,
                worker_ids=worker_ids,
                service_point_ids=point_ids,
            )
        )
        for c in child_ids
    )
    return Registry(
        reference=ReferenceData(divisions=records, workers=staff, service_points=points),
        children=kids,
    )


def consistent_registries(
    max_children: int = 5, max_workers: int = 4, max_service_points: int = 3
) -> st.SearchStrategy[Registry]:
    """Registries whose references all hold, so :func:`careprotect.load_registry` reads
    them back with no rejection.

    One to three divisions are listed (provinces, prefectures or counties, codes unique);
    every worker, service point and child lies within a listed division; worker, service
    point and child ids are unique; a service point's director is an existing worker; every
    worker a child's contact, pairing, report or referral names exists, as does every
    service point of an institutional residence or an agreement; service agreements name
    existing children (there are none when there are no children).
    """
    for name, value in (
        ("max_children", max_children),
        ("max_workers", max_workers),
        ("max_service_points", max_service_points),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidArgument(f"{name} must be an int of 0 or more (got {value!r})")
    return _consistent(max_children, max_workers, max_service_points)
