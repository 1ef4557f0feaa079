"""Coverage: what every division of a level must have (POLICY.md §3, §7).

Three compliance mechanisms judge the divisions listed in a registry's reference data (the
``DIVISION`` subjects of an audit), each only the divisions of its configured level:

- :class:`HomePerVillage`: every village has an open children's home (Hunan, seed 002 §3:
  "in principle one children's home per administrative village", full coverage by the end
  of 2020);
- :class:`MinimumPerDivision`: at least N service points of a kind, or N workers of a role or
  post, within each division of a level (Hunan, seed 002 §4.2: 3 child-service social
  organisations per county, one qualified counsellor per township, by 2022-06-11);
- :class:`ModelHomeShare`: the share of a division's open children's homes that hold a model
  designation at county level or above is at least a ratio (Hunan, seed 002 §3: 10% by 2020).

**Uncertain facts.** A home whose opening date is unknown might be open, a worker whose
appointment date is unknown might be in post: the rules count what is certain and what is
possible. When the certain facts decide, the answer is compliant or non-compliant; when only
the possible ones could change it, the answer is missing input.

**Monotone.** Adding a home or a worker never turns a compliant :class:`HomePerVillage` or
:class:`MinimumPerDivision` finding (nor :class:`~careprotect.rules.staffing.PostCoverage`)
into a non-compliant one. :class:`ModelHomeShare` is a share, so adding a home without a
designation can lower it; adding a model home never does.

**Speed.** The reference data is indexed once per :class:`~careprotect.model.ReferenceData`
object (service points and workers by division, and by every division containing theirs), so
an audit of a province with tens of thousands of villages stays linear in the size of the
registry. The index is dropped when the reference data is.

This module also holds the small pieces the other compliance mechanisms share: the day an
audit judges (:func:`judged_day`, :func:`judged_years`) and the optional *requirement flag*
(:func:`check_required`).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

import attrs

from careprotect.divisions import Division, Level
from careprotect.enums import OrganiserLevel, Post, ServicePointKind, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Message, Outcome, SubjectKind
from careprotect.model import ReferenceData, ServicePoint, Worker
from careprotect.params import Evidence
from careprotect.periods import Period
from careprotect.rules.base import Env, RuleKind

__all__ = [
    "COUNTY_OR_ABOVE",
    "HomePerVillage",
    "MinimumPerDivision",
    "ModelHomeShare",
    "ReferenceIndex",
    "check_required",
    "count_outcome",
    "judged_day",
    "judged_years",
    "missing_parameter",
    "reference_index",
]

#: The designation levels "at county level or above" (县级以上).
COUNTY_OR_ABOVE: frozenset[OrganiserLevel] = frozenset(
    {
        OrganiserLevel.COUNTY,
        OrganiserLevel.PREFECTURE,
        OrganiserLevel.PROVINCE,
        OrganiserLevel.NATIONAL,
    }
)

ROLE_ZH: Mapping[WorkerRole, str] = {
    WorkerRole.CHILD_DIRECTOR: "儿童主任",
    WorkerRole.CHILD_SUPERVISOR: "儿童督导员",
    WorkerRole.COUNSELLOR: "心理咨询师",
    WorkerRole.SOCIAL_WORKER: "社会工作者",
    WorkerRole.PARTY_MEMBER: "党员",
    WorkerRole.VOLUNTEER: "志愿者",
}
KIND_ZH: Mapping[ServicePointKind, str] = {
    ServicePointKind.CHILDRENS_HOME: "儿童之家",
    ServicePointKind.WELFARE_INSTITUTION: "儿童福利机构",
    ServicePointKind.MINOR_PROTECTION_CENTRE: "未成年人救助保护机构",
    ServicePointKind.SOCIAL_WORK_STATION: "社会工作站",
    ServicePointKind.SOCIAL_ORGANISATION: "儿童服务类社会组织",
}
POST_ZH: Mapping[Post, str] = {
    Post.WOMENS_FEDERATION_CHAIR: "妇联主席",
    Post.TOWNSHIP_LEADERSHIP: "乡镇党政班子成员",
    Post.SCHOOL_LEADERSHIP: "学校领导班子成员",
    Post.LIVELIHOOD_ASSISTANT: "民生协理员",
    Post.VILLAGE_COMMITTEE_MEMBER: "村（居）民委员会委员",
    Post.COLLEGE_GRADUATE_VILLAGE_OFFICIAL: "大学生村官",
    Post.QUALIFIED_COUNSELLOR: "持证心理咨询师",
}


# -- what every compliance mechanism shares ---------------------------------------------------


def judged_day(env: Env) -> dt.date:
    """The day a point-in-time rule judges: the audit's ``as_of``, or the last day of its
    ``period``. Raises InvalidValueError for an Env made outside an audit (neither given)."""
    if env.as_of is not None:
        return env.as_of
    if env.period is not None:
        return env.period.last_day
    raise InvalidValueError("needs a day to judge: give the audit 'as_of' or 'period'")


def judged_years(env: Env) -> tuple[Period, ...]:
    """The calendar years a yearly rule judges.

    With ``as_of``: the latest calendar year ending on or before it (the year of ``as_of``
    when it is 31 December, else the year before). With ``period``: every calendar year
    lying wholly inside it (none for a period shorter than a year).
    """
    if env.period is not None:
        p = env.period
        years = (Period.year(y) for y in range(p.start.year, p.last_day.year + 1))
        return tuple(y for y in years if p.start <= y.start and y.end <= p.end)
    day = judged_day(env)
    year = day.year if (day.month, day.day) == (12, 31) else day.year - 1
    return (Period.year(year),) if year >= 1 else ()


class _Judging(Protocol):
    """What :func:`check_required` needs of a rule."""

    @property
    def id(self) -> str: ...

    @property
    def required(self) -> str | None: ...


_NOT_IN_FORCE = Message(
    "该要求在{day}不适用（{parameter} 为 false）",
    "The requirement does not apply on {day} ({parameter} is false)",
)
_NO_FLAG = Message(
    "缺少输入：{day}没有生效的 {parameter} 参数值，无法判断该要求是否适用",
    "Missing input: no value of {parameter} is in force on {day}, so whether the "
    "requirement applies is unknown",
)
_NO_VALUE = Message(
    "缺少输入：{day}没有生效的 {parameter} 参数值",
    "Missing input: no value of {parameter} is in force on {day}",
)


def check_required(
    rule: Any,
    item: Worker | ServicePoint | Division,
    env: Env,
    day: dt.date,
    *,
    period: Period | None = None,
) -> Finding | Evidence | None:
    """Whether ``rule``'s requirement applies to ``item`` on ``day``.

    A rule may name a ``required`` flag parameter: the requirement applies while the value in
    force for the item's division is ``true``. Returns None when the rule names no flag (it
    always applies), the flag's :class:`~careprotect.params.Evidence` when it is true, and
    otherwise the finding to give instead: *not applicable* when the flag is ``false``,
    *missing input* when no value is in force (never read as false).
    """
    judging: _Judging = rule
    name = judging.required
    if name is None:
        return None
    division = item if isinstance(item, Division) else item.division
    flag = env.find(name, division, day)
    on = {"day": day.isoformat(), "parameter": name}
    finding_day = None if period is not None else day
    if flag is None:
        return env.finding(
            rule,
            item,
            Outcome.MISSING_INPUT,
            _NO_FLAG.format(**on),
            day=finding_day,
            period=period,
        )
    if not flag.value:
        return env.finding(
            rule,
            item,
            Outcome.NOT_APPLICABLE,
            _NOT_IN_FORCE.format(**on),
            evidence=(flag.evidence,),
            day=finding_day,
            period=period,
        )
    return flag.evidence


def missing_parameter(
    rule: Any,
    item: Worker | ServicePoint | Division,
    env: Env,
    name: str,
    day: dt.date,
    evidence: Iterable[Evidence],
    *,
    period: Period | None = None,
) -> Finding:
    """The missing-input finding for a parameter ``name`` with no value in force on ``day``."""
    return env.finding(
        rule,
        item,
        Outcome.MISSING_INPUT,
        _NO_VALUE.format(day=day.isoformat(), parameter=name),
        evidence=evidence,
        day=None if period is not None else day,
        period=period,
        facts=(f"no value of {name} in force on {day.isoformat()}",),
    )


# -- the index ------------------------------------------------------------------------------


def _by(items: Iterable[Any], keys: Any) -> dict[Division, tuple[Any, ...]]:
    grouped: dict[Division, list[Any]] = {}
    for item in items:
        for key in keys(item.division):
            grouped.setdefault(key, []).append(item)
    return {k: tuple(v) for k, v in grouped.items()}


def _itself(division: Division) -> tuple[Division]:
    return (division,)


def _and_ancestors(division: Division) -> tuple[Division, ...]:
    return (division, *division.ancestors)


class ReferenceIndex:
    """Service points and workers of one reference data, by division.

    ``*_at`` maps a division to the items recorded in exactly that division; ``*_within`` to
    the items recorded in it or in any division below it. Each map is built on first use, in
    one pass over the items.
    """

    def __init__(self, reference: ReferenceData) -> None:
        # The tuples, not the reference data: the cache must not keep it alive.
        self._points = reference.service_points
        self._workers = reference.workers

    @cached_property
    def points_at(self) -> Mapping[Division, tuple[ServicePoint, ...]]:
        """Service points by the division they are recorded in."""
        return _by(self._points, _itself)

    @cached_property
    def points_within(self) -> Mapping[Division, tuple[ServicePoint, ...]]:
        """Service points by every division containing theirs (their own included)."""
        return _by(self._points, _and_ancestors)

    @cached_property
    def workers_at(self) -> Mapping[Division, tuple[Worker, ...]]:
        """Workers by the division they serve."""
        return _by(self._workers, _itself)

    @cached_property
    def workers_within(self) -> Mapping[Division, tuple[Worker, ...]]:
        """Workers by every division containing theirs (their own included)."""
        return _by(self._workers, _and_ancestors)


_INDEXES: dict[int, ReferenceIndex] = {}


def reference_index(reference: ReferenceData) -> ReferenceIndex:
    """The index of ``reference``, built once per reference data object and dropped when the
    object is (keyed by ``id(reference)``; a finalizer removes the entry before the id can be
    reused)."""
    key = id(reference)
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = ReferenceIndex(reference)
        weakref.finalize(reference, _INDEXES.pop, key, None)
    return index


# -- the mechanisms -------------------------------------------------------------------------


def opening_fact(point: ServicePoint, day: dt.date) -> str:
    state = point.open_on(day)
    if state is None:
        return f"{point.kind.value} {point.id}: opening date not recorded"
    if state:
        assert point.opened_on is not None
        return f"{point.kind.value} {point.id} open since {point.opened_on.isoformat()}"
    return f"{point.kind.value} {point.id} not open on {day.isoformat()}"


def service_fact(worker: Worker, day: dt.date) -> str:
    state = worker.in_post_on(day)
    if state is None:
        return f"{worker.role.value} {worker.id}: appointment date not recorded"
    if state:
        assert worker.appointed_on is not None
        return f"{worker.role.value} {worker.id} in post since {worker.appointed_on.isoformat()}"
    return f"{worker.role.value} {worker.id} not in post on {day.isoformat()}"


def count_outcome(certain: int, possible: int, needed: int) -> Outcome:
    """Compliant when ``certain`` reaches ``needed``; non-compliant when even ``certain +
    possible`` does not; otherwise missing input."""
    if certain >= needed:
        return Outcome.COMPLIANT
    if certain + possible < needed:
        return Outcome.NON_COMPLIANT
    return Outcome.MISSING_INPUT


_HOME = {
    Outcome.COMPLIANT: Message(
        "{division}有开放的{kind_zh}", "{division} has an open {kind} on {day}"
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}在{day}没有开放的{kind_zh}", "{division} has no open {kind} on {day}"
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}的{kind_zh}开放日期未记录，无法判断{day}是否开放",
        "Missing input: the opening date of the {kind} of {division} is not recorded, so "
        "whether one is open on {day} is unknown",
    ),
}


@attrs.frozen(kw_only=True)
class HomePerVillage:
    """Every division of ``level`` (default: village) has an open service point of ``kind``
    (default: children's home) recorded in exactly that division on the day judged.

    :param required: optional flag parameter; the requirement applies while it is true (see
        :func:`check_required`), e.g. Hunan's full coverage "by the end of 2020" as ``false``
        from 2019-06-11 and ``true`` from 2021-01-01.
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    kind_of_point: ServicePointKind = ServicePointKind.CHILDRENS_HOME
    level: Level = Level.VILLAGE
    required: str | None = None

    @property
    def kind(self) -> RuleKind:
        """A compliance rule."""
        return RuleKind.COMPLIANCE

    @property
    def subject(self) -> SubjectKind:
        """Judges divisions."""
        return SubjectKind.DIVISION

    def evaluate(self, subject: Division, env: Env) -> Iterator[Finding]:
        """One finding for a division of the configured level; none for other divisions."""
        if subject.level is not self.level:
            return
        day = judged_day(env)
        gate = check_required(self, subject, env, day)
        if isinstance(gate, Finding):
            yield gate
            return
        evidence = () if gate is None else (gate,)
        points = [
            p
            for p in reference_index(env.reference).points_at.get(subject, ())
            if p.kind is self.kind_of_point
        ]
        states = [p.open_on(day) for p in points]
        outcome = count_outcome(states.count(True), states.count(None), 1)
        yield env.finding(
            self,
            subject,
            outcome,
            _HOME[outcome].format(
                division=subject,
                day=day.isoformat(),
                kind=self.kind_of_point.value.replace("_", " "),
                kind_zh=KIND_ZH[self.kind_of_point],
            ),
            evidence=evidence,
            day=day,
            facts=tuple(opening_fact(p, day) for p in points),
        )


def _at_least_one_of(posts: frozenset[Post]) -> str:
    return " or ".join(sorted(p.value for p in posts))


_MINIMUM = {
    Outcome.COMPLIANT: Message(
        "{division}有{count}个{what_zh}，不少于{needed}个",
        "{division} has {count} {what}, at least {needed}, on {day}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}在{day}只有{count}个{what_zh}，少于{needed}个",
        "{division} has {count} {what} on {day}, fewer than {needed}",
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}确定有{count}个{what_zh}，另有{possible}个开放或在岗日期未记录，"
        "无法判断是否达到{needed}个",
        "Missing input: {division} certainly has {count} {what} on {day} and {possible} more "
        "whose opening or appointment date is not recorded; {needed} are needed",
    ),
}


