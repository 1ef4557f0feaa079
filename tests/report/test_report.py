"""Reports: language, period cover, places, the streaming writers, and revealing names.

The command-line tests (tests/cli/test_cli.py) check the reports end to end; these check the
pieces: that the JSON and CSV writers write each finding as it comes (nothing is collected),
that the table spools and groups, and the engine's ``reveal`` option the reports rely on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from careprotect import (
    Division,
    Engine,
    InvalidPeriodError,
    Period,
    PeriodKind,
    Registry,
    iter_periods,
    load_registry,
    open_registry,
    pipeline,
    write_registry,
)
from careprotect.findings import FINDING_FORM, Finding, Outcome, SubjectKind
from careprotect.io import dumps
from careprotect.params import Status, Unit
from careprotect.pipeline import chunks as chunks_module
from careprotect.report import (
    AUDIT_CSV_COLUMNS,
    ENTITLEMENT_CSV_COLUMNS,
    PLAN_CSV_COLUMNS,
    RECTIFY_CSV_COLUMNS,
    AuditEnd,
    AuditHeader,
    CsvAuditWriter,
    JsonAuditWriter,
    TableAuditWriter,
    cover,
    language_from_env,
    parameters_report,
    place,
    records_json,
    rejection_json,
    run_audit,
    run_entitlements,
    township_of,
)
from careprotect.report._base import JsonStream, console_for, show, show_plain
from careprotect.report.entitlements import JsonEntitlementsWriter
from careprotect.report.finding_text import FINDING_CSV, FindingText, csv_line
from careprotect.rules.base import revealed, subject_of
from careprotect.rulestates import RuleState

ROOT = Path(__file__).parents[2]
SAMPLE_PATH = ROOT / "tests" / "data" / "small-registry.jsonl"
BAD_PATH = Path(__file__).parents[1] / "data" / "bad-registry.jsonl"
SAMPLE = load_registry(SAMPLE_PATH).registry
JUNE_30 = dt.date(2020, 6, 30)


# -- language ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "ZH_TW"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN", "LANG": "zh_CN"}, "en"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),
    ],
)
def test_language_from_the_locale(environ: dict[str, str], lang: str) -> None:
    """The first of LC_ALL, LC_MESSAGES, LANG that is set and not empty decides."""
    assert language_from_env(environ) == lang


# -- covering a range of periods ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "periods"),
    [
        ("2018-01", "2018-12", ["2018"]),
        ("2018-06", "2018-06", ["2018-06"]),
        ("2018-11", "2019-03", ["2018-11", "2018-12", "2019-Q1"]),
        (
            "2018-02",
            "2019-12",
            ["2018-02", "2018-03", "2018-Q2", "2018-Q3", "2018-Q4", "2019"],
        ),
        ("2018-Q1", "2019-Q2", ["2018", "2019-Q1", "2019-Q2"]),
        ("2018-Q3", "2018-Q3", ["2018-Q3"]),
        ("2017", "2019", ["2017", "2018", "2019"]),
    ],
)
def test_cover_uses_the_fewest_periods(first: str, last: str, periods: list[str]) -> None:
    """Aligned runs of months become quarters and years, so most ranges take few passes."""
    assert [str(p) for p in cover(Period.parse(first), Period.parse(last))] == periods


@given(
    st.integers(2000, 2030),
    st.integers(1, 12),
    st.integers(0, 40),
)
def test_cover_covers_exactly_the_months_of_the_range(year: int, month: int, more: int) -> None:
    """Whatever the range of months, the cover's months are the range's months, in order."""
    first = Period.month(year, month)
    last = first
    for _ in range(more):
        last = last.next()
    months = [
        m for p in cover(first, last) for m in iter_periods(PeriodKind.MONTH, p.start, p.last_day)
    ]
    assert months == list(iter_periods(PeriodKind.MONTH, first.start, last.last_day))


def test_cover_refuses_weeks() -> None:
    """Entitlements are monthly: a range of weeks is refused."""
    with pytest.raises(InvalidPeriodError, match="must be months, quarters or years"):
        cover(Period.parse("2020-W01"), Period.parse("2020-W04"))


# -- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "township"),
    [
        ("421281101201", "421281101"),
        ("421281101", "421281101"),
        ("421281", "421281"),
        ("42", "42"),
        ("441900003001", "441900003"),
    ],
)
def test_township_of(code: str, township: str) -> None:
    """A village's or township's township; a division above township level stands alone."""
    assert township_of(Division(code)) == Division(township)


def test_place_names_the_division_from_the_county_down() -> None:
    """The code, then the names the registry gives from the county down."""
    reference = SAMPLE.reference
    assert place(Division("421281101201"), reference) == "421281101201 赤壁市 样板镇 桃园村"
    assert place(Division("4212"), reference) == "4212 咸宁市"
    assert place(Division("433122100299"), reference) == "433122100299 泸溪县 示例镇"


# -- JSON pieces -------------------------------------------------------------------------------


def test_rejections_and_counts_as_json() -> None:
    """Every key is present; a line that is not JSON has neither kind nor id."""
    result = load_registry(BAD_PATH)
    last = result.rejections[-1]
    assert rejection_json(last) == {
        "record": 10,
        "line": 11,
        "location": None,
        "kind": None,
        "id": None,
        "path": "$",
        "error": "is not valid JSON (Expecting value at column 67)",
        "problems": [{"path": "$", "message": "is not valid JSON (Expecting value at column 67)"}],
    }
    assert records_json(result.counts) == {
        "read": 11,
        "accepted": 5,
        "rejected": 6,
        "by_kind": {
            "child": {"read": 7, "accepted": 2, "rejected": 5},
            "division": {"read": 2, "accepted": 2, "rejected": 0},
            "unknown": {"read": 1, "accepted": 0, "rejected": 1},
            "worker": {"read": 1, "accepted": 1, "rejected": 0},
        },
    }


# -- the audit writers stream ------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's reference data with 60 copies of its children (360 child files)."""
    children = [attrs.evolve(c, id=f"{c.id}-{n:02d}") for n in range(60) for c in SAMPLE.children]
    path = tmp_path_factory.mktemp("big") / "registry.jsonl"
    write_registry(path, SAMPLE.reference, children)
    return path


