"""The reports as Excel workbooks (--format xlsx): a summary sheet first, then the rows, each
sheet of rows with a frozen header, a filter over its rows and fitted columns; the counts
equal the JSON report's; nothing of openpyxl is imported by ``import careprotect``."""

from __future__ import annotations

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from reports_support import VERBS, json_report, report, run

from careprotect.report import xlsx
from careprotect.report.optional import ReportUnavailableError
from careprotect.report.xlsx import Block, Overview, XlsxBook


def _rows(path: Path, sheet: int = 1) -> list[tuple[object, ...]]:
    workbook = load_workbook(path)
    return list(workbook.worksheets[sheet].iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("verb", "sheets", "items"),
    [
        ("audit", ["Summary", "Findings"], lambda d: d["findings"]),
        ("entitlements", ["Summary", "Amounts"], lambda d: d["amounts"]),
        (
            "plan",
            ["Summary", "Contacts due"],
            lambda d: [e for w in d["workers"] for e in w["due"]],
        ),
        ("rectify", ["Summary", "Tasks"], lambda d: d["tasks"]),
    ],
)
def test_a_workbook_has_a_summary_then_every_row_under_a_frozen_filtered_header(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, verb: str, sheets: list[str], items: object
) -> None:
    """The summary sheet comes first; the rows sheet holds one row per finding, amount or
    contact due of the JSON report, under a frozen header with a filter over every row."""
    path = report(capsys, tmp_path, verb, "xlsx", "--lang", "en")
    expected = items(json_report(capsys, tmp_path, verb))  # type: ignore[operator]
    workbook = load_workbook(path)
    assert workbook.sheetnames == sheets
    rows_sheet = workbook.worksheets[1]
    assert rows_sheet.freeze_panes == "A2"
    assert rows_sheet.max_row == len(expected) + 1
    last = rows_sheet.cell(1, rows_sheet.max_column).column_letter
    assert rows_sheet.auto_filter.ref == f"A1:{last}{len(expected) + 1}"
    widths = [rows_sheet.column_dimensions[c.column_letter].width for c in rows_sheet[1]]
    assert all(6 <= w <= 62 for w in widths)
    assert workbook.worksheets[0].cell(1, 1).value == "Summary"


def test_the_audit_workbook_rows_and_counts_equal_the_json_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Row by row the rule and subject id are the JSON report's, in its order, and the
    summary's counts by outcome are its summary's."""
    rows = _rows(report(capsys, tmp_path, "audit", "xlsx", "--lang", "en"))
    data = json_report(capsys, tmp_path, "audit")
    assert [(r[1], r[5]) for r in rows[1:]] == [
        (f["rule"], f["subject"]["id"]) for f in data["findings"]
    ]
    summary = {
        r[0].strip(): r[1]
        for r in _rows(tmp_path / "audit-xlsx--langen.xlsx", 0)
        if r and isinstance(r[0], str) and isinstance(r[1], int)
    }
    assert summary["findings"] == data["summary"]["findings"]
    assert summary["non-compliant"] == data["summary"]["by_outcome"]["non_compliant"]


def test_the_entitlements_workbook_states_the_json_reports_total(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The summary's total is the JSON report's; the amounts are numbers that add up to it."""
    path = report(capsys, tmp_path, "entitlements", "xlsx", "--lang", "en")
    data = json_report(capsys, tmp_path, "entitlements")
    summary = {r[0]: r[1] for r in _rows(path, 0) if r and len(r) > 1}
    total = Decimal(data["totals"]["total"])
    assert Decimal(str(summary["Totals"])) == total
    assert load_workbook(path).worksheets[0]["B5"].number_format == "#,##0.00"
    amounts = [Decimal(str(r[8])) for r in _rows(path)[1:] if r[8] is not None]
    assert sum(amounts) == total


