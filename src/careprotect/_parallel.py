"""The child files of a JSON Lines registry read and judged by worker processes.

:meth:`Engine.audit` with ``jobs`` above one uses this for a :class:`RegistryStream` of JSON
Lines on a platform that can fork. The main process reads the reference data, then forks
``jobs`` workers, which inherit the engine, the reference data and the reader. It hands them
the divisions, workers and service points to judge, in runs of :data:`SUBJECTS` by their
place in the reference data, then marks out the remaining lines in spans of about
:data:`BATCH` bytes, looking only for the end of each span's last line, and hands each span
to a worker. The worker reads the span from the file itself, parses and checks every
record, judges every accepted child file by the rules in scope and sends back, per record,
the findings or the rejection, numbered within the span, and the number of lines read. The
main process never reads the child files' lines: it takes the results in input order and
does what needs the whole input. It numbers the records and lines, rejects duplicate child
ids (the first record with an id wins, as in a serial audit), counts, and yields the
findings. So the findings, rejections and counts are those of a serial audit, in the same
order.

The workers are a :class:`~careprotect._pool.Pool`: a worker that dies or stops making
progress ends the audit with :class:`~careprotect.errors.EvaluationError`, which says from
which record on nothing was judged, and the workers never outlive the audit or the main
process (see that module).

Results travel pickled. Citations and parameter evidence, shared by many findings, travel as
a reference to the object both processes hold since the fork. For :meth:`Audit.rendered`,
the workers render each finding and send what :class:`~careprotect.engine.Rendered` holds
instead of the finding. For :meth:`Audit.chunks`, they send the texts of a span's findings
joined and the span's counts of findings by rule, outcome, division and status rested on,
with the place of each child file's text and counts, so that the main process can leave out a
duplicate's; it then handles no single finding.
"""

from __future__ import annotations

import copyreg
import functools
import io
import itertools
import multiprocessing
import operator
import os
import pickle
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from careprotect._pool import Pool, WorkerLostError, step
from careprotect.convert import FieldProblem, slot_builder
from careprotect.divisions import Division, _trusted
from careprotect.engine import Chunk, Evaluations, Joiner, joined, judged, rendered
from careprotect.errors import EvaluationError, InvalidValueError
from careprotect.findings import Finding, Message, Outcome, Subject, SubjectKind
from careprotect.io import (
    RawLine,
    RecordKind,
    RecordWarning,
    RegistryStream,
    _duplicate,
    _parse_record_line,
    span_lines,
)
from careprotect.masking import mask_if_id_number
from careprotect.params import Citation, Evidence
from careprotect.rules.base import RuleContext

if TYPE_CHECKING:
    from careprotect.findings import Summary

__all__ = [
    "BATCH",
    "SPAN_VARIABLE",
    "STALL_TIMEOUT",
    "SUBJECTS",
    "TIMEOUT_VARIABLE",
    "ParallelAudit",
    "can_fork",
]

BATCH = 1 << 20
"""Bytes of lines a worker is given at a time (at least one line): a span, which it reads
from the file itself. The environment variable :data:`SPAN_VARIABLE` sets another."""

SPAN_VARIABLE = "CAREPROTECT_SPAN_BYTES"
"""The environment variable that sets the bytes of a span instead of :data:`BATCH` (small
spans make a small registry many, for tests)."""

STALL_TIMEOUT = 60.0
"""Seconds the workers may go without progress (a record read or a subject judged, by any of
them) while the audit waits for a result, before they are taken for stopped and the audit
ends with :class:`~careprotect.errors.EvaluationError`: a minute for one record, generous
on a busy machine. The environment variable :data:`TIMEOUT_VARIABLE` sets another."""

TIMEOUT_VARIABLE = "CAREPROTECT_WORKER_TIMEOUT"
"""The environment variable that sets :data:`STALL_TIMEOUT`, in seconds."""

SUBJECTS = 256
"""Divisions, workers or service points a worker is given at a time."""

_AHEAD = 8
"""Spans in flight per worker: enough to keep each busy while this process judges the
reference data and takes results, few enough to bound memory."""


Subjects = dict[SubjectKind, tuple[Sequence[Any], Evaluations]]
"""The reference subjects of each kind, in order, and the rules in scope of a division."""


