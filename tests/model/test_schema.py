"""The JSON Schemas in docs/schema/ describe the model and the reader exactly.

The schemas are written by hand. These tests fail when they drift from the model: a field added,
removed or made optional, a changed type, an enum value added or renamed, a new record kind.
They also check the schemas against real data (the sample registry, what ``write_registry`` and
``make_converter().unstructure`` produce) and that records the reader refuses are refused by the
schemas too. Every ``$ref`` is resolved from the files themselves: nothing is fetched.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import re
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from cattrs.errors import BaseValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from careprotect import (
    PROVINCE_CODES,
    Agreement,
    AgreementKind,
    Child,
    CitizenId,
    Contact,
    ContactMode,
    Disability,
    DisabilityKind,
    Disqualification,
    DisqualificationKind,
    Division,
    DivisionRecord,
    Enrolment,
    EntrustmentNotice,
    Facility,
    Guardianship,
    Hardship,
    HardshipKind,
    HouseholdType,
    InvalidValueError,
    ModelDesignation,
    NoticeRecipient,
    OrganiserLevel,
    Pairing,
    Parent,
    ParentContact,
    ParentSituation,
    ParentSituationKind,
    Post,
    RecordKind,
    ReferenceData,
    Referral,
    ReferralTarget,
    Relation,
    Report,
    ReportConcern,
    Residence,
    ResidenceKind,
    ServiceAgreement,
    ServicePoint,
    ServicePointKind,
    Sex,
    Topic,
    Training,
    Worker,
    WorkerRole,
    enums,
    load_registry,
    make_converter,
    write_registry,
)
from careprotect.io import dumps
from careprotect.testing import citizen_ids, division_codes

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "docs" / "schema"
RECORD_FILE = "registry-record.schema.json"
DOCUMENT_FILE = "registry-document.schema.json"
SAMPLE = ROOT / "tests" / "data" / "small-registry.jsonl"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


RECORD_SCHEMA = _load(RECORD_FILE)
DOCUMENT_SCHEMA = _load(DOCUMENT_FILE)
DEFS: dict[str, Any] = RECORD_SCHEMA["$defs"]

# The document schema refers to the record schema by its file name, relative to its own
# location; registering the files under their names resolves every $ref offline.
REGISTRY: Registry[Any] = Registry().with_resources(
    (name, Resource.from_contents(schema, default_specification=DRAFT202012))
    for name, schema in ((RECORD_FILE, RECORD_SCHEMA), (DOCUMENT_FILE, DOCUMENT_SCHEMA))
)
# The "date" format is asserted, as the reader refuses dates that do not exist (2019-02-30).
FORMATS = Draft202012Validator.FORMAT_CHECKER
RECORD_VALIDATOR = Draft202012Validator(RECORD_SCHEMA, registry=REGISTRY, format_checker=FORMATS)
DOCUMENT_VALIDATOR = Draft202012Validator(
    DOCUMENT_SCHEMA, registry=REGISTRY, format_checker=FORMATS
)

RECORD_CLASSES: dict[RecordKind, type] = {
    RecordKind.DIVISION: DivisionRecord,
    RecordKind.WORKER: Worker,
    RecordKind.SERVICE_POINT: ServicePoint,
    RecordKind.CHILD: Child,
}
SECTIONS: dict[RecordKind, str] = {
    RecordKind.DIVISION: "divisions",
    RecordKind.WORKER: "workers",
    RecordKind.SERVICE_POINT: "service_points",
    RecordKind.CHILD: "children",
}
# Defs for value types that are not records: the model type each stands for.
VALUE_DEFS: dict[type, str] = {dt.date: "date", Division: "division_code", CitizenId: "citizen_id"}
SCALARS: dict[type, str] = {str: "string", bool: "boolean", int: "integer", Decimal: "number"}


def _model_classes() -> list[type]:
    """Every attrs class a registry record is made of, found by walking the type hints."""
    found: list[type] = []

    def visit(hint: Any) -> None:
        for arg in typing.get_args(hint):
            visit(arg)
        if isinstance(hint, type) and attrs.has(hint) and hint not in VALUE_DEFS:
            if hint in found:
                return
            found.append(hint)
            for field_hint in typing.get_type_hints(hint).values():
                visit(field_hint)

    for cls in RECORD_CLASSES.values():
        visit(cls)
    return found


MODEL_CLASSES = _model_classes()

# -- comparing types: a field's "shape" from its type hint and from its schema -------------

Shape = tuple[Any, ...]


def _hint_shape(hint: Any) -> Shape:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        others = [a for a in args if a is not type(None)]
        assert len(others) == 1 == len(args) - 1, f"unsupported union {hint!r}"
        return ("nullable", _hint_shape(others[0]))
    if origin in (tuple, frozenset):
        return ("array", _hint_shape(args[0]))
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        return ("enum", hint.__name__, tuple(m.value for m in hint))
    if hint in VALUE_DEFS:
        return ("ref", VALUE_DEFS[hint])
    if hint in SCALARS:
        return (SCALARS[hint],)
    if isinstance(hint, type) and attrs.has(hint):
        return ("object", hint.__name__)
    raise AssertionError(f"no schema shape for {hint!r}")


def _schema_shape(schema: dict[str, Any]) -> Shape:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        target = DEFS[name]
        if "enum" in target:
            return ("enum", name, tuple(target["enum"]))
        if target.get("type") == "object":
            return ("object", name)
        return ("ref", name)
    if "anyOf" in schema:
        branches = schema["anyOf"]
        others = [b for b in branches if b != {"type": "null"}]
        assert len(others) == 1 == len(branches) - 1, f"unsupported anyOf {branches!r}"
        return ("nullable", _schema_shape(others[0]))
    if schema.get("type") == "array":
        return ("array", _schema_shape(schema["items"]))
    return (schema["type"],)


def _enum_in(hint: Any) -> type[enum.StrEnum] | None:
    """The StrEnum a field holds directly, as an Optional, or in a tuple or frozenset."""
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        return hint
    for arg in typing.get_args(hint):
        found = _enum_in(arg)
        if found is not None:
            return found
    return None


def _enum_values_in(schema: dict[str, Any]) -> list[str] | None:
    if "$ref" in schema:
        return _enum_values_in(DEFS[schema["$ref"].removeprefix("#/$defs/")])
    if "enum" in schema:
        return list(schema["enum"])
    for branch in schema.get("anyOf", []):
        found = _enum_values_in(branch)
        if found is not None:
            return found
    if "items" in schema:
        return _enum_values_in(schema["items"])
    return None


def _properties(cls: type) -> dict[str, Any]:
    """The def's properties, without the JSON Lines ``record`` key of the record kinds."""
    properties: dict[str, Any] = dict(DEFS[cls.__name__]["properties"])
    if cls in RECORD_CLASSES.values():
        properties.pop("record")
    return properties


