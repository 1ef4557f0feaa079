"""Contact frequency: how often the children of a list must be contacted (POLICY.md §4).

No national frequency was found, so every contact rule comes from a plugin, as an instance of
:class:`ContactFrequency` configured with the plugin's parameters:

- **who**: the children in any of ``categories`` (category ids such as ``left_behind``),
  enrolled in any of ``programmes`` (:attr:`Enrolment.programme <careprotect.Enrolment>`),
  or paired under any of ``schemes`` (:attr:`Pairing.scheme <careprotect.Pairing>`; under a
  scheme only the paired worker's contacts count);
- **how**: the contact ``modes`` that count, optionally only by workers of some ``roles``,
  optionally only contacts whose record covers every topic of the ``topics`` parameter;
- **how often**: at least ``min_count`` (a parameter, unit ``count``) per calendar ``period``
  (ISO week, month, quarter or year).

The semantics are documented in ``docs/rules-contact.md``; in short: a period is judged when
the child qualifies on at least one of its days; contacts count only on qualifying days, one
per day; the number required is the pro-rata share ``min_count * qualifying_days /
period_days`` rounded half up, so a whole period requires exactly ``min_count``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

import attrs

from careprotect.enums import ContactMode, Topic, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Measure, Message, Outcome, Remedy, SubjectKind
from careprotect.masking import scrub
from careprotect.model import Child, Contact
from careprotect.params import Evidence, Unit
from careprotect.periods import Period, PeriodKind
from careprotect.rules.base import Membership, RuleContext
from careprotect.rules.common import (
    check_period_kind,
    enum_words,
    non_empty_tuple_of,
    periods_judged,
    short_by,
)
from careprotect.rules.mechanism import (
    Compliance,
    category_field,
    no_value_message,
    parameter_field,
)

__all__ = [
    "ContactAssessment",
    "ContactFrequency",
    "QualifyingSpan",
    "Standing",
    "last_paired",
    "required_share",
]

_ONE_DAY = dt.timedelta(days=1)


def required_share(min_count: int, qualifying_days: int, period_days: int) -> int:
    """The contacts required of a period the child qualified on ``qualifying_days`` of its
    ``period_days``: ``min_count * qualifying_days / period_days`` rounded half up, in exact
    integer arithmetic. A whole period gives ``min_count``; a share below one half gives 0.

    >>> required_share(2, 30, 30), required_share(2, 16, 30), required_share(2, 7, 30)
    (2, 1, 0)
    """
    if period_days <= 0 or not 0 <= qualifying_days <= period_days or min_count < 0:
        raise InvalidValueError(
            f"needs 0 <= qualifying days <= period days and a count of at least 0 "
            f"(got {min_count}, {qualifying_days}, {period_days})"
        )
    return (2 * min_count * qualifying_days + period_days) // (2 * period_days)


def _span(start: dt.date, end: dt.date) -> str:
    """A half-open range written with its inclusive last day."""
    return f"{start.isoformat()}..{(end - _ONE_DAY).isoformat()}"


def _contact(c: Contact) -> str:
    return f"{c.date.isoformat()} {c.mode.value}"


def _contact_key(c: Contact) -> tuple[dt.date, str, str, tuple[str, ...]]:
    return (c.date, c.worker, c.mode.value, tuple(sorted(t.value for t in c.topics)))


@attrs.frozen
class QualifyingSpan:
    """Days ``[start, end)`` over which a child's standing under a rule is constant.

    ``open`` is true while the child qualifies through a category or a programme (any
    worker's contacts count); ``paired`` holds the workers paired with the child under one of
    the rule's schemes (their contacts count); ``undecided`` is true while the child does not
    qualify openly and a category cannot be decided (missing input).
    """

    start: dt.date
    end: dt.date
    open: bool
    paired: frozenset[str]
    undecided: bool

    @property
    def qualifies(self) -> bool:
        """Whether the child qualifies on these days (through any route)."""
        return self.open or bool(self.paired)

    @property
    def days(self) -> int:
        """The number of days of the span."""
        return (self.end - self.start).days

    def clip(self, start: dt.date, end: dt.date) -> QualifyingSpan | None:
        """The part of the span inside ``[start, end)``, or None."""
        lo, hi = max(self.start, start), min(self.end, end)
        return attrs.evolve(self, start=lo, end=hi) if lo < hi else None


@attrs.frozen
class _Source:
    """One reason for a child's standing over ``[start, end)``: a category span (member or
    undecided), an enrolment, a pairing."""

    label: str
    start: dt.date
    end: dt.date
    note: str = ""

    def fact(self, period: Period) -> str | None:
        part = period.overlap(self.start, self.end)
        if part is None:
            return None
        return f"{self.label} {_span(*part)}{self.note}"


@attrs.frozen
class Standing:
    """A child's standing under a rule over a range of days: maximal spans of constant
    standing, and the facts (category spans, enrolments, pairings) behind them."""

    spans: tuple[QualifyingSpan, ...]
    sources: tuple[_Source, ...] = attrs.field(repr=False)

    def facts(self, period: Period) -> tuple[str, ...]:
        """The facts behind the standing, clipped to ``period``."""
        return tuple(f for s in self.sources if (f := s.fact(period)) is not None)


@attrs.frozen(kw_only=True)
class ContactAssessment:
    """A child's standing under a :class:`ContactFrequency` rule for one period.

    ``outcome`` is None when the child qualifies on no day of the period and no day is
    undecided (nothing to judge). ``required`` is None when it cannot be computed (missing
    input). ``counted`` are the counting contacts, one per day; ``uncertain`` those that
    would count if their worker's role were known.
    """

    period: Period
    outcome: Outcome | None
    message: Message
    spans: tuple[QualifyingSpan, ...]
    qualifying_days: int
    required: int | None
    counted: tuple[Contact, ...]
    uncertain: tuple[Contact, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    facts: tuple[str, ...] = ()

    def paired_workers(self) -> tuple[str, ...]:
        """The ids of the workers paired with the child under the rule's schemes on the last
        day of the period it is paired (:func:`last_paired`), sorted: whom the rule holds
        answerable for its contacts; none when the child is not paired in the period."""
        return tuple(sorted(last_paired(self.spans)))


def last_paired(spans: Iterable[QualifyingSpan]) -> frozenset[str]:
    """The workers paired with the child on the last of ``spans`` on which it is paired
    (none when it is paired on none of them)."""
    paired = [s for s in spans if s.paired]
    return max(paired, key=lambda s: s.end).paired if paired else frozenset()


_COMPLIANT = Message(
    "{period}：计入联系 {counted} 次，应不少于 {required} 次",
    "{period}: {counted} contact(s) counted, {required} required",
)
_NON_COMPLIANT = Message(
    "{period}：计入联系 {counted} 次，少于应有的 {required} 次",
    "{period}: {counted} contact(s) counted, fewer than the {required} required",
)
_NONE_REQUIRED = Message(
    "{period}：仅有 {days}/{total} 天属于适用对象，按比例无须联系",
    "{period}: on the list {days} of {total} days; the pro-rata share rounds to no contact",
)
_UNDECIDED = Message(
    "缺少输入：{period}内有 {days} 天无法判断儿童是否属于适用对象",
    "Missing input: whether the child is on the list cannot be decided on {days} day(s) "
    "of {period}",
)
_UNKNOWN_WORKERS = Message(
    "缺少输入：{period}计入联系 {counted} 次，应不少于 {required} 次；另有 {uncertain} 次联系"
    "的工作人员不在参考数据中，无法判断是否计入",
    "Missing input: {period}: {counted} contact(s) counted, {required} required; "
    "{uncertain} more by workers not in the reference data could decide it",
)


def _check_roles(
    instance: ContactFrequency, attribute: attrs.Attribute[tuple[WorkerRole, ...]], value: object
) -> None:
    if not isinstance(value, tuple) or not all(isinstance(r, WorkerRole) for r in value):
        raise InvalidValueError(
            f"must be a tuple of WorkerRole (got {value!r})", field=attribute.name
        )


def _check_names(
    instance: ContactFrequency, attribute: attrs.Attribute[tuple[str, ...]], value: object
) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidValueError(
            f"must be a tuple of non-empty strings (got {value!r})", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class ContactFrequency(Compliance):
    """At least ``min_count`` contacts per ``period`` with each child of a list.

    :param id: the stable rule id.
    :param title: what the rule requires, in Chinese and English.
    :param citations: keys of the registering plugin's citations.
    :param period: the calendar period the count is made over.
    :param min_count: the parameter (unit ``count``) giving the contacts required in a whole
        period; resolved for the child's division on the period's last qualifying day.
    :param modes: the contact modes that count (at least one).
    :param categories: category ids; a child qualifies on a day it is in any of them.
    :param programmes: programme names; a child qualifies while enrolled in any of them.
    :param schemes: pairing schemes; a child qualifies while paired under any of them, and
        then only the paired worker's contacts count.
    :param roles: when given, only contacts by workers of these roles count (the worker is
        looked up in the reference data).
    :param own_village: when true, only contacts by workers recorded in the child's own
        village count (its child director, say, not another village's): the worker is
        looked up as for ``roles``, and one not in the reference data leaves the count
        uncertain.
    :param topics: a parameter (unit ``choices`` of :class:`~careprotect.enums.Topic` values):
        each counting contact's record must cover every topic of its value.
    :param required: a ``flag`` parameter saying when the duty is in force for the child's
        division: a day qualifies only while its value is ``true``. Days on which it is
        ``false`` do not qualify (a duty that starts mid-period is pro-rated like a child who
        joins the list mid-period); days with no value in force are undecided (missing input),
        never read as ``false``.
    """

    period: PeriodKind = attrs.field(validator=check_period_kind)
    min_count: str = parameter_field(Unit.COUNT)
    modes: tuple[ContactMode, ...] = attrs.field(validator=non_empty_tuple_of(ContactMode))
    categories: tuple[str, ...] = category_field(default=())
    programmes: tuple[str, ...] = attrs.field(default=(), validator=_check_names)
    schemes: tuple[str, ...] = attrs.field(default=(), validator=_check_names)
    roles: tuple[WorkerRole, ...] = attrs.field(default=(), validator=_check_roles)
    topics: str | None = parameter_field(Unit.CHOICES, default=None, choices=Topic)
    own_village: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def __attrs_post_init__(self) -> None:
        if not (self.categories or self.programmes or self.schemes):
            raise InvalidValueError(
                f"rule {self.id!r} must name at least one of 'categories', 'programmes' and "
                "'schemes'"
            )

    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    # -- qualification ----------------------------------------------------------------------

    def standing(self, child: Child, start: dt.date, end: dt.date, env: RuleContext) -> Standing:
        """The child's standing under the rule over ``[start, end)`` (days before the birth
        date never qualify)."""
        start = max(start, child.birth_date)
        if start >= end:
            return Standing((), ())
        sources: list[_Source] = []
        members: list[tuple[dt.date, dt.date, Membership]] = []
        for category in self.categories:
            for a, b, m in env.member_spans(child, category, start, end):
                members.append((a, b, m))
                if m.member:
                    sources.append(_Source(category, a, b))
                elif m.member is None:
                    why = f" ({'; '.join(m.facts)})" if m.facts else ""
                    sources.append(_Source(f"{category} undecided", a, b, why))
        enrolled: list[tuple[dt.date, dt.date]] = []
        for e in child.enrolments:
            if e.programme in self.programmes and e.overlaps(start, end):
                a, b = max(e.start, start), min(e.end or end, end)
                enrolled.append((a, b))
                sources.append(_Source(f"programme {e.programme}", a, b))
        paired: list[tuple[dt.date, dt.date, str]] = []
        for p in child.pairings:
            if p.scheme in self.schemes and p.overlaps(start, end):
                a, b = max(p.start, start), min(p.end or end, end)
                paired.append((a, b, p.worker))
                sources.append(_Source(f"scheme {p.scheme} with {scrub(p.worker)}", a, b))
        gates = self._gates(child, start, end, env)
        for a, b, on in gates:
            if on is None:
                sources.append(_Source(f"no value of {self.required} in force", a, b))
            elif not on:
                sources.append(_Source(f"{self.required} is false", a, b))
        points = {start, end}
        points.update(a for a, _, _ in gates)
        points.update(x for a, b, _ in members for x in (a, b))
        points.update(x for a, b in enrolled for x in (a, b))
        points.update(x for a, b, _ in paired for x in (a, b))
        ordered = sorted(points)
        spans: list[QualifyingSpan] = []
        for a, b in itertools.pairwise(ordered):
            here = [m for x, y, m in members if x <= a < y]
            is_open = any(m.member for m in here) or any(x <= a < y for x, y in enrolled)
            workers = frozenset(w for x, y, w in paired if x <= a < y)
            undecided = not is_open and any(m.member is None for m in here)
            on = next((g for x, y, g in gates if x <= a < y), True)
            if on is not True:
                undecided = on is None and (is_open or bool(workers) or undecided)
                is_open, workers = False, frozenset()
            last = spans[-1] if spans else None
            if last is not None and (last.open, last.paired, last.undecided) == (
                is_open,
                workers,
                undecided,
            ):
                spans[-1] = attrs.evolve(last, end=b)
            else:
                spans.append(QualifyingSpan(a, b, is_open, workers, undecided))
        return Standing(tuple(spans), tuple(sources))

    def _gates(
        self, child: Child, start: dt.date, end: dt.date, env: RuleContext
    ) -> list[tuple[dt.date, dt.date, bool | None]]:
        """The spans of ``[start, end)`` over which the ``required`` flag is constant, with
        its value (None: no value in force); empty when the rule names no flag."""
        if self.required is None:
            return []
        points = {start}
        points.update(
            v.effective
            for v in env.engine.parameters.values(self.required)
            if start < v.effective < end
        )
        ordered = sorted(points)
        gates: list[tuple[dt.date, dt.date, bool | None]] = []
        for i, a in enumerate(ordered):
            b = ordered[i + 1] if i + 1 < len(ordered) else end
            found = env.lookup(self.required, child.division, a)
            on = None if found is None else bool(found.value)
            if gates and gates[-1][2] is on:
                gates[-1] = (gates[-1][0], b, on)
            else:
                gates.append((a, b, on))
        return gates

    # -- counting ---------------------------------------------------------------------------

    def _count(
        self,
        child: Child,
        spans: Sequence[QualifyingSpan],
        start: dt.date,
        end: dt.date,
        required_topics: frozenset[str],
        env: RuleContext,
    ) -> tuple[list[Contact], list[Contact], list[str]]:
        """The counting contacts (one per day), the uncertain ones (worker unknown, on days
        nothing else counts), and a fact for every contact of the range that does not count."""
        counted: dict[dt.date, Contact] = {}
        uncertain: dict[dt.date, Contact] = {}
        dropped: list[str] = []
        for c in sorted(child.contacts_between(start, end), key=_contact_key):
            span = next((s for s in spans if s.start <= c.date < s.end), None)
            if span is None or not span.qualifies:
                dropped.append(f"not counted: {_contact(c)} (not on the list that day)")
                continue
            if c.mode not in self.modes:
                dropped.append(f"not counted: {_contact(c)} (mode does not count)")
                continue
            if not span.open and c.worker not in span.paired:
                dropped.append(
                    f"not counted: {_contact(c)} (by {scrub(c.worker)}, not the paired worker)"
                )
                continue
            lacking = sorted(required_topics - {t.value for t in c.topics})
            if lacking:
                dropped.append(f"not counted: {_contact(c)} (record lacks {', '.join(lacking)})")
                continue
            if self.roles or self.own_village:
                worker = env.reference.worker(c.worker)
                if worker is None:
                    if c.date not in counted and c.date not in uncertain:
                        uncertain[c.date] = c
                    unknown = scrub(c.worker)
                    dropped.append(
                        f"not counted: {_contact(c)} (worker {unknown} not in the reference data)"
                    )
                    continue
                if self.roles and worker.role not in self.roles:
                    dropped.append(
                        f"not counted: {_contact(c)} (by a {worker.role.value}, a role that "
                        "does not count)"
                    )
                    continue
                if self.own_village and worker.division != child.division:
                    dropped.append(
                        f"not counted: {_contact(c)} (by a worker of {worker.division}, not of "
                        "the child's village)"
                    )
                    continue
            if c.date in counted:
                dropped.append(f"not counted: {_contact(c)} (same day as a counted contact)")
                continue
            counted[c.date] = c
            uncertain.pop(c.date, None)
        return list(counted.values()), list(uncertain.values()), dropped

    # -- judging ----------------------------------------------------------------------------

    def assess(
        self,
        child: Child,
        period: Period,
        env: RuleContext,
        *,
        until: dt.date | None = None,
        standing: Standing | None = None,
    ) -> ContactAssessment:
        """The child's standing for ``period``.

        :param until: count only contacts before this day (exclusive); the number required
            is still that of the whole period. A contact plan
            (:func:`careprotect.pipeline.plan`) uses it.
        :param standing: the child's :meth:`standing` over a range covering ``period``, to
            compute it once for many periods.
        """
        if standing is None:
            standing = self.standing(child, period.start, period.end, env)
        spans = tuple(
            c for s in standing.spans if (c := s.clip(period.start, period.end)) is not None
        )
        facts = list(standing.facts(period))
        name = str(period)
        qualifying = sum(s.days for s in spans if s.qualifies)
        undecided = sum(s.days for s in spans if s.undecided)
        base = ContactAssessment(
            period=period,
            outcome=None,
            message=Message("", ""),
            spans=spans,
            qualifying_days=qualifying,
            required=None,
            counted=(),
            facts=tuple(facts),
        )
        if not qualifying and not undecided:
            return base
        if undecided:
            return attrs.evolve(
                base,
                outcome=Outcome.MISSING_INPUT,
                message=_UNDECIDED.format(period=name, days=undecided),
            )
        last = max(s.end for s in spans if s.qualifies) - _ONE_DAY
        evidence: list[Evidence] = []
        required_topics: frozenset[str] = frozenset()
        for parameter in (self.min_count, self.topics, self.required):
            if parameter is None:
                continue
            found = env.lookup(parameter, child.division, last)
            if found is None:
                return attrs.evolve(
                    base,
                    outcome=Outcome.MISSING_INPUT,
                    message=no_value_message(parameter, child.division, last),
                    evidence=tuple(evidence),
                    facts=(*facts, f"no value of {parameter} in force on {last.isoformat()}"),
                )
            evidence.append(found.evidence)
            if parameter == self.topics:
                required_topics = frozenset(str(t) for t in found.value)
        min_count = int(evidence[0].value)
        required = required_share(min_count, qualifying, period.days)
        facts.append(
            f"required: {min_count} x {qualifying}/{period.days} days, rounded half up = {required}"
        )
        end = period.end if until is None else max(period.start, min(period.end, until))
        counted, uncertain, dropped = self._count(
            child, spans, period.start, end, required_topics, env
        )
        n = len(counted)
        listed = ", ".join(_contact(c) for c in counted)
        noun = "contact" if n == 1 else "contacts"
        facts.append(f"{n} {noun} counted" + (f": {listed}" if listed else ""))
        facts.extend(dropped)
        values = {"period": name, "counted": n, "required": required}
        if required == 0:
            outcome = Outcome.NOT_APPLICABLE
            message = _NONE_REQUIRED.format(period=name, days=qualifying, total=period.days)
        elif n >= required:
            outcome, message = Outcome.COMPLIANT, _COMPLIANT.format(**values)
        elif n + len(uncertain) >= required:
            outcome = Outcome.MISSING_INPUT
            message = _UNKNOWN_WORKERS.format(**values, uncertain=len(uncertain))
        else:
            outcome, message = Outcome.NON_COMPLIANT, _NON_COMPLIANT.format(**values)
        return attrs.evolve(
            base,
            outcome=outcome,
            message=message,
            required=required,
            counted=tuple(counted),
            uncertain=tuple(uncertain),
            evidence=tuple(evidence),
            facts=tuple(facts),
        )

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """One finding per judged period in which the child qualifies on at least one day (or
        cannot be decided); nothing for the periods in which the child never qualifies."""
        periods = periods_judged(env, self.period)
        if not periods:
            return
        standing = self.standing(subject, periods[0].start, periods[-1].end, env)
        for period in periods:
            a = self.assess(subject, period, env, standing=standing)
            if a.outcome is None:
                continue
            measure = None if a.required is None else Measure(len(a.counted), a.required)
            yield env.finding(
                self,
                subject,
                a.outcome,
                a.message,
                evidence=a.evidence,
                period=period,
                facts=a.facts,
                measure=measure,
                responsible=a.paired_workers(),
            )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """The contacts still short in the finding's period, by the modes and roles that
        count: "1 more contact (home visit) in 2024-12"."""
        short = short_by(finding)
        if short is None or finding.period is None:
            return None
        modes = enum_words(self.modes, zh_joint="或", en_joint=" or ")
        by = enum_words(self.roles, zh_joint="或", en_joint=" or ") if self.roles else None
        return Remedy(
            Message(
                f"{finding.period}内再联系 {short} 次（{modes.zh}"
                + (f"，由{by.zh}" if by else "")
                + "）",
                f"{short} more contact(s) ({modes.en}"
                + (f", by a {by.en}" if by else "")
                + f") in {finding.period}",
            )
        )
