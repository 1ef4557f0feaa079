"""Staffing: who must be in post, and who may hold a role (POLICY.md §3).

Three compliance mechanisms, configured by plugins with their own roles, posts, levels and
parameters:

- :class:`PostCoverage` (a division): every division of a level has a worker of a role in post
  (民发〔2019〕34号: a child director in every village or community, a child supervisor in every
  township or street);
- :class:`PostEligibility` (a worker): a worker of a role meets one of several
  :class:`Qualification` s (posts held, sex). Binding rules give *non-compliant* when unmet;
  preferences ("preferably", "原则上", "优先") give *advisory*;
- :class:`ServicePointDirectorEligibility` (a service point): the director of a service point
  (of a kind, optionally only one located in a school) meets a qualification (Hunan, seed 002
  §4.1: a children's home in a school has a member of the school's leadership as its child
  director).

The national rules of 民发〔2019〕34号 are instances of these, in
:data:`careprotect.national.rules.STAFFING_RULES`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from careprotect.divisions import Division
from careprotect.enums import Post, ServicePointKind, Sex, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Message, Outcome, Remedy, SubjectKind
from careprotect.masking import scrub
from careprotect.model import ServicePoint, Worker
from careprotect.rules.base import RuleContext
from careprotect.rules.common import (
    ROLE_ZH,
    english,
    enum_words,
    reference_index,
    service_fact,
)
from careprotect.rules.mechanism import Judging, OnDay, PerDivision

__all__ = [
    "PostCoverage",
    "PostEligibility",
    "Qualification",
    "ServicePointDirectorEligibility",
]

_SEX_ZH = {Sex.FEMALE: "女性", Sex.MALE: "男性"}


# -- coverage -------------------------------------------------------------------------------

_COVERAGE = {
    Outcome.COMPLIANT: Message(
        "{division}有在岗的{role_zh}", "{division} has a {role} in post on {day}"
    ),
    Outcome.NON_COMPLIANT: Message(
        "{division}在{day}没有在岗的{role_zh}", "{division} has no {role} in post on {day}"
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{division}的{role_zh}任职日期未记录，无法判断{day}是否在岗",
        "Missing input: the appointment date of the {role} of {division} is not recorded, so "
        "whether one is in post on {day} is unknown",
    ),
}


@attrs.frozen(kw_only=True)
class PostCoverage(PerDivision):
    """Every division of ``level`` has a worker of ``role`` in post on the day judged.

    A worker counts when recorded in exactly that division (``Worker.division``) and in post
    (:meth:`~careprotect.model.Worker.in_post_on`). Compliant when one certainly is;
    non-compliant when none is and none might be; missing input when none certainly is but a
    worker whose appointment date is not recorded might be. Divisions of other levels get no
    finding.

    :param required: optional flag parameter; the requirement applies while it is true (see
        :class:`~careprotect.rules.mechanism.OnDay`).
    """

    role: WorkerRole

    def judge(self, subject: Division, j: Judging) -> Finding:
        """One finding for a division of the configured level."""
        workers = [
            w for w in reference_index(j.env).workers.at.get(subject, ()) if w.role is self.role
        ]
        return j.at_least_one(
            workers,
            Worker.in_post_on,
            service_fact,
            _COVERAGE,
            role=english(self.role),
            role_zh=ROLE_ZH[self.role],
        )

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Appoint a worker of the role for the division."""
        role = english(self.role)
        return Remedy(
            Message(f"为{place}配备{ROLE_ZH[self.role]}", f"appoint a {role} for {place}")
        )


