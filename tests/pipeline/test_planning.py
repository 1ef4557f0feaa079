"""Contact planning: each worker's children still due a contact in a month."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from careprotect import (
    Contact,
    ContactMode,
    Division,
    Engine,
    InvalidValueError,
    Pairing,
    Period,
    Registry,
    Worker,
    WorkerRole,
    open_registry,
    pipeline,
    write_registry,
)
from careprotect.periods import PeriodKind
from careprotect.planning import DueContact, WorkerPlan, is_planned
from support import SAMPLE, WEEKLY, YEARLY, left_behind, monthly, xianning

M = ContactMode
JUNE = Period.month(2020, 6)
JULY = Period.month(2020, 7)
TAOYUAN = Division("421281101201")  # 桃园村, director W-CB-D1 刘芳
LIUXI = Division("421281101202")  # 柳溪村, director W-CB-D2 黄志明
NO_DIRECTOR = Division("421281101203")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A throwaway Xianning-like plugin: 2 contacts a month by phone or home visit for
    left-behind children in 4212."""
    # Overrides conftest's engine: this module's rules come from a throwaway plugin.
    return Engine([xianning(tmp_path, [monthly()])])


def contact(date: str, worker: str = "W-CB-D1", mode: ContactMode = M.PHONE) -> Contact:
    return Contact(date=dt.date.fromisoformat(date), worker=worker, mode=mode)


def test_the_sample_registry_in_july(engine: Engine) -> None:
    """刘小宇 was contacted three times in June, so nothing is due in June; in July both
    contacts are due from his village's director 刘芳, his last contact being 2020-06-16."""
    assert list(pipeline.plan(engine, SAMPLE, JUNE)) == []
    assert list(pipeline.plan(engine, SAMPLE, JULY)) == [
        WorkerPlan(
            worker_id="W-CB-D1",
            worker_name="刘*",
            month=JULY,
            due=(
                DueContact(
                    child_id="C-CB-001",
                    child_name="刘**",
                    village=TAOYUAN,
                    rule="test.xianning.contact",
                    period=JULY,
                    required=2,
                    counted=0,
                    still_due=2,
                    last_contact=dt.date(2020, 6, 16),
                ),
            ),
        )
    ]


REGISTRY = Registry(
    reference=SAMPLE.reference,
    children=(
        left_behind(contact("2020-06-05"), child_id="C9", division=TAOYUAN),
        left_behind(child_id="C2", division=LIUXI),
        left_behind(child_id="C1", division=TAOYUAN),
        left_behind(contact("2020-06-05"), contact("2020-06-25"), child_id="C3"),
        left_behind(child_id="C4", division=NO_DIRECTOR),
        left_behind(child_id="C5", since="2020-06-16", division=LIUXI),
        left_behind(child_id="H1", division=Division("433122100201")),
    ),
)


def summary(plans: list[WorkerPlan]) -> list[tuple[str | None, list[tuple[str, int, int]]]]:
    return [
        (p.worker_id, [(d.child_id, d.counted, d.still_due or 0) for d in p.due]) for p in plans
    ]


def test_plans_by_worker_then_village_then_child(engine: Engine) -> None:
    """Workers by id; each worker's children by village code, then child id; a child whose
    contacts are complete is not listed; a child in a village without a director is listed
    last under no worker; a Hunan child is outside the rule's scope. A child on the list from
    the 16th owes the pro-rata single contact."""
    plans = list(pipeline.plan(engine, REGISTRY, JUNE))
    assert summary(plans) == [
        ("W-CB-D1", [("C1", 0, 2), ("C9", 1, 1)]),
        ("W-CB-D2", [("C2", 0, 2), ("C5", 0, 1)]),
        (None, [("C4", 0, 2)]),
    ]
    assert plans[-1].worker_name == ""
    assert [p.month for p in plans] == [JUNE] * 3


def test_a_streamed_registry_gives_the_same_plans(engine: Engine, tmp_path: Path) -> None:
    """A registry read one child file at a time gives the plans of the registry in memory."""
    path = tmp_path / "registry.jsonl"
    write_registry(path, REGISTRY.reference, REGISTRY.children)
    with open_registry(path) as stream:
        streamed = list(pipeline.plan(engine, stream, JUNE))
    assert streamed == list(pipeline.plan(engine, REGISTRY, JUNE))


def test_a_director_who_left_is_not_responsible(engine: Engine) -> None:
    """刘芳 left on 2020-06-20: her village's children are listed under no worker."""
    workers = tuple(
        attrs.evolve(w, left_on=dt.date(2020, 6, 20)) if w.id == "W-CB-D1" else w
        for w in SAMPLE.reference.workers
    )
    registry = Registry(
        reference=attrs.evolve(SAMPLE.reference, workers=workers),
        children=(left_behind(child_id="C1"),),
    )
    assert summary(list(pipeline.plan(engine, registry, JUNE))) == [(None, [("C1", 0, 2)])]


def test_two_directors_in_post_each_see_the_child(engine: Engine) -> None:
    """If the file has two directors in post for a village, the child is in both plans."""
    second = Worker(id="W-CB-D3", name="新主任", role=WorkerRole.CHILD_DIRECTOR, division=TAOYUAN)
    registry = Registry(
        reference=attrs.evolve(SAMPLE.reference, workers=(*SAMPLE.reference.workers, second)),
        children=(left_behind(child_id="C1"),),
    )
    assert summary(list(pipeline.plan(engine, registry, JUNE))) == [
        ("W-CB-D1", [("C1", 0, 2)]),
        ("W-CB-D3", [("C1", 0, 2)]),
    ]


