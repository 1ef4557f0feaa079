"""The rectification list: one task per non-compliant finding, each rule's remedy with exact
figures from the sample registry, who acts, stable and keyed ids, masking, --previous."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from careprotect import Engine, load_registry, pipeline
from careprotect.cli import main
from careprotect.findings import Outcome
from careprotect.rectification import SETTLED, Rectifier, TaskKey, compare
from careprotect.testing import consistent_registries

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-registry.jsonl"
SCHEMA = ROOT / "docs" / "schema" / "rectify-report.schema.json"
DAY = dt.date(2024, 12, 31)
KEY = TaskKey(b"a test key", "CAREPROTECT_TASK_KEY")


@cache
def _engine() -> Engine:
    return Engine.from_entry_points()


def _tasks(*, reveal: bool = False, key: TaskKey = KEY) -> list[dict[str, Any]]:
    loaded = load_registry(SAMPLE)
    rectifier = Rectifier(_engine(), loaded.registry.reference, key, reveal=reveal)
    run = pipeline.audit(_engine(), loaded.registry, as_of=DAY, reveal=True)
    return [rectifier.task(f).as_dict() for f in run if f.outcome is Outcome.NON_COMPLIANT]


@cache
def _sample() -> dict[tuple[str, str], dict[str, Any]]:
    return {(t["rule"], t["subject"]["id"]): t for t in _tasks()}


def _what(rule: str, subject: str) -> tuple[str, str, str]:
    t = _sample()[(rule, subject)]
    return t["what"]["en"], t["what"]["zh"], t["due"]


def test_contacts_short_in_a_period_are_counted_with_the_modes_and_roles_that_count() -> None:
    """The contact rules say how many contacts are still short, of which modes, by whom."""
    assert _what("hubei.chibi.monthly_home_visit", "C-CB-045") == (
        "1 more contact(s) (home visit, by a child director or child supervisor) in 2024-12",
        "2024-12内再联系 1 次（入户走访，由儿童主任或儿童督导员）",
        "2024-12-31",
    )
    assert _what("hubei.xianning.left_behind.contact", "C-CB-055")[0] == (
        "2 more contact(s) (phone or home visit, by a child director) in 2024-12"
    )
    # A weekly rule is due by the end of its ISO week.
    assert _what("entrusted_care.parent_contact", "C-CB-020") == (
        "the parents: 1 more contact(s) with the child in 2024-W52",
        "督促父母2024-W52内再与儿童联系 1 次",
        "2024-12-29",
    )


def test_an_area_short_of_its_minimum_gives_the_exact_shortfall() -> None:
    """42.5 m² of the 50 m² required: 7.5 m² more; no outdoor area at all: provide one."""
    assert _what("hunan.childrens_home.floor_area", "H-LX-2")[:2] == (
        "7.5 m² more indoor floor area",
        "室内使用面积再增加 7.5 平方米",
    )
    assert _what("hunan.childrens_home.outdoor_area", "H-LX-4")[0] == (
        "provide an outdoor activity area"
    )
    assert _what("hunan.childrens_home.facilities", "H-LX-9")[:2] == (
        "provide the facilities: video calls",
        "配备设施：亲情视频",
    )


def test_agreements_and_notices_name_what_to_sign_or_send() -> None:
    """A missing confirmation, service agreement or written notice is named."""
    assert _what("left_behind.entrusted_guardianship_confirmation", "C-CB-001")[0] == (
        "have the entrusted guardian sign the entrusted-guardianship confirmation"
    )
    assert _what("hunan.childrens_home.service_agreement", "C-LX-062")[0] == (
        "sign the entrusted service agreement with the children's home of 大坪村"
    )
    assert _what("entrusted_care.written_notice", "C-CB-055")[0] == (
        "notify the village or residents' committee of the entrusted care in writing"
    )


def test_staffing_and_coverage_say_what_to_appoint_or_open_and_where() -> None:
    """Coverage names the place by the registry's name; counts say how many more."""
    assert _what("staffing.child_director.per_village", "433122102205")[:2] == (
        "appoint a child director for 马鞍村",
        "为马鞍村配备儿童主任",
    )
    assert _what("hunan.county.child_service_organisations", "433123")[0] == (
        "2 more social organisation(s) in 凤凰县"
    )
    assert _what("hunan.childrens_home.per_village", "433122200204")[0] == (
        "open a children's home in 岩门村"
    )
    # 2 of 21 homes are model homes; 10% of 21 needs 3.
    assert _what("hunan.childrens_home.model_share", "43")[0].startswith("1 more children's home")
    assert _what("hunan.child_supervisor.training_per_year", "W-LX-S4")[0] == (
        "1 more training(s) for 2024"
    )


