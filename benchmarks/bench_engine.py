"""Time per child file for the national baseline (issue 3's benchmark).

A child with 24 contacts in a year, judged by every rule of the national baseline: its
classification on a day, its audit findings, and a year of entitlements. Prints microseconds
per child file for each, and for the three together. Run on demand, not in CI:

    .venv/bin/python benchmarks/bench_engine.py [--children N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

import careprotect as cp
from careprotect import pipeline
from careprotect.engine import Engine


def make_children(n: int) -> tuple[cp.ReferenceData, list[cp.Child]]:
    village = cp.Division("433122100201")
    reference = cp.ReferenceData(
        divisions=(cp.DivisionRecord(code=cp.Division("433122"), name="泸溪县"),),
        workers=(
            cp.Worker(id="W1", name="田秀英", role=cp.WorkerRole.CHILD_DIRECTOR, division=village),
        ),
    )
    contacts = tuple(
        cp.Contact(
            date=dt.date(2020, month, day),
            worker="W1",
            mode=cp.ContactMode.PHONE,
            topics=frozenset({cp.Topic.STUDY, cp.Topic.DAILY_LIFE}),
        )
        for month in range(1, 13)
        for day in (5, 20)
    )
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
    children = [
        cp.Child(
            id=f"C{i}",
            name="田小雨",
            birth_date=dt.date(2010 + i % 6, 1 + i % 12, 1 + i % 28),
            sex=cp.Sex.FEMALE,
            division=village,
            household=cp.HouseholdType.RURAL,
            parent_situations=away,
            guardianships=(granny,),
            residences=(cp.Residence(kind=cp.ResidenceKind.FAMILY, start=dt.date(2010, 1, 1)),),
            contacts=contacts,
        )
        for i in range(n)
    ]
    return reference, children


def per_child(label: str, n: int, work: Callable[[], int]) -> float:
    start = time.perf_counter()
    produced = work()
    seconds = time.perf_counter() - start
    micros = seconds / n * 1e6
    print(f"{label:<42} {micros:9.1f} µs per child file ({produced} results)")
    return micros


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000)
    n = parser.parse_args().children
    engine = Engine()
    reference, children = make_children(n)
    registry = cp.Registry(reference=reference, children=tuple(children))
    day = dt.date(2020, 12, 31)
    year = cp.Period.year(2020)
    version = engine.plugins[0].version
    print(f"careprotect {version}: {n} child files, 24 contacts each, national baseline")
    total = per_child(
        "classification on a day (all categories)",
        n,
        lambda: sum(len(engine.classify(c, day, reference).categories) for c in children),
    )
    total += per_child(
        "audit as of a day (all compliance rules)",
        n,
        lambda: sum(1 for _ in pipeline.audit(engine, registry, as_of=day)),
    )
    if hasattr(engine, "entitlements"):
        total += per_child(
            "entitlements for a year (12 months)",
            n,
            lambda: sum(1 for _ in pipeline.entitlements(engine, registry, year)),
        )
    print(f"{'together':<42} {total:9.1f} µs per child file (aim: 50)")


if __name__ == "__main__":
    main()
