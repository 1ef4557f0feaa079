"""Opening a registry that may be an Excel ledger: what the command line's verbs call, so that
each of them reads a ``.xlsx`` ledger as it reads a JSON registry.

:func:`careprotect.io.open_registry` reads JSON documents and JSON Lines only, and knows
nothing of ledgers (the reader does not depend on its readers of other formats). These
functions take the same arguments and open a ledger (a ``.xlsx`` file, or any file that is a
ZIP archive) as a :class:`~careprotect.ledger.stream.LedgerStream`, anything else as
:func:`~careprotect.io.open_registry` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from careprotect import io
from careprotect.ledger import is_ledger
from careprotect.ledger.stream import LedgerStream

__all__ = ["load_registry", "open_registry"]


def open_registry(path: str | Path, **options: Unpack[io.ReadOptions]) -> io.RegistryStream:
    """:func:`careprotect.io.open_registry`, or for an Excel ledger a
    :class:`~careprotect.ledger.stream.LedgerStream` (which needs the ``excel`` extra)."""
    opener = LedgerStream if is_ledger(path) else io.RegistryStream
    return opener(path, **options)


def load_registry(path: str | Path, **options: Unpack[io.ReadOptions]) -> io.LoadResult:
    """:func:`careprotect.io.load_registry`, reading an Excel ledger too."""
    if not is_ledger(path):
        return io.load_registry(path, **options)
    with LedgerStream(path, **options) as stream:
        return io.collect(stream)
