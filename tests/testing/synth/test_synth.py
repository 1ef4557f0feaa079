"""Tests of careprotect.testing.synth: synthetic registries that are valid, deterministic, streamed,
realistic in shape and have every kind of gap on purpose (docs/synth.md)."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import itertools
import tempfile
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect.citizen_id import CitizenId
from careprotect.errors import InvalidValueError
from careprotect.io import open_registry
from careprotect.testing.synth import AS_OF, YEAR, synthesize, write_synthetic

Record = dict[str, Any]
FORM_TOPICS = {"study", "schooling", "daily_life", "mental_health"}
HOME_FACILITIES = {"video_calls", "study_and_reading", "recreation"}


def records(province: str, children: int, seed: int) -> list[Record]:
    return list(synthesize(province=province, children=children, seed=seed))


def text(province: str, children: int, seed: int) -> str:
    out = io.StringIO()
    write_synthetic(out, province=province, children=children, seed=seed)
    return out.getvalue()


def load(path: Path) -> tuple[int, list[str], dict[str, int]]:
    """Read a registry: (child files accepted, rejections, records read by kind)."""
    with open_registry(path) as stream:
        accepted = sum(1 for _ in stream.children())
        read = {kind: c.read for kind, c in stream.counts.by_kind.items()}
        return accepted, [str(r) for r in stream.rejections], read


def of_kind(items: Iterable[Record], kind: str) -> list[Record]:
    return [r for r in items if r["record"] == kind]


@pytest.fixture(scope="module")
def hunan() -> list[Record]:
    return records("43", 4000, 11)


@pytest.fixture(scope="module")
def hubei() -> list[Record]:
    return records("42", 4000, 12)


# -- valid and complete ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "children", "seed"),
    [("43", 0, 1), ("42", 1, 2), ("43", 1, 3), ("43", 57, 4), ("42", 2500, 5), ("11", 300, 6)],
)
def test_every_record_loads_without_rejection(
    tmp_path: Path, province: str, children: int, seed: int
) -> None:
    """The whole output loads through open_registry with zero rejections, and it holds
    exactly the number of child files asked for."""
    path = tmp_path / "synthetic.jsonl"
    with path.open("w", encoding="utf-8") as out:
        written = write_synthetic(out, province=province, children=children, seed=seed)

    accepted, rejections, read = load(path)

    assert rejections == []
    assert accepted == children
    assert read.get("child", 0) == children
    assert written == sum(read.values()) == len(path.read_text(encoding="utf-8").splitlines())


@settings(max_examples=25, deadline=None)
@given(
    province=st.sampled_from(["42", "43", "11", "65"]),
    children=st.integers(min_value=0, max_value=80),
    seed=st.integers(min_value=-(2**64), max_value=2**64),
)
def test_any_seed_and_small_size_gives_a_valid_registry(
    province: str, children: int, seed: int
) -> None:
    """Property: for any seed and a small size, the registry loads with zero rejections."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.jsonl"
        with path.open("w", encoding="utf-8") as out:
            write_synthetic(out, province=province, children=children, seed=seed)
        accepted, rejections, _ = load(path)
    assert rejections == []
    assert accepted == children


def test_reference_records_come_first_in_the_order_a_reader_checks(hunan: list[Record]) -> None:
    """Divisions, then workers, then service points, then the child files; children of a
    village are together (the stream is made village by village)."""
    kinds = [r["record"] for r in hunan]
    order = ["division", "worker", "service_point", "child"]
    assert kinds == sorted(kinds, key=order.index)
    villages = [c["division"] for c in of_kind(hunan, "child")]
    runs = [v for v, _ in itertools.groupby(villages)]
    assert len(runs) == len(set(runs))


