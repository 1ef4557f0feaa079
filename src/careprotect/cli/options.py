"""The command line's options: their types (dates, periods, ranges, divisions, jobs), the
options several verbs share, and what an option's value resolves to (the engine, the number
of processes, the language, the check of division records)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click

from careprotect import report as rp
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.io import DivisionCheck
from careprotect.periods import Period, PeriodKind, parse_period_range
from careprotect.pipeline.executors import Executor
from careprotect.pipeline.on_dask import DaskExecutor, dask_client
from careprotect.reading.joined import registry_files

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = [
    "AUTO_JOBS_MIN_BYTES",
    "DATE",
    "DIVISION",
    "EARLIEST",
    "JOBS",
    "LATEST",
    "MAX_RANGE_YEARS",
    "MONTH",
    "PERIOD",
    "RANGE",
    "Decorator",
    "ReportArgs",
    "as_of_option",
    "day_or_period",
    "default_as_of",
    "division_check_for",
    "divisions_option",
    "example",
    "format_option",
    "jobs_for",
    "lang_option",
    "load_engine",
    "output_option",
    "period_option",
    "plugins_option",
    "registry_argument",
    "report_options",
    "resolve_lang",
    "reveal_option",
    "today",
    "usable_cpus",
]

EARLIEST = dt.date(1949, 10, 1)
"""The first day a date or period given on the command line may reach: the founding of the
People's Republic, before any rule careprotect encodes."""
LATEST = dt.date(2100, 12, 31)
"""The last day a date or period given on the command line may reach."""
MAX_RANGE_YEARS = 50
"""The longest ``entitlements --period`` range, in years: longer than any child's claim
(birth to 18) many times over, short enough that a typo cannot write gigabytes."""


def _in_range(day: dt.date, what: str, value: object) -> str | None:
    """Why ``day`` (from option text ``value``) is outside the range a command-line date or
    period may reach, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    return f"{what} must lie between {EARLIEST} and {LATEST} (got {value!r})"


def today() -> dt.date:
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


_Parsed = TypeVar("_Parsed")


class _SpanType(_ParamType):
    """An option type whose text is parsed into periods that must lie within the dates a
    command line may reach."""

    def parsed(
        self,
        parse: Callable[[str], _Parsed],
        value: str,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> _Parsed:
        """``parse(value)``; a failure to parse is the option's error."""
        try:
            return parse(value)
        except InvalidValueError as exc:
            self.fail(exc.problem, param, ctx)

    def check_reach(
        self,
        span: tuple[dt.date, dt.date],
        what: str,
        value: str,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> None:
        """Fail unless the first and last day of ``span`` lie within the reachable dates."""
        problem = _in_range(span[0], what, value) or _in_range(span[1], what, value)
        if problem is not None:
            self.fail(problem, param, ctx)


class _PeriodType(_SpanType):
    def __init__(self, name: str, kind: PeriodKind | None = None) -> None:
        self.name = name
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Period):
            return value
        period = self.parsed(Period.parse, value, param, ctx)
        if self.kind is not None and period.kind is not self.kind:
            self.fail(f"must be a {self.kind.value} such as 2020-07 (got {value!r})", param, ctx)
        self.check_reach((period.start, period.end), "the period", value, param, ctx)
        return period


class _RangeType(_SpanType):
    name = "FIRST..LAST"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        first, last = self.parsed(parse_period_range, value, param, ctx)
        if first.kind is PeriodKind.WEEK:
            self.fail(f"must be months, quarters or years (got {value!r})", param, ctx)
        self.check_reach((first.start, last.end), "the range", value, param, ctx)
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

plugins_option: Decorator = click.option(
    "--plugins",
    metavar="NAMES",
    default=None,
    help="Comma-separated names of installed plugins to load besides the built-in national "
    "baseline ('national' alone loads only the baseline). Default: every installed plugin.",
)
dask_option: Decorator = click.option(
    "--dask",
    metavar="local:N|tcp://HOST:PORT",
    default=None,
    help="Read and judge the child files of a JSON Lines registry on a Dask cluster: 'local:N' "
    "starts N worker processes on this machine for the run; an address uses a running "
    "scheduler whose workers see the registry at the same path. Needs "
    "pip install 'careprotect[dask]'. The report is the same. See docs/scale.md.",
)
lang_option: Decorator = click.option(
    "--lang",
    type=click.Choice(rp.LANGS),
    default=None,
    help="Language of tables and messages. Default: from LC_ALL, LC_MESSAGES or LANG "
    "(zh... gives Chinese), else English.",
)
output_option: Decorator = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the result to FILE (replaced only once complete) instead of stdout.",
)
divisions_option: Decorator = click.option(
    "--divisions",
    type=click.Choice(["official"]),
    default=None,
    help="'official': check the registry's division records against the official table "
    "shipped with careprotect (GB/T 2260 codes 1980-2025 with their years, township codes "
    "and names of 2025-12-31) for the dates read, and report codes that did not exist then "
    "and names that differ from the official name as warnings. Warnings never reject a "
    "record and do not change the exit status.",
)
reveal_option: Decorator = click.option(
    "--reveal",
    is_flag=True,
    help="Show names and ID numbers unmasked. Reports then hold sensitive personal data.",
)


