"""Service points: children's homes, welfare institutions, social work stations and others."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from careprotect.divisions import Division
from careprotect.enums import Facility, OrganiserLevel, ServicePointKind
from careprotect.errors import InvalidValueError
from careprotect.model._base import (
    end_after_signing,
    non_empty,
    non_empty_if_given,
    non_negative,
)
from careprotect.model.references import refers_to

__all__ = ["ModelDesignation", "ServiceAgreement", "ServicePoint"]


def _year(instance: ModelDesignation, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1949 <= value <= 2100:
        raise InvalidValueError(f"must be a year from 1949 to 2100 (got {value})", field="year")


@attrs.frozen(kw_only=True)
class ModelDesignation:
    """A model-home designation (示范儿童之家) by a level of government in a year."""

    level: OrganiserLevel
    year: int = attrs.field(validator=_year)


@attrs.frozen(kw_only=True)
class ServiceAgreement:
    """An entrusted service agreement (委托服务协议书) the service point signed with the
    guardian of the child ``child`` (a child id) (seed 002 §5.4)."""

    child: str = attrs.field(validator=non_empty)
    signed_on: dt.date
    end: dt.date | None = attrs.field(default=None, validator=end_after_signing)

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the agreement has been signed and has not ended by ``day``."""
        return self.signed_on <= day and (self.end is None or day < self.end)


def _closed_after_opened(
    instance: ServicePoint, attribute: attrs.Attribute[dt.date | None], value: dt.date | None
) -> None:
    if value is not None and instance.opened_on is not None and value <= instance.opened_on:
        raise InvalidValueError(
            f"must be after 'opened_on' {instance.opened_on.isoformat()} (got {value.isoformat()})",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class ServicePoint:
    """A service point and the facts a standard is checked against.

    Areas are in square metres; None means not recorded (a missing input, never zero).
    ``director`` is the id of the worker who directs it.
    """

    id: str = attrs.field(validator=non_empty)
    kind: ServicePointKind
    name: str = attrs.field(validator=non_empty)
    division: Division
    in_school: bool = False
    floor_area_m2: Decimal | None = attrs.field(default=None, validator=non_negative)
    outdoor_area_m2: Decimal | None = attrs.field(default=None, validator=non_negative)
    facilities: frozenset[Facility] = frozenset()
    model_designations: tuple[ModelDesignation, ...] = ()
    opened_on: dt.date | None = None
    closed_on: dt.date | None = attrs.field(default=None, validator=_closed_after_opened)
    director: str | None = attrs.field(
        default=None, validator=non_empty_if_given, metadata=refers_to("worker")
    )
    agreements: tuple[ServiceAgreement, ...] = ()

    def open_on(self, day: dt.date) -> bool | None:
        """Whether the point is open on ``day``; None when the opening date is unknown and it
        has not closed by then."""
        if self.closed_on is not None and day >= self.closed_on:
            return False
        if self.opened_on is None:
            return None
        return self.opened_on <= day
