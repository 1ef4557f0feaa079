"""Administrative divisions: GB/T 2260 codes and the 12-digit statistical division codes.

GB/T 2260 (《中华人民共和国行政区划代码》) gives every province, prefecture and county a six-digit
code: digits 1-2 province, 3-4 prefecture, 5-6 county. Below the county the National Bureau of
Statistics' statistical division code (统计用区划代码) adds three township digits and three
village digits, so ``430124101201`` is a village of township ``430124101`` of county ``430124``.
A division's ancestors are its prefixes padded with zeros, which makes containment a prefix test
(POLICY.md §1).

A :class:`Division` holds the *significant prefix* of its code: trailing all-zero levels are
dropped, so ``Division("430000") == Division("43") == Division("430000000000")``.

Two structural exceptions are accepted:

- a zero county level under a non-zero prefecture with a non-zero township below it
  (``441900003000``). A few prefecture-level cities have no counties (东莞 4419, 中山 4420,
  儋州 4604); the statistical codes number their townships directly under the prefecture,
  with county digits ``00``;
- Hainan's codes of 1988-2002 for the counties and county-level cities directly under the
  province, ``460001``-``460007`` and ``460021``-``460039``, which have no prefecture digits
  (``4600``). They were replaced in 2002 (by ``4690xx``), but stand in the ID numbers of many
  living adults, whose address digits are the code of the place that issued the number. Their
  parent is the province. No statistical code lies below them (those began in 2009).

Any other zero level above a non-zero one is refused. A well-formed code need not exist (439999
is accepted): :mod:`careprotect.division_table` checks codes against the official table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from careprotect.errors import InvalidDivisionError
from careprotect.masking import describe, mask_id_number, quote

__all__ = ["HAINAN_1988_CODES", "PROVINCE_CODES", "Division", "Level", "from_normal_code"]


class Level(enum.IntEnum):
    """The five levels of a division code, from province (1) down to village (5)."""

    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5

    @property
    def digits(self) -> int:
        """How many leading digits of a 12-digit code identify a division of this level."""
        return _BOUNDS[self.value]

    @property
    def label(self) -> str:
        """The level's lower-case English name (``"province"``, ..., ``"village"``)."""
        return self.name.lower()


#: The province-level divisions of GB/T 2260: the first two digits of every code.
PROVINCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
    }
)

# _BOUNDS[k] is the end of level k in a 12-digit code (level 0 is the empty prefix).
_BOUNDS = (0, 2, 4, 6, 9, 12)
_LEVEL_BY_LENGTH = {Level(k).digits: Level(k) for k in range(1, 6)}
_ZEROS = {n: "0" * n for n in (2, 3)}
_LABELS = ("", "province", "prefecture", "county", "township", "village")
_SHOW_MAX = 12

HAINAN_1988_CODES: frozenset[str] = frozenset(
    [f"4600{n:02d}" for n in range(1, 8)] + [f"4600{n:02d}" for n in range(21, 40)]
)
"""Hainan's county-level codes of 1988-2002 without prefecture digits (GB/T 2260 of those
years): ``460001``-``460007`` (county-level cities) and ``460021``-``460039`` (counties and
the islands). The only six-digit codes accepted with a zero prefecture level."""


def _shown(text: str) -> str:
    """A bad code as shown in a message: a long one (maybe an ID number) is masked."""
    return mask_id_number(text) if len(text) > _SHOW_MAX else text


def _normalise(code: str) -> str:
    """Validate a division code in one pass and return its significant prefix."""
    if not isinstance(code, str):
        if isinstance(code, list | dict):  # what it holds may be a name
            got = describe(code)
        else:
            got = f"{type(code).__name__} {_shown(repr(code))}"
        raise InvalidDivisionError(f"must be a string of digits (got {got})")
    n = len(code)
    if code and not (code.isdigit() and code.isascii()):
        # Text may be a name put in the wrong field: quoted only when it looks like a code.
        raise InvalidDivisionError(f"must contain only the digits 0-9 (got {quote(code)})")
    top = _LEVEL_BY_LENGTH.get(n)
    if top is None:
        raise InvalidDivisionError(
            f"must have 2, 4, 6, 9 or 12 digits (got {n} digits: {_shown(code)!r})"
        )
    if code[:2] not in PROVINCE_CODES:
        raise InvalidDivisionError(
            f"starts with {code[:2]!r}, which is not a province code of GB/T 2260 (got {code!r})"
        )
    if code[2:4] == "00" and n >= 6 and code[:6] in HAINAN_1988_CODES:
        if code[6:].strip("0"):
            raise InvalidDivisionError(
                f"has a level below a Hainan county code of 1988-2002, which has none"
                f" (got {code!r})"
            )
        return code[:6]
    # Walk the levels below the province: find the last non-zero one, refusing a zero level
    # above a non-zero one (except a zero county between a prefecture and a township).
    last = 1
    first_zero = 0
    for k in range(2, top + 1):
        start, end = _BOUNDS[k - 1], _BOUNDS[k]
        if code[start:end] == _ZEROS[end - start]:
            if not first_zero:
                first_zero = k
        else:
            if first_zero:
                county_only = first_zero == Level.COUNTY and last == Level.PREFECTURE
                if not (county_only and k == Level.TOWNSHIP):
                    # Name the zero level at fault: past an allowed zero county, the township.
                    bad = Level.TOWNSHIP if county_only else first_zero
                    raise InvalidDivisionError(
                        f"has a zero {_LABELS[bad]} level above a non-zero {_LABELS[k]} level"
                        f" (got {code!r})"
                    )
            first_zero = 0
            last = k
    end = _BOUNDS[last]
    return code if end == n else code[:end]