def test_a_post_held_by_someone_unqualified_goes_to_someone_qualified() -> None:
    """A worker's post and a home's directorship alike: to someone with a qualification the
    rule names, in the ledger's words."""
    assert _what("hunan.child_supervisor.eligibility", "W-LX-S3")[:2] == (
        "give the post of child supervisor to someone who qualifies (female township "
        "leadership; or women's federation chair)",
        "改由符合条件的人员（女性乡镇党政班子成员；或妇联主席）担任儿童督导员",
    )
    assert _what("hunan.childrens_home.school_director", "H-LX-2")[:2] == (
        "give the post of director to someone who qualifies (school leadership)",
        "改由符合条件的人员（学校领导班子成员）担任负责人",
    )


def test_a_rule_that_cannot_tell_gives_the_findings_message() -> None:
    """Training length has no remedy: its task says what the finding says."""
    t = _sample()[("hunan.child_supervisor.training_length", "W-LX-S2")]
    assert t["what_from"] == "finding"
    assert t["what"] == t["message"]


def test_who_acts() -> None:
    """A child's responsible worker of the rule's roles in the village; a home's director; a
    worker's county; a village's township; a county itself."""
    actor = {k: t["actor"] for k, t in _sample().items()}
    assert actor[("hubei.chibi.monthly_home_visit", "C-CB-045")] == {
        "kind": "worker", "id": "W-CB-D6", "name": "吴**", "role": "child_director",
    }  # fmt: skip
    assert actor[("hunan.childrens_home.floor_area", "H-LX-2")]["id"] == "W-LX-D2"
    assert actor[("hunan.child_director.training_per_year", "W-LX-D5")]["id"] == "433122"
    assert actor[("staffing.child_director.per_village", "433122102205")]["id"] == "433122102"
    assert actor[("hunan.county.child_service_organisations", "433123")]["id"] == "433123"


def test_a_paired_child_s_task_goes_to_the_worker_paired_with_the_child() -> None:
    """Under a pairing scheme ("1+1") only the paired worker's contacts count, so the task is
    theirs; a rule whose roles no worker of the village holds ("1+N": counsellors, social
    workers) falls to the township."""
    actor = {k: t["actor"] for k, t in _sample().items()}
    assert actor[("hubei.xianning.one_plus_one.monthly_contact", "C-XN-002")] == {
        "kind": "worker", "id": "W-XN-P2", "name": "程**", "role": "party_member",
    }  # fmt: skip
    assert actor[("hubei.xianning.one_plus_one.yearly_activity", "C-XN-003")]["id"] == "W-XN-P3"
    assert actor[("hubei.xianning.one_plus_n.weekly_home_session", "C-CB-064")]["id"] == (
        "421281102"
    )


def test_one_task_per_non_compliant_finding_with_distinct_stable_ids() -> None:
    """The sample registry breaks every rule somewhere: each non-compliant finding is one
    task, and the ids are the same on a second run and differ under another key."""
    tasks = _tasks()
    loaded = load_registry(SAMPLE)
    findings = list(pipeline.audit(_engine(), loaded.registry, as_of=DAY))
    assert len(tasks) == sum(f.outcome is Outcome.NON_COMPLIANT for f in findings) == 32
    ids = [t["id"] for t in tasks]
    assert len(set(ids)) == len(ids)
    assert [t["id"] for t in _tasks()] == ids
    other = [t["id"] for t in _tasks(key=TaskKey(b"another", "CAREPROTECT_TASK_KEY"))]
    assert not set(other) & set(ids)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_registries(max_children=4))
def test_every_non_compliant_finding_gives_exactly_one_task(registry: Any) -> None:
    """For any registry: tasks = non-compliant findings, ids distinct; compared with itself
    every task is still open; with an empty list every task is new."""
    rectifier = Rectifier(_engine(), registry.reference, KEY)
    findings = list(pipeline.audit(_engine(), registry, as_of=DAY, reveal=True))
    tasks = [rectifier.task(f).as_dict() for f in findings if f.outcome is Outcome.NON_COMPLIANT]
    assert len(tasks) == sum(f.outcome is Outcome.NON_COMPLIANT for f in findings)
    assert len({t["id"] for t in tasks}) == len(tasks)
    settled = {rectifier.task_id(f) for f in findings if f.outcome in SETTLED}
    assert {t["state"] for t in compare(tasks, settled, tasks)} <= {"open"}
    assert {t["state"] for t in compare(tasks, settled, [])} <= {"new"}


