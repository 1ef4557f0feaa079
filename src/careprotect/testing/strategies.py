"""Hypothesis strategies for every model class, in one module.

Every object they generate passes the model's own validation, and the people in it are
fictional: names are drawn from lists of common surnames and given-name characters, citizen
IDs are built by :func:`citizen_ids` to match the child's birth date and sex. Identifiers are
ASCII (``C00012`` for a child, ``W0003`` for a worker, ``P0002`` for a service point).

Dated facts (:class:`~careprotect.model.ParentSituation`, :class:`~careprotect.model.Residence`
and the others) are drawn within ``[min_date, max_date]``; an ``end``, when there is one, is
always after ``start``. The facts in a child's file fall between the birth date and the
eighteenth birthday.

Strategies that refer to other records take the identifiers to refer to: ``worker_ids``,
``service_point_ids``, ``child_ids``. ``None`` (the default) means made-up identifiers, which
need not exist anywhere; an empty sequence means no reference at all (a contact needs a worker,
so a child drawn with ``worker_ids=()`` has no contacts). :func:`consistent_registries` uses
these to build registries that :func:`careprotect.load_registry` accepts whole.

The same names are exported by :mod:`careprotect.testing`; the modules behind them hold one
subject each (codes, dates and amounts, a child's facts, children, staff and service points,
registries). Needs the ``testing`` extra (Hypothesis).
"""

from careprotect.testing._children import children
from careprotect.testing._codes import citizen_ids, division_codes, divisions
from careprotect.testing._facts import (
    agreements,
    contacts,
    disabilities,
    disqualifications,
    enrolments,
    entrustment_notices,
    guardianships,
    hardships,
    pairings,
    parent_contacts,
    parent_situations,
    referrals,
    reports,
    residences,
)
from careprotect.testing._pieces import (
    DEFAULT_FACILITIES,
    DEFAULT_MAX_DATE,
    DEFAULT_MIN_DATE,
    DEFAULT_MIN_FLOOR_AREA,
    GIVEN_NAME_CHARACTERS,
    REASONS,
    SURNAMES,
    names,
)
from careprotect.testing._places import (
    childrens_homes,
    model_designations,
    service_agreements,
    service_points,
    trainings,
    workers,
)
from careprotect.testing._registries import (
    consistent_registries,
    division_records,
    reference_data,
    registries,
)
from careprotect.testing._time import amounts, periods

__all__ = [
    "DEFAULT_FACILITIES",
    "DEFAULT_MAX_DATE",
    "DEFAULT_MIN_DATE",
    "DEFAULT_MIN_FLOOR_AREA",
    "GIVEN_NAME_CHARACTERS",
    "REASONS",
    "SURNAMES",
    "agreements",
    "amounts",
    "children",
    "childrens_homes",
    "citizen_ids",
    "consistent_registries",
    "contacts",
    "disabilities",
    "disqualifications",
    "division_codes",
    "division_records",
    "divisions",
    "enrolments",
    "entrustment_notices",
    "guardianships",
    "hardships",
    "model_designations",
    "names",
    "pairings",
    "parent_contacts",
    "parent_situations",
    "periods",
    "reference_data",
    "referrals",
    "registries",
    "reports",
    "residences",
    "service_agreements",
    "service_points",
    "trainings",
    "workers",
]
