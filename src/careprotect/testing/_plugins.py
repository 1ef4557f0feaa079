"""A throwaway plugin for tests: a name, a scope, parameter text and rules, nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from careprotect.divisions import Division
from careprotect.hookspecs import hookimpl
from careprotect.params import PluginInfo

__all__ = ["stub_plugin"]

Registrable = Any | tuple[Any, Division | None]


def _pairs(items: Iterable[Registrable]) -> tuple[tuple[Any, Division | None], ...]:
    return tuple(item if isinstance(item, tuple) else (item, None) for item in items)


def stub_plugin(
    name: str,
    scope: Division | str | None = None,
    *,
    directory: Path | None = None,
    toml: str = "",
    files: Iterable[Path] = (),
    rules: Iterable[Registrable] = (),
    categories: Iterable[Registrable] = (),
    version: str = "0",
) -> object:
    """A plugin object implementing every careprotect hook, for tests.

    :param name: the plugin's name; ``version`` its version.
    :param scope: a division (or its code), or None for national scope.
    :param toml: parameter-file text, written to ``directory/<name>.toml`` (``directory``
        is then required); ``files`` adds existing parameter files.
    :param rules: rules to register, each alone (the plugin's scope) or as ``(rule, scope)``;
        ``categories`` likewise.
    """
    paths = list(files)
    if toml:
        if directory is None:
            raise ValueError("stub_plugin needs a directory to write its parameter file")
        path = directory / f"{name}.toml"
        path.write_text(toml, encoding="utf-8")
        paths.append(path)
    info = PluginInfo(
        name=name, version=version, scope=Division(scope) if isinstance(scope, str) else scope
    )
    rule_pairs, category_pairs = _pairs(rules), _pairs(categories)

    class StubPlugin:
        @hookimpl
        def careprotect_plugin_info(self) -> PluginInfo:
            return info

        @hookimpl
        def careprotect_parameter_files(self, register: Callable[[Path], None]) -> None:
            for path in paths:
                register(path)

        @hookimpl
        def careprotect_categories(self, register: Callable[[Any, Division | None], None]) -> None:
            for category, category_scope in category_pairs:
                register(category, category_scope)

        @hookimpl
        def careprotect_rules(self, register: Callable[[Any, Division | None], None]) -> None:
            for rule, rule_scope in rule_pairs:
                register(rule, rule_scope)

        def __repr__(self) -> str:
            return f"<stub plugin {info}>"

    return StubPlugin()
