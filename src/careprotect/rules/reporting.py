"""Mandatory reporting under the Minors Protection Law (Art. 11; 高检发〔2020〕9号): a report
of a concern that must be reported goes to one of the authorities the law names (public
security, civil affairs, education), not only to a school, a clinic or a social work station.
See ``docs/rules-guardianship.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar, NamedTuple

import attrs

from careprotect.enums import ReferralTarget, ReportConcern
from careprotect.findings import Finding, Message, Outcome, Remedy, SubjectKind
from careprotect.model import Child, Report
from careprotect.params import Evidence, Unit
from careprotect.periods import Period
from careprotect.rules.base import RuleContext
from careprotect.rules.common import chinese_labels, judged_day
from careprotect.rules.mechanism import Compliance, no_value_message, parameter_field

__all__ = ["TARGET_ZH", "MandatoryReportRecipient"]

TARGET_ZH: Mapping[ReferralTarget, str] = chinese_labels(ReferralTarget)
"""The Chinese name of each recipient of a report or referral."""

_REPORTED = Message(
    "强制报告事项均已向{authorities_zh}报告",
    "Every report of a mandatory-reporting concern went to {authorities}",
)
_WRONG_RECIPIENT = Message(
    "强制报告事项未向公安、民政、教育等有关部门报告：{concerns}",
    "A mandatory-reporting concern was reported to none of the authorities "
    "(public security, civil affairs, education): {concerns}",
)
_UNSURE_RECIPIENT = Message(
    "缺少输入：强制报告事项仅报告给“其他”单位，无法判断是否为有关部门：{concerns}",
    "Missing input: a mandatory-reporting concern was reported only to 'other', which may or "
    "may not be a relevant authority: {concerns}",
)


@attrs.frozen(kw_only=True)
class MandatoryReportRecipient(Compliance):
    """A report of a mandatory-reporting concern goes to a named authority (Minors Protection
    Law Art. 11: "立即向公安、民政、教育等有关部门报告"; 高检发〔2020〕9号).

    The reports judged are those on the child's file dated up to the audit's ``as_of`` day, or
    within its ``period``, on a day the ``required`` flag is true. A report counts when its
    concern is one of the ``concerns`` parameter's values (unit ``choices`` of
    :class:`~careprotect.enums.ReportConcern`) in force that day. Reports of one concern on one
    day are one reporting: it is met when any of them went to one of the ``recipients``
    parameter's values (unit ``choices`` of :class:`~careprotect.enums.ReferralTarget`;
    nationally police, civil affairs and education). A reporting made only to recipients that
    are certainly not authorities (a school, a clinic, a social work station, a professional
    agency) is broken; one made only to ``other`` and such recipients cannot be told (Art. 11's
    "等有关部门" admits other departments) and is *missing input*.

    One finding per child with a reporting to judge: *non-compliant* when any is broken, else
    *missing input* when any cannot be told, else *compliant*. A later report to an authority
    does not mend an earlier one: the law says 立即 (at once).
    """

    required: str = parameter_field(Unit.FLAG)
    recipients: str = parameter_field(Unit.CHOICES, choices=ReferralTarget)
    concerns: str = parameter_field(Unit.CHOICES, choices=ReportConcern)

    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Report the concern to an authority the law names."""
        return Remedy(
            Message(
                "立即向公安、民政、教育等有关部门报告该强制报告事项",
                "report the concern at once to the public security, civil affairs or education "
                "authorities",
            )
        )

    def _window(
        self, env: RuleContext
    ) -> tuple[dt.date | None, dt.date, dt.date | None, Period | None]:
        """The first and last days of the reports judged, and the finding's day or period."""
        if env.period is not None:
            return env.period.start, env.period.last_day, None, env.period
        day = judged_day(env)
        return None, day, day, None

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """At most one finding for the child."""
        first, last, day, period = self._window(env)
        reports = [
            r for r in subject.reports if r.date <= last and (first is None or r.date >= first)
        ]
        if not reports:
            return
        groups: dict[tuple[dt.date, ReportConcern], list[Report]] = {}
        evidence: list[Evidence] = []
        undecided: list[dt.date] = []
        duty: dict[dt.date, _Duty | None] = {}
        for r in sorted(reports, key=lambda r: (r.date, r.concern.value, r.to.value)):
            if r.date not in duty:
                duty[r.date] = self._on(subject, env, r.date)
                if duty[r.date] is None:
                    undecided.append(r.date)
            on = duty[r.date]
            if on is not None and r.concern.value in on.concerns:
                groups.setdefault((r.date, r.concern), []).append(r)
                _add(evidence, on.evidence)
        if undecided:
            facts = [
                f"no value of a mandatory-report parameter in force on {d.isoformat()}"
                for d in undecided
            ]
            message = no_value_message(self.required, subject.division, undecided[0])
            yield env.finding(
                self,
                subject,
                Outcome.MISSING_INPUT,
                message,
                evidence=evidence,
                day=day,
                period=period,
                facts=facts,
            )
            return
        if not groups:
            return
        facts = []
        broken: list[str] = []
        unsure: list[str] = []
        reached: set[ReferralTarget] = set()
        for (when, concern), group in groups.items():
            to = sorted({r.to for r in group}, key=lambda t: t.value)
            label = f"{when.isoformat()} {concern.value} to {', '.join(t.value for t in to)}"
            on = duty[when]
            assert on is not None
            authorities = {t for t in to if t.value in on.recipients}
            if authorities:
                reached |= authorities
                facts.append(f"reported {label}")
            elif ReferralTarget.OTHER in to:
                facts.append(f"reported {label}: whether 'other' is an authority is unknown")
                unsure.append(f"{when.isoformat()} {concern.value}")
            else:
                facts.append(f"reported {label}: none of them an authority")
                broken.append(f"{when.isoformat()} {concern.value}")
        if broken:
            outcome = Outcome.NON_COMPLIANT
            message = _WRONG_RECIPIENT.format(concerns="; ".join(broken))
        elif unsure:
            outcome = Outcome.MISSING_INPUT
            message = _UNSURE_RECIPIENT.format(concerns="; ".join(unsure))
        else:
            named = sorted(reached, key=list(ReferralTarget).index)
            outcome = Outcome.COMPLIANT
            message = _REPORTED.format(
                authorities_zh="、".join(TARGET_ZH[t] for t in named),
                authorities=", ".join(t.value for t in named),
            )
        yield env.finding(
            self,
            subject,
            outcome,
            message,
            evidence=evidence,
            day=day,
            period=period,
            facts=facts,
        )

    def _on(self, child: Child, env: RuleContext, day: dt.date) -> _Duty | None:
        """The duty on ``day`` (no concerns while the flag is false), or None when a
        parameter it needs has no value in force."""
        flag = env.lookup(self.required, child.division, day)
        if flag is None:
            return None
        if not flag.value:
            return _Duty(frozenset(), frozenset(), ())
        recipients = env.lookup(self.recipients, child.division, day)
        concerns = env.lookup(self.concerns, child.division, day)
        if recipients is None or concerns is None:
            return None
        return _Duty(
            frozenset(str(t) for t in recipients.value),
            frozenset(str(c) for c in concerns.value),
            (flag.evidence, recipients.evidence, concerns.evidence),
        )


class _Duty(NamedTuple):
    """The mandatory-reporting duty on a day: to whom, about what, and the evidence."""

    recipients: frozenset[str]
    concerns: frozenset[str]
    evidence: tuple[Evidence, ...]


def _add(evidence: list[Evidence], more: Iterable[Evidence]) -> None:
    evidence.extend(e for e in more if e not in evidence)