@attrs.define
class _Worker:
    """What a worker process inherits from the main process at the fork."""

    stream: RegistryStream
    evaluations: Evaluations
    subjects: Subjects
    reveal: bool
    render: Callable[[Finding], Any] | None
    chunks: bool
    token: int
    shared: dict[int, object]
    fd: int  # the registry file's descriptor

    def joiner(self) -> Joiner | None:
        """What joins the findings' texts when the audit yields chunks, else None."""
        if not self.chunks:
            return None
        assert self.render is not None, "chunks are of rendered findings"
        return Joiner(self.render)

    def out(self, findings: Iterable[Finding]) -> list[Any]:
        """What is sent of ``findings``: themselves, or rendered."""
        return list(findings if self.render is None else rendered(findings, self.render))


# The state a worker process works with: set by the main process just before it forks.
_WORKER: _Worker | None = None
# The shared objects of each running parallel audit, by token: the main process resolves the
# references in a worker's results with them.
_SHARED: dict[int, dict[int, object]] = {}
_tokens = itertools.count(1)
_fork_lock = threading.Lock()


def can_fork() -> bool:
    """Whether this platform starts worker processes by forking (Linux and other Unixes)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _shared(token: int, key: int) -> object:
    return _SHARED[token][key]


def _reduce_shared(obj: object) -> Any:
    worker = _WORKER
    if worker is not None and worker.shared.get(id(obj)) is obj:
        return _shared, (worker.token, id(obj))
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


def _fields_reducer(cls: type[Any]) -> Callable[[Any], Any]:
    """A reducer that pickles an object of the slotted attrs class ``cls`` as its field values
    and a builder that sets them back (faster to load than attrs' ``__setstate__``)."""
    names = tuple(a.name for a in attrs.fields(cls))
    values = operator.attrgetter(*names)
    _BUILDERS[cls] = slot_builder(cls)

    def reduce(obj: Any) -> Any:
        return build_from, (cls, values(obj))

    return reduce


_BUILDERS: dict[type, Callable[..., Any]] = {}


@functools.lru_cache(maxsize=4096)
def division_of(code: str) -> Division:
    """The division of a normalised ``code``, one object for the many findings of a village."""
    return _trusted(code)


def _reduce_division(division: Division) -> Any:
    return division_of, (division.code,)


def build_from(cls: type[Any], values: tuple[Any, ...]) -> Any:
    """An object of ``cls`` with ``values``, set by its builder."""
    return _BUILDERS[cls](*values)


_DISPATCH = {
    **copyreg.dispatch_table,
    Citation: _reduce_shared,
    Evidence: _reduce_shared,
    Outcome: _reduce_shared,
    SubjectKind: _reduce_shared,
    Finding: _fields_reducer(Finding),
    Subject: _fields_reducer(Subject),
    Message: _fields_reducer(Message),
    Division: _reduce_division,
}


def _dumps(value: Any) -> bytes:
    """``value`` pickled, in a worker. The pickler recurses once a level of nesting, and gives
    up at the recursion limit: a value nested deeper (which the reader never makes: it drops
    a record nested more than :data:`~careprotect.io.MAX_DEPTH` levels from its rejection,
    but a plugin's finding could hold one) is pickled again with four times the limit, and
    only deeper still is it an error, raised again in the main process."""
    try:
        return _pickled(value)
    except RecursionError:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(4 * limit)
        try:
            return _pickled(value)
        finally:
            sys.setrecursionlimit(limit)


def _pickled(value: Any) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return out.getvalue()


# One result per record line: (line number, offset, child id, findings, None, None) for an
# accepted child file, or (line number, offset, None, unknown references or None, rejection,
# id of the child file when it was structured) for a rejected record. The findings are
# rendered when the audit renders them; in chunks, they are the end of the child file's text
# in the span's and the places of its findings' count keys (see Joiner.add).
_Result = tuple[int, int, str | None, Any, Any, str | None]
# A span's joined texts, count keys and counts (see Joiner).
_Joined = tuple[bytes, list[Any], list[int]]


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


def _worker() -> _Worker:
    """In a worker: the state it forked with."""
    assert _WORKER is not None, "a worker process runs with the state it forked with"
    return _WORKER


# In a worker: the references to workers and service points not in the reference data met
# while checking the record at hand, as (kind, id, what, message), in order.
_Unknown = tuple[RecordKind, str, str, str]
_unknowns: list[_Unknown] = []


def _start_worker() -> None:
    """In a new worker: leave duplicate ids to the main process, which sees every span, and
    note each unknown reference's message: it names the record that rejected the id (a worker
    record after the child files, say), which may lie in another worker's span, so the main
    process writes it again (see :func:`_take`). Start with no warnings."""
    stream = _worker().stream
    stream._unique_ids = False
    # The warnings forked with it are the main process's (about the reference data): a
    # worker sends back only those about its own child files.
    stream.warnings = []
    unknown = stream._unknown

    def noted(kind: RecordKind, ref: str, what: str) -> str:
        message = unknown(kind, ref, what)
        _unknowns.append((kind, ref, what, message))
        return message

    stream._unknown = noted  # type: ignore[method-assign]


def _judge(start: int, stop: int) -> bytes:
    """In a worker: read and judge the lines from byte ``start`` to ``stop`` (see the
    module's docstring)."""
    worker = _worker()
    stream, evaluations, reveal, out = worker.stream, worker.evaluations, worker.reveal, worker.out
    results: list[_Result] = []
    # Lines and records are numbered within the span; the main process knows how many come
    # before it.
    lines, feed = span_lines(worker.fd, start, stop, max_line_bytes=stream.max_line_bytes)
    joiner = worker.joiner()
    unknowns = _unknowns
    # Warnings about accepted child files (a normalised citizen ID), by place in results.
    warned: list[tuple[int, RecordWarning]] = []
    for line, child in stream._span_children(lines):
        step()
        if child is None:
            rejection = stream.rejections.pop()
            noted = tuple(unknowns) if unknowns else None
            unknowns.clear()
            results.append((line.line, line.at, None, noted, rejection, stream._structured_id))
            continue
        found = judged(child, evaluations, reveal)
        findings = out(found) if joiner is None else joiner.add(found)
        results.append((line.line, line.at, child.id, findings, None, None))
        if stream.warnings:
            warned.extend((len(results) - 1, w) for w in stream.warnings)
            stream.warnings.clear()
    return _dumps((feed.line, results, None if joiner is None else joiner.parts(), warned))


def _judge_subjects(kind: SubjectKind, start: int, stop: int) -> bytes:
    """In a worker: the findings about the reference subjects of ``kind`` from ``start`` to
    ``stop`` (their places in the reference data)."""
    worker = _worker()
    items, evaluations = worker.subjects[kind]
    joiner = worker.joiner()
    if joiner is not None:
        for item in items[start:stop]:
            step()
            joiner.add(judged(item, evaluations, worker.reveal))
        return _dumps(joiner.chunk())
    findings: list[Any] = []
    for item in items[start:stop]:
        step()
        findings.extend(worker.out(judged(item, evaluations, worker.reveal)))
    return _dumps(findings)


def _shareable(envs: Iterable[RuleContext]) -> dict[int, object]:
    """The citations and parameter evidence findings refer to, by id."""
    objects: list[object] = []
    for env in envs:
        objects.extend(env.citations)
        objects.extend(env.engine.parameters.evidence())
    objects.extend(Outcome)
    objects.extend(SubjectKind)
    return {id(o): o for o in objects}


class ParallelAudit:
    """The findings about the reference subjects and the child files of ``stream`` (JSON
    Lines, its child files not read yet), judged by ``jobs`` worker processes.
    ``subjects`` holds the reference subjects by kind with the rules to apply to them,
    ``evaluations(division)`` the rules to apply to a child file, with their Envs.
    :meth:`reference` and iterating count subjects and findings in ``summary`` and
    rejections in ``stream``, as a serial audit does. With ``render``, they yield each
    finding as :class:`~careprotect.engine.Rendered`, rendered by the workers; with
    ``chunks`` too, they yield :class:`~careprotect.engine.Chunk` objects instead.

    :meth:`start` forks the workers and hands them the reference subjects and the first
    batches of lines; :meth:`close` stops them (call it in any case).
    """

    def __init__(
        self,
        stream: RegistryStream,
        subjects: Subjects,
        evaluations: Evaluations,
        envs: Iterable[RuleContext],
        summary: Summary,
        *,
        jobs: int,
        reveal: bool,
        render: Callable[[Finding], Any] | None = None,
        chunks: bool = False,
    ) -> None:
        environ = os.environ
        self._timeout = _setting(environ, TIMEOUT_VARIABLE, STALL_TIMEOUT, "a number of seconds")
        self._span = int(_setting(environ, SPAN_VARIABLE, BATCH, "a number of bytes"))
        self._stream = stream
        self._subjects = subjects
        self._evaluations = evaluations
        self._summary = summary
        self._jobs = jobs
        self._reveal = reveal
        self._render = render
        self._chunks = chunks
        self._pending, self._feed = stream._take_lines(defer_contacts=True)
        self._number = self._feed.number  # records before the next span taken
        self._line = self._feed.line  # lines before it
        self._token = next(_tokens)
        self._shared = _shareable(envs)
        self._pool: Pool | None = None
        # The runs of reference subjects of each kind given to the workers, as their start
        # and size, and the spans of lines given, whose results are not taken yet.
        self._runs: dict[SubjectKind, deque[tuple[int, int]]] = {}
        self._spans = 0

    def start(self) -> None:
        """Fork the workers and give them the reference subjects, then as many spans of
        lines as may be in flight."""
        global _WORKER
        _SHARED[self._token] = self._shared
        with _fork_lock:
            _WORKER = _Worker(
                self._stream,
                self._evaluations,
                self._subjects,
                self._reveal,
                self._render,
                self._chunks,
                self._token,
                self._shared,
                self._feed.fileno(),
            )
            try:
                self._pool = pool = Pool(
                    self._jobs, ahead=_AHEAD, timeout=self._timeout, initializer=_start_worker
                )
                pool.start()
            except OSError as exc:  # fork failed: out of memory or processes
                raise EvaluationError(
                    f"could not start {self._jobs} worker processes ({exc}); no record was "
                    "judged; no report was written"
                ) from None
            finally:
                _WORKER = None
        for kind, (items, _) in self._subjects.items():
            runs = self._runs[kind] = deque()
            for start in range(0, len(items), SUBJECTS):
                stop = min(start + SUBJECTS, len(items))
                runs.append((start, stop - start))
                pool.submit(_judge_subjects, kind, start, stop)
        self._submit()

    def _result(self, not_judged: str) -> bytes:
        """The result of the oldest task given to the workers. When a worker died or stopped,
        EvaluationError, which says that ``not_judged`` were not judged."""
        assert self._pool is not None
        try:
            return self._pool.result()
        except WorkerLostError as exc:
            hint = f" (the wait {TIMEOUT_VARIABLE} sets)" if exc.stopped else ""
            raise EvaluationError(
                f"{exc}{hint}; {not_judged} were not judged; no report was written"
            ) from None

    def reference(self, kind: SubjectKind) -> Iterator[Any]:
        """The findings about the reference subjects of ``kind``, in order."""
        if self._pool is None:
            self.start()
        runs = self._runs.pop(kind, deque())
        counted = self._summary.subjects
        count = self._counter()
        name = kind.value.replace("_", " ")
        while runs:
            start, size = runs.popleft()
            payload = self._result(
                f"the {name} records from number {start + 1} on, and every record after them,"
            )
            counted[kind.value] += size
            if self._chunks:
                chunk: Chunk = pickle.loads(payload)
                self._count_chunk(chunk)
                yield chunk
                continue
            findings: list[Any] = pickle.loads(payload)
            for finding in findings:
                count(finding)
                yield finding

    def _count_chunk(self, chunk: Chunk) -> None:
        count = self._summary.count
        for (rule, outcome, _, status), n in chunk.counts.items():
            count(rule, outcome, n, rests_on=status)

    def _counter(self) -> Callable[[Any], None]:
        """Counts a finding, or a rendered one, in the summary."""
        summary = self._summary
        if self._render is None:
            return summary.add
        count = summary.count
        return lambda rendered: count(rendered.rule, rendered.outcome, rests_on=rendered.rests_on)

    def _submit(self) -> None:
        pool = self._pool
        assert pool is not None
        while self._spans < _AHEAD * self._jobs:
            span = self._feed.span(self._span)
            if span is None:
                return
            pool.submit(_judge, *span)
            self._spans += 1

    def __iter__(self) -> Iterator[Any]:
        if self._pool is None:
            self.start()
        stream, summary, count = self._stream, self._summary, self._counter()
        # The first child file was parsed with the reference data: judge it here.
        if self._pending is not None:
            child = stream._child(self._pending)
            self._pending = None
            if child is not None:
                summary.subjects["child"] += 1
                findings = judged(child, self._evaluations, self._reveal)
                render = self._render
                if self._chunks:
                    assert render is not None
                    for chunk in joined([findings], render):
                        self._count_chunk(chunk)
                        yield chunk
                else:
                    for finding in findings if render is None else rendered(findings, render):
                        count(finding)
                        yield finding
        while self._spans:
            payload = self._result(f"the records from line {self._line + 1} on")
            self._spans -= 1
            self._submit()
            lines: int
            results: list[_Result]
            span: _Joined | None
            warned: list[tuple[int, RecordWarning]]
            lines, results, span, warned = pickle.loads(payload)
            duplicates = _take(stream, summary, self._number, self._line, results)
            for index, warning in warned:  # numbered within the span, as rejections are
                if index not in duplicates:
                    stream.warnings.append(
                        attrs.evolve(
                            warning,
                            record=warning.record + self._number,
                            line=(warning.line or 0) + self._line,
                        )
                    )
            self._number += len(results)
            self._line += lines
            if span is None:
                for index, result in enumerate(results):
                    if result[2] is not None and index not in duplicates:
                        for finding in result[3]:
                            count(finding)
                            yield finding
                continue
            chunk = _chunk(span, results, duplicates)
            self._count_chunk(chunk)
            yield chunk

    def close(self) -> None:
        """Stop the workers and close the registry. When every result was taken, the workers
        exit as they are told to; else (an error, an interruption, an abandoned audit) they
        are killed at once, without waiting for the spans at work."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        _SHARED.pop(self._token, None)
        self._runs.clear()
        self._spans = 0
        self._stream._finish_lines()


def _take(
    stream: RegistryStream,
    summary: Summary,
    number: int,
    line: int,
    results: list[_Result],
) -> set[int]:
    """In the main process: take a span's results. Files its rejections and the duplicates
    it rejects, counts its child files, and returns the places of the duplicates in
    ``results`` (their findings are left out). ``number`` and ``line`` are the numbers of
    records and lines before the span."""
    child_ids = stream._child_ids
    counted = summary.subjects
    duplicates = set()
    for index, (line_no, at, child_id, noted, rejection, structured_id) in enumerate(results):
        if child_id is None:
            problems = rejection.problems
            if noted is not None:
                problems = _known_now(stream, problems, noted)
            if structured_id is not None and child_ids.find(structured_id) is not None:
                problems = (_duplicate(structured_id), *problems)
            stream._file_rejection(
                attrs.evolve(
                    rejection,
                    record=rejection.record + number,
                    line=rejection.line + line,
                    problems=problems,
                )
            )
            continue
        if child_ids.find(child_id) is not None:
            raw_line = RawLine(number + index + 1, line + line_no, at, stream._line_at(at))
            raw = _parse_record_line(raw_line)
            stream._reject(raw, [_duplicate(child_id)], mask_if_id_number(child_id))
            duplicates.add(index)
            continue
        child_ids.add(child_id, at)
        stream._accept(RecordKind.CHILD)
        counted["child"] += 1
    return duplicates


def _known_now(
    stream: RegistryStream, problems: tuple[FieldProblem, ...], noted: tuple[_Unknown, ...]
) -> tuple[FieldProblem, ...]:
    """In the main process: ``problems`` with the messages of the unknown references
    ``noted`` by a worker written again, as a serial read would write them here: the main
    process knows every record rejected before, with its number in the file."""
    again: dict[str, str] = {}
    for kind, ref, what, message in noted:
        now = stream._unknown(kind, ref, what)
        if now != message:
            again[FieldProblem("$", message).message] = now
    if not again:
        return problems
    return tuple(
        FieldProblem(p.path, again[p.message]) if p.message in again else p for p in problems
    )


def _chunk(span: _Joined, results: list[_Result], duplicates: set[int]) -> Chunk:
    """In the main process: the chunk of a span's joined texts and counts, less those of
    the child files at ``duplicates`` in ``results``."""
    text, keys, counts = span
    if duplicates:
        kept: list[memoryview] = []  # bytes.join takes them as they are
        view = memoryview(text)
        start = 0  # where the text of the next child file starts
        kept_from = 0  # where the text not yet left out starts
        for index, result in enumerate(results):
            if result[2] is None:
                continue
            end, places = result[3]
            if index in duplicates:
                kept.append(view[kept_from:start])
                kept_from = end
                for place in places:
                    counts[place] -= 1
            start = end
        kept.append(view[kept_from:])
        text = b"".join(kept)
    return Chunk.of(text, keys, counts)
