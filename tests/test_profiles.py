"""The Hypothesis profiles of tests/conftest.py: quick caps a test's declared examples, long
keeps them (tests/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

COUNTED = """
from hypothesis import given, settings, strategies as st

CALLS = []


@settings(max_examples={declared}, database=None)
@given(st.integers())
def test_counted(n):
    CALLS.append(n)


def test_count():
    assert len(CALLS) == {expected}
"""


@pytest.mark.parametrize(
    ("profile", "declared", "expected"),
    [("quick", 50, 10), ("quick", 4, 4), ("long", 50, 50)],
)
def test_a_profile_decides_how_many_examples_a_test_draws(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    profile: str,
    declared: int,
    expected: int,
) -> None:
    """Quick draws at most 10 examples, fewer when the test declares fewer; long draws what
    the test declares."""
    monkeypatch.setenv("HYPOTHESIS_PROFILE", profile)
    monkeypatch.setenv("PYTHONPATH", str(HERE))
    pytester.makeconftest((HERE / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_counted=COUNTED.format(declared=declared, expected=expected))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(passed=2)
