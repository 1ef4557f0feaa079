"""Shared fixtures and the Hypothesis profiles of careprotect's tests (tests/README.md).

Profiles: ``quick`` (the default) runs every property test with at most
:data:`QUICK_EXAMPLES` examples, whatever its ``@settings(max_examples=...)`` says, so that the
whole suite runs in about three minutes; ``long`` runs each with the examples it declares (and
:data:`LONG_EXAMPLES` where it declares none). Choose with ``HYPOTHESIS_PROFILE=long`` or
``pytest --hypothesis-profile long``.
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from careprotect.engine import Engine
from support import Install, InstalledPlugin, messy_lines

QUICK_EXAMPLES = 10
"""The most examples a property test draws in the quick profile."""
LONG_EXAMPLES = 200
"""Examples of a property test that declares none, in the long profile."""

settings.register_profile(
    "quick",
    max_examples=QUICK_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("long", max_examples=LONG_EXAMPLES, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def _declared_settings(item: pytest.Item) -> tuple[object, settings] | None:
    """The test function of ``item`` and the settings its decorators gave it, if it is a
    Hypothesis test."""
    function = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
    declared = getattr(function, "_hypothesis_internal_use_settings", None)
    if function is None or not isinstance(declared, settings):
        return None
    return function, declared


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In the quick profile, cap each property test's examples at the profile's.

    A profile sets only what a test's own ``@settings`` leaves unset, so the cap replaces the
    settings Hypothesis keeps on the test function (``_hypothesis_internal_use_settings``, the
    attribute ``@settings`` and ``@given`` read when the test runs). Should a Hypothesis
    release rename it, nothing is capped: the suite runs as declared, only slower
    (tests/test_profiles.py then fails and says so).
    """
    if settings.get_current_profile_name() != "quick":
        return
    for item in items:
        found = _declared_settings(item)
        if found is None:
            continue
        function, declared = found
        if declared.max_examples > QUICK_EXAMPLES:
            capped = settings(declared, max_examples=QUICK_EXAMPLES)
            function._hypothesis_internal_use_settings = capped  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine of every installed plugin (the national baseline, Hunan and Hubei), built
    once: rules are pure values, so tests share it. A module that needs an engine of its own
    (a throwaway plugin) overrides this fixture."""
    return Engine.from_entry_points()


@pytest.fixture(scope="session")
def national_engine() -> Engine:
    """The engine of the national baseline alone, built once."""
    return Engine()


@pytest.fixture(scope="session")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample registry with bad lines, duplicates and a late reference record spread
    through it (:func:`support.messy_lines`), as a file."""
    path = tmp_path_factory.mktemp("messy") / "messy.jsonl"
    path.write_bytes(b"".join(messy_lines()))
    return path


@pytest.fixture
def install_plugins(monkeypatch: pytest.MonkeyPatch) -> Install:
    """No careprotect plugin is installed but those the test installs by calling the fixture's
    value (``install_plugins(hn=plugin)``); the locale is English (no LC_ALL, LC_MESSAGES or
    LANG)."""
    plugins: dict[str, object] = {}
    real = importlib.metadata.entry_points

    def entry_points(**params: Any) -> Any:
        if params.get("group") == "careprotect":
            return [InstalledPlugin(n, p) for n, p in plugins.items()]
        return real(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return lambda **more: plugins.update(more)
