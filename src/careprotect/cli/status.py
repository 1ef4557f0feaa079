"""The command's exit statuses, and the exceptions that end a command with one of them.

Each exit status means one thing (docs/cli.md).
"""

from __future__ import annotations

import click

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_ERRORS",
    "EXIT_FOUND",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "CommandError",
    "ReaderGoneError",
    "Terminated",
]

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
EXIT_ERRORS = 3
"""The run finished, but some evaluations failed (``error`` findings), or it could not judge
every record (a worker process died)."""
EXIT_INTERNAL = 70
"""careprotect itself failed: a bug (sysexits' EX_SOFTWARE)."""
EXIT_INTERRUPTED = 130
"""128 + SIGINT."""
EXIT_TERMINATED = 143
"""128 + SIGTERM."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, as a shell reports a command whose reader went away."""


class CommandError(click.ClickException):
    """Input that cannot be used: exit status 2, one line on stderr."""

    exit_code = EXIT_USAGE


class ReaderGoneError(Exception):
    """stdout's reader went away (``careprotect ... | head``). Not an OSError, so that click
    does not turn it into exit status 1, which would claim non-compliance."""


class Terminated(BaseException):
    """SIGTERM arrived: raised in the main thread so that every ``finally`` runs (partial
    output removed, worker processes ended) before the command exits with 143. A
    BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it."""
