"""Names and citizen ID numbers never show unmasked: not in ``repr`` or ``str`` of model
objects, not in structuring problems or exception messages, not in the reader's rejections
or log lines (DESIGN.md principle 10; POLICY.md §9)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    CitizenId,
    Division,
    Guardianship,
    HouseholdType,
    Referral,
    ReferralTarget,
    Sex,
    Worker,
    load_registry,
    make_converter,
    mask_name,
    structure_problems,
)
from careprotect.testing import strategies
from careprotect.testing.strategies import REASONS

ID_CHARACTERS = "0123456789X"


def _exceptions(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception shown with it: those of a group, the cause, and the context
    unless suppressed (``raise ... from None``), as a traceback shows them."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        if isinstance(e, BaseExceptionGroup):
            stack.extend(e.exceptions)
        if e.__cause__ is not None:
            stack.append(e.__cause__)
        if e.__context__ is not None and not e.__suppress_context__:
            stack.append(e.__context__)


def _exception_texts(exc: BaseException) -> list[str]:
    """Everything an exception shows: its printed traceback, and the str, repr and notes of
    it and of every exception shown with it."""
    texts = ["".join(traceback.format_exception(exc))]
    for e in _exceptions(exc):
        texts += [str(e), repr(e), *map(str, getattr(e, "__notes__", []))]
    return texts


def _structure_failure(data: dict[str, Any], cls: type) -> BaseException:
    """The exception raised when structuring ``data`` as ``cls``; fails if none is."""
    with pytest.raises(Exception) as info:  # noqa: PT011 - any exception; inspected below
        make_converter().structure(data, cls)
    return info.value


def _secrets_of(child: Child) -> list[str]:
    """The child's and the guardians' names and the full citizen ID number."""
    secrets = [child.name, *(g.guardian for g in child.guardianships)]
    if child.citizen_id is not None:
        secrets.append(child.citizen_id.reveal())
    return secrets


# -- repr and str ----------------------------------------------------------------------------


@given(st.text())
def test_mask_name_keeps_the_first_character_and_the_spaces(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[:1] == name[:1]
    for original, shown in zip(name[1:], masked[1:], strict=True):
        assert shown == (" " if original.isspace() else "*")


def test_mask_name_examples() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("Li Hua") == "L* ***"
    assert mask_name("李\u3000华") == "李 *"
    assert mask_name("王") == "王"
    assert mask_name("") == ""


@settings(max_examples=60)
@given(child=strategies.children(with_citizen_id=True))
def test_child_repr_and_str_mask_names_and_id(child: Child) -> None:
    """repr and str of a child show the names and ID masked, never whole."""
    assert child.citizen_id is not None
    assert len(child.name) > 1
    for text in (repr(child), str(child)):
        for secret in _secrets_of(child):
            assert secret not in text
        assert mask_name(child.name) in text
        assert child.citizen_id.masked in text


@settings(max_examples=60)
@given(guardianship=strategies.guardianships())
def test_guardianship_repr_masks_the_guardian(guardianship: Guardianship) -> None:
    """repr and str of a guardianship show the guardian's name masked."""
    for text in (repr(guardianship), str(guardianship)):
        assert guardianship.guardian not in text
        assert f"guardian={mask_name(guardianship.guardian)}" in text


@settings(max_examples=60)
@given(worker=strategies.workers())
def test_worker_repr_masks_the_name(worker: Worker) -> None:
    """repr and str of a worker show the worker's name masked."""
    for text in (repr(worker), str(worker)):
        assert worker.name not in text
        assert f"name={mask_name(worker.name)}" in text


@settings(max_examples=40)
@given(child=strategies.children(max_facts=0), name=strategies.names())
def test_referral_reason_naming_someone_is_not_shown(child: Child, name: str) -> None:
    """A referral reason that names a person is not shown in the child's repr."""
    referral = Referral(
        date=child.birth_date, target=ReferralTarget.POLICE, reason=f"{name}{REASONS[0]}"
    )
    text = repr(attrs.evolve(child, referrals=(referral,)))
    assert name not in text
    assert f"reason=<{len(name) + len(REASONS[0])} characters>" in text


# -- structuring problems --------------------------------------------------------------------


@st.composite
def _ids_off_by_one(draw: st.DrawFn) -> tuple[Child, str]:
    """A child with a citizen ID, and that ID with one character changed."""
    child = draw(strategies.children(with_citizen_id=True, max_facts=0))
    assert child.citizen_id is not None
    number = child.citizen_id.reveal()
    position = draw(st.integers(0, 17))
    replacement = draw(st.sampled_from([c for c in ID_CHARACTERS if c != number[position]]))
    return child, number[:position] + replacement + number[position + 1 :]


