"""The national categories of children (POLICY.md §2), as rules on (child facts, day).

Each class is configured with the names of the parameters it reads, so a province can reuse
the definition with its own age limit or waiting time by giving values of the same
parameters for its scope (the usual way), or by registering its own instance.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterator, Sequence

import attrs
from dateutil.relativedelta import relativedelta

from careprotect.enums import (
    DisabilityKind,
    HouseholdType,
    Parent,
    ParentSituationKind,
    ReportConcern,
    ResidenceKind,
)
from careprotect.findings import Message
from careprotect.model import Child, Disability, ParentSituation
from careprotect.model.child import DEPRIVATIONS
from careprotect.params import Evidence, Unit
from careprotect.rules.base import Membership, RuleContext
from careprotect.rules.mechanism import parameter_changes, parameter_field

__all__ = [
    "DeFactoUnsupported",
    "DifficultyDisability",
    "DifficultyGuardianship",
    "DifficultyPoverty",
    "LeftBehind",
    "Orphan",
    "severe_as_62",
]

K = ParentSituationKind
_GONE = frozenset({K.DEAD, K.DECLARED_DEAD, K.DECLARED_MISSING})
_INCAPABLE = frozenset({K.SERIOUSLY_ILL, K.SEVERELY_DISABLED})
_UNSUPPORTING = frozenset(
    {
        K.SEVERELY_DISABLED,
        K.SERIOUSLY_ILL,
        K.IMPRISONED,
        K.COMPULSORY_REHABILITATION,
        K.DEPRIVED_OF_LIBERTY,
    }
)
_ADDED_2020 = frozenset({K.GUARDIANSHIP_REVOKED, K.DEPORTED})


def _fact(s: ParentSituation) -> str:
    return f"{s.parent.value} {s.kind.value} since {s.start.isoformat()}"


def _fact_dates(child: Child) -> Iterator[dt.date]:
    for group in (child.parent_situations, child.guardianships, child.residences, child.hardships):
        for fact in group:
            yield fact.start
            if fact.end is not None:
                yield fact.end


def _birthday(child: Child, age: int) -> dt.date:
    """The day ``child`` turns ``age``: the anniversary, or 28 February for a 29 February
    birth in a common year (as ``relativedelta`` and ``Child.age_on`` count)."""
    born = child.birth_date
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return born.replace(year=born.year + age, day=28)


@attrs.frozen
class _AgeLimited(abc.ABC):
    """Shared by every category: an age limit ("under N") read from a parameter."""

    id: str
    title: Message
    citations: tuple[str, ...]
    max_age: str = parameter_field(Unit.YEARS)

    def _age(
        self, child: Child, day: dt.date, env: RuleContext
    ) -> tuple[bool | None, Evidence | None]:
        limit = env.lookup(self.max_age, child.division, day)
        if limit is None:
            return None, None
        return day < _birthday(child, limit.value), limit.evidence

    def evaluate(self, child: Child, day: dt.date, env: RuleContext) -> Membership:
        """Whether ``child`` is a member on ``day``: not at or over the age limit (unknown when
        no limit is in force), else as :meth:`_member` decides."""
        return self._if_young(child, day, env, [])

    def _if_young(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        """:meth:`_member` with the age limit's evidence added to ``evidence``, when ``child``
        is under the limit on ``day``; else not a member (or unknown)."""
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        evidence.append(age)
        return self._member(child, day, env, evidence)

    @abc.abstractmethod
    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        """Whether ``child``, under the age limit, is a member on ``day``; ``evidence`` so
        far ends with the age limit's."""

    def _unknown(
        self, name: str, evidence: Sequence[Evidence] = (), facts: tuple[str, ...] = ()
    ) -> Membership:
        """Membership unknown: no value of parameter ``name`` is in force (after ``facts``)."""
        return Membership(
            category=self.id,
            member=None,
            facts=(*facts, f"no value of {name} in force"),
            evidence=tuple(evidence),
        )

    def _out(self, evidence: Evidence | None, child: Child) -> Membership:
        if evidence is None:
            return self._unknown(self.max_age)
        return Membership(
            category=self.id,
            member=False,
            facts=(f"aged {evidence.value} or over (born {child.birth_date.isoformat()})",),
            evidence=(evidence,),
        )

    def breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: RuleContext
    ) -> Iterator[dt.date]:
        """The days a value of any parameter the category declares takes effect
        (:func:`~careprotect.rules.mechanism.parameter_changes`), the birth date, fact starts
        and ends, the birthdays at every age limit any plugin sets, and the days
        :meth:`reached` gives."""
        yield from parameter_changes(self, env)
        yield child.birth_date
        for value in env.engine.parameters.values(self.max_age):
            yield _birthday(child, value.value)
        yield from _fact_dates(child)
        yield from self.reached(child, env)

    def reached(self, child: Child, env: RuleContext) -> Iterator[dt.date]:
        """The days on which a fact of ``child`` the category reads reaches a date that
        decides it (the end of a waiting time), besides those :meth:`breakpoints` gives for
        every category: none, unless a category says."""
        return iter(())