def test_a_paired_child_is_planned_for_the_paired_worker(tmp_path: Path) -> None:
    """Under a pairing scheme the paired worker answers: 吴小乐's yearly activity is due in
    the 2024 plans until it happens on 2024-01-12 (counted up to the month's end)."""
    engine = Engine([xianning(tmp_path, [YEARLY])])
    pairing = Pairing(worker="W-XN-P1", scheme="xianning-1+1", start=dt.date(2023, 12, 29))
    child = attrs.evolve(left_behind(child_id="C1"), pairings=(pairing,))
    registry = Registry(reference=SAMPLE.reference, children=(child,))
    (p,) = pipeline.plan(engine, registry, Period.month(2024, 1))
    assert p.worker_id == "W-XN-P1"
    assert p.worker_name == "吴**"
    assert [(d.period, d.required, d.counted, d.still_due) for d in p.due] == [
        (Period.year(2024), 1, 0, 1)
    ]
    done = attrs.evolve(child, contacts=(contact("2024-01-12", "W-XN-P1", M.ACTIVITY),))
    registry = Registry(reference=SAMPLE.reference, children=(done,))
    assert list(pipeline.plan(engine, registry, Period.month(2024, 1))) == []
    late = attrs.evolve(child, contacts=(contact("2024-02-12", "W-XN-P1", M.ACTIVITY),))
    registry = Registry(reference=SAMPLE.reference, children=(late,))
    assert summary(list(pipeline.plan(engine, registry, Period.month(2024, 1)))) == [
        ("W-XN-P1", [("C1", 0, 1)])
    ]


def test_weekly_rules_plan_every_week_touching_the_month(tmp_path: Path) -> None:
    """A weekly rule plans each ISO week that overlaps the month: June 2020 touches weeks 23
    to 27; a contact on 2020-06-02 settles week 23."""
    engine = Engine([xianning(tmp_path, [WEEKLY])])
    registry = Registry(
        reference=SAMPLE.reference, children=(left_behind(contact("2020-06-02"), child_id="C1"),)
    )
    (p,) = pipeline.plan(engine, registry, JUNE)
    assert [str(d.period) for d in p.due] == ["2020-W24", "2020-W25", "2020-W26", "2020-W27"]


def test_missing_input_is_listed_with_no_number(engine: Engine) -> None:
    """Before the rule's first value (2020-01-01) the requirement is unknown: the child is
    listed with required and still_due None."""
    registry = Registry(reference=SAMPLE.reference, children=(left_behind(child_id="C1"),))
    (p,) = pipeline.plan(engine, registry, Period.month(2019, 12))
    assert [(d.required, d.counted, d.still_due) for d in p.due] == [(None, 0, None)]


def test_names_are_masked_unless_revealed(engine: Engine) -> None:
    """Children's and workers' names are masked by default and shown when asked."""
    (masked,) = pipeline.plan(engine, SAMPLE, JULY)
    (shown,) = pipeline.plan(engine, SAMPLE, JULY, reveal=True)
    assert (masked.worker_name, masked.due[0].child_name) == ("刘*", "刘**")
    assert (shown.worker_name, shown.due[0].child_name) == ("刘芳", "刘小宇")


def test_the_month_must_be_a_month(engine: Engine) -> None:
    """A week or a year is refused."""
    with pytest.raises(InvalidValueError, match="'month' must be a month period"):
        list(pipeline.plan(engine, SAMPLE, Period.year(2020)))


def test_only_workers_of_the_rules_roles_answer(tmp_path: Path) -> None:
    """A rule that counts only counsellors' contacts is planned for the village's counsellor,
    not its child director, whose contacts would not count; a paired worker of another role
    answers for nothing, so a paired child is listed under no worker."""
    counsellor = Worker(id="W-CB-C1", name="新顾问", role=WorkerRole.COUNSELLOR, division=TAOYUAN)
    reference = attrs.evolve(SAMPLE.reference, workers=(*SAMPLE.reference.workers, counsellor))
    engine = Engine([xianning(tmp_path, [monthly(roles=(WorkerRole.COUNSELLOR,))])])
    registry = Registry(reference=reference, children=(left_behind(child_id="C1"),))
    assert summary(list(pipeline.plan(engine, registry, JUNE))) == [("W-CB-C1", [("C1", 0, 2)])]
    yearly = attrs.evolve(YEARLY, roles=(WorkerRole.COUNSELLOR,))
    (tmp_path / "yearly").mkdir()
    engine = Engine([xianning(tmp_path / "yearly", [yearly])])
    pairing = Pairing(worker="W-XN-P1", scheme="xianning-1+1", start=dt.date(2023, 12, 29))
    child = attrs.evolve(left_behind(child_id="C1"), pairings=(pairing,))
    registry = Registry(reference=reference, children=(child,))
    assert summary(list(pipeline.plan(engine, registry, Period.month(2024, 1)))) == [
        (None, [("C1", 0, 1)])
    ]


def test_a_plan_lists_every_rule_on_workers_contacts() -> None:
    """A plan asks every rule that assesses the contacts workers owe a child period by
    period, whatever its class (a plugin's own mechanism of that form); not the parents'
    weekly contacts, which are no worker's task."""

    class OwnRule:
        id = "own.contact"
        period = PeriodKind.MONTH
        roles = ()
        standing = WEEKLY.standing
        assess = WEEKLY.assess

    parents = next(r for r in Engine().rules if r.id == "entrusted_care.parent_contact").item
    assert [is_planned(r) for r in (WEEKLY, OwnRule(), parents)] == [True, True, False]
