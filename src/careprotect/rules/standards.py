"""Standards of service points: areas and facilities (POLICY.md §7; Hunan, seed 002 §3:
indoor floor area generally at least 50 m²; facilities for video calls, study and reading,
recreation; a safe outdoor activity area large enough for use; where possible a psychological
counselling room).

Two mechanisms, one instance per aspect, so each aspect has its own stable rule id:

- :class:`AreaStandard`: the indoor floor area (or the outdoor area) is recorded and at least
  a ``m2`` parameter; with no parameter named, an area must merely be present (more than 0).
- :class:`FacilityStandard`: every facility listed by a ``choices`` parameter (of
  :class:`~careprotect.enums.Facility` values) is present; binding (non-compliant when one is
  absent) or a recommendation (advisory: "where possible").

They judge service points of one kind that are open, or may be open (opening date not
recorded), on the day judged; a point not open then gets no finding. An area not recorded is
missing input, never zero. The facilities are read as recorded: a facility not listed is
absent.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import ClassVar

import attrs

from careprotect.enums import ServicePointKind
from careprotect.findings import Finding, Message, Outcome, SubjectKind
from careprotect.masking import scrub
from careprotect.model import ServicePoint
from careprotect.params import Evidence
from careprotect.rules.base import RuleContext, RuleKind
from careprotect.rules.common import check_required, judged_day, missing_parameter

__all__ = ["Area", "AreaStandard", "FacilityStandard"]


class Area(enum.StrEnum):
    """Which area of a service point a standard is about (the model field's name)."""

    FLOOR = "floor_area_m2"
    OUTDOOR = "outdoor_area_m2"


_AREA_ZH = {Area.FLOOR: "室内使用面积", Area.OUTDOOR: "室外活动场地面积"}
_AREA_EN = {Area.FLOOR: "indoor floor area", Area.OUTDOOR: "outdoor activity area"}

_AREA = {
    Outcome.COMPLIANT: Message(
        "{point}的{area_zh}为{value}平方米，{need_zh}",
        "The {area} of {point} is {value} m², {need}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{point}的{area_zh}为{value}平方米，未达到{need_zh}",
        "The {area} of {point} is {value} m², short of {need}",
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{point}的{area_zh}未记录", "Missing input: the {area} of {point} is not recorded"
    ),
}


@attrs.frozen(kw_only=True)
class _PointRule:
    id: str
    title: Message
    citations: tuple[str, ...]
    kind_of_point: ServicePointKind
    required: str | None = None

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.SERVICE_POINT

    def _start(
        self, subject: ServicePoint, env: RuleContext
    ) -> tuple[Finding | None, list[Evidence]] | None:
        """None when the point is not judged; else a finding to give instead (or None) and
        the requirement flag's evidence."""
        if subject.kind is not self.kind_of_point:
            return None
        day = judged_day(env)
        if subject.open_on(day) is False:
            return None
        gate = check_required(self, subject, env, day)
        if isinstance(gate, Finding):
            return gate, []
        return None, [] if gate is None else [gate]


@attrs.frozen(kw_only=True)
class AreaStandard(_PointRule):
    """The ``area`` of each service point of ``kind_of_point`` is at least the ``minimum``
    parameter (unit ``m2``, as in force for the point's division on the day judged), compared
    exactly; with ``minimum`` None, at least some area (more than 0 m²) is required.

    Area not recorded, or no value of ``minimum`` in force: missing input.
    """

    area: Area
    minimum: str | None = None

    def evaluate(self, subject: ServicePoint, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per service point of the kind."""
        start = self._start(subject, env)
        if start is None:
            return
        instead, evidence = start
        if instead is not None:
            yield instead
            return
        day = judged_day(env)
        words = {
            "point": scrub(subject.id),
            "area": _AREA_EN[self.area],
            "area_zh": _AREA_ZH[self.area],
        }
        value = getattr(subject, self.area.value)
        if value is None:
            yield env.finding(
                self,
                subject,
                Outcome.MISSING_INPUT,
                _AREA[Outcome.MISSING_INPUT].format(**words),
                evidence=evidence,
                day=day,
            )
            return
        if self.minimum is None:
            met = value > 0
            need, need_zh = "more than 0 m²", "应有场地"
        else:
            minimum = env.lookup(self.minimum, subject.division, day)
            if minimum is None:
                yield missing_parameter(self, subject, env, self.minimum, day, evidence)
                return
            evidence.append(minimum.evidence)
            met = value >= minimum.value
            need, need_zh = f"at least {minimum.value} m²", f"不少于{minimum.value}平方米"
        outcome = Outcome.COMPLIANT if met else Outcome.NON_COMPLIANT
        shown = scrub(str(value))  # an area of 15 digits or more may be an ID number
        yield env.finding(
            self,
            subject,
            outcome,
            _AREA[outcome].format(value=shown, need=need, need_zh=need_zh, **words),
            evidence=evidence,
            day=day,
            facts=(f"{self.area.value} {shown}",),
        )


_FACILITIES = {
    Outcome.COMPLIANT: Message(
        "{point}具备所需设施：{needed}", "{point} has the facilities: {needed}"
    ),
    Outcome.NON_COMPLIANT: Message(
        "{point}缺少设施：{absent}", "{point} lacks the facilities: {absent}"
    ),
    Outcome.ADVISORY: Message(
        "建议：{point}有条件的可配备：{absent}",
        "Advice: where possible, {point} should have: {absent}",
    ),
}


@attrs.frozen(kw_only=True)
class FacilityStandard(_PointRule):
    """Each service point of ``kind_of_point`` has every facility listed by the
    ``facilities`` parameter (unit ``choices``, as in force on the day judged).

    All present: compliant. One or more absent: non-compliant when ``binding``, advisory when
    not ("where possible"). No value of ``facilities`` in force: missing input.
    """

    facilities: str
    binding: bool = True

    def evaluate(self, subject: ServicePoint, env: RuleContext) -> Iterator[Finding]:
        """At most one finding per service point of the kind."""
        start = self._start(subject, env)
        if start is None:
            return
        instead, evidence = start
        if instead is not None:
            yield instead
            return
        day = judged_day(env)
        needed = env.lookup(self.facilities, subject.division, day)
        if needed is None:
            yield missing_parameter(self, subject, env, self.facilities, day, evidence)
            return
        evidence.append(needed.evidence)
        have = {f.value for f in subject.facilities}
        absent = [f for f in needed.value if f not in have]
        if not absent:
            outcome = Outcome.COMPLIANT
        else:
            outcome = Outcome.NON_COMPLIANT if self.binding else Outcome.ADVISORY
        yield env.finding(
            self,
            subject,
            outcome,
            _FACILITIES[outcome].format(
                point=scrub(subject.id),
                needed=", ".join(needed.value) or "none",
                absent=", ".join(absent),
            ),
            evidence=evidence,
            day=day,
            facts=(
                f"{subject.kind.value} {scrub(subject.id)} facilities: "
                + (", ".join(sorted(have)) or "none recorded"),
            ),
        )
