"""careprotect parameters: each value's status, and --stale [--months N]."""

from __future__ import annotations

import json
from typing import Any

import pytest

from careprotect.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["parameters", *argv, "--plugins", "hunan,hubei", "--lang", "en"])
    out = capsys.readouterr()
    return status, out.out, out.err


def stale(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    status, out, err = run(capsys, "--stale", "--at", "2026-12-03", "--format", "json", *argv)
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["at"] == "2026-12-03"
    listed: list[dict[str, Any]] = doc["stale"]
    return listed


ORPHAN_FLOORS = {
    ("orphan.allowance.scattered", "43", "2018-01-01"),
    ("orphan.allowance.institutional", "43", "2018-01-01"),
    ("orphan.allowance.scattered", "national", "2010-01-01"),
    ("orphan.allowance.institutional", "national", "2010-01-01"),
}


def test_every_value_in_force_shows_its_status(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON: each value in force has a status of its citation; the table a status line."""
    status, out, _ = run(capsys, "--division", "433122", "--at", "2024-06-30", "--format", "json")
    assert status == 0
    in_force = [p["in_force"] for p in json.loads(out)["parameters"] if p["in_force"]]
    assert in_force
    assert {v["status"] for v in in_force} <= {"confirmed", "reported", "assumed"}
    _, out, _ = run(capsys, "--division", "433122", "--at", "2024-06-30")
    lines = out.splitlines()
    sources = [i for i, line in enumerate(lines) if line.startswith("  source: ")]
    assert len(sources) == len(in_force)
    assert all(lines[i + 1].startswith("  status: ") for i in sources)


def test_stale_lists_the_old_orphan_floors(capsys: pytest.CaptureFixture[str]) -> None:
    """--stale on 2026-12-03 lists Hunan's 2018 orphan floors and the national 2010
    minimums as old, with their age in months."""
    listed = stale(capsys)
    old = {(v["parameter"], v["scope"], v["effective"]): v for v in listed if "old" in v["reasons"]}
    assert set(old) >= ORPHAN_FLOORS
    assert old[("orphan.allowance.scattered", "43", "2018-01-01")]["age_months"] == 107
    assert old[("orphan.allowance.scattered", "national", "2010-01-01")]["age_months"] == 203
    assert all(v["status"] in ("confirmed", "reported", "assumed") for v in listed)


def test_stale_months_and_division(capsys: pytest.CaptureFixture[str]) -> None:
    """--months 120 keeps the 2010 minimums (203 months) and drops Hunan's 2018 floors
    (107); --division 421281 keeps only scopes containing Chibi, so no Hunan value."""
    keys = {(v["parameter"], v["scope"], v["effective"]) for v in stale(capsys, "--months", "120")}
    assert ("orphan.allowance.scattered", "national", "2010-01-01") in keys
    assert ("orphan.allowance.scattered", "43", "2018-01-01") not in keys
    chibi = stale(capsys, "--division", "421281")
    assert chibi
    assert {v["scope"] for v in chibi} <= {"national", "42", "4212", "421281"}


def test_stale_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The table gives each stale value with its age, reasons, source and status."""
    status, out, _ = run(capsys, "--stale", "--at", "2026-12-03", "--division", "433122")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Values in force that may be stale · on 2026-12-03, older than 36 months or assumed "
        "· 433122"
    )
    hunan = "  800.00 yuan_per_month · from 2018-01-01, scope 43 · hunan 0.1.0"
    at = lines.index(hunan) - 1
    assert lines[at].startswith("orphan.allowance.scattered  ")
    assert lines[at + 2] == "  107 months old · old"
    national = "  600.00 yuan_per_month · from 2010-01-01, scope national · national 0.1.0"
    assert lines[lines.index(national) + 1] == "  203 months old · old"
    assert lines[at + 3].startswith("  source: ")
    assert lines[at + 4].startswith("  status: ")


def test_months_without_stale_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--months means nothing without --stale: exit status 2 and one line."""
    status, out, err = run(capsys, "--months", "12")
    assert (status, out) == (2, "")
    assert err == (
        "careprotect: parameters: --months needs --stale (see 'careprotect parameters --help')\n"
    )
