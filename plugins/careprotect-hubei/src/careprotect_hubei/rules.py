"""The rules of the Hubei plugin: Xianning's (4212) and Chibi's (421281).

Each rule is an instance of one of careprotect's general mechanisms, configured with this
plugin's parameters (``contact.toml``, ``training.toml``) and citations (``citations.toml``).
Each names a requirement flag (``required``), one per duty and source, false from 2000-01-01
and true from the day the source attests the duty (README.md, "Start dates"): a period wholly
before the start has no contact finding and no training is required, and the contact period
in which a duty starts is pro-rated.
The values of national parameters that Xianning and Chibi also source (staffing and the
entrusted-guardianship confirmation) need no rule here: the national rules read them.

Names that are data, not code: children paired under the "1+1" action carry
``Pairing.scheme == "xianning-1+1"`` (:data:`ONE_PLUS_ONE_SCHEME`); children served by the
"1+N" counselling mechanism carry ``Enrolment.programme == "xianning-1+N"``
(:data:`ONE_PLUS_N_PROGRAMME`).
"""

from __future__ import annotations

from careprotect.plugin import (
    ContactFrequency,
    ContactMode,
    Division,
    Message,
    PeriodKind,
    Rule,
    TrainingPerYear,
    WorkerRole,
)

__all__ = [
    "CHIBI",
    "CHIBI_LIST",
    "CHIBI_RULES",
    "ONE_PLUS_N_PROGRAMME",
    "ONE_PLUS_ONE_SCHEME",
    "REGISTRATIONS",
    "XIANNING",
    "XIANNING_RULES",
]

XIANNING = Division("4212")
"""咸宁市, Xianning prefecture-level city: the scope of the Xianning rules."""
CHIBI = Division("421281")
"""赤壁市, Chibi county-level city (in Xianning): the scope of the Chibi rules."""

ONE_PLUS_ONE_SCHEME = "xianning-1+1"
"""The pairing scheme of Xianning's "1+1" action (seed 003), as recorded on a child's file."""
ONE_PLUS_N_PROGRAMME = "xianning-1+N"
"""The programme of Xianning's "1+N" counselling mechanism (seed 003), as recorded on a
child's file."""

CHIBI_LIST: tuple[str, ...] = (
    "left_behind",
    "difficulty.poverty",
    "difficulty.disability",
    "difficulty.guardianship",
    "orphan",
    "de_facto_unsupported",
)
"""The children Chibi follows (seed 001): rural left-behind children, children in difficulty
(the three national groups), orphans and de facto unsupported children."""

_FOLLOW_UP_MODES = (ContactMode.PHONE, ContactMode.VIDEO, ContactMode.HOME_VISIT)
_CHIBI_STAFF = (WorkerRole.CHILD_DIRECTOR, WorkerRole.CHILD_SUPERVISOR)

XIANNING_RULES: tuple[Rule, ...] = (
    ContactFrequency(
        id="hubei.xianning.left_behind.contact",
        title=Message(
            "儿童主任每月至少两次电话寻访或上门走访每名留守儿童，并记录学习、受教育、生活和心理健康情况",
            "A child director contacts each left-behind child at least twice a month, by phone "
            "or home visit, recording study, schooling, daily life and mental health",
        ),
        citations=("xianning-2020-visits",),
        period=PeriodKind.MONTH,
        min_count="hubei.xianning.left_behind.contacts_per_month",
        modes=(ContactMode.PHONE, ContactMode.HOME_VISIT),
        categories=("left_behind",),
        roles=(WorkerRole.CHILD_DIRECTOR,),
        topics="hubei.xianning.left_behind.visit_topics",
        required="hubei.xianning.left_behind.contact.required",
    ),
    # "联系" (contact) names no mode: every recorded mode counts. Under a scheme only the
    # paired worker's contacts count, so the pairing says who; no role is required.
    ContactFrequency(
        id="hubei.xianning.one_plus_one.monthly_contact",
        title=Message(
            "“1+1”护“慰”行动：结对党员每月至少与结对帮扶的孤残儿童联系一次",
            'Xianning "1+1": the paired party member contacts the paired orphaned or disabled '
            "child at least once a month",
        ),
        citations=("xianning-2023-one-plus-one",),
        period=PeriodKind.MONTH,
        min_count="hubei.xianning.one_plus_one.contacts_per_month",
        modes=tuple(ContactMode),
        schemes=(ONE_PLUS_ONE_SCHEME,),
        required="hubei.xianning.one_plus_one.required",
    ),
    ContactFrequency(
        id="hubei.xianning.one_plus_one.yearly_activity",
        title=Message(
            "“1+1”护“慰”行动：结对党员每年至少组织结对儿童参加一次有纪念意义的活动",
            'Xianning "1+1": the paired party member takes the paired child to at least one '
            "memorable activity a year",
        ),
        citations=("xianning-2023-one-plus-one",),
        period=PeriodKind.YEAR,
        min_count="hubei.xianning.one_plus_one.activities_per_year",
        modes=(ContactMode.ACTIVITY,),
        schemes=(ONE_PLUS_ONE_SCHEME,),
        required="hubei.xianning.one_plus_one.required",
    ),
    # 上门辅导 (a counselling session at home): recorded as a home visit or as counselling.
    # The model does not record where a counselling contact took place, so both count.
    ContactFrequency(
        id="hubei.xianning.one_plus_n.weekly_home_session",
        title=Message(
            "“1+N”护心行动：心理咨询师和社会工作师每周上门辅导一次",
            'Xianning "1+N": a counsellor with social workers gives each enrolled child a home '
            "counselling session once a week",
        ),
        citations=("xianning-one-plus-n",),
        period=PeriodKind.WEEK,
        min_count="hubei.xianning.one_plus_n.sessions_per_week",
        modes=(ContactMode.HOME_VISIT, ContactMode.COUNSELLING),
        programmes=(ONE_PLUS_N_PROGRAMME,),
        roles=(WorkerRole.COUNSELLOR, WorkerRole.SOCIAL_WORKER),
        required="hubei.xianning.one_plus_n.required",
    ),
)
"""Xianning's rules (seeds 000 and 003), registered for 4212 (Chibi included)."""

