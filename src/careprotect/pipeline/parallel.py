"""A run whose child files are read and judged in parts, by an executor's workers.

:func:`~careprotect.pipeline.audit` with ``jobs`` above one uses this for a
:class:`~careprotect.io.RegistryStream` of JSON Lines, with the
:class:`~careprotect.pipeline.forked.ForkExecutor` on a platform that can fork; given an
executor (:class:`~careprotect.pipeline.on_dask.DaskExecutor`), the audit and the
entitlements use that one. This process
reads the reference data; the executor's workers judge the divisions, workers and service
points, in runs of :data:`SUBJECTS` by their place in the reference data, then the child files
part by part (:mod:`careprotect.reading.parts`): parts of about :data:`BATCH` bytes of lines,
marked out by looking only for the end of each part's last line. A worker reads its part from
the file itself (:meth:`~careprotect.io.RegistryStream.read_part`), judges every accepted child
file and sends back the part's records and, per child file, its findings (rendered when the
audit renders them, joined with the part's counts when it yields chunks).

This process never reads the child files' lines: it takes the parts' results in input order
(:meth:`~careprotect.io.RegistryStream.take_part`: numbering, duplicate child ids, rejections,
counts), leaves out a duplicate's findings, counts the findings and yields them. So the
findings, rejections and counts are those of a serial audit, in the same order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from careprotect.errors import EvaluationError, InvalidValueError
from careprotect.findings import Finding, Outcome, SubjectKind
from careprotect.io import Part, PartRecord, RegistryStream
from careprotect.pipeline.chunks import Chunk, Joiner, joined, rendered
from careprotect.pipeline.executors import Executor, Task
from careprotect.pipeline.forked import ForkExecutor
from careprotect.pipeline.pool import WorkerLostError, step
from careprotect.pipeline.runner import Run

if TYPE_CHECKING:
    from careprotect.findings import Summary

__all__ = [
    "BATCH",
    "SPAN_VARIABLE",
    "STALL_TIMEOUT",
    "SUBJECTS",
    "TIMEOUT_VARIABLE",
    "PartsRun",
    "fork_executor",
]

BATCH = 1 << 20
"""Bytes of lines a worker is given at a time (at least one line): a part, which it reads
from the file itself, unless the executor prefers another size (``Executor.part_bytes``).
The environment variable :data:`SPAN_VARIABLE` sets another."""

SPAN_VARIABLE = "CAREPROTECT_SPAN_BYTES"
"""The environment variable that sets the bytes of a part instead of :data:`BATCH` (small
parts make a small registry many, for tests)."""

STALL_TIMEOUT = 60.0
"""Seconds the workers may go without progress (a record read or a subject judged, by any of
them) while the audit waits for a result, before they are taken for stopped and the audit
ends with :class:`~careprotect.errors.EvaluationError`: a minute for one record, generous
on a busy machine. The environment variable :data:`TIMEOUT_VARIABLE` sets another."""

TIMEOUT_VARIABLE = "CAREPROTECT_WORKER_TIMEOUT"
"""The environment variable that sets :data:`STALL_TIMEOUT`, in seconds."""

SUBJECTS = 256
"""Divisions, workers or service points a worker is given at a time."""


@attrs.frozen
class _State:
    """What every task of a parallel audit needs (a forked worker inherits it)."""

    stream: RegistryStream
    run: Run[Any]
    render: Callable[[Finding], Any] | None
    chunks: bool
    subjects: dict[SubjectKind, list[Any]] = attrs.field(init=False)

    @subjects.default
    def _subjects(self) -> dict[SubjectKind, list[Any]]:
        return dict(self.run.reference_subjects())

    def joiner(self) -> Joiner | None:
        """What joins the findings' texts when the audit yields chunks, else None."""
        if not self.chunks:
            return None
        assert self.render is not None, "chunks are of rendered findings"
        return Joiner(self.render)

    def out(self, findings: list[Finding]) -> list[Any]:
        """What is sent of ``findings``: themselves, or rendered."""
        return findings if self.render is None else list(rendered(findings, self.render))


