"""The careprotect command: verbs, formats, exit codes, errors on stderr, masking, language.

Plugins come from the ``careprotect`` entry-point group; every test here sees only the plugins
it installs itself (``installed``), so the province plugins being written in plugins/ cannot
change a result.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import io
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from jsonschema import Draft202012Validator

from careprotect import Engine, Period, load_registry, pipeline, write_registry
from careprotect.cli import main
from careprotect.cli import options as cli_options
from careprotect.cli.options import default_as_of
from careprotect.cli.output import ProgressDisplay, progress_display
from careprotect.report import AUDIT_CSV_COLUMNS, ENTITLEMENT_CSV_COLUMNS, PLAN_CSV_COLUMNS
from careprotect.testing import stub_plugin
from support import Install, citation_table, monthly, xianning

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "small-registry.jsonl"
BAD = ROOT / "tests" / "data" / "bad-registry.jsonl"
SCHEMAS = ROOT / "docs" / "schema"
AUDIT_SCHEMA = json.loads((SCHEMAS / "audit-report.schema.json").read_text(encoding="utf-8"))
ENTITLEMENTS_SCHEMA = json.loads(
    (SCHEMAS / "entitlements-report.schema.json").read_text(encoding="utf-8")
)
SAMPLE_NAMES = [c.name for c in load_registry(SAMPLE).registry.children]
VERBS = (
    "audit",
    "validate",
    "entitlements",
    "plan",
    "rectify",
    "rules",
    "parameters",
    "plugins",
    "synth",
    "template",
    "import",
    "export",
)

HUNAN_800 = (
    citation_table(
        "hn",
        issuer="湖南省民政厅",
        document="test",
        title="A test raise of the scattered orphan allowance",
    )
    + """
[[values]]
parameter = "orphan.allowance.scattered"
effective = 2018-01-01
value = "800"
citation = "hn"
"""
)


@pytest.fixture(autouse=True)
def installed(install_plugins: Install) -> Install:
    """No careprotect plugin is installed but those a test installs; English locale."""
    return install_plugins


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command; returns its exit status, stdout and stderr."""
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def input_records(path: Path) -> int:
    """The records of a JSON Lines file: its non-blank lines."""
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


# -- validate ----------------------------------------------------------------------------------


def test_validate_sample_prints_the_counts_and_nothing_else(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's first command: the counts in all and by kind; exit status 0."""
    assert run(capsys, "validate", str(SAMPLE)) == (
        0,
        "Records: 28 read, 28 accepted, 0 rejected\n"
        "  child               6 read      6 accepted      0 rejected\n"
        "  division           12 read     12 accepted      0 rejected\n"
        "  service_point       3 read      3 accepted      0 rejected\n"
        "  worker              7 read      7 accepted      0 rejected\n",
        "",
    )


def test_validate_lists_rejections_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Every rejected record with its number, line, path and message, then the counts."""
    status, out, err = run(capsys, "validate", str(BAD))
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == "Rejected records:"
    assert lines[2] == (
        "  record 6 (line 7, child 'BAD-DATE'): $.birth_date: must be a real date YYYY-MM-DD "
        "(got '2019-02-30')"
    )
    assert [line.split(" (")[0] for line in lines[1:7]] == [f"  record {n}" for n in range(5, 11)]
    assert lines[7:9] == [
        "Records: 11 read, 5 accepted, 6 rejected",
        "  child               7 read      2 accepted      5 rejected",
    ]
    # Names of rejected children never reach the output.
    for name in ("张小军", "向小花", "刘小宇", "黄小梅", "吴小乐", "赵小"):
        assert name not in out


def test_validate_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """--lang zh gives the labels in Chinese (the problems stay as the reader words them)."""
    status, out, _ = run(capsys, "validate", str(BAD), "--lang", "zh")
    assert status == 1
    assert out.splitlines()[0] == "被拒绝的记录:"
    assert "记录：读取 11，接受 5，拒绝 6" in out.splitlines()


def test_validate_still_accepts_the_old_as_of_with_a_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """0.1.0's --as-of (dates for a summary no longer printed) is accepted with a note."""
    status, out, err = run(capsys, "validate", str(SAMPLE), "--as-of", "2020-07-01")
    assert (status, err) == (0, "careprotect: validate no longer uses --as-of; it is ignored\n")
    assert out.startswith("Records: 28 read")


# -- errors: exit 2, one line on stderr ---------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["audit", "--as-of", "2020-06-30"],
        ["entitlements", "--period", "2020"],
        ["plan", "--month", "2020-07"],
    ],
)
def test_missing_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    """An unreadable registry is a usage error for every verb: exit 2, one line, no output."""
    missing = tmp_path / "none.jsonl"
    status, out, err = run(capsys, argv[0], str(missing), *argv[1:])
    assert (status, out) == (2, "")
    assert err == f"careprotect: registry file not found: {missing}\n"


