"""Reading and writing registries: every record accepted or rejected, with paths and counts."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    ContactMode,
    Division,
    FieldProblem,
    KindCounts,
    RecordKind,
    RegistryReadError,
    load_registry,
    open_registry,
    write_registry,
)
from careprotect.io import LineFeed, RawLine, dumps
from careprotect.model.references import list_references
from careprotect.reading.joined import open_bytes
from careprotect.reading.lines import FileBytes, span_lines
from careprotect.reading.reference import SEX_MISMATCH
from support import SAMPLE_FILE

DATA = Path(__file__).parents[1] / "data"
SAMPLE = Path(__file__).parents[1] / "data" / "small-registry.jsonl"
HUNAN = {"record": "division", "code": "43", "name": "湖南省"}


def child_record(**fields: Any) -> dict[str, Any]:
    """A valid child line in Hunan, with ``fields`` replaced or added."""
    return {
        "record": "child",
        "id": "C1",
        "name": "某",
        "birth_date": "2012-01-01",
        "sex": "male",
        "division": "430124101201",
        "household": "rural",
        **fields,
    }


def write_lines(path: Path, records: list[Any]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


def test_bad_records_each_give_one_rejection_with_their_path() -> None:
    """The issue's checklist: a wrong check digit, 2019-02-30, an unknown relation, a missing
    field, a village outside every known division and a line that is not JSON each give one
    rejection with the record number, line, path and message; the good records all load."""
    result = load_registry(DATA / "bad-registry.jsonl")

    assert [c.id for c in result.registry.children] == ["GOOD-1", "GOOD-2"]
    got = [(r.record, r.line, r.kind, r.record_id, r.path, r.message) for r in result.rejections]
    assert got == [
        (
            5,
            6,
            RecordKind.CHILD,
            "BAD-ID",
            "$.citizen_id",
            "has a wrong check character (got '433122********0222')",
        ),
        (
            6,
            7,
            RecordKind.CHILD,
            "BAD-DATE",
            "$.birth_date",
            "must be a real date YYYY-MM-DD (got '2019-02-30')",
        ),
        (
            7,
            8,
            RecordKind.CHILD,
            "BAD-RELATION",
            "$.guardianships[1].relation",
            "must be one of father, mother, step_parent, grandparent, sibling, other_relative, "
            "non_relative, institution (got 'uncle')",
        ),
        (8, 9, RecordKind.CHILD, "MISSING-SEX", "$.sex", "is required"),
        (
            9,
            10,
            RecordKind.CHILD,
            "OUTSIDE",
            "$.division",
            "is outside every division of the registry (got '433123100201')",
        ),
        (10, 11, None, None, "$", "is not valid JSON (Expecting value at column 67)"),
    ]


def test_counts_add_up_by_kind_and_in_total() -> None:
    """read = accepted + rejected for every kind; a line that is not JSON counts as unknown."""
    counts = load_registry(DATA / "bad-registry.jsonl").counts
    assert dict(counts.by_kind) == {
        "child": KindCounts(read=7, accepted=2, rejected=5),
        "division": KindCounts(read=2, accepted=2, rejected=0),
        "unknown": KindCounts(read=1, accepted=0, rejected=1),
        "worker": KindCounts(read=1, accepted=1, rejected=0),
    }
    assert (counts.read, counts.accepted, counts.rejected) == (11, 5, 6)


def test_every_problem_of_a_record_is_reported_in_one_rejection(tmp_path: Path) -> None:
    """A record with three problems is one rejection listing all three."""
    child = child_record(
        birth_date="2012-13-01",
        sex="boy",
        contacts=[{"date": "2020-01-01", "worker": "W1", "mode": "letter"}],
        nickname="x",
    )
    [rejection] = load_registry(write_lines(tmp_path / "r.jsonl", [HUNAN, child])).rejections
    assert rejection.problems == (
        FieldProblem("$.birth_date", "must be a real date YYYY-MM-DD (got '2012-13-01')"),
        FieldProblem("$.sex", "must be one of male, female (got 'boy')"),
        FieldProblem(
            "$.contacts[0].mode",
            "must be one of phone, home_visit, video, activity, counselling (got 'letter')",
        ),
        FieldProblem("$.*", "is not a field of Child (an unknown key: 'n*******')"),
    )


def test_references_to_unknown_and_rejected_workers_are_refused(tmp_path: Path) -> None:
    """A contact by a worker who is not in the registry, or whose record was rejected, is an
    input error at the contact's path; the message says which."""
    worker = {"record": "worker", "id": "W1", "name": "甲", "role": "chief", "division": "43"}
    child = child_record(
        contacts=[
            {"date": "2020-01-01", "worker": "W1", "mode": "phone"},
            {"date": "2020-01-02", "worker": "W2", "mode": "phone"},
        ]
    )
    rejections = load_registry(write_lines(tmp_path / "r.jsonl", [HUNAN, worker, child])).rejections
    assert [(r.record, r.problems) for r in rejections] == [
        (
            2,
            (
                FieldProblem(
                    "$.role",
                    "must be one of child_director, child_supervisor, counsellor, "
                    "social_worker, party_member, volunteer (got 'chief')",
                ),
            ),
        ),
        (
            3,
            (
                FieldProblem(
                    "$.contacts[0].worker", "refers to worker 'W1', which was rejected (record 2)"
                ),
                FieldProblem(
                    "$.contacts[1].worker", "refers to no worker of the registry (got 'W2')"
                ),
            ),
        ),
    ]


