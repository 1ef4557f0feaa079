"""The Hypothesis profiles of tests/conftest.py: quick caps a test's declared examples, long
keeps them (tests/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

COUNTED = """
from hypothesis import given, settings, strategies as st

CALLS = {{"many": 0, "few": 0}}


@settings(max_examples=50, database=None)
@given(st.integers())
def test_many(n):
    CALLS["many"] += 1


@settings(max_examples=4, database=None)
@given(st.integers())
def test_few(n):
    CALLS["few"] += 1


def test_count():
    assert CALLS == {expected}
"""


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("quick", {"many": 10, "few": 4}), ("long", {"many": 50, "few": 4})],
)
def test_a_profile_decides_how_many_examples_a_test_draws(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    profile: str,
    expected: dict[str, int],
) -> None:
    """Quick draws at most 10 examples, fewer when the test declares fewer; long draws what
    the test declares."""
    monkeypatch.setenv("HYPOTHESIS_PROFILE", profile)
    monkeypatch.setenv("PYTHONPATH", str(HERE))
    pytester.makeconftest((HERE / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_counted=COUNTED.format(expected=expected))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(passed=3)
