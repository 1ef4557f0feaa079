"""The rectification list (整改清单): each non-compliant finding of an audit as a task.

A task says who must act, what would make the finding compliant, by when, and on what rule
and citation; see docs/rectify.md.

- **What.** The rule's :meth:`~careprotect.rules.mechanism.Mechanism.remedy`, at the smallest
  measure the rule can tell ("1 more contact (home visit) in 2024-12", "7.5 m² more indoor
  floor area"); a rule that cannot tell gives the finding's message (``what_from``
  ``finding``).
- **Who.** For a child: the workers the finding names as answerable (``responsible``: those
  paired with the child under a scheme, as the "1+1" rules judge their contacts) and of the
  rule's ``roles``, else the workers of the rule's ``roles`` (child directors when it names
  none) of the child's village in post, or perhaps in post, on the day due, as the contact
  plan finds them (:class:`~careprotect.planning.VillageWorkers`); the first by id. For a
  service point: its director, when recorded and known. For a worker: the county that
  appoints and trains. For a division: the level above it that must staff or equip it (a
  village's township, a township's county; a county or above itself). When no worker is
  found, the township of the subject (or the county, for a subject above township level).
- **By when.** A deadline the rule's remedy gives, else the last day of the period the
  finding judges, else the day it judges.
- **Id.** A keyed hash (HMAC-SHA256) of the rule, the subject's kind and unmasked id, and the
  period judged (not the day: a point-in-time task is the same task on the next day). The
  key is the environment variable :data:`KEY_ENV`, or a built-in one: with the built-in
  key, anyone holding the list can test a guessed ID number against it, so a county that
  shares lists sets its own key. The key's check (not the key) is written with the list, so
  a list compared with one made under another key is refused.

The findings must come unmasked (``careprotect.pipeline.audit(..., reveal=True)``): the id
is made from the unmasked subject, and the subject is masked here unless ``reveal``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from careprotect.divisions import Division, Level
from careprotect.enums import WorkerRole
from careprotect.findings import Finding, Message, Outcome, Subject, SubjectKind
from careprotect.masking import mask_name, scrub
from careprotect.model import ReferenceData, Worker
from careprotect.periods import Period
from careprotect.planning import VillageWorkers

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = [
    "KEY_ENV",
    "Actor",
    "Rectifier",
    "Task",
    "TaskKey",
    "TaskState",
    "compare",
]

KEY_ENV = "CAREPROTECT_TASK_KEY"
"""The environment variable holding the key of the tasks' ids."""
_BUILT_IN_KEY = b"careprotect rectification task id, built-in key"
_DEFAULT_ROLES = (WorkerRole.CHILD_DIRECTOR,)


class TaskState(enum.StrEnum):
    """A task against a previous list: ``new`` (not in it), ``open`` (in both), ``done`` (in
    it, and this run judged its rule, subject and period compliant or not applicable), or
    ``unchecked`` (in it, and this run did not judge it again, or judged it missing input,
    advisory or error: whether it was done is not known)."""

    NEW = "new"
    OPEN = "open"
    DONE = "done"
    UNCHECKED = "unchecked"


@attrs.frozen
class TaskKey:
    """The key of the tasks' ids: its ``source`` (``built-in`` or :data:`KEY_ENV`) and the
    ``check`` written with the list (the first 8 hex digits of the HMAC of a fixed text)."""

    secret: bytes = attrs.field(repr=False)
    source: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> TaskKey:
        """The key in :data:`KEY_ENV` when set and not empty, else the built-in one."""
        value = environ.get(KEY_ENV, "")
        if value:
            return cls(value.encode("utf-8"), KEY_ENV)
        return cls(_BUILT_IN_KEY, "built-in")

    @property
    def check(self) -> str:
        """What tells two keys apart without showing either."""
        return hmac.new(self.secret, b"careprotect key check", hashlib.sha256).hexdigest()[:8]

    def as_dict(self) -> dict[str, str]:
        """The JSON form: source and check."""
        return {"source": self.source, "check": self.check}

    def task_id(self, rule: str, subject: Subject, period: Period | None) -> str:
        """The stable id of the task of ``rule`` about ``subject`` (unmasked) for
        ``period`` (None for a point-in-time rule)."""
        text = "\x1f".join((rule, subject.kind.value, subject.id, str(period or "")))
        digest = hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return "t" + digest[:16]


@attrs.frozen
class Actor:
    """Who must act: a worker (``kind`` ``worker``, with ``role``) or a division (``kind``
    ``division``, ``id`` its code, ``role`` its level); ``name`` masked for a worker unless
    revealed."""

    kind: str
    id: str
    name: str
    role: str


@attrs.frozen(kw_only=True)
class Task:
    """One task of the list: a non-compliant finding, who must act, what and by when."""

    id: str
    rule: str
    title: Message
    subject: Subject
    division: Division
    actor: Actor
    what: Message
    what_from: str
    due: dt.date
    finding: Finding

    def as_dict(self, state: TaskState = TaskState.NEW) -> dict[str, Any]:
        """The JSON form of the task (docs/schema/rectify-report.schema.json), which the
        CSV and the table are made from too: one form of a task feeds every writer."""
        f = self.finding
        data: dict[str, Any] = {
            "id": self.id,
            "state": state.value,
            "township": _code(_up_to(self.division, Level.TOWNSHIP)),
            "village": _code(_up_to(self.division, Level.VILLAGE)),
            "actor": attrs.asdict(self.actor),
            "what": {"zh": self.what.zh, "en": self.what.en},
            "what_from": self.what_from,
            "due": self.due.isoformat(),
            "rule": self.rule,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "subject": {"kind": self.subject.kind.value, "id": self.subject.id},
            "division": str(self.division),
            "message": {"zh": f.message.zh, "en": f.message.en},
            "citations": [c.as_dict() for c in f.citations],
            "rests_on": f.rests_on.value,
        }
        if self.subject.name:
            data["subject"]["name"] = self.subject.name
        if f.period is not None:
            data["period"] = str(f.period)
        if f.day is not None:
            data["date"] = f.day.isoformat()
        return data


