"""Registries written first, as JSON Lines, to a private temporary directory and read from
there by the registry's own reader: records already in memory (this module), and Excel
ledgers (:class:`careprotect.ledger.stream.LedgerStream`). So they are checked, rejected,
counted and judged exactly as a file is, and can be read in parts by worker processes on
this machine.

Records in memory are the rows of a database, or of another system's API, given as dicts in
the registry format (docs/input-format.md). A record's number is its place among the
records given, from 1. A record's values are those JSON holds (dicts, lists, strings,
numbers, booleans, None), plus :class:`datetime.date` (written as its ISO date) and
:class:`decimal.Decimal` (written exactly), as database drivers give them. Any other value (a
set, bytes, a float that is not finite, a :class:`datetime.datetime`, which would lose its
time) is a mistake of the calling program, not of the data: it raises
:class:`~careprotect.errors.InvalidValueError` naming the record and the field, before any
record is judged.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO, Unpack

from careprotect.errors import InvalidValueError
from careprotect.io import LoadResult, ReadOptions, RegistryStream, collect
from careprotect.reading.writing import dumps

__all__ = ["RecordsStream", "SpooledStream", "load_records", "open_records"]

_SCALARS = (str, int, bool, type(None), Decimal, dt.date)


def _unwritable(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Where ``value`` holds a value a registry cannot hold, and what it is."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                yield path, f"a key that is not a string ({type(key).__name__})"
            else:
                yield from _unwritable(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _unwritable(item, f"{path}[{i}]")
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield path, f"a float that is not a number ({value})"
    elif isinstance(value, dt.datetime):
        yield path, "a datetime (give its date: .date())"
    elif not isinstance(value, _SCALARS):
        yield path, f"a {type(value).__name__}"


def _line(number: int, record: Any) -> str:
    for path, what in _unwritable(record, "$"):
        raise InvalidValueError(
            f"at {path} of record {number} is {what}, which no registry holds (JSON values, "
            "datetime.date and decimal.Decimal)"
        )
    return dumps(record) + "\n"


class SpooledStream(RegistryStream):
    """A registry whose JSON Lines ``write(out, directory)`` writes first, to ``name.jsonl``
    in a private temporary directory (where it may keep files of its own), then read as
    :class:`~careprotect.io.RegistryStream` reads a file. The directory is removed when the
    stream is closed or fails to open, by the process that made it (a forked worker closing
    its copy leaves it alone)."""

    def __init__(
        self,
        name: str,
        write: Callable[[TextIO, Path], None],
        *,
        prefix: str,
        **options: Unpack[ReadOptions],
    ) -> None:
        self._owner = os.getpid()
        self._opened = False
        self._spool: Path | None = Path(tempfile.mkdtemp(prefix=prefix))
        lines = self._spool / f"{name}.jsonl"
        try:
            with lines.open("w", encoding="utf-8") as out:
                write(out, self._spool)
            super().__init__(lines, **options)
            self._opened = True
        except BaseException:
            self._remove_spool()
            raise

    def _release(self) -> None:
        """Let go of what the stream keeps in its directory, before it is removed (nothing
        but the records, unless a subclass says)."""

    def _remove_spool(self) -> None:
        if self._spool is not None and os.getpid() == self._owner:
            self._release()
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None

    def close(self) -> None:
        """Close the records and remove their temporary directory."""
        super().close()
        self._remove_spool()


class RecordsStream(SpooledStream):
    """Records in memory, open as :class:`~careprotect.io.RegistryStream` opens a file (see
    :func:`open_records`). Closing it removes its temporary file."""

    def __init__(self, records: Iterable[Any], **options: Unpack[ReadOptions]) -> None:
        def write(out: TextIO, directory: Path) -> None:
            for number, record in enumerate(records, start=1):
                out.write(_line(number, record))

        super().__init__("records", write, prefix="careprotect-records-", **options)


def open_records(records: Iterable[Any], **options: Unpack[ReadOptions]) -> RecordsStream:
    """Open ``records`` (dicts in the registry format, reference records first, as in a
    file) as a registry, with the ``options`` of :class:`~careprotect.io.ReadOptions`: a
    :class:`~careprotect.io.RegistryStream` to give :func:`careprotect.audit`,
    :func:`careprotect.entitlements` or :func:`careprotect.plan`. Use it as a context
    manager. Bad records are rejected, not raised; a value no registry can hold raises
    :class:`~careprotect.errors.InvalidValueError` (see the module)."""
    return RecordsStream(records, **options)


def load_records(records: Iterable[Any], **options: Unpack[ReadOptions]) -> LoadResult:
    """``records`` read into memory as a whole registry, with every rejected record and the
    counts (as :func:`careprotect.load_registry` reads a file), with the ``options`` of
    :class:`~careprotect.io.ReadOptions`."""
    with open_records(records, **options) as stream:
        return collect(stream)
