"""Nothing identifying leaves careprotect by any channel (issue 16; DESIGN.md principle 10).

A name or a valid citizen ID number is put into a small registry, the sample's, wherever bad
input can put it: as the value of any field, with spaces around it, as a JSON number, in a
list, or as a key. Then every verb runs in every format, and the reprs of what the library
read, the exceptions its converter raises and its DEBUG log are collected too: none of them
may hold the name, the number or the number's first 15 digits.

Two kinds of field are exempt from names, and say so: a record's own id (``id``, a division's
``code``) and a reference to one (a contact's worker, an agreement's child) are the
registry's codes, shown as given unless they hold an ID number; and the name of a place (a
division, a service point) is shown as given, being no one's personal data.
With ``--reveal``, the subjects' own names and ids may show in findings, and only there.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import logging
import pkgutil
import random
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import careprotect
from careprotect import load_registry, make_converter
from careprotect.cli import main
from careprotect.model import Child, DivisionRecord, ServicePoint, Worker
from careprotect.testing import citizen_ids, names

SAMPLE = Path(__file__).parents[2] / "examples" / "sample-registry.jsonl"
CHILDREN = ("C-LX-001", "C-LX-002")
WORKERS = ("W-LX-S1", "W-LX-D1")
POINTS = ("H-LX-1",)
RECORD_TYPES = {
    "division": DivisionRecord,
    "worker": Worker,
    "service_point": ServicePoint,
    "child": Child,
}

LATIN_SURNAMES = ("Zhang", "Wang", "Ouyang", "Sima", "Zhao", "Huang")
LATIN_GIVEN = ("Wei", "Xiaoming", "Yuqing", "Jianguo", "Meili", "Zihan")


@functools.cache
def _base_lines() -> tuple[str, ...]:
    """The sample registry cut down to one county's divisions, two workers, a children's
    home and two children, as JSON Lines."""
    kept = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        kind, ident = record["record"], record.get("id", record.get("code"))
        if kind == "division":
            keep = ident in ("43", "4331", "433122", "433122100") or ident.startswith("4331221002")
        else:
            keep = ident in {"worker": WORKERS, "service_point": POINTS, "child": CHILDREN}[kind]
        if kind == "service_point" and keep:
            record["agreements"] = [a for a in record["agreements"] if a["child"] in CHILDREN]
        if keep:
            kept.append(json.dumps(record, ensure_ascii=False))
    return tuple(kept)


def _base() -> list[dict[str, Any]]:
    return [json.loads(line) for line in _base_lines()]


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) inside ``value``, itself first."""
    yield path, value
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, inner in items:
            yield from _places(inner, (*path, key))


def _kind(index: int) -> str:
    kind: str = _base()[index]["record"]
    return kind


def _each_once(pairs: Iterator[tuple[int, tuple[Any, ...]]]) -> list[tuple[int, tuple[Any, ...]]]:
    """The pairs (record index, path) with the first of each kind of record and path, a
    list's items counted as one: each field once, not each of 24 contacts' dates."""
    seen: dict[tuple[str, tuple[Any, ...]], tuple[int, tuple[Any, ...]]] = {}
    for index, path in pairs:
        shape = tuple(0 if isinstance(step, int) else step for step in path)
        seen.setdefault((_kind(index), shape), (index, path))
    return list(seen.values())


# Every field of every kind of record (its "record" kind aside), and every object a key can
# go in: a record, or an object in it.
FIELDS = _each_once(
    (index, path)
    for index, record in enumerate(_base())
    for path, _ in _places(record)
    if path and path != ("record",)
)
OBJECTS = _each_once(
    (index, path)
    for index, record in enumerate(_base())
    for path, value in _places(record)
    if isinstance(value, dict)
)


# A record's own id, and the names of places: shown as given (see the module's docstring).
NO_NAMES = {("id",), ("code",)}
# The ids of workers, service points and children: a field holding one in the sample is a
# reference to a record (a contact's worker, an agreement's child), a code as the record's
# own id is. (A division code is checked as a code, so a name there is rejected, masked.)
IDS = {record["id"] for record in _base() if "id" in record}


def _value_at(index: int, path: tuple[Any, ...]) -> Any:
    value: Any = _base()[index]
    for step in path:
        value = value[step]
    return value


