"""The Chinese words of the ledger: sheet titles, column headers and the labels of every
enumeration's members.

These are the only things about the ledger that the model cannot say. The layout
(:mod:`careprotect.ledger.layout`) takes everything else from the attrs classes, and refuses
to build when a field or an enumeration member has no label here: a new model field needs one
entry below, and nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from careprotect import enums

__all__ = ["ENUM_ALIASES", "ENUM_LABELS", "FIELD_LABELS", "SHEET_TITLES"]

SHEET_TITLES: Mapping[str, str] = {
    "divisions": "行政区划",
    "workers": "工作人员",
    "trainings": "培训记录",
    "service_points": "服务阵地",
    "model_designations": "示范评定",
    "service_agreements": "服务协议",
    "children": "儿童信息",
    "parent_situations": "父母情况",
    "guardianships": "监护情况",
    "disqualifications": "监护人不良记录",
    "residences": "居住情况",
    "hardships": "困难情况",
    "enrolments": "参加项目",
    "pairings": "结对帮扶",
    "contacts": "走访联系",
    "agreements": "协议",
    "reports": "强制报告",
    "referrals": "转介",
    "parent_contacts": "父母联系",
    "entrustment_notices": "委托照护告知",
}
"""The Chinese title of each sheet, by its English name (the name of the model's list)."""

FIELD_LABELS: Mapping[str, str] = {
    # Shared names first; "Class.field" entries below override them for one class.
    "id": "编号",
    "code": "区划代码",
    "name": "姓名",
    "division": "区划代码",
    "sex": "性别",
    "start": "开始日期",
    "end": "结束日期",
    "date": "日期",
    "kind": "类别",
    "worker": "工作人员编号",
    "signed_on": "签订日期",
    "parent": "父/母",
    "DivisionRecord.name": "名称",
    "Worker.id": "工作人员编号",
    "Worker.role": "岗位",
    "Worker.posts": "兼任职务",
    "Worker.appointed_on": "任职日期",
    "Worker.left_on": "离任日期",
    "Training.organiser_level": "组织层级",
    "Training.days": "天数",
    "Training.passed": "考核通过",
    "ServicePoint.id": "阵地编号",
    "ServicePoint.name": "名称",
    "ServicePoint.in_school": "设在学校",
    "ServicePoint.floor_area_m2": "室内面积(平方米)",
    "ServicePoint.outdoor_area_m2": "室外面积(平方米)",
    "ServicePoint.facilities": "设施",
    "ServicePoint.opened_on": "启用日期",
    "ServicePoint.closed_on": "停用日期",
    "ServicePoint.director": "负责人编号",
    "ModelDesignation.level": "评定层级",
    "ModelDesignation.year": "年度",
    "ServiceAgreement.child": "儿童编号",
    "Child.id": "儿童编号",
    "Child.birth_date": "出生日期",
    "Child.household": "户籍类型",
    "Child.citizen_id": "身份证号",
    "Disability.kind": "残疾类别",
    "Disability.grade": "残疾等级",
    "Disability.certified_on": "残疾证发证日期",
    "ParentSituation.kind": "情形",
    "ParentSituation.term_months": "刑期(月)",
    "Guardianship.guardian": "监护人姓名",
    "Guardianship.relation": "与儿童关系",
    "Guardianship.entrusted": "受委托监护",
    "Guardianship.confirmation_signed_on": "确认书签订日期",
    "Residence.institution": "机构编号",
    "Enrolment.programme": "项目",
    "Pairing.scheme": "结对方式",
    "Contact.mode": "方式",
    "Contact.topics": "了解内容",
    "Agreement.service_point": "阵地编号",
    "Report.concern": "报告事由",
    "Report.to": "报告对象",
    "Referral.target": "转介去向",
    "Referral.reason": "转介原因",
    "EntrustmentNotice.recipient": "告知对象",
}
"""The Chinese header of each field: ``"Class.field"``, else ``"field"``. A field held in an
optional class (a child's ``disability``) takes its class's labels."""

ENUM_LABELS: Mapping[type[enum.Enum], Mapping[str, str]] = {
    enums.Sex: {"male": "男", "female": "女"},
    enums.HouseholdType: {"rural": "农村", "urban": "城镇"},
    enums.HardshipKind: {"living": "生活困难", "medical": "医疗困难", "schooling": "就学困难"},
    enums.DisabilityKind: {
        "visual": "视力残疾",
        "hearing": "听力残疾",
        "speech": "言语残疾",
        "physical": "肢体残疾",
        "intellectual": "智力残疾",
        "mental": "精神残疾",
        "multiple": "多重残疾",
    },
    enums.Parent: {"father": "父亲", "mother": "母亲"},
    enums.ParentSituationKind: {
        "working_away": "外出务工",
        "dead": "死亡",
        "declared_dead": "宣告死亡",
        "declared_missing": "宣告失踪",
        "severely_disabled": "重残",
        "seriously_ill": "重病",
        "imprisoned": "服刑在押",
        "compulsory_rehabilitation": "强制隔离戒毒",
        "deprived_of_liberty": "被执行其他限制人身自由措施",
        "out_of_contact": "失联",
        "guardianship_revoked": "被撤销监护资格",
        "deported": "被遣送出境",
    },
    enums.Relation: {
        "father": "父亲",
        "mother": "母亲",
        "step_parent": "继父母",
        "grandparent": "祖父母/外祖父母",
        "sibling": "兄弟姐妹",
        "other_relative": "其他亲属",
        "non_relative": "非亲属",
        "institution": "机构",
    },
    enums.ResidenceKind: {"family": "散居", "institution": "集中供养"},
    enums.ContactMode: {
        "phone": "电话",
        "home_visit": "入户走访",
        "video": "视频",
        "activity": "活动",
        "counselling": "心理辅导",
    },
    enums.Topic: {
        "study": "学习",
        "schooling": "受教育",
        "daily_life": "生活",
        "mental_health": "心理健康",
        "safety": "安全",
    },
    enums.AgreementKind: {
        "entrusted_guardianship_confirmation": "委托监护责任确认书",
        "service_agreement": "委托服务协议书",
    },
    enums.ReportConcern: {
        "abnormal_injury": "非正常伤害",
        "severe_malnutrition": "严重营养不良",
        "domestic_violence": "家庭暴力",
        "abuse": "虐待",
        "sexual_assault": "性侵害",
        "pregnancy_under_14": "未满14周岁怀孕",
        "abandonment": "遗弃",
        "trafficking": "拐卖",
        "organised_begging": "组织乞讨",
        "living_alone": "独居",
        "missing": "失踪",
        "other": "其他",
    },
    enums.ReferralTarget: {
        "social_work_station": "社工站",
        "professional_agency": "专业机构",
        "medical": "医疗机构",
        "police": "公安机关",
        "civil_affairs": "民政部门",
        "education": "教育行政部门",
        "school": "学校",
        "other": "其他",
    },
    enums.DisqualificationKind: {
        "sexual_assault": "性侵害",
        "abuse": "虐待",
        "abandonment": "遗弃",
        "trafficking": "拐卖",
        "violence": "暴力伤害",
        "drug_use": "吸毒",
        "alcoholism": "酗酒",
        "gambling": "赌博",
        "neglected_care": "拒不履行或怠于履行监护职责",
        "other": "其他不适宜情形",
    },
    enums.NoticeRecipient: {"school": "学校或幼儿园", "committee": "村（居）民委员会"},
    enums.WorkerRole: {
        "child_director": "儿童主任",
        "child_supervisor": "儿童督导员",
        "counsellor": "心理咨询师",
        "social_worker": "社会工作者",
        "party_member": "党员",
        "volunteer": "志愿者",
    },
    enums.Post: {
        "womens_federation_chair": "妇联主席",
        "township_leadership": "乡镇党政班子成员",
        "school_leadership": "学校领导班子成员",
        "livelihood_assistant": "民生协理员",
        "village_committee_member": "村（居）民委员会委员",
        "college_graduate_village_official": "大学生村官",
        "qualified_counsellor": "持证心理咨询师",
    },
    enums.OrganiserLevel: {
        "national": "国家",
        "province": "省级",
        "prefecture": "市级",
        "county": "县级",
        "township": "乡镇",
    },
    enums.ServicePointKind: {
        "childrens_home": "儿童之家",
        "welfare_institution": "儿童福利机构",
        "minor_protection_centre": "未成年人救助保护机构",
        "social_work_station": "社工站",
        "social_organisation": "儿童服务类社会组织",
    },
    enums.Facility: {
        "video_calls": "亲情视频",
        "study_and_reading": "学习阅读",
        "recreation": "文体娱乐",
        "counselling_room": "心理辅导室",
    },
}
"""The Chinese label of each member of each enumeration the ledger shows, by its code."""

ENUM_ALIASES: Mapping[type[enum.Enum], Mapping[str, str]] = {
    enums.WorkerRole: {"心理辅导员": "counsellor"},
    enums.Post: {
        "乡镇领导班子成员": "township_leadership",
        "学校领导": "school_leadership",
        "村(居)委会委员": "village_committee_member",
    },
    enums.ServicePointKind: {"社会组织": "social_organisation"},
}
"""Other Chinese labels a ledger's cell may hold for a member, by label: the labels of
ledgers written before the labels above became the only ones (the reports' and the ledger's
alike, in the words of the policy documents)."""
