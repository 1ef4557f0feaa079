"""Entrusted care and mandatory reporting under the Minors Protection Law (POLICY.md §4, §8).

The law as revised on 2020-10-17 is in force from 2021-06-01 (Art. 132). Four mechanisms, all
judging children (a child's file records the entrusted care, the parents' contacts and notices,
and the reports made about the child):

- :class:`EntrustedCarerQualified` (Art. 22): an entrusted carer has none of the facts that bar
  an adult from the role (a record of sexual assault, abuse, abandonment, trafficking or
  violence; drug use, alcoholism or gambling; refusing or long neglecting guardianship or care;
  other unsuitability), as recorded in :attr:`Guardianship.disqualifications
  <careprotect.Guardianship>`.
- :class:`ParentContactFrequency` (Art. 23): while the child's care is entrusted, the parents
  contact the child and the entrusted carer at least once a week (:class:`~careprotect.
  ParentContact`), judged only where the file records parents' contacts at all.
- :class:`EntrustmentNotices` (Art. 23): the parents tell the school or kindergarten and the
  village or residents' committee in writing (:class:`~careprotect.EntrustmentNotice`).
- :class:`~careprotect.rules.reporting.MandatoryReportRecipient` (Art. 11; 高检发〔2020〕9号,
  in :mod:`careprotect.rules.reporting`): a report of a concern that must be reported goes to
  one of the authorities the law names (public security, civil affairs, education), not only
  to a school, a clinic or a social work station.

Each names a ``required`` flag parameter that switches its duty on from its effective date: no
value in force is *missing input*, ``false`` means the duty does not apply and nothing is
reported. A child to whom a duty does not apply (no entrusted care, no report to judge) gets no
finding, as with the agreement rules. The national plugin configures them
(:data:`careprotect.national.rules.GUARDIANSHIP_RULES`). See
``docs/rules-guardianship.md``. No message names the carer: a fact shows the guardianship by the
carer's relation to the child and its dates only.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import ClassVar

import attrs

from careprotect.enums import DisqualificationKind, NoticeRecipient
from careprotect.findings import Finding, Measure, Message, Outcome, Remedy, SubjectKind
from careprotect.model import Child, Guardianship
from careprotect.params import Evidence, Unit
from careprotect.periods import Period, PeriodKind
from careprotect.rules.base import RuleContext
from careprotect.rules.common import (
    check_period_kind,
    chinese_labels,
    lacking,
    non_empty_tuple_of,
    periods_judged,
    short_by,
)
from careprotect.rules.contact import required_share
from careprotect.rules.mechanism import (
    Compliance,
    Judging,
    OnDay,
    no_value_message,
    parameter_field,
)
from careprotect.rules.reporting import TARGET_ZH, MandatoryReportRecipient

__all__ = [
    "DISQUALIFICATION_ZH",
    "RECIPIENT_ZH",
    "TARGET_ZH",
    "EntrustedCarerQualified",
    "EntrustmentNotices",
    "MandatoryReportRecipient",
    "ParentContactFrequency",
]

DISQUALIFICATION_ZH: Mapping[DisqualificationKind, str] = {
    DisqualificationKind.SEXUAL_ASSAULT: "曾实施性侵害",
    DisqualificationKind.ABUSE: "曾实施虐待",
    DisqualificationKind.ABANDONMENT: "曾实施遗弃",
    DisqualificationKind.TRAFFICKING: "曾实施拐卖",
    DisqualificationKind.VIOLENCE: "曾实施暴力伤害",
    DisqualificationKind.DRUG_USE: "有吸毒恶习",
    DisqualificationKind.ALCOHOLISM: "有酗酒恶习",
    DisqualificationKind.GAMBLING: "有赌博恶习",
    DisqualificationKind.NEGLECTED_CARE: "曾拒不履行或者长期怠于履行监护、照护职责",
    DisqualificationKind.OTHER: "其他不适宜担任被委托人的情形",
}
"""The Chinese wording of each disqualification (Minors Protection Law Art. 22)."""

RECIPIENT_ZH: Mapping[NoticeRecipient, str] = chinese_labels(NoticeRecipient)
"""The Chinese name of each recipient of the written notice (Art. 23)."""

_RECIPIENT_EN: Mapping[NoticeRecipient, str] = {
    NoticeRecipient.SCHOOL: "the school or kindergarten",
    NoticeRecipient.COMMITTEE: "the village or residents' committee",
}

_ONE_DAY = dt.timedelta(days=1)


def _care(g: Guardianship) -> str:
    """An entrusted guardianship as a fact: the carer's relation and dates, never the name."""
    until = f" until {(g.end - _ONE_DAY).isoformat()}" if g.end is not None else ""
    return f"entrusted guardianship ({g.relation.value}) since {g.start.isoformat()}{until}"