def test_unreadable_and_malformed_registries_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A directory without a reference file, or a JSON document that does not parse, cannot
    be read at all."""
    status, out, err = run(capsys, "audit", str(tmp_path), "--as-of", "2020-06-30")
    assert (status, out) == (2, "")
    assert err.startswith("careprotect: a registry directory holds its reference data in ")
    assert f"which {tmp_path} lacks" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"divisions": [', encoding="utf-8")
    status, out, err = run(capsys, "audit", str(broken), "--as-of", "2020-06-30")
    assert (status, out) == (2, "")
    assert err == (
        f"careprotect: registry file is not valid JSON: {broken} "
        "(line 1, column 16: Expecting value)\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["audit", str(SAMPLE), "--as-of", "2020-13-01"],
            "careprotect: audit: Invalid value for '--as-of': must be a date YYYY-MM-DD "
            "(got '2020-13-01')",
        ),
        (
            ["audit", str(SAMPLE), "--as-of", "20200601"],
            "careprotect: audit: Invalid value for '--as-of': must be a date YYYY-MM-DD "
            "(got '20200601')",
        ),
        (
            ["audit", str(SAMPLE), "--period", "2020-13"],
            "careprotect: audit: Invalid value for '--period': must be an existing period: "
            "months run from 1 to 12 (got '2020-13')",
        ),
        (
            ["audit", str(SAMPLE), "--as-of", "2020-06-30", "--period", "2020-06"],
            "careprotect: audit: give --as-of or --period, not both",
        ),
        (
            ["plan", str(SAMPLE), "--month", "2020"],
            "careprotect: plan: Invalid value for '--month': must be a month such as 2020-07 "
            "(got '2020')",
        ),
        (
            ["entitlements", str(SAMPLE), "--period", "2020-W01..2020-W04"],
            "careprotect: entitlements: Invalid value for '--period': must be months, quarters "
            "or years (got '2020-W01..2020-W04')",
        ),
        (
            ["entitlements", str(SAMPLE), "--period", "2020-12..2020-01"],
            "careprotect: entitlements: Invalid value for '--period': range must not end "
            "before it starts (got '2020-12..2020-01')",
        ),
        (
            ["entitlements", str(SAMPLE)],
            "careprotect: entitlements: Missing option '--period'.",
        ),
        (
            ["parameters", "--division", "4x"],
            "careprotect: parameters: Invalid value for '--division': must contain only the "
            "digits 0-9 (got '4x')",
        ),
        (
            ["audit", str(SAMPLE), "--jobs", "0"],
            "careprotect: audit: Invalid value for '-j' / '--jobs': must be a whole number of at "
            "least 1, or 'auto' (got '0')",
        ),
        (["audit", str(SAMPLE), "--jobs", "two"], None),
        (["audit", str(SAMPLE), "--format", "xml"], None),
        (["frobnicate"], None),
    ],
)
def test_bad_usage_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str | None
) -> None:
    """Malformed options: exit 2, one line on stderr naming the verb, no traceback."""
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    if message is not None:
        verb = message.split(":")[1].strip()
        assert err == f"{message} (see 'careprotect {verb} --help')\n"


def test_an_unknown_plugin_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A plugin name that is not installed: exit 2, one line listing what is installed."""
    status, out, err = run(capsys, "audit", str(SAMPLE), "--plugins", "atlantis")
    assert (status, out) == (2, "")
    assert err == "careprotect: no installed careprotect plugin named 'atlantis'; installed: none\n"


def test_a_failed_run_leaves_no_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """-o FILE is written only once the report is complete; an unwritable place is exit 2."""
    target = tmp_path / "audit.json"
    status, _, _ = run(capsys, "audit", str(tmp_path / "none.jsonl"), "-o", str(target))
    assert status == 2
    assert list(tmp_path.iterdir()) == []
    nowhere = tmp_path / "no" / "such" / "dir" / "audit.json"
    status, out, err = run(
        capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30", "-o", str(nowhere)
    )
    assert (status, out) == (2, "")
    assert err == f"careprotect: cannot write {nowhere}: No such file or directory\n"


def test_output_to_a_device_writes_into_it_and_never_replaces_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """-o /dev/null (a benchmark's habit) writes to the device; it is not swapped for a file."""
    import stat

    devnull = Path(os.devnull)
    status, out, err = run(
        capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30", "--format", "json", "-o", os.devnull
    )
    assert status in (0, 1), err
    assert out == ""
    assert stat.S_ISCHR(devnull.stat().st_mode)


