"""Required agreements on a child's file (POLICY.md §5), judged on one day.

Two mechanisms, both judging children (the subject of the duty is a child's file, and a child
file is all the audit streams one at a time; the service points come from the reference data):

- :class:`EntrustedGuardianshipConfirmation`: a left-behind child cared for by an entrusted
  guardian has a signed entrusted-guardianship confirmation (委托监护责任确认书; seed 000, a
  national duty of child directors under 民发〔2019〕34号). :data:`NATIONAL_RULES` holds the
  national instance.
- :class:`ServiceAgreementPerChild`: a child living in the village of an open children's home
  has an entrusted service agreement (委托服务协议书) with it (Hunan, seed 002 §5.4: "each
  children's home signs ... with the guardian or relatives of every child it serves"). A
  plugin configures it (Hunan).

Both are point-in-time rules: with ``as_of`` they judge that day, with ``period`` its last
day. Each names a ``required`` flag parameter that switches the duty on from its effective
date: no value in force is *missing input* (never "not required"), ``false`` means the duty
does not apply and nothing is reported. A child to whom the duty does not apply gets no
finding (the audit summary counts every child judged), so an audit is not flooded with one
"not applicable" per child. See ``docs/rules-contact.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar, NamedTuple

import attrs

from careprotect.divisions import Division
from careprotect.enums import AgreementKind, ServicePointKind
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Message, Outcome, SubjectKind
from careprotect.masking import mask_name, scrub
from careprotect.model import (
    Child,
    Guardianship,
    ReferenceData,
    ServiceAgreement,
    ServicePoint,
)
from careprotect.params import Evidence
from careprotect.rules.base import Rule, RuleContext, RuleKind
from careprotect.rules.common import judged_day

__all__ = [
    "NATIONAL_RULES",
    "EntrustedGuardianshipConfirmation",
    "ServiceAgreementPerChild",
    "judged_day",
]


_NO_FLAG = Message(
    "缺少输入：{day}对{division}没有生效的 {parameter} 参数值，无法判断该要求是否适用",
    "Missing input: no value of {parameter} is in force for {division} on {day}, so whether "
    "the requirement applies is unknown",
)
_UNDECIDED = Message(
    "缺少输入：无法判断儿童{day}是否属于 {categories}",
    "Missing input: whether the child is in {categories} on {day} cannot be decided",
)


def _names(instance: Any, attribute: attrs.Attribute[tuple[str, ...]], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidValueError(
            f"must be a tuple of non-empty strings (got {value!r})", field=attribute.name
        )


class _Gate(NamedTuple):
    """The outcome of the checks every agreement rule makes before judging: a finding to give
    instead (missing input), nothing to say (``skip``), or the evidence and facts so far."""

    finding: Finding | None = None
    skip: bool = False
    evidence: tuple[Evidence, ...] = ()
    facts: tuple[str, ...] = ()


def _gate(
    rule: Rule,
    child: Child,
    env: RuleContext,
    day: dt.date,
    required: str,
    categories: tuple[str, ...],
) -> _Gate:
    """Check the ``required`` flag and the categories (the child must be in any of them)."""
    flag = env.lookup(required, child.division, day)
    if flag is None:
        message = _NO_FLAG.format(
            day=day.isoformat(), division=str(child.division), parameter=required
        )
        return _Gate(
            env.finding(
                rule,
                child,
                Outcome.MISSING_INPUT,
                message,
                day=day,
                facts=(f"no value of {required} in force on {day.isoformat()}",),
            )
        )
    if not flag.value:
        return _Gate(skip=True)
    evidence = [flag.evidence]
    if not categories:
        return _Gate(evidence=tuple(evidence))
    undecided = []
    for category in categories:
        m = env.member(child, category, day)
        if m.member:
            evidence.extend(e for e in m.evidence if e not in evidence)
            why = f" ({'; '.join(m.facts)})" if m.facts else ""
            return _Gate(evidence=tuple(evidence), facts=(f"{category} on {day.isoformat()}{why}",))
        if m.member is None:
            evidence.extend(e for e in m.evidence if e not in evidence)
            undecided.append(f"{category} undecided on {day.isoformat()}: {'; '.join(m.facts)}")
    if undecided:
        message = _UNDECIDED.format(day=day.isoformat(), categories=", ".join(categories))
        return _Gate(
            env.finding(
                rule,
                child,
                Outcome.MISSING_INPUT,
                message,
                evidence=evidence,
                day=day,
                facts=undecided,
            )
        )
    return _Gate(skip=True)


# -- the entrusted-guardianship confirmation ----------------------------------------------------

_CONFIRMED = Message(
    "受委托监护人已签订委托监护责任确认书",
    "The entrusted guardian has signed the entrusted-guardianship confirmation",
)
_UNCONFIRMED = Message(
    "受委托监护人未签订委托监护责任确认书（{day}）",
    "No entrusted-guardianship confirmation signed by the entrusted guardian by {day}",
)
_NO_GUARDIAN = Message(
    "缺少输入：{day}没有记录在职的监护人，无法判断是否为委托监护",
    "Missing input: no guardianship in force on {day} is recorded, so whether the child's care "
    "is entrusted is unknown",
)


def _guardian(g: Guardianship) -> str:
    since = g.start.isoformat()
    return f"entrusted guardian {mask_name(g.guardian)} ({g.relation.value}) since {since}"


@attrs.frozen(kw_only=True)
class EntrustedGuardianshipConfirmation:
    """A child in any of ``categories`` with an entrusted guardian has a signed confirmation.

    On the judged day, for a child in one of ``categories`` (nationally ``left_behind``):

    - no guardianship in force recorded: *missing input* (the file cannot say whether care is
      entrusted);
    - no entrusted guardianship in force: no finding (the duty does not arise);
    - otherwise *compliant* when every entrusted guardianship in force is confirmed, else
      *non-compliant*. A guardianship is confirmed when its ``confirmation_signed_on`` is on
      or before the day, or when an agreement of kind
      ``entrusted_guardianship_confirmation`` is in force on the day and was signed on or
      after the guardianship began (an older confirmation belongs to an earlier guardian).

    ``required`` names a flag parameter: the duty applies while its value is true.
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str
    categories: tuple[str, ...] = attrs.field(default=("left_behind",), validator=_names)

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """At most one finding for the child on the judged day."""
        day = judged_day(env)
        if day < subject.birth_date:
            return
        gate = _gate(self, subject, env, day, self.required, self.categories)
        if gate.finding is not None:
            yield gate.finding
        if gate.finding is not None or gate.skip:
            return
        in_force = subject.guardianships_on(day)
        if not in_force:
            yield env.finding(
                self,
                subject,
                Outcome.MISSING_INPUT,
                _NO_GUARDIAN.format(day=day.isoformat()),
                evidence=gate.evidence,
                day=day,
                facts=gate.facts,
            )
            return
        entrusted = [g for g in in_force if g.entrusted]
        if not entrusted:
            return
        confirmations = [
            a
            for a in subject.agreements_on(day)
            if a.kind is AgreementKind.ENTRUSTED_GUARDIANSHIP_CONFIRMATION
        ]
        facts = list(gate.facts)
        missing = []
        for g in entrusted:
            facts.append(_guardian(g))
            if g.confirmation_signed_on is not None and g.confirmation_signed_on <= day:
                facts.append(f"confirmation signed {g.confirmation_signed_on.isoformat()}")
                continue
            signed = sorted(a.signed_on for a in confirmations if a.signed_on >= g.start)
            if signed:
                facts.append(f"confirmation agreement signed {signed[0].isoformat()}")
                continue
            missing.append(g)
            older = sorted(a.signed_on for a in confirmations if a.signed_on < g.start)
            if older:
                facts.append(
                    f"confirmation agreement signed {older[-1]}, before this guardianship began"
                )
        outcome = Outcome.NON_COMPLIANT if missing else Outcome.COMPLIANT
        message = _UNCONFIRMED.format(day=day.isoformat()) if missing else _CONFIRMED
        yield env.finding(
            self, subject, outcome, message, evidence=gate.evidence, day=day, facts=facts
        )


