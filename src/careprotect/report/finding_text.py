"""The text of findings in a report: JSON or a CSV row, made from the one form of a finding.

:data:`careprotect.findings.FINDING_FORM` lists the members of a finding's JSON form and how
findings share their values. :class:`FindingText` writes a finding's JSON text (equal to
``dumps(finding.as_dict())``) or its CSV row (the columns of :data:`FINDING_CSV`, each a
piece of a member of that form) from the same list, keeping the text of what findings share
so that a report of many findings writes each shared piece once. The table report reads the
JSON text back, so every report of findings comes from the one form.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring as _string  # what json.dumps uses for a str
from typing import Any

from careprotect.findings import FINDING_FORM, Finding, FindingField, Sharing
from careprotect.io import dumps

__all__ = ["FINDING_CSV", "FindingText", "csv_field", "csv_line", "json_text"]

FINDING_CSV: tuple[tuple[str, str, Callable[[Any], Any] | None], ...] = (
    ("rule", "rule", None),
    ("outcome", "outcome", None),
    ("subject_kind", "subject", operator.itemgetter("kind")),
    ("subject_id", "subject", operator.itemgetter("id")),
    ("subject_name", "subject", lambda subject: subject.get("name", "")),
    ("division", "division", None),
    ("date", "date", None),
    ("period", "period", None),
    ("message_zh", "message", operator.itemgetter("zh")),
    ("message_en", "message", operator.itemgetter("en")),
    ("citations", "citations", None),
    ("evidence", "evidence", None),
    ("facts", "facts", None),
    ("citation_status", "citations", lambda citations: [c["status"] for c in citations]),
    ("rests_on", "rests_on", None),
)
"""The columns of a finding's CSV row: the column's name, the key of the member of
:data:`~careprotect.findings.FINDING_FORM` it shows, and what of the member's JSON-ready
value it shows (None: all of it). A cell is the text itself, empty for None, else JSON text
(a list-valued column holds a JSON array)."""


def json_text(value: Any) -> str:
    """A JSON-ready value's JSON text, as :func:`careprotect.io.dumps` writes it (strings,
    and objects and arrays of them, written here: faster than a call of ``dumps``, which
    writes the rest)."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        return (
            "{"
            + ", ".join(
                [
                    _string(k) + ": " + (_string(v) if type(v) is str else json_text(v))
                    for k, v in value.items()
                ]
            )
            + "}"
        )
    if kind is list:
        return (
            "[" + ", ".join([_string(v) if type(v) is str else json_text(v) for v in value]) + "]"
        )
    return dumps(value)


def csv_field(value: str) -> str:
    """A CSV field as :func:`csv.writer` writes it in its default (Excel) dialect."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def csv_line(values: Iterable[str]) -> str:
    """One CSV row with its line ending, as :func:`csv.writer` writes it in its default
    (Excel) dialect: a field is quoted, its quotes doubled, when it holds a comma, a quote or
    a line break; a row of one empty field is ``""``. Faster than the csv module for the long
    texts of a report's rows."""
    fields = list(map(csv_field, values))
    if fields == [""]:
        return '""\r\n'
    return ",".join(fields) + "\r\n"


_Part = Callable[[Finding], bytes]
_Write = Callable[[Any], bytes]
_MEMBERS = {field.key: field for field in FINDING_FORM}


