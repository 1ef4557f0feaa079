"""The contact plan as a workbook and as a page: a summary (each worker's children and
contacts still due), then one row per child, rule and rule period due a contact.

The workbook lists every entry; the page charts the contacts still due by township and lists
at most :data:`~careprotect.report.html.MAX_ROWS` entries in the plan's order (worker by
worker), filterable by worker, township and rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from careprotect.io import RegistryStream
from careprotect.params import PluginInfo
from careprotect.periods import Period
from careprotect.report._base import Lang, binary_of, text
from careprotect.report.html import Bar, Chart, Series, top_bars
from careprotect.report.views import (
    PageWriter,
    Places,
    labels,
    opening_lines,
    rejected_sheet,
    rule_states_block,
)
from careprotect.report.xlsx import Block, Overview, Value, XlsxBook

if TYPE_CHECKING:
    from careprotect.planning import DueContact, WorkerPlan
    from careprotect.rulestates import RuleStatus

__all__ = ["PLAN_COLUMNS", "plan_header", "write_plan_view"]

_DUE_COLOR = "#ef6c00"


PLAN_COLUMNS = (
    "worker",
    "township",
    "village",
    "subject_id",
    "subject_name",
    "rule",
    "rule_period",
    "required",
    "counted",
    "still_due",
    "last_contact",
    "error",
)
"""The label keys of the columns of the rows."""


def plan_header(lang: Lang) -> tuple[str, ...]:
    """The columns of a plan's rows."""
    return labels(PLAN_COLUMNS, lang)


_WORKER, _TOWNSHIP, _RULE = 0, 1, 5


def _who(plan: WorkerPlan, lang: Lang) -> str:
    if plan.worker_id is None:
        return text("no_worker", lang)
    return " ".join(x for x in (plan.worker_id, plan.worker_name) if x)


def _row(who: str, d: DueContact, places: Places) -> tuple[Value, ...]:
    village = str(d.village)
    return (
        who,
        places.name(village, township=True),
        places.name(village),
        d.child_id,
        d.child_name,
        d.rule,
        str(d.period),
        d.required,
        d.counted,
        d.still_due,
        d.last_contact,
        d.error,
    )


class _Tally:
    """What a plan's summary counts as its entries go by."""

    def __init__(self) -> None:
        self.workers: list[tuple[str, int, int, int]] = []
        self.by_township: Counter[str] = Counter()
        self.errors = 0

    def worker(self, who: str, plan: WorkerPlan, places: Places) -> None:
        known = [d.still_due for d in plan.due if d.still_due is not None]
        children = len({d.child_id for d in plan.due})
        self.workers.append((who, children, sum(known), len(plan.due) - len(known)))
        self.errors += sum(1 for d in plan.due if d.error)
        for d in plan.due:
            if d.still_due:
                self.by_township[places.name(str(d.village), township=True)] += d.still_due

    def overview(
        self,
        month: Period,
        plugins: Sequence[PluginInfo],
        stream: RegistryStream,
        rules: Sequence[RuleStatus],
        lang: Lang,
    ) -> Overview:
        what = f"{text('plan', lang)} · {text('month', lang).format(month)}"
        lines = opening_lines(what, plugins, stream.counts, lang)
        lines += [
            (text("worker", lang), len(self.workers)),
            (text("contacts_due", lang), sum(w[2] for w in self.workers)),
        ]
        if not self.workers:
            lines.append((text("no_plan", lang), None))
        if stream.rejections:
            lines.append((text("rejected_note", lang).format(n=len(stream.rejections)), None))
        by_worker = Block(
            title=text("worker", lang),
            header=(
                text("worker", lang),
                text("child", lang),
                text("still_due", lang),
                text("error", lang) + " / ?",
            ),
            rows=tuple(self.workers),
        )
        return Overview(
            title=text("summary", lang),
            lines=tuple(lines),
            blocks=(by_worker, rule_states_block(rules, lang)),
        )


def _entries(
    plans: Iterable[WorkerPlan], lang: Lang, places: Places, tally: _Tally
) -> Iterable[tuple[Value, ...]]:
    for plan in plans:
        who = _who(plan, lang)
        tally.worker(who, plan, places)
        for d in plan.due:
            yield _row(who, d, places)


def write_plan_view(
    fmt: str,
    plans: Iterable[WorkerPlan],
    out: TextIO,
    *,
    month: Period,
    plugins: Sequence[PluginInfo],
    stream: RegistryStream,
    lang: Lang,
    rules: Sequence[RuleStatus] = (),
    reveal: bool = False,
    limit: int | None = None,
) -> tuple[int, int]:
    """The plan as a workbook (``fmt`` ``xlsx``, written to the bytes under ``out``: the
    summary sheet, every entry, the rejected records) or as a page (``html``: the summary
    with the contacts still due by township, then at most ``limit`` entries); returns the
    workers listed and the entries whose rule failed."""
    tally = _Tally()
    if fmt == "xlsx":
        places = Places(stream.reference)
        book = XlsxBook(binary_of(out))
        sheet = book.table(text("entries_sheet", lang), plan_header(lang))
        for row in _entries(plans, lang, places, tally):
            sheet.append(row)
        rejected_sheet(book, stream.rejections, stream.warnings, lang)
        book.finish(tally.overview(month, plugins, stream, rules, lang), text("summary", lang))
        return len(tally.workers), tally.errors
    writer = PageWriter(out, lang=lang, reference=stream.reference, reveal=reveal, limit=limit)
    for row in _entries(plans, lang, writer.places, tally):
        writer.rows.take(lambda row=row: row)  # type: ignore[misc]
    bars = [
        Bar(label=k, values=(float(v),), total=str(v)) for k, v in sorted(tally.by_township.items())
    ]
    shown, note = top_bars(bars, lang)
    chart = Chart(
        title=text("due_by_township", lang),
        series=(Series(text("still_due", lang), _DUE_COLOR),),
        bars=shown,
        note=note or ("" if bars else text("no_plan", lang)),
    )
    writer.write_page(
        title=text("plan", lang),
        subtitle=text("month", lang).format(month),
        overview=tally.overview(month, plugins, stream, rules, lang),
        charts=(chart,),
        listing=writer.listing(
            text("entries_sheet", lang), plan_header(lang), filters=(_WORKER, _TOWNSHIP, _RULE)
        ),
    )
    return len(tally.workers), tally.errors
