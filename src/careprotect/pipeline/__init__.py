"""The pipeline: reader -> engine -> writer, and the executors that run it.

A run reads a registry (:mod:`careprotect.io`), judges each subject by the rules of one kind in
scope (:mod:`careprotect.judging`, one runner for every kind of result:
:mod:`careprotect.pipeline.runner`), and hands what it makes to the caller or a report writer:
findings (:class:`Audit`), amounts (:func:`entitlements`), or worker plans (:func:`plan`).
Where the subjects are judged is the executor's business: this process
(:func:`~careprotect.pipeline.runner.each`), or worker processes that read and judge the
registry part by part (:mod:`careprotect.pipeline.parallel`,
:class:`~careprotect.pipeline.forked.ForkExecutor`). See docs/pipeline.md.

:func:`audit`, :func:`entitlements` and :func:`plan` are the public entry points (also
importable from :mod:`careprotect`). The engine knows the rules and judges one subject; these
join it to a reader, so the engine never imports the reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from careprotect.errors import InvalidValueError
from careprotect.io import RegistryStream
from careprotect.pipeline.auditing import Audit
from careprotect.pipeline.chunks import Chunk, Rendered
from careprotect.pipeline.executors import Executor
from careprotect.pipeline.parallel import PartsRun
from careprotect.pipeline.runner import AmountsJob, Job, PlanJob, Run, each, sources
from careprotect.planning import WorkerPlan, plans

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.model import Registry
    from careprotect.periods import Period
    from careprotect.rules.entitlements import Amount

__all__ = ["Audit", "Chunk", "Rendered", "audit", "entitlements", "plan"]

R = TypeVar("R")


def audit(
    engine: Engine,
    source: Registry | RegistryStream,
    *,
    as_of: dt.date | None = None,
    period: Period | None = None,
    reveal: bool = False,
    jobs: int = 1,
    executor: Executor | None = None,
) -> Audit:
    """Judge every subject of a registry by every compliance rule in scope.

    Give ``as_of`` (point-in-time rules judge that day; period rules judge their latest
    complete period ending on or before it) or ``period`` (period rules judge each of
    their periods whose last day falls inside it, so consecutive audits judge every period
    once; point-in-time rules judge its last day). Every periodic rule follows this one
    convention (:func:`careprotect.rules.common.judged_periods`). Iterate the result for
    findings; its ``summary`` is complete once iteration ends. Children's ids (when they
    look like ID numbers) and names, and workers' names, are masked in the findings'
    subjects unless ``reveal`` is true.

    ``jobs`` above 1 reads and judges the child files of a JSON Lines
    :class:`RegistryStream` in that many worker processes, on platforms that fork
    (Linux); the findings, rejections and counts are the same, in the same order. Any
    other source, or a platform that does not fork, is audited in this process. A worker
    that dies, or workers that make no progress for 60 seconds (the environment variable
    ``CAREPROTECT_WORKER_TIMEOUT`` sets another number), make iterating raise
    :class:`~careprotect.errors.EvaluationError`, which says from which line on nothing
    was judged. See docs/performance.md.

    ``executor`` (a :class:`~careprotect.pipeline.on_dask.DaskExecutor`, say) reads and
    judges the child files of a JSON Lines :class:`RegistryStream` part by part on its
    workers instead, with the same findings, rejections and counts in the same order; ``jobs``
    is then not used. See docs/scale.md.
    """
    if (as_of is None) == (period is None):
        raise InvalidValueError("give exactly one of 'as_of' and 'period'")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidValueError(f"'jobs' must be a whole number of at least 1 (got {jobs!r})")
    _check_executor(source, executor)
    return Audit(
        engine, source, as_of=as_of, period=period, reveal=reveal, jobs=jobs, executor=executor
    )


def _check_executor(source: Registry | RegistryStream, executor: Executor | None) -> None:
    if executor is not None and not (isinstance(source, RegistryStream) and source.lines):
        raise InvalidValueError(
            "an executor reads a registry in parts: give an open JSON Lines registry "
            "(careprotect.open_registry of a .jsonl file)",
            field="executor",
        )


def _results(
    engine: Engine, source: Registry | RegistryStream, job: Job[R], executor: Executor | None
) -> Iterator[R]:
    """What ``job`` makes of every subject of ``source``, in order: judged in this process,
    or by ``executor``'s workers part by part."""
    reference, children = sources(source, job, read=executor is None)
    run = Run(engine, job, reference)
    if executor is not None:
        assert isinstance(source, RegistryStream)
        yield from PartsRun(source, run, executor)
        return
    for _, _, found in each(run, children):
        yield from found


def entitlements(
    engine: Engine,
    source: Registry | RegistryStream,
    period: Period | Sequence[Period],
    *,
    reveal: bool = False,
    executor: Executor | None = None,
) -> Iterator[Amount]:
    """Every Amount of every registered entitlement rule over ``period`` (a month, quarter
    or year, or consecutive ones covering a range, in one pass: see
    :func:`careprotect.report.cover`): workers first, then service points, then children
    (one child file at a time, so a stream stays flat in memory). Each subject gets the
    amounts of each rule whose registered scope contains its division, rules in id order,
    months in order. Subjects
    are masked unless ``reveal`` is true. ``executor`` judges the child files of a JSON Lines
    stream part by part on its workers, as for :func:`audit`.
    """
    job = AmountsJob(period, reveal=reveal)
    _check_executor(source, executor)
    return _results(engine, source, job, executor)


def plan(
    engine: Engine,
    source: Registry | RegistryStream,
    month: Period,
    *,
    reveal: bool = False,
    executor: Executor | None = None,
) -> Iterator[WorkerPlan]:
    """Each worker's contacts still due in ``month`` under the contact rules (see
    :mod:`careprotect.planning`).

    :param engine: the engine whose registered contact rules apply (each to the children
        within its scope).
    :param source: a registry in memory, or an open :class:`~careprotect.RegistryStream`
        (read once, one child file at a time).
    :param month: a month (:class:`~careprotect.Period` of kind month).
    :param reveal: show children's and workers' ids and names unmasked (default: masked).
    :param executor: judges the child files of a JSON Lines stream part by part on its
        workers, as for :func:`audit` (default: this process).
    :return: one :class:`WorkerPlan` per worker with something due, by worker id, then the
        plan of children with no responsible worker found, if any.
    """
    job = PlanJob(month, reveal=reveal)
    _check_executor(source, executor)
    return plans(_results(engine, source, job, executor), source.reference, month, reveal)
