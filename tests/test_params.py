"""Parameters: typed, dated, cited values; resolution by jurisdiction; conflicts and floors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
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
    StaleReason,
    Status,
    Unit,
    coerce_values,
    load_parameter_file,
    scope_label,
)
from careprotect.testing import divisions, stub_plugin
from support import citation_table

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
        citation_table("c", issuer="湖南省民政厅", document="湘民发〔2018〕1号")
        + """
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
    with pytest.raises(
        PluginLoadError, match=r"^p\.toml of plugin hunan: values\[0\] needs 'citation'$"
    ):
        load_parameter_file(path, HUNAN)


CITED = citation_table("c", issuer="湖南省民政厅", document="D", title="T")
USES = '[[values]]\nparameter = "x"\neffective = 2018-01-01\nvalue = 3\ncitation = "c"\n'


def test_a_value_may_cite_a_citation_registered_earlier(tmp_path: Path) -> None:
    """A plugin can keep its citations in one file: a later file's values may cite them."""
    first, second = tmp_path / "citations.toml", tmp_path / "values.toml"
    first.write_text(CITED, encoding="utf-8")
    second.write_text('[parameters.x]\nunit = "count"\nzh = "x"\nen = "x"\n' + USES)
    known, _, _ = load_parameter_file(first, HUNAN)
    _, _, values = load_parameter_file(second, HUNAN, known)
    assert [v.citation.document for v in values] == ["D"]
    with pytest.raises(PluginLoadError, match=r"values\[0\]: 'citation' names none.*\(got 'c'\)$"):
        load_parameter_file(second, HUNAN)


def test_the_engine_resolves_citations_across_a_plugins_files_in_order(tmp_path: Path) -> None:
    """Registration first, a citations file serves the plugin's later files; registered after
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


# -- one plugin per parameter and scope; floors a scope cannot undercut itself ----------------

SCATTERED_700_FROM_2019 = (
    citation_table("other", issuer="某机关", document="其〔2019〕1号")
    + """
[[values]]
parameter = "orphan.allowance.scattered"
effective = 2019-01-01
value = "{amount}"
citation = "other"
"""
)


@pytest.mark.parametrize("amount", ["700", "900"])
def test_a_second_plugin_at_hunans_scope_is_refused_naming_both(
    tmp_path: Path, amount: str
) -> None:
    """A second plugin of scope 43 giving the scattered-orphan allowance from 2019 is refused
    at load, naming the shipped Hunan plugin and itself, whether it would undercut Hunan's
    800 floor (700) or not (900): one parameter at one scope takes values from one plugin."""
    import careprotect_hunan

    other = stub_plugin(
        "other", "43", directory=tmp_path, toml=SCATTERED_700_FROM_2019.format(amount=amount)
    )
    with pytest.raises(PluginLoadError) as info:
        Engine([careprotect_hunan, other])
    message = str(info.value)
    assert message.startswith(
        "values of 'orphan.allowance.scattered' in 43 come from two plugins, "
        f"hunan {careprotect_hunan.__version__} (43) and other 0 (43);"
    )
    assert "entitlements.toml values[0]" in message
    assert f"orphan.allowance.scattered = {amount}.00 in 43 from 2019-01-01" in message
    assert "other.toml values[0]" in message
    assert "\n" not in message


def test_a_county_plugin_may_still_raise_hunans_floor(tmp_path: Path) -> None:
    """The one-plugin rule is per scope: a county plugin's own value for Luxi loads."""
    import careprotect_hunan

    luxi = stub_plugin(
        "luxi", "433122", directory=tmp_path, toml=SCATTERED_700_FROM_2019.format(amount="900")
    )
    engine = Engine([careprotect_hunan, luxi])
    found = engine.parameters.resolve(
        "orphan.allowance.scattered", Division("433122"), dt.date(2019, 1, 1)
    )
    assert (found.value, found.evidence.plugin) == (Decimal("900.00"), "luxi")


def own(
    v: str, effective: str, *, floor: bool = False, lowers: bool = False, citation: Citation = CITE2
) -> ParameterValue:
    return attrs.evolve(
        value(v, effective, "43", HUNAN, floor=floor, citation=citation), lowers_floor=lowers
    )


