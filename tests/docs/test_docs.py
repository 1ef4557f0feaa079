"""The documentation site builds cleanly and keeps up with the code.

The site must build with ``mkdocs build --strict`` (no broken link or anchor); every public name
of ``careprotect`` is listed on the API page under the module it comes from; the field tables and
vocabularies of the input-format page match the JSON Schema (which tests/model/test_schema.py ties
to the model); and the page's JSON examples are valid.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import careprotect
import careprotect.plugin
import careprotect.testing
from careprotect import enums

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCHEMA_DIR = DOCS / "schema"
RECORD_SCHEMA: dict[str, Any] = json.loads(
    (SCHEMA_DIR / "registry-record.schema.json").read_text(encoding="utf-8")
)
DOCUMENT_SCHEMA: dict[str, Any] = json.loads(
    (SCHEMA_DIR / "registry-document.schema.json").read_text(encoding="utf-8")
)
DEFS: dict[str, Any] = RECORD_SCHEMA["$defs"]

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
CODE = re.compile(r"`([^`]+)`")


def _sections(page: str) -> Iterator[tuple[str, list[str]]]:
    """Each heading of a Markdown page with the lines under it (up to the next heading)."""
    heading, fenced = "", False
    lines: list[str] = []
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            yield heading, lines
            heading, lines = match[2], []
        else:
            lines.append(line)
    yield heading, lines


def _table_rows(lines: list[str]) -> list[list[str]]:
    """The body rows of the first table in ``lines``, as lists of stripped cells."""
    rows = [line for line in lines if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _code_name(text: str) -> str | None:
    """The first ``code`` span of a heading or cell, if any."""
    match = CODE.search(text)
    return match[1] if match else None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site, built once with ``mkdocs build --strict``."""
    built = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(built)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return built


def test_docs_build_strictly(site: Path) -> None:
    """``mkdocs build --strict`` succeeds: no warning, no broken link or anchor."""
    assert (site / "input-format" / "index.html").is_file()
    assert (site / "schema" / "registry-record.schema.json").is_file()
    assert (site / "schema" / "registry-document.schema.json").is_file()


DIRECTIVE = re.compile(r"^::: (\S+)$")


def _api_entries(page: str = "api.md") -> list[tuple[str, str]]:
    """(module, name) for every name a ``::: module`` block of a page lists under
    ``members:`` (the names mkdocstrings documents from their docstrings)."""
    entries: list[tuple[str, str]] = []
    module = None
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        match = DIRECTIVE.match(line)
        if match:
            module = match[1]
        elif module and line.startswith("        - "):
            entries.append((module, line.removeprefix("        - ").strip()))
        elif not line.startswith("    "):
            module = None
    return entries


def _documented(site: Path) -> dict[str, object]:
    """The objects the generated reference documents, by their anchors (``module.Name``)."""
    found: dict[str, object] = {}
    for page in ("api", "reference/plugin"):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        for anchor in re.findall(r'id="(careprotect(?:\.[A-Za-z0-9_]+)+)"', html):
            module_name, _, name = anchor.rpartition(".")
            try:
                found[anchor] = getattr(importlib.import_module(module_name), name)
            except (ImportError, AttributeError):
                continue  # a member of a class (Class.method), not a public name
    return found


def test_every_public_name_is_in_the_generated_reference(site: Path) -> None:
    """Every name in ``careprotect.__all__`` and in ``careprotect.plugin.__all__`` has a
    generated entry (an anchor of its object, under the module it comes from or under
    careprotect.plugin), and so has every name in ``careprotect.testing.__all__``."""
    documented = _documented(site)
    objects = [id(o) for o in documented.values()]
    missing = [n for n in careprotect.__all__ if id(getattr(careprotect, n)) not in objects]
    missing += [
        n for n in careprotect.plugin.__all__ if f"careprotect.plugin.{n}" not in documented
    ]
    missing += [
        n for n in careprotect.testing.__all__ if f"careprotect.testing.{n}" not in documented
    ]
    assert missing == []


