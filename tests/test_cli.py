"""The careprotect command: validate a registry, exit codes, errors on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from careprotect.cli import main

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "examples" / "sample-registry.jsonl"
BAD = Path(__file__).parent / "data" / "bad-registry.jsonl"


def test_validate_sample_prints_what_it_holds_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's first command: counts, divisions, children by county, staff, homes."""
    assert main(["validate", str(SAMPLE), "--as-of", "2020-07-01"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    lines = out.out.splitlines()
    assert "Records: 28 read, 28 accepted, 0 rejected" in lines
    assert "Divisions: 2 province, 2 prefecture, 2 county, 2 township, 4 village" in lines
    assert "Children: 6 (6 under 16 on 2020-07-01)" in lines
    assert "  421281 赤壁市: 3" in lines
    assert "  433122 泸溪县: 3" in lines
    assert "  child_director: 4" in lines
    assert "  childrens_home: 2" in lines
    assert "Rejected records:" not in lines


def test_validate_lists_rejections_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Rejected records are listed with record, line, path and message; exit status 1."""
    assert main(["validate", str(BAD), "--as-of", "2020-07-01"]) == 1
    out = capsys.readouterr().out
    assert "Records: 11 read, 5 accepted, 6 rejected" in out
    assert (
        "  record 6 (line 7, child 'BAD-DATE'): $.birth_date: must be a real date YYYY-MM-DD "
        "(got '2019-02-30')"
    ) in out.splitlines()
    # Names of rejected children never reach the output.
    for name in ("张小军", "向小花", "刘小宇", "黄小梅", "吴小乐", "赵小"):
        assert name not in out


def test_missing_file_exits_2_with_one_line_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An unreadable registry is a usage error: exit 2, one clear line, no traceback."""
    assert main(["validate", str(tmp_path / "none.jsonl")]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"careprotect: registry file not found: {tmp_path / 'none.jsonl'}\n"


def test_bad_date_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed --as-of is refused by the parser with exit status 2."""
    with pytest.raises(SystemExit) as info:
        main(["validate", str(SAMPLE), "--as-of", "2020-13-01"])
    assert info.value.code == 2
    assert "must be a date YYYY-MM-DD (got '2020-13-01')" in capsys.readouterr().err


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    """Every verb's --help has an example."""
    with pytest.raises(SystemExit) as info:
        main(["validate", "--help"])
    assert info.value.code == 0
    assert "example: careprotect validate examples/sample-registry.jsonl" in capsys.readouterr().out
