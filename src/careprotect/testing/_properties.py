"""The property checks' machinery: strategies of registries, days and periods around a
plugin's scope, and running a property over them with one message per failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from careprotect import pipeline
from careprotect.divisions import PROVINCE_CODES, Division, Level
from careprotect.engine import Engine
from careprotect.enums import ParentSituationKind
from careprotect.faults import FAILED
from careprotect.findings import Finding, Outcome
from careprotect.model import DivisionRecord, ReferenceData, Registry
from careprotect.periods import Period, PeriodKind
from careprotect.testing._subject import (
    PropertyFailedError,
    When,
    describe_error,
    property_settings,
)
from careprotect.testing._template import village_in
from careprotect.testing.strategies import children, periods, service_points, workers

# -- strategies ------------------------------------------------------------------------------


def _sibling(division: Division) -> Division:
    """Another division of the same level under the same parent."""
    parent = division.parent
    assert parent is not None
    segment = division.code[len(parent.code) :]
    other = str(1 if int(segment) != 1 else 2).zfill(len(segment))
    return Division(parent.code + other)


def outside_divisions(scope: Division) -> tuple[Division, ...]:
    """Divisions just outside ``scope``: another province, a sibling of the scope and of each
    of its ancestors below the province, and a village in each of them."""
    province = scope.province
    other = next(Division(code) for code in sorted(PROVINCE_CODES) if code != province.code)
    tops = [other, *(_sibling(d) for d in [*scope.ancestors, scope] if d.level > Level.PROVINCE)]
    found: list[Division] = []
    for top in tops:
        found += [top, village_in(top)]
    return tuple(dict.fromkeys(found))


def periods_in(years: st.SearchStrategy[int]) -> st.SearchStrategy[Period]:
    """Months, quarters and years of ``years`` (entitlements refuse weeks)."""
    kinds = st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR])
    return st.tuples(kinds, years).flatmap(lambda ky: periods(ky[0], ky[1], ky[1]))


def whens_in(years: st.SearchStrategy[int]) -> st.SearchStrategy[When]:
    """A day of ``years`` (an audit ``as_of``) or a month, quarter or year of them."""
    days = years.flatmap(lambda y: st.dates(dt.date(y, 1, 1), dt.date(y, 12, 31)))
    return days | periods_in(years)


@st.composite
def _registries(
    draw: st.DrawFn, places: st.SearchStrategy[list[Division | None]], day: dt.date
) -> Registry:
    """A small registry whose subjects lie within the divisions drawn from ``places`` (each
    listed as a division record); children are often of an age (on ``day``) and in parent
    situations that put them in categories."""
    bases = draw(places)
    where = st.sampled_from(bases)
    records: dict[Division, DivisionRecord] = {}
    for base in bases:
        if base is not None:
            records[base] = DivisionRecord(code=base, name=f"({base})")
    n_children = draw(st.integers(1, 3))
    child_ids = [f"C{i:05d}" for i in range(1, n_children + 1)]
    worker_ids = [f"W{i:04d}" for i in range(1, draw(st.integers(0, 2)) + 1)]
    point_ids = [f"P{i:04d}" for i in range(1, draw(st.integers(0, 2)) + 1)]
    staff = tuple(draw(workers(draw(where), worker_id=w)) for w in worker_ids)
    points = tuple(
        draw(service_points(draw(where), point_id=p, director_ids=worker_ids, child_ids=child_ids))
        for p in point_ids
    )
    kinds = st.none() | st.lists(st.sampled_from(ParentSituationKind), min_size=1, max_size=2)
    kids = tuple(
        draw(
            children(
                draw(where),
                age_on=draw(st.none() | st.integers(0, 17).map(lambda a: (day, a))),
                parent_situations=draw(kinds),
                max_facts=2,
                child_id=c,
                worker_ids=worker_ids,
                service_point_ids=point_ids,
            )
        )
        for c in child_ids
    )
    reference = ReferenceData(
        divisions=tuple(records.values()), workers=staff, service_points=points
    )
    return Registry(reference=reference, children=kids)


def _day(when: When) -> dt.date:
    return when if isinstance(when, dt.date) else when.start


def property_cases(
    years: st.SearchStrategy[int],
    places: st.SearchStrategy[list[Division | None]],
    when: Callable[[st.SearchStrategy[int]], st.SearchStrategy[Any]],
) -> st.SearchStrategy[tuple[Any, Registry]]:
    return when(years).flatmap(lambda w: st.tuples(st.just(w), _registries(places, _day(w))))


def run_property(
    check: str,
    cases: st.SearchStrategy[tuple[Any, Registry]],
    examine: Callable[[Any, Registry], list[str]],
) -> list[str]:
    """Run ``examine`` over drawn cases; the problems of the first failing case, if any."""

    @property_settings()
    @given(cases)
    def run(case: tuple[Any, Registry]) -> None:
        when, registry = case
        problems = examine(when, registry)
        if problems:
            raise PropertyFailedError(problems)

    try:
        run()
    except PropertyFailedError as exc:
        return exc.problems
    except ExceptionGroup as group:  # hypothesis's FlakyFailure: it failed, then passed
        failed = [e for e in _leaves(group) if isinstance(e, PropertyFailedError)]
        if not failed:
            return [f"{check}: the property test could not run: {describe_error(group)}"]
        return [
            *failed[0].problems,
            f"{check}: this example failed once and passed when it was run again: a rule "
            "does not give the same answer for the same input",
        ]
    except Exception as exc:
        return [f"{check}: the property test could not run: {describe_error(exc)}"]
    return []


def _leaves(group: BaseExceptionGroup[Any]) -> Iterator[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


def culprit_of(exc: BaseException, engine: Engine) -> str:
    """``rule 'x' raised ...``: the innermost registered rule or category in whose code
    ``exc`` arose (``the engine`` when none)."""
    if isinstance(exc, _RuleFailedError):
        return str(exc)
    items = {id(r.item): f"rule {r.id!r}" for r in engine.rules}
    items.update({id(c.item): f"category {c.id!r}" for c in engine.categories})
    tb = exc.__traceback__
    culprit = "the engine"
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        culprit = items.get(id(owner), culprit)
        tb = tb.tb_next
    return f"{culprit} raised {describe_error(exc)}"


class _RuleFailedError(Exception):
    """An audit gave an error finding: a rule failed for a subject (the audit went on)."""


def audit_findings(engine: Engine, registry: Registry, when: When) -> list[Finding]:
    """The findings of an audit; raises _RuleFailedError at its first error finding."""
    if isinstance(when, Period):
        findings = list(pipeline.audit(engine, registry, period=when))
    else:
        findings = list(pipeline.audit(engine, registry, as_of=when))
    failed = next((f for f in findings if f.outcome is Outcome.ERROR), None)
    if failed is not None:
        what = failed.message.en.removeprefix(FAILED.en.partition("{")[0])
        raise _RuleFailedError(f"rule {failed.rule!r} raised {what}")
    return findings


def when_text(when: When) -> str:
    return f"as of {when.isoformat()}" if isinstance(when, dt.date) else f"over {when}"
