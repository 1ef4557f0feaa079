"""Parameters: typed, dated, cited values; resolution by jurisdiction; conflicts and floors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import Division, Engine
from careprotect.errors import ParameterError, PluginLoadError
from careprotect.params import (
    Citation,
    ParameterSpec,
    ParameterTable,
    ParameterValue,
    PluginInfo,
    Status,
    Unit,
    coerce_values,
    load_parameter_file,
)
from careprotect.testing import divisions, stub_plugin

NATION = PluginInfo(name="national", version="1", scope=None)
HUNAN = PluginInfo(name="hunan", version="2", scope=Division("43"))
OTHER = PluginInfo(name="other", version="3", scope=Division("43"))
CITE = Citation(
    key="c",
    issuer="国务院",
    document="X〔2010〕1号",
    title="T",
    status=Status.CONFIRMED,
    verified=dt.date(2026, 1, 1),
)
CITE2 = Citation(
    key="d",
    issuer="湖南省民政厅",
    document="Y〔2018〕2号",
    title="U",
    status=Status.CONFIRMED,
    verified=dt.date(2026, 1, 1),
)
SPEC = ParameterSpec(name="allowance", unit=Unit.YUAN_PER_MONTH, zh="z", en="e", plugin=NATION)


def value(
    v: Any,
    effective: str,
    scope: str | None,
    plugin: PluginInfo = NATION,
    *,
    floor: bool = False,
    citation: Citation = CITE,
) -> ParameterValue:
    return ParameterValue(
        parameter="allowance",
        value=SPEC.coerce(v),
        effective=dt.date.fromisoformat(effective),
        scope=Division(scope) if scope else None,
        floor=floor,
        citation=citation,
        plugin=plugin,
    )


def table(*values: ParameterValue) -> ParameterTable:
    return ParameterTable([SPEC], values)


def test_the_most_specific_scope_in_force_wins() -> None:
    """Hunan's value wins in Hunan from its effective date; the national one before it and
    everywhere else."""
    t = table(value("600", "2010-01-01", None, floor=True), value("800", "2018-01-01", "43", HUNAN))
    luxi = Division("433122100201")
    assert t.resolve("allowance", luxi, dt.date(2017, 12, 31)).value == Decimal("600.00")
    assert t.resolve("allowance", luxi, dt.date(2018, 1, 1)).value == Decimal("800.00")
    assert t.resolve("allowance", Division("421281"), dt.date(2018, 1, 1)).value == Decimal(
        "600.00"
    )


def test_evidence_names_value_date_scope_plugin_and_citation() -> None:
    """Each resolved value carries what it is, since when, where from and who supplied it."""
    t = table(
        value("600", "2010-01-01", None), value("800", "2018-01-01", "43", HUNAN, citation=CITE2)
    )
    ev = t.resolve("allowance", Division("4301"), dt.date(2020, 5, 1)).evidence
    assert (ev.value, ev.effective, ev.scope, ev.plugin, ev.version, ev.citation) == (
        Decimal("800.00"),
        dt.date(2018, 1, 1),
        "43",
        "hunan",
        "2",
        CITE2,
    )


def test_no_value_before_the_first_effective_date() -> None:
    """Before any value takes effect, resolve raises and find gives None."""
    t = table(value("600", "2010-01-01", None))
    assert t.find("allowance", None, dt.date(2009, 12, 31)) is None
    with pytest.raises(ParameterError, match="no value in force for national on 2009-12-31"):
        t.resolve("allowance", None, dt.date(2009, 12, 31))


def test_same_scope_and_date_is_a_conflict_naming_both_plugins() -> None:
    """Two values with the same scope and effective date fail at load, naming both."""
    with pytest.raises(PluginLoadError) as info:
        table(value("800", "2018-01-01", "43", HUNAN), value("900", "2018-01-01", "43", OTHER))
    assert "hunan 2 (43)" in str(info.value)
    assert "other 3 (43)" in str(info.value)


def test_a_value_below_a_floor_is_refused_with_both_citations() -> None:
    """Hunan cannot set 500 while the national floor of 600 is in force."""
    with pytest.raises(PluginLoadError) as info:
        table(
            value("600", "2010-01-01", None, floor=True),
            value("500", "2018-01-01", "43", HUNAN, citation=CITE2),
        )
    message = str(info.value)
    assert "is below the floor" in message
    assert "X〔2010〕1号" in message
    assert "Y〔2018〕2号" in message


def test_a_lower_value_before_the_floor_takes_effect_is_allowed() -> None:
    """A floor binds only while it is in force."""
    t = table(
        value("600", "2020-01-01", None, floor=True),
        value("500", "2018-01-01", "43", HUNAN),
        value("700", "2020-01-01", "43", HUNAN),
    )
    assert t.resolve("allowance", Division("43"), dt.date(2019, 6, 1)).value == Decimal("500.00")


def test_a_later_floor_catches_an_old_value_still_in_force() -> None:
    """If the nation raises its floor above a province's standing value, loading fails."""
    with pytest.raises(PluginLoadError, match="is below the floor"):
        table(
            value("600", "2010-01-01", None, floor=True),
            value("800", "2018-01-01", "43", HUNAN),
            value("900", "2021-01-01", None, floor=True),
        )


