"""Gathering a ledger's rows into records through the SQLite spool: a record's rows anywhere
in their sheets, the spool removed after and on error, and memory that does not grow with
the number of children."""

from __future__ import annotations

import datetime as dt
import io
import random
import tempfile
import tracemalloc
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from careprotect import Registry, load_registry
from careprotect.errors import RegistryReadError
from careprotect.io import open_registry as open_json
from careprotect.ledger import gather
from careprotect.ledger.gather import DATABASE
from careprotect.ledger.layout import LAYOUT
from careprotect.ledger.opening import load_registry as load_any
from careprotect.ledger.opening import open_registry
from careprotect.ledger.sheetrows import Workbook
from careprotect.ledger.stream import LedgerStream
from careprotect.ledger.writer import write_ledger
from careprotect.testing import consistent_registries, synth

ROOT = Path(__file__).resolve().parents[2]
LIST_TITLES = [s.title for s in LAYOUT if s.path]


def export(registry: Registry, path: Path) -> Path:
    with path.open("wb") as out:
        write_ledger(out, registry.reference, registry.children)
    return path


def spread(path: Path, rng: random.Random) -> None:
    """Interleave the rows of every list sheet at random, each record's rows kept in their
    order (the order of a child's contacts is the order of its rows)."""
    book = load_workbook(path)
    for title in LIST_TITLES:
        ws = book[title]
        by_owner: dict[Any, list[list[Any]]] = defaultdict(list)
        for row in ws.iter_rows(min_row=3, values_only=True):
            by_owner[row[0]].append(list(row))
        queues = [rows for rows in by_owner.values() if rows]
        mixed = []
        while queues:
            queue = rng.choice(queues)
            mixed.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
        for number, row in enumerate(mixed, start=3):
            for column, value in enumerate(row, start=1):
                ws.cell(number, column).value = value
    book.save(path)


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_registries(max_children=4, max_workers=3, max_service_points=2), st.randoms())
def test_rows_of_a_record_anywhere_in_their_sheets_give_the_same_registry(
    registry: Registry, rng: random.Random
) -> None:
    """A child's contacts (and every other list's rows) spread among the other children's,
    in any order of children: the import gives back the same registry, every row counted."""
    with tempfile.TemporaryDirectory() as tmp:
        path = export(registry, Path(tmp) / "r.xlsx")
        spread(path, rng)
        with open_registry(path) as stream:
            assert isinstance(stream, LedgerStream)
            children = tuple(stream.children())
            assert stream.rejections == []
            counts = {c.sheet: c for c in stream.sheet_counts}
        assert (stream.reference, children) == (registry.reference, registry.children)
    assert counts["contacts"].accepted == sum(len(c.contacts) for c in registry.children)
    assert all(c.rejected == 0 for c in counts.values())


def test_a_contact_far_from_its_child_is_joined_to_it(tmp_path: Path) -> None:
    """The last contact of the first child moved to the end of the sheet, after every other
    child's: it is still the child's last contact."""
    registry = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
    path = export(registry, tmp_path / "r.xlsx")
    book = load_workbook(path)
    ws = book["走访联系"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    first = rows[0][0]
    last_of_first = max(i for i, r in enumerate(rows) if r[0] == first)
    rows.append(rows.pop(last_of_first))
    assert rows[-2][0] != first
    for number, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=1):
            ws.cell(number, column).value = value
    book.save(path)
    loaded = load_any(path)
    assert loaded.rejections == ()
    assert loaded.registry == registry


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory in which ledgers make their temporary spools."""
    where = tmp_path / "spools"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def test_the_spool_is_there_while_open_and_removed_after(tmp_path: Path, spool_dir: Path) -> None:
    """While the ledger is open its rows are in an SQLite file and its records in a JSON
    Lines file, in one private directory; the directory is gone once the child files are
    read, and the rejections still name their cells."""
    registry = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
    path = export(registry, tmp_path / "r.xlsx")
    book = load_workbook(path)
    book["儿童信息"]["C3"] = "2010/2/30"
    book.save(path)
    with open_registry(path) as stream:
        (spool,) = spool_dir.iterdir()
        assert sorted(p.name for p in spool.iterdir()) == sorted([DATABASE, "r.jsonl"])
        assert spool.stat().st_mode & 0o077 == 0
        list(stream.children())
        assert list(spool_dir.iterdir()) == []
        assert [str(r).split(": ", 1)[1] for r in stream.rejections] == [
            "儿童信息 (children) row 3, column C 出生日期 (birth_date): must be a real date "
            "YYYY-MM-DD (got '2010-02-30')"
        ]
    assert list(spool_dir.iterdir()) == []


def test_the_spool_is_removed_when_a_sheet_cannot_be_read(tmp_path: Path, spool_dir: Path) -> None:
    """A list sheet without its link column: the error says so, and no spool is left."""
    registry = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
    path = export(registry, tmp_path / "r.xlsx")
    book = load_workbook(path)
    book["走访联系"].delete_cols(1)
    book.save(path)
    with pytest.raises(RegistryReadError, match=r"has no column 儿童编号 \(child_id\)"):
        open_registry(path)
    assert list(spool_dir.iterdir()) == []


def test_the_spool_is_removed_when_writing_the_records_fails(
    tmp_path: Path, spool_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while the records are written (here: a full disk) leaves no spool."""
    registry = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
    path = export(registry, tmp_path / "r.xlsx")

    def full(data: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gather, "dumps", full)
    with pytest.raises(OSError, match="No space left"):
        open_registry(path)
    assert list(spool_dir.iterdir()) == []


