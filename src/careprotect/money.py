"""Exact money: :class:`decimal.Decimal` yuan with exactly two places (to the fen).

Policy amounts are exact ("600 yuan per month", "a post allowance of 200 yuan"), so money is
never a float. Every amount careprotect holds is a ``Decimal`` quantized to :data:`CENT`
(``Decimal("600.00")``), made by :func:`yuan` or :func:`nonnegative_yuan`, which refuse rather
than round: an input with more than two decimal places is an error, not a rounding. Where a
rule computes an amount that must be rounded (a share, a proration), it calls
:func:`round_yuan`, whose rounding is stated: half up to the fen by default, as in Chinese
financial practice (四舍五入).

All arithmetic here runs in a local :class:`decimal.Context`; the thread's decimal context is
never read or changed. Amounts may have at most 26 digits before the decimal point (28
significant digits in all, the default decimal precision).
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import Final

from careprotect.errors import InvalidValueError

__all__ = ["CENT", "format_yuan", "nonnegative_yuan", "round_yuan", "yuan"]

CENT: Final = Decimal("0.01")
"""One fen (分), the smallest unit of an amount: amounts are quantized to it."""

_ZERO: Final = Decimal("0.00")
_PRECISION: Final = 28
_MAX_INTEGER_DIGITS: Final = _PRECISION - 2

_ROUNDINGS: Final = frozenset(
    {
        decimal.ROUND_05UP,
        decimal.ROUND_CEILING,
        decimal.ROUND_DOWN,
        decimal.ROUND_FLOOR,
        decimal.ROUND_HALF_DOWN,
        decimal.ROUND_HALF_EVEN,
        decimal.ROUND_HALF_UP,
        decimal.ROUND_UP,
    }
)

# ASCII digits only: Decimal() would also accept other scripts' digits, spaces, underscores
# and exponents, none of which belong in an amount.
_AMOUNT_RE: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

_GOT_LIMIT: Final = 40


def _got(value: object) -> str:
    """``value`` as shown after "got" in a message: quoted if text or Decimal, cut if long."""
    shown = f"'{value}'" if isinstance(value, Decimal) else repr(value)
    if len(shown) > _GOT_LIMIT:
        shown = shown[: _GOT_LIMIT - 3] + "..."
    return shown


def _context(rounding: str = decimal.ROUND_HALF_UP) -> decimal.Context:
    """A fresh local context: results that do not fit raise instead of losing digits."""
    return decimal.Context(
        prec=_PRECISION,
        rounding=rounding,
        traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero],
    )


def _quantize(value: Decimal, rounding: str, original: object) -> Decimal:
    """``value`` to the fen with ``rounding``; positive zero for any zero."""
    try:
        result = value.quantize(CENT, rounding=rounding, context=_context(rounding))
    except decimal.InvalidOperation:
        raise InvalidValueError(
            f"must be an amount in yuan of at most {_MAX_INTEGER_DIGITS} digits before "
            f"the decimal point (got {_got(original)})"
        ) from None
    # -0.00 equals 0.00 but would print as "-0.00".
    return _ZERO if result.is_zero() else result


def yuan(value: Decimal | int | str) -> Decimal:
    """``value`` as an exact amount in yuan with two places: ``yuan("600") == Decimal("600.00")``.

    Accepts a :class:`~decimal.Decimal`, an ``int`` or a string of ASCII digits with an
    optional sign and decimal point (``"600"``, ``"1200.5"``, ``"-12.50"``). Refuses, with
    :class:`~careprotect.errors.InvalidValueError`, anything that is not exact or would need
    rounding: floats (a float is not exact: ``0.1`` is not one tenth), bools, NaN and
    infinities, other text (``"1,200"``, ``"1e3"``, ``" 5"``), and values with a non-zero digit
    beyond the fen (``"12.345"``; ``"12.340"`` is fine). Negative amounts are allowed, as a
    rule may need a difference; see :func:`nonnegative_yuan`.
    """
    if isinstance(value, bool):
        raise InvalidValueError(f"must be an amount in yuan, not a bool (got {value!r})")
    if isinstance(value, float):
        raise InvalidValueError(
            "must be an exact amount in yuan (a Decimal, int or str), not a float: "
            f"floats are not exact (got {value!r})"
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        if not _AMOUNT_RE.fullmatch(value):
            raise InvalidValueError(
                "must be an amount in yuan written as digits with an optional sign and "
                f"decimal point, such as '600' or '1200.50' (got {_got(value)})"
            )
        number = Decimal(value)
    else:
        raise InvalidValueError(
            f"must be an amount in yuan as a Decimal, int or str (got {_got(value)})"
        )
    if not number.is_finite():
        raise InvalidValueError(f"must be a finite amount in yuan (got {_got(value)})")
    result = _quantize(number, decimal.ROUND_HALF_UP, value)
    if result != number:  # Decimal comparison is exact: no context, no rounding.
        raise InvalidValueError(
            f"must be an amount in yuan with at most two decimal places (got {_got(value)})"
        )
    return result


def nonnegative_yuan(value: Decimal | int | str) -> Decimal:
    """As :func:`yuan`, and also refuse negative amounts (an allowance, a grant, a cost)."""
    result = yuan(value)
    if result < 0:
        raise InvalidValueError(
            f"must be an amount in yuan that is not negative (got {_got(value)})"
        )
    return result


def round_yuan(value: Decimal, rounding: str = decimal.ROUND_HALF_UP) -> Decimal:
    """``value`` rounded to the fen, for amounts a rule computes (a share, a proration).

    The default rounding is half up (四舍五入), the practice of Chinese finance:
    ``round_yuan(Decimal("0.005")) == Decimal("0.01")`` and
    ``round_yuan(Decimal("-0.005")) == Decimal("-0.01")`` (halves move away from zero).
    ``rounding`` may be any of the :mod:`decimal` rounding modes (``decimal.ROUND_DOWN`` to
    truncate, and so on); a rule that rounds otherwise says so where it calls this. The result
    has exactly two places; only a :class:`~decimal.Decimal` is accepted, never a float.
    """
    if not isinstance(value, Decimal):
        raise InvalidValueError(
            f"must be a Decimal amount to round to the fen (got {_got(value)}, "
            f"a {type(value).__name__})"
        )
    if rounding not in _ROUNDINGS:
        raise InvalidValueError(
            f"must be one of the decimal module's rounding modes (got {_got(rounding)})",
            field="rounding",
        )
    if not value.is_finite():
        raise InvalidValueError(f"must be a finite amount in yuan (got {_got(value)})")
    return _quantize(value, rounding, value)


def format_yuan(value: Decimal) -> str:
    """``value`` as plain text with two places and thousands separators: ``"1,200.00"``.

    No currency sign and no unit (a report adds ``元`` or ``yuan`` where it wants one); a
    negative amount starts with ``-`` (``"-35.50"``). ``value`` must already be an amount to
    the fen: a value that would need rounding is refused, as by :func:`yuan`, rather than
    rounded for display.
    """
    return format(yuan(value), ",f")
