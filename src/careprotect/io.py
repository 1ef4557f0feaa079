"""Reading and writing registries as JSON documents or JSON Lines streams.

Two layouts hold the same records (see ``docs/input-format.md``):

* a **JSON document**: one object with the lists ``divisions``, ``workers``, ``service_points``
  and ``children``;
* a **JSON Lines stream**: one record per line, each with a ``"record"`` key naming its kind
  (``division``, ``worker``, ``service_point``, ``child``); reference records come first, then
  one child file per line.

A bad record never stops the rest and is never dropped silently: it becomes a
:class:`Rejection` with its record number, its line (JSON Lines), every problem's JSON path and
message. For every kind of record, read = accepted + rejected.

:func:`open_registry` streams child files one at a time, so memory does not grow with the
number of children; :func:`load_registry` collects a whole registry in memory. A JSON Lines
registry can also be read in parts, each on its own (:meth:`RegistryStream.read_part`, see
:mod:`careprotect.reading.parts`): the unit worker processes read. The pieces of the reader
live in :mod:`careprotect.reading`.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypedDict, Unpack

import cattrs

from careprotect._ids import IdIndex
from careprotect.citizen_id import normalisation_note
from careprotect.closing import Closing
from careprotect.convert import (
    FieldProblem,
    fast_child_structurer,
    make_converter,
)
from careprotect.divisions import Division
from careprotect.masking import mask_if_id_number
from careprotect.model import Child, Registry
from careprotect.reading.document import document_records
from careprotect.reading.joined import joined_of, open_bytes, positional
from careprotect.reading.ledger import RecordLedger
from careprotect.reading.lines import (
    BOM,
    MAX_LINE_BYTES,
    LineFeed,
    RawLine,
    line_limit,
    span_lines,
)
from careprotect.reading.parts import Part, PartReading, PartRecord, PartsReference, Split
from careprotect.reading.records import (
    COUNT_KEYS,
    MAX_DEPTH,
    SCAN,
    KindCounts,
    LoadCounts,
    LoadResult,
    RawRecord,
    RecordKind,
    RecordWarning,
    Rejection,
    duplicate_problem,
    looks_like_lines,
    outside_problem,
    parse_record_line,
    raw_id,
)
from careprotect.reading.reference import (
    SEX_MISMATCH,
    DivisionCheck,
    Structurer,
    child_reference_problems,
    read_reference,
    sex_mismatch,
)
from careprotect.reading.writing import dumps, write_registry

__all__ = [
    "MAX_DEPTH",
    "MAX_LINE_BYTES",
    "DivisionCheck",
    "KindCounts",
    "LineFeed",
    "LoadCounts",
    "LoadResult",
    "Part",
    "PartReading",
    "PartRecord",
    "PartsReference",
    "RawLine",
    "ReadOptions",
    "RecordKind",
    "RecordWarning",
    "RegistryStream",
    "Rejection",
    "Split",
    "collect",
    "dumps",
    "load_registry",
    "open_registry",
    "write_registry",
]

_CACHE_SIZE = 1024

_FAST_PATH = True
"""Whether a stream read with the default converter structures child files on the fast path
(:func:`careprotect.convert.fast_child_structurer`) first. Private: tests and benchmarks turn
it off to compare with the strict path, which gives the same results."""


class ReadOptions(TypedDict, total=False):
    """The keyword options of reading a registry, each optional: what :func:`open_registry`,
    :func:`load_registry` and :class:`RegistryStream` take, and the readers of other sources
    that read as they do (:func:`careprotect.ledger.opening.open_registry`,
    :func:`careprotect.open_records`)."""

    converter: cattrs.Converter | None
    """The converter that structures the records (default: one from
    :func:`~careprotect.convert.make_converter`)."""

    max_line_bytes: int | None
    """The longest line of a JSON Lines registry, its line end aside: a longer one is rejected
    without being read whole (default: the environment variable ``CAREPROTECT_MAX_LINE_BYTES``,
    else :data:`MAX_LINE_BYTES`)."""

    division_check: DivisionCheck | None
    """Given the code and name of each accepted division record, returns its problems as
    (field, message) pairs, which become :attr:`RegistryStream.warnings`:
    :func:`careprotect.division_table.division_check` checks them against the official table."""


class RegistryStream(Closing):
    """An open registry: reference data read at once, child files read on demand.

    Use as a context manager. :attr:`reference` holds the accepted reference records;
    :meth:`children` yields each accepted child file in input order and may be iterated once;
    :attr:`rejections` and :attr:`counts` are complete once it is exhausted.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        converter: cattrs.Converter | None = None,
        max_line_bytes: int | None = None,
        division_check: DivisionCheck | None = None,
        reference: PartsReference | None = None,
    ) -> None:
        self.path = Path(path)
        self.max_line_bytes = line_limit(max_line_bytes)
        """The longest line read (JSON Lines), its line end aside: see :data:`MAX_LINE_BYTES`."""
        self._converter = converter
        self._ledger = RecordLedger()
        self._structurer = Structurer(converter or make_converter())
        # The ids of the accepted child files, 16 to 43 bytes each, read back from the file
        # when a hash matches: see IdIndex.
        self._child_ids = IdIndex(self._recall_id)
        self._recall: Callable[[int], Any] | None = None
        self._recall_file: IO[bytes] | None = None
        self._line_feed: LineFeed | None = None
        # False in a worker of a parallel audit, which leaves duplicates to the main process.
        self._unique_ids = True
        self._structured_id: str | None = None
        self._known_divisions: dict[str, bool] = {}
        self._consumed = reference is not None
        self._file: IO[bytes] | None = None
        self._pending: RawRecord | None = None
        self._fast: Callable[[Any], Child] | None = None
        self._reference_ids: tuple[set[str], set[str]] = (set(), set())
        try:
            self._records = self._open()
            if reference is None:
                self.reference, self._pending = read_reference(
                    self._records, self._structure, self._ledger, division_check
                )
            else:
                self.reference = reference.data
                self._ledger.rejected_ids.update(reference.rejected_ids)
            # The fast path mirrors the default converter only: a caller's may differ.
            if converter is None and _FAST_PATH:
                self._reference_ids = (
                    {w.id for w in self.reference.workers},
                    {p.id for p in self.reference.service_points},
                )
                self._fast = fast_child_structurer(*self._reference_ids)
        except BaseException:
            self.close()
            raise

    def parts_reference(self) -> PartsReference:
        """The reference data as read, for a stream that reads the parts of this registry in
        another process (given as ``reference``, it reads no reference record again)."""
        return PartsReference(self.reference, self._ledger.fork().rejected_ids)

    def __reduce__(self) -> tuple[Any, ...]:
        """A JSON Lines stream (default converter) pickles as its absolute path and
        :meth:`parts_reference`: unpickled, it reads parts of the file at that path."""
        if self._line_feed is None or self._converter is not None:
            raise TypeError("only a JSON Lines stream with the default converter pickles")
        reference, limit = self.parts_reference(), self.max_line_bytes
        reader = functools.partial(RegistryStream, reference=reference, max_line_bytes=limit)
        return (reader, (self.path.resolve(),))

    def __copy__(self) -> RegistryStream:
        """A shallow copy, holding this stream's open file and reference data: what
        :meth:`read_part` reads a part with. (Without it, ``copy.copy`` would take
        :meth:`__reduce__`, and open and set up the registry again for every part.)"""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        return clone

    # -- reading -----------------------------------------------------------------------------

    def _open(self) -> Iterator[RawRecord]:
        self._file = handle = open_bytes(self.path)
        head = handle.readline(self.max_line_bytes + 1).lstrip(b"\xef\xbb\xbf \t\r\n")
        handle.seek(0)
        joined = joined_of(handle)
        if (
            joined is not None
            or self.path.suffix in (".jsonl", ".ndjson")
            or (self.path.suffix != ".json" and looks_like_lines(head))
        ):
            self._ledger.where = None if joined is None else joined.locate
            self._recall = self._recall_line
            source = positional(handle)
            self._line_feed = LineFeed(handle, max_line_bytes=self.max_line_bytes, source=source)
            return map(parse_record_line, self._line_feed.lines())
        records, children = document_records(handle.read(), self.path)
        self._recall = children.__getitem__
        return records

    def children(self) -> Iterator[Child]:
        """Each accepted child file, in input order. Rejections are collected as it goes."""
        if self._consumed:
            raise RuntimeError("the child files of a RegistryStream can be read only once")
        self._consumed = True
        try:
            if self._pending is not None:
                child = self._child(self._pending)
                self._pending = None
                if child is not None:
                    yield child
            yield from self._children()
            self._ledger.log_counts(self.path.name)
        finally:
            self.close()

    def _children(self) -> Iterator[Child]:
        """The records after the reference data; what _child does, with the common case (a
        child file the fast path takes, whose id is new and division known) inlined."""
        fast = self._fast
        if fast is None:
            for raw in self._records:
                child = self._child(raw)
                if child is not None:
                    yield child
            return
        child_ids = self._child_ids
        known_get = self._known_divisions.get
        counts = self._ledger.counter
        read, accepted = COUNT_KEYS[RecordKind.CHILD]
        child_kind = RecordKind.CHILD
        for raw in self._records:
            _, _, _, kind, data, problem, at = raw
            if kind is child_kind and problem is None:
                try:
                    child = fast(data)
                except Exception:  # anything unusual: the strict path decides and explains
                    child = None
                if (
                    child is not None
                    and child_ids.find(child.id) is None
                    and known_get(child.division.code)
                    and not sex_mismatch(child)  # accepted with a warning, below
                ):
                    child_ids.add(child.id, at)
                    counts[read] += 1
                    counts[accepted] += 1
                    yield child
                    continue
                child = self._child_file(raw, child)
            else:
                child = self._child(raw)
            if child is not None:
                yield child

    def _span_children(self, lines: Iterable[RawLine]) -> Iterator[tuple[RawLine, Child | None]]:
        """Each of ``lines`` (a part being read) with its accepted child file, or
        None when its record was rejected (the rejection is the last of :attr:`rejections`):
        what :meth:`_child` does with :func:`parse_record_line`, with the common case
        inlined: a line that is a child file's JSON object and a line end, without escapes,
        that the fast path takes, in a known division. Duplicate ids are not looked for (a
        worker leaves them to the main process)."""
        fast = self._fast
        if fast is None or self._unique_ids:
            for line in lines:
                yield line, self._child(parse_record_line(line))
            return
        scan = SCAN
        known_get = self._known_divisions.get
        counts = self._ledger.counter
        read, accepted = COUNT_KEYS[RecordKind.CHILD]
        for line in lines:
            raw = line.text
            data = None
            # No backslash: no escape, of a surrogate or anything else (memchr finds one
            # byte faster than a search finds two).
            if raw[-1:] == b"\n" and raw[:1] == b"{" and b"\\" not in raw:
                try:
                    text = raw.decode("utf-8")
                    data, end = scan(text, 0)
                except Exception:  # not UTF-8 or not JSON: the general path explains
                    data = None
                else:
                    if end != len(text) - 1 or data.pop("record", None) != "child":
                        data = None
            if data is None:  # anything but a child file's object and a line end
                yield line, self._child(parse_record_line(line))
                continue
            try:
                child = fast(data)
            except Exception:  # anything unusual: the strict path decides and explains
                child = None
            if child is not None and known_get(child.division.code) and not sex_mismatch(child):
                counts[read] += 1
                counts[accepted] += 1
                yield line, child
                continue
            number, line_no, at, _ = line
            self._structured_id = None
            raw_record = RawRecord(number, line_no, None, RecordKind.CHILD, data, None, at)
            yield line, self._child_file(raw_record, child)

    @property
    def lines(self) -> bool:
        """Whether the registry is a JSON Lines stream (else a JSON document)."""
        return self._line_feed is not None

    # -- parts (see careprotect.reading.parts) ---------------------------------------------

    def split(self, size: int) -> Split:
        """Instead of :meth:`children`, for readers of parts (:mod:`careprotect.reading.parts`):
        the first child file, read with the reference data, and the rest of the file marked
        out in parts of about ``size`` bytes of whole lines (at least one line), as they are
        asked for. Only the end of each part's last line is read. Take every part read
        (:meth:`take_part`) in order, then call :meth:`finish`."""
        if self._consumed:
            raise RuntimeError("the child files of a RegistryStream can be read only once")
        feed = self._line_feed
        if feed is None:
            raise RuntimeError("only a JSON Lines registry can be read in parts")
        self._consumed = True
        pending, self._pending = self._pending, None
        first = None if pending is None else self._child(pending)

        def parts() -> Iterator[Part]:
            while (span := feed.span(size)) is not None:
                yield Part(*span)

        return Split(first, feed.number, feed.line, parts())

    def read_part(self, part: Part) -> PartReading:
        """Read the records of ``part`` against the reference data (see
        :mod:`careprotect.reading.parts`), in this process or any that holds this stream: a
        forked worker, or one that opened the same registry. Reading leaves this stream's
        rejections, warnings and counts alone, and does not look for duplicate child ids:
        :meth:`take_part` does both, in order."""
        if self._file is None or self._line_feed is None:
            raise RuntimeError("only an open JSON Lines registry can be read in parts")
        reader = copy.copy(self)
        reader._ledger = self._ledger.fork()
        reader._unique_ids = False
        lines, feed = span_lines(
            positional(self._file),
            part.start,
            part.stop,
            max_line_bytes=self.max_line_bytes,
            line=part.line,
            number=part.record,
        )
        return PartReading(reader._part_records(lines), feed, part)

    def _part_records(self, lines: Iterable[RawLine]) -> Iterator[tuple[PartRecord, Child | None]]:
        ledger = self._ledger
        noted = ledger.noted
        assert noted is not None
        for line, child in self._span_children(lines):
            number, line_no, at, _ = line
            if child is None:
                unknowns = tuple(noted) if noted else None
                noted.clear()
                rejection = ledger.rejections.pop()
                yield (
                    PartRecord(number, line_no, at, None, rejection, self._structured_id, unknowns),
                    None,
                )
                continue
            warnings: tuple[RecordWarning, ...] = ()
            if ledger.warnings:
                warnings = tuple(ledger.warnings)
                ledger.warnings.clear()
            yield PartRecord(number, line_no, at, child.id, warnings=warnings), child

    def take_part(
        self, records: Sequence[PartRecord], *, records_before: int = 0, lines_before: int = 0
    ) -> set[int]:
        """Take the ``records`` of a part read by :meth:`read_part`, in the file's order:
        file their rejections and warnings, reject the child files whose id was taken
        already (the first record with an id wins), count them, and return the places in
        ``records`` of the duplicates. ``records_before`` and ``lines_before`` are the
        records and lines before the part, when it was read without them (0 else)."""
        child_ids, accept, child = self._child_ids, self._ledger.accept, RecordKind.CHILD
        duplicates = set()
        for index, record in enumerate(records):
            child_id = record.child_id
            if child_id is None:
                structured = record.structured_id
                taken = structured is not None and child_ids.find(structured) is not None
                self._ledger.file_taken(record, taken, records_before, lines_before)
                continue
            if child_ids.find(child_id) is not None:
                text = self._line_at(record.at)
                line = RawLine(
                    records_before + record.number, lines_before + record.line, record.at, text
                )
                self._ledger.reject(
                    parse_record_line(line),
                    [duplicate_problem(child_id)],
                    mask_if_id_number(child_id),
                )
                duplicates.add(index)
                continue
            child_ids.add(child_id, record.at)
            accept(child)
            if record.warnings:
                self._ledger.take_warnings(record.warnings, records_before, lines_before)
        return duplicates

    def finish(self) -> None:
        """Once every part was taken: log the counts and close the registry."""
        self._ledger.log_counts(self.path.name)
        self.close()

    def _child(self, raw: RawRecord) -> Child | None:
        self._structured_id = None
        if raw.problem is not None or raw.kind is None:
            self._ledger.reject(raw, [raw.problem] if raw.problem else [])
            return None
        if raw.kind is not RecordKind.CHILD:
            problem = FieldProblem(
                "$.record", f"a {raw.kind.value} record must come before the child files"
            )
            self._ledger.reject(raw, [problem], raw_id(raw.data))
            return None
        fast_child = None
        if self._fast is not None:
            try:
                fast_child = self._fast(raw.data)
            except Exception:  # anything unusual: the strict path decides and explains
                fast_child = None
        return self._child_file(raw, fast_child)

    def _child_file(self, raw: RawRecord, fast_child: Child | None) -> Child | None:
        """Accept or reject a child record, structured by the fast path (``fast_child``) or,
        when it declined, by the strict converter."""
        if fast_child is None:
            child = self._structure(raw)
            if child is None:
                return None
            assert isinstance(child, Child)
            problems = self._check_child(child)
        else:
            # The fast path took only references to accepted workers and service points.
            child = fast_child
            problems = self._check_child(child, references=False)
        if problems:
            self._structured_id = child.id
            self._ledger.reject(raw, problems, mask_if_id_number(child.id))
            return None
        if self._unique_ids:
            self._child_ids.add(child.id, raw.at)
        self._ledger.accept(RecordKind.CHILD)
        if fast_child is None and child.citizen_id is not None:
            # Only the strict path normalises a number: the fast path declines one that is
            # not in normal form.
            note = normalisation_note(raw.data.get("citizen_id"))
            if note is not None:
                self._ledger.warn(raw, "$.citizen_id", f"was normalised: {note}", child.id)
        if sex_mismatch(child):
            self._ledger.warn(raw, "$.citizen_id", SEX_MISMATCH, child.id)
        return child

    def _structure(self, raw: RawRecord) -> Any:
        return self._structurer(raw, self._ledger)

    # -- reference checks --------------------------------------------------------------------

    def _check_child(self, child: Child, *, references: bool = True) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        if self._unique_ids and self._child_ids.find(child.id) is not None:
            problems.append(duplicate_problem(child.id))
        if not self._known_division(child.division):
            problems.append(outside_problem(child.division))
        if not references:
            return problems

        problems.extend(child_reference_problems(child, self.reference, self._ledger))
        return problems

    def _known_division(self, code: Division) -> bool:
        """Whether a child's division is listed or lies within a listed division (cached by
        code: children of a village share it)."""
        known = self._known_divisions.get(code.code)
        if known is None:
            if len(self._known_divisions) >= _CACHE_SIZE:
                self._known_divisions.clear()
            known = self._known_divisions[code.code] = self.reference.is_known_division(code)
        return known

    @property
    def rejections(self) -> list[Rejection]:
        """The records rejected so far, in input order."""
        return self._ledger.rejections

    @property
    def warnings(self) -> list[RecordWarning]:
        """Notes on accepted records (see :class:`RecordWarning`), in input order."""
        return self._ledger.warnings

    @property
    def counts(self) -> LoadCounts:
        """Counts of the records read so far, by kind."""
        return self._ledger.counts

    def _recall_id(self, at: int) -> str | None:
        """The id of the child file at ``at`` (see :class:`RawRecord`), read again."""
        assert self._recall is not None
        data = self._recall(at)
        return data.get("id") if isinstance(data, dict) else None

    def _recall_line(self, offset: int) -> Any:
        """The JSON value of the line at ``offset``, read through a second handle so that the
        reading of the input goes on undisturbed."""
        return json.loads(self._line_at(offset), parse_float=Decimal)

    def _line_at(self, offset: int) -> bytes:
        """The line at byte ``offset``, read again through a second handle (without the
        file's byte order mark)."""
        if self._recall_file is None:
            self._recall_file = open_bytes(self.path)
        self._recall_file.seek(offset)
        raw = self._recall_file.readline()
        return raw.removeprefix(BOM) if offset == 0 else raw

    def close(self) -> None:
        """Close the file. Child files not read yet are not read."""
        for handle in (self._file, self._recall_file):
            if handle is not None:
                handle.close()
        self._file = self._recall_file = None


def open_registry(path: str | Path, **options: Unpack[ReadOptions]) -> RegistryStream:
    """Open a registry for streaming, with the ``options`` of :class:`ReadOptions`; the
    reference data is read at once.

    Raises :class:`~careprotect.errors.RegistryReadError` when the file cannot be read at all
    (missing, unreadable, a JSON document that does not parse). Bad records do not raise, nor
    does a line longer than ``max_line_bytes``: it is rejected without being read whole.
    """
    return RegistryStream(path, **options)


def load_registry(path: str | Path, **options: Unpack[ReadOptions]) -> LoadResult:
    """Read a whole registry into memory, with every rejected record and the counts. The
    ``options`` are those of :class:`ReadOptions`."""
    with open_registry(path, **options) as stream:
        return collect(stream)


def collect(stream: RegistryStream) -> LoadResult:
    """Every child file of an open ``stream`` read into memory, with its rejections,
    counts and warnings."""
    children = tuple(stream.children())
    return LoadResult(
        registry=Registry(reference=stream.reference, children=children),
        rejections=tuple(stream.rejections),
        counts=stream.counts,
        warnings=tuple(stream.warnings),
    )
