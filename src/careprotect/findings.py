"""Findings: the one shape of every result the engine gives.

A finding names the rule (a stable id), the subject (kind, id, masked name), the division, the
day or period judged, the outcome, a message in Chinese and English, the citations, and the
evidence: every parameter used, with its value, effective date, scope and plugin.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from careprotect.divisions import Division
from careprotect.params import Citation, Evidence
from careprotect.periods import Period

__all__ = ["Finding", "Message", "Outcome", "Subject", "SubjectKind", "Summary"]


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

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the report format of docs/findings.md)."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "outcome": self.outcome.value,
            "subject": {"kind": self.subject.kind.value, "id": self.subject.id},
            "division": str(self.division),
            "message": {"zh": self.message.zh, "en": self.message.en},
            "citations": [str(c) for c in self.citations],
            "evidence": [e.as_dict() for e in self.evidence],
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
    """Counts for an audit: subjects evaluated by kind, findings by rule and outcome.

    The counts add up: the findings by rule sum to the findings by outcome, and both to
    ``findings``.
    """

    subjects: Counter[str] = attrs.field(factory=Counter)
    by_rule: dict[str, Counter[str]] = attrs.field(factory=dict)

    def add(self, finding: Finding) -> None:
        """Count one finding."""
        self.count(finding.rule, finding.outcome)

    def count(self, rule: str, outcome: Outcome, n: int = 1) -> None:
        """Count ``n`` findings (one by default) of ``rule`` with ``outcome``."""
        counts = self.by_rule.get(rule)
        if counts is None:
            counts = self.by_rule[rule] = Counter()
        counts[outcome.value] += n

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