@attrs.frozen
class LeftBehind(_AgeLimited):
    """Rural left-behind child (国发〔2016〕13号): a rural child under the age limit whose
    parents both work away from home, or one works away and the other lacks guardianship
    capacity (seriously ill or severely disabled)."""

    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        if child.household is not HouseholdType.RURAL:
            return Membership(
                category=self.id, member=False, facts=("urban household",), evidence=tuple(evidence)
            )
        situations = child.parent_situations_on(day)
        away = {s.parent for s in situations if s.kind is K.WORKING_AWAY}
        incapable = {s.parent for s in situations if s.kind in _INCAPABLE}
        member = away == {Parent.FATHER, Parent.MOTHER} or bool(away and incapable - away)
        facts = tuple(
            _fact(s) for s in situations if s.kind is K.WORKING_AWAY or s.kind in _INCAPABLE
        )
        return Membership(category=self.id, member=member, facts=facts, evidence=tuple(evidence))


@attrs.frozen
class Orphan(_AgeLimited):
    """Orphan (国办发〔2010〕54号): under the age limit, both parents dead, or declared dead or
    missing by a court."""

    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        gone = [s for s in child.parent_situations_on(day) if s.kind in _GONE]
        member = {s.parent for s in gone} == {Parent.FATHER, Parent.MOTHER}
        return Membership(
            category=self.id, member=member, facts=tuple(map(_fact, gone)), evidence=tuple(evidence)
        )


def _months_between(start: dt.date, day: dt.date) -> int:
    """Whole months from ``start`` to ``day`` (relativedelta: start + N months <= day)."""
    delta = relativedelta(day, start)
    return delta.years * 12 + delta.months


_SEVERE_AT_ANY_GRADE = frozenset({DisabilityKind.MENTAL, DisabilityKind.INTELLECTUAL})


def severe_as_62(disability: Disability) -> bool:
    """Whether a certified disability is severe as 民发〔2019〕62号 defines it (重残): grade 1
    or 2, or grade 3 or 4 of a mental or intellectual disability."""
    return disability.grade <= 2 or disability.kind in _SEVERE_AT_ANY_GRADE


