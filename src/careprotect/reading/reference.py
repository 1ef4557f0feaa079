"""The reference data of a registry read (divisions, workers, service points), and the checks
of a record's references to them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import cattrs

from careprotect.convert import FieldProblem, structure_problems
from careprotect.divisions import Division
from careprotect.model import Child, DivisionRecord, ReferenceData, ServicePoint, Worker
from careprotect.model.references import list_references
from careprotect.reading.ledger import RecordLedger
from careprotect.reading.records import (
    MAX_DEPTH,
    TYPES,
    RawRecord,
    RecordKind,
    outside_problem,
    raw_id,
    reference_id,
    shallow,
    too_deep,
    value_depth,
    within_divisions,
)

__all__ = [
    "SEX_MISMATCH",
    "DivisionCheck",
    "Structurer",
    "child_reference_problems",
    "read_reference",
    "sex_mismatch",
]

DivisionCheck = Callable[[Division, str], Iterable[tuple[str, str]]]
"""Checks a division record's code and name: (field, message) for each problem found."""


class Structurer:
    """Structures records by ``converter``."""

    def __init__(self, converter: cattrs.Converter) -> None:
        self._converter = converter
        # Structure hooks, made when first needed: the fast path may leave the child hook,
        # the costliest to make, unused.
        self._hooks: dict[RecordKind, Callable[[Any, type], Any]] = {}

    def __call__(self, raw: RawRecord, ledger: RecordLedger) -> Any:
        """``raw`` structured, or None when it does not structure: its rejection is filed in
        ``ledger``."""
        assert raw.kind is not None
        if (depth := value_depth(raw.data)) > MAX_DEPTH:
            ledger.reject(shallow(raw), [too_deep(depth)])
            return None
        hook = self._hooks.get(raw.kind)
        if hook is None:
            hook = self._hooks[raw.kind] = self._converter.get_structure_hook(TYPES[raw.kind])
        try:
            return hook(raw.data, TYPES[raw.kind])
        except Exception as exc:
            ledger.reject(raw, structure_problems(exc), raw_id(raw.data))
            return None


def read_reference(
    records: Iterator[RawRecord],
    structure: Callable[[RawRecord], Any],
    ledger: RecordLedger,
    division_check: DivisionCheck | None,
) -> tuple[ReferenceData, RawRecord | None]:
    """The reference data accepted from ``records`` (rejections and warnings in ``ledger``),
    read up to the first child file's record, which comes back too (None at the end)."""
    divisions: dict[Division, DivisionRecord] = {}
    workers: dict[str, Worker] = {}
    points: dict[str, ServicePoint] = {}
    first_child = None
    for raw in records:
        if raw.kind is RecordKind.CHILD:
            first_child = raw
            break
        if raw.problem is not None or raw.kind is None:
            ledger.reject(raw, [raw.problem] if raw.problem else [])
            continue
        item = structure(raw)
        if item is None:
            continue
        problems = _reference_problems(item, divisions, workers, points, ledger)
        if problems:
            ledger.reject(raw, problems, reference_id(item))
            continue
        ledger.accept(raw.kind)
        if isinstance(item, DivisionRecord):
            divisions[item.code] = item
            if division_check is not None:
                for field, message in division_check(item.code, item.name):
                    ledger.warn(raw, f"$.{field}", message, str(item.code))
        elif isinstance(item, Worker):
            workers[item.id] = item
        else:
            points[item.id] = item
    reference = ReferenceData(
        divisions=tuple(divisions.values()),
        workers=tuple(workers.values()),
        service_points=tuple(points.values()),
    )
    return reference, first_child


def _reference_problems(
    item: DivisionRecord | Worker | ServicePoint,
    divisions: Mapping[Division, DivisionRecord],
    workers: Mapping[str, Worker],
    points: Mapping[str, ServicePoint],
    ledger: RecordLedger,
) -> list[FieldProblem]:
    if isinstance(item, DivisionRecord):
        if item.code in divisions:
            return [FieldProblem("$.code", f"is listed twice (got '{item.code}')")]
        return []
    problems: list[FieldProblem] = []
    if not within_divisions(item.division, divisions):
        problems.append(outside_problem(item.division))
    if isinstance(item, Worker):
        if item.id in workers:
            problem = f"is a duplicate worker id (got '{item.id}')"
            problems.append(FieldProblem("$.id", problem))
        return problems
    if item.id in points:
        problem = f"is a duplicate service point id (got '{item.id}')"
        problems.append(FieldProblem("$.id", problem))
    if item.director is not None and item.director not in workers:
        message = ledger.unknown(RecordKind.WORKER, item.director, "worker")
        problems.append(FieldProblem("$.director", message))
    return problems


# The references of a child file to workers and service points: the list holding them, the
# field naming the reference, and what it refers to.
_CHILD_REFERENCES = tuple(
    (section, field, RecordKind(kind)) for section, field, kind in list_references(Child)
)


SEX_MISMATCH = (
    "encodes a sex that differs from 'sex': the child is judged with 'sex' as recorded; "
    "check which of the two is wrong"
)
"""The warning on a child file whose citizen ID number encodes the other sex. The file is
accepted (a typo in either must not drop a child from the audit), unlike a number that
encodes another birth date, which decides the child's age."""


def sex_mismatch(child: Child) -> bool:
    """Whether ``child``'s citizen ID number encodes the other sex (:data:`SEX_MISMATCH`)."""
    cid = child.citizen_id
    return cid is not None and cid.sex is not child.sex


def child_reference_problems(
    child: Child, reference: ReferenceData, ledger: RecordLedger
) -> list[FieldProblem]:
    """The problems of ``child``'s references to workers and service points that are not
    among ``reference``'s."""
    problems: list[FieldProblem] = []
    for section, field, kind in _CHILD_REFERENCES:
        known, what = (
            (reference.worker, "worker")
            if kind is RecordKind.WORKER
            else (reference.service_point, "service point")
        )
        for i, item in enumerate(getattr(child, section)):
            ref = getattr(item, field)
            if ref is not None and known(ref) is None:
                message = ledger.unknown(kind, ref, what)
                problems.append(FieldProblem(f"$.{section}[{i}].{field}", message))
    return problems
