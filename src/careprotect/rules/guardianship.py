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
- :class:`MandatoryReportRecipient` (Art. 11; 高检发〔2020〕9号): a report of a concern that
  must be reported goes to one of the authorities the law names (public security, civil
  affairs, education), not only to a school, a clinic or a social work station.

Each names a ``required`` flag parameter that switches its duty on from its effective date: no
value in force is *missing input*, ``false`` means the duty does not apply and nothing is
reported. A child to whom a duty does not apply (no entrusted care, no report to judge) gets no
finding, as with the agreement rules. :data:`NATIONAL_RULES` holds the national instances. See
``docs/rules-guardianship.md``. No message names the carer: a fact shows the guardianship by the
carer's relation to the child and its dates only.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, NamedTuple

import attrs

from careprotect.enums import (
    DisqualificationKind,
    NoticeRecipient,
    ReferralTarget,
    ReportConcern,
)
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Message, Outcome, SubjectKind
from careprotect.model import Child, Guardianship, Report
from careprotect.params import Evidence
from careprotect.periods import Period, PeriodKind
from careprotect.rules.base import Rule, RuleContext, RuleKind
from careprotect.rules.common import judged_day, judged_periods
from careprotect.rules.contact import required_share

__all__ = [
    "DISQUALIFICATION_ZH",
    "NATIONAL_RULES",
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

RECIPIENT_ZH: Mapping[NoticeRecipient, str] = {
    NoticeRecipient.SCHOOL: "学校或幼儿园",
    NoticeRecipient.COMMITTEE: "村（居）民委员会",
}
"""The Chinese name of each recipient of the written notice (Art. 23)."""

_RECIPIENT_EN: Mapping[NoticeRecipient, str] = {
    NoticeRecipient.SCHOOL: "the school or kindergarten",
    NoticeRecipient.COMMITTEE: "the village or residents' committee",
}

TARGET_ZH: Mapping[ReferralTarget, str] = {
    ReferralTarget.SOCIAL_WORK_STATION: "社会工作站",
    ReferralTarget.PROFESSIONAL_AGENCY: "专业机构",
    ReferralTarget.MEDICAL: "医疗机构",
    ReferralTarget.POLICE: "公安机关",
    ReferralTarget.CIVIL_AFFAIRS: "民政部门",
    ReferralTarget.EDUCATION: "教育行政部门",
    ReferralTarget.SCHOOL: "学校",
    ReferralTarget.OTHER: "其他",
}
"""The Chinese name of each recipient of a report or referral."""

_ONE_DAY = dt.timedelta(days=1)


def _check_parameter(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"must name a parameter (got {value!r})", field=attribute.name)


def _check_recipients(
    instance: Any, attribute: attrs.Attribute[tuple[NoticeRecipient, ...]], value: object
) -> None:
    if (
        not isinstance(value, tuple)
        or not value
        or not all(isinstance(r, NoticeRecipient) for r in value)
    ):
        raise InvalidValueError(
            f"must be a non-empty tuple of NoticeRecipient (got {value!r})", field=attribute.name
        )


def _check_period(instance: Any, attribute: attrs.Attribute[PeriodKind], value: object) -> None:
    if not isinstance(value, PeriodKind):
        kinds = ", ".join(k.value for k in PeriodKind)
        raise InvalidValueError(
            f"must be a PeriodKind, one of {kinds} (got {value!r})", field=attribute.name
        )


def _care(g: Guardianship) -> str:
    """An entrusted guardianship as a fact: the carer's relation and dates, never the name."""
    until = f" until {(g.end - _ONE_DAY).isoformat()}" if g.end is not None else ""
    return f"entrusted guardianship ({g.relation.value}) since {g.start.isoformat()}{until}"


def _entrusted_on(child: Child, day: dt.date) -> list[Guardianship]:
    return [g for g in child.guardianships if g.entrusted and g.in_force_on(day)]


_NO_FLAG = Message(
    "缺少输入：{day}对{division}没有生效的 {parameter} 参数值，无法判断该要求是否适用",
    "Missing input: no value of {parameter} is in force for {division} on {day}, so whether "
    "the requirement applies is unknown",
)
_NO_VALUE = Message(
    "缺少输入：{day}对{division}没有生效的 {parameter} 参数值",
    "Missing input: no value of {parameter} is in force for {division} on {day}",
)


def _flag(
    rule: Any, child: Child, env: RuleContext, day: dt.date, name: str
) -> tuple[Finding | None, Evidence | None]:
    """The ``required`` flag on ``day``: (a missing-input finding, None) when no value is in
    force, (None, None) when it is false (nothing to say), (None, its evidence) when true."""
    flag = env.lookup(name, child.division, day)
    if flag is None:
        message = _NO_FLAG.format(day=day.isoformat(), division=str(child.division), parameter=name)
        finding = env.finding(
            rule,
            child,
            Outcome.MISSING_INPUT,
            message,
            day=day,
            facts=(f"no value of {name} in force on {day.isoformat()}",),
        )
        return finding, None
    if not flag.value:
        return None, None
    return None, flag.evidence


class _OnEntrustedCare(abc.ABC):
    """What the rules on the entrusted care in force on the judged day share: no finding
    before birth or without an entrusted guardianship in force; missing input when the
    ``required`` flag has no value, nothing while it is false; else one finding, whose
    outcome, message and facts :meth:`judge` gives."""

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str
    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """At most one finding for the child on the judged day."""
        day = judged_day(env)
        entrusted = _entrusted_on(subject, day) if day >= subject.birth_date else []
        if not entrusted:
            return
        missing, evidence = _flag(self, subject, env, day, self.required)
        if missing is not None:
            yield missing
        if evidence is None:
            return
        outcome, message, facts = self.judge(subject, entrusted, day)
        yield env.finding(
            self, subject, outcome, message, evidence=(evidence,), day=day, facts=facts
        )

    @abc.abstractmethod
    def judge(
        self, child: Child, entrusted: list[Guardianship], day: dt.date
    ) -> tuple[Outcome, Message, list[str]]:
        """The outcome, message and facts for ``child`` with the care ``entrusted`` on
        ``day``."""


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

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str = attrs.field(validator=_check_parameter)

    def judge(
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
class ParentContactFrequency:
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

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str = attrs.field(validator=_check_parameter)
    min_count: str = attrs.field(validator=_check_parameter)
    period: PeriodKind = attrs.field(default=PeriodKind.WEEK, validator=_check_period)

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """One finding per judged period with a day of entrusted care (or an undecided day)."""
        periods = judged_periods(self.period, as_of=env.as_of, period=env.period)
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
            message = _NO_VALUE.format(
                day=last.isoformat(), division=str(child.division), parameter=self.min_count
            )
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
        for c in sorted(child.parent_contacts, key=lambda c: (c.date, c.parent.value)):
            if period.start <= c.date < period.end and c.date not in counted:
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
            self, child, outcome, message, evidence=evidence, period=period, facts=facts
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

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str = attrs.field(validator=_check_parameter)
    recipients: tuple[NoticeRecipient, ...] = attrs.field(
        default=(NoticeRecipient.SCHOOL, NoticeRecipient.COMMITTEE), validator=_check_recipients
    )

    def judge(
        self, child: Child, entrusted: list[Guardianship], day: dt.date
    ) -> tuple[Outcome, Message, list[str]]:
        """Non-compliant when a recipient was not told of an entrustment in force."""
        facts: list[str] = []
        lacking: list[NoticeRecipient] = []
        for g in entrusted:
            facts.append(_care(g))
            for recipient in self.recipients:
                dates = sorted(
                    n.date
                    for n in child.entrustment_notices
                    if n.recipient is recipient and g.start <= n.date <= day
                )
                if dates:
                    facts.append(f"notice to {recipient.value} on {dates[0].isoformat()}")
                    continue
                facts.append(f"no notice to {recipient.value} since {g.start.isoformat()}")
                if recipient not in lacking:
                    lacking.append(recipient)
        if lacking:
            outcome = Outcome.NON_COMPLIANT
            message = _NOT_NOTIFIED.format(
                day=day.isoformat(),
                recipients_zh="、".join(RECIPIENT_ZH[r] for r in lacking),
                recipients=" and ".join(_RECIPIENT_EN[r] for r in lacking),
            )
        else:
            outcome = Outcome.COMPLIANT
            message = _NOTIFIED.format(
                recipients_zh="、".join(RECIPIENT_ZH[r] for r in self.recipients),
                recipients=" and ".join(_RECIPIENT_EN[r] for r in self.recipients),
            )
        return outcome, message, facts


# -- Art. 11: mandatory reports go to the authorities --------------------------------------------

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
class MandatoryReportRecipient:
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

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str = attrs.field(validator=_check_parameter)
    recipients: str = attrs.field(validator=_check_parameter)
    concerns: str = attrs.field(validator=_check_parameter)

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

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
        undecided: list[str] = []
        duty: dict[dt.date, _Duty | None] = {}
        for r in sorted(reports, key=lambda r: (r.date, r.concern.value, r.to.value)):
            if r.date not in duty:
                duty[r.date] = self._on(subject, env, r.date)
                if duty[r.date] is None:
                    undecided.append(r.date.isoformat())
            on = duty[r.date]
            if on is not None and r.concern.value in on.concerns:
                groups.setdefault((r.date, r.concern), []).append(r)
                _add(evidence, on.evidence)
        if undecided:
            facts = [f"no value of a mandatory-report parameter in force on {d}" for d in undecided]
            message = _NO_VALUE.format(
                day=undecided[0], division=str(subject.division), parameter=self.required
            )
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


NATIONAL_RULES: tuple[Rule, ...] = (
    EntrustedCarerQualified(
        id="entrusted_care.carer_qualified",
        title=Message(
            "受委托照护人不得有未成年人保护法第二十二条规定的不得作为被委托人的情形",
            "The entrusted carer has none of the facts that bar an adult from the role "
            "(Minors Protection Law Art. 22)",
        ),
        citations=("mpl-2020-art22",),
        required="entrusted_care.required",
    ),
    ParentContactFrequency(
        id="entrusted_care.parent_contact",
        title=Message(
            "委托照护期间，父母至少每周与未成年人和被委托人联系和交流一次",
            "While care is entrusted, the parents contact the child and the entrusted carer "
            "at least once a week (Minors Protection Law Art. 23)",
        ),
        citations=("mpl-2020-art23",),
        required="entrusted_care.required",
        min_count="entrusted_care.parent_contact.min_count",
    ),
    EntrustmentNotices(
        id="entrusted_care.written_notice",
        title=Message(
            "委托照护情况书面告知学校、幼儿园和村（居）民委员会",
            "The entrusted care is notified in writing to the school or kindergarten and the "
            "village or residents' committee (Minors Protection Law Art. 23)",
        ),
        citations=("mpl-2020-art23",),
        required="entrusted_care.required",
    ),
    MandatoryReportRecipient(
        id="mandatory_report.recipient",
        title=Message(
            "强制报告事项向公安、民政、教育等有关部门报告",
            "A mandatory-reporting concern is reported to public security, civil affairs or "
            "education (Minors Protection Law Art. 11)",
        ),
        citations=("mpl-2020-art11", "gjf-2020-9"),
        required="mandatory_report.required",
        recipients="mandatory_report.recipients",
        concerns="mandatory_report.concerns",
    ),
)
"""The national rules of the Minors Protection Law, registered by the national plugin."""
