"""Scenario files: reading, judging cases, and the pytest plugin that collects them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from careprotect import Engine, Outcome
from careprotect.scenarios import ScenarioError, load_scenarios, run_case

ORPHAN_CHILD = """
[case.child]
id = "C1"
name = "张小军"
birth_date = 2009-11-02
sex = "male"
division = "433122100202"
household = "rural"
parent_situations = [
  { parent = "father", kind = "dead", start = 2015-06-30 },
  { parent = "mother", kind = "dead", start = 2015-06-30 },
]
guardianships = [{ guardian = "张二叔", relation = "other_relative", start = 2015-07-01 }]
residences = [{ kind = "family", start = 2009-11-02 }]
"""

LEFT_BEHIND_CHILD = """
[case.child]
id = "C2"
name = "田小雨"
birth_date = 2012-04-18
sex = "female"
division = "433122100201"
household = "rural"
parent_situations = [
  { parent = "father", kind = "working_away", start = 2018-02-20 },
  { parent = "mother", kind = "working_away", start = 2018-02-20 },
]
guardianships = [
  { guardian = "田大山", relation = "grandparent", start = 2018-02-20, entrusted = true },
]
residences = [{ kind = "family", start = 2012-04-18 }]
"""

CONFIRMATION = "left_behind.entrusted_guardianship_confirmation"
PER_VILLAGE = "staffing.child_director.per_village"


def write(tmp_path: Path, text: str, name: str = "cases.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def national_file(tmp_path: Path, confirmation: str = "non_compliant") -> Path:
    return write(
        tmp_path,
        f"""title = "national baseline"
plugins = []

[[case]]
name = "a scattered orphan gets the national minimum"
period = "2018-01..2018-02"
[[case.amounts]]
rule = "orphan.allowance"
month = "2018-01"
amount = "600.00"
[[case.amounts]]
rule = "orphan.allowance"
month = "2018-02"
amount = "600.00"
{ORPHAN_CHILD}
[[case]]
name = "an unsigned confirmation"
as_of = 2020-06-30
[case.expect]
"{CONFIRMATION}" = "{confirmation}"
"{PER_VILLAGE}" = "none"
[case.categories]
left_behind = true
orphan = false
{LEFT_BEHIND_CHILD}""",
    )


def test_a_file_reads_into_cases(tmp_path: Path) -> None:
    """Title, plugins, subject, day or period, and every kind of expectation."""
    scenarios = load_scenarios(national_file(tmp_path))
    assert scenarios.title == "national baseline"
    assert scenarios.plugins == ()
    first, second = scenarios.cases
    assert (first.subject, first.subject_id, [str(p) for p in first.periods]) == (
        "child",
        "C1",
        ["2018-01", "2018-02"],
    )
    assert [(str(a.month), a.amount) for a in first.amounts] == [
        ("2018-01", Decimal("600.00")),
        ("2018-02", Decimal("600.00")),
    ]
    assert second.expect == {CONFIRMATION: Outcome.NON_COMPLIANT, PER_VILLAGE: ()}
    assert second.categories == {"left_behind": True, "orphan": False}


def test_passing_cases_report_nothing(tmp_path: Path) -> None:
    """The national minimum for an orphan, and a missing confirmation, as the rules say."""
    engine = Engine()
    for case in load_scenarios(national_file(tmp_path)).cases:
        assert run_case(case, engine) == [], case.name


def test_a_wrong_expectation_names_the_rule_and_shows_the_evidence(tmp_path: Path) -> None:
    """Expecting compliance where the rule finds none: the failure names the rule, both
    outcomes, and the finding's facts and evidence."""
    case = load_scenarios(national_file(tmp_path, confirmation="compliant")).cases[1]
    problems = run_case(case, Engine())
    assert problems[0] == (
        f"rule {CONFIRMATION}: expected compliant (every finding); got non_compliant"
    )
    text = "\n".join(problems)
    assert "evidence: entrusted_guardianship.confirmation.required = True" in text
    assert "民发〔2019〕34号" in text
    assert "fact:" in text


