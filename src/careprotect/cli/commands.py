"""The ``careprotect`` group and its verbs: what each verb reads, runs and writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import sys
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from careprotect import pipeline
from careprotect import report as rp
from careprotect.cli.options import (
    DATE,
    DIVISION,
    JOBS,
    MONTH,
    RANGE,
    ReportArgs,
    as_of_option,
    dask_option,
    day_or_period,
    division_check_for,
    divisions_option,
    example,
    executor_for,
    format_option,
    jobs_for,
    lang_option,
    load_engine,
    output_option,
    period_option,
    plugins_option,
    registry_argument,
    report_options,
    resolve_lang,
    today,
)
from careprotect.cli.output import (
    note,
    note_sheet_counts,
    note_warnings,
    open_output,
    open_split,
    progress_display,
    registry_file,
    write_stream_validation,
)
from careprotect.cli.status import EXIT_ERRORS, EXIT_FOUND, EXIT_OK, CommandError
from careprotect.divisions import Division
from careprotect.errors import CareProtectError
from careprotect.io import RegistryStream
from careprotect.ledger.opening import open_registry
from careprotect.params import STALE_MONTHS
from careprotect.periods import Period
from careprotect.report.catalogue import stale_report

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.pipeline.executors import Executor

__all__ = ["cli"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=example(
        "careprotect audit examples/sample-registry.jsonl --as-of 2020-06-30",
        "careprotect audit --help",
    ),
)
@click.version_option(version("careprotect"), prog_name="careprotect")
@click.option(
    "--debug",
    is_flag=True,
    help="On an error, show its traceback; show the library's log records on stderr.",
)
def cli(debug: bool) -> None:
    """Child protection policy as code: check a registry of child files against the rules
    of the national baseline and the installed province plugins."""


@cli.command(
    short_help="Judge a registry: the compliance report.",
    epilog=example(
        "careprotect audit examples/sample-registry.jsonl --as-of 2020-06-30",
        "careprotect audit registry.jsonl --period 2020-06 --plugins hunan --format json "
        "-o audit.json",
    ),
)
@registry_argument
@as_of_option
@period_option
@report_options
@click.option(
    "-j",
    "--jobs",
    type=JOBS,
    metavar="N|auto",
    default="auto",
    show_default=True,
    help="Processes that read and judge the child files of a JSON Lines registry (Linux). "
    "'auto': one per usable CPU for a registry of 16 MiB or more, else 1. The report is the "
    "same whatever the number.",
)
@dask_option
@click.option(
    "--split",
    is_flag=True,
    help="Write the report in parts into the directory -o names (new or empty): one file of "
    "findings per county and manifest.json with the summary, rejections and counts (json or "
    "csv). See docs/cli.md.",
)
def audit(
    registry: Path,
    as_of: dt.date | None,
    period: Period | None,
    report: ReportArgs,
    jobs: int | str,
    dask: str | None,
    split: bool,
) -> int:
    """The compliance report: every compliance rule in scope judged for every division,
    worker, service point and child of REGISTRY.

    The table opens with a summary (records, subjects, findings by rule and outcome and by
    township), then lists the non-compliant and missing-input findings grouped by division,
    each with its message and citations. JSON is one document (its schema is
    audit-report.schema.json, see docs/cli.md); CSV has one finding per row. Exit status 1
    when a finding is non-compliant, 0 otherwise.
    """
    as_of = day_or_period(as_of, period)
    fmt, output = report.fmt, report.output
    if split and (output is None or fmt not in ("json", "csv")):
        raise click.UsageError("--split writes json or csv parts into the directory -o names")
    language = report.language()
    engine = report.engine()
    span = (as_of, as_of) if as_of is not None else (period.start, period.end)  # type: ignore[union-attr]
    check = report.division_check(span[0].year, span[1].year)
    with (
        registry_file(registry, output) as source,
        open_registry(source, division_check=check) as stream,
        executor_for(dask) as executor,
        _audit_output(output, fmt, split) as (out, parts),
    ):
        writer: rp.AuditWriter
        if parts is not None:
            writer = rp.SplitAuditWriter(parts, csv=fmt == "csv")
        else:
            writer = rp.AUDIT_WRITERS.writer(
                fmt, out, lang=language, reference=stream.reference, reveal=report.reveal
            )
        run = pipeline.audit(
            engine,
            stream,
            as_of=as_of,
            period=period,
            reveal=report.reveal,
            jobs=jobs_for(jobs, source),
            executor=executor,
        )
        with progress_display("audit", "subjects", out) as progress:
            end = rp.run_audit(run, stream, writer, progress)
    if end.rejections and fmt != "table":
        note(f"{len(end.rejections)} records were rejected; see careprotect validate {registry}")
    note_warnings(end.warnings, fmt)
    if end.errors:
        return EXIT_ERRORS
    return EXIT_FOUND if end.non_compliant else EXIT_OK


@contextlib.contextmanager
def _audit_output(
    output: Path | None, fmt: str, split: bool
) -> Iterator[tuple[TextIO, Path | None]]:
    """Where the audit's report goes: a file or stdout, or with ``split`` a directory of
    parts (and stdout, on which nothing is written)."""
    if not split:
        with open_output(output, csv=fmt == "csv") as out:
            yield out, None
        return
    assert output is not None
    with open_split(output) as parts:
        yield sys.stdout, parts


@cli.command(
    short_help="List a registry's rejected records and its record counts.",
    epilog=example("careprotect validate examples/sample-registry.jsonl"),
)
@registry_argument
@lang_option
@divisions_option
@click.option("--as-of", type=DATE, default=None, hidden=True)
def validate(registry: Path, lang: str | None, divisions: str | None, as_of: dt.date | None) -> int:
    """Read REGISTRY (a JSON document or JSON Lines): list every rejected record with its
    number, line or location, path and message, then every warning about an accepted
    record (a citizen ID that had to be normalised; with --divisions official, a division
    code not in force this year or a name that is not the official one), then the record
    counts, in all and by kind. Exit status 1 when a record was rejected, 0 otherwise:
    warnings do not change it."""
    if as_of is not None:
        note("validate no longer uses --as-of; it is ignored")
    year = today().year
    check = division_check_for(divisions, year, year)
    with registry_file(registry) as source, open_registry(source, division_check=check) as stream:
        for _ in stream.children():  # every child file checked, none kept
            pass
        with open_output(None) as out:
            write_stream_validation(stream, out, resolve_lang(lang))
        note_sheet_counts(stream)
        return EXIT_FOUND if stream.rejections else EXIT_OK


@cli.command(
    short_help="The money due per subject and month, with totals.",
    epilog=example(
        "careprotect entitlements examples/sample-registry.jsonl --period 2020-01..2020-12",
        "careprotect entitlements registry.jsonl --period 2018-Q1 --format csv -o amounts.csv",
    ),
)
@registry_argument
@click.option(
    "--period",
    "period_range",
    type=RANGE,
    required=True,
    help="Months, quarters or years: FIRST..LAST (2018-01..2018-12) or one period (2018).",
)
@report_options
@dask_option
def entitlements(
    registry: Path,
    period_range: tuple[Period, Period],
    report: ReportArgs,
    dask: str | None,
) -> int:
    """The money due: per subject (child, worker, service point) and month, the amount under
    each entitlement rule in scope and the parameter that set it, or why it cannot be
    computed; then totals by county, by paying level and by rule.

    The range is read as the fewest months, quarters and years that cover it, all judged in
    one pass over the registry, each subject's amounts together.
    """
    first, last = period_range
    fmt, output = report.fmt, report.output
    language = report.language()
    engine = report.engine()
    check = report.division_check(first.start.year, last.end.year)
    with registry_file(registry, output) as source, executor_for(dask) as executor:
        stream = open_registry(source, division_check=check)
        end = _entitlements(stream, engine, (first, last), report, language, executor)
    if end.rejections and fmt != "table":
        note(f"{len(end.rejections)} records were rejected; see careprotect validate {registry}")
    note_warnings(end.warnings, fmt)
    return EXIT_ERRORS if end.errors else EXIT_OK


def _entitlements(
    stream: RegistryStream,
    engine: Engine,
    periods: tuple[Period, Period],
    report: ReportArgs,
    language: rp.Lang,
    executor: Executor | None,
) -> rp.EntitlementsEnd:
    """Write the entitlements report of the open ``stream``, and close it."""
    first, last = periods
    reference = stream.reference
    try:
        with open_output(report.output, csv=report.fmt == "csv") as out:
            writer = rp.ENTITLEMENTS_WRITERS.writer(
                report.fmt, out, lang=language, reference=reference, reveal=report.reveal
            )
            with progress_display("entitlements", "amounts", out) as progress:
                end = rp.run_entitlements(
                    engine,
                    lambda: stream,
                    first,
                    last,
                    writer,
                    reveal=report.reveal,
                    progress=progress,
                    executor=executor,
                )
    finally:
        stream.close()
    return end


@cli.command(
    short_help="Each worker's children due a contact in a month.",
    epilog=example(
        "careprotect plan examples/sample-registry.jsonl --month 2020-07",
        "careprotect plan registry.jsonl --month 2020-07 --plugins hubei --format csv -o plan.csv",
    ),
)
@registry_argument
@click.option("--month", type=MONTH, required=True, help="The month planned, such as 2020-07.")
@report_options
@dask_option
def plan(
    registry: Path,
    month: Period,
    report: ReportArgs,
    dask: str | None,
) -> int:
    """Contacts due in MONTH: for each worker, the children due a contact under the contact
    rules in scope, how many contacts are still due and the last contact date, in the order
    of the worker's villages; children with no responsible worker come last."""
    fmt, output = report.fmt, report.output
    language = report.language()
    engine = report.engine()
    check = report.division_check(month.start.year, month.end.year)
    with (
        registry_file(registry, output) as source,
        open_registry(source, division_check=check) as stream,
        executor_for(dask) as executor,
        open_output(output, csv=fmt == "csv") as out,
    ):
        end = rp.write_plan(
            pipeline.plan(engine, stream, month, reveal=report.reveal, executor=executor),
            out,
            month=month,
            plugins=engine.plugins,
            stream=stream,
            fmt=cast(rp.Format, fmt),
            lang=language,
            rules=rp.plan_rule_states(engine, month),
            reveal=report.reveal,
        )
        note_warnings(stream.warnings, fmt)
    return EXIT_ERRORS if end.errors else EXIT_OK


