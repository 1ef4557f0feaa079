"""What a rule is, and what it sees while it judges a subject."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs

from careprotect.divisions import Division
from careprotect.findings import Finding, Measure, Message, Outcome, Subject, SubjectKind
from careprotect.masking import mask_name, scrub
from careprotect.model import Child, ReferenceData, ServicePoint, Worker
from careprotect.params import Citation, Evidence, PluginInfo, Resolved
from careprotect.periods import Period

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = [
    "LAST_SUBJECT",
    "CategoryRule",
    "Membership",
    "Rule",
    "RuleContext",
    "RuleKind",
    "revealed",
    "subject_of",
]


class RuleKind(enum.StrEnum):
    """Compliance rules give findings; entitlement rules give amounts."""

    COMPLIANCE = "compliance"
    ENTITLEMENT = "entitlement"


@attrs.frozen(kw_only=True)
class Membership:
    """Whether a child is in a category on a day (None: the input cannot tell), and why."""

    category: str
    member: bool | None
    facts: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


class _Cited(Protocol):
    """What the catalogue shows of every rule and category: its id, title and citations."""

    @property
    def id(self) -> str:
        """A stable id, listed in the catalogue (``left_behind`` for a category)."""
        ...

    @property
    def title(self) -> Message:
        """What the rule requires, or the category's name, in Chinese and English."""
        ...

    @property
    def citations(self) -> tuple[str, ...]:
        """Keys of the plugin's citations the rule rests on, or that define the category."""
        ...


class CategoryRule(_Cited, Protocol):
    """A category of children, defined on (child facts, day)."""

    def evaluate(self, child: Child, day: dt.date, env: RuleContext) -> Membership:
        """Whether ``child`` is in the category on ``day``, with the facts and parameters
        that decide it."""
        ...

    def breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: RuleContext
    ) -> Iterable[dt.date]:
        """Days in ``[start, end)`` on which membership may change (it is constant between
        them): fact starts and ends, birthdays at the age limits, ends of waiting times."""
        ...


class Rule(_Cited, Protocol):
    """A compliance or entitlement rule about one kind of subject."""

    @property
    def kind(self) -> RuleKind:
        """Compliance or entitlement."""
        ...

    @property
    def subject(self) -> SubjectKind:
        """The kind of subject the rule judges."""
        ...

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """The findings for one subject (a Child, Worker, ServicePoint or division record)."""
        ...


def subject_of(
    item: Child | Worker | ServicePoint | Division, *, reveal: bool = False
) -> tuple[Subject, Division]:
    """The subject of a finding about ``item``, and the division it is judged in. The names
    of a child and a worker are masked, and so is any ID number in the id of a child, a
    worker or a service point (:func:`~careprotect.masking.scrub`), unless ``reveal`` is
    true. A service point's name is a place's: only an ID number in it is masked."""
    if isinstance(item, Child):
        if reveal:
            return Subject(SubjectKind.CHILD, item.id, item.name), item.division
        return Subject(SubjectKind.CHILD, scrub(item.id), mask_name(item.name)), item.division
    if isinstance(item, Worker):
        if reveal:
            return Subject(SubjectKind.WORKER, item.id, item.name), item.division
        return Subject(SubjectKind.WORKER, scrub(item.id), mask_name(item.name)), item.division
    if isinstance(item, ServicePoint):
        if reveal:
            return Subject(SubjectKind.SERVICE_POINT, item.id, item.name), item.division
        masked = Subject(SubjectKind.SERVICE_POINT, scrub(item.id), scrub(item.name))
        return masked, item.division
    return Subject(SubjectKind.DIVISION, str(item)), item


LAST_SUBJECT = "careprotect.rules.base.last_subject"
"""The key in a run's memo of the last subject a finding was made about, with its masked
Subject and division (see :meth:`RuleContext.finding`)."""


class _HasSubject(Protocol):
    @property
    def subject(self) -> Subject: ...


_Record = TypeVar("_Record", bound=_HasSubject)
_Index = TypeVar("_Index")


def revealed(record: _Record, item: Child | Worker | ServicePoint | Division) -> _Record:
    """``record`` (a finding or an amount) with its subject shown unmasked, when its subject
    is ``item``'s masked subject; any other record is returned unchanged."""
    if not isinstance(item, Child | Worker | ServicePoint) or record.subject != subject_of(item)[0]:
        return record
    return attrs.evolve(record, subject=subject_of(item, reveal=True)[0])  # type: ignore[misc]


class RuleContext:
    """What a rule sees: the parameters in force, the reference data, the day or period being
    judged, and the categories. One serves one registered rule for one run.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        reference: ReferenceData,
        citations: tuple[Citation, ...] = (),
        plugin: PluginInfo | None = None,
        as_of: dt.date | None = None,
        period: Period | None = None,
        memo: dict[Any, Any] | None = None,
    ) -> None:
        self.engine = engine
        self.memo: dict[Any, Any] = {} if memo is None else memo
        # The findings about one subject share its Subject: the run keeps the last one made
        # (the rules of a run judge one subject after another), in its memo, not the rule.
        self._last: list[Any] = self.memo.setdefault(LAST_SUBJECT, [None, None, None])
        self.reference = reference
        self.citations = citations
        self.plugin = plugin
        self.as_of = as_of
        self.period = period

    def resolve(self, name: str, division: Division | None, day: dt.date) -> Resolved:
        """The value of ``name`` in force for ``division`` on ``day`` (raises ParameterError
        when none is: for a value the rule cannot do without)."""
        return self.engine.parameters.resolve(name, division, day)

    def lookup(self, name: str, division: Division | None, day: dt.date) -> Resolved | None:
        """The value of ``name`` in force for ``division`` on ``day``, or None when none is
        (a missing input for the rule)."""
        return self.engine.parameters.find(name, division, day)

    def indexed(self, key: Hashable, build: Callable[[ReferenceData], _Index]) -> _Index:
        """What ``build`` makes of the run's reference data (an index of it, say), made once
        per run under ``key`` and shared by every rule of the run: the run context, not the
        rule, holds it, so rules stay pure values that engines and threads may share."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = build(self.reference)
        return found

    def member(self, child: Child, category: str, day: dt.date) -> Membership:
        """Whether ``child`` is in ``category`` on ``day``."""
        return self.engine.membership(child, category, day, self.reference)

    def member_spans(
        self, child: Child, category: str, start: dt.date, end: dt.date
    ) -> Iterator[tuple[dt.date, dt.date, Membership]]:
        """Maximal spans ``[a, b)`` within ``[start, end)`` of constant membership."""
        return self.engine.membership_spans(child, category, start, end, self.reference)

    def finding(
        self,
        rule: Rule,
        item: Child | Worker | ServicePoint | Division,
        outcome: Outcome,
        message: Message,
        *,
        evidence: Iterable[Evidence] = (),
        day: dt.date | None = None,
        period: Period | None = None,
        facts: Iterable[str] = (),
        measure: Measure | None = None,
        responsible: tuple[str, ...] = (),
    ) -> Finding:
        """A finding of ``rule`` about ``item``, with the rule's citations (and the figures
        it judged, ``measure``; the workers it holds answerable, ``responsible``)."""
        last = self._last
        if last[0] is not item:
            last[1], last[2] = subject_of(item)
            last[0] = item
        subject, division = last[1], last[2]
        return Finding(
            rule=rule.id,
            subject=subject,
            division=division,
            outcome=outcome,
            message=message,
            citations=self.citations,
            evidence=tuple(evidence),
            day=day,
            period=period,
            facts=tuple(facts),
            measure=measure,
            responsible=responsible,
        )
