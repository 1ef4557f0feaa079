"""The lines of a JSON Lines registry: read one at a time, or marked out in byte spans that
others read (:func:`span_lines`), with a line too long never held whole."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO, Any, NamedTuple, Protocol

import attrs

from careprotect.errors import RegistryReadError

__all__ = [
    "BOM",
    "MAX_LINE_BYTES",
    "MAX_LINE_VARIABLE",
    "FileBytes",
    "LineFeed",
    "LongLine",
    "Positional",
    "RawLine",
    "line_limit",
    "span_lines",
]

MAX_LINE_BYTES = 16 << 20
"""The default longest line of a JSON Lines registry, in bytes, its line end aside: a longer
line is rejected without being read whole. The environment variable
``CAREPROTECT_MAX_LINE_BYTES`` or ``open_registry(max_line_bytes=...)`` sets another."""

MAX_LINE_VARIABLE = "CAREPROTECT_MAX_LINE_BYTES"
"""The environment variable that sets another longest line."""

_SKIP = 1 << 20
"""Bytes read at a time while skipping the rest of a line that is too long."""


class RawLine(NamedTuple):
    """A line of a JSON Lines registry that holds a record, not yet parsed."""

    number: int  # the record's number (blank lines are not records)
    line: int
    at: int  # the line's byte offset
    text: bytes


BOM = b"\xef\xbb\xbf"


class LongLine(bytes):
    """In place of the text of a line longer than the feed's limit (an empty bytes, so
    that nothing takes it for JSON): the length of the line, its line end aside, and the
    limit."""

    length: int
    limit: int


class Positional(Protocol):
    """Bytes read at an offset, leaving any file position alone."""

    def size(self) -> int:
        """How many bytes there are."""
        ...

    def pread(self, count: int, at: int) -> bytes:
        """At most ``count`` bytes from offset ``at`` (fewer at the end)."""
        ...


@attrs.frozen
class FileBytes:
    """The bytes of an open regular file, by its descriptor."""

    fd: int

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def pread(self, count: int, at: int) -> bytes:
        return os.pread(self.fd, count, at)


class LineFeed:
    """The lines of a JSON Lines file, read one at a time (:meth:`lines`), or marked out in
    spans for others to read (:meth:`span`)."""

    def __init__(
        self,
        handle: IO[bytes],
        *,
        line: int = 0,
        at: int = 0,
        number: int = 0,
        max_line_bytes: int | None = None,
        source: Positional | None = None,
    ) -> None:
        """``handle`` starts after ``line`` lines, ``at`` bytes and ``number`` records. A
        line longer than ``max_line_bytes`` (see :data:`MAX_LINE_BYTES`) is not read whole:
        its text is an empty bytes with its ``length``, and the stream rejects it.
        ``source`` reads the handle's bytes at offsets, for :meth:`span`."""
        self._handle = handle
        self._source = source
        self.number = number
        """Records read by :meth:`lines` (a span's records are not counted)."""
        self._line = line
        self._at = at
        self._max = line_limit(max_line_bytes)

    @property
    def line(self) -> int:
        """Lines read by :meth:`lines` (blank ones too), with those before the handle's start."""
        return self._line

    def lines(self) -> Iterator[RawLine]:
        """The lines that hold a record, with their numbers and offsets."""
        readline = self._handle.readline
        limit = self._max + 1  # a line end may follow the longest line
        while raw := readline(limit):
            self._line += 1
            at = self._at
            self._at += len(raw)
            if len(raw) == limit and raw[-1:] != b"\n":
                raw = self._skip_rest(raw)
            else:
                if at == 0:
                    raw = raw.removeprefix(BOM)
                if not raw or raw.isspace():  # the ASCII whitespace bytes.strip() removes
                    continue
            self.number += 1
            yield RawLine(self.number, self._line, at, raw)

    def _skip_rest(self, head: bytes) -> bytes:
        """Read past the rest of a line too long to hold, whose first bytes are ``head``,
        a chunk at a time; a :class:`LongLine` in its place."""
        length = len(head)
        while not head.endswith(b"\n"):
            head = self._handle.readline(_SKIP)
            if not head:
                break
            length += len(head)
            self._at += len(head)
        skipped = LongLine()
        skipped.length = length - head.endswith(b"\n")
        skipped.limit = self._max
        return skipped

    def span(self, size: int) -> tuple[int, int] | None:
        """The byte offsets ``(start, stop)`` of the next whole lines, about ``size`` bytes of
        them (at least one line), or None at the end of the file.

        The lines are not read: only the end of the last one is looked for, from the byte
        ``size`` bytes on. For a parallel audit, whose workers read the spans themselves
        (:func:`span_lines`). The feed must have a ``source``; the lines a span holds are not
        counted in :attr:`line` or :attr:`number`.
        """
        source = self._source
        assert source is not None, "spans are marked out in a file read at offsets"
        start = self._at
        end = source.size()
        if start >= end:
            return None
        at = start + max(size, 1) - 1  # the span ends with the line holding this byte
        stop = end
        while at < end:
            probe = source.pread(_PROBE, at)
            if not probe:
                break
            found = probe.find(b"\n")
            if found >= 0:
                stop = at + found + 1
                break
            at += len(probe)
        self._at = stop
        return start, stop