class Spy:
    """Wraps a writer: records, at each finding, how many records the stream had read and how
    much the writer had written."""

    def __init__(self, writer: Any, out: io.StringIO, stream: Any) -> None:
        self.writer, self.out, self.stream = writer, out, stream
        self.seen: list[tuple[int, int]] = []

    def start(self, header: AuditHeader) -> None:
        self.writer.start(header)

    def render(self, finding: Finding) -> bytes | None:
        data: bytes | None = self.writer.render(finding)
        return data

    def write(self, data: bytes) -> None:
        self.seen.append((self.stream.counts.read, len(self.out.getvalue())))
        self.writer.write(data)

    def finish(self, end: AuditEnd) -> None:
        self.writer.finish(end)

    def close(self) -> None:
        self.writer.close()


@pytest.mark.parametrize("make", [JsonAuditWriter, CsvAuditWriter])
def test_json_and_csv_write_findings_as_they_come(
    make: Any, big_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings are written in chunks while the registry is still being read, each chunk as
    soon as it holds about ``CHUNK_TEXT`` bytes: nothing else is collected, so memory does
    not grow with the registry. With a chunk size of one byte, each subject's findings are
    written before the next subject is judged."""
    monkeypatch.setattr(chunks_module, "CHUNK_TEXT", 1)
    out = io.StringIO()
    with open_registry(big_registry) as stream:
        spy = Spy(make(out), out, stream)
        end = run_audit(pipeline.audit(Engine(), stream, as_of=JUNE_30), stream, spy)
    total = end.counts.read
    assert total == 28 - 6 + 360
    reads = [read for read, _ in spy.seen]
    written = [size for _, size in spy.seen]
    assert end.summary.findings == 14 + 120
    # Written so far grows with every chunk: the previous one is already out.
    assert all(b > a for a, b in itertools.pairwise(written[1:]))
    # Findings are written while the stream is still reading, at 120 different places (the
    # 120 child files with findings).
    assert sorted(reads) == reads
    assert min(reads) < total / 10
    assert len({r for r in reads if r < total}) >= 119


def _json_line(finding: Finding) -> bytes:
    return dumps(finding.as_dict()).encode() + b"\n"


def test_serial_chunks_are_bounded(big_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A serial audit's chunk ends with the first subject that takes its text to
    ``CHUNK_TEXT`` bytes: it never holds more than one subject's text beyond that."""
    monkeypatch.setattr(chunks_module, "CHUNK_TEXT", 2000)
    by_subject: dict[tuple[str, str], int] = {}
    for f in pipeline.audit(Engine(), load_registry(big_registry).registry, as_of=JUNE_30):
        key = (f.subject.kind.value, f.subject.id)
        by_subject[key] = by_subject.get(key, 0) + len(_json_line(f))
    with open_registry(big_registry) as stream:
        chunks = list(pipeline.audit(Engine(), stream, as_of=JUNE_30).chunks(_json_line))
    sizes = [len(c.text) for c in chunks]
    assert len(chunks) > 5
    assert max(sizes) < 2000 + max(by_subject.values())
    assert all(size >= 2000 for size in sizes[:-1])
    assert sum(sizes) == sum(by_subject.values())
    assert sum(n for c in chunks for n in c.counts.values()) == 14 + 120


def test_json_document_with_no_findings_is_valid() -> None:
    """An audit that finds nothing still writes one valid document."""
    out = io.StringIO()
    writer = JsonAuditWriter(out)
    header = AuditHeader(as_of=JUNE_30, plugins=Engine().plugins)
    writer.start(header)
    with open_registry(SAMPLE_PATH) as stream:
        for _ in stream.children():
            pass
        end = AuditEnd(
            summary=pipeline.audit(Engine(), stream, as_of=JUNE_30).summary,
            by_township={},
            rejections=(),
            counts=stream.counts,
        )
    writer.finish(end)
    doc = json.loads(out.getvalue())
    assert doc["findings"] == []
    assert doc["summary"]["findings"] == 0
    assert doc["summary"]["by_outcome"] == {o.value: 0 for o in Outcome}
    assert doc["summary"]["subjects"] == {
        "child": 0,
        "worker": 0,
        "service_point": 0,
        "division": 0,
    }


def test_table_spools_to_a_temporary_file_and_groups_by_division(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table's findings wait in a temporary SQLite file, removed afterwards; they come
    out grouped by division in code order, in arrival order within a division, and only the
    non-compliant and missing-input ones."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    during: list[list[str]] = []

    class Watch(TableAuditWriter):
        def write(self, data: bytes) -> None:
            super().write(data)
            during.append(sorted(p.name for p in spool.glob("careprotect-*/*")))

    out = io.StringIO()
    with open_registry(SAMPLE_PATH) as stream:
        writer = Watch(out, lang="en", reference=stream.reference)
        run_audit(pipeline.audit(Engine(), stream, as_of=dt.date(2018, 1, 31)), stream, writer)
    assert "findings.sqlite" in during[0]
    assert list(spool.iterdir()) == []
    heading = "Non-compliant, missing-input and error findings, by division\n"
    listed = out.getvalue().split(heading)[1]
    headers = [line for line in listed.splitlines() if line[:1].isdigit()]
    assert [h.split()[0] for h in headers] == [
        "421281101",
        "421281101201",
        "421281101202",
        "433122100",
        "433122100201",
        "433122100202",
    ]
    assert "[compliant]" not in listed
    assert listed.count("[missing input]") == 12


def test_entitlements_read_a_range_in_one_pass() -> None:
    """A range is read once, every period of its cover judged subject by subject; the
    rejections and counts are the registry's."""
    opened: list[int] = []

    def open_stream() -> Any:
        opened.append(1)
        return open_registry(BAD_PATH)

    out = io.StringIO()
    end = run_entitlements(
        Engine(),
        open_stream,
        Period.parse("2019-11"),
        Period.parse("2020-12"),
        JsonEntitlementsWriter(out),
    )
    assert len(opened) == 1
    assert len(end.rejections) == 6
    assert end.counts.read == 11
    assert json.loads(out.getvalue())["records"]["read"] == 11


def test_parameters_report_says_when_none_is_in_force() -> None:
    """Each declared parameter, with the value in force or null."""
    report = parameters_report(Engine(), Division("433122"), JUNE_30)
    by_name = {p["name"]: p for p in report["parameters"]}
    assert by_name["difficulty.guardianship.report_months"]["in_force"] is None
    scattered = by_name["orphan.allowance.scattered"]
    assert scattered["unit"] == "yuan_per_month"
    assert (scattered["in_force"]["value"], scattered["in_force"]["effective"]) == (
        "600.00",
        "2010-01-01",
    )


def test_a_division_s_parameters_leave_out_other_provinces_plugins() -> None:
    """For a division of Fujian, Hunan's and Hubei's parameters are not listed as missing
    input: none of their rules judges it. The national ones are, with a value or without
    (a province must set it); for Hunan's divisions, Hunan's are; the whole country lists
    all."""
    engine = Engine.from_entry_points()

    def names(division: Division | None) -> set[str]:
        return {p["name"] for p in parameters_report(engine, division, JUNE_30)["parameters"]}

    fujian, hunan, country = names(Division("350102")), names(Division("433122")), names(None)
    assert not {n for n in fujian if n.startswith(("hunan.", "hubei."))}
    assert "childrens_home.service_agreement.required" in fujian
    assert "orphan.allowance.scattered" in fujian
    assert "hunan.child_director.post_allowance" in hunan
    assert not {n for n in hunan if n.startswith("hubei.")}
    assert country == set(engine.parameters.specs) > hunan > fujian


# -- the engine's reveal option ----------------------------------------------------------------


def _child_findings(findings: list[Finding], child_id: str) -> list[Finding]:
    return [f for f in findings if f.subject.kind.value == "child" and f.subject.id == child_id]


def test_audit_masks_subjects_unless_revealed() -> None:
    """Engine.audit(reveal=True) shows children's and workers' names (and a child id that is
    an ID number) in the findings' subjects; by default they are masked."""
    liu = next(c for c in SAMPLE.children if c.id == "C-CB-001")
    by_number = attrs.evolve(liu, id="421281201103150319")
    registry = Registry(reference=SAMPLE.reference, children=(by_number,))
    engine = Engine()
    masked = list(pipeline.audit(engine, registry, as_of=JUNE_30))
    shown = list(pipeline.audit(engine, registry, as_of=JUNE_30, reveal=True))
    assert len(masked) == len(shown)
    (m,) = _child_findings(masked, "421281********0319")
    (s,) = _child_findings(shown, "421281201103150319")
    assert (m.subject.name, s.subject.name) == ("刘**", "刘小宇")
    assert attrs.evolve(s, subject=m.subject) == m
    workers = {f.subject.name for f in masked if f.subject.kind.value == "worker"}
    assert workers == {"田**", "张**", "刘*", "黄**"}
    workers = {f.subject.name for f in shown if f.subject.kind.value == "worker"}
    assert workers == {"田秀英", "张国强", "刘芳", "黄志明"}


def test_entitlements_mask_subjects_unless_revealed() -> None:
    """Engine.entitlements(reveal=True) shows the children's names; otherwise masked."""
    engine = Engine()
    june = Period.parse("2020-06")
    masked = [a.subject.name for a in pipeline.entitlements(engine, SAMPLE, june)]
    shown = [a.subject.name for a in pipeline.entitlements(engine, SAMPLE, june, reveal=True)]
    assert (masked, shown) == (["张**", "黄**", "吴**"], ["张小军", "黄小梅", "吴小乐"])


def test_revealed_changes_only_records_about_the_item() -> None:
    """A record about another subject, or about a division or service point, is unchanged."""
    liu, wu = (next(c for c in SAMPLE.children if c.id == i) for i in ("C-CB-001", "C-XN-001"))
    (finding, *_) = _child_findings(
        list(pipeline.audit(Engine(), SAMPLE, as_of=JUNE_30)), "C-CB-001"
    )
    assert revealed(finding, wu) is finding
    assert revealed(finding, Division("421281101201")) is finding
    assert revealed(finding, liu).subject == subject_of(liu, reveal=True)[0]


# -- the documented formats --------------------------------------------------------------------

SCHEMAS = ROOT / "docs" / "schema"


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def test_the_report_schemas_share_their_common_definitions() -> None:
    """Both report schemas are self-contained; the definitions they share are identical."""
    audit, entitlements = (
        _schema("audit-report.schema.json"),
        _schema("entitlements-report.schema.json"),
    )
    shared = (
        "Plugin", "Evidence", "Subject", "Rejection", "Records",
        "Citation", "Status", "Statuses", "RuleStatus", "RuleChange",
    )  # fmt: skip
    for name in shared:
        assert audit["$defs"][name] == entitlements["$defs"][name], name


def test_the_schema_vocabularies_follow_the_code() -> None:
    """Outcomes, units and subject kinds in the schema are the code's enums."""
    defs = _schema("audit-report.schema.json")["$defs"]
    assert defs["Finding"]["properties"]["outcome"]["enum"] == [o.value for o in Outcome]
    assert list(defs["Outcomes"]["properties"]) == [o.value for o in Outcome]
    assert defs["Evidence"]["properties"]["unit"]["enum"] == [u.value for u in Unit]
    assert defs["Subject"]["properties"]["kind"]["enum"] == [k.value for k in SubjectKind]
    assert defs["Status"]["enum"] == [s.value for s in Status]
    assert list(defs["Statuses"]["properties"]) == [s.value for s in Status]
    assert defs["RuleStatus"]["properties"]["state"]["enum"] == [s.value for s in RuleState]


def test_the_cli_page_lists_the_csv_columns() -> None:
    """docs/cli.md names every CSV column, in order."""
    page = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    for columns in (
        AUDIT_CSV_COLUMNS,
        ENTITLEMENT_CSV_COLUMNS,
        PLAN_CSV_COLUMNS,
        RECTIFY_CSV_COLUMNS,
    ):
        assert ", ".join(f"`{c}`" for c in columns) in page


# -- the JSON text of a finding ----------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)


def _findings_of_the_example_registry() -> list[Finding]:
    engine = Engine.from_entry_points()
    registry = load_registry(ROOT / "examples" / "sample-registry.jsonl").registry
    masked = list(pipeline.audit(engine, registry, as_of=dt.date(2024, 12, 31)))
    revealed_ = list(pipeline.audit(engine, registry, period=Period.parse("2024-Q4"), reveal=True))
    return masked + revealed_


def test_finding_text_is_the_text_of_as_dict() -> None:
    """The report's fast JSON text equals ``dumps(as_dict())`` for every finding of the
    example registry's audits (every plugin's rules, by day and over a period, masked and
    revealed), with the shared citations and evidence written from the cache the second time."""
    findings = _findings_of_the_example_registry()
    assert any(f.evidence for f in findings)
    assert any(f.facts for f in findings)
    assert any(f.period for f in findings)
    assert any(f.subject.name for f in findings)
    finding_text = FindingText()
    for _ in range(2):
        for finding in findings:
            assert finding_text(finding) == dumps(finding.as_dict()).encode()


def _csv_row_of(finding: Finding) -> bytes:
    """The csv module's row of the finding's CSV columns: each the documented JSON form's
    field of the same name (flattened with "_"), its arrays written as JSON text; absent is
    empty. ``citation_status`` is the array of the citations' statuses."""
    data = finding.as_dict()
    flat = {
        **{k: v for k, v in data.items() if not isinstance(v, dict)},
        **{f"{k}_{sub}": v for k in ("subject", "message") for sub, v in data[k].items()},
        "citation_status": [c["status"] for c in data["citations"]],
    }
    columns = [
        dumps(value) if isinstance(value, list) else (value or "")
        for value in (flat.get(name) for name in AUDIT_CSV_COLUMNS)
    ]
    facts = AUDIT_CSV_COLUMNS.index("facts")
    columns[facts] = columns[facts] or "[]"  # an empty array, never an empty field
    out = io.StringIO(newline="")
    csv.writer(out).writerow(columns)
    return out.getvalue().encode()


def test_a_csv_row_is_what_the_csv_module_writes_of_its_columns() -> None:
    """The audit's CSV row of each finding of the example registry's audits, made of the
    pieces findings share, is the csv module's row of its columns."""
    findings = _findings_of_the_example_registry()
    writer = CsvAuditWriter(io.StringIO())
    for _ in range(2):
        for finding in findings:
            assert writer.render(finding) == _csv_row_of(finding)


@given(
    rule=_TEXT,
    subject=st.tuples(st.sampled_from(SubjectKind), _TEXT, _TEXT),
    message=st.tuples(_TEXT, _TEXT),
    day=st.none() | st.dates(),
    facts=st.lists(_TEXT, max_size=3),
    outcome=st.sampled_from(Outcome),
)
def test_finding_text_escapes_every_string_as_json_does(
    rule: str,
    subject: tuple[SubjectKind, str, str],
    message: tuple[str, str],
    day: dt.date | None,
    facts: list[str],
    outcome: Outcome,
) -> None:
    finding = attrs.evolve(
        _ONE_FINDING,
        rule=rule,
        subject=attrs.evolve(_ONE_FINDING.subject, kind=subject[0], id=subject[1], name=subject[2]),
        message=attrs.evolve(_ONE_FINDING.message, zh=message[0], en=message[1]),
        day=day,
        facts=tuple(facts),
        outcome=outcome,
    )
    assert json.loads(FindingText()(finding)) == finding.as_dict()
    assert FindingText()(finding) == dumps(finding.as_dict()).encode()
    # The CSV row: the columns of the documented JSON form, as the csv module writes them.
    assert FindingText(csv=True)(finding) == _csv_row_of(finding)


def test_every_report_form_of_a_finding_is_made_of_its_one_form() -> None:
    """as_dict has the members of FINDING_FORM in its order (the optional ones when set);
    every CSV column shows a piece of one member, and every member has a column."""
    finding = attrs.evolve(_ONE_FINDING, day=JUNE_30, period=None, facts=("f",))
    assert list(finding.as_dict()) == [f.key for f in FINDING_FORM if f.key != "period"]
    assert list(attrs.evolve(finding, day=None, facts=()).as_dict()) == [
        f.key for f in FINDING_FORM if not f.optional
    ]
    assert {key for _, key, _ in FINDING_CSV} == {f.key for f in FINDING_FORM}
    assert tuple(name for name, _, _ in FINDING_CSV) == AUDIT_CSV_COLUMNS


_ONE_FINDING = next(
    f for f in pipeline.audit(Engine(), SAMPLE, as_of=JUNE_30) if f.evidence and f.citations
)


_CSV_TEXT = st.text(st.sampled_from('a,"\r\n \t\x00中\u2028x'), max_size=8) | st.text(max_size=8)


@given(st.lists(_CSV_TEXT, max_size=5))
@example([""])
@example(["", ""])
@example(['a "quoted", text', "two\r\nlines", "\r", " padded "])
def test_csv_lines_are_what_the_csv_module_writes(row: list[str]) -> None:
    """The audit's CSV rows, made without the csv module, are byte for byte what
    ``csv.writer`` writes, and read back as the same fields."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow(row)
    assert csv_line(row) == out.getvalue()
    assert list(csv.reader(io.StringIO(csv_line(row), newline=""))) == ([row] if row else [[]])


@given(st.text(st.sampled_from("ab 中·[]\n\t\r\x1b\x07\u3000\u2028"), max_size=30) | st.text())
@example("  [non-compliant] rule · child 1\n    message \n    source: x")
@example("trailing   \n\n  \n")
def test_plain_blocks_are_what_rich_writes(text: str) -> None:
    """A finding's block is written without rich only where rich would write the same."""
    plain, rich = io.StringIO(), io.StringIO()
    if show_plain(console_for(plain), text):
        from rich.text import Text

        show(console_for(rich), Text(text, style="red"), soft_wrap=True)
        assert plain.getvalue() == rich.getvalue()
    else:
        assert plain.getvalue() == ""
        assert not text.replace("\n", "").isprintable()


@pytest.mark.parametrize("make", [JsonAuditWriter, CsvAuditWriter])
def test_reports_are_the_same_text_whatever_the_output(make: Any) -> None:
    """The findings' UTF-8 goes straight to a UTF-8 output's binary buffer; to any other
    output (a StringIO, a UTF-16 file) it is written as text. Each holds the same report."""
    texts = []
    for encoding in (None, "utf-8", "utf-16"):
        raw = io.BytesIO()
        out: Any = (
            io.StringIO(newline="")
            if encoding is None
            else io.TextIOWrapper(raw, encoding=encoding, newline="")
        )
        with open_registry(SAMPLE_PATH) as stream:
            run_audit(pipeline.audit(Engine(), stream, as_of=JUNE_30), stream, make(out))
        out.flush()
        texts.append(out.getvalue() if encoding is None else raw.getvalue().decode(encoding))
    assert texts[0] == texts[1] == texts[2]
    assert any(ord(c) > 127 for c in texts[0])  # Chinese messages: the encodings differ


def test_json_items_given_as_bytes_must_start_with_the_separator() -> None:
    """Joined items are written as they are, so each must bring its own separator."""
    out = io.StringIO()
    stream = JsonStream(out)
    stream.start({"as_of": "2020-06-30"}, "findings")
    with pytest.raises(ValueError, match="SEPARATOR"):
        stream.items_bytes(b'{"a": 1}')
    stream.items_bytes(b"")
    stream.items_bytes(b',\n{"a": 1},\n{"a": 2}')
    stream.items_bytes(b',\n{"a": 3}')
    stream.finish({"records": 3})
    assert json.loads(out.getvalue()) == {
        "as_of": "2020-06-30",
        "findings": [{"a": 1}, {"a": 2}, {"a": 3}],
        "records": 3,
    }
