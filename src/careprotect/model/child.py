"""A child's file (一人一档): the child and the dated facts about the child's life.

The file stores what was observed, never a category: whether a child is left-behind or de facto
unsupported on a date is computed from these facts by the policy engine (DESIGN.md principle 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
from dateutil.relativedelta import relativedelta

from careprotect.citizen_id import CitizenId
from careprotect.divisions import Division, Level
from careprotect.enums import (
    AgreementKind,
    ContactMode,
    DisabilityKind,
    DisqualificationKind,
    HardshipKind,
    HouseholdType,
    NoticeRecipient,
    Parent,
    ParentSituationKind,
    ReferralTarget,
    Relation,
    ReportConcern,
    ResidenceKind,
    Sex,
    Topic,
)
from careprotect.errors import InvalidValueError
from careprotect.masking import mask_if_id_number, mask_name
from careprotect.model._base import (
    Dated,
    end_after_signing,
    end_after_start,
    non_empty,
    non_empty_if_given,
    redacted,
)
from careprotect.model.references import refers_to

__all__ = [
    "DEPRIVATIONS",
    "Agreement",
    "Child",
    "Contact",
    "Disability",
    "Disqualification",
    "Enrolment",
    "EntrustmentNotice",
    "Guardianship",
    "Hardship",
    "Pairing",
    "ParentContact",
    "ParentSituation",
    "Referral",
    "Report",
    "Residence",
]

DISABILITY_GRADES = (1, 2, 3, 4)
"""Grades of the disability certificate, 1 the most severe (GB/T 26341-2010)."""


def _grade(instance: Disability, attribute: attrs.Attribute[int], value: int) -> None:
    if value not in DISABILITY_GRADES:
        raise InvalidValueError(f"must be 1, 2, 3 or 4 (got {value})", field=attribute.name)


@attrs.frozen
class Disability:
    """A certified disability: its kind and grade (1 most severe to 4)."""

    kind: DisabilityKind
    grade: int = attrs.field(validator=_grade)
    certified_on: dt.date | None = None


DEPRIVATIONS = frozenset(
    {
        ParentSituationKind.IMPRISONED,
        ParentSituationKind.COMPULSORY_REHABILITATION,
        ParentSituationKind.DEPRIVED_OF_LIBERTY,
    }
)
"""The situations with a term: prison, compulsory drug rehabilitation, detention or another
deprivation of liberty (民发〔2019〕62号 counts them only with a term of at least 6 months)."""


def _term(
    instance: ParentSituation, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is None:
        return
    if instance.kind not in DEPRIVATIONS:
        raise InvalidValueError(
            f"must be absent when 'kind' is '{instance.kind.value}' (got {value}); a term is "
            "recorded for imprisoned, compulsory_rehabilitation or deprived_of_liberty",
            field=attribute.name,
        )
    if value < 1:
        raise InvalidValueError(
            f"must be a whole number of months, at least 1 (got {value})", field=attribute.name
        )


def _situation_disability(
    instance: ParentSituation,
    attribute: attrs.Attribute[Disability | None],
    value: Disability | None,
) -> None:
    if value is not None and instance.kind is not ParentSituationKind.SEVERELY_DISABLED:
        raise InvalidValueError(
            f"must be absent when 'kind' is '{instance.kind.value}'; a parent's disability is "
            "recorded for severely_disabled",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class ParentSituation(Dated):
    """A parent's situation from ``start`` until ``end`` (exclusive; open when None).

    "Out of contact since" is ``kind=out_of_contact`` with ``start`` the last day of contact
    or care; how long that must last to count is a parameter (national 6 months, which a
    province may change), not a fact.

    ``term_months`` is the term of a prison sentence, compulsory rehabilitation, detention or
    other deprivation of liberty, in whole months, as sentenced or decided (only for those
    kinds); ``disability`` the parent's certified disability (only for ``severely_disabled``),
    by which the de facto unsupported category applies 民发〔2019〕62号's definition of severe
    disability. Both are optional: docs/concepts.md says what holds when they are absent.
    """

    parent: Parent
    kind: ParentSituationKind
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)
    term_months: int | None = attrs.field(default=None, validator=_term)
    disability: Disability | None = attrs.field(default=None, validator=_situation_disability)


@attrs.frozen(kw_only=True)
class Disqualification(Dated):
    """A dated fact that bars a guardian from being an entrusted carer (Minors Protection Law
    Art. 22): ``kind`` from ``start`` until ``end`` (exclusive; open when None). A record of
    an act (abuse, violence) usually has no end; a vice (drug use, gambling) ends when it is
    recorded as over."""

    kind: DisqualificationKind
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)


@attrs.frozen(kw_only=True)
class Guardianship(Dated):
    """Who has the care of the child, from when.

    ``entrusted`` marks an entrusted guardian (受委托监护人) caring for the child while the
    parents are away; ``confirmation_signed_on`` is the day the entrusted-guardianship
    confirmation (委托监护责任确认书) was signed, if it was (POLICY.md §5).
    ``disqualifications`` are the guardian's dated disqualifying facts (Minors Protection Law
    Art. 22), read for an entrusted guardian.
    """

    guardian: str = attrs.field(validator=non_empty, repr=mask_name)
    relation: Relation
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)
    entrusted: bool = False
    confirmation_signed_on: dt.date | None = None
    disqualifications: tuple[Disqualification, ...] = ()

    def disqualifications_on(self, day: dt.date) -> tuple[Disqualification, ...]:
        """The guardian's disqualifying facts that hold on ``day``."""
        return tuple(d for d in self.disqualifications if d.in_force_on(day))


