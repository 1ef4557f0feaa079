"""The reader's fast path for child files agrees exactly with the strict cattrs path.

``open_registry`` structures each child file with ``convert.fast_child_structurer`` first and
falls back to the strict converter whenever the fast path declines. Whichever path runs, the
accepted objects (with the types of every value), the rejections (record number, line,
location, kind, id, every problem's path and message, the raw record) and the counts must be
the same. ``io._FAST_PATH = False`` forces the strict path for the comparison.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    ContactMode,
    LoadResult,
    RecordKind,
    Registry,
    load_registry,
    make_converter,
    open_registry,
    write_registry,
)
from careprotect import io as cp_io
from careprotect import testing as strategies
from careprotect.citizen_id import check_character
from careprotect.io import RegistryStream, dumps

DATA = Path(__file__).parents[1] / "data"
SAMPLE = Path(__file__).parents[1] / "data" / "small-registry.jsonl"


# -- helpers ----------------------------------------------------------------------------------


def _shape(value: Any) -> Any:
    """A value with the type of every part: equal shapes mean equal objects of equal types
    (a StrEnum member equals its string, so ``==`` alone would not tell them apart)."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return (type(value), tuple((a.name, _shape(getattr(value, a.name))) for a in fields))
    if isinstance(value, tuple):
        return (tuple, tuple(_shape(v) for v in value))
    if isinstance(value, frozenset):
        return (frozenset, frozenset(_shape(v) for v in value))
    return (type(value), value)


def _load(
    path: Path, *, fast: bool, converter: Any = None, streamed: bool = False
) -> tuple[LoadResult, list[int]]:
    """Load ``path`` on one path; also the record numbers of the child files the strict
    converter structured. With ``streamed``, the child files are read as an audit reads them,
    one at a time through ``open_registry(...).children()``."""
    strict_children: list[int] = []
    structure = RegistryStream._structure

    def spy(self: RegistryStream, raw: Any) -> Any:
        if raw.kind is RecordKind.CHILD:
            strict_children.append(raw.number)
        return structure(self, raw)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cp_io, "_FAST_PATH", fast)
        patch.setattr(RegistryStream, "_structure", spy)
        if not streamed:
            return load_registry(path, converter=converter), strict_children
        with open_registry(path, converter=converter) as stream:
            children = tuple(stream.children())
            loaded = LoadResult(
                registry=Registry(reference=stream.reference, children=children),
                rejections=tuple(stream.rejections),
                counts=stream.counts,
                warnings=tuple(stream.warnings),
            )
        return loaded, strict_children


def _same_either_way(path: Path) -> tuple[LoadResult, list[int]]:
    """Load ``path`` on both paths (the fast one as a whole and as an audit reads it), check
    that they agree in every respect, and return the fast path's result and the child files
    it left to the strict converter."""
    fast, declined = _load(path, fast=True)
    streamed, declined_streamed = _load(path, fast=True, streamed=True)
    assert declined_streamed == declined
    strict, _ = _load(path, fast=False)
    for read in (fast, streamed):
        assert _shape(read.registry) == _shape(strict.registry)
        assert read.registry == strict.registry
        assert read.rejections == strict.rejections
        assert [str(r) for r in read.rejections] == [str(r) for r in strict.rejections]
        assert [r.raw for r in read.rejections] == [r.raw for r in strict.rejections]
        assert read.counts == strict.counts
        assert read.warnings == strict.warnings
    return fast, declined


def _records(registry: Registry, directory: Path) -> list[dict[str, Any]]:
    """The JSON Lines records write_registry writes for ``registry``."""
    path = directory / "valid.jsonl"
    write_registry(path, registry.reference, registry.children)
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line, parse_float=Decimal) for line in lines]


