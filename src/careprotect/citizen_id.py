"""Citizen identity numbers (公民身份号码) of GB 11643-1999.

A number has 18 characters: six address digits (the GB/T 2260 code of the place of household
registration when the number was issued), eight birth-date digits ``YYYYMMDD``, three sequence
digits (odd for a male, even for a female) and one check character, ISO 7064 MOD 11-2: the sum of
the first 17 digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, modulo 11, mapped through
``10X98765432`` (POLICY.md §1).

Numbers typed through Chinese input methods often carry full-width digits (``１１０１…``) or
surrounding spaces: the number is normalised (Unicode NFKC, then spaces stripped) before it is
checked, rather than refused; :func:`normalisation_note` says what was changed, so that a
reader can report it (``careprotect validate`` lists it as a warning).

A number is checked as of a day (today unless :meth:`CitizenId.parse` is given one): its
birth date may not be after that day. Its address digits must start with a province code of
GB/T 2260 (or 83, which the same format uses for the residence permits of Taiwan residents).

A number is personal data (PIPL Art. 28): a :class:`CitizenId` shows only its masked form
(``110105********002X``) in ``str``, ``repr``, ``format`` and error messages. The full number
comes only from :meth:`CitizenId.reveal`.
"""

from __future__ import annotations

import datetime
import operator
import unicodedata

import attrs

from careprotect.divisions import PROVINCE_CODES
from careprotect.enums import Sex
from careprotect.errors import InvalidCitizenIdError
from careprotect.masking import mask_id_number

__all__ = [
    "ADDRESS_PREFIXES",
    "EARLIEST_BIRTH_YEAR",
    "CitizenId",
    "check_character",
    "checking_day",
    "normalisation_note",
]

ADDRESS_PREFIXES: frozenset[str] = frozenset(PROVINCE_CODES) | {"83"}
"""The first two address digits a number may have: a province code of GB/T 2260, or 83 (the
residence permits of Taiwan residents, which use the same format)."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1900
"""The earliest year of birth a number may encode."""
_EARLIEST_STAMP = f"{EARLIEST_BIRTH_YEAR}0101"
_ZEROS_SUM = 48 * sum(_WEIGHTS)


def _is_digits(text: str) -> bool:
    return text.isdigit() and text.isascii()


def checking_day() -> datetime.date:
    """The day a number is checked on when no day is given: today. A birth date after it is
    refused (:meth:`CitizenId.parse` takes another day)."""
    return datetime.date.today()


# The birth-date digits read lately, ``YYYYMMDD``, and the day each is (None when it is no
# real day): the children of a registry share a few thousand birth dates.
_DAYS: dict[str, datetime.date | None] = {}
_STAMPS: dict[datetime.date, str] = {}


def _day(stamp: str) -> datetime.date | None:
    """The day the eight ASCII digits ``stamp`` are (``YYYYMMDD``), or None."""
    if stamp in _DAYS:
        return _DAYS[stamp]
    try:
        day: datetime.date | None = datetime.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
    except ValueError:
        day = None
    if len(_DAYS) >= 1 << 15:
        _DAYS.clear()
    _DAYS[stamp] = day
    return day


def _stamp(day: datetime.date) -> str:
    """``day`` as ``YYYYMMDD``."""
    stamp = _STAMPS.get(day)
    if stamp is None:
        if len(_STAMPS) >= 64:
            _STAMPS.clear()
        stamp = _STAMPS[day] = f"{day:%Y%m%d}"
    return stamp


def _normal_text(value: str) -> str:
    """The number as typed, in normal form: Unicode NFKC (full-width digits and letters made
    ASCII), then surrounding white space stripped. ASCII text skips NFKC (it is unchanged)."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip()