@attrs.frozen
class DeFactoUnsupported(_AgeLimited):
    """De facto unsupported child (民发〔2019〕62号): under the age limit; each parent is
    severely disabled, seriously ill, in prison or detention, in compulsory rehabilitation,
    otherwise deprived of liberty, or out of contact; or one parent is dead or missing and the
    other is in one of those conditions.

    :param defined: a ``flag`` parameter, true while the category exists (nationally from
        2020-01-01, when 62号 took effect): while it is false no child is a member (not
        "missing input"); where no value is in force the answer is missing input.
    :param additions: a ``flag`` parameter: guardianship revoked and deportation count while
        it is true (民发〔2020〕125号; nationally from 2021-01-01, an assumed date).
    :param out_of_contact_months: the months a parent must have been out of contact (counted
        from the situation's ``start``, the last day of contact or care: it counts on the
        day ``start + N months`` is reached); nationally 6.
    :param min_term_months: the shortest term of prison, compulsory rehabilitation,
        detention or other deprivation of liberty that counts (nationally 6). The term is the
        situation's ``term_months`` when recorded; otherwise, with an ``end``, the months from
        ``start`` to ``end``; with neither, it counts once it has lasted the minimum (as out of
        contact: by then the term is certainly that long). None: any term counts.

    A ``severely_disabled`` situation with a recorded ``disability`` counts only when it is
    severe as 62号 defines (grade 1 or 2, or 3 or 4 for a mental or intellectual disability);
    without one it counts as recorded (the recorder judged it severe). "Seriously ill" is as
    the province defines and is taken as recorded. A parent's situation that does not count
    (yet) is named in the facts, with how far it has got ("out of contact since 2020-01-01:
    5 of 6 months").
    """

    additions: str = parameter_field(Unit.FLAG)
    out_of_contact_months: str = parameter_field(Unit.MONTHS)
    defined: str | None = parameter_field(Unit.FLAG, default=None)
    min_term_months: str | None = parameter_field(Unit.MONTHS, default=None)

    def evaluate(self, child: Child, day: dt.date, env: RuleContext) -> Membership:
        evidence: list[Evidence] = []
        if self.defined is not None:
            flag = env.lookup(self.defined, child.division, day)
            if flag is None:
                return self._unknown(self.defined)
            if not flag.value:
                return Membership(
                    category=self.id,
                    member=False,
                    facts=(f"not in force on {day.isoformat()} ({self.defined} = false)",),
                    evidence=(flag.evidence,),
                )
            evidence.append(flag.evidence)
        return self._if_young(child, day, env, evidence)

    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        conditions = set(_UNSUPPORTING)
        situations = child.parent_situations_on(day)
        if any(s.kind in _ADDED_2020 for s in situations):
            flag = env.lookup(self.additions, child.division, day)
            if flag is None:
                return self._unknown(self.additions, evidence, tuple(map(_fact, situations)))
            evidence.append(flag.evidence)
            if flag.value:
                conditions |= _ADDED_2020
        undecided = False
        status: dict[Parent, str] = {}
        facts: list[str] = []
        used: dict[str, Evidence] = {}

        def months_of(name: str) -> int | None:
            """The months of parameter ``name`` in force (None, noted, when none is)."""
            nonlocal undecided
            found = env.lookup(name, child.division, day)
            if found is None:
                undecided = True
                facts.append(f"no value of {name} in force")
                return None
            used[name] = found.evidence
            return int(found.value)

        for s in situations:
            kind: str | None = None
            if s.kind in _GONE:
                kind = "gone"
            elif s.kind is K.SEVERELY_DISABLED:
                d = s.disability
                if d is None or severe_as_62(d):
                    kind = "unsupporting"
                else:
                    facts.append(
                        f"{_fact(s)}: {d.kind.value} disability grade {d.grade}, not severe as "
                        "民发〔2019〕62号 defines (grade 1-2, or 3-4 mental or intellectual)"
                    )
            elif s.kind in DEPRIVATIONS and self.min_term_months is not None:
                months = months_of(self.min_term_months)
                if months is not None:
                    kind, note = _term_counts(s, day, months)
                    if note:
                        facts.append(f"{_fact(s)}: {note}")
            elif s.kind in conditions:
                kind = "unsupporting"
            elif s.kind is K.OUT_OF_CONTACT:
                months = months_of(self.out_of_contact_months)
                if months is not None:
                    if s.start + relativedelta(months=months) <= day:
                        kind = "unsupporting"
                    else:
                        facts.append(
                            f"{s.parent.value} out of contact since {s.start.isoformat()}: "
                            f"{_months_between(s.start, day)} of {months} months (counts from "
                            f"{(s.start + relativedelta(months=months)).isoformat()})"
                        )
            if kind is not None:
                facts.append(_fact(s))
                if status.get(s.parent) != "gone":
                    status[s.parent] = kind
        evidence.extend(used.values())
        both = status.keys() == {Parent.FATHER, Parent.MOTHER}
        member: bool | None = both and "unsupporting" in status.values()
        if not member and undecided:
            member = None
        return Membership(
            category=self.id, member=member, facts=tuple(facts), evidence=tuple(evidence)
        )

    def reached(self, child: Child, env: RuleContext) -> Iterator[dt.date]:
        """The day each out-of-contact situation, and each deprivation of liberty with
        neither a term nor an end, has lasted every waiting time any plugin sets."""
        params = env.engine.parameters
        for name, kinds in (
            (self.out_of_contact_months, frozenset({K.OUT_OF_CONTACT})),
            (self.min_term_months, DEPRIVATIONS),
        ):
            if name is None:
                continue
            waits = {value.value for value in params.values(name)}
            for s in child.parent_situations:
                if s.kind in kinds and s.term_months is None and s.end is None:
                    for months in waits:
                        yield s.start + relativedelta(months=months)