_FORMAT_HELP = {
    "table": "a table to read",
    "json": "one JSON document",
    "csv": "one row per record",
    "xlsx": "an Excel workbook, a summary sheet then the rows; needs -o",
    "html": "one self-contained page with charts and filters",
}


registry_argument = click.argument("registry", type=click.Path(path_type=Path))
"""The REGISTRY every verb that reads one takes: a file, a directory or ``-``."""

as_of_option = click.option(
    "--as-of",
    type=DATE,
    default=None,
    help="The day judged: point-in-time rules judge it, periodic rules their latest complete "
    "period ending by it. Default: the last day of the previous month.",
)
period_option = click.option(
    "--period",
    type=PERIOD,
    default=None,
    help="Instead of --as-of: a week, month, quarter or year (2020-W23, 2020-06, 2020-Q2, "
    "2020); periodic rules judge each of their periods whose last day falls in it.",
)


def day_or_period(as_of: dt.date | None, period: Period | None) -> dt.date | None:
    """``as_of``, or the default day when neither it nor ``period`` is given; a usage error
    when both are."""
    if as_of is not None and period is not None:
        raise click.UsageError("give --as-of or --period, not both")
    if as_of is None and period is None:
        return default_as_of(today())
    return as_of


def format_option(*choices: str) -> Decorator:
    described = "; ".join(f"{c}: {_FORMAT_HELP[c]}" for c in choices)
    extra = (
        " xlsx and html need pip install 'careprotect[reports]' (docs/reports.md)."
        if "xlsx" in choices
        else ""
    )
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help=f"Output format ({described}).{extra}",
    )


@attrs.frozen
class ReportArgs:
    """The values of :func:`report_options`, given to the verb as one ``report`` argument."""

    plugins: str | None
    fmt: str
    lang: str | None
    divisions: str | None
    reveal: bool
    output: Path | None

    def __attrs_post_init__(self) -> None:
        if self.fmt == "xlsx" and self.output is None:
            raise click.UsageError(
                "--format xlsx writes a workbook, which is not text: give -o FILE.xlsx"
            )

    def language(self) -> rp.Lang:
        """The language of ``--lang``, else of the environment."""
        return resolve_lang(self.lang)

    def engine(self) -> Engine:
        """The engine with the plugins of ``--plugins``."""
        return load_engine(self.plugins)

    def division_check(self, first: int, last: int) -> DivisionCheck | None:
        """The check of division records of ``--divisions`` over the years ``first`` to
        ``last``."""
        return division_check_for(self.divisions, first, last)


_REPORT_ARGS = tuple(field.name for field in attrs.fields(ReportArgs))


def report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a verb that writes a report over a registry, in the order help lists
    them: ``--plugins``, ``--format`` (table, json, csv, xlsx or html), ``--lang``, ``--divisions``,
    ``--reveal``, ``-o``; the verb receives their values as one :class:`ReportArgs`,
    ``report``."""

    @functools.wraps(command)
    def bundled(**values: Any) -> Any:
        report = ReportArgs(**{name: values.pop(name) for name in _REPORT_ARGS})
        return command(report=report, **values)

    verb: Callable[..., Any] = bundled
    for option in reversed(
        (
            plugins_option,
            format_option(*rp.FORMATS),
            lang_option,
            divisions_option,
            reveal_option,
            output_option,
        )
    ):
        verb = option(verb)
    return verb


def example(*lines: str) -> str:
    """A help epilog whose example lines click does not rewrap."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


# -- helpers -----------------------------------------------------------------------------------


@contextlib.contextmanager
def executor_for(dask: str | None) -> Iterator[Executor | None]:
    """The executor ``--dask`` names, for as long as the run lasts (None without it)."""
    if dask is None:
        yield None
        return
    with dask_client(dask) as client:
        yield DaskExecutor(client)


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def jobs_for(jobs: int | str, registry: Path) -> int:
    """The worker processes for ``--jobs``: 'auto' is every usable CPU for a big registry
    (see AUTO_JOBS_MIN_BYTES), else one."""
    if isinstance(jobs, int):
        return jobs
    try:
        files = registry_files(registry) if registry.is_dir() else [registry]
        big = sum(f.stat().st_size for f in files) >= AUTO_JOBS_MIN_BYTES
    except OSError:  # open_registry reports it (a RegistryReadError is one)
        big = False
    return usable_cpus() if big else 1


def load_engine(names: str | None) -> Engine:
    from careprotect.engine import Engine

    if names is None:
        return Engine.from_entry_points()
    allow = [n for n in (s.strip() for s in names.split(",")) if n and n != "national"]
    return Engine.from_entry_points(allow)


def division_check_for(divisions: str | None, first: int, last: int) -> DivisionCheck | None:
    """The check of division records that ``--divisions`` asks for, over the years
    ``first`` to ``last``; None without the option."""
    if divisions is None:
        return None
    from careprotect.division_table import division_check

    return division_check(range(first, last + 1))


def resolve_lang(lang: str | None) -> rp.Lang:
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    return rp.language_from_env(os.environ)
