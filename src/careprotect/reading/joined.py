"""A registry given as a directory of JSON Lines files, read as one file.

National data arrives in parts: the reference data in one file, then the child files in one
file per county or prefecture. A directory registry holds them (docs/input-format.md):

- ``reference.jsonl``: the divisions, workers and service points;
- every other ``*.jsonl`` (or ``*.ndjson``) file directly in the directory: child files, read
  in the order of the files' names.

The reader reads it as the files joined in that order (:class:`Joined`): each file's bytes,
without a leading byte order mark, with a line end added to a file whose last line has none.
Record numbers and byte offsets are those of the joined files, so parts (byte ranges) may be
marked out across the files' edges and read by any process that opens the directory. Where
a rejected record or a warning stands is told as its file and its line in that file
(:meth:`Joined.locate`).
"""

from __future__ import annotations

import bisect
import io
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from careprotect.errors import RegistryReadError
from careprotect.reading.lines import BOM, FileBytes, Positional

__all__ = [
    "REFERENCE_FILE",
    "Joined",
    "joined_of",
    "open_bytes",
    "positional",
    "registry_files",
]

REFERENCE_FILE = "reference.jsonl"
"""The file of a directory registry that holds its reference data."""

_SUFFIXES = (".jsonl", ".ndjson")
_OPEN_FILES = 64
"""Files of a directory registry held open at a time (a national registry has thousands)."""

_COUNT = 1 << 20
"""Bytes read at a time while counting a file's lines."""


def registry_files(directory: Path) -> list[Path]:
    """The files of the registry ``directory``: its reference file, then its other JSON Lines
    files by name. Raises :class:`~careprotect.errors.RegistryReadError` when it has no
    reference file or cannot be listed."""
    try:
        found = sorted(
            p for p in directory.iterdir() if p.suffix in _SUFFIXES and p.name != REFERENCE_FILE
        )
    except OSError as exc:
        raise RegistryReadError(
            f"registry directory cannot be read: {directory} ({exc.strerror})"
        ) from None
    reference = directory / REFERENCE_FILE
    if not reference.is_file():
        raise RegistryReadError(
            f"a registry directory holds its reference data in {REFERENCE_FILE}, which "
            f"{directory} lacks (see docs/input-format.md)"
        )
    return [reference, *(p for p in found if p.is_file())]


@attrs.frozen
class _Segment:
    """A file of the joined files: where its bytes start among them, and in the file."""

    start: int  # among the joined bytes
    skip: int  # the file's byte order mark
    length: int  # its bytes after the mark
    newline: bool  # a line end added after them


class Joined(io.RawIOBase):
    """The JSON Lines ``files`` as one file, read in order (see the module's docstring)."""

    def __init__(self, files: Sequence[Path]) -> None:
        super().__init__()
        self.files = tuple(files)
        self._fds: OrderedDict[int, int] = OrderedDict()
        segments, start = [], 0
        for index in range(len(self.files)):
            fd = self._fd(index)
            size = os.fstat(fd).st_size
            skip = len(BOM) if os.pread(fd, len(BOM), 0) == BOM else 0
            newline = size > skip and os.pread(fd, 1, size - 1) != b"\n"
            segments.append(_Segment(start, skip, size - skip, newline))
            start += size - skip + newline
        self._segments = segments
        self._starts = [s.start for s in segments]
        self._size = start
        self._at = 0
        self._line_starts: list[int] = [0]  # lines before each file, counted as needed

    # -- positional reading ----------------------------------------------------------------

    def size(self) -> int:
        return self._size

    def pread(self, count: int, at: int) -> bytes:
        parts: list[bytes] = []
        while count > 0 and at < self._size:
            index = bisect.bisect_right(self._starts, at) - 1
            segment = self._segments[index]
            inside = at - segment.start
            if inside < segment.length:
                part = os.pread(
                    self._fd(index), min(count, segment.length - inside), segment.skip + inside
                )
                if not part:  # the file was cut short since it was opened
                    break
            else:  # the line end added after the file
                part = b"\n"
            parts.append(part)
            count -= len(part)
            at += len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _fd(self, index: int) -> int:
        fd = self._fds.get(index)
        if fd is not None:
            self._fds.move_to_end(index)
            return fd
        path = self.files[index]
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise RegistryReadError(
                f"registry file cannot be read: {path} ({exc.strerror})"
            ) from None
        self._fds[index] = fd
        if len(self._fds) > _OPEN_FILES:
            os.close(self._fds.popitem(last=False)[1])
        return fd

    # -- a file read in order ---------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        part = self.pread(len(buffer), self._at)
        buffer[: len(part)] = part
        self._at += len(part)
        return len(part)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._size}[whence]
        self._at = base + offset
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        super().close()

    # -- where a line stands -----------------------------------------------------------------

    def locate(self, line: int) -> tuple[str, int]:
        """The name of the file that holds the joined files' ``line`` (from 1), and the
        line's number in that file."""
        starts = self._line_starts
        while len(starts) < len(self.files) and starts[-1] < line:
            starts.append(starts[-1] + self._lines_of(len(starts) - 1))
        index = bisect.bisect_left(starts, line) - 1
        return self.files[index].name, line - starts[index]

    def _lines_of(self, index: int) -> int:
        """The lines of file ``index``, as joined (its last line ended)."""
        segment = self._segments[index]
        fd, at, stop, lines = self._fd(index), segment.skip, segment.skip + segment.length, 0
        while at < stop:
            part = os.pread(fd, min(_COUNT, stop - at), at)
            if not part:
                break
            lines += part.count(b"\n")
            at += len(part)
        return lines + segment.newline


def open_bytes(path: Path) -> IO[bytes]:
    """``path`` opened to read bytes: a file, or the files of a registry directory joined.
    Raises :class:`~careprotect.errors.RegistryReadError` when it cannot be."""
    try:
        if path.is_dir():
            return io.BufferedReader(Joined(registry_files(path)))
        return path.open("rb")
    except RegistryReadError:
        raise
    except FileNotFoundError:
        raise RegistryReadError(f"registry file not found: {path}") from None
    except OSError as exc:
        raise RegistryReadError(f"registry file cannot be read: {path} ({exc.strerror})") from None


def positional(handle: IO[bytes]) -> Positional:
    """The bytes of ``handle`` (opened by :func:`open_bytes`), read at offsets."""
    raw = getattr(handle, "raw", None)
    if isinstance(raw, Joined):
        return raw
    return FileBytes(handle.fileno())


def joined_of(handle: IO[bytes] | None) -> Joined | None:
    """The joined files ``handle`` reads, if it reads a registry directory."""
    raw = getattr(handle, "raw", None)
    return raw if isinstance(raw, Joined) else None
