"""Required agreements on a child's file (POLICY.md §5), judged on one day.

Two mechanisms, both judging children (the subject of the duty is a child's file, and a child
file is all the audit streams one at a time; the service points come from the reference data):

- :class:`EntrustedGuardianshipConfirmation`: a left-behind child cared for by an entrusted
  guardian has a signed entrusted-guardianship confirmation (委托监护责任确认书; seed 000, a
  national duty of child directors under 民发〔2019〕34号; the national plugin configures
  it, :data:`careprotect.national.rules.AGREEMENT_RULES`).
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
from typing import ClassVar

import attrs

from careprotect.divisions import Division
from careprotect.enums import AgreementKind, ServicePointKind
from careprotect.findings import Finding, Message, Outcome, Remedy, SubjectKind
from careprotect.masking import mask_name, scrub
from careprotect.model import (
    Child,
    Guardianship,
    ReferenceData,
    ServiceAgreement,
    ServicePoint,
)
from careprotect.params import Unit
from careprotect.rules.base import RuleContext
from careprotect.rules.mechanism import Judging, OnDay, category_field, parameter_field

__all__ = ["EntrustedGuardianshipConfirmation", "HomeIndex", "ServiceAgreementPerChild"]


_UNDECIDED = Message(
    "缺少输入：无法判断儿童{day}是否属于 {categories}",
    "Missing input: whether the child is in {categories} on {day} cannot be decided",
)


@attrs.frozen(kw_only=True)
class _ChildAgreement(OnDay):
    """What the agreement rules share: a ``required`` flag, and the ``categories`` the child
    must be in (any of them; none named: every child)."""

    required: str = parameter_field(Unit.FLAG)
    categories: tuple[str, ...] = category_field(default=())

    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def listed(self, child: Child, j: Judging) -> tuple[str, ...] | Finding | None:
        """The facts of the category the child is in on the day (none when the rule names
        no category); None when in none of them; a missing-input finding when undecided."""
        if not self.categories:
            return ()
        day = j.day.isoformat()
        evidence = j.evidence
        undecided = []
        for category in self.categories:
            m = j.member(category)
            if m.member:
                evidence.extend(e for e in m.evidence if e not in evidence)
                why = f" ({'; '.join(m.facts)})" if m.facts else ""
                return (f"{category} on {day}{why}",)
            if m.member is None:
                evidence.extend(e for e in m.evidence if e not in evidence)
                undecided.append(f"{category} undecided on {day}: {'; '.join(m.facts)}")
        if undecided:
            message = _UNDECIDED.format(day=day, categories=", ".join(self.categories))
            return j.finding(Outcome.MISSING_INPUT, message, facts=undecided)
        return None


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
class EntrustedGuardianshipConfirmation(_ChildAgreement):
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

    categories: tuple[str, ...] = category_field(default=("left_behind",))

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Sign the confirmation."""
        return Remedy(
            Message(
                "由受委托监护人签订委托监护责任确认书",
                "have the entrusted guardian sign the entrusted-guardianship confirmation",
            )
        )

    def selects(self, subject: Child, day: dt.date, env: RuleContext) -> bool:
        """A child born by ``day``."""
        return day >= subject.birth_date

    def judge(self, subject: Child, j: Judging) -> Finding | None:
        """At most one finding for the child on the day judged."""
        listed = self.listed(subject, j)
        if listed is None or isinstance(listed, Finding):
            return listed
        day = j.day
        in_force = subject.guardianships_on(day)
        if not in_force:
            message = _NO_GUARDIAN.format(day=day.isoformat())
            return j.finding(Outcome.MISSING_INPUT, message, facts=listed)
        entrusted = [g for g in in_force if g.entrusted]
        if not entrusted:
            return None
        confirmations = [
            a
            for a in subject.agreements_on(day)
            if a.kind is AgreementKind.ENTRUSTED_GUARDIANSHIP_CONFIRMATION
        ]
        facts = list(listed)
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
        return j.finding(outcome, message, facts=facts)


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


class HomeIndex:
    """Children's homes by division, and the agreements on their records by child, built once
    per run from its reference data (:meth:`RuleContext.indexed`); and what the homes are on a
    day, found once per division and day (a village's children share it)."""

    __slots__ = ("homes", "on_day", "signed")

    def __init__(self, reference: ReferenceData) -> None:
        grouped: dict[Division, list[ServicePoint]] = {}
        signed: dict[str, list[_HomeAgreement]] = {}
        for p in reference.service_points:
            if p.kind is ServicePointKind.CHILDRENS_HOME:
                grouped.setdefault(p.division, []).append(p)
                for a in p.agreements:
                    signed.setdefault(a.child, []).append((p, a))
        self.homes = {d: tuple(sorted(ps, key=lambda p: p.id)) for d, ps in grouped.items()}
        self.signed = {child: tuple(pairs) for child, pairs in signed.items()}
        self.on_day: dict[tuple[Division, dt.date], _Homes] = {}

    def on(self, division: Division, day: dt.date) -> _Homes | None:
        """The homes of ``division`` open or perhaps open on ``day``; None when there are none."""
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
class ServiceAgreementPerChild(_ChildAgreement):
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

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Sign the service agreement with the village's home."""
        return Remedy(
            Message(
                f"与{place}的儿童之家签订委托服务协议书",
                f"sign the entrusted service agreement with the children's home of {place}",
            )
        )

    def selects(self, subject: Child, day: dt.date, env: RuleContext) -> bool:
        """A child born by ``day`` living in the village of a home open, or perhaps open."""
        if day < subject.birth_date:
            return False
        return env.indexed(HomeIndex, HomeIndex).on(subject.division, day) is not None

    def judge(self, subject: Child, j: Judging) -> Finding | None:
        """At most one finding for the child on the day judged."""
        listed = self.listed(subject, j)
        if listed is None or isinstance(listed, Finding):
            return listed
        day = j.day
        index = j.env.indexed(HomeIndex, HomeIndex)
        homes = index.on(subject.division, day)
        assert homes is not None
        facts = [*listed, *homes.facts]
        ids = homes.ids
        on_file = sorted(
            (a.signed_on, a.service_point or "")
            for a in subject.agreements
            if a.kind is _SERVICE_AGREEMENT and a.service_point in ids and a.in_force_on(day)
        )
        on_home = index.on_record(subject, homes, day)
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
        return j.finding(outcome, message, facts=facts)