@settings(max_examples=60)
@given(
    national=st.lists(st.integers(0, 3000), min_size=1, max_size=3),
    local=st.lists(st.integers(0, 3000), max_size=3),
    place=divisions(within=Division("43")),
    day=st.dates(dt.date(2009, 1, 1), dt.date(2030, 12, 31)),
)
def test_resolution_never_goes_below_a_floor_in_force(
    national: list[int], local: list[int], place: Division, day: dt.date
) -> None:
    """Property: whenever a table loads, the value resolved anywhere is never below the
    national floor in force that day."""
    values = [
        value(str(a), f"{2010 + 3 * i}-01-01", None, floor=True) for i, a in enumerate(national)
    ]
    values += [value(str(a), f"{2011 + 3 * i}-07-01", "43", HUNAN) for i, a in enumerate(local)]
    try:
        t = table(*values)
    except PluginLoadError:
        return
    found = t.find("allowance", place, day)
    floor = t.find("allowance", None, day)
    if floor is None:
        return
    assert found is not None
    assert found.value >= floor.value


@given(
    st.permutations(
        ["600:2010-01-01:", "800:2018-01-01:43", "900:2020-01-01:4301", "1000:2022-01-01:43"]
    )
)
def test_resolution_does_not_depend_on_the_order_values_are_given(order: list[str]) -> None:
    """Property: the same values in any order resolve the same."""
    values = []
    for item in order:
        amount, effective, scope = item.split(":")
        values.append(value(amount, effective, scope or None, HUNAN if scope else NATION))
    t = table(*values)
    days = [dt.date(2015, 1, 1), dt.date(2019, 1, 1), dt.date(2021, 1, 1), dt.date(2023, 1, 1)]
    got = [t.resolve("allowance", Division("430124"), d).value for d in days]
    assert got == [Decimal("600.00"), Decimal("800.00"), Decimal("900.00"), Decimal("900.00")]


@pytest.mark.parametrize(
    ("unit", "raw", "message"),
    [
        (Unit.YUAN_PER_MONTH, 600.5, "must be an amount written as a string or integer"),
        (Unit.YUAN_PER_MONTH, "12.345", "at most two decimal places"),
        (Unit.COUNT, "2", "must be a whole number of count"),
        (Unit.RATIO, "1.5", "must be 0 to 1"),
        (Unit.FLAG, 1, "must be true or false"),
    ],
)
def test_values_are_checked_against_their_unit(unit: Unit, raw: Any, message: str) -> None:
    """A value of the wrong type for its unit fails at load with the parameter named."""
    spec = ParameterSpec(name="p", unit=unit, zh="z", en="e", plugin=NATION)
    bad = ParameterValue(
        parameter="p",
        value=raw,
        effective=dt.date(2020, 1, 1),
        scope=None,
        citation=CITE,
        plugin=NATION,
    )
    with pytest.raises(PluginLoadError, match="value of 'p' from 2020-01-01") as info:
        coerce_values([bad], {"p": spec})
    assert message in str(info.value)