def test_citizen_ids_are_checksum_valid_and_encode_the_child(hunan: list[Record]) -> None:
    """Each child's citizen ID has a correct check character, the child's county as its
    address code, the birth date and the sex (odd sequence number male)."""
    for child in of_kind(hunan, "child"):
        cid = CitizenId(child["citizen_id"])
        assert cid.reveal() == child["citizen_id"]
        assert cid.address_code == child["division"][:6]
        assert cid.birth_date.isoformat() == child["birth_date"]
        assert cid.sex.value == child["sex"]


def test_children_are_0_to_17_on_the_audit_day(hunan: list[Record]) -> None:
    ages = Counter(
        relativedelta(AS_OF, dt.date.fromisoformat(c["birth_date"])).years
        for c in of_kind(hunan, "child")
    )
    assert sorted(ages) == list(range(18))


def test_references_name_existing_records(hunan: list[Record]) -> None:
    """Contacts name workers; a service agreement names the home of the child's village; a
    home's director is the village's child director."""
    workers = {w["id"]: w for w in of_kind(hunan, "worker")}
    homes = {
        p["division"]: p for p in of_kind(hunan, "service_point") if p["kind"] == "childrens_home"
    }
    agreements = 0
    for child in of_kind(hunan, "child"):
        assert all(c["worker"] in workers for c in child.get("contacts", []))
        for a in child.get("agreements", []):
            if a["kind"] == "service_agreement":
                agreements += 1
                assert a["service_point"] == homes[child["division"]]["id"]
    assert agreements > 0
    for home in homes.values():
        if "director" in home:
            director = workers[home["director"]]
            assert (director["role"], director["division"]) == ("child_director", home["division"])


# -- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_the_same_text_and_another_seed_a_different_one() -> None:
    first = text("42", 800, 7)
    assert text("42", 800, 7) == first
    assert text("42", 800, 8) != first
    assert text("43", 800, 7) != first


# -- shape -------------------------------------------------------------------------------------


def levels(items: list[Record]) -> Counter[int]:
    return Counter(len(d["code"]) for d in of_kind(items, "division"))


def test_the_number_of_villages_follows_the_number_of_children(hunan: list[Record]) -> None:
    """4000 children: 100 villages (40 children each on average) in 9 townships, 4 counties
    and 2 prefectures of one province."""
    assert levels(hunan) == {2: 1, 4: 2, 6: 4, 9: 9, 12: 100}
    assert levels(records("43", 0, 1)) == {2: 1, 4: 1, 6: 1, 9: 1, 12: 1}


def test_the_bundled_plugins_places_are_included(hunan: list[Record], hubei: list[Record]) -> None:
    hunan_divisions = {d["code"]: d["name"] for d in of_kind(hunan, "division")}
    hubei_divisions = {d["code"]: d["name"] for d in of_kind(hubei, "division")}
    assert hunan_divisions["4331"] == "湘西土家族苗族自治州"
    assert hunan_divisions["433122"] == "泸溪县"
    assert hubei_divisions["4212"] == "咸宁市"
    assert hubei_divisions["421281"] == "赤壁市"
    assert {c["division"][:6] for c in of_kind(hubei, "child")} >= {"421281"}


def test_staff_and_service_points_per_level(hunan: list[Record]) -> None:
    """Mostly a child director per village, a supervisor per township, a home per village
    with its area, facilities, opening date and director; social organisations per county."""
    villages = [d["code"] for d in of_kind(hunan, "division") if len(d["code"]) == 12]
    workers = of_kind(hunan, "worker")
    points = of_kind(hunan, "service_point")
    directors = [w for w in workers if w["role"] == "child_director"]
    supervisors = [w for w in workers if w["role"] == "child_supervisor"]
    homes = [p for p in points if p["kind"] == "childrens_home"]
    assert 0.9 * len(villages) <= len(directors) < len(villages)
    assert 0.9 * len(villages) <= len(homes) < len(villages)
    assert 0 < len(supervisors) < 9
    for worker in directors + supervisors:
        assert {"sex", "posts", "appointed_on"} <= worker.keys()
    for home in homes:
        assert {"floor_area_m2", "outdoor_area_m2", "facilities", "opened_on"} <= home.keys()
    kinds = Counter(p["kind"] for p in points)
    assert kinds["social_organisation"] >= 3 * 3
    assert kinds["welfare_institution"] >= 2


