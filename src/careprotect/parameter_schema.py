"""The schema of a parameter file, written once as data.

:data:`SCHEMA` is a JSON Schema (draft 2020-12) of the TOML structure of a parameter file:
the top level, each ``[citations.KEY]``, each ``[parameters."NAME"]`` and each ``[[values]]``
table, with the keys each may hold, their types and which are required. Three things read it:

- :func:`careprotect.params.load_parameter_file` refuses a file with the first of its
  :func:`problems` (an unknown key, with a "did you mean"; a key of the wrong type; a required
  key missing), in one line naming the file, the table and the key;
- the conformance suite lists every problem of every file a plugin registers;
- ``python -m careprotect.docgen`` publishes it as ``docs/schema/parameter-file.schema.json``
  (:func:`json_text`), for editors and other tools; a test keeps the published file equal.

:func:`problems` interprets the part of JSON Schema that :data:`SCHEMA` uses (``type``,
``properties``, ``additionalProperties``, ``required``, ``enum``, ``items``, ``pattern``,
``$ref``), on the values :mod:`tomllib` reads. A TOML date is a date, not a string: where the
schema says ``"format": "date"`` the value must be a TOML date (``2020-01-01``, unquoted). A
JSON Schema validator, which sees a TOML date converted to its ISO text, cannot tell a quoted
date from a date; otherwise the two agree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

import attrs

from careprotect.parameter_types import Status, Unit

__all__ = ["SCHEMA", "TABLES", "Problem", "json_text", "problems", "table_label"]


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _date(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "format": "date",
        "description": f"{description} A TOML date (2020-01-01), not a quoted string.",
    }


def _flag(description: str) -> dict[str, Any]:
    return {"type": "boolean", "description": description}


SCHEMA: Final[Mapping[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "parameter-file.schema.json",
    "title": "careprotect parameter file",
    "description": (
        "A TOML file of a careprotect plugin: citations, parameter declarations and dated "
        "values (docs/parameters.md). Generated from careprotect.parameter_schema by "
        "`python -m careprotect.docgen`; do not edit. Unknown keys are refused."
    ),
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "citations": {
            "type": "object",
            "description": "The sources the file's values cite, by key.",
            "additionalProperties": {"$ref": "#/$defs/citation"},
        },
        "parameters": {
            "type": "object",
            "description": "Parameters declared by the plugin, by name.",
            "additionalProperties": {"$ref": "#/$defs/parameter"},
        },
        "values": {
            "type": "array",
            "description": "Dated, cited values, each a [[values]] table.",
            "items": {"$ref": "#/$defs/value"},
        },
    },
    "$defs": {
        "citation": {
            "type": "object",
            "description": "A source and how far it is known ([citations.KEY]).",
            "additionalProperties": False,
            "required": ["issuer", "document", "title", "status", "verified"],
            "properties": {
                "issuer": _text("The issuing body; for a news report, the publication."),
                "document": _text(
                    "The official number (国办发〔2010〕54号); empty when none is published "
                    "(shown as 'no number published')."
                ),
                "title": _text("The document's title, or the article's title."),
                "clause": _text("The article or clause."),
                "date": _date("The date of issue or publication."),
                "status": {
                    "type": "string",
                    "enum": [s.value for s in Status],
                    "description": (
                        "How far the fact is known: confirmed (the official text), reported "
                        "(a secondary source), assumed (a modelling choice)."
                    ),
                },
                "verified": _date("The day the status was last checked."),
                "url": _text("A public address of the source, where one is known."),
                "note": _text("What a reader should know: what is uncertain or assumed, and why."),
            },
        },
        "parameter": {
            "type": "object",
            "description": 'A parameter\'s declaration ([parameters."NAME"]).',
            "additionalProperties": False,
            "required": ["unit", "zh", "en"],
            "properties": {
                "unit": {
                    "type": "string",
                    "enum": [u.value for u in Unit],
                    "description": "The unit, and so the type.",
                },
                "zh": _text("The label in Chinese."),
                "en": _text("The label in English."),
                "choices": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The allowed values of a choice or choices parameter.",
                },
            },
        },
        "value": {
            "type": "object",
            "description": "One value of a parameter, from a date on ([[values]]).",
            "additionalProperties": False,
            "required": ["parameter", "effective", "value", "citation"],
            "properties": {
                "parameter": _text("The parameter's name."),
                "effective": _date("The day the value takes effect."),
                "value": {
                    "type": ["string", "integer", "boolean", "array"],
                    "items": {"type": "string"},
                    "description": (
                        "The value: an amount or number as a string or integer, a whole "
                        "number, true or false, a choice, or an array of choices."
                    ),
                },
                "scope": {
                    "type": "string",
                    "pattern": "^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$",
                    "description": (
                        "A division code within the plugin's scope; default the plugin's "
                        "scope; empty for the whole country."
                    ),
                },
                "floor": _flag("An 'at least': a narrower scope may raise it, never lower it."),
                "lowers_floor": _flag(
                    "This value is below an earlier floor of the same parameter and scope, "
                    "on purpose; it must cite a source of its own."
                ),
                "citation": _text("The key of a citation of this file or of an earlier one."),
            },
        },
    },
}
"""The parameter-file schema (JSON Schema, draft 2020-12)."""

TABLES: Final = ("top", "citation", "parameter", "value")
"""The kinds of table in a parameter file, named as :func:`table_label` names them."""


def json_text() -> str:
    """:data:`SCHEMA` as the published JSON text (docs/schema/parameter-file.schema.json)."""
    return json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n"


@attrs.frozen
class Problem:
    """A place in a parameter file that breaks the schema: the table (as
    :func:`table_label` names it), the key (empty for the table itself) and what is wrong."""

    table: str
    key: str
    message: str

    def __str__(self) -> str:
        return self.message


def table_label(path: Sequence[str | int]) -> str:
    """The table at ``path`` (keys and indexes from the top) as messages name it:
    ``top level``, ``citations``, ``citation 'KEY'``, ``parameter 'NAME'``, ``values[3]``."""
    if not path:
        return "top level"
    head = path[0]
    if len(path) == 1:
        return str(head)
    if head == "values":
        return f"values[{path[1]}]"
    return f"{'citation' if head == 'citations' else 'parameter'} {path[1]!r}"


_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "a boolean"),
    (str, "a string"),
    (int, "an integer"),
    (float, "a float"),
    (dt.datetime, "a date-time"),
    ((dt.date, dt.time), "a date"),
    (list, "an array"),
    (dict, "a table"),
)


def kind(raw: object) -> str:
    """What a TOML value is, as a phrase (``a table``, ``an integer``)."""
    return next((name for types, name in _KINDS if isinstance(raw, types)), "a value")


def _is_date(raw: object) -> bool:
    return isinstance(raw, dt.date) and not isinstance(raw, dt.datetime)


def _has_type(raw: object, name: str, schema: Mapping[str, Any]) -> bool:
    if name == "string":
        return _is_date(raw) if schema.get("format") == "date" else isinstance(raw, str)
    if name == "integer":
        return isinstance(raw, int) and not isinstance(raw, bool)
    if name == "boolean":
        return isinstance(raw, bool)
    if name == "array":
        return isinstance(raw, list)
    if name == "object":
        return isinstance(raw, dict)
    raise ValueError(f"the schema uses a type careprotect does not check: {name!r}")


_PHRASES = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "true or false",
    "array": "an array",
    "object": "a table",
}


def _expected(schema: Mapping[str, Any], names: Sequence[str]) -> str:
    if schema.get("format") == "date":
        return "a TOML date like 2020-01-01"
    if names == ["array"] and schema.get("items", {}).get("type") == "string":
        return "an array of strings"
    phrases = [_PHRASES[n] + (" of strings" if n == "array" else "") for n in names]
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} or {phrases[-1]}"


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    prefix = "#/$defs/"
    if not isinstance(ref, str) or not ref.startswith(prefix):
        raise ValueError(f"the schema uses a reference careprotect does not follow: {ref!r}")
    resolved: Mapping[str, Any] = SCHEMA["$defs"][ref.removeprefix(prefix)]
    return resolved


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"expected {', '.join(allowed)}" if allowed else "it takes none"


def _table_problems(
    raw: object, schema: Mapping[str, Any], path: list[str | int]
) -> Iterator[Problem]:
    """Problems of the table at ``path`` (already known to be a dict) and of what it holds."""
    assert isinstance(raw, dict)
    label = table_label(path)
    properties: Mapping[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    if extra is False:
        allowed = list(properties)
        for key in raw:
            if key not in properties:
                what = "unknown key" if path else "unknown table or key"
                yield Problem(label, key, f"{label}: {what} {key!r}; {_suggest(key, allowed)}")
    for key in schema.get("required", ()):
        if key not in raw:
            yield Problem(label, key, f"{label} needs {key!r}")
    for key, value in raw.items():
        if key in properties:
            yield from _value_problems(value, properties[key], [*path, key], label, key)
        elif isinstance(extra, Mapping):
            yield from _entry_problems(value, _resolve(extra), [*path, key])


def _entry_problems(
    raw: object, schema: Mapping[str, Any], path: list[str | int]
) -> Iterator[Problem]:
    """Problems of an entry that must itself be a table (a citation, parameter or value)."""
    if not isinstance(raw, dict):
        label = table_label(path)
        yield Problem(label, "", f"{label} must be a table (got {kind(raw)} {raw!r})")
        return
    yield from _table_problems(raw, schema, path)


def _value_problems(
    raw: object, schema: Mapping[str, Any], path: list[str | int], label: str, key: str
) -> Iterator[Problem]:
    """Problems of the value of ``key`` in the table ``label``."""
    schema = _resolve(schema)
    declared = schema.get("type")
    names = [declared] if isinstance(declared, str) else list(declared or ())
    if names and not any(_has_type(raw, n, schema) for n in names):
        if names == ["object"]:
            message = f"{table_label(path)} must be a table (got {kind(raw)})"
        elif (
            names == ["array"]
            and isinstance(schema.get("items"), Mapping)
            and ("$ref" in schema["items"])
        ):
            message = f"{key} must be an array of tables, [[{key}]] (got {kind(raw)})"
        else:
            expected = _expected(schema, names)
            message = f"{label}: {key!r} must be {expected} (got {kind(raw)} {raw!r})"
        yield Problem(label, key, message)
        return
    if "enum" in schema and raw not in schema["enum"]:
        yield Problem(
            label,
            key,
            f"{label}: {key!r} must be one of {', '.join(schema['enum'])} (got {kind(raw)} "
            f"{raw!r})",
        )
        return
    pattern = schema.get("pattern")
    if pattern is not None and isinstance(raw, str) and not re.search(pattern, raw):
        yield Problem(label, key, f"{label}: {key!r} is not a division code (got {raw!r})")
        return
    if isinstance(raw, dict):
        yield from _table_problems(raw, schema, path)
    elif isinstance(raw, list) and "items" in schema:
        items = _resolve(schema["items"])
        for index, item in enumerate(raw):
            if "$ref" in schema["items"]:
                yield from _entry_problems(item, items, [*path, index])
            elif not any(_has_type(item, n, items) for n in [items["type"]]):
                yield Problem(
                    label,
                    key,
                    f"{label}: {key!r} must be {_expected(schema, names)} (got {kind(raw)} "
                    f"{raw!r})",
                )
                return


def problems(data: Mapping[str, Any]) -> list[Problem]:
    """Every place where ``data`` (a parameter file as :func:`tomllib.loads` reads it) breaks
    :data:`SCHEMA`, in the order of the file's tables; empty when it conforms."""
    return list(_table_problems(dict(data), SCHEMA, []))
