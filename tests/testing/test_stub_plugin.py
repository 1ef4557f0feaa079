"""careprotect.testing.stub_plugin: a throwaway plugin registers what it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from careprotect import Division, Engine
from careprotect.findings import Message
from careprotect.rules.categories import LeftBehind
from careprotect.testing import stub_plugin
from support import citation_table

TOML = citation_table("gf-2016-13", issuer="国务院", document="国发〔2016〕13号")


def test_stub_plugin_registers_its_info_files_and_categories(tmp_path: Path) -> None:
    """Name, version and scope as given; the category registered for a narrower scope."""
    renamed = LeftBehind(
        id="stub.left_behind",
        title=Message("留守", "left behind"),
        citations=("gf-2016-13",),
        max_age="left_behind.max_age",
    )
    plugin = stub_plugin(
        "stub",
        "43",
        directory=tmp_path,
        toml=TOML,
        categories=[(renamed, Division("4331"))],
        version="1.2",
    )
    engine = Engine([plugin])
    assert [(p.name, p.version, str(p.scope)) for p in engine.plugins[1:]] == [
        ("stub", "1.2", "43")
    ]
    [registered] = [c for c in engine.categories if c.id == "stub.left_behind"]
    assert (registered.scope, registered.plugin.name) == (Division("4331"), "stub")
    assert (tmp_path / "stub.toml").read_text(encoding="utf-8") == TOML


def test_stub_plugin_needs_a_directory_for_parameter_text() -> None:
    """Parameter text has to be written somewhere."""
    with pytest.raises(ValueError, match="needs a directory"):
        stub_plugin("stub", toml=TOML)