def _synthetic_ledger(path: Path, children: int) -> Path:
    lines = path.with_suffix(".jsonl")
    with lines.open("w", encoding="utf-8") as out:
        synth.write_synthetic(out, province="43", children=children, seed=1)
    with open_json(lines) as stream, path.open("wb") as out:
        write_ledger(out, stream.reference, stream.children())
    return path


def _traced_peak(path: Path) -> int:
    """The peak of the Python memory of an import of ``path`` (SQLite's own is bounded by
    its cache size, and not traced)."""
    tracemalloc.start()
    try:
        with open_registry(path) as stream:
            out = io.StringIO()
            for child in stream.children():
                out.write(child.id)
                out.seek(0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_memory_of_an_import_does_not_grow_with_the_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four times the children, not a quarter more Python memory at the peak (the previous
    reader held every row: about four times as much). Batches of 64 rows, so that both
    sizes fill many."""
    monkeypatch.setattr(gather, "_BATCH", 64)
    small = _traced_peak(_synthetic_ledger(tmp_path / "small.xlsx", 150))
    large = _traced_peak(_synthetic_ledger(tmp_path / "large.xlsx", 600))
    assert large < 1.25 * small, (small, large)


def _gapped_workbook(path: Path) -> Path:
    """A workbook saved by openpyxl's normal mode (with a dimension): rows left out, a
    date, a number, a boolean, a formula's text, and a row shorter than the others."""
    from openpyxl import Workbook as Book

    book = Book()
    ws = book.active
    ws.title = "走访联系"
    ws.append(["儿童编号", "日期", "方式"])
    ws["A3"] = "C1"
    ws["B3"] = dt.datetime(2020, 6, 30)
    ws["C3"] = 3.5
    ws["A7"] = True
    ws["E9"] = "=1+1"
    book.save(path)
    return path


@pytest.mark.parametrize("name", ["messy", "exported", "gapped"])
def test_the_values_of_a_sheet_are_those_openpyxl_gives(tmp_path: Path, name: str) -> None:
    """Workbook.values gives, for every sheet, what openpyxl's read-only iter_rows gives:
    a ledger filled in by hand, one exported (no dimension), one with rows left out."""
    registry = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
    path = {
        "messy": lambda: ROOT / "tests" / "data" / "messy-ledger.xlsx",
        "exported": lambda: export(registry, tmp_path / "r.xlsx"),
        "gapped": lambda: _gapped_workbook(tmp_path / "g.xlsx"),
    }[name]()
    expected = load_workbook(path, read_only=True, data_only=True)
    with path.open("rb") as handle:
        book = Workbook(handle)
        try:
            assert book.sheetnames == expected.sheetnames
            for title in book.sheetnames:
                got = list(book.values(title))
                assert got == list(expected[title].iter_rows(values_only=True)), title
        finally:
            book.close()
            expected.close()