# -- the schema matches the model ---------------------------------------------------------


def test_the_schemas_are_valid_draft_2020_12() -> None:
    """Both files are valid JSON Schemas of draft 2020-12 and say so."""
    for schema in (RECORD_SCHEMA, DOCUMENT_SCHEMA):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


def test_every_model_class_has_a_def_and_no_def_is_stale() -> None:
    """The object defs are exactly the model classes a record is made of, each closed."""
    object_defs = {name for name, d in DEFS.items() if d.get("type") == "object"}
    assert object_defs == {cls.__name__ for cls in MODEL_CLASSES}
    for name in object_defs:
        assert DEFS[name]["additionalProperties"] is False, name


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_def_has_the_fields_of_the_class(cls: type) -> None:
    """Same property names as the attrs fields, same required set (the fields without a
    default), and the same type for every field."""
    definition = DEFS[cls.__name__]
    fields = attrs.fields(cls)
    hints = typing.get_type_hints(cls)
    properties = _properties(cls)
    assert list(properties) == [f.name for f in fields]
    assert sorted(definition["required"]) == sorted(
        f.name for f in fields if f.default is attrs.NOTHING
    )
    for f in fields:
        assert _schema_shape(properties[f.name]) == _hint_shape(hints[f.name]), f.name


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_enum_fields_allow_exactly_the_enum_values(cls: type) -> None:
    """A field typed with a StrEnum (directly, Optional, or in a tuple or frozenset) allows
    exactly the enum's values, in the enum's order."""
    hints = typing.get_type_hints(cls)
    properties = _properties(cls)
    for name, hint in hints.items():
        vocabulary = _enum_in(hint)
        values = _enum_values_in(properties[name])
        if vocabulary is None:
            assert values is None, name
        else:
            assert values == [m.value for m in vocabulary], name