def test_wrong_amounts_and_categories_are_reported(tmp_path: Path) -> None:
    """An amount of 800 where the national rate is 600; a category the child is not in."""
    text = national_file(tmp_path).read_text(encoding="utf-8")
    text = text.replace('amount = "600.00"', 'amount = "800.00"', 1)
    text = text.replace("orphan = false", "orphan = true")
    first, second = load_scenarios(write(tmp_path, text)).cases
    (problem, *shown) = run_case(first, Engine())
    assert problem.startswith(
        "rule orphan.allowance: expected amounts 2018-01 800.00, 2018-02 600.00; got 2"
    )
    assert shown[0].startswith("    2018-01 600.00 [")
    assert "orphan.allowance.scattered = 600.00 in national" in shown[0]
    assert run_case(second, Engine())[0] == "category orphan: expected true; got false"


def test_a_rejected_record_fails_the_case_with_the_rejection(tmp_path: Path) -> None:
    """A record the registry refuses is the case's failure, with its path."""
    text = national_file(tmp_path).read_text(encoding="utf-8")
    text = text.replace('sex = "male"', 'sex = "boy"')
    first = load_scenarios(write(tmp_path, text)).cases[0]
    (problem,) = run_case(first, Engine())
    assert problem.startswith("record rejected:")
    assert "sex" in problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = 'x'\n", "cases.toml: no [[case]] tables"),
        ("colour = 1\n[[case]]\nname = 'a'\n", "unknown key(s) colour"),
        (
            "[[case]]\nname = 'a'\nas_of = 2020-01-01\ndivision = '43'\nworker = {id = 'W'}\n",
            'case 1 "a": give exactly one subject',
        ),
        (
            "[[case]]\nname = 'a'\ndivision = '43'\n[case.expect]\nr = 'compliant'\n",
            "give exactly one of 'as_of' (a date) and 'period'",
        ),
        (
            "[[case]]\nname = 'a'\ndivision = '43'\nas_of = 2020-01-01\n[case.expect]\nr = 'ok'\n",
            "expect.r: 'ok' is not an outcome",
        ),
        (
            "[[case]]\nname = 'a'\ndivision = '43'\nperiod = '2020-13'\n[case.expect]\n"
            "r = 'compliant'\n",
            'case 1 "a": period:',
        ),
        (
            "[[case]]\nname = 'a'\ndivision = '43'\nas_of = 2020-01-01\n",
            "expects nothing",
        ),
        (
            "[[case]]\nname = 'a'\ndivision = '43'\nas_of = 2020-01-01\n"
            "[[case.amounts]]\nrule = 'r'\namount = '1'\n",
            "'amounts' need a 'period'",
        ),
        (
            "[[case]]\nname = 'a'\ndivision = '43'\nas_of = 2020-01-01\n[case.expect]\n"
            "r = 'compliant'\n[[case]]\nname = 'a'\ndivision = '43'\nas_of = 2020-01-01\n"
            "[case.expect]\nr = 'compliant'\n",
            "two cases have this name",
        ),
    ],
)
def test_a_bad_file_names_the_file_the_case_and_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    """Every mistake is refused before anything runs, with where it is."""
    with pytest.raises(ScenarioError, match=r"cases\.toml") as exc:
        load_scenarios(write(tmp_path, text))
    assert message in str(exc.value)


ON = "[tool.pytest.ini_options]\ncareprotect_scenarios = true\n"


@pytest.mark.parametrize(
    ("ini", "collected"),
    [
        (None, 0),  # careprotect installed, nothing asked: the project's files are its own
        ("[tool.pytest.ini_options]\ncareprotect_scenarios = false\n", 0),
        (ON, 2),
    ],
)
def test_scenario_files_are_collected_only_when_the_project_asks(
    pytester: pytest.Pytester, tmp_path: Path, ini: str | None, collected: int
) -> None:
    """The pytest plugin stays off until the ini option ``careprotect_scenarios`` is true:
    a ``scenarios/*.toml`` file is then collected, case by case, and otherwise left alone."""
    if ini is not None:
        pytester.makepyprojecttoml(ini)
    scenarios = pytester.mkdir("scenarios")
    good = national_file(tmp_path).read_text(encoding="utf-8")
    (scenarios / "good.toml").write_text(good, encoding="utf-8")
    result = pytester.runpytest("--collect-only", "-q")
    assert sum(".toml::" in line for line in result.outlines) == collected
    assert result.ret == (pytest.ExitCode.OK if collected else pytest.ExitCode.NO_TESTS_COLLECTED)
    on = pytester.runpytest("--collect-only", "-q", "-o", "careprotect_scenarios=true")
    assert sum(".toml::" in line for line in on.outlines) == 2  # the same files, asked for