def _term_counts(s: ParentSituation, day: dt.date, months: int) -> tuple[str | None, str]:
    """Whether a deprivation of liberty counts with a minimum term of ``months``: its
    ``term_months`` when recorded, else its ``end`` minus its ``start``, else how long it has
    lasted by ``day``. Returns ("unsupporting" or None, a note when it does not count)."""
    if s.term_months is not None:
        if s.term_months >= months:
            return "unsupporting", ""
        return None, f"term {s.term_months} months, under the {months} that count"
    if s.end is not None:
        if s.start + relativedelta(months=months) <= s.end:
            return "unsupporting", ""
        return None, (f"ends {s.end.isoformat()}, a term under the {months} months that count")
    if s.start + relativedelta(months=months) <= day:
        return "unsupporting", ""
    return None, (
        f"no term recorded; {_months_between(s.start, day)} of {months} months (counts from "
        f"{(s.start + relativedelta(months=months)).isoformat()})"
    )


@attrs.frozen
class DifficultyPoverty(_AgeLimited):
    """Child in difficulty from family poverty (国发〔2016〕36号): a living, medical or
    schooling hardship in force."""

    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        hardships = child.hardships_on(day)
        facts = tuple(f"{h.kind.value} hardship since {h.start.isoformat()}" for h in hardships)
        return Membership(
            category=self.id, member=bool(hardships), facts=facts, evidence=tuple(evidence)
        )


@attrs.frozen
class DifficultyDisability(_AgeLimited):
    """Child in difficulty from the child's own disability (国发〔2016〕36号): a certified
    disability (from its certification date, when recorded)."""

    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        d = child.disability
        member = d is not None and (d.certified_on is None or d.certified_on <= day)
        facts = (f"{d.kind.value} disability, grade {d.grade}",) if d is not None and member else ()
        return Membership(category=self.id, member=member, facts=facts, evidence=tuple(evidence))

    def reached(self, child: Child, env: RuleContext) -> Iterator[dt.date]:
        """The disability's certification date."""
        if child.disability is not None and child.disability.certified_on is not None:
            yield child.disability.certified_on


_IMPROPER = frozenset(
    {
        ReportConcern.ABUSE,
        ReportConcern.ABANDONMENT,
        ReportConcern.DOMESTIC_VIOLENCE,
        ReportConcern.SEXUAL_ASSAULT,
        ReportConcern.LIVING_ALONE,
    }
)


@attrs.frozen
class DifficultyGuardianship(_AgeLimited):
    """Child in difficulty from lack of guardianship or improper guardianship (国发〔2016〕36号):
    no guardianship in force while living outside an institution (a file with no guardianship
    recorded at all is missing input, not proof of no guardian), or a report of abuse,
    abandonment, domestic violence, sexual assault or living alone within the look-back
    months of ``report_months`` (a provincial parameter: where none is in force and such a
    report exists, the answer is missing input)."""

    report_months: str = parameter_field(Unit.MONTHS)

    def _member(
        self, child: Child, day: dt.date, env: RuleContext, evidence: list[Evidence]
    ) -> Membership:
        residence = child.residence_on(day)
        in_institution = residence is not None and residence.kind is ResidenceKind.INSTITUTION
        if not child.guardianships and not in_institution:
            # No guardianship recorded at all is a gap in the file, not proof of no guardian.
            return Membership(
                category=self.id,
                member=None,
                facts=("no guardianship recorded",),
                evidence=tuple(evidence),
            )
        if not child.guardianships_on(day) and not in_institution:
            return Membership(
                category=self.id,
                member=True,
                facts=("no guardianship in force outside an institution",),
                evidence=tuple(evidence),
            )
        reports = [r for r in child.reports if r.concern in _IMPROPER and r.date <= day]
        if not reports:
            return Membership(category=self.id, member=False, evidence=tuple(evidence))
        months = env.lookup(self.report_months, child.division, day)
        if months is None:
            return self._unknown(self.report_months, evidence)
        evidence.append(months.evidence)
        recent = [r for r in reports if r.date + relativedelta(months=months.value) > day]
        facts = tuple(f"report of {r.concern.value} on {r.date.isoformat()}" for r in recent)
        return Membership(
            category=self.id, member=bool(recent), facts=facts, evidence=tuple(evidence)
        )

    def reached(self, child: Child, env: RuleContext) -> Iterator[dt.date]:
        """Report dates and the end of each report's look-back window."""
        windows = {value.value for value in env.engine.parameters.values(self.report_months)}
        for r in child.reports:
            yield r.date
            for months in windows:
                yield r.date + relativedelta(months=months)
