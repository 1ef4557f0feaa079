"""Reports show how far their answers are known, and which rules are in force.

Every citation in JSON and CSV carries its status; a finding or an amount rests on the
weakest status of its citations and its evidence's citations, and tables mark it (``†``
reported, ``‡`` assumed) and count it. Every report lists the rules it evaluates with their
state. The statuses that matter here are those of a test plugin of this file (the shipped
plugins' statuses are policy data that changes); the shipped plugins are used for structure
only: every citation has a status.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from jsonschema import Draft202012Validator

from careprotect import Engine, Message, SubjectKind, pipeline
from careprotect.cli import main
from careprotect.findings import Finding, Outcome, rests_on
from careprotect.params import Citation, Status
from careprotect.report import AUDIT_CSV_COLUMNS, ENTITLEMENT_CSV_COLUMNS
from careprotect.rules import RuleContext, RuleKind
from careprotect.testing import stub_plugin
from support import Install, citation_table

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "small-registry.jsonl"
EXAMPLE = ROOT / "examples" / "sample-registry.jsonl"
SCHEMAS = ROOT / "docs" / "schema"
STATUSES = ("confirmed", "reported", "assumed")

TOML = (
    citation_table(
        "rep",
        document="",
        title="某报《某省要求儿童主任每月走访》",
        clause="第二段",
        date="2020-05-01",
        status="reported",
    )
    + citation_table(
        "ass",
        issuer="careprotect",
        document="",
        title="A modelling choice of this test",
        status="assumed",
        more='note = "Assumed: the sources are silent."',
    )
    + """
[parameters."t.required"]
unit = "flag"
zh = "测试要求是否适用"
en = "Whether the test duty applies"

[parameters."t.count"]
unit = "count"
zh = "测试次数"
en = "Test count"

[[values]]
parameter = "t.required"
effective = 2000-01-01
value = false
citation = "rep"

[[values]]
parameter = "t.required"
effective = 2020-07-01
value = true
citation = "rep"

[[values]]
parameter = "t.count"
effective = 2000-01-01
value = 2
citation = "ass"

