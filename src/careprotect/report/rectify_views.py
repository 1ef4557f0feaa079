"""The rectification list as a workbook and as a page: the counts (by state, by township and
by rule), then the tasks grouped by township, village and who acts, read from each task's
JSON form (:meth:`careprotect.rectification.Task.as_dict`), in the order
:func:`careprotect.report.rectify.ordered` gives them.

The workbook lists every task: this run's tasks to do (new and still open) on the tasks
sheet, the earlier tasks done or not rechecked (with ``--previous``) on a sheet of their
own. The page charts the tasks to do by township and by rule, and lists the tasks to do,
then the earlier ones, at most :data:`~careprotect.report.html.MAX_ROWS` of them,
filterable by state, township, who acts and rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from careprotect.io import RegistryStream
from careprotect.params import PluginInfo
from careprotect.rectification import TaskState
from careprotect.report._base import Lang, binary_of, read_notes, text
from careprotect.report.html import Bar, Chart, Series, top_bars
from careprotect.report.views import (
    PageWriter,
    Places,
    labels,
    opening_lines,
    rejected_sheet,
    sources_cells,
)
from careprotect.report.xlsx import Block, Overview, Value, XlsxBook

__all__ = [
    "RECTIFY_COLUMNS",
    "STATES",
    "STATE_COLORS",
    "TO_DO",
    "actor_text",
    "when_text",
    "write_rectify_view",
]

STATES = tuple(s.value for s in TaskState)
"""The states of a task, in the order the counts list them."""
TO_DO = (TaskState.NEW.value, TaskState.OPEN.value)
"""The states of a task still to do."""
STATE_COLORS: Mapping[str, str] = {TaskState.NEW: "#d32f2f", TaskState.OPEN: "#ef6c00"}
"""The colour of each state to do in the charts."""

RECTIFY_COLUMNS = (
    "state",
    "township",
    "village",
    "actor",
    "what",
    "due",
    "rule",
    "subject_kind",
    "subject_id",
    "subject_name",
    "rule_period",
    "message",
    "sources",
    "rests_on",
    "task",
)
"""The label keys of the columns of a workbook's and a page's rows of tasks."""
_STATE, _TOWNSHIP, _ACTOR, _RULE = 0, 1, 3, 6
_WIDE = (4, 11, 12)  # what, message, sources


def when_text(when: Mapping[str, str], lang: Lang) -> str:
    """The day (``{"as_of": ...}``) or the period (``{"period": ...}``) a list judges, in
    words."""
    if "as_of" in when:
        return text("as_of", lang).format(when["as_of"])
    return text("period", lang).format(when["period"])


def actor_text(actor: Mapping[str, str]) -> str:
    """Who acts (the JSON form of a task's actor): id, (masked) name and role."""
    who = " ".join(x for x in (actor["id"], actor["name"]) if x)
    return f"{who} ({actor['role'].replace('_', ' ')})"


def _township(task: Mapping[str, Any], lang: Lang, places: Places) -> str:
    code = task["township"]
    return text("above_township", lang) if code is None else places.name(code)


def _row(task: Mapping[str, Any], lang: Lang, places: Places) -> tuple[Value, ...]:
    """A task's cells: state, township, village, who acts, what, due day, rule, subject
    (kind, id, masked name), the period or day judged, the finding's message, the citations
    with their status, the weakest status it rests on, and the task's id."""
    subject = task["subject"]
    return (
        text(f"state_{task['state']}", lang),
        _township(task, lang, places),
        places.name(task["village"]) if task["village"] else "",
        actor_text(task["actor"]),
        task["what"][lang],
        dt.date.fromisoformat(task["due"]),
        task["rule"],
        text(subject["kind"], lang),
        subject["id"],
        subject.get("name", ""),
        task.get("period") or task.get("date", ""),
        task["message"][lang],
        *sources_cells(task, lang),
        task["id"],
    )


class _Counts:
    """A list's tasks counted by state: in all, by township (its name; in the order of the
    tasks, which come by township) and by rule (by id)."""

    def __init__(self, tasks: Sequence[Mapping[str, Any]], lang: Lang, places: Places) -> None:
        self.states: Counter[str] = Counter(t["state"] for t in tasks)
        self.townships: dict[str, Counter[str]] = {}
        self.rules: dict[str, Counter[str]] = {}
        for t in tasks:
            township = _township(t, lang, places)
            self.townships.setdefault(township, Counter())[t["state"]] += 1
            self.rules.setdefault(t["rule"], Counter())[t["state"]] += 1
        self.rules = dict(sorted(self.rules.items()))

    def block(
        self, title: str, first: str, groups: Mapping[str, Counter[str]], lang: Lang
    ) -> Block:
        return Block(
            title=title,
            header=(first, *(text(f"state_{s}", lang) for s in STATES), text("total", lang)),
            rows=tuple(
                (name, *(c.get(s, 0) for s in STATES), c.total()) for name, c in groups.items()
            ),
        )

    def overview(
        self,
        when: Mapping[str, str],
        plugins: Sequence[PluginInfo],
        stream: RegistryStream,
        lang: Lang,
    ) -> Overview:
        what = f"{text('rectify', lang)} · {when_text(when, lang)}"
        lines = opening_lines(what, plugins, stream.counts, lang)
        lines += [
            (text("tasks", lang), self.states.total()),
            (text("to_do", lang), sum(self.states[s] for s in TO_DO)),
            *((f"  {text(f'state_{s}', lang)}", self.states.get(s, 0)) for s in STATES),
        ]
        if not self.states:
            lines.append((text("no_tasks", lang), None))
        lines += [(note, None) for note in read_notes(stream.rejections, stream.warnings, lang)]
        blocks = (
            self.block(
                text("tasks_by_township", lang), text("township", lang), self.townships, lang
            ),
            self.block(text("tasks_by_rule", lang), text("rule", lang), self.rules, lang),
        )
        return Overview(title=text("summary", lang), lines=tuple(lines), blocks=blocks)

    def chart(self, title: str, groups: Mapping[str, Counter[str]], lang: Lang) -> Chart:
        """The tasks to do of each group (new and still open stacked), at most
        :data:`~careprotect.report.html.MAX_BARS` bars."""
        bars = [
            Bar(
                label=name,
                values=tuple(float(c.get(s, 0)) for s in TO_DO),
                total=str(sum(c.get(s, 0) for s in TO_DO)),
            )
            for name, c in groups.items()
            if any(c.get(s, 0) for s in TO_DO)
        ]
        shown, note = top_bars(bars, lang)
        series = tuple(Series(text(f"state_{s}", lang), STATE_COLORS[s]) for s in TO_DO)
        return Chart(
            title=title,
            series=series,
            bars=shown,
            note=note or ("" if bars else text("no_tasks", lang)),
        )


def write_rectify_view(
    fmt: str,
    tasks: Sequence[Mapping[str, Any]],
    out: TextIO,
    *,
    when: Mapping[str, str],
    plugins: Sequence[PluginInfo],
    stream: RegistryStream,
    lang: Lang,
    reveal: bool = False,
    limit: int | None = None,
) -> None:
    """The list of ``tasks`` (JSON forms, grouped) as a workbook (``fmt`` ``xlsx``, written
    to the bytes under ``out``: the summary sheet, the tasks to do, the earlier tasks done or
    not rechecked when there are any, the rejected records) or as a page (``html``: the
    summary with the tasks to do by township and by rule, then at most ``limit`` tasks,
    those to do first)."""
    to_do = [t for t in tasks if t["state"] in TO_DO]
    earlier = [t for t in tasks if t["state"] not in TO_DO]
    header = labels(RECTIFY_COLUMNS, lang)
    if fmt == "xlsx":
        places = Places(stream.reference)
        book = XlsxBook(binary_of(out))
        for title, group in (("tasks_sheet", to_do), ("earlier_sheet", earlier)):
            if group or title == "tasks_sheet":
                sheet = book.table(text(title, lang), header)
                for t in group:
                    sheet.append(_row(t, lang, places))
        rejected_sheet(book, stream.rejections, stream.warnings, lang)
        counts = _Counts(tasks, lang, places)
        book.finish(counts.overview(when, plugins, stream, lang), text("summary", lang))
        return
    writer = PageWriter(out, lang=lang, reference=stream.reference, reveal=reveal, limit=limit)
    for t in (*to_do, *earlier):
        writer.rows.take(lambda t=t: _row(t, lang, writer.places))  # type: ignore[misc]
    counts = _Counts(tasks, lang, writer.places)
    writer.write_page(
        title=text("rectify", lang),
        subtitle=when_text(when, lang),
        overview=counts.overview(when, plugins, stream, lang),
        charts=(
            counts.chart(text("to_do_by_township", lang), counts.townships, lang),
            counts.chart(text("to_do_by_rule", lang), counts.rules, lang),
        ),
        listing=writer.listing(
            text("tasks_sheet", lang),
            header,
            filters=(_STATE, _TOWNSHIP, _ACTOR, _RULE),
            note=text("listed_tasks", lang),
            wide=_WIDE,
        ),
    )