def test_a_province_cannot_lower_its_own_floor_silently() -> None:
    """Hunan's 800 floor from 2018, then 700 from 2021 at the same scope: refused, naming
    both values."""
    with pytest.raises(PluginLoadError) as info:
        table(own("800", "2018-01-01", floor=True), own("700", "2021-01-01"))
    assert str(info.value) == (
        "allowance = 700.00 in 43 from 2021-01-01 (plugin hunan 2 (43); 湖南省民政厅《U》"
        "(Y〔2018〕2号)) is below the earlier floor allowance = 800.00 in 43 from 2018-01-01 "
        "(plugin hunan 2 (43); 湖南省民政厅《U》(Y〔2018〕2号)) at the same scope; a value that "
        "lowers a floor says so with lowers_floor = true and cites its own source"
    )


def test_lowering_a_floor_explicitly_needs_a_citation_of_its_own() -> None:
    """lowers_floor = true lets the lower value load, but only with a source other than the
    floor's; after it, the lowered value is what later values are held to."""
    with pytest.raises(PluginLoadError, match="but cites the same source 'd'"):
        table(own("800", "2018-01-01", floor=True), own("700", "2021-01-01", lowers=True))
    t = table(
        own("800", "2018-01-01", floor=True),
        own("700", "2021-01-01", floor=True, lowers=True, citation=CITE),
        own("750", "2022-01-01"),
    )
    assert t.resolve("allowance", Division("43"), dt.date(2021, 6, 1)).value == Decimal("700.00")
    with pytest.raises(PluginLoadError, match=r"is below the earlier floor allowance = 700\.00"):
        table(
            own("800", "2018-01-01", floor=True),
            own("700", "2021-01-01", floor=True, lowers=True, citation=CITE),
            own("650", "2022-01-01"),
        )


def test_lowers_floor_on_a_value_that_lowers_nothing_is_refused() -> None:
    """A lowers_floor that lowers nothing is a mistake (a copied key, a floor since raised)."""
    with pytest.raises(PluginLoadError, match="says lowers_floor = true, but it is not below"):
        table(own("800", "2018-01-01", floor=True), own("900", "2021-01-01", lowers=True))
    with pytest.raises(PluginLoadError, match="says lowers_floor = true, but it is not below"):
        table(own("800", "2018-01-01"), own("700", "2021-01-01", lowers=True, citation=CITE))


STEPS = st.lists(st.tuples(st.integers(0, 2000), st.booleans()), min_size=1, max_size=6)


@settings(max_examples=80)
@given(steps=STEPS, day=st.dates(dt.date(2009, 1, 1), dt.date(2018, 12, 31)))
def test_a_scope_never_goes_below_its_own_earlier_floor(
    steps: list[tuple[int, bool]], day: dt.date
) -> None:
    """Property: values of one scope (one a year from 2010, some floors, none saying
    lowers_floor) load exactly when none is below an earlier floor; and when they load, the
    value in force on any day is at least every floor that took effect before it."""
    values = [own(str(a), f"{2010 + i}-01-01", floor=floor) for i, (a, floor) in enumerate(steps)]
    expected_ok = all(
        a >= max((b for b, f in steps[:i] if f), default=0) for i, (a, _) in enumerate(steps)
    )
    if not expected_ok:
        with pytest.raises(PluginLoadError, match="is below the earlier floor"):
            table(*values)
        return
    t = table(*values)
    found = t.find("allowance", Division("43"), day)
    floors = [v.value for v in values if v.floor and v.effective <= day]
    if found is not None:
        assert all(found.value >= f for f in floors)


@settings(max_examples=80)
@given(steps=STEPS)
def test_every_lowering_said_and_cited_loads(steps: list[tuple[int, bool]]) -> None:
    """Property: marking exactly the values below the standing floor with lowers_floor (each
    citing its own source) always loads, and each such value is in force from its date."""
    values, standing = [], None
    for i, (a, floor) in enumerate(steps):
        lowers = standing is not None and a < standing
        if lowers:
            standing = None
        cite = attrs.evolve(CITE, key=f"lower-{i}") if lowers else CITE2
        values.append(own(str(a), f"{2010 + i}-01-01", floor=floor, lowers=lowers, citation=cite))
        if floor and (standing is None or a >= standing):
            standing = a
    t = table(*values)
    for v in values:
        assert t.resolve("allowance", Division("4301"), v.effective).value == v.value