def test_every_vocabulary_is_a_def_with_its_values() -> None:
    """Each StrEnum of careprotect.enums is a def of the same name with the same values."""
    for name in enums.__all__:
        vocabulary = getattr(enums, name)
        assert DEFS[name]["enum"] == [m.value for m in vocabulary], name


def test_record_kinds_are_the_reader_s() -> None:
    """The ``record`` values are RecordKind's, each selecting the def of its model class,
    and the document layout has one section per kind with the same def."""
    kinds = [k.value for k in RecordKind]
    assert RECORD_SCHEMA["properties"]["record"]["enum"] == kinds
    assert RECORD_SCHEMA["required"] == ["record"]
    branches = [branch["$ref"].removeprefix("#/$defs/") for branch in RECORD_SCHEMA["oneOf"]]
    assert branches == [RECORD_CLASSES[k].__name__ for k in RecordKind]
    for kind, cls in RECORD_CLASSES.items():
        assert DEFS[cls.__name__]["properties"]["record"]["const"] == kind.value
        section = DOCUMENT_SCHEMA["properties"][SECTIONS[kind]]
        assert section["items"]["$ref"] == f"{RECORD_FILE}#/$defs/{cls.__name__}"
    assert set(DOCUMENT_SCHEMA["properties"]) == {"format", *SECTIONS.values()}


def test_division_code_pattern_knows_the_provinces() -> None:
    """The two-digit codes the pattern accepts are exactly GB/T 2260's province codes."""
    pattern = re.compile(DEFS["division_code"]["pattern"])
    accepted = {f"{n:02d}" for n in range(100) if pattern.search(f"{n:02d}")}
    assert accepted == set(PROVINCE_CODES)


@given(code=division_codes())
def test_division_code_pattern_accepts_every_valid_code(code: str) -> None:
    """Every code the Division class accepts, in any of its forms, matches the pattern."""
    assert re.search(DEFS["division_code"]["pattern"], code)


@given(citizen_id=citizen_ids())
def test_citizen_id_pattern_accepts_every_valid_number(citizen_id: CitizenId) -> None:
    """Every valid number matches, and so does its lower-case ``x`` form."""
    pattern = DEFS["citizen_id"]["pattern"]
    assert re.search(pattern, citizen_id.reveal())
    assert re.search(pattern, citizen_id.reveal().lower())


# -- real data validates --------------------------------------------------------------------


def _errors(validator: Any, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def _as_json(data: Any) -> Any:
    """``data`` through JSON and back, as a file would carry it."""
    return json.loads(dumps(data))


def _line(kind: RecordKind, item: Any) -> Any:
    return _as_json({"record": kind.value, **make_converter().unstructure(item)})


SAMPLE_LINES = SAMPLE.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    "line", SAMPLE_LINES, ids=[f"line {n}" for n in range(1, len(SAMPLE_LINES) + 1)]
)
def test_sample_registry_lines_validate(line: str) -> None:
    """Every line of tests/data/small-registry.jsonl is a valid record."""
    assert _errors(RECORD_VALIDATOR, json.loads(line)) == []


@pytest.mark.parametrize("layout", ["lines", "document"])
def test_what_write_registry_writes_validates(
    tmp_path: Path, layout: typing.Literal["lines", "document"]
) -> None:
    """The sample registry written back in either layout validates against its schema."""
    registry = load_registry(SAMPLE).registry
    path = tmp_path / f"registry.{'jsonl' if layout == 'lines' else 'json'}"
    write_registry(path, registry.reference, registry.children, layout=layout)
    text = path.read_text(encoding="utf-8")
    if layout == "lines":
        for line in text.splitlines():
            assert _errors(RECORD_VALIDATOR, json.loads(line)) == []
    else:
        assert _errors(DOCUMENT_VALIDATOR, json.loads(text)) == []


