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

import datetime as dt
import enum
from typing import ClassVar

import attrs

from careprotect.enums import Facility, ServicePointKind
from careprotect.findings import Finding, Measure, Message, Outcome, Remedy, SubjectKind
from careprotect.masking import scrub
from careprotect.model import ServicePoint
from careprotect.params import Unit
from careprotect.rules.base import RuleContext
from careprotect.rules.common import enum_words, lacking, short_by
from careprotect.rules.mechanism import Judging, OnDay, parameter_field

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
class _PointRule(OnDay):
    service_point_kind: ServicePointKind

    subject: ClassVar[SubjectKind] = SubjectKind.SERVICE_POINT

    def selects(self, subject: ServicePoint, day: dt.date, env: RuleContext) -> bool:
        """A point of the kind that is open, or may be, on ``day``."""
        return subject.kind is self.service_point_kind and subject.open_on(day) is not False


@attrs.frozen(kw_only=True)
class AreaStandard(_PointRule):
    """The ``area`` of each service point of ``service_point_kind`` is at least the ``minimum``
    parameter (unit ``m2``, as in force for the point's division on the day judged), compared
    exactly; with ``minimum`` None, at least some area (more than 0 m²) is required.

    Area not recorded, or no value of ``minimum`` in force: missing input.
    """

    area: Area
    minimum: str | None = parameter_field(Unit.M2, default=None)

    def judge(self, subject: ServicePoint, j: Judging) -> Finding:
        """One finding per service point of the kind."""
        words = {
            "point": scrub(subject.id),
            "area": _AREA_EN[self.area],
            "area_zh": _AREA_ZH[self.area],
        }
        value = getattr(subject, self.area.value)
        if value is None:
            return j.finding(Outcome.MISSING_INPUT, _AREA[Outcome.MISSING_INPUT].format(**words))
        measure = None
        if self.minimum is None:
            met = value > 0
            need, need_zh = "more than 0 m²", "应有场地"
        else:
            minimum = j.value(self.minimum)
            met = value >= minimum
            need, need_zh = f"at least {minimum} m²", f"不少于{minimum}平方米"
            measure = Measure(value, minimum)
        outcome = Outcome.COMPLIANT if met else Outcome.NON_COMPLIANT
        shown = scrub(str(value))  # an area of 15 digits or more may be an ID number
        return j.finding(
            outcome,
            _AREA[outcome].format(value=shown, need=need, need_zh=need_zh, **words),
            facts=(f"{self.area.value} {shown}",),
            measure=measure,
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """The area short of the minimum ("7.5 m² more indoor floor area"); with no
        minimum, some area."""
        zh, en = _AREA_ZH[self.area], _AREA_EN[self.area]
        if self.minimum is None:
            return Remedy(Message(f"提供{zh}", f"provide an {en}"))
        short = short_by(finding)
        if short is None:
            return None
        return Remedy(Message(f"{zh}再增加 {short} 平方米", f"{short} m² more {en}"))


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
    """Each service point of ``service_point_kind`` has every facility listed by the
    ``facilities`` parameter (unit ``choices``, as in force on the day judged).

    All present: compliant. One or more absent: non-compliant when ``binding``, advisory when
    not ("where possible"). No value of ``facilities`` in force: missing input.
    """

    facilities: str = parameter_field(Unit.CHOICES, choices=Facility)
    binding: bool = True

    def judge(self, subject: ServicePoint, j: Judging) -> Finding:
        """One finding per service point of the kind."""
        needed = j.value(self.facilities)
        have = {f.value for f in subject.facilities}
        absent = [f for f in needed if f not in have]
        if not absent:
            outcome = Outcome.COMPLIANT
        else:
            outcome = Outcome.NON_COMPLIANT if self.binding else Outcome.ADVISORY
        return j.finding(
            outcome,
            measure=Measure(tuple(f for f in needed if f in have), tuple(needed)),
            message=_FACILITIES[outcome].format(
                point=scrub(subject.id),
                needed=", ".join(needed) or "none",
                absent=", ".join(absent),
            ),
            facts=(
                f"{subject.kind.value} {scrub(subject.id)} facilities: "
                + (", ".join(sorted(have)) or "none recorded"),
            ),
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """The facilities lacking."""
        missing = lacking(finding)
        if not missing:
            return None
        words = enum_words(Facility(f) for f in missing)
        return Remedy(Message(f"配备设施：{words.zh}", f"provide the facilities: {words.en}"))
