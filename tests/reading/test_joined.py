"""A registry given as a directory: its reference file, then its other JSON Lines files by
name, read as one file (careprotect.reading.joined)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect import Engine, open_registry, pipeline
from careprotect.errors import RegistryReadError
from careprotect.pipeline import parallel
from careprotect.reading.joined import Joined, registry_files
from support import SAMPLE_REFERENCE, messy_lines

AS_OF = dt.date(2024, 12, 31)
BOM = b"\xef\xbb\xbf"


def _directory(tmp_path: Path) -> tuple[Path, Path, dict[int, tuple[str, int]]]:
    """The messy registry as a directory of four child files (one with a byte order mark,
    one ending without a line end, one empty, one .ndjson) and a file that is not a part,
    and the same records as one file; with, for each line of the one file, its file and
    line in the directory."""
    lines = messy_lines()
    lines[0] = lines[0].removeprefix(BOM)
    reference, rest = lines[: len(SAMPLE_REFERENCE)], lines[len(SAMPLE_REFERENCE) :]
    third = len(rest) // 3
    files = {
        "reference.jsonl": reference,
        "431121.jsonl": rest[:third],
        "431122.jsonl": rest[third : 2 * third],
        "431123-empty.jsonl": [],
        "431124.ndjson": rest[2 * third :],
    }
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "README.txt").write_text("not a part of the registry")
    joined: list[bytes] = []
    where: dict[int, tuple[str, int]] = {}
    for name, content in files.items():
        data = b"".join(content)
        if name == "431122.jsonl":
            data = BOM + data
        if name == "431121.jsonl":
            data = data.removesuffix(b"\n")  # its last line has no line end
        (folder / name).write_bytes(data)
        for number, line in enumerate(content, start=1):
            where[len(joined) + 1] = (name, number)
            joined.append(line if line.endswith(b"\n") else line + b"\n")
    one = tmp_path / "one.jsonl"
    one.write_bytes(b"".join(joined))
    return folder, one, where


def _audit(engine: Engine, path: Path, **options: Any) -> dict[str, Any]:
    with open_registry(path) as stream:
        audit = pipeline.audit(engine, stream, as_of=AS_OF, **options)
        findings = list(audit)
        return {
            "findings": findings,
            "summary": audit.summary,
            "counts": stream.counts,
            "rejections": stream.rejections,
            "warnings": stream.warnings,
        }


def test_a_directory_reads_as_its_files_joined(engine: Engine, tmp_path: Path) -> None:
    folder, one, where = _directory(tmp_path)
    assert [p.name for p in registry_files(folder)] == [
        "reference.jsonl",
        "431121.jsonl",
        "431122.jsonl",
        "431123-empty.jsonl",
        "431124.ndjson",
    ]
    joined, single = _audit(engine, folder), _audit(engine, one)
    for key in ("findings", "summary", "counts"):
        assert joined[key] == single[key], key
    assert len(joined["rejections"]) == len(single["rejections"]) == 13
    for got, expected in zip(joined["rejections"], single["rejections"], strict=True):
        assert got.record == expected.record
        assert got.problems == expected.problems
        assert (got.location, got.line) == where[expected.line]
        assert str(got).startswith(f"record {got.record} ({got.location}, line {got.line}, ")
    assert [(w.location, w.line) for w in joined["warnings"]] == [
        where[w.line] for w in single["warnings"]
    ]


def test_parts_across_the_files_edges_read_the_same(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "BATCH", 700)
    folder, _, _ = _directory(tmp_path)
    serial, forked = _audit(engine, folder), _audit(engine, folder, jobs=2)
    assert forked == serial
    assert [r.location for r in forked["rejections"]] == [r.location for r in serial["rejections"]]


def test_a_directory_without_its_reference_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "431121.jsonl").write_text("")
    with pytest.raises(RegistryReadError, match=r"reference\.jsonl"):
        open_registry(tmp_path)


_CONTENT = st.lists(
    st.binary(max_size=40).map(lambda b: b.replace(b"\xef", b"e")), min_size=1, max_size=6
)


@given(contents=_CONTENT, boms=st.lists(st.booleans(), min_size=6, max_size=6), data=st.data())
def test_the_joined_bytes_and_lines(
    tmp_path_factory: pytest.TempPathFactory,
    contents: list[bytes],
    boms: list[bool],
    data: st.DataObject,
) -> None:
    folder = tmp_path_factory.mktemp("joined")
    paths, expected = [], b""
    starts: list[tuple[str, int]] = []  # per line of the joined bytes: its file and line
    for index, content in enumerate(contents):
        path = folder / f"{index}.jsonl"
        path.write_bytes((BOM if boms[index] else b"") + content)
        paths.append(path)
        if content and not content.endswith(b"\n"):
            content += b"\n"
        expected += content
        starts += [(path.name, n) for n in range(1, content.count(b"\n") + 1)]
    with Joined(paths) as joined:
        assert joined.size() == len(expected)
        at = data.draw(st.integers(0, len(expected)))
        count = data.draw(st.integers(0, len(expected) + 2))
        assert joined.pread(count, at) == expected[at : at + count]
        assert io.BufferedReader(joined).read() == expected
        for line, place in enumerate(starts, start=1):
            assert joined.locate(line) == place
