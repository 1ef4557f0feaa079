"""The closed vocabularies of the model.

Each is a :class:`enum.StrEnum` whose values are the words used in the JSON input format.
"""

from __future__ import annotations

import enum

__all__ = [
    "AgreementKind",
    "ContactMode",
    "DisabilityKind",
    "DisqualificationKind",
    "Facility",
    "HardshipKind",
    "HouseholdType",
    "NoticeRecipient",
    "OrganiserLevel",
    "Parent",
    "ParentSituationKind",
    "Post",
    "ReferralTarget",
    "Relation",
    "ReportConcern",
    "ResidenceKind",
    "ServicePointKind",
    "Sex",
    "Topic",
    "WorkerRole",
]


class Sex(enum.StrEnum):
    """Sex as recorded; in a citizen ID an odd sequence number is male, even female."""

    MALE = "male"
    FEMALE = "female"


class HouseholdType(enum.StrEnum):
    """Household registration (户籍) type."""

    RURAL = "rural"
    URBAN = "urban"


class HardshipKind(enum.StrEnum):
    """The family-poverty hardships of a child in difficulty (国发〔2016〕36号)."""

    LIVING = "living"
    MEDICAL = "medical"
    SCHOOLING = "schooling"


class DisabilityKind(enum.StrEnum):
    """The categories of the disability certificate (残疾人证)."""

    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    PHYSICAL = "physical"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class Parent(enum.StrEnum):
    """Which parent a situation is about."""

    FATHER = "father"
    MOTHER = "mother"


class ParentSituationKind(enum.StrEnum):
    """A dated situation of a parent (POLICY.md §2).

    These are the facts from which categories are computed: working away from home
    (left-behind children, 国发〔2016〕13号); dead, declared dead or missing (orphans,
    国办发〔2010〕54号); and the conditions of de facto unsupported children
    (民发〔2019〕62号, with guardianship revoked and deported added by 民发〔2020〕125号).
    """

    WORKING_AWAY = "working_away"
    DEAD = "dead"
    DECLARED_DEAD = "declared_dead"
    DECLARED_MISSING = "declared_missing"
    SEVERELY_DISABLED = "severely_disabled"
    SERIOUSLY_ILL = "seriously_ill"
    IMPRISONED = "imprisoned"
    COMPULSORY_REHABILITATION = "compulsory_rehabilitation"
    DEPRIVED_OF_LIBERTY = "deprived_of_liberty"
    OUT_OF_CONTACT = "out_of_contact"
    GUARDIANSHIP_REVOKED = "guardianship_revoked"
    DEPORTED = "deported"


class Relation(enum.StrEnum):
    """A guardian's relation to the child."""

    FATHER = "father"
    MOTHER = "mother"
    STEP_PARENT = "step_parent"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER_RELATIVE = "other_relative"
    NON_RELATIVE = "non_relative"
    INSTITUTION = "institution"


class ResidenceKind(enum.StrEnum):
    """Where a child lives: with a family (散居) or in a welfare institution (集中供养)."""

    FAMILY = "family"
    INSTITUTION = "institution"


class ContactMode(enum.StrEnum):
    """How a worker was in contact with a child."""

    PHONE = "phone"
    HOME_VISIT = "home_visit"
    VIDEO = "video"
    ACTIVITY = "activity"
    COUNSELLING = "counselling"


class Topic(enum.StrEnum):
    """What a contact record covers (Xianning's visit record form, seed 000)."""

    STUDY = "study"
    SCHOOLING = "schooling"
    DAILY_LIFE = "daily_life"
    MENTAL_HEALTH = "mental_health"
    SAFETY = "safety"


class AgreementKind(enum.StrEnum):
    """Agreements on a child's file (POLICY.md §5)."""

    ENTRUSTED_GUARDIANSHIP_CONFIRMATION = "entrusted_guardianship_confirmation"
    SERVICE_AGREEMENT = "service_agreement"


class ReportConcern(enum.StrEnum):
    """What a report to the police or authorities was about.

    Sources: 高检发〔2020〕9号 (mandatory reporting); 民发〔2019〕34号 (child directors' duties).
    """

    ABNORMAL_INJURY = "abnormal_injury"
    SEVERE_MALNUTRITION = "severe_malnutrition"
    DOMESTIC_VIOLENCE = "domestic_violence"
    ABUSE = "abuse"
    SEXUAL_ASSAULT = "sexual_assault"
    PREGNANCY_UNDER_14 = "pregnancy_under_14"
    ABANDONMENT = "abandonment"
    TRAFFICKING = "trafficking"
    ORGANISED_BEGGING = "organised_begging"
    LIVING_ALONE = "living_alone"
    MISSING = "missing"
    OTHER = "other"


