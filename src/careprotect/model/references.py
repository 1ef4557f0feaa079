"""Fields that hold the id of another record of the registry (a worker, a service point).

A field says so in its ``attrs`` metadata, ``attrs.field(metadata=refers_to("worker"))``: the
reader checks that such an id is listed in the registry, and its fast path takes only ids it
knows to be listed. Nothing else lists these fields: :func:`list_references` finds them.
"""

from __future__ import annotations

import typing

import attrs

__all__ = ["REFERS_TO", "list_references", "refers_to"]

REFERS_TO = "careprotect.refers_to"
"""The key of a field's ``attrs`` metadata that names the kind of record the field's value
is the id of (``"worker"``, ``"service_point"``)."""


def refers_to(kind: str) -> dict[str, str]:
    """The metadata of a field whose value is the id of a record of ``kind``:
    ``attrs.field(metadata=refers_to("worker"))``."""
    return {REFERS_TO: kind}


def list_references(cls: type) -> tuple[tuple[str, str, str], ...]:
    """The references held in the lists of the attrs class ``cls`` (a child file's contacts,
    agreements...): for each, the list's field, the item's field and the kind of record it
    refers to, in the order of ``cls``'s fields, then of the item's."""
    hints = typing.get_type_hints(cls)
    found = []
    for section in attrs.fields(cls):
        (item, *_) = typing.get_args(hints[section.name]) or (None,)
        if isinstance(item, type) and attrs.has(item):
            for field in attrs.fields(item):
                kind = field.metadata.get(REFERS_TO)
                if kind is not None:
                    found.append((section.name, field.name, str(kind)))
    return tuple(found)
