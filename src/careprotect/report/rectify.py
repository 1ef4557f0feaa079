"""The rectification list (整改清单) as JSON, CSV or tables; as a workbook or a page through
:mod:`~careprotect.report.rectify_views`.

Every writer reads the tasks in one form, the JSON form of a task
(:meth:`careprotect.rectification.Task.as_dict`, docs/schema/rectify-report.schema.json):
the JSON document lists them as they are, the CSV flattens each into
:data:`RECTIFY_CSV_COLUMNS` (:func:`task_row`), and the table, the workbook and the page
group them by township, village and who must act (:func:`ordered`).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from careprotect.divisions import Division
from careprotect.io import RegistryStream, dumps
from careprotect.model import ReferenceData
from careprotect.params import PluginInfo, Status
from careprotect.report._base import (
    MARKS,
    Format,
    Lang,
    console_for,
    new_table,
    place,
    plugins_json,
    read_records_json,
    show,
    text,
)
from careprotect.report.rectify_views import (
    STATES,
    TO_DO,
    actor_text,
    when_text,
    write_rectify_view,
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
    townships = Counter(t["township"] or "" for t in tasks if t["state"] in TO_DO)
    return {
        "tasks": len(tasks),
        "to_do": sum(states[s] for s in TO_DO),
        "by_state": {s: states.get(s, 0) for s in STATES},
        "by_township": dict(sorted(townships.items())),
    }


def write_rectify(
    tasks: Iterable[Mapping[str, Any]],
    out: TextIO,
    *,
    when: Mapping[str, str],
    key: Mapping[str, str],
    plugins: Sequence[PluginInfo],
    stream: RegistryStream,
    fmt: Format,
    lang: Lang,
    reveal: bool = False,
) -> dict[str, Any]:
    """Write the list of ``tasks`` (JSON forms, any state); returns its summary
    (:func:`rectify_summary`). ``when`` is the day or period judged (``{"as_of": ...}`` or
    ``{"period": ...}``), ``key`` the JSON form of the tasks' key (its check), ``stream``
    the registry read (its rejected records, warnings and counts end the report). A
    workbook (``xlsx``) is written to the bytes under ``out``; ``reveal`` says whether the
    tasks show names unmasked (a page says so)."""
    rows = ordered(tasks)
    summary = rectify_summary(rows)
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(RECTIFY_CSV_COLUMNS)
        writer.writerows(task_row(t) for t in rows)
    elif fmt == "json":
        document = {
            **when,
            "plugins": plugins_json(plugins),
            "key": dict(key),
            "tasks": rows,
            "summary": summary,
            **read_records_json(stream.rejections, stream.warnings, stream.counts),
        }
        out.write(dumps(document) + "\n")
    elif fmt in ("xlsx", "html"):
        write_rectify_view(
            fmt, rows, out, when=when, plugins=plugins, stream=stream, lang=lang, reveal=reveal
        )
    else:
        _write_table(rows, summary, out, when, plugins, lang, stream.reference)
    return summary


def _write_table(
    rows: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    out: TextIO,
    when: Mapping[str, str],
    plugins: Sequence[PluginInfo],
    lang: Lang,
    reference: ReferenceData,
) -> None:
    console = console_for(out)
    loaded = ", ".join(f"{p.name} {p.version}" for p in plugins)
    show(
        console,
        f"{text('rectify', lang)} · {when_text(when, lang)} · {text('plugins', lang)}: {loaded}",
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
            subject = t["subject"]
            mark = MARKS[Status(t["rests_on"])]
            table.add_row(
                place(Division(t["village"]), reference) if t["village"] else "-",
                actor_text(t["actor"]),
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
