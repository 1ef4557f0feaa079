"""Findings: the one shape of every result the engine gives.

A finding names the rule (a stable id), the subject (kind, id, masked name), the division, the
day or period judged, the outcome, a message in Chinese and English, the citations, and the
evidence: every parameter used, with its value, effective date, scope and plugin.

What a finding *rests on* (:func:`rests_on`) is the weakest status (confirmed, reported,
assumed) among its citations and the citations of its evidence: an answer is only as sure as
the least sure fact it used.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from careprotect.divisions import Division
from careprotect.parameter_types import Citation, Evidence, Status, weakest
from careprotect.periods import Period

__all__ = [
    "FINDING_FORM",
    "Finding",
    "FindingField",
    "Measure",
    "Message",
    "Outcome",
    "Remedy",
    "Sharing",
    "Subject",
    "SubjectKind",
    "Summary",
    "rests_on",
]


def rests_on(citations: Iterable[Citation], evidence: Iterable[Evidence] = ()) -> Status:
    """The weakest status among ``citations`` and the citations of ``evidence``: what an
    answer resting on them rests on (``confirmed`` when there are none)."""
    statuses = [c.status for c in citations]
    statuses += [e.citation.status for e in evidence]
    return weakest(statuses)


class Outcome(enum.StrEnum):
    """What a rule found. Missing input is never read as compliant or non-compliant; an
    error is the rule itself failing for the subject (it raised, or gave something that is
    not a finding), never a judgement of the subject."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NOT_APPLICABLE = "not_applicable"
    MISSING_INPUT = "missing_input"
    ADVISORY = "advisory"
    ERROR = "error"


class SubjectKind(enum.StrEnum):
    """What a finding is about."""

    CHILD = "child"
    WORKER = "worker"
    SERVICE_POINT = "service_point"
    DIVISION = "division"


@attrs.frozen
class Subject:
    """The subject of a finding. ``name`` is already masked (or empty for a division)."""

    kind: SubjectKind
    id: str
    name: str = ""


@attrs.frozen
class Message:
    """A text in Chinese and English."""

    zh: str
    en: str

    def format(self, **values: Any) -> Message:
        """Both texts with ``{placeholders}`` filled in."""
        return Message(self.zh.format(**values), self.en.format(**values))


Quantity = int | Decimal | tuple[str, ...]
"""What a rule measures: a count, an exact amount (an area in m²), or the items of a list
(facilities, recipients told)."""


@attrs.frozen
class Measure:
    """The figures behind a finding's message, for a reader that acts on them (the
    rectification list, :mod:`careprotect.rectification`): what the rule ``found`` and what
    it ``required``, both counts, both exact amounts, or both tuples of item names (then
    what is required and not found is lacking)."""

    found: Quantity
    required: Quantity


@attrs.frozen
class Remedy:
    """What would make a non-compliant finding compliant, at the smallest measure its rule
    can tell (:meth:`careprotect.rules.mechanism.Mechanism.remedy`): ``what`` in Chinese and
    English, and ``due``, a deadline the rule's parameters give (None: the end of the day or
    period the finding judges)."""

    what: Message
    due: dt.date | None = None


@attrs.frozen(kw_only=True)
class Finding:
    """One result of one rule for one subject on a day or over a period. ``measure`` holds
    the figures the rule judged, when it measures, and ``responsible`` the ids of the workers
    the rule itself holds answerable, when it names them (the workers paired with a child
    under a pairing scheme); neither is part of the report form of :data:`FINDING_FORM`."""

    rule: str
    subject: Subject
    division: Division
    outcome: Outcome
    message: Message
    citations: tuple[Citation, ...]
    evidence: tuple[Evidence, ...] = ()
    day: dt.date | None = None
    period: Period | None = None
    facts: tuple[str, ...] = ()
    measure: Measure | None = None
    responsible: tuple[str, ...] = ()

    @property
    def rests_on(self) -> Status:
        """The weakest status among the finding's citations and its evidence's citations
        (:func:`rests_on`)."""
        return rests_on(self.citations, self.evidence)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the report format of docs/cli.md): the members of
        :data:`FINDING_FORM`, in its order, those it marks optional only when set. Each
        citation is as :meth:`Citation.as_dict <careprotect.params.Citation.as_dict>` gives
        it, and ``rests_on`` is the weakest status of the citations and the evidence's
        citations."""
        data: dict[str, Any] = {}
        for field in FINDING_FORM:
            value = getattr(self, field.attribute)
            if not field.omitted(value):
                data[field.key] = field.json_of(value)
        return data


class Sharing(enum.Enum):
    """How the findings of one run share the value of a member: how often a writer meets the
    same value again, and so how it may keep the value's text to write it once."""

    VALUE = "value"
    """Few values, met again and again, equal values alike (a rule id, an outcome, a day, a
    period)."""
    OBJECT = "object"
    """One object that many findings hold (the message of a rule, filled in alike for many
    subjects): the same object again, not an equal one."""
    ITEMS = "items"
    """A tuple of objects that many findings hold (citations, evidence), in changing
    combinations."""
    SUBJECT = "subject"
    """The same object as the finding before, as long as one subject is judged (a subject's
    findings come together)."""
    UNSHARED = "unshared"
    """Each finding its own value."""