def test_pytest_collects_scenario_files_and_reports_failures(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Each case is a test; a failure names the file, the case, the rule and the evidence.
    TOML files outside a directory named ``scenarios`` are not collected."""
    pytester.makepyprojecttoml(ON)
    scenarios = pytester.mkdir("scenarios")
    good = national_file(tmp_path).read_text(encoding="utf-8")
    (scenarios / "good.toml").write_text(good, encoding="utf-8")
    bad = national_file(tmp_path, confirmation="compliant").read_text(encoding="utf-8")
    (scenarios / "bad.toml").write_text(bad, encoding="utf-8")
    (pytester.path / "other.toml").write_text("not = 'a scenario'\n", encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            '*scenario bad.toml, case 2 "an unsigned confirmation" (national baseline) failed:*',
            f"*rule {CONFIRMATION}: expected compliant (every finding); got non_compliant*",
            "*evidence: entrusted_guardianship.confirmation.required*",
        ]
    )


def test_an_unreadable_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    """A broken scenario file fails collection with the file and the problem."""
    pytester.makepyprojecttoml(ON)
    scenarios = pytester.mkdir("scenarios")
    (scenarios / "broken.toml").write_text("[[case]]\nname = 'a'\n", encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(['*broken.toml, case 1 "a": give exactly one subject*'])


def test_an_unknown_rule_id_fails_instead_of_passing_as_none(tmp_path: Path) -> None:
    """A misspelt rule id is reported, not read as "no finding"."""
    text = national_file(tmp_path).read_text(encoding="utf-8")
    text = text.replace(
        f'"{PER_VILLAGE}" = "none"', '"staffing.child_director.per_vilage" = "none"'
    )
    case = load_scenarios(write(tmp_path, text)).cases[1]
    assert run_case(case, Engine()) == [
        "rule staffing.child_director.per_vilage: no loaded plugin registers a rule with this id"
    ]


def test_an_entitlement_rule_under_expect_means_no_amount(tmp_path: Path) -> None:
    """ "none" for an entitlement rule with a period checks that no amount is due; any other
    outcome, or no period, is refused with the reason."""
    none = national_file(tmp_path).read_text(encoding="utf-8")
    none = none.replace(f'"{PER_VILLAGE}" = "none"', '"orphan.allowance" = "none"')
    case = load_scenarios(write(tmp_path, none)).cases[1]
    problems = run_case(case, Engine())
    assert problems == [
        "rule orphan.allowance: an entitlement rule gives amounts, not outcomes: list them "
        'under [[case.amounts]], or expect "none" with a period for no amount'
    ]
    text = f"""[[case]]
name = "a left-behind child gets no orphan allowance"
period = "2020-06"
[case.expect]
"orphan.allowance" = "none"
{LEFT_BEHIND_CHILD}
[[case]]
name = "an orphan does"
period = "2020-06"
[case.expect]
"orphan.allowance" = "none"
{ORPHAN_CHILD}"""
    left_behind, orphan = load_scenarios(write(tmp_path, text)).cases
    assert run_case(left_behind, Engine()) == []
    (problem, shown) = run_case(orphan, Engine())
    assert problem == "rule orphan.allowance: expected no amount; got 1 amount(s):"
    assert shown.startswith("    2020-06 600.00 [")


def test_a_province_record_is_added_when_no_listed_division_covers_a_record(
    tmp_path: Path,
) -> None:
    """A case listing only a village still accepts a worker in that village's township."""
    text = f"""[[divisions]]
code = "433122100202"
name = "village"
[[workers]]
id = "W1"
name = "向春兰"
role = "child_supervisor"
division = "433122100"
[[case]]
name = "an orphan gets the allowance"
period = "2020-06"
[[case.amounts]]
rule = "orphan.allowance"
month = "2020-06"
amount = "600.00"
{ORPHAN_CHILD}"""
    (case,) = load_scenarios(write(tmp_path, text)).cases
    assert run_case(case, Engine()) == []
