"""Training: passed before starting work, at least N times a year, of a set length
(POLICY.md §3; Hunan, seed 002 §4.4: prefecture-level cities train supervisors, counties train
directors, at least once a year, 2-3 days each; a newly appointed child director may start
work only after passing the county's training assessment).

Three mechanisms, one per aspect, so each has its own stable rule id and its own counts in an
audit summary. Each judges workers of one role:

- :class:`TrainingBeforeStart` (point in time): a passed training dated on or before the
  worker's appointment day. The requirement is judged *as it stood on the appointment day*
  (a rule that came later does not reach back), so the finding's day is the appointment day.
- :class:`TrainingPerYear` (yearly): at least N trainings in each calendar year the worker
  served whole.
- :class:`TrainingLength` (yearly): every training of the year lasted between a minimum and
  a maximum number of days.

**Calendar years, not rolling twelve months.** "At least once a year" is read as once in each
calendar year (年度培训, planned and reported by calendar year). With ``as_of`` the yearly
rules judge the latest calendar year ending on or before it; with ``period`` every calendar
year whose last day falls inside it (:func:`~careprotect.rules.common.judged_years`, the
convention contact frequency follows too); their findings carry the year as their period.

**Which trainings count.** A rule may name an ``organisers`` parameter (unit ``choices`` of
:class:`~careprotect.enums.OrganiserLevel` values): then only trainings organised at one of
those levels count (Hunan: ``county`` for directors, ``prefecture`` for supervisors).
Attendance counts for the yearly rules whatever the assessment's result; the start rule needs
``passed`` true.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import ClassVar

import attrs

from careprotect.enums import WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Message, Outcome, SubjectKind
from careprotect.masking import scrub
from careprotect.model import Training, Worker
from careprotect.params import Evidence
from careprotect.periods import Period
from careprotect.rules.base import RuleContext, RuleKind
from careprotect.rules.common import (
    ROLE_ZH,
    check_required,
    judged_day,
    judged_years,
    missing_parameter,
)

__all__ = ["TrainingBeforeStart", "TrainingLength", "TrainingPerYear"]


def _training_fact(t: Training) -> str:
    passed = {True: "passed", False: "failed", None: "result not recorded"}[t.passed]
    return (
        f"training on {t.date.isoformat()} by {t.organiser_level.value} level, "
        f"{scrub(str(t.days))} day(s), {passed}"  # 15 digits or more may be an ID number
    )


def _organisers(
    rule: _TrainingRule, worker: Worker, env: RuleContext, day: dt.date, evidence: list[Evidence]
) -> tuple[frozenset[str] | None, bool]:
    """The organiser levels that count (None: any), and whether the parameter was found."""
    if rule.organisers is None:
        return None, True
    levels = env.lookup(rule.organisers, worker.division, day)
    if levels is None:
        return None, False
    evidence.append(levels.evidence)
    return frozenset(levels.value), True


def _counted(trainings: tuple[Training, ...], levels: frozenset[str] | None) -> list[Training]:
    return [t for t in trainings if levels is None or t.organiser_level.value in levels]


@attrs.frozen(kw_only=True)
class _TrainingRule:
    id: str
    title: Message
    citations: tuple[str, ...]
    role: WorkerRole
    organisers: str | None = None
    required: str | None = None

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.WORKER

    def _who(self) -> dict[str, str]:
        return {"role": self.role.value.replace("_", " "), "role_zh": ROLE_ZH[self.role]}


_BEFORE = {
    Outcome.COMPLIANT: Message(
        "{role_zh}上岗（{start}）前已通过培训考核",
        "The {role} passed a training assessment before starting on {start}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{role_zh}上岗（{start}）前未通过培训考核",
        "The {role} started on {start} without having passed a training assessment",
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{role_zh}上岗（{start}）前的培训考核结果未记录",
        "Missing input: whether the {role} passed the training before starting on {start} "
        "is not recorded",
    ),
}
_NO_START = Message(
    "缺少输入：{role_zh}的任职日期未记录，无法判断是否先培训后上岗",
    "Missing input: the {role}'s appointment date is not recorded, so whether training "
    "came first is unknown",
)


@attrs.frozen(kw_only=True)
class TrainingBeforeStart(_TrainingRule):
    """A worker of ``role`` in post on the day judged passed a training (``passed`` true) dated
    on or before their appointment day, organised at one of the ``organisers`` levels if the
    rule names that parameter.

    The requirement flag (``required``) and the organiser levels are those in force on the
    appointment day, which is also the finding's day. Appointment date unknown: missing input
    (on the day judged). No passing training but one whose result is not recorded: missing
    input. Workers not in post on the day judged get no finding.
    """

    def evaluate(self, subject: Worker, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per worker of the role."""
        if subject.role is not self.role:
            return
        day = judged_day(env)
        if subject.in_post_on(day) is False:
            return
        start = subject.appointed_on
        if start is None:
            yield env.finding(
                self,
                subject,
                Outcome.MISSING_INPUT,
                _NO_START.format(**self._who()),
                day=day,
            )
            return
        gate = check_required(self, subject, env, start)
        if isinstance(gate, Finding):
            yield gate
            return
        evidence: list[Evidence] = [] if gate is None else [gate]
        levels, found = _organisers(self, subject, env, start, evidence)
        if not found:
            assert self.organisers is not None
            yield missing_parameter(self, subject, env, self.organisers, start, evidence)
            return
        before = [t for t in _counted(subject.trainings, levels) if t.date <= start]
        results = [t.passed for t in before]
        if True in results:
            outcome = Outcome.COMPLIANT
        elif None in results:
            outcome = Outcome.MISSING_INPUT
        else:
            outcome = Outcome.NON_COMPLIANT
        yield env.finding(
            self,
            subject,
            outcome,
            _BEFORE[outcome].format(start=start.isoformat(), **self._who()),
            evidence=evidence,
            day=start,
            facts=tuple(map(_training_fact, before)),
        )


