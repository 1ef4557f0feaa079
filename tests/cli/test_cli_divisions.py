"""Warnings about accepted records (issue 17): citizen IDs that were normalised, and, with
``--divisions official``, division codes and names checked against the official table, in
``validate`` and every verb that reads a registry, in every output format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from careprotect import io as cp_io
from careprotect.citizen_id import check_character
from careprotect.cli import main
from careprotect.io import RecordKind, RecordWarning, open_registry

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schema"

FIRST17 = "43312220120418002"
NUMBER = FIRST17 + check_character(FIRST17)  # a fictional girl of Luxi, born 2012-04-18
WIDE = NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))

DIVISIONS = [
    {"code": "43", "name": "湖南省"},
    {"code": "4331", "name": "湘西土家族苗族自治州"},
    {"code": "433122", "name": "泸溪县"},
    {"code": "433122101", "name": "浦市镇"},
    {"code": "433122101201", "name": "某村"},
]
WRONG = [{"code": "439999", "name": "某县"}, {"code": "433122", "name": "海淀区"}]


def child(number: int, citizen_id: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"C{number}",
        "name": "田小雨",
        "birth_date": "2012-04-18",
        "sex": "female",
        "division": "433122101201",
        "household": "rural",
    }
    if citizen_id is not None:
        data["citizen_id"] = citizen_id
    return data


def write_lines(
    path: Path, divisions: list[dict[str, Any]], children: list[dict[str, Any]]
) -> Path:
    records = [{"record": "division", **d} for d in divisions]
    records += [{"record": "child", **c} for c in children]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def wrong(tmp_path: Path) -> Path:
    """A registry with division 439999 and with 433122 named 海淀区 (issue 17's example)."""
    divisions = [DIVISIONS[0], WRONG[0], WRONG[1], DIVISIONS[3], DIVISIONS[4]]
    return write_lines(tmp_path / "wrong.jsonl", divisions, [child(1, NUMBER)])


TWO_WARNINGS = [
    "  record 2 (line 2, division '439999'): $.code 439999 is not a code of GB/T 2260 in any"
    " edition from 1980 to 2025",
    "  record 3 (line 3, division '433122'): $.name is '海淀区', not the official name '泸溪县'",
]


# --- validate ----------------------------------------------------------------------------------


def test_validate_with_the_official_table_warns_of_439999_and_a_wrong_name(
    capsys: pytest.CaptureFixture[str], wrong: Path
) -> None:
    """Two warnings, beside the (no) rejections; the exit status stays 0."""
    status, out, _ = run(capsys, "validate", str(wrong), "--divisions", "official", "--lang", "en")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Warnings about accepted records:"
    assert lines[1:3] == TWO_WARNINGS
    assert lines[3] == "Records: 6 read, 6 accepted, 0 rejected"


def test_validate_without_the_option_is_unchanged(
    capsys: pytest.CaptureFixture[str], wrong: Path
) -> None:
    """No table, no warnings: the output is the record counts alone."""
    status, out, _ = run(capsys, "validate", str(wrong), "--lang", "en")
    assert status == 0
    assert out.splitlines()[0] == "Records: 6 read, 6 accepted, 0 rejected"


def test_warnings_do_not_change_the_status_of_rejections(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rejected record still gives 1, with the warnings listed after the rejections."""
    path = write_lines(tmp_path / "r.jsonl", [DIVISIONS[0], WRONG[0]], [{"id": "C1", "name": "x"}])
    status, out, _ = run(capsys, "validate", str(path), "--divisions", "official", "--lang", "en")
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == "Rejected records:"
    assert lines.index("Warnings about accepted records:") == 2
    assert lines[3] == TWO_WARNINGS[0]


def test_a_normalised_citizen_id_is_a_warning_naming_record_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A full-width number with spaces is read, and validate says it was normalised; the
    number is never shown, not even masked, in the warning."""
    path = write_lines(tmp_path / "ids.jsonl", DIVISIONS, [child(1, NUMBER), child(2, f" {WIDE}")])
    status, out, _ = run(capsys, "validate", str(path), "--lang", "en")
    assert status == 0
    assert out.splitlines()[:2] == [
        "Warnings about accepted records:",
        "  record 7 (line 7, child 'C2'): $.citizen_id was normalised: full-width characters"
        " were made ASCII (NFKC) and surrounding spaces removed",
    ]
    assert NUMBER not in out
    assert NUMBER[6:14] not in out


@pytest.mark.parametrize("fast", [True, False])
def test_the_reader_warns_the_same_on_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    """The fast path leaves a number not in normal form to the strict path: the child file
    and its warning are the same either way (a JSON document names its location)."""
    monkeypatch.setattr(cp_io, "_FAST_PATH", fast)
    path = tmp_path / "doc.json"
    path.write_text(
        json.dumps(
            {"divisions": DIVISIONS, "children": [child(1, NUMBER), child(2, WIDE + "\u3000")]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with open_registry(path) as stream:
        children = list(stream.children())
        warnings = list(stream.warnings)
    assert [c.citizen_id for c in children] == [children[0].citizen_id] * 2
    assert warnings == [
        RecordWarning(
            record=7,
            location="$.children[1]",
            kind=RecordKind.CHILD,
            record_id="C2",
            path="$.citizen_id",
            message="was normalised: full-width characters were made ASCII (NFKC) and"
            " surrounding spaces removed",
        )
    ]


def test_a_citizen_id_as_a_child_id_is_masked_in_a_warning(tmp_path: Path) -> None:
    """A record id that could be an ID number is masked in the warning, as in a rejection."""
    data = child(1, WIDE)
    data["id"] = NUMBER
    path = write_lines(tmp_path / "id.jsonl", DIVISIONS, [data])
    with open_registry(path) as stream:
        list(stream.children())
    assert [str(w) for w in stream.warnings] == [
        f"record 6 (line 6, child '{NUMBER[:6]}********{NUMBER[14:]}'): $.citizen_id was"
        " normalised: full-width characters were made ASCII (NFKC)"
    ]


# --- The reading verbs -------------------------------------------------------------------------


def _validator(name: str) -> Draft202012Validator:
    """A validator of the 'warnings' of a report by the report's schema (the rest of the
    report is the report tests' business)."""
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert "warnings" not in schema["required"]
    return Draft202012Validator({"$defs": schema["$defs"], **schema["properties"]["warnings"]})


EXPECTED_JSON = [
    {
        "record": 2,
        "line": 2,
        "location": None,
        "kind": "division",
        "id": "439999",
        "path": "$.code",
        "message": "439999 is not a code of GB/T 2260 in any edition from 1980 to 2025",
    },
    {
        "record": 3,
        "line": 3,
        "location": None,
        "kind": "division",
        "id": "433122",
        "path": "$.name",
        "message": "is '海淀区', not the official name '泸溪县'",
    },
]


def test_audit_json_lists_the_warnings_and_keeps_its_status(
    capsys: pytest.CaptureFixture[str], wrong: Path
) -> None:
    """The JSON report has 'warnings' beside 'rejected', valid by its schema; without the
    option it has no 'warnings' key; the exit status is the same."""
    argv = ["audit", str(wrong), "--as-of", "2024-12-31", "--plugins", "national"]
    plain_status, plain, _ = run(capsys, *argv, "--format", "json")
    status, out, _ = run(capsys, *argv, "--format", "json", "--divisions", "official")
    assert status == plain_status
    report = json.loads(out)
    _validator("audit-report.schema.json").validate(report["warnings"])
    assert report["warnings"] == EXPECTED_JSON
    assert list(report)[-3:] == ["rejected", "warnings", "records"]
    assert "warnings" not in json.loads(plain)
    assert {k: v for k, v in report.items() if k != "warnings"} == json.loads(plain)


def test_audit_table_lists_the_warnings(capsys: pytest.CaptureFixture[str], wrong: Path) -> None:
    _, out, _ = run(
        capsys, "audit", str(wrong), "--as-of", "2024-12-31", "--plugins", "national",
        "--divisions", "official", "--lang", "en",
    )  # fmt: skip
    lines = out.splitlines()
    at = lines.index("Warnings about accepted records (2)")
    assert lines[at + 1 : at + 3] == TWO_WARNINGS


def test_audit_csv_notes_the_warnings_on_stderr(
    capsys: pytest.CaptureFixture[str], wrong: Path
) -> None:
    """CSV has one finding per row and no place for warnings: stderr says how many."""
    _, out, err = run(
        capsys, "audit", str(wrong), "--as-of", "2024-12-31", "--plugins", "national",
        "--divisions", "official", "--format", "csv",
    )  # fmt: skip
    assert "439999 is not" not in out
    assert err == (
        "careprotect: 2 warnings about accepted records; --format table or json lists them\n"
    )


def test_the_years_checked_are_those_of_the_audit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """460001 通什市 existed in 1995, not in 2024; --period 2000..2003 spans its renaming and
    its end."""
    path = write_lines(tmp_path / "hainan.jsonl", [{"code": "460001", "name": "通什市"}], [])

    def warnings(*when: str) -> list[str]:
        _, out, _ = run(
            capsys, "audit", str(path), *when, "--plugins", "national", "--format", "json",
            "--divisions", "official",
        )  # fmt: skip
        return [w["message"] for w in json.loads(out).get("warnings", [])]

    assert warnings("--as-of", "1995-06-30") == []
    assert warnings("--as-of", "2024-12-31") == [
        "460001 was not a code of GB/T 2260 in 2024 (1988-2000 '通什市', 2001-2002 '五指山市')"
    ]
    assert warnings("--period", "2001") == ["is '通什市', not the official name '五指山市'"]


def test_entitlements_and_plan_json_list_the_warnings(
    capsys: pytest.CaptureFixture[str], wrong: Path
) -> None:
    _, out, _ = run(
        capsys, "entitlements", str(wrong), "--period", "2024-01..2024-12", "--plugins",
        "national", "--format", "json", "--divisions", "official",
    )  # fmt: skip
    report = json.loads(out)
    _validator("entitlements-report.schema.json").validate(report["warnings"])
    assert report["warnings"] == EXPECTED_JSON
    _, out, _ = run(
        capsys, "plan", str(wrong), "--month", "2024-12", "--plugins", "national",
        "--format", "json", "--divisions", "official",
    )  # fmt: skip
    assert json.loads(out)["warnings"] == EXPECTED_JSON


def test_entitlements_and_plan_tables_note_the_warnings(
    capsys: pytest.CaptureFixture[str], wrong: Path
) -> None:
    _, out, _ = run(
        capsys, "entitlements", str(wrong), "--period", "2024", "--plugins", "national",
        "--divisions", "official", "--lang", "en",
    )  # fmt: skip
    assert "2 warnings about accepted records; see careprotect validate" in out
    _, out, _ = run(
        capsys, "plan", str(wrong), "--month", "2024-12", "--plugins", "national",
        "--divisions", "official", "--lang", "en",
    )  # fmt: skip
    assert "2 warnings about accepted records; see careprotect validate" in out


def test_an_unknown_table_is_refused(capsys: pytest.CaptureFixture[str], wrong: Path) -> None:
    status, _, err = run(capsys, "validate", str(wrong), "--divisions", "mine")
    assert status == 2
    assert "'mine' is not 'official'" in err


def test_a_parallel_audit_gives_the_same_warnings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Worker processes send back the warnings about their child files, numbered in the
    file; the reference data's warnings are the main process's, given once."""
    children = [child(i, WIDE if i % 97 == 0 else NUMBER) for i in range(1, 400)]
    path = write_lines(tmp_path / "many.jsonl", [*DIVISIONS, WRONG[0]], children)
    reports = []
    for jobs in ("1", "2"):
        _, out, _ = run(
            capsys, "audit", str(path), "--as-of", "2024-12-31", "--plugins", "national",
            "--format", "json", "--divisions", "official", "-j", jobs,
        )  # fmt: skip
        reports.append(json.loads(out)["warnings"])
    assert reports[0] == reports[1]
    assert [w["record"] for w in reports[0]] == [6, 6 + 97, 6 + 194, 6 + 291, 6 + 388]