def _write(directory: Path, records: list[Any], name: str = "mutated.jsonl") -> Path:
    path = directory / name
    path.write_text("".join(dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _locations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place inside a record: the keys of its objects and the indexes of its lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _locations(item, (*path, index))


def _objects(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The places of every object in a record, the record itself first."""
    if isinstance(value, dict):
        yield path
    for place in _locations(value, path):
        item = _get(value, place[len(path) :])
        if isinstance(item, dict):
            yield place


def _get(record: Any, place: tuple[Any, ...]) -> Any:
    for step in place:
        record = record[step]
    return record


# Values that are wrong somewhere (and right elsewhere): other JSON types, numbers equal to
# valid ints or bools, dates that are not YYYY-MM-DD or not real, strings with NUL, words of
# other vocabularies, division codes of every level, valid and invalid citizen IDs, worker
# and service point ids that exist and do not.
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    2,
    5,
    -1,
    Decimal("1.0"),
    Decimal("2.5"),
    "",
    "  ",
    "x",
    "a\x00b",
    "2020-2-3",
    "2020-02-30",
    "2021-02-29",
    "20200203",
    "2020/02/03",
    "2020-02-03T00:00",
    "2020-02-03",
    "2035-12-31",
    "1900-01-01",
    "phone",
    "study",
    "father",
    "family",
    "institution",
    "male",
    "female",
    "rural",
    "W0001",
    "W9999",
    "P0001",
    "P9999",
    "43",
    "433122",
    "433122100",
    "433122100201",
    "433122100200",
    "4331221002",
    "990000000000",
    "11010519491231002X",
    "11010519491231002x",
    "110105194912310021",
    "110105491231002",
    [],
    {},
    ["study", "study"],
    ["nope"],
    [{}],
    "study",
    {"a": 1},
    "张三",
    {"study": 1},
    "W0003",
    "421281101201",
]
UNKNOWN_KEYS = ["nickname", "record", "张三", "110105194912310021", "Date"]


def _citizen_id(address: str, birth: dt.date, sequence: int) -> str:
    """A citizen ID number with a correct check character, for any birth year (CitizenId.build
    refuses years before 1900, and these numbers test that refusal)."""
    first17 = f"{address}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return first17 + check_character(first17)


def _check_of(first17: str) -> str:
    """The check character the ISO 7064 sum gives for 17 characters, digits or not."""
    # ISO 7064 MOD 11-2: the weight of position i (from 1) is 2 ** (18 - i) modulo 11.
    total = sum((ord(c) - 48) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    return "10X98765432"[total % 11]


_WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _mutate_citizen_id(value: str, how: int) -> str:
    """A citizen ID changed in one of several ways: lower-case x, a digit changed (the check
    character, the birth date, the sex digit), a character dropped, a letter put in, typed
    full-width or with spaces around it, an address of no province (with its check)."""
    if how == 6:
        return value.translate(_WIDE)
    if how == 7:
        return f" {value}\u3000"
    if how == 8:
        return "00" + value[2:17] + check_character("00" + value[2:17])
    if how == 0:
        return value[:17] + value[17].lower()
    if how == 1:
        return value[:17] + ("0" if value[17] != "0" else "1")
    if how == 2:
        return value[:13] + str((int(value[13]) + 1) % 10) + value[14:]
    if how == 3:
        return value[:16] + str((int(value[16]) + 1) % 10) + value[17:]
    if how == 4:
        return value[:17]
    return value[:8] + "A" + value[9:]


@st.composite
def _mutation(draw: st.DrawFn, record: dict[str, Any]) -> dict[str, Any]:
    """``record`` (a child file) with one thing changed."""
    record = copy.deepcopy(record)
    how = draw(
        st.sampled_from(
            [
                "remove",
                "unknown",
                "replace",
                "date",
                "citizen_id",
                "consistent_citizen_id",
                "end",
                "null",
            ]
        )
    )
    places = list(_locations(record))
    if how == "remove":
        keyed = [p for p in places if isinstance(p[-1], str)]
        place = draw(st.sampled_from(keyed))
        del _get(record, place[:-1])[place[-1]]
    elif how == "unknown":
        place = draw(st.sampled_from(list(_objects(record))))
        target = _get(record, place)
        key = draw(st.sampled_from(UNKNOWN_KEYS))
        if key not in target:
            target[key] = draw(st.sampled_from(ODD_VALUES))
    elif how == "replace":
        place = draw(st.sampled_from(places))
        _get(record, place[:-1])[place[-1]] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
    elif how == "date":
        dates = [p for p in places if isinstance(_get(record, p), str) and _is_date(record, p)]
        if dates:
            place = draw(st.sampled_from(dates))
            text = _get(record, place)
            changed = draw(
                st.sampled_from(
                    [
                        text.replace("-", "/"),
                        text[:8] + "30" if text[5:7] == "02" else text[:8] + "32",
                        text[:5] + text[6:],
                        text[:4] + "-13" + text[7:],
                        text + " ",
                        "2020-02-29",
                        "2019-02-29",
                    ]
                )
            )
            _get(record, place[:-1])[place[-1]] = changed
    elif how == "citizen_id":
        if isinstance(record.get("citizen_id"), str):
            record["citizen_id"] = _mutate_citizen_id(record["citizen_id"], draw(st.integers(0, 8)))
    elif how == "consistent_citizen_id":
        # A well-formed number with a correct check character, matching the birth date and
        # sex or not, born before 1900 or not.
        birth = draw(st.sampled_from([dt.date(1899, 12, 31), dt.date(1900, 1, 1)]) | st.dates())
        if draw(st.booleans()):
            record["birth_date"] = birth.isoformat()
        record["citizen_id"] = _citizen_id("430124", birth, draw(st.integers(0, 999)))
    elif how == "end":
        # An end on or before the start (or signing day) of a dated fact.
        facts = [
            p
            for p in _objects(record)
            if p and ("start" in _get(record, p) or "signed_on" in _get(record, p))
        ]
        if facts:
            fact = _get(record, draw(st.sampled_from(facts)))
            begin = fact.get("start", fact.get("signed_on"))
            day = dt.date.fromisoformat(begin) - dt.timedelta(days=draw(st.integers(0, 1)))
            fact["end"] = day.isoformat()
    else:  # null for an optional field or a list
        key = draw(
            st.sampled_from(
                ["citizen_id", "disability", "contacts", "guardianships", "residences", "reports"]
            )
        )
        record[key] = None
    return record


def _is_date(record: dict[str, Any], place: tuple[Any, ...]) -> bool:
    return isinstance(place[-1], str) and place[-1] in {
        "birth_date",
        "start",
        "end",
        "date",
        "signed_on",
        "certified_on",
        "confirmation_signed_on",
    }


def _with_children(registry: Registry) -> bool:
    return bool(registry.children)


# -- valid registries -------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["lines", "document"])
@settings(max_examples=40, deadline=None)
@given(registry=strategies.consistent_registries())
def test_valid_registries_load_equal_on_both_paths(
    layout: Literal["lines", "document"], registry: Registry
) -> None:
    """A consistent registry written by write_registry loads the same on the fast and the
    strict path, equal to what was written, and the fast path takes every child file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("r.jsonl" if layout == "lines" else "r.json")
        write_registry(path, registry.reference, registry.children, layout=layout)
        result, declined = _same_either_way(path)
    assert result.rejections == ()
    assert _shape(result.registry) == _shape(registry)
    assert declined == []


@settings(max_examples=40, deadline=None)
@given(child=strategies.children(max_facts=4, worker_ids=(), service_point_ids=()))
def test_children_with_every_kind_of_fact_load_equal_on_both_paths(child: Child) -> None:
    """Any child file (no references) with up to four facts of each kind, disabilities and
    citizen IDs included, goes through the fast path to an object of the same types."""
    division = {"record": "division", "code": child.division.code[:2], "name": "某省"}
    data = {"record": "child", **make_converter().unstructure(child)}
    with tempfile.TemporaryDirectory() as tmp:
        result, declined = _same_either_way(_write(Path(tmp), [division, data]))
    assert declined == []
    assert _shape(result.registry.children) == _shape((child,))


def test_a_lower_case_x_in_a_citizen_id_is_read_the_same_either_way(tmp_path: Path) -> None:
    """The fast path leaves a citizen ID with a lower-case x to the strict path, which reads
    it as upper case."""
    division = {"record": "division", "code": "11", "name": "北京市"}
    child = {
        "record": "child",
        "id": "C1",
        "name": "张三",
        "birth_date": "1949-12-31",
        "sex": "female",
        "division": "110105001001",
        "household": "urban",
        "citizen_id": "11010519491231002x",
    }
    result, declined = _same_either_way(_write(tmp_path, [division, child]))
    assert declined == [2]
    [loaded] = result.registry.children
    assert loaded.citizen_id is not None
    assert loaded.citizen_id.reveal() == "11010519491231002X"


def test_the_sample_and_the_bad_registry_read_the_same_either_way() -> None:
    """The bundled sample and the issue's file of bad records give the same results."""
    sample, declined = _same_either_way(SAMPLE)
    assert declined == []
    assert len(sample.registry.children) == 6
    bad, declined = _same_either_way(DATA / "bad-registry.jsonl")
    assert len(bad.rejections) == 6
    # Only the malformed child files go the strict way; the one outside every division (9)
    # is well formed, and rejected by the reference checks after the fast path.
    assert declined == [5, 6, 7, 8]


# A child file with every field and every kind of fact, referring to the worker W0001 and the
# service point P0001; W0003 is a worker whose record is rejected.
FULL_REFERENCE: list[dict[str, Any]] = [
    {"record": "division", "code": "43", "name": "湖南省"},
    {"record": "worker", "id": "W0001", "name": "甲", "role": "volunteer", "division": "43"},
    {"record": "worker", "id": "W0003", "name": "乙", "role": "nope", "division": "43"},
    {
        "record": "service_point",
        "id": "P0001",
        "kind": "childrens_home",
        "name": "某村儿童之家",
        "division": "430124101201",
    },
]
FULL_CHILD: dict[str, Any] = {
    "id": "C0",
    "name": "张小明",
    "birth_date": "2012-04-18",
    "sex": "female",
    "division": "430124101201",
    "household": "rural",
    "citizen_id": _citizen_id("430124", dt.date(2012, 4, 18), 22),
    "disability": {"kind": "visual", "grade": 2, "certified_on": "2015-01-01"},
    "parent_situations": [
        {"parent": "father", "kind": "working_away", "start": "2015-01-01", "end": "2019-01-01"},
        {"parent": "mother", "kind": "out_of_contact", "start": "2016-01-01"},
        {"parent": "mother", "kind": "imprisoned", "start": "2017-01-01", "term_months": 12},
        {
            "parent": "father",
            "kind": "severely_disabled",
            "start": "2019-01-01",
            "disability": {"kind": "mental", "grade": 3, "certified_on": "2019-01-01"},
        },
    ],
    "guardianships": [
        {
            "guardian": "张奶奶",
            "relation": "grandparent",
            "start": "2015-01-01",
            "end": "2020-01-01",
            "entrusted": True,
            "confirmation_signed_on": "2015-02-01",
            "disqualifications": [
                {"kind": "gambling", "start": "2016-01-01", "end": "2017-01-01"},
                {"kind": "abuse", "start": "2018-01-01"},
            ],
        }
    ],
    "residences": [
        {"kind": "family", "start": "2012-04-18", "end": "2016-01-01"},
        {"kind": "institution", "start": "2016-01-01", "institution": "P0001"},
    ],
    "hardships": [{"kind": "medical", "start": "2017-01-01", "end": "2018-01-01"}],
    "enrolments": [{"programme": "1+N", "start": "2018-01-01", "end": "2019-01-01"}],
    "pairings": [{"worker": "W0001", "scheme": "1+1", "start": "2018-01-01", "end": "2019-01-01"}],
    "contacts": [
        {"date": "2020-01-05", "worker": "W0001", "mode": "phone", "topics": ["study"]},
        {"date": "2020-02-05", "worker": "W0001", "mode": "home_visit"},
        {"date": "2020-03-05", "worker": "W0001", "mode": "video", "topics": ["safety", "study"]},
    ],
    "agreements": [
        {
            "kind": "service_agreement",
            "signed_on": "2016-01-01",
            "service_point": "P0001",
            "end": "2019-01-01",
        },
        {"kind": "entrusted_guardianship_confirmation", "signed_on": "2015-02-01"},
    ],
    "reports": [
        {"date": "2020-01-05", "concern": "living_alone", "to": "police", "worker": "W0001"}
    ],
    "referrals": [
        {"date": "2020-01-06", "target": "medical", "worker": "W0001", "reason": "需要医疗救助"}
    ],
    "parent_contacts": [{"date": "2015-03-01", "parent": "mother"}],
    "entrustment_notices": [
        {"date": "2015-01-02", "recipient": "school"},
        {"date": "2015-01-03", "recipient": "committee"},
    ],
}


def _every_change(record: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each place changed, and the record changed there: every field removed, every value
    replaced by each odd value, an unknown key added to every object, every date made bad,
    every end put on or before its start, the citizen ID changed in every way."""

    def changed(place: tuple[Any, ...], value: Any = None, *, remove: bool = False) -> Any:
        new = copy.deepcopy(record)
        parent = _get(new, place[:-1])
        if remove:
            del parent[place[-1]]
        else:
            parent[place[-1]] = copy.deepcopy(value)
        return new

    for place in _locations(record):
        if isinstance(place[-1], str):
            yield place, changed(place, remove=True)
        for value in ODD_VALUES:
            yield place, changed(place, value)
        if _is_date(record, place):
            text = _get(record, place)
            for day in (text.replace("-", "/"), text[:8] + "31", text[:5] + "02-29", text + " "):
                yield place, changed(place, day)
    for place in _objects(record):
        for key in UNKNOWN_KEYS:
            if key not in _get(record, place):
                yield (*place, key), changed((*place, key), 1)
        fact = _get(record, place)
        begin = fact.get("start", fact.get("signed_on"))
        if place and begin is not None:
            for days in (0, 1):
                end = (dt.date.fromisoformat(begin) - dt.timedelta(days=days)).isoformat()
                yield (*place, "end"), changed((*place, "end"), end)
    for how in range(9):
        yield (
            ("citizen_id",),
            changed(("citizen_id",), _mutate_citizen_id(record["citizen_id"], how)),
        )
    for position, character in ((2, "A"), (15, "A"), (2, " "), (15, "٣")):
        # Not a digit in the address or sequence, under a check character computed over the
        # characters' codes as if they were digits.
        number = record["citizen_id"]
        first17 = number[:position] + character + number[position + 1 : 17]
        yield ("citizen_id",), changed(("citizen_id",), first17 + _check_of(first17))
    for birth in (dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(2012, 4, 19)):
        for sequence in (21, 22):
            number = _citizen_id("430124", birth, sequence)
            yield ("citizen_id",), changed(("citizen_id",), number)
            both = changed(("citizen_id",), number)
            both["birth_date"] = birth.isoformat()
            yield ("citizen_id",), both
    # A number born today and one born tomorrow (refused), with the child's birth date.
    today = dt.date.today()
    for birth in (today, today + dt.timedelta(days=1)):
        both = changed(("citizen_id",), _citizen_id("430124", birth, 22))
        both["birth_date"] = birth.isoformat()
        yield ("citizen_id",), both
    # Addresses of no province (refused), of 83 and of Hainan in 1988-2002 (accepted).
    for address in ("000000", "990124", "830124", "460001"):
        first17 = address + record["citizen_id"][6:17]
        yield ("citizen_id",), changed(("citizen_id",), first17 + check_character(first17))


def test_every_change_to_a_full_child_file_is_handled_the_same_way(tmp_path: Path) -> None:
    """Every change of _every_change to a child file with every field and fact, each in its
    own line after the valid file, gives the same result on both paths. Each changed file
    has an id of its own unless the change is to its id, so none is a duplicate by chance;
    a last line repeats the first file's id."""
    lines: list[dict[str, Any]] = [*FULL_REFERENCE, {"record": "child", **FULL_CHILD}]
    for number, (place, record) in enumerate(_every_change(FULL_CHILD)):
        if place[0] != "id":
            record["id"] = f"M{number}"
        lines.append({"record": "child", **record})
    lines.append({"record": "child", **FULL_CHILD})
    result, declined = _same_either_way(_write(tmp_path, lines))
    assert result.registry.children[0].id == "C0"
    assert 5 not in declined
    assert len(lines) > 5000


# The fast path takes a contact's worker, mode and topics to be as good as the last
# contact's when they are equal to them: lists of contacts drawn from a few values, good and
# bad, repeated in every order.
_GOOD_CONTACT_VALUES: dict[str, list[Any]] = {
    "date": ["2020-01-05", "2020-03-01"],
    "worker": ["W0001"],
    "mode": ["phone", "home_visit"],
    "topics": [["study"], ["study", "safety"], []],
}
_BAD_CONTACT_VALUES: dict[str, list[Any]] = {
    "date": ["2020-02-30", None],
    "worker": ["W0003", "W9", None, "", ["W0001"]],
    "mode": ["Phone", None, ["phone"]],
    "topics": [["nope"], [["study"]], None, "study"],
}


@st.composite
def _contact(draw: st.DrawFn) -> dict[str, Any]:
    """A contact, mostly good: a field is bad, missing or extra now and then."""
    fields = ["date", "worker", "mode"]
    if draw(st.booleans()):
        fields.append("topics")
    contact = {}
    for f in fields:
        bad = draw(st.integers(0, 9)) == 0
        pool = (_BAD_CONTACT_VALUES if bad else _GOOD_CONTACT_VALUES)[f]
        contact[f] = copy.deepcopy(draw(st.sampled_from(pool)))
    if draw(st.integers(0, 19)) == 0:
        del contact[draw(st.sampled_from(fields))]
    if draw(st.integers(0, 19)) == 0:
        contact["extra"] = 1
    return contact


_PHONE_CALL = {"date": "2020-01-05", "worker": "W0001", "mode": "phone"}


@settings(max_examples=150, deadline=None)
@given(files=st.lists(st.lists(_contact(), max_size=6), min_size=1, max_size=6))
@example(files=[[{**_PHONE_CALL, "worker": None}]])
@example(files=[[{**_PHONE_CALL, "mode": None}]])
@example(files=[[{**_PHONE_CALL, "topics": None}]])
@example(files=[[_PHONE_CALL, {**_PHONE_CALL, "topics": None}]])
@example(files=[[{**_PHONE_CALL, "topics": []}, {**_PHONE_CALL, "topics": "study"}]])
@example(  # lists of topics met before, not just the last one's
    files=[
        [
            {**_PHONE_CALL, "topics": topics}
            for topics in (["study"], ["safety"], [], ["safety"], ["study"], [], ["safety"])
        ]
    ]
)
def test_runs_of_equal_contact_values_are_read_the_same_either_way(
    files: list[list[dict[str, Any]]],
) -> None:
    """Child files with contacts whose values repeat the last contact's, or differ from it
    only by being bad (null, the wrong type, an unknown worker or mode), give the same
    objects and rejections on both paths."""
    lines: list[dict[str, Any]] = [*FULL_REFERENCE]
    for number, contacts in enumerate(files):
        child = {k: v for k, v in FULL_CHILD.items() if k != "contacts"}
        lines.append({"record": "child", **child, "id": f"C{number}", "contacts": contacts})
    with tempfile.TemporaryDirectory() as tmp:
        _same_either_way(_write(Path(tmp), lines))


# -- mutated records --------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    registry=strategies.consistent_registries(max_children=3).filter(_with_children),
    data=st.data(),
)
def test_mutated_child_files_are_rejected_the_same_way(
    registry: Registry, data: st.DataObject
) -> None:
    """Child files each with a field removed, an unknown field, a value of the wrong type or
    vocabulary, a bad date or citizen ID, an end before its start, a dangling reference or
    a null list give the same rejections (record, line, paths, messages) on both paths, or
    the same objects when the change left them valid."""
    with tempfile.TemporaryDirectory() as tmp:
        records = _records(registry, Path(tmp))
        for index, original in enumerate(records):
            if original["record"] == "child" and data.draw(st.booleans()):
                record = {k: v for k, v in original.items() if k != "record"}
                records[index] = {"record": "child", **data.draw(_mutation(record))}
        _same_either_way(_write(Path(tmp), records))


@settings(max_examples=40, deadline=None)
@given(
    registry=strategies.consistent_registries(max_children=3).filter(_with_children),
    data=st.data(),
)
def test_references_to_rejected_or_missing_records_are_reported_the_same_way(
    registry: Registry, data: st.DataObject
) -> None:
    """A worker or service point made invalid (so that the child files naming it refer to a
    rejected record) or dropped, and a child file repeated, give the same rejections."""
    with tempfile.TemporaryDirectory() as tmp:
        records = _records(registry, Path(tmp))
        kinds = ["duplicate"]
        if any(r["record"] in ("worker", "service_point") for r in records):
            kinds += ["invalid", "dropped"]
        how = data.draw(st.sampled_from(kinds))
        if how == "duplicate":
            children = [r for r in records if r["record"] == "child"]
            records.append(copy.deepcopy(data.draw(st.sampled_from(children))))
        else:
            places = [
                i for i, r in enumerate(records) if r["record"] in ("worker", "service_point")
            ]
            index = data.draw(st.sampled_from(places))
            if how == "invalid":
                vocabulary = "kind" if records[index]["record"] == "service_point" else "role"
                records[index][vocabulary] = "nope"
            else:
                del records[index]
        _same_either_way(_write(Path(tmp), records))


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"birth_date": "2020-2-3"},
            "$.birth_date",
            "must be a real date YYYY-MM-DD (got '2020-2-3')",
        ),
        (
            {"birth_date": "2020-02-30"},
            "$.birth_date",
            "must be a real date YYYY-MM-DD (got '2020-02-30')",
        ),
        ({"sex": "boy"}, "$.sex", "must be one of male, female (got 'boy')"),
        ({"name": "a\x00b"}, "$.name", "must not contain a NUL character"),
        ({"nickname": "x"}, "$.*", "is not a field of Child (an unknown key: 'n*******')"),
        (
            {"division": "430124101000"},
            "$.division",
            "must be a village or community code of 12 digits (got township '430124101')",
        ),
        ({"contacts": None}, "$.contacts", "must be a list (got null)"),
        (
            {"contacts": [{"date": "2020-01-01", "worker": "W9", "mode": "phone"}]},
            "$.contacts[0].worker",
            "refers to no worker of the registry (got 'W9')",
        ),
        (
            {
                "contacts": [
                    {"date": "2020-01-01", "worker": "W1", "mode": "phone", "topics": "study"}
                ]
            },
            "$.contacts[0].topics",
            "must be a list (got 'study')",
        ),
        (
            {"disability": {"kind": "visual", "grade": True}},
            "$.disability.grade",
            "must be a whole number (got bool True)",
        ),
        (
            {
                "guardianships": [
                    {
                        "guardian": "李四",
                        "relation": "mother",
                        "start": "2013-01-01",
                        "entrusted": 1,
                    }
                ]
            },
            "$.guardianships[0].entrusted",
            "must be true or false (got int 1)",
        ),
        (
            {"residences": [{"kind": "family", "start": "2013-01-01", "institution": "P1"}]},
            "$.residences[0].institution",
            "must be absent when 'kind' is 'family' (got 'P1')",
        ),
        (
            {"citizen_id": "430124201201010011"},
            "$.citizen_id",
            "has a wrong check character (got '430124********0011')",
        ),
    ],
)
def test_documented_problems_are_reported_exactly(
    tmp_path: Path, change: dict[str, Any], path: str, message: str
) -> None:
    """Examples of each kind of problem: the fast path declines and the strict path reports
    the problem at its path with its message."""
    division = {"record": "division", "code": "43", "name": "湖南省"}
    worker = {"record": "worker", "id": "W1", "name": "甲", "role": "volunteer", "division": "43"}
    child = {
        "record": "child",
        "id": "C1",
        "name": "某",
        "birth_date": "2012-01-01",
        "sex": "male",
        "division": "430124101201",
        "household": "rural",
        **change,
    }
    result, declined = _same_either_way(_write(tmp_path, [division, worker, child]))
    assert declined == [3]
    [rejection] = result.rejections
    assert (rejection.record, rejection.path, rejection.message) == (3, path, message)