def normalisation_note(value: object) -> str | None:
    """What normalising the number ``value`` (as typed) changed, for a reader to report; None
    when it changed nothing (or ``value`` is not a string). A lower-case final ``x`` made
    upper-case is not reported. The note never contains the number.

    >>> normalisation_note("１１０１０５１９４９１２３１００２Ｘ ")
    'full-width characters were made ASCII (NFKC) and surrounding spaces removed'
    >>> normalisation_note("11010519491231002x") is None
    True
    """
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    wide = not value.isascii() and unicodedata.normalize("NFKC", value).strip() != stripped
    spaces = stripped != value
    if wide and spaces:
        return "full-width characters were made ASCII (NFKC) and surrounding spaces removed"
    if wide:
        return "full-width characters were made ASCII (NFKC)"
    if spaces:
        return "surrounding spaces were removed"
    return None


def _check(first17: str) -> str:
    """The check character of 17 ASCII digits (not validated)."""
    # The weighted sum of the digits' byte values, less that of 17 zeros ("0" is byte 48).
    total = sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _ZEROS_SUM
    return _CHECK_CHARACTERS[total % 11]


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a citizen ID.

    >>> check_character("11010519491231002")
    'X'

    Raises :class:`~careprotect.errors.InvalidCitizenIdError` unless ``first17`` is 17 digits.
    """
    if not isinstance(first17, str) or len(first17) != 17 or not _is_digits(first17):
        shown = f"{len(first17)} characters" if isinstance(first17, str) else type(first17).__name__
        raise InvalidCitizenIdError(f"check character needs 17 digits (got {shown})")
    return _check(first17)


def _normalise(value: str, today: datetime.date | None = None) -> str:
    """Validate a citizen ID number as of ``today`` (default: the current day) and return it
    in normal form: NFKC, stripped, with a lower-case ``x`` made upper-case.

    No message contains the number: at most its masked form.
    """
    if not isinstance(value, str):
        raise InvalidCitizenIdError(f"must be a string (got {type(value).__name__})")
    if not (value.isascii() and value.isalnum()):
        value = _normal_text(value)
    n = len(value)
    if n == 15 and _is_digits(value):
        raise InvalidCitizenIdError(
            "has the 15-digit form used before GB 11643-1999, which is not accepted:"
            " convert it to the 18-character form (got 15 digits)"
        )
    if n != 18:
        raise InvalidCitizenIdError(f"must have 18 characters (got {n})")
    first17 = value[:17]
    if not _is_digits(first17):
        position = next(i for i, ch in enumerate(first17, 1) if not ("0" <= ch <= "9"))
        raise InvalidCitizenIdError(
            f"must have only digits 0-9 in its first 17 characters, but character {position}"
            f" is not one (got {mask_id_number(value)!r})"
        )
    last = value[17]
    if last == "x":
        value = first17 + "X"
    elif not ("0" <= last <= "9" or last == "X"):
        raise InvalidCitizenIdError(f"must end in a digit 0-9 or X (got {mask_id_number(value)!r})")
    stamp = value[6:14]
    if _day(stamp) is None:
        raise InvalidCitizenIdError(
            f"has birth-date digits that are not a date (got {mask_id_number(value)!r})"
        )
    if stamp < _EARLIEST_STAMP:
        raise InvalidCitizenIdError(
            f"has a birth date before {EARLIEST_BIRTH_YEAR} (got {mask_id_number(value)!r})"
        )
    day = checking_day() if today is None else today
    if stamp > _stamp(day):
        raise InvalidCitizenIdError(
            f"has a birth date after the day it is checked on, {day.isoformat()}"
            f" (got {mask_id_number(value)!r})"
        )
    if value[:2] not in ADDRESS_PREFIXES:
        raise InvalidCitizenIdError(
            f"has address digits starting with {value[:2]!r}, which is no province code of"
            f" GB/T 2260 (got {mask_id_number(value)!r})"
        )
    if _check(first17) != value[17]:
        raise InvalidCitizenIdError(f"has a wrong check character (got {mask_id_number(value)!r})")
    return value


@attrs.frozen
class CitizenId:
    """A valid GB 11643-1999 citizen ID number.

    ``CitizenId("11010519491231002x")`` validates the number and keeps it with an upper-case
    ``X``. Equality and hashing use the full number; ``str``, ``repr`` and ``format`` show only
    the masked form, and :meth:`reveal` returns the number itself.

    The value is first normalised: Unicode NFKC (full-width digits made ASCII) and surrounding
    spaces stripped (:func:`normalisation_note` says what that changed).

    Only the first two address digits are checked (a province code of GB/T 2260, or 83): the
    six digits record the place of registration when the number was issued, whose code may
    since have been abolished (Hainan's 460001-460039 of 1988-2002, for one).

    Raises :class:`~careprotect.errors.InvalidCitizenIdError` for a value that is not a string
    of 17 digits and a check character, whose birth-date digits are not a date on or after
    1900-01-01 and not after today (see :meth:`parse` for another day), whose address digits
    start with no province code, or whose check character is wrong.
    """

    _value: str = attrs.field(converter=_normalise, repr=False)

    @classmethod
    def parse(cls, value: str, *, today: datetime.date | None = None) -> CitizenId:
        """``CitizenId(value)``, checked as of ``today`` instead of the current day: a birth
        date after ``today`` is refused."""
        if today is not None and (
            not isinstance(today, datetime.date) or isinstance(today, datetime.datetime)
        ):
            raise TypeError(f"today must be a datetime.date (got {type(today).__name__})")
        return _trusted(_normalise(value, today))

    @classmethod
    def build(cls, address_code: str, birth_date: datetime.date, sequence: int) -> CitizenId:
        """The citizen ID with these parts and the check character that completes them.

        ``address_code`` is six digits, ``sequence`` a number from 0 to 999 (odd for a male,
        even for a female). Useful for making fictional numbers.
        """
        if not isinstance(address_code, str) or len(address_code) != 6:
            raise InvalidCitizenIdError(f"address code must have 6 digits (got {address_code!r})")
        if not _is_digits(address_code):
            raise InvalidCitizenIdError(f"address code must have 6 digits (got {address_code!r})")
        if not isinstance(birth_date, datetime.date) or isinstance(birth_date, datetime.datetime):
            raise InvalidCitizenIdError(
                f"birth date must be a datetime.date (got {type(birth_date).__name__})"
            )
        if birth_date.year < EARLIEST_BIRTH_YEAR:
            raise InvalidCitizenIdError(
                f"birth date must be on or after {EARLIEST_BIRTH_YEAR}-01-01"
            )
        if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence <= 999:
            raise InvalidCitizenIdError(f"sequence must be an int from 0 to 999 (got {sequence!r})")
        first17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
        return cls(first17 + _check(first17))

    @property
    def address_code(self) -> str:
        """The six address digits (the GB/T 2260 code of the place of registration)."""
        return self._value[:6]

    @property
    def birth_date(self) -> datetime.date:
        """The date of birth encoded in digits 7-14."""
        day = _day(self._value[6:14])
        assert day is not None  # a valid number's digits are a real day
        return day

    @property
    def sequence(self) -> str:
        """The three sequence digits (15-17)."""
        return self._value[14:17]

    @property
    def sex(self) -> Sex:
        """The sex encoded by the sequence number: odd is male, even female."""
        return Sex.MALE if (ord(self._value[16]) - 48) % 2 else Sex.FEMALE

    @property
    def masked(self) -> str:
        """The number with its birth-date digits hidden: ``110105********002X``."""
        return mask_id_number(self._value)

    def reveal(self) -> str:
        """The full, unmasked number. Show it only where the caller asked for it."""
        return self._value

    def __str__(self) -> str:
        return self.masked

    def __format__(self, format_spec: str) -> str:
        return format(self.masked, format_spec)

    def __repr__(self) -> str:
        return f"CitizenId({self.masked!r})"


def _trusted(value: str) -> CitizenId:
    """A citizen ID from a number known to be valid and in normal form (as ``CitizenId``
    would keep it), skipping validation: for the registry reader's fast path."""
    citizen_id: CitizenId = object.__new__(CitizenId)
    object.__setattr__(citizen_id, "_value", value)
    return citizen_id