def test_reference_record_after_a_child_file_is_rejected(tmp_path: Path) -> None:
    """JSON Lines gives reference records first; a late one is rejected, not silently used."""
    records = [
        HUNAN,
        child_record(),
        {"record": "division", "code": "42", "name": "湖北省"},
        {"record": "weird"},
        [1, 2],
    ]
    result = load_registry(write_lines(tmp_path / "r.jsonl", records))
    assert [(r.record, r.path, r.message) for r in result.rejections] == [
        (3, "$.record", "a division record must come before the child files"),
        (4, "$.record", "must be one of division, worker, service_point, child (got 'weird')"),
        (5, "$", "must be an object (got a list)"),
    ]
    assert [c.id for c in result.registry.children] == ["C1"]
    assert result.counts.read == 5


def test_duplicate_ids_are_rejected_after_the_first(tmp_path: Path) -> None:
    """The first record with an id wins; later ones with the same id are rejected."""
    records = [
        HUNAN,
        {"record": "division", "code": "430000", "name": "湖南"},
        child_record(),
        child_record(birth_date="2013-01-01"),
    ]
    result = load_registry(write_lines(tmp_path / "r.jsonl", records))
    assert [(r.record, r.path, r.message) for r in result.rejections] == [
        (2, "$.code", "is listed twice (got '43')"),
        (4, "$.id", "is a duplicate child id (got 'C1')"),
    ]
    assert [c.birth_date for c in result.registry.children] == [dt.date(2012, 1, 1)]


def test_document_layout_reports_the_location_of_each_rejected_record(tmp_path: Path) -> None:
    """In a JSON document a rejection names its place ($.children[1]) and its record number."""
    path = tmp_path / "r.json"
    document = {
        "divisions": [{"code": "43", "name": "湖南省"}],
        "children": [
            {k: v for k, v in child_record().items() if k != "record"},
            {"id": "C2"},
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    result = load_registry(path)
    [rejection] = result.rejections
    assert (rejection.record, rejection.line, rejection.location, rejection.path) == (
        3,
        None,
        "$.children[1]",
        "$.name",
    )
    assert str(rejection).startswith("record 3 ($.children[1], child 'C2'): $.name: is required")
    assert [c.id for c in result.registry.children] == ["C1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "registry file is not valid JSON"),
        (b"[1, 2]", "registry document must be a JSON object"),
        (b'{"kids": []}', "registry document has unknown key(s) 'kids'"),
        (b'{"children": {}}', "'children' must be a list"),
        (b"\xff\xfe{}", "registry file is not UTF-8 text"),
    ],
)
def test_an_unreadable_document_raises_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    """A document that cannot be read at all raises RegistryReadError saying why."""
    path = tmp_path / "r.json"
    path.write_bytes(content)
    with pytest.raises(RegistryReadError, match=re.escape(message)):
        load_registry(path)


def test_a_missing_file_raises_registry_read_error(tmp_path: Path) -> None:
    """A missing file is a RegistryReadError (also an OSError) naming the path."""
    with pytest.raises(RegistryReadError, match=r"registry file not found: .*nope\.jsonl"):
        load_registry(tmp_path / "nope.jsonl")


def test_a_line_that_is_not_utf8_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    """A single undecodable line does not stop the stream."""
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        b'{"record": "division", "code": "43", "name": "x"}\n\xff\xfe\n'
        b'{"record": "division", "code": "42", "name": "y"}\n'
    )
    result = load_registry(path)
    assert [(r.record, r.line, r.message) for r in result.rejections] == [(2, 2, "is not UTF-8")]
    assert [str(d.code) for d in result.registry.reference.divisions] == ["43", "42"]


