"""Time per child file for reading a JSON Lines registry (issue 5's benchmark).

Writes a registry of N child files, each with 24 contacts in a year (as in bench_engine.py,
plus a citizen ID, with contacts that differ from child to child), then times two passes
over it (CPU time, the best of R runs):

* raw: read every line and ``json.loads`` it, nothing else;
* ``open_registry``: read, structure and check every record (no rules).

Prints microseconds per child file for each and the ratio of the raw time to the reader's
(1.0 would be as fast as parsing alone; issue 5 asks for at least 1/3 for a whole audit).
Run on demand, not in CI:

    .venv/bin/python benchmarks/bench_io.py [--children N] [--repeat R] [--strict]

``--strict`` times the strict cattrs path alone (the fast path switched off), for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import careprotect as cp
from careprotect import io as cp_io

TOPIC_SETS: tuple[frozenset[cp.Topic], ...] = (
    frozenset({cp.Topic.STUDY, cp.Topic.DAILY_LIFE}),
    frozenset({cp.Topic.SAFETY}),
    frozenset(),
    frozenset({cp.Topic.STUDY, cp.Topic.MENTAL_HEALTH, cp.Topic.SAFETY}),
)


def make_children(n: int) -> tuple[cp.ReferenceData, list[cp.Child]]:
    """N child files in one village, each with a citizen ID, two parents away, an entrusted
    grandparent, a family residence and 24 contacts in 2020 by one of five workers. The
    contacts differ from child to child (days, modes, topics), so that no child file repeats
    another's values beyond what a real registry would."""
    village = cp.Division("433122100201")
    workers = tuple(
        cp.Worker(id=f"W{k}", name="田秀英", role=cp.WorkerRole.CHILD_DIRECTOR, division=village)
        for k in range(1, 6)
    )
    reference = cp.ReferenceData(
        divisions=(cp.DivisionRecord(code=cp.Division("433122"), name="泸溪县"),),
        workers=workers,
    )
    modes = tuple(cp.ContactMode)
    away = tuple(
        cp.ParentSituation(
            parent=p, kind=cp.ParentSituationKind.WORKING_AWAY, start=dt.date(2018, 2, 20)
        )
        for p in cp.Parent
    )
    granny = cp.Guardianship(
        guardian="田大山",
        relation=cp.Relation.GRANDPARENT,
        start=dt.date(2018, 2, 20),
        entrusted=True,
        confirmation_signed_on=dt.date(2018, 3, 1),
    )
    first_day = dt.date(2020, 1, 1)
    children = []
    for i in range(n):
        birth = dt.date(2010 + i % 6, 1 + i % 12, 1 + i % 28)
        contacts = tuple(
            cp.Contact(
                date=first_day + dt.timedelta(days=15 * k + i % 15),
                worker=workers[i % 5].id,
                mode=modes[(i + k) % len(modes)],
                topics=TOPIC_SETS[(i + k) % len(TOPIC_SETS)],
            )
            for k in range(24)
        )
        children.append(
            cp.Child(
                id=f"C{i}",
                name="田小雨",
                birth_date=birth,
                sex=cp.Sex.FEMALE,
                division=village,
                household=cp.HouseholdType.RURAL,
                citizen_id=cp.CitizenId.build("433122", birth, 2 * (i % 500)),
                parent_situations=away,
                guardianships=(granny,),
                residences=(cp.Residence(kind=cp.ResidenceKind.FAMILY, start=dt.date(2010, 1, 1)),),
                contacts=contacts,
            )
        )
    return reference, children


def best_of(repeat: int, work: Callable[[], int]) -> tuple[float, int]:
    best = float("inf")
    produced = 0
    for _ in range(repeat):
        start = time.process_time()
        produced = work()
        best = min(best, time.process_time() - start)
    return best, produced


def raw(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)
            count += 1
    return count


def read(path: Path) -> int:
    with cp.open_registry(path) as stream:
        return sum(1 for _ in stream.children())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="switch the fast path off")
    args = parser.parse_args()
    n = args.children
    if args.strict:
        cp_io._FAST_PATH = False
    reference, children = make_children(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.jsonl"
        cp.write_registry(path, reference, children)
        size = path.stat().st_size
        raw_s, lines = best_of(args.repeat, lambda: raw(path))
        read_s, accepted = best_of(args.repeat, lambda: read(path))
    if accepted != n:
        raise SystemExit(f"expected {n} child files accepted, got {accepted}")
    raw_us = raw_s / n * 1e6
    read_us = read_s / n * 1e6
    path_name = "strict path only" if args.strict else "fast path on"
    print(f"{n} child files, 24 contacts each, {size / n:.0f} bytes per line ({path_name})")
    print(f"{'raw: read + json.loads':<36} {raw_us:8.1f} µs per child file ({lines} lines)")
    print(f"{'open_registry: read + validate':<36} {read_us:8.1f} µs per child file")
    print(f"{'ratio raw / open_registry':<36} {raw_us / read_us:8.2f} (aim: >= 0.6)")


if __name__ == "__main__":
    main()
