"""Strategies for registries: division records, reference data, and registries whose
references resolve (:func:`consistent_registries`)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.divisions import Division, Level
from careprotect.model import (
    DivisionRecord,
    ReferenceData,
    Registry,
)
from careprotect.testing._children import children
from careprotect.testing._codes import divisions
from careprotect.testing._pieces import LEVEL_SUFFIX, PLACE_WORDS, check_division
from careprotect.testing._places import service_points, workers

__all__ = ["consistent_registries", "division_records", "reference_data", "registries"]

# -- registries ------------------------------------------------------------------------------


@st.composite
def _division_records(
    draw: st.DrawFn, within: Division | None, level: Level | None
) -> DivisionRecord:
    code = draw(divisions(level, within=within))
    place = "".join(draw(st.lists(st.sampled_from(PLACE_WORDS), min_size=1, max_size=2)))
    return DivisionRecord(code=code, name=f"{place}{LEVEL_SUFFIX[code.level]}")


def division_records(
    within: Division | None = None, level: Level | None = None
) -> st.SearchStrategy[DivisionRecord]:
    """Division records of ``level`` (any if None) within ``within``, with a made-up name
    ending in the level's word (省, 市, 县, 镇, 村)."""
    check_division(within)
    if level is not None and not isinstance(level, Level):
        raise InvalidArgument(f"level must be a Level or None (got {level!r})")
    return _division_records(within, level)


@st.composite
def _reference_data(draw: st.DrawFn, max_size: int) -> ReferenceData:
    records = draw(st.lists(division_records(), max_size=max_size, unique_by=lambda r: r.code))
    n_workers = draw(st.integers(0, max_size))
    n_points = draw(st.integers(0, max_size))
    return ReferenceData(
        divisions=tuple(records),
        workers=tuple(draw(workers(worker_id=f"W{i:04d}")) for i in range(1, n_workers + 1)),
        service_points=tuple(
            draw(service_points(point_id=f"P{i:04d}")) for i in range(1, n_points + 1)
        ),
    )


def reference_data(max_size: int = 3) -> st.SearchStrategy[ReferenceData]:
    """Reference data with up to ``max_size`` each of divisions, workers and service points;
    division codes, worker ids and service point ids are unique. References between them
    (divisions, directors) are not kept consistent: see :func:`consistent_registries`."""
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0:
        raise InvalidArgument(f"max_size must be an int of 0 or more (got {max_size!r})")
    return _reference_data(max_size)


@st.composite
def _registries(draw: st.DrawFn, max_children: int) -> Registry:
    reference = draw(reference_data())
    listed = [r.code for r in reference.divisions]
    within = st.sampled_from(listed) if listed else st.none()
    n = draw(st.integers(0, max_children))
    kids = tuple(
        draw(children(draw(within), max_facts=2, child_id=f"C{i:05d}")) for i in range(1, n + 1)
    )
    return Registry(reference=reference, children=kids)


def registries(max_children: int = 5) -> st.SearchStrategy[Registry]:
    """Registries of :func:`reference_data` and up to ``max_children`` child files with
    unique ids, each in a village within a listed division when any is listed. Workers and
    service points a child refers to are made up: a :class:`~careprotect.model.Registry` does
    not check references (the reader does); for registries the reader accepts whole, use
    :func:`consistent_registries`."""
    if isinstance(max_children, bool) or not isinstance(max_children, int) or max_children < 0:
        raise InvalidArgument(f"max_children must be an int of 0 or more (got {max_children!r})")
    return _registries(max_children)


@st.composite
def _consistent(draw: st.DrawFn, max_children: int, max_workers: int, max_points: int) -> Registry:
    top_levels = st.sampled_from([Level.PROVINCE, Level.PREFECTURE, Level.COUNTY])
    records = tuple(
        draw(
            st.lists(
                top_levels.flatmap(lambda level: division_records(level=level)),
                min_size=1,
                max_size=3,
                unique_by=lambda r: r.code,
            )
        )
    )
    listed = st.sampled_from([r.code for r in records])
    n_children = draw(st.integers(0, max_children))
    child_ids = [f"C{i:05d}" for i in range(1, n_children + 1)]
    n_workers = draw(st.integers(0, max_workers))
    worker_ids = [f"W{i:04d}" for i in range(1, n_workers + 1)]
    staff = tuple(draw(workers(draw(listed), worker_id=w)) for w in worker_ids)
    n_points = draw(st.integers(0, max_points))
    point_ids = [f"P{i:04d}" for i in range(1, n_points + 1)]
    points = tuple(
        draw(service_points(draw(listed), point_id=p, director_ids=worker_ids, child_ids=child_ids))
        for p in point_ids
    )
    kids = tuple(
        draw(
            children(
                draw(listed),
                max_facts=2,
                child_id=c,
                worker_ids=worker_ids,
                service_point_ids=point_ids,
            )
        )
        for c in child_ids
    )
    return Registry(
        reference=ReferenceData(divisions=records, workers=staff, service_points=points),
        children=kids,
    )


def consistent_registries(
    max_children: int = 5, max_workers: int = 4, max_service_points: int = 3
) -> st.SearchStrategy[Registry]:
    """Registries whose references all hold, so :func:`careprotect.load_registry` reads
    them back with no rejection.

    One to three divisions are listed (provinces, prefectures or counties, codes unique);
    every worker, service point and child lies within a listed division; worker, service
    point and child ids are unique; a service point's director is an existing worker; every
    worker a child's contact, pairing, report or referral names exists, as does every
    service point of an institutional residence or an agreement; service agreements name
    existing children (there are none when there are no children).
    """
    for name, value in (
        ("max_children", max_children),
        ("max_workers", max_workers),
        ("max_service_points", max_service_points),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidArgument(f"{name} must be an int of 0 or more (got {value!r})")
    return _consistent(max_children, max_workers, max_service_points)
