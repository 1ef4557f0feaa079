"""The Hunan rules: careprotect's general mechanisms configured with Hunan's parameters.

Every rule here rests on the provincial notice of 2019-06-11 on village children's homes
(seed 002), except the orphan allowance, which is the national rule with Hunan's values (seed
004, in ``entitlements.toml``) and needs no rule of its own. The numbers are in the TOML files
beside this module; the rules name the parameters. See the plugin's README for what each rule
reads and for the facts of the notice that are not modelled.
"""

from __future__ import annotations

from careprotect.plugin import (
    Area,
    AreaStandard,
    ConstructionGrant,
    FacilityStandard,
    HomePerVillage,
    Level,
    Message,
    MinimumPerDivision,
    ModelHomeShare,
    Post,
    PostAllowance,
    PostEligibility,
    Qualification,
    Rule,
    ServiceAgreementPerChild,
    ServicePointDirectorEligibility,
    ServicePointKind,
    Sex,
    TrainingBeforeStart,
    TrainingLength,
    TrainingPerYear,
    WorkerRole,
)

__all__ = [
    "CHILDRENS_HOME_RULES",
    "ENTITLEMENT_RULES",
    "RULES",
    "SOCIAL_SERVICE_RULES",
    "STAFFING_RULES",
    "TRAINING_RULES",
]

HOME = ServicePointKind.CHILDRENS_HOME
DIRECTOR = WorkerRole.CHILD_DIRECTOR
SUPERVISOR = WorkerRole.CHILD_SUPERVISOR

_STANDARD = "hunan.childrens_home.standard.required"
_STAFFING = "hunan.staffing.required"
_TRAINING = "hunan.training.required"
_SOCIAL = "hunan.social_services.required"

# -- children's homes (seed 002 §3, §5.4) -------------------------------------------------------

CHILDRENS_HOME_RULES: tuple[Rule, ...] = (
    AreaStandard(
        id="hunan.childrens_home.floor_area",
        title=Message(
            "儿童之家室内建筑面积一般不少于50平方米",
            "A children's home has an indoor floor area of generally at least 50 m²",
        ),
        citations=("hn-2019-standard",),
        service_point_kind=HOME,
        area=Area.FLOOR,
        minimum="hunan.childrens_home.floor_area",
        required=_STANDARD,
    ),
    AreaStandard(
        id="hunan.childrens_home.outdoor_area",
        title=Message(
            "儿童之家室外有安全、够用的活动场地",
            "A children's home has a safe outdoor activity area large enough for use",
        ),
        citations=("hn-2019-standard",),
        service_point_kind=HOME,
        area=Area.OUTDOOR,
        required=_STANDARD,
    ),
    FacilityStandard(
        id="hunan.childrens_home.facilities",
        title=Message(
            "儿童之家配有视频交流、学习阅读、娱乐活动的基本设施和设备",
            "A children's home has facilities for video calls, study and reading, and recreation",
        ),
        citations=("hn-2019-standard",),
        service_point_kind=HOME,
        facilities="hunan.childrens_home.facilities",
        required=_STANDARD,
    ),
    FacilityStandard(
        id="hunan.childrens_home.counselling_room",
        title=Message(
            "有条件的地方儿童之家可设置心理咨询室",
            "Where possible, a children's home has a psychological counselling room",
        ),
        citations=("hn-2019-standard",),
        service_point_kind=HOME,
        facilities="hunan.childrens_home.facilities.where_possible",
        binding=False,
        required=_STANDARD,
    ),
    HomePerVillage(
        id="hunan.childrens_home.per_village",
        title=Message(
            "每个建制村建有儿童之家（2020年底实现全覆盖）",
            "Every administrative village has a children's home (full coverage by the end of 2020)",
        ),
        citations=("hn-2019-target",),
        service_point_kind=HOME,
        level=Level.VILLAGE,
        required="hunan.childrens_home.full_coverage.required",
    ),
    ModelHomeShare(
        id="hunan.childrens_home.model_share",
        title=Message(
            "全省县级以上示范儿童之家占儿童之家总数的10%以上（2020年）",
            "Model homes designated at county level or above are at least 10% of all children's "
            "homes in the province (by 2020)",
        ),
        citations=("hn-2019-target",),
        level=Level.PROVINCE,
        ratio="hunan.childrens_home.model_share",
        required="hunan.childrens_home.model_share.required",
    ),
    ServiceAgreementPerChild(
        id="hunan.childrens_home.service_agreement",
        title=Message(
            "儿童之家与享受服务的儿童监护人或亲属签订委托服务协议书",
            "A children's home signs an entrusted service agreement with the guardian or "
            "relatives of every child it serves",
        ),
        citations=("hn-2019-agreement",),
        required="childrens_home.service_agreement.required",
    ),
)

