"""Contact planning: which children each worker still has to contact this month.

:func:`careprotect.pipeline.plan` reads a registry one child file at a
time (the pipeline's runner, :mod:`careprotect.pipeline`) and, for every contact rule in scope
for the child (:class:`PlannedContactRule`: every rule that assesses the contacts workers owe a
child period by period, :class:`~careprotect.rules.contact.ContactFrequency` and any plugin's
rule of the same form), works out here (:func:`due`) the contacts due in the month: how many
the rule requires, how many already count, how many are still due, and the child's last
contact. :func:`plans` keeps only the due entries, grouped by worker. A rule on the contacts
of others than workers (the parents' weekly contacts of
:class:`~careprotect.rules.guardianship.ParentContactFrequency`) is not a worker's task and
is not planned.

**Which rule periods.** Every period of the rule's kind that overlaps the month, when the child
qualifies under the rule on at least one day of that overlap: the month itself for a monthly
rule, each ISO week touching the month for a weekly rule (a week straddling two months
appears in both months' plans), the quarter or year containing the month for longer rules.
The number required is the rule's pro-rata requirement for the *whole* period, from the facts
on file (a child's category may end later in the period); the contacts counted are those of
the period up to the month's end.

**Who is responsible.** Only a worker whose contacts count under the rule: one of the rule's
``roles`` when it names some. For a child qualifying through a category or a programme: the
workers of the rule's roles (child directors, role ``child_director``, when the rule names
none) whose division is the child's village and who are in post (or whose appointment date is
unknown) on the last day of the month the child qualifies. For a child qualifying through a
pairing scheme: the paired worker(s) of the rule's roles on the last day of the month the
child is paired. A child with no such worker is listed in a plan with ``worker_id`` None
(sorted last), never dropped.

**Missing input.** When the requirement cannot be computed (no value of the rule's parameter,
or a category that cannot be decided), the entry is listed with ``required`` and
``still_due`` None: the child may be due, and the audit's finding says what is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from careprotect.divisions import Division
from careprotect.enums import WorkerRole
from careprotect.faults import failure
from careprotect.findings import Outcome
from careprotect.masking import mask_name, scrub
from careprotect.model import Child, ReferenceData, Worker
from careprotect.periods import Period, PeriodKind, iter_periods
from careprotect.rules.base import RuleContext
from careprotect.rules.contact import ContactAssessment, QualifyingSpan, Standing, last_paired

__all__ = [
    "DueContact",
    "Planned",
    "PlannedContactRule",
    "VillageWorkers",
    "WorkerPlan",
    "due",
    "is_planned",
    "planned",
    "plans",
]

_ONE_DAY = dt.timedelta(days=1)
_DEFAULT_ROLES = (WorkerRole.CHILD_DIRECTOR,)


@attrs.frozen(kw_only=True)
class DueContact:
    """Contacts due with one child under one rule for one rule period.

    ``child_id`` and ``child_name`` are masked unless the plan was asked to reveal them.
    ``required`` and ``still_due`` are None when the requirement cannot be computed (missing
    input); ``counted`` are the contacts that count so far (up to the month's end);
    ``last_contact`` is the child's latest recorded contact before the month's end, whoever
    made it and however. ``error`` says how the rule failed for the child (it raised): the
    entry is then for the whole month, with ``required`` and ``still_due`` None, and listed
    under no worker (see :mod:`careprotect.faults`).
    """

    child_id: str
    child_name: str
    village: Division
    rule: str
    period: Period
    required: int | None
    counted: int
    still_due: int | None
    last_contact: dt.date | None
    error: str = ""


@attrs.frozen(kw_only=True)
class WorkerPlan:
    """A worker's contacts due in ``month``: children by village code, then child id.

    ``worker_id`` None collects the children for whom no responsible worker was found.
    ``worker_id`` and ``worker_name`` are masked unless the plan was asked to reveal them
    (the name always, the id when it holds an ID number).
    """

    worker_id: str | None
    worker_name: str
    month: Period
    due: tuple[DueContact, ...]


@runtime_checkable
class PlannedContactRule(Protocol):
    """A rule on the contacts workers owe a child, period by period, that a plan can ask:
    its ``period`` kind, the worker ``roles`` whose contacts count (none: any worker's), the
    child's :meth:`standing` over a range and the :meth:`assess` of one period (see
    :class:`~careprotect.rules.contact.ContactFrequency`)."""

    id: str
    period: PeriodKind
    roles: tuple[WorkerRole, ...]

    def standing(self, child: Child, start: dt.date, end: dt.date, env: RuleContext) -> Standing:
        """The child's qualifying spans over ``[start, end)``."""
        ...

    def assess(
        self,
        child: Child,
        period: Period,
        env: RuleContext,
        *,
        until: dt.date | None = None,
        standing: Standing | None = None,
    ) -> ContactAssessment:
        """The contacts required and counted in ``period`` (those before ``until``)."""
        ...


def is_planned(rule: Any) -> bool:
    """Whether a plan lists the contacts due under ``rule`` (a :class:`PlannedContactRule`)."""
    return isinstance(rule, PlannedContactRule)


class VillageWorkers:
    """The workers of the reference data by village and role: who answers for a child of a
    village (the contact plan, and the rectification list)."""

    def __init__(self, reference: ReferenceData) -> None:
        self.by: dict[tuple[Division, WorkerRole], list[Worker]] = {}
        self.roles: dict[str, WorkerRole] = {}
        for w in reference.workers:
            self.by.setdefault((w.division, w.role), []).append(w)
            self.roles[w.id] = w.role

    def on(self, village: Division, roles: Sequence[WorkerRole], day: dt.date) -> set[str]:
        """The ids of the village's workers of ``roles`` in post (or not known not to be) on
        ``day``."""
        return {
            w.id
            for role in roles
            for w in self.by.get((village, role), ())
            if w.in_post_on(day) is not False
        }


def _workers(env: RuleContext) -> VillageWorkers:
    return env.indexed("careprotect.planning.workers", VillageWorkers)


def _responsible(
    spans: tuple[QualifyingSpan, ...],
    start: dt.date,
    end: dt.date,
    child: Child,
    roles: tuple[WorkerRole, ...],
    workers: VillageWorkers,
) -> set[str]:
    """Who answers for the child over ``[start, end)``: the village's workers of ``roles``
    (its child directors when the rule names none) on the last day the child qualifies openly
    (or is undecided), and the paired workers (of ``roles``, if it names some) on the last day
    the child is paired."""
    inside = [c for s in spans if (c := s.clip(start, end)) is not None]
    found: set[str] = set()
    open_days = [s.end for s in inside if s.open or s.undecided]
    if open_days:
        found |= workers.on(child.division, roles or _DEFAULT_ROLES, max(open_days) - _ONE_DAY)
    found |= {w for w in last_paired(inside) if not roles or workers.roles.get(w) in roles}
    return found


Due = tuple[str | None, DueContact]
"""An entry of a plan: the worker responsible (None: none found) and the contacts due."""

Planned = tuple[str | None, tuple[str, str, str, Period], DueContact]
"""An entry of a plan as a run gives it: the worker responsible (None: none found), where it
sorts in the worker's plan (the child's 12-digit division code and id, the rule, the
period), and the contacts due. It holds no child, so that it travels light from a worker."""


def planned(child: Child, found: Iterable[Due]) -> list[Planned]:
    """The entries ``found`` of ``child``'s plan, each with where it sorts."""
    return [
        (worker, (child.division.code12, child.id, entry.rule, entry.period), entry)
        for worker, entry in found
    ]


def due(
    child: Child,
    rules: Iterable[tuple[Any, RuleContext, str]],
    month: Period,
    reveal: bool,
) -> list[Due]:
    """The entries of ``child`` in the plan of ``month``: for each of ``rules`` (those in
    scope of the child, each a :class:`PlannedContactRule` with its context and id), each
    rule period in which contacts are still due, under each worker responsible. A rule that
    raises gives one entry with its error, under no worker (the other rules go on)."""
    last = child.last_contact_before(month.end)
    # What every entry of the child says, whatever the rule found.
    entry_of = functools.partial(
        DueContact,
        child_id=child.id if reveal else scrub(child.id),
        child_name=child.name if reveal else mask_name(child.name),
        village=child.division,
        last_contact=last.date if last is not None else None,
    )
    entries: list[Due] = []
    for rule, env, rule_id in rules:
        try:
            found = list(_rule_due(child, rule, env, month, _workers(env)))
        except Exception as exc:  # a rule that fails for one child: the others go on
            failed = entry_of(
                rule=rule_id,
                period=month,
                required=None,
                counted=0,
                still_due=None,
                error=failure(exc, reveal=reveal),
            )
            entries.append((None, failed))
            continue
        for responsible, period, required, counted, still in found:
            entry = entry_of(
                rule=rule.id, period=period, required=required, counted=counted, still_due=still
            )
            workers: list[str | None] = [*sorted(responsible)] or [None]
            entries.extend((worker, entry) for worker in workers)
    return entries


def _rule_due(
    child: Child, rule: PlannedContactRule, env: RuleContext, month: Period, workers: VillageWorkers
) -> Iterator[tuple[set[str], Period, int | None, int, int | None]]:
    """For each period of ``rule`` in which ``child`` is due a contact in ``month``: who is
    responsible, the period, the contacts required, counted and still due."""
    periods = list(iter_periods(rule.period, month.start, month.last_day))
    standing = rule.standing(child, periods[0].start, periods[-1].end, env)
    for period in periods:
        a = rule.assess(child, period, env, until=month.end, standing=standing)
        lo, hi = max(period.start, month.start), min(period.end, month.end)
        here = [c for s in a.spans if (c := s.clip(lo, hi)) is not None]
        if not any(s.qualifies or s.undecided for s in here):
            continue
        if a.outcome is Outcome.NOT_APPLICABLE:
            continue
        still: int | None = None
        if a.required is not None:
            still = max(0, a.required - len(a.counted))
            if still == 0:
                continue
        yield (
            _responsible(a.spans, lo, hi, child, rule.roles, workers),
            period,
            a.required,
            len(a.counted),
            still,
        )


def plans(
    entries: Iterable[Planned],
    reference: ReferenceData,
    month: Period,
    reveal: bool,
) -> Iterator[WorkerPlan]:
    """The plans of the children's ``entries`` (see :func:`planned`): one
    :class:`WorkerPlan` per worker with something due, by worker id, then the plan of
    children with no responsible worker found, if any."""
    by_worker: dict[str | None, list[tuple[tuple[str, str, str, Period], DueContact]]] = {}
    for worker, key, entry in entries:
        by_worker.setdefault(worker, []).append((key, entry))
    for worker_id in sorted(by_worker, key=lambda w: (w is None, w or "")):
        ordered = sorted(by_worker[worker_id], key=lambda pair: pair[0])
        known = reference.worker(worker_id) if worker_id is not None else None
        name = ""
        if known is not None:
            name = known.name if reveal else mask_name(known.name)
        yield WorkerPlan(
            worker_id=worker_id if reveal or worker_id is None else scrub(worker_id),
            worker_name=name,
            month=month,
            due=tuple(entry for _, entry in ordered),
        )
