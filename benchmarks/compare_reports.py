"""Record the command line's reports, and compare two recordings byte for byte.

A change that must leave behaviour unchanged (the core's rework of issue 18) is checked by
recording the reports before it and after it, and comparing:

    git switch --detach BEFORE && .venv/bin/python benchmarks/compare_reports.py record /tmp/before
    git switch main            && .venv/bin/python benchmarks/compare_reports.py record /tmp/after
    .venv/bin/python benchmarks/compare_reports.py compare /tmp/before /tmp/after

``record DIR`` runs ``careprotect`` (this interpreter's, as a subprocess, as a user would)
on the bundled sample registry and on synthetic registries (``careprotect synth --province
43 --seed 1``, 10 000 children by default; ``--children 10000,100000`` for more): ``audit``
as of 2024-12-31 with ``--jobs 1`` and ``--jobs 2``, ``entitlements`` for 2024 and ``plan``
for 2024-12 (which have no ``--jobs``), each in table, JSON and CSV. Each report goes to
``DIR/REGISTRY/VERB-FORMAT[-jJOBS].out``; ``DIR/manifest.json`` lists every
run's arguments, exit status, size and SHA-256. ``--lang en`` is given, so the reports do
not depend on the machine's locale.

``compare A B`` prints each run whose exit status or report differs (with the first
differing line), each run only one side has, and exits 1 when anything differs, 0 when
both recordings are byte for byte the same.

Run on demand, not in CI: 100 000 children take some minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

AS_OF = "2024-12-31"
RUNS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[int | None, ...]], ...] = (
    ("audit", ("--as-of", AS_OF), ("table", "json", "csv"), (1, 2)),
    ("entitlements", ("--period", "2024"), ("table", "json", "csv"), (None,)),
    ("plan", ("--month", "2024-12"), ("table", "json", "csv"), (None,)),
)
"""Each verb, its options, its formats and its ``--jobs`` values (None: the verb has no
``--jobs``; the report's name then has no ``-jN``)."""
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample-registry.jsonl"


def careprotect(*argv: str, output: Path | None = None) -> int:
    """Run the command line as a user would; its exit status."""
    command = [sys.executable, "-m", "careprotect", *argv]
    if output is not None:
        command += ["-o", str(output)]
    return subprocess.run(command, check=False, stdout=subprocess.DEVNULL).returncode


def registries(work: Path, children: list[int]) -> Iterator[tuple[str, Path]]:
    """The sample registry, then a synthetic registry of each size (written in ``work``)."""
    yield "sample", SAMPLE
    for n in children:
        path = work / f"synth-{n}.jsonl"
        if not path.exists():
            status = careprotect(
                "synth", "--province", "43", "--children", str(n), "--seed", "1", output=path
            )
            if status:
                raise SystemExit(f"compare_reports: synth of {n} children exited {status}")
        yield f"synth-{n}", path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record(directory: Path, children: list[int]) -> None:
    """Every report of :data:`RUNS` for every registry, and the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    work = directory / "registries"
    work.mkdir(exist_ok=True)
    manifest: dict[str, Any] = {}
    for name, path in registries(work, children):
        (directory / name).mkdir(exist_ok=True)
        for verb, options, formats, jobs_values in RUNS:
            for fmt in formats:
                for jobs in jobs_values:
                    suffix = "" if jobs is None else f"-j{jobs}"
                    key = f"{name}/{verb}-{fmt}{suffix}.out"
                    out = directory / key
                    argv = [verb, str(path), *options, "--format", fmt, "--lang", "en"]
                    if jobs is not None:
                        argv += ["--jobs", str(jobs)]
                    status = careprotect(*argv, output=out)
                    manifest[key] = {
                        "argv": argv,
                        "status": status,
                        "bytes": out.stat().st_size if out.exists() else None,
                        "sha256": sha256(out) if out.exists() else None,
                    }
                    print(f"{key}: status {status}, {manifest[key]['bytes']} bytes", flush=True)
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def first_difference(a: Path, b: Path) -> str:
    """The first line that differs between two reports, as ``line N: A | B``."""
    with a.open("rb") as fa, b.open("rb") as fb:
        for number, (la, lb) in enumerate(zip(fa, fb, strict=False), start=1):
            if la != lb:
                return f"line {number}: {la[:120]!r} | {lb[:120]!r}"
    return "one report is a prefix of the other"


def compare(a: Path, b: Path) -> int:
    """Print every difference between two recordings; 1 when there is one, else 0."""
    left = json.loads((a / "manifest.json").read_text())
    right = json.loads((b / "manifest.json").read_text())
    differ = 0
    for key in sorted(set(left) | set(right)):
        if key not in left or key not in right:
            print(f"{key}: only in {a if key in left else b}")
            differ += 1
            continue
        x, y = left[key], right[key]
        if x["status"] != y["status"]:
            print(f"{key}: exit status {x['status']} against {y['status']}")
            differ += 1
        if x["sha256"] != y["sha256"]:
            print(f"{key}: reports differ, {first_difference(a / key, b / key)}")
            differ += 1
    same = len(set(left) & set(right))
    print(f"{same} runs in both; {differ} differences")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    rec = verbs.add_parser("record", help="record the reports into DIR")
    rec.add_argument("directory", type=Path)
    rec.add_argument(
        "--children",
        default="10000",
        help="comma-separated sizes of synthetic registries (default 10000)",
    )
    cmp = verbs.add_parser("compare", help="compare two recordings")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.verb == "record":
        sizes = [int(n) for n in args.children.split(",") if n]
        record(args.directory, sizes)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
