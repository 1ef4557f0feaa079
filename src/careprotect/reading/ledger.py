"""What a reader keeps about the records it has read: the rejections, the warnings, the
counts by kind, and the ids of the records rejected (which later messages name)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import attrs

from careprotect.convert import FieldProblem, describe_value
from careprotect.masking import get_logger, mask_if_id_number
from careprotect.reading.records import (
    COUNT_KEYS,
    MAX_DEPTH,
    KindCounts,
    LoadCounts,
    RawRecord,
    RecordKind,
    RecordWarning,
    Rejection,
    duplicate_problem,
    shallow,
    too_deep,
    value_depth,
)

if TYPE_CHECKING:
    from careprotect.reading.parts import PartRecord

__all__ = ["RecordLedger", "Unknown"]

log = get_logger("careprotect.io")

Unknown = tuple[RecordKind, str, str, str]
"""A reference to a worker or service point not among the reference data, met while reading
a record: its kind, its id, what it is called in a message, and the message written."""

T = TypeVar("T", Rejection, RecordWarning)


class RecordLedger:
    """The rejections (in input order), the warnings about accepted records, and the counts
    of records read, accepted and rejected by kind. With ``noting``, the references to
    unknown workers and service points met are kept in :attr:`noted` (a part's reader:
    see :mod:`careprotect.reading.parts`)."""

    def __init__(
        self, rejected_ids: dict[RecordKind, dict[str, int]] | None = None, *, noting: bool = False
    ) -> None:
        self.rejections: list[Rejection] = []
        self.warnings: list[RecordWarning] = []
        self.counter: Counter[tuple[str, str]] = Counter()
        """The counts by (kind, ``read`` | ``accepted`` | ``rejected``)."""
        self.rejected_ids: dict[RecordKind, dict[str, int]] = rejected_ids or {
            k: {} for k in RecordKind
        }
        """The number of the first rejected record of each kind and id."""
        self.noted: list[Unknown] | None = [] if noting else None
        self.where: Callable[[int], tuple[str, int]] | None = None
        """For a registry read as several files joined: the file and its line of a line of
        the joined files (:meth:`careprotect.reading.joined.Joined.locate`)."""

    def fork(self) -> RecordLedger:
        """A new ledger that knows the rejected ids known here, and notes unknown references."""
        ids = {kind: dict(ids) for kind, ids in self.rejected_ids.items()}
        return RecordLedger(ids, noting=True)

    def accept(self, kind: RecordKind) -> None:
        """Count a record of ``kind`` read and accepted."""
        read, accepted = COUNT_KEYS[kind]
        self.counter[read] += 1
        self.counter[accepted] += 1

    def reject(
        self, raw: RawRecord, problems: list[FieldProblem], record_id: str | None = None
    ) -> None:
        """File the rejection of ``raw`` for ``problems`` (a record nested too deeply for
        ``problems`` only for that, without its value)."""
        if isinstance(raw.data, dict | list) and (depth := value_depth(raw.data)) > MAX_DEPTH:
            raw, problems, record_id = shallow(raw), [too_deep(depth)], None
        self.file(
            Rejection(
                **raw.place(),
                record_id=record_id,
                problems=tuple(problems) or (FieldProblem("$", "is not a valid record"),),
                raw=raw.data,
            )
        )

    def file(self, rejection: Rejection) -> None:
        """File ``rejection``, counted."""
        kind = rejection.kind.value if rejection.kind else "unknown"
        self.counter[kind, "read"] += 1
        self.counter[kind, "rejected"] += 1
        if rejection.kind is not None and rejection.record_id is not None:
            self.rejected_ids[rejection.kind].setdefault(rejection.record_id, rejection.record)
        rejection = self._located(rejection)
        log.debug("rejected %s", rejection)
        self.rejections.append(rejection)

    def file_taken(
        self, record: PartRecord, duplicate: bool, records_before: int, lines_before: int
    ) -> None:
        """File the rejection of a part's ``record`` (see
        :meth:`~careprotect.io.RegistryStream.take_part`), numbered in the file, its unknown
        references named as this ledger names them, and with ``duplicate`` the problem that
        its id was taken already."""
        rejection = record.rejection
        assert rejection is not None
        problems = rejection.problems
        if record.unknowns is not None:
            problems = self.known_now(problems, record.unknowns)
        if duplicate:
            assert record.structured_id is not None
            problems = (duplicate_problem(record.structured_id), *problems)
        self.file(
            attrs.evolve(
                rejection,
                record=rejection.record + records_before,
                line=(rejection.line or 0) + lines_before,
                problems=problems,
            )
        )

    def _located(self, item: T) -> T:
        """``item`` (a rejection or a warning) with its file and line in that file, when
        the registry is several files joined."""
        if self.where is None or item.line is None:
            return item
        name, line = self.where(item.line)
        return attrs.evolve(item, location=name, line=line)

    def take_warnings(
        self, warnings: Iterable[RecordWarning], records_before: int, lines_before: int
    ) -> None:
        """Note the ``warnings`` of a part's record, numbered in the file."""
        for w in warnings:
            record, line = w.record + records_before, (w.line or 0) + lines_before
            self.warnings.append(self._located(attrs.evolve(w, record=record, line=line)))

    def warn(self, raw: RawRecord, path: str, message: str, record_id: str | None) -> None:
        """Note ``message`` about the field ``path`` of the accepted record ``raw``."""
        self.warnings.append(
            self._located(
                RecordWarning(
                    **raw.place(),
                    record_id=None if record_id is None else mask_if_id_number(record_id),
                    path=path,
                    message=message,
                )
            )
        )

    def unknown(self, kind: RecordKind, ref: str, what: str) -> str:
        """The message about a reference to the ``kind`` ``ref`` (a ``what``) that is not
        among the reference data."""
        rejected_at = self.rejected_ids[kind].get(ref)
        if rejected_at is not None:
            shown = describe_value(ref)
            message = f"refers to {what} {shown}, which was rejected (record {rejected_at})"
        else:
            message = f"refers to no {what} of the registry (got {describe_value(ref)})"
        if self.noted is not None:
            self.noted.append((kind, ref, what, message))
        return message

    def known_now(
        self, problems: tuple[FieldProblem, ...], noted: tuple[Unknown, ...]
    ) -> tuple[FieldProblem, ...]:
        """``problems`` with the messages of the unknown references ``noted`` by another
        ledger (a part's reader) written again, as this ledger writes them: it knows every
        record rejected before, with its number in the file."""
        again: dict[str, str] = {}
        for kind, ref, what, message in noted:
            now = self.unknown(kind, ref, what)
            if now != message:
                again[FieldProblem("$", message).message] = now
        if not again:
            return problems
        return tuple(
            FieldProblem(p.path, again[p.message]) if p.message in again else p for p in problems
        )

    def log_counts(self, name: str) -> None:
        """Log the counts of the records read from the registry ``name``."""
        counts = self.counts
        log.info(
            "read %s: %d records, %d accepted, %d rejected",
            name,
            counts.read,
            counts.accepted,
            counts.rejected,
        )

    @property
    def counts(self) -> LoadCounts:
        """Counts of the records read so far, by kind."""
        counter = self.counter
        kinds = sorted({kind for kind, _ in counter})
        return LoadCounts(
            {
                k: KindCounts(counter[k, "read"], counter[k, "accepted"], counter[k, "rejected"])
                for k in kinds
            }
        )
