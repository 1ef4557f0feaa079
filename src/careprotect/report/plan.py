"""The contact plan report: each worker's children due a contact, as JSON, CSV or tables."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from careprotect.io import RegistryStream, dumps
from careprotect.params import PluginInfo
from careprotect.periods import Period
from careprotect.report._base import (
    Format,
    Lang,
    console_for,
    headline,
    new_table,
    open_json,
    place,
    plugins_json,
    read_notes,
    read_records_json,
    rule_states_json,
    rule_states_table,
    show,
    text,
)
from careprotect.report.plan_views import write_plan_view

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.planning import DueContact, WorkerPlan
    from careprotect.rulestates import RuleStatus

__all__ = ["PLAN_CSV_COLUMNS", "PlanEnd", "plan_rule_states", "write_plan"]


def plan_rule_states(engine: Engine, month: Period) -> tuple[RuleStatus, ...]:
    """The state over ``month`` of each rule a contact plan follows (the contact-frequency
    rules), by id."""
    from careprotect.rules.contact import ContactFrequency

    ids = {r.id for r in engine.rules if isinstance(r.item, ContactFrequency)}
    return tuple(s for s in engine.rule_states(month) if s.rule in ids)


PLAN_CSV_COLUMNS = (
    "worker_id",
    "worker_name",
    "village",
    "child_id",
    "child_name",
    "rule",
    "period",
    "required",
    "counted",
    "still_due",
    "last_contact",
)
"""The columns of the plan's CSV form, one row per child, rule and rule period."""


class PlanEnd(NamedTuple):
    """What :func:`write_plan` wrote: how many workers it listed, and how many entries are
    of a rule that failed for the child (their ``error`` says how)."""

    workers: int
    errors: int


def _entry_json(d: DueContact) -> dict[str, Any]:
    entry = {
        "child": {"id": d.child_id, "name": d.child_name},
        "village": str(d.village),
        "rule": d.rule,
        "period": str(d.period),
        "required": d.required,
        "counted": d.counted,
        "still_due": d.still_due,
        "last_contact": d.last_contact.isoformat() if d.last_contact else None,
    }
    if d.error:
        entry["error"] = d.error
    return entry


def _due_json(plan: WorkerPlan) -> dict[str, Any]:
    known = [d.still_due for d in plan.due if d.still_due is not None]
    return {
        "worker": {"id": plan.worker_id, "name": plan.worker_name},
        "children": len({d.child_id for d in plan.due}),
        "still_due": sum(known),
        "unknown": len(plan.due) - len(known),
        "due": [_entry_json(d) for d in plan.due],
    }


def _failed(plan: WorkerPlan) -> int:
    return sum(1 for d in plan.due if d.error)


def write_plan(
    plans: Iterable[WorkerPlan],
    out: TextIO,
    *,
    month: Period,
    plugins: Sequence[PluginInfo],
    stream: RegistryStream,
    fmt: Format,
    lang: Lang,
    rules: Sequence[RuleStatus] = (),
    reveal: bool = False,
) -> PlanEnd:
    """Write the contact plans of ``month``; returns the number of workers listed and of
    entries whose rule failed. The rejected records and counts of ``stream`` are read once
    ``plans`` is exhausted. ``rules`` are the states of the rules planned
    (:func:`plan_rule_states`): the JSON document's ``summary`` and the table's last table
    list them. A workbook (``xlsx``) is written to the bytes under ``out``; ``reveal``
    says whether names were asked for unmasked (the page says so)."""
    if fmt in ("xlsx", "html"):
        workers, failed = write_plan_view(
            fmt, plans, out, month=month, plugins=plugins, stream=stream, lang=lang, rules=rules,
            reveal=reveal,
        )  # fmt: skip
        return PlanEnd(workers, failed)
    errors = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(PLAN_CSV_COLUMNS)
        n = 0
        for plan in plans:
            n += 1
            errors += _failed(plan)
            for d in _due_json(plan)["due"]:
                writer.writerow(
                    (
                        plan.worker_id or "",
                        plan.worker_name,
                        d["village"],
                        d["child"]["id"],
                        d["child"]["name"],
                        d["rule"],
                        d["period"],
                        "" if d["required"] is None else d["required"],
                        d["counted"],
                        "" if d["still_due"] is None else d["still_due"],
                        d["last_contact"] or "",
                    )
                )
        return PlanEnd(n, errors)
    if fmt == "json":
        out.write(
            open_json({"month": str(month), "plugins": plugins_json(plugins)}) + ', "workers": ['
        )
        n = 0
        for plan in plans:
            out.write(",\n" if n else "\n")
            out.write(dumps(_due_json(plan)))
            n += 1
            errors += _failed(plan)
        tail = {
            "summary": {"rules": rule_states_json(rules)},
            **read_records_json(stream.rejections, stream.warnings, stream.counts),
        }
        out.write("\n]" if n else "]")
        out.write(", " + dumps(tail)[1:] + "\n")
        return PlanEnd(n, errors)
    console = console_for(out)
    what = f"{text('plan', lang)} · {text('month', lang).format(month)}"
    show(console, headline(what, plugins, lang), style="bold", soft_wrap=True)
    reference = stream.reference
    n = 0
    for plan in plans:
        n += 1
        errors += _failed(plan)
        data = _due_json(plan)
        unknown = text("worker_unknown", lang).format(data["unknown"]) if data["unknown"] else ""
        who = (
            " ".join(x for x in (plan.worker_id, plan.worker_name) if x)
            if plan.worker_id is not None
            else text("no_worker", lang)
        )
        show(
            console,
        )
        show(
            console,
            f"{who} · "
            + text("worker_line", lang).format(
                children=data["children"], due=data["still_due"], unknown=unknown
            ),
            style="bold",
            soft_wrap=True,
        )
        table = new_table(
            *(text(k, lang) for k in ("village", "child", "rule", "rule_period")),
            *(text(k, lang) for k in ("required", "counted", "still_due", "last_contact")),
            right=(4, 5, 6),
        )
        for d in plan.due:
            table.add_row(
                place(d.village, reference),
                f"{d.child_id} {d.child_name}".strip(),
                d.rule,
                str(d.period),
                "?" if d.required is None else str(d.required),
                str(d.counted),
                "?" if d.still_due is None else str(d.still_due),
                d.last_contact.isoformat() if d.last_contact else "-",
            )
        show(console, table)
        for d in plan.due:
            if d.error:
                show(console, f"  {text('error', lang)}: {d.rule} · {d.child_id}: {d.error}")
    if not n:
        show(console, text("no_plan", lang), soft_wrap=True)
    if rules:
        show(
            console,
        )
        show(console, rule_states_table(rules, lang))
    for note in read_notes(stream.rejections, stream.warnings, lang):
        show(console, note)
    return PlanEnd(n, errors)
