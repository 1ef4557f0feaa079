"""A compact set of record ids for telling duplicates in a registry of millions of records.

A Python set of a million child ids holds a million string objects, about 110 bytes each. An
:class:`IdIndex` holds only 48 bits of a hash of each id and where its record is, 12 bytes a
slot in two arrays, and reads the earlier record back (through ``recall``) when the bits
match, so that an answer is exact: a hash collision is never taken for a duplicate.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

__all__ = ["IdIndex"]

_EMPTY = 0  # low hash bits of 0 are stored as 1, so 0 marks an empty slot
_START = 1 << 10
_LOW = 0xFFFFFFFF
# A slot's second word: where the record is, below bit 47, and 16 more bits of the hash above.
_WHERE_BITS = 47
_WHERE = (1 << _WHERE_BITS) - 1
_HIGH = 0xFFFF


class IdIndex:
    """The ids added so far, each with where its record is (any integer from 0 to 2**47 - 1
    that ``recall`` accepts: a byte offset, a list index).

    ``recall(where)`` returns the id of the record at ``where``. It is called only when 48 bits
    of the hash of an id looked up match those of one added: the low 32 (which also place the
    id in the table) and 16 more. For distinct ids near each other in a table of 2**k slots
    that is about one chance in 2**(48 - k) a pair; each duplicate costs one call.
    """

    __slots__ = ("_hash", "_low", "_mask", "_recall", "_size", "_tagged")

    def __init__(
        self, recall: Callable[[int], str | None], *, hash_id: Callable[[str], int] = hash
    ) -> None:
        """``hash_id`` must give a 64-bit signed integer (tests pass a weak one to make
        collisions)."""
        self._recall = recall
        self._hash = hash_id
        self._size = 0
        self._mask = _START - 1
        self._low = array("I", bytes(4 * _START))  # the hash's low 32 bits, or 1 for 0
        self._tagged = array("q", bytes(8 * _START))  # where | the next 16 bits << 47

    def __len__(self) -> int:
        return self._size

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self.find(record_id) is not None

    def find(self, record_id: str) -> int | None:
        """Where the record added with ``record_id`` is, or None when no record was."""
        h = self._hash(record_id)
        low = (h & _LOW) or 1
        tag = ((h >> 32) & _HIGH) << _WHERE_BITS
        lows, tagged, mask = self._low, self._tagged, self._mask
        i = low & mask
        while True:
            stored = lows[i]
            if stored == _EMPTY:
                return None
            if stored == low and tagged[i] & ~_WHERE == tag:
                where = tagged[i] & _WHERE
                if self._recall(where) == record_id:
                    return where
            i = (i + 1) & mask

    def add(self, record_id: str, where: int) -> None:
        """Add ``record_id``, whose record is at ``where``. The caller has checked with
        :meth:`find` that it is new: an id added twice is kept twice."""
        if not 0 <= where <= _WHERE:
            raise ValueError(f"where must be from 0 to 2**47 - 1 (got {where})")
        h = self._hash(record_id)
        low = (h & _LOW) or 1
        lows, mask = self._low, self._mask
        i = low & mask
        while lows[i] != _EMPTY:
            i = (i + 1) & mask
        lows[i] = low
        self._tagged[i] = where | ((h >> 32) & _HIGH) << _WHERE_BITS
        self._size += 1
        # Linear probing stays short below three quarters full; doubling keeps a table between
        # three eighths and three quarters full, 16 to 32 bytes an id.
        if self._size * 4 > mask * 3:
            self._grow()

    def _grow(self) -> None:
        old_low, old_tagged = self._low, self._tagged
        size = 2 * len(old_low)
        mask = size - 1
        lows = array("I", bytes(4 * size))
        tagged = array("q", bytes(8 * size))
        for low, word in zip(old_low, old_tagged, strict=True):
            if low != _EMPTY:
                i = low & mask
                while lows[i] != _EMPTY:
                    i = (i + 1) & mask
                lows[i] = low
                tagged[i] = word
        self._low, self._tagged, self._mask = lows, tagged, mask