# -- the rest of the reader -------------------------------------------------------------------


def test_a_caller_s_converter_is_used_for_every_child_file(tmp_path: Path) -> None:
    """The fast path mirrors the default converter only: with a converter of the caller's,
    every child file goes through it."""
    converter = make_converter()
    converter.register_structure_hook(ContactMode, lambda value, _: ContactMode.VIDEO)
    division = {"record": "division", "code": "43", "name": "湖南省"}
    worker = {"record": "worker", "id": "W1", "name": "甲", "role": "volunteer", "division": "43"}
    child = {
        "record": "child",
        "id": "C1",
        "name": "某",
        "birth_date": "2012-01-01",
        "sex": "male",
        "division": "430124101201",
        "household": "rural",
        "contacts": [{"date": "2020-01-01", "worker": "W1", "mode": "phone"}],
    }
    path = _write(tmp_path, [division, worker, child])
    result, declined = _load(path, fast=True, converter=converter)
    assert declined == [3]
    assert result.registry.children[0].contacts[0].mode is ContactMode.VIDEO


@pytest.mark.parametrize(
    "line",
    [
        b'{"record": "division", "code": "43"\n',
        b'{"record": "division", "code": "43\n',
        b'{"record": "division", "code": "43"\r\n',
        b'{"record": "division"} x\n',
        b"\xef\xbb\xbf" + b'{"record": "division", "code": "42", "name": "y"}\n',
        b"  \t\n",
        b"\x0b\x0c\n",
        b"nul\x00l\n",
        b"[1, 2]\r\n",
        b'"text"\n',
    ],
)
def test_lines_are_parsed_as_json_loads_parses_them(tmp_path: Path, line: bytes) -> None:
    """Lines that are not JSON (including a BOM after the first line and a line cut short
    before its line end) give json.loads' own message and column; blank lines of any ASCII
    whitespace are skipped; CRLF line ends are whitespace."""
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"record": "division", "code": "43", "name": "x"}\n' + line)
    result = load_registry(path)
    text = line.decode("utf-8").rstrip("\r\n")
    if not line.strip():
        assert result.counts.read == 1
        return
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        expected = f"is not valid JSON ({exc.msg} at column {exc.colno})"
        assert [(r.record, r.line, r.message) for r in result.rejections] == [(2, 2, expected)]
    else:
        assert result.counts.read == 2
        if not isinstance(value, dict):
            assert result.rejections[0].message.startswith("must be an object")


def test_stream_counts_are_the_same_either_way_while_reading(tmp_path: Path) -> None:
    """Counts of a stream part-way through its child files agree too."""
    registry = load_registry(SAMPLE).registry
    path = tmp_path / "r.jsonl"
    write_registry(path, registry.reference, registry.children)
    seen = []
    for fast in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cp_io, "_FAST_PATH", fast)
            with open_registry(path) as stream:
                children = stream.children()
                next(children)
                seen.append(stream.counts)
    assert seen[0] == seen[1]