# -- who may serve (seed 002 §4.1) --------------------------------------------------------------

STAFFING_RULES: tuple[Rule, ...] = (
    PostEligibility(
        id="hunan.child_supervisor.eligibility",
        title=Message(
            "儿童督导员由乡镇1名女性党政班子成员或妇联主席担任",
            "A child supervisor is a female member of the township's party and government "
            "leadership, or the women's-federation chair",
        ),
        citations=("hn-2019-staffing",),
        role=SUPERVISOR,
        qualifications=(
            Qualification(posts=frozenset({Post.TOWNSHIP_LEADERSHIP}), sex=Sex.FEMALE),
            Qualification(posts=frozenset({Post.WOMENS_FEDERATION_CHAIR})),
        ),
        binding=True,
        required=_STAFFING,
    ),
    PostEligibility(
        id="hunan.child_director.preferred",
        title=Message(
            "优先安排村“两委”女性委员（妇联主席）或民生协理员担任儿童主任",
            "A child director is preferably a female village committee member (the "
            "women's-federation chair) or the livelihood assistant",
        ),
        citations=("hn-2019-staffing",),
        role=DIRECTOR,
        qualifications=(
            Qualification(
                posts=frozenset({Post.VILLAGE_COMMITTEE_MEMBER, Post.WOMENS_FEDERATION_CHAIR}),
                sex=Sex.FEMALE,
            ),
            Qualification(posts=frozenset({Post.LIVELIHOOD_ASSISTANT})),
        ),
        binding=False,
        required=_STAFFING,
    ),
    ServicePointDirectorEligibility(
        id="hunan.childrens_home.school_director",
        title=Message(
            "建在学校的儿童之家由学校的一名班子成员担任儿童主任",
            "A children's home located in a school has a member of the school's leadership as "
            "its child director",
        ),
        citations=("hn-2019-staffing",),
        service_point_kind=HOME,
        qualifications=(Qualification(posts=frozenset({Post.SCHOOL_LEADERSHIP})),),
        binding=True,
        in_school=True,
        required=_STAFFING,
    ),
)

# -- training (seed 002 §4.4) -------------------------------------------------------------------

_DIRECTOR_ORGANISERS = "hunan.child_director.training.organisers"
_SUPERVISOR_ORGANISERS = "hunan.child_supervisor.training.organisers"

