"""A registry: reference data (divisions, workers, service points) plus the child files.

Reference data is small and held in memory; child files are many and can be streamed one at a
time (see :mod:`careprotect.io`). :class:`Registry` is the in-memory form of a whole registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

import attrs

from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.model._base import non_empty
from careprotect.model.child import Child
from careprotect.model.service_point import ServicePoint
from careprotect.model.staff import Worker

__all__ = ["DivisionRecord", "ReferenceData", "Registry"]


@attrs.frozen(kw_only=True)
class DivisionRecord:
    """A division the registry covers, with its name (e.g. 430124, 宁乡市)."""

    code: Division
    name: str = attrs.field(validator=non_empty)


def _unique(key: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Iterable[Any]) -> None:
        seen: set[Any] = set()
        for index, item in enumerate(value):
            k = getattr(item, key)
            if k in seen:
                raise InvalidValueError(
                    f"has a duplicate {key} '{k}' at index {index}", field=attribute.name
                )
            seen.add(k)

    return check


@attrs.frozen(kw_only=True)
class ReferenceData:
    """The divisions, workers and service points a registry's child files refer to.

    Division codes, worker ids and service point ids are each unique.
    """

    divisions: tuple[DivisionRecord, ...] = attrs.field(default=(), validator=_unique("code"))
    workers: tuple[Worker, ...] = attrs.field(default=(), validator=_unique("id"))
    service_points: tuple[ServicePoint, ...] = attrs.field(default=(), validator=_unique("id"))

    @cached_property
    def _division_names(self) -> Mapping[Division, str]:
        return {d.code: d.name for d in self.divisions}

    @cached_property
    def _workers(self) -> Mapping[str, Worker]:
        return {w.id: w for w in self.workers}

    @cached_property
    def _service_points(self) -> Mapping[str, ServicePoint]:
        return {p.id: p for p in self.service_points}

    def division_name(self, code: Division) -> str | None:
        """The name of a listed division, or None."""
        return self._division_names.get(code)

    def is_known_division(self, code: Division) -> bool:
        """Whether ``code`` is a listed division or lies within one."""
        names = self._division_names
        return code in names or any(a in names for a in code.ancestors)

    def worker(self, worker_id: str) -> Worker | None:
        """The worker with this id, or None."""
        return self._workers.get(worker_id)

    def service_point(self, point_id: str) -> ServicePoint | None:
        """The service point with this id, or None."""
        return self._service_points.get(point_id)


@attrs.frozen(kw_only=True)
class Registry:
    """A whole registry in memory: the reference data and every child file."""

    reference: ReferenceData = ReferenceData()
    children: tuple[Child, ...] = attrs.field(default=(), validator=_unique("id"))
