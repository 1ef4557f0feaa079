"""The conformance suite's schema check: every problem of every parameter file a plugin
registers, named by file, table and key."""

from __future__ import annotations

from pathlib import Path

import careprotect_hubei
import careprotect_hunan
from careprotect.testing import stub_plugin
from careprotect.testing.conformance import conformance_problems
from support import citation_table

CITATION = citation_table(document="闽〔2019〕1号", more='notes = "未核实"')

VALUES = """
[parameters."fj.count"]
unit = "count"
zh = "次数"
en = "count"

[[values]]
parameter = "fj.count"
effective = 2019-03-01
value = 2
flor = true
citation = "p"

[[values]]
parameter = "fj.count"
effective = 2020-03-01
value = 3
floor = "yes"
citation = "p"
"""


def test_every_schema_problem_of_every_file_is_listed(tmp_path: Path) -> None:
    """A plugin whose two files break the schema in three places: loading names the first;
    the schema check names all three, each with its file, table and key."""
    citations, values = tmp_path / "citations.toml", tmp_path / "values.toml"
    citations.write_text(CITATION, encoding="utf-8")
    values.write_text(VALUES, encoding="utf-8")
    fujian = stub_plugin("fujian", "35", files=[citations, values])
    assert conformance_problems(fujian, others=[]) == [
        "loads: plugin fujian 0 (35) does not load with the national baseline: citations.toml "
        "of plugin fujian: citation 'p': unknown key 'notes'; did you mean 'note'?",
        "schema: citations.toml of plugin fujian: citation 'p': unknown key 'notes'; did you "
        "mean 'note'?",
        "schema: values.toml of plugin fujian: values[0]: unknown key 'flor'; did you mean "
        "'floor'?",
        "schema: values.toml of plugin fujian: values[1]: 'floor' must be true or false (got a "
        "string 'yes')",
    ]


def test_a_file_that_is_not_toml_is_a_schema_problem(tmp_path: Path) -> None:
    """A file that cannot be read as TOML is reported by the schema check as the loader
    words it."""
    broken = tmp_path / "broken.toml"
    broken.write_text("[citations.p\n", encoding="utf-8")
    problems = conformance_problems(stub_plugin("fujian", "35", files=[broken]), checks=["schema"])
    assert [p.split(": not TOML")[0] for p in problems[1:]] == [
        "schema: cannot read broken.toml of plugin fujian"
    ]


def test_the_shipped_plugins_files_conform() -> None:
    """The schema check passes for the shipped Hunan and Hubei plugins."""
    for plugin in (careprotect_hunan, careprotect_hubei):
        assert conformance_problems(plugin, others=[], checks=["schema"]) == []


CITED = (
    citation_table(
        document="",
        title="关于做好农村留守儿童关爱服务工作的通知",
        status="{status}",
        more="{note}",
    )
    + """
[parameters."fj.count"]
unit = "count"
zh = "次数"
en = "count"

[[values]]
parameter = "fj.count"
effective = 2019-03-01
value = 2
citation = "p"
"""
)


def test_no_number_published_is_no_problem_but_an_assumption_needs_its_note(
    tmp_path: Path,
) -> None:
    """An empty document means no number is published: the cited check accepts it. An
    assumed citation must say in its note which choice was made and why."""
    ok = stub_plugin("fj", "35", directory=tmp_path, toml=CITED.format(status="reported", note=""))
    assert conformance_problems(ok, others=[], checks=["cited"]) == []
    assumed = stub_plugin(
        "fj2", "35", directory=tmp_path, toml=CITED.format(status="assumed", note="")
    )
    assert conformance_problems(assumed, others=[], checks=["cited"]) == [
        "cited: citation 'p' (cited by value fj.count = 2 in 35 from 2019-03-01) is assumed but "
        "has no note saying which choice was made and why"
    ]
    noted = stub_plugin(
        "fj3",
        "35",
        directory=tmp_path,
        toml=CITED.format(status="assumed", note='note = "No rule was found; we chose 2."'),
    )
    assert conformance_problems(noted, others=[], checks=["cited"]) == []
