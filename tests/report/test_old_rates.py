"""Entitlements reports count the amounts set by an amount of money grown old (issue 17): a
2010 floor paid in 2024 says nothing of what is paid now."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from careprotect.cli import main
from careprotect.params import STALE_MONTHS, Unit, grown_old

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-registry.jsonl"


def summary(capsys: pytest.CaptureFixture[str], period: str) -> tuple[dict[str, int], int]:
    status = main(["entitlements", str(SAMPLE), "--period", period, "--format", "json"])
    assert status == 0
    doc = json.loads(capsys.readouterr().out)
    return doc["summary"], len(doc["amounts"])


def test_2024_amounts_all_rest_on_rates_older_than_36_months(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In 2024 every rate of the shipped plugins is older than 36 months: the national
    minimums of 2010-01-01, Hunan's floors of 2018-01-01, its post allowance of 2019-06-11."""
    found, amounts = summary(capsys, "2024")
    assert amounts > 0
    assert found["on_old_rates"] == amounts


def test_in_2020_only_the_2010_minimums_have_grown_old(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In 2020-06 Hunan's 800 and 1200 of 2018-01-01 are 29 months old, not grown old; the
    national 600 and 1000 of 2010 paid in Hubei are."""
    status = main(["entitlements", str(SAMPLE), "--period", "2020-06", "--format", "json"])
    assert status == 0
    doc = json.loads(capsys.readouterr().out)
    old = [
        a
        for a in doc["amounts"]
        if any(
            e["unit"] in ("yuan", "yuan_per_month") and e["effective"] < "2017-06-01"
            for e in a["evidence"]
        )
    ]
    assert 0 < doc["summary"]["on_old_rates"] == len(old) < len(doc["amounts"])
    assert all(a["division"].startswith("42") for a in old)


def test_the_table_says_how_many_and_where_to_look(capsys: pytest.CaptureFixture[str]) -> None:
    main(["entitlements", str(SAMPLE), "--period", "2024", "--lang", "en"])
    out = capsys.readouterr().out
    assert "Amounts set by an amount of money in force for more than 36 months: " in out
    assert "careprotect parameters --stale" in out


MONEY = st.sampled_from([Unit.YUAN, Unit.YUAN_PER_MONTH])
OTHER = st.sampled_from([u for u in Unit if u not in (Unit.YUAN, Unit.YUAN_PER_MONTH)])
DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))


@given(unit=MONEY, effective=DAYS, day=DAYS, months=st.integers(0, 240))
def test_money_grows_old_exactly_after_the_months(
    unit: Unit, effective: dt.date, day: dt.date, months: int
) -> None:
    assert grown_old(unit, effective, day, months) == (
        effective + relativedelta(months=months) < day
    )


@given(unit=OTHER, effective=DAYS, day=DAYS)
def test_other_values_never_grow_old(unit: Unit, effective: dt.date, day: dt.date) -> None:
    assert not grown_old(unit, effective, day)


def test_the_default_is_36_months() -> None:
    assert STALE_MONTHS == 36
    assert not grown_old(Unit.YUAN, dt.date(2021, 12, 3), dt.date(2024, 12, 3))
    assert grown_old(Unit.YUAN, dt.date(2021, 12, 3), dt.date(2024, 12, 4))
