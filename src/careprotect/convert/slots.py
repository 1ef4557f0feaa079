"""``slot_builder``: kept only while the parallel audit still builds objects with it (issue 18
removes that use; this module goes with it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["slot_builder"]


def slot_builder(cls: type[Any]) -> Callable[..., Any]:
    """A constructor of the slotted attrs class ``cls`` taking every field by position, in
    the order of ``attrs.fields``, that sets the fields and runs no validator: for values
    copied from an object of the class."""
    fields = attrs.fields(cls)
    names = tuple(a.name for a in fields)
    hooks = ("__attrs_pre_init__", "__attrs_post_init__")
    if any(a.converter is not None for a in fields) or any(hasattr(cls, h) for h in hooks):
        raise RuntimeError(
            f"{cls.__name__} converts or initialises its values, which a builder without "
            "them would skip"
        )
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def build({', '.join(names)}, /):", "    o = new(cls)"]
    for name in names:
        # The slot's member descriptor sets the value below the frozen class's __setattr__.
        namespace[f"set_{name}"] = getattr(cls, name).__set__
        lines.append(f"    set_{name}(o, {name})")
    lines.append("    return o")
    exec(compile("\n".join(lines), f"<careprotect fast build {cls.__name__}>", "exec"), namespace)
    build: Callable[..., Any] = namespace["build"]
    return build
