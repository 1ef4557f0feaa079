"""The ``rectify`` verb: the audit turned into tasks, compared with a previous list."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, cast

import click

from careprotect import pipeline
from careprotect import report as rp
from careprotect.cli.commands import cli
from careprotect.cli.options import (
    ReportArgs,
    as_of_option,
    day_or_period,
    example,
    period_option,
    registry_argument,
    report_options,
)
from careprotect.cli.output import note, note_warnings, open_output, registry_file
from careprotect.cli.status import EXIT_ERRORS, EXIT_FOUND, EXIT_OK, CommandError
from careprotect.findings import Outcome
from careprotect.ledger.opening import open_registry
from careprotect.periods import Period
from careprotect.rectification import SETTLED, Rectifier, TaskKey, compare

__all__ = ["previous_tasks", "rectify"]


def previous_tasks(path: Path, key: TaskKey) -> list[dict[str, Any]]:
    """The tasks of a previous list (the JSON of ``careprotect rectify``); refused when it
    is not one, or was made under another key (its ids would never match)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"previous list not found: {path}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CommandError(f"cannot read the previous list {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        raise CommandError(
            f"{path} is not a rectification list (careprotect rectify --format json)"
        )
    made = data.get("key", {}).get("check") if isinstance(data.get("key"), dict) else None
    if made != key.check:
        raise CommandError(
            f"{path} was made with another task key (check {made}, now {key.check}): its "
            "task ids cannot be compared; set CAREPROTECT_TASK_KEY as it was then"
        )
    return cast(list[dict[str, Any]], data["tasks"])


@cli.command(
    short_help="The rectification list: who must fix what, by when.",
    epilog=example(
        "careprotect rectify examples/sample-registry.jsonl --as-of 2024-12-31",
        "careprotect rectify registry.jsonl --as-of 2025-01-31 --previous december.json "
        "--format json -o january.json",
    ),
)
@registry_argument
@as_of_option
@period_option
@click.option(
    "--previous",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="An earlier list (--format json): mark each task new, still open, done (judged "
    "compliant now) or not rechecked (not judged again), and list the earlier tasks too.",
)
@report_options
def rectify(
    registry: Path,
    as_of: dt.date | None,
    period: Period | None,
    previous: Path | None,
    report: ReportArgs,
) -> int:
    """The rectification list (整改清单): each non-compliant finding of the audit of
    REGISTRY as a task, saying who must act (the responsible worker, the home's director,
    the township or county), what would make it compliant, by when, and the rule and its
    citation; grouped by township, village and who acts. JSON follows
    rectify-report.schema.json (see docs/rectify.md). Each task has a stable id. Exit
    status 1 when tasks remain to do (new or still open), 0 otherwise."""
    as_of = day_or_period(as_of, period)
    fmt, output = report.fmt, report.output
    rp.require_format(fmt)  # before the audit, which may take long
    language = report.language()
    engine = report.engine()
    key = TaskKey.from_environ(os.environ)
    before = previous_tasks(previous, key) if previous is not None else None
    first, last = (as_of, as_of) if as_of is not None else (period.start, period.end)  # type: ignore[union-attr]
    check = report.division_check(first.year, last.year)
    with (
        registry_file(registry, output) as source,
        open_registry(source, division_check=check) as stream,
    ):
        # The findings come unmasked, so that the ids are made of the subjects' own ids;
        # the Rectifier masks what the list shows unless --reveal.
        run = pipeline.audit(engine, stream, as_of=as_of, period=period, reveal=True)
        rectifier = Rectifier(engine, stream.reference, key, reveal=report.reveal)
        tasks: list[dict[str, Any]] = []
        settled: set[str] = set()
        errors = 0
        for finding in run:
            if finding.outcome is Outcome.NON_COMPLIANT:
                tasks.append(rectifier.task(finding).as_dict())
            elif finding.outcome in SETTLED:
                settled.add(rectifier.task_id(finding))
            elif finding.outcome is Outcome.ERROR:
                errors += 1
        rows = tasks if before is None else compare(tasks, settled, before)
        when = {"as_of": as_of.isoformat()} if as_of is not None else {"period": str(period)}
        with open_output(output, csv=fmt == "csv") as out:
            summary = rp.write_rectify(
                rows,
                out,
                when=when,
                key=key.as_dict(),
                plugins=engine.plugins,
                stream=stream,
                fmt=cast(rp.Format, fmt),
                lang=language,
                reveal=report.reveal,
            )
    if stream.rejections:
        note(f"{len(stream.rejections)} records were rejected; see careprotect validate {registry}")
    note_warnings(stream.warnings, fmt)
    if errors:
        note(f"{errors} evaluations failed; see careprotect audit {registry}")
        return EXIT_ERRORS
    return EXIT_FOUND if summary["to_do"] else EXIT_OK
