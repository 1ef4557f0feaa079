"""The rectification list as a workbook and as a page (--format xlsx, html): the summary counts
the JSON list's tasks by state, township and rule; the tasks come grouped by township, village
and who acts, one row per task of the JSON list; the earlier tasks (--previous) done or not
rechecked have a sheet of their own; the page lists at most its limit of rows and says so.
The parametrized tests of test_xlsx_report.py and test_html_report.py check the rest for
rectify too: frozen filtered header, no network reference, masking unless --reveal."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from reports_support import SAMPLE, Page, json_report, later_list, report

from careprotect import Engine, open_registry
from careprotect.report._base import text
from careprotect.report.rectify_views import RECTIFY_COLUMNS, write_rectify_view

_ID = RECTIFY_COLUMNS.index("task")
_STATE, _TOWNSHIP, _ACTOR, _RULE = (
    RECTIFY_COLUMNS.index(k) for k in ("state", "township", "actor", "rule")
)


def _sheet(workbook: Any, title: str) -> list[tuple[Any, ...]]:
    return list(workbook[title].iter_rows(values_only=True))


def test_the_workbook_lists_every_task_grouped_by_township(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """One row per task of the JSON list, in its order (township, village, who acts), each
    township's rows together; the summary counts them by state, township and rule."""
    path = report(capsys, tmp_path, "rectify", "xlsx", "--lang", "en")
    data = json_report(capsys, tmp_path, "rectify")
    workbook = load_workbook(path)
    rows = _sheet(workbook, "Tasks")
    assert rows[0] == tuple(text(k, "en") for k in RECTIFY_COLUMNS)
    assert [r[_ID] for r in rows[1:]] == [t["id"] for t in data["tasks"]]
    townships = [r[_TOWNSHIP] for r in rows[1:]]
    runs = [t for i, t in enumerate(townships) if i == 0 or townships[i - 1] != t]
    assert len(runs) == len(set(townships)) == len(data["summary"]["by_township"])
    assert {r[_STATE] for r in rows[1:]} == {"new"}
    summary = dict(r[:2] for r in _sheet(workbook, "Summary") if r[0] and r[1] is not None)
    assert summary["tasks"] == summary["to do (new and still open)"] == len(data["tasks"])
    assert summary["  new"] == 32
    cells = _sheet(workbook, "Summary")
    by_rule = cells[cells.index(("Tasks by rule",) + (None,) * 5) + 2 :]
    assert {r[0]: r[5] for r in by_rule} == Counter(t["rule"] for t in data["tasks"])


def test_earlier_tasks_done_or_not_rechecked_have_their_own_sheet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With --previous: the tasks to do on the tasks sheet, the earlier ones on theirs; the
    two hold every task of the JSON list, and the summary's counts by state are the JSON's."""
    path, data = later_list(capsys, tmp_path, "xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Summary", "Tasks", "Earlier tasks"]
    earlier = workbook["Earlier tasks"]
    assert earlier.freeze_panes == "A2"
    assert earlier.auto_filter.ref == f"A1:O{earlier.max_row}"
    to_do = _sheet(workbook, "Tasks")[1:]
    done = _sheet(workbook, "Earlier tasks")[1:]
    assert len(to_do) + len(done) == len(data["tasks"])
    by_state = data["summary"]["by_state"]
    assert Counter(r[_STATE] for r in to_do) == {"new": by_state["new"], "open": by_state["open"]}
    assert Counter(r[_STATE] for r in done) == {"not rechecked": by_state["unchecked"]}
    summary = dict(r[:2] for r in _sheet(workbook, "Summary") if r[0] and r[1] is not None)
    assert [summary[f"  {text(f'state_{s}', 'en')}"] for s in by_state] == list(by_state.values())


def test_the_workbook_labels_follow_lang(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workbook = load_workbook(report(capsys, tmp_path, "rectify", "xlsx", "--lang", "zh"))
    assert workbook.sheetnames == ["摘要", "整改任务"]
    assert workbook["整改任务"].cell(1, 1).value == "状态"
    assert workbook["整改任务"].cell(2, 1).value == "新增"


def test_the_page_lists_the_tasks_of_the_json_list_filterable_and_charted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The rows are the JSON list's tasks (those to do first), each with what to do and who
    acts; filters by state, township, who acts and rule; charts of the tasks to do by
    township and by rule."""
    path, data = later_list(capsys, tmp_path, "html")
    page = Page(path.read_text(encoding="utf-8"))
    tasks = data["tasks"]
    to_do = [t for t in tasks if t["state"] in ("new", "open")]
    rest = [t for t in tasks if t not in to_do]
    assert rest
    rows = page.body_rows()
    assert [r[_ID] for r in rows] == [t["id"] for t in (*to_do, *rest)]
    assert [r[RECTIFY_COLUMNS.index("what")] for r in rows[:3]] == [
        t["what"]["en"] for t in to_do[:3]
    ]
    selects = [a["data-column"] for tag, a in page.tags if tag == "select"]
    assert selects == [str(i) for i in (_STATE, _TOWNSHIP, _ACTOR, _RULE)]
    titles = [a["aria-label"] for tag, a in page.tags if tag == "svg"]
    assert titles == ["Tasks to do by township", "Tasks to do by rule"]
    assert "Rectification list" in page.text


def test_a_long_list_lists_the_first_tasks_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With a limit of 3, the page lists 3 tasks and says how many there were; the counts
    and the charts cover them all."""
    tasks = json_report(capsys, tmp_path, "rectify")["tasks"]
    out = io.StringIO()
    with open_registry(SAMPLE) as stream:
        write_rectify_view(
            "html",
            tasks,
            out,
            when={"as_of": "2024-12-31"},
            plugins=Engine.from_entry_points().plugins,
            stream=stream,
            lang="en",
            limit=3,
        )
    page = Page(out.getvalue())
    assert [r[_ID] for r in page.body_rows()] == [t["id"] for t in tasks[:3]]
    said = "".join(page.text)
    assert f"{len(tasks)} in all; this page lists the first 3" in said
    bars = [a for tag, a in page.tags if tag == "g" and a.get("class") == "bar"]
    assert len(bars) == len({t["township"] for t in tasks}) + len({t["rule"] for t in tasks})