# A part's result: its lines, its records, per accepted child file what is sent of its
# findings (in chunks: the end of its text in the part's and the places of its findings'
# count keys, see Joiner.add), and in chunks the part's joined texts, count keys and counts.
_Joined = tuple[bytes, list[Any], list[int]]
_PartResult = tuple[int, list[PartRecord], list[Any], _Joined | None]


def judge_part(state: _State, part: Part) -> _PartResult:
    """A task: read and judge the child files of ``part``."""
    run, joiner, out = state.run, state.joiner(), state.out
    evaluations = run.evaluations[SubjectKind.CHILD]
    judge = run.job.judge
    records: list[PartRecord] = []
    sent: list[Any] = []
    reading = state.stream.read_part(part)
    for record, child in reading:
        step()
        records.append(record)
        if child is not None:
            found = judge(child, evaluations)
            sent.append(out(found) if joiner is None else joiner.add(found))
    return reading.lines, records, sent, None if joiner is None else joiner.parts()


def judge_subjects(state: _State, kind: SubjectKind, start: int, stop: int) -> Any:
    """A task: judge the reference subjects of ``kind`` from ``start`` to ``stop`` (their
    places in the reference data)."""
    run, joiner = state.run, state.joiner()
    items = state.subjects[kind]
    if joiner is not None:
        for item in items[start:stop]:
            step()
            joiner.add(run.judge(kind, item))
        return joiner.chunk()
    findings: list[Any] = []
    for item in items[start:stop]:
        step()
        findings.extend(state.out(run.judge(kind, item)))
    return findings