def situations_on(child: Record, day: str) -> dict[str, str]:
    return {
        s["parent"]: s["kind"]
        for s in child.get("parent_situations", [])
        if s["start"] <= day and ("end" not in s or day < s["end"])
    }


def test_children_are_a_realistic_mix(hunan: list[Record]) -> None:
    """Mostly left-behind children (both parents away), and some orphans, de facto unsupported
    children, children with hardships or disabilities, entrusted guardianships, pairings and
    enrolments."""
    children = of_kind(hunan, "child")
    day = AS_OF.isoformat()
    away = sum(set(situations_on(c, day).values()) == {"working_away"} for c in children)
    orphans = sum(
        set(situations_on(c, day).values()) <= {"dead", "declared_dead", "declared_missing"}
        and len(situations_on(c, day)) == 2
        for c in children
    )
    imprisoned = sum("imprisoned" in situations_on(c, day).values() for c in children)
    assert 0.55 < away / len(children) < 0.8
    assert 0.01 < orphans / len(children) < 0.06
    assert imprisoned > 0
    assert 0.05 < sum("hardships" in c for c in children) / len(children) < 0.4
    assert 0.03 < sum("disability" in c for c in children) / len(children) < 0.2
    entrusted = [g for c in children for g in c["guardianships"] if g.get("entrusted")]
    assert len(entrusted) > len(children) / 2
    assert any("pairings" in c for c in children)
    assert any("enrolments" in c for c in children)
    assert any(r["kind"] == "institution" for c in children for r in c["residences"])


def test_a_child_is_contacted_about_24_times_a_year(hunan: list[Record]) -> None:
    counts = [
        sum(c["mode"] in ("phone", "home_visit") for c in child.get("contacts", []))
        for child in of_kind(hunan, "child")
        if child["birth_date"] < f"{YEAR}-01-01"
    ]
    assert Counter(counts).most_common(1)[0][0] == 24


def test_chibi_children_are_followed_up_weekly(hubei: list[Record]) -> None:
    chibi = [c for c in of_kind(hubei, "child") if c["division"].startswith("421281")]
    counts = Counter(
        sum(c["mode"] in ("phone", "home_visit") for c in child.get("contacts", []))
        for child in chibi
        if child["birth_date"] < f"{YEAR}-01-01"
    )
    assert counts.most_common(1)[0][0] >= 52


# -- gaps, one kind at a time, on the records themselves -------------------------------------


def by_level(items: list[Record], digits: int) -> set[str]:
    return {d["code"] for d in of_kind(items, "division") if len(d["code"]) == digits}


def workers_of(items: list[Record], role: str) -> list[Record]:
    return [w for w in of_kind(items, "worker") if w["role"] == role]


def homes_of(items: list[Record]) -> list[Record]:
    return [p for p in of_kind(items, "service_point") if p["kind"] == "childrens_home"]


