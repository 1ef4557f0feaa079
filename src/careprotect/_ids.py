"""A compact set of record ids for telling duplicates in a registry of millions of records.

A Python set of a million child ids holds a million string objects, about 110 bytes each. An
:class:`IdIndex` holds only a 64-bit hash of each id and where its record is, 16 bytes a slot
in two arrays, and reads the earlier record back (through ``recall``) when a hash matches, so
that an answer is exact: a hash collision is never taken for a duplicate.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

__all__ = ["IdIndex"]

_EMPTY = 0  # a hash of 0 is stored as 1, so 0 marks an empty slot
_START = 1 << 10


class IdIndex:
    """The ids added so far, each with where its record is (any integer ``recall`` accepts:
    a byte offset, a list index).

    ``recall(where)`` returns the id of the record at ``where``. It is called only when the hash
    of an id looked up matches the hash of one added, which for distinct ids is about one chance
    in 2**64 a pair; each duplicate costs one call.
    """

    __slots__ = ("_hash", "_hashes", "_mask", "_recall", "_size", "_where")

    def __init__(
        self, recall: Callable[[int], str | None], *, hash_id: Callable[[str], int] = hash
    ) -> None:
        """``hash_id`` must give a 64-bit signed integer (tests pass a weak one to make
        collisions)."""
        self._recall = recall
        self._hash = hash_id
        self._size = 0
        self._mask = _START - 1
        self._hashes = array("q", bytes(8 * _START))
        self._where = array("q", bytes(8 * _START))

    def __len__(self) -> int:
        return self._size

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self.find(record_id) is not None

    def find(self, record_id: str) -> int | None:
        """Where the record added with ``record_id`` is, or None when no record was."""
        h = self._hash(record_id) or 1
        hashes, mask = self._hashes, self._mask
        i = h & mask
        while True:
            stored = hashes[i]
            if stored == _EMPTY:
                return None
            if stored == h:
                where = self._where[i]
                if self._recall(where) == record_id:
                    return where
            i = (i + 1) & mask

    def add(self, record_id: str, where: int) -> None:
        """Add ``record_id``, whose record is at ``where``. The caller has checked with
        :meth:`find` that it is new: an id added twice is kept twice."""
        h = self._hash(record_id) or 1
        hashes, mask = self._hashes, self._mask
        i = h & mask
        while hashes[i] != _EMPTY:
            i = (i + 1) & mask
        hashes[i] = h
        self._where[i] = where
        self._size += 1
        # Linear probing stays short below three quarters full; doubling keeps a table between
        # three eighths and three quarters full, 21 to 43 bytes an id.
        if self._size * 4 > mask * 3:
            self._grow()

    def _grow(self) -> None:
        old_hashes, old_where = self._hashes, self._where
        size = 2 * len(old_hashes)
        mask = size - 1
        hashes = array("q", bytes(8 * size))
        where = array("q", bytes(8 * size))
        for h, w in zip(old_hashes, old_where, strict=True):
            if h != _EMPTY:
                i = h & mask
                while hashes[i] != _EMPTY:
                    i = (i + 1) & mask
                hashes[i] = h
                where[i] = w
        self._hashes, self._where, self._mask = hashes, where, mask
