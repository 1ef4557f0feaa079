"""Executors: what maps a task over inputs, somewhere, and gives the results back in order.

The pipeline reads and judges a registry in tasks (:mod:`careprotect.pipeline.parallel`): a
run of reference subjects, or one part of the child files
(:class:`~careprotect.io.Part`). An executor runs them, each as ``function(state, *args)``
where ``state`` is what every task of the run needs (the registry stream with its reference
data, the run's rules and contexts, how findings are rendered), and yields their results in
the order the tasks came. The pipeline does all the rest: it marks out the parts, and takes
the results in order (numbering records, rejecting duplicates, counting).

:class:`~careprotect.pipeline.forked.ForkExecutor` runs the tasks in worker processes forked
from this one (they inherit ``state``). A new executor (Dask, say: see docs/pipeline.md)
implements :class:`Executor`: it gets ``state`` to each worker once (a forked worker has it; a
remote one would open the registry and build the run itself), runs the tasks there, and
yields the results in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

__all__ = ["Executor", "Task"]

Task = tuple[Callable[..., Any], tuple[Any, ...]]
"""A function of a module (it travels by name) and its arguments, few and small: the task
runs as ``function(state, *arguments)``."""


class Executor(Protocol):
    """Runs tasks with a run's ``state`` and gives their results in order."""

    part_bytes: int | None
    """The bytes of a part this executor runs best with (each part is a task; an executor
    whose tasks cost more to send wants fewer, larger ones), or None for the pipeline's
    default. The environment variable ``CAREPROTECT_SPAN_BYTES`` overrides it."""

    def map(self, state: Any, tasks: Iterator[Task]) -> Iterator[Any]:
        """The result of each of ``tasks``, run as ``function(state, *arguments)``, in the
        order of ``tasks``. Takes the tasks as it needs them (a few ahead of the results
        taken), so that ``tasks`` may be marked out lazily. Raises
        :class:`~careprotect.pipeline.pool.WorkerLostError` when a worker is lost, and a
        task's exception in its turn. Close the iterator (or exhaust it) to end the
        workers."""
        ...