def _same(value: Any) -> Any:
    return value


def _enum_value(value: enum.Enum) -> Any:
    return value.value


def _subject_json(subject: Subject) -> dict[str, str]:
    data = {"kind": subject.kind.value, "id": subject.id}
    if subject.name:
        data["name"] = subject.name
    return data


def _message_json(message: Message) -> dict[str, str]:
    return {"zh": message.zh, "en": message.en}


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen
class FindingField:
    """One member of the JSON form of a finding (:meth:`Finding.as_dict`): its ``key``, the
    :class:`Finding` ``attribute`` it shows, and ``json``, which makes the attribute's value
    JSON-ready (applied to each item when ``items``: the attribute is then a tuple shown as
    a list). An ``optional`` member is left out when the attribute is None or empty.
    ``sharing`` says how findings share the attribute's value, so that a writer knows how it
    may keep the value's text (:class:`careprotect.report.FindingText`)."""

    key: str
    attribute: str
    json: Callable[[Any], Any]
    sharing: Sharing
    items: bool = False
    optional: bool = False

    def omitted(self, value: Any) -> bool:
        """Whether the member is left out of a finding whose attribute is ``value``."""
        return self.optional and (value is None or value == ())

    def json_of(self, value: Any) -> Any:
        """The attribute's ``value``, JSON-ready."""
        if self.items:
            return list(map(self.json, value))
        return self.json(value)


FINDING_FORM: tuple[FindingField, ...] = (
    FindingField("rule", "rule", _same, Sharing.VALUE),
    FindingField("outcome", "outcome", _enum_value, Sharing.VALUE),
    FindingField("subject", "subject", _subject_json, Sharing.SUBJECT),
    FindingField("division", "division", str, Sharing.SUBJECT),
    FindingField("message", "message", _message_json, Sharing.VALUE),
    FindingField("citations", "citations", Citation.as_dict, Sharing.ITEMS, items=True),
    FindingField("evidence", "evidence", Evidence.as_dict, Sharing.ITEMS, items=True),
    FindingField("rests_on", "rests_on", _enum_value, Sharing.VALUE),
    FindingField("date", "day", _iso, Sharing.VALUE, optional=True),
    FindingField("period", "period", _text, Sharing.VALUE, optional=True),
    FindingField("facts", "facts", str, Sharing.UNSHARED, items=True, optional=True),
)
"""The JSON form of a finding, member by member: :meth:`Finding.as_dict` and every report
writer (JSON, CSV, and the table, which reads the JSON) are made from it, so a member is
added or changed here once."""


@attrs.define
class Summary:
    """Counts for an audit: subjects evaluated by kind, findings by rule and outcome, and
    findings by the status they rest on.

    The counts add up: the findings by rule sum to the findings by outcome, and both, and
    the findings by status, to ``findings``.
    """

    subjects: Counter[str] = attrs.field(factory=Counter)
    by_rule: dict[str, Counter[str]] = attrs.field(factory=dict)
    by_status: Counter[str] = attrs.field(factory=Counter)
    """Findings by the status they rest on (:attr:`Finding.rests_on`), by its value."""

    def add(self, finding: Finding) -> None:
        """Count one finding."""
        self.count(finding.rule, finding.outcome, rests_on=finding.rests_on)

    def count(self, rule: str, outcome: Outcome, n: int = 1, *, rests_on: Status) -> None:
        """Count ``n`` findings (one by default) of ``rule`` with ``outcome``, resting on
        ``rests_on``."""
        counts = self.by_rule.get(rule)
        if counts is None:
            counts = self.by_rule[rule] = Counter()
        counts[outcome.value] += n
        self.by_status[rests_on.value] += n

    @property
    def by_outcome(self) -> Mapping[str, int]:
        """Findings by outcome over all rules."""
        total: Counter[str] = Counter()
        for counts in self.by_rule.values():
            total.update(counts)
        return dict(total)

    @property
    def findings(self) -> int:
        """All findings."""
        return sum(self.by_outcome.values())

    @property
    def errors(self) -> int:
        """Findings with outcome error: evaluations of a rule for a subject that failed."""
        return sum(counts[Outcome.ERROR.value] for counts in self.by_rule.values())
