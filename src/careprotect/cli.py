"""The ``careprotect`` command (click; rich for tables and progress).

Verbs: ``audit``, ``validate``, ``entitlements``, ``plan``, ``rules``, ``parameters``,
``plugins`` and ``synth``; see docs/cli.md. Results go to stdout (or ``-o FILE``), messages to
stderr. Each exit status means one thing (docs/cli.md): 0 the verb ran and found nothing
non-compliant; 1 non-compliance found (or, for ``validate``, rejected records); 2 bad usage,
input that cannot be read, output that cannot be written, or plugins or parameter files that
fail to load; 3 the run finished but some evaluations failed, or could not judge every record;
70 careprotect itself failed (a bug); 130 and 143 interrupted (SIGINT, SIGTERM); 141 the reader
of stdout went away. On 2, 3 and 70 the last line on stderr starts with ``careprotect:``; a
traceback is shown only with ``--debug``. Every line written to stderr passes through
:func:`careprotect.masking.scrub`.

Importing ``careprotect`` never imports this module, so the library needs neither click nor
rich.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import importlib
import logging
import os
import re
import shutil
import signal
import sqlite3
import stat
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from careprotect import report as rp
from careprotect.divisions import Division
from careprotect.errors import (
    CareProtectError,
    EvaluationError,
    InvalidValueError,
    PluginError,
    RegistryReadError,
)
from careprotect.io import DivisionCheck, RegistryStream, open_registry
from careprotect.masking import scrub
from careprotect.params import STALE_MONTHS
from careprotect.periods import Period, PeriodKind, parse_period_range
from careprotect.report.catalogue import stale_report

if TYPE_CHECKING:
    from rich.progress import Progress

    from careprotect.engine import Engine

__all__ = ["cli", "main"]

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
EXIT_ERRORS = 3
"""The run finished, but some evaluations failed (``error`` findings), or it could not judge
every record (a worker process died)."""
EXIT_INTERNAL = 70
"""careprotect itself failed: a bug (sysexits' EX_SOFTWARE)."""
EXIT_INTERRUPTED = 130
"""128 + SIGINT."""
EXIT_TERMINATED = 143
"""128 + SIGTERM."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, as a shell reports a command whose reader went away."""

EARLIEST = dt.date(1949, 10, 1)
"""The first day a date or period given on the command line may reach: the founding of the
People's Republic, before any rule careprotect encodes."""
LATEST = dt.date(2100, 12, 31)
"""The last day a date or period given on the command line may reach."""
MAX_RANGE_YEARS = 50
"""The longest ``entitlements --period`` range, in years: longer than any child's claim
(birth to 18) many times over, short enough that a typo cannot write gigabytes."""
PROGRESS_DELAY = 2.0
"""Seconds a run must last before a progress display appears (on a terminal only)."""


class CommandError(click.ClickException):
    """Input that cannot be used: exit status 2, one line on stderr."""

    exit_code = EXIT_USAGE


class _ReaderGoneError(Exception):
    """stdout's reader went away (``careprotect ... | head``). Not an OSError, so that click
    does not turn it into exit status 1, which would claim non-compliance."""


class _Terminated(BaseException):
    """SIGTERM arrived: raised in the main thread so that every ``finally`` runs (partial
    output removed, worker processes ended) before the command exits with 143. A
    BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it."""


def _in_range(day: dt.date, what: str, value: object) -> str | None:
    """Why ``day`` (from option text ``value``) is outside the range a command-line date or
    period may reach, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    return f"{what} must lie between {EARLIEST} and {LATEST} (got {value!r})"


def _today() -> dt.date:
    return dt.date.today()


def default_as_of(today: dt.date) -> dt.date:
    """The audit's default day: the last day of the month before ``today``, so that a
    monthly audit judges the latest complete month."""
    return today.replace(day=1) - dt.timedelta(days=1)


# -- option types ------------------------------------------------------------------------------

if TYPE_CHECKING:
    _ParamType = click.ParamType[Any]
else:  # click before 8.4 has no type parameters
    _ParamType = click.ParamType

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _DateType(_ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            day = dt.date.fromisoformat(value) if _DATE_RE.fullmatch(value) else None
        except ValueError:
            day = None
        if day is None:
            self.fail(f"must be a date YYYY-MM-DD (got {value!r})", param, ctx)
        problem = _in_range(day, "the date", value)
        if problem is not None:
            self.fail(problem, param, ctx)
        return day


class _PeriodType(_ParamType):
    def __init__(self, name: str, kind: PeriodKind | None = None) -> None:
        self.name = name
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Period):
            return value
        try:
            period = Period.parse(value)
        except InvalidValueError as exc:
            self.fail(exc.problem, param, ctx)
        if self.kind is not None and period.kind is not self.kind:
            self.fail(f"must be a {self.kind.value} such as 2020-07 (got {value!r})", param, ctx)
        problem = _in_range(period.start, "the period", value) or _in_range(
            period.end, "the period", value
        )
        if problem is not None:
            self.fail(problem, param, ctx)
        return period


class _RangeType(_ParamType):
    name = "FIRST..LAST"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            first, last = parse_period_range(value)
        except InvalidValueError as exc:
            self.fail(exc.problem, param, ctx)
        if first.kind is PeriodKind.WEEK:
            self.fail(f"must be months, quarters or years (got {value!r})", param, ctx)
        problem = _in_range(first.start, "the range", value) or _in_range(
            last.end, "the range", value
        )
        if problem is not None:
            self.fail(problem, param, ctx)
        if last.end.year - first.start.year >= MAX_RANGE_YEARS:
            self.fail(f"must span at most {MAX_RANGE_YEARS} years (got {value!r})", param, ctx)
        return first, last


class _DivisionType(_ParamType):
    name = "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Division):
            return value
        try:
            return Division(value)
        except InvalidValueError as exc:
            self.fail(exc.problem, param, ctx)


class _JobsType(_ParamType):
    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) or value == "auto":
            return value
        if isinstance(value, str) and value.isdecimal() and int(value) >= 1:
            return int(value)
        self.fail(f"must be a whole number of at least 1, or 'auto' (got {value!r})", param, ctx)


DATE = _DateType()
PERIOD = _PeriodType("PERIOD")
MONTH = _PeriodType("MONTH", PeriodKind.MONTH)
RANGE = _RangeType()
DIVISION = _DivisionType()
JOBS = _JobsType()

AUTO_JOBS_MIN_BYTES = 16 << 20
"""``--jobs auto`` uses worker processes for a registry at least this big (16 MiB, some
4 000 child files with a year of contacts); below it, starting them costs more than they save."""


# -- shared options ----------------------------------------------------------------------------

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

_plugins_option: Decorator = click.option(
    "--plugins",
    metavar="NAMES",
    default=None,
    help="Comma-separated names of installed plugins to load besides the built-in national "
    "baseline ('national' alone loads only the baseline). Default: every installed plugin.",
)
_lang_option: Decorator = click.option(
    "--lang",
    type=click.Choice(rp.LANGS),
    default=None,
    help="Language of tables and messages. Default: from LC_ALL, LC_MESSAGES or LANG "
    "(zh... gives Chinese), else English.",
)
_output_option: Decorator = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the result to FILE (replaced only once complete) instead of stdout.",
)
_divisions_option: Decorator = click.option(
    "--divisions",
    type=click.Choice(["official"]),
    default=None,
    help="'official': check the registry's division records against the official table "
    "shipped with careprotect (GB/T 2260 codes 1980-2025 with their years, township codes "
    "and names of 2025-12-31) for the dates read, and report codes that did not exist then "
    "and names that differ from the official name as warnings. Warnings never reject a "
    "record and do not change the exit status.",
)
_reveal_option: Decorator = click.option(
    "--reveal",
    is_flag=True,
    help="Show names and ID numbers unmasked. Reports then hold sensitive personal data.",
)


def _format_option(*choices: str) -> Decorator:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output format.",
    )


def _example(*lines: str) -> str:
    """A help epilog whose example lines click does not rewrap."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


# -- helpers -----------------------------------------------------------------------------------


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _jobs(jobs: int | str, registry: Path) -> int:
    """The worker processes for ``--jobs``: 'auto' is every usable CPU for a big registry
    (see AUTO_JOBS_MIN_BYTES), else one."""
    if isinstance(jobs, int):
        return jobs
    try:
        big = registry.stat().st_size >= AUTO_JOBS_MIN_BYTES
    except OSError:  # open_registry reports it
        big = False
    return usable_cpus() if big else 1


def _engine(names: str | None) -> Engine:
    from careprotect.engine import Engine

    if names is None:
        return Engine.from_entry_points()
    allow = [n for n in (s.strip() for s in names.split(",")) if n and n != "national"]
    return Engine.from_entry_points(allow)


def _division_check(divisions: str | None, first: int, last: int) -> DivisionCheck | None:
    """The check of division records that ``--divisions`` asks for, over the years
    ``first`` to ``last``; None without the option."""
    if divisions is None:
        return None
    from careprotect.division_table import division_check

    return division_check(range(first, last + 1))


def _warned(warnings: Sequence[object], fmt: str) -> None:
    """A note on stderr of the warnings a CSV report has no place for."""
    if warnings and fmt == "csv":
        _note(f"{len(warnings)} warnings about accepted records; --format table or json lists them")


def _lang(lang: str | None) -> rp.Lang:
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    return rp.language_from_env(os.environ)


@contextlib.contextmanager
def _output(path: Path | None, *, csv: bool = False) -> Iterator[TextIO]:
    """stdout, or a file written beside ``path`` and moved into place once complete (so a
    failed or interrupted run leaves no half-written report). The file is readable by its
    owner only: reports hold personal data. A write that fails (a full disk) ends the command
    with one line, the partial file removed."""
    if path is None:
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise _ReaderGoneError from None
        return
    try:
        special = path.exists() and not path.is_file()
    except OSError as exc:  # a name too long, a component that is not a directory
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    if special:
        # A device or a pipe (-o /dev/null, a FIFO): write to it directly; never replace it.
        try:
            with path.open("w", encoding="utf-8", newline="" if csv else None) as handle:
                yield handle
        except BrokenPipeError:
            raise _ReaderGoneError from None
        except OSError as exc:
            if not _written(exc, path):
                raise
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="" if csv else None) as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not _written(exc, path, tmp):
            raise
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _written(exc: OSError, *names: str | Path) -> bool:
    """Whether ``exc`` arose writing the output named ``names`` (a write error has no file
    name; an error reading the registry is not the output's)."""
    if isinstance(exc, CareProtectError):
        return False
    return exc.filename is None or exc.filename in {str(n) for n in names}


