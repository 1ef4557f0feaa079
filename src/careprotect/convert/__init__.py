"""The JSON converter: plain data (``dict``/``list``/``str``/numbers) to model objects and back.

The model's attrs classes are the one source of truth: :mod:`~careprotect.convert.strict`
configures cattrs on them (:func:`make_converter`, every problem of a record with its JSON
path), :mod:`~careprotect.convert.fast` generates the reader's fast path from them, and both
read values through the hooks of :mod:`~careprotect.convert.hooks`.
"""

from careprotect.convert.fast import FastPathDeclined, fast_child_structurer, fast_structurer
from careprotect.convert.hooks import describe_value
from careprotect.convert.strict import (
    FieldProblem,
    describe_key,
    field_names,
    make_converter,
    path_key,
    structure_problems,
)

__all__ = [
    "FastPathDeclined",
    "FieldProblem",
    "describe_key",
    "describe_value",
    "fast_child_structurer",
    "fast_structurer",
    "field_names",
    "make_converter",
    "path_key",
    "structure_problems",
]