class FindingText:
    """The JSON text or the CSV row of findings: ``FindingText()(finding) ==
    dumps(finding.as_dict()).encode()``, and ``FindingText(csv=True)(finding)`` the row of
    the columns of :data:`FINDING_CSV` with its line end, both made faster for a report of
    many findings.

    Each member of :data:`~careprotect.findings.FINDING_FORM` (each run of CSV columns from
    one member) is a piece of UTF-8 text, kept as its member's
    :class:`~careprotect.findings.Sharing` allows: by value, by the object, by the objects
    of a tuple (and each citation and evidence on its own), or the subject's while its
    findings come; neighbouring pieces shared alike are kept together. At most ``_CACHED``
    texts of each kind are kept at a time; a text kept for an object holds the object, so
    while it is kept no other object can have its id."""

    _CACHED = 1 << 16

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled, a FindingText is made again, its texts kept empty (for a worker of a
        distributed executor, which renders findings)."""
        return (functools.partial(FindingText, csv=self.csv), ())

    def __init__(self, *, csv: bool = False) -> None:
        self.csv = csv
        self._items: dict[int, tuple[object, str]] = {}
        pieces: list[tuple[FindingField, _Write]] = []
        if csv:
            groups = [
                (_MEMBERS[key], tuple(pick for _, _, pick in columns))
                for key, columns in itertools.groupby(FINDING_CSV, key=operator.itemgetter(1))
            ]
            for i, (field, picks) in enumerate(groups):
                end = "\r\n" if i == len(groups) - 1 else ","
                pieces.append((field, self._cells(field, picks, end)))
        else:
            for i, field in enumerate(FINDING_FORM):
                pieces.append((field, self._member(field, "{" if i == 0 else ", ")))
        parts = []
        for sharing, run in itertools.groupby(pieces, key=lambda piece: piece[0].sharing):
            together = list(run)
            if sharing is not Sharing.VALUE:  # one member at a time
                parts += [self._part(sharing, [piece]) for piece in together]
            else:
                parts.append(self._part(sharing, together))
        self._parts = tuple(parts)
        self._end = b"" if csv else b"}"
        self._call = _joined(self._parts, self._end)

    def __call__(self, finding: Finding) -> bytes:
        """The finding's JSON text in UTF-8 (``dumps(finding.as_dict()).encode()``), or its
        CSV row with its line end."""
        return self._call(finding)

    # -- the text of one member -------------------------------------------------------------

    def _value_text(self, field: FindingField) -> Callable[[Any], str]:
        """How the JSON text of a member's value is written; the text of each citation and
        evidence (objects that many findings share, in changing combinations) is kept."""
        json = field.json
        if not field.items:
            return lambda value: json_text(json(value))
        if json is str:  # items that are text already (facts)
            return lambda values: "[" + ", ".join(map(_string, values)) + "]"
        if field.sharing is not Sharing.ITEMS:
            return lambda values: json_text(list(map(json, values)))
        kept, limit = self._items, self._CACHED

        def item(value: Any) -> str:
            hit = kept.get(id(value))
            if hit is not None and hit[0] is value:
                return hit[1]
            if len(kept) >= limit:
                kept.clear()
            made = json_text(json(value))
            kept[id(value)] = (value, made)
            return made

        return lambda values: "[" + ", ".join(map(item, values)) + "]"

    def _member(self, field: FindingField, separator: str) -> _Write:
        """How a member is written in JSON: after ``separator``, its key and its value, or
        nothing when it is left out."""
        head = f"{separator}{_string(field.key)}: "
        value_text = self._value_text(field)
        if not field.optional:
            return lambda value: (head + value_text(value)).encode()
        # field.omitted, written out: this runs for every finding
        return lambda value: (
            b"" if value is None or value == () else (head + value_text(value)).encode()
        )

    def _cells(
        self, field: FindingField, picks: tuple[Callable[[Any], Any] | None, ...], end: str
    ) -> _Write:
        """How the CSV columns of a member are written, each ``pick`` of its JSON-ready value
        (None: all of it), then ``end``."""
        shown = [self._cell(field, pick) for pick in picks]
        if len(shown) == 1:
            [one] = shown
            return lambda value: (csv_field(one(value)) + end).encode()
        return lambda value: (",".join([csv_field(cell(value)) for cell in shown]) + end).encode()

    def _cell(self, field: FindingField, pick: Callable[[Any], Any] | None) -> Callable[[Any], str]:
        """How a CSV cell shows ``pick`` of a member's JSON-ready value (None: all of it):
        the text itself, empty for None, else JSON text."""
        if pick is None and field.items:
            return self._value_text(field)
        json = field.json if pick is None else lambda value: pick(field.json_of(value))

        def cell(value: Any) -> str:
            shown = json(value)
            if shown is None:
                return ""
            return shown if type(shown) is str else json_text(shown)

        return cell

    # -- keeping what findings share ---------------------------------------------------------

    def _part(self, sharing: Sharing, pieces: list[tuple[FindingField, _Write]]) -> _Part:
        """The text of neighbouring members of a finding shared alike (``sharing``), each
        written by its piece's function from its value, and kept as the sharing allows."""
        get = operator.attrgetter(*(field.attribute for field, _ in pieces))
        write: _Write
        if len(pieces) == 1:
            write = pieces[0][1]
            key: Callable[[Any], Any] = id if sharing is Sharing.OBJECT else _ids
        else:  # get gives a tuple of values
            writes = [w for _, w in pieces]

            def write(values: tuple[Any, ...]) -> bytes:
                return b"".join([w(v) for w, v in zip(writes, values, strict=True)])

            def key(values: tuple[Any, ...]) -> tuple[tuple[int, ...], ...]:
                return tuple(map(_ids, values))

        if sharing is Sharing.UNSHARED:
            return lambda finding: write(get(finding))
        if sharing is Sharing.SUBJECT:
            return _by_subject(get, write, len(pieces))
        limit = self._CACHED
        if sharing is Sharing.VALUE:
            by_value_kept: dict[Any, bytes] = {}

            def by_value(finding: Finding) -> bytes:
                value = get(finding)
                made = by_value_kept.get(value)
                if made is None:
                    if len(by_value_kept) >= limit:
                        by_value_kept.clear()
                    made = by_value_kept[value] = write(value)
                return made

            return by_value
        # OBJECT (one member), or ITEMS: the text is found by the objects' ids, and holds the
        # objects, so that no other object has their ids while it is kept.
        kept: dict[Any, tuple[Any, bytes]] = {}
        same_object = sharing is Sharing.OBJECT

        def by_object(finding: Finding) -> bytes:
            value = get(finding)
            k = key(value)
            hit = kept.get(k)
            if hit is not None and (hit[0] is value or not same_object):
                return hit[1]
            if len(kept) >= limit:
                kept.clear()
            made = write(value)
            kept[k] = (value, made)
            return made

        return by_object


def _by_subject(get: Callable[[Finding], Any], write: _Write, count: int) -> _Part:
    """The text of the value (or the tuple of ``count`` values) that ``get`` gives, kept
    while the same objects come again."""
    several = count > 1
    last: list[Any] = [tuple(object() for _ in range(count)) if several else object(), b""]

    def by_subject(finding: Finding) -> bytes:
        value = get(finding)
        before = last[0]
        if value is before or (several and all(map(operator.is_, value, before))):
            made: bytes = last[1]
            return made
        last[0], last[1] = value, write(value)
        return last[1]  # type: ignore[no-any-return]

    return by_subject


def _joined(parts: tuple[_Part, ...], end: bytes) -> _Part:
    """``lambda finding: b"".join([part(finding) for part in parts]) + end`` with the loop
    unrolled (a finding is written in about 5 µs; the loop took a tenth of it)."""
    names = [f"p{i}" for i in range(len(parts))]
    source = (
        f"lambda {', '.join(names)}, end: lambda finding: b''.join(("
        + "".join(f"{name}(finding), " for name in names)
        + ")) + end"
    )
    made: _Part = eval(source)(*parts, end)  # the text is made here, of names only
    return made


def _ids(items: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(map(id, items))
