"""The pytest plugin that runs scenario files (docs/scenarios.md).

Installed with careprotect under the ``pytest11`` entry point, it stays off until a project
asks for it with the ini option ``careprotect_scenarios = true`` (in ``[tool.pytest.ini_options]``
of its pyproject.toml, or ``-o careprotect_scenarios=true``): a project that merely has
careprotect installed keeps its own ``scenarios/*.toml`` files to itself. Turned on, it
collects every ``*.toml`` file in a directory named ``scenarios`` among the paths pytest
collects, and runs each of its cases as a test item named after the case. A failing case
names the file, the case and the rule, shows what was expected and what came, and lists each
finding's facts and evidence. A file that cannot be read fails at collection, naming the
file, the case and the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from careprotect.errors import CareProtectError
from careprotect.scenarios import Case, ScenarioFile, engine_for, load_scenarios, run_case

__all__ = [
    "INI_OPTION",
    "CaseFailedError",
    "ScenarioCase",
    "ScenarioFileCollector",
    "pytest_addoption",
    "pytest_collect_file",
]

INI_OPTION = "careprotect_scenarios"
"""The ini option that turns the collection of scenario files on."""


class CaseFailedError(Exception):
    """A scenario case whose answers differ from what it expects."""

    def __init__(self, case: Case, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.case = case
        self.problems = problems


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ini option :data:`INI_OPTION` (off by default)."""
    parser.addini(
        INI_OPTION,
        type="bool",
        default=False,
        help="collect scenarios/*.toml files as careprotect scenario tests (docs/scenarios.md)",
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """A collector for each ``scenarios/*.toml`` file, when the project turned
    :data:`INI_OPTION` on."""
    if (
        file_path.suffix == ".toml"
        and file_path.parent.name == "scenarios"
        and parent.config.getini(INI_OPTION)
    ):
        collector: ScenarioFileCollector = ScenarioFileCollector.from_parent(parent, path=file_path)
        return collector
    return None


class ScenarioFileCollector(pytest.File):
    """The cases of one scenario file."""

    def collect(self) -> Iterator[ScenarioCase]:
        try:
            scenarios = load_scenarios(self.path)
        except CareProtectError as exc:
            raise self.CollectError(str(exc)) from None
        for case in scenarios.cases:
            yield ScenarioCase.from_parent(self, name=case.name, scenarios=scenarios, case=case)


class ScenarioCase(pytest.Item):
    """One case: build its registry, run the engine, compare."""

    def __init__(self, *, scenarios: ScenarioFile, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenarios = scenarios
        self.case = case

    def runtest(self) -> None:
        try:
            engine = engine_for(self.scenarios.plugins)
        except CareProtectError as exc:
            raise CaseFailedError(self.case, [f"cannot load the plugins: {exc}"]) from None
        problems = run_case(self.case, engine)
        if problems:
            raise CaseFailedError(self.case, problems)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, CaseFailedError):
            lines = [f"scenario {self.case.where} ({self.scenarios.title}) failed:"]
            lines.extend(f"  {p}" for p in excinfo.value.problems)
            return "\n".join(lines)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario {self.case.where}"