@pytest.mark.parametrize("fixture", ["hunan", "hubei"])
def test_every_kind_of_gap_appears(fixture: str, request: pytest.FixtureRequest) -> None:
    items: list[Record] = request.getfixturevalue(fixture)
    villages, townships, counties = by_level(items, 12), by_level(items, 9), by_level(items, 6)
    directors = workers_of(items, "child_director")
    supervisors = workers_of(items, "child_supervisor")
    homes = homes_of(items)
    children = of_kind(items, "child")

    # A village without a director, without a home; a township without a supervisor or a
    # qualified counsellor.
    assert villages - {w["division"] for w in directors}
    assert villages - {h["division"] for h in homes}
    assert townships - {w["division"] for w in supervisors}
    assert townships - {w["division"] for w in workers_of(items, "counsellor")}

    # An untrained director and supervisor; one trained too briefly in the year.
    for staff in (directors, supervisors):
        assert any(not w["trainings"] for w in staff)
        assert any(
            t["days"] < 2 for w in staff for t in w["trainings"] if t["date"].startswith(str(YEAR))
        )

    # A home below 50 m², a home missing one of the required facilities.
    assert any(h["floor_area_m2"] < 50 for h in homes)
    assert any(not set(h["facilities"]) >= HOME_FACILITIES for h in homes)

    # A county with fewer than 3 social organisations.
    organisations = Counter(
        p["division"][:6]
        for p in of_kind(items, "service_point")
        if p["kind"] == "social_organisation"
    )
    assert any(organisations[c] < 3 for c in counties)

    # A child contacted fewer than twice in a month of the year; a child whose records never
    # cover one topic of the visit form.
    staff_ids = {w["id"] for w in directors + supervisors}

    def by_staff(child: Record) -> list[Record]:
        return [c for c in child.get("contacts", []) if c["worker"] in staff_ids]

    def monthly(child: Record) -> Counter[str]:
        return Counter(c["date"][:7] for c in by_staff(child) if c["mode"] != "activity")

    contacted = [c for c in children if c.get("contacts") and c["birth_date"] < f"{YEAR}-01-01"]
    assert any(min(monthly(c)[f"{YEAR}-{m:02d}"] for m in range(1, 13)) < 2 for c in contacted)
    assert any(
        not {t for k in by_staff(c) if k["mode"] != "activity" for t in k["topics"]} >= FORM_TOPICS
        for c in contacted
    )

    # An entrusted guardian with no confirmation signed, on the guardianship or as an
    # agreement on the file.
    def unconfirmed(child: Record) -> bool:
        confirmed = any(
            a["kind"] == "entrusted_guardianship_confirmation" for a in child.get("agreements", [])
        )
        return not confirmed and any(
            g.get("entrusted") and "confirmation_signed_on" not in g for g in child["guardianships"]
        )

    assert any(unconfirmed(c) for c in children)

    # A child of a village with a home and no service agreement.
    with_home = {h["division"] for h in homes}
    assert any(
        c["division"] in with_home
        and not any(a["kind"] == "service_agreement" for a in c.get("agreements", []))
        for c in children
    )

    # Entrusted care in force: no written notice to the school; parents' contacts not
    # recorded; a week of the year without a parent's contact.
    cared = [c for c in children if any(in_force_entrusted(c))]
    assert any({n["recipient"] for n in c["entrustment_notices"]} == {"committee"} for c in cared)
    assert any("parent_contacts" not in c for c in cared)
    assert any(
        len({week_of(k["date"]) for k in c["parent_contacts"]}) < len(weeks_cared(c))
        for c in cared
        if "parent_contacts" in c
    )


def in_force_entrusted(child: Record) -> Iterator[Record]:
    return (g for g in child["guardianships"] if g.get("entrusted") and "end" not in g)


def week_of(day: str) -> tuple[int, int]:
    iso = dt.date.fromisoformat(day).isocalendar()
    return iso.year, iso.week


def weeks_cared(child: Record) -> set[tuple[int, int]]:
    """The weeks of the year in which the child's entrusted care is in force."""
    (care,) = in_force_entrusted(child)
    first = max(dt.date.fromisoformat(care["start"]), dt.date(YEAR, 1, 1))
    days = (dt.date(YEAR, 12, 31) - first).days + 1
    return {week_of((first + dt.timedelta(d)).isoformat()) for d in range(days)}