NATIONAL_RULES: tuple[EntrustedGuardianshipConfirmation, ...] = (
    EntrustedGuardianshipConfirmation(
        id="left_behind.entrusted_guardianship_confirmation",
        title=Message(
            "农村留守儿童的受委托监护人签订委托监护责任确认书",
            "The entrusted guardian of a left-behind child signs the entrusted-guardianship "
            "confirmation",
        ),
        citations=("mf-2019-34",),
        required="entrusted_guardianship.confirmation.required",
        categories=("left_behind",),
    ),
)
"""The national agreement rules, registered by the national plugin for the whole country."""


# -- the children's home service agreement -----------------------------------------------------

_HAS_AGREEMENT = Message(
    "已与{home}签订委托服务协议书",
    "An entrusted service agreement with {home} is in force",
)
_NO_AGREEMENT = Message(
    "未与本村儿童之家{home}签订委托服务协议书（{day}）",
    "No entrusted service agreement with the village's children's home {home} on {day}",
)
_UNKNOWN_OPENING = Message(
    "缺少输入：本村儿童之家{home}的开放日期未记录，无法判断{day}是否须签订委托服务协议书",
    "Missing input: the opening date of the village's children's home {home} is not recorded, "
    "so whether a service agreement is due on {day} is unknown",
)