def test_every_name_the_api_page_lists_imports() -> None:
    """Each name the API page lists is public in the module it is listed under, once, and
    (but those of careprotect.testing, a package of its own) importable from ``careprotect``
    itself as the module's own object: nothing listed is stale or misplaced."""
    entries = _api_entries()
    assert len(entries) > 100
    assert len(entries) == len(set(entries))
    for module_name, name in entries:
        module = importlib.import_module(module_name)
        assert name in module.__all__, f"{name} is not public in {module_name}"
        if module_name.startswith("careprotect.testing"):
            continue
        assert name in careprotect.__all__, f"{name} ({module_name}) is not in careprotect"
        assert getattr(careprotect, name) is getattr(module, name), name


def test_the_api_page_lists_every_public_name() -> None:
    """Every name of ``careprotect.__all__`` and ``careprotect.testing.__all__`` is listed
    on the API page, so the generated reference documents it where its module is told."""
    listed = {name for _, name in _api_entries()}
    assert [n for n in careprotect.__all__ if n not in listed] == []
    testing = {name for module, name in _api_entries() if module == "careprotect.testing"}
    assert [n for n in careprotect.testing.__all__ if n not in testing] == []


def _model_defs() -> dict[str, Any]:
    return {name: d for name, d in DEFS.items() if d.get("type") == "object"}


def test_input_format_tables_list_every_field() -> None:
    """Each record type has a table on the input-format page with exactly the properties of
    its schema def (``record`` aside), in order, and the same ones marked required."""
    tables: dict[str, list[list[str]]] = {}
    for heading, lines in _sections("input-format.md"):
        name = _code_name(heading)
        if name in _model_defs():
            tables[name] = _table_rows(lines)
    assert sorted(tables) == sorted(_model_defs())
    for name, definition in _model_defs().items():
        rows = tables[name]
        fields = [_code_name(row[0]) for row in rows]
        properties = [p for p in definition["properties"] if p != "record"]
        assert fields == properties, name
        required = [row[0].strip("`") for row in rows if row[2] == "yes"]
        assert sorted(required) == sorted(definition["required"]), name
        assert {row[2] for row in rows} <= {"yes", "no"}, name


def test_input_format_lists_every_vocabulary() -> None:
    """The vocabularies section gives every value of every enum, in order."""
    values: dict[str, list[str]] = {}
    for heading, lines in _sections("input-format.md"):
        name = _code_name(heading)
        if name in enums.__all__:
            text = " ".join(lines)
            listed = text.split("Values:", 1)[1].split(".", 1)[0]
            values[name] = CODE.findall(listed)
    assert values == {
        name: [m.value for m in getattr(enums, name)] for name in sorted(enums.__all__)
    }


def _json_examples(page: str) -> Iterator[Any]:
    """Every JSON value in the page's ```json blocks: a block is one value, or one per line."""
    text = (DOCS / page).read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL):
        try:
            yield json.loads(block)
        except json.JSONDecodeError:
            for line in block.splitlines():
                yield json.loads(line)


def test_input_format_examples_are_valid() -> None:
    """Every JSON example on the input-format page is a valid record or document."""
    registry: Registry[Any] = Registry().with_resource(
        "registry-record.schema.json", Resource.from_contents(RECORD_SCHEMA)
    )
    formats = Draft202012Validator.FORMAT_CHECKER
    records = Draft202012Validator(RECORD_SCHEMA, format_checker=formats)
    documents = Draft202012Validator(DOCUMENT_SCHEMA, registry=registry, format_checker=formats)
    examples = list(_json_examples("input-format.md"))
    assert len(examples) >= 6
    for example in examples:
        validator = records if "record" in example else documents
        assert [e.message for e in validator.iter_errors(example)] == [], example


@pytest.mark.parametrize("page", ["index.md", "concepts.md", "input-format.md", "api.md"])
def test_page_is_in_the_navigation(page: str) -> None:
    """Each page is reachable from the site's navigation."""
    assert f": {page}" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
