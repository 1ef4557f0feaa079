"""Faults of plugins: what a rule that fails becomes, and what a plugin must register.

A rule that raises while it judges a subject, or gives something that is not a
:class:`~careprotect.findings.Finding`, does not stop an audit: that rule's findings about that
subject are replaced by one finding with outcome ``error`` (:func:`failed`), and the audit goes
on with every other rule and subject. Its message names the exception's type and the place in
the code that raised it.

**What the message leaves out.** The text of an exception raised by a rule may hold anything
the rule had in hand, a child's name included, and a name cannot be recognised in free text.
So the message carries the exception's own text only when careprotect wrote it (a
:class:`~careprotect.errors.CareProtectError`, whose messages never name a child) or when the
audit reveals names anyway (``reveal``); in both cases scrubbed of ID numbers
(:func:`~careprotect.masking.scrub`). Otherwise it says where the exception was raised (module,
line and function), which holds no personal data and is what a plugin's author needs.
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

from careprotect.divisions import Division
from careprotect.errors import CareProtectError
from careprotect.findings import Finding, Message, Outcome, SubjectKind
from careprotect.masking import scrub
from careprotect.model import Child, ServicePoint, Worker
from careprotect.params import Citation
from careprotect.periods import Period
from careprotect.rules.base import RuleKind, subject_of

__all__ = [
    "FAILED",
    "category_problem",
    "exception_text",
    "failed",
    "failure",
    "not_a_finding",
    "plugin_name",
    "rule_problem",
    "type_name",
]

FAILED = Message("规则执行出错：{what}", "The rule failed: {what}")
"""The message of an error finding; ``what`` is :func:`failure`'s text."""

_TEXT_LIMIT = 300
"""At most this many characters of an exception's own text are kept."""


def type_name(obj: object) -> str:
    """The qualified name of ``obj``'s type, with its module unless it is a builtin."""
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _origin(exc: BaseException) -> str:
    """Where ``exc`` was raised: the innermost frame of its traceback, as module, line and
    function (``careprotect_hunan.rules line 42 in evaluate``)."""
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = tb.tb_frame
    module = frame.f_globals.get("__name__", "?")
    return f" in {frame.f_code.co_name} ({module} line {tb.tb_lineno})"


def exception_text(exc: BaseException, *, text: bool = True) -> str:
    """``exc`` in one line: its type and, when ``text``, its own text, scrubbed of ID numbers
    and cut at 300 characters."""
    said = " ".join(str(exc).split()) if text else ""
    if len(said) > _TEXT_LIMIT:
        said = said[: _TEXT_LIMIT - 1] + "…"
    return f"{type_name(exc)}: {scrub(said)}" if said else type_name(exc)


def failure(exc: BaseException, *, reveal: bool = False) -> str:
    """What an error finding says of ``exc``: its type and where it was raised, with its own
    text only when careprotect wrote it or ``reveal`` (see the module's docstring)."""
    return exception_text(exc, text=reveal or isinstance(exc, CareProtectError)) + _origin(exc)


def not_a_finding(value: object, expected: str = "a Finding") -> str:
    """What an error finding says of a rule that gave ``value`` instead of a finding (or of
    what ``expected`` names)."""
    return f"gave {type_name(value)}, not {expected}"


def failed(
    rule: str,
    item: Child | Worker | ServicePoint | Division,
    what: str,
    *,
    citations: tuple[Citation, ...] = (),
    as_of: dt.date | None = None,
    period: Period | None = None,
    reveal: bool = False,
) -> Finding:
    """The error finding of ``rule`` about ``item``: ``what`` went wrong (:func:`failure` or
    :func:`not_a_finding`), on the day or over the period judged."""
    subject, division = subject_of(item, reveal=reveal)
    return Finding(
        rule=rule,
        subject=subject,
        division=division,
        outcome=Outcome.ERROR,
        message=FAILED.format(what=what),
        citations=citations,
        day=as_of,
        period=period,
    )


# -- what a plugin registers -------------------------------------------------------------------


def plugin_name(plugin: object) -> str:
    """A plugin object as text, before it has said who it is: a module's name, else its
    repr."""
    if isinstance(plugin, ModuleType):
        return f"module {plugin.__name__}"
    try:
        return repr(plugin)
    except Exception:  # a plugin's own __repr__ may fail too
        return f"a {type_name(plugin)} object"


def _missing(item: object, names: tuple[str, ...], methods: tuple[str, ...]) -> str | None:
    """The first of ``names`` ``item`` lacks, or of ``methods`` it lacks or cannot call."""
    for name in names:
        if not hasattr(item, name):
            return f"it has no {name!r}"
    for name in methods:
        if not callable(getattr(item, name, None)):
            return f"it has no method {name!r}"
    return None


def _common(item: object) -> str | None:
    missing = _missing(item, ("id", "title", "citations"), ("evaluate",))
    if missing is not None:
        return missing
    if not isinstance(item.id, str) or not item.id:  # type: ignore[attr-defined]
        return f"its id is {item.id!r}, not a text"  # type: ignore[attr-defined]
    citations: Any = item.citations  # type: ignore[attr-defined]
    if not isinstance(citations, tuple | list) or not all(isinstance(c, str) for c in citations):
        return f"its citations are {citations!r}, not a tuple of citation keys"
    return None


def rule_problem(item: object) -> str | None:
    """Why ``item`` is not a rule (see :class:`~careprotect.rules.base.Rule`), or None."""
    problem = _common(item)
    if problem is not None:
        return problem
    kind, subject = getattr(item, "kind", None), getattr(item, "subject", None)
    if not isinstance(kind, RuleKind):
        return f"its kind is {kind!r}, not a RuleKind"
    if not isinstance(subject, SubjectKind):
        return f"its subject is {subject!r}, not a SubjectKind"
    if kind is RuleKind.ENTITLEMENT:
        return _missing(item, (), ("amounts", "check"))
    return None


def category_problem(item: object) -> str | None:
    """Why ``item`` is not a category (see :class:`~careprotect.rules.base.CategoryRule`),
    or None."""
    return _common(item) or _missing(item, (), ("breakpoints",))
