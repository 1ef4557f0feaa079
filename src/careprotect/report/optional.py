"""The optional libraries of the reports people read: openpyxl for ``--format xlsx``, Jinja2
for ``--format html`` (the extras ``excel`` and ``html``, or both as ``reports``). Each is
imported only when its format is asked for, never by ``import careprotect``."""

from __future__ import annotations

import importlib
from types import ModuleType

from careprotect.errors import CareProtectError

__all__ = ["LIBRARIES", "REPORTS_HINT", "ReportUnavailableError", "require", "require_format"]

LIBRARIES = {"xlsx": "openpyxl", "html": "jinja2"}
"""The library each optional format needs."""
REPORTS_HINT = "pip install 'careprotect[reports]' (in a checkout: pip install -e '.[reports]')"


class ReportUnavailableError(CareProtectError, ImportError):
    """A report format was asked for whose library (openpyxl, Jinja2) is not installed."""


def require(module: str, fmt: str) -> ModuleType:
    """The module ``module`` (``openpyxl``, ``jinja2``) that ``--format fmt`` needs, or
    :class:`ReportUnavailableError` saying in one line how to install it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise ReportUnavailableError(
            f"--format {fmt} needs {module}, which is not installed: {REPORTS_HINT}"
        ) from None


def require_format(fmt: str) -> None:
    """Fail now, in one line naming the extra to install, when the library ``--format fmt``
    needs is missing (nothing for the formats that need none): a report whose writer is made
    only after its run (the rectification list) calls it before the run."""
    if fmt in LIBRARIES:
        require(LIBRARIES[fmt], fmt)