def test_help_of_every_verb_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    """Every verb's --help ends with an example of the verb; the main help lists every verb."""
    for verb in VERBS:
        status, out, err = run(capsys, verb, "--help")
        assert (status, err) == (0, "")
        example = out.split("Example:\n", 1)[1]
        assert example.split()[:2] == ["careprotect", verb]
    status, out, _ = run(capsys, "--help")
    assert status == 0
    commands = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    assert sorted(line.split()[0] for line in commands.splitlines()) == sorted(VERBS)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version names the installed version."""
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (
        0,
        f"careprotect, version {importlib.metadata.version('careprotect')}\n",
    )


# -- audit -------------------------------------------------------------------------------------


def audit_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    status, out, err = run(capsys, "audit", *argv, "--format", "json")
    return status, json.loads(out), err


@pytest.mark.parametrize(("registry", "status"), [(SAMPLE, 1), (BAD, 0)])
def test_audit_json_is_valid_and_adds_up(
    capsys: pytest.CaptureFixture[str], registry: Path, status: int, national_engine: Engine
) -> None:
    """The JSON report validates against its schema, its keys come in streaming order, its
    summary counts exactly the findings it lists, and read = accepted + rejected = the input's
    records, one rejection listed for each rejected record."""
    got, doc, err = audit_json(capsys, str(registry), "--as-of", "2020-06-30")
    assert got == status
    validator(AUDIT_SCHEMA).validate(doc)
    assert list(doc) == ["as_of", "plugins", "findings", "summary", "rejected", "records"]
    assert doc["as_of"] == "2020-06-30"
    assert doc["plugins"] == [{"name": "national", "version": "0.1.0", "scope": "national"}]
    findings, summary = doc["findings"], doc["summary"]
    outcomes = [
        "compliant",
        "non_compliant",
        "not_applicable",
        "missing_input",
        "advisory",
        "error",
    ]
    assert summary["findings"] == len(findings)
    by_outcome = Counter(f["outcome"] for f in findings)
    assert summary["by_outcome"] == {o: by_outcome[o] for o in outcomes}
    by_rule: dict[str, Counter[str]] = {}
    by_township: dict[str, Counter[str]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], Counter())[f["outcome"]] += 1
        by_township.setdefault(f["division"][:9], Counter())[f["outcome"]] += 1
    assert summary["by_rule"] == {r: {o: c[o] for o in outcomes} for r, c in by_rule.items()}
    assert summary["by_township"] == {
        t: {o: c[o] for o in outcomes} for t, c in by_township.items()
    }
    by_status = Counter(f["rests_on"] for f in findings)
    assert summary["rests_on"] == {s: by_status[s] for s in ("confirmed", "reported", "assumed")}
    assert [r["rule"] for r in summary["rules"]] == [
        r.id for r in national_engine.rules if r.item.kind == "compliance"
    ]
    records = doc["records"]
    assert records["read"] == input_records(registry)
    assert records["accepted"] + records["rejected"] == records["read"]
    assert len(doc["rejected"]) == records["rejected"]
    children = load_registry(registry).registry.children
    assert summary["subjects"]["child"] == len(children)
    if doc["rejected"]:
        assert err == f"careprotect: 6 records were rejected; see careprotect validate {BAD}\n"
        assert doc["rejected"][1] == {
            "record": 6,
            "line": 7,
            "location": None,
            "kind": "child",
            "id": "BAD-DATE",
            "path": "$.birth_date",
            "error": "must be a real date YYYY-MM-DD (got '2019-02-30')",
            "problems": [
                {
                    "path": "$.birth_date",
                    "message": "must be a real date YYYY-MM-DD (got '2019-02-30')",
                }
            ],
        }
    else:
        assert err == ""


def test_audit_findings_are_those_of_the_engine(
    capsys: pytest.CaptureFixture[str], national_engine: Engine
) -> None:
    """The report lists the engine's findings, in order, in their as_dict form."""
    _, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-06-30")
    run_ = pipeline.audit(
        national_engine, load_registry(SAMPLE).registry, as_of=dt.date(2020, 6, 30)
    )
    assert doc["findings"] == [f.as_dict() for f in run_]


@pytest.mark.parametrize("registry", [SAMPLE, BAD])
def test_audit_in_worker_processes_gives_the_same_report(
    capsys: pytest.CaptureFixture[str], registry: Path
) -> None:
    """--jobs 2 changes nothing in the report, rejections and counts included."""
    serial = audit_json(capsys, str(registry), "--as-of", "2020-06-30", "--jobs", "1")
    parallel = audit_json(capsys, str(registry), "--as-of", "2020-06-30", "--jobs", "2")
    assert parallel == serial
    assert serial[1]["findings"]


def test_jobs_auto_uses_every_cpu_for_a_big_registry_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cli_options.jobs_for("auto", SAMPLE) == 1
    assert cli_options.jobs_for(3, SAMPLE) == 3
    monkeypatch.setattr(cli_options, "AUTO_JOBS_MIN_BYTES", SAMPLE.stat().st_size)
    assert cli_options.jobs_for("auto", SAMPLE) == cli_options.usable_cpus() >= 1
    assert cli_options.jobs_for("auto", SAMPLE.with_name("missing.jsonl")) == 1