def _full_objects() -> dict[RecordKind, Any]:
    """One object of each record kind with every field set to a value other than its
    default, so that unstructuring writes every property of every def."""
    born = dt.date(2012, 4, 18)
    return {
        RecordKind.DIVISION: DivisionRecord(code=Division("441900003000"), name="某镇"),
        RecordKind.WORKER: Worker(
            id="W-1",
            name="田秀英",
            role=WorkerRole.CHILD_DIRECTOR,
            division=Division("433122100201"),
            sex=Sex.FEMALE,
            posts=frozenset({Post.WOMENS_FEDERATION_CHAIR, Post.VILLAGE_COMMITTEE_MEMBER}),
            appointed_on=dt.date(2019, 9, 1),
            left_on=dt.date(2024, 1, 1),
            trainings=(
                Training(
                    date=dt.date(2019, 8, 20),
                    organiser_level=OrganiserLevel.COUNTY,
                    days=3,
                    passed=True,
                ),
            ),
        ),
        RecordKind.SERVICE_POINT: ServicePoint(
            id="H-1",
            kind=ServicePointKind.CHILDRENS_HOME,
            name="青山村儿童之家",
            division=Division("433122100201"),
            in_school=True,
            floor_area_m2=Decimal("60.5"),
            outdoor_area_m2=Decimal("120"),
            facilities=frozenset(Facility),
            model_designations=(ModelDesignation(level=OrganiserLevel.PROVINCE, year=2020),),
            opened_on=dt.date(2019, 10, 1),
            closed_on=dt.date(2025, 1, 1),
            director="W-1",
            agreements=(
                ServiceAgreement(
                    child="C-1", signed_on=dt.date(2019, 10, 15), end=dt.date(2021, 1, 1)
                ),
            ),
        ),
        RecordKind.CHILD: Child(
            id="C-1",
            name="田小雨",
            birth_date=born,
            sex=Sex.FEMALE,
            division=Division("433122100201"),
            household=HouseholdType.RURAL,
            citizen_id=CitizenId.build("433122", born, 22),
            disability=Disability(DisabilityKind.HEARING, 2, certified_on=dt.date(2017, 5, 1)),
            parent_situations=(
                ParentSituation(
                    parent=Parent.FATHER,
                    kind=ParentSituationKind.WORKING_AWAY,
                    start=dt.date(2018, 2, 20),
                    end=dt.date(2020, 6, 1),
                ),
                ParentSituation(
                    parent=Parent.FATHER,
                    kind=ParentSituationKind.IMPRISONED,
                    start=dt.date(2020, 6, 1),
                    term_months=24,
                ),
                ParentSituation(
                    parent=Parent.MOTHER,
                    kind=ParentSituationKind.SEVERELY_DISABLED,
                    start=dt.date(2019, 1, 1),
                    disability=Disability(DisabilityKind.MENTAL, 3),
                ),
            ),
            guardianships=(
                Guardianship(
                    guardian="田大山",
                    relation=Relation.GRANDPARENT,
                    start=dt.date(2018, 2, 20),
                    end=dt.date(2020, 6, 1),
                    entrusted=True,
                    confirmation_signed_on=dt.date(2018, 3, 1),
                    disqualifications=(
                        Disqualification(
                            kind=DisqualificationKind.GAMBLING,
                            start=dt.date(2019, 1, 1),
                            end=dt.date(2020, 1, 1),
                        ),
                    ),
                ),
            ),
            residences=(
                Residence(
                    kind=ResidenceKind.INSTITUTION,
                    start=dt.date(2020, 6, 1),
                    end=dt.date(2021, 6, 1),
                    institution="H-1",
                ),
            ),
            hardships=(
                Hardship(
                    kind=HardshipKind.MEDICAL, start=dt.date(2017, 5, 1), end=dt.date(2020, 1, 1)
                ),
            ),
            enrolments=(
                Enrolment(
                    programme="xianning-1+N", start=dt.date(2024, 1, 1), end=dt.date(2024, 7, 1)
                ),
            ),
            pairings=(
                Pairing(
                    worker="W-1",
                    scheme="xianning-1+1",
                    start=dt.date(2023, 12, 29),
                    end=dt.date(2024, 12, 29),
                ),
            ),
            contacts=(
                Contact(
                    date=dt.date(2020, 6, 3),
                    worker="W-1",
                    mode=ContactMode.HOME_VISIT,
                    topics=frozenset({Topic.STUDY, Topic.MENTAL_HEALTH}),
                ),
            ),
            agreements=(
                Agreement(
                    kind=AgreementKind.SERVICE_AGREEMENT,
                    signed_on=dt.date(2019, 10, 15),
                    service_point="H-1",
                    end=dt.date(2021, 1, 1),
                ),
            ),
            reports=(
                Report(
                    date=dt.date(2020, 7, 1),
                    concern=ReportConcern.LIVING_ALONE,
                    to=ReferralTarget.POLICE,
                    worker="W-1",
                ),
            ),
            referrals=(
                Referral(
                    date=dt.date(2020, 7, 2),
                    target=ReferralTarget.SOCIAL_WORK_STATION,
                    worker="W-1",
                    reason="心理辅导",
                ),
            ),
            parent_contacts=(ParentContact(date=dt.date(2018, 3, 4), parent=Parent.MOTHER),),
            entrustment_notices=(
                EntrustmentNotice(date=dt.date(2018, 3, 1), recipient=NoticeRecipient.SCHOOL),
            ),
        ),
    }


