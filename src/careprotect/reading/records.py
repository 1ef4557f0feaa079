"""The records of a registry before and after they are structured: their kinds, the
rejections and warnings filed about them, their counts, and the checks a record's JSON
value must pass before the converter sees it (depth, integers too long, lone surrogates)."""

from __future__ import annotations

import enum
import json
import re
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple, TypedDict

import attrs

from careprotect.convert import FieldProblem, describe_value, path_key
from careprotect.divisions import Division
from careprotect.masking import mask_if_id_number, scrub
from careprotect.model import Child, DivisionRecord, Registry, ServicePoint, Worker
from careprotect.reading.lines import LongLine, RawLine

__all__ = [
    "COUNT_KEYS",
    "DECODER",
    "KINDS",
    "KIND_CHOICES",
    "MAX_DEPTH",
    "SCAN",
    "SECTIONS",
    "SURROGATE_ESCAPE",
    "TYPES",
    "KindCounts",
    "LoadCounts",
    "LoadResult",
    "RawRecord",
    "RecordKind",
    "RecordNote",
    "RecordPlace",
    "RecordWarning",
    "Rejection",
    "brackets",
    "duplicate_problem",
    "lenient_int",
    "lone_surrogate",
    "looks_like_lines",
    "nesting",
    "outside_problem",
    "parse_line",
    "parse_record_line",
    "raw_id",
    "reference_id",
    "shallow",
    "too_deep",
    "unsafe_value",
    "value_depth",
    "within_divisions",
]


class RecordKind(enum.StrEnum):
    """The kinds of record in a registry, in the order a JSON Lines stream gives them."""

    DIVISION = "division"
    WORKER = "worker"
    SERVICE_POINT = "service_point"
    CHILD = "child"


SECTIONS: Mapping[RecordKind, str] = {
    RecordKind.DIVISION: "divisions",
    RecordKind.WORKER: "workers",
    RecordKind.SERVICE_POINT: "service_points",
    RecordKind.CHILD: "children",
}
TYPES: Mapping[RecordKind, type] = {
    RecordKind.DIVISION: DivisionRecord,
    RecordKind.WORKER: Worker,
    RecordKind.SERVICE_POINT: ServicePoint,
    RecordKind.CHILD: Child,
}
KIND_CHOICES = ", ".join(k.value for k in RecordKind)
KINDS: Mapping[str, RecordKind] = {k.value: k for k in RecordKind}
# The keys of LoadCounts' figures for records read and accepted, by kind.
COUNT_KEYS: Mapping[RecordKind, tuple[tuple[str, str], tuple[str, str]]] = {
    k: ((k.value, "read"), (k.value, "accepted")) for k in RecordKind
}

# One decoder for every line: json.loads would build a new one per call for parse_float.
DECODER = json.JSONDecoder(parse_float=Decimal)
# Its scanner, which decode() calls after skipping leading whitespace: the JSON value at an
# index and the index after it (StopIteration or JSONDecodeError when there is none).
SCAN: Callable[[str, int], tuple[Any, int]] = DECODER.scan_once  # type: ignore[attr-defined]

MAX_DEPTH = 64
"""The deepest a record may nest its objects and lists, the record itself being level 1
(the model's deepest records nest 3 levels). A record nested deeper is rejected before it is
parsed, so that no later step (the decoder, the converter, pickling) meets absurd depth."""


def _where(line: int | None, location: str | None) -> str:
    """Where a record stands: its file or place in a document, and its line."""
    if line is None:
        return str(location)
    return f"line {line}" if location is None else f"{location}, line {line}"


@attrs.frozen(kw_only=True)
class RecordNote:
    """What is said about one input record (:class:`Rejection`, :class:`RecordWarning`): which
    record it is and where it was read.

    ``record`` is the record's 1-based number in the input; ``line`` its line in a JSON Lines
    stream; ``location`` its place in a JSON document (``$.children[4]``). ``record_id`` is the
    record's id with any ID number in it masked, as the problems' texts are
    (:class:`~careprotect.convert.FieldProblem`).
    """

    record: int
    line: int | None = None
    location: str | None = None
    kind: RecordKind | None = None
    record_id: str | None = attrs.field(default=None, converter=attrs.converters.optional(scrub))

    def about(self) -> str:
        """The record, where it was read, its kind and id: ``record 3 (line 4, child 'C1')``."""
        where = _where(self.line, self.location)
        what = self.kind.value if self.kind else "record"
        ident = f" '{self.record_id}'" if self.record_id else ""
        return f"record {self.record} ({where}, {what}{ident})"