_PER_YEAR = {
    Outcome.COMPLIANT: Message(
        "{role_zh}{year}年参加培训{count}次，不少于{needed}次",
        "The {role} attended {count} training(s) in {year}, at least {needed}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{role_zh}{year}年参加培训{count}次，少于{needed}次",
        "The {role} attended {count} training(s) in {year}, fewer than {needed}",
    ),
}
_NOT_SERVING = Message(
    "缺少输入：{role_zh}的任职日期未记录，无法判断{year}年是否全年在岗",
    "Missing input: the {role}'s appointment date is not recorded, so whether they served "
    "all of {year} is unknown",
)


def _served_whole(worker: Worker, year: Period) -> bool | None:
    first, last = worker.in_post_on(year.start), worker.in_post_on(year.last_day)
    if first is False or last is False:
        return False
    if first is None or last is None:
        return None
    return True


@attrs.frozen(kw_only=True)
class TrainingPerYear(_TrainingRule):
    """A worker of ``role`` who served a whole calendar year attended at least ``per_year``
    trainings dated in it (a ``count`` parameter, as in force on the year's last day),
    organised at one of the ``organisers`` levels if the rule names that parameter.

    Workers appointed or leaving during the year are not judged for it (a new worker's
    training before starting is :class:`TrainingBeforeStart`'s concern). Whether the worker
    served the whole year unknown (appointment date not recorded): missing input.
    """

    per_year: str

    def evaluate(self, subject: Worker, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per judged calendar year."""
        if subject.role is not self.role:
            return
        for year in judged_years(env):
            yield from self._year(subject, env, year)

    def _year(self, subject: Worker, env: RuleContext, year: Period) -> Iterator[Finding]:
        served = _served_whole(subject, year)
        if served is False:
            return
        who = {"year": str(year), **self._who()}
        if served is None:
            yield env.finding(
                self, subject, Outcome.MISSING_INPUT, _NOT_SERVING.format(**who), period=year
            )
            return
        day = year.last_day
        gate = check_required(self, subject, env, day, period=year)
        if isinstance(gate, Finding):
            yield gate
            return
        evidence: list[Evidence] = [] if gate is None else [gate]
        needed = env.lookup(self.per_year, subject.division, day)
        if needed is None:
            yield missing_parameter(self, subject, env, self.per_year, day, evidence, period=year)
            return
        evidence.append(needed.evidence)
        levels, found = _organisers(self, subject, env, day, evidence)
        if not found:
            assert self.organisers is not None
            yield missing_parameter(self, subject, env, self.organisers, day, evidence, period=year)
            return
        attended = [t for t in _counted(subject.trainings, levels) if t.date in year]
        outcome = Outcome.COMPLIANT if len(attended) >= needed.value else Outcome.NON_COMPLIANT
        yield env.finding(
            self,
            subject,
            outcome,
            _PER_YEAR[outcome].format(count=len(attended), needed=needed.value, **who),
            evidence=evidence,
            period=year,
            facts=tuple(map(_training_fact, attended)),
        )


_LENGTH = {
    Outcome.COMPLIANT: Message(
        "{role_zh}{year}年的培训时长均在{bounds_zh}之内",
        "Every training of the {role} in {year} lasted {bounds}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{role_zh}{year}年有{bad}次培训时长不在{bounds_zh}之内",
        "{bad} training(s) of the {role} in {year} did not last {bounds}",
    ),
}


@attrs.frozen(kw_only=True)
class TrainingLength(_TrainingRule):
    """Every training a worker of ``role`` attended in a calendar year (organised at one of
    the ``organisers`` levels if the rule names that parameter) lasted at least ``min_days``
    and at most ``max_days`` days (``days`` parameters as in force on the year's last day;
    the rule names one or both).

    A year without such a training gets no finding (:class:`TrainingPerYear` judges
    attendance).
    """

    min_days: str | None = None
    max_days: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.min_days is None and self.max_days is None:
            raise InvalidValueError("must name min_days, max_days or both", field="min_days")

    def evaluate(self, subject: Worker, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per judged calendar year with a counted training."""
        if subject.role is not self.role:
            return
        for year in judged_years(env):
            yield from self._year(subject, env, year)

    def _year(self, subject: Worker, env: RuleContext, year: Period) -> Iterator[Finding]:
        if not any(t.date in year for t in subject.trainings):
            return
        day = year.last_day
        gate = check_required(self, subject, env, day, period=year)
        if isinstance(gate, Finding):
            yield gate
            return
        evidence: list[Evidence] = [] if gate is None else [gate]
        levels, found = _organisers(self, subject, env, day, evidence)
        if not found:
            assert self.organisers is not None
            yield missing_parameter(self, subject, env, self.organisers, day, evidence, period=year)
            return
        attended = [t for t in _counted(subject.trainings, levels) if t.date in year]
        if not attended:
            return
        bounds: dict[str, int] = {}
        for key, name in (("min", self.min_days), ("max", self.max_days)):
            if name is None:
                continue
            value = env.lookup(name, subject.division, day)
            if value is None:
                yield missing_parameter(self, subject, env, name, day, evidence, period=year)
                return
            evidence.append(value.evidence)
            bounds[key] = value.value
        low, high = bounds.get("min"), bounds.get("max")
        bad = [
            t
            for t in attended
            if (low is not None and t.days < low) or (high is not None and t.days > high)
        ]
        if low is not None and high is not None:
            words, words_zh = f"{low} to {high} days", f"{low}至{high}天"
        elif low is not None:
            words, words_zh = f"at least {low} days", f"不少于{low}天"
        else:
            words, words_zh = f"at most {high} days", f"不超过{high}天"
        outcome = Outcome.NON_COMPLIANT if bad else Outcome.COMPLIANT
        yield env.finding(
            self,
            subject,
            outcome,
            _LENGTH[outcome].format(
                year=str(year), bad=len(bad), bounds=words, bounds_zh=words_zh, **self._who()
            ),
            evidence=evidence,
            period=year,
            facts=tuple(map(_training_fact, attended)),
        )
