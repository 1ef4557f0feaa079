"""The reports as self-contained pages (--format html): nothing loaded from the network, the
charts inline SVG, the listed rows those of the JSON report, every value escaped, names and ID
numbers masked unless --reveal."""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from reports_support import SAMPLE, VERBS, Page, json_report, report

from careprotect import Engine, open_registry, pipeline
from careprotect.findings import Outcome
from careprotect.report import HtmlAuditWriter, LinesRender, run_audit
from careprotect.report._base import text
from careprotect.report.html import Bar, Chart, Listing, Series, render_page
from careprotect.report.html import Page as HtmlPage
from careprotect.report.xlsx import Overview
from support import SAMPLE_FILE

SHOWN = {Outcome.NON_COMPLIANT.value, Outcome.MISSING_INPUT.value, Outcome.ERROR.value}


def _page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_a_page_loads_nothing_and_draws_its_charts_as_svg(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, verb: str
) -> None:
    """No element names a source or a link outside the page, no style imports one; there
    is no http at all; the charts are SVG drawn in the page."""
    source = report(capsys, tmp_path, verb, "html").read_text(encoding="utf-8")
    page = Page(source)
    linked = [
        (tag, name, value)
        for tag, attrs in page.tags
        for name, value in attrs.items()
        if name in ("src", "href", "srcset", "action", "data", "xlink:href")
    ]
    assert linked == []
    assert not {tag for tag, _ in page.tags} & {"link", "img", "iframe", "object", "embed"}
    assert "http" not in source
    assert "//" not in re.sub(r"<script>.*?</script>", "", source, flags=re.S)
    assert "url(" not in source
    assert "@import" not in source
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(svgs) == {"audit": 2, "entitlements": 2, "plan": 1, "rectify": 2}[verb]
    assert sum(tag == "rect" for tag, _ in page.tags) > 0


def test_the_audit_page_lists_the_findings_the_table_lists(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The rows are the non-compliant, missing-input and error findings of the JSON report,
    in its order, each with its message and its citations with their status."""
    page = _page(report(capsys, tmp_path, "audit", "html", "--lang", "en"))
    data = json_report(capsys, tmp_path, "audit")
    shown = [f for f in data["findings"] if f["outcome"] in SHOWN]
    assert shown
    rows = page.body_rows()
    assert [(r[0], r[1], r[5]) for r in rows] == [
        (text(f["outcome"], "en"), f["rule"], f["subject"]["id"]) for f in shown
    ]
    assert [r[8] for r in rows] == [f["message"]["en"] for f in shown]
    assert [r[9] for r in rows] == [
        "\n".join(f"{c['text']} [{c['status']}]" for c in f["citations"]) for f in shown
    ]


def test_the_entitlements_and_plan_pages_list_their_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """One row per amount, and per contact due, of the JSON reports."""
    amounts = json_report(capsys, tmp_path, "entitlements")["amounts"]
    rows = _page(report(capsys, tmp_path, "entitlements", "html")).body_rows()
    assert [(r[1], r[5], r[8]) for r in rows] == [
        (a["rule"], a["subject"]["id"], a["amount"] or "") for a in amounts
    ]
    plans = json_report(capsys, tmp_path, "plan")["workers"]
    rows = _page(report(capsys, tmp_path, "plan", "html")).body_rows()
    due = [(d["child"]["id"], d["rule"], d["period"]) for w in plans for d in w["due"]]
    assert [(r[3], r[5], r[6]) for r in rows] == due


def test_the_labels_follow_lang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = _page(report(capsys, tmp_path, "audit", "html", "--lang", "zh"))
    assert "合规审查" in page.text
    assert "各规则合规情况" in page.text
    assert 'lang="zh-CN"' in report(capsys, tmp_path, "audit", "html", "--lang", "zh").read_text()


def _people() -> tuple[set[str], set[str]]:
    """The full names (of children, guardians and workers) and the citizen ID numbers of the
    sample registry."""
    names: set[str] = set()
    ids: set[str] = set()
    for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for value in re.findall(r'"name": "([^"]+)"', line):
            if record.get("record") in ("child", "worker") and len(value) >= 2:
                names.add(value)
        ids.update(re.findall(r"\b[0-9]{17}[0-9X]\b", line))
    return names, ids


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_names_and_id_numbers_are_masked_unless_reveal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, verb: str
) -> None:
    """No full name or ID number of the sample appears in a page or a workbook's text; with
    --reveal some do, and the page says it holds personal data."""
    names, ids = _people()
    names -= {n for n in names if n.endswith(("村", "镇", "县", "市", "乡"))}
    masked = report(capsys, tmp_path, verb, "html").read_text(encoding="utf-8")
    revealed = report(capsys, tmp_path, verb, "html", "--reveal").read_text(encoding="utf-8")
    workbook = report(capsys, tmp_path, verb, "xlsx")
    cells = " ".join(
        str(v)
        for ws in load_workbook(workbook)
        for row in ws.iter_rows(values_only=True)
        for v in row
    )
    for shown in (masked, cells):
        assert not [n for n in names if n in shown]
        assert not [i for i in ids if i in shown]
    assert [n for n in names if n in revealed]
    assert "unmasked" in revealed or "未遮蔽" in revealed


def test_a_long_audit_lists_the_first_findings_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With a limit of 3, the page lists 3 findings and says how many there were."""
    engine = Engine.from_entry_points()
    out = io.StringIO()
    with open_registry(SAMPLE) as stream:
        writer = HtmlAuditWriter(out, lang="en", reference=stream.reference, limit=3)
        run = pipeline.audit(engine, stream, as_of=dt.date(2024, 12, 31))
        end = run_audit(run, stream, writer)
    shown = sum(end.summary.by_outcome.get(o, 0) for o in SHOWN)
    page = Page(out.getvalue())
    assert len(page.body_rows()) == 3
    assert f"{shown} in all; this page lists the first 3 in the order read" in "".join(page.text)


def test_the_renderer_is_a_value_that_pickles() -> None:
    """Distributed workers render findings: the page's renderer pickles, and equals."""
    render = LinesRender(shown_only=True)
    assert pickle.loads(pickle.dumps(render)).shown_only is True


_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)


@settings(max_examples=40)
@given(cells=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=6), label=_TEXT)
def test_every_value_is_escaped(cells: list[tuple[str, str]], label: str) -> None:
    """Whatever text a row, a label or a chart holds (markup included), the page reads back
    with exactly those texts in its cells, and no element is added."""
    page = HtmlPage(
        lang="en",
        title=label,
        subtitle=label,
        overview=Overview(title="Summary", lines=((label, label),)),
        charts=(
            Chart(title=label, series=(Series(label, "#000"),), bars=(Bar(label, (1.0,), label),)),
        ),
        listings=(Listing(title=label, header=(label, label), rows=cells, filters=(0,)),),
    )
    parsed = Page(render_page(page))
    assert parsed.body_rows() == [list(row) for row in cells]
    assert {tag for tag, _ in parsed.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "section",
        "h2", "dl", "dt", "dd", "figure", "h3", "svg", "rect", "text", "g", "table",
        "thead", "tr", "th", "tbody", "td", "div", "strong", "label", "select", "option",
        "span", "footer", "script",
    }  # fmt: skip
