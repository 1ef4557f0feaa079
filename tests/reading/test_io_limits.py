"""Input that cannot hurt: records nested too deeply, integers too long for ``int()`` and
lines too long are rejected like any other bad record, and the rest is read (issue 16)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from careprotect import FieldProblem, KindCounts, RegistryReadError, load_registry, open_registry
from careprotect.io import MAX_DEPTH, MAX_LINE_BYTES, LineFeed

HUNAN = {"record": "division", "code": "43", "name": "湖南省"}
DOCUMENT = '{"divisions": [{"code": "43", "name": "湖南省"}], "children": [CHILDREN]}'


def child_line(**fields: Any) -> str:
    """A valid child line in Hunan, with ``fields`` replaced or added."""
    record = {
        "record": "child",
        "id": "C1",
        "name": "某",
        "birth_date": "2012-01-01",
        "sex": "male",
        "division": "430124101201",
        "household": "rural",
        **fields,
    }
    return json.dumps(record, ensure_ascii=False)


def nested(depth: int) -> str:
    """A child line nested ``depth`` levels deep: the record, then lists in a field."""
    return child_line(id="DEEP", x=0).replace(
        '"x": 0', '"x": ' + "[" * (depth - 1) + "]" * (depth - 1)
    )


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([json.dumps(HUNAN), *lines, child_line(id="LAST")]) + "\n")
    return path


def summary(path: Path, **options: Any) -> tuple[list[tuple[Any, ...]], list[str]]:
    """The rejections (record, line, location, kind, path, message) and accepted ids."""
    result = load_registry(path, **options)
    rejected = [
        (r.record, r.line, r.location, r.kind, r.path, r.message) for r in result.rejections
    ]
    assert result.counts.read == result.counts.accepted + result.counts.rejected
    return rejected, [c.id for c in result.registry.children]


@pytest.mark.parametrize("depth", [65, 200, 1000, 100_000])
def test_a_record_nested_too_deeply_is_rejected_and_the_rest_read(
    tmp_path: Path, depth: int
) -> None:
    """A line nested deeper than MAX_DEPTH (64) levels is rejected with its record number,
    line and depth, whether or not the JSON decoder could parse it; its kind is not told
    and its value not kept, and the next line is read."""
    path = write(tmp_path / "r.jsonl", nested(depth))
    rejected, accepted = summary(path)
    message = f"must be nested at most 64 levels deep (got {depth})"
    assert rejected == [(2, 2, None, None, "$", message)]
    assert accepted == ["LAST"]
    assert load_registry(path).rejections[0].raw is None
    assert MAX_DEPTH == 64


def test_a_record_nested_64_levels_is_not_rejected_for_its_depth(tmp_path: Path) -> None:
    """64 levels is allowed: the record is judged as any other (here: an unknown field)."""
    rejected, _ = summary(write(tmp_path / "r.jsonl", nested(64)))
    assert [r[:4] for r in rejected] == [(2, 2, None, "child")]
    assert "nested" not in rejected[0][5]


def test_depth_is_counted_outside_strings(tmp_path: Path) -> None:
    """Brackets inside strings, escaped quotes among them, do not count as nesting."""
    text = '[]["\\"[' * 70
    rejected, accepted = summary(write(tmp_path / "r.jsonl", child_line(id="C2", name=text)))
    assert rejected == []
    assert accepted == ["C2", "LAST"]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_an_integer_too_long_for_int_is_rejected_at_its_path(tmp_path: Path, suffix: str) -> None:
    """An integer of more digits than int() converts (sys.get_int_max_str_digits(), 4300 by
    default) is rejected at its path, in either layout; one digit less is read as a number."""
    limit = sys.get_int_max_str_digits()
    too_long = "-" + "7" * (limit + 1)
    longest = "7" * limit
    lines = [
        child_line(id="C2", contacts=[{"date": "2020-01-01", "mode": "phone", "topics": [0]}]),
        child_line(id="C3", name=0),
    ]
    lines = [lines[0].replace("[0]", f"[{too_long}]"), lines[1].replace(": 0", f": {longest}")]
    path = tmp_path / f"r{suffix}"
    if suffix == ".jsonl":
        write(path, *lines)
        where: list[Any] = [(2, 2, None), (3, 3, None)]
    else:
        children = ",".join(line.replace('"record": "child", ', "") for line in lines)
        path.write_text(DOCUMENT.replace("CHILDREN", children))
        where = [(2, None, "$.children[0]"), (3, None, "$.children[1]")]
    result = load_registry(path)
    first, second = result.rejections
    assert (first.record, first.line, first.location, first.kind, first.problems) == (
        *where[0],
        "child",
        (
            FieldProblem(
                "$.contacts[0].topics[0]",
                f"must be an integer of at most {limit} digits (got {limit + 1} digits)",
            ),
        ),
    )
    assert first.raw is None
    # the longest integer int() converts is read, then refused where a string is due
    assert (second.record, second.line, second.location, second.kind, second.path) == (
        *where[1],
        "child",
        "$.name",
    )
    assert "digits" not in second.message


def test_a_document_record_nested_too_deeply_is_rejected_at_its_location(tmp_path: Path) -> None:
    """In a JSON document, a record nested too deeply is rejected at its location; one
    nested too deeply for the decoder makes the whole document unreadable, in one line."""
    path = tmp_path / "r.json"
    deep = '{"id": "DEEP", "x": ' + "[" * 99 + "]" * 99 + "}"
    path.write_text(DOCUMENT.replace("CHILDREN", deep))
    rejected, _ = summary(path)
    message = "must be nested at most 64 levels deep (got 100)"
    assert rejected == [(2, None, "$.children[0]", "child", "$", message)]
    path.write_text(DOCUMENT.replace("CHILDREN", "[" * 100_000 + "]" * 100_000))
    with pytest.raises(RegistryReadError, match=r"nested too deeply .* \(100002 levels;"):
        load_registry(path)


def test_a_line_longer_than_the_limit_is_rejected_without_being_read_whole(
    tmp_path: Path,
) -> None:
    """A line longer than max_line_bytes (its newline aside) is rejected with its record
    number, line and length; a line of exactly the limit is read; the lines after it are
    numbered and read as ever."""
    exact = child_line(id="C222")  # as long as the last line
    limit = len(exact.encode())
    long = child_line(id="C3", name="长" * 2000)
    path = write(tmp_path / "r.jsonl", exact, long, "", child_line(id="C4"))
    rejected, accepted = summary(path, max_line_bytes=limit)
    size = len(long.encode())
    message = f"must be a line of at most {limit} bytes (got {size} bytes)"
    assert rejected == [(3, 3, None, None, "$", message)]
    assert accepted == ["C222", "C4", "LAST"]


def test_the_line_limit_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CAREPROTECT_MAX_LINE_BYTES sets the limit when open_registry is not given one; a
    value that is not a positive whole number is an error saying so."""
    line = child_line(id="C2", name="x" * 200)
    path = write(tmp_path / "r.jsonl", line)
    monkeypatch.setenv("CAREPROTECT_MAX_LINE_BYTES", "150")
    rejected, _ = summary(path)
    message = f"must be a line of at most 150 bytes (got {len(line)} bytes)"
    assert [r[4:] for r in rejected] == [("$", message)]
    assert summary(path, max_line_bytes=MAX_LINE_BYTES)[0] == []
    monkeypatch.setenv("CAREPROTECT_MAX_LINE_BYTES", "lots")
    with pytest.raises(RegistryReadError, match="CAREPROTECT_MAX_LINE_BYTES must be a whole"):
        open_registry(path)