[[values]]
parameter = "orphan.allowance.scattered"
effective = 2018-01-01
value = "800"
citation = "rep"
"""
)


@attrs.frozen
class Counted:
    """A rule citing a reported source, whose findings use a value resting on an assumed
    one: one non-compliant finding per child while its duty is in force, none before."""

    id: str = "t.counted"
    kind: RuleKind = RuleKind.COMPLIANCE
    subject: SubjectKind = SubjectKind.CHILD
    title: Message = attrs.field(factory=lambda: Message("测试规则", "test rule"))
    citations: tuple[str, ...] = ("rep",)
    required: str = "t.required"

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        day = env.as_of or (env.period.last_day if env.period else dt.date(2020, 6, 30))
        flag = env.lookup(self.required, subject.division, day)
        if flag is None or not flag.value:
            return
        found = env.lookup("t.count", subject.division, day)
        yield env.finding(
            self,
            subject,
            Outcome.NON_COMPLIANT,
            self.title,
            evidence=() if found is None else (found.evidence,),
            day=day,
        )


@pytest.fixture(autouse=True)
def installed(install_plugins: Install, tmp_path: Path) -> object:
    """The test plugin (scope 43) is the only installed plugin; English locale."""
    plugin = stub_plugin("statuses", "43", directory=tmp_path, toml=TOML, rules=[Counted()])
    install_plugins(statuses=plugin)
    return plugin


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv))
    out: str = capsys.readouterr().out
    return out


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _statuses(record: dict[str, Any]) -> list[str]:
    """The statuses of a record's citations and its evidence's citations, as JSON gives them."""
    return [c["status"] for c in record["citations"]] + [
        e["citation"]["status"] for e in record["evidence"]
    ]


def _weakest(statuses: Iterable[str]) -> str:
    return max(statuses, key=STATUSES.index, default="confirmed")


# -- the API -----------------------------------------------------------------------------------


def test_rests_on_is_the_weakest_status_of_citations_and_evidence() -> None:
    def cite(status: Status) -> Citation:
        return Citation(key=status.value, issuer="i", document="", title="t", status=status)

    assert rests_on(()) is Status.CONFIRMED
    assert rests_on((cite(Status.CONFIRMED), cite(Status.REPORTED))) is Status.REPORTED
    assert rests_on((cite(Status.ASSUMED), cite(Status.REPORTED))) is Status.ASSUMED


def test_a_finding_as_json_carries_each_citations_status(installed: object) -> None:
    engine = Engine([installed])
    (finding, *_) = [
        f
        for f in pipeline.audit(engine, _registry(), as_of=dt.date(2020, 7, 31))
        if f.rule == "t.counted"
    ]
    data = finding.as_dict()
    assert data["citations"] == [
        {
            "text": "某省民政厅《某报《某省要求儿童主任每月走访》》(no number published) 第二段, "
            "2020-05-01",
            "status": "reported",
            "url": "",
            "verified": "2026-11-23",
        }
    ]
    assert data["evidence"][0]["citation"]["status"] == "assumed"
    assert (data["rests_on"], finding.rests_on) == ("assumed", Status.ASSUMED)


def _registry() -> Any:
    from careprotect import load_registry

    return load_registry(SAMPLE).registry


# -- the audit ---------------------------------------------------------------------------------


def test_audit_json_gives_every_citation_a_status_and_counts_what_findings_rest_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = json.loads(run(capsys, "audit", str(SAMPLE), "--as-of", "2020-07-31", "--format", "json"))
    validator("audit-report.schema.json").validate(doc)
    findings = doc["findings"]
    for f in findings:
        assert f["rests_on"] == _weakest(_statuses(f))
    ours = [f for f in findings if f["rule"] == "t.counted"]
    assert ours
    assert {f["rests_on"] for f in ours} == {"assumed"}
    by_status = Counter(f["rests_on"] for f in findings)
    assert doc["summary"]["rests_on"] == {s: by_status[s] for s in STATUSES}
    (state,) = [r for r in doc["summary"]["rules"] if r["rule"] == "t.counted"]
    assert state["state"] == "in_force"
    assert state["in_force"] == [{"scope": "43", "from": "2020-07-01", "to": None}]


def test_audit_csv_carries_the_statuses_in_two_columns(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("audit", str(SAMPLE), "--as-of", "2020-07-31")
    doc = json.loads(run(capsys, *argv, "--format", "json"))
    rows = list(csv.reader(io.StringIO(run(capsys, *argv, "--format", "csv"))))
    assert tuple(rows[0]) == AUDIT_CSV_COLUMNS
    assert AUDIT_CSV_COLUMNS[-2:] == ("citation_status", "rests_on")
    for row, finding in zip(rows[1:], doc["findings"], strict=True):
        record = dict(zip(AUDIT_CSV_COLUMNS, row, strict=True))
        assert json.loads(record["citations"]) == finding["citations"]
        assert json.loads(record["citation_status"]) == [c["status"] for c in finding["citations"]]
        assert record["rests_on"] == finding["rests_on"]
    ours = [r for r in rows[1:] if r[0] == "t.counted"]
    assert {(r[-2], r[-1]) for r in ours} == {('["reported"]', "assumed")}


def test_audit_table_marks_findings_and_sources_and_counts_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("audit", str(SAMPLE), "--as-of", "2020-07-31")
    doc = json.loads(run(capsys, *argv, "--format", "json"))
    counts = doc["summary"]["rests_on"]
    lines = run(capsys, *argv).splitlines()
    assert lines[3] == (
        f"Findings resting on reported values (†): {counts['reported']}; on assumed values (‡): "
        f"{counts['assumed']} (of {doc['summary']['findings']})"
    )
    ours = [i for i, line in enumerate(lines) if " t.counted · " in line]
    assert ours
    for i in ours:
        assert lines[i].endswith(" ‡")
        assert lines[i + 1] == "    test rule"
        assert lines[i + 2].startswith("    source: 某省民政厅《某报")
        assert lines[i + 2].endswith(" †")
    zh = run(capsys, *argv, "--lang", "zh").splitlines()
    assert zh[3] == (
        f"依据报道来源（†）的结论 {counts['reported']} 条，依据假设（‡）的结论 "
        f"{counts['assumed']} 条（共 {doc['summary']['findings']} 条）"
    )


def test_audit_lists_a_rule_not_yet_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    """On 2020-06-30 the test duty (from 2020-07-01) gives no finding, and the summary says
    it is not yet in force, in the table (either language) and in JSON."""
    argv = ("audit", str(SAMPLE), "--as-of", "2020-06-30")
    doc = json.loads(run(capsys, *argv, "--format", "json"))
    assert not [f for f in doc["findings"] if f["rule"] == "t.counted"]
    (state,) = [r for r in doc["summary"]["rules"] if r["rule"] == "t.counted"]
    assert (state["state"], state["starts"]) == (
        "not_yet_in_force",
        [{"date": "2020-07-01", "scope": "43"}],
    )
    lines = run(capsys, *argv).splitlines()
    table = lines[lines.index("Rules and their state") :]
    (row,) = [line for line in table if line.startswith(" t.counted ")]
    assert row.split(None, 1)[1] == "not yet in force (from 2020-07-01 in 43)"
    zh = run(capsys, *argv, "--lang", "zh").splitlines()
    (row,) = [line for line in zh if line.startswith(" t.counted ")]
    assert row.split(None, 1)[1] == "尚未生效（43 自 2020-07-01 起）"
    over = json.loads(run(capsys, "audit", str(SAMPLE), "--period", "2020-07", "--format", "json"))
    (state,) = [r for r in over["summary"]["rules"] if r["rule"] == "t.counted"]
    assert state["state"] == "in_force"
    over = json.loads(run(capsys, "audit", str(SAMPLE), "--period", "2020", "--format", "json"))
    (state,) = [r for r in over["summary"]["rules"] if r["rule"] == "t.counted"]
    assert state["state"] == "partly_in_force"


# -- entitlements and plans --------------------------------------------------------------------


def test_entitlements_carry_statuses_marks_and_rule_states(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("entitlements", str(SAMPLE), "--period", "2020-01..2020-12")
    doc = json.loads(run(capsys, *argv, "--format", "json"))
    validator("entitlements-report.schema.json").validate(doc)
    amounts = doc["amounts"]
    for a in amounts:
        assert a["rests_on"] == _weakest(_statuses(a))
    # The Hunan orphans' amounts use this plugin's reported 800: reported or weaker.
    hunan = [a for a in amounts if a["division"].startswith("43") and a["amount"] == "800.00"]
    assert hunan
    assert all(a["rests_on"] in ("reported", "assumed") for a in hunan)
    by_status = Counter(a["rests_on"] for a in amounts)
    assert doc["summary"]["rests_on"] == {s: by_status[s] for s in STATUSES}
    assert [r["rule"] for r in doc["summary"]["rules"]] == sorted(
        r.id for r in Engine().rules if r.item.kind is RuleKind.ENTITLEMENT
    )
    rows = list(csv.reader(io.StringIO(run(capsys, *argv, "--format", "csv"))))
    assert tuple(rows[0]) == ENTITLEMENT_CSV_COLUMNS
    for row, amount in zip(rows[1:], amounts, strict=True):
        record = dict(zip(ENTITLEMENT_CSV_COLUMNS, row, strict=True))
        assert json.loads(record["citation_status"]) == [c["status"] for c in amount["citations"]]
        assert record["rests_on"] == amount["rests_on"]
    table = run(capsys, *argv).splitlines()
    marked = [line for line in table if " 800.00  orphan.allowance.scattered = 800.00 " in line]
    assert marked
    assert all(line.endswith((" †", " ‡")) for line in marked)
    assert (
        f"Amounts resting on reported values (†): {by_status['reported']}; on assumed values "
        f"(‡): {by_status['assumed']} (of {len(amounts)})"
    ) in table
    assert "Rules and their state" in table


def test_the_plan_lists_its_rules_with_their_state(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the shipped plugins: every contact-frequency rule, with its state over the month
    (Xianning's contact duty, from 2020-12-17, is not yet in force in 2020-07)."""
    monkeypatch.undo()
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    argv = ("plan", str(SAMPLE), "--month", "2020-07")
    doc = json.loads(run(capsys, *argv, "--format", "json"))
    assert list(doc) == ["month", "plugins", "workers", "summary", "rejected", "records"]
    rules = {r["rule"]: r["state"] for r in doc["summary"]["rules"]}
    engine = Engine.from_entry_points()
    assert set(rules) == {r.id for r in engine.rules if type(r.item).__name__ == "ContactFrequency"}
    assert rules["hubei.xianning.left_behind.contact"] == "not_yet_in_force"
    table = run(capsys, *argv).splitlines()
    states = table[table.index("Rules and their state") :]
    (row,) = [line for line in states if line.startswith(" hubei.xianning.left_behind.contact ")]
    assert row.split(None, 1)[1] == "not yet in force (from 2020-12-17 in 4212)"


# -- the shipped plugins: structure only -------------------------------------------------------


def test_every_citation_of_the_sample_audit_has_a_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the shipped plugins, every citation of the example registry's JSON audit has a
    text and a status, and every finding rests on the weakest of them."""
    monkeypatch.undo()
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    doc = json.loads(
        run(capsys, "audit", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "json")
    )
    validator("audit-report.schema.json").validate(doc)
    assert doc["findings"]
    for f in doc["findings"]:
        cited = [*f["citations"], *(e["citation"] for e in f["evidence"])]
        assert all(c["text"] and c["status"] in STATUSES for c in cited)
        assert f["rests_on"] == _weakest(_statuses(f))
    assert sum(doc["summary"]["rests_on"].values()) == doc["summary"]["findings"]
