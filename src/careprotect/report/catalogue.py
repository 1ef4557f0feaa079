"""The validation report and the catalogue: rules, parameters in force and plugins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from careprotect.divisions import Division
from careprotect.io import LoadCounts, RecordWarning, Rejection, dumps
from careprotect.params import STALE_MONTHS, Status, scope_contains, scope_label
from careprotect.report._base import (
    MARKS,
    Lang,
    console_for,
    new_table,
    plugins_json,
    records_line,
    show,
    text,
    write_line,
)

if TYPE_CHECKING:
    from careprotect.engine import Engine, Registration

__all__ = [
    "parameters_report",
    "plugins_report",
    "rules_report",
    "stale_report",
    "write_catalogue",
    "write_validation",
]


def write_validation(
    rejections: Iterable[Rejection],
    counts: LoadCounts,
    out: TextIO,
    *,
    lang: Lang,
    warnings: Iterable[RecordWarning] = (),
) -> None:
    """Every rejected record (number, line or location, kind and id, path and message of
    each problem), then every warning about an accepted record, then the record counts in
    all and by kind."""
    rejections = list(rejections)
    if rejections:
        write_line(f"{text('rejected', lang)}:", out)
        for rejection in rejections:
            write_line(f"  {rejection}", out)
    warnings = list(warnings)
    if warnings:
        write_line(f"{text('warnings', lang)}:", out)
        for warning in warnings:
            write_line(f"  {warning}", out)
    write_line(records_line(counts, lang), out)
    for kind, c in counts.by_kind.items():
        write_line(
            text("records_kind", lang).format(
                kind=kind, read=c.read, accepted=c.accepted, rejected=c.rejected
            ),
            out,
        )


def _registered_json(r: Registration, *, rule: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"id": r.id}
    if rule:
        data["kind"] = r.item.kind.value
        data["subject"] = r.item.subject.value
    data.update(
        {
            "title": {"zh": r.item.title.zh, "en": r.item.title.en},
            "scope": scope_label(r.scope),
            "plugin": r.plugin.name,
            "citations": [c.as_dict() for c in r.citations],
        }
    )
    return data


def rules_report(engine: Engine) -> dict[str, Any]:
    """The catalogue as JSON: plugins, categories and rules with scope and citations."""
    return {
        "plugins": plugins_json(engine.plugins),
        "categories": [_registered_json(c, rule=False) for c in engine.categories],
        "rules": [_registered_json(r, rule=True) for r in engine.rules],
    }


def plugins_report(engine: Engine) -> dict[str, Any]:
    """The loaded plugins as JSON: name, version, scope and title."""
    return {
        "plugins": [
            {**p, "title": info.title}
            for p, info in zip(plugins_json(engine.plugins), engine.plugins, strict=True)
        ]
    }


def parameters_report(engine: Engine, division: Division | None, at: dt.date) -> dict[str, Any]:
    """Every declared parameter with the value in force for ``division`` (None: the whole
    country) on ``at``, its evidence and citation; ``in_force`` is null when none is. For a
    division, a parameter declared by a plugin whose scope does not contain it (Hunan's, for
    a division of Fujian) is left out unless a value of it is in force there: no rule of
    that plugin judges the division, so its lack of a value is not missing input."""
    table = engine.parameters
    params = []
    for name in sorted(table.specs):
        spec = table.specs[name]
        found = table.find(name, division, at)
        if (
            division is not None
            and found is None
            and not scope_contains(spec.plugin.scope, division)
        ):
            continue
        in_force = None
        if found is not None:
            citation = found.evidence.citation
            in_force = {
                **found.evidence.as_dict(),
                "status": citation.status.value,
                "note": citation.note,
            }
        params.append(
            {
                "name": name,
                "unit": spec.unit.value,
                "title": {"zh": spec.zh, "en": spec.en},
                "in_force": in_force,
            }
        )
    return {
        "division": None if division is None else str(division),
        "at": at.isoformat(),
        "parameters": params,
    }


def stale_report(
    engine: Engine, division: Division | None, at: dt.date, months: int = STALE_MONTHS
) -> dict[str, Any]:
    """The values in force on ``at`` that may be stale (:meth:`ParameterTable.stale`): older
    than ``months`` months or resting on an assumed citation; with ``division``, only those
    of scopes containing it."""
    table = engine.parameters
    stale = []
    for s in table.stale(at, months):
        if division is not None and not scope_contains(s.value.scope, division):
            continue
        spec = table.specs[s.value.parameter]
        stale.append(
            {**s.as_dict(), "unit": spec.unit.value, "title": {"zh": spec.zh, "en": spec.en}}
        )
    return {
        "division": None if division is None else str(division),
        "at": at.isoformat(),
        "months": months,
        "stale": stale,
    }


_LABELS: Mapping[str, tuple[str, str]] = {
    "status": ("可信度", "status"),
    Status.CONFIRMED: ("已核实", "confirmed"),
    Status.REPORTED: ("据报道，待核实", "reported"),
    Status.ASSUMED: ("推定，待核实", "assumed"),
    "stale": (
        "可能过时的现行参数 · {}，{} 个月以前的值或推定的值",
        "Values in force that may be stale · on {}, older than {} months or assumed",
    ),
    "none_stale": ("没有可能过时的值。", "No value in force is stale."),
    "age": ("已 {} 个月", "{} months old"),
    "old": ("久未更新", "old"),
    "assumed": ("推定", "assumed"),
}


def _label(key: str, lang: Lang) -> str:
    zh, en = _LABELS[key]
    return zh if lang == "zh" else en


def _marked(citation: Mapping[str, Any]) -> str:
    """A citation of a JSON report as text, with the mark of its status (see MARKS)."""
    mark = MARKS[Status(citation["status"])]
    return f"{citation['text']} {mark}" if mark else str(citation["text"])


def _status_line(status: str, note: str, lang: Lang) -> str:
    shown = _label(status, lang)
    return f"  {_label('status', lang)}: {shown}" + (f" · {note}" if note else "")


def _write_stale(report: Mapping[str, Any], out: TextIO, lang: Lang) -> None:
    console = console_for(out)
    heading = _label("stale", lang).format(report["at"], report["months"])
    if report["division"]:
        heading += f" · {report['division']}"
    show(console, heading, style="bold", soft_wrap=True)
    if not report["stale"]:
        show(console, _label("none_stale", lang), soft_wrap=True)
    for v in report["stale"]:
        show(console, "")
        show(console, f"{v['parameter']}  {v['title'][lang]}", soft_wrap=True)
        value = v["value"]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else _scalar(value)
        where = text("from_scope", lang).format(v["effective"], v["scope"])
        plugin = f"{v['plugin']} {v['version']}"
        show(console, f"  {shown} {v['unit']} · {where} · {plugin}", soft_wrap=True)
        reasons = ", ".join(_label(r, lang) for r in v["reasons"])
        show(console, f"  {_label('age', lang).format(v['age_months'])} · {reasons}")
        show(console, f"  {text('source', lang)}: {v['citation']['text']}", soft_wrap=True)
        show(console, _status_line(v["status"], v["note"], lang), soft_wrap=True)


def write_catalogue(
    kind: str, report: Mapping[str, Any], out: TextIO, *, fmt: str, lang: Lang
) -> None:
    """Write a catalogue report (``rules``, ``parameters``, ``stale`` or ``plugins``) as JSON
    or a table."""
    if fmt == "json":
        out.write(dumps(dict(report), indent=2) + "\n")
        return
    if kind == "stale":
        _write_stale(report, out, lang)
        return
    console = console_for(out)
    if kind == "plugins":
        table = new_table(*(text(k, lang) for k in ("plugin", "version", "scope", "title")))
        for p in report["plugins"]:
            table.add_row(p["name"], p["version"], p["scope"], p["title"])
        show(console, table)
        return
    if kind == "rules":
        for key, rule in (("categories", False), ("rules", True)):
            columns = ["id", *(["kind", "subject"] if rule else []), "title", "scope", "plugin"]
            table = new_table(
                *(text(k, lang) for k in (*columns, "sources")), title=text(key, lang)
            )
            for r in report[key]:
                cells = [r["id"], *([r["kind"], r["subject"]] if rule else [])]
                sources = (_marked(c) for c in r["citations"])
                cells += [r["title"][lang], r["scope"], r["plugin"], "\n".join(sources)]
                table.add_row(*cells)
            show(console, table)
            show(
                console,
            )
        legend = text("marks_legend", lang).format(
            reported_mark=MARKS[Status.REPORTED], assumed_mark=MARKS[Status.ASSUMED]
        )
        show(console, legend, soft_wrap=True)
        return
    where = report["division"] or "national"
    show(
        console,
        f"{text('parameters', lang)} · {text('for_division', lang).format(where, report['at'])}",
        style="bold",
        soft_wrap=True,
    )
    for p in report["parameters"]:
        show(console, "")
        show(console, f"{p['name']}  {p['title'][lang]}", soft_wrap=True)
        v = p["in_force"]
        if v is None:
            show(console, f"  {text('no_value', lang)} · {p['unit']}", soft_wrap=True)
            continue
        value = v["value"]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else _scalar(value)
        where = text("from_scope", lang).format(v["effective"], v["scope"])
        plugin = f"{v['plugin']} {v['version']}"
        show(console, f"  {shown} {p['unit']} · {where} · {plugin}", soft_wrap=True)
        show(console, f"  {text('source', lang)}: {v['citation']['text']}", soft_wrap=True)
        show(console, _status_line(v["status"], v["note"], lang), soft_wrap=True)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
