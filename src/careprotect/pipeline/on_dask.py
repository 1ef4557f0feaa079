"""The Dask executor: a run's tasks on the workers of a Dask cluster (see docs/scale.md).

:class:`DaskExecutor` takes a :class:`dask.distributed.Client`. For each run it sends the
run's state to every worker once (:meth:`~distributed.Client.scatter`, broadcast): the
registry as a reader of its parts (its path and reference data, see
:meth:`careprotect.io.RegistryStream.__reduce__`), the engine as the plugins it was built
from (built again on the worker: :meth:`careprotect.engine.Engine.__reduce__`), the job, and
how findings are rendered. Each task is then small: a function and a part of the file, a
few numbers. The tasks are submitted a window ahead of the results taken, and the results are
taken in the order of the tasks, so memory on the client stays bounded and the report is
written as the parts complete, in order.

A task whose worker dies is run again by Dask on another worker (the scheduler's
``allowed-failures``, 3 by default). A task that fails for good, or a cluster that goes
away, ends the run with :class:`~careprotect.pipeline.pool.WorkerLostError`, which the
pipeline turns into :class:`~careprotect.errors.EvaluationError` saying which records were
not judged.

Dask is an extra: ``pip install 'careprotect[dask]'``. Importing this module does not import
it; making a cluster does (:func:`dask_client`).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from careprotect.errors import InvalidValueError
from careprotect.pipeline.executors import Task
from careprotect.pipeline.pool import WorkerLostError

__all__ = ["AHEAD", "INSTALL", "PART_BYTES", "DaskExecutor", "dask_client"]

AHEAD = 4
"""Tasks in flight per worker thread: enough to keep each busy while the client takes
results, few enough to bound the client's memory."""

PART_BYTES = 4 << 20
"""The bytes of a part (a task) on Dask by default, four times the pipeline's: a Dask task
costs some 8 ms to schedule and take back (measured, docs/performance.md), so fewer, larger
parts waste less. ``CAREPROTECT_SPAN_BYTES`` or ``DaskExecutor(part_bytes=...)`` sets
another."""

INSTALL = "pip install 'careprotect[dask]'"
"""How to install what the Dask executor needs."""


def _run(state: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """On a worker: the task, run with the run's state (scattered to it once)."""
    return function(state, *args)


class DaskExecutor:
    """Runs a run's tasks on the workers of ``client``'s cluster and gives their results in
    order (see :class:`~careprotect.pipeline.executors.Executor`). ``ahead`` is the number of
    tasks in flight (default: :data:`AHEAD` per worker thread); ``part_bytes`` the bytes of
    the registry a task reads and judges (default: :data:`PART_BYTES`)."""

    def __init__(
        self, client: Any, *, ahead: int | None = None, part_bytes: int = PART_BYTES
    ) -> None:
        for name, value in (("ahead", ahead), ("part_bytes", part_bytes)):
            if value is not None and (isinstance(value, bool) or value < 1):
                raise InvalidValueError(f"must be at least 1 (got {value!r})", field=name)
        self.client = client
        self.ahead = ahead
        self.part_bytes: int | None = part_bytes

    def _window(self) -> int:
        if self.ahead is not None:
            return self.ahead
        threads: int = sum(self.client.nthreads().values())
        return AHEAD * max(threads, 1)

    def map(self, state: Any, tasks: Iterator[Task]) -> Iterator[Any]:
        """See :meth:`careprotect.pipeline.executors.Executor.map`."""
        from distributed import KilledWorker

        client = self.client
        try:
            [shared] = client.scatter([state], broadcast=True, hash=False)
        except OSError as exc:
            raise WorkerLostError(f"the Dask cluster cannot be reached ({exc})") from None
        pending: collections.deque[Any] = collections.deque()

        def submit(function: Callable[..., Any], args: tuple[Any, ...]) -> None:
            pending.append(client.submit(_run, shared, function, args, pure=False))

        try:
            for function, args in itertools.islice(tasks, self._window()):
                submit(function, args)
            while pending:
                future = pending.popleft()
                try:
                    result = future.result()
                except KilledWorker:
                    raise WorkerLostError(
                        "a task's workers died as many times as the Dask scheduler allows "
                        "(distributed.scheduler.allowed-failures)"
                    ) from None
                except OSError as exc:  # the scheduler went away
                    raise WorkerLostError(f"the Dask cluster was lost ({exc})") from None
                future.release()
                for function, args in itertools.islice(tasks, 1):
                    submit(function, args)
                yield result
        finally:
            with contextlib.suppress(Exception):  # a cluster gone cannot cancel
                client.cancel([*pending, shared])


def dask_client(address: str) -> contextlib.AbstractContextManager[Any]:
    """A client for ``--dask ADDRESS``: ``local:N`` starts a cluster of N worker processes on
    this machine (127.0.0.1, one thread each) for as long as the client is open;
    ``tcp://HOST:PORT`` (or any address Dask takes) connects to a running scheduler."""
    try:
        import distributed
    except ImportError:
        raise InvalidValueError(
            f"needs Dask, which is not installed: {INSTALL}", field="--dask"
        ) from None
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise InvalidValueError(
                f"local:N needs a number of workers of at least 1 (got {address!r})",
                field="--dask",
            )
        return _local(distributed, int(count))
    if "://" not in address:
        raise InvalidValueError(
            f"must be local:N or a scheduler's address such as tcp://127.0.0.1:8786 "
            f"(got {address!r})",
            field="--dask",
        )
    return _remote(distributed, address)


@contextlib.contextmanager
def _local(distributed: Any, workers: int) -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,  # errors only: the run's report is on standard output
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@contextlib.contextmanager
def _remote(distributed: Any, address: str) -> Iterator[Any]:
    try:
        client = distributed.Client(address, timeout="30s")
    except OSError as exc:
        raise InvalidValueError(
            f"no Dask scheduler answers at {address} ({exc})", field="--dask"
        ) from None
    with client:
        yield client