def _institution_named(
    instance: Residence, attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if instance.kind is ResidenceKind.INSTITUTION and (value is None or not value.strip()):
        raise InvalidValueError(
            "must name the service point when 'kind' is 'institution'", field=attribute.name
        )
    if instance.kind is ResidenceKind.FAMILY and value is not None:
        raise InvalidValueError(
            f"must be absent when 'kind' is 'family' (got '{value}')", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class Residence(Dated):
    """Where the child lives: with a family, or in the welfare institution ``institution``
    (a service point id). Decides scattered (散居) versus institutional (集中供养) care."""

    kind: ResidenceKind
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)
    institution: str | None = attrs.field(
        default=None, validator=_institution_named, metadata=refers_to("service_point")
    )


@attrs.frozen(kw_only=True)
class Enrolment(Dated):
    """Enrolment in a programme a plugin defines, such as Xianning's weekly "1+N" counselling."""

    programme: str = attrs.field(validator=non_empty)
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)


@attrs.frozen(kw_only=True)
class Pairing(Dated):
    """A pairing with a volunteer or party member (``worker``, a worker id), under a scheme a
    plugin defines, such as Xianning's "1+1"."""

    worker: str = attrs.field(validator=non_empty, metadata=refers_to("worker"))
    scheme: str = attrs.field(validator=non_empty)
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)


@attrs.frozen(kw_only=True)
class Hardship(Dated):
    """A family-poverty hardship (living, medical or schooling) from ``start``."""

    kind: HardshipKind
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_start)


@attrs.frozen(kw_only=True)
class Contact:
    """A contact with the child by a worker (a worker id), on a day, with what was recorded."""

    date: dt.date
    worker: str = attrs.field(validator=non_empty, metadata=refers_to("worker"))
    mode: ContactMode
    topics: frozenset[Topic] = frozenset()