CHIBI_RULES: tuple[Rule, ...] = (
    # 随访 (a follow-up) by phone, video call or visit; an activity or a counselling session
    # is a service, not a follow-up. Done by the three-tier staff: directors and supervisors.
    ContactFrequency(
        id="hubei.chibi.weekly_follow_up",
        title=Message(
            "儿童主任、儿童督导员每周随访名单内儿童（留守、困境、孤儿、事实无人抚养儿童）并记录生活情况",
            "Child directors and supervisors follow up each child on the list (left-behind, "
            "in difficulty, orphan, de facto unsupported) every week, recording daily life",
        ),
        citations=("chibi-2023-follow-up",),
        period=PeriodKind.WEEK,
        min_count="hubei.chibi.follow_ups_per_week",
        modes=_FOLLOW_UP_MODES,
        categories=CHIBI_LIST,
        roles=_CHIBI_STAFF,
        topics="hubei.chibi.contact.topics",
        required="hubei.chibi.contact.required",
    ),
    ContactFrequency(
        id="hubei.chibi.monthly_home_visit",
        title=Message(
            "儿童主任、儿童督导员每月入户走访名单内儿童并记录生活情况",
            "Child directors and supervisors visit each child on the list at home every "
            "month, recording daily life",
        ),
        citations=("chibi-2023-follow-up",),
        period=PeriodKind.MONTH,
        min_count="hubei.chibi.home_visits_per_month",
        modes=(ContactMode.HOME_VISIT,),
        categories=CHIBI_LIST,
        roles=_CHIBI_STAFF,
        topics="hubei.chibi.contact.topics",
        required="hubei.chibi.contact.required",
    ),
    TrainingPerYear(
        id="hubei.chibi.training.child_director",
        title=Message(
            "村（社区）儿童主任每年至少参加一次业务培训",
            "Each village or community child director attends at least one training a year",
        ),
        citations=("chibi-2023-training",),
        role=WorkerRole.CHILD_DIRECTOR,
        per_year="hubei.chibi.training.per_year",
        required="hubei.chibi.training.required",
    ),
    TrainingPerYear(
        id="hubei.chibi.training.child_supervisor",
        title=Message(
            "乡镇儿童督导员每年至少参加一次业务培训",
            "Each township child supervisor attends at least one training a year",
        ),
        citations=("chibi-2023-training",),
        role=WorkerRole.CHILD_SUPERVISOR,
        per_year="hubei.chibi.training.per_year",
        required="hubei.chibi.training.required",
    ),
)
"""Chibi's rules (seed 001), registered for 421281."""

REGISTRATIONS: tuple[tuple[Rule, Division], ...] = (
    *((rule, XIANNING) for rule in XIANNING_RULES),
    *((rule, CHIBI) for rule in CHIBI_RULES),
)
"""Every rule with the scope it is registered for."""
