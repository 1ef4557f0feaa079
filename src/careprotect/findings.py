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
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from careprotect.divisions import Division
from careprotect.params import Citation, Evidence, Status, weakest
from careprotect.periods import Period

__all__ = ["Finding", "Message", "Outcome", "Subject", "SubjectKind", "Summary", "rests_on"]


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


@attrs.frozen(kw_only=True)
class Finding:
    """One result of one rule for one subject on a day or over a period."""

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

    @property
    def rests_on(self) -> Status:
        """The weakest status among the finding's citations and its evidence's citations
        (:func:`rests_on`)."""
        return rests_on(self.citations, self.evidence)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the report format of docs/cli.md): each citation as
        :meth:`Citation.as_dict <careprotect.params.Citation.as_dict>` gives it, and
        ``rests_on``, the weakest status of the citations and the evidence's citations."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "outcome": self.outcome.value,
            "subject": {"kind": self.subject.kind.value, "id": self.subject.id},
            "division": str(self.division),
            "message": {"zh": self.message.zh, "en": self.message.en},
            "citations": [c.as_dict() for c in self.citations],
            "evidence": [e.as_dict() for e in self.evidence],
            "rests_on": self.rests_on.value,
        }
        if self.subject.name:
            data["subject"]["name"] = self.subject.name
        if self.day is not None:
            data["date"] = self.day.isoformat()
        if self.period is not None:
            data["period"] = str(self.period)
        if self.facts:
            data["facts"] = list(self.facts)
        return data


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
