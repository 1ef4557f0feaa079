"""Fields that hold the id of another record of the registry (a worker, a service point).

A field says so in its ``attrs`` metadata, ``attrs.field(metadata=refers_to("worker"))``: the
reader checks that such an id is listed in the registry, and its fast path takes only ids it
knows to be listed. Nothing else lists these fields.
"""

from __future__ import annotations

__all__ = ["REFERS_TO", "refers_to"]

REFERS_TO = "careprotect.refers_to"
"""The key of a field's ``attrs`` metadata that names the kind of record the field's value
is the id of (``"worker"``, ``"service_point"``)."""


def refers_to(kind: str) -> dict[str, str]:
    """The metadata of a field whose value is the id of a record of ``kind``:
    ``attrs.field(metadata=refers_to("worker"))``."""
    return {REFERS_TO: kind}
