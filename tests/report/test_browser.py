"""The audit page and the rectification list's page in a real browser: Debian's headless
Chromium, driven by Playwright (the pip package only; no browser is downloaded). A page loads
from a file:// URL with the network cut off; its charts are drawn (SVG of non-zero size), its
filters hide and show rows, and a screenshot is saved in the test's temporary directory to
look at.

.ci/run installs Chromium when /usr/bin/chromium is missing; this test installs nothing and
fails, saying how to install it, when the browser is not there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reports_support import json_report, later_list, report

from careprotect.findings import Outcome
from careprotect.report._base import text
from careprotect.report.rectify_views import RECTIFY_COLUMNS

CHROMIUM = Path(os.environ.get("CAREPROTECT_CHROMIUM", "/usr/bin/chromium"))
INSTALL = "apt-get update && apt-get install -y chromium (as .ci/run does)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"the browser test needs Chromium at {CHROMIUM}: {INSTALL}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        pytest.fail(
            "the browser test needs playwright: pip install -e '.[dev]'",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


def _load(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    """A new offline browser context with ``path`` loaded, and the list of the URLs it
    requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, offline=True)
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return context, page, requests


def _assert_charts_drawn(page: Any, charts: int) -> None:
    """The page has ``charts`` SVG charts, each of a size and with bars."""
    sizes = page.eval_on_selector_all(
        "svg",
        "svgs => svgs.map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect()"
        ".height, s.querySelectorAll('g.bar rect').length])",
    )
    assert len(sizes) == charts
    assert all(width > 100 and height > 20 and rects > 0 for width, height, rects in sizes)


def test_the_audit_page_draws_its_charts_and_filters_its_findings(
    browser: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every chart has a size and bars; choosing an outcome shows exactly that outcome's
    rows, choosing a township too those of both; 'all' shows every row again."""
    path = report(capsys, tmp_path, "audit", "html", "--lang", "en")
    data = json_report(capsys, tmp_path, "audit")
    context, page, requests = _load(browser, path)
    _assert_charts_drawn(page, 2)
    bar = page.eval_on_selector("svg rect[fill='#d32f2f']", "r => r.getBBox().width")
    assert bar > 0

    rows = page.locator("#rows-0 tbody tr")
    listed = [
        f for f in data["findings"] if f["outcome"] in ("non_compliant", "missing_input", "error")
    ]
    total = rows.count()
    assert total == len(listed)

    def visible() -> int:
        return int(page.locator("#rows-0 tbody tr:not([hidden])").count())

    outcome = page.locator("select[data-column='0']")
    non_compliant = text(Outcome.NON_COMPLIANT, "en")
    outcome.select_option(non_compliant)
    expected = sum(f["outcome"] == "non_compliant" for f in data["findings"])
    assert visible() == expected
    cells = page.eval_on_selector_all(
        "#rows-0 tbody tr:not([hidden]) td:first-child", "tds => tds.map(td => td.textContent)"
    )
    assert set(cells) == {non_compliant}
    assert page.locator("#count-0").text_content() == f"{expected} of {total} rows shown"

    township = page.locator("select[data-column='2']")
    choices = page.eval_on_selector_all(
        "select[data-column='2'] option", "os => os.map(o => o.value)"
    )[1:]
    first = choices[0]
    township.select_option(first)
    both = page.eval_on_selector_all(
        "#rows-0 tbody tr:not([hidden])",
        "trs => trs.map(tr => [tr.children[0].textContent, tr.children[2].textContent])",
    )
    assert both
    assert {tuple(row) for row in both} == {(non_compliant, first)}

    outcome.select_option("")
    township.select_option("")
    assert visible() == total
    page.screenshot(path=str(tmp_path / "audit-page.png"), full_page=False)
    assert (tmp_path / "audit-page.png").stat().st_size > 10_000
    assert all(url.startswith("file://") for url in requests)
    context.close()


def test_the_rectify_page_draws_its_charts_and_filters_its_tasks(
    browser: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A list against an earlier one (tasks new, still open and not rechecked): both charts
    are drawn; choosing a state shows exactly the tasks of that state, choosing a township
    too those of both, and who acts narrows them to one worker or office."""
    path, data = later_list(capsys, tmp_path, "html")
    tasks = data["tasks"]
    context, page, requests = _load(browser, path)
    _assert_charts_drawn(page, 2)
    total = page.locator("#rows-0 tbody tr").count()
    assert total == len(tasks)

    def visible(column: str) -> list[str]:
        cells: list[str] = page.eval_on_selector_all(
            "#rows-0 tbody tr:not([hidden])",
            f"trs => trs.map(tr => tr.children[{column}].textContent)",
        )
        return cells

    state, township, actor = (str(RECTIFY_COLUMNS.index(k)) for k in ("state", "township", "actor"))
    unchecked = text("state_unchecked", "en")
    page.locator(f"select[data-column='{state}']").select_option(unchecked)
    assert visible(state) == [unchecked] * sum(t["state"] == "unchecked" for t in tasks)
    assert visible(state)

    page.locator(f"select[data-column='{state}']").select_option("")
    choices = page.eval_on_selector_all(
        f"select[data-column='{township}'] option", "os => os.map(o => o.value)"
    )[1:]
    first = choices[-1]
    page.locator(f"select[data-column='{township}']").select_option(first)
    shown = visible(township)
    assert shown
    assert set(shown) == {first}
    assert f"{len(shown)} of {total} rows shown" == page.locator("#count-0").text_content()
    who = visible(actor)[0]
    page.locator(f"select[data-column='{actor}']").select_option(who)
    assert set(visible(actor)) == {who}
    assert set(visible(township)) == {first}

    page.locator(f"select[data-column='{township}']").select_option("")
    page.locator(f"select[data-column='{actor}']").select_option("")
    assert len(visible(state)) == total
    page.screenshot(path=str(tmp_path / "rectify-page.png"), full_page=False)
    assert (tmp_path / "rectify-page.png").stat().st_size > 10_000
    assert all(url.startswith("file://") for url in requests)
    context.close()