@attrs.frozen
class Division:
    """A division of any level, identified by its normalised code.

    ``code`` accepts the 2, 4, 6, 9 and 12 digit forms and keeps the significant prefix:
    ``Division("430100").code == "4301"``. Equality and hashing use that normalised code;
    divisions sort by :attr:`code12`.

    Raises :class:`~careprotect.errors.InvalidDivisionError` for a code that is not a string
    of digits, has the wrong length, starts with no GB/T 2260 province code, or has a zero
    level above a non-zero one (except a zero county between a prefecture and a township, and
    Hainan's 1988-2002 codes :data:`HAINAN_1988_CODES`).
    """

    code: str = attrs.field(converter=_normalise)

    @property
    def level(self) -> Level:
        """The level of the division: the lowest non-zero level of its code."""
        return _LEVEL_BY_LENGTH[len(self.code)]

    @property
    def code12(self) -> str:
        """The 12-digit statistical division code (the code padded with zeros)."""
        return self.code.ljust(12, "0")

    @property
    def code6(self) -> str:
        """The six-digit GB/T 2260 code; for a township or village, its county's code."""
        return self.code[:6].ljust(6, "0")

    @property
    def province(self) -> Division:
        """The province-level division this division lies in (itself for a province)."""
        if len(self.code) == 2:
            return self
        return from_normal_code(self.code[:2])

    @property
    def parent(self) -> Division | None:
        """The nearest division above this one, or ``None`` for a province.

        The parent of a township of a prefecture-level city without counties
        (``441900003``) is the prefecture (``4419``).
        """
        ancestors = self.ancestors
        return ancestors[-1] if ancestors else None

    @property
    def ancestors(self) -> tuple[Division, ...]:
        """The divisions containing this one, from the province down, excluding itself."""
        code = self.code
        result: list[Division] = []
        for end in _BOUNDS[1 : _LEVEL_BY_LENGTH[len(code)]]:
            # Only a county level can be zero inside a valid code (441900003), or a
            # prefecture level above a Hainan county of 1988-2002 (460021): skip it.
            if end > 6 or code[end - 2 : end] != "00":
                result.append(from_normal_code(code[:end]))
        return tuple(result)

    def contains(self, other: Division) -> bool:
        """Whether ``other`` is this division or lies within it (a prefix test)."""
        return other.code.startswith(self.code)

    def is_within(self, other: Division) -> bool:
        """Whether this division is ``other`` or lies within it."""
        return self.code.startswith(other.code)

    def __contains__(self, other: object) -> bool:
        if not isinstance(other, Division):
            raise TypeError(
                f"'in <Division>' needs a Division on the left (got {type(other).__name__})"
            )
        return other.code.startswith(self.code)

    # Sorting by the normalised code is sorting by code12: a code is a prefix of another only
    # if it is an ancestor, whose zero-padded code12 sorts first.
    def __lt__(self, other: Division) -> bool:
        if not isinstance(other, Division):
            return NotImplemented
        return self.code < other.code

    def __le__(self, other: Division) -> bool:
        if not isinstance(other, Division):
            return NotImplemented
        return self.code <= other.code

    def __gt__(self, other: Division) -> bool:
        if not isinstance(other, Division):
            return NotImplemented
        return self.code > other.code

    def __ge__(self, other: Division) -> bool:
        if not isinstance(other, Division):
            return NotImplemented
        return self.code >= other.code

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"Division({self.code!r})"


def from_normal_code(code: str) -> Division:
    """The division whose normalised code is ``code``, without checking it again: for a code
    taken from a :class:`Division` (its :attr:`~Division.code`, or a prefix of it at a level
    boundary whose last level is non-zero), such as one sent to another process. A code that
    is not in normal form gives a division that is not valid: use ``Division(code)`` for
    anything read from input."""
    division: Division = object.__new__(Division)
    object.__setattr__(division, "code", code)
    return division
