"""Strategies for the facts of a child's file: parent situations, guardianships, residences,
hardships, contacts, agreements and the others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect import enums, model
from careprotect.model.child import DEPRIVATIONS
from careprotect.testing._pieces import (
    DEFAULT_MAX_DATE,
    DEFAULT_MIN_DATE,
    PROGRAMMES,
    REASONS,
    SCHEMES,
    check_dates,
    check_ids,
    dates_between,
    draw_end_after,
    draw_span,
    names,
    optional_ref_strategy,
    ref_strategy,
)

__all__ = [
    "agreements",
    "contacts",
    "disabilities",
    "disqualifications",
    "enrolments",
    "entrustment_notices",
    "guardianships",
    "hardships",
    "pairings",
    "parent_contacts",
    "parent_situations",
    "referrals",
    "reports",
    "residences",
]

_Fact = TypeVar("_Fact")

# -- facts of a child's file -----------------------------------------------------------------


def disabilities(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.Disability]:
    """Certified disabilities: any kind, grade 1 to 4, certified on a day in range or unknown."""
    check_dates(min_date, max_date)
    return st.builds(
        model.Disability,
        kind=st.sampled_from(enums.DisabilityKind),
        grade=st.integers(1, 4),
        certified_on=st.none() | dates_between(min_date, max_date),
    )


@st.composite
def parent_situations_in(
    draw: st.DrawFn,
    parent: enums.Parent | None,
    kind: enums.ParentSituationKind | None,
    min_date: dt.date,
    max_date: dt.date,
) -> model.ParentSituation:
    start, end = draw(draw_span(min_date, max_date))
    kind = kind if kind is not None else draw(st.sampled_from(enums.ParentSituationKind))
    # A term only for a deprivation of liberty, a disability only when severely disabled.
    term = draw(st.none() | st.integers(1, 240)) if kind in DEPRIVATIONS else None
    disability = (
        draw(st.none() | disabilities(min_date, max_date))
        if kind is enums.ParentSituationKind.SEVERELY_DISABLED
        else None
    )
    return model.ParentSituation(
        parent=parent if parent is not None else draw(st.sampled_from(enums.Parent)),
        kind=kind,
        start=start,
        end=end,
        term_months=term,
        disability=disability,
    )


def parent_situations(
    parent: enums.Parent | None = None,
    kind: enums.ParentSituationKind | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.ParentSituation]:
    """A parent's situations, of ``parent`` and ``kind`` when given (else any)."""
    check_dates(min_date, max_date)
    if parent is not None and not isinstance(parent, enums.Parent):
        raise InvalidArgument(f"parent must be a Parent or None (got {parent!r})")
    if kind is not None and not isinstance(kind, enums.ParentSituationKind):
        raise InvalidArgument(f"kind must be a ParentSituationKind or None (got {kind!r})")
    return parent_situations_in(parent, kind, min_date, max_date)


@st.composite
def _spanned(
    draw: st.DrawFn,
    /,
    make: Callable[..., _Fact],
    min_date: dt.date,
    max_date: dt.date,
    **fields: st.SearchStrategy[Any],
) -> _Fact:
    """A fact made by ``make`` that holds over a span within ``[min_date, max_date]``: the
    span drawn first, then each of ``fields`` in order."""
    start, end = draw(draw_span(min_date, max_date))
    return make(**{name: draw(field) for name, field in fields.items()}, start=start, end=end)


def _checked_spans(
    make: Callable[..., _Fact],
    min_date: dt.date,
    max_date: dt.date,
    **fields: st.SearchStrategy[Any],
) -> st.SearchStrategy[_Fact]:
    """:func:`_spanned`, once the dates are checked: what the public strategies of facts that
    hold over a span return."""
    check_dates(min_date, max_date)
    return _spanned(make, min_date, max_date, **fields)


def _checked_days(
    make: Callable[..., _Fact],
    min_date: dt.date,
    max_date: dt.date,
    **fields: st.SearchStrategy[Any],
) -> st.SearchStrategy[_Fact]:
    """Facts made by ``make`` on a ``date`` within ``[min_date, max_date]`` (checked), with
    ``fields``."""
    check_dates(min_date, max_date)
    return st.builds(make, date=dates_between(min_date, max_date), **fields)