def _entrusted_on(child: Child, day: dt.date) -> list[Guardianship]:
    return [g for g in child.guardianships if g.entrusted and g.in_force_on(day)]


@attrs.frozen(kw_only=True)
class _OnEntrustedCare(OnDay, abc.ABC):
    """What the rules on the entrusted care in force on the judged day share: no finding
    before birth or without an entrusted guardianship in force; else (when the ``required``
    flag is true) one finding, whose outcome, message and facts :meth:`assess` gives."""

    required: str = parameter_field(Unit.FLAG)

    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def selects(self, subject: Child, day: dt.date, env: RuleContext) -> bool:
        """A child born by ``day`` with an entrusted guardianship in force."""
        return day >= subject.birth_date and bool(_entrusted_on(subject, day))

    def judge(self, subject: Child, j: Judging) -> Finding:
        """One finding for the child on the day judged."""
        judged = self.assess(subject, _entrusted_on(subject, j.day), j.day)
        outcome, message, facts = judged[:3]
        measure = judged[3] if len(judged) > 3 else None
        return j.finding(outcome, message, facts=facts, measure=measure)

    @abc.abstractmethod
    def assess(
        self, child: Child, entrusted: list[Guardianship], day: dt.date
    ) -> tuple[Outcome, Message, list[str]] | tuple[Outcome, Message, list[str], Measure]:
        """The outcome, message and facts for ``child`` with the care ``entrusted`` on
        ``day``, and the figures judged when the rule measures."""


# -- Art. 22: who may be the entrusted carer ---------------------------------------------------

_QUALIFIED = Message(
    "受委托照护人无不得作为被委托人的记录情形（{day}）",
    "No recorded fact bars the entrusted carer on {day}",
)
_BARRED = Message(
    "受委托照护人有不得作为被委托人的情形：{kinds_zh}（{day}）",
    "The entrusted carer is barred on {day}: {kinds}",
)


@attrs.frozen(kw_only=True)
class EntrustedCarerQualified(_OnEntrustedCare):
    """An entrusted carer has no disqualifying fact in force (Minors Protection Law Art. 22).

    On the judged day (the audit's ``as_of``, or the last day of its ``period``), for a child
    with an entrusted guardianship in force: *non-compliant* when the carer of any of them has
    a :class:`~careprotect.Disqualification` in force that day (the message names its kinds),
    else *compliant*. A child with no entrusted guardianship in force gets no finding: the duty
    does not arise. ``required`` names a flag parameter: the duty applies while it is true.
    """

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Entrust the child's care to an adult who is not barred."""
        return Remedy(
            Message(
                "另行委托无不得作为被委托人情形的成年人照护儿童",
                "entrust the child's care to an adult whom no recorded fact bars",
            )
        )

    def assess(
        self, child: Child, entrusted: list[Guardianship], day: dt.date
    ) -> tuple[Outcome, Message, list[str]]:
        """Non-compliant when a carer has a disqualification in force on ``day``."""
        facts: list[str] = []
        kinds: list[DisqualificationKind] = []
        for g in entrusted:
            facts.append(_care(g))
            for d in g.disqualifications_on(day):
                facts.append(
                    f"carer's disqualification: {d.kind.value} since {d.start.isoformat()}"
                )
                if d.kind not in kinds:
                    kinds.append(d.kind)
        if kinds:
            outcome = Outcome.NON_COMPLIANT
            message = _BARRED.format(
                day=day.isoformat(),
                kinds_zh="；".join(DISQUALIFICATION_ZH[k] for k in kinds),
                kinds=", ".join(k.value for k in kinds),
            )
        else:
            outcome, message = Outcome.COMPLIANT, _QUALIFIED.format(day=day.isoformat())
        return outcome, message, facts


# -- Art. 23: the parents' weekly contact -------------------------------------------------------

_CONTACTED = Message(
    "{period}：父母联系 {counted} 次，应不少于 {required} 次",
    "{period}: {counted} parent contact(s), {required} required",
)
_SHORT = Message(
    "{period}：父母联系 {counted} 次，少于应有的 {required} 次",
    "{period}: {counted} parent contact(s), fewer than the {required} required",
)
_NONE_DUE = Message(
    "{period}：委托照护仅 {days}/{total} 天，按比例无须联系",
    "{period}: care entrusted on {days} of {total} days; the pro-rata share rounds to no contact",
)
_UNDECIDED = Message(
    "缺少输入：{period}内有 {days} 天无法判断该要求是否适用",
    "Missing input: whether the requirement applies cannot be decided on {days} day(s) of {period}",
)
_NOT_RECORDED = Message(
    "缺少输入：档案未记录父母与儿童的联系，无法判断{period}是否每周联系",
    "Missing input: the file records no contacts of the parents, so whether they kept in "
    "contact in {period} is unknown",
)


