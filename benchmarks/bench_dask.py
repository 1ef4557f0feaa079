"""The command line's audit on Dask against its own worker processes, side by side.

For each size of ``--children`` (default 100 000 and 1 000 000), writes a synthetic registry
with :mod:`careprotect.testing.synth` (streamed to a file in a temporary directory under
/tmp), then runs ``careprotect audit REGISTRY --as-of <synth.AS_OF> --format json -o OUT``
in a subprocess, in four configurations, one after the other:

* ``--jobs 1``: one process;
* ``--jobs W``: W forked worker processes (``--workers``, default 2);
* ``--dask local:W``: a ``LocalCluster`` of W one-thread worker processes, started by the
  command for the run (its start is in the time);
* ``--dask tcp://127.0.0.1:PORT``: a ``dask scheduler`` and W ``dask worker --nthreads 1``
  processes started by this benchmark on 127.0.0.1 before the run (their start is not in
  the time), stopped after it.

For each it prints the wall time, child files per second, the ratio of that rate to
``--jobs W``'s, the peak resident set (VmHWM) of the client (the ``careprotect`` process)
and of each worker process, and checks that the four reports are byte for byte the same
(``cmp`` against the ``--jobs 1`` report, which is then the only one kept on disk).

Memory is sampled from /proc (Linux only), every ``--every`` seconds, for the client, every
process descended from it (the forked workers of ``--jobs``, the spawned workers of
``local:W`` and multiprocessing's resource tracker) and, for the scheduler configuration,
the scheduler and each ``dask worker`` process (the nanny) with its descendants (the worker
process that judges, and a resource tracker). VmHWM is the kernel's own high-water mark of a
process's resident set, so a sample misses only what the process grew in its last
``--every`` seconds. Not ``ru_maxrss`` of ``os.wait4``, which is also recorded for the
client in the JSON results to show why: Linux gives the largest of the process's own peak
and those of the descendants it reaped (the workers of ``--jobs`` and ``local:W``), and
carries a peak over through ``exec`` from the process that started it.

Then the costs docs/performance.md projects from (see ``measure_costs`` and
``overhead_pair`` for the method):

* per part, on one worker: the CPU seconds the scheduler configuration's worker processes
  spent in the run, over the number of parts (``CAREPROTECT_SPAN_BYTES``, default 1 MiB);
* per part, on the client: the client's CPU seconds in the same run over the parts (it takes
  every part's result in order and writes the report: the serial part of a run);
* the scheduler's CPU seconds per task, in the same run (the scheduler is a process of its
  own there);
* the overhead per task, by wall clock and by CPU time, of ``--dask local:W`` on the smallest
  registry: the run with tiny parts (``--tiny-span``, default 32 KiB) against the run with
  the default parts, back to back: (T_tiny - T_default) / (tasks_tiny - tasks_default).

Last, a projection for a registry of ``--project-children`` (default 20 000 000) on 8, 32 and
128 workers from those costs (its assumptions are printed with it).

Writes every figure as JSON to ``--json``. Run on demand, not in CI (needs the ``dask``
extra: ``pip install 'careprotect[dask]'``); the whole run at the default sizes takes 20 to
30 minutes on two cores:

    .venv/bin/python benchmarks/bench_dask.py [--children 100000,1000000] [--workers 2]
        [--json /tmp/bench-dask.json]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import filecmp
import json
import math
import os
import pickle
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import careprotect
from careprotect.io import open_registry
from careprotect.pipeline.parallel import BATCH, SPAN_VARIABLE, SUBJECTS
from careprotect.testing import synth

TICKS = os.sysconf("SC_CLK_TCK")
LOOPBACK = "127.0.0.1"
PROJECTED_WORKERS = (8, 32, 128)
SUMMARY = re.compile(r'"summary": \{"subjects": \{[^}]*?"child": (\d+)[^}]*\}, "findings": (\d+)')


def mib(kib: int) -> float:
    return round(kib / 1024, 1)


# --- /proc -------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (state, ppid, ...), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].decode("ascii").split()
    except (OSError, IndexError):
        return None


def parents() -> dict[int, int]:
    """Every process's parent."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(int(entry))) is not None:
            found[int(entry)] = int(fields[1])
    return found


