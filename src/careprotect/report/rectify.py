"""The rectification list (整改清单) as JSON, CSV or tables.

Every writer reads the tasks in one form, the JSON form of a task
(:meth:`careprotect.rectification.Task.as_dict`, docs/schema/rectify-report.schema.json):
the JSON document lists them as they are, the CSV flattens each into
:data:`RECTIFY_CSV_COLUMNS` (:func:`task_row`), and the table groups them by township,
village and who must act. A writer of another format (a workbook, a page) reads the same
rows.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from careprotect.divisions import Division
from careprotect.io import dumps
from careprotect.model import ReferenceData
from careprotect.params import Status
from careprotect.report._base import (
    MARKS,
    Format,
    Lang,
    console_for,
    new_table,
    place,
    show,
    text,
)

__all__ = ["RECTIFY_CSV_COLUMNS", "ordered", "rectify_summary", "task_row", "write_rectify"]

RECTIFY_CSV_COLUMNS = (
    "id",
    "state",
    "township",
    "village",
    "actor_kind",
    "actor_id",
    "actor_name",
    "actor_role",
    "what_zh",
    "what_en",
    "what_from",
    "due",
    "rule",
    "subject_kind",
    "subject_id",
    "subject_name",
    "division",
    "period",
    "date",
    "message_zh",
    "message_en",
    "citations",
    "rests_on",
)
"""The columns of the list's CSV form, one task a row (:func:`task_row`)."""

_STATES = ("new", "open", "done", "unchecked")
_OPEN = ("new", "open")


def _sort_key(task: Mapping[str, Any]) -> tuple[str, ...]:
    actor = task["actor"]
    return (
        task["township"] or "",
        task["village"] or "",
        actor["kind"],
        actor["id"],
        task["due"],
        task["rule"],
        task["id"],
    )


def ordered(tasks: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The tasks by township, village, who must act, due date, rule and id."""
    return sorted(tasks, key=_sort_key)


def task_row(task: Mapping[str, Any]) -> tuple[str, ...]:
    """A task's JSON form as a row of :data:`RECTIFY_CSV_COLUMNS`; each citation as its
    text and status in brackets, several joined by `` | ``."""
    actor, subject = task["actor"], task["subject"]
    citations = " | ".join(f"{c['text']} [{c['status']}]" for c in task["citations"])
    return (
        task["id"],
        task["state"],
        task["township"] or "",
        task["village"] or "",
        actor["kind"],
        actor["id"],
        actor["name"],
        actor["role"],
        task["what"]["zh"],
        task["what"]["en"],
        task["what_from"],
        task["due"],
        task["rule"],
        subject["kind"],
        subject["id"],
        subject.get("name", ""),
        task["division"],
        task.get("period", ""),
        task.get("date", ""),
        task["message"]["zh"],
        task["message"]["en"],
        citations,
        task["rests_on"],
    )


def rectify_summary(tasks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The counts of a list: tasks in all, still to do (new and open), by state, and the
    tasks still to do by township."""
    states = Counter(t["state"] for t in tasks)
    townships = Counter(t["township"] or "" for t in tasks if t["state"] in _OPEN)
    return {
        "tasks": len(tasks),
        "to_do": sum(states[s] for s in _OPEN),
        "by_state": {s: states.get(s, 0) for s in _STATES},
        "by_township": dict(sorted(townships.items())),
    }


def write_rectify(
    tasks: Iterable[Mapping[str, Any]],
    out: TextIO,
    *,
    head: Mapping[str, Any],
    tail: Mapping[str, Any],
    fmt: Format,
    lang: Lang,
    reference: ReferenceData,
) -> dict[str, Any]:
    """Write the list of ``tasks`` (JSON forms, any state); returns its summary
    (:func:`rectify_summary`). ``head`` opens the JSON document (the day or period, the
    plugins, the key's check), ``tail`` ends it (the rejected records, the warnings, the
    record counts)."""
    rows = ordered(tasks)
    summary = rectify_summary(rows)
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(RECTIFY_CSV_COLUMNS)
        writer.writerows(task_row(t) for t in rows)
    elif fmt == "json":
        out.write(dumps({**head, "tasks": rows, "summary": summary, **tail}) + "\n")
    else:
        _write_table(rows, summary, out, head, lang, reference)
    return summary


def _write_table(
    rows: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    out: TextIO,
    head: Mapping[str, Any],
    lang: Lang,
    reference: ReferenceData,
) -> None:
    console = console_for(out)
    when = (
        text("as_of", lang).format(head["as_of"])
        if "as_of" in head
        else text("period", lang).format(head["period"])
    )
    plugins = ", ".join(f"{p['name']} {p['version']}" for p in head["plugins"])
    show(
        console,
        f"{text('rectify', lang)} · {when} · {text('plugins', lang)}: {plugins}",
        style="bold",
        soft_wrap=True,
    )
    counts = summary["by_state"]
    show(
        console,
        text("rectify_counts", lang).format(total=summary["tasks"], **counts),
        soft_wrap=True,
    )
    if not rows:
        show(console, text("no_tasks", lang), soft_wrap=True)
        return
    sources: dict[str, list[Mapping[str, Any]]] = {}
    for township in dict.fromkeys(t["township"] for t in rows):
        group = [t for t in rows if t["township"] == township]
        show(console)
        heading = (
            text("above_township", lang)
            if township is None
            else place(Division(township), reference)
        )
        show(console, heading, style="bold", soft_wrap=True)
        table = new_table(
            *(text(k, lang) for k in ("village", "actor", "subject", "what", "due")),
            *(text(k, lang) for k in ("rule", "state", "task")),
        )
        for t in group:
            actor, subject = t["actor"], t["subject"]
            who = " ".join(x for x in (actor["id"], actor["name"]) if x)
            mark = MARKS[Status(t["rests_on"])]
            table.add_row(
                place(Division(t["village"]), reference) if t["village"] else "-",
                f"{who} ({actor['role'].replace('_', ' ')})",
                " ".join(x for x in (subject["id"], subject.get("name", "")) if x),
                t["what"][lang],
                t["due"],
                t["rule"] + mark,
                text(f"state_{t['state']}", lang),
                t["id"],
            )
            sources.setdefault(t["rule"], t["citations"])
        show(console, table)
    show(console)
    table = new_table(text("rule", lang), text("source", lang), title=text("sources_title", lang))
    for rule, citations in sorted(sources.items()):
        table.add_row(rule, "\n".join(f"{c['text']} [{c['status']}]" for c in citations))
    show(console, table)
    show(
        console,
        text("marks_legend", lang).format(
            reported_mark=MARKS[Status.REPORTED], assumed_mark=MARKS[Status.ASSUMED]
        ),
        soft_wrap=True,
    )