@attrs.frozen(kw_only=True)
class Rejection(RecordNote):
    """An input record that was not accepted, and why.

    ``record``, ``line``, ``location``, ``kind`` and ``record_id`` say which record it is
    (:class:`RecordNote`). Each problem's path is relative to the record. ``raw`` is the record
    as read, so that it can be corrected and sent again; it is unmasked personal data and is
    left out of ``repr`` and ``str``.
    """

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
        problems = "; ".join(str(p) for p in self.problems)
        return f"{self.about()}: {problems}"


@attrs.frozen(kw_only=True)
class RecordWarning(RecordNote):
    """Something about an accepted record that a reader should check, though it is no reason
    to reject the record: a citizen ID that had to be normalised (full-width digits,
    surrounding spaces), or, checked against the official table (``--divisions official``), a
    division code that did not exist on the registry's dates or a name that is not the
    official one.

    ``record``, ``line``, ``location``, ``kind`` and ``record_id`` are as in
    :class:`Rejection` (:class:`RecordNote`); ``path`` is the field (``$.citizen_id``) and
    ``message`` says what was found, with any ID number masked.
    """

    path: str
    message: str = attrs.field(converter=scrub)

    def __str__(self) -> str:
        return f"{self.about()}: {self.path} {self.message}"


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


class RecordPlace(TypedDict):
    """Which record a :class:`RecordNote` is about and where it was read, as
    :meth:`RawRecord.place` gives it."""

    record: int
    line: int | None
    location: str | None
    kind: RecordKind | None


class RawRecord(NamedTuple):
    """A record as read from the input, before it is structured."""

    number: int
    line: int | None
    location: str | None
    kind: RecordKind | None
    data: Any
    problem: FieldProblem | None = None
    at: int = -1  # JSON Lines: the line's byte offset; a document: the index in its list

    def place(self) -> RecordPlace:
        """Which record this is and where it was read, for a note about it:
        ``Rejection(**raw.place(), ...)``."""
        return RecordPlace(
            record=self.number, line=self.line, location=self.location, kind=self.kind
        )


def within_divisions(code: Division, divisions: Mapping[Division, Any]) -> bool:
    return code in divisions or any(a in divisions for a in code.ancestors)


def duplicate_problem(child_id: str) -> FieldProblem:
    # The record's own id, shown as its header shows it (FieldProblem masks ID numbers).
    return FieldProblem("$.id", f"is a duplicate child id (got '{child_id}')")


def outside_problem(code: Division) -> FieldProblem:
    return FieldProblem("$.division", f"is outside every division of the registry (got '{code}')")


def parse_line(raw: bytes, parse_int: Callable[[str], Any] | None = None) -> Any:
    """The JSON value of a line, or the error ``json.loads`` gives for it without its line end.

    A line end is whitespace after the value, which changes nothing when the line parses; when
    it does not, the line is parsed again without it, for the error's message and column.
    ``parse_int`` reads integers instead of ``int``.
    """
    text = raw.decode("utf-8")
    try:
        if parse_int is None:
            return DECODER.decode(text)
        return json.loads(text, parse_float=Decimal, parse_int=parse_int)
    except json.JSONDecodeError:
        return json.loads(text.rstrip("\r\n"), parse_float=Decimal, parse_int=parse_int)


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_RUN = re.compile(rb"\[+|\]+")
_PASSES = 8


def brackets(raw: bytes) -> int:
    """An upper bound on how deeply the JSON text ``raw`` nests: its brackets and braces."""
    return raw.count(b"[") + raw.count(b"{")


def nesting(raw: bytes) -> int:
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


def shallow(raw: RawRecord) -> RawRecord:
    """``raw`` without its value, nested too deeply to be kept; its kind is not told, as
    for a line too deep to parse."""
    return raw._replace(kind=None, data=None)


def too_deep(depth: int) -> FieldProblem:
    return FieldProblem("$", f"must be nested at most {MAX_DEPTH} levels deep (got {depth})")


def _long_line(text: LongLine) -> FieldProblem:
    return FieldProblem(
        "$", f"must be a line of at most {text.limit} bytes (got {text.length} bytes)"
    )


