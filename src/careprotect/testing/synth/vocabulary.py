"""The words and places of a synthetic registry.

The vocabulary names are drawn from (fictional), the contact topics and home facilities, and
the only real places of a synthetic province: the divisions whose rules the bundled plugins
carry (POLICY.md §1), kept here in one place so that a new plugin's places are added here
and nowhere else.
"""

from __future__ import annotations

__all__ = [
    "CHIBI",
    "FACILITIES",
    "GIVEN_CHARACTERS",
    "ONE_PLUS_N",
    "ONE_PLUS_ONE",
    "ORG_WORDS",
    "PLACE_FIRST",
    "PLACE_SECOND",
    "REAL_PREFECTURES",
    "SURNAMES",
    "TOPICS",
    "XIANNING",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾田向符覃龙"
GIVEN_CHARACTERS = (
    "小雨军梅宇乐花明华芳静丽强伟杰婷欣怡涛浩然轩萱晨阳思佳俊博雪月星琪瑶峰磊鹏波兰秀英春秋冬"
    "夏梓子一诗雅嘉天宁安文武志红艳玲燕平辉建国庆云霞"
)
PLACE_FIRST = "青石桃柳白龙新大东西南北金银高长马黄花竹松梅云双三五凤鹤石兴福"
PLACE_SECOND = "山门园溪湖塘坪岭冲湾桥坝田林口源铺洲垭坡港河"
ORG_WORDS = ("阳光", "春苗", "童心", "希望", "彩虹", "护苗", "启航", "暖心")

TOPICS = ("study", "schooling", "daily_life", "mental_health")
FACILITIES = ("video_calls", "study_and_reading", "recreation")

# Province-specific divisions: the bundled plugins' places (POLICY.md §1).
REAL_PREFECTURES: dict[str, tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]] = {
    "43": (("31", "湘西土家族苗族自治州", (("22", "泸溪县"),)),),
    "42": (("12", "咸宁市", (("81", "赤壁市"), ("02", "咸安区"))),),
}
CHIBI = "421281"
XIANNING = "4212"
ONE_PLUS_ONE = "xianning-1+1"
ONE_PLUS_N = "xianning-1+N"
