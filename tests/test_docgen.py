"""Generated references stay true: hooks and the catalogue of categories, rules, parameters."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from careprotect import hookspecs
from careprotect.docgen import catalogue, pages
from careprotect.engine import Engine

DOCS = Path(__file__).parent.parent / "docs"


@pytest.mark.parametrize(("relative", "text"), sorted(pages().items()))
def test_generated_pages_are_up_to_date(relative: str, text: str) -> None:
    """docs/reference/* equal what the code generates; run `python -m careprotect.docgen`."""
    assert (DOCS / relative).read_text(encoding="utf-8") == text


def test_every_hook_is_documented_in_pytest_layout() -> None:
    """Each hookspec has a docstring with a summary, its params and its return."""
    specs = [getattr(hookspecs, n) for n in dir(hookspecs) if n.startswith("careprotect_")]
    assert sorted(h.__name__ for h in specs) == sorted(h.__name__ for h in hookspecs.HOOK_NAMES)
    for hook in specs:
        doc = inspect.getdoc(hook) or ""
        assert doc.split("\n")[0].endswith("."), hook.__name__
        for name in inspect.signature(hook).parameters:
            assert f":param {name}:" in doc, f"{hook.__name__} does not document {name}"
        assert ":return:" in doc, hook.__name__


def test_catalogue_lists_every_category_rule_and_parameter() -> None:
    """Every registered id and every declared parameter appears in the catalogue."""
    engine = Engine()
    text = catalogue(engine)
    for registered in (*engine.categories, *engine.rules):
        assert f"| `{registered.id}` |" in text
    for name in engine.parameters.specs:
        assert f"### `{name}`" in text
