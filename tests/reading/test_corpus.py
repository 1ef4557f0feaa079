"""The regression corpus: every input that once broke a promise of the reader or the command
line keeps each promise (issue 16). See tests/corpus/README.md for what each one broke.

For each input, ``careprotect validate`` and ``careprotect audit`` (table, JSON and CSV) run
in this process, a parallel audit reading spans of 512 bytes (several to a file): no
traceback reaches stderr, the exit status is one the documentation gives, every record is
counted as accepted or rejected (read = accepted + rejected, and as many records read as the
registry has lines that are not blank), no ID number or name in the input is shown unmasked,
and ``--jobs 2`` writes byte for byte the report of ``--jobs 1``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from careprotect.cli import main

CORPUS = Path(__file__).parents[1] / "corpus"
CASES = sorted(CORPUS.glob("*.jsonl"))
LINE_LIMIT = "8192"
"""CAREPROTECT_MAX_LINE_BYTES for the corpus: small, so that a small file holds a line too
long."""
COUNTS = re.compile(r"Records: (\d+) read, (\d+) accepted, (\d+) rejected")
ID_NUMBER = re.compile(r"[0-9]{15,}")


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPROTECT_MAX_LINE_BYTES", LINE_LIMIT)
    monkeypatch.setenv("CAREPROTECT_SPAN_BYTES", "512")  # --jobs 2 reads several spans
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command line, run in this process: its exit status, stdout and stderr."""
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def records(path: Path) -> int:
    """The lines of a JSON Lines registry that hold a record: those that are not blank."""
    lines = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n")
    return sum(1 for line in lines if line and not line.isspace())


def personal(path: Path) -> set[str]:
    """What the input holds that must never be shown: runs of 15 or more digits (ID
    numbers), and the names of children, guardians and workers, values or keys."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found = set(ID_NUMBER.findall(text))
    for line in text.splitlines():
        try:
            record = json.loads(line, parse_int=str)  # any number of digits
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and record.get("record") in ("child", "worker"):
            found.update(_names(record))
    return {name for name in found if len(name) >= 2}


def _names(record: dict[str, Any]) -> set[str]:
    names = {k for k in record if not k.isascii()}
    if isinstance(record.get("name"), str):
        names.add(record["name"])
    for guardianship in record.get("guardianships") or ():
        if isinstance(guardianship, dict) and isinstance(guardianship.get("guardian"), str):
            names.add(guardianship["guardian"])
    return names


def check_output(argv: tuple[str, ...], status: int, out: str, err: str, hidden: set[str]) -> None:
    assert "Traceback" not in err, (argv, err)
    shown = [h for h in hidden if h in out or h in err]
    assert shown == [], f"{argv[0]} shows {shown} unmasked"
    assert status in (0, 1, 2, 3), (argv, status, err)


def test_the_corpus_holds_the_issue_s_examples() -> None:
    """The corpus keeps the inputs issue 16 names, and its README lists every file."""
    names = {path.name for path in CASES}
    assert {
        "nested-1000-levels-deep.jsonl",
        "integer-of-4301-digits.jsonl",
        "child-id-as-a-json-number.jsonl",
        "child-id-with-a-leading-space.jsonl",
        "unknown-worker-holding-an-id-number.jsonl",
        "duplicate-worker-id-holding-an-id-number.jsonl",
        "name-as-a-json-key.jsonl",
        "line-longer-than-the-limit.jsonl",
        "name-as-a-key-holding-a-long-integer.jsonl",
        "worker-rejected-after-the-child-files.jsonl",
    } <= names
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert [n for n in sorted(names) if f"`{n}`" not in readme] == []
    assert all(path.stat().st_size < 20_000 for path in CASES)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_validate_counts_every_record_and_shows_nothing_personal(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    """validate lists the rejections and counts every non-blank line as a record read, read
    = accepted + rejected; exit status 1 when a record was rejected."""
    argv = ("validate", str(path), "--lang", "en")
    status, out, err = run(capsys, *argv)
    check_output(argv, status, out, err, personal(path))
    match = COUNTS.search(out)
    assert match is not None, out
    read, accepted, rejected = (int(g) for g in match.groups())
    assert (read, accepted + rejected) == (records(path), read)
    assert status == (1 if rejected else 0)


AUDITS = [(path, fmt) for path in CASES for fmt in ("table", "json", "csv")]


@pytest.mark.parametrize(
    ("path", "fmt"), AUDITS, ids=[f"{path.stem}-{fmt}" for path, fmt in AUDITS]
)
def test_audit_is_the_same_with_two_jobs_and_shows_nothing_personal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, path: Path, fmt: str
) -> None:
    """audit exits with a documented status and no traceback, with one job or two; the
    report of --jobs 2 is byte for byte that of --jobs 1, and the JSON report's counts add
    up to the registry's records."""
    reports = []
    for jobs in ("1", "2"):
        report = tmp_path / f"report-{jobs}.{fmt}"
        argv = ("audit", str(path), "--as-of", "2020-06-30", "--format", fmt, "--lang", "en")
        status, out, err = run(capsys, *argv, "--jobs", jobs, "-o", str(report))
        check_output(argv, status, out, err, personal(path))
        assert status in (0, 1, 3)
        content = report.read_bytes()
        assert [h for h in personal(path) if h.encode() in content] == []
        reports.append((status, content))
    assert reports[1] == reports[0]
    if fmt == "json":
        counted = json.loads(reports[0][1])["records"]
        assert counted["read"] == counted["accepted"] + counted["rejected"] == records(path)
        for kind in counted["by_kind"].values():
            assert kind["read"] == kind["accepted"] + kind["rejected"]
