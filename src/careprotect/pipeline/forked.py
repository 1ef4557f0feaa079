"""The executor of worker processes forked from this one (see
:mod:`careprotect.pipeline.executors`).

:class:`ForkExecutor` forks ``jobs`` workers (a :class:`~careprotect.pipeline.pool.Pool`), which
inherit the run's state, and hands them the tasks, a few ahead of the results taken. A worker
that dies or stops making progress raises
:class:`~careprotect.pipeline.pool.WorkerLostError` while the results are taken, and the workers
never outlive the run or the main process (see that module).

Results travel pickled. Objects both processes hold since the fork and that many results share
(the citations and parameter evidence of findings) travel as a reference to the object: give
them as ``shared``. Findings, subjects and messages travel as their field values, divisions as
their codes.
"""

from __future__ import annotations

import copyreg
import functools
import io
import itertools
import multiprocessing
import operator
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from careprotect.divisions import Division, from_normal_code
from careprotect.errors import EvaluationError
from careprotect.findings import Finding, Message, Outcome, Subject, SubjectKind
from careprotect.params import Citation, Evidence
from careprotect.pipeline.executors import Task
from careprotect.pipeline.pool import Pool

__all__ = ["AHEAD", "ForkExecutor", "can_fork", "division_of", "running"]

AHEAD = 8
"""Tasks in flight per worker: enough to keep each busy while this process takes results,
few enough to bound memory."""


def can_fork() -> bool:
    """Whether this platform starts worker processes by forking (Linux and other Unixes)."""
    return "fork" in multiprocessing.get_all_start_methods()


@attrs.frozen
class _Worker:
    """What a worker process inherits at the fork: the run's state, and the objects shared."""

    state: Any
    token: int
    shared: dict[int, object]


# The state a worker process works with: set by the main process just before it forks.
_WORKER: _Worker | None = None
# The shared objects of each running executor, by token: the main process resolves the
# references in a worker's results with them.
_SHARED: dict[int, dict[int, object]] = {}
_tokens = itertools.count(1)
_fork_lock = threading.Lock()


def running() -> int:
    """How many fork executors are running in this process (their workers alive)."""
    return len(_SHARED)


class ForkExecutor:
    """Runs tasks in ``jobs`` forked worker processes. Workers that make no progress for
    ``timeout`` seconds while a result is awaited are taken for stopped. ``shared`` are the
    objects results refer to that travel as references (see the module's docstring)."""

    part_bytes: int | None = None

    def __init__(self, jobs: int, *, timeout: float, shared: Iterable[object] = ()) -> None:
        self.jobs = jobs
        self.timeout = timeout
        self._shared = {id(o): o for o in shared}

    def map(self, state: Any, tasks: Iterator[Task]) -> Iterator[Any]:
        """See :meth:`careprotect.pipeline.executors.Executor.map`."""
        global _WORKER
        token = next(_tokens)
        _SHARED[token] = self._shared
        try:
            with _fork_lock:
                _WORKER = _Worker(state, token, self._shared)
                try:
                    pool = Pool(self.jobs, ahead=AHEAD, timeout=self.timeout)
                    pool.start()
                except OSError as exc:  # fork failed: out of memory or processes
                    raise EvaluationError(
                        f"could not start {self.jobs} worker processes ({exc}); no record was "
                        "judged; no report was written"
                    ) from None
                finally:
                    _WORKER = None
            try:
                yield from _results(pool, tasks, AHEAD * self.jobs)
            finally:
                pool.close()
        finally:
            _SHARED.pop(token, None)


def _results(pool: Pool, tasks: Iterator[Task], ahead: int) -> Iterator[Any]:
    waiting = 0
    for function, args in itertools.islice(tasks, ahead):
        pool.submit(_run, function, args)
        waiting += 1
    while waiting:
        payload = pool.result()
        waiting -= 1
        for function, args in itertools.islice(tasks, 1):
            pool.submit(_run, function, args)
            waiting += 1
        yield pickle.loads(payload)


def _run(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """In a worker: the task's result, pickled."""
    assert _WORKER is not None, "a worker process runs with the state it forked with"
    return _dumps(function(_WORKER.state, *args))


def _shared(token: int, key: int) -> object:
    return _SHARED[token][key]


def _reduce_shared(obj: object) -> Any:
    worker = _WORKER
    if worker is not None and worker.shared.get(id(obj)) is obj:
        return _shared, (worker.token, id(obj))
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


# The member descriptors of each slotted attrs class's fields, whose ``__set__`` sets a field
# below the frozen class's ``__setattr__``, in the order of ``attrs.fields``.
_SETTERS: dict[type, tuple[Callable[[Any, Any], None], ...]] = {}


def _fields_reducer(cls: type[Any]) -> Callable[[Any], Any]:
    """A reducer that pickles an object of the slotted attrs class ``cls`` as its field
    values, set back by :func:`build_from` (faster to load than attrs' ``__setstate__``)."""
    names = tuple(a.name for a in attrs.fields(cls))
    _SETTERS[cls] = tuple(getattr(cls, name).__set__ for name in names)
    values = operator.attrgetter(*names)

    def reduce(obj: Any) -> Any:
        return build_from, (cls, values(obj))

    return reduce


def build_from(cls: type[Any], values: tuple[Any, ...]) -> Any:
    """An object of the slotted attrs class ``cls`` with its fields set to ``values``, as
    pickled from another one (already validated: no validator runs again)."""
    obj = object.__new__(cls)
    for set_field, value in zip(_SETTERS[cls], values, strict=True):
        set_field(obj, value)
    return obj


@functools.lru_cache(maxsize=4096)
def division_of(code: str) -> Division:
    """The division of a normalised ``code``, one object for the many findings of a village."""
    return from_normal_code(code)


def _reduce_division(division: Division) -> Any:
    return division_of, (division.code,)


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
