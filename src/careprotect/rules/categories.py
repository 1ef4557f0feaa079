"""The national categories of children (POLICY.md §2), as rules on (child facts, day).

Each class is configured with the names of the parameters it reads, so a province can reuse
the definition with its own age limit or waiting time by giving values of the same
parameters for its scope (the usual way), or by registering its own instance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import attrs
from dateutil.relativedelta import relativedelta

from careprotect.enums import (
    HouseholdType,
    Parent,
    ParentSituationKind,
    ReportConcern,
    ResidenceKind,
)
from careprotect.findings import Message
from careprotect.model import Child, ParentSituation
from careprotect.params import Evidence
from careprotect.rules.base import Env, Membership

__all__ = [
    "DeFactoUnsupported",
    "DifficultyDisability",
    "DifficultyGuardianship",
    "DifficultyPoverty",
    "LeftBehind",
    "Orphan",
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
class _AgeLimited:
    """Shared by every category: an age limit ("under N") read from a parameter."""

    id: str
    title: Message
    citations: tuple[str, ...]
    max_age: str

    def _age(self, child: Child, day: dt.date, env: Env) -> tuple[bool | None, Evidence | None]:
        limit = env.find(self.max_age, child.division, day)
        if limit is None:
            return None, None
        return day < _birthday(child, limit.value), limit.evidence

    def _out(self, evidence: Evidence | None, child: Child) -> Membership:
        if evidence is None:
            return Membership(
                category=self.id, member=None, facts=(f"no value of {self.max_age} in force",)
            )
        return Membership(
            category=self.id,
            member=False,
            facts=(f"aged {evidence.value} or over (born {child.birth_date.isoformat()})",),
            evidence=(evidence,),
        )

    def _age_breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: Env
    ) -> Iterator[dt.date]:
        yield child.birth_date
        for value in env.engine.parameters.values(self.max_age):
            yield value.effective
            yield _birthday(child, value.value)
        yield from _fact_dates(child)

    def breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: Env
    ) -> Iterable[dt.date]:
        """Fact starts and ends, the days the age limit's values take effect, and the
        birthdays at every age limit any plugin sets."""
        return self._age_breakpoints(child, start, end, env)


@attrs.frozen
class LeftBehind(_AgeLimited):
    """Rural left-behind child (国发〔2016〕13号): a rural child under the age limit whose
    parents both work away from home, or one works away and the other lacks guardianship
    capacity (seriously ill or severely disabled)."""

    def evaluate(self, child: Child, day: dt.date, env: Env) -> Membership:
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        if child.household is not HouseholdType.RURAL:
            return Membership(
                category=self.id, member=False, facts=("urban household",), evidence=(age,)
            )
        situations = child.parent_situations_on(day)
        away = {s.parent for s in situations if s.kind is K.WORKING_AWAY}
        incapable = {s.parent for s in situations if s.kind in _INCAPABLE}
        member = away == {Parent.FATHER, Parent.MOTHER} or bool(away and incapable - away)
        facts = tuple(
            _fact(s) for s in situations if s.kind is K.WORKING_AWAY or s.kind in _INCAPABLE
        )
        return Membership(category=self.id, member=member, facts=facts, evidence=(age,))


@attrs.frozen
class Orphan(_AgeLimited):
    """Orphan (国办发〔2010〕54号): under the age limit, both parents dead, or declared dead or
    missing by a court."""

    def evaluate(self, child: Child, day: dt.date, env: Env) -> Membership:
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        gone = [s for s in child.parent_situations_on(day) if s.kind in _GONE]
        member = {s.parent for s in gone} == {Parent.FATHER, Parent.MOTHER}
        return Membership(
            category=self.id, member=member, facts=tuple(map(_fact, gone)), evidence=(age,)
        )


@attrs.frozen
class DeFactoUnsupported(_AgeLimited):
    """De facto unsupported child (民发〔2019〕62号): under the age limit; each parent is
    severely disabled, seriously ill, in prison or detention, in compulsory rehabilitation,
    otherwise deprived of liberty, or out of contact; or one parent is dead or missing and the
    other is in one of those conditions. Guardianship revoked and deportation count while the
    ``additions`` flag is in force (民发〔2020〕125号). "Out of contact" counts once it has
    lasted the months of ``out_of_contact_months``, a provincial parameter: where no value is
    in force the answer is missing input."""

    additions: str
    out_of_contact_months: str

    def evaluate(self, child: Child, day: dt.date, env: Env) -> Membership:
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        evidence = [age]
        conditions = set(_UNSUPPORTING)
        situations = child.parent_situations_on(day)
        if any(s.kind in _ADDED_2020 for s in situations):
            flag = env.find(self.additions, child.division, day)
            if flag is None:
                return Membership(
                    category=self.id,
                    member=None,
                    facts=(*map(_fact, situations), f"no value of {self.additions} in force"),
                    evidence=tuple(evidence),
                )
            evidence.append(flag.evidence)
            if flag.value:
                conditions |= _ADDED_2020
        undecided = False
        status: dict[Parent, str] = {}
        facts = []
        for s in situations:
            kind: str | None = None
            if s.kind in _GONE:
                kind = "gone"
            elif s.kind in conditions:
                kind = "unsupporting"
            elif s.kind is K.OUT_OF_CONTACT:
                wait = env.find(self.out_of_contact_months, child.division, day)
                if wait is None:
                    undecided = True
                    facts.append(f"no value of {self.out_of_contact_months} in force")
                else:
                    evidence.append(wait.evidence)
                    if s.start + relativedelta(months=wait.value) <= day:
                        kind = "unsupporting"
            if kind is not None:
                facts.append(_fact(s))
                if status.get(s.parent) != "gone":
                    status[s.parent] = kind
        both = status.keys() == {Parent.FATHER, Parent.MOTHER}
        member: bool | None = both and "unsupporting" in status.values()
        if not member and undecided:
            member = None
        return Membership(
            category=self.id, member=member, facts=tuple(facts), evidence=tuple(evidence)
        )

    def breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: Env
    ) -> Iterable[dt.date]:
        """Also the day each out-of-contact situation has lasted every waiting time any
        plugin sets."""
        yield from self._age_breakpoints(child, start, end, env)
        waits = set()
        for value in env.engine.parameters.values(self.out_of_contact_months):
            waits.add(value.value)
            yield value.effective
        for s in child.parent_situations:
            if s.kind is K.OUT_OF_CONTACT:
                for months in waits:
                    yield s.start + relativedelta(months=months)
        for value in env.engine.parameters.values(self.additions):
            yield value.effective


@attrs.frozen
class DifficultyPoverty(_AgeLimited):
    """Child in difficulty from family poverty (国发〔2016〕36号): a living, medical or
    schooling hardship in force."""

    def evaluate(self, child: Child, day: dt.date, env: Env) -> Membership:
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        hardships = child.hardships_on(day)
        facts = tuple(f"{h.kind.value} hardship since {h.start.isoformat()}" for h in hardships)
        return Membership(category=self.id, member=bool(hardships), facts=facts, evidence=(age,))


@attrs.frozen
class DifficultyDisability(_AgeLimited):
    """Child in difficulty from the child's own disability (国发〔2016〕36号): a certified
    disability (from its certification date, when recorded)."""

    def evaluate(self, child: Child, day: dt.date, env: Env) -> Membership:
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        d = child.disability
        member = d is not None and (d.certified_on is None or d.certified_on <= day)
        facts = (f"{d.kind.value} disability, grade {d.grade}",) if d is not None and member else ()
        return Membership(category=self.id, member=member, facts=facts, evidence=(age,))

    def breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: Env
    ) -> Iterable[dt.date]:
        """Also the disability's certification date."""
        yield from self._age_breakpoints(child, start, end, env)
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

    report_months: str

    def evaluate(self, child: Child, day: dt.date, env: Env) -> Membership:
        young, age = self._age(child, day, env)
        if not young or age is None:
            return self._out(age, child)
        evidence = [age]
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
        months = env.find(self.report_months, child.division, day)
        if months is None:
            return Membership(
                category=self.id,
                member=None,
                facts=(f"no value of {self.report_months} in force",),
                evidence=tuple(evidence),
            )
        evidence.append(months.evidence)
        recent = [r for r in reports if r.date + relativedelta(months=months.value) > day]
        facts = tuple(f"report of {r.concern.value} on {r.date.isoformat()}" for r in recent)
        return Membership(
            category=self.id, member=bool(recent), facts=facts, evidence=tuple(evidence)
        )

    def breakpoints(
        self, child: Child, start: dt.date, end: dt.date, env: Env
    ) -> Iterable[dt.date]:
        """Also report dates and the end of each report's look-back window."""
        yield from self._age_breakpoints(child, start, end, env)
        windows = set()
        for value in env.engine.parameters.values(self.report_months):
            windows.add(value.value)
            yield value.effective
        for r in child.reports:
            yield r.date
            for months in windows:
                yield r.date + relativedelta(months=months)