def _up_to(division: Division, level: Level) -> Division | None:
    """The division of ``level`` containing ``division`` (itself at that level), or None
    when ``division`` is above it."""
    for d in (*division.ancestors, division):
        if d.level is level:
            return d
    return None


def _code(division: Division | None) -> str | None:
    return None if division is None else str(division)


def _masked(subject: Subject) -> Subject:
    """``subject`` as a report shows it unless revealed: a person's name masked, an ID
    number in an id (or a service point's name) masked."""
    if subject.kind is SubjectKind.DIVISION:
        return subject
    if subject.kind is SubjectKind.SERVICE_POINT:
        return Subject(subject.kind, scrub(subject.id), scrub(subject.name))
    return Subject(subject.kind, scrub(subject.id), mask_name(subject.name))


class Rectifier:
    """Makes the tasks of one audit: the rules of ``engine`` by id, the workers of
    ``reference`` by village, the ``key`` of the ids, and whether to ``reveal`` names and
    ids."""

    def __init__(
        self, engine: Engine, reference: ReferenceData, key: TaskKey, *, reveal: bool = False
    ) -> None:
        self.rules = {r.id: r.item for r in engine.rules}
        self.reference = reference
        self.key = key
        self.reveal = reveal
        self.workers = VillageWorkers(reference)
        self.points = {p.id: p for p in reference.service_points}

    def task_id(self, finding: Finding) -> str:
        """The stable id of the task ``finding`` (unmasked) gives, or would give."""
        return self.key.task_id(finding.rule, finding.subject, finding.period)

    def task(self, finding: Finding) -> Task:
        """The task of a non-compliant ``finding`` (its subject unmasked)."""
        rule = self.rules.get(finding.rule)
        place = scrub(self.reference.division_name(finding.division) or str(finding.division))
        remedy = None
        if rule is not None and hasattr(rule, "remedy"):
            remedy = rule.remedy(finding, place=place)
        judged = finding.period.last_day if finding.period is not None else finding.day
        due = remedy.due if remedy is not None and remedy.due is not None else judged
        assert due is not None, "a finding judges a day or a period"
        title = rule.title if rule is not None else Message(finding.rule, finding.rule)
        return Task(
            id=self.task_id(finding),
            rule=finding.rule,
            title=title,
            subject=finding.subject if self.reveal else _masked(finding.subject),
            division=finding.division,
            actor=self.actor(finding, rule, due),
            what=finding.message if remedy is None else remedy.what,
            what_from="finding" if remedy is None else "rule",
            due=due,
            finding=finding,
        )

    def _holds(self, worker_id: str, roles: tuple[WorkerRole, ...]) -> bool:
        """Whether ``worker_id`` is a worker of the reference data with one of ``roles``
        (any role when none is named)."""
        worker = self.reference.worker(worker_id)
        return worker is not None and (not roles or worker.role in roles)

    def actor(self, finding: Finding, rule: Any, day: dt.date) -> Actor:
        """Who must act on ``finding`` (see the module)."""
        kind, division = finding.subject.kind, finding.division
        worker: Worker | None = None
        if kind is SubjectKind.CHILD:
            roles = tuple(getattr(rule, "roles", ()))
            ids = [w for w in finding.responsible if self._holds(w, roles)]
            ids = ids or sorted(self.workers.on(division, roles or _DEFAULT_ROLES, day))
            worker = self.reference.worker(ids[0]) if ids else None
        elif kind is SubjectKind.SERVICE_POINT:
            point = self.points.get(finding.subject.id)
            if point is not None and point.director is not None:
                worker = self.reference.worker(point.director)
        if worker is not None:
            return Actor(
                "worker",
                worker.id if self.reveal else scrub(worker.id),
                worker.name if self.reveal else mask_name(worker.name),
                worker.role.value,
            )
        if kind is SubjectKind.DIVISION:
            # A village's township or a township's county staffs and equips it.
            target = division.parent if division.level > Level.COUNTY else division
        elif kind is SubjectKind.WORKER:
            target = _up_to(division, Level.COUNTY)
        else:
            target = _up_to(division, Level.TOWNSHIP) or _up_to(division, Level.COUNTY)
        target = target or division
        name = scrub(self.reference.division_name(target) or "")
        return Actor("division", str(target), name, target.level.label)


def compare(
    tasks: Iterable[dict[str, Any]],
    settled: Iterable[str],
    previous: Iterable[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The ``tasks`` of this run (JSON forms) marked ``open`` when ``previous`` (the tasks of
    an earlier list) holds their id, else ``new``; then the earlier tasks not among them,
    marked ``done`` when their id is among ``settled`` (the ids of this run's compliant and
    not-applicable findings), else ``unchecked``."""
    before = {t["id"]: t for t in previous}
    done = set(settled)
    listed: list[dict[str, Any]] = []
    now: set[str] = set()
    for t in tasks:
        state = TaskState.OPEN if t["id"] in before else TaskState.NEW
        listed.append({**t, "state": state.value})
        now.add(t["id"])
    for task_id, t in before.items():
        if task_id not in now:
            state = TaskState.DONE if task_id in done else TaskState.UNCHECKED
            listed.append({**t, "state": state.value})
    return listed


SETTLED = frozenset({Outcome.COMPLIANT, Outcome.NOT_APPLICABLE})
"""The outcomes of a finding that settle an earlier task of its rule, subject and period."""
