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

from collections.abc import Iterator
from typing import ClassVar

import attrs

from careprotect.enums import OrganiserLevel, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Measure, Message, Outcome, Remedy, SubjectKind
from careprotect.masking import scrub
from careprotect.model import Training, Worker
from careprotect.params import Unit
from careprotect.periods import Period
from careprotect.rules.base import RuleContext
from careprotect.rules.common import ROLE_ZH, english, judged_day, judged_years, short_by
from careprotect.rules.mechanism import Judging, OnDay, parameter_field

__all__ = ["TrainingBeforeStart", "TrainingLength", "TrainingPerYear"]


def _training_fact(t: Training) -> str:
    passed = {True: "passed", False: "failed", None: "result not recorded"}[t.passed]
    return (
        f"training on {t.date.isoformat()} by {t.organiser_level.value} level, "
        f"{scrub(str(t.days))} day(s), {passed}"  # 15 digits or more may be an ID number
    )


@attrs.frozen(kw_only=True)
class _TrainingRule(OnDay):
    role: WorkerRole
    organisers: str | None = parameter_field(Unit.CHOICES, default=None, choices=OrganiserLevel)

    subject: ClassVar[SubjectKind] = SubjectKind.WORKER

    def _who(self) -> dict[str, str]:
        return {"role": english(self.role), "role_zh": ROLE_ZH[self.role]}

    def counted(self, worker: Worker, j: Judging) -> list[Training]:
        """The worker's trainings organised at one of the ``organisers`` levels in force on
        the day (all of them when the rule names no such parameter)."""
        if self.organisers is None:
            return list(worker.trainings)
        levels = frozenset(j.value(self.organisers))
        return [t for t in worker.trainings if t.organiser_level.value in levels]

    def yearly(self, worker: Worker, env: RuleContext) -> Iterator[Finding]:
        """One finding per judged calendar year the rule judges (see :meth:`year`)."""
        if worker.role is not self.role:
            return
        for year in judged_years(env):
            before = self.year(worker, year, env)
            if before is True:
                finding = self.judged(worker, env, year.last_day, year)
                if finding is not None:
                    yield finding
            elif before is not False:
                yield before

    def year(self, worker: Worker, year: Period, env: RuleContext) -> Finding | bool:
        """Whether ``year`` is judged for ``worker``, or the finding to give instead."""
        return True


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
        finding = self.judged(subject, env, start)
        if finding is not None:
            yield finding

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Pass a training assessment before (further) work."""
        role = self._who()
        return Remedy(
            Message(
                f"{role['role_zh']}参加培训并通过考核",
                f"the {role['role']} takes a training and passes its assessment",
            )
        )

    def judge(self, subject: Worker, j: Judging) -> Finding:
        """Judged on the appointment day."""
        before = [t for t in self.counted(subject, j) if t.date <= j.day]
        results = [t.passed for t in before]
        if True in results:
            outcome = Outcome.COMPLIANT
        elif None in results:
            outcome = Outcome.MISSING_INPUT
        else:
            outcome = Outcome.NON_COMPLIANT
        return j.finding(
            outcome,
            _BEFORE[outcome].format(start=j.day.isoformat(), **self._who()),
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

    per_year: str = parameter_field(Unit.COUNT)

    def evaluate(self, subject: Worker, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per judged calendar year."""
        return self.yearly(subject, env)

    def year(self, worker: Worker, year: Period, env: RuleContext) -> Finding | bool:
        """A year the worker served whole; missing input when that is unknown."""
        served = _served_whole(worker, year)
        if served is None:
            message = _NOT_SERVING.format(year=str(year), **self._who())
            return env.finding(self, worker, Outcome.MISSING_INPUT, message, period=year)
        return served

    def judge(self, subject: Worker, j: Judging) -> Finding:
        """The trainings of the year against the count in force on its last day."""
        assert j.period is not None
        needed = j.value(self.per_year)
        attended = [t for t in self.counted(subject, j) if t.date in j.period]
        outcome = Outcome.COMPLIANT if len(attended) >= needed else Outcome.NON_COMPLIANT
        return j.finding(
            outcome,
            _PER_YEAR[outcome].format(
                count=len(attended), needed=needed, year=str(j.period), **self._who()
            ),
            facts=tuple(map(_training_fact, attended)),
            measure=Measure(len(attended), needed),
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """The trainings short in the year judged."""
        short = short_by(finding)
        if short is None or finding.period is None:
            return None
        year = finding.period
        return Remedy(
            Message(f"补充参加{year}年度培训 {short} 次", f"{short} more training(s) for {year}")
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

    min_days: str | None = parameter_field(Unit.DAYS, default=None)
    max_days: str | None = parameter_field(Unit.DAYS, default=None)

    def __attrs_post_init__(self) -> None:
        if self.min_days is None and self.max_days is None:
            raise InvalidValueError("must name min_days, max_days or both", field="min_days")

    def evaluate(self, subject: Worker, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per judged calendar year with a counted training."""
        return self.yearly(subject, env)

    def year(self, worker: Worker, year: Period, env: RuleContext) -> Finding | bool:
        """A year with a training."""
        return any(t.date in year for t in worker.trainings)

    def judge(self, subject: Worker, j: Judging) -> Finding | None:
        """The lengths of the year's trainings against the bounds in force on its last day."""
        year = j.period
        assert year is not None
        attended = [t for t in self.counted(subject, j) if t.date in year]
        if not attended:
            return None
        low = None if self.min_days is None else j.value(self.min_days)
        high = None if self.max_days is None else j.value(self.max_days)
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
        return j.finding(
            outcome,
            _LENGTH[outcome].format(
                year=str(year), bad=len(bad), bounds=words, bounds_zh=words_zh, **self._who()
            ),
            facts=tuple(map(_training_fact, attended)),
        )
