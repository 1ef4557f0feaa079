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
number of children; :func:`load_registry` collects a whole registry in memory.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, NamedTuple, Self

import attrs
import cattrs

from careprotect._ids import IdIndex
from careprotect.citizen_id import normalisation_note
from careprotect.convert import (
    FieldProblem,
    describe_value,
    fast_child_structurer,
    make_converter,
    path_key,
    structure_problems,
)
from careprotect.divisions import Division
from careprotect.errors import RegistryReadError
from careprotect.masking import get_logger, mask_if_id_number, scrub
from careprotect.model import Child, DivisionRecord, ReferenceData, Registry, ServicePoint, Worker

__all__ = [
    "MAX_DEPTH",
    "MAX_LINE_BYTES",
    "DivisionCheck",
    "KindCounts",
    "LineFeed",
    "LoadCounts",
    "LoadResult",
    "RawLine",
    "RecordKind",
    "RecordWarning",
    "RegistryStream",
    "Rejection",
    "dumps",
    "load_registry",
    "open_registry",
    "write_registry",
]

log = get_logger(__name__)

DivisionCheck = Callable[[Division, str], Iterable[tuple[str, str]]]
"""Checks a division record's code and name: (field, message) for each problem found."""

_CACHE_SIZE = 1024


class RecordKind(enum.StrEnum):
    """The kinds of record in a registry, in the order a JSON Lines stream gives them."""

    DIVISION = "division"
    WORKER = "worker"
    SERVICE_POINT = "service_point"
    CHILD = "child"


_SECTIONS: Mapping[RecordKind, str] = {
    RecordKind.DIVISION: "divisions",
    RecordKind.WORKER: "workers",
    RecordKind.SERVICE_POINT: "service_points",
    RecordKind.CHILD: "children",
}
_TYPES: Mapping[RecordKind, type] = {
    RecordKind.DIVISION: DivisionRecord,
    RecordKind.WORKER: Worker,
    RecordKind.SERVICE_POINT: ServicePoint,
    RecordKind.CHILD: Child,
}
_KIND_CHOICES = ", ".join(k.value for k in RecordKind)
_KINDS: Mapping[str, RecordKind] = {k.value: k for k in RecordKind}
# The keys of LoadCounts' figures for records read and accepted, by kind.
_COUNT_KEYS: Mapping[RecordKind, tuple[tuple[str, str], tuple[str, str]]] = {
    k: ((k.value, "read"), (k.value, "accepted")) for k in RecordKind
}

_FAST_PATH = True
"""Whether a stream read with the default converter structures child files on the fast path
(:func:`careprotect.convert.fast_child_structurer`) first. Private: tests and benchmarks turn
it off to compare with the strict path, which gives the same results."""

# One decoder for every line: json.loads would build a new one per call for parse_float.
_DECODER = json.JSONDecoder(parse_float=Decimal)
# Its scanner, which decode() calls after skipping leading whitespace: the JSON value at an
# index and the index after it (StopIteration or JSONDecodeError when there is none).
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]

MAX_DEPTH = 64
"""The deepest a record may nest its objects and lists, the record itself being level 1
(the model's deepest records nest 3 levels). A record nested deeper is rejected before it is
parsed, so that no later step (the decoder, the converter, pickling) meets absurd depth."""

MAX_LINE_BYTES = 16 << 20
"""The default longest line of a JSON Lines registry, in bytes, its line end aside: a longer
line is rejected without being read whole. The environment variable
``CAREPROTECT_MAX_LINE_BYTES`` or ``open_registry(max_line_bytes=...)`` sets another."""

_MAX_LINE_ENV = "CAREPROTECT_MAX_LINE_BYTES"
_SKIP = 1 << 20
"""Bytes read at a time while skipping the rest of a line that is too long."""


@attrs.frozen(kw_only=True)
class Rejection:
    """An input record that was not accepted, and why.

    ``record`` is the record's 1-based number in the input; ``line`` its line in a JSON Lines
    stream; ``location`` its place in a JSON document (``$.children[4]``). Each problem's path
    is relative to the record. ``record_id`` is the record's id with any ID number in it
    masked, as the problems' texts are (:class:`~careprotect.convert.FieldProblem`). ``raw`` is
    the record as read, so that it can be corrected and sent again; it is unmasked personal
    data and is left out of ``repr`` and ``str``.
    """

    record: int
    line: int | None = None
    location: str | None = None
    kind: RecordKind | None = None
    record_id: str | None = attrs.field(default=None, converter=attrs.converters.optional(scrub))
    problems: tuple[FieldProblem, ...]
    raw: Any = attrs.field(default=None, repr=False, eq=False)

    @property
    def path(self) -> str:
        """The path of the first problem."""
        return self.problems[0].path

    @property
    def message(self) -> str:
        """The message of the first problem."""
        return self.problems[0].message

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"{self.location}"
        what = self.kind.value if self.kind else "record"
        ident = f" '{self.record_id}'" if self.record_id else ""
        problems = "; ".join(str(p) for p in self.problems)
        return f"record {self.record} ({where}, {what}{ident}): {problems}"