def test_audit_exit_status_follows_non_compliance(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 1 when a finding is non-compliant; 0 otherwise, missing input included."""
    status, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-06-30")
    assert (status, doc["summary"]["by_outcome"]["non_compliant"]) == (1, 1)
    status, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2018-01-31")
    assert doc["summary"]["by_outcome"]["non_compliant"] == 0
    assert doc["summary"]["by_outcome"]["missing_input"] > 0
    assert status == 0


def test_audit_over_a_period(capsys: pytest.CaptureFixture[str]) -> None:
    """--period gives a 'period' key instead of 'as_of', and validates."""
    status, doc, _ = audit_json(capsys, str(SAMPLE), "--period", "2020-Q2")
    validator(AUDIT_SCHEMA).validate(doc)
    assert "as_of" not in doc
    assert doc["period"] == "2020-Q2"
    assert status == 1


@pytest.mark.parametrize(
    ("today", "as_of"),
    [("2020-07-15", "2020-06-30"), ("2020-03-01", "2020-02-29"), ("2021-01-31", "2020-12-31")],
)
def test_audit_defaults_to_the_last_day_of_the_previous_month(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, today: str, as_of: str
) -> None:
    """Neither --as-of nor --period: the last day of the month before today."""
    monkeypatch.setattr("careprotect.cli.options.today", lambda: dt.date.fromisoformat(today))
    _, doc, _ = audit_json(capsys, str(SAMPLE))
    assert doc["as_of"] == as_of
    assert default_as_of(dt.date.fromisoformat(today)) == dt.date.fromisoformat(as_of)


def test_audit_csv_has_one_finding_per_row(capsys: pytest.CaptureFixture[str]) -> None:
    """CSV: the documented header, then one row per finding of the JSON report."""
    _, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-06-30")
    status, out, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30", "--format", "csv")
    assert (status, err) == (1, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == AUDIT_CSV_COLUMNS
    assert len(rows) - 1 == len(doc["findings"])
    for row, finding in zip(rows[1:], doc["findings"], strict=True):
        record = dict(zip(AUDIT_CSV_COLUMNS, row, strict=True))
        assert (record["rule"], record["outcome"], record["subject_id"]) == (
            finding["rule"],
            finding["outcome"],
            finding["subject"]["id"],
        )
        assert (record["message_zh"], record["message_en"]) == (
            finding["message"]["zh"],
            finding["message"]["en"],
        )
        assert json.loads(record["evidence"]) == finding["evidence"]
        assert json.loads(record["citations"]) == finding["citations"]


def test_audit_table_summarises_then_lists_what_needs_action(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The table opens with the summary, then the non-compliant and missing-input findings by
    division with message and citation; compliant and advisory findings are only counted."""
    status, out, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30")
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[:3] == [
        "Compliance audit · as of 2020-06-30 · plugins: national 0.1.0 (national)",
        "Records: 28 read, 28 accepted, 0 rejected",
        "Subjects: child 6, worker 7, service point 3, division 12 · 16 findings",
    ]
    assert "Findings by rule" in lines
    rule_row = next(x for x in lines if x.startswith(" left_behind.entrusted_guardianship"))
    assert rule_row.split() == [
        "left_behind.entrusted_guardianship_confirmation", "1", "1", "0", "0", "0", "0", "2"
    ]  # fmt: skip
    township_row = next(x for x in lines if x.startswith(" 421281101 "))
    assert township_row.split() == [
        "421281101", "赤壁市", "样板镇", "5", "1", "0", "0", "2", "0", "8"
    ]  # fmt: skip
    heading = "Non-compliant, missing-input and error findings, by division"
    listed = lines[lines.index(heading) + 1 :]
    assert listed == [
        "",
        "421281101201 赤壁市 样板镇 桃园村",
        "  [non-compliant] left_behind.entrusted_guardianship_confirmation · child C-CB-001 刘** "
        "· 2020-06-30",
        "    No entrusted-guardianship confirmation signed by the entrusted guardian by 2020-06-30",
        "    source: 民政部等10部门《关于进一步健全农村留守儿童和困境儿童关爱服务体系的意见》"
        "(民发〔2019〕34号) 儿童督导员、儿童主任的配备与职责, 2019-04-30",
    ]


def test_audit_table_groups_by_division_and_lists_rejections(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Missing-input findings of several divisions come grouped, divisions in code order;
    rejected records are listed at the end, masked."""
    status, out, _ = run(capsys, "audit", str(SAMPLE), "--as-of", "2018-01-31")
    assert status == 0
    headers = [x for x in out.splitlines() if x[:1].isdigit()]
    assert headers == sorted(headers)
    assert len(headers) == len(set(headers)) == 6
    status, out, _ = run(capsys, "audit", str(BAD), "--as-of", "2020-06-30")
    assert out.splitlines()[-7:] == ["Rejected records (6)"] + [
        f"  {r}" for r in load_registry(BAD).rejections
    ]


def test_audit_language_from_option_then_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--lang wins; else LC_ALL, LC_MESSAGES, LANG (the first set); zh... gives Chinese."""
    argv = ("audit", str(SAMPLE), "--as-of", "2020-06-30")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    _, out, _ = run(capsys, *argv)
    assert out.startswith("合规审查 · 截至 2020-06-30")
    assert "    受委托监护人未签订委托监护责任确认书（2020-06-30）" in out.splitlines()
    _, out, _ = run(capsys, *argv, "--lang", "en")
    assert out.startswith("Compliance audit · as of 2020-06-30")
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    _, out, _ = run(capsys, *argv)
    assert out.startswith("Compliance audit")
    _, out, _ = run(capsys, *argv, "--lang", "zh")
    assert out.startswith("合规审查")


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_audit_masks_names_unless_revealed(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """Names are masked in every format; --reveal shows them."""
    argv = ("audit", str(SAMPLE), "--as-of", "2020-06-30", "--format", fmt)
    _, out, _ = run(capsys, *argv)
    assert "刘**" in out
    for name in [*SAMPLE_NAMES, "刘芳", "田秀英"]:
        assert name not in out
    # Revealed: the subjects' names (facts naming guardians stay masked). The table lists
    # only the non-compliant child; JSON and CSV every finding, the workers' too.
    _, out, _ = run(capsys, *argv, "--reveal")
    if fmt == "table":
        assert "child C-CB-001 刘小宇 · 2020-06-30" in out
    else:
        for name in ("刘小宇", "刘芳", "田秀英"):
            assert name in out


def test_audit_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """-o FILE: the report goes to the file, nothing to stdout; readable by its owner only."""
    target = tmp_path / "audit.json"
    status, out, err = run(
        capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30", "--format", "json", "-o", str(target)
    )
    assert (status, out, err) == (1, "", "")
    _, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-06-30")
    assert json.loads(target.read_text(encoding="utf-8")) == doc
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["audit.json"]


def test_audit_with_an_installed_plugin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, installed: Install
) -> None:
    """Installed plugins load by default and are listed; --plugins national leaves them out."""
    installed(xn=xianning(tmp_path, [monthly()]))
    _, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-07-31")
    assert [p["name"] for p in doc["plugins"]] == ["national", "xn"]
    assert doc["plugins"][1] == {"name": "xn", "version": "0", "scope": "4212"}
    assert "test.xianning.contact" in doc["summary"]["by_rule"]
    validator(AUDIT_SCHEMA).validate(doc)
    _, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-07-31", "--plugins", "national")
    assert [p["name"] for p in doc["plugins"]] == ["national"]
    _, doc, _ = audit_json(capsys, str(SAMPLE), "--as-of", "2020-07-31", "--plugins", " xn, ")
    assert [p["name"] for p in doc["plugins"]] == ["national", "xn"]


# -- entitlements ------------------------------------------------------------------------------


def entitlements_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status, out, _ = run(capsys, "entitlements", *argv, "--format", "json")
    assert status == 0
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize("registry", [SAMPLE, BAD])
def test_entitlements_json_is_valid_and_adds_up(
    capsys: pytest.CaptureFixture[str], registry: Path
) -> None:
    """The JSON report validates; its totals add up its amounts; the counts add up."""
    doc = entitlements_json(capsys, str(registry), "--period", "2020-01..2020-12")
    validator(ENTITLEMENTS_SCHEMA).validate(doc)
    assert list(doc) == [
        "period", "plugins", "amounts", "totals", "summary", "rejected", "records"
    ]  # fmt: skip
    assert doc["period"] == "2020-01..2020-12"
    # Every amount is counted once by the status it rests on; every citation has a status.
    assert sum(doc["summary"]["rests_on"].values()) == len(doc["amounts"])
    for amount in doc["amounts"]:
        cited = [*amount["citations"], *(e["citation"] for e in amount["evidence"])]
        assert all(c["status"] in ("confirmed", "reported", "assumed") for c in cited)
    rules = [r["rule"] for r in doc["summary"]["rules"]]
    assert rules == sorted(
        r.id for r in Engine.from_entry_points().rules if r.item.kind == "entitlement"
    )
    known = [a for a in doc["amounts"] if a["amount"] is not None]
    totals = doc["totals"]
    assert Decimal(totals["total"]) == sum((Decimal(a["amount"]) for a in known), Decimal(0))
    assert totals["count"] == len(known)
    assert sum(totals["missing"].values()) == len(doc["amounts"]) - len(known)
    records = doc["records"]
    assert records["read"] == input_records(registry)
    assert records["accepted"] + records["rejected"] == records["read"]
    assert len(doc["rejected"]) == records["rejected"]


def test_entitlements_are_those_of_the_engine(
    capsys: pytest.CaptureFixture[str], national_engine: Engine
) -> None:
    """A range is covered by months, quarters and years, judged in one pass: the amounts are
    the engine's for those periods, each subject's together (each subject listed once), and
    the same as the periods' one by one."""
    doc = entitlements_json(capsys, str(SAMPLE), "--period", "2019-11..2020-12")
    registry = load_registry(SAMPLE).registry
    engine = national_engine
    cover = [Period.parse(p) for p in ("2019-11", "2019-12", "2020")]
    expected = [a.as_dict() for a in pipeline.entitlements(engine, registry, cover)]
    assert doc["amounts"] == expected
    one_by_one = [a.as_dict() for p in cover for a in pipeline.entitlements(engine, registry, p)]
    assert sorted(map(json.dumps, expected)) == sorted(map(json.dumps, one_by_one))
    subjects = [(a["subject"]["kind"], a["subject"]["id"]) for a in doc["amounts"]]
    runs = [s for i, s in enumerate(subjects) if i == 0 or subjects[i - 1] != s]
    assert len(runs) == len(set(runs))
    assert {a["month"] for a in doc["amounts"]} == {
        "2019-11", "2019-12", *(f"2020-{m:02d}" for m in range(1, 13))
    }  # fmt: skip
    # 黄小梅 (C-CB-002) is de facto unsupported and paid 600.00 a month from 2020-01
    assert doc["totals"]["by_county"] == {"421281": "21200.00", "433122": "8400.00"}


def test_entitlements_csv_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    """CSV: one amount per row with the parameter that set it; the table shows each child's
    months with the parameter, then the totals by county, paying level and rule."""
    status, out, _ = run(
        capsys, "entitlements", str(SAMPLE), "--period", "2020-01", "--format", "csv"
    )
    rows = [
        dict(zip(ENTITLEMENT_CSV_COLUMNS, r, strict=True)) for r in csv.reader(io.StringIO(out))
    ]
    assert tuple(rows[0]) == tuple(rows[0].values()) == ENTITLEMENT_CSV_COLUMNS
    got = [(r["subject_id"], r["amount"], r["parameters"], r["missing"][:30]) for r in rows[1:]]
    assert got == [
        ("C-LX-002", "600.00", '["orphan.allowance.scattered"]', ""),
        ("C-CB-002", "600.00", '["orphan.allowance.scattered"]', ""),
        ("C-XN-001", "1000.00", '["orphan.allowance.institutional"]', ""),
    ]
    status, out, _ = run(capsys, "entitlements", str(SAMPLE), "--period", "2020-01")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Entitlements · period 2020-01 · plugins: national 0.1.0 (national)"
    assert lines[2:4] == [
        "child C-LX-002 张** · 433122100202 泸溪县 示例镇 石门村",
        "  2020-01    orphan.allowance                   600.00  orphan.allowance.scattered = "
        "600.00 (national, 2010-01-01) †",
    ]
    assert "Totals: 2200.00 · 3 amounts" in lines
    assert any(x.split() == ["421281", "赤壁市", "1600.00"] for x in lines)
    assert any(x.split() == ["de_facto_unsupported.allowance", "600.00", "0"] for x in lines)


def test_entitlements_follow_the_plugins_and_reveal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, installed: Install
) -> None:
    """A province plugin's higher rate applies in its province only; --reveal shows names."""
    installed(hn=stub_plugin("hn", "43", directory=tmp_path, toml=HUNAN_800))
    doc = entitlements_json(capsys, str(SAMPLE), "--period", "2020-01", "--reveal")
    assert [(a["subject"]["name"], a["amount"]) for a in doc["amounts"]] == [
        ("张小军", "800.00"),
        ("黄小梅", "600.00"),
        ("吴小乐", "1000.00"),
    ]


# -- plan --------------------------------------------------------------------------------------


def test_plan_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, installed: Install
) -> None:
    """The sample in July under a Xianning-like rule: 刘芳 owes 刘小宇 two contacts."""
    installed(xn=xianning(tmp_path, [monthly()]))
    argv = ("plan", str(SAMPLE), "--month", "2020-07")
    status, out, err = run(capsys, *argv, "--format", "json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["month"] == "2020-07"
    assert doc["workers"] == [
        {
            "worker": {"id": "W-CB-D1", "name": "刘*"},
            "children": 1,
            "still_due": 2,
            "unknown": 0,
            "due": [
                {
                    "child": {"id": "C-CB-001", "name": "刘**"},
                    "village": "421281101201",
                    "rule": "test.xianning.contact",
                    "period": "2020-07",
                    "required": 2,
                    "counted": 0,
                    "still_due": 2,
                    "last_contact": "2020-06-16",
                }
            ],
        }
    ]
    assert doc["records"]["read"] == 28
    _, out, _ = run(capsys, *argv, "--format", "csv")
    assert list(csv.reader(io.StringIO(out))) == [
        list(PLAN_CSV_COLUMNS),
        ["W-CB-D1", "刘*", "421281101201", "C-CB-001", "刘**", "test.xianning.contact",
         "2020-07", "2", "0", "2", "2020-06-16"],
    ]  # fmt: skip
    _, out, _ = run(capsys, *argv, "--reveal")
    lines = out.splitlines()
    assert "W-CB-D1 刘芳 · children: 1, contacts still due: 2" in lines
    row = next(x for x in lines if "C-CB-001" in x)
    assert row.split() == [
        "421281101201", "赤壁市", "样板镇", "桃园村", "C-CB-001", "刘小宇",
        "test.xianning.contact", "2020-07", "2", "0", "2", "2020-06-16",
    ]  # fmt: skip
    _, out, _ = run(capsys, "plan", str(SAMPLE), "--month", "2020-06")
    assert out.splitlines()[1] == "No child is due a contact this month."


# -- the catalogue -----------------------------------------------------------------------------


def test_rules_lists_the_catalogue(
    capsys: pytest.CaptureFixture[str], national_engine: Engine
) -> None:
    """rules: every category and rule of the engine with scope, plugin and sources."""
    engine = national_engine
    status, out, _ = run(capsys, "rules", "--format", "json")
    assert status == 0
    doc = json.loads(out)
    assert [r["id"] for r in doc["rules"]] == [r.id for r in engine.rules]
    assert [c["id"] for c in doc["categories"]] == [c.id for c in engine.categories]
    rule = engine.rule("left_behind.entrusted_guardianship_confirmation")
    assert doc["rules"][[r.id for r in engine.rules].index(rule.id)] == {
        "id": rule.id,
        "kind": "compliance",
        "subject": "child",
        "title": {"zh": rule.item.title.zh, "en": rule.item.title.en},
        "scope": "national",
        "plugin": "national",
        "citations": [
            {"text": str(c), "status": "confirmed", "url": "", "verified": "2026-12-03"}
            for c in rule.citations
        ],
    }
    statuses = {c["status"] for r in doc["rules"] + doc["categories"] for c in r["citations"]}
    assert statuses == {"confirmed", "reported", "assumed"}
    _, out, _ = run(capsys, "rules", "--lang", "zh")
    lines = out.splitlines()
    assert lines[-1] == "† 据报道的来源；‡ 假定（建模选择）"
    assert lines[0] == "类别"
    assert lines[1].split()[:2] == ["编号", "名称"]
    listed = [x.split()[0] for x in lines if x.startswith(" ") and x[1:2].isalpha()]
    assert listed == [
        "编号",
        *(c.id for c in engine.categories),
        "编号",
        *(r.id for r in engine.rules),
    ]


def test_parameters_in_force_for_a_division_and_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, installed: Install, national_engine: Engine
) -> None:
    """parameters: the value in force for the division on the day, with its source; a value
    of a narrower scope wins inside it only; a parameter with none is said to have none."""
    installed(hn=stub_plugin("hn", "43", directory=tmp_path, toml=HUNAN_800))

    def scattered(*argv: str) -> Any:
        status, out, _ = run(capsys, "parameters", "--format", "json", *argv)
        assert status == 0
        doc = json.loads(out)
        by_name = {p["name"]: p for p in doc["parameters"]}
        return doc, by_name["orphan.allowance.scattered"]["in_force"], by_name

    doc, value, by_name = scattered("--division", "433122", "--at", "2020-06-30")
    assert (doc["division"], doc["at"]) == ("433122", "2020-06-30")
    assert (value["value"], value["effective"], value["scope"], value["plugin"]) == (
        "800.00", "2018-01-01", "43", "hn"
    )  # fmt: skip
    assert by_name["difficulty.guardianship.report_months"]["in_force"] is None
    _, value, _ = scattered("--division", "421281", "--at", "2020-06-30")
    assert (value["value"], value["scope"]) == ("600.00", "national")
    _, value, _ = scattered("--division", "433122", "--at", "2017-12-31")
    assert value["value"] == "600.00"
    doc, value, _ = scattered()
    assert doc["division"] is None
    assert value["scope"] == "national"
    _, out, _ = run(capsys, "parameters", "--division", "433122", "--at", "2020-06-30")
    lines = out.splitlines()
    title = national_engine.parameters.spec("orphan.allowance.scattered").en
    at = lines.index(f"orphan.allowance.scattered  {title}")
    assert lines[at + 1] == "  800.00 yuan_per_month · from 2018-01-01, scope 43 · hn 0"
    assert (
        lines[at + 2]
        == "  source: 湖南省民政厅《A test raise of the scattered orphan allowance》(test)"
    )
    at = lines.index(
        next(x for x in lines if x.startswith("difficulty.guardianship.report_months"))
    )
    assert lines[at + 1] == "  no value in force (missing input) · months"


