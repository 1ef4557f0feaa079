"""Writing registries, and JSON text with exact decimals."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

import cattrs

from careprotect.convert import make_converter
from careprotect.model import Child, ReferenceData
from careprotect.reading.records import SECTIONS, RecordKind

__all__ = ["dumps", "write_lines", "write_registry"]

# Decimals are written as JSON numbers with exactly their decimal digits: the encoder writes a
# marked string in their place, which is then replaced by the number's text. The marker starts
# with a NUL character, which the converter refuses in any input string, so no string read
# from a registry can be taken for it.
_DECIMAL_MARK = "\x00careprotect-decimal:"
_DECIMAL_TEXT = re.compile(r'"\\u0000careprotect-decimal:([-+0-9.E]+)"')


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{_DECIMAL_MARK}{value}"
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any, *, indent: int | None = None) -> str:
    """JSON text for unstructured data, with Decimals written exactly as JSON numbers."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)
    return _DECIMAL_TEXT.sub(r"\1", text)


def _sections(
    reference: ReferenceData, children: Iterable[Child]
) -> list[tuple[RecordKind, Iterable[Any]]]:
    return [
        (RecordKind.DIVISION, reference.divisions),
        (RecordKind.WORKER, reference.workers),
        (RecordKind.SERVICE_POINT, reference.service_points),
        (RecordKind.CHILD, children),
    ]


def write_lines(
    out: TextIO,
    reference: ReferenceData,
    children: Iterable[Child],
    *,
    converter: cattrs.Converter | None = None,
) -> int:
    """Write a registry as JSON Lines to the text stream ``out`` (see
    :func:`write_registry`); returns the number of child files written."""
    conv = converter or make_converter()
    count = 0
    for kind, items in _sections(reference, children):
        for item in items:
            out.write(dumps({"record": kind.value, **conv.unstructure(item)}))
            out.write("\n")
            count += kind is RecordKind.CHILD
    return count


def write_registry(
    path: str | Path,
    reference: ReferenceData,
    children: Iterable[Child],
    *,
    layout: Literal["lines", "document"] = "lines",
    converter: cattrs.Converter | None = None,
) -> int:
    """Write a registry that :func:`load_registry` reads back unchanged; returns the number
    of child files written.

    ``layout="lines"`` streams one record per line (children may be a generator of any size);
    ``layout="document"`` writes one JSON object. Citizen IDs and names are written in full:
    this is the registry itself, not a report.
    """
    conv = converter or make_converter()
    sections = _sections(reference, children)
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        if layout == "lines":
            count = write_lines(out, reference, children, converter=conv)
        else:
            document: dict[str, Any] = {}
            for kind, items in sections:
                document[SECTIONS[kind]] = [conv.unstructure(i) for i in items]
            count = len(document["children"])
            out.write(dumps(document, indent=1))
            out.write("\n")
    return count
