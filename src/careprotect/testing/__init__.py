"""Public test tools for careprotect and its plugins.

Hypothesis strategies for every model class, for plugin authors and for careprotect's own
tests; the plugin conformance suite (:mod:`careprotect.testing.conformance`); and the plugin
template (:func:`new_plugin`). Needs the ``testing`` extra (``pip install -e '.[testing]'`` in
a checkout of careprotect).
"""

import importlib.util

if importlib.util.find_spec("hypothesis") is None:
    # One clear line, also for ``python -m careprotect.testing.template`` (runpy shows an
    # import error of the package it runs from as a line, not a traceback).
    raise ModuleNotFoundError(
        "careprotect.testing needs careprotect's testing extra (hypothesis): "
        "pip install -e '.[testing]' in a checkout of careprotect",
        name=__name__,
    )

from careprotect.testing._codes import citizen_ids, division_codes, divisions
from careprotect.testing._model import (
    DEFAULT_FACILITIES,
    DEFAULT_MAX_DATE,
    DEFAULT_MIN_DATE,
    DEFAULT_MIN_FLOOR_AREA,
    GIVEN_NAME_CHARACTERS,
    REASONS,
    SURNAMES,
    agreements,
    children,
    childrens_homes,
    consistent_registries,
    contacts,
    disabilities,
    disqualifications,
    division_records,
    enrolments,
    entrustment_notices,
    guardianships,
    hardships,
    model_designations,
    names,
    pairings,
    parent_contacts,
    parent_situations,
    reference_data,
    referrals,
    registries,
    reports,
    residences,
    service_agreements,
    service_points,
    trainings,
    workers,
)
from careprotect.testing._plugins import stub_plugin
from careprotect.testing._template import new_plugin
from careprotect.testing._time import amounts, periods
from careprotect.testing.conformance import CHECKS, ConformanceSuite, conformance_problems

__all__ = [
    "CHECKS",
    "DEFAULT_FACILITIES",
    "DEFAULT_MAX_DATE",
    "DEFAULT_MIN_DATE",
    "DEFAULT_MIN_FLOOR_AREA",
    "GIVEN_NAME_CHARACTERS",
    "REASONS",
    "SURNAMES",
    "ConformanceSuite",
    "agreements",
    "amounts",
    "children",
    "childrens_homes",
    "citizen_ids",
    "conformance_problems",
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
    "new_plugin",
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
    "stub_plugin",
    "trainings",
    "workers",
]
