"""Helpers shared by careprotect's tests: citation tables for throwaway parameter files and
fake entry points for installing plugins. The fixtures are in conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import Phase, settings
from hypothesis import find as hypothesis_find
from hypothesis import strategies as st

__all__ = ["Install", "InstalledPlugin", "citation_table", "first_example"]

_T = TypeVar("_T")

VERIFIED = "2026-11-23"
"""The day the tests' citations were verified."""


def citation_table(
    key: str = "p",
    *,
    issuer: str = "某省民政厅",
    document: str = "某民发〔2018〕1号",
    title: str = "t",
    clause: str | None = None,
    date: str | None = None,
    status: str = "confirmed",
    verified: str = VERIFIED,
    more: str = "",
) -> str:
    """The TOML of one citation table of a parameter file, ``[citations.<key>]``, starting and
    ending with a newline so that tables and values can be concatenated.

    ``clause`` and ``date`` (a TOML date, ``2019-06-11``) are left out when None; ``more`` is
    added as written, a line such as ``note = "..."``.
    """
    lines = [
        f"[citations.{key}]",
        f'issuer = "{issuer}"',
        f'document = "{document}"',
        f'title = "{title}"',
    ]
    if clause is not None:
        lines.append(f'clause = "{clause}"')
    if date is not None:
        lines.append(f"date = {date}")
    lines += [f'status = "{status}"', f"verified = {verified}"]
    if more:
        lines.append(more)
    return "\n" + "\n".join(lines) + "\n"


class InstalledPlugin:
    """An entry point of the ``careprotect`` group that loads ``plugin``."""

    def __init__(self, name: str, plugin: object) -> None:
        self.name = name
        self.plugin = plugin

    def load(self) -> object:
        return self.plugin


Install = Callable[..., None]
"""``install(name=plugin, ...)``: installs plugins under the entry-point group."""


def first_example(strategy: st.SearchStrategy[_T], condition: Callable[[_T], bool]) -> _T:
    """The first generated example that satisfies ``condition``, not shrunk: a test that a
    strategy can give such a value needs an example, and shrinking one (a child file, a
    registry, a citizen ID) is what takes the time."""
    return hypothesis_find(
        strategy,
        condition,
        settings=settings(phases=[Phase.generate], database=None, max_examples=2000),
    )
