"""The one runner: every run (an audit, an entitlements calculation, a plan) judges the
subjects of a registry, one at a time, by the rules of one kind in scope of each subject.

A :class:`Job` says which rules take part, which kinds of subject they judge, and what a rule
makes of one subject: findings (:class:`FindingsJob`), amounts (:class:`AmountsJob`), or the
contacts workers still owe a child (:class:`PlanJob`). A :class:`Run` is a job over one
registry's reference data: a context per rule, and the rules in scope of each division. The
executors feed it subjects (:meth:`Run.judge`); :func:`each` is the one-process executor.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from careprotect.errors import InvalidPeriodError, InvalidValueError
from careprotect.faults import failure, not_a_finding
from careprotect.findings import Finding, SubjectKind
from careprotect.judging import Evaluations, by_subject, contexts, in_scope, judged
from careprotect.model import Child, ReferenceData, Registry
from careprotect.periods import Period, PeriodKind
from careprotect.planning import Planned, due, is_planned, planned
from careprotect.rules.base import RuleContext, RuleKind, revealed
from careprotect.rules.entitlements import Amount, amount_record, months_of

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.io import RegistryStream

__all__ = [
    "FAILED",
    "AmountsJob",
    "FindingsJob",
    "Job",
    "PlanJob",
    "Run",
    "each",
    "sources",
]

R = TypeVar("R")

FAILED = "the rule failed: "
"""How the ``missing`` reason of a failed Amount starts."""

_ALL = (SubjectKind.DIVISION, SubjectKind.WORKER, SubjectKind.SERVICE_POINT, SubjectKind.CHILD)


class Job(abc.ABC, Generic[R]):
    """What a run makes: which rules take part (:meth:`takes`), which kinds of subject they
    judge, in order (:attr:`subjects`), and what one subject gives (:meth:`judge`)."""

    subjects: ClassVar[tuple[SubjectKind, ...]] = _ALL
    method: ClassVar[str | None] = "evaluate"
    """The rule's method an evaluation holds bound; None: the rule itself."""
    as_of: dt.date | None = None
    period: Period | None = None
    reveal: bool = False

    @abc.abstractmethod
    def takes(self, rule: Any) -> bool:
        """Whether ``rule`` (a registered rule's item) takes part."""

    @abc.abstractmethod
    def judge(self, item: Any, evaluations: Evaluations) -> list[R]:
        """What the rules in scope of ``item`` make of it."""


class FindingsJob(Job[Finding]):
    """An audit: the findings of the compliance rules (see :func:`careprotect.judging.judged`)."""

    def __init__(self, *, as_of: dt.date | None, period: Period | None, reveal: bool) -> None:
        self.as_of, self.period, self.reveal = as_of, period, reveal

    def takes(self, rule: Any) -> bool:
        return rule.kind is RuleKind.COMPLIANCE

    def judge(self, item: Any, evaluations: Evaluations) -> list[Finding]:
        return judged(item, evaluations, self.reveal)


class AmountsJob(Job[Amount]):
    """Entitlements: the amounts of the entitlement rules, month by month over ``period``,
    or over each of a sequence of consecutive periods in turn (the months, quarters and
    years that cover a range), so that each subject's amounts come together, rule by rule.
    A rule that raises, or gives something that is not an Amount, gives one failed Amount
    instead (the other rules and subjects go on)."""

    subjects = (SubjectKind.WORKER, SubjectKind.SERVICE_POINT, SubjectKind.CHILD)
    method = None

    def __init__(self, period: Period | Sequence[Period], *, reveal: bool) -> None:
        self.periods = (period,) if isinstance(period, Period) else tuple(period)
        if not self.periods:
            raise InvalidPeriodError("needs at least one period")
        for each in self.periods:
            months_of(each)
        # The run's context carries the period when there is one (no entitlement rule reads
        # it: each is given its period); a range has none.
        self.period = self.periods[0] if len(self.periods) == 1 else None
        self.reveal = reveal

    def takes(self, rule: Any) -> bool:
        return rule.kind is RuleKind.ENTITLEMENT

    def judge(self, item: Any, evaluations: Evaluations) -> list[Amount]:
        found: list[Amount] = []
        for rule, env, _ in evaluations(item.division):
            found.extend(self._amounts(rule, item, env))
        if self.reveal:
            return [revealed(amount, item) for amount in found]
        return found

    def _amounts(self, rule: Any, item: Any, env: RuleContext) -> list[Amount]:
        try:
            found = [a for period in self.periods for a in rule.amounts(item, period, env)]
        except Exception as exc:
            what = failure(exc, reveal=self.reveal)
        else:
            wrong = next((a for a in found if not isinstance(a, Amount)), None)
            if wrong is None:
                return found
            what = not_a_finding(wrong, "an Amount")
        return [amount_record(rule, item, env, amount=None, missing=FAILED + what, failed=True)]