@attrs.frozen(kw_only=True)
class ParentContactFrequency(Compliance):
    """While a child's care is entrusted, the parents contact the child and the entrusted
    carer at least ``min_count`` times per ``period`` (Minors Protection Law Art. 23: at
    least once a week).

    For each judged period (:func:`~careprotect.rules.common.judged_periods`: with ``as_of``
    the latest complete week, with ``period`` every week ending in it), the qualifying days
    are those on which the child (born) has an entrusted guardianship in force and the
    ``required`` flag is true; days with entrusted care and no flag value in force are
    undecided (*missing input*). A period without qualifying or undecided days gets no
    finding. The contacts required are the pro-rata share of ``min_count`` (rounded half up,
    :func:`~careprotect.rules.contact.required_share`), so a week entrusted on 3 of its 7 days
    owes none (*not applicable*) and one entrusted on 4 or more owes one. Every day of the
    period with a :class:`~careprotect.ParentContact` (either parent; at most one per day)
    counts, whichever day of the period it falls on: the duty is a weekly one. A file that
    records no parent contact at all is *missing input*, never non-compliant: files that do
    not keep these records are not judged on them.
    """

    required: str = parameter_field(Unit.FLAG)
    min_count: str = parameter_field(Unit.COUNT)
    period: PeriodKind = attrs.field(default=PeriodKind.WEEK, validator=check_period_kind)

    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """One finding per judged period with a day of entrusted care (or an undecided day)."""
        periods = periods_judged(env, self.period)
        if not periods or not any(
            g.entrusted and g.overlaps(periods[0].start, periods[-1].end)
            for g in subject.guardianships
        ):
            return
        for period in periods:
            finding = self._judge(subject, period, env)
            if finding is not None:
                yield finding

    def _judge(self, child: Child, period: Period, env: RuleContext) -> Finding | None:
        qualifying: list[dt.date] = []
        undecided = 0
        evidence: list[Evidence] = []
        facts: list[str] = []
        cares: list[Guardianship] = []
        day = max(period.start, child.birth_date)
        while day < period.end:
            entrusted = _entrusted_on(child, day)
            if entrusted:
                cares.extend(g for g in entrusted if g not in cares)
                flag = env.lookup(self.required, child.division, day)
                if flag is None:
                    undecided += 1
                elif flag.value:
                    qualifying.append(day)
                    if flag.evidence not in evidence:
                        evidence.append(flag.evidence)
            day += _ONE_DAY
        if not qualifying and not undecided:
            return None
        name = str(period)
        facts.extend(_care(g) for g in cares)
        if undecided:
            facts.append(f"no value of {self.required} in force on {undecided} day(s)")
            message = _UNDECIDED.format(period=name, days=undecided)
            return env.finding(
                self,
                child,
                Outcome.MISSING_INPUT,
                message,
                evidence=evidence,
                period=period,
                facts=facts,
            )
        last = qualifying[-1]
        found = env.lookup(self.min_count, child.division, last)
        if found is None:
            message = no_value_message(self.min_count, child.division, last)
            facts.append(f"no value of {self.min_count} in force on {last.isoformat()}")
            return env.finding(
                self,
                child,
                Outcome.MISSING_INPUT,
                message,
                evidence=evidence,
                period=period,
                facts=facts,
            )
        evidence.append(found.evidence)
        min_count = int(found.value)
        days = len(qualifying)
        required = required_share(min_count, days, period.days)
        facts.append(
            f"required: {min_count} x {days}/{period.days} days, rounded half up = {required}"
        )
        if required == 0:
            message = _NONE_DUE.format(period=name, days=days, total=period.days)
            return env.finding(
                self,
                child,
                Outcome.NOT_APPLICABLE,
                message,
                evidence=evidence,
                period=period,
                facts=facts,
            )
        if not child.parent_contacts:
            facts.append("no parent contact recorded on the file")
            return env.finding(
                self,
                child,
                Outcome.MISSING_INPUT,
                _NOT_RECORDED.format(period=name),
                evidence=evidence,
                period=period,
                facts=facts,
            )
        counted: dict[dt.date, str] = {}
        in_period = [c for c in child.parent_contacts if period.start <= c.date < period.end]
        for c in sorted(in_period, key=lambda c: (c.date, c.parent.value)):
            if c.date not in counted:
                counted[c.date] = c.parent.value
        n = len(counted)
        listed = ", ".join(f"{d.isoformat()} {p}" for d, p in counted.items())
        facts.append(f"{n} parent contact(s) counted" + (f": {listed}" if listed else ""))
        values = {"period": name, "counted": n, "required": required}
        if n >= required:
            outcome, message = Outcome.COMPLIANT, _CONTACTED.format(**values)
        else:
            outcome, message = Outcome.NON_COMPLIANT, _SHORT.format(**values)
        return env.finding(
            self,
            child,
            outcome,
            message,
            evidence=evidence,
            period=period,
            facts=facts,
            measure=Measure(n, required),
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """The parents' contacts short in the finding's period."""
        short = short_by(finding)
        if short is None or finding.period is None:
            return None
        return Remedy(
            Message(
                f"督促父母{finding.period}内再与儿童联系 {short} 次",
                f"the parents: {short} more contact(s) with the child in {finding.period}",
            )
        )


# -- Art. 23: the written notice -----------------------------------------------------------------

_NOTIFIED = Message(
    "已将委托照护情况书面告知{recipients_zh}",
    "The entrusted care was notified in writing to {recipients}",
)
_NOT_NOTIFIED = Message(
    "未将委托照护情况书面告知{recipients_zh}（{day}）",
    "No written notice of the entrusted care to {recipients} by {day}",
)


@attrs.frozen(kw_only=True)
class EntrustmentNotices(_OnEntrustedCare):
    """Entrusted care is notified in writing to each of ``recipients`` (Minors Protection Law
    Art. 23: the school or kindergarten, and the village or residents' committee).

    On the judged day, for a child with an entrusted guardianship in force: *compliant* when,
    for every such guardianship and every recipient, the file records an
    :class:`~careprotect.EntrustmentNotice` to that recipient dated on or after the
    guardianship's start and on or before the day (a notice before it began was about an
    earlier arrangement); else *non-compliant*, naming the recipients not told. No grace period
    is allowed. A child with no entrusted guardianship in force gets no finding. ``required``
    names a flag parameter: the duty applies while it is true (an entrustment that began before
    the duty and still holds must have been notified too).
    """

    recipients: tuple[NoticeRecipient, ...] = attrs.field(
        default=(NoticeRecipient.SCHOOL, NoticeRecipient.COMMITTEE),
        validator=non_empty_tuple_of(NoticeRecipient),
    )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """The written notices still to give, to whom (the recipients not told of every
        entrustment in force)."""
        missing = [NoticeRecipient(r) for r in lacking(finding)]
        if not missing:
            return None
        return Remedy(
            Message(
                "书面告知" + "、".join(RECIPIENT_ZH[r] for r in missing) + "委托照护情况",
                "notify "
                + " and ".join(_RECIPIENT_EN[r] for r in missing)
                + " of the entrusted care in writing",
            )
        )

    def assess(
        self, child: Child, entrusted: list[Guardianship], day: dt.date
    ) -> tuple[Outcome, Message, list[str], Measure]:
        """Non-compliant when a recipient was not told of an entrustment in force; the
        measure: the recipients told of every entrustment (found) of all (required)."""
        facts: list[str] = []
        untold: list[NoticeRecipient] = []
        for g in entrusted:
            facts.append(_care(g))
            for recipient in self.recipients:
                first = min(
                    (
                        n.date
                        for n in child.entrustment_notices
                        if n.recipient is recipient and g.start <= n.date <= day
                    ),
                    default=None,
                )
                if first is not None:
                    facts.append(f"notice to {recipient.value} on {first.isoformat()}")
                    continue
                facts.append(f"no notice to {recipient.value} since {g.start.isoformat()}")
                if recipient not in untold:
                    untold.append(recipient)
        if untold:
            outcome = Outcome.NON_COMPLIANT
            message = _NOT_NOTIFIED.format(
                day=day.isoformat(),
                recipients_zh="、".join(RECIPIENT_ZH[r] for r in untold),
                recipients=" and ".join(_RECIPIENT_EN[r] for r in untold),
            )
        else:
            outcome = Outcome.COMPLIANT
            message = _NOTIFIED.format(
                recipients_zh="、".join(RECIPIENT_ZH[r] for r in self.recipients),
                recipients=" and ".join(_RECIPIENT_EN[r] for r in self.recipients),
            )
        recipients = tuple(r.value for r in self.recipients)
        told = tuple(r.value for r in self.recipients if r not in untold)
        return outcome, message, facts, Measure(told, recipients)
