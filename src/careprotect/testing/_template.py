"""A new plugin distribution from careprotect's template.

The template is the package data under ``careprotect/testing/template``: each file whose name
ends in ``.tmpl`` is a file of the new distribution, with placeholders in its path and text.
:func:`new_plugin` fills them in and writes the distribution; ``python -m
careprotect.testing.template NAME SCOPE DEST`` does the same from a shell.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from careprotect.divisions import Division, Level
from careprotect.errors import InvalidDivisionError, InvalidValueError

__all__ = ["main", "new_plugin"]

TEMPLATE_PACKAGE = "careprotect.testing.template"
SUFFIX = ".tmpl"
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_RESERVED = frozenset({"national", "testing"})
_FILL = {Level.PREFECTURE: "01", Level.COUNTY: "01", Level.TOWNSHIP: "001", Level.VILLAGE: "001"}


def village_in(division: Division) -> Division:
    """A village within ``division`` (itself if it is one), numbering each missing level
    01 or 001: ``43`` gives ``430101001001``."""
    code = division.code + "".join(fill for level, fill in _FILL.items() if level > division.level)
    return Division(code)


def _check_name(name: object) -> str:
    if (
        not isinstance(name, str)
        or not _NAME.fullmatch(name)
        or keyword.iskeyword(name)
        or name in _RESERVED
    ):
        raise InvalidValueError(
            "must be a lowercase identifier such as hunan or xianning (letters, digits and _, "
            f"starting with a letter; not {', '.join(sorted(_RESERVED))}) (got {name!r})",
            field="name",
        )
    return name


def _check_scope(scope: object) -> Division:
    if isinstance(scope, Division):
        return scope
    if not isinstance(scope, str):
        raise InvalidDivisionError(
            f"must be a division code such as 43 or 4212 (got {scope!r})", field="scope"
        )
    try:
        return Division(scope)
    except InvalidDivisionError as exc:
        raise exc.for_field("scope") from None


def _check_title(title: object) -> str:
    if not isinstance(title, str) or not title.strip():
        raise InvalidValueError(f"must be a non-empty text (got {title!r})", field="title")
    bad = sorted({c for c in title if c in '"\\{}' or not c.isprintable()})
    if bad:
        raise InvalidValueError(
            "must be one line without quotes, backslashes or braces, as it is written into "
            f"TOML, Python and Markdown files (got {title!r})",
            field="title",
        )
    return title.strip()


def placeholders(name: str, scope: Division | str, title: str) -> dict[str, str]:
    """The placeholder values for a plugin, its inputs checked; raises InvalidValueError
    (or InvalidDivisionError) naming the input."""
    name = _check_name(name)
    division = _check_scope(scope)
    return {
        "name": name,
        "module": f"careprotect_{name}",
        "distribution": f"careprotect-{name.replace('_', '-')}",
        "scope": division.code,
        "village": village_in(division).code,
        "title": _check_title(title),
    }


def _fill(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _template_files(root: Traversable, parts: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """``(relative path with placeholders, text)`` of every template file, sorted."""
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _template_files(entry, (*parts, entry.name))
        elif entry.name.endswith(SUFFIX):
            name = entry.name.removesuffix(SUFFIX)
            yield "/".join((*parts, name)), entry.read_text(encoding="utf-8")


def new_plugin(destination: Path, *, name: str, scope: str, title: str) -> Path:
    """Write a new plugin distribution from the template; return its directory.

    :param destination: the directory to create it in (``plugins/``); the distribution is
        ``destination/careprotect-<name>``, which must not exist or must be empty.
    :param name: the plugin's name, a lowercase identifier (``hunan``); the module is
        ``careprotect_<name>`` and the entry point ``<name>``.
    :param scope: the division code the plugin covers (``43``, ``4212``).
    :param title: what the plugin is, in one line (``湖南省``).
    :raises InvalidValueError: for a bad name or title, InvalidDivisionError for a bad scope,
        each naming the input; FileExistsError when the directory holds files already.

    The distribution has a pyproject with the ``careprotect`` entry point, the plugin module
    with its hooks, a citations file and a parameter file with one cited example parameter, an
    example rule using it, tests (the conformance suite and example tests), a scenario file,
    a README and a CHANGELOG. docs/plugins/writing.md walks through them.
    """
    values = placeholders(name, scope, title)
    root = Path(destination) / values["distribution"]
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise FileExistsError(f"{root} already exists and is not empty: choose another place")
    for relative, text in _template_files(files(TEMPLATE_PACKAGE)):
        target = root / _fill(relative, values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(text, values), encoding="utf-8")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m careprotect.testing.template NAME SCOPE DEST [--title TITLE]``."""
    parser = argparse.ArgumentParser(
        prog="python -m careprotect.testing.template",
        description="Write a new careprotect plugin distribution, careprotect-NAME, in DEST.",
    )
    parser.add_argument(
        "name", metavar="NAME", help="the plugin's name, a lowercase identifier (hunan)"
    )
    parser.add_argument("scope", metavar="SCOPE", help="the division code it covers (43, 4212)")
    parser.add_argument(
        "destination", metavar="DEST", type=Path, help="the directory to write it in"
    )
    parser.add_argument("--title", help="what the plugin is, in one line (default: NAME SCOPE)")
    args = parser.parse_args(argv)
    title = args.title if args.title is not None else f"{args.name} {args.scope}"
    try:
        root = new_plugin(args.destination, name=args.name, scope=args.scope, title=title)
    except (InvalidValueError, FileExistsError) as exc:
        parser.error(str(exc))
    print(root, file=sys.stdout)
    return 0