@attrs.frozen
class _LongInt:
    """In place of an integer with more digits than ``int()`` converts."""

    digits: int


def lenient_int(text: str) -> Any:
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


def value_depth(data: Any) -> int:
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


def unsafe_value(data: dict[str, Any] | list[Any]) -> FieldProblem | None:
    """The problem of a record of a document nested too deeply or holding an integer too
    long, if it is one."""
    depth = value_depth(data)
    if depth > MAX_DEPTH:
        return too_deep(depth)
    return _long_int(data)


# A JSON escape of a UTF-16 surrogate: a pair of them is one character, a lone one is no
# character at all, and text holding it can be neither compared safely nor written as UTF-8.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(value: Any, path: str) -> FieldProblem | None:
    if isinstance(value, str) and _SURROGATE.search(value):
        return FieldProblem(path, "holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape)")
    return None


def lone_surrogate(data: Any) -> FieldProblem | None:
    """The problem of the first string (or key) in ``data`` that holds a lone surrogate."""
    return _first_problem(data, _surrogate)


def parse_record_line(line: RawLine) -> RawRecord:
    """A line's record, parsed, with its kind taken out; or the problem that stops it.

    A line too long to read (see :class:`LineFeed`) or nested too deeply is rejected without
    being parsed; one holding an integer too long for ``int()`` is parsed again to say where
    it is. Such records are rejected without their value (``raw`` is None)."""
    number, line_no, at, raw = line
    if not raw:  # only a line too long has no text
        assert isinstance(raw, LongLine)
        return RawRecord(number, line_no, None, None, None, _long_line(raw), at)
    try:
        data = parse_line(raw)
    except UnicodeDecodeError:
        return RawRecord(number, line_no, None, None, None, FieldProblem("$", "is not UTF-8"), at)
    except json.JSONDecodeError as exc:
        return RawRecord(number, line_no, None, None, None, _not_json(exc), at)
    except RecursionError:  # nested too deeply for the decoder
        return RawRecord(number, line_no, None, None, None, too_deep(nesting(raw)), at)
    except ValueError:  # an integer with more digits than int() converts
        try:
            data = parse_line(raw, lenient_int)
        except json.JSONDecodeError as exc:
            return RawRecord(number, line_no, None, None, None, _not_json(exc), at)
        except RecursionError:
            return RawRecord(number, line_no, None, None, None, too_deep(nesting(raw)), at)
        if (depth := value_depth(data)) > MAX_DEPTH:
            return RawRecord(number, line_no, None, None, None, too_deep(depth), at)
        tag = data.get("record") if isinstance(data, dict) else None
        kind = KINDS.get(tag) if isinstance(tag, str) else None
        return RawRecord(number, line_no, None, kind, None, _long_int(data), at)
    if not isinstance(data, dict):
        problem = FieldProblem("$", f"must be an object (got {describe_value(data)})")
        return RawRecord(number, line_no, None, None, data, problem, at)
    tag = data.pop("record", None)
    try:
        kind = KINDS[tag]
    except (KeyError, TypeError):  # not a kind, or unhashable (a list, an object)
        got = "missing" if tag is None else f"got {describe_value(tag)}"
        problem = FieldProblem("$.record", f"must be one of {KIND_CHOICES} ({got})")
        return RawRecord(number, line_no, None, None, data, problem, at)
    if b"\\u" in raw and SURROGATE_ESCAPE.search(raw):
        if value_depth(data) > MAX_DEPTH:  # the stream rejects it as too deep
            return RawRecord(number, line_no, None, kind, data, None, at)
        return RawRecord(number, line_no, None, kind, data, lone_surrogate(data), at)
    return RawRecord(number, line_no, None, kind, data, None, at)


def _not_json(exc: json.JSONDecodeError) -> FieldProblem:
    return FieldProblem("$", f"is not valid JSON ({exc.msg} at column {exc.colno})")


def looks_like_lines(first_line: bytes) -> bool:
    try:
        data = json.loads(first_line)
    except RecursionError:  # a record too deep would be a line of JSON Lines
        return True
    except ValueError:
        return False
    return isinstance(data, dict) and "record" in data


def raw_id(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("id", data.get("code"))
        if isinstance(value, str) and value.isascii() and len(value) <= 64:
            return mask_if_id_number(value)
    return None


def reference_id(item: Any) -> str:
    return str(item.code) if isinstance(item, DivisionRecord) else mask_if_id_number(item.id)
