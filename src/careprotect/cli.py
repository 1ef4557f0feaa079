"""The ``careprotect`` command.

For now one verb, ``validate``: read a registry, print every rejected record and what the
registry holds. The audit, entitlements and planning verbs come with the policy engine.

Exit status: 0 when every record was accepted, 1 when some were rejected, 2 for bad usage or
a registry that cannot be read at all. Results go to stdout, errors to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from careprotect.divisions import Division, Level
from careprotect.errors import CareProtectError
from careprotect.io import LoadResult, load_registry

__all__ = ["main"]

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD (got {text!r})") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careprotect",
        description="Child protection policy as code: check a registry of child files.",
    )
    parser.add_argument("--version", action="version", version=version("careprotect"))
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    validate = verbs.add_parser(
        "validate",
        help="read a registry; list rejected records and what it holds",
        description="Read a registry (JSON document or JSON Lines), list every rejected "
        "record with its number, path and message, and summarise what was accepted.",
        epilog="example: careprotect validate examples/sample-registry.jsonl",
    )
    validate.add_argument("registry", type=Path, help="a .json or .jsonl registry file")
    validate.add_argument(
        "--as-of",
        type=_date,
        default=None,
        help="the date for ages in the summary (default: today)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        result = load_registry(args.registry)
    except CareProtectError as exc:
        print(f"careprotect: {exc}", file=sys.stderr)
        return EXIT_USAGE
    as_of: dt.date = args.as_of or dt.date.today()
    _print_summary(args.registry, result, as_of, sys.stdout)
    return EXIT_REJECTED if result.rejections else EXIT_OK


def _print_summary(path: Path, result: LoadResult, as_of: dt.date, out: TextIO) -> None:
    registry = result.registry
    reference = registry.reference
    counts = result.counts

    def line(text: str = "") -> None:
        print(text, file=out)

    line(f"Registry {path}")
    line(f"Records: {counts.read} read, {counts.accepted} accepted, {counts.rejected} rejected")
    for kind, c in counts.by_kind.items():
        line(f"  {kind:<14} {c.read:>6} read {c.accepted:>6} accepted {c.rejected:>6} rejected")

    if result.rejections:
        line()
        line("Rejected records:")
        for rejection in result.rejections:
            line(f"  {rejection}")

    def named(code: Division) -> str:
        name = reference.division_name(code)
        return f"{code} {name}" if name else str(code)

    def county_of(code: Division) -> Division:
        return code if code.level <= Level.COUNTY else code.ancestors[Level.COUNTY - 1]

    line()
    by_level = Counter(d.code.level for d in reference.divisions)
    line(
        "Divisions: "
        + ", ".join(f"{by_level[level]} {level.label}" for level in Level if by_level[level])
    )
    children_by_county = Counter(county_of(c.division) for c in registry.children)
    under_16 = sum(1 for c in registry.children if c.birth_date <= as_of and c.age_on(as_of) < 16)
    line(f"Children: {len(registry.children)} ({under_16} under 16 on {as_of.isoformat()})")
    for county, n in sorted(children_by_county.items()):
        line(f"  {named(county)}: {n}")
    contacts = sum(len(c.contacts) for c in registry.children)
    line(f"Contacts recorded: {contacts}")
    roles = Counter(w.role.value for w in reference.workers)
    line(f"Workers: {len(reference.workers)}")
    for role, n in sorted(roles.items()):
        line(f"  {role}: {n}")
    kinds = Counter(p.kind.value for p in reference.service_points)
    line(f"Service points: {len(reference.service_points)}")
    for kind, n in sorted(kinds.items()):
        line(f"  {kind}: {n}")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