STDIN = Path("-")
"""The registry argument that reads standard input."""


@contextlib.contextmanager
def _registry_file(registry: Path, output: Path | None = None) -> Iterator[Path]:
    """The file to read ``registry`` from. A regular file is read where it is. Standard input
    (``-``) and a named pipe are streams that can be read only once, while a registry is read
    in passes (and by worker processes at offsets): they are first copied into a file of a
    private temporary directory, removed when the command ends. A directory, a device or a
    socket is refused. So is ``output`` when it names the registry: writing the report would
    replace the registry."""
    if registry != STDIN:
        try:
            mode = registry.stat().st_mode
        except OSError:
            mode = None  # open_registry says why it cannot be read
        if mode is not None and stat.S_ISDIR(mode):
            raise CommandError(f"the registry is a directory, not a file: {registry}")
        if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise CommandError(
                f"the registry is not a regular file (a device or a socket): {registry}; "
                "give a file, or '-' to read standard input"
            )
        if output is not None and _same_file(registry, output):
            raise CommandError(
                f"-o {output} names the registry being read; write the report to another file"
            )
        if mode is None or stat.S_ISREG(mode):
            yield registry
            return
    spool = Path(tempfile.mkdtemp(prefix="careprotect-"))
    try:
        copy = spool / "standard-input"
        try:
            with contextlib.ExitStack() as stack:
                source = (
                    sys.stdin.buffer
                    if registry == STDIN
                    else stack.enter_context(registry.open("rb"))
                )
                with copy.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
        except OSError as exc:
            name = "standard input" if registry == STDIN else str(registry)
            raise CommandError(f"cannot read {name}: {exc.strerror}") from None
        try:
            yield copy
        except RegistryReadError as exc:
            # Name the registry as given, not the private copy.
            raise RegistryReadError(str(exc).replace(str(copy), str(registry))) from None
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (the same path, or links to one file)."""
    try:
        if a.resolve() == b.resolve():
            return True
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


class _Progress:
    """A progress display on stderr: only when stderr is a terminal, and only once a run has
    lasted ``delay`` seconds, so short runs and pipes see nothing."""

    def __init__(
        self,
        description: str,
        unit: str,
        *,
        enabled: bool,
        delay: float = PROGRESS_DELAY,
        stderr: TextIO | None = None,
    ) -> None:
        self.description = description
        self.unit = unit
        self.enabled = enabled
        self.delay = delay
        self._stderr = stderr
        self._start = time.monotonic()
        self._bar: Progress | None = None
        self._task: Any = None

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self._start < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=self._stderr or sys.stderr)
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} " + self.unit),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=None)
        self._bar.update(self._task, completed=done)

    def stop(self) -> None:
        """Remove the display (if it was shown) and show no more."""
        self.enabled = False
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _progress(description: str, unit: str, out: TextIO) -> _Progress:
    """A progress display, enabled when stderr is a terminal and the results do not go to
    that terminal too (a table printed while a bar redraws would be garbled)."""
    return _Progress(description, unit, enabled=sys.stderr.isatty() and not out.isatty())


def _err(line: str) -> None:
    """Write ``line`` on stderr: the one way the command writes there, so that every line
    passes through :func:`~careprotect.masking.scrub`."""
    click.echo(scrub(line), err=True)


def _note(message: str) -> None:
    _err(f"careprotect: {message}")


# -- the command -------------------------------------------------------------------------------


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=_example(
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
    epilog=_example(
        "careprotect audit examples/sample-registry.jsonl --as-of 2020-06-30",
        "careprotect audit registry.jsonl --period 2020-06 --plugins hunan --format json "
        "-o audit.json",
    ),
)
@click.argument("registry", type=click.Path(path_type=Path))
@click.option(
    "--as-of",
    type=DATE,
    default=None,
    help="The day judged: point-in-time rules judge it, periodic rules their latest complete "
    "period ending by it. Default: the last day of the previous month.",
)
@click.option(
    "--period",
    type=PERIOD,
    default=None,
    help="Instead of --as-of: a week, month, quarter or year (2020-W23, 2020-06, 2020-Q2, "
    "2020); periodic rules judge each of their periods whose last day falls in it.",
)
@_plugins_option
@_format_option(*rp.FORMATS)
@_lang_option
@_divisions_option
@_reveal_option
@_output_option
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
def audit(
    registry: Path,
    as_of: dt.date | None,
    period: Period | None,
    plugins: str | None,
    fmt: str,
    lang: str | None,
    divisions: str | None,
    reveal: bool,
    output: Path | None,
    jobs: int | str,
) -> int:
    """The compliance report: every compliance rule in scope judged for every division,
    worker, service point and child of REGISTRY.

    The table opens with a summary (records, subjects, findings by rule and outcome and by
    township), then lists the non-compliant and missing-input findings grouped by division,
    each with its message and citations. JSON is one document (its schema is
    audit-report.schema.json, see docs/cli.md); CSV has one finding per row. Exit status 1
    when a finding is non-compliant, 0 otherwise.
    """
    if as_of is not None and period is not None:
        raise click.UsageError("give --as-of or --period, not both")
    if as_of is None and period is None:
        as_of = default_as_of(_today())
    language = _lang(lang)
    engine = _engine(plugins)
    span = (as_of, as_of) if as_of is not None else (period.start, period.end)  # type: ignore[union-attr]
    check = _division_check(divisions, span[0].year, span[1].year)
    with (
        _registry_file(registry, output) as source,
        open_registry(source, division_check=check) as stream,
        _output(output, csv=fmt == "csv") as out,
    ):
        writer: rp.AuditWriter
        if fmt == "json":
            writer = rp.JsonAuditWriter(out)
        elif fmt == "csv":
            writer = rp.CsvAuditWriter(out)
        else:
            writer = rp.TableAuditWriter(out, lang=language, reference=stream.reference)
        run = engine.audit(
            stream, as_of=as_of, period=period, reveal=reveal, jobs=_jobs(jobs, source)
        )
        with _progress("audit", "subjects", out) as progress:
            end = rp.run_audit(run, stream, writer, progress)
    if end.rejections and fmt != "table":
        _note(f"{len(end.rejections)} records were rejected; see careprotect validate {registry}")
    _warned(end.warnings, fmt)
    if end.errors:
        return EXIT_ERRORS
    return EXIT_FOUND if end.non_compliant else EXIT_OK


@cli.command(
    short_help="List a registry's rejected records and its record counts.",
    epilog=_example("careprotect validate examples/sample-registry.jsonl"),
)
@click.argument("registry", type=click.Path(path_type=Path))
@_lang_option
@_divisions_option
@click.option("--as-of", type=DATE, default=None, hidden=True)
def validate(registry: Path, lang: str | None, divisions: str | None, as_of: dt.date | None) -> int:
    """Read REGISTRY (a JSON document or JSON Lines): list every rejected record with its
    number, line or location, path and message, then every warning about an accepted
    record (a citizen ID that had to be normalised; with --divisions official, a division
    code not in force this year or a name that is not the official one), then the record
    counts, in all and by kind. Exit status 1 when a record was rejected, 0 otherwise:
    warnings do not change it."""
    if as_of is not None:
        _note("validate no longer uses --as-of; it is ignored")
    year = _today().year
    check = _division_check(divisions, year, year)
    with _registry_file(registry) as source, open_registry(source, division_check=check) as stream:
        for _ in stream.children(defer_contacts=True):  # contacts checked, never built
            pass
        with _output(None) as out:
            rp.write_validation(
                stream.rejections, stream.counts, out, lang=_lang(lang), warnings=stream.warnings
            )
        return EXIT_FOUND if stream.rejections else EXIT_OK


@cli.command(
    short_help="The money due per subject and month, with totals.",
    epilog=_example(
        "careprotect entitlements examples/sample-registry.jsonl --period 2020-01..2020-12",
        "careprotect entitlements registry.jsonl --period 2018-Q1 --format csv -o amounts.csv",
    ),
)
@click.argument("registry", type=click.Path(path_type=Path))
@click.option(
    "--period",
    "period_range",
    type=RANGE,
    required=True,
    help="Months, quarters or years: FIRST..LAST (2018-01..2018-12) or one period (2018).",
)
@_plugins_option
@_format_option(*rp.FORMATS)
@_lang_option
@_divisions_option
@_reveal_option
@_output_option
def entitlements(
    registry: Path,
    period_range: tuple[Period, Period],
    plugins: str | None,
    fmt: str,
    lang: str | None,
    divisions: str | None,
    reveal: bool,
    output: Path | None,
) -> int:
    """The money due: per subject (child, worker, service point) and month, the amount under
    each entitlement rule in scope and the parameter that set it, or why it cannot be
    computed; then totals by county, by paying level and by rule.

    The range is read as the fewest months, quarters and years that cover it, one pass over
    the registry each (2018-01..2018-12 is one pass).
    """
    first, last = period_range
    language = _lang(lang)
    engine = _engine(plugins)
    check = _division_check(divisions, first.start.year, last.end.year)
    with _registry_file(registry, output) as source:
        opened = [open_registry(source, division_check=check)]

        def open_stream() -> RegistryStream:
            return opened.pop() if opened else open_registry(source)

        end = _entitlements(opened, open_stream, engine, first, last, fmt, language, reveal, output)
    if end.rejections and fmt != "table":
        _note(f"{len(end.rejections)} records were rejected; see careprotect validate {registry}")
    _warned(end.warnings, fmt)
    return EXIT_ERRORS if end.errors else EXIT_OK


def _entitlements(
    opened: list[RegistryStream],
    open_stream: Callable[[], RegistryStream],
    engine: Engine,
    first: Period,
    last: Period,
    fmt: str,
    language: rp.Lang,
    reveal: bool,
    output: Path | None,
) -> rp.EntitlementsEnd:
    """Write the entitlements report; ``opened`` holds the stream already open."""
    reference = opened[0].reference
    try:
        with _output(output, csv=fmt == "csv") as out:
            writer: rp.EntitlementsWriter
            if fmt == "json":
                writer = rp.JsonEntitlementsWriter(out)
            elif fmt == "csv":
                writer = rp.CsvEntitlementsWriter(out)
            else:
                writer = rp.TableEntitlementsWriter(out, lang=language, reference=reference)
            with _progress("entitlements", "amounts", out) as progress:
                end = rp.run_entitlements(
                    engine, open_stream, first, last, writer, reveal=reveal, progress=progress
                )
    finally:
        for stream in opened:
            stream.close()
    return end


@cli.command(
    short_help="Each worker's children due a contact in a month.",
    epilog=_example(
        "careprotect plan examples/sample-registry.jsonl --month 2020-07",
        "careprotect plan registry.jsonl --month 2020-07 --plugins hubei --format csv -o plan.csv",
    ),
)
@click.argument("registry", type=click.Path(path_type=Path))
@click.option("--month", type=MONTH, required=True, help="The month planned, such as 2020-07.")
@_plugins_option
@_format_option(*rp.FORMATS)
@_lang_option
@_divisions_option
@_reveal_option
@_output_option
def plan(
    registry: Path,
    month: Period,
    plugins: str | None,
    fmt: str,
    lang: str | None,
    divisions: str | None,
    reveal: bool,
    output: Path | None,
) -> int:
    """Contacts due in MONTH: for each worker, the children due a contact under the contact
    rules in scope, how many contacts are still due and the last contact date, in the order
    of the worker's villages; children with no responsible worker come last."""
    language = _lang(lang)
    engine = _engine(plugins)
    check = _division_check(divisions, month.start.year, month.end.year)
    with (
        _registry_file(registry, output) as source,
        open_registry(source, division_check=check) as stream,
        _output(output, csv=fmt == "csv") as out,
    ):
        end = rp.write_plan(
            engine.plan(stream, month, reveal=reveal),
            out,
            month=month,
            plugins=engine.plugins,
            stream=stream,
            fmt=cast(rp.Format, fmt),
            lang=language,
            rules=rp.plan_rule_states(engine, month),
        )
        _warned(stream.warnings, fmt)
    return EXIT_ERRORS if end.errors else EXIT_OK