def test_layout_is_sniffed_when_the_suffix_does_not_say(tmp_path: Path) -> None:
    """A .txt file whose first line is a record is read as JSON Lines."""
    path = tmp_path / "registry.txt"
    path.write_bytes(SAMPLE.read_bytes())
    assert load_registry(path).counts.rejected == 0


def test_sample_registry_loads_without_rejections() -> None:
    """The bundled sample is valid and holds what the README says."""
    result = load_registry(SAMPLE)
    assert result.rejections == ()
    assert len(result.registry.children) == 6
    assert result.counts.read == 28


def test_stream_reads_reference_first_and_children_lazily() -> None:
    """open_registry gives the reference data at once and child files one at a time."""
    with open_registry(SAMPLE) as stream:
        assert len(stream.reference.workers) == 7
        assert stream.counts.by_kind.get("child") is None
        children = stream.children()
        first = next(children)
        assert isinstance(first, Child)
        assert stream.counts.by_kind["child"] == KindCounts(read=1, accepted=1, rejected=0)
        rest = list(children)
    assert len(rest) == 5
    with pytest.raises(RuntimeError, match="only once"):
        next(stream.children())


@pytest.mark.parametrize("layout", ["lines", "document"])
def test_writer_round_trips_the_sample(tmp_path: Path, layout: str) -> None:
    """What write_registry writes, load_registry reads back equal, in either layout."""
    original = load_registry(SAMPLE).registry
    path = tmp_path / ("out.jsonl" if layout == "lines" else "out.json")
    written = write_registry(
        path,
        original.reference,
        original.children,
        layout="lines" if layout == "lines" else "document",
    )
    assert written == 6
    again = load_registry(path)
    assert again.rejections == ()
    assert again.registry == original


def test_written_amounts_keep_their_decimal_value(tmp_path: Path) -> None:
    """A floor area of 42.5 m² is written as the number 42.5 and read back exactly."""
    registry = load_registry(SAMPLE).registry
    path = tmp_path / "out.jsonl"
    write_registry(path, registry.reference, registry.children)
    line = next(ln for ln in path.read_text(encoding="utf-8").splitlines() if "H-LX-2" in ln)
    assert '"floor_area_m2": 42.5' in line
    point = load_registry(path).registry.reference.service_point("H-LX-2")
    assert point is not None
    assert str(point.floor_area_m2) == "42.5"


def test_loaded_child_has_typed_facts() -> None:
    """Loaded values are model types, not strings: divisions, enums, dates."""
    child = load_registry(SAMPLE).registry.children[0]
    assert child.division == Division("433122100201")
    assert child.contacts[0].mode is ContactMode.HOME_VISIT
    assert child.contacts[0].date == dt.date(2020, 6, 3)


def test_decimals_are_written_with_exactly_their_digits() -> None:
    """No amount or area passes through binary floating point on the way out."""
    data = {"a": Decimal("12345678901234567890.5"), "b": Decimal("0.10"), "c": [Decimal("-1E+3")]}
    text = dumps(data)
    assert text == '{"a": 12345678901234567890.5, "b": 0.10, "c": [-1E+3]}'
    assert json.loads(text, parse_float=Decimal) == data


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_lone_surrogate_escape_is_rejected_where_it_is(tmp_path: Path, suffix: str) -> None:
    """JSON can escape half of a UTF-16 pair (\\ud800), which is no character: such text
    cannot be written as UTF-8, so the record is rejected with the field's path, in either
    layout, and a whole pair (an emoji) is read as its character."""
    records = [
        child_record(id="C1", name="\ud800某"),
        child_record(id="C2", guardianships=[{"relation": "grandparent", "note": "x\udfff"}]),
        child_record(id="C3", name="小\U0001f600"),
        {**child_record(id="C4"), "\udc00key": 1},
    ]
    path = tmp_path / f"r{suffix}"
    if suffix == ".jsonl":
        write_lines(path, [HUNAN, *records])
    else:
        children = [{k: v for k, v in r.items() if k != "record"} for r in records]
        document = {"divisions": [{"code": "43", "name": "湖南省"}], "children": children}
        path.write_text(json.dumps(document), encoding="utf-8")
    assert b"\\ud800" in path.read_bytes()  # json.dumps escapes them
    result = load_registry(path)
    assert [(r.record, r.path) for r in result.rejections] == [
        (2, "$.name"),
        (3, "$.guardianships[0].*"),  # no field name: masked
        (5, "$"),
    ]
    assert all("lone UTF-16 surrogate" in r.message for r in result.rejections)
    assert [(c.id, c.name) for c in result.registry.children] == [("C3", "小\U0001f600")]