def disqualifications(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.Disqualification]:
    """An entrusted carer's disqualifying facts (Minors Protection Law Art. 22): any kind,
    dated within ``[min_date, max_date]``, open or ended."""
    kind = st.sampled_from(enums.DisqualificationKind)
    return _checked_spans(model.Disqualification, min_date, max_date, kind=kind)


@st.composite
def guardianships_in(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> model.Guardianship:
    start, end = draw(draw_span(min_date, max_date))
    entrusted = draw(st.booleans())
    signed = draw(st.none() | dates_between(start, max(max_date, start))) if entrusted else None
    barred: tuple[model.Disqualification, ...] = ()
    if entrusted:
        barred = tuple(draw(st.lists(disqualifications(min_date, max_date), max_size=2)))
    return model.Guardianship(
        guardian=draw(names()),
        relation=draw(st.sampled_from(enums.Relation)),
        start=start,
        end=end,
        entrusted=entrusted,
        confirmation_signed_on=signed,
        disqualifications=barred,
    )


def guardianships(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.Guardianship]:
    """Guardianships; an entrusted one sometimes has its confirmation signed on or after its
    start, and sometimes up to two disqualifications of its carer (dated within the range);
    a guardianship that is not entrusted has neither."""
    check_dates(min_date, max_date)
    return guardianships_in(min_date, max_date)


def parent_contacts(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.ParentContact]:
    """Contacts of a parent with the child and the entrusted carer, on a day in range."""
    return _checked_days(
        model.ParentContact, min_date, max_date, parent=st.sampled_from(enums.Parent)
    )


def entrustment_notices(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.EntrustmentNotice]:
    """Written notices of entrusted care to the school or the committee, on a day in range."""
    recipient = st.sampled_from(enums.NoticeRecipient)
    return _checked_days(model.EntrustmentNotice, min_date, max_date, recipient=recipient)


@st.composite
def residences_in(
    draw: st.DrawFn,
    kind: enums.ResidenceKind | None,
    institutions: st.SearchStrategy[str] | None,
    min_date: dt.date,
    max_date: dt.date,
) -> model.Residence:
    if kind is None:
        kind = (
            enums.ResidenceKind.FAMILY
            if institutions is None
            else draw(st.sampled_from(enums.ResidenceKind))
        )
    start, end = draw(draw_span(min_date, max_date))
    institution = None
    if kind is enums.ResidenceKind.INSTITUTION:
        assert institutions is not None  # refused by residences(), never drawn by children()
        institution = draw(institutions)
    return model.Residence(kind=kind, start=start, end=end, institution=institution)


def residences(
    kind: enums.ResidenceKind | None = None,
    service_point_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.Residence]:
    """Residences of ``kind`` (any if None): an institutional residence names an institution
    from ``service_point_ids``, a family residence names none. With ``service_point_ids=()``
    every residence is with a family."""
    check_dates(min_date, max_date)
    ids = check_ids("service_point_ids", service_point_ids)
    if kind is not None and not isinstance(kind, enums.ResidenceKind):
        raise InvalidArgument(f"kind must be a ResidenceKind or None (got {kind!r})")
    institutions = ref_strategy(ids, "P")
    if kind is enums.ResidenceKind.INSTITUTION and institutions is None:
        raise InvalidArgument("an institutional residence needs a service point id")
    return residences_in(kind, institutions, min_date, max_date)


def hardships(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.Hardship]:
    """Family-poverty hardships of any kind."""
    return _checked_spans(
        model.Hardship, min_date, max_date, kind=st.sampled_from(enums.HardshipKind)
    )


def enrolments(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[model.Enrolment]:
    """Enrolments in made-up programmes (``1+N``, ...)."""
    return _checked_spans(
        model.Enrolment, min_date, max_date, programme=st.sampled_from(PROGRAMMES)
    )


def pairings_in(
    workers: st.SearchStrategy[str], min_date: dt.date, max_date: dt.date
) -> st.SearchStrategy[model.Pairing]:
    scheme = st.sampled_from(SCHEMES)
    return _spanned(model.Pairing, min_date, max_date, worker=workers, scheme=scheme)


def _some_workers(worker_ids: Sequence[str] | None, what: str) -> st.SearchStrategy[str]:
    """The workers ``what`` (a fact that needs one) may name: ``worker_ids`` checked, or
    made-up ids; an empty sequence is refused."""
    workers = ref_strategy(check_ids("worker_ids", worker_ids), "W")
    if workers is None:
        raise InvalidArgument(f"{what} needs a worker: worker_ids must not be empty")
    return workers


def pairings(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.Pairing]:
    """Pairings with a worker from ``worker_ids`` (made-up ids if None; must not be empty)."""
    check_dates(min_date, max_date)
    return pairings_in(_some_workers(worker_ids, "a pairing"), min_date, max_date)


def contacts(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.Contact]:
    """Contacts by a worker from ``worker_ids`` (made-up ids if None; must not be empty), on a
    day in range, in any mode, covering any set of topics."""
    check_dates(min_date, max_date)
    return contacts_in(_some_workers(worker_ids, "a contact"), min_date, max_date)


def contacts_in(
    workers: st.SearchStrategy[str], min_date: dt.date, max_date: dt.date
) -> st.SearchStrategy[model.Contact]:
    return st.builds(
        model.Contact,
        date=dates_between(min_date, max_date),
        worker=workers,
        mode=st.sampled_from(enums.ContactMode),
        topics=st.frozensets(st.sampled_from(enums.Topic)),
    )


@st.composite
def agreements_in(
    draw: st.DrawFn, points: st.SearchStrategy[str] | None, min_date: dt.date, max_date: dt.date
) -> model.Agreement:
    kind = draw(st.sampled_from(enums.AgreementKind))
    signed_on = draw(dates_between(min_date, max_date))
    point = None
    if kind is enums.AgreementKind.SERVICE_AGREEMENT and points is not None:
        point = draw(points)
    return model.Agreement(
        kind=kind,
        signed_on=signed_on,
        service_point=point,
        end=draw(draw_end_after(signed_on, max_date)),
    )


def agreements(
    service_point_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.Agreement]:
    """Agreements on a child's file; a service agreement names a point from
    ``service_point_ids`` (none when it is empty), a confirmation names none. An ``end``,
    when there is one, is after the signing day."""
    check_dates(min_date, max_date)
    points = ref_strategy(check_ids("service_point_ids", service_point_ids), "P")
    return agreements_in(points, min_date, max_date)


def reports(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.Report]:
    """Reports, by a worker from ``worker_ids`` or by an unrecorded reporter."""
    check_dates(min_date, max_date)
    return reports_in(ref_strategy(check_ids("worker_ids", worker_ids), "W"), min_date, max_date)


def reports_in(
    workers: st.SearchStrategy[str] | None, min_date: dt.date, max_date: dt.date
) -> st.SearchStrategy[model.Report]:
    return st.builds(
        model.Report,
        date=dates_between(min_date, max_date),
        concern=st.sampled_from(enums.ReportConcern),
        to=st.sampled_from(enums.ReferralTarget),
        worker=optional_ref_strategy(workers),
    )


def referrals(
    worker_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[model.Referral]:
    """Referrals, by a worker from ``worker_ids`` or unrecorded, with a reason from
    :data:`REASONS` or none."""
    check_dates(min_date, max_date)
    workers = ref_strategy(check_ids("worker_ids", worker_ids), "W")
    return referrals_in(workers, min_date, max_date)


def referrals_in(
    workers: st.SearchStrategy[str] | None, min_date: dt.date, max_date: dt.date
) -> st.SearchStrategy[model.Referral]:
    return st.builds(
        model.Referral,
        date=dates_between(min_date, max_date),
        target=st.sampled_from(enums.ReferralTarget),
        worker=optional_ref_strategy(workers),
        reason=st.none() | st.sampled_from(REASONS),
    )