class PlanJob(Job[Planned]):
    """A contact plan: the contacts due in ``month`` under every contact rule a plan lists
    (:func:`careprotect.planning.is_planned`), child by child."""

    subjects = (SubjectKind.CHILD,)
    method = None

    def __init__(self, month: Period, *, reveal: bool) -> None:
        if not isinstance(month, Period) or month.kind is not PeriodKind.MONTH:
            raise InvalidValueError(
                f"must be a month period such as 2020-06 (got {month!r})", field="month"
            )
        self.period, self.reveal = month, reveal

    def takes(self, rule: Any) -> bool:
        return is_planned(rule)

    def judge(self, item: Child, evaluations: Evaluations) -> list[Planned]:
        assert self.period is not None
        return planned(item, due(item, evaluations(item.division), self.period, self.reveal))


class Run(Generic[R]):
    """``job`` over the registry whose reference data is ``reference``: a context per rule
    taking part (sharing one memo), and the rules in scope of each division."""

    def __init__(self, engine: Engine, job: Job[R], reference: ReferenceData) -> None:
        self._engine = engine
        self.job = job
        self.reference = reference
        rules = by_subject(engine, job.takes)
        self.contexts = contexts(
            engine,
            [r for kind in rules.values() for r in kind],
            reference,
            as_of=job.as_of,
            period=job.period,
        )
        method = job.method
        self.evaluations: dict[SubjectKind, Evaluations] = {
            kind: in_scope(rules.get(kind, []), self.contexts, method) for kind in job.subjects
        }

    def __reduce__(self) -> tuple[Any, ...]:
        """A run pickles as its engine, job and reference data, and is made again where it
        is unpickled (its contexts and memo anew)."""
        return (Run, (self._engine, self.job, self.reference))

    def reference_subjects(self) -> list[tuple[SubjectKind, list[Any]]]:
        """The subjects of the reference data the job judges, by kind, in order (a division
        as its code)."""
        reference = self.reference
        items: dict[SubjectKind, Any] = {
            SubjectKind.DIVISION: [d.code for d in reference.divisions],
            SubjectKind.WORKER: reference.workers,
            SubjectKind.SERVICE_POINT: reference.service_points,
        }
        return [(k, list(items[k])) for k in self.job.subjects if k is not SubjectKind.CHILD]

    def judge(self, kind: SubjectKind, item: Any) -> list[R]:
        """What the job makes of ``item``, a subject of ``kind``."""
        return self.job.judge(item, self.evaluations[kind])


def sources(
    source: Registry | RegistryStream, job: Job[Any], *, read: bool = True
) -> tuple[ReferenceData, Iterable[Child]]:
    """The reference data and the child files of ``source`` (none when ``read`` is false: a
    stream is left unread, for an executor that reads it in parts)."""
    if isinstance(source, Registry):
        return source.reference, source.children
    if not read:
        return source.reference, ()
    return source.reference, source.children()


def each(run: Run[R], children: Iterable[Child]) -> Iterator[tuple[SubjectKind, Any, list[R]]]:
    """The one-process executor: every subject the run judges, in order (the reference
    data's, then ``children``), with its kind and what the job made of it."""
    judge = run.judge
    for kind, items in run.reference_subjects():
        for item in items:
            yield kind, item, judge(kind, item)
    if SubjectKind.CHILD in run.job.subjects:
        evaluations = run.evaluations[SubjectKind.CHILD]
        job_judge = run.job.judge
        for child in children:
            yield SubjectKind.CHILD, child, job_judge(child, evaluations)