@pytest.mark.parametrize("kind", list(RecordKind), ids=str)
def test_hand_built_objects_with_every_field_validate(kind: RecordKind) -> None:
    """A model object with every field set unstructures to a valid record, and that record
    has every property of its def (so every property's schema was exercised)."""
    data = _line(kind, _full_objects()[kind])
    assert _errors(RECORD_VALIDATOR, data) == []
    assert set(data) == set(DEFS[RECORD_CLASSES[kind].__name__]["properties"])


def test_hand_built_objects_exercise_every_def() -> None:
    """Between them, the hand-built objects write every property of every object def."""
    seen: dict[str, set[str]] = {}

    def collect(obj: Any) -> None:
        if attrs.has(type(obj)) and type(obj) not in VALUE_DEFS:
            data = make_converter().unstructure(obj)
            seen.setdefault(type(obj).__name__, set()).update(data)
            for f in attrs.fields(type(obj)):
                value = getattr(obj, f.name)
                for item in value if isinstance(value, tuple | frozenset) else (value,):
                    collect(item)

    for obj in _full_objects().values():
        collect(obj)
    assert {name: sorted(keys) for name, keys in seen.items()} == {
        cls.__name__: sorted(_properties(cls)) for cls in MODEL_CLASSES
    }


@pytest.mark.parametrize("kind", list(RecordKind), ids=str)
def test_hand_built_objects_with_only_required_fields_validate(kind: RecordKind) -> None:
    """A model object with only its required fields unstructures to a valid record."""
    minimal: dict[RecordKind, Any] = {
        RecordKind.DIVISION: DivisionRecord(code=Division("43"), name="湖南省"),
        RecordKind.WORKER: Worker(
            id="W-2", name="吴建华", role=WorkerRole.PARTY_MEMBER, division=Division("4212")
        ),
        RecordKind.SERVICE_POINT: ServicePoint(
            id="WI-1",
            kind=ServicePointKind.WELFARE_INSTITUTION,
            name="咸宁市社会福利中心",
            division=Division("4212"),
        ),
        RecordKind.CHILD: Child(
            id="C-2",
            name="吴小乐",
            birth_date=dt.date(2013, 5, 20),
            sex=Sex.MALE,
            division=Division("421281101201"),
            household=HouseholdType.URBAN,
        ),
    }
    data = _line(kind, minimal[kind])
    assert _errors(RECORD_VALIDATOR, data) == []
    assert set(data) == {"record", *DEFS[RECORD_CLASSES[kind].__name__]["required"]}