def _setting(environ: Mapping[str, str], name: str, default: float, what: str) -> float:
    """The number the environment variable ``name`` sets (above 0), else ``default``."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise InvalidValueError(f"must be {what} above 0 (got {text!r})", field=name)
    return value


def fork_executor(jobs: int, run: Run[Finding]) -> ForkExecutor:
    """The executor of ``jobs`` forked workers for ``run``, with the wait for progress the
    environment sets (:data:`TIMEOUT_VARIABLE`); findings refer to the run's citations and
    parameter evidence."""
    timeout = _setting(os.environ, TIMEOUT_VARIABLE, STALL_TIMEOUT, "a number of seconds")
    shared: list[object] = [*Outcome, *SubjectKind]
    for env in run.contexts.values():
        shared.extend(env.citations)
        shared.extend(env.engine.parameters.evidence())
    return ForkExecutor(jobs, timeout=timeout, shared=shared)


class PartsRun:
    """What ``run`` makes of the reference subjects and the child files of ``stream`` (JSON
    Lines, its child files not read yet), judged by ``executor``'s workers, in the order one
    process gives. Iterating files rejections in ``stream`` and, given a ``summary`` (an
    audit's), counts subjects and findings in it, as a serial audit does. With ``render``, it
    yields each finding as
    :class:`~careprotect.pipeline.chunks.Rendered`, rendered by the workers; with ``chunks``
    too, :class:`~careprotect.pipeline.chunks.Chunk` objects instead."""

    def __init__(
        self,
        stream: RegistryStream,
        run: Run[Any],
        executor: Executor,
        summary: Summary | None = None,
        *,
        render: Callable[[Finding], Any] | None = None,
        chunks: bool = False,
    ) -> None:
        preferred = executor.part_bytes or BATCH
        self._span = int(_setting(os.environ, SPAN_VARIABLE, preferred, "a number of bytes"))
        self._stream = stream
        self._run = run
        self._executor = executor
        self._summary = summary
        self._state = _State(stream, run, render, chunks)

    def __iter__(self) -> Iterator[Any]:
        stream, summary, state = self._stream, self._summary, self._state
        first, records, lines, parts = stream.split(self._span)
        runs = [
            (kind, start, min(start + SUBJECTS, len(items)))
            for kind, items in state.subjects.items()
            for start in range(0, len(items), SUBJECTS)
        ]
        results = self._executor.map(state, _tasks(runs, parts))
        try:
            for kind, start, stop in runs:
                name = kind.value.replace("_", " ")
                got = _next(
                    results,
                    f"the {name} records from number {start + 1} on, and every record after them,",
                )
                if summary is not None:
                    summary.subjects[kind.value] += stop - start
                yield from self._counted(got)
            # The first child file was read with the reference data: judge it here.
            if first is not None:
                if summary is not None:
                    summary.subjects["child"] += 1
                found = self._run.judge(SubjectKind.CHILD, first)
                if state.chunks:
                    assert state.render is not None
                    for chunk in joined([found], state.render):
                        yield from self._counted(chunk)
                else:
                    yield from self._counted(state.out(found))
            yield from self._parts(results, records, lines)
        finally:
            close = getattr(results, "close", None)
            if close is not None:  # a generator: its finally ends the workers
                close()
            stream.finish()

    def _parts(self, results: Iterator[Any], number: int, line: int) -> Iterator[Any]:
        """The findings of the parts, whose results are ``results``, taken in order: the
        first part comes after ``number`` records and ``line`` lines."""
        stream, summary = self._stream, self._summary
        while True:
            got = _next(results, f"the records from line {line + 1} on", end=True)
            if got is None:
                return
            lines, records, sent, span = got
            duplicates = stream.take_part(records, records_before=number, lines_before=line)
            number += len(records)
            line += lines
            accepted = sum(r.child_id is not None for r in records) - len(duplicates)
            if accepted and summary is not None:
                summary.subjects["child"] += accepted
            if span is None:
                places = [i for i, r in enumerate(records) if r.child_id is not None]
                for place, findings in zip(places, sent, strict=True):
                    if place not in duplicates:
                        yield from self._counted(findings)
                continue
            yield from self._counted(_chunk(span, records, sent, duplicates))

    def _counted(self, got: Any) -> Iterator[Any]:
        """Count ``got`` (a chunk, or findings or rendered findings) in the summary, and
        yield it (the chunk) or them."""
        summary = self._summary
        if summary is None:
            assert not isinstance(got, Chunk), "chunks are of an audit's findings"
            yield from got
            return
        if isinstance(got, Chunk):
            count = summary.count
            for (rule, outcome, _, status), n in got.counts.items():
                count(rule, outcome, n, rests_on=status)
            yield got
            return
        if self._state.render is None:
            add = summary.add
            for finding in got:
                add(finding)
                yield finding
            return
        count = summary.count
        for item in got:
            count(item.rule, item.outcome, rests_on=item.rests_on)
            yield item


def _tasks(runs: list[tuple[SubjectKind, int, int]], parts: Iterator[Part]) -> Iterator[Task]:
    for run in runs:
        yield judge_subjects, run
    for part in parts:
        yield judge_part, (part,)


def _next(results: Iterator[Any], not_judged: str, *, end: bool = False) -> Any:
    """The next result. When a worker died or stopped, EvaluationError, which says that
    ``not_judged`` were not judged; at the end, None when ``end``."""
    try:
        return next(results) if not end else next(results, None)
    except WorkerLostError as exc:
        hint = f" (the wait {TIMEOUT_VARIABLE} sets)" if exc.stopped else ""
        raise EvaluationError(
            f"{exc}{hint}; {not_judged} were not judged; no report was written"
        ) from None


def _chunk(
    span: _Joined, records: list[PartRecord], sent: list[Any], duplicates: set[int]
) -> Chunk:
    """The chunk of a part's joined texts and counts, less those of the child files at
    ``duplicates`` in ``records``."""
    text, keys, counts = span
    if duplicates:
        kept: list[memoryview] = []  # bytes.join takes them as they are
        view = memoryview(text)
        start = 0  # where the text of the next child file starts
        kept_from = 0  # where the text not yet left out starts
        ends = iter(sent)
        for index, record in enumerate(records):
            if record.child_id is None:
                continue
            end, places = next(ends)
            if index in duplicates:
                kept.append(view[kept_from:start])
                kept_from = end
                for place in places:
                    counts[place] -= 1
            start = end
        kept.append(view[kept_from:])
        text = b"".join(kept)
    return Chunk.of(text, keys, counts)