_PROBE = 1 << 14
"""Bytes read at a time while looking for the end of a span's last line."""


def span_lines(
    source: Positional,
    start: int,
    stop: int,
    *,
    max_line_bytes: int | None = None,
    line: int = 0,
    number: int = 0,
) -> tuple[Iterator[RawLine], LineFeed]:
    """The lines that hold a record in the bytes ``start`` to ``stop`` of ``source``
        (whole lines: a span of :meth:`LineFeed.span`), read at their offsets, which leaves
        any file's offset alone. Lines and records are numbered from ``line + 1`` and ``number + 1``
    (from 1 within the span by default); the feed
        returned counts them (:attr:`LineFeed.line`, :attr:`LineFeed.number`) as they are read.
        A span longer than ``max_line_bytes`` (it holds a line that long) is read a part at a
        time, so that a line too long is never held whole."""
    limit = line_limit(max_line_bytes)
    handle: IO[bytes]
    if stop - start > limit:
        handle = io.BufferedReader(_Region(source, start, stop), _SKIP)
    else:
        parts = []
        at = start
        while at < stop:
            part = source.pread(stop - at, at)
            if not part:  # the file was cut short: its end is the span's
                break
            parts.append(part)
            at += len(part)
        handle = io.BytesIO(parts[0] if len(parts) == 1 else b"".join(parts))
    feed = LineFeed(handle, line=line, at=start, number=number, max_line_bytes=limit)
    return feed.lines(), feed


class _Region(io.RawIOBase):
    """The bytes ``start`` to ``stop`` of ``source``."""

    def __init__(self, source: Positional, start: int, stop: int) -> None:
        super().__init__()
        self._source, self._at, self._stop = source, start, stop

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        part = self._source.pread(min(len(buffer), self._stop - self._at), self._at)
        buffer[: len(part)] = part
        self._at += len(part)
        return len(part)


def line_limit(given: int | None) -> int:
    """The longest line to read: ``given``, else the environment's, else the default."""
    if given is None:
        setting = os.environ.get(MAX_LINE_VARIABLE)
        if not setting:
            return MAX_LINE_BYTES
        try:
            given = int(setting)
        except ValueError:
            given = 0
        if given < 1:
            raise RegistryReadError(
                f"{MAX_LINE_VARIABLE} must be a whole number of bytes, at least 1 (got {setting!r})"
            )
    if given < 1:
        raise ValueError(f"'max_line_bytes' must be at least 1 (got {given!r})")
    return given


# -- values that cannot be read safely ------------------------------------------------------------