# -- eligibility ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Qualification:
    """One way to qualify: hold at least one of ``posts`` (when any are given) and be of
    ``sex`` (when given). At least one of the two must be given."""

    posts: frozenset[Post] = frozenset()
    sex: Sex | None = None

    def __attrs_post_init__(self) -> None:
        if not self.posts and self.sex is None:
            raise InvalidValueError("must name posts, a sex or both (got neither)", field="posts")

    def met_by(self, worker: Worker) -> bool | None:
        """Whether ``worker`` qualifies; None when the worker's sex matters and is not
        recorded (and the posts do not already rule the worker out)."""
        if self.posts and not worker.posts & self.posts:
            return False
        if self.sex is None:
            return True
        if worker.sex is None:
            return None
        return worker.sex is self.sex

    def describe(self) -> Message:
        """The qualification in words."""
        en, zh = [], []
        if self.sex is not None:
            en.append(self.sex.value)
            zh.append(_SEX_ZH[self.sex])
        if self.posts:
            posts = enum_words(sorted(self.posts), zh_joint="或", en_joint=" or ")
            en.append(posts.en)
            zh.append(posts.zh)
        else:
            en.append("person")
            zh.append("人员")
        return Message("".join(zh), " ".join(en))


def _any_met(qualifications: tuple[Qualification, ...], worker: Worker) -> bool | None:
    """Kleene OR over the qualifications: True if one is met, None if one might be."""
    answers = [q.met_by(worker) for q in qualifications]
    if True in answers:
        return True
    if None in answers:
        return None
    return False


