"""Coverage: what every division of a level must have (POLICY.md §3, §7).

Three compliance mechanisms judge the divisions listed in a registry's reference data (the
``DIVISION`` subjects of an audit), each only the divisions of its configured level:

- :class:`HomePerVillage`: every village has an open children's home (Hunan, seed 002 §3:
  "in principle one children's home per administrative village", full coverage by the end
  of 2020);
- :class:`MinimumPerDivision`: at least N service points of a kind, or N workers of a role or
  post, within each division of a level (Hunan, seed 002 §4.2: 3 child-service social
  organisations per county, one qualified counsellor per township, by 2022-06-11);
- :class:`ModelHomeShare`: the share of a division's open children's homes that hold a model
  designation at county level or above is at least a ratio (Hunan, seed 002 §3: 10% by 2020).

**Uncertain facts.** A home whose opening date is unknown might be open, a worker whose
appointment date is unknown might be in post: the rules count what is certain and what is
possible. When the certain facts decide, the answer is compliant or non-compliant; when only
the possible ones could change it, the answer is missing input.

**Monotone.** Adding a home or a worker never turns a compliant :class:`HomePerVillage` or
:class:`MinimumPerDivision` finding (nor :class:`~careprotect.rules.staffing.PostCoverage`)
into a non-compliant one. :class:`ModelHomeShare` is a share, so adding a home without a
designation can lower it; adding a model home never does.

**Speed.** The reference data is indexed once per audit run (service points and workers by
division, and by every division containing theirs;
:func:`~careprotect.rules.common.reference_index`), so an audit of a province with tens of
thousands of villages stays linear in the size of the registry. The run's context keeps the
index, not the rule nor a module.

The day an audit judges, the optional *requirement flag* and a parameter with no value are
handled once, by :class:`~careprotect.rules.mechanism.OnDay`; the reference index and the
other shared pieces are in :mod:`careprotect.rules.common`.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import attrs

from careprotect.divisions import Division, Level
from careprotect.enums import OrganiserLevel, Post, ServicePointKind, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Measure, Message, Outcome, Remedy
from careprotect.masking import scrub
from careprotect.model import ServicePoint
from careprotect.params import Unit
from careprotect.rules.base import RuleContext
from careprotect.rules.common import (
    KIND_ZH,
    ROLE_ZH,
    count_outcome,
    english,
    enum_words,
    opening_fact,
    reference_index,
    service_fact,
    short_by,
)
from careprotect.rules.mechanism import Judging, PerDivision, parameter_field

__all__ = ["COUNTY_OR_ABOVE", "HomePerVillage", "MinimumPerDivision", "ModelHomeShare"]

#: The designation levels "at county level or above" (县级以上).
COUNTY_OR_ABOVE: frozenset[OrganiserLevel] = frozenset(
    {
        OrganiserLevel.COUNTY,
        OrganiserLevel.PREFECTURE,
        OrganiserLevel.PROVINCE,
        OrganiserLevel.NATIONAL,
    }
)

_HOME = {
    Outcome.COMPLIANT: Message(
        "{division}有开放的{kind_zh}", "{division} has an open {kind} on {day}"
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}在{day}没有开放的{kind_zh}", "{division} has no open {kind} on {day}"
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}的{kind_zh}开放日期未记录，无法判断{day}是否开放",
        "Missing input: the opening date of the {kind} of {division} is not recorded, so "
        "whether one is open on {day} is unknown",
    ),
}


@attrs.frozen(kw_only=True)
class HomePerVillage(PerDivision):
    """Every division of ``level`` (default: village) has an open service point of ``kind``
    (default: children's home) recorded in exactly that division on the day judged.

    :param required: optional flag parameter; the requirement applies while it is true (see
        :class:`~careprotect.rules.mechanism.OnDay`), e.g. Hunan's full coverage "by the end
        of 2020" as ``false`` from 2019-06-11 and ``true`` from 2021-01-01.
    """

    service_point_kind: ServicePointKind = ServicePointKind.CHILDRENS_HOME
    level: Level = Level.VILLAGE

    def judge(self, subject: Division, j: Judging) -> Finding:
        """One finding for a division of the configured level."""
        points = [
            p
            for p in reference_index(j.env).points.at.get(subject, ())
            if p.kind is self.service_point_kind
        ]
        return j.at_least_one(
            points,
            ServicePoint.open_on,
            opening_fact,
            _HOME,
            kind=english(self.service_point_kind),
            kind_zh=KIND_ZH[self.service_point_kind],
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Open a service point of the kind in the division."""
        kind = enum_words((self.service_point_kind,))
        return Remedy(Message(f"在{place}开放{kind.zh}", f"open a {kind.en} in {place}"))


_MINIMUM = {
    Outcome.COMPLIANT: Message(
        "{division}有{count}个{what_zh}，不少于{needed}个",
        "{division} has {count} {what}, at least {needed}, on {day}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}在{day}只有{count}个{what_zh}，少于{needed}个",
        "{division} has {count} {what} on {day}, fewer than {needed}",
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}确定有{count}个{what_zh}，另有{possible}个开放或在岗日期未记录，"
        "无法判断是否达到{needed}个",
        "Missing input: {division} certainly has {count} {what} on {day} and {possible} more "
        "whose opening or appointment date is not recorded; {needed} are needed",
    ),
}


