"""Contact planning: which children each worker still has to contact this month.

:func:`plan` reads a registry one child file at a time and, for every
:class:`~careprotect.rules.contact.ContactFrequency` rule in scope for the child, works out the
contacts due in the month: how many the rule requires, how many already count, how many are
still due, and the child's last contact. It keeps only the due entries, grouped by worker.

**Which rule periods.** Every period of the rule's kind that overlaps the month, when the child
qualifies under the rule on at least one day of that overlap: the month itself for a monthly
rule, each ISO week touching the month for a weekly rule (a week straddling two months
appears in both months' plans), the quarter or year containing the month for longer rules.
The number required is the rule's pro-rata requirement for the *whole* period, from the facts
on file (a child's category may end later in the period); the contacts counted are those of
the period up to the month's end.

**Who is responsible.** For a child qualifying through a category or a programme: the child
director (role ``child_director``) whose division is the child's village and who is in post
(or whose appointment date is unknown) on the last day of the month the child qualifies. For
a child qualifying through a pairing scheme: the paired worker(s) on the last day of the month
the child is paired. A child with no such worker is listed in a plan with ``worker_id`` None
(sorted last), never dropped.

**Missing input.** When the requirement cannot be computed (no value of the rule's parameter,
or a category that cannot be decided), the entry is listed with ``required`` and
``still_due`` None: the child may be due, and the audit's finding says what is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator

import attrs

from careprotect.divisions import Division
from careprotect.engine import Engine, Registration
from careprotect.enums import WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.faults import failure
from careprotect.findings import Outcome
from careprotect.io import RegistryStream
from careprotect.masking import mask_name, scrub
from careprotect.model import Child, ReferenceData, Registry, Worker
from careprotect.periods import Period, PeriodKind, iter_periods
from careprotect.rules.base import RuleContext
from careprotect.rules.contact import ContactFrequency, QualifyingSpan

__all__ = ["DueContact", "WorkerPlan", "plan"]

_ONE_DAY = dt.timedelta(days=1)


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


def _sources(source: Registry | RegistryStream) -> tuple[ReferenceData, Iterable[Child]]:
    if isinstance(source, Registry):
        return source.reference, source.children
    return source.reference, source.children()


class _Directors:
    """Child directors by village, from the reference data."""

    def __init__(self, reference: ReferenceData) -> None:
        self._by: dict[Division, list[Worker]] = {}
        for w in reference.workers:
            if w.role is WorkerRole.CHILD_DIRECTOR:
                self._by.setdefault(w.division, []).append(w)

    def on(self, village: Division, day: dt.date) -> set[str]:
        """The ids of the village's child directors in post (or not known not to be) on
        ``day``."""
        return {w.id for w in self._by.get(village, ()) if w.in_post_on(day) is not False}


def _responsible(
    spans: tuple[QualifyingSpan, ...],
    start: dt.date,
    end: dt.date,
    child: Child,
    directors: _Directors,
) -> set[str]:
    """Who answers for the child over ``[start, end)``: the village's director on the last day
    the child qualifies openly (or is undecided), and the paired workers on the last day the
    child is paired."""
    inside = [c for s in spans if (c := s.clip(start, end)) is not None]
    workers: set[str] = set()
    open_days = [s.end for s in inside if s.open or s.undecided]
    if open_days:
        workers |= directors.on(child.division, max(open_days) - _ONE_DAY)
    paired = [s for s in inside if s.paired]
    if paired:
        workers |= max(paired, key=lambda s: s.end).paired
    return workers


def _due(
    child: Child,
    rules: Iterable[tuple[Registration, ContactFrequency, RuleContext]],
    month: Period,
    directors: _Directors,
    reveal: bool,
) -> Iterator[tuple[str | None, DueContact]]:
    last = child.last_contact_before(month.end)
    # What every entry of the child says, whatever the rule found.
    entry_of = functools.partial(
        DueContact,
        child_id=child.id if reveal else scrub(child.id),
        child_name=child.name if reveal else mask_name(child.name),
        village=child.division,
        last_contact=last.date if last is not None else None,
    )
    for registered, rule, env in rules:
        if not registered.applies_to(child.division):
            continue
        try:
            due = list(_rule_due(child, rule, env, month, directors))
        except Exception as exc:  # a rule that fails for one child: the others go on
            failed = entry_of(
                rule=registered.id,
                period=month,
                required=None,
                counted=0,
                still_due=None,
                error=failure(exc, reveal=reveal),
            )
            yield None, failed
            continue
        for workers, period, required, counted, still in due:
            entry = entry_of(
                rule=rule.id, period=period, required=required, counted=counted, still_due=still
            )
            responsible: list[str | None] = [*sorted(workers)] or [None]
            for worker in responsible:
                yield worker, entry


def _rule_due(
    child: Child, rule: ContactFrequency, env: RuleContext, month: Period, directors: _Directors
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
            _responsible(a.spans, lo, hi, child, directors),
            period,
            a.required,
            len(a.counted),
            still,
        )


def plan(
    engine: Engine, source: Registry | RegistryStream, month: Period, *, reveal: bool = False
) -> Iterator[WorkerPlan]:
    """Each worker's contacts still due in ``month`` under the contact-frequency rules.

    :param engine: the engine whose registered :class:`ContactFrequency` rules apply (each
        to the children within its scope).
    :param source: a registry in memory, or an open :class:`~careprotect.RegistryStream`
        (read once, one child file at a time).
    :param month: a month (:class:`~careprotect.Period` of kind month).
    :param reveal: show children's ids and names unmasked (default: masked).
    :return: one :class:`WorkerPlan` per worker with something due, by worker id, then the
        plan of children with no responsible worker found, if any.
    """
    if not isinstance(month, Period) or month.kind is not PeriodKind.MONTH:
        raise InvalidValueError(
            f"must be a month period such as 2020-06 (got {month!r})", field="month"
        )
    reference, children = _sources(source)
    rules = [
        (
            r,
            r.item,
            RuleContext(
                engine, reference=reference, citations=r.citations, plugin=r.plugin, period=month
            ),
        )
        for r in engine.rules
        if isinstance(r.item, ContactFrequency)
    ]
    directors = _Directors(reference)
    by_worker: dict[str | None, list[tuple[tuple[str, str, str, Period], DueContact]]] = {}
    for child in children:
        for worker, entry in _due(child, rules, month, directors, reveal):
            key = (child.division.code12, child.id, entry.rule, entry.period)
            by_worker.setdefault(worker, []).append((key, entry))
    for worker_id in sorted(by_worker, key=lambda w: (w is None, w or "")):
        entries = sorted(by_worker[worker_id], key=lambda pair: pair[0])
        known = reference.worker(worker_id) if worker_id is not None else None
        name = ""
        if known is not None:
            name = known.name if reveal else mask_name(known.name)
        yield WorkerPlan(
            worker_id=worker_id if reveal or worker_id is None else scrub(worker_id),
            worker_name=name,
            month=month,
            due=tuple(entry for _, entry in entries),
        )
