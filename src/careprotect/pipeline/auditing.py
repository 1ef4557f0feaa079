"""A running audit: the findings of the compliance rules about every subject of a registry,
counted, as findings, rendered findings, or chunks of rendered text."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from careprotect.findings import Finding, SubjectKind, Summary
from careprotect.io import RegistryStream
from careprotect.model import Registry
from careprotect.periods import Period
from careprotect.pipeline.chunks import Chunk, Rendered, joined, rendered
from careprotect.pipeline.executors import Executor
from careprotect.pipeline.forked import can_fork
from careprotect.pipeline.parallel import PartsRun, fork_executor
from careprotect.pipeline.runner import FindingsJob, Run, each, sources

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = ["Audit"]

T = TypeVar("T")


@attrs.define(eq=False, repr=False)
class Audit:
    """A running audit: iterate it for findings as they are made, or call :meth:`rendered`
    once instead; once it is exhausted, :attr:`summary` holds the counts (subjects by kind,
    findings by rule and outcome)."""

    engine: Engine
    _source: Registry | RegistryStream
    as_of: dt.date | None = attrs.field(kw_only=True)
    period: Period | None = attrs.field(kw_only=True)
    reveal: bool = attrs.field(default=False, kw_only=True)
    jobs: int = attrs.field(default=1, kw_only=True)
    executor: Executor | None = attrs.field(default=None, kw_only=True)
    summary: Summary = attrs.field(init=False, factory=Summary)
    _started: bool = attrs.field(init=False, default=False)

    def _parallel(self) -> bool:
        """Whether the child files are read and judged by worker processes."""
        if self.executor is not None:
            return True
        if self.jobs <= 1 or not isinstance(self._source, RegistryStream):
            return False
        return self._source.lines and can_fork()

    def __iter__(self) -> Iterator[Finding]:
        return self._run(None)

    def rendered(self, render: Callable[[Finding], T]) -> Iterator[Rendered[T]]:
        """The findings, each as :class:`Rendered`: its rule, outcome and division, and
        ``render(finding)``. In a parallel audit the worker processes call ``render``, so
        the findings themselves never travel between processes: give a function that makes
        what is kept or written of a finding (a report's text, say). It must not depend on
        state this process changes during the audit, and what it returns must pickle. Call
        it once, instead of iterating the audit."""
        return self._run(render)

    def chunks(self, render: Callable[[Finding], bytes | None]) -> Iterator[Chunk]:
        """The findings in :class:`Chunk` objects: each holds the texts ``render`` makes of a run
        of consecutive findings (None for no text), joined in order, and how many findings
        of the run there are under each rule, outcome and division. The chunks hold every
        finding once, in order; where one chunk ends is not part of the contract.

        The cheapest way to write a report: in a parallel audit the worker processes render
        the findings and join the texts of each part of the file, and this process neither
        sees nor counts single findings. ``render`` must make self-contained texts (a line
        with its line end, say) and must not depend on state this process changes during the
        audit. Call it once, instead of iterating the audit."""
        return self._run(render, chunks=True)

    def _run(
        self, render: Callable[[Finding], Any] | None, *, chunks: bool = False
    ) -> Iterator[Any]:
        if self._started:
            raise RuntimeError("an Audit can be iterated only once")
        self._started = True
        return self._findings(render, chunks)

    def _findings(self, render: Callable[[Finding], Any] | None, chunks: bool) -> Iterator[Any]:
        """The findings, or with ``render`` what :meth:`rendered` yields (or with ``chunks``
        what :meth:`chunks` yields); counted."""
        parallel = self._parallel()
        job = FindingsJob(as_of=self.as_of, period=self.period, reveal=self.reveal)
        reference, children = sources(self._source, job, read=not parallel)
        run = Run(self.engine, job, reference)
        if parallel:
            assert isinstance(self._source, RegistryStream)
            executor = self.executor or fork_executor(self.jobs, run)
            yield from PartsRun(
                self._source, run, executor, self.summary, render=render, chunks=chunks
            )
            return
        for _, subjects in _by_kind(self._counted(each(run, children))):
            if chunks:
                assert render is not None
                yield from joined(subjects, render)
                continue
            for found in subjects:
                yield from found if render is None else rendered(found, render)

    def _counted(
        self, judged: Iterable[tuple[SubjectKind, Any, list[Finding]]]
    ) -> Iterator[tuple[SubjectKind, list[Finding]]]:
        """Each subject's findings, with its kind, counted in the summary."""
        add = self.summary.add
        counted = self.summary.subjects
        for kind, _, findings in judged:
            counted[kind.value] += 1
            for finding in findings:
                add(finding)
            yield kind, findings


def _by_kind(
    judged: Iterator[tuple[SubjectKind, list[Finding]]],
) -> Iterator[tuple[SubjectKind, Iterator[list[Finding]]]]:
    """The findings of the subjects of each kind in turn, as ``itertools.groupby`` gives them
    (a chunk never holds findings about subjects of two kinds)."""
    for kind, group in itertools.groupby(judged, key=lambda pair: pair[0]):
        yield kind, (findings for _, findings in group)
