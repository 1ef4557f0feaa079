"""The structure of src/careprotect, checked from its source with ``ast``.

- **No import cycles** among careprotect modules. Every import counts, imports inside
  functions included; imports under ``if TYPE_CHECKING:`` do not (they never run). An import
  of a package counts as an import of its ``__init__``; importing a submodule does not count
  as importing its parent packages.
- **No private names across modules.** No module imports another module's private
  (``_name``) names, nor reads them as ``module._name``. A private module (``_name.py``, or a
  package ``_name/``) belongs to the package that holds it: only modules inside that package
  (its subpackages included) may import it. ``careprotect.model._base`` is the model's own;
  a report or the engine may not import it.
- **No module over 600 lines.**
- **Layers**: the rule mechanisms (``careprotect.rules``) import neither the reader
  (``careprotect.io``, ``careprotect.reading``) nor the engine, and the engine does not import
  the reader, not even through other modules, at run time.

Each check compares what it finds with an allowlist of the violations known when the check
was written, each with why it is there. A violation not in its list fails, and so does an
entry of a list that no longer occurs: the lists only shrink. Fix the violation, then delete
its entry.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TypeVar

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "careprotect"
MAX_LINES = 600
T = TypeVar("T")

# -- allowlists: today's violations, each to be removed once fixed ------------------------------

KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()
"""Strongly connected sets of modules that import each other."""

KNOWN_PRIVATE_IMPORTS: frozenset[tuple[str, str]] = frozenset()
"""(importing module, what it imports) for private names and private modules crossing."""

KNOWN_LONG_MODULES: frozenset[str] = frozenset()
"""Modules over MAX_LINES lines."""

KNOWN_LAYER_BREACHES: frozenset[tuple[str, str]] = frozenset()
"""(module, the forbidden module it reaches at run time)."""

# -- reading the source -------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {_module_name(path): path for path in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except those only under ``if TYPE_CHECKING:`` (its ``else``
    runs, so it is kept)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``from ... import`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    is_package = _modules()[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


@cache
def _imports(module: str) -> tuple[tuple[str, str | None, ast.AST], ...]:
    """(imported module, imported name or None, node) for each run-time import of a
    careprotect module by ``module``: ``from m import n`` gives (m.n, None) when m.n is a
    module, else (m, n)."""
    tree = ast.parse(_modules()[module].read_text(encoding="utf-8"))
    found: list[tuple[str, str | None, ast.AST]] = []
    known = _modules()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node) for alias in node.names if alias.name in known]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if source not in known:
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.append((sub, None, node) if sub in known else (source, alias.name, node))
    return tuple(found)


@cache
def _graph() -> dict[str, frozenset[str]]:
    return {m: frozenset(t for t, _, _ in _imports(m) if t != m) for m in _modules()}


def _cycles() -> set[frozenset[str]]:
    """The strongly connected sets of more than one module (Tarjan's algorithm)."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.add(w)
                if w == v:
                    break
            if len(members) > 1:
                found.add(frozenset(members))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _owner_of_private(module: str) -> str | None:
    """The package a private module belongs to (the package holding its first private part),
    or None when no part of the name is private."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if _private(part):
            return ".".join(parts[:i])
    return None


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _private_imports() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module in _modules():
        aliases: dict[str, str] = {}  # local name -> careprotect module it names
        for target, name, node in _imports(module):
            owner = _owner_of_private(target)
            if owner is not None and not _inside(module, owner):
                found.add((module, target))
            if name is not None and _private(name) and target != module:
                found.add((module, f"{target}.{name}"))
            if name is None and isinstance(node, ast.ImportFrom):
                local = next(
                    (a.asname or a.name for a in node.names if target.endswith("." + a.name)),
                    None,
                )
                if local:
                    aliases[local] = target
        tree = ast.parse(_modules()[module].read_text(encoding="utf-8"))
        for node in _runtime_nodes(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
                and aliases[node.value.id] != module
            ):
                found.add((module, f"{aliases[node.value.id]}.{node.attr}"))
    return found


def _long_modules() -> set[str]:
    return {
        module
        for module, path in _modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }


LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("careprotect.rules", ("careprotect.io", "careprotect.reading", "careprotect.engine")),
    ("careprotect.engine", ("careprotect.io", "careprotect.reading")),
)
"""(a package or module, what no module of it may reach at run time)."""


def _reach(module: str) -> set[str]:
    graph, seen, todo = _graph(), set(), [module]
    while todo:
        for w in graph.get(todo.pop(), ()):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def _layer_breaches() -> set[tuple[str, str]]:
    """(module, forbidden package or module it reaches)."""
    found = set()
    for layer, forbidden in LAYERS:
        for module in _modules():
            if not _inside(module, layer):
                continue
            reached = _reach(module)
            found |= {(module, f) for f in forbidden if any(_inside(r, f) for r in reached)}
    return found


def _check(found: set[T], known: frozenset[T], what: str) -> None:
    new = sorted(map(str, found - known))
    gone = sorted(map(str, known - found))
    assert not new, f"new {what} (fix them; the allowlist only shrinks): {new}"
    assert not gone, f"{what} fixed: delete their allowlist entries: {gone}"


# -- the checks ---------------------------------------------------------------------------------


def test_the_source_is_read() -> None:
    """The checks below see the package: its modules, and their imports."""
    modules = _modules()
    assert {"careprotect", "careprotect.findings", "careprotect.rules.base"} <= set(modules)
    assert "careprotect.parameter_types" in _graph()["careprotect.params"]


def test_no_import_cycles() -> None:
    """No set of careprotect modules imports each other, lazily or not."""
    _check(set(_cycles()), KNOWN_CYCLES, "import cycles")


def test_no_private_names_cross_modules() -> None:
    """No module imports another's private names, or a private module of another package."""
    _check(_private_imports(), KNOWN_PRIVATE_IMPORTS, "private imports")


def test_no_module_over_600_lines() -> None:
    """Every module holds at most 600 lines."""
    _check(_long_modules(), KNOWN_LONG_MODULES, "modules over 600 lines")


def test_layers_import_only_downwards() -> None:
    """The rules reach neither the reader nor the engine; the engine does not reach the
    reader."""
    _check(_layer_breaches(), KNOWN_LAYER_BREACHES, "layer breaches")


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """The checks can fail: a cycle, a private import, a long module and a breach, written
    in a throwaway tree, are each found."""
    global SRC
    saved = SRC
    package = tmp_path / PACKAGE
    (package / "rules").mkdir(parents=True)
    (package / "model").mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from careprotect import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from careprotect import c\n"
        "def f():\n    from careprotect.a import x\n"
    )
    (package / "c.py").write_text("from careprotect.b import _hidden\nfrom careprotect import a\n")
    (package / "rules" / "__init__.py").write_text("from careprotect.rules import base\n")
    (package / "rules" / "base.py").write_text("import careprotect.engine\n")
    (package / "engine.py").write_text("from careprotect.model import _base\n")
    (package / "io.py").write_text("\n" * (MAX_LINES + 1))
    (package / "model" / "__init__.py").write_text("from careprotect.model._base import y\n")
    (package / "model" / "_base.py").write_text("y = 1\n")
    for cached in (_modules, _imports, _graph):
        cached.cache_clear()
    SRC = tmp_path
    try:
        assert _cycles() == {frozenset({"careprotect.a", "careprotect.b"})}
        assert _private_imports() == {
            ("careprotect.c", "careprotect.b._hidden"),
            ("careprotect.engine", "careprotect.model._base"),
        }
        assert _long_modules() == {"careprotect.io"}
        assert _layer_breaches() == {
            ("careprotect.rules", "careprotect.engine"),
            ("careprotect.rules.base", "careprotect.engine"),
        }
        (package / "engine.py").write_text("from careprotect import c\n")
        _imports.cache_clear()
        _graph.cache_clear()
        assert ("careprotect.engine", "careprotect.io") not in _layer_breaches()
        (package / "b.py").write_text("import careprotect.io\n")
        _imports.cache_clear()
        _graph.cache_clear()
        assert ("careprotect.engine", "careprotect.io") in _layer_breaches()  # through c, b
    finally:
        SRC = saved
        for cached in (_modules, _imports, _graph):
            cached.cache_clear()