@attrs.frozen(kw_only=True)
class MinimumPerDivision(PerDivision):
    """At least N service points of a kind, or N workers, within each division of ``level``.

    Counts either service points of ``service_point_kind`` open on the day, or workers in post on
    the day of ``role`` (any role if None) holding at least one of ``posts`` (any posts if
    empty), recorded in the division or in any division below it. N is the value of the
    ``count`` parameter (unit ``count``) in force for the division on the day; none in force
    is missing input.

    :param required: optional flag parameter (see :class:`~careprotect.rules.mechanism.OnDay`).
    """

    count: str = parameter_field(Unit.COUNT)
    service_point_kind: ServicePointKind | None = None
    role: WorkerRole | None = None
    posts: frozenset[Post] = frozenset()

    def __attrs_post_init__(self) -> None:
        counts_points = self.service_point_kind is not None
        counts_workers = self.role is not None or bool(self.posts)
        if counts_points == counts_workers:
            raise InvalidValueError(
                "must count either service points (service_point_kind) or workers (role and/or "
                f"posts) (got service_point_kind={self.service_point_kind}, role={self.role}, "
                f"posts={sorted(self.posts)})",
                field="service_point_kind",
            )

    def _what(self) -> tuple[str, str]:
        if self.service_point_kind is not None:
            return english(self.service_point_kind) + "(s)", KIND_ZH[self.service_point_kind]
        who = english(self.role) if self.role is not None else "worker"
        zh = ROLE_ZH[self.role] if self.role is not None else "工作人员"
        if self.posts:
            posts = enum_words(sorted(self.posts), en_joint=" or ")
            who += f"(s) holding {posts.en}"
            zh = f"{posts.zh}（{zh}）"
        else:
            who += "(s)"
        return who, zh

    def _states(
        self, subject: Division, env: RuleContext, day: dt.date
    ) -> tuple[list[bool | None], list[str]]:
        index = reference_index(env)
        if self.service_point_kind is not None:
            points = [
                p for p in index.points.within.get(subject, ()) if p.kind is self.service_point_kind
            ]
            return [p.open_on(day) for p in points], [opening_fact(p, day) for p in points]
        workers = [
            w
            for w in index.workers.within.get(subject, ())
            if (self.role is None or w.role is self.role)
            and (not self.posts or w.posts & self.posts)
        ]
        return [w.in_post_on(day) for w in workers], [service_fact(w, day) for w in workers]

    def judge(self, subject: Division, j: Judging) -> Finding:
        """One finding for a division of the configured level."""
        needed = j.value(self.count)
        states, facts = self._states(subject, j.env, j.day)
        certain, possible = states.count(True), states.count(None)
        outcome = count_outcome(certain, possible, needed)
        what, what_zh = self._what()
        return j.finding(
            outcome,
            _MINIMUM[outcome].format(
                division=subject,
                day=j.day.isoformat(),
                count=certain,
                possible=possible,
                needed=needed,
                what=what,
                what_zh=what_zh,
            ),
            facts=tuple(facts),
            measure=Measure(certain, needed),
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """How many more service points to open, or workers to appoint, in the division."""
        short = short_by(finding)
        if short is None:
            return None
        what, what_zh = self._what()
        if self.service_point_kind is not None:
            return Remedy(
                Message(f"在{place}再开放{short}个{what_zh}", f"{short} more {what} in {place}")
            )
        return Remedy(
            Message(f"在{place}再配备{short}名{what_zh}", f"appoint {short} more {what} in {place}")
        )


_SHARE = {
    Outcome.COMPLIANT: Message(
        "{division}的{kind_zh}中示范点{model}个，共{total}个，比例不低于{ratio}",
        "{division}: {model} of {total} open {kind}s are model homes on {day}, a share of at "
        "least {ratio}",
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}的{kind_zh}中示范点{model}个，共{total}个，比例低于{ratio}",
        "{division}: {model} of {total} open {kind}s are model homes on {day}, a share below "
        "{ratio}",
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}有{unknown}个{kind_zh}开放日期未记录，无法判断示范点比例是否达到{ratio}",
        "Missing input: {unknown} {kind}(s) of {division} have no recorded opening date, so "
        "whether the model share reaches {ratio} on {day} is unknown",
    ),
    Outcome.NOT_APPLICABLE: Message(
        "{division}在{day}没有开放的{kind_zh}，示范点比例无从计算",
        "{division} has no open {kind} on {day}: there is no share to judge",
    ),
}