def test_a_document_of_hand_built_objects_validates() -> None:
    """The document layout of the hand-built objects validates against the document schema."""
    objects = _full_objects()
    converter = make_converter()
    document = {
        "format": "careprotect registry",
        **{SECTIONS[k]: [converter.unstructure(objects[k])] for k in RecordKind},
    }
    assert _errors(DOCUMENT_VALIDATOR, _as_json(document)) == []


def _strategies() -> dict[RecordKind, st.SearchStrategy[Any]]:
    from careprotect.testing.strategies import children, division_records, service_points, workers

    return {
        RecordKind.DIVISION: division_records(),
        RecordKind.WORKER: workers(),
        RecordKind.SERVICE_POINT: service_points(),
        RecordKind.CHILD: children(),
    }


@pytest.mark.parametrize("kind", list(RecordKind), ids=str)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_objects_validate(kind: RecordKind, data: st.DataObject) -> None:
    """Whatever the model-class strategies of careprotect.testing generate unstructures to a
    record the schema accepts, in both layouts."""
    item = data.draw(_strategies()[kind], label=kind.value)
    line = _line(kind, item)
    assert _errors(RECORD_VALIDATOR, line) == []
    del line["record"]
    assert _errors(DOCUMENT_VALIDATOR, {SECTIONS[kind]: [line]}) == []


# -- what the reader refuses, the schema refuses (and what it accepts, the schema accepts) ---


def _sample(record_id: str) -> dict[str, Any]:
    """The sample registry's line for the record with this id (or division code)."""
    for line in SAMPLE_LINES:
        record: dict[str, Any] = json.loads(line)
        if record_id in (record.get("id"), record.get("code")):
            return record
    raise LookupError(record_id)


CHILD_LINE = _sample("C-LX-001")
WORKER_LINE = _sample("W-LX-D1")
POINT_LINE = _sample("H-LX-1")
DIVISION_LINE = _sample("43")