def _takes_a_name(index: int, path: tuple[Any, ...]) -> bool:
    value = _value_at(index, path)
    if path in NO_NAMES or (isinstance(value, str) and value in IDS):
        return False
    return not (path == ("name",) and _kind(index) in ("division", "service_point"))


def latin_names() -> st.SearchStrategy[str]:
    """Names written in Latin letters, as pinyin: a surname and a given name."""
    return st.builds("{} {}".format, st.sampled_from(LATIN_SURNAMES), st.sampled_from(LATIN_GIVEN))


class Injection(NamedTuple):
    """Where a secret went and in what form, and the texts that must never show."""

    record: int
    path: tuple[Any, ...]
    form: str
    value: Any
    secrets: tuple[str, ...]

    @property
    def own(self) -> bool:
        """Whether it went into a subject's own id or name, which ``--reveal`` shows."""
        return self.form in ("value", "spaced") and self.path in (("id",), ("name",))


@st.composite
def id_numbers(draw: st.DrawFn) -> Injection:
    """A citizen ID number, and where it goes and in what form. The choices of place and
    form are uniform (Hypothesis would favour the first of a list)."""
    choose = random.Random(draw(st.integers(0, 2**64))).choice
    number = draw(citizen_ids()).reveal()
    form = choose(["value", "spaced", "number", "list", "key"])
    value: Any = {
        "value": number,
        "spaced": f" {number} ",
        "number": int(number[:17]),  # the digits of an X-ending number, as a number
        "list": [number],
        "key": number,
    }[form]
    index, path = choose(OBJECTS if form == "key" else FIELDS)
    return Injection(index, path, form, value, (number, number[:15]))


@st.composite
def personal_names(draw: st.DrawFn) -> Injection:
    """A name, Chinese or Latin, and where it goes and in what form (uniform choices)."""
    choose = random.Random(draw(st.integers(0, 2**64))).choice
    name = draw(st.one_of(names(), latin_names()))
    form = choose(["value", "spaced", "list", "key"])
    value = {"value": name, "spaced": f" {name} ", "list": [name], "key": name}[form]
    if form == "key":
        index, path = choose(OBJECTS)
    else:
        index, path = choose([p for p in FIELDS if _takes_a_name(*p)])
    return Injection(index, path, form, value, (name,))


def _registry(injection: Injection) -> list[dict[str, Any]]:
    records = _base()
    target: Any = records[injection.record]
    if injection.form == "key":
        for step in injection.path:
            target = target[step]
        target[injection.value] = 1
        return records
    *parents, last = injection.path
    for step in parents:
        target = target[step]
    target[last] = copy.deepcopy(injection.value)
    return records


VERBS = [
    ["audit", "--as-of", "2024-06-30", "--jobs", "1"],
    ["entitlements", "--period", "2024-06"],
    ["plan", "--month", "2024-06"],
]


def _run(args: list[str], capsys: pytest.CaptureFixture[str], output: Path | None) -> str:
    """Everything a command writes: stdout, stderr and its output file."""
    if output is not None:
        output.unlink(missing_ok=True)
        args = [*args, "-o", str(output)]
    status = main(args)
    captured = capsys.readouterr()
    assert status in (0, 1), captured.err  # judged (1: something found), never failed
    written = output.read_text(encoding="utf-8") if output is not None else ""
    return captured.out + captured.err + written


def _exception_texts(exc: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(exc))]
    seen: list[BaseException] = [exc]
    while seen:
        e = seen.pop()
        texts += [str(e), repr(e), *map(str, getattr(e, "__notes__", []))]
        if isinstance(e, BaseExceptionGroup):
            seen.extend(e.exceptions)
    return texts


def _converter_texts(records: list[dict[str, Any]]) -> list[str]:
    """The texts of the exceptions the converter raises for each record, and the problems
    it gives for them."""
    converter = make_converter()
    texts = []
    for record in records:
        data = {k: v for k, v in record.items() if k != "record"}
        try:
            converter.structure(data, RECORD_TYPES[record["record"]])
        except Exception as exc:
            texts += _exception_texts(exc)
            texts += [repr(p) for p in careprotect.structure_problems(exc)]
    return texts


def _assert_hidden(secrets: tuple[str, ...], texts: list[str], what: str) -> None:
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"{secret!r} shown in {what}: {text[:2000]}"


