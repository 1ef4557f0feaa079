"""The people who serve children: child directors, supervisors, counsellors and others."""

from __future__ import annotations

import datetime as dt

import attrs

from careprotect.divisions import Division
from careprotect.enums import OrganiserLevel, Post, Sex, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.masking import mask_name
from careprotect.model._base import non_empty

__all__ = ["Training", "Worker"]


def _positive_days(instance: Training, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise InvalidValueError(f"must be at least 1 (got {value})", field=attribute.name)


@attrs.frozen(kw_only=True)
class Training:
    """A training attended: when, organised by which level of government, how many days, and
    whether the assessment was passed (None: the result is not recorded)."""

    date: dt.date
    organiser_level: OrganiserLevel
    days: int = attrs.field(validator=_positive_days)
    passed: bool | None = None


def _left_after_appointed(
    instance: Worker, attribute: attrs.Attribute[dt.date | None], value: dt.date | None
) -> None:
    if value is not None and instance.appointed_on is not None and value <= instance.appointed_on:
        raise InvalidValueError(
            f"must be after 'appointed_on' {instance.appointed_on.isoformat()} "
            f"(got {value.isoformat()})",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class Worker:
    """A worker, the division they serve, the posts they hold and their trainings.

    ``appointed_on`` and ``left_on`` bound the service (``left_on`` is the first day no longer
    in post). ``name`` is masked in ``repr``.
    """

    id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty, repr=mask_name)
    role: WorkerRole
    division: Division
    sex: Sex | None = None
    posts: frozenset[Post] = frozenset()
    appointed_on: dt.date | None = None
    left_on: dt.date | None = attrs.field(default=None, validator=_left_after_appointed)
    trainings: tuple[Training, ...] = ()

    def in_post_on(self, day: dt.date) -> bool | None:
        """Whether the worker serves on ``day``; None when the appointment date is unknown and
        the worker has not left by then (the file cannot say)."""
        if self.left_on is not None and day >= self.left_on:
            return False
        if self.appointed_on is None:
            return None
        return self.appointed_on <= day
