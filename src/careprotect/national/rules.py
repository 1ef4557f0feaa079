"""The national policy: the categories and rules the national plugin registers.

Every rule here is an instance of a general mechanism of :mod:`careprotect.rules`, configured
with the national parameters (the TOML files beside this module) and citations, exactly as a
province plugin configures them with its own: the mechanism modules hold no policy.
"""

from __future__ import annotations

from careprotect.plugin import (
    CategoryAllowance,
    CategoryRule,
    DeFactoUnsupported,
    DifficultyDisability,
    DifficultyGuardianship,
    DifficultyPoverty,
    EntrustedCarerQualified,
    EntrustedGuardianshipConfirmation,
    EntrustmentNotices,
    LeftBehind,
    Level,
    MandatoryReportRecipient,
    Message,
    Orphan,
    ParentContactFrequency,
    Post,
    PostCoverage,
    PostEligibility,
    Qualification,
    ResidenceKind,
    Rule,
    Sex,
    WorkerRole,
)

__all__ = [
    "AGREEMENT_RULES",
    "CATEGORIES",
    "ENTITLEMENT_RULES",
    "GUARDIANSHIP_RULES",
    "RULES",
    "STAFFING_RULES",
]

CATEGORIES: tuple[CategoryRule, ...] = (
    LeftBehind(
        id="left_behind",
        title=Message("农村留守儿童", "Rural left-behind child"),
        citations=("gf-2016-13",),
        max_age="left_behind.max_age",
    ),
    Orphan(
        id="orphan",
        title=Message("孤儿", "Orphan"),
        citations=("gbf-2010-54",),
        max_age="orphan.max_age",
    ),
    DeFactoUnsupported(
        id="de_facto_unsupported",
        title=Message("事实无人抚养儿童", "De facto unsupported child"),
        citations=("mf-2019-62", "mf-2019-62-terms", "mf-2020-125", "mf-2020-125-start"),
        max_age="de_facto_unsupported.max_age",
        additions="de_facto_unsupported.includes_revoked_and_deported",
        out_of_contact_months="de_facto_unsupported.out_of_contact_months",
        defined="de_facto_unsupported.category_applies",
        min_term_months="de_facto_unsupported.min_term_months",
    ),
    DifficultyPoverty(
        id="difficulty.poverty",
        title=Message(
            "因家庭贫困导致生活、就医、就学等困难的儿童", "Child in difficulty: family poverty"
        ),
        citations=("gf-2016-36",),
        max_age="difficulty.max_age",
    ),
    DifficultyDisability(
        id="difficulty.disability",
        title=Message(
            "因自身残疾导致康复、照料、护理和社会融入等困难的儿童",
            "Child in difficulty: disability",
        ),
        citations=("gf-2016-36",),
        max_age="difficulty.max_age",
    ),
    DifficultyGuardianship(
        id="difficulty.guardianship",
        title=Message(
            "因家庭监护缺失或监护不当遭受虐待、遗弃、意外伤害、不法侵害等导致人身安全受到威胁或侵害的儿童",
            "Child in difficulty: lack of guardianship or improper guardianship",
        ),
        citations=("gf-2016-36",),
        max_age="difficulty.max_age",
        report_months="difficulty.guardianship.report_months",
    ),
)


# -- agreements (民发〔2019〕34号) --------------------------------------------------

AGREEMENT_RULES: tuple[Rule, ...] = (
    EntrustedGuardianshipConfirmation(
        id="left_behind.entrusted_guardianship_confirmation",
        title=Message(
            "农村留守儿童的受委托监护人签订委托监护责任确认书",
            "The entrusted guardian of a left-behind child signs the entrusted-guardianship "
            "confirmation",
        ),
        citations=("mf-2019-34",),
        required="entrusted_guardianship.confirmation.required",
        categories=("left_behind",),
    ),
)
"""The national agreement rules, registered by the national plugin for the whole country."""


# -- the Minors Protection Law (Art. 11, 22, 23) ----------------------------------------

GUARDIANSHIP_RULES: tuple[Rule, ...] = (
    EntrustedCarerQualified(
        id="entrusted_care.carer_qualified",
        title=Message(
            "受委托照护人不得有未成年人保护法第二十二条规定的不得作为被委托人的情形",
            "The entrusted carer has none of the facts that bar an adult from the role "
            "(Minors Protection Law Art. 22)",
        ),
        citations=("mpl-2020-art22",),
        required="entrusted_care.required",
    ),
    ParentContactFrequency(
        id="entrusted_care.parent_contact",
        title=Message(
            "委托照护期间，父母至少每周与未成年人和被委托人联系和交流一次",
            "While care is entrusted, the parents contact the child and the entrusted carer "
            "at least once a week (Minors Protection Law Art. 23)",
        ),
        citations=("mpl-2020-art23",),
        required="entrusted_care.required",
        min_count="entrusted_care.parent_contact.min_count",
    ),
    EntrustmentNotices(
        id="entrusted_care.written_notice",
        title=Message(
            "委托照护情况书面告知学校、幼儿园和村（居）民委员会",
            "The entrusted care is notified in writing to the school or kindergarten and the "
            "village or residents' committee (Minors Protection Law Art. 23)",
        ),
        citations=("mpl-2020-art23",),
        required="entrusted_care.required",
    ),
    MandatoryReportRecipient(
        id="mandatory_report.recipient",
        title=Message(
            "强制报告事项向公安、民政、教育等有关部门报告",
            "A mandatory-reporting concern is reported to public security, civil affairs or "
            "education (Minors Protection Law Art. 11)",
        ),
        citations=("mpl-2020-art11", "gjf-2020-9"),
        required="mandatory_report.required",
        recipients="mandatory_report.recipients",
        concerns="mandatory_report.concerns",
    ),
)
"""The national rules of the Minors Protection Law, registered by the national plugin."""