class _Watched:
    """A binary file whose reads are recorded: the most bytes one read returned."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.most = 0

    def readline(self, size: int = -1) -> bytes:
        line = self._handle.readline(size)
        self.most = max(self.most, len(line))
        return line


def test_a_feed_reads_a_long_line_a_part_at_a_time(tmp_path: Path) -> None:
    """LineFeed never holds more of a line than the limit and a line end: the rest of a
    long line is skipped a chunk at a time, and its length is counted exactly."""
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"{}\n" + b"x" * (5 << 20) + b"\n{}\n")
    with path.open("rb") as handle:
        watched = _Watched(handle)
        feed = LineFeed(watched, max_line_bytes=1000)  # type: ignore[arg-type]
        lines = list(feed.lines())
    assert [(r.number, r.line, r.at, r.text) for r in lines] == [
        (1, 1, 0, b"{}\n"),
        (2, 2, 3, b""),
        (3, 3, 3 + (5 << 20) + 1, b"{}\n"),
    ]
    assert watched.most <= 1 << 20  # bytes read at a time while skipping


def test_reading_counts_stay_whole_with_every_kind_of_bad_line(tmp_path: Path) -> None:
    """Deep, long-integer and long lines among good ones: read = accepted + rejected for
    every kind, and every line is a record read."""
    lines = [nested(1000), child_line(id="C2", x=1).replace(": 1}", ": " + "9" * 5000 + "}")]
    lines.append(child_line(id="C3", name="y" * 7000))
    path = write(tmp_path / "r.jsonl", *lines)
    counts = load_registry(path, max_line_bytes=6000).counts
    assert dict(counts.by_kind) == {
        "child": KindCounts(read=2, accepted=1, rejected=1),
        "division": KindCounts(read=1, accepted=1, rejected=0),
        "unknown": KindCounts(read=2, accepted=0, rejected=2),
    }
