"""Wall time and peak memory of exporting a registry to an Excel ledger and importing it back.

Writes a synthetic registry with :mod:`careprotect.testing.synth` (streamed to a temporary
JSON Lines file) for each size of ``--children`` (default 10 000 and 100 000 child files,
each with a year of contacts), then, each step in a fresh Python process so that its peak
resident set (VmHWM) is its own:

* export: ``open_registry(registry.jsonl)`` and ``write_ledger`` to a ``.xlsx`` file, as
  ``careprotect export`` does;
* import: ``careprotect.ledger.opening.open_registry(ledger.xlsx)`` and every record written
  as JSON Lines, as ``careprotect import`` does; then the rows of each sheet
  (read = accepted + rejected is checked).

Prints, for each size and step, the wall-clock and CPU seconds, the peak RSS, and the child
files and ledger rows; then, for each step, the ratio of the largest size's peak to the
smallest's (aim: at most 1.5: memory must not grow with the number of children). The
machine's load average is printed first and last (a shared machine's neighbours slow it).
Run on demand, not in CI:

    .venv/bin/python benchmarks/bench_ledger.py [--children 10000,100000] [--province 43]
        [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from careprotect.testing import synth

SIZES = (10_000, 100_000)


def _peak_kib() -> int:
    """This process's peak resident set (VmHWM), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_export(registry: Path, ledger: Path) -> str:
    """In a fresh process: a registry written as a ledger; (child files, rows) as text."""
    from careprotect.io import open_registry
    from careprotect.ledger.writer import write_ledger

    with open_registry(registry) as stream, ledger.open("wb") as out:
        children = write_ledger(out, stream.reference, stream.children())
        rejected = len(stream.rejections)
    return f"{children} children, {rejected} rejected, {ledger.stat().st_size >> 20} MiB ledger"


def run_import(ledger: Path, lines: Path) -> str:
    """In a fresh process: a ledger read and written as JSON Lines; what was read, as text."""
    from careprotect.ledger.opening import open_registry
    from careprotect.ledger.stream import LedgerStream
    from careprotect.reading.writing import write_lines

    with open_registry(ledger) as stream, lines.open("w", encoding="utf-8") as out:
        assert isinstance(stream, LedgerStream)
        write_lines(out, stream.reference, stream.children())
        counts = stream.sheet_counts
        rejected = len(stream.rejections)
    for sheet in counts:
        assert sheet.read == sheet.accepted + sheet.rejected, sheet
    rows = sum(sheet.read for sheet in counts)
    children = next(sheet.read for sheet in counts if sheet.sheet == "children")
    return f"{children} children, {rows} rows, {rejected} rejected"


def measure(step: str, source: Path, target: Path) -> tuple[float, float, int, str]:
    """Run ``step`` in a fresh process: (wall seconds, CPU seconds, peak KiB, what it did)."""
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, str(source), str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu, peak, what = done.stdout.strip().splitlines()[-1].split("\t")
    return float(wall), float(cpu), int(peak), what


def step_main(step: str, source: Path, target: Path) -> None:
    start, cpu = time.perf_counter(), _cpu()
    what = (run_export if step == "export" else run_import)(source, target)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    print(f"{wall:.1f}\t{cpu:.1f}\t{_peak_kib()}\t{what}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", default=",".join(str(n) for n in SIZES))
    parser.add_argument("--province", default="43")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step", nargs=3, metavar=("STEP", "SOURCE", "TARGET"))
    args = parser.parse_args()
    if args.step:
        step, source, target = args.step
        step_main(step, Path(source), Path(target))
        return
    sizes = [int(n) for n in args.children.split(",")]
    print(f"load average {load()}, {os.cpu_count()} CPUs")
    peaks: dict[str, list[int]] = {"export": [], "import": []}
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        for n in sizes:
            registry = Path(tmp) / f"registry-{n}.jsonl"
            ledger = Path(tmp) / f"ledger-{n}.xlsx"
            with registry.open("w", encoding="utf-8") as out:
                synth.write_synthetic(out, province=args.province, children=n, seed=args.seed)
            for step, source, target in (
                ("export", registry, ledger),
                ("import", ledger, Path(tmp) / f"back-{n}.jsonl"),
            ):
                wall, cpu, peak, what = measure(step, source, target)
                peaks[step].append(peak)
                print(
                    f"{n:>7} children  {step:<6} {wall:7.1f} s (CPU {cpu:.1f} s)  "
                    f"peak RSS {peak / 1024:6.1f} MiB  ({what}; load {load()})",
                    flush=True,
                )
            for path in (registry, ledger, Path(tmp) / f"back-{n}.jsonl"):
                path.unlink()
    if len(sizes) > 1:
        for step, values in peaks.items():
            print(
                f"{step}: peak at {sizes[-1]:,} / peak at {sizes[0]:,} children = "
                f"{values[-1] / values[0]:.2f} (aim: at most 1.5)"
            )
    print(f"load average {load()}")


if __name__ == "__main__":
    main()
