"""Where a command reads and writes: the registry file (standard input and pipes spooled to a
private file), the output (replaced only once complete), the progress display and the lines
on stderr."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import click

from careprotect import report as rp
from careprotect.cli.status import CommandError, ReaderGoneError
from careprotect.closing import Closing
from careprotect.errors import CareProtectError, RegistryReadError
from careprotect.masking import scrub

if TYPE_CHECKING:
    from rich.progress import Progress

    from careprotect.io import RegistryStream

__all__ = [
    "PROGRESS_DELAY",
    "STDIN",
    "ProgressDisplay",
    "echo_err",
    "note",
    "note_sheet_counts",
    "note_warnings",
    "open_output",
    "open_split",
    "progress_display",
    "registry_file",
    "write_stream_validation",
]

PROGRESS_DELAY = 2.0
"""Seconds a run must last before a progress display appears (on a terminal only)."""


@contextlib.contextmanager
def open_output(path: Path | None, *, csv: bool = False) -> Iterator[TextIO]:
    """stdout, or a file written beside ``path`` and moved into place once complete (so a
    failed or interrupted run leaves no half-written report). The file is readable by its
    owner only: reports hold personal data. A write that fails (a full disk) ends the command
    with one line, the partial file removed."""
    if path is None:
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise ReaderGoneError from None
        return
    try:
        special = path.exists() and not path.is_file()
        if path.is_dir():
            raise CommandError(
                f"-o {path} is a directory; give a file (audit --split writes parts)"
            )
    except OSError as exc:  # a name too long, a component that is not a directory
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    if special:
        # A device or a pipe (-o /dev/null, a FIFO): write to it directly; never replace it.
        try:
            with path.open("w", encoding="utf-8", newline="" if csv else None) as handle:
                yield handle
        except BrokenPipeError:
            raise ReaderGoneError from None
        except OSError as exc:
            if not _written(exc, path):
                raise
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="" if csv else None) as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not _written(exc, path, tmp):
            raise
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def open_split(path: Path) -> Iterator[Path]:
    """A directory for the parts of a report, made beside ``path`` (which must not exist, or
    be an empty directory) and moved into place once complete, as :func:`open_output` does a
    file: readable by its owner only."""
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise CommandError(f"--split writes into a new or empty directory; {path} is not one")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    try:
        yield tmp
        if path.exists():
            path.rmdir()
        tmp.rename(path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if not _written(exc, path, tmp):
            raise
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _written(exc: OSError, *names: str | Path) -> bool:
    """Whether ``exc`` arose writing the output named ``names`` (a write error has no file
    name; an error reading the registry is not the output's)."""
    if isinstance(exc, CareProtectError):
        return False
    return exc.filename is None or exc.filename in {str(n) for n in names}


STDIN = Path("-")
"""The registry argument that reads standard input."""


@contextlib.contextmanager
def registry_file(registry: Path, output: Path | None = None) -> Iterator[Path]:
    """The file to read ``registry`` from. A regular file is read where it is. Standard input
    (``-``) and a named pipe are streams that can be read only once, while a registry is read
    in passes (and by worker processes at offsets): they are first copied into a file of a
    private temporary directory, removed when the command ends. A directory is a registry of
    several files (:mod:`careprotect.reading.joined`), read where it is. A device or a socket
    is refused. So is ``output`` when it names the registry: writing the report would replace
    the registry."""
    if registry != STDIN:
        try:
            mode = registry.stat().st_mode
        except OSError:
            mode = None  # open_registry says why it cannot be read
        if mode is not None and stat.S_ISDIR(mode):
            yield registry
            return
        if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise CommandError(
                f"the registry is not a regular file (a device or a socket): {registry}; "
                "give a file, or '-' to read standard input"
            )
        if output is not None and _same_file(registry, output):
            raise CommandError(
                f"-o {output} names the registry being read; write the report to another file"
            )
        if mode is None or stat.S_ISREG(mode):
            yield registry
            return
    spool = Path(tempfile.mkdtemp(prefix="careprotect-"))
    try:
        copy = spool / "standard-input"
        try:
            with contextlib.ExitStack() as stack:
                source = (
                    sys.stdin.buffer
                    if registry == STDIN
                    else stack.enter_context(registry.open("rb"))
                )
                with copy.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
        except OSError as exc:
            name = "standard input" if registry == STDIN else str(registry)
            raise CommandError(f"cannot read {name}: {exc.strerror}") from None
        try:
            yield copy
        except RegistryReadError as exc:
            # Name the registry as given, not the private copy.
            raise RegistryReadError(str(exc).replace(str(copy), str(registry))) from None
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (the same path, or links to one file)."""
    try:
        if a.resolve() == b.resolve():
            return True
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@attrs.define(eq=False)
class ProgressDisplay(Closing):
    """A progress display on stderr: only when stderr is a terminal, and only once a run has
    lasted ``delay`` seconds, so short runs and pipes see nothing."""

    description: str
    unit: str
    enabled: bool = attrs.field(kw_only=True)
    delay: float = attrs.field(default=PROGRESS_DELAY, kw_only=True)
    _stderr: TextIO | None = attrs.field(default=None, kw_only=True)
    _start: float = attrs.field(init=False, factory=time.monotonic)
    _bar: Progress | None = attrs.field(init=False, default=None)
    _task: Any = attrs.field(init=False, default=None)

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self._start < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=self._stderr or sys.stderr)
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} " + self.unit),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=None)
        self._bar.update(self._task, completed=done)

    def stop(self) -> None:
        """Remove the display (if it was shown) and show no more."""
        self.enabled = False
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def close(self) -> None:
        """:meth:`stop`, as the end of a ``with`` block calls it."""
        self.stop()


def progress_display(description: str, unit: str, out: TextIO) -> ProgressDisplay:
    """A progress display, enabled when stderr is a terminal and the results do not go to
    that terminal too (a table printed while a bar redraws would be garbled)."""
    return ProgressDisplay(description, unit, enabled=sys.stderr.isatty() and not out.isatty())


def echo_err(line: str) -> None:
    """Write ``line`` on stderr: the one way the command writes there, so that every line
    passes through :func:`~careprotect.masking.scrub`."""
    click.echo(scrub(line), err=True)


def note(message: str) -> None:
    echo_err(f"careprotect: {message}")


def note_warnings(warnings: Sequence[object], fmt: str) -> None:
    """A note on stderr of the warnings a CSV report has no place for."""
    if warnings and fmt == "csv":
        note(f"{len(warnings)} warnings about accepted records; --format table or json lists them")


def note_sheet_counts(stream: object) -> None:
    """Notes on stderr of the rows of each sheet of an Excel ledger read (a
    :class:`~careprotect.ledger.stream.LedgerStream`); nothing for a JSON registry."""
    for c in getattr(stream, "sheet_counts", ()):
        if c.read:
            note(
                f"sheet {c.title} ({c.sheet}): {c.read} rows read, {c.accepted} accepted, "
                f"{c.rejected} rejected"
            )


def write_stream_validation(stream: RegistryStream, out: TextIO, lang: rp.Lang) -> None:
    """The validation report of ``stream``, read to its end, on ``out``: its rejected records,
    its warnings about accepted records and its record counts."""
    rp.write_validation(stream.rejections, stream.counts, out, lang=lang, warnings=stream.warnings)
