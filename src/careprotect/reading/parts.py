"""The parts of a JSON Lines registry: the unit that worker processes (and, later, a
distributed executor) read.

A part is a run of whole lines of the file, from one byte offset to another
(:class:`Part`). :meth:`RegistryStream.split <careprotect.io.RegistryStream.split>` marks
them out; :meth:`RegistryStream.read_part <careprotect.io.RegistryStream.read_part>` reads one
against the reference data the stream holds, in any process that has the stream (a forked
worker inherits it; another machine opens the registry itself), and gives each record as a
:class:`PartRecord` with its child file when accepted;
:meth:`RegistryStream.take_part <careprotect.io.RegistryStream.take_part>`, in the process
that reads the registry in order, takes the records of each part in turn: it rejects the
duplicate child ids (which no part can see alone), files the rejections and warnings, and
counts. Reading every part and taking them in order gives the child files, rejections,
warnings and counts of :meth:`RegistryStream.children <careprotect.io.RegistryStream.children>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from careprotect.reading.ledger import Unknown
from careprotect.reading.lines import LineFeed
from careprotect.reading.records import RecordWarning, Rejection

if TYPE_CHECKING:
    from careprotect.model import Child, ReferenceData
    from careprotect.reading.records import RecordKind

__all__ = ["Part", "PartReading", "PartRecord", "PartsReference", "Split", "Unknown"]


class Part(NamedTuple):
    """The whole lines of a JSON Lines registry from byte ``start`` to byte ``stop``, after
    ``record`` records and ``line`` lines of the file. Records and lines are numbered from
    ``record + 1`` and ``line + 1``: give the numbers when they are known, and the records read
    are numbered as in the file; a part marked out before the parts ahead of it were read has
    0 and 0, and :meth:`~careprotect.io.RegistryStream.take_part` is told the numbers then."""

    start: int
    stop: int
    record: int = 0
    line: int = 0


class Split(NamedTuple):
    """A registry split in parts (:meth:`~careprotect.io.RegistryStream.split`): its first
    child file, read with the reference data (None when it was rejected), the ``records``
    and ``lines`` read before the parts, and the parts, marked out as they are asked for."""

    first: Child | None
    records: int
    lines: int
    parts: Iterator[Part]


class PartRecord(NamedTuple):
    """A record of a part as read: its number, line and byte offset, and either the id of
    the child file accepted (``child_id``, with the ``warnings`` about it) or its
    ``rejection``. A rejected record that was structured has its id in ``structured_id``
    (the process taking the part adds the duplicate problem when the id was taken already).
    ``unknowns`` are the references to unknown workers and service points the rejection's
    messages name (the taking process, which knows every record rejected before, may name
    them otherwise: "which was rejected (record 12)")."""

    number: int
    line: int
    at: int
    child_id: str | None
    rejection: Rejection | None = None
    structured_id: str | None = None
    unknowns: tuple[Unknown, ...] | None = None
    warnings: tuple[RecordWarning, ...] = ()


class PartReading:
    """A part being read: iterate it for each record, as a :class:`PartRecord` with the
    accepted :class:`~careprotect.model.Child` (None when the record was rejected). Once it is
    exhausted, :attr:`lines` is the number of lines the part holds."""

    def __init__(
        self, records: Iterator[tuple[PartRecord, Child | None]], feed: LineFeed, part: Part
    ) -> None:
        self._records = records
        self._feed = feed
        self._part = part

    def __iter__(self) -> Iterator[tuple[PartRecord, Child | None]]:
        return self._records

    @property
    def lines(self) -> int:
        """The lines read so far, blank ones too."""
        return self._feed.line - self._part.line


class PartsReference(NamedTuple):
    """The reference data of a registry as one stream read it
    (:meth:`~careprotect.io.RegistryStream.parts_reference`), for a stream in another process
    that reads parts of the same registry: the accepted reference ``data`` and the ids of the
    rejected reference records by kind (with their record numbers), so that a child file that
    names one is told so."""

    data: ReferenceData
    rejected_ids: dict[RecordKind, dict[str, int]]