class ReferralTarget(enum.StrEnum):
    """Where a child was referred (seed 002 §2), or to whom a report was made.

    ``police`` (公安机关, public security), ``civil_affairs`` (民政部门) and ``education``
    (教育行政部门, the education authority, not a school) are the three authorities the Minors
    Protection Law Art. 11 names for mandatory reports ("立即向公安、民政、教育等有关部门报告");
    ``school`` is a school or kindergarten itself.
    """

    SOCIAL_WORK_STATION = "social_work_station"
    PROFESSIONAL_AGENCY = "professional_agency"
    MEDICAL = "medical"
    POLICE = "police"
    CIVIL_AFFAIRS = "civil_affairs"
    EDUCATION = "education"
    SCHOOL = "school"
    OTHER = "other"


class DisqualificationKind(enum.StrEnum):
    """A fact that bars an adult from being the entrusted carer (被委托人) of a child: the
    Minors Protection Law (2020 revision) Art. 22, para. 2.

    - (一) a record of an unlawful or criminal act (曾实施……等违法犯罪行为):
      ``sexual_assault`` 性侵害, ``abuse`` 虐待, ``abandonment`` 遗弃, ``trafficking`` 拐卖,
      ``violence`` 暴力伤害;
    - (二) a vice (恶习): ``drug_use`` 吸毒, ``alcoholism`` 酗酒, ``gambling`` 赌博;
    - (三) ``neglected_care``: has refused, or long neglected, guardianship or care duties
      (曾拒不履行或者长期怠于履行监护、照护职责);
    - (四) ``other``: another reason the person is unsuitable (其他不适宜担任被委托人的情形).
    """

    SEXUAL_ASSAULT = "sexual_assault"
    ABUSE = "abuse"
    ABANDONMENT = "abandonment"
    TRAFFICKING = "trafficking"
    VIOLENCE = "violence"
    DRUG_USE = "drug_use"
    ALCOHOLISM = "alcoholism"
    GAMBLING = "gambling"
    NEGLECTED_CARE = "neglected_care"
    OTHER = "other"


class NoticeRecipient(enum.StrEnum):
    """Who the parents tell in writing that they have entrusted the child's care (Minors
    Protection Law Art. 23): ``school``, the child's school or kindergarten (学校、幼儿园), and
    ``committee``, the village or residents' committee where the child lives
    (村民委员会、居民委员会)."""

    SCHOOL = "school"
    COMMITTEE = "committee"


class WorkerRole(enum.StrEnum):
    """The role a worker holds in child welfare work."""

    CHILD_DIRECTOR = "child_director"
    CHILD_SUPERVISOR = "child_supervisor"
    COUNSELLOR = "counsellor"
    SOCIAL_WORKER = "social_worker"
    PARTY_MEMBER = "party_member"
    VOLUNTEER = "volunteer"


class Post(enum.StrEnum):
    """Other posts a worker holds, which decide who may serve (seed 002 §4.1; 民发〔2019〕34号)."""

    WOMENS_FEDERATION_CHAIR = "womens_federation_chair"
    TOWNSHIP_LEADERSHIP = "township_leadership"
    SCHOOL_LEADERSHIP = "school_leadership"
    LIVELIHOOD_ASSISTANT = "livelihood_assistant"
    VILLAGE_COMMITTEE_MEMBER = "village_committee_member"
    COLLEGE_GRADUATE_VILLAGE_OFFICIAL = "college_graduate_village_official"
    QUALIFIED_COUNSELLOR = "qualified_counsellor"


class OrganiserLevel(enum.StrEnum):
    """The level of government that organised a training (seed 002 §4.4)."""

    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"


class ServicePointKind(enum.StrEnum):
    """Kinds of service point."""

    CHILDRENS_HOME = "childrens_home"
    WELFARE_INSTITUTION = "welfare_institution"
    MINOR_PROTECTION_CENTRE = "minor_protection_centre"
    SOCIAL_WORK_STATION = "social_work_station"
    SOCIAL_ORGANISATION = "social_organisation"


class Facility(enum.StrEnum):
    """Facilities of a service point (seed 002 §3)."""

    VIDEO_CALLS = "video_calls"
    STUDY_AND_READING = "study_and_reading"
    RECREATION = "recreation"
    COUNSELLING_ROOM = "counselling_room"