@attrs.frozen(kw_only=True)
class RecordWarning:
    """Something about an accepted record that a reader should check, though it is no reason
    to reject the record: a citizen ID that had to be normalised (full-width digits,
    surrounding spaces), or, checked against the official table (``--divisions official``), a
    division code that did not exist on the registry's dates or a name that is not the
    official one.

    ``record``, ``line``, ``location``, ``kind`` and ``record_id`` are as in
    :class:`Rejection`; ``path`` is the field (``$.citizen_id``) and ``message`` says what was
    found, with any ID number masked.
    """

    record: int
    line: int | None = None
    location: str | None = None
    kind: RecordKind | None = None
    record_id: str | None = attrs.field(default=None, converter=attrs.converters.optional(scrub))
    path: str
    message: str = attrs.field(converter=scrub)

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"{self.location}"
        what = self.kind.value if self.kind else "record"
        ident = f" '{self.record_id}'" if self.record_id else ""
        return f"record {self.record} ({where}, {what}{ident}): {self.path} {self.message}"


@attrs.frozen
class KindCounts:
    """Records of one kind: read, accepted and rejected (read = accepted + rejected)."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0


@attrs.frozen
class LoadCounts:
    """Record counts for a whole input, in total and by kind.

    Records whose kind could not be told (a line that is not JSON, not an object, or without
    a valid ``record`` key) count as ``unknown``.
    """

    by_kind: Mapping[str, KindCounts]

    @property
    def read(self) -> int:
        """Every record read."""
        return sum(c.read for c in self.by_kind.values())

    @property
    def accepted(self) -> int:
        """Every record accepted."""
        return sum(c.accepted for c in self.by_kind.values())

    @property
    def rejected(self) -> int:
        """Every record rejected."""
        return sum(c.rejected for c in self.by_kind.values())


@attrs.frozen
class LoadResult:
    """A whole registry read into memory, with the records that were rejected and the
    warnings about accepted records."""

    registry: Registry
    rejections: tuple[Rejection, ...]
    counts: LoadCounts
    warnings: tuple[RecordWarning, ...] = ()


class _Raw(NamedTuple):
    """A record as read from the input, before it is structured."""

    number: int
    line: int | None
    location: str | None
    kind: RecordKind | None
    data: Any
    problem: FieldProblem | None = None
    at: int = -1  # JSON Lines: the line's byte offset; a document: the index in its list


class RegistryStream:
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
    ) -> None:
        self.path = Path(path)
        self._division_check = division_check
        self.max_line_bytes = _max_line_bytes(max_line_bytes)
        """The longest line read (JSON Lines), its line end aside: see :data:`MAX_LINE_BYTES`."""
        self._converter = converter or make_converter()
        # Structure hooks, made when first needed: the fast path may leave the child hook,
        # the costliest to make, unused.
        self._hooks: dict[RecordKind, Callable[[Any, type], Any]] = {}
        self.rejections: list[Rejection] = []
        self.warnings: list[RecordWarning] = []
        """Notes on accepted records (see :class:`RecordWarning`), in input order."""
        self._counts: Counter[tuple[str, str]] = Counter()
        self._rejected_ids: dict[RecordKind, dict[str, int]] = {k: {} for k in RecordKind}
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
        self._consumed = False
        self._file: IO[bytes] | None = None
        self._pending: _Raw | None = None
        self._fast: Callable[[Any], Child] | None = None
        self._reference_ids: tuple[set[str], set[str]] = (set(), set())
        try:
            self._records = self._open()
            self.reference = self._read_reference()
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

    # -- reading -----------------------------------------------------------------------------

    def _open(self) -> Iterator[_Raw]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            raise RegistryReadError(f"registry file not found: {self.path}") from None
        except OSError as exc:
            raise RegistryReadError(
                f"registry file cannot be read: {self.path} ({exc.strerror})"
            ) from None
        self._file = handle
        head = handle.readline(self.max_line_bytes + 1).lstrip(b"\xef\xbb\xbf \t\r\n")
        handle.seek(0)
        if self.path.suffix in (".jsonl", ".ndjson") or (
            self.path.suffix != ".json" and _looks_like_lines(head)
        ):
            self._recall = self._recall_line
            self._line_feed = LineFeed(handle, max_line_bytes=self.max_line_bytes)
            return map(_parse_record_line, self._line_feed.lines())
        return self._document(handle)

    def _document(self, handle: IO[bytes]) -> Iterator[_Raw]:
        content = handle.read()
        # Records nest two levels below the document: its object and a section's list.
        deep = _brackets(content) > MAX_DEPTH + 2 and _nesting(content) > MAX_DEPTH + 2
        long_ints = False
        try:
            text = content.decode("utf-8-sig")
            try:
                document = json.loads(text, parse_float=Decimal)
            except ValueError as exc:
                if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
                    raise
                # An integer with more digits than int() converts: read again, marking it,
                # to reject the record that holds it.
                document = json.loads(text, parse_float=Decimal, parse_int=_lenient_int)
                long_ints = True
        except UnicodeDecodeError:
            raise RegistryReadError(f"registry file is not UTF-8 text: {self.path}") from None
        except json.JSONDecodeError as exc:
            raise RegistryReadError(
                f"registry file is not valid JSON: {self.path} "
                f"(line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except RecursionError:
            raise RegistryReadError(
                f"registry file is nested too deeply to be read as a JSON document: {self.path} "
                f"({_nesting(content)} levels; a record may nest at most {MAX_DEPTH})"
            ) from None
        if not isinstance(document, dict):
            raise RegistryReadError(f"registry document must be a JSON object: {self.path}")
        unknown = sorted(set(document) - {*_SECTIONS.values(), "format"})
        if unknown:
            raise RegistryReadError(
                f"registry document has unknown key(s) {', '.join(map(repr, unknown))}; "
                f"expected {', '.join(_SECTIONS.values())}: {self.path}"
            )
        surrogates = bool(_SURROGATE_ESCAPE.search(content))
        return self._document_records(document, surrogates, deep or long_ints)

    def _document_records(
        self, document: dict[str, Any], surrogates: bool, unsafe: bool = False
    ) -> Iterator[_Raw]:
        """The document's records; strings are checked for lone surrogates when
        ``surrogates`` (the file has an escape that could make one), and records for depth
        and integers too long when ``unsafe`` (the file has some)."""
        number = 0
        for kind, section in _SECTIONS.items():
            records = document.get(section, [])
            if not isinstance(records, list):
                raise RegistryReadError(f"'{section}' must be a list: {self.path}")
            if kind is RecordKind.CHILD:
                self._recall = records.__getitem__
            for index, data in enumerate(records):
                number += 1
                location = f"$.{section}[{index}]"
                problem: FieldProblem | None = None
                if not isinstance(data, dict | list):
                    problem = FieldProblem("$", f"must be an object (got {describe_value(data)})")
                elif unsafe and (problem := _unsafe_value(data)) is not None:
                    data = None  # what later steps (pickling, the converter) must not meet
                elif not isinstance(data, dict):
                    problem = FieldProblem("$", f"must be an object (got {describe_value(data)})")
                elif surrogates:
                    problem = _lone_surrogate(data)
                yield _Raw(number, None, location, kind, data, problem, index)

    def _read_reference(self) -> ReferenceData:
        divisions: dict[Division, DivisionRecord] = {}
        workers: dict[str, Worker] = {}
        points: dict[str, ServicePoint] = {}
        for raw in self._records:
            if raw.kind is RecordKind.CHILD:
                self._pending = raw
                break
            if raw.problem is not None or raw.kind is None:
                self._reject(raw, [raw.problem] if raw.problem else [])
                continue
            item = self._structure(raw)
            if item is None:
                continue
            problems = self._check_reference(item, divisions, workers, points)
            if problems:
                self._reject(raw, problems, _record_id(item))
                continue
            self._accept(raw.kind)
            if isinstance(item, DivisionRecord):
                divisions[item.code] = item
                if self._division_check is not None:
                    for field, message in self._division_check(item.code, item.name):
                        self._warn(raw, f"$.{field}", message, str(item.code))
            elif isinstance(item, Worker):
                workers[item.id] = item
            else:
                points[item.id] = item
        return ReferenceData(
            divisions=tuple(divisions.values()),
            workers=tuple(workers.values()),
            service_points=tuple(points.values()),
        )

    def children(self, *, defer_contacts: bool = False) -> Iterator[Child]:
        """Each accepted child file, in input order. Rejections are collected as it goes.

        With ``defer_contacts``, each child file's contacts are checked as it is read but
        built only when first read: faster for a caller that does not read them (an audit),
        but a child file kept with its contacts unread holds them as parsed, about five
        times the memory.
        """
        if self._consumed:
            raise RuntimeError("the child files of a RegistryStream can be read only once")
        self._consumed = True
        if defer_contacts:
            self._defer_contacts()
        try:
            if self._pending is not None:
                child = self._child(self._pending)
                self._pending = None
                if child is not None:
                    yield child
            yield from self._children()
            self._log_counts()
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
        counts = self._counts
        read, accepted = _COUNT_KEYS[RecordKind.CHILD]
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
        """Each of ``lines`` (a span of a parallel audit) with its accepted child file, or
        None when its record was rejected (the rejection is the last of :attr:`rejections`):
        what :meth:`_child` does with :func:`_parse_record_line`, with the common case
        inlined: a line that is a child file's JSON object and a line end, without escapes,
        that the fast path takes, in a known division. Duplicate ids are not looked for (a
        worker leaves them to the main process)."""
        fast = self._fast
        if fast is None or self._unique_ids:
            for line in lines:
                yield line, self._child(_parse_record_line(line))
            return
        scan = _SCAN
        known_get = self._known_divisions.get
        counts = self._counts
        read, accepted = _COUNT_KEYS[RecordKind.CHILD]
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
                yield line, self._child(_parse_record_line(line))
                continue
            try:
                child = fast(data)
            except Exception:  # anything unusual: the strict path decides and explains
                child = None
            if child is not None and known_get(child.division.code):
                counts[read] += 1
                counts[accepted] += 1
                yield line, child
                continue
            number, line_no, at, _ = line
            self._structured_id = None
            raw_record = _Raw(number, line_no, None, RecordKind.CHILD, data, None, at)
            yield line, self._child_file(raw_record, child)

    @property
    def lines(self) -> bool:
        """Whether the registry is a JSON Lines stream (else a JSON document)."""
        return self._line_feed is not None

    def _defer_contacts(self) -> None:
        """Structure child files with their contacts built when first read."""
        if self._fast is not None:
            self._fast = fast_child_structurer(*self._reference_ids, defer_contacts=True)

    def _take_lines(self, *, defer_contacts: bool = False) -> tuple[_Raw | None, LineFeed]:
        """For a parallel audit (:mod:`careprotect._parallel`), instead of :meth:`children`:
        the first child file's record, parsed with the reference data, and the lines after
        it, unparsed. Call :meth:`_finish_lines` once they are read."""
        if self._consumed:
            raise RuntimeError("the child files of a RegistryStream can be read only once")
        if self._line_feed is None:
            raise RuntimeError("only a JSON Lines registry can be read in parallel")
        self._consumed = True
        if defer_contacts:
            self._defer_contacts()
        pending, self._pending = self._pending, None
        return pending, self._line_feed

    def _finish_lines(self) -> None:
        self._log_counts()
        self.close()

    def _log_counts(self) -> None:
        log.info(
            "read %s: %d records, %d accepted, %d rejected",
            self.path.name,
            self.counts.read,
            self.counts.accepted,
            self.counts.rejected,
        )

    def _child(self, raw: _Raw) -> Child | None:
        self._structured_id = None
        if raw.problem is not None or raw.kind is None:
            self._reject(raw, [raw.problem] if raw.problem else [])
            return None
        if raw.kind is not RecordKind.CHILD:
            problem = FieldProblem(
                "$.record", f"a {raw.kind.value} record must come before the child files"
            )
            self._reject(raw, [problem], _raw_id(raw.data))
            return None
        fast_child = None
        if self._fast is not None:
            try:
                fast_child = self._fast(raw.data)
            except Exception:  # anything unusual: the strict path decides and explains
                fast_child = None
        return self._child_file(raw, fast_child)

    def _child_file(self, raw: _Raw, fast_child: Child | None) -> Child | None:
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
            self._reject(raw, problems, mask_if_id_number(child.id))
            return None
        if self._unique_ids:
            self._child_ids.add(child.id, raw.at)
        self._accept(RecordKind.CHILD)
        if fast_child is None and child.citizen_id is not None:
            # Only the strict path normalises a number: the fast path declines one that is
            # not in normal form.
            note = normalisation_note(raw.data.get("citizen_id"))
            if note is not None:
                self._warn(raw, "$.citizen_id", f"was normalised: {note}", child.id)
        return child

    def _warn(self, raw: _Raw, path: str, message: str, record_id: str | None) -> None:
        self.warnings.append(
            RecordWarning(
                record=raw.number,
                line=raw.line,
                location=raw.location,
                kind=raw.kind,
                record_id=None if record_id is None else mask_if_id_number(record_id),
                path=path,
                message=message,
            )
        )

    def _structure(self, raw: _Raw) -> Any:
        assert raw.kind is not None
        if (depth := _depth(raw.data)) > MAX_DEPTH:
            self._reject(_shallow(raw), [_too_deep(depth)])
            return None
        hook = self._hooks.get(raw.kind)
        if hook is None:
            hook = self._hooks[raw.kind] = self._converter.get_structure_hook(_TYPES[raw.kind])
        try:
            return hook(raw.data, _TYPES[raw.kind])
        except Exception as exc:
            self._reject(raw, structure_problems(exc), _raw_id(raw.data))
            return None

    # -- reference checks --------------------------------------------------------------------

    def _unknown(self, kind: RecordKind, ref: str, what: str) -> str:
        rejected_at = self._rejected_ids[kind].get(ref)
        if rejected_at is not None:
            shown = describe_value(ref)
            return f"refers to {what} {shown}, which was rejected (record {rejected_at})"
        return f"refers to no {what} of the registry (got {describe_value(ref)})"

    def _check_reference(
        self,
        item: DivisionRecord | Worker | ServicePoint,
        divisions: Mapping[Division, DivisionRecord],
        workers: Mapping[str, Worker],
        points: Mapping[str, ServicePoint],
    ) -> list[FieldProblem]:
        if isinstance(item, DivisionRecord):
            if item.code in divisions:
                return [FieldProblem("$.code", f"is listed twice (got '{item.code}')")]
            return []
        problems: list[FieldProblem] = []
        if not _within(item.division, divisions):
            problems.append(_outside(item.division))
        if isinstance(item, Worker):
            if item.id in workers:
                problem = f"is a duplicate worker id (got '{item.id}')"
                problems.append(FieldProblem("$.id", problem))
            return problems
        if item.id in points:
            problem = f"is a duplicate service point id (got '{item.id}')"
            problems.append(FieldProblem("$.id", problem))
        if item.director is not None and item.director not in workers:
            message = self._unknown(RecordKind.WORKER, item.director, "worker")
            problems.append(FieldProblem("$.director", message))
        return problems

    def _check_child(self, child: Child, *, references: bool = True) -> list[FieldProblem]:
        ref = self.reference
        problems: list[FieldProblem] = []
        if self._unique_ids and self._child_ids.find(child.id) is not None:
            problems.append(_duplicate(child.id))
        if not self._known_division(child.division):
            problems.append(_outside(child.division))
        if not references:
            return problems

        def worker(path: str, worker_id: str | None) -> None:
            if worker_id is not None and ref.worker(worker_id) is None:
                problems.append(
                    FieldProblem(path, self._unknown(RecordKind.WORKER, worker_id, "worker"))
                )

        def point(path: str, point_id: str | None) -> None:
            if point_id is not None and ref.service_point(point_id) is None:
                problems.append(
                    FieldProblem(
                        path, self._unknown(RecordKind.SERVICE_POINT, point_id, "service point")
                    )
                )

        for i, c in enumerate(child.contacts):
            worker(f"$.contacts[{i}].worker", c.worker)
        for i, p in enumerate(child.pairings):
            worker(f"$.pairings[{i}].worker", p.worker)
        for i, r in enumerate(child.reports):
            worker(f"$.reports[{i}].worker", r.worker)
        for i, f in enumerate(child.referrals):
            worker(f"$.referrals[{i}].worker", f.worker)
        for i, h in enumerate(child.residences):
            point(f"$.residences[{i}].institution", h.institution)
        for i, a in enumerate(child.agreements):
            point(f"$.agreements[{i}].service_point", a.service_point)
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

    # -- bookkeeping -------------------------------------------------------------------------

    def _accept(self, kind: RecordKind) -> None:
        read, accepted = _COUNT_KEYS[kind]
        self._counts[read] += 1
        self._counts[accepted] += 1

    def _reject(
        self, raw: _Raw, problems: list[FieldProblem], record_id: str | None = None
    ) -> None:
        if isinstance(raw.data, dict | list) and (depth := _depth(raw.data)) > MAX_DEPTH:
            raw, problems, record_id = _shallow(raw), [_too_deep(depth)], None
        self._file_rejection(
            Rejection(
                record=raw.number,
                line=raw.line,
                location=raw.location,
                kind=raw.kind,
                record_id=record_id,
                problems=tuple(problems) or (FieldProblem("$", "is not a valid record"),),
                raw=raw.data,
            )
        )

    def _file_rejection(self, rejection: Rejection) -> None:
        kind = rejection.kind.value if rejection.kind else "unknown"
        self._counts[kind, "read"] += 1
        self._counts[kind, "rejected"] += 1
        if rejection.kind is not None and rejection.record_id is not None:
            self._rejected_ids[rejection.kind].setdefault(rejection.record_id, rejection.record)
        log.debug("rejected %s", rejection)
        self.rejections.append(rejection)

    @property
    def counts(self) -> LoadCounts:
        """Counts of the records read so far, by kind."""
        kinds = sorted({kind for kind, _ in self._counts})
        return LoadCounts(
            {
                k: KindCounts(
                    self._counts[k, "read"],
                    self._counts[k, "accepted"],
                    self._counts[k, "rejected"],
                )
                for k in kinds
            }
        )

    def _recall_id(self, at: int) -> str | None:
        """The id of the child file at ``at`` (see :class:`_Raw`), read again."""
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
            self._recall_file = self.path.open("rb")
        self._recall_file.seek(offset)
        raw = self._recall_file.readline()
        return raw.removeprefix(_BOM) if offset == 0 else raw

    def close(self) -> None:
        """Close the file. Child files not read yet are not read."""
        for handle in (self._file, self._recall_file):
            if handle is not None:
                handle.close()
        self._file = self._recall_file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _within(code: Division, divisions: Mapping[Division, Any]) -> bool:
    return code in divisions or any(a in divisions for a in code.ancestors)


def _duplicate(child_id: str) -> FieldProblem:
    # The record's own id, shown as its header shows it (FieldProblem masks ID numbers).
    return FieldProblem("$.id", f"is a duplicate child id (got '{child_id}')")


def _outside(code: Division) -> FieldProblem:
    return FieldProblem("$.division", f"is outside every division of the registry (got '{code}')")


def _parse_line(raw: bytes, parse_int: Callable[[str], Any] | None = None) -> Any:
    """The JSON value of a line, or the error ``json.loads`` gives for it without its line end.

    A line end is whitespace after the value, which changes nothing when the line parses; when
    it does not, the line is parsed again without it, for the error's message and column.
    ``parse_int`` reads integers instead of ``int``.
    """
    text = raw.decode("utf-8")
    try:
        if parse_int is None:
            return _DECODER.decode(text)
        return json.loads(text, parse_float=Decimal, parse_int=parse_int)
    except json.JSONDecodeError:
        return json.loads(text.rstrip("\r\n"), parse_float=Decimal, parse_int=parse_int)


class RawLine(NamedTuple):
    """A line of a JSON Lines registry that holds a record, not yet parsed."""

    number: int  # the record's number (blank lines are not records)
    line: int
    at: int  # the line's byte offset
    text: bytes


_BOM = b"\xef\xbb\xbf"


class _LongLine(bytes):
    """In place of the text of a line longer than the feed's limit (an empty bytes, so
    that nothing takes it for JSON): the length of the line, its line end aside, and the
    limit."""

    length: int
    limit: int


class LineFeed:
    """The lines of a JSON Lines file, read one at a time (:meth:`lines`), or marked out in
    spans for others to read (:meth:`span`)."""

    def __init__(
        self,
        handle: IO[bytes],
        *,
        line: int = 0,
        at: int = 0,
        number: int = 0,
        max_line_bytes: int | None = None,
    ) -> None:
        """``handle`` starts after ``line`` lines, ``at`` bytes and ``number`` records. A
        line longer than ``max_line_bytes`` (see :data:`MAX_LINE_BYTES`) is not read whole:
        its text is an empty bytes with its ``length``, and the stream rejects it."""
        self._handle = handle
        self.number = number
        """Records read by :meth:`lines` (a span's records are not counted)."""
        self._line = line
        self._at = at
        self._max = _max_line_bytes(max_line_bytes)

    @property
    def line(self) -> int:
        """Lines read by :meth:`lines` (blank ones too), with those before the handle's start."""
        return self._line

    def lines(self) -> Iterator[RawLine]:
        """The lines that hold a record, with their numbers and offsets."""
        readline = self._handle.readline
        limit = self._max + 1  # a line end may follow the longest line
        while raw := readline(limit):
            self._line += 1
            at = self._at
            self._at += len(raw)
            if len(raw) == limit and raw[-1:] != b"\n":
                raw = self._skip_rest(raw)
            else:
                if at == 0:
                    raw = raw.removeprefix(_BOM)
                if not raw or raw.isspace():  # the ASCII whitespace bytes.strip() removes
                    continue
            self.number += 1
            yield RawLine(self.number, self._line, at, raw)

    def _skip_rest(self, head: bytes) -> bytes:
        """Read past the rest of a line too long to hold, whose first bytes are ``head``,
        a chunk at a time; a :class:`_LongLine` in its place."""
        length = len(head)
        while not head.endswith(b"\n"):
            head = self._handle.readline(_SKIP)
            if not head:
                break
            length += len(head)
            self._at += len(head)
        skipped = _LongLine()
        skipped.length = length - head.endswith(b"\n")
        skipped.limit = self._max
        return skipped

    def span(self, size: int) -> tuple[int, int] | None:
        """The byte offsets ``(start, stop)`` of the next whole lines, about ``size`` bytes of
        them (at least one line), or None at the end of the file.

        The lines are not read: only the end of the last one is looked for, from the byte
        ``size`` bytes on. For a parallel audit, whose workers read the spans themselves
        (:func:`span_lines`). The handle must be a regular file's; the lines a span holds are
        not counted in :attr:`line` or :attr:`number`.
        """
        fd = self.fileno()
        start = self._at
        end = os.fstat(fd).st_size
        if start >= end:
            return None
        at = start + max(size, 1) - 1  # the span ends with the line holding this byte
        stop = end
        while at < end:
            probe = os.pread(fd, _PROBE, at)
            if not probe:
                break
            found = probe.find(b"\n")
            if found >= 0:
                stop = at + found + 1
                break
            at += len(probe)
        self._at = stop
        return start, stop

    def fileno(self) -> int:
        """The file descriptor of the handle."""
        return self._handle.fileno()


_PROBE = 1 << 14
"""Bytes read at a time while looking for the end of a span's last line."""


def span_lines(
    fd: int, start: int, stop: int, *, max_line_bytes: int | None = None
) -> tuple[Iterator[RawLine], LineFeed]:
    """The lines that hold a record in the bytes ``start`` to ``stop`` of the file ``fd``
    (whole lines: a span of :meth:`LineFeed.span`), read with ``os.pread``, which leaves the
    file's offset alone. Lines and records are numbered from 1 within the span; the feed
    returned counts them (:attr:`LineFeed.line`, :attr:`LineFeed.number`) as they are read.
    A span longer than ``max_line_bytes`` (it holds a line that long) is read a part at a
    time, so that a line too long is never held whole."""
    limit = _max_line_bytes(max_line_bytes)
    handle: IO[bytes]
    if stop - start > limit:
        handle = io.BufferedReader(_Region(fd, start, stop), _SKIP)
    else:
        parts = []
        at = start
        while at < stop:
            part = os.pread(fd, stop - at, at)
            if not part:  # the file was cut short: its end is the span's
                break
            parts.append(part)
            at += len(part)
        handle = io.BytesIO(parts[0] if len(parts) == 1 else b"".join(parts))
    feed = LineFeed(handle, at=start, max_line_bytes=limit)
    return feed.lines(), feed


class _Region(io.RawIOBase):
    """The bytes ``start`` to ``stop`` of the file ``fd``, read with ``os.pread``."""

    def __init__(self, fd: int, start: int, stop: int) -> None:
        super().__init__()
        self._fd, self._at, self._stop = fd, start, stop

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        part = os.pread(self._fd, min(len(buffer), self._stop - self._at), self._at)
        buffer[: len(part)] = part
        self._at += len(part)
        return len(part)


def _max_line_bytes(given: int | None) -> int:
    """The longest line to read: ``given``, else the environment's, else the default."""
    if given is None:
        setting = os.environ.get(_MAX_LINE_ENV)
        if not setting:
            return MAX_LINE_BYTES
        try:
            given = int(setting)
        except ValueError:
            given = 0
        if given < 1:
            raise RegistryReadError(
                f"{_MAX_LINE_ENV} must be a whole number of bytes, at least 1 (got {setting!r})"
            )
    if given < 1:
        raise ValueError(f"'max_line_bytes' must be at least 1 (got {given!r})")
    return given


# -- values that cannot be read safely ------------------------------------------------------------

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_RUN = re.compile(rb"\[+|\]+")
_PASSES = 8


def _brackets(raw: bytes) -> int:
    """An upper bound on how deeply the JSON text ``raw`` nests: its brackets and braces."""
    return raw.count(b"[") + raw.count(b"{")


def _nesting(raw: bytes) -> int:
    """How deeply the JSON text ``raw`` nests its objects and lists, read from its brackets
    and braces outside strings, without parsing it (C-speed passes on the bytes)."""
    text = _STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    text = text.replace(b"{", b"[").replace(b"}", b"]")
    # Each pass takes off the innermost pairs: one level of every branch.
    depth = 0
    for _ in range(_PASSES):
        shorter = text.replace(b"[]", b"")
        if len(shorter) == len(text):
            break
        text, depth = shorter, depth + 1
    # What is left nests more than a few levels, with few runs of brackets left to count.
    level = deepest = 0
    for run in _RUN.finditer(text):
        size = run.end() - run.start()
        if text[run.start()] == 0x5B:  # "["
            level += size
            deepest = max(deepest, level)
        else:
            level -= size
    return depth + deepest


def _shallow(raw: _Raw) -> _Raw:
    """``raw`` without its value, nested too deeply to be kept; its kind is not told, as
    for a line too deep to parse."""
    return raw._replace(kind=None, data=None)


def _too_deep(depth: int) -> FieldProblem:
    return FieldProblem("$", f"must be nested at most {MAX_DEPTH} levels deep (got {depth})")


def _long_line(text: _LongLine) -> FieldProblem:
    return FieldProblem(
        "$", f"must be a line of at most {text.limit} bytes (got {text.length} bytes)"
    )


@attrs.frozen
class _LongInt:
    """In place of an integer with more digits than ``int()`` converts."""

    digits: int


def _lenient_int(text: str) -> Any:
    """``int(text)``, or a :class:`_LongInt` when it has too many digits."""
    digits = len(text) - text.startswith("-")
    limit = sys.get_int_max_str_digits()
    if limit and digits > limit:
        return _LongInt(digits)
    return int(text)


def _first_problem(
    data: Any, problem: Callable[[Any, str], FieldProblem | None], path: str = "$"
) -> FieldProblem | None:
    """``problem(value, path)`` of the first value in ``data`` (``data`` itself, then its
    keys and values, depth first) that has one."""
    found = problem(data, path)
    if found is not None:
        return found
    if isinstance(data, dict):
        for key, value in data.items():
            found = problem(key, path) or _first_problem(value, problem, f"{path}.{path_key(key)}")
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = _first_problem(value, problem, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _too_long_int(value: Any, path: str) -> FieldProblem | None:
    if not isinstance(value, _LongInt):
        return None
    limit = sys.get_int_max_str_digits()
    return FieldProblem(
        path, f"must be an integer of at most {limit} digits (got {value.digits} digits)"
    )


def _long_int(data: Any) -> FieldProblem | None:
    """The problem of the first :class:`_LongInt` in ``data`` (nested at most MAX_DEPTH)."""
    return _first_problem(data, _too_long_int)


def _depth(data: Any) -> int:
    """How deeply ``data`` nests its objects and lists (walked without recursion)."""
    if not isinstance(data, dict | list):
        return 0
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1))
    return deepest


