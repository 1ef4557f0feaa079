"""The pipeline: reader -> engine -> writer, and the executors that run it.

A run reads a registry (:mod:`careprotect.io`), judges each subject by the rules of one kind in
scope (:mod:`careprotect.judging`, one runner for every kind of result:
:mod:`careprotect.pipeline.runner`), and hands what it makes to the caller or a report writer:
findings (:class:`Audit`), amounts (:func:`entitlements`), or worker plans (:func:`plan`).
Where the subjects are judged is the executor's business: this process
(:func:`~careprotect.pipeline.runner.each`), or worker processes that read and judge the
registry part by part (:mod:`careprotect.pipeline.parallel`,
:class:`~careprotect.pipeline.forked.ForkExecutor`). See docs/pipeline.md.

:class:`~careprotect.engine.Engine`'s ``audit``, ``entitlements`` and ``plan`` are the public
entry points; they call these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from careprotect.pipeline.audit import Audit
from careprotect.pipeline.chunks import Chunk, Rendered
from careprotect.pipeline.runner import AmountsJob, PlanJob, Run, each, sources
from careprotect.planning import WorkerPlan, plans

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.io import RegistryStream
    from careprotect.model import Registry
    from careprotect.periods import Period
    from careprotect.rules.entitlements import Amount

__all__ = ["Audit", "Chunk", "Rendered", "entitlements", "plan"]


def entitlements(
    engine: Engine, source: Registry | RegistryStream, period: Period, *, reveal: bool = False
) -> Iterator[Amount]:
    """Every Amount of every registered entitlement rule over ``period`` (a month, quarter
    or year): workers first, then service points, then children (one child file at a time,
    so a stream stays flat in memory). Each subject gets the amounts of each rule whose
    registered scope contains its division, rules in id order, months in order. Subjects
    are masked unless ``reveal`` is true.
    """
    job = AmountsJob(period, reveal=reveal)

    def amounts() -> Iterator[Amount]:
        reference, children = sources(source, job)
        for _, _, found in each(Run(engine, job, reference), children):
            yield from found

    return amounts()


def plan(
    engine: Engine, source: Registry | RegistryStream, month: Period, *, reveal: bool = False
) -> Iterator[WorkerPlan]:
    """Each worker's contacts still due in ``month`` under the contact rules (see
    :mod:`careprotect.planning`).

    :param engine: the engine whose registered contact rules apply (each to the children
        within its scope).
    :param source: a registry in memory, or an open :class:`~careprotect.RegistryStream`
        (read once, one child file at a time).
    :param month: a month (:class:`~careprotect.Period` of kind month).
    :param reveal: show children's and workers' ids and names unmasked (default: masked).
    :return: one :class:`WorkerPlan` per worker with something due, by worker id, then the
        plan of children with no responsible worker found, if any.
    """
    job = PlanJob(month, reveal=reveal)

    def worker_plans() -> Iterator[WorkerPlan]:
        reference, children = sources(source, job)
        judged = each(Run(engine, job, reference), children)
        yield from plans(((child, due) for _, child, due in judged), reference, month, reveal)

    return worker_plans()