TRAINING_RULES: tuple[Rule, ...] = (
    TrainingBeforeStart(
        id="hunan.child_director.training_before_start",
        title=Message(
            "初任儿童主任经县市区培训考核合格后方可开展工作",
            "A newly appointed child director starts work only after passing the county's "
            "training assessment",
        ),
        citations=("hn-2019-training",),
        role=DIRECTOR,
        organisers=_DIRECTOR_ORGANISERS,
        required=_TRAINING,
    ),
    TrainingPerYear(
        id="hunan.child_director.training_per_year",
        title=Message(
            "县市区每年至少轮训儿童主任一次",
            "The county trains every child director at least once a year",
        ),
        citations=("hn-2019-training",),
        role=DIRECTOR,
        per_year="hunan.training.per_year",
        organisers=_DIRECTOR_ORGANISERS,
        required=_TRAINING,
    ),
    TrainingLength(
        id="hunan.child_director.training_length",
        title=Message(
            "儿童主任每次轮训时间为2-3天",
            "Each county training of a child director lasts 2 to 3 days",
        ),
        citations=("hn-2019-training",),
        role=DIRECTOR,
        min_days="hunan.training.min_days",
        max_days="hunan.training.max_days",
        organisers=_DIRECTOR_ORGANISERS,
        required=_TRAINING,
    ),
    TrainingPerYear(
        id="hunan.child_supervisor.training_per_year",
        title=Message(
            "市州每年至少轮训儿童督导员一次",
            "The prefecture-level city trains every child supervisor at least once a year",
        ),
        citations=("hn-2019-training",),
        role=SUPERVISOR,
        per_year="hunan.training.per_year",
        organisers=_SUPERVISOR_ORGANISERS,
        required=_TRAINING,
    ),
    TrainingLength(
        id="hunan.child_supervisor.training_length",
        title=Message(
            "儿童督导员每次轮训时间为2-3天",
            "Each prefecture training of a child supervisor lasts 2 to 3 days",
        ),
        citations=("hn-2019-training",),
        role=SUPERVISOR,
        min_days="hunan.training.min_days",
        max_days="hunan.training.max_days",
        organisers=_SUPERVISOR_ORGANISERS,
        required=_TRAINING,
    ),
)

# -- social organisations and counsellors (seed 002 §4.2) ---------------------------------------

SOCIAL_SERVICE_RULES: tuple[Rule, ...] = (
    MinimumPerDivision(
        id="hunan.county.child_service_organisations",
        title=Message(
            "每个县市区至少有3家儿童服务类社会组织",
            "Every county has at least 3 child-service social organisations",
        ),
        citations=("hn-2019-organisations",),
        level=Level.COUNTY,
        count="hunan.county.child_service_organisations",
        service_point_kind=ServicePointKind.SOCIAL_ORGANISATION,
        required=_SOCIAL,
    ),
    MinimumPerDivision(
        id="hunan.township.qualified_counsellor",
        title=Message(
            "每个乡镇至少配备1名专业资质心理辅导师",
            "Every township has at least one qualified psychological counsellor",
        ),
        citations=("hn-2019-organisations",),
        level=Level.TOWNSHIP,
        count="hunan.township.qualified_counsellors",
        posts=frozenset({Post.QUALIFIED_COUNSELLOR}),
        required=_SOCIAL,
    ),
)

# -- money (seed 002 §5.2) ----------------------------------------------------------------------

ENTITLEMENT_RULES: tuple[Rule, ...] = (
    PostAllowance(
        id="hunan.child_director.post_allowance",
        title=Message("儿童主任岗位补贴", "Child director post allowance"),
        citations=("hn-2019-funding",),
        role=DIRECTOR,
        amount_param="hunan.child_director.post_allowance",
        required="hunan.child_director.post_allowance.applies",
    ),
    ConstructionGrant(
        id="hunan.childrens_home.construction_grant",
        title=Message("新建儿童之家建设补助", "Construction grant for a new children's home"),
        citations=("hn-2019-funding",),
        service_point_kind=HOME,
        total_param="hunan.childrens_home.grant.total",
        shares={
            "province": "hunan.childrens_home.grant.province",
            "prefecture_county": "hunan.childrens_home.grant.prefecture_county",
        },
    ),
)

RULES: tuple[Rule, ...] = (
    *CHILDRENS_HOME_RULES,
    *STAFFING_RULES,
    *TRAINING_RULES,
    *SOCIAL_SERVICE_RULES,
    *ENTITLEMENT_RULES,
)
"""Every Hunan rule, each registered for the whole province (43)."""