def _unsafe_value(data: dict[str, Any] | list[Any]) -> FieldProblem | None:
    """The problem of a record of a document nested too deeply or holding an integer too
    long, if it is one."""
    depth = _depth(data)
    if depth > MAX_DEPTH:
        return _too_deep(depth)
    return _long_int(data)


# A JSON escape of a UTF-16 surrogate: a pair of them is one character, a lone one is no
# character at all, and text holding it can be neither compared safely nor written as UTF-8.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(value: Any, path: str) -> FieldProblem | None:
    if isinstance(value, str) and _SURROGATE.search(value):
        return FieldProblem(path, "holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape)")
    return None


def _lone_surrogate(data: Any) -> FieldProblem | None:
    """The problem of the first string (or key) in ``data`` that holds a lone surrogate."""
    return _first_problem(data, _surrogate)


def _parse_record_line(line: RawLine) -> _Raw:
    """A line's record, parsed, with its kind taken out; or the problem that stops it.

    A line too long to read (see :class:`LineFeed`) or nested too deeply is rejected without
    being parsed; one holding an integer too long for ``int()`` is parsed again to say where
    it is. Such records are rejected without their value (``raw`` is None)."""
    number, line_no, at, raw = line
    if not raw:  # only a line too long has no text
        assert isinstance(raw, _LongLine)
        return _Raw(number, line_no, None, None, None, _long_line(raw), at)
    try:
        data = _parse_line(raw)
    except UnicodeDecodeError:
        return _Raw(number, line_no, None, None, None, FieldProblem("$", "is not UTF-8"), at)
    except json.JSONDecodeError as exc:
        return _Raw(number, line_no, None, None, None, _not_json(exc), at)
    except RecursionError:  # nested too deeply for the decoder
        return _Raw(number, line_no, None, None, None, _too_deep(_nesting(raw)), at)
    except ValueError:  # an integer with more digits than int() converts
        try:
            data = _parse_line(raw, _lenient_int)
        except json.JSONDecodeError as exc:
            return _Raw(number, line_no, None, None, None, _not_json(exc), at)
        except RecursionError:
            return _Raw(number, line_no, None, None, None, _too_deep(_nesting(raw)), at)
        if (depth := _depth(data)) > MAX_DEPTH:
            return _Raw(number, line_no, None, None, None, _too_deep(depth), at)
        tag = data.get("record") if isinstance(data, dict) else None
        kind = _KINDS.get(tag) if isinstance(tag, str) else None
        return _Raw(number, line_no, None, kind, None, _long_int(data), at)
    if not isinstance(data, dict):
        problem = FieldProblem("$", f"must be an object (got {describe_value(data)})")
        return _Raw(number, line_no, None, None, data, problem, at)
    tag = data.pop("record", None)
    try:
        kind = _KINDS[tag]
    except (KeyError, TypeError):  # not a kind, or unhashable (a list, an object)
        got = "missing" if tag is None else f"got {describe_value(tag)}"
        problem = FieldProblem("$.record", f"must be one of {_KIND_CHOICES} ({got})")
        return _Raw(number, line_no, None, None, data, problem, at)
    if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw):
        if _depth(data) > MAX_DEPTH:  # the stream rejects it as too deep
            return _Raw(number, line_no, None, kind, data, None, at)
        return _Raw(number, line_no, None, kind, data, _lone_surrogate(data), at)
    return _Raw(number, line_no, None, kind, data, None, at)