class _Homes:
    """A village's children's homes on a day: those open, the candidates (those open and those
    whose opening is unknown), a fact about each candidate, and the messages about them, made
    once for the village's children."""

    __slots__ = ("_missing", "_served", "candidates", "day", "facts", "ids", "open")

    def __init__(self, homes: tuple[ServicePoint, ...], day: dt.date) -> None:
        self.day = day
        self.open = tuple(h for h in homes if h.open_on(day))
        self.candidates = self.open + tuple(h for h in homes if h.open_on(day) is None)
        self.ids = frozenset(h.id for h in self.candidates)
        facts = []
        for h in self.candidates:
            opened = f"open since {h.opened_on}" if h.opened_on else "opening date not recorded"
            facts.append(f"children's home {scrub(h.id)} in {h.division}, {opened}")
        self.facts = tuple(facts)
        self._served: dict[str, Message] = {}
        self._missing: Message | None = None

    def served_by(self, home: ServicePoint) -> Message:
        """The message of a child with an agreement with ``home``."""
        message = self._served.get(home.id)
        if message is None:
            message = self._served[home.id] = _HAS_AGREEMENT.format(home=scrub(home.name))
        return message

    def missing(self) -> Message:
        """The message of a child with no agreement with any of the homes."""
        if self._missing is None:
            day = self.day.isoformat()
            if self.open:
                names = scrub(", ".join(h.name for h in self.open))
                self._missing = _NO_AGREEMENT.format(home=names, day=day)
            else:
                names = scrub(", ".join(h.name for h in self.candidates))
                self._missing = _UNKNOWN_OPENING.format(home=names, day=day)
        return self._missing


_HomeAgreement = tuple[ServicePoint, ServiceAgreement]


@attrs.define
class _HomeIndex:
    """Children's homes by division, and the agreements on their records by child, built once
    per reference data (kept by identity); and what the homes are on a day, found once per
    division and day (a village's children share it)."""

    reference: ReferenceData | None = None
    homes: dict[Division, tuple[ServicePoint, ...]] = attrs.field(factory=dict)
    signed: dict[str, tuple[_HomeAgreement, ...]] = attrs.field(factory=dict)
    on_day: dict[tuple[Division, dt.date], _Homes] = attrs.field(factory=dict)

    def _index(self, reference: ReferenceData) -> None:
        grouped: dict[Division, list[ServicePoint]] = {}
        signed: dict[str, list[_HomeAgreement]] = {}
        for p in reference.service_points:
            if p.kind is ServicePointKind.CHILDRENS_HOME:
                grouped.setdefault(p.division, []).append(p)
                for a in p.agreements:
                    signed.setdefault(a.child, []).append((p, a))
        self.homes = {d: tuple(sorted(ps, key=lambda p: p.id)) for d, ps in grouped.items()}
        self.signed = {child: tuple(pairs) for child, pairs in signed.items()}
        self.on_day = {}
        self.reference = reference

    def on(self, reference: ReferenceData, division: Division, day: dt.date) -> _Homes | None:
        """The homes of ``division`` open or perhaps open on ``day``; None when there are none."""
        if self.reference is not reference:
            self._index(reference)
        homes = self.homes.get(division)
        if homes is None:
            return None
        key = (division, day)
        found = self.on_day.get(key)
        if found is None:
            if len(self.on_day) >= _CACHE_SIZE:
                self.on_day.clear()
            found = self.on_day[key] = _Homes(homes, day)
        return found if found.candidates else None

    def on_record(self, child: Child, homes: _Homes, day: dt.date) -> list[tuple[dt.date, str]]:
        """The agreements with ``child`` in force on ``day`` on the records of ``homes``, as
        (signing day, home id), sorted."""
        return sorted(
            (a.signed_on, h.id)
            for h, a in self.signed.get(child.id, ())
            if h.id in homes.ids and a.in_force_on(day)
        )


