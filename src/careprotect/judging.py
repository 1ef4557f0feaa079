"""One subject judged in a run context: the rules in scope of its division, each with the
:class:`~careprotect.rules.base.RuleContext` of the run, and a rule that fails contained.

A run (an audit, an entitlements calculation, a plan) makes one context per rule
(:func:`contexts`), sharing one memo; :func:`in_scope` finds the rules in scope of a division
once; :func:`judged` gives the findings of the rules in scope about one subject. Nothing here
knows files, processes or bytes: the pipeline (:mod:`careprotect.pipeline`) feeds subjects in
and takes results out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from careprotect.divisions import Division
from careprotect.faults import failed, failure, not_a_finding
from careprotect.findings import Finding, SubjectKind
from careprotect.model import ReferenceData
from careprotect.periods import Period
from careprotect.rules.base import RuleContext, RuleKind, revealed

if TYPE_CHECKING:
    from careprotect.engine import Engine, Registration

__all__ = ["Evaluation", "Evaluations", "by_subject", "contexts", "in_scope", "judged"]

# At most this many divisions' applicable rules are kept by a run at a time.
_DIVISION_CACHE_SIZE = 1024

Evaluation = tuple[Callable[..., Iterable[Any]], RuleContext, str]
"""A rule as its ``evaluate`` (or other method judging a subject), its context and its id."""
Evaluations = Callable[[Division], list[Evaluation]]
"""The rules in scope of a division."""


def contexts(
    engine: Engine,
    rules: Sequence[Registration],
    reference: ReferenceData,
    *,
    as_of: dt.date | None = None,
    period: Period | None = None,
) -> dict[str, RuleContext]:
    """A context for each of ``rules``, by id: one run's, sharing one memo."""
    memo: dict[Any, Any] = {}
    return {
        r.id: RuleContext(
            engine,
            memo=memo,
            reference=reference,
            citations=r.citations,
            plugin=r.plugin,
            as_of=as_of,
            period=period,
        )
        for r in rules
    }


def by_subject(
    engine: Engine, kind: RuleKind | Callable[[Any], bool]
) -> dict[SubjectKind, list[Registration]]:
    """The engine's rules of ``kind`` (or those ``kind`` accepts), by the kind of subject
    they judge, in id order."""
    found: dict[SubjectKind, list[Registration]] = {}
    for r in engine.rules:
        if r.item.kind is kind if isinstance(kind, RuleKind) else kind(r.item):
            found.setdefault(r.item.subject, []).append(r)
    return found


def in_scope(
    rules: Sequence[Registration],
    envs: Mapping[str, RuleContext],
    method: str | None = "evaluate",
) -> Evaluations:
    """The rules of ``rules`` whose scope holds a division, each as its ``method`` bound (the
    rule itself when ``method`` is None), its context and its id, found once per division (a
    village's children share it)."""
    cache: dict[Division, list[Evaluation]] = {}

    def evaluations(division: Division) -> list[Evaluation]:
        found = cache.get(division)
        if found is None:
            if len(cache) >= _DIVISION_CACHE_SIZE:
                cache.clear()
            found = cache[division] = [
                (r.item if method is None else getattr(r.item, method), envs[r.id], r.id)
                for r in rules
                if r.applies_to(division)
            ]
        return found

    return evaluations


def judged(item: Any, evaluations: Evaluations, reveal: bool) -> list[Finding]:
    """The findings of the rules in scope of ``item``'s division (``item`` itself for a
    division) about ``item``, with its subject unmasked when ``reveal``.

    A rule that raises (an ``Exception``), or gives something that is not a Finding, gives
    instead of its findings about ``item`` one finding with outcome error
    (:func:`careprotect.faults.failed`); the other rules are not affected. Every executor
    judges a subject here, so a parallel audit contains faults as a serial one does."""
    division = item if isinstance(item, Division) else item.division
    found: list[Finding] = []
    for evaluate, env, rule in evaluations(division):
        start = len(found)
        try:
            found.extend(evaluate(item, env))
        except Exception as exc:
            del found[start:]
            found.append(_failed(rule, item, env, failure(exc, reveal=reveal), reveal))
            continue
        for finding in found[start:]:
            if finding.__class__ is not Finding and not isinstance(finding, Finding):
                del found[start:]
                found.append(_failed(rule, item, env, not_a_finding(finding), reveal))
                break
    if reveal:
        return [revealed(finding, item) for finding in found]
    return found


def _failed(rule: str, item: Any, env: RuleContext, what: str, reveal: bool) -> Finding:
    return failed(
        rule,
        item,
        what,
        citations=env.citations,
        as_of=env.as_of,
        period=env.period,
        reveal=reveal,
    )