@functools.cache
def _shown_anyway() -> str:
    """What the verbs show for the registry as it is, names revealed: a secret drawn that
    appears there already (a name that is also a word of a message) proves nothing."""
    return "\n".join(_base_lines())


# No deadline: a first run builds converters and loads plugins. The fixtures are shared by
# the examples on purpose: each example removes its files and reads its own output.
_EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("secrets", [id_numbers(), personal_names()], ids=["id_number", "name"])
@_EXAMPLES
@given(data=st.data())
def test_no_channel_shows_a_name_or_an_id_number(
    secrets: st.SearchStrategy[Injection],
    data: st.DataObject,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A citizen ID number (nor its first 15 digits), or a name, put anywhere in a registry
    in any form never shows: not in any verb's output in any format, on stderr, in the DEBUG
    log, in a repr or in an exception; with --reveal only as a subject's own id or name, and
    never in the rejected records. (A name is not put in a record's own id nor in a place's
    name: see the module's docstring.)"""
    injection = data.draw(secrets, label="injection")
    assume(not any(secret in _shown_anyway() for secret in injection.secrets))
    records = _registry(injection)
    registry = tmp_path / "registry.jsonl"
    registry.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    output = tmp_path / "report"
    caplog.clear()
    texts = []
    with caplog.at_level(logging.DEBUG, logger="careprotect"):
        for verb, *options in VERBS:
            for fmt in ("table", "json", "csv"):
                texts.append(_run([verb, str(registry), *options, "--format", fmt], capsys, output))
        texts.append(_run(["--debug", "validate", str(registry)], capsys, None))
        result = load_registry(registry)
        texts += [repr(result), *map(str, result.rejections), *map(repr, result.rejections)]
        texts += [repr(c) for c in result.registry.children]
    texts += [r.getMessage() for r in caplog.records] + [caplog.text]
    texts += _converter_texts(records)
    _assert_hidden(injection.secrets, texts, f"{injection[:3]}")

    # --reveal: the subjects' own names and ids, and nothing else; rejections stay masked.
    revealed = _run(
        ["audit", str(registry), *VERBS[0][1:], "--format", "json", "--reveal"], capsys, output
    )
    report = json.loads(revealed[revealed.index("{") :])
    shown = [json.dumps(report["rejected"], ensure_ascii=False)]
    if not injection.own:
        shown.append(revealed)
    _assert_hidden(injection.secrets, shown, f"{injection[:3]} with --reveal")


NUMBER = "43312220130506015X"  # CitizenId.build("433122", date(2013, 5, 6), 15)
MASKED = "'433122********015X'"


def _child(records: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in records if r.get("id") == CHILDREN[0])


def _as_number(records: list[dict[str, Any]]) -> None:
    _child(records)["sex"] = int(NUMBER[:17])


def _spaced(records: list[dict[str, Any]]) -> None:
    _child(records)["guardianships"][0]["relation"] = f" {NUMBER}"


def _unknown_worker(records: list[dict[str, Any]]) -> None:
    _child(records)["contacts"][0]["worker"] = NUMBER


def _unknown_institution(records: list[dict[str, Any]]) -> None:
    residence = {"kind": "institution", "start": "2024-01-01", "institution": NUMBER}
    _child(records)["residences"].append(residence)


def _duplicate_worker(records: list[dict[str, Any]]) -> None:
    first = next(i for i, r in enumerate(records) if r["record"] == "worker")
    records[first]["id"] = NUMBER
    records.insert(first + 1, copy.deepcopy(records[first]))


def _name_key(records: list[dict[str, Any]]) -> None:
    _child(records)["张三丰"] = 1


def _id_key(records: list[dict[str, Any]]) -> None:
    _child(records)["guardianships"][0][f" {NUMBER}"] = 1


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (_as_number, "$.sex: must be one of male, female (got int 43312**********15)"),
        (
            _spaced,
            "$.guardianships[0].relation: must be one of father, mother, step_parent, "
            "grandparent, sibling, other_relative, non_relative, institution "
            "(got a string of 19 characters)",
        ),
        (
            _unknown_worker,
            f"$.contacts[0].worker: refers to no worker of the registry (got {MASKED})",
        ),
        (
            _unknown_institution,
            "$.residences[1].institution: refers to no service point of the "
            f"registry (got {MASKED})",
        ),
        (_duplicate_worker, f"$.id: is a duplicate worker id (got {MASKED})"),
        (_name_key, "$.*: is not a field of Child (an unknown key: a string of 3 characters)"),
        (
            _id_key,
            "$.guardianships[0].*: is not a field of Guardianship "
            "(an unknown key: ' 433122********015X')",
        ),
    ],
)
def test_the_issue_examples_are_masked(
    fault: Any, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The leaks issue 16 lists: an ID number given as a JSON number, with a space before it,
    as an unknown worker or institution, as a duplicate worker id, and a name or an ID
    number used as a key; validate shows each problem with the number masked."""
    records = _base()
    fault(records)
    registry = tmp_path / "registry.jsonl"
    registry.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    assert main(["validate", str(registry), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert problem in out.splitlines()[1]
    assert NUMBER[:15] not in out


def test_a_worker_whose_id_is_an_id_number_is_masked_unless_revealed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker whose id is an ID number: every finding about the worker shows the id
    masked, in every format; with --reveal, in full."""
    records = _base()
    for record in records:
        if record.get("id") == WORKERS[0]:
            record["id"] = NUMBER
    registry = tmp_path / "registry.jsonl"
    registry.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    args = ["audit", str(registry), "--as-of", "2024-06-30", "--jobs", "1", "--format", "json"]
    for reveal, shown in ((False, MASKED.strip("'")), (True, NUMBER)):
        main([*args, "--reveal"] if reveal else args)
        out = capsys.readouterr().out
        findings = json.loads(out)["findings"]
        about = [
            f for f in findings if f["subject"]["kind"] == "worker" and "015X" in f["subject"]["id"]
        ]
        assert about
        assert {f["subject"]["id"] for f in about} == {shown}
        assert (NUMBER[:15] in out) is reveal


def _library_loggers() -> list[str]:
    """The names of every logger of careprotect's modules, all of them imported."""
    for module in pkgutil.walk_packages(careprotect.__path__, "careprotect."):
        if not module.name.endswith("__main__"):  # runs a command line
            importlib.import_module(module.name)
    return sorted(
        name
        for name, logger in logging.root.manager.loggerDict.items()
        if name.startswith("careprotect.") and isinstance(logger, logging.Logger)
    )


def test_every_library_logger_masks_id_numbers(caplog: pytest.LogCaptureFixture) -> None:
    """A record logged on any logger of careprotect shows an ID number masked, in its
    message and in the traceback of its exception, whatever handler or format shows it."""
    loggers = _library_loggers()
    assert "careprotect.io" in loggers
    for name in loggers:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=name):
            try:
                raise ValueError(f"bad {NUMBER}")
            except ValueError:
                logging.getLogger(name).exception("child %s", NUMBER)
        assert [r.getMessage() for r in caplog.records] == [f"child {MASKED.strip(chr(39))}"]
        assert NUMBER[:15] not in caplog.text
        assert "ValueError: bad 433122********015X" in caplog.text