def test_parameter_file_values_default_to_the_plugin_scope(tmp_path: Path) -> None:
    """A value without a scope takes the plugin's; one outside it is refused."""
    path = tmp_path / "p.toml"
    path.write_text(
        """
[citations.c]
issuer = "湖南省民政厅"
document = "湘民发〔2018〕1号"
title = "t"
status = "confirmed"
verified = 2026-11-23

[parameters."x"]
unit = "count"
zh = "z"
en = "e"

[[values]]
parameter = "x"
effective = 2018-01-01
value = 3
citation = "c"

[[values]]
parameter = "x"
effective = 2019-01-01
value = 4
scope = "4301"
citation = "c"
""",
        encoding="utf-8",
    )
    citations, specs, values = load_parameter_file(path, HUNAN)
    assert list(citations) == ["c"]
    assert [s.name for s in specs] == ["x"]
    assert [(v.scope, v.value) for v in values] == [(Division("43"), 3), (Division("4301"), 4)]
    path.write_text(
        path.read_text(encoding="utf-8").replace('scope = "4301"', 'scope = "42"'), encoding="utf-8"
    )
    with pytest.raises(PluginLoadError, match="has scope 42, outside the plugin's scope 43"):
        load_parameter_file(path, HUNAN)


def test_a_value_without_a_citation_is_refused(tmp_path: Path) -> None:
    """Nothing is uncited: a value must name one of the file's citations."""
    path = tmp_path / "p.toml"
    path.write_text(
        '[[values]]\nparameter = "x"\neffective = 2018-01-01\nvalue = 3\n', encoding="utf-8"
    )
    with pytest.raises(PluginLoadError, match=r"values\[0\] needs a 'citation'"):
        load_parameter_file(path, HUNAN)


CITED = """[citations.c]
issuer = "湖南省民政厅"
document = "D"
title = "T"
status = "confirmed"
verified = 2026-11-23
"""
USES = '[[values]]\nparameter = "x"\neffective = 2018-01-01\nvalue = 3\ncitation = "c"\n'


def test_a_value_may_cite_a_citation_registered_earlier(tmp_path: Path) -> None:
    """A plugin can keep its citations in one file: a later file's values may cite them."""
    first, second = tmp_path / "citations.toml", tmp_path / "values.toml"
    first.write_text(CITED, encoding="utf-8")
    second.write_text('[parameters.x]\nunit = "count"\nzh = "x"\nen = "x"\n' + USES)
    known, _, _ = load_parameter_file(first, HUNAN)
    _, _, values = load_parameter_file(second, HUNAN, known)
    assert [v.citation.document for v in values] == ["D"]
    with pytest.raises(PluginLoadError, match=r"values\[0\] needs a 'citation'.*got 'c'"):
        load_parameter_file(second, HUNAN)


def test_the_engine_resolves_citations_across_a_plugins_files_in_order(tmp_path: Path) -> None:
    """Registered first, a citations file serves the plugin's later files; registered after
    them, it does not, and the engine says which value and which key."""
    first, second = tmp_path / "citations.toml", tmp_path / "values.toml"
    first.write_text(CITED, encoding="utf-8")
    second.write_text('[parameters.x]\nunit = "count"\nzh = "x"\nen = "x"\n' + USES)
    engine = Engine([stub_plugin("hn", "43", files=[first, second])], national=False)
    found = engine.parameters.find("x", Division("43"), dt.date(2020, 1, 1))
    assert found is not None
    assert found.value == 3
    with pytest.raises(PluginLoadError, match=r"values.toml of plugin hn.*got 'c'"):
        Engine([stub_plugin("hn", "43", files=[second, first])], national=False)