@settings(max_examples=60, deadline=None)
@example(name="\ud800")
@example(name="ok\ud7ff\ue000")
@example(name="\ud800\udc00")
@given(
    name=st.text(
        st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010, exclude_categories=()),
        min_size=1,
    )
)
def test_a_name_is_read_exactly_when_it_is_valid_unicode(name: str) -> None:
    """A name near and among the surrogates: read as JSON decodes it when that holds none
    (a pair is one character), rejected at $.name when it holds one; never an error that
    stops the stream."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = write_lines(Path(tmp) / "r.jsonl", [HUNAN, child_record(name=name)])
        result = load_registry(path)
    # JSON reads an escaped high and low surrogate in a row as the one character they encode.
    read = json.loads(json.dumps(name))
    if any(0xD800 <= ord(c) <= 0xDFFF for c in read) or not read.strip():
        assert [r.path for r in result.rejections] == ["$.name"]
    else:
        assert [c.name for c in result.registry.children] == [read]
    assert result.counts.read == 2


# -- spans of lines, for the workers of a parallel audit -----------------------------------------

_LINES = st.lists(
    st.sampled_from([b"{}", b"", b" ", b"\r", b'{"a": 1}', b"x" * 40, b"\xef\xbb\xbf{}"]),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(lines=_LINES, end=st.booleans(), skip=st.integers(0, 5), size=st.integers(0, 120))
def test_spans_cover_the_lines_a_feed_reads(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], end: bool, skip: int, size: int
) -> None:
    """Spans are whole lines, at least one each, one after another to the end of the file;
    their lines, numbered within each span, are the lines a feed reads, numbered from the
    start (a byte order mark is taken off the file's first line only)."""
    text = b"\n".join(lines) + (b"\n" if end and lines else b"")
    path = tmp_path_factory.mktemp("spans") / "lines.jsonl"
    path.write_bytes(text)
    with path.open("rb") as handle:
        expected = list(LineFeed(handle).lines())
    skip = min(skip, len(expected))
    start = expected[skip].at if skip < len(expected) else len(text)
    line, number = (expected[skip].line - 1, skip) if skip < len(expected) else (0, 0)
    got: list[RawLine] = []
    with path.open("rb") as handle:
        handle.seek(start)
        source = FileBytes(handle.fileno())
        feed = LineFeed(handle, line=line, at=start, number=number, source=source)
        at = start
        while (span := feed.span(size)) is not None:
            first, stop = span
            assert first == at < stop <= len(text)
            # the span ends with the line that holds the byte ``size`` bytes on (at least one)
            probe = first + max(size, 1) - 1
            ends = len(text) if probe >= len(text) else text.find(b"\n", probe) + 1 or len(text)
            assert stop == ends
            records, span_feed = span_lines(source, first, stop)
            for record in records:
                got.append(record._replace(number=record.number + number, line=record.line + line))
            number += span_feed.number
            line += span_feed.line
            at = stop
        assert at == max(start, len(text))
    assert got == expected[skip:]


def _parts_read(path: Path, size: int, *, known: bool) -> dict[str, Any]:
    """``path`` read in parts of about ``size`` bytes, each taken in order: with ``known``,
    each part is read with the numbers of the records and lines before it (as a reader that
    knows them would), else with none and they are given when it is taken."""
    with open_registry(path) as stream:
        first, records, lines, parts = stream.split(size)
        children = [] if first is None else [first]
        for part in parts:
            if known:
                part = part._replace(record=records, line=lines)
            rejected_before = list(stream.rejections)
            reading = stream.read_part(part)
            read = list(reading)
            assert stream.rejections == rejected_before  # reading leaves the stream alone
            taken = [record for record, _ in read]
            offsets = (0, 0) if known else (records, lines)
            duplicates = stream.take_part(taken, records_before=offsets[0], lines_before=offsets[1])
            children += [
                child for i, (_, child) in enumerate(read) if child and i not in duplicates
            ]
            records += len(read)
            lines += reading.lines
        stream.finish()
        return {
            "children": children,
            "rejections": stream.rejections,
            "warnings": stream.warnings,
            "counts": stream.counts,
        }


@pytest.mark.parametrize("size", [1, 300, 1 << 20])
@pytest.mark.parametrize("known", [False, True])
def test_reading_every_part_reads_the_registry(tmp_path: Path, size: int, known: bool) -> None:
    """A registry read part by part, the parts taken in order, gives the child files,
    rejections (numbered as in the file), warnings and counts of reading it whole: with bad
    lines, a duplicate in another part, a reference record after the child files and a
    reference to it."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    children = [line for line in lines if b'"record": "child"' in line]
    worker = next(line for line in lines if b'"record": "worker"' in line)
    late = json.loads(worker) | {"id": "W-LATE"}
    refers = json.loads(children[1]) | {"id": "C-NEW", "pairings": []}
    refers["contacts"] = [{"date": "2020-01-02", "worker": "W-LATE", "mode": "phone"}]
    path = tmp_path / "registry.jsonl"
    path.write_bytes(
        b"".join(lines)
        + children[0]  # a duplicate
        + b"\n  \n"
        + b"not json\n"
        + (json.dumps(late, ensure_ascii=False) + "\n").encode()  # after the child files
        + (json.dumps(refers, ensure_ascii=False) + "\n").encode()  # names it
    )
    with open_registry(path) as stream:
        whole: dict[str, Any] = {
            "children": list(stream.children()),
            "rejections": stream.rejections,
            "warnings": stream.warnings,
            "counts": stream.counts,
        }
    assert len(whole["rejections"]) == 4
    assert "which was rejected (record" in whole["rejections"][-1].message
    assert _parts_read(path, size, known=known) == whole


def _sample_records() -> list[Any]:
    """The bundled sample registry's records, as JSON objects."""
    return [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]


def test_reading_parts_opens_the_registry_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part is read from the stream's open file: the registry is not opened (and its
    reader set up) again for every part."""
    opened: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(args)
        return open_bytes(*args, **kwargs)

    with open_registry(SAMPLE) as stream:
        _, _, _, parts = stream.split(300)
        monkeypatch.setattr("careprotect.io.open_bytes", counting)
        read = [list(stream.read_part(part)) for part in parts]
    assert len(read) > 1
    assert opened == []


@pytest.mark.parametrize(
    ("section", "field"), [(section, field) for section, field, _ in list_references(Child)]
)
def test_every_reference_the_model_marks_is_checked(
    tmp_path: Path, section: str, field: str
) -> None:
    """A child file whose item names an id the registry does not hold is rejected at that
    item's path, for every field the model marks as a reference (model.references): the
    reader lists none by hand."""
    records = _sample_records()
    at = next(
        i
        for i, r in enumerate(records)
        if r.get("record") == "child" and any(item.get(field) for item in r.get(section, []))
    )
    items = records[at][section]
    index = next(i for i, item in enumerate(items) if item.get(field))
    items[index][field] = "NO-SUCH-ID"
    path = write_lines(tmp_path / "r.jsonl", records)
    (rejection,) = load_registry(path).rejections
    assert rejection.record == at + 1
    assert f"$.{section}[{index}].{field}" in [p.path for p in rejection.problems]


def test_a_citizen_id_of_the_other_sex_is_accepted_with_a_warning(tmp_path: Path) -> None:
    """A typo in the sex or in the number must not drop a child from the audit: the child file
    is accepted, judged with its recorded sex, and warned of at $.citizen_id, whether read
    whole or in parts."""
    records = _sample_records()
    at = next(i for i, r in enumerate(records) if r["record"] == "child" and r.get("citizen_id"))
    records[at]["sex"] = "male" if records[at]["sex"] == "female" else "female"
    path = write_lines(tmp_path / "r.jsonl", records)
    result = load_registry(path)
    assert result.rejections == ()
    (warning,) = result.warnings
    assert (warning.record, warning.path, warning.message) == (
        at + 1,
        "$.citizen_id",
        SEX_MISMATCH,
    )
    (kept,) = [c for c in result.registry.children if c.id == records[at]["id"]]
    assert kept.sex.value == records[at]["sex"]
    in_parts = _parts_read(path, 4096, known=False)
    assert in_parts["rejections"] == []
    assert in_parts["warnings"] == [warning]
