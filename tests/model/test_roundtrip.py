"""Round trips of every model class: converter, JSON text, and the registry writer and reader."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import careprotect.model
from careprotect import (
    Division,
    DivisionRecord,
    ReferenceData,
    ServicePoint,
    ServicePointKind,
    load_registry,
    make_converter,
    write_registry,
)
from careprotect.convert import fast_structurer
from careprotect.io import dumps
from careprotect.model import Registry
from careprotect.testing import strategies

# One strategy for each model class, keyed by the class name.
STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "Agreement": strategies.agreements(),
    "Child": strategies.children(),
    "Contact": strategies.contacts(),
    "Disability": strategies.disabilities(),
    "Disqualification": strategies.disqualifications(),
    "DivisionRecord": strategies.division_records(),
    "Enrolment": strategies.enrolments(),
    "EntrustmentNotice": strategies.entrustment_notices(),
    "Guardianship": strategies.guardianships(),
    "Hardship": strategies.hardships(),
    "ModelDesignation": strategies.model_designations(),
    "Pairing": strategies.pairings(),
    "ParentContact": strategies.parent_contacts(),
    "ParentSituation": strategies.parent_situations(),
    "ReferenceData": strategies.reference_data(),
    "Referral": strategies.referrals(),
    "Registry": strategies.registries(max_children=3),
    "Report": strategies.reports(),
    "Residence": strategies.residences(),
    "ServiceAgreement": strategies.service_agreements(),
    "ServicePoint": strategies.service_points(),
    "Training": strategies.trainings(),
    "Worker": strategies.workers(),
}

CLASS_NAMES = sorted(STRATEGIES)


def _through_json(data: Any) -> Any:
    """``data`` written as JSON text the way the registry writer writes it (io.dumps), and
    read back the way the reader reads it (decimals kept exact)."""
    return json.loads(dumps(data), parse_float=Decimal)


def test_every_model_class_has_a_round_trip_strategy() -> None:
    """The round trips below cover every class careprotect.model exports."""
    assert sorted(careprotect.model.__all__) == CLASS_NAMES


class _Everything:
    """Ids of every kind: the fast path is told that any reference is known."""

    def __contains__(self, item: object) -> bool:
        return True


@pytest.mark.parametrize("name", CLASS_NAMES)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_the_generated_fast_path_reads_what_the_strict_path_reads(
    name: str, data: st.DataObject
) -> None:
    """For every model class, the fast path generated from it gives, from the plain data of
    any value the strategies make, the strict path's object (every reference known)."""
    conv = make_converter()
    value = data.draw(STRATEGIES[name])
    cls = getattr(careprotect.model, name)
    plain = _through_json(conv.unstructure(value))
    references = {"worker": _Everything(), "service_point": _Everything()}
    fast, strict = fast_structurer(cls, references)(plain), conv.structure(plain, cls)
    assert fast == strict == value
    assert repr(fast) == repr(strict)  # sets built in the same order too


@pytest.mark.parametrize("name", CLASS_NAMES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_converter_round_trip(name: str, data: st.DataObject) -> None:
    """structure(unstructure(x)) gives back x, and x has the class of its name."""
    conv = make_converter()
    value = data.draw(STRATEGIES[name])
    cls = getattr(careprotect.model, name)
    assert type(value) is cls
    assert conv.structure(conv.unstructure(value), cls) == value


@pytest.mark.parametrize("name", CLASS_NAMES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_json_text_round_trip(name: str, data: st.DataObject) -> None:
    """Unstructured data survives JSON text (as the writer encodes it) and structures back."""
    conv = make_converter()
    value = data.draw(STRATEGIES[name])
    cls = type(value)
    assert conv.structure(_through_json(conv.unstructure(value)), cls) == value


def test_json_round_trip_of_a_service_point_keeps_its_areas() -> None:
    """Areas are written as JSON numbers with their own digits (50.50, 60.00) and read back as
    equal Decimals."""
    conv = make_converter()
    point = ServicePoint(
        id="P1",
        kind=ServicePointKind.CHILDRENS_HOME,
        name="青山儿童之家",
        division=Division("430124101201"),
        floor_area_m2=Decimal("50.50"),
        outdoor_area_m2=Decimal("60.00"),
    )
    text = dumps(conv.unstructure(point))
    assert '"floor_area_m2": 50.50' in text
    assert '"outdoor_area_m2": 60.00' in text
    data = json.loads(text, parse_float=Decimal)
    assert data["floor_area_m2"] == Decimal("50.50")
    assert conv.structure(data, ServicePoint) == point


def test_json_round_trip_keeps_every_digit_of_an_area() -> None:
    """An area with 19 significant digits is read back with every digit (never through
    binary floating point)."""
    conv = make_converter()
    point = ServicePoint(
        id="P1",
        kind=ServicePointKind.CHILDRENS_HOME,
        name="青山儿童之家",
        division=Division("430124101201"),
        floor_area_m2=Decimal("12345678901234567.89"),
    )
    loaded = conv.structure(_through_json(conv.unstructure(point)), ServicePoint)
    assert loaded.floor_area_m2 == Decimal("12345678901234567.89")
    assert loaded == point


@settings(max_examples=100)
@given(
    area=st.decimals(min_value=0, allow_nan=False, allow_infinity=False),
    point=strategies.service_points(),
)
def test_json_round_trip_keeps_any_area_exactly(area: Decimal, point: ServicePoint) -> None:
    """Any finite area, whatever its digits or exponent, reads back as an equal Decimal."""
    conv = make_converter()
    point = attrs.evolve(point, floor_area_m2=area)
    loaded = conv.structure(_through_json(conv.unstructure(point)), ServicePoint)
    assert loaded.floor_area_m2 == area
    assert loaded == point


def _write_and_load(
    directory: Path, registry: Registry, layout: Literal["lines", "document"]
) -> tuple[Registry, int]:
    suffix = ".jsonl" if layout == "lines" else ".json"
    path = directory / f"registry{suffix}"
    written = write_registry(path, registry.reference, registry.children, layout=layout)
    result = load_registry(path)
    assert result.rejections == ()
    assert result.counts.rejected == 0
    return result.registry, written


@pytest.mark.parametrize("layout", ["lines", "document"])
@settings(max_examples=30, deadline=None)
@given(registry=strategies.consistent_registries())
def test_registry_round_trip_through_files(
    tmp_path_factory: pytest.TempPathFactory,
    layout: Literal["lines", "document"],
    registry: Registry,
) -> None:
    """A consistent registry written by write_registry is read back whole by load_registry:
    no rejection, equal reference data, equal children in the same order."""
    loaded, written = _write_and_load(tmp_path_factory.mktemp(layout), registry, layout)
    assert written == len(registry.children)
    assert loaded.reference == registry.reference
    assert loaded.children == registry.children
    assert loaded == registry


@pytest.mark.parametrize("layout", ["lines", "document"])
def test_registry_round_trip_of_an_empty_registry(
    tmp_path: Path, layout: Literal["lines", "document"]
) -> None:
    """A registry with one division and nothing else reads back as itself."""
    registry = Registry(
        reference=ReferenceData(divisions=(DivisionRecord(code=Division("43"), name="湖南省"),))
    )
    loaded, written = _write_and_load(tmp_path, registry, layout)
    assert written == 0
    assert loaded == registry
