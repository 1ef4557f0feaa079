"""What the mechanisms share: the words they name roles, kinds and posts with."""

from __future__ import annotations

import enum

from hypothesis import given
from hypothesis import strategies as st

from careprotect.enums import NoticeRecipient, Post, ReferralTarget, ServicePointKind, WorkerRole
from careprotect.ledger.labels import ENUM_LABELS
from careprotect.rules.common import KIND_ZH, POST_ZH, ROLE_ZH, english, enum_words
from careprotect.rules.guardianship import RECIPIENT_ZH
from careprotect.rules.reporting import TARGET_ZH

MEMBERS = [m for e in ENUM_LABELS for m in e]


def test_english_spells_the_possessives_codes_cannot() -> None:
    assert english(ServicePointKind.CHILDRENS_HOME) == "children's home"
    assert english(Post.WOMENS_FEDERATION_CHAIR) == "women's federation chair"
    assert english(Post.QUALIFIED_COUNSELLOR) == "qualified counsellor"
    assert english(ServicePointKind.SOCIAL_WORK_STATION) == "social work station"


@given(st.sampled_from(MEMBERS))
def test_english_words_are_the_code_with_spaces(member: enum.Enum) -> None:
    """No code reaches a report as a code: the words hold no underscore, and are the code
    but for spaces and apostrophes."""
    words = english(member)
    assert "_" not in words
    assert words.replace(" ", "_").replace("'", "") == member.value


def test_reports_name_roles_kinds_and_posts_as_the_ledger_does() -> None:
    """One label per member, the ledger's, in the words of the policy documents."""
    assert ROLE_ZH[WorkerRole.COUNSELLOR] == "心理咨询师"
    assert KIND_ZH[ServicePointKind.SOCIAL_ORGANISATION] == "儿童服务类社会组织"
    assert POST_ZH[Post.TOWNSHIP_LEADERSHIP] == "乡镇党政班子成员"
    assert TARGET_ZH[ReferralTarget.SOCIAL_WORK_STATION] == "社工站"
    tables = (
        (ROLE_ZH, WorkerRole),
        (KIND_ZH, ServicePointKind),
        (POST_ZH, Post),
        (TARGET_ZH, ReferralTarget),
        (RECIPIENT_ZH, NoticeRecipient),
    )
    for table, members in tables:
        assert dict(table) == {m: ENUM_LABELS[members][m.value] for m in members}


def test_enum_words_join_labels_and_words() -> None:
    words = enum_words([Post.QUALIFIED_COUNSELLOR, Post.WOMENS_FEDERATION_CHAIR], en_joint=" or ")
    assert words.zh == "持证心理咨询师、妇联主席"
    assert words.en == "qualified counsellor or women's federation chair"
