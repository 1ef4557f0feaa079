"""Excel ledgers (台账): a registry as a workbook that county staff fill in, read and written.

One layout (:mod:`~careprotect.ledger.layout`), derived from the model's attrs classes, drives
the empty template and the export (:mod:`~careprotect.ledger.writer`) and the import
(:mod:`~careprotect.ledger.reader`, :mod:`~careprotect.ledger.stream`). A ledger is read as a
registry: :func:`careprotect.open_registry` opens one (by its ``.xlsx`` name or its content)
as a :class:`~careprotect.ledger.stream.LedgerStream`, whose rejections name the sheet, row and
column of each bad cell. docs/ledgers.md describes the workbook.

openpyxl, which reads and writes the workbooks, is the optional extra ``excel``: it is
imported only when a ledger is read or written, never by ``import careprotect``.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from careprotect.errors import CareProtectError

__all__ = ["INSTALL_HINT", "LedgerUnavailableError", "is_ledger", "load_openpyxl"]

INSTALL_HINT = "pip install 'careprotect[excel]' (in a checkout: pip install -e '.[excel]')"

_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC = b"PK\x03\x04"


class LedgerUnavailableError(CareProtectError, ImportError):
    """An Excel ledger was asked for, but openpyxl, which reads and writes them, is not
    installed."""


def load_openpyxl() -> ModuleType:
    """The openpyxl module, or :class:`LedgerUnavailableError` saying how to install it."""
    try:
        import openpyxl
    except ModuleNotFoundError as exc:
        if exc.name != "openpyxl":
            raise
        raise LedgerUnavailableError(
            f"Excel ledgers need openpyxl, which is not installed: {INSTALL_HINT}"
        ) from None
    module: ModuleType = openpyxl
    return module


def is_ledger(path: str | Path) -> bool:
    """Whether ``path`` names an Excel ledger: a ``.xlsx`` (or ``.xlsm``) file, or a file that
    starts as a ZIP archive does (a workbook read from standard input), which no JSON
    registry does."""
    path = Path(path)
    if path.suffix.lower() in _SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(4) == _ZIP_MAGIC
    except OSError:
        return False