def test_compare_marks_done_only_what_this_run_judged_compliant() -> None:
    """An earlier task judged compliant now is done; one not judged again is unchecked."""
    old = [{"id": "t1", "state": "new"}, {"id": "t2", "state": "new"}, {"id": "t3"}]
    now = [{"id": "t3", "state": "new"}, {"id": "t4", "state": "new"}]
    states = {t["id"]: t["state"] for t in compare(now, {"t1"}, old)}
    assert states == {"t1": "done", "t2": "unchecked", "t3": "open", "t4": "new"}


def _run(capsys: Any, *args: str) -> tuple[int, str, str]:
    status = main(["rectify", str(SAMPLE), "--as-of", "2024-12-31", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_json_list_follows_its_schema_and_masks_names(capsys: Any) -> None:
    """The JSON validates; names are masked and no id holds an ID number unless --reveal."""
    status, out, _ = _run(capsys, "--format", "json")
    doc = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(doc)
    assert status == 1
    assert doc["summary"]["tasks"] == doc["summary"]["to_do"] == 32
    people = ("child", "worker")
    names = [t["subject"]["name"] for t in doc["tasks"] if t["subject"]["kind"] in people]
    names += [t["actor"]["name"] for t in doc["tasks"] if t["actor"]["kind"] == "worker"]
    assert names
    assert all("*" in n for n in names)
    revealed = json.loads(_run(capsys, "--format", "json", "--reveal")[1])
    shown = [t["subject"]["name"] for t in revealed["tasks"] if t["subject"]["kind"] in people]
    assert any("*" not in n for n in shown)
    assert [t["id"] for t in revealed["tasks"]] == [t["id"] for t in doc["tasks"]]


def test_a_masked_id_number_stays_masked_and_out_of_the_task_id(tmp_path: Path) -> None:
    """A child whose id is a citizen ID number: masked in the list, and its task id is a
    keyed hash (no digit run of the number in it)."""
    loaded = load_registry(SAMPLE)
    rectifier = Rectifier(_engine(), loaded.registry.reference, KEY)
    run = pipeline.audit(_engine(), loaded.registry, as_of=DAY, reveal=True)
    finding = next(f for f in run if f.outcome is Outcome.NON_COMPLIANT and f.subject.name)
    number = "11010519491231002X"
    task = rectifier.task(attrs.evolve(finding, subject=attrs.evolve(finding.subject, id=number)))
    assert task.subject.id == "110105********002X"
    assert "11010519491231" not in json.dumps(task.as_dict(), ensure_ascii=False)
    assert task.id.startswith("t")
    assert len(task.id) == 17


def test_previous_marks_tasks_open_and_done(capsys: Any, tmp_path: Path) -> None:
    """Against itself every task is still open (exit 1); a task whose rule is judged
    compliant in the second run (here: a later day, when its period is not rejudged) is
    listed again, marked done or not rechecked."""
    first = tmp_path / "first.json"
    assert main(["rectify", str(SAMPLE), "--as-of", "2024-12-31", "--format", "json",
                 "-o", str(first)]) == 1  # fmt: skip
    capsys.readouterr()
    status, out, _ = _run(capsys, "--format", "json", "--previous", str(first))
    summary = json.loads(out)["summary"]
    assert status == 1
    assert summary["by_state"] == {"new": 0, "open": 32, "done": 0, "unchecked": 0}
    main(
        ["rectify", str(SAMPLE), "--as-of", "2025-01-31", "--format", "json", "--previous",
         str(first)]
    )  # fmt: skip
    later = json.loads(capsys.readouterr().out)
    states = {t["id"]: t["state"] for t in later["tasks"]}
    old = json.loads(first.read_text(encoding="utf-8"))["tasks"]
    assert all(states[t["id"]] in ("open", "done", "unchecked") for t in old)
    assert later["summary"]["by_state"]["unchecked"] == 6


def test_previous_made_under_another_key_is_refused(
    capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Ids made under two keys never match: comparing them is refused with status 2."""
    first = tmp_path / "first.json"
    main(["rectify", str(SAMPLE), "--as-of", "2024-12-31", "--format", "json", "-o", str(first)])
    monkeypatch.setenv("CAREPROTECT_TASK_KEY", "a county's own key")
    status, _, err = _run(capsys, "--previous", str(first))
    assert status == 2
    assert "another task key" in err


def test_csv_and_table(capsys: Any) -> None:
    """CSV: a header and one row per task; the table groups by township, in Chinese."""
    status, out, _ = _run(capsys, "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("id,state,township,village,actor_kind")
    assert len(lines) == 33
    status, out, _ = _run(capsys, "--lang", "zh")
    assert status == 1
    for shown in ("整改清单", "为马鞍村配备儿童主任", "乡镇以上"):
        assert shown in out