# -- the entitlements (POLICY.md §6) --------------------------------------------------

ENTITLEMENT_RULES: tuple[Rule, ...] = (
    CategoryAllowance(
        id="orphan.allowance",
        title=Message("孤儿基本生活费", "Orphan basic living allowance"),
        citations=("mof-mca-2010-orphan-allowance", "mca-2009-orphan-guideline", "gbf-2010-54"),
        category="orphan",
        amount_params={
            ResidenceKind.FAMILY: "orphan.allowance.scattered",
            ResidenceKind.INSTITUTION: "orphan.allowance.institutional",
        },
        defined_from="orphan.max_age",
    ),
    CategoryAllowance(
        id="de_facto_unsupported.allowance",
        title=Message(
            "事实无人抚养儿童基本生活补贴", "De facto unsupported child basic living allowance"
        ),
        citations=("mf-2019-62", "mf-2019-62-standard"),
        category="de_facto_unsupported",
        amount_params="orphan.allowance.scattered",
        required="de_facto_unsupported.allowance_applies",
        defined_from="de_facto_unsupported.max_age",
    ),
)
"""The national entitlements (POLICY.md §6), registered by the national plugin."""


# -- staffing (民发〔2019〕34号) --------------------------------------------------

_DIRECTORS_REQUIRED = "staffing.child_director.required"
_SUPERVISORS_REQUIRED = "staffing.child_supervisor.required"

STAFFING_RULES: tuple[Rule, ...] = (
    PostCoverage(
        id="staffing.child_director.per_village",
        title=Message(
            "每个村（社区）配备一名儿童主任",
            "Every village or community has a child director in post",
        ),
        citations=("mf-2019-34",),
        role=WorkerRole.CHILD_DIRECTOR,
        level=Level.VILLAGE,
        required=_DIRECTORS_REQUIRED,
    ),
    PostCoverage(
        id="staffing.child_supervisor.per_township",
        title=Message(
            "每个乡镇（街道）配备一名儿童督导员",
            "Every township or street has a child supervisor in post",
        ),
        citations=("mf-2019-34",),
        role=WorkerRole.CHILD_SUPERVISOR,
        level=Level.TOWNSHIP,
        required=_SUPERVISORS_REQUIRED,
    ),
    # "原则上由村（居）民委员会委员、大学生村官或者社会工作者等人员担任": "in principle",
    # so advice. The enums have no social-worker post: a director who is a social worker
    # (and holds neither post) gets the advice too, which is why it must stay advisory.
    PostEligibility(
        id="staffing.child_director.appointed_from",
        title=Message(
            "儿童主任原则上由村（居）民委员会委员、大学生村官或者社会工作者等人员担任",
            "A child director is preferably a village committee member, a college-graduate "
            "village official or a social worker",
        ),
        citations=("mf-2019-34",),
        role=WorkerRole.CHILD_DIRECTOR,
        qualifications=(
            Qualification(
                posts=frozenset(
                    {Post.VILLAGE_COMMITTEE_MEMBER, Post.COLLEGE_GRADUATE_VILLAGE_OFFICIAL}
                )
            ),
        ),
        binding=False,
        required=_DIRECTORS_REQUIRED,
    ),
    PostEligibility(
        id="staffing.child_director.women_preferred",
        title=Message("儿童主任优先由女性担任", "Women are preferred as child directors"),
        citations=("mf-2019-34",),
        role=WorkerRole.CHILD_DIRECTOR,
        qualifications=(Qualification(sex=Sex.FEMALE),),
        binding=False,
        required=_DIRECTORS_REQUIRED,
    ),
)
"""The national staffing rules of 民发〔2019〕34号, scope the whole country."""


RULES: tuple[Rule, ...] = (
    *AGREEMENT_RULES,
    *GUARDIANSHIP_RULES,
    *ENTITLEMENT_RULES,
    *STAFFING_RULES,
)
"""The national rules: the entrusted-guardianship confirmation and staffing (民发〔2019〕34号),
the Minors Protection Law's entrusted care and mandatory reporting (Art. 11, 22, 23), and the
orphan and de facto unsupported allowances (POLICY.md §6)."""
