"""Synthetic registries: a fictional province of children, staff and service points.

Test data, not part of the runtime library: it lives in :mod:`careprotect.testing` and needs
nothing beyond careprotect itself (not Hypothesis). ``careprotect synth`` writes one.

:func:`synthesize` yields the records of a JSON Lines registry (``docs/input-format.md``) for
one province: division records down to villages, child directors and supervisors with their
trainings, children's homes and other service points, then the child files village by
village, each with a year of dated facts (:data:`YEAR`). :func:`write_synthetic` writes them
to a text stream. Every record is valid; on purpose, a few percent of the subjects have each
kind of gap the rules look for (a child contacted too rarely, an unsigned entrusted-
guardianship confirmation, a village without a child director, a home below the floor area,
a county short of social organisations...). ``docs/synth.md`` lists the shape and the rates.

**Fictional.** Names are drawn from a fixed list of characters; citizen ID numbers are built
from the child's county code and birth date with a correct check character but belong to no
one. Apart from Luxi (433122, in Xiangxi 4331) in Hunan and Chibi (421281) and Xian'an
(421202, in Xianning 4212) in Hubei, which carry the rules of the bundled plugins, division
codes are invented (``示例市1``, ``示例县3``, ``青山镇``, ``石门村``).

**Deterministic.** The same arguments give the same records, byte for byte: every random
choice comes from :class:`random.Random` instances seeded from ``seed`` and a division code
(string seeds, hashed with SHA-512 by :mod:`random`, never by :func:`hash`).

**Streamed.** Nothing is built per child in advance. The shape of the province (how many
villages each township has, how many children each township has) is a few lists the size of
the number of townships; the facts of a division are drawn again from its own seed whenever a
pass over the province needs them. Reference records (divisions, then workers, then service
points, for the whole province) come first, then the children village by village, so memory
stays flat however many children are asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from careprotect.testing.synth.children import child_records
from careprotect.testing.synth.reference import division_records, point_records, worker_records
from careprotect.testing.synth.shape import (
    AS_OF,
    CHILD_GAP_RATES,
    MAX_CHILDREN,
    UNIT_GAP_RATES,
    YEAR,
    Plan,
    check_arguments,
    make_plan,
)

__all__ = [
    "AS_OF",
    "CHILD_GAP_RATES",
    "MAX_CHILDREN",
    "UNIT_GAP_RATES",
    "YEAR",
    "synthesize",
    "write_synthetic",
]

# -- the public functions ---------------------------------------------------------------------


def _records(plan: Plan) -> Iterator[dict[str, Any]]:
    yield from division_records(plan)
    yield from worker_records(plan)
    yield from point_records(plan)
    yield from child_records(plan)


def _generate(province: str, children: int, seed: int) -> Iterator[dict[str, Any]]:
    yield from _records(make_plan(province, children, seed))


def synthesize(*, province: str, children: int, seed: int) -> Iterator[dict[str, Any]]:
    """The records of a synthetic registry of ``children`` child files in ``province``, in
    JSON Lines order: divisions, workers, service points, then the child files.

    Each record is a JSON-ready dict whose ``"record"`` key names its kind. The arguments are
    checked at once; the records are made as the generator is consumed, so asking for ten
    million children costs nothing until they are read. The same arguments always give the
    same records.

    :param province: a two-digit GB/T 2260 province code (``"43"`` Hunan, ``"42"`` Hubei).
    :param children: how many child files, 0 to :data:`MAX_CHILDREN`.
    :param seed: any integer; different seeds give different registries.
    :raises InvalidValueError: for a province that is not a GB/T 2260 province code, or a
        number of children or a seed that is not a whole number in range.
    """
    checked = check_arguments(province, children, seed)
    return _generate(checked, children, seed)


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_BATCH = 512


def write_synthetic(out: TextIO, *, province: str, children: int, seed: int) -> int:
    """Write the records of :func:`synthesize` to ``out`` as JSON Lines (UTF-8 text, one
    record a line) and return the number of records written (of every kind)."""
    count = 0
    lines: list[str] = []
    for record in synthesize(province=province, children=children, seed=seed):
        lines.append(_ENCODE(record))
        if len(lines) == _BATCH:
            out.write("\n".join(lines))
            out.write("\n")
            count += len(lines)
            lines.clear()
    if lines:
        out.write("\n".join(lines))
        out.write("\n")
        count += len(lines)
    return count