def _share_at_least(model: int, total: int, ratio: Decimal) -> bool | None:
    """Whether ``model / total >= ratio`` exactly; None when ``total`` is 0."""
    if total == 0:
        return None
    return Decimal(model) >= ratio * total


@attrs.frozen(kw_only=True)
class ModelHomeShare(PerDivision):
    """Within each division of ``level``, the share of open service points of ``service_point_kind``
    (default: children's homes) holding a model designation is at least the ``ratio``
    parameter (unit ``ratio``).

    A designation counts when its level is one of ``designation_levels`` (default: county or
    above) and its year is not after the year of the day judged. The share is compared
    exactly (``model >= ratio * total``). A division with no open home is *not applicable*.
    Homes whose opening date is not recorded may or may not count: when the answer depends on
    them it is missing input.

    :param required: optional flag parameter (see :class:`~careprotect.rules.mechanism.OnDay`).
    """

    ratio: str = parameter_field(Unit.RATIO)
    service_point_kind: ServicePointKind = ServicePointKind.CHILDRENS_HOME
    designation_levels: frozenset[OrganiserLevel] = COUNTY_OR_ABOVE

    def is_model(self, point: ServicePoint, day: dt.date) -> bool:
        """Whether ``point`` holds a counting designation by the year of ``day``."""
        return any(
            d.level in self.designation_levels and d.year <= day.year
            for d in point.model_designations
        )

    def judge(self, subject: Division, j: Judging) -> Finding:
        """One finding for a division of the configured level."""
        day = j.day
        ratio = j.value(self.ratio)
        points = [
            p
            for p in reference_index(j.env).points.within.get(subject, ())
            if p.kind is self.service_point_kind and p.open_on(day) is not False
        ]
        known = [p for p in points if p.open_on(day)]
        unknown = [p for p in points if p.open_on(day) is None]
        model = sum(self.is_model(p, day) for p in known)
        unknown_model = sum(self.is_model(p, day) for p in unknown)
        # The lowest share leaves out the unknown model homes and counts the others; the
        # highest does the opposite.
        low = _share_at_least(model, len(known) + len(unknown) - unknown_model, ratio)
        high = _share_at_least(model + unknown_model, len(known) + unknown_model, ratio)
        outcome: Outcome
        if not points:
            outcome = Outcome.NOT_APPLICABLE
        elif low is True and high is not None:
            outcome = Outcome.COMPLIANT
        elif high is False and low is not None:
            outcome = Outcome.NON_COMPLIANT
        else:
            outcome = Outcome.MISSING_INPUT
        facts = [opening_fact(p, day) for p in points]
        facts += [f"{scrub(p.id)} is a model home" for p in points if self.is_model(p, day)]
        return j.finding(
            outcome,
            _SHARE[outcome].format(
                division=subject,
                day=day.isoformat(),
                model=model,
                total=len(known),
                unknown=len(unknown),
                ratio=ratio,
                kind=english(self.service_point_kind),
                kind_zh=KIND_ZH[self.service_point_kind],
            ),
            facts=tuple(facts),
            # The model homes the share needs of the open homes: the least whole number of
            # at least ratio x total.
            measure=Measure(model, math.ceil(ratio * len(known))) if known else None,
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """How many more open homes must hold a counting designation (the homes open
        staying as they are)."""
        short = short_by(finding)
        if short is None:
            return None
        chosen = [v for v in OrganiserLevel if v in self.designation_levels]
        levels = enum_words(chosen, zh_joint="或", en_joint=" or ")
        kind = enum_words((self.service_point_kind,))
        return Remedy(
            Message(
                f"{place}再有{short}个{kind.zh}获评{levels.zh}示范",
                f"{short} more {kind.en}(s) of {place} designated model homes ({levels.en} level)",
            )
        )