@attrs.frozen(kw_only=True)
class Agreement:
    """A signed agreement on the child's file, such as a children's home's service agreement
    (``service_point`` names the home) or the entrusted-guardianship confirmation."""

    kind: AgreementKind
    signed_on: dt.date
    service_point: str | None = attrs.field(
        default=None, validator=non_empty_if_given, metadata=refers_to("service_point")
    )
    end: dt.date | None = attrs.field(default=None, validator=end_after_signing)

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the agreement has been signed and has not ended by ``day``."""
        return self.signed_on <= day and (self.end is None or day < self.end)


@attrs.frozen(kw_only=True)
class Report:
    """A report made about the child: to whom, about what, by which worker if known."""

    date: dt.date
    concern: ReportConcern
    to: ReferralTarget
    worker: str | None = attrs.field(
        default=None, validator=non_empty_if_given, metadata=refers_to("worker")
    )


@attrs.frozen(kw_only=True)
class ParentContact:
    """A contact of a parent with the child (and the entrusted carer) on a day, as the file
    records it (Minors Protection Law Art. 23: at least once a week while care is entrusted)."""

    date: dt.date
    parent: Parent


@attrs.frozen(kw_only=True)
class EntrustmentNotice:
    """A written notice by the parents, on ``date``, telling ``recipient`` (the school or
    kindergarten, or the village or residents' committee) that the child's care is entrusted
    (Minors Protection Law Art. 23)."""

    date: dt.date
    recipient: NoticeRecipient


@attrs.frozen(kw_only=True)
class Referral:
    """A referral of the child to another service. ``reason`` is free text that may name
    people, so ``repr`` shows only its length."""

    date: dt.date
    target: ReferralTarget
    worker: str | None = attrs.field(
        default=None, validator=non_empty_if_given, metadata=refers_to("worker")
    )
    reason: str | None = attrs.field(default=None, repr=redacted)


def _village(instance: Child, attribute: attrs.Attribute[Division], value: Division) -> None:
    if value.level is not Level.VILLAGE:
        raise InvalidValueError(
            f"must be a village or community code of 12 digits (got {value.level.label} '{value}')",
            field=attribute.name,
        )


def _id_matches(
    instance: Child, attribute: attrs.Attribute[CitizenId | None], value: CitizenId | None
) -> None:
    if value is None:
        return
    # The birth date decides a child's age, and so every category: a number that gives
    # another one makes the file undecidable. A number that encodes the other sex does not
    # change what any rule judges; the reader accepts it with a warning
    # (careprotect.io.SEX_MISMATCH), so that a typo in either does not drop a child from the
    # audit.
    if value.birth_date != instance.birth_date:
        raise InvalidValueError(
            "encodes a birth date that differs from 'birth_date'", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class Child:
    """A child's file: who the child is, where the child lives, and the dated facts.

    ``name`` and ``citizen_id`` are masked in ``repr``, and so is ``id`` if it looks like an
    ID number. The facts are kept in the order given;
    the methods below select those that hold on a day or in a range.

    """

    id: str = attrs.field(validator=non_empty, repr=lambda v: repr(mask_if_id_number(v)))
    name: str = attrs.field(validator=non_empty, repr=mask_name)
    birth_date: dt.date
    sex: Sex
    division: Division = attrs.field(validator=_village)
    household: HouseholdType
    citizen_id: CitizenId | None = attrs.field(default=None, validator=_id_matches)
    disability: Disability | None = None
    parent_situations: tuple[ParentSituation, ...] = ()
    guardianships: tuple[Guardianship, ...] = ()
    residences: tuple[Residence, ...] = ()
    hardships: tuple[Hardship, ...] = ()
    enrolments: tuple[Enrolment, ...] = ()
    pairings: tuple[Pairing, ...] = ()
    contacts: tuple[Contact, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    reports: tuple[Report, ...] = ()
    referrals: tuple[Referral, ...] = ()
    parent_contacts: tuple[ParentContact, ...] = ()
    entrustment_notices: tuple[EntrustmentNotice, ...] = ()

    def age_on(self, day: dt.date) -> int:
        """Completed years of age on ``day`` (周岁).

        A child turns N on the Nth anniversary of the birth date; a child born on 29 February
        turns N on 28 February of a common year (dateutil's ``relativedelta``, matching the
        Civil Code Art. 202 rule that a period with no corresponding day ends on the last day of
        the month). Raises :class:`InvalidValueError` for a day before the birth date.
        """
        if day < self.birth_date:
            raise InvalidValueError(
                f"must not be before the child's birth date (got {day.isoformat()})", field="day"
            )
        return relativedelta(day, self.birth_date).years

    def parent_situations_on(
        self, day: dt.date, parent: Parent | None = None
    ) -> tuple[ParentSituation, ...]:
        """The parents' situations that hold on ``day``, optionally for one parent."""
        return tuple(
            s
            for s in self.parent_situations
            if s.in_force_on(day) and (parent is None or s.parent is parent)
        )

    def guardianships_on(self, day: dt.date) -> tuple[Guardianship, ...]:
        """The guardianships in force on ``day``."""
        return tuple(g for g in self.guardianships if g.in_force_on(day))

    def residence_on(self, day: dt.date) -> Residence | None:
        """Where the child lives on ``day``; None when the file does not say (missing input).

        If residences overlap, the one that started last is the one in force.
        """
        current = [r for r in self.residences if r.in_force_on(day)]
        return max(current, key=lambda r: r.start) if current else None

    def hardships_on(self, day: dt.date) -> tuple[Hardship, ...]:
        """The family-poverty hardships that hold on ``day``."""
        return tuple(h for h in self.hardships if h.in_force_on(day))

    def enrolments_on(self, day: dt.date) -> tuple[Enrolment, ...]:
        """The programme enrolments in force on ``day``."""
        return tuple(e for e in self.enrolments if e.in_force_on(day))

    def pairings_on(self, day: dt.date) -> tuple[Pairing, ...]:
        """The pairings in force on ``day``."""
        return tuple(p for p in self.pairings if p.in_force_on(day))

    def agreements_on(self, day: dt.date) -> tuple[Agreement, ...]:
        """The agreements signed by ``day`` and not ended."""
        return tuple(a for a in self.agreements if a.in_force_on(day))

    def contacts_between(self, start: dt.date, end: dt.date) -> Iterator[Contact]:
        """The contacts on days in the half-open range ``[start, end)``, in file order."""
        return (c for c in self.contacts if start <= c.date < end)

    def last_contact_before(self, day: dt.date) -> Contact | None:
        """The latest contact strictly before ``day``, or None."""
        earlier = [c for c in self.contacts if c.date < day]
        return max(earlier, key=lambda c: c.date) if earlier else None