@attrs.frozen(kw_only=True)
class MinimumPerDivision:
    """At least N service points of a kind, or N workers, within each division of ``level``.

    Counts either service points of ``kind_of_point`` open on the day, or workers in post on
    the day of ``role`` (any role if None) holding at least one of ``posts`` (any posts if
    empty), recorded in the division or in any division below it. N is the value of the
    ``count`` parameter (unit ``count``) in force for the division on the day; none in force
    is missing input.

    :param required: optional flag parameter (see :func:`check_required`).
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    level: Level
    count: str
    kind_of_point: ServicePointKind | None = None
    role: WorkerRole | None = None
    posts: frozenset[Post] = frozenset()
    required: str | None = None

    def __attrs_post_init__(self) -> None:
        counts_points = self.kind_of_point is not None
        counts_workers = self.role is not None or bool(self.posts)
        if counts_points == counts_workers:
            raise InvalidValueError(
                "must count either service points (kind_of_point) or workers (role and/or "
                f"posts) (got kind_of_point={self.kind_of_point}, role={self.role}, "
                f"posts={sorted(self.posts)})",
                field="kind_of_point",
            )

    @property
    def kind(self) -> RuleKind:
        """A compliance rule."""
        return RuleKind.COMPLIANCE

    @property
    def subject(self) -> SubjectKind:
        """Judges divisions."""
        return SubjectKind.DIVISION

    def _what(self) -> tuple[str, str]:
        if self.kind_of_point is not None:
            return self.kind_of_point.value.replace("_", " ") + "(s)", KIND_ZH[self.kind_of_point]
        who = self.role.value.replace("_", " ") if self.role is not None else "worker"
        zh = ROLE_ZH[self.role] if self.role is not None else "工作人员"
        if self.posts:
            who += f"(s) holding {_at_least_one_of(self.posts)}"
            zh = "、".join(POST_ZH[p] for p in sorted(self.posts)) + "（" + zh + "）"
        else:
            who += "(s)"
        return who, zh

    def _states(
        self, subject: Division, env: Env, day: dt.date
    ) -> tuple[list[bool | None], list[str]]:
        index = reference_index(env.reference)
        if self.kind_of_point is not None:
            points = [
                p for p in index.points_within.get(subject, ()) if p.kind is self.kind_of_point
            ]
            return [p.open_on(day) for p in points], [opening_fact(p, day) for p in points]
        workers = [
            w
            for w in index.workers_within.get(subject, ())
            if (self.role is None or w.role is self.role)
            and (not self.posts or w.posts & self.posts)
        ]
        return [w.in_post_on(day) for w in workers], [service_fact(w, day) for w in workers]

    def evaluate(self, subject: Division, env: Env) -> Iterator[Finding]:
        """One finding for a division of the configured level; none for other divisions."""
        if subject.level is not self.level:
            return
        day = judged_day(env)
        gate = check_required(self, subject, env, day)
        if isinstance(gate, Finding):
            yield gate
            return
        evidence = [] if gate is None else [gate]
        needed = env.find(self.count, subject, day)
        if needed is None:
            yield missing_parameter(self, subject, env, self.count, day, evidence)
            return
        evidence.append(needed.evidence)
        states, facts = self._states(subject, env, day)
        certain, possible = states.count(True), states.count(None)
        outcome = count_outcome(certain, possible, needed.value)
        what, what_zh = self._what()
        yield env.finding(
            self,
            subject,
            outcome,
            _MINIMUM[outcome].format(
                division=subject,
                day=day.isoformat(),
                count=certain,
                possible=possible,
                needed=needed.value,
                what=what,
                what_zh=what_zh,
            ),
            evidence=evidence,
            day=day,
            facts=tuple(facts),
        )


_SHARE = {
    Outcome.COMPLIANT: Message(
        "{division}的{kind_zh}中示范点{model}个，共{total}个，比例不低于{ratio}",
        "{division}: {model} of {total} open {kind}s are model homes on {day}, a share of at "
        "least {ratio}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}的{kind_zh}中示范点{model}个，共{total}个，比例低于{ratio}",
        "{division}: {model} of {total} open {kind}s are model homes on {day}, a share below "
        "{ratio}",
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}有{unknown}个{kind_zh}开放日期未记录，无法判断示范点比例是否达到{ratio}",
        "Missing input: {unknown} {kind}(s) of {division} have no recorded opening date, so "
        "whether the model share reaches {ratio} on {day} is unknown",
    ),
    Outcome.NOT_APPLICABLE: Message(
        "{division}在{day}没有开放的{kind_zh}，示范点比例无从计算",
        "{division} has no open {kind} on {day}: there is no share to judge",
    ),
}


def _share_at_least(model: int, total: int, ratio: Decimal) -> bool | None:
    """Whether ``model / total >= ratio`` exactly; None when ``total`` is 0."""
    if total == 0:
        return None
    return Decimal(model) >= ratio * total


@attrs.frozen(kw_only=True)
class ModelHomeShare:
    """Within each division of ``level``, the share of open service points of ``kind_of_point``
    (default: children's homes) holding a model designation is at least the ``ratio``
    parameter (unit ``ratio``).

    A designation counts when its level is one of ``designation_levels`` (default: county or
    above) and its year is not after the year of the day judged. The share is compared
    exactly (``model >= ratio * total``). A division with no open home is *not applicable*.
    Homes whose opening date is not recorded may or may not count: when the answer depends on
    them it is missing input.

    :param required: optional flag parameter (see :func:`check_required`).
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    level: Level
    ratio: str
    kind_of_point: ServicePointKind = ServicePointKind.CHILDRENS_HOME
    designation_levels: frozenset[OrganiserLevel] = COUNTY_OR_ABOVE
    required: str | None = None

    @property
    def kind(self) -> RuleKind:
        """A compliance rule."""
        return RuleKind.COMPLIANCE

    @property
    def subject(self) -> SubjectKind:
        """Judges divisions."""
        return SubjectKind.DIVISION

    def is_model(self, point: ServicePoint, day: dt.date) -> bool:
        """Whether ``point`` holds a counting designation by the year of ``day``."""
        return any(
            d.level in self.designation_levels and d.year <= day.year
            for d in point.model_designations
        )

    def evaluate(self, subject: Division, env: Env) -> Iterator[Finding]:
        """One finding for a division of the configured level; none for other divisions."""
        if subject.level is not self.level:
            return
        day = judged_day(env)
        gate = check_required(self, subject, env, day)
        if isinstance(gate, Finding):
            yield gate
            return
        evidence = [] if gate is None else [gate]
        ratio = env.find(self.ratio, subject, day)
        if ratio is None:
            yield missing_parameter(self, subject, env, self.ratio, day, evidence)
            return
        evidence.append(ratio.evidence)
        points = [
            p
            for p in reference_index(env.reference).points_within.get(subject, ())
            if p.kind is self.kind_of_point and p.open_on(day) is not False
        ]
        known = [p for p in points if p.open_on(day)]
        unknown = [p for p in points if p.open_on(day) is None]
        model = sum(self.is_model(p, day) for p in known)
        unknown_model = sum(self.is_model(p, day) for p in unknown)
        # The lowest share leaves out the unknown model homes and counts the others; the
        # highest does the opposite.
        low = _share_at_least(model, len(known) + len(unknown) - unknown_model, ratio.value)
        high = _share_at_least(model + unknown_model, len(known) + unknown_model, ratio.value)
        outcome: Outcome
        if not points:
            outcome = Outcome.NOT_APPLICABLE
        elif low is True and high is not None:
            outcome = Outcome.COMPLIANT
        elif high is False and low is not None:
            outcome = Outcome.NON_COMPLIANT
        else:
            outcome = Outcome.MISSING_INPUT
        facts = [opening_fact(p, day) for p in points]
        facts += [f"{p.id} is a model home" for p in points if self.is_model(p, day)]
        yield env.finding(
            self,
            subject,
            outcome,
            _SHARE[outcome].format(
                division=subject,
                day=day.isoformat(),
                model=model,
                total=len(known),
                unknown=len(unknown),
                ratio=ratio.value,
                kind=self.kind_of_point.value.replace("_", " "),
                kind_zh=KIND_ZH[self.kind_of_point],
            ),
            evidence=evidence,
            day=day,
            facts=tuple(facts),
        )