def test_plugins_lists_name_version_scope(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, installed: Install
) -> None:
    """plugins: the baseline first, then each installed plugin with its scope and version."""
    installed(hn=stub_plugin("hn", "43", directory=tmp_path, toml=HUNAN_800, version="1.2"))
    status, out, _ = run(capsys, "plugins", "--format", "json")
    assert status == 0
    national = {"name": "national", "version": "0.1.0", "scope": "national"}
    assert json.loads(out) == {
        "plugins": [
            {**national, "title": "National baseline"},
            {"name": "hn", "version": "1.2", "scope": "43", "title": ""},
        ]
    }
    _, out, _ = run(capsys, "plugins")
    assert [x.split()[:3] for x in out.splitlines()[2:]] == [
        ["national", "0.1.0", "national"],
        ["hn", "1.2", "43"],
    ]


# -- synth -------------------------------------------------------------------------------------


def test_synth_without_the_module_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installation without careprotect.testing.synth: exit 2 and one line."""
    monkeypatch.setitem(sys.modules, "careprotect.testing.synth", None)
    status, out, err = run(capsys, "synth", "--province", "43", "--children", "3")
    assert (status, out) == (2, "")
    assert err == (
        "careprotect: synth is not available: this careprotect has no careprotect.testing.synth\n"
    )


def test_synth_writes_a_registry_that_validates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """synth writes N fictional children; the registry reads back without a rejection and
    the count it reports is the number of records written; the same seed, the same file."""
    pytest.importorskip("careprotect.testing.synth")
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for target in (first, second):
        status, out, err = run(
            capsys,
            "synth",
            "--province",
            "43",
            "--children",
            "25",
            "--seed",
            "7",
            "-o",
            str(target),
        )
        assert (status, out) == (0, "")
        result = load_registry(target)
        assert err == f"careprotect: wrote {result.counts.read} records to {target}\n"
    assert result.counts.rejected == 0
    assert len(result.registry.children) == 25
    assert first.read_bytes() == second.read_bytes()


# -- progress and the process ------------------------------------------------------------------


def test_progress_shows_only_on_a_terminal_after_the_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The progress display writes nothing when disabled or before its delay; once shown it
    names the run and the count; the CLI enables it only when stderr is a terminal and the
    results do not go to that terminal."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws into a StringIO as on a terminal
    for enabled, delay in ((False, 0.0), (True, 60.0)):
        buffer = io.StringIO()
        with ProgressDisplay("audit", "subjects", enabled=enabled, delay=delay, stderr=buffer) as p:
            p(10)
        assert buffer.getvalue() == ""
    buffer = io.StringIO()
    with ProgressDisplay("audit", "subjects", enabled=True, delay=0.0, stderr=buffer) as p:
        p(10)
    assert "audit" in buffer.getvalue()
    assert "10 subjects" in buffer.getvalue()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    assert progress_display("audit", "subjects", io.StringIO()).enabled
    assert not progress_display("audit", "subjects", Terminal()).enabled
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not progress_display("audit", "subjects", io.StringIO()).enabled


def _python(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
    )


def test_importing_careprotect_loads_neither_click_nor_rich() -> None:
    """The library, and its report module, import without click or rich."""
    code = (
        "import sys, careprotect, careprotect.report\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('click', 'rich')))"
    )
    result = _python("-c", code)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_the_command_in_a_process(tmp_path: Path) -> None:
    """python -m careprotect: the exit status, results on stdout, and a usage error as one
    line on stderr without a traceback."""
    ok = _python(
        "-m", "careprotect", "audit", str(SAMPLE), "--as-of", "2020-06-30", "--plugins",
        "national", "--format", "json",
    )  # fmt: skip
    assert (ok.returncode, ok.stderr) == (1, "")
    assert json.loads(ok.stdout)["summary"]["findings"] == 16
    bad = _python("-m", "careprotect", "audit", str(SAMPLE), "--as-of", "2020-02-30")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == (
        "careprotect: audit: Invalid value for '--as-of': must be a date YYYY-MM-DD "
        "(got '2020-02-30') (see 'careprotect audit --help')\n"
    )


def test_a_reader_that_goes_away_stops_the_command_quietly(tmp_path: Path) -> None:
    """careprotect audit ... | head: status 141 (as for SIGPIPE), nothing on stderr."""
    sample = load_registry(SAMPLE).registry
    children = [attrs.evolve(c, id=f"{c.id}-{n:03d}") for n in range(100) for c in sample.children]
    big = tmp_path / "big.jsonl"
    write_registry(big, sample.reference, children)
    process = subprocess.Popen(
        [sys.executable, "-m", "careprotect", "audit", str(big), "--as-of", "2020-06-30",
         "--plugins", "national", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.read(100).startswith(b'{"as_of": "2020-06-30"')
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == b""
    process.stderr.close()