@pytest.mark.parametrize(
    "error",
    [
        careprotect.CareProtectError(f"no such child {NUMBER}"),
        careprotect.RegistryReadError(f"registry file cannot be read: /data/{NUMBER}.jsonl"),
        careprotect.InvalidValueError(f"must be 12 digits (got {NUMBER})", field="division"),
        careprotect.ParameterError(f"no value for {NUMBER}"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_mask_id_numbers_whatever_built_their_message(error: Exception) -> None:
    """Every careprotect error shows an ID number in its message masked: in str, repr and a
    printed traceback, and in the problem of an InvalidValueError."""
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    texts += [getattr(error, "problem", "")]
    assert all(NUMBER[:15] not in text for text in texts)
    assert "433122********015X" in str(error)


def test_a_classification_masks_a_child_id_that_is_an_id_number() -> None:
    """Engine.classify's result shows a child's id masked in its repr when it could be an ID
    number, and keeps the id as given in the attribute (what the caller asked about)."""
    import datetime as dt

    import attrs

    child = load_registry(SAMPLE).registry.children[0]
    number = "433122201204180021"
    result = careprotect.Engine().classify(attrs.evolve(child, id=number), dt.date(2024, 1, 1))
    assert result.child == number
    assert number not in repr(result)
    assert "433122********0021" in repr(result)
