"""The compact id index behind the registry reader's duplicate check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect._ids import IdIndex
from careprotect.io import load_registry

ids = st.text(alphabet="0123456789ABCX", min_size=1, max_size=6)


def weak_hash(record_id: str) -> int:
    """A hash with only 8 values, so that distinct ids collide all the time."""
    return len(record_id) % 4 - 2 + (record_id[0] == "1")


class Store:
    """Records by place, the ``recall`` an index reads back through; counts the reads."""

    def __init__(self) -> None:
        self.records: list[str] = []
        self.reads = 0

    def recall(self, where: int) -> str:
        self.reads += 1
        return self.records[where]

    def add(self, index: IdIndex, record_id: str) -> None:
        index.add(record_id, len(self.records))
        self.records.append(record_id)


@given(st.lists(ids, max_size=300), st.lists(ids, max_size=50), st.booleans())
def test_an_index_answers_as_a_set_does(added: list[str], probes: list[str], weak: bool) -> None:
    """With the real hash or one that collides all the time, find returns where the id was
    added exactly when a set would contain it: a collision is never taken for a duplicate."""
    store = Store()
    index = IdIndex(store.recall, hash_id=weak_hash) if weak else IdIndex(store.recall)
    model: dict[str, int] = {}
    for record_id in added:
        assert index.find(record_id) == model.get(record_id)
        if record_id not in model:
            model[record_id] = len(store.records)
            store.add(index, record_id)
    assert len(index) == len(model)
    for record_id in [*probes, *added]:
        assert index.find(record_id) == model.get(record_id)
        assert (record_id in index) is (record_id in model)


def test_an_index_reads_back_only_on_a_matching_hash() -> None:
    """Thousands of distinct ids, past several doublings of the table, cost no read; each
    duplicate looked up costs one."""
    store = Store()
    index = IdIndex(store.recall)
    added = [f"43012419{n:010d}" for n in range(5000)]
    for record_id in added:
        assert index.find(record_id) is None
        store.add(index, record_id)
    assert store.reads == 0
    assert [index.find(added[n]) for n in (0, 1234, 4999)] == [0, 1234, 4999]
    assert store.reads == 3
    assert 1 not in index  # only strings are ids


def test_a_zero_hash_is_stored() -> None:
    """0 marks an empty slot, so an id whose hash is 0 is stored as 1 and still found."""
    store = Store()
    index = IdIndex(store.recall, hash_id=lambda s: 0 if s == "zero" else 1)
    store.add(index, "zero")
    store.add(index, "one")
    assert (index.find("zero"), index.find("one"), index.find("two")) == (0, 1, None)


def test_ids_told_apart_by_the_upper_hash_bits_are_not_read_back() -> None:
    """Two ids whose hashes share the low 32 bits but not the next 16 sit side by side and
    cost no read; a hash equal in all 48 bits costs one read, which tells them apart."""
    hashes = {"a": 5, "b": 5 | 7 << 32, "c": 5 | 7 << 32 | 1 << 50, "d": -3}
    store = Store()
    index = IdIndex(store.recall, hash_id=hashes.__getitem__)
    store.add(index, "a")
    store.add(index, "d")
    assert index.find("b") is None
    assert store.reads == 0
    store.add(index, "b")
    assert index.find("c") is None  # bits above the 48th are not kept: "b" is read back
    assert store.reads == 1
    assert [index.find(i) for i in "abd"] == [0, 2, 1]


@pytest.mark.parametrize("where", [-1, 2**47])
def test_a_place_out_of_range_is_refused(where: int) -> None:
    index = IdIndex(Store().recall)
    with pytest.raises(ValueError, match="where must be from 0 to 2\\*\\*47 - 1"):
        index.add("C1", where)
    assert len(index) == 0


def test_the_largest_place_is_kept_whole() -> None:
    """Where a record is keeps all of its 47 bits beside the hash bits above them."""
    index = IdIndex(lambda where: "C1" if where == 2**47 - 1 else None, hash_id=lambda s: -1)
    index.add("C1", 2**47 - 1)
    assert index.find("C1") == 2**47 - 1


def _child(child_id: str) -> dict[str, object]:
    return {
        "record": "child",
        "id": child_id,
        "name": "某",
        "sex": "female",
        "birth_date": "2012-01-01",
        "division": "430124101201",
        "household": "rural",
    }


def test_duplicates_are_found_by_reading_the_earlier_line_again(tmp_path: Path) -> None:
    """The reader keeps where each child file's line starts, not its id: a duplicate is
    confirmed by reading that line again, past a byte order mark, blank lines, CRLF line ends
    and lines of other lengths (the offsets count bytes, not characters)."""
    lines = [
        json.dumps({"record": "division", "code": "43", "name": "湖南省"}, ensure_ascii=False),
        "",
        json.dumps({**_child("甲1"), "name": "张三"}, ensure_ascii=False),
        json.dumps(_child("C2")),
        json.dumps(_child("C2")),
        json.dumps(_child("甲1")),
        json.dumps(_child("C3")),
    ]
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    result = load_registry(path)
    assert [(r.line, r.path, r.message) for r in result.rejections] == [
        (5, "$.id", "is a duplicate child id (got 'C2')"),
        (6, "$.id", "is a duplicate child id (got '甲1')"),
    ]
    assert [c.id for c in result.registry.children] == ["甲1", "C2", "C3"]


def test_duplicates_in_a_document_are_found_by_index(tmp_path: Path) -> None:
    children = [{k: v for k, v in _child(i).items() if k != "record"} for i in "ABAB"]
    document = {"divisions": [{"code": "43", "name": "湖南省"}], "children": children}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = load_registry(path)
    assert [(r.location, r.message) for r in result.rejections] == [
        ("$.children[2]", "is a duplicate child id (got 'A')"),
        ("$.children[3]", "is a duplicate child id (got 'B')"),
    ]
    assert [c.id for c in result.registry.children] == ["A", "B"]