@settings(max_examples=100)
@given(case=_ids_off_by_one())
def test_wrong_citizen_id_is_reported_masked(case: tuple[Child, str]) -> None:
    """A citizen ID wrong by one character is one problem at $.citizen_id; neither the wrong
    number nor the true one appears in the problems or the exception."""
    child, wrong = case
    data = make_converter().unstructure(child)
    data["citizen_id"] = wrong
    exc = _structure_failure(data, Child)
    problems = structure_problems(exc)
    assert [p.path for p in problems] == ["$.citizen_id"]
    texts = [str(p) for p in problems] + [repr(p) for p in problems] + _exception_texts(exc)
    assert child.citizen_id is not None
    for number in (wrong, child.citizen_id.reveal()):
        for text in texts:
            assert number not in text
            assert number[6:14] not in text  # not even the birth-date digits


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("sex", "must be one of male, female (got a string of {n} characters)"),
        ("household", "must be one of rural, urban (got a string of {n} characters)"),
        ("birth_date", "must be a real date YYYY-MM-DD (got a string of {n} characters)"),
        ("citizen_id", "must have 18 characters (got {n})"),
    ],
)
# No deadline: each example builds a converter, whose first hooks take half a second to
# generate on a busy machine.
@settings(max_examples=20, deadline=None)
@given(name=strategies.names())
def test_name_in_a_wrong_field_is_not_echoed(field: str, message: str, name: str) -> None:
    """A name put in an enum, date or ID field gives a problem that describes it by length."""
    data = make_converter().unstructure(
        Child(
            id="C1",
            name="王五",
            birth_date=dt.date(2010, 1, 1),
            sex=Sex.MALE,
            division=Division("430124101201"),
            household=HouseholdType.RURAL,
        )
    )
    data[field] = name
    exc = _structure_failure(data, Child)
    problems = structure_problems(exc)
    assert [(p.path, p.message) for p in problems] == [(f"$.{field}", message.format(n=len(name)))]
    for text in _exception_texts(exc):
        assert name not in text


@settings(max_examples=20)
@given(name=strategies.names())
def test_name_in_a_guardian_relation_is_not_echoed(name: str) -> None:
    """A name put in a guardianship's relation is reported at its path without the name."""
    data = {"guardian": "王五", "relation": name, "start": "2020-01-01"}
    exc = _structure_failure(data, Guardianship)
    problems = structure_problems(exc)
    assert len(problems) == 1
    assert problems[0].path == "$.relation"
    assert problems[0].message.endswith(f"(got a string of {len(name)} characters)")
    assert all(name not in text for text in _exception_texts(exc))


def test_name_in_a_division_field_is_not_echoed() -> None:
    """A name put in a child's division field is not repeated in the problem."""
    data = {
        "id": "C1",
        "name": "王五",
        "birth_date": "2010-01-01",
        "sex": "male",
        "division": "张三丰",
        "household": "rural",
    }
    exc = _structure_failure(data, Child)
    assert [str(p) for p in structure_problems(exc)] == [
        "$.division: must contain only the digits 0-9 (got a string of 3 characters)"
    ]


def test_a_name_or_id_number_used_as_a_key_is_not_echoed() -> None:
    """An unknown key that is a name or an ID number is described, not printed."""
    data = {
        "id": "C1",
        "name": "王五",
        "birth_date": "2010-01-01",
        "sex": "male",
        "division": "430124101201",
        "household": "rural",
        "张三丰": 1,
        "11010519491231002X": 2,
    }
    exc = _structure_failure(data, Child)
    assert [str(p) for p in structure_problems(exc)] == [
        "$.*: is not a field of Child (an unknown key: '110105********002X')",
        "$.*: is not a field of Child (an unknown key: a string of 3 characters)",
    ]


def test_an_id_number_used_as_a_child_id_is_masked(tmp_path: Path) -> None:
    """A registry that uses citizen ID numbers as child ids still never shows them whole:
    not in a rejection, not in the child's repr."""
    number = "11010519491231002X"
    good = {
        "record": "child",
        "id": number,
        "name": "王五",
        "birth_date": "2010-01-01",
        "sex": "male",
        "division": "430124101201",
        "household": "rural",
    }
    path = tmp_path / "r.jsonl"
    lines = [_REFERENCE[0], good, {**good, "sex": "robot"}, good]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines), encoding="utf-8")
    result = load_registry(path)
    assert [str(r) for r in result.rejections] == [
        "record 3 (line 3, child '110105********002X'): $.sex: must be one of male, female "
        "(got 'robot')",
        "record 4 (line 4, child '110105********002X'): $.id: is a duplicate child id "
        "(got '110105********002X')",
    ]
    assert number not in repr(result.registry.children[0])


# -- the reader: rejections and log lines ----------------------------------------------------

_REFERENCE = [
    {"record": "division", "code": "430124", "name": "宁乡市"},
    {
        "record": "worker",
        "id": "W1",
        "name": "赵敏",
        "role": "child_director",
        "division": "430124101201",
    },
]


