"""careprotect.testing.new_plugin: the plugin template writes a distribution that loads,
conforms, passes its own tests and lint, and refuses bad names, scopes and titles."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from careprotect import (
    Child,
    Division,
    Engine,
    HouseholdType,
    InvalidDivisionError,
    InvalidValueError,
    Outcome,
    Parent,
    ParentSituation,
    ParentSituationKind,
    Registry,
    Sex,
    pipeline,
)
from careprotect.scenarios import load_scenarios, run_case
from careprotect.testing import new_plugin
from careprotect.testing._template import main, village_in
from careprotect.testing.conformance import conformance_problems

BIN = Path(sys.executable).parent
RUFF = BIN / "ruff" if (BIN / "ruff").exists() else shutil.which("ruff")

FILES = [
    "CHANGELOG.md",
    "README.md",
    "pyproject.toml",
    "src/careprotect_tplexample/__init__.py",
    "src/careprotect_tplexample/citations.toml",
    "src/careprotect_tplexample/parameters.toml",
    "src/careprotect_tplexample/py.typed",
    "tests/scenarios/left_behind_contact.toml",
    "tests/test_conformance.py",
    "tests/test_rules.py",
]


def generate(destination: Path, scope: str = "4312") -> Path:
    return new_plugin(destination, name="tplexample", scope=scope, title="怀化市")


def load(root: Path) -> ModuleType:
    """The generated plugin module, imported from its src directory without installing it."""
    init = root / "src" / "careprotect_tplexample" / "__init__.py"
    spec = importlib.util.spec_from_file_location("careprotect_tplexample", init)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return generate(tmp_path)


def test_the_distribution_has_every_file_filled_in(tmp_path: Path, root: Path) -> None:
    """careprotect-<name> holds the skeleton's files; no placeholder is left in a path or a
    text, and the entry point names the module."""
    assert root == tmp_path / "careprotect-tplexample"
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert written == FILES
    for path in root.rglob("*"):
        assert "{{" not in path.name
        if path.is_file():
            assert "{{" not in path.read_text(encoding="utf-8"), path
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.careprotect]\ntplexample = "careprotect_tplexample"' in pyproject
    assert 'name = "careprotect-tplexample"' in pyproject


@pytest.mark.parametrize("scope", ["4312", "431202001001"])
def test_the_generated_plugin_conforms(tmp_path: Path, scope: str) -> None:
    """For a city and for a village, the generated plugin passes every check (a province
    plugin is checked, in part, by test_the_module_runs_as_a_command)."""
    module = load(generate(tmp_path, scope))
    assert conformance_problems(module, others=[]) == []


def test_the_example_rule_judges_a_left_behind_child(root: Path) -> None:
    """Engine([module]) loads; a rural child of nine in Huaihua whose parents work away, with
    no contact in June 2024, is non-compliant with the example rule for 2024-06."""
    module = load(root)
    engine = Engine([module])
    assert [(p.name, str(p.scope), p.title) for p in engine.plugins] == [
        ("national", "None", "National baseline"),
        ("tplexample", "4312", "怀化市"),
    ]
    child = Child(
        id="C1",
        name="李小明",
        birth_date=dt.date(2015, 3, 2),
        sex=Sex.MALE,
        division=village_in(Division("4312")),
        household=HouseholdType.RURAL,
        parent_situations=tuple(
            ParentSituation(
                parent=p, kind=ParentSituationKind.WORKING_AWAY, start=dt.date(2020, 1, 1)
            )
            for p in Parent
        ),
    )
    findings = [
        f
        for f in pipeline.audit(engine, Registry(children=(child,)), as_of=dt.date(2024, 6, 30))
        if f.rule == "tplexample.left_behind.contact"
    ]
    assert [(str(f.period), f.outcome, f.message.en) for f in findings] == [
        (
            "2024-06",
            Outcome.NON_COMPLIANT,
            "2024-06: 0 contact(s) counted, fewer than the 2 required",
        )
    ]
    [evidence] = findings[0].evidence
    assert (evidence.parameter, evidence.value, evidence.plugin) == (
        "tplexample.left_behind.contacts_per_month",
        2,
        "tplexample",
    )


def test_the_scenario_file_passes(root: Path) -> None:
    """Each case of the generated scenario file passes with the generated plugin loaded."""
    engine = Engine([load(root)])
    scenarios = load_scenarios(root / "tests" / "scenarios" / "left_behind_contact.toml")
    assert scenarios.plugins == ("tplexample",)
    assert [(c.name, run_case(c, engine)) for c in scenarios.cases] == [
        ("two home visits in June 2024 comply", []),
        ("one home visit in June 2024 does not comply", []),
    ]


def test_the_generated_tests_pass(root: Path) -> None:
    """pytest in the distribution runs the conformance suite (9 checks) and the example tests
    (4); the scenario plugin is left out because the plugin is not installed here."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:careprotect", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 passed" in result.stdout


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
def test_the_generated_files_pass_ruff(root: Path) -> None:
    """The generated Python is lint-clean and formatted under the distribution's own ruff
    configuration."""
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [str(RUFF), *args, "."], cwd=root, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["Hunan", "hu-nan", "1hunan", "class", "national", "", "湖南"])
def test_a_bad_name_is_refused(tmp_path: Path, name: str) -> None:
    """The name must be a lowercase identifier that is not reserved; nothing is written."""
    with pytest.raises(InvalidValueError) as info:
        new_plugin(tmp_path, name=name, scope="43", title="湖南省")
    assert str(info.value) == (
        "'name' must be a lowercase identifier such as hunan or xianning (letters, digits "
        f"and _, starting with a letter; not national, testing) (got {name!r})"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_bad_scope_is_refused(tmp_path: Path) -> None:
    """The scope must be a division code; the error names the field."""
    with pytest.raises(InvalidDivisionError) as info:
        new_plugin(tmp_path, name="hunan", scope="99", title="湖南省")
    assert str(info.value).startswith("'scope' ")
    assert info.value.field == "scope"


@pytest.mark.parametrize("title", ["", "  ", 'say "hi"', "two\nlines", "a{b}"])
def test_a_bad_title_is_refused(tmp_path: Path, title: str) -> None:
    """The title is one line that can be written into TOML, Python and Markdown."""
    with pytest.raises(InvalidValueError, match=r"^'title' must be"):
        new_plugin(tmp_path, name="hunan", scope="43", title=title)


def test_an_existing_distribution_is_not_overwritten(tmp_path: Path, root: Path) -> None:
    """A second plugin of the same name in the same place is refused."""
    with pytest.raises(FileExistsError, match="careprotect-tplexample already exists"):
        generate(tmp_path)


def test_the_village_of_a_division() -> None:
    """Missing levels are numbered 01 (prefecture, county) and 001 (township, village)."""
    assert [village_in(Division(c)).code for c in ("43", "4312", "431202", "431202003")] == [
        "430101001001",
        "431201001001",
        "431202001001",
        "431202003001",
    ]
    assert village_in(Division("431202003004")) == Division("431202003004")


def test_the_command_line_writes_a_plugin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m careprotect.testing.template NAME SCOPE DEST`` prints the directory it
    wrote; a bad name exits with status 2 and the reason."""
    assert main(["tplexample", "4312", str(tmp_path), "--title", "怀化市"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'careprotect-tplexample'}\n"
    with pytest.raises(SystemExit) as info:
        main(["Bad", "43", str(tmp_path)])
    assert info.value.code == 2
    assert "'name' must be a lowercase identifier" in capsys.readouterr().err


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    """The template package runs with ``python -m``; the default title is NAME SCOPE."""
    result = subprocess.run(
        [sys.executable, "-m", "careprotect.testing.template", "tplexample", "43", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"{tmp_path / 'careprotect-tplexample'}\n"
    module = load(tmp_path / "careprotect-tplexample")
    assert module.TITLE == "tplexample 43"
    assert conformance_problems(module, others=[], checks=["loads", "cited", "titles"]) == []


def test_the_generator_without_hypothesis_says_what_to_install(tmp_path: Path) -> None:
    """Installed without the testing extra, the generator gives one line saying what to
    install, not a ModuleNotFoundError traceback (runpy prints it and exits with 1)."""
    code = (
        "import runpy, sys; sys.modules['hypothesis'] = None; "
        "sys.argv = ['template', 'fujian', '35', sys.argv[1]]; "
        "runpy._run_module_as_main('careprotect.testing.template')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith(
        "(ModuleNotFoundError: careprotect.testing needs careprotect's testing extra "
        "(hypothesis): pip install -e '.[testing]' in a checkout of careprotect)\n"
    )
    assert list(tmp_path.iterdir()) == []