def descendants(roots: Iterable[int]) -> set[int]:
    """``roots`` and every process descended from them."""
    tree, children = set(roots), parents()
    grew = True
    while grew:
        more = {pid for pid, parent in children.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def cpu_seconds(pid: int) -> float | None:
    """The user and system CPU seconds of a process itself (not of its children)."""
    fields = _stat_fields(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / TICKS


def hwm_kib(pid: int) -> int | None:
    """A process's peak resident set so far (VmHWM), in KiB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


@dataclasses.dataclass
class Seen:
    """A process as sampled: its parent, command, peak RSS and CPU seconds (the latest)."""

    pid: int
    parent: int
    command: str
    hwm_kib: int = 0
    cpu: float = 0.0


class Sampler(threading.Thread):
    """Samples the processes descended from ``roots`` (and the roots) every ``every``
    seconds until :meth:`finish`, which takes one sample more of those still alive."""

    def __init__(self, roots: Iterable[int], every: float) -> None:
        super().__init__(daemon=True)
        self.roots = list(roots)
        self.every = every
        self.seen: dict[int, Seen] = {}
        self._done = threading.Event()

    def sample(self) -> None:
        family = parents()
        for pid in descendants(self.roots):
            hwm, cpu = hwm_kib(pid), cpu_seconds(pid)
            if hwm is None or cpu is None:
                continue  # gone (a zombie has no VmHWM)
            seen = self.seen.get(pid)
            if seen is None:
                seen = self.seen[pid] = Seen(pid, family.get(pid, 0), command_line(pid))
            seen.hwm_kib = max(seen.hwm_kib, hwm)
            seen.cpu = max(seen.cpu, cpu)

    def run(self) -> None:
        self.sample()
        while not self._done.wait(self.every):
            self.sample()

    def finish(self) -> dict[int, Seen]:
        self._done.set()
        self.join()
        self.sample()
        return self.seen


def role(seen: Seen) -> str:
    """What a process descended from the client or started with the cluster is, by its
    command line."""
    if "resource_tracker" in seen.command:
        return "resource tracker"
    if "dask scheduler" in seen.command:
        return "scheduler"
    if "dask worker" in seen.command:
        return "nanny"
    # A process that judges: a worker forked by --jobs (its command is the client's), one
    # spawned by a LocalCluster or a nanny (multiprocessing's spawn_main).
    return "worker"


# --- processes this benchmark starts ------------------------------------------------------


def stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """Stop a process this benchmark started (SIGTERM, then SIGKILL) and whatever is left of
    its process group (it was started in a session of its own)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclasses.dataclass
class Cluster:
    """A ``dask scheduler`` and its ``dask worker`` processes, on the loopback address."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]

    def pids(self) -> list[int]:
        return [self.scheduler.pid, *(w.pid for w in self.workers)]


@contextlib.contextmanager
def dask_cluster(count: int, directory: Path) -> Iterator[Cluster]:
    """Start a scheduler and ``count`` one-thread workers on 127.0.0.1 (no dashboards), wait
    until every worker has joined, and stop them all when done, whatever happens."""
    from distributed import Client

    scheduler_file = directory / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)
    python = sys.executable
    started: list[subprocess.Popen[bytes]] = []
    try:

        def start(args: list[str], log: str) -> subprocess.Popen[bytes]:
            with (directory / log).open("wb") as out:
                process = subprocess.Popen(
                    [python, "-m", "dask", *args],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started.append(process)
            return process

        scheduler = start(
            [
                "scheduler",
                "--host",
                LOOPBACK,
                "--port",
                "0",
                "--scheduler-file",
                str(scheduler_file),
                "--no-dashboard",
            ],
            "scheduler.log",
        )
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() or not scheduler_file.stat().st_size:
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dask scheduler did not start: see {directory}")
            time.sleep(0.2)
        time.sleep(0.2)  # the file is written whole; let the writer close it
        address = json.loads(scheduler_file.read_text())["address"]
        if not address.startswith(f"tcp://{LOOPBACK}:"):
            raise RuntimeError(f"the scheduler is not on the loopback address: {address}")
        workers = [
            start(
                ["worker", address, "--host", LOOPBACK, "--nthreads", "1", "--no-dashboard"],
                f"worker-{i}.log",
            )
            for i in range(1, count + 1)
        ]
        with Client(address, timeout="30s") as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(count, timeout=120)
        yield Cluster(address, scheduler, workers)
    finally:
        for process in reversed(started):  # the workers, then the scheduler
            stop(process)


# --- one audit ------------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    """One configuration's run."""

    name: str
    args: list[str]
    span: int
    wall: float = 0.0
    exit_status: int = 0
    error: str | None = None
    children: int = 0
    findings: int = 0
    report_bytes: int = 0
    identical: bool | None = None
    client_hwm_kib: int = 0
    client_cpu: float = 0.0
    wait4_maxrss_kib: int = 0
    wait4_cpu: float = 0.0
    processes: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def peaks(self, kind: str) -> list[float]:
        return [mib(p["hwm_kib"]) for p in self.processes if p["role"] == kind]

    def cpu(self, kind: str) -> float:
        return float(sum(p["cpu_in_run"] for p in self.processes if p["role"] == kind))


def summary_of(report: Path) -> tuple[int, int]:
    """The child files judged and the findings, from the summary at the end of a JSON
    report (read from its last 16 MiB: the report is written as a stream)."""
    with report.open("rb") as handle:
        handle.seek(max(0, report.stat().st_size - (16 << 20)))
        tail = handle.read().decode("utf-8", errors="replace")
    found = SUMMARY.search(tail)
    if found is None:
        return 0, 0
    return int(found.group(1)), int(found.group(2))


def run_audit(
    name: str,
    registry: Path,
    report: Path,
    options: list[str],
    *,
    span: int,
    every: float,
    watch: Iterable[int] = (),
    command: str,
) -> Result:
    """Run ``careprotect audit`` on ``registry`` with ``options``, its JSON report to
    ``report``, sampling it, its descendants and the processes ``watch`` (with theirs)."""
    args = [
        command,
        "audit",
        str(registry),
        "--as-of",
        synth.AS_OF.isoformat(),
        "--format",
        "json",
        "-o",
        str(report),
        *options,
    ]
    result = Result(name, args, span)
    watch = list(watch)
    before = {pid: cpu_seconds(pid) or 0.0 for pid in descendants(watch)}
    environ = {**os.environ, SPAN_VARIABLE: str(span)}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=errors, env=environ, start_new_session=True
        )
        sampler = Sampler([process.pid, *watch], every)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
            result.wall = time.perf_counter() - started
            process.returncode = result.exit_status = os.waitstatus_to_exitcode(status)
        finally:
            if process.returncode is None:  # interrupted: stop it and its workers
                stop(process, grace=5)
            seen = sampler.finish()
        errors.seek(0)
        text = errors.read().decode(errors="replace").strip()
    result.wait4_maxrss_kib = usage.ru_maxrss
    result.wait4_cpu = usage.ru_utime + usage.ru_stime
    # Exit status 1: a finding is non-compliant, as expected of the synthetic registry.
    if result.exit_status not in (0, 1):
        result.error = f"exit status {result.exit_status}: {text[-2000:]}"
    client = seen.get(process.pid)
    if client is not None:
        result.client_hwm_kib, result.client_cpu = client.hwm_kib, client.cpu
    for pid, one in sorted(seen.items()):
        if pid == process.pid:
            continue
        result.processes.append(
            {
                "pid": pid,
                "parent": one.parent,
                "role": role(one),
                "command": one.command[:200],
                "hwm_kib": one.hwm_kib,
                "cpu_in_run": round(one.cpu - before.get(pid, 0.0), 3),
            }
        )
    if result.error is None and report.exists():
        result.report_bytes = report.stat().st_size
        result.children, result.findings = summary_of(report)
    return result


# --- the costs projected from ----------------------------------------------------------------


def count_tasks(registry: Path, span: int) -> tuple[int, int]:
    """The parts of ``span`` bytes the registry's child files make, and the tasks of
    reference subjects (divisions, workers and service points, :data:`SUBJECTS` a task), as
    the audit marks them out."""
    with open_registry(registry) as stream:
        reference = stream.reference
        subjects = sum(
            math.ceil(len(items) / SUBJECTS)
            for items in (reference.divisions, reference.workers, reference.service_points)
        )
        parts = sum(1 for _ in stream.split(span).parts)
    return parts, subjects


def reference_cost(registry: Path) -> dict[str, float]:
    """What the client does once, whatever the part size: read the reference data (in this
    process, CPU seconds), and the bytes of the registry's state as pickled to be scattered
    to every worker (its path and reference data)."""
    started = time.process_time()
    with open_registry(registry) as stream:
        read = time.process_time() - started
        records = (
            len(stream.reference.divisions)
            + len(stream.reference.workers)
            + len(stream.reference.service_points)
        )
        state = len(pickle.dumps(stream))
    return {"reference_records": records, "reference_read_cpu_s": read, "state_bytes": state}


def measure_costs(result: Result, parts: int, tasks: int) -> dict[str, float]:
    """The costs of the scheduler configuration's run: the CPU seconds of its worker
    processes per part (this includes building the engine on each worker and the reference
    subjects' few tasks, which a large registry spreads thin), the client's per part (it
    marks out the parts, takes each result in order and writes the report: the serial part of
    a run) and the scheduler's per task. Each is a process of its own here, with the CPU time
    it spent during the run (before and after, from /proc)."""
    return {
        "worker_cpu_s_per_part": result.cpu("worker") / parts,
        "client_cpu_s_per_part": result.wait4_cpu / parts,  # the client has no children here
        "scheduler_cpu_ms_per_task": 1000 * result.cpu("scheduler") / tasks,
        "nanny_cpu_ms_per_task": 1000 * result.cpu("nanny") / tasks,
    }


def overhead_pair(
    registry: Path,
    reports: Path,
    reference_report: Path,
    *,
    workers: int,
    tiny: int,
    span: int,
    every: float,
    command: str,
) -> dict[str, Any]:
    """The overhead of a task of ``--dask local:W``, measured as the cost of more tasks for
    the same work: the audit of one registry with parts of ``span`` bytes, then, just after
    (the same spell of a busy machine), with parts of ``tiny`` bytes. Both read and judge the
    same child files; the tiny parts' run has many more tasks, each of which costs the
    scheduler (a task's state and its messages), the client (a submit, a result taken in
    turn) and a worker (receiving it, the part's file read and result sent) a fixed amount.
    So the difference of the times over the difference of the numbers of tasks is the cost a
    task adds, whatever the work in it: by wall clock (what W workers, the client and the
    scheduler sharing this machine's cores take longer) and by CPU time (every process of
    the run together: the client's own and that of the worker processes it reaped, from
    ``os.wait4``). Each report is also compared with the ``--jobs 1`` one."""
    runs = {}
    for size in (span, tiny):
        parts, subjects = count_tasks(registry, size)
        report = reports / f"overhead-{size}.json"
        result = run_audit(
            f"local:{workers}, parts of {size} bytes",
            registry,
            report,
            ["--dask", f"local:{workers}"],
            span=size,
            every=every,
            command=command,
        )
        if result.error is None:
            result.identical = filecmp.cmp(reference_report, report, shallow=False)
        report.unlink(missing_ok=True)
        runs[size] = (result, parts + subjects)
    (default, default_tasks), (small, small_tasks) = runs[span], runs[tiny]
    extra = small_tasks - default_tasks
    figures: dict[str, Any] = {
        "span": span,
        "tiny_span": tiny,
        "tasks": default_tasks,
        "tiny_tasks": small_tasks,
        "wall": round(default.wall, 2),
        "tiny_wall": round(small.wall, 2),
        "cpu": round(default.wait4_cpu, 2),
        "tiny_cpu": round(small.wait4_cpu, 2),
        "identical": [default.identical, small.identical],
        "errors": [default.error, small.error],
    }
    if default.error is None and small.error is None and extra > 0:
        figures["wall_ms_per_task"] = round(1000 * (small.wall - default.wall) / extra, 3)
        figures["cpu_ms_per_task"] = round(1000 * (small.wait4_cpu - default.wait4_cpu) / extra, 3)
    return figures


def project(
    children: int,
    measured: dict[str, Any],
    span: int,
    costs: dict[str, float],
    overhead_ms: float | None,
    measured_children: int,
) -> list[dict[str, float]]:
    """How long an audit of ``children`` child files would take on 8, 32 and 128 workers.

    The parts are judged in parallel, one at a time per worker; the scheduler handles every
    task in turn, and so does the client (it takes the results in order and writes the
    report). These three go on at once, so the run takes about as long as the slowest of
    them: max(parts x worker cost / workers, parts x scheduler cost, parts x client cost),
    after the client has read the reference data (which synth makes in proportion to the
    children: its measured time, scaled). The measured overhead per task by wall clock is
    also given as if it were paid in series (it includes the client's and the workers'
    per-task costs, so this is a bound)."""
    parts = math.ceil(children * measured["bytes_per_child"] / span)
    reference = measured["reference_read_cpu_s"] * children / measured_children
    rows = []
    for workers in PROJECTED_WORKERS:
        judging = parts * costs["worker_cpu_s_per_part"] / workers
        scheduling = parts * costs["scheduler_cpu_ms_per_task"] / 1000
        taking = parts * costs["client_cpu_s_per_part"]
        row = {
            "workers": workers,
            "parts": parts,
            "reference_s": round(reference, 1),
            "judging_s": round(judging, 1),
            "scheduler_s": round(scheduling, 1),
            "client_s": round(taking, 1),
            "projected_s": round(reference + max(judging, scheduling, taking), 1),
        }
        if overhead_ms is not None:
            row["with_overhead_in_series_s"] = round(
                reference + max(judging, taking) + parts * overhead_ms / 1000, 1
            )
        rows.append(row)
    return rows


# --- the run ---------------------------------------------------------------------------------


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_table(size: int, results: list[Result], baseline: Result | None) -> None:
    print(f"\n{size:,} children")
    head = (
        f"{'configuration':<28} {'wall s':>8} {'child files/s':>14} {'/ jobs W':>9} "
        f"{'client MiB':>11}  workers MiB (each)"
    )
    print(head)
    print("-" * len(head))
    for result in results:
        if result.error is not None:
            print(f"{result.name:<28} FAILED: {result.error.splitlines()[-1][:200]}")
            continue
        rate = result.children / result.wall if result.wall else 0.0
        ratio = ""
        if baseline is not None and baseline.error is None and baseline.wall:
            ratio = f"{rate / (baseline.children / baseline.wall):.3f}"
        workers = ", ".join(f"{p:.1f}" for p in result.peaks("worker")) or "-"
        extra = []
        if nannies := result.peaks("nanny"):
            extra.append("nannies " + ", ".join(f"{p:.1f}" for p in nannies))
        if scheduler := result.peaks("scheduler"):
            extra.append(f"scheduler {scheduler[0]:.1f}")
        print(
            f"{result.name:<28} {result.wall:>8.1f} {rate:>14,.0f} {ratio:>9} "
            f"{mib(result.client_hwm_kib):>11.1f}  {workers}"
            + (f" ({'; '.join(extra)})" if extra else "")
        )
    same = [r.identical for r in results[1:]]
    print(
        "reports byte-identical to --jobs 1 (cmp): "
        + ", ".join(f"{r.name}: {r.identical}" for r in results[1:])
        + (" - all identical" if same and all(same) else " - NOT all identical")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--children",
        default="100000,1000000",
        help="comma-separated registry sizes (default 100000,1000000)",
    )
    parser.add_argument("--province", default="43")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--tiny-span",
        type=int,
        default=32 << 10,
        help="bytes of a part in the overhead run (default 32768)",
    )
    parser.add_argument(
        "--project-children", type=int, default=20_000_000, help="the registry projected for"
    )
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.children.split(",") if n.strip()})
    span = int(os.environ.get(SPAN_VARIABLE, "").strip() or BATCH)
    command = shutil.which("careprotect", path=str(Path(sys.executable).parent))
    if command is None or not sys.platform.startswith("linux"):
        sys.exit("needs Linux and the careprotect command beside this Python")
    workers = args.workers

    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    ).stdout.strip()
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.machine()}",
        "commit": head,
        "careprotect": str(Path(careprotect.__file__).parent),
        "load_at_start": load(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "span": span,
        "workers": workers,
    }
    print(
        f"Python {machine['python']}, {machine['cpus']} CPUs, {machine['system']}, commit "
        f"{head}, careprotect from {machine['careprotect']}, parts of {span} bytes, {workers} "
        f"workers; load average {machine['load_at_start']}"
    )
    output: dict[str, Any] = {"machine": machine, "sizes": {}}

    with tempfile.TemporaryDirectory(prefix="bench-dask-", dir="/tmp") as tmp:
        directory = Path(tmp)
        for size in sizes:
            registry = directory / f"synthetic-{args.province}-{size}.jsonl"
            started = time.perf_counter()
            with registry.open("w", encoding="utf-8") as out:
                synth.write_synthetic(out, province=args.province, children=size, seed=args.seed)
            registry_bytes = registry.stat().st_size
            parts, subjects = count_tasks(registry, span)
            once = reference_cost(registry)
            print(
                f"\nsynth: {size:,} children, {registry_bytes / 2**20:,.1f} MiB "
                f"({registry_bytes / size:,.0f} bytes a child) in "
                f"{time.perf_counter() - started:.1f} s; {parts:,} parts of {span} bytes "
                f"and {subjects} tasks of reference subjects; "
                f"{once['reference_records']:,} reference records, read in "
                f"{once['reference_read_cpu_s']:.2f} CPU s, state pickled "
                f"{once['state_bytes'] / 2**20:.1f} MiB; load average {load()}"
            )
            first = directory / "jobs-1.json"
            results: list[Result] = []
            configurations: list[tuple[str, list[str]]] = [
                ("--jobs 1", ["--jobs", "1"]),
                (f"--jobs {workers}", ["--jobs", str(workers)]),
                (f"--dask local:{workers}", ["--dask", f"local:{workers}"]),
            ]
            for name, options in configurations:
                report = directory / "report.json" if results else first
                result = run_audit(
                    name, registry, report, options, span=span, every=args.every, command=command
                )
                print(f"  {name}: {result.wall:.1f} s, load average {load()}", flush=True)
                results.append(result)
                if results[1:] and result.error is None and first.exists():
                    result.identical = filecmp.cmp(first, report, shallow=False)
                if report != first:
                    report.unlink(missing_ok=True)
            name = f"scheduler + {workers} workers"
            try:
                with dask_cluster(workers, directory) as cluster:
                    report = directory / "report.json"
                    result = run_audit(
                        name,
                        registry,
                        report,
                        ["--dask", cluster.address],
                        span=span,
                        every=args.every,
                        watch=cluster.pids(),
                        command=command,
                    )
            except Exception as exc:  # the cluster did not start: say so, go on
                result = Result(name, [], span, error=f"{type(exc).__name__}: {exc}")
            print(f"  {name}: {result.wall:.1f} s, load average {load()}", flush=True)
            if result.error is None and first.exists():
                result.identical = filecmp.cmp(first, report, shallow=False)
            report.unlink(missing_ok=True)
            results.append(result)
            baseline = results[1]
            print_table(size, results, baseline)

            entry: dict[str, Any] = {
                "registry_bytes": registry_bytes,
                "bytes_per_child": registry_bytes / size,
                "parts": parts,
                "subject_tasks": subjects,
                **once,
                "load_at_end": load(),
                "results": [dataclasses.asdict(r) for r in results],
            }
            scheduled = results[-1]
            if scheduled.error is None:
                costs = measure_costs(scheduled, parts, parts + subjects)
                entry["costs"] = costs
                print(
                    f"costs (scheduler + {workers} workers, CPU time): "
                    f"{costs['worker_cpu_s_per_part'] * 1000:.1f} ms a part on a worker, "
                    f"{costs['client_cpu_s_per_part'] * 1000:.2f} ms a part on the client, "
                    f"{costs['scheduler_cpu_ms_per_task']:.3f} ms a task on the scheduler "
                    f"(nannies {costs['nanny_cpu_ms_per_task']:.3f} ms a task)"
                )
            if size == sizes[0] and first.exists() and results[0].error is None:
                pair = overhead_pair(
                    registry,
                    directory,
                    first,
                    workers=workers,
                    tiny=args.tiny_span,
                    span=span,
                    every=args.every,
                    command=command,
                )
                entry["overhead"] = pair
                print(
                    f"overhead per task, --dask local:{workers}: parts of {span} bytes "
                    f"({pair['tasks']:,} tasks) {pair['wall']:.1f} s, {pair['cpu']:.1f} CPU s; "
                    f"of {args.tiny_span} bytes ({pair['tiny_tasks']:,} tasks) "
                    f"{pair['tiny_wall']:.1f} s, {pair['tiny_cpu']:.1f} CPU s; "
                    f"{pair.get('wall_ms_per_task', float('nan')):.3f} ms a task by wall clock, "
                    f"{pair.get('cpu_ms_per_task', float('nan')):.3f} ms of CPU a task; "
                    f"reports identical: {pair['identical']}; errors: {pair['errors']}"
                )
            first.unlink(missing_ok=True)
            registry.unlink()
            output["sizes"][str(size)] = entry
            if args.json is not None:  # after each size, so that a later failure keeps it
                args.json.write_text(json.dumps(output, indent=1) + "\n")

    # The aims of issue 19, the costs between the sizes, and the projection.
    done = output["sizes"]
    low, high = str(sizes[0]), str(sizes[-1])
    print()
    for size, entry in done.items():
        by_name = {r["name"]: r for r in entry["results"]}
        local, jobs = by_name[f"--dask local:{workers}"], by_name[f"--jobs {workers}"]
        if local["error"] is None and jobs["error"] is None:
            ratio = (local["children"] / local["wall"]) / (jobs["children"] / jobs["wall"])
            met = "met" if ratio >= 0.85 else "NOT met"
            print(
                f"aim, {int(size):,} children: --dask local:{workers} at {ratio:.3f} of "
                f"--jobs {workers}'s rate (aim: at least 0.85): {met}"
            )
    if low != high:
        for name in (f"--dask local:{workers}", f"scheduler + {workers} workers"):
            peaks = [
                next(r for r in done[s]["results"] if r["name"] == name)["client_hwm_kib"]
                for s in (low, high)
            ]
            if all(peaks):
                ratio = peaks[1] / peaks[0]
                print(
                    f"aim, client peak of {name}, {int(high):,} / {int(low):,} children: "
                    f"{mib(peaks[1])} / {mib(peaks[0])} MiB = {ratio:.2f} (aim: at most 1.5): "
                    f"{'met' if ratio <= 1.5 else 'NOT met'}"
                )
        # Between the two sizes: each configuration's time as a fixed part and a part per
        # child file (T = fixed + children / marginal rate), and the costs per part as the
        # differences of the two runs' CPU seconds over the difference of their parts, so
        # that what each process spends once (imports, the engine built, the cluster
        # joined) is left out.
        marginal: dict[str, Any] = {}
        lows = {r["name"]: r for r in done[low]["results"]}
        for r in done[high]["results"]:
            a = lows.get(r["name"])
            if a is None or a["error"] is not None or r["error"] is not None:
                continue
            rate = (r["children"] - a["children"]) / (r["wall"] - a["wall"])
            fixed = a["wall"] - a["children"] / rate
            marginal[r["name"]] = {"rate": round(rate), "fixed_s": round(fixed, 2)}
            print(
                f"between {int(low):,} and {int(high):,} children, {r['name']}: "
                f"{rate:,.0f} child files/s for each more, {fixed:.1f} s fixed"
            )
        output["marginal"] = marginal
        name = f"scheduler + {workers} workers"
        a, b = (next(r for r in done[s]["results"] if r["name"] == name) for s in (low, high))
        if a["error"] is None and b["error"] is None:
            more_parts = done[high]["parts"] - done[low]["parts"]
            more_tasks = more_parts + done[high]["subject_tasks"] - done[low]["subject_tasks"]

            def cpu(result: dict[str, Any], kind: str) -> float:
                return float(sum(p["cpu_in_run"] for p in result["processes"] if p["role"] == kind))

            costs = {
                "worker_cpu_s_per_part": (cpu(b, "worker") - cpu(a, "worker")) / more_parts,
                "client_cpu_s_per_part": (b["wait4_cpu"] - a["wait4_cpu"]) / more_parts,
                "scheduler_cpu_ms_per_task": 1000
                * (cpu(b, "scheduler") - cpu(a, "scheduler"))
                / more_tasks,
            }
            output["marginal_costs"] = costs
            print(
                f"costs per part between {int(low):,} and {int(high):,} children (scheduler + "
                f"{workers} workers, CPU time): {costs['worker_cpu_s_per_part'] * 1000:.1f} ms "
                f"on a worker, {costs['client_cpu_s_per_part'] * 1000:.2f} ms on the client, "
                f"{costs['scheduler_cpu_ms_per_task']:.3f} ms a task on the scheduler"
            )
    costs = output.get("marginal_costs") or done[high].get("costs")
    if costs is not None:
        overhead = done[low].get("overhead", {}).get("wall_ms_per_task")
        entry = done[high]
        rows = project(args.project_children, entry, span, costs, overhead, int(high))
        output["projection"] = {
            "children": args.project_children,
            "bytes_per_child": entry["bytes_per_child"],
            "span": span,
            "costs": costs,
            "overhead_wall_ms_per_task": overhead,
            "rows": rows,
        }
        print(
            f"\nprojection, {args.project_children:,} children "
            f"({entry['bytes_per_child']:,.0f} bytes a child, parts of {span} bytes, "
            f"{rows[0]['parts']:,} parts; reference data as in synth, read in "
            f"{rows[0]['reference_s']:,.0f} s):"
        )
        for row in rows:
            print(
                f"  {row['workers']:>4} workers: judging {row['judging_s']:,.0f} s, scheduler "
                f"{row['scheduler_s']:,.0f} s, client {row['client_s']:,.0f} s -> about "
                f"{row['projected_s']:,.0f} s"
                + (
                    f" (with the overhead per task in series: "
                    f"{row['with_overhead_in_series_s']:,.0f} s)"
                    if "with_overhead_in_series_s" in row
                    else ""
                )
            )
    output["machine"]["load_at_end"] = load()
    print(f"\nload average at the end {load()}")
    if args.json is not None:
        args.json.write_text(json.dumps(output, indent=1) + "\n")
        print(f"results: {args.json}")


if __name__ == "__main__":
    main()
