"""The records of a registry written as one JSON document (see ``docs/input-format.md``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from careprotect.convert import FieldProblem, describe_value
from careprotect.errors import RegistryReadError
from careprotect.reading.records import (
    MAX_DEPTH,
    SECTIONS,
    SURROGATE_ESCAPE,
    RawRecord,
    brackets,
    lenient_int,
    lone_surrogate,
    nesting,
    unsafe_value,
)

__all__ = ["document_records"]


def document_records(content: bytes, path: Path) -> tuple[Iterator[RawRecord], list[Any]]:
    """The records of the JSON document ``content`` (the file at ``path``), in order, and
    its list of child files as parsed (a record is found again by its index in it).

    Raises :class:`~careprotect.errors.RegistryReadError` when the document cannot be read
    at all: not UTF-8, not JSON, nested too deeply to parse, not an object, unknown keys, or
    a section that is not a list."""
    # Records nest two levels below the document: its object and a section's list.
    deep = brackets(content) > MAX_DEPTH + 2 and nesting(content) > MAX_DEPTH + 2
    long_ints = False
    try:
        text = content.decode("utf-8-sig")
        try:
            document = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
                raise
            # An integer with more digits than int() converts: read again, marking it,
            # to reject the record that holds it.
            document = json.loads(text, parse_float=Decimal, parse_int=lenient_int)
            long_ints = True
    except UnicodeDecodeError:
        raise RegistryReadError(f"registry file is not UTF-8 text: {path}") from None
    except json.JSONDecodeError as exc:
        raise RegistryReadError(
            f"registry file is not valid JSON: {path} "
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise RegistryReadError(
            f"registry file is nested too deeply to be read as a JSON document: {path} "
            f"({nesting(content)} levels; a record may nest at most {MAX_DEPTH})"
        ) from None
    if not isinstance(document, dict):
        raise RegistryReadError(f"registry document must be a JSON object: {path}")
    unknown = sorted(set(document) - {*SECTIONS.values(), "format"})
    if unknown:
        raise RegistryReadError(
            f"registry document has unknown key(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(SECTIONS.values())}: {path}"
        )
    sections = []
    for kind, section in SECTIONS.items():
        records = document.get(section, [])
        if not isinstance(records, list):
            raise RegistryReadError(f"'{section}' must be a list: {path}")
        sections.append((kind, section, records))
    surrogates = bool(SURROGATE_ESCAPE.search(content))
    return _records(sections, surrogates, deep or long_ints), sections[-1][2]


def _records(sections: list[Any], surrogates: bool, unsafe: bool) -> Iterator[RawRecord]:
    """The records of the ``sections`` (kind, name, list); strings are checked for lone
    surrogates when ``surrogates`` (the file has an escape that could make one), and records
    for depth and integers too long when ``unsafe`` (the file has some)."""
    number = 0
    for kind, section, records in sections:
        for index, data in enumerate(records):
            number += 1
            location = f"$.{section}[{index}]"
            problem: FieldProblem | None = None
            if not isinstance(data, dict | list):
                problem = FieldProblem("$", f"must be an object (got {describe_value(data)})")
            elif unsafe and (problem := unsafe_value(data)) is not None:
                data = None  # what later steps (pickling, the converter) must not meet
            elif not isinstance(data, dict):
                problem = FieldProblem("$", f"must be an object (got {describe_value(data)})")
            elif surrogates:
                problem = lone_surrogate(data)
            yield RawRecord(number, None, location, kind, data, problem, index)
