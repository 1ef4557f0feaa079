"""Running the command line: signals, debug logging, and every error as one line and a status."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sqlite3
import sys
import traceback
from collections.abc import Iterator, Sequence

import click

from careprotect.cli.commands import cli
from careprotect.cli.output import echo_err
from careprotect.cli.status import (
    EXIT_BROKEN_PIPE,
    EXIT_ERRORS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    ReaderGoneError,
    Terminated,
)
from careprotect.errors import CareProtectError, EvaluationError, PluginError
from careprotect.masking import scrub

__all__ = ["main"]


def _one_line(message: str) -> str:
    return " ".join(message.split())


_PLUGIN_HINT = " (fix or uninstall the plugin, or leave it out with --plugins)"
"""What to do about a plugin that cannot be used, added to its error's line (other errors'
messages say what to do themselves)."""


def _on_sigterm(signum: int, frame: object) -> None:
    # Worker processes forked during the run set SIGTERM back to its default themselves
    # (careprotect.pipeline.pool), so this runs in the command's own process only.
    raise Terminated


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` in the main thread while the command runs (SIGINT
    raises KeyboardInterrupt already), so that partial output is removed and worker
    processes are ended before the command exits."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _debug_logging(debug: bool) -> Iterator[None]:
    """With ``debug``: the library's log records on stderr while the command runs, scrubbed
    like every line."""
    if not debug:
        yield
        return

    class Scrubbed(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return scrub(super().format(record))

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Scrubbed("careprotect: %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("careprotect")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see :mod:`careprotect.cli` and docs/cli.md).

    Errors give one line on stderr starting ``careprotect:``, never a traceback unless
    ``--debug`` is given (before or after the verb).
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        with _signals(), _debug_logging(debug):
            return _run(args, debug)
    except Terminated:
        echo_err("careprotect: terminated (SIGTERM); partial output removed")
        return EXIT_TERMINATED


def _run(args: list[str], debug: bool) -> int:
    """:func:`main` less the signals: the status, with every error as one line."""
    try:
        result = cli.main(args=args, prog_name="careprotect", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        echo_err("careprotect: give a command (see the list above)")
        return EXIT_USAGE
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "careprotect"
        verb = where.removeprefix("careprotect").strip()
        echo_err(
            f"careprotect: {verb + ': ' if verb else ''}{_one_line(exc.format_message())}"
            f" (see '{where} --help')"
        )
        return EXIT_USAGE
    except click.ClickException as exc:
        echo_err(f"careprotect: {_one_line(exc.format_message())}")
        return exc.exit_code
    except click.Abort:
        echo_err("careprotect: interrupted; partial output removed")
        return EXIT_INTERRUPTED
    except (ReaderGoneError, BrokenPipeError):
        # The reader went away (careprotect ... | head): stop quietly.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # every error becomes one line and a status
        return _failed(exc, debug)
    return result if isinstance(result, int) else EXIT_OK


def _failed(exc: Exception, debug: bool) -> int:
    """Report ``exc`` on stderr (its traceback first with ``debug``); returns the status."""
    if debug:
        echo_err("".join(traceback.format_exception(exc)).rstrip("\n"))
    if isinstance(exc, CareProtectError):
        hint = _PLUGIN_HINT if isinstance(exc, PluginError) else ""
        echo_err(f"careprotect: {_one_line(str(exc))}{hint}")
        return EXIT_ERRORS if isinstance(exc, EvaluationError) else EXIT_USAGE
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        where = f": {exc.filename}" if exc.filename else ""
        echo_err(f"careprotect: cannot write{where}: {exc.strerror} (free some space, or use -o)")
        return EXIT_USAGE
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        echo_err(f"careprotect: input or output failed{where}: {exc.strerror or exc}")
        return EXIT_USAGE
    if isinstance(exc, sqlite3.OperationalError):
        # The audit table's spool of findings (a temporary SQLite file) could not be written.
        echo_err(
            f"careprotect: cannot write the table's temporary file: {exc} (free some space "
            "where TMPDIR points, or use --format json or csv)"
        )
        return EXIT_USAGE
    if isinstance(exc, MemoryError):
        echo_err("careprotect: out of memory; give the command more memory, or a smaller registry")
        return EXIT_INTERNAL
    echo_err(
        f"careprotect: internal error ({type(exc).__name__}: {_one_line(str(exc))}); this is a "
        "bug in careprotect or a plugin: please report it with the output of the same command "
        "run with --debug"
    )
    return EXIT_INTERNAL