def _catalogue_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of the catalogue verbs (rules, parameters, plugins): --plugins, --format
    (table or json) and --lang."""
    return plugins_option(format_option("table", "json")(lang_option(command)))


def _write_catalogue(kind: str, report: Mapping[str, Any], fmt: str, lang: str | None) -> int:
    """Write the catalogue ``report`` of ``kind`` to stdout; the exit status."""
    with open_output(None) as out:
        rp.write_catalogue(kind, report, out, fmt=fmt, lang=resolve_lang(lang))
    return EXIT_OK


@cli.command(
    short_help="The catalogue of categories and rules.",
    epilog=example("careprotect rules", "careprotect rules --plugins hunan --lang zh"),
)
@_catalogue_options
def rules(plugins: str | None, fmt: str, lang: str | None) -> int:
    """The catalogue: every category and rule loaded, with its kind, subject, scope, plugin
    and sources."""
    return _write_catalogue("rules", rp.rules_report(load_engine(plugins)), fmt, lang)


@cli.command(
    short_help="The parameters in force for a division on a day.",
    epilog=example(
        "careprotect parameters --division 433122 --at 2020-06-30",
        "careprotect parameters --plugins hunan --format json",
        "careprotect parameters --stale --months 24",
    ),
)
@click.option(
    "--division",
    type=DIVISION,
    default=None,
    help="The division the values are resolved for. Default: the whole country.",
)
@click.option("--at", type=DATE, default=None, help="The day. Default: today.")
@click.option(
    "--stale",
    is_flag=True,
    help=(
        "List instead the values in force (at every scope, or at the scopes containing "
        "--division) whose newest value is older than --months, or that rest on an assumed "
        "citation."
    ),
)
@click.option(
    "--months",
    type=click.IntRange(min=0),
    default=None,
    help=f"With --stale: how old a value may be, in months. Default: {STALE_MONTHS}.",
)
@_catalogue_options
def parameters(
    division: Division | None,
    at: dt.date | None,
    stale: bool,
    months: int | None,
    plugins: str | None,
    fmt: str,
    lang: str | None,
) -> int:
    """The parameters in force for a division on a day: each declared parameter with its
    value, unit, effective date, scope, plugin, citation and the citation's status
    (confirmed, reported or assumed), or that none is in force. With --stale, the values in
    force that may be out of date."""
    if months is not None and not stale:
        raise click.UsageError("--months needs --stale")
    engine = load_engine(plugins)
    day = at or today()
    if stale:
        report = stale_report(engine, division, day, STALE_MONTHS if months is None else months)
    else:
        report = rp.parameters_report(engine, division, day)
    return _write_catalogue("stale" if stale else "parameters", report, fmt, lang)


@cli.command(
    short_help="The plugins loaded, with scope and version.",
    epilog=example("careprotect plugins", "careprotect plugins --format json"),
)
@_catalogue_options
def plugins(plugins: str | None, fmt: str, lang: str | None) -> int:
    """The plugins loaded: name, version, scope and title, the national baseline first."""
    return _write_catalogue("plugins", rp.plugins_report(load_engine(plugins)), fmt, lang)


@cli.command(
    short_help="Write a synthetic registry of fictional children.",
    epilog=example("careprotect synth --province 43 --children 1000 --seed 1 -o synthetic.jsonl"),
)
@click.option("--province", required=True, metavar="CODE", help="A province code, such as 43.")
@click.option("--children", type=click.IntRange(min=0), required=True, help="How many child files.")
@click.option("--seed", type=int, default=0, show_default=True, help="The random seed.")
@output_option
def synth(province: str, children: int, seed: int, output: Path | None) -> int:
    """Write a synthetic registry (JSON Lines) of fictional children in a province, for
    trials and benchmarks. The same seed gives the same registry."""
    try:
        module = importlib.import_module("careprotect.testing.synth")
    except ModuleNotFoundError as exc:
        if exc.name not in ("careprotect.testing.synth", "careprotect.testing", "careprotect"):
            raise
        raise CommandError(
            "synth is not available: this careprotect has no careprotect.testing.synth"
        ) from None
    write_synthetic = cast(Callable[..., int], module.write_synthetic)
    try:
        with open_output(output) as out:
            written = write_synthetic(out, province=province, children=children, seed=seed)
    except (CareProtectError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    note(f"wrote {written} records to {output if output is not None else 'stdout'}")
    return EXIT_OK
