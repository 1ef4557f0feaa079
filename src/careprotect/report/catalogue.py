"""The validation report and the catalogue: rules, parameters in force and plugins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from careprotect.divisions import Division
from careprotect.io import LoadCounts, Rejection, dumps
from careprotect.params import scope_label
from careprotect.report._base import (
    Lang,
    console_for,
    new_table,
    plugins_json,
    show,
    text,
    write_line,
)

if TYPE_CHECKING:
    from careprotect.engine import Engine, Registered

__all__ = [
    "parameters_report",
    "plugins_report",
    "rules_report",
    "write_catalogue",
    "write_validation",
]


def write_validation(
    rejections: Iterable[Rejection], counts: LoadCounts, out: TextIO, *, lang: Lang
) -> None:
    """Every rejected record (number, line or location, kind and id, path and message of
    each problem), then the record counts in all and by kind."""
    rejections = list(rejections)
    if rejections:
        write_line(f"{text('rejected', lang)}:", out)
        for rejection in rejections:
            write_line(f"  {rejection}", out)
    write_line(
        text("records", lang).format(
            read=counts.read, accepted=counts.accepted, rejected=counts.rejected
        ),
        out,
    )
    for kind, c in counts.by_kind.items():
        write_line(
            text("records_kind", lang).format(
                kind=kind, read=c.read, accepted=c.accepted, rejected=c.rejected
            ),
            out,
        )


def _registered_json(r: Registered, *, rule: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"id": r.id}
    if rule:
        data["kind"] = r.item.kind.value
        data["subject"] = r.item.subject.value
    data.update(
        {
            "title": {"zh": r.item.title.zh, "en": r.item.title.en},
            "scope": scope_label(r.scope),
            "plugin": r.plugin.name,
            "citations": [str(c) for c in r.citations],
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
    country) on ``at``, its evidence and citation; ``in_force`` is null when none is."""
    table = engine.parameters
    params = []
    for name in sorted(table.specs):
        spec = table.specs[name]
        found = table.find(name, division, at)
        params.append(
            {
                "name": name,
                "unit": spec.unit.value,
                "title": {"zh": spec.zh, "en": spec.en},
                "in_force": None if found is None else found.evidence.as_dict(),
            }
        )
    return {
        "division": None if division is None else str(division),
        "at": at.isoformat(),
        "parameters": params,
    }


def write_catalogue(
    kind: str, report: Mapping[str, Any], out: TextIO, *, fmt: str, lang: Lang
) -> None:
    """Write a catalogue report (``rules``, ``parameters`` or ``plugins``) as JSON or a table."""
    if fmt == "json":
        out.write(dumps(dict(report), indent=2) + "\n")
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
                cells += [r["title"][lang], r["scope"], r["plugin"], "\n".join(r["citations"])]
                table.add_row(*cells)
            show(console, table)
            show(
                console,
            )
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
        show(console, f"  {text('source', lang)}: {v['citation']}", soft_wrap=True)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