def _not_json(exc: json.JSONDecodeError) -> FieldProblem:
    return FieldProblem("$", f"is not valid JSON ({exc.msg} at column {exc.colno})")


def _looks_like_lines(first_line: bytes) -> bool:
    try:
        data = json.loads(first_line)
    except RecursionError:  # a record too deep would be a line of JSON Lines
        return True
    except ValueError:
        return False
    return isinstance(data, dict) and "record" in data


def _raw_id(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("id", data.get("code"))
        if isinstance(value, str) and value.isascii() and len(value) <= 64:
            return mask_if_id_number(value)
    return None


def _record_id(item: Any) -> str:
    return str(item.code) if isinstance(item, DivisionRecord) else mask_if_id_number(item.id)


def open_registry(
    path: str | Path,
    *,
    converter: cattrs.Converter | None = None,
    max_line_bytes: int | None = None,
    division_check: DivisionCheck | None = None,
) -> RegistryStream:
    """Open a registry for streaming; the reference data is read at once.

    Raises :class:`~careprotect.errors.RegistryReadError` when the file cannot be read at all
    (missing, unreadable, a JSON document that does not parse). Bad records do not raise. A
    line of a JSON Lines registry longer than ``max_line_bytes`` (default: the environment
    variable ``CAREPROTECT_MAX_LINE_BYTES``, else :data:`MAX_LINE_BYTES`) is rejected
    without being read whole.

    ``division_check``, given the code and name of each accepted division record, returns
    its problems as (field, message) pairs, which become :attr:`RegistryStream.warnings`:
    :func:`careprotect.division_table.division_check` checks them against the official table.
    """
    return RegistryStream(
        path, converter=converter, max_line_bytes=max_line_bytes, division_check=division_check
    )


def load_registry(
    path: str | Path,
    *,
    converter: cattrs.Converter | None = None,
    max_line_bytes: int | None = None,
) -> LoadResult:
    """Read a whole registry into memory, with every rejected record and the counts."""
    with open_registry(path, converter=converter, max_line_bytes=max_line_bytes) as stream:
        children = tuple(stream.children())
        return LoadResult(
            registry=Registry(reference=stream.reference, children=children),
            rejections=tuple(stream.rejections),
            counts=stream.counts,
            warnings=tuple(stream.warnings),
        )


# Decimals are written as JSON numbers with exactly their decimal digits: the encoder writes a
# marked string in their place, which is then replaced by the number's text. The marker starts
# with a NUL character, which the converter refuses in any input string, so no string read
# from a registry can be taken for it.
_DECIMAL_MARK = "\x00careprotect-decimal:"
_DECIMAL_TEXT = re.compile(r'"\\u0000careprotect-decimal:([-+0-9.E]+)"')


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{_DECIMAL_MARK}{value}"
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any, *, indent: int | None = None) -> str:
    """JSON text for unstructured data, with Decimals written exactly as JSON numbers."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)
    return _DECIMAL_TEXT.sub(r"\1", text)


def write_registry(
    path: str | Path,
    reference: ReferenceData,
    children: Iterable[Child],
    *,
    layout: Literal["lines", "document"] = "lines",
    converter: cattrs.Converter | None = None,
) -> int:
    """Write a registry that :func:`load_registry` reads back unchanged; returns the number
    of child files written.

    ``layout="lines"`` streams one record per line (children may be a generator of any size);
    ``layout="document"`` writes one JSON object. Citizen IDs and names are written in full:
    this is the registry itself, not a report.
    """
    conv = converter or make_converter()
    sections: list[tuple[RecordKind, Iterable[Any]]] = [
        (RecordKind.DIVISION, reference.divisions),
        (RecordKind.WORKER, reference.workers),
        (RecordKind.SERVICE_POINT, reference.service_points),
        (RecordKind.CHILD, children),
    ]
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        if layout == "lines":
            for kind, items in sections:
                for item in items:
                    data = {"record": kind.value, **conv.unstructure(item)}
                    out.write(dumps(data))
                    out.write("\n")
                    count += kind is RecordKind.CHILD
        else:
            document: dict[str, Any] = {}
            for kind, items in sections:
                document[_SECTIONS[kind]] = [conv.unstructure(i) for i in items]
            count = len(document["children"])
            out.write(dumps(document, indent=1))
            out.write("\n")
    return count