# The villages' homes on a day kept at a time: enough for the children of a village, who
# usually come together, and those of its neighbours.
_CACHE_SIZE = 256
_SERVICE_AGREEMENT = AgreementKind.SERVICE_AGREEMENT


@attrs.frozen(kw_only=True)
class ServiceAgreementPerChild:
    """A child living in the village of an open children's home has a service agreement with it.

    "Served" is read from the one thing the data says about it: a children's home serves its
    administrative village (seed 002 §3: in principle one home per village). On the judged
    day, a child whose division is the division of a children's home that is open that day
    (and, when ``categories`` are given, who is in any of them; with none, every child on
    file, since a registry holds the children the system follows) must have an entrusted
    service agreement in force with one of the village's open homes: an
    :class:`~careprotect.Agreement` of kind ``service_agreement`` naming the home on the
    child's file, or a :class:`~careprotect.ServiceAgreement` naming the child on the home's
    record. Either record suffices.

    A home whose opening date is not recorded and that has not closed makes the answer
    *missing input* (unless another home of the village is open). ``required`` names a flag
    parameter switching the duty on (Hunan: from 2019-06-11).

    The rule judges children, not service points: an audit evaluates every service point
    before it streams the child files one at a time, so a rule about a home cannot see the
    children; a child's rule needs only the reference data to find the village's homes.
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str
    categories: tuple[str, ...] = attrs.field(default=(), validator=_names)
    _index: _HomeIndex = attrs.field(
        factory=_HomeIndex, init=False, eq=False, hash=False, repr=False
    )

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        """At most one finding for the child on the judged day."""
        day = judged_day(env)
        if day < subject.birth_date:
            return
        homes = self._index.on(env.reference, subject.division, day)
        if homes is None:
            return
        gate = _gate(self, subject, env, day, self.required, self.categories)
        if gate.finding is not None:
            yield gate.finding
        if gate.finding is not None or gate.skip:
            return
        facts = [*gate.facts, *homes.facts]
        ids = homes.ids
        on_file = sorted(
            (a.signed_on, a.service_point or "")
            for a in subject.agreements
            if a.kind is _SERVICE_AGREEMENT and a.service_point in ids and a.in_force_on(day)
        )
        on_home = self._index.on_record(subject, homes, day)
        for signed, home in on_file:
            facts.append(
                f"service agreement with {scrub(home)} signed {signed.isoformat()} (child's file)"
            )
        for signed, home in on_home:
            facts.append(
                f"service agreement with {scrub(home)} signed {signed.isoformat()} (home's record)"
            )
        if on_file or on_home:
            found = {home for _, home in on_file + on_home}
            served = next(h for h in homes.candidates if h.id in found)
            outcome, message = Outcome.COMPLIANT, homes.served_by(served)
        elif homes.open:
            outcome, message = Outcome.NON_COMPLIANT, homes.missing()
        else:
            outcome, message = Outcome.MISSING_INPUT, homes.missing()
        yield env.finding(
            self, subject, outcome, message, evidence=gate.evidence, day=day, facts=facts
        )
