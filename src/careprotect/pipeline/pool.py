"""Worker processes forked with a run's state, which do its tasks in order and fail loudly.

:class:`Pool` forks ``jobs`` worker processes. They inherit everything the main process holds,
so a task travels as a function and a few arguments, and its result as the bytes the function
returns. The workers take the tasks in the order they are submitted from one pipe, each as it
becomes free, and the pool gives back the results in that order, with at most ``ahead`` tasks
a worker submitted and not taken.

What can go wrong with a process is noticed, never waited on for ever:

* **A worker dies** (killed, or crashed in C code): its end of its result pipe and its
  process sentinel close, which the main process sees at once. :meth:`Pool.result` raises
  :class:`WorkerLostError`, which says how it ended (``killed by SIGKILL``, ``exit status 1``).
* **The workers stop making progress** (one is stopped by SIGSTOP or a debugger, deadlocked,
  or stuck in a loop, and the others have done the tasks they could take): every worker
  counts its steps (:func:`step`, once a record) in memory it shares with the main process.
  While the main process waits for a result, it looks at the counters every second or so;
  the bytes of results arriving count as progress too. When nothing has moved for
  ``timeout`` seconds, :meth:`Pool.result` raises :class:`WorkerLostError`. The timeout is
  per step, not per task, so a long task that moves on is never taken for a stopped one.
* **A task raises**: the exception (or, when it does not pickle, a RuntimeError with its
  text) is raised again by :meth:`Pool.result`, in the task's turn, with the worker's
  traceback as its cause, as a serial run would raise it.
* **The main process ends, however it ends** (SIGKILL included): on Linux every worker has
  asked the kernel to kill it then (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set as it starts).
  Elsewhere a worker ends when it finds the task pipe closed, after the task at hand.

:meth:`Pool.close` ends the workers. When every result was taken, it closes the task pipe and
they exit; otherwise (an error, an interruption, a run abandoned) it kills them at once with
SIGKILL and reaps them, without waiting for the tasks at work. A pool never closed is closed
at the interpreter's exit. Workers ignore SIGINT (a Ctrl-C reaches the whole process group;
the main process decides what happens) and take SIGTERM's default action, whatever handlers
the main process installed.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import mmap
import multiprocessing
import os
import pickle
import queue
import selectors
import signal
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["Pool", "WorkerLostError", "step"]

Task = tuple[Callable[..., bytes], tuple[Any, ...]]

# A task's frame, of _TASK_SIZE bytes: its number and the length of the pickled (function,
# arguments) that follows, then padding. Frames of one size, written whole (at most
# PIPE_BUF bytes, so at once) and read whole, let every worker read the one task pipe.
_TASK = struct.Struct("<QI")
_TASK_SIZE = 512
# A result's frame: the task's number, the length of the payload that follows, and whether it
# is the task's result (0) or a pickled (exception, traceback text) (1).
_RESULT = struct.Struct("<QQB")
_READ = 1 << 20
"""Bytes read from a result pipe at a time (and asked of the kernel as the pipe's size)."""
_TICK = 1.0
"""Seconds between two looks at the workers' progress (less for a short timeout)."""
_REAP = 5.0
"""Seconds idle workers are given to exit once the task pipe is closed, before SIGKILL."""

_PR_SET_PDEATHSIG = 1


class WorkerLostError(Exception):
    """A worker process died, or the workers stopped making progress (``stopped``); the
    message says which, and how the worker died."""

    def __init__(self, message: str, *, stopped: bool = False) -> None:
        super().__init__(message)
        self.stopped = stopped


# -- in a worker -------------------------------------------------------------------------------

# The shared counters of the workers' steps, and the slot of this worker (in a worker).
_steps: memoryview | None = None
_slot = 0


def step() -> None:
    """In a worker: count a step of the task at hand (a record read, a subject judged), which
    tells the main process that the worker is moving on. Does nothing in the main process."""
    if _steps is not None:
        _steps[_slot] += 1


def _die_with(parent: int) -> None:
    """Ask the kernel to kill this process when ``parent`` ends (Linux), and end it now if
    ``parent`` ended already."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _serve(
    slot: int,
    tasks: int,
    results: int,
    parent: int,
    inherited: list[int],
    steps: memoryview,
    initializer: Callable[[], None] | None,
) -> None:
    """A worker's life: do the tasks read from the pipe ``tasks`` and write their results to
    the pipe ``results``, until the task pipe closes."""
    global _steps, _slot
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    # The other ends of the pipes: a worker holding them would hide a death or a close.
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    _steps, _slot = steps, slot
    if initializer is not None:
        initializer()
    # A thread writes the results, so that the next task starts while the main process has
    # yet to read the last result (a full pipe blocks its writer until then).
    outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    writer = threading.Thread(target=_send, args=(results, outbox), daemon=True)
    writer.start()
    try:
        while True:
            frame = os.read(tasks, _TASK_SIZE)
            if not frame:  # the main process closed the pipe (or ended)
                return
            number, size = _TASK.unpack_from(frame)
            function, args = pickle.loads(frame[_TASK.size : _TASK.size + size])
            try:
                payload, tag = function(*args), 0
            except BaseException as exc:  # raised again in the main process
                payload, tag = _dumps_error(exc), 1
            outbox.put(_RESULT.pack(number, len(payload), tag))
            outbox.put(payload)
    finally:
        outbox.put(None)
        writer.join()


def _send(fd: int, outbox: queue.SimpleQueue[bytes | None]) -> None:
    """In a worker's thread: write what comes in ``outbox`` to ``fd`` until None comes."""
    while (data := outbox.get()) is not None:
        try:
            _write(fd, data)
        except BrokenPipeError:  # the main process is gone
            os._exit(0)


def _dumps_error(exc: BaseException) -> bytes:
    text = "".join(traceback.format_exception(exc))
    try:
        return pickle.dumps((exc, text))
    except Exception:  # an exception that does not pickle: its text
        return pickle.dumps((RuntimeError(f"{type(exc).__name__}: {exc}"), text))


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _RemoteTracebackError(Exception):
    """The traceback of an exception raised in a worker process."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


# -- in the main process -----------------------------------------------------------------------


class _Worker:
    """The main process's side of a worker: its process and its result pipe."""

    def __init__(self, process: Any, results: int) -> None:
        self.process = process
        self.results = results  # the read end of its result pipe, non-blocking
        self.inbox = bytearray()  # bytes of results read, not yet whole

    def how_it_ended(self) -> str:
        """``killed by SIGKILL``, ``exit status 1``, or ``exit status unknown``."""
        self.process.join(1.0)
        code = self.process.exitcode
        if code is None:
            return "exit status unknown"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"


class Pool:
    """``jobs`` worker processes forked by :meth:`start` (see the module's docstring).

    Submit tasks with :meth:`submit`, take their results in the same order with
    :meth:`result`, and call :meth:`close` in any case. ``initializer`` runs in each worker
    before its first task. The workers are taken for stopped when none has made progress for
    ``timeout`` seconds while the main process waits for a result.
    """

    def __init__(
        self,
        jobs: int,
        *,
        ahead: int,
        timeout: float,
        initializer: Callable[[], None] | None = None,
    ) -> None:
        self.jobs = jobs
        self.ahead = ahead
        self.timeout = timeout
        self._initializer = initializer
        self._workers: list[_Worker] = []
        self._tasks = -1  # the write end of the task pipe
        self._backlog: deque[bytes] = deque()  # frames of tasks not handed out yet
        self._done: dict[int, tuple[int, bytes]] = {}  # results not taken yet, by number
        self._submitted = 0
        self._sent = 0
        self._taken = 0
        self._received = 0  # bytes of results read
        self._steps: memoryview | None = None
        self._memory: mmap.mmap | None = None
        self._selector: selectors.BaseSelector | None = None
        self._closed = False

    def start(self) -> None:
        """Fork the workers (from the calling thread)."""
        context = multiprocessing.get_context("fork")
        self._memory = mmap.mmap(-1, 8 * self.jobs)  # shared with the forked workers
        self._steps = memoryview(self._memory).cast("Q")
        atexit.register(self.close)
        tasks_r, self._tasks = os.pipe()
        pipes = [os.pipe() for _ in range(self.jobs)]
        for results_r, _ in pipes:
            os.set_blocking(results_r, False)
            with contextlib.suppress(OSError, AttributeError):  # a bigger pipe: fewer reads
                import fcntl

                fcntl.fcntl(results_r, fcntl.F_SETPIPE_SZ, _READ)
        parent = os.getpid()
        every = [tasks_r, self._tasks, *(fd for pipe in pipes for fd in pipe)]
        try:
            for slot, (results_r, results_w) in enumerate(pipes):
                inherited = [fd for fd in every if fd not in (tasks_r, results_w)]
                process = context.Process(
                    target=_serve,
                    args=(
                        slot,
                        tasks_r,
                        results_w,
                        parent,
                        inherited,
                        self._steps,
                        self._initializer,
                    ),
                    name=f"careprotect-worker-{slot + 1}",
                    daemon=True,
                )
                process.start()
                self._workers.append(_Worker(process, results_r))
        finally:
            # This process keeps the write end of the task pipe and the read ends of the
            # result pipes of the workers started.
            os.close(tasks_r)
            for slot, (results_r, results_w) in enumerate(pipes):
                os.close(results_w)
                if slot >= len(self._workers):
                    os.close(results_r)
        self._selector = selectors.DefaultSelector()
        for worker in self._workers:
            self._selector.register(worker.results, selectors.EVENT_READ, worker)
            self._selector.register(worker.process.sentinel, selectors.EVENT_READ, worker)

    def submit(self, function: Callable[..., bytes], *args: Any) -> None:
        """Add a task: ``function(*args)`` in a worker, which returns bytes. ``function`` must
        be a module's function (it travels by name), and the arguments few and small."""
        data = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        frame = _TASK.pack(self._submitted, len(data)) + data
        if len(frame) > _TASK_SIZE:
            raise ValueError(f"a task must pickle to at most {_TASK_SIZE - _TASK.size} bytes")
        self._backlog.append(frame.ljust(_TASK_SIZE, b"\0"))
        self._submitted += 1
        self._hand_out()

    def _hand_out(self) -> None:
        """Put tasks of the backlog in the task pipe, while fewer than ``ahead`` a worker are
        there, at work or waiting to be taken."""
        backlog = self._backlog
        while backlog and self._sent - self._taken < self.ahead * self.jobs:
            try:
                _write(self._tasks, backlog.popleft())
            except BrokenPipeError:  # every worker has ended
                raise self._lost(self._workers[0]) from None
            self._sent += 1

    def result(self) -> bytes:
        """The result of the oldest task whose result was not taken, once it is there.

        Raises :class:`WorkerLostError` when a worker died or the workers stopped making
        progress, and the task's exception when it raised one."""
        number = self._taken
        if number >= self._submitted:
            raise RuntimeError("no task is waiting for its result")
        if number not in self._done:
            self._wait(number)
        tag, payload = self._done.pop(number)
        self._taken += 1
        self._hand_out()
        if tag:
            exc, text = pickle.loads(payload)
            raise exc from _RemoteTracebackError(text)
        return payload

    def _wait(self, number: int) -> None:
        """Read results until that of task ``number`` is there."""
        assert self._selector is not None
        assert self._steps is not None
        steps = self._steps
        tick = min(_TICK, self.timeout / 4)
        seen = (steps.tobytes(), self._received)
        moved = time.monotonic()
        while number not in self._done:
            for key, _ in self._selector.select(tick):
                source: _Worker = key.data
                if key.fd != source.results or not self._read(source):
                    raise self._lost(source)
            now = (steps.tobytes(), self._received)
            if now != seen:
                seen, moved = now, time.monotonic()
            elif time.monotonic() - moved >= self.timeout:
                raise WorkerLostError(
                    f"a worker process made no progress in {self.timeout:g} s", stopped=True
                )

    def _read(self, worker: _Worker) -> bool:
        """Read what ``worker`` sent, and take its whole results; False at the pipe's end."""
        try:
            data = os.read(worker.results, _READ)
        except BlockingIOError:
            return True
        if not data:
            return False
        self._received += len(data)
        inbox = worker.inbox
        inbox += data
        while len(inbox) >= _RESULT.size:
            number, size, tag = _RESULT.unpack_from(inbox)
            end = _RESULT.size + size
            if len(inbox) < end:
                break
            self._done[number] = (tag, bytes(inbox[_RESULT.size : end]))
            del inbox[:end]
        return True

    def _lost(self, worker: _Worker) -> WorkerLostError:
        return WorkerLostError(f"a worker process died ({worker.how_it_ended()})")

    def close(self) -> None:
        """End the workers: once every result was taken, by closing the task pipe; else at
        once, by SIGKILL. Waits until they have ended."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        finished = not self._backlog and self._taken == self._submitted
        workers, self._workers = self._workers, []
        if not finished:
            for worker in workers:
                with contextlib.suppress(OSError):
                    worker.process.kill()
        if self._tasks >= 0:
            with contextlib.suppress(OSError):
                os.close(self._tasks)
        for worker in workers:
            worker.process.join(_REAP if finished else None)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            with contextlib.suppress(OSError):
                os.close(worker.results)
            worker.process.close()
        if self._selector is not None:
            self._selector.close()
        self._backlog.clear()
        self._done.clear()
        with contextlib.suppress(BufferError):
            if self._steps is not None:
                self._steps.release()
            if self._memory is not None:
                self._memory.close()
