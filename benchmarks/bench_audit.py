"""Child files per second for a whole audit of a province-scale synthetic registry.

Writes a synthetic registry with :mod:`careprotect.synth` (100 000 children by default, each
with a year of contacts) to a temporary file, then, in one run:

* audit: ``Engine.from_entry_points()`` (every installed plugin), ``engine.audit(
  open_registry(path), as_of=synth.AS_OF)``, every finding consumed; prints child files per
  second, the number of findings and of rejected records;
* raw: read every line of the same file and ``json.loads`` it, nothing else; prints lines and
  child files per second, and the ratio of the audit's rate to this one (aim: at least 1/3);
* memory: the peak resident set (max RSS) of the same audit in a fresh process, for 10 000
  and for 100 000 children, and their ratio (aim: at most 1.5: memory must not grow with the
  number of children);
* the command line: ``careprotect audit FILE --as-of ... --format json`` with its output
  thrown away, when the ``careprotect`` command has an ``audit`` verb.

Run on demand, not in CI:

    .venv/bin/python benchmarks/bench_audit.py [--children N] [--province 43] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from careprotect import synth
from careprotect.engine import Engine
from careprotect.io import open_registry

MEMORY_SIZES = (10_000, 100_000)


class Timed:
    """Wall-clock and CPU seconds of a block (CPU time is steadier on a shared machine)."""

    def __enter__(self) -> Timed:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    def rates(self, count: int, unit: str) -> str:
        return f"{count / self.wall:,.0f} {unit}/s ({count / self.cpu:,.0f} per CPU second)"

    def __str__(self) -> str:
        return f"{self.wall:.1f} s (CPU {self.cpu:.1f} s)"


def generate(path: Path, province: str, children: int, seed: int) -> Timed:
    """Write a synthetic registry; return how long it took."""
    with Timed() as timed, path.open("w", encoding="utf-8") as out:
        synth.write_synthetic(out, province=province, children=children, seed=seed)
    return timed


def audit(path: Path) -> tuple[int, int, int]:
    """Audit the registry with every installed plugin: (child files, findings, rejected)."""
    engine = Engine.from_entry_points()
    with open_registry(path) as stream:
        run = engine.audit(stream, as_of=synth.AS_OF)
        findings = sum(1 for _ in run)
        return run.summary.subjects["child"], findings, len(stream.rejections)


def raw_parse(path: Path) -> tuple[int, int]:
    """Read and parse every line, nothing else: (lines, child records)."""
    lines = children = 0
    with path.open("rb") as handle:
        for line in handle:
            record = json.loads(line)
            lines += 1
            children += record["record"] == "child"
    return lines, children


def max_rss_bytes() -> int:
    """This process's peak resident set size in bytes (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def peak_memory(path: Path) -> int:
    """The peak RSS of an audit of ``path`` in a fresh Python process, in bytes."""
    result = subprocess.run(
        [sys.executable, __file__, "--audit-rss", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.split()[-1])


def cli_audit(path: Path) -> tuple[float, float] | None:
    """Wall and CPU seconds of ``careprotect audit PATH --as-of ... --format json`` (output
    discarded), or None when the command or its audit verb is not available."""
    command = shutil.which("careprotect", path=str(Path(sys.executable).parent))
    if command is None:
        return None
    probe = subprocess.run([command, "audit", "--help"], capture_output=True, check=False)
    if probe.returncode != 0:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # The report goes to stdout, thrown away here. Not "-o /dev/null": the CLI writes a
    # temporary file beside the target and moves it into place, which must not happen to
    # /dev/null. Exit status 1 means a non-compliant finding, expected here.
    done = subprocess.run(
        [command, "audit", str(path), "--as-of", synth.AS_OF.isoformat(), "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        print(f"  careprotect audit failed ({done.returncode}): {done.stderr.decode()[-300:]}")
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--province", default="43")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line timing")
    parser.add_argument("--audit-rss", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.audit_rss is not None:  # the child process of peak_memory()
        audit(args.audit_rss)
        print(max_rss_bytes())
        return

    n = args.children
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        path = Path(tmp) / f"synthetic-{args.province}-{n}.jsonl"
        made = generate(path, args.province, n, args.seed)
        print(
            f"synth: {n} children in province {args.province} (seed {args.seed}), "
            f"{mib(path.stat().st_size)}, written in {made}: {made.rates(n, 'children')}"
        )

        with Timed() as audited:
            children, findings, rejected = audit(path)
        print(
            f"audit (every installed plugin, as of {synth.AS_OF}): {audited}, "
            f"{audited.rates(children, 'child files')}; {findings:,} findings, "
            f"{rejected} rejected records"
        )

        with Timed() as parsed:
            lines, raw_children = raw_parse(path)
        print(
            f"raw parse (read + json.loads): {parsed}, {parsed.rates(lines, 'lines')}, "
            f"{parsed.rates(raw_children, 'child files')}"
        )
        wall_ratio = (children / audited.wall) / (raw_children / parsed.wall)
        cpu_ratio = (children / audited.cpu) / (raw_children / parsed.cpu)
        print(
            f"audit / raw: {wall_ratio:.3f} by wall clock, {cpu_ratio:.3f} by CPU time "
            "(aim: at least 0.333)"
        )

        peaks = {}
        for size in MEMORY_SIZES:
            target = path
            if size != n:
                target = Path(tmp) / f"synthetic-{args.province}-{size}.jsonl"
                generate(target, args.province, size, args.seed)
            peaks[size] = peak_memory(target)
            print(f"peak RSS of the audit, {size:>7} children (fresh process): {mib(peaks[size])}")
            if target != path:
                target.unlink()
        small, large = (peaks[s] for s in MEMORY_SIZES)
        print(
            f"peak RSS {MEMORY_SIZES[1]} / {MEMORY_SIZES[0]} children: {large / small:.2f} "
            "(aim: at most 1.5)"
        )

        if not args.no_cli:
            cli = cli_audit(path)
            if cli is None:
                print("careprotect audit: not available")
            else:
                wall, cpu = cli
                print(
                    f"careprotect audit FILE --format json (output discarded): {wall:.1f} s "
                    f"(CPU {cpu:.1f} s), {children / wall:,.0f} child files/s "
                    f"({children / cpu:,.0f} per CPU second)"
                )


if __name__ == "__main__":
    main()