def _check_qualifications(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidValueError(
            f"must be a non-empty tuple (got {value!r})", field="qualifications"
        )


def _worker_facts(worker: Worker) -> tuple[str, ...]:
    posts = ", ".join(sorted(p.value for p in worker.posts)) or "none recorded"
    sex = worker.sex.value if worker.sex is not None else "not recorded"
    return (f"{worker.role.value} {scrub(worker.id)}: posts {posts}; sex {sex}",)


def _requirement(qualifications: tuple[Qualification, ...]) -> Message:
    described = [q.describe() for q in qualifications]
    return Message("；或".join(m.zh for m in described), "; or ".join(m.en for m in described))


def _to_someone_qualified(post: Message, qualifications: tuple[Qualification, ...]) -> Remedy:
    """The remedy of a post held by someone who has none of ``qualifications``: give
    ``post`` to someone who has one."""
    need = _requirement(qualifications)
    return Remedy(
        Message(
            f"改由符合条件的人员（{need.zh}）担任{post.zh}",
            f"give the post of {post.en} to someone who qualifies ({need.en})",
        )
    )


_ELIGIBLE = {
    Outcome.COMPLIANT: Message(
        "{who_zh}符合任职条件：{need_zh}", "The {who} meets the requirement: {need_en}"
    ),
    Outcome.NON_COMPLIANT: Message(
        "{who_zh}不符合任职条件：应为{need_zh}",
        "The {who} does not meet the requirement: must be {need_en}",
    ),
    Outcome.ADVISORY: Message(
        "建议：{who_zh}宜由{need_zh}担任", "Advice: the {who} should preferably be {need_en}"
    ),
    Outcome.MISSING_INPUT: Message(
        "缺少输入：{who_zh}的性别未记录，无法判断是否为{need_zh}",
        "Missing input: the {who}'s sex is not recorded, so whether they are {need_en} is unknown",
    ),
}


def _eligibility_outcome(met: bool | None, binding: bool) -> Outcome:
    if met is None:
        return Outcome.MISSING_INPUT
    if met:
        return Outcome.COMPLIANT
    return Outcome.NON_COMPLIANT if binding else Outcome.ADVISORY


@attrs.frozen(kw_only=True)
class PostEligibility(OnDay):
    """Each worker of ``role`` in post (or perhaps in post) on the day judged meets one of the
    ``qualifications``.

    Met: compliant. Unmet: non-compliant when ``binding``, advisory when not (a preference:
    "preferably", 原则上, 优先). The worker's sex not recorded, where it decides: missing
    input. Workers not in post on the day get no finding.

    :param required: optional flag parameter (see
        :class:`~careprotect.rules.mechanism.OnDay`).
    """

    role: WorkerRole
    qualifications: tuple[Qualification, ...] = attrs.field(validator=_check_qualifications)
    binding: bool

    subject: ClassVar[SubjectKind] = SubjectKind.WORKER

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Give the post to a worker who qualifies."""
        return _to_someone_qualified(enum_words((self.role,)), self.qualifications)

    def selects(self, subject: Worker, day: dt.date, env: RuleContext) -> bool:
        """A worker of the role who is, or may be, in post on ``day``."""
        return subject.role is self.role and subject.in_post_on(day) is not False

    def judge(self, subject: Worker, j: Judging) -> Finding:
        """One finding for a worker of the role who is or may be in post."""
        outcome = _eligibility_outcome(_any_met(self.qualifications, subject), self.binding)
        need = _requirement(self.qualifications)
        return j.finding(
            outcome,
            _ELIGIBLE[outcome].format(
                who=english(self.role),
                who_zh=ROLE_ZH[self.role],
                need_en=need.en,
                need_zh=need.zh,
            ),
            facts=_worker_facts(subject),
        )


_NO_DIRECTOR = Message(
    "缺少输入：{point}未记录负责人",
    "Missing input: {point} has no director recorded",
)
_UNKNOWN_DIRECTOR = Message(
    "缺少输入：{point}的负责人 {director} 不在工作人员名单中",
    "Missing input: the director {director} of {point} is not among the registry's workers",
)


@attrs.frozen(kw_only=True)
class ServicePointDirectorEligibility(OnDay):
    """The director of each service point of ``service_point_kind`` meets one of the
    ``qualifications``; with ``in_school`` True (the default) only points located in a school
    are judged, with False only the others, with None all.

    The director is :attr:`~careprotect.model.ServicePoint.director`, a worker id looked up
    in the reference data: none recorded, or an id not found, is missing input. Points not
    open on the day get no finding. Outcomes as :class:`PostEligibility`.

    :param required: optional flag parameter (see
        :class:`~careprotect.rules.mechanism.OnDay`).
    """

    service_point_kind: ServicePointKind
    qualifications: tuple[Qualification, ...] = attrs.field(validator=_check_qualifications)
    binding: bool
    in_school: bool | None = True

    subject: ClassVar[SubjectKind] = SubjectKind.SERVICE_POINT

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """Appoint a director who qualifies."""
        return _to_someone_qualified(Message("负责人", "director"), self.qualifications)

    def selects(self, subject: ServicePoint, day: dt.date, env: RuleContext) -> bool:
        """A point of the kind (and school setting) that is, or may be, open on ``day``."""
        if subject.kind is not self.service_point_kind:
            return False
        if self.in_school is not None and subject.in_school is not self.in_school:
            return False
        return subject.open_on(day) is not False

    def judge(self, subject: ServicePoint, j: Judging) -> Finding:
        """One finding for a point of the kind (and school setting) that is or may be open."""
        where = f"in school: {'yes' if subject.in_school else 'no'}"
        if subject.director is None:
            return j.finding(
                Outcome.MISSING_INPUT,
                _NO_DIRECTOR.format(point=scrub(subject.id)),
                facts=(where,),
            )
        director = j.env.reference.worker(subject.director)
        if director is None:
            return j.finding(
                Outcome.MISSING_INPUT,
                _UNKNOWN_DIRECTOR.format(point=scrub(subject.id), director=scrub(subject.director)),
                facts=(where,),
            )
        outcome = _eligibility_outcome(_any_met(self.qualifications, director), self.binding)
        need = _requirement(self.qualifications)
        return j.finding(
            outcome,
            _ELIGIBLE[outcome].format(
                who=f"director of {scrub(subject.id)}",
                who_zh=f"{scrub(subject.id)}的负责人",
                need_en=need.en,
                need_zh=need.zh,
            ),
            facts=(where, *_worker_facts(director)),
        )