@settings(max_examples=60)
@given(
    first=st.lists(st.integers(0, 3000), min_size=1, max_size=3),
    second=st.lists(st.integers(0, 3000), min_size=1, max_size=3),
    scope=st.sampled_from([None, "43", "4301", "430124"]),
)
def test_values_of_one_scope_from_two_plugins_are_refused(
    first: list[int], second: list[int], scope: str | None
) -> None:
    """Property: whatever the amounts and dates, two plugins giving values of the same
    parameter at the same scope are refused, naming both."""
    a = PluginInfo(name="a", version="1", scope=None)
    b = PluginInfo(name="b", version="1", scope=None)
    values = [value(str(x), f"{2010 + 2 * i}-01-01", scope, a) for i, x in enumerate(first)]
    values += [value(str(x), f"{2011 + 2 * i}-01-01", scope, b) for i, x in enumerate(second)]
    with pytest.raises(PluginLoadError) as info:
        table(*values)
    assert f"come from two plugins, {a} and {b}" in str(info.value)


def test_lowers_floor_is_read_from_a_parameter_file(tmp_path: Path) -> None:
    """lowers_floor = true in [[values]] reaches the value; a string there is refused."""
    path = tmp_path / "p.toml"
    path.write_text(
        '[parameters.x]\nunit = "count"\nzh = "x"\nen = "x"\n'
        + CITED
        + USES
        + "lowers_floor = true\n",
        encoding="utf-8",
    )
    _, _, [v] = load_parameter_file(path, HUNAN)
    assert v.lowers_floor is True
    path.write_text(path.read_text(encoding="utf-8").replace("= true", '= "yes"'))
    with pytest.raises(PluginLoadError) as info:
        load_parameter_file(path, HUNAN)
    assert str(info.value) == (
        "p.toml of plugin hunan: values[0]: 'lowers_floor' must be true or false (got a "
        "string 'yes')"
    )


# -- values that may be stale ------------------------------------------------------------------

ASSUMED = attrs.evolve(CITE, key="a", status=Status.ASSUMED, note="a modelling choice")


def test_stale_lists_old_and_assumed_values_in_force() -> None:
    """As of 2026-12-03: the national 600 of 2010 is old (203 months); Hunan's 800 of 2024-06
    is not (29 months), but Hubei's value resting on an assumed citation is; a value no
    longer in force (the national 500 of 2005) and a scope's superseded value are not listed.
    By parameter, then the wider scope first (42 before 43)."""
    hubei = PluginInfo(name="hubei", version="1", scope=Division("42"))
    t = table(
        value("500", "2005-01-01", None),
        value("600", "2010-01-01", None, floor=True),
        value("700", "2018-01-01", "43", HUNAN),
        value("800", "2024-06-01", "43", HUNAN),
        value("650", "2025-01-01", "42", hubei, citation=ASSUMED),
    )
    got = [
        (
            s.value.parameter,
            s.value.effective.isoformat(),
            str(s.value.scope),
            s.months,
            [r.value for r in s.reasons],
        )
        for s in t.stale(dt.date(2026, 12, 3))
    ]
    assert got == [
        ("allowance", "2010-01-01", "None", 203, ["old"]),
        ("allowance", "2025-01-01", "42", 23, ["assumed"]),
    ]
    assert [s.value.effective.year for s in t.stale(dt.date(2026, 12, 3), months=24)] == [
        2010,
        2025,
        2024,
    ]


def test_only_amounts_grow_old() -> None:
    """A flag, an age limit or a waiting time of 2010 is not listed as old on 2026-12-03 (a
    definition holds until a document changes it); the amount of the same day is; an assumed
    flag is listed as assumed, not old."""
    specs = [
        SPEC,
        ParameterSpec(name="applies", unit=Unit.FLAG, zh="z", en="e", plugin=NATION),
        ParameterSpec(name="max_age", unit=Unit.YEARS, zh="z", en="e", plugin=NATION),
    ]
    values = [
        ParameterValue(
            parameter=name,
            value=raw,
            effective=dt.date(2010, 1, 1),
            scope=None,
            citation=citation,
            plugin=NATION,
        )
        for name, raw, citation in (
            ("allowance", "600", CITE),
            ("applies", True, ASSUMED),
            ("max_age", 18, CITE),
        )
    ]
    t = ParameterTable(specs, coerce_values(values, {s.name: s for s in specs}))
    got = [(s.value.parameter, [r.value for r in s.reasons]) for s in t.stale(dt.date(2026, 12, 3))]
    assert got == [("allowance", ["old"]), ("applies", ["assumed"])]