def test_entrusted_care_has_its_notices_and_weekly_parent_contacts(hunan: list[Record]) -> None:
    """Each entrusted care in force has the written notice to the committee, dated after the
    care began, and to the school but for the gap's few percent; about half the files record
    a parent's contact, one a week, on a day the care is in force, and most weeks have one."""
    cared = [c for c in of_kind(hunan, "child") if any(in_force_entrusted(c))]
    schools = 0
    recorded = []
    for c in cared:
        (care,) = in_force_entrusted(c)
        notices = c["entrustment_notices"]
        assert {n["recipient"] for n in notices} <= {"school", "committee"}
        assert any(n["recipient"] == "committee" for n in notices)
        assert all(n["date"] >= care["start"] for n in notices)
        schools += any(n["recipient"] == "school" for n in notices)
        if "parent_contacts" in c:
            recorded.append(c)
            dates = [k["date"] for k in c["parent_contacts"]]
            assert all(d >= care["start"] and d.startswith(str(YEAR)) for d in dates)
            assert len({week_of(d) for d in dates}) == len(dates)
    assert 0.91 < schools / len(cared) < 0.98
    assert 0.4 < len(recorded) / len(cared) < 0.6
    weeks = sum(len(weeks_cared(c)) for c in recorded)
    assert 0.94 < sum(len(c["parent_contacts"]) for c in recorded) / weeks < 0.99


def test_gaps_are_a_few_percent(hunan: list[Record]) -> None:
    """Most subjects have no gap: the rates of docs/synth.md."""
    children = of_kind(hunan, "child")
    homes = homes_of(hunan)
    with_home = {h["division"] for h in homes}
    served = [c for c in children if c["division"] in with_home]
    missing = sum(
        not any(a["kind"] == "service_agreement" for a in c.get("agreements", [])) for c in served
    )
    entrusted = [g for c in children for g in c["guardianships"] if g.get("entrusted")]
    unsigned = sum("confirmation_signed_on" not in g for g in entrusted)
    assert 0.02 < missing / len(served) < 0.09
    assert 0.02 < unsigned / len(entrusted) < 0.09
    assert sum(h["floor_area_m2"] < 50 for h in homes) == round(0.05 * len(homes))


# -- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("province", ["99", "430", "4", "", "HN", 43, None])
def test_an_unknown_province_is_refused_at_once(province: Any) -> None:
    """Refused when synthesize is called, before any record is asked for, and by
    write_synthetic before anything is written."""
    with pytest.raises(InvalidValueError, match=r"^'province' must be a two-digit province code"):
        synthesize(province=province, children=10, seed=1)
    out = io.StringIO()
    with pytest.raises(InvalidValueError):
        write_synthetic(out, province=province, children=10, seed=1)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("children", "seed", "message"),
    [
        (-1, 1, "'children' must be from 0 to 100000000 (got -1)"),
        (100_000_001, 1, "'children' must be from 0 to 100000000 (got 100000001)"),
        (True, 1, "'children' must be a whole number (got bool)"),
        (10.0, 1, "'children' must be a whole number (got float)"),
        (10, "1", "'seed' must be a whole number (got str)"),
    ],
)
def test_bad_sizes_and_seeds_are_refused(children: Any, seed: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        synthesize(province="43", children=children, seed=seed)
    assert str(caught.value) == message


# -- streaming ---------------------------------------------------------------------------------


def test_records_are_streamed_not_precomputed() -> None:
    """synthesize returns a generator; the first records of a ten-million-child registry come
    without anything being built per child: far less memory is traced than ten million of
    anything would take."""
    stream = synthesize(province="43", children=10_000_000, seed=1)
    assert inspect.isgenerator(synthesize(province="43", children=10_000_000, seed=1))
    tracemalloc.start()
    try:
        first: list[Record] = list(itertools.islice(stream, 20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [r["record"] for r in first] == ["division"] * 20
    assert first[0] == {"record": "division", "code": "43", "name": "湖南省"}
    assert peak < 30 * 2**20


def test_memory_does_not_grow_with_the_children_read() -> None:
    """Reading every record of a 2000-child registry holds a few kilobytes at a time, far less
    than the child files themselves (about 4 kB each): each is made when it is asked for and
    dropped when the reader moves on."""
    stream = synthesize(province="42", children=2000, seed=3)
    tracemalloc.start()
    try:
        kinds = Counter(record["record"] for record in stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kinds["child"] == 2000
    assert peak < 2**20
