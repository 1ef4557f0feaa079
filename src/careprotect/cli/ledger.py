"""The verbs of Excel ledgers: ``template``, ``import`` and ``export`` (docs/ledgers.md).

Every verb that reads a registry reads a ledger too (:func:`careprotect.open_registry` opens
one); these verbs write an empty ledger, convert a ledger into a JSON Lines registry, and a
registry into a ledger.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO

import click

from careprotect.cli.commands import cli
from careprotect.cli.options import (
    example,
    lang_option,
    output_option,
    registry_argument,
    resolve_lang,
)
from careprotect.cli.output import (
    echo_err,
    note_sheet_counts,
    open_output,
    registry_file,
    write_stream_validation,
)
from careprotect.cli.status import EXIT_FOUND, EXIT_OK, CommandError
from careprotect.io import RegistryStream
from careprotect.ledger.opening import open_registry
from careprotect.reading.writing import write_lines

__all__ = ["export", "import_ledger", "template"]


def _binary(out: IO[str]) -> IO[bytes]:
    """The bytes under the text stream ``out`` (a workbook is not text)."""
    return out.buffer  # type: ignore[attr-defined, no-any-return]


def _workbook_output(output: Path | None) -> None:
    """Refuse to write a workbook to a terminal."""
    if output is None and sys.stdout.isatty():
        raise CommandError("a ledger is a binary file: give -o FILE.xlsx, or redirect stdout")


@cli.command(
    short_help="Write an empty Excel ledger to fill in.",
    epilog=example("careprotect template ledger -o ledger.xlsx"),
)
@click.argument("kind", type=click.Choice(["ledger"]))
@output_option
def template(kind: str, output: Path | None) -> int:
    """Write an empty template of KIND: ``ledger``, the Excel workbook (台账) of a registry,
    with a sheet explaining how to fill it in, Chinese and English headers, drop-down lists
    for the choices and date cells for the dates (docs/ledgers.md)."""
    from careprotect.ledger.writer import write_template

    _workbook_output(output)
    with open_output(output) as out:
        write_template(_binary(out))
    return EXIT_OK


@cli.command(
    "import",
    short_help="Convert an Excel ledger into a JSON Lines registry.",
    epilog=example("careprotect import ledger.xlsx -o registry.jsonl"),
)
@click.argument("ledger", type=click.Path(path_type=Path))
@output_option
@lang_option
def import_ledger(ledger: Path, output: Path | None, lang: str | None) -> int:
    """Read LEDGER (an Excel workbook in the layout of 'careprotect template ledger') and
    write its accepted records as a JSON Lines registry. Every rejected record is listed on
    stderr with the sheet, row and column of each bad cell, then the record counts and the
    rows of each sheet (read = accepted + rejected). Exit status 1 when a row was rejected,
    0 otherwise."""
    with registry_file(ledger, output) as source, open_registry(source) as stream:
        with open_output(output) as out:
            write_lines(out, stream.reference, stream.children())
        _report(stream, lang)
        return EXIT_FOUND if stream.rejections else EXIT_OK


@cli.command(
    short_help="Write a registry as an Excel ledger.",
    epilog=example("careprotect export examples/sample-registry.jsonl -o ledger.xlsx"),
)
@registry_argument
@output_option
@lang_option
def export(registry: Path, output: Path | None, lang: str | None) -> int:
    """Write the accepted records of REGISTRY as an Excel ledger, in the layout of
    'careprotect template ledger'; 'careprotect import' reads it back into the same
    registry. Rejected records are listed on stderr. Exit status 1 when a record was
    rejected, 0 otherwise."""
    from careprotect.ledger.writer import write_ledger

    _workbook_output(output)
    with registry_file(registry, output) as source, open_registry(source) as stream:
        with open_output(output) as out:
            write_ledger(_binary(out), stream.reference, stream.children())
        if stream.rejections:
            _report(stream, lang)
        return EXIT_FOUND if stream.rejections else EXIT_OK


def _report(stream: RegistryStream, lang: str | None) -> None:
    """The rejections, warnings and counts of ``stream`` on stderr."""
    text = io.StringIO()
    write_stream_validation(stream, text, resolve_lang(lang))
    for line in text.getvalue().splitlines():
        echo_err(line)
    note_sheet_counts(stream)