def test_the_labels_follow_lang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """In Chinese: the sheet names and the header row."""
    workbook = load_workbook(report(capsys, tmp_path, "audit", "xlsx", "--lang", "zh"))
    assert workbook.sheetnames == ["摘要", "结论"]
    assert next(workbook.worksheets[1].iter_rows(values_only=True))[:2] == ("结论", "规则")


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_a_workbook_needs_o(capsys: pytest.CaptureFixture[str], verb: str) -> None:
    """A workbook is not text: without -o, a usage error in one line, status 2."""
    status, out, err = run(capsys, *VERBS[verb], "--format", "xlsx")
    assert status == 2
    assert out == ""
    assert "give -o FILE.xlsx" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("verb", ["audit", "rectify"])
@pytest.mark.parametrize(("module", "fmt"), [("openpyxl", "xlsx"), ("jinja2", "html")])
def test_without_its_library_a_format_names_the_extra(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    fmt: str,
    verb: str,
) -> None:
    """One line naming careprotect[reports], status 2, no file left behind (the
    rectification list, which writes only after its audit, checks before it)."""
    monkeypatch.setitem(sys.modules, module, None)
    if fmt == "xlsx":
        with pytest.raises(ReportUnavailableError, match=r"careprotect\[reports\]"):
            XlsxBook(io.BytesIO())
    out = tmp_path / f"{verb}.{fmt}"
    status, _, err = run(capsys, *VERBS[verb], "--format", fmt, "-o", str(out))
    assert status == 2
    assert err == (
        f"careprotect: --format {fmt} needs {module}, which is not installed: pip install "
        "'careprotect[reports]' (in a checkout: pip install -e '.[reports]')\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_import_careprotect_imports_neither_openpyxl_nor_jinja2() -> None:
    """The extras are imported only when their format is asked for."""
    code = (
        "import sys, careprotect, careprotect.report, careprotect.cli; "
        "print('openpyxl' in sys.modules, 'jinja2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


_CELL = st.one_of(
    st.text(max_size=40),
    st.text(max_size=10).map(lambda s: "=" + s),
    st.integers(-(10**9), 10**9),
    st.none(),
)


@settings(max_examples=30)
@given(rows=st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=12), limit=st.integers(3, 6))
def test_rows_read_back_as_written(rows: list[tuple[object, object, object]], limit: int) -> None:
    """Any text, number or blank reads back as written: text starting with '=' stays text
    (never a formula), characters a workbook cannot hold are dropped; a sheet that reaches
    the row limit goes on in a second sheet, each with its header, frozen and filtered."""
    out = io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsx, "MAX_ROWS", limit)
        book = XlsxBook(out)
        sheet = book.table("Rows", ("a", "b", "c"))
        for row in rows:
            sheet.append(row)  # type: ignore[arg-type]
        book.finish(Overview(title="Summary", lines=(("rows", len(rows)),)), "Summary")
    workbook = load_workbook(io.BytesIO(out.getvalue()))

    def cleaned(value: object) -> object:
        if isinstance(value, str):
            return xlsx.clean_text(value) or None
        return value

    parts = [rows[i : i + limit - 1] for i in range(0, len(rows), limit - 1)] or [[]]
    assert len(workbook.worksheets) == 1 + len(parts)
    for ws, part in zip(workbook.worksheets[1:], parts, strict=True):
        got = list(ws.iter_rows(values_only=True))
        assert got[0] == ("a", "b", "c")
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:C{len(part) + 1}"
        # openpyxl reads a sheet up to its last row holding a cell: rows of no cells at the
        # end are written (the filter covers them) but not read back.
        while part and part[-1] == (None, None, None):
            part = part[:-1]
        assert got[1:] == [tuple(map(cleaned, row)) for row in part]
    assert workbook.worksheets[0]["B2"].value == len(rows)


def test_a_summary_block_is_a_titled_table() -> None:
    """A block of the summary: its title, its header, its rows."""
    out = io.BytesIO()
    book = XlsxBook(out)
    block = Block(title="By county", header=("county", "amount"), rows=(("433122", 5),))
    book.finish(Overview(title="Summary", blocks=(block,)), "Summary")
    rows = list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True))
    assert rows == [
        ("Summary", None),
        (None, None),
        ("By county", None),
        ("county", "amount"),
        ("433122", 5),
    ]