def test_stale_counts_months_as_the_calendar_does() -> None:
    """A value of 2023-12-03 is 36 months old on 2026-12-03, not older than 36: not listed;
    the next day it is."""
    t = table(value("600", "2023-12-03", None))
    assert t.stale(dt.date(2026, 12, 3)) == ()
    [stale] = t.stale(dt.date(2026, 12, 4))
    assert (stale.months, stale.reasons) == (36, (StaleReason.OLD,))
    assert stale.as_dict() == {
        "parameter": "allowance",
        "value": "600.00",
        "effective": "2023-12-03",
        "scope": "national",
        "floor": False,
        "plugin": "national",
        "version": "1",
        "age_months": 36,
        "reasons": ["old"],
        "status": "confirmed",
        "citation": {
            "text": "国务院《T》(X〔2010〕1号)",
            "status": "confirmed",
            "url": "",
            "verified": "2026-01-01",
        },
        "note": "",
    }


def test_the_shipped_orphan_floors_are_listed_as_stale() -> None:
    """With the shipped plugins, as of 2026-12-03: Hunan's orphan floors of 2018 and the
    national minimums of 2010 are listed as old."""
    engine = Engine.from_entry_points(["hunan", "hubei"])
    listed = {
        (s.value.parameter, scope_label(s.value.scope), s.value.effective.isoformat())
        for s in engine.parameters.stale(dt.date(2026, 12, 3))
        if StaleReason.OLD in s.reasons
    }
    assert {
        ("orphan.allowance.scattered", "43", "2018-01-01"),
        ("orphan.allowance.institutional", "43", "2018-01-01"),
        ("orphan.allowance.scattered", "national", "2010-01-01"),
        ("orphan.allowance.institutional", "national", "2010-01-01"),
    } <= listed


# Days of the month up to 28, where "N months later" is the same day N months on, so that the
# expected ages below need no rule for month ends.
DAYS_1_TO_28 = st.dates(dt.date(2005, 1, 1), dt.date(2031, 12, 31)).map(
    lambda d: d.replace(day=min(d.day, 28))
)


@settings(max_examples=60)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from([None, "43", "4301"]),
            DAYS_1_TO_28,
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda e: (e[0], e[1]),
    ),
    as_of=DAYS_1_TO_28,
    months=st.integers(0, 120),
)
def test_stale_lists_exactly_the_old_or_assumed_values_in_force(
    entries: list[tuple[str | None, dt.date, bool]], as_of: dt.date, months: int
) -> None:
    """Property: stale() lists, for each scope, the newest value not after the day exactly
    when it took effect more than ``months`` months before or cites an assumed source."""
    plugins = {None: NATION, "43": HUNAN, "4301": PluginInfo(name="cs", version="1", scope=None)}
    values = [
        value("600", day.isoformat(), scope, plugins[scope], citation=ASSUMED if weak else CITE)
        for scope, day, weak in entries
    ]
    expected = []
    for scope in (None, "43", "4301"):
        in_force = [v for v in values if v.scope == (scope and Division(scope))]
        in_force = [v for v in in_force if v.effective <= as_of]
        if not in_force:
            continue
        v = max(in_force, key=lambda v: v.effective)
        years, rest = divmod(
            (as_of.year - v.effective.year) * 12 + as_of.month - v.effective.month, 12
        )
        whole = years * 12 + rest - (1 if as_of.day < v.effective.day else 0)
        old = whole > months or (whole == months and as_of.day != v.effective.day)
        reasons = [r for r, yes in (("old", old), ("assumed", v.citation is ASSUMED)) if yes]
        if reasons:
            expected.append((v.effective, reasons, whole))
    got = [
        (s.value.effective, [r.value for r in s.reasons], s.months)
        for s in table(*values).stale(as_of, months)
    ]
    assert got == expected