@cli.command(
    short_help="The catalogue of categories and rules.",
    epilog=_example("careprotect rules", "careprotect rules --plugins hunan --lang zh"),
)
@_plugins_option
@_format_option("table", "json")
@_lang_option
def rules(plugins: str | None, fmt: str, lang: str | None) -> int:
    """The catalogue: every category and rule loaded, with its kind, subject, scope, plugin
    and sources."""
    engine = _engine(plugins)
    with _output(None) as out:
        rp.write_catalogue("rules", rp.rules_report(engine), out, fmt=fmt, lang=_lang(lang))
    return EXIT_OK


@cli.command(
    short_help="The parameters in force for a division on a day.",
    epilog=_example(
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
@_plugins_option
@_format_option("table", "json")
@_lang_option
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
    engine = _engine(plugins)
    day = at or _today()
    if stale:
        report = stale_report(engine, division, day, STALE_MONTHS if months is None else months)
    else:
        report = rp.parameters_report(engine, division, day)
    with _output(None) as out:
        kind = "stale" if stale else "parameters"
        rp.write_catalogue(kind, report, out, fmt=fmt, lang=_lang(lang))
    return EXIT_OK


@cli.command(
    short_help="The plugins loaded, with scope and version.",
    epilog=_example("careprotect plugins", "careprotect plugins --format json"),
)
@_plugins_option
@_format_option("table", "json")
@_lang_option
def plugins(plugins: str | None, fmt: str, lang: str | None) -> int:
    """The plugins loaded: name, version, scope and title, the national baseline first."""
    engine = _engine(plugins)
    with _output(None) as out:
        rp.write_catalogue("plugins", rp.plugins_report(engine), out, fmt=fmt, lang=_lang(lang))
    return EXIT_OK


@cli.command(
    short_help="Write a synthetic registry of fictional children.",
    epilog=_example("careprotect synth --province 43 --children 1000 --seed 1 -o synthetic.jsonl"),
)
@click.option("--province", required=True, metavar="CODE", help="A province code, such as 43.")
@click.option("--children", type=click.IntRange(min=0), required=True, help="How many child files.")
@click.option("--seed", type=int, default=0, show_default=True, help="The random seed.")
@_output_option
def synth(province: str, children: int, seed: int, output: Path | None) -> int:
    """Write a synthetic registry (JSON Lines) of fictional children in a province, for
    trials and benchmarks. The same seed gives the same registry."""
    try:
        module = importlib.import_module("careprotect.synth")
    except ModuleNotFoundError as exc:
        if exc.name not in ("careprotect.synth", "careprotect"):
            raise
        raise CommandError(
            "synth is not available: this careprotect has no careprotect.synth"
        ) from None
    write_synthetic = cast(Callable[..., int], module.write_synthetic)
    try:
        with _output(output) as out:
            written = write_synthetic(out, province=province, children=children, seed=seed)
    except (CareProtectError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    _note(f"wrote {written} records to {output if output is not None else 'stdout'}")
    return EXIT_OK


# -- entry point -------------------------------------------------------------------------------


def _one_line(message: str) -> str:
    return " ".join(message.split())


_PLUGIN_HINT = " (fix or uninstall the plugin, or leave it out with --plugins)"
"""What to do about a plugin that cannot be used, added to its error's line (other errors'
messages say what to do themselves)."""


def _on_sigterm(signum: int, frame: object) -> None:
    # Worker processes forked during the run set SIGTERM back to its default themselves
    # (careprotect._pool), so this runs in the command's own process only.
    raise _Terminated


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM raises :class:`_Terminated` in the main thread while the command runs (SIGINT
    raises KeyboardInterrupt already), so that partial output is removed and worker
    processes are ended before the command exits."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _debug_logging(debug: bool) -> Iterator[None]:
    """With ``debug``: the library's log records on stderr while the command runs, scrubbed
    like every line."""
    if not debug:
        yield
        return

    class Scrubbed(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return scrub(super().format(record))

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Scrubbed("careprotect: %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("careprotect")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module's docstring).

    Errors give one line on stderr starting ``careprotect:``, never a traceback unless
    ``--debug`` is given (before or after the verb).
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        with _signals(), _debug_logging(debug):
            return _run(args, debug)
    except _Terminated:
        _err("careprotect: terminated (SIGTERM); partial output removed")
        return EXIT_TERMINATED


def _run(args: list[str], debug: bool) -> int:
    """:func:`main` less the signals: the status, with every error as one line."""
    try:
        result = cli.main(args=args, prog_name="careprotect", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        _err("careprotect: give a command (see the list above)")
        return EXIT_USAGE
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "careprotect"
        verb = where.removeprefix("careprotect").strip()
        _err(
            f"careprotect: {verb + ': ' if verb else ''}{_one_line(exc.format_message())}"
            f" (see '{where} --help')"
        )
        return EXIT_USAGE
    except click.ClickException as exc:
        _err(f"careprotect: {_one_line(exc.format_message())}")
        return exc.exit_code
    except click.Abort:
        _err("careprotect: interrupted; partial output removed")
        return EXIT_INTERRUPTED
    except (_ReaderGoneError, BrokenPipeError):
        # The reader went away (careprotect ... | head): stop quietly.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # every error becomes one line and a status
        return _failed(exc, debug)
    return result if isinstance(result, int) else EXIT_OK


def _failed(exc: Exception, debug: bool) -> int:
    """Report ``exc`` on stderr (its traceback first with ``debug``); returns the status."""
    if debug:
        _err("".join(traceback.format_exception(exc)).rstrip("\n"))
    if isinstance(exc, CareProtectError):
        hint = _PLUGIN_HINT if isinstance(exc, PluginError) else ""
        _err(f"careprotect: {_one_line(str(exc))}{hint}")
        return EXIT_ERRORS if isinstance(exc, EvaluationError) else EXIT_USAGE
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        where = f": {exc.filename}" if exc.filename else ""
        _err(f"careprotect: cannot write{where}: {exc.strerror} (free some space, or use -o)")
        return EXIT_USAGE
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        _err(f"careprotect: input or output failed{where}: {exc.strerror or exc}")
        return EXIT_USAGE
    if isinstance(exc, sqlite3.OperationalError):
        # The audit table's spool of findings (a temporary SQLite file) could not be written.
        _err(
            f"careprotect: cannot write the table's temporary file: {exc} (free some space "
            "where TMPDIR points, or use --format json or csv)"
        )
        return EXIT_USAGE
    if isinstance(exc, MemoryError):
        _err("careprotect: out of memory; give the command more memory, or a smaller registry")
        return EXIT_INTERNAL
    _err(
        f"careprotect: internal error ({type(exc).__name__}: {_one_line(str(exc))}); this is a "
        "bug in careprotect or a plugin: please report it with the output of the same command "
        "run with --debug"
    )
    return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
