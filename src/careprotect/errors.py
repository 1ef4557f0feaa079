"""The exceptions careprotect raises.

Every exception derives from :class:`CareProtectError`; each subclass also derives from the
builtin it resembles, so ``except ValueError`` still catches a bad value.

Messages follow one pattern: the thing that is wrong, what it must be, and what was given,
``'birth_date' must be a date YYYY-MM-DD (got '2019-02-30')``. A message never contains a
child's name or an unmasked citizen ID number: a name is never quoted, and the base class
passes every text it is given through :func:`~careprotect.masking.scrub`, so a run of 15 or
more digits that could be an ID number is masked in every message, whatever built it.
"""

from __future__ import annotations

from typing import Any

from careprotect.masking import scrub

__all__ = [
    "CareProtectError",
    "EvaluationError",
    "InvalidCitizenIdError",
    "InvalidDivisionError",
    "InvalidPeriodError",
    "InvalidValueError",
    "ParameterError",
    "PluginError",
    "PluginLoadError",
    "RegistryReadError",
]


class CareProtectError(Exception):
    """Base class of every error careprotect raises. Its text arguments are kept scrubbed
    (see the module's docstring), so ``str``, ``repr`` and tracebacks show ID numbers masked."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*(scrub(a) if isinstance(a, str) else a for a in args))


class InvalidValueError(CareProtectError, ValueError):
    """A value that does not meet its definition.

    ``problem`` says what is wrong without naming the field (``must be a date (got 'x')``);
    ``field`` names the attribute when it is known, and then leads the message.
    """

    subject = "value"

    def __init__(self, problem: str, *, field: str | None = None) -> None:
        self.problem = scrub(problem)
        self.field = field
        super().__init__(self._message())

    def _message(self) -> str:
        name = f"'{self.field}'" if self.field else self.subject
        return f"{name} {self.problem}"

    def for_field(self, field: str) -> InvalidValueError:
        """The same error, attributed to ``field``."""
        return type(self)(self.problem, field=field)


class InvalidDivisionError(InvalidValueError):
    """A code that is not a valid GB/T 2260 or statistical division code."""

    subject = "division code"


class InvalidCitizenIdError(InvalidValueError):
    """A string that is not a valid GB 11643-1999 citizen ID number."""

    subject = "citizen ID"


class InvalidPeriodError(InvalidValueError):
    """A period that cannot be parsed or built."""

    subject = "period"


class RegistryReadError(CareProtectError, OSError):
    """A registry file that cannot be read at all (missing, unreadable, not a registry).

    Problems with single records are not raised: they become rejections.
    """


class PluginLoadError(CareProtectError):
    """Plugins that cannot be loaded together: a conflict, a value below a floor, a bad
    parameter file, an uncited rule. The message names every plugin and source involved."""


class ParameterError(CareProtectError, LookupError):
    """A parameter asked for that is not declared, or has no value in force for the division
    and date asked about."""


class PluginError(PluginLoadError):
    """A plugin that cannot be used at all: it fails to import, one of its hooks raises, or it
    registers something that is not a category or rule. The message names the plugin (its
    distribution, version and entry point) and what went wrong."""


class EvaluationError(CareProtectError, RuntimeError):
    """A run that could not judge every record it read: a worker process died or stopped
    answering. The message says which records were not judged. No report is written."""
