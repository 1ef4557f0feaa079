"""Public test tools for careprotect and its plugins.

Hypothesis strategies for every model class, for plugin authors and for careprotect's own
tests; the plugin conformance suite (:mod:`careprotect.testing.conformance`); the plugin
template (:func:`new_plugin`); and synthetic registries (:mod:`careprotect.testing.synth`).
The strategies and the conformance suite need the ``testing`` extra (``pip install -e
'.[testing]'`` in a checkout of careprotect); without it, importing this package still works
(``careprotect synth`` needs only :mod:`careprotect.testing.synth`), and asking it for a
strategy raises :class:`ModuleNotFoundError` with one line saying what to install.
"""

from careprotect.testing.extra import has_hypothesis, require_hypothesis

if has_hypothesis():
    from careprotect.testing._plugins import stub_plugin
    from careprotect.testing._template import new_plugin
    from careprotect.testing.conformance import CHECKS, ConformanceSuite, conformance_problems
    from careprotect.testing.strategies import (
        DEFAULT_FACILITIES,
        DEFAULT_MAX_DATE,
        DEFAULT_MIN_DATE,
        DEFAULT_MIN_FLOOR_AREA,
        GIVEN_NAME_CHARACTERS,
        REASONS,
        SURNAMES,
        agreements,
        amounts,
        children,
        childrens_homes,
        citizen_ids,
        consistent_registries,
        contacts,
        disabilities,
        disqualifications,
        division_codes,
        division_records,
        divisions,
        enrolments,
        entrustment_notices,
        guardianships,
        hardships,
        model_designations,
        names,
        pairings,
        parent_contacts,
        parent_situations,
        periods,
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


if not has_hypothesis():

    def __getattr__(name: str) -> object:
        """Without Hypothesis: one clear line for a name that needs it (PEP 562)."""
        if name in __all__:
            require_hypothesis()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