def _edit(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    record = copy.deepcopy(base)
    change(record)
    return record


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change setting the value at ``path`` (``contacts.0.mode``)."""

    def change(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = record
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    """A change removing ``key``."""

    def change(record: dict[str, Any]) -> None:
        del record[key]

    return change


INVALID: dict[str, dict[str, Any]] = {
    "unknown field": _edit(CHILD_LINE, _set("nickname", "小雨")),
    "unknown field in a sub-record": _edit(CHILD_LINE, _set("contacts.0.minutes", 20)),
    "bad enum": _edit(CHILD_LINE, _set("sex", "girl")),
    "bad enum in a sub-record": _edit(CHILD_LINE, _set("contacts.0.mode", "fax")),
    "bad enum in a set": _edit(CHILD_LINE, _set("contacts.0.topics", ["study", "gossip"])),
    "bad date format": _edit(CHILD_LINE, _set("birth_date", "2012/04/18")),
    "day-first date": _edit(CHILD_LINE, _set("birth_date", "18-04-2012")),
    "date that does not exist": _edit(CHILD_LINE, _set("contacts.0.date", "2020-02-30")),
    "date as a number": _edit(CHILD_LINE, _set("birth_date", 20120418)),
    "missing required field": _edit(CHILD_LINE, _drop("household")),
    "empty name": _edit(CHILD_LINE, _set("name", " ")),
    "child division not a village": _edit(CHILD_LINE, _set("division", "433122100")),
    "division code of 5 digits": _edit(CHILD_LINE, _set("division", "43312")),
    "unknown province": _edit(DIVISION_LINE, _set("code", "99")),
    "citizen ID of 17 characters": _edit(CHILD_LINE, _set("citizen_id", "43312220120418022")),
    "institution residence without institution": _edit(
        CHILD_LINE, _set("residences.0.kind", "institution")
    ),
    "family residence with institution": _edit(
        CHILD_LINE, _set("residences.0.institution", "H-LX-1")
    ),
    "bool as a string": _edit(CHILD_LINE, _set("guardianships.0.entrusted", "yes")),
    "number as a string": _edit(WORKER_LINE, _set("trainings.0.days", "2")),
    "zero training days": _edit(WORKER_LINE, _set("trainings.0.days", 0)),
    "set as a string": _edit(WORKER_LINE, _set("posts", "livelihood_assistant")),
    "negative area": _edit(POINT_LINE, _set("floor_area_m2", -1)),
    "model year before 1949": _edit(POINT_LINE, _set("model_designations.0.year", 1900)),
    "disability grade 5": _edit(
        CHILD_LINE, _set("disability", {"kind": "hearing", "grade": 5, "certified_on": None})
    ),
}


def _structure(record: dict[str, Any]) -> Any:
    data = dict(record)
    kind = RecordKind(data.pop("record"))
    return make_converter().structure(data, RECORD_CLASSES[kind])


@pytest.mark.parametrize("record", INVALID.values(), ids=INVALID)
def test_records_the_reader_refuses_are_refused(record: dict[str, Any]) -> None:
    """Each hand-written bad record is refused by the schema, and by the reader's converter."""
    assert _errors(RECORD_VALIDATOR, record) != []
    with pytest.raises((BaseValidationError, InvalidValueError)):
        _structure(record)


VALID_EDGES: dict[str, dict[str, Any]] = {
    "lower-case x in a citizen ID": _edit(
        CHILD_LINE,
        lambda r: r.update(citizen_id="43312220140809044x", birth_date="2014-08-09", sex="female"),
    ),
    "null for an optional field": _edit(
        CHILD_LINE, lambda r: r.update(citizen_id=None, disability=None)
    ),
    "null end of a dated fact": _edit(CHILD_LINE, _set("residences.0.end", None)),
    "12-digit form of a county": _edit(DIVISION_LINE, _set("code", "433122000000")),
    "zero county of a city without counties": _edit(DIVISION_LINE, _set("code", "441900003")),
    "decimal area": _edit(POINT_LINE, _set("floor_area_m2", 42.5)),
    "duplicate values in a set": _edit(WORKER_LINE, _set("posts", ["livelihood_assistant"] * 2)),
    "training result unknown": _edit(WORKER_LINE, _set("trainings.0.passed", None)),
}


@pytest.mark.parametrize("record", VALID_EDGES.values(), ids=VALID_EDGES)
def test_records_the_reader_accepts_are_accepted(record: dict[str, Any]) -> None:
    """Less common but valid forms are accepted by the schema and the reader alike."""
    assert _errors(RECORD_VALIDATOR, record) == []
    _structure(record)


@pytest.mark.parametrize(
    "line",
    [
        {k: v for k, v in DIVISION_LINE.items() if k != "record"},
        {**DIVISION_LINE, "record": "teacher"},
        {**DIVISION_LINE, "record": "worker"},
    ],
    ids=["no record key", "unknown kind", "kind of another record"],
)
def test_a_line_must_name_its_kind(line: dict[str, Any]) -> None:
    """A JSON Lines record without a valid ``record`` key, or with another kind's, is refused."""
    assert _errors(RECORD_VALIDATOR, line) != []


def test_document_records_must_not_carry_the_record_key(tmp_path: Path) -> None:
    """In the document layout ``record`` is an unknown field: the schema and the reader both
    refuse it."""
    document = {"divisions": [DIVISION_LINE]}
    assert _errors(DOCUMENT_VALIDATOR, document) == [
        "divisions/0: False schema does not allow 'division'"
    ]
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = load_registry(path)
    assert [(r.location, r.path) for r in result.rejections] == [("$.divisions[0]", "$.record")]


def test_document_refuses_unknown_sections() -> None:
    """A document has only the four sections and ``format``; so has the reader's."""
    assert _errors(DOCUMENT_VALIDATOR, {"teachers": []}) != []
    assert _errors(DOCUMENT_VALIDATOR, {"format": "careprotect registry"}) == []


def test_reference_data_is_not_a_record() -> None:
    """ReferenceData and Registry are containers, not records: the schema has no def for them
    (the document layout stands for them)."""
    assert "ReferenceData" not in DEFS
    assert "Registry" not in DEFS
    assert ReferenceData not in MODEL_CLASSES