def _child_record(child: Child, conv: cattrs.Converter) -> dict[str, Any]:
    return {"record": "child", **conv.unstructure(child)}


@st.composite
def _bad_files(draw: st.DrawFn) -> tuple[list[str], list[str], int]:
    """Lines of a JSON Lines registry with good and bad child records, every name and ID
    number the file holds, and how many records the reader must reject."""
    conv = make_converter()
    kids = draw(
        st.lists(
            strategies.children(
                division=Division("430124"),
                with_citizen_id=True,
                worker_ids=["W1"],
                service_point_ids=[],
                max_facts=1,
            ),
            min_size=3,
            max_size=6,
            unique_by=lambda c: c.id,
        )
    )
    secrets = ["赵敏"]
    faults = []
    lines = [json.dumps(r, ensure_ascii=False) for r in _REFERENCE]
    for kid in kids:
        secrets += _secrets_of(kid)
        record = _child_record(kid, conv)
        number = kid.citizen_id.reveal() if kid.citizen_id else ""
        fault = draw(st.sampled_from(["none", "id", "sex", "date", "worker", "json", "grade"]))
        faults.append(fault)
        if fault == "id":
            digit = "1" if number[3] != "1" else "2"
            record["citizen_id"] = number[:3] + digit + number[4:]
            secrets.append(record["citizen_id"])
        elif fault == "sex":
            record["sex"] = kid.name
        elif fault == "date":
            record["birth_date"] = kid.name
        elif fault == "worker":
            record["contacts"] = [{"date": "2020-01-01", "worker": "W9", "mode": "phone"}]
        elif fault == "grade":
            record["disability"] = {"kind": "visual", "grade": kid.name}
        text = json.dumps(record, ensure_ascii=False)
        if fault == "json":
            text = text[:-1]  # cut off the closing brace
        lines.append(text)
    # A child record refused as a duplicate of the first one, and one with no record kind.
    lines.append(json.dumps(_child_record(kids[0], conv), ensure_ascii=False))
    lines.append(json.dumps({"name": kids[1].name, "citizen_id": number}, ensure_ascii=False))
    # Each faulty record is rejected, the record with no kind too, and the duplicate unless
    # the first record was rejected (then the duplicate is the first accepted with its id).
    rejected = sum(f != "none" for f in faults) + 1 + (faults[0] == "none")
    return lines, secrets, rejected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=_bad_files())
def test_reader_never_logs_or_reports_names_or_ids(
    case: tuple[list[str], list[str], int],
    tmp_path_factory: pytest.TempPathFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """load_registry on a file with bad records: every bad record is rejected, one debug line
    each, and no log line, rejection str or rejection repr holds a name or full ID number."""
    lines, secrets, rejected = case
    path = tmp_path_factory.mktemp("privacy") / "registry.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="careprotect"):
        result = load_registry(path)
    children_read = len(lines) - len(_REFERENCE)
    assert len(result.registry.children) + len(result.rejections) == children_read
    assert len(result.rejections) == rejected
    rejected_lines = [r for r in caplog.records if r.getMessage().startswith("rejected ")]
    assert len(rejected_lines) == len(result.rejections)
    texts = [r.getMessage() for r in caplog.records] + [caplog.text]
    for rejection in result.rejections:
        texts += [str(rejection), repr(rejection)]
    for secret in secrets:
        assert len(secret) > 1
        for text in texts:
            assert secret not in text


def test_reader_example_file_rejections_are_masked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A fixed file: a wrong check character is reported with the number masked, a name in
    the sex field by its length; neither the names nor the numbers appear anywhere."""
    good = CitizenId.build("430124", dt.date(2010, 1, 1), 1).reveal()
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    records = [
        *_REFERENCE,
        {
            "record": "child",
            "id": "C1",
            "name": "钱多多",
            "birth_date": "2010-01-01",
            "sex": "male",
            "division": "430124101201",
            "household": "rural",
            "citizen_id": wrong,
        },
        {
            "record": "child",
            "id": "C2",
            "name": "孙悦",
            "birth_date": "2010-01-01",
            "sex": "孙悦",
            "division": "430124101201",
            "household": "rural",
        },
    ]
    path = tmp_path / "registry.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    with caplog.at_level(logging.DEBUG, logger="careprotect"):
        result = load_registry(path)
    assert [str(r) for r in result.rejections] == [
        "record 3 (line 3, child 'C1'): $.citizen_id: "
        f"has a wrong check character (got '430124********001{wrong[17]}')",
        "record 4 (line 4, child 'C2'): $.sex: "
        "must be one of male, female (got a string of 2 characters)",
    ]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3  # two rejections and the summary
    assert messages[0] == f"rejected {result.rejections[0]}"
    texts = [*messages, caplog.text, *(repr(r) for r in result.rejections)]
    for secret in ("钱多多", "孙悦", "赵敏", good, wrong, "20100101"):
        assert all(secret not in text for text in texts)
