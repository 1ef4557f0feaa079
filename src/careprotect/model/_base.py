"""Shared pieces of the model classes: dated facts and field validators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from careprotect.errors import InvalidValueError

__all__ = ["Dated", "end_after_start", "non_empty", "non_negative"]


class Dated:
    """A fact that holds from ``start`` (inclusive) until ``end`` (exclusive, or open).

    ``end`` is the first day on which the fact no longer holds, so a parent who returns home on
    2020-06-01 has ``end=2020-06-01`` and is away on 2020-05-31 but not on 2020-06-01. This is
    the day a child leaves a category (POLICY.md §2: "a child leaves a category on the day a
    condition stops holding").
    """

    __slots__ = ()
    start: dt.date
    end: dt.date | None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the fact holds on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether the fact holds on any day of the half-open range ``[start, end)``."""
        return (end is None or self.start < end) and (self.end is None or start < self.end)


def end_after_start(instance: Any, attribute: attrs.Attribute[Any], value: dt.date | None) -> None:
    """Validator for an ``end`` date: it must come after ``start``."""
    if value is not None and value <= instance.start:
        raise InvalidValueError(
            f"must be after 'start' {instance.start.isoformat()} (got {value.isoformat()})",
            field=attribute.name,
        )


def non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Validator for identifiers and names: not empty, not only blanks."""
    if not value.strip():
        raise InvalidValueError("must not be empty", field=attribute.name)


def non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator for areas, counts and amounts: zero or more, when given."""
    if value is not None and value < 0:
        raise InvalidValueError(f"must not be negative (got {value})", field=attribute.name)
