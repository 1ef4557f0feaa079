"""Records in memory read as a registry: the same checks, rejections, counts and findings as
the file they came from."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import careprotect
from careprotect import InvalidValueError, load_records, load_registry, open_records
from support import SAMPLE_FILE

RECORDS = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]


def test_records_give_the_registry_of_their_file() -> None:
    from_file, from_memory = load_registry(SAMPLE_FILE), load_records(RECORDS)
    assert from_memory.registry == from_file.registry
    assert from_memory.counts == from_file.counts
    assert from_memory.rejections == from_file.rejections == ()


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_audit_of_records_finds_what_an_audit_of_the_file_finds(
    engine: careprotect.Engine, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process, and in worker processes reading parts of a few records each."""
    monkeypatch.setenv("CAREPROTECT_SPAN_BYTES", "4096")
    day = dt.date(2024, 12, 31)
    with careprotect.open_registry(SAMPLE_FILE) as registry:
        expected = list(careprotect.audit(engine, registry, as_of=day))
    with open_records(RECORDS) as registry:
        assert list(careprotect.audit(engine, registry, as_of=day, jobs=jobs)) == expected


def test_dates_and_decimals_from_a_database_read_as_their_text() -> None:
    """A driver's date and Decimal values are the values their JSON text gives."""
    typed = [dict(r) for r in RECORDS]
    child = next(i for i, r in enumerate(typed) if r["record"] == "child")
    typed[child]["birth_date"] = dt.date.fromisoformat(RECORDS[child]["birth_date"])
    assert load_records(typed).registry == load_records(RECORDS).registry


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(range(len(RECORDS))), max_size=6))
def test_bad_records_are_rejected_by_their_place_and_counted(broken: set[int]) -> None:
    """Every record is accepted or rejected: a record whose birth date is impossible is
    rejected under its place among the records (from 1), and the counts add up."""
    records = [dict(r) for r in RECORDS]
    for i in broken:
        records[i]["birth_date"] = "2020-02-30"
    children = {i for i in broken if records[i]["record"] == "child"}
    result = load_records(records)
    assert {r.record for r in result.rejections} >= {i + 1 for i in children}
    counts = result.counts
    assert counts.read == len(records) == counts.accepted + counts.rejected
    assert counts.rejected == len(result.rejections)


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ({1, 2}, "a set"),
        (b"2020-01-01", "a bytes"),
        (math.nan, "a float that is not a number"),
        (dt.datetime(2020, 1, 1, 8, 30), "a datetime"),
    ],
)
def test_a_value_no_registry_holds_names_its_record_and_field(value: Any, what: str) -> None:
    records = [dict(r) for r in RECORDS]
    child = next(i for i, r in enumerate(records) if r["record"] == "child" and r["contacts"])
    records[child]["contacts"] = [dict(records[child]["contacts"][0], date=value)]
    with pytest.raises(InvalidValueError) as raised:
        load_records(records)
    message = str(raised.value)
    assert f"$.contacts[0].date of record {child + 1} is {what}" in message


def test_closing_removes_the_temporary_file() -> None:
    with open_records(RECORDS) as registry:
        spooled = registry.path
        assert spooled.exists()
    assert not spooled.exists()
