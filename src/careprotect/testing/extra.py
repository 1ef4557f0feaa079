"""Whether careprotect's testing extra is installed.

The strategies and the conformance suite need Hypothesis (``pip install -e '.[testing]'`` in
a checkout of careprotect); the synthetic registries (:mod:`careprotect.testing.synth`) and
the plugin template need nothing beyond careprotect.
"""

from __future__ import annotations

import importlib.util

__all__ = ["has_hypothesis", "require_hypothesis"]

MISSING = (
    "careprotect.testing needs careprotect's testing extra (hypothesis): "
    "pip install -e '.[testing]' in a checkout of careprotect"
)
"""The one line that says what to install."""


def has_hypothesis() -> bool:
    """Whether Hypothesis can be imported."""
    return importlib.util.find_spec("hypothesis") is not None


def require_hypothesis() -> None:
    """Raise :class:`ModuleNotFoundError` with one clear line unless Hypothesis is installed.

    Called when a module that needs it is imported; ``python -m careprotect.testing.template``
    calls it too, so that runpy shows the line rather than a traceback.
    """
    if not has_hypothesis():
        raise ModuleNotFoundError(MISSING, name="careprotect.testing")
